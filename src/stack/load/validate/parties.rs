//! `[[party]]`: customers and providers, their layer and the controls they require and
//! implement.

use std::collections::HashSet;

use toml::Spanned;

use super::layers::Layers;
use super::{Ids, Validator};
use crate::stack::raw::{RawParty, SpannedStr};
use crate::stack::{Layer, Party};

impl Validator<'_> {
    /// The parties; a duplicate id is an error and is left out. Without declared layers, a
    /// party's layer is added to `layers` as a label.
    pub(super) fn parties(
        &mut self,
        raw: Vec<Spanned<RawParty>>,
        layers: &mut Layers,
        control_ids: &Ids,
    ) -> (Vec<Party>, Ids) {
        let mut parties: Vec<Party> = Vec::new();
        let mut ids = Ids::new();
        for p in raw {
            let line = self.line(p.span().start);
            let p = p.into_inner();
            self.check_id("party", &p.id);
            if ids.contains_key(p.id.get_ref().as_str()) {
                self.error(
                    p.id.span().start,
                    format!("duplicate party id `{}`", p.id.get_ref()),
                    Some("each [[party]] needs its own id".into()),
                );
                continue;
            }
            let layer = p.layer.as_ref().and_then(|l| self.party_layer(l, layers));
            ids.insert(p.id.get_ref().clone(), parties.len() as u32);
            let name = p
                .name
                .map_or_else(|| p.id.get_ref().clone(), Spanned::into_inner);
            let mut party = Party::new(p.id.into_inner(), name, layer, line);
            party.notes = p.notes.map(Spanned::into_inner);
            let mut seen = HashSet::new();
            for r in &p.requires {
                if let Some(c) = self.reference("control", r, control_ids)
                    && seen.insert(c)
                {
                    party.requires.push(c);
                }
            }
            let implements: Vec<u32> = p
                .implements
                .iter()
                .filter_map(|i| self.reference("control", i, control_ids))
                .collect();
            party = party.with_implements(implements);
            parties.push(party);
        }
        (parties, ids)
    }

    /// A party's `layer`: a declared layer, or, when none are declared, a label.
    fn party_layer(&mut self, layer: &SpannedStr, layers: &mut Layers) -> Option<u32> {
        if layers.declared {
            return self.reference("layer", layer, &layers.ids);
        }
        // Without declared layers, layers are just labels, in order of first use.
        let next = layers.list.len() as u32;
        let idx = *layers.ids.entry(layer.get_ref().clone()).or_insert(next);
        if idx == next {
            self.check_id("layer", layer);
            layers.list.push(Layer {
                id: layer.get_ref().clone(),
                name: layer.get_ref().clone(),
            });
        }
        Some(idx)
    }
}
