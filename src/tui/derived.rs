//! State derived from the stack and the what-ifs, recomputed by `update` only when what it
//! depends on changed, and only read by the views: the findings and their tallies (open and
//! accepted apart, and what lies below the collapsed rows in view), the change since the file
//! was loaded, the tree's visible rows, the control view's lines, the blast radius ranking, the
//! fix-first list and the hand-off pane's content.

mod below;
pub mod changes;
pub mod tour;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::analysis::{
    BlastRadius, Finding, FixFirst, Note, Place, Report, Severity, WhatIf, analyse, blast_places,
    blast_radius, fix_first_unless,
};
use crate::stack::{ControlIdx, HandoffIdx, PartyIdx, Stack};
use crate::text::escape;

use super::edit::Scope;
use super::inspect::{self, Inspect};
use super::mode::Listing;
use super::theme::Theme;
use super::tree::{Row, Tree};
pub use changes::Changes;

/// Everything derived from the session's stack and what-ifs.
#[derive(Debug)]
pub struct Derived {
    /// The findings.
    pub report: Report,
    /// Their counts per hand-off and party.
    pub tally: Tally,
    /// What changed since the file was loaded and since it was last saved.
    pub changes: Changes,
    /// The tree: what is expanded, and the visible rows.
    pub tree: Tree,
    /// Per party: a finding in its own requirements or anywhere below it (for the filter).
    pub reach: Vec<bool>,
    /// The control view's lines.
    pub controls: Vec<ControlLine>,
    /// The parties ranked by blast radius (empty until computed).
    pub blast: Vec<BlastRadius>,
    /// The ranking was asked for and is computed on `Msg::Compute`, after a frame says so.
    pub blast_pending: bool,
    /// The party to select again once the ranking is recomputed.
    pub blast_for: Option<PartyIdx>,
    /// The changes that close the most gaps (empty until computed).
    pub fix: Vec<FixFirst>,
    /// The list was asked for and is computed on `Msg::Compute`, after a frame says so.
    pub fix_pending: bool,
    /// The change (party, control) to select again once the list is recomputed.
    pub fix_for: Option<(PartyIdx, ControlIdx)>,
    /// Set, from the event loop's thread, when the person stops waiting for the list.
    pub fix_stop: Arc<AtomicBool>,
    /// The hand-off pane's content.
    pub inspect: Inspect,
    /// The guided tour's stops, worst first: computed when the tour starts, dropped when the
    /// findings change.
    pub tour: Option<Vec<tour::Stop>>,
}

impl Derived {
    /// The findings of a stack, its tree with nothing expanded, no listing computed yet.
    pub fn new(stack: &Stack, what_if: &WhatIf) -> Derived {
        let report = analyse(stack, what_if);
        Derived {
            tally: Tally::new(stack, &report),
            changes: Changes::new(stack, what_if, &report),
            tree: Tree::new(stack),
            report,
            reach: Vec::new(),
            controls: Vec::new(),
            blast: Vec::new(),
            blast_pending: false,
            blast_for: None,
            fix: Vec::new(),
            fix_pending: false,
            fix_for: None,
            fix_stop: Arc::default(),
            inspect: Inspect::default(),
            tour: None,
        }
    }

    /// Starts again on a reloaded stack: new findings, tallies and baseline, and a tree with
    /// nothing expanded. The listings and the pane keep their content, so that the caller can
    /// bring them up to date keeping their selection.
    pub fn reload(&mut self, stack: &Stack, what_if: &WhatIf) {
        self.report = analyse(stack, what_if);
        self.tally = Tally::new(stack, &self.report);
        self.changes = Changes::new(stack, what_if, &self.report);
        self.tree = Tree::new(stack);
        self.tour = None;
    }

    /// Re-analyses after a change: one control for an edit, everything for a what-if.
    pub fn reanalyse(&mut self, stack: &Stack, what_if: &WhatIf, scope: Scope) {
        self.tour = None;
        match scope {
            Scope::Control(c) => {
                for f in &self.report.by_control[c as usize] {
                    self.tally.count(f, false);
                }
                self.report.reanalyse_control(stack, what_if, c);
                for f in &self.report.by_control[c as usize] {
                    self.tally.count(f, true);
                }
                self.tally.below.forget();
            }
            Scope::Everything => {
                self.report = analyse(stack, what_if);
                self.tally = Tally::new(stack, &self.report);
            }
        }
        self.changes.refresh(stack, what_if, &self.report);
    }

