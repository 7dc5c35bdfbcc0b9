//! What changed (`D`): the findings added, removed and changed since the file was loaded and
//! since it was last saved, worded by `stackgap diff`'s own code. Each baseline keeps the stack,
//! the what-ifs and the report of its moment; the explorer never adds or removes parties or
//! hand-offs, so a place keeps its index and each control's findings (sorted by place) are
//! walked side by side in one pass. Only the places that differ are worded.

use std::cmp::Ordering;

use crate::analysis::{Finding, Place, Report, Severity, WhatIf};
use crate::report::Context;
use crate::report::diff::{self, Change};
use crate::stack::{ControlIdx, Stack};

/// The findings of one moment, to compare the current ones with.
#[derive(Debug)]
struct Snapshot {
    stack: Stack,
    what_if: WhatIf,
    report: Report,
}

impl Snapshot {
    fn of(stack: &Stack, what_if: &WhatIf, report: &Report) -> Snapshot {
        Snapshot {
            stack: stack.clone(),
            what_if: what_if.clone(),
            report: report.clone(),
        }
    }

    fn context(&self) -> Context<'_> {
        Context {
            stack: &self.stack,
            report: &self.report,
            what_if: &self.what_if,
            blast: None,
            fix_first: None,
        }
    }
}

/// One difference: where it is, so Enter can go there, and the change as `stackgap diff`
/// words it.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    /// The control.
    pub control: ControlIdx,
    /// The place.
    pub place: Place,
    /// The change.
    pub change: Change,
    /// The line `stackgap diff` prints for it.
    pub text: String,
}

/// A line of the changes view: a section's heading, or one of its changes.
#[derive(Debug, Clone)]
pub enum Line {
    /// The heading of a section, with its summary.
    Heading(String),
    /// A change of the section above.
    Change(Box<ChangeLine>),
}

/// The changes since loading and since the last save.
#[derive(Debug)]
pub struct Changes {
    loaded: Snapshot,
    /// `None` until a save: the file as saved is then the file as loaded.
    saved: Option<Snapshot>,
    /// Since loading, in `stackgap diff` order.
    pub since_load: Vec<ChangeLine>,
    /// Since the last save (empty before one).
    pub since_save: Vec<ChangeLine>,
    /// Since loading: [added, removed] × [gaps, warnings], a kind changed counting once each
    /// way (what the status bar shows beside the totals).
    pub delta: [[u32; 2]; 2],
    /// The view's lines: the sections and their changes.
    pub lines: Vec<Line>,
}

fn slot(f: &Finding) -> usize {
    usize::from(f.severity() == Severity::Warning)
}

impl Changes {
    /// Nothing changed yet: the loaded findings are the baseline.
    pub fn new(stack: &Stack, what_if: &WhatIf, report: &Report) -> Changes {
        let mut c = Changes {
            loaded: Snapshot::of(stack, what_if, report),
            saved: None,
            since_load: Vec::new(),
            since_save: Vec::new(),
            delta: [[0; 2]; 2],
            lines: Vec::new(),
        };
        c.lines = c.build_lines();
        c
    }

    /// The file was saved: the findings now are the since-save baseline.
    pub fn saved(&mut self, stack: &Stack, what_if: &WhatIf, report: &Report) {
        self.saved = Some(Snapshot::of(stack, what_if, report));
        self.since_save.clear();
        self.lines = self.build_lines();
    }

    /// The first line that is a change (the line after the first heading when there is one).
    pub fn first_change(&self) -> usize {
        self.lines
            .iter()
            .position(|l| matches!(l, Line::Change(_)))
            .unwrap_or(0)
    }

    /// Where line `was` (the line at `at` before the lines were rebuilt) is now: the same
    /// change in the same section, or the same heading; else `at`, kept in range.
    pub fn find(&self, was: Option<&Line>, at: usize) -> usize {
        let section = |i: usize| {
            self.lines[..i.min(self.lines.len())]
                .iter()
                .filter(|l| matches!(l, Line::Heading(_)))
                .count()
        };
        let same = |l: &Line| match (was, l) {
            (Some(Line::Change(a)), Line::Change(b)) => {
                (a.control, a.place, a.change.change) == (b.control, b.place, b.change.change)
            }
            _ => false,
        };
        let wanted = section(at + 1);
        self.lines
            .iter()
            .enumerate()
            .position(|(i, l)| same(l) && section(i + 1) == wanted)
            .unwrap_or(at.min(self.lines.len().saturating_sub(1)))
    }

