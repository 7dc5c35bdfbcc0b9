//! `[[accept]]`: risks the reviewer accepts (SPEC §6), each naming a control, a finding kind and
//! a place — a party, or a hand-off by its consumer, provider and service.

use std::collections::HashMap;

use toml::Spanned;

use super::{Ids, Validator};
use crate::stack::raw::RawAccept;
use crate::stack::{Accept, AcceptPlace, Handoff, Kind};

/// Hand-offs by consumer, provider and service.
type HandoffAt<'h> = HashMap<(u32, u32, Option<&'h str>), u32>;

impl Validator<'_> {
    /// The accepted risks; a malformed one is an error and is left out.
    pub(super) fn accepts(
        &mut self,
        raw: Vec<Spanned<RawAccept>>,
        control_ids: &Ids,
        party_ids: &Ids,
        handoffs: &[Handoff],
    ) -> Vec<Accept> {
        let handoff_at: HandoffAt = handoffs
            .iter()
            .enumerate()
            .map(|(i, h)| ((h.consumer, h.provider, h.service.as_deref()), i as u32))
            .collect();
        let mut accepts = Vec::new();
        for a in raw {
            let line = self.line(a.span().start);
            let header_at = a.span().start;
            let a = a.into_inner();
            let control = self.reference("control", &a.control, control_ids);
            let kind = self.enumeration(
                &a.kind,
                "finding kind",
                Kind::parse,
                &Kind::ALL.map(Kind::as_str),
            );
            let until = a.until.as_ref().and_then(|u| self.date(u, "until"));
            let place = self.accept_place(&a, header_at, party_ids, &handoff_at);
            if let (Some(control), Some(kind), Some(place)) = (control, kind, place) {
                accepts.push(Accept {
                    control,
                    kind,
                    place,
                    reason: a.reason.into_inner(),
                    until,
                    by: a.by.map(Spanned::into_inner),
                    ticket: a.ticket.map(Spanned::into_inner),
                    line,
                });
            }
        }
        accepts
    }

    /// Where an accept applies. Outer `None`: the accept is malformed (an error was reported).
    /// Inner `None`: it names a hand-off that does not exist, so it can match nothing and shows
    /// as stale.
    fn accept_place(
        &mut self,
        a: &RawAccept,
        header_at: usize,
        party_ids: &Ids,
        handoff_at: &HandoffAt,
    ) -> Option<Option<AcceptPlace>> {
        match (&a.party, &a.consumer, &a.provider) {
            (Some(p), None, None) if a.service.is_none() => self
                .reference("party", p, party_ids)
                .map(|p| Some(AcceptPlace::Party(p))),
            (None, Some(c), Some(p)) => {
                let (c, p) = (
                    self.reference("party", c, party_ids),
                    self.reference("party", p, party_ids),
                );
                match (c, p) {
                    (Some(c), Some(p)) => Some(
                        handoff_at
                            .get(&(c, p, a.service.as_ref().map(|s| s.get_ref().as_str())))
                            .map(|&h| AcceptPlace::Handoff(h)),
                    ),
                    _ => None,
                }
            }
            _ => {
                self.error(header_at, "an [[accept]] needs either `party`, or `consumer` and `provider` (and optionally `service`)".into(), None);
                None
            }
        }
    }
}
