//! Report rendering: a [`Report`] and its stack → text, JSON, Markdown, diagrams, or the
//! responsibility matrix as CSV or a workbook. One file per format;
//! each escapes every string from the stack for its own medium.

pub mod catalog;
pub mod csv;
pub mod diff;
pub mod dot;
pub mod html;
pub mod json;
pub mod markdown;
pub mod matrix;
pub mod mermaid;
pub mod sarif;
pub mod schema;
pub mod text;
pub mod xlsx;

use crate::analysis::{BlastRadius, FixFirst, Report, WhatIf};
use crate::stack::{Entry, HandoffIdx, Stack};

/// Everything a report needs: the stack, its analysis and the what-ifs it was made under.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The stack analysed.
    pub stack: &'a Stack,
    /// Its findings and notes.
    pub report: &'a Report,
    /// The what-ifs in force.
    pub what_if: &'a WhatIf,
    /// Blast radius, when asked for.
    pub blast: Option<&'a [BlastRadius]>,
    /// Fix first (SPEC §9), when asked for: the changes that close the most gaps, best first.
    pub fix_first: Option<&'a [FixFirst]>,
}

impl Context<'_> {
    /// The ids of the parties switched off, sorted as bytes.
    pub fn without_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .what_if
            .without()
            .map(|p| self.stack.party(p).id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// `consumer → provider` with ` (service)` when the hand-off has one.
pub fn handoff_label(stack: &Stack, h: HandoffIdx) -> String {
    let h = stack.handoff(h);
    let mut s = format!(
        "{} → {}",
        stack.party(h.consumer).id,
        stack.party(h.provider).id
    );
    if let Some(service) = &h.service {
        s.push_str(&format!(" ({service})"));
    }
    s
}

/// The entry a hand-off finding is about (`None` for a party finding).
pub fn entry_of<'s>(stack: &'s Stack, f: &crate::analysis::Finding) -> Option<&'s Entry> {
    let h = stack.handoff(f.handoff()?);
    h.entries.iter().find(|e| e.control == f.control)
}

/// The `ref` of the entry a hand-off finding is about, if it has one.
pub fn reference<'s>(stack: &'s Stack, f: &crate::analysis::Finding) -> Option<&'s str> {
    entry_of(stack, f).and_then(|e| e.reference.as_deref())
}

/// The stackgap version written into every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Per hand-off: its gap and warning counts, for diagrams that colour hand-offs by their worst
/// finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandoffTally {
    /// Gaps at the hand-off.
    pub gaps: usize,
    /// Warnings at the hand-off.
    pub warnings: usize,
}

impl HandoffTally {
    /// The worst severity at the hand-off, if any finding.
    pub fn worst(&self) -> Option<crate::analysis::Severity> {
        use crate::analysis::Severity;
        if self.gaps > 0 {
            Some(Severity::Gap)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else {
            None
        }
    }

    /// `2 gaps, 1 warning`, or `ok`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.gaps > 0 {
            parts.push(format!(
                "{} gap{}",
                self.gaps,
                if self.gaps == 1 { "" } else { "s" }
            ));
        }
        if self.warnings > 0 {
            parts.push(format!(
                "{} warning{}",
                self.warnings,
                if self.warnings == 1 { "" } else { "s" }
            ));
        }
        if parts.is_empty() {
            "ok".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Gap and warning counts of every hand-off, indexed like `stack.handoffs` (accepted findings
/// are left out: they are no longer what a diagram should draw attention to).
pub fn tally_handoffs(stack: &Stack, report: &Report) -> Vec<HandoffTally> {
    let mut tally = vec![HandoffTally::default(); stack.handoffs.len()];
    for f in report
        .by_control
        .iter()
        .flatten()
        .filter(|f| f.accepted.is_none())
    {
        if let Some(h) = f.handoff() {
            match f.severity() {
                crate::analysis::Severity::Gap => tally[h as usize].gaps += 1,
                crate::analysis::Severity::Warning => tally[h as usize].warnings += 1,
            }
        }
    }
    tally
}

/// The parties of each layer, top first; parties without a layer come last, in one group.
pub fn parties_by_layer(stack: &Stack) -> Vec<(Option<u32>, Vec<u32>)> {
    let mut groups: Vec<(Option<u32>, Vec<u32>)> = (0..stack.layers.len() as u32)
        .map(|l| (Some(l), Vec::new()))
        .collect();
    let mut unlayered = Vec::new();
    for (i, p) in stack.parties.iter().enumerate() {
        match p.layer {
            Some(l) => groups[l as usize].1.push(i as u32),
            None => unlayered.push(i as u32),
        }
    }
    groups.retain(|g| !g.1.is_empty());
    if !unlayered.is_empty() {
        groups.push((None, unlayered));
    }
    groups
}

/// Where a group of findings stands in a report: a hand-off, or a party's own requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The findings at one hand-off.
    Handoff(HandoffIdx),
    /// A party's own requirements.
    Party(u32),
}

impl Group {
    /// The group's title, unescaped: `consumer → provider (service)` and the agreement, joined
    /// by `sep`; or `party` and `own`.
    pub fn title(self, stack: &Stack, sep: &str, own: &str) -> (String, Option<String>) {
        match self {
            Group::Handoff(h) => (
                handoff_label(stack, h),
                stack
                    .handoff(h)
                    .agreement
                    .clone()
                    .map(|a| format!("{sep}{a}")),
            ),
            Group::Party(p) => (format!("{}{own}", stack.party(p).id), None),
        }
    }
}

/// The findings in report order, grouped by hand-off, then by party.
pub fn grouped<'r>(
    stack: &Stack,
    report: &'r Report,
) -> Vec<(Group, Vec<&'r crate::analysis::Finding>)> {
    use crate::analysis::Place;
    let mut groups: Vec<(Group, Vec<&crate::analysis::Finding>)> = Vec::new();
    for f in report.sorted(stack) {
        let group = match f.place {
            Place::Handoff { handoff, .. } => Group::Handoff(handoff),
            Place::Party(p) => Group::Party(p),
        };
        match groups.last_mut() {
            Some((g, list)) if *g == group => list.push(f),
            _ => groups.push((group, vec![f])),
        }
    }
    groups
}
