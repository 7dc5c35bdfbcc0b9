//! Blast radius (SPEC §6): for each party, how many places become gaps when it is switched off.
//! Switching a party off changes only the controls it implements or meets at a hand-off, so
//! only those controls are re-analysed.

use std::collections::HashSet;

use super::engine::Engine;
use super::{Finding, Place, Report, Severity, WhatIf};
use crate::stack::{ControlIdx, PartyIdx, Stack};

/// How many gaps one party's loss would add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlastRadius {
    /// The party switched off.
    pub party: PartyIdx,
    /// Places that become gaps (not counting the party's own needs).
    pub gaps_added: usize,
}

/// A gap's place, kind aside: (control, place).
type GapPlace = (ControlIdx, Place);

/// The blast radius of every party (on top of the what-ifs in force), sorted by gaps added
/// (most first), then id.
pub fn blast_radius(stack: &Stack, what_if: &WhatIf, base: &Report) -> Vec<BlastRadius> {
    let mut out = Vec::with_capacity(stack.parties.len());
    for p in 0..stack.parties.len() as PartyIdx {
        if what_if.is_off(p) {
            out.push(BlastRadius {
                party: p,
                gaps_added: 0,
            });
            continue;
        }
        let mut scenario = what_if.clone();
        scenario.set_off(p, true);
        let mut engine = Engine::new(stack, &scenario);
        let mut added = 0;
        for control in touched_controls(stack, p) {
            let before: HashSet<GapPlace> = gaps(&base.by_control[control as usize]).collect();
            let after = engine.control(control);
            added += gaps(&after)
                .filter(|g| !before.contains(g) && !is_own(stack, p, &g.1))
                .count();
        }
        out.push(BlastRadius {
            party: p,
            gaps_added: added,
        });
    }
    out.sort_by(|a, b| {
        b.gaps_added
            .cmp(&a.gaps_added)
            .then_with(|| stack.party(a.party).id.cmp(&stack.party(b.party).id))
    });
    out
}

fn gaps(findings: &[Finding]) -> impl Iterator<Item = GapPlace> + '_ {
    findings
        .iter()
        .filter(|f| f.severity() == Severity::Gap)
        .map(|f| (f.control, f.place))
}

/// Whether a place is the party's own need: a hand-off it consumes, or its own requirement.
fn is_own(stack: &Stack, p: PartyIdx, place: &Place) -> bool {
    match *place {
        Place::Handoff { handoff, .. } => stack.handoff(handoff).consumer == p,
        Place::Party(q) => q == p,
    }
}

/// The controls whose analysis can change when the party is switched off.
fn touched_controls(stack: &Stack, p: PartyIdx) -> Vec<ControlIdx> {
    let ix = stack.index();
    let mut controls: Vec<ControlIdx> = stack.party(p).implements().to_vec();
    for &h in ix.consumes[p as usize]
        .iter()
        .chain(&ix.provides[p as usize])
    {
        controls.extend(stack.handoff(h).entries.iter().map(|e| e.control));
    }
    controls.sort_unstable();
    controls.dedup();
    controls
}
