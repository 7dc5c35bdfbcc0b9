//! `[[handoff]]`: a consumer relying on a provider for the controls it lists, plus those a
//! responsibility template (`model`) adds. Two different parties, and one hand-off per
//! consumer, provider and service.

use std::collections::HashSet;

use toml::Spanned;

use super::{Ids, Validator};
use crate::stack::raw::RawHandoff;
use crate::stack::{Cites, Control, Document, Entry, Handoff, ServiceModel, catalog};

impl Validator<'_> {
    /// The hand-offs; one naming an unknown party, itself twice, or the same consumer,
    /// provider and service as an earlier one is left out.
    pub(super) fn handoffs(
        &mut self,
        raw: Vec<Spanned<RawHandoff>>,
        controls: (&[Control], &Ids),
        party_ids: &Ids,
        documents: (&[Document], &Ids),
    ) -> Vec<Handoff> {
        let mut handoffs = Vec::new();
        let mut triples: HashSet<(u32, u32, Option<String>)> = HashSet::new();
        for h in raw {
            let line = self.line(h.span().start);
            let h = h.into_inner();
            let consumer = self.reference("party", &h.consumer, party_ids);
            let provider = self.reference("party", &h.provider, party_ids);
            let model = h.model.as_ref().and_then(|m| {
                self.enumeration(m, "model", ServiceModel::parse, &["iaas", "paas", "saas"])
            });
            let (mut entries, listed) = self.entries(&h.controls, controls, documents);
            if let Some(model) = model {
                entries.extend(template_entries(model, controls.0, &listed, line));
            }
            let (Some(consumer), Some(provider)) = (consumer, provider) else {
                continue;
            };
            if consumer == provider {
                self.error(h.provider.span().start, format!("hand-off from `{}` to itself", h.consumer.get_ref()), Some("a hand-off needs two different parties; to say a party does it itself, list the control in its `implements`".into()));
                continue;
            }
            let service = h.service.map(Spanned::into_inner);
            if !triples.insert((consumer, provider, service.clone())) {
                let what = service
                    .as_deref()
                    .map(|s| format!(" for service {s:?}"))
                    .unwrap_or_default();
                self.error(
                    h.consumer.span().start,
                    format!(
                        "duplicate hand-off from `{}` to `{}`{what}",
                        h.consumer.get_ref(),
                        h.provider.get_ref()
                    ),
                    Some("merge the two, or set a different `service` on each".into()),
                );
                continue;
            }
            handoffs.push(Handoff {
                consumer,
                provider,
                service,
                agreement: h.agreement.map(Spanned::into_inner),
                model,
                entries,
                line,
            });
        }
        handoffs
    }
}

/// The entries a responsibility template adds (SPEC §6): every built-in control of the catalog
/// not listed, agreed as the conventional split for the model, at the hand-off's line.
fn template_entries<'c>(
    model: ServiceModel,
    controls: &'c [Control],
    listed: &'c HashSet<u32>,
    line: u32,
) -> impl Iterator<Item = Entry> + 'c {
    controls.iter().enumerate().filter_map(move |(ci, c)| {
        let ci = ci as u32;
        if !c.builtin || listed.contains(&ci) {
            return None;
        }
        let b = catalog::find(&c.id)?;
        Some(Entry {
            control: ci,
            agreed: Some(catalog::template_owner(b, model)),
            assumed: None,
            evidence: Cites::Default,
            expires: None,
            reference: None,
            from_template: true,
            line,
        })
    })
}
