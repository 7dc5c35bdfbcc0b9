//! Notes (information, never gaps): cycles and layer inversions in the hand-off graph,
//! accepted risks that have expired or no longer match anything, and evidence about to expire.

use petgraph::graph::DiGraph;

use super::{Expiring, Expiry, Note, Report, WhatIf};
use crate::stack::{Owner, Stack};

/// Cycles (strongly connected components of more than one party, computed without recursion)
/// and layer inversions, in a stable order.
pub(super) fn graph_notes(stack: &Stack) -> Vec<Note> {
    let mut graph: DiGraph<u32, ()> =
        DiGraph::with_capacity(stack.parties.len(), stack.handoffs.len());
    let nodes: Vec<_> = (0..stack.parties.len() as u32)
        .map(|p| graph.add_node(p))
        .collect();
    for h in &stack.handoffs {
        graph.add_edge(nodes[h.consumer as usize], nodes[h.provider as usize], ());
    }
    let mut cycles: Vec<Vec<u32>> = petgraph::algo::kosaraju_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let mut parties: Vec<u32> = scc.into_iter().map(|n| graph[n]).collect();
            parties.sort_by(|&a, &b| stack.party(a).id.cmp(&stack.party(b).id));
            parties
        })
        .collect();
    cycles.sort_by(|a, b| stack.party(a[0]).id.cmp(&stack.party(b[0]).id));
    let mut notes: Vec<Note> = cycles.into_iter().map(Note::Cycle).collect();

    if stack.layers_declared {
        let mut inversions: Vec<u32> = (0..stack.handoffs.len() as u32)
            .filter(|&h| {
                let h = stack.handoff(h);
                matches!((stack.layer_of(h.provider), stack.layer_of(h.consumer)), (Some(p), Some(c)) if p < c)
            })
            .collect();
        inversions.sort_by(|&a, &b| handoff_key(stack, a).cmp(&handoff_key(stack, b)));
        notes.extend(inversions.into_iter().map(Note::LayerInversion));
    }
    notes
}

/// Hand-offs ordered by (consumer, provider, service — none first), ids as bytes.
pub(crate) fn handoff_key(stack: &Stack, h: u32) -> (&[u8], &[u8], Option<&[u8]>) {
    let h = stack.handoff(h);
    (
        stack.party(h.consumer).id.as_bytes(),
        stack.party(h.provider).id.as_bytes(),
        h.service.as_deref().map(str::as_bytes),
    )
}

/// `expired-accept` for accepts past `until`, `stale-accept` for current ones matching nothing.
pub(super) fn accept_notes(stack: &Stack, report: &Report) -> Vec<Note> {
    stack
        .accepts
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let i = i as u32;
            if !a.is_current(report.as_of) {
                return Some(Note::ExpiredAccept(i));
            }
            // A finding of its kind at its place, whether or not an earlier duplicate of this
            // accept is the one it reports.
            let used = report.by_control[a.control as usize].iter().any(|f| {
                f.accepted.is_some()
                    && f.kind == a.kind
                    && a.place.as_ref() == Some(&f.place.accept_place())
            });
            (!used).then_some(Note::StaleAccept(i))
        })
        .collect()
}

/// `evidence-expiring` (SPEC §7): every document, and every entry's own `expires`, in force on
/// the analysis date and expiring within the window, that an entry delivering assurance cites
/// (an entry whose effective owner is `provider` or `shared`, whether or not the chain behind
/// it delivers). Ordered by (expires, document id, consumer, provider, service, control).
/// Read from the index (entries by date, documents' citing entries), so an edit does not pay
/// for a pass over every entry.
pub(super) fn expiry_notes(stack: &Stack, what_if: &WhatIf) -> Vec<Note> {
    if what_if.expiring_within == 0 {
        return Vec::new();
    }
    let today = what_if.as_of;
    let horizon = today.add_days(i64::from(what_if.expiring_within));
    let delivers = |&(h, e): &(u32, u32)| {
        matches!(
            stack.handoff(h).entries[e as usize].owner(),
            Some(Owner::Provider | Owner::Shared)
        )
    };
    let ix = stack.index();
    let from = ix.dated.partition_point(|&(d, _, _)| d < today);
    let mut out: Vec<Expiring> = ix.dated[from..]
        .iter()
        .take_while(|&&(d, _, _)| d <= horizon)
        .filter(|&&(_, h, e)| delivers(&(h, e)))
        .map(|&(date, h, e)| Expiring {
            what: Expiry::Entry(h, e),
            expires: date,
            days_left: date.days() - today.days(),
            entries: 1,
        })
        .collect();
    for (d, doc) in stack.documents.iter().enumerate() {
        let Some(date) = doc.expires.filter(|&x| today <= x && x <= horizon) else {
            continue;
        };
        let entries = ix.citing[d].iter().filter(|at| delivers(at)).count();
        if entries > 0 {
            out.push(Expiring {
                what: Expiry::Document(d as u32),
                expires: date,
                days_left: date.days() - today.days(),
                entries,
            });
        }
    }
    out.sort_by(|a, b| expiring_key(stack, a).cmp(&expiring_key(stack, b)));
    out.into_iter().map(Note::EvidenceExpiring).collect()
}

type ExpiringKey<'s> = (
    crate::date::Date,
    Option<&'s [u8]>,
    Option<(&'s [u8], &'s [u8], Option<&'s [u8]>)>,
    Option<&'s [u8]>,
);

/// (expires, document id, hand-off, control): absent fields first, ids as bytes.
fn expiring_key<'s>(stack: &'s Stack, x: &Expiring) -> ExpiringKey<'s> {
    match x.what {
        Expiry::Document(d) => (
            x.expires,
            Some(stack.documents[d as usize].id.as_bytes()),
            None,
            None,
        ),
        Expiry::Entry(h, e) => {
            let control = stack.handoff(h).entries[e as usize].control;
            (
                x.expires,
                None,
                Some(handoff_key(stack, h)),
                Some(stack.control(control).id.as_bytes()),
            )
        }
    }
}
