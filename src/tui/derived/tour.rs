//! The guided tour's order (`t`): the open findings of a report, worst first — the
//! no-mans-lands, then the broken chains, then the other gaps, then the warnings — and within
//! each group in tree order, so the tour walks from the customer down, hand-off by hand-off.
//! Computed once per report, when the tour starts, and dropped when the findings change.

use crate::analysis::{Finding, Kind, Place, Report, Severity};
use crate::stack::{ControlIdx, Stack};
use crate::tui::tree::{RowRef, Tree};

/// One stop of the tour: a finding by what identifies it across re-analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// The control.
    pub control: ControlIdx,
    /// Where the finding is.
    pub place: Place,
    /// What kind it is.
    pub kind: Kind,
}

impl Stop {
    /// The finding this stop stands for in a report, if it is still there.
    pub fn finding<'a>(&self, report: &'a Report) -> Option<&'a Finding> {
        report
            .by_control
            .get(self.control as usize)?
            .iter()
            .find(|f| f.place == self.place && f.kind == self.kind)
    }
}

/// Which group a finding is toured in: no-mans-lands first (each side sure the other does
/// it), then broken chains (promised, but resting on nobody), the other gaps, the warnings.
fn group(kind: Kind) -> u8 {
    match kind {
        Kind::NoMansLand => 0,
        Kind::BrokenChain => 1,
        k if k.severity() == Severity::Gap => 2,
        _ => 3,
    }
}

/// The open findings of a report (accepted risks are handled, and left out), worst first.
pub fn order(stack: &Stack, report: &Report, tree: &Tree) -> Vec<Stop> {
    let mut keyed: Vec<_> = report
        .by_control
        .iter()
        .flatten()
        .filter(|f| f.accepted.is_none())
        .map(|f| {
            let row = match f.place {
                Place::Handoff { handoff, .. } => RowRef::Handoff(handoff),
                Place::Party(p) => tree.party_row(p),
            };
            let side = match f.place {
                Place::Handoff { side, .. } => side,
                Place::Party(_) => None,
            };
            let key = (
                group(f.kind),
                tree.order_of(stack, row),
                f.kind,
                stack.control(f.control).id.as_str(),
                side,
            );
            (
                key,
                Stop {
                    control: f.control,
                    place: f.place,
                    kind: f.kind,
                },
            )
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, stop)| stop).collect()
}