    /// Rebuilds the tree's visible rows; under the filter, only rows with findings and those
    /// above them.
    pub fn rebuild_rows(&mut self, stack: &Stack, filter: bool) {
        let (tally, reach) = (&self.tally, &self.reach);
        self.tree
            .rebuild(stack, &|h, p| !filter || keep(tally, reach, h, p));
    }

    /// Expands every row (those the filter keeps) up to `limit`; returns whether it stopped there.
    pub fn expand_all(&mut self, stack: &Stack, limit: usize, filter: bool) -> bool {
        let (tally, reach) = (&self.tally, &self.reach);
        self.tree
            .expand_all(stack, limit, &|h, p| !filter || keep(tally, reach, h, p))
    }

    /// Counts the open findings below each collapsed row of the tree among `rows` (those in
    /// view), for the tree to show instead of a `✓` that would hide them.
    pub fn count_below(&mut self, stack: &Stack, rows: std::ops::Range<usize>) {
        below::count(&mut self.tally, stack, &self.tree, rows);
    }

    /// Finds which parties have a finding in their own requirements or anywhere below them.
    pub fn compute_reach(&mut self, stack: &Stack) {
        let n = stack.parties.len();
        let mut reach = vec![false; n];
        let mut todo = Vec::new();
        for (p, r) in reach.iter_mut().enumerate() {
            let own = self.tally.at_party(p as PartyIdx) != [0, 0];
            let at = stack.index().consumes[p]
                .iter()
                .any(|&h| self.tally.at_handoff(h) != [0, 0]);
            if own || at {
                *r = true;
                todo.push(p);
            }
        }
        while let Some(p) = todo.pop() {
            for &h in &stack.index().provides[p] {
                let c = stack.handoff(h).consumer as usize;
                if !reach[c] {
                    reach[c] = true;
                    todo.push(c);
                }
            }
        }
        self.reach = reach;
    }

    /// Ranks the parties by blast radius.
    pub fn compute_blast(&mut self, stack: &Stack, what_if: &WhatIf) {
        self.blast = blast_radius(stack, what_if);
    }

    /// Ranks the changes that close the most gaps (SPEC §9), from the findings in force;
    /// `false`, with no list, when [`Derived::fix_stop`] was set meanwhile.
    pub fn compute_fix(&mut self, stack: &Stack, what_if: &WhatIf) -> bool {
        match fix_first_unless(stack, what_if, &self.report, &self.fix_stop) {
            Some(fix) => {
                self.fix = fix;
                true
            }
            None => {
                self.fix.clear();
                false
            }
        }
    }

    /// Whether a listing waits for `Msg::Compute`.
    pub fn pending(&self) -> bool {
        self.blast_pending || self.fix_pending
    }

    /// How many lines a listing of the left pane has.
    pub fn listing_len(&self, listing: Listing) -> usize {
        match listing {
            Listing::Tree => self.tree.rows().len(),
            Listing::Controls => self.controls.len(),
            Listing::BlastRadius => self.blast.len(),
            Listing::Expiring => self.report.expiry_notes.len(),
            Listing::FixFirst => self.fix.len(),
            Listing::Changes => self.changes.lines.len(),
        }
    }

    /// Rebuilds the hand-off pane for what is selected in the left pane: the tree's `row`, or
    /// `line` of another listing. `shown` is the stack as shown (masked in presenter mode).
    pub fn rebuild_inspect(
        &mut self,
        shown: &Stack,
        what_if: &WhatIf,
        (listing, row, line): (Listing, usize, usize),
        (theme, presenter): (Theme, bool),
    ) {
        let report = &self.report;
        self.inspect = match listing {
            Listing::Tree => {
                inspect::build(shown, report, what_if, self.tree.rows().get(row), theme)
            }
            Listing::Controls => match self.controls.get(line) {
                Some(l) => inspect::build_control(shown, report, what_if, l.control, theme),
                None => Inspect::default(),
            },
            Listing::BlastRadius => match self.blast.get(line) {
                Some(b) => blast_pane(shown, report, what_if, b, theme),
                None => Inspect::default(),
            },
            Listing::Changes => match self.changes.lines.get(line) {
                Some(changes::Line::Change(c)) => {
                    change_pane(shown, report, what_if, c, (theme, presenter))
                }
                _ => Inspect::default(),
            },
            Listing::Expiring => match report.expiry_notes.get(line) {
                Some(Note::EvidenceExpiring(x)) => {
                    inspect::build_expiring(shown, report, what_if, x, theme)
                }
                _ => Inspect::default(),
            },
            Listing::FixFirst => match self.fix.get(line) {
                Some(f) => fix_pane(shown, report, what_if, f, theme),
                None => Inspect::default(),
            },
        };
    }
}