    /// Compares the current findings with both baselines.
    pub fn refresh(&mut self, stack: &Stack, what_if: &WhatIf, report: &Report) {
        let now = Context {
            stack,
            report,
            what_if,
            blast: None,
            fix_first: None,
        };
        let mut delta = [[0; 2]; 2];
        self.since_load = walk(&self.loaded, &now, Some(&mut delta));
        self.delta = delta;
        if let Some(saved) = &self.saved {
            self.since_save = walk(saved, &now, None);
        }
        self.lines = self.build_lines();
    }

    fn build_lines(&self) -> Vec<Line> {
        let mut out = Vec::new();
        let mut section = |heading: &str, changes: &[ChangeLine]| {
            let all: Vec<Change> = changes.iter().map(|c| c.change.clone()).collect();
            out.push(Line::Heading(format!("{heading}: {}", diff::summary(&all))));
            out.extend(changes.iter().cloned().map(|c| Line::Change(Box::new(c))));
        };
        if self.saved.is_some() {
            section("Since the last save", &self.since_save);
            section("Since loading", &self.since_load);
        } else {
            section("Since loading (not saved since)", &self.since_load);
        }
        out
    }
}

/// Each control's findings then and now, walked side by side in place order; the places that
/// differ are worded, and counted into `delta` when asked.
fn walk(then: &Snapshot, now: &Context, mut delta: Option<&mut [[u32; 2]; 2]>) -> Vec<ChangeLine> {
    let old = then.context();
    let empty = Vec::new();
    let mut out = Vec::new();
    for (c, b) in now.report.by_control.iter().enumerate() {
        let a = old.report.by_control.get(c).unwrap_or(&empty);
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let ord = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => old
                    .report
                    .place_order(x.place)
                    .cmp(&now.report.place_order(y.place)),
                (Some(_), None) => Ordering::Less,
                _ => Ordering::Greater,
            };
            let (was, is) = match ord {
                Ordering::Less => (a.get(i), None),
                Ordering::Greater => (None, b.get(j)),
                Ordering::Equal => (a.get(i), b.get(j)),
            };
            i += usize::from(was.is_some());
            j += usize::from(is.is_some());
            if let (Some(x), Some(y)) = (was, is)
                && x.kind == y.kind
                && x.accepted.is_some() == y.accepted.is_some()
            {
                continue;
            }
            let Some(change) = diff::change_at(was.map(|f| (&old, f)), is.map(|f| (now, f))) else {
                continue;
            };
            if let Some(d) = delta.as_deref_mut()
                && was.map(|f| f.kind) != is.map(|f| f.kind)
            {
                if let Some(f) = is {
                    d[0][slot(f)] += 1;
                }
                if let Some(f) = was {
                    d[1][slot(f)] += 1;
                }
            }
            let f = is.or(was).expect("one side is there");
            out.push(ChangeLine {
                control: f.control,
                place: f.place,
                text: diff::line(&change),
                change,
            });
        }
    }
    out.sort_by(|x, y| x.change.place.cmp(&y.change.place));
    out
}

/// `+3 gaps −1 warning · 1 changed kind since loading`: the findings added and removed since
/// loading by what they weigh, and those whose kind changed, in `stackgap diff`'s terms (`minus`
/// is the theme's minus sign); or that nothing changed.
pub fn delta_words(since_load: &[ChangeLine], minus: &str) -> String {
    let weigh = |s: &Option<diff::Seen>| match s {
        Some(s) if s.severity == Severity::Gap.as_str() => 0,
        _ => 1,
    };
    let mut n = [[0u32; 2]; 2];
    let mut changed = 0;
    for c in since_load {
        match c.change.change {
            "added" => n[0][weigh(&c.change.new)] += 1,
            "removed" => n[1][weigh(&c.change.old)] += 1,
            "changed" => changed += 1,
            _ => {}
        }
    }
    let mut parts = Vec::new();
    for (which, one, many) in [(0, "gap", "gaps"), (1, "warning", "warnings")] {
        for (way, sign) in [(0, "+"), (1, minus)] {
            let k = n[way][which];
            if k > 0 {
                parts.push(format!("{sign}{k} {}", if k == 1 { one } else { many }));
            }
        }
    }
    if changed > 0 {
        parts.push(format!("{changed} changed kind"));
    }
    let accepts = since_load.len() - n.iter().flatten().sum::<u32>() as usize - changed;
    if accepts > 0 {
        parts.push(format!(
            "{accepts} accept{} added or dropped",
            if accepts == 1 { "" } else { "s" }
        ));
    }
    if parts.is_empty() {
        "no finding added, removed or changed since loading".into()
    } else {
        format!("{} since loading", parts.join(" "))
    }
}
