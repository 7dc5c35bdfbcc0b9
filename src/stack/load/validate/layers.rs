//! `[[layer]]`: declared layers, top (closest to the customer) first.

use toml::Spanned;

use super::{Ids, Validator};
use crate::stack::Layer;
use crate::stack::raw::RawLayer;

/// The layers known so far. When none are declared, parties add their `layer` as labels, in
/// order of first use.
pub(super) struct Layers {
    pub(super) list: Vec<Layer>,
    pub(super) ids: Ids,
    /// Whether the file declares `[[layer]]`s (then a party must name one of them).
    pub(super) declared: bool,
}

impl Validator<'_> {
    /// The declared layers; a duplicate id is an error and is left out.
    pub(super) fn layers(&mut self, raw: Vec<Spanned<RawLayer>>) -> Layers {
        let mut list = Vec::new();
        let mut ids = Ids::new();
        for l in raw {
            let l = l.into_inner();
            self.check_id("layer", &l.id);
            if ids.contains_key(l.id.get_ref().as_str()) {
                self.error(
                    l.id.span().start,
                    format!("duplicate layer id `{}`", l.id.get_ref()),
                    Some("each [[layer]] needs its own id".into()),
                );
                continue;
            }
            ids.insert(l.id.get_ref().clone(), list.len() as u32);
            let name = l
                .name
                .map_or_else(|| l.id.get_ref().clone(), Spanned::into_inner);
            list.push(Layer {
                id: l.id.into_inner(),
                name,
            });
        }
        Layers {
            declared: !list.is_empty(),
            list,
            ids,
        }
    }
}