/// The pane for a change of the fix-first list: its control's places across the stack (the
/// gaps it would close are among them), with what the change would close first.
fn fix_pane(
    shown: &Stack,
    report: &Report,
    what_if: &WhatIf,
    f: &FixFirst,
    theme: Theme,
) -> Inspect {
    let mut ins = inspect::build_control(shown, report, what_if, f.control, theme);
    ins.facts.insert(
        0,
        format!(
            "if {} implemented {}, {} gap{} would close (accepted ones included); Enter shows {} in the tree",
            escape(&shown.party(f.party).id),
            escape(&shown.control(f.control).id),
            f.gaps_closed,
            if f.gaps_closed == 1 { "" } else { "s" },
            escape(&shown.party(f.party).id),
        ),
    );
    ins
}

/// The pane for a party of the blast radius ranking: the places its failure would make gaps
/// (exactly those its count counts), each to go to with Enter.
fn blast_pane(
    shown: &Stack,
    report: &Report,
    what_if: &WhatIf,
    b: &BlastRadius,
    theme: Theme,
) -> Inspect {
    let root = Row {
        depth: 0,
        party: b.party,
        handoff: None,
        parent: None,
        has_children: false,
        expanded: false,
        cycle: false,
        last: true,
    };
    let mut ins = inspect::build(shown, report, what_if, Some(&root), theme);
    let id = escape(&shown.party(b.party).id);
    ins.facts.insert(
        0,
        format!(
            "if {id} failed, {} more place{} would be gaps (its own needs aside): Tab to them, Enter goes to one",
            b.gaps_added,
            if b.gaps_added == 1 { "" } else { "s" }
        ),
    );
    let places = blast_places(shown, what_if, b.party);
    ins.items = inspect::place_items(shown, report, what_if, &places, theme);
    ins.requirements_at = ins.items.len();
    ins.controls_heading = format!(
        "Places that would be gaps if {id} failed ({})",
        places.len()
    );
    ins.id_heading = "CONTROL AT";
    ins.requirements_heading.clear();
    ins
}

/// The pane for a line of the changes view: the pane of the place's row (its hand-off, or the
/// party for its own requirement), with the change first.
fn change_pane(
    shown: &Stack,
    report: &Report,
    what_if: &WhatIf,
    c: &changes::ChangeLine,
    (theme, presenter): (Theme, bool),
) -> Inspect {
    let (party, handoff) = match c.place {
        Place::Handoff { handoff, .. } => (shown.handoff(handoff).provider, Some(handoff)),
        Place::Party(p) => (p, None),
    };
    let row = Row {
        depth: u16::from(handoff.is_some()),
        party,
        handoff,
        parent: None,
        has_children: false,
        expanded: false,
        cycle: false,
        last: true,
    };
    let mut ins = inspect::build(shown, report, what_if, Some(&row), theme);
    let control = shown.control(c.control);
    // In presenter mode the line's place and why would name parties; the title names the
    // place as masked.
    let line = if presenter {
        crate::report::diff::brief(&c.change)
    } else {
        c.text.clone()
    };
    ins.facts.splice(
        0..0,
        [
            line,
            format!(
                "{} is {}; Enter shows it in the tree",
                escape(&control.id),
                escape(&control.name)
            ),
        ],
    );
    ins
}

/// A line of the control view: a control and its findings across the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlLine {
    /// The control.
    pub control: ControlIdx,
    /// Its gaps and warnings, accepted ones included.
    pub counts: [u32; 2],
    /// Those not accepted.
    pub open: [u32; 2],
    /// Whether a hand-off lists it or a party requires it; otherwise it is in scope nowhere,
    /// which is not the same as covered.
    pub in_scope: bool,
}

