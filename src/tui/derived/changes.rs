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
    Change(ChangeLine),
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

    /// Whether a save happened since loading.
    pub fn was_saved(&self) -> bool {
        self.saved.is_some()
    }

    /// Compares the current findings with both baselines.
    pub fn refresh(&mut self, stack: &Stack, what_if: &WhatIf, report: &Report) {
        let now = Context {
            stack,
            report,
            what_if,
            blast: None,
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
            out.extend(changes.iter().cloned().map(Line::Change));
        };
        if self.saved.is_some() {
            section("Since the last save", &self.since_save);
            section("Since the file was loaded", &self.since_load);
        } else {
            section(
                "Since the file was loaded (not saved since)",
                &self.since_load,
            );
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
            let Some(change) = diff::change_at(was.map(|f| (&old, f)), is.map(|f| (now, f)))
            else {
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

/// `+3 gaps −1 warning since loading`: the delta in words (`minus` is the theme's minus sign),
/// or that nothing changed.
pub fn delta_words(delta: [[u32; 2]; 2], minus: &str) -> String {
    let mut parts = Vec::new();
    for (which, one, many) in [(0, "gap", "gaps"), (1, "warning", "warnings")] {
        for (way, sign) in [(0, "+"), (1, minus)] {
            let n = delta[way][which];
            if n > 0 {
                parts.push(format!("{sign}{n} {}", if n == 1 { one } else { many }));
            }
        }
    }
    if parts.is_empty() {
        "no gap or warning added or removed since loading".into()
    } else {
        format!("{} since loading", parts.join(" "))
    }
}
