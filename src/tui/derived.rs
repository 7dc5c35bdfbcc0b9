//! State derived from the stack and the what-ifs, kept up to date by `update` and only read by
//! the views: the tallies the tree shows, the control view's lines, and the change in findings
//! since the file was loaded.

use std::collections::HashSet;

use crate::analysis::{Finding, Kind, Place, Report, Severity};
use crate::stack::{ControlIdx, HandoffIdx, PartyIdx, Stack};

use super::tree::Row;

/// A line of the control view: a control and its findings across the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlLine {
    /// The control.
    pub control: ControlIdx,
    /// Its gaps and warnings, accepted ones included.
    pub counts: [u32; 2],
    /// Those not accepted.
    pub open: [u32; 2],
}

/// The control view's lines: controls with findings first (most gaps, then most warnings),
/// then the rest in catalog order.
pub fn control_lines(report: &Report) -> Vec<ControlLine> {
    let mut lines: Vec<ControlLine> = report
        .by_control
        .iter()
        .enumerate()
        .map(|(c, fs)| {
            let mut line = ControlLine {
                control: c as ControlIdx,
                counts: [0; 2],
                open: [0; 2],
            };
            for f in fs {
                line.counts[slot(f)] += 1;
                if f.accepted.is_none() {
                    line.open[slot(f)] += 1;
                }
            }
            line
        })
        .collect();
    lines.sort_by_key(|l| {
        (
            l.counts == [0, 0],
            std::cmp::Reverse(l.counts[0]),
            std::cmp::Reverse(l.counts[1]),
            l.control,
        )
    });
    lines
}

/// Gap and warning counts per hand-off and per party (party findings), for the tree: all of
/// them, and those still open (not accepted), which decide the counts' colour.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    handoff: Vec<[u32; 2]>,
    party: Vec<[u32; 2]>,
    open_handoff: Vec<[u32; 2]>,
    open_party: Vec<[u32; 2]>,
}

fn slot(f: &Finding) -> usize {
    match f.severity() {
        Severity::Gap => 0,
        Severity::Warning => 1,
    }
}

impl Tally {
    /// The counts of a report.
    pub fn new(stack: &Stack, report: &Report) -> Tally {
        let mut t = Tally {
            handoff: vec![[0; 2]; stack.handoffs.len()],
            party: vec![[0; 2]; stack.parties.len()],
            open_handoff: vec![[0; 2]; stack.handoffs.len()],
            open_party: vec![[0; 2]; stack.parties.len()],
        };
        for f in report.by_control.iter().flatten() {
            t.count(f, true);
        }
        t
    }

    /// Counts a finding in (`add`) or out.
    pub fn count(&mut self, f: &Finding, add: bool) {
        let (all, open, at) = match f.place {
            Place::Handoff { handoff, .. } => {
                (&mut self.handoff, &mut self.open_handoff, handoff as usize)
            }
            Place::Party(p) => (&mut self.party, &mut self.open_party, p as usize),
        };
        let step = |n: &mut u32| *n = if add { *n + 1 } else { n.saturating_sub(1) };
        step(&mut all[at][slot(f)]);
        if f.accepted.is_none() {
            step(&mut open[at][slot(f)]);
        }
    }

    /// Gaps and warnings at a hand-off.
    pub fn at_handoff(&self, h: HandoffIdx) -> [u32; 2] {
        self.handoff[h as usize]
    }

    /// Gaps and warnings among a party's own requirements.
    pub fn at_party(&self, p: PartyIdx) -> [u32; 2] {
        self.party[p as usize]
    }

    /// What a tree row shows: its hand-off's counts, or for a root its party's own.
    pub fn of_row(&self, row: &Row) -> [u32; 2] {
        match row.handoff {
            Some(h) => self.at_handoff(h),
            None => self.at_party(row.party),
        }
    }

    /// The part of a row's counts that is not accepted.
    pub fn open_of_row(&self, row: &Row) -> [u32; 2] {
        match row.handoff {
            Some(h) => self.open_handoff[h as usize],
            None => self.open_party[row.party as usize],
        }
    }
}

/// The findings as loaded, to count what was added and removed since (kind changes count as
/// one of each, because an accepted risk covers one kind only).
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    loaded: Vec<HashSet<(Place, Kind)>>,
    /// Per control: [added, removed] × [gaps, warnings].
    per_control: Vec<[[u32; 2]; 2]>,
    /// In all: [added, removed] × [gaps, warnings].
    pub total: [[u32; 2]; 2],
}

impl Baseline {
    /// The findings of a report as loaded, nothing added or removed yet.
    pub fn new(report: &Report) -> Baseline {
        Baseline {
            loaded: report
                .by_control
                .iter()
                .map(|fs| fs.iter().map(|f| (f.place, f.kind)).collect())
                .collect(),
            per_control: vec![[[0; 2]; 2]; report.by_control.len()],
            total: [[0; 2]; 2],
        }
    }

    /// Recounts one control's change after it was re-analysed.
    pub fn control(&mut self, c: ControlIdx, findings: &[Finding]) {
        let c = c as usize;
        let now: HashSet<(Place, Kind)> = findings.iter().map(|f| (f.place, f.kind)).collect();
        let mut d = [[0u32; 2]; 2];
        for f in findings {
            if !self.loaded[c].contains(&(f.place, f.kind)) {
                d[0][slot(f)] += 1;
            }
        }
        for &(place, kind) in &self.loaded[c] {
            if !now.contains(&(place, kind)) {
                d[1][usize::from(kind.severity() == Severity::Warning)] += 1;
            }
        }
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            self.total[i][j] = self.total[i][j] - self.per_control[c][i][j] + d[i][j];
        }
        self.per_control[c] = d;
    }

    /// Recounts every control's change.
    pub fn all(&mut self, report: &Report) {
        for (c, fs) in report.by_control.iter().enumerate() {
            self.control(c as ControlIdx, fs);
        }
    }
}

/// Whether the filter keeps a row: it has findings, or its party has some below it.
pub fn keep(tally: &Tally, reach: &[bool], h: Option<HandoffIdx>, p: PartyIdx) -> bool {
    h.is_some_and(|h| tally.at_handoff(h) != [0, 0])
        || reach.get(p as usize).copied().unwrap_or(false)
}