impl ControlLine {
    /// How many of its findings are accepted risks.
    pub fn accepted(&self) -> u32 {
        self.counts[0] + self.counts[1] - self.open[0] - self.open[1]
    }
}

/// The control view's lines: controls with open findings first (most gaps, then most
/// warnings), then those whose findings are all accepted, then the covered ones, then those in
/// scope nowhere; each group in catalog order.
pub fn control_lines(stack: &Stack, report: &Report) -> Vec<ControlLine> {
    let ix = stack.index();
    let mut lines: Vec<ControlLine> = report
        .by_control
        .iter()
        .enumerate()
        .map(|(c, fs)| {
            let mut line = ControlLine {
                control: c as ControlIdx,
                counts: [0; 2],
                open: [0; 2],
                in_scope: !ix.entries_of[c].is_empty() || !ix.requirers[c].is_empty(),
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
        let group = match (l.open != [0, 0], l.counts != [0, 0], l.in_scope) {
            (true, ..) => 0,
            (false, true, _) => 1,
            (false, false, true) => 2,
            (false, false, false) => 3,
        };
        (
            group,
            std::cmp::Reverse(l.open[0]),
            std::cmp::Reverse(l.open[1]),
            std::cmp::Reverse(l.accepted()),
            l.control,
        )
    });
    lines
}

/// Gap and warning counts per hand-off and per party (party findings), and in all: every
/// finding, and those still open (not accepted), which are the counts a person reads; and the
/// open findings below the collapsed rows in view.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    handoff: Vec<[u32; 2]>,
    party: Vec<[u32; 2]>,
    open_handoff: Vec<[u32; 2]>,
    open_party: Vec<[u32; 2]>,
    total: [u32; 2],
    open_total: [u32; 2],
    below: below::Below,
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
            ..Tally::default()
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
        step(&mut self.total[slot(f)]);
        if f.accepted.is_none() {
            step(&mut open[at][slot(f)]);
            step(&mut self.open_total[slot(f)]);
        }
    }

    /// Open gaps and warnings in all.
    pub fn open_total(&self) -> [u32; 2] {
        self.open_total
    }

    /// Accepted findings in all.
    pub fn accepted_total(&self) -> u32 {
        self.total[0] + self.total[1] - self.open_total[0] - self.open_total[1]
    }

    /// Gaps and warnings at a hand-off.
    pub fn at_handoff(&self, h: HandoffIdx) -> [u32; 2] {
        self.handoff[h as usize]
    }

    /// Gaps and warnings among a party's own requirements.
    pub fn at_party(&self, p: PartyIdx) -> [u32; 2] {
        self.party[p as usize]
    }

    /// What a tree row shows: its party's own requirements' counts, plus, below a root, those
    /// of the hand-off that leads to it — the findings its pane lists.
    pub fn of_row(&self, row: &Row) -> [u32; 2] {
        let own = self.at_party(row.party);
        match row.handoff {
            Some(h) => add(self.at_handoff(h), own),
            None => own,
        }
    }

    /// The part of a row's counts that is not accepted: what the row shows as ✗ and !.
    pub fn open_of_row(&self, row: &Row) -> [u32; 2] {
        let own = self.open_party[row.party as usize];
        match row.handoff {
            Some(h) => add(self.open_handoff[h as usize], own),
            None => own,
        }
    }

    /// How many of a row's findings are accepted risks, shown apart from the open ones.
    pub fn accepted_of_row(&self, row: &Row) -> u32 {
        let ([g, w], [og, ow]) = (self.of_row(row), self.open_of_row(row));
        g + w - og - ow
    }

    /// The open gaps and warnings below visible row `i`, when it is a collapsed row in view
    /// with something below it (`None` otherwise).
    pub fn below_of(&self, i: usize) -> Option<[u32; 2]> {
        self.below.of_row(i)
    }
}

/// Gap and warning counts added up.
fn add(a: [u32; 2], b: [u32; 2]) -> [u32; 2] {
    [a[0] + b[0], a[1] + b[1]]
}

/// Whether the filter keeps a row: it has findings, or its party has some in its own
/// requirements or below it.
pub fn keep(tally: &Tally, reach: &[bool], h: Option<HandoffIdx>, p: PartyIdx) -> bool {
    h.is_some_and(|h| tally.at_handoff(h) != [0, 0])
        || reach.get(p as usize).copied().unwrap_or(false)
}
