//! `--format text`: findings grouped by hand-off, one line each with its control's name and its
//! why, then the party findings, the notes and a summary line that counts open findings and
//! accepted ones apart; then, when asked, the blast radius and the first five to fix first.
//! Colour only when asked (a terminal, no NO_COLOR).

use std::fmt::Write;

use super::{Context, handoff_label};
use crate::analysis::{Expiring, Expiry, Finding, FixFirst, Note, Report, Severity, message};
use crate::stack::{Control, Party, Stack};
use crate::text::escape;

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Renders the text report.
pub fn render(ctx: &Context, color: bool) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let without = ctx.without_ids();
    let _ = writeln!(
        out,
        "{} — {} part{}, {} hand-off{}, as of {}, min evidence {}{}",
        paint(BOLD, &escape(&stack.name)),
        stack.parties.len(),
        if stack.parties.len() == 1 { "y" } else { "ies" },
        stack.handoffs.len(),
        plural(stack.handoffs.len()),
        report.as_of,
        report.min_evidence,
        if without.is_empty() {
            String::new()
        } else {
            format!(", without {}", escape(&without.join(", ")))
        }
    );

    let groups = super::grouped(stack, report);
    for (group, findings) in &groups {
        let (label, agreement) = group.title(stack, "  [", " (own requirements)");
        let agreement = agreement
            .map(|a| format!("{}]", escape(&a)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n{}",
            paint(BOLD, &format!("{}{agreement}", escape(&label)))
        );
        for f in findings {
            let _ = writeln!(out, "  {}", line(ctx, f, color));
        }
    }
    if groups.is_empty() {
        let _ = writeln!(out, "\nNo gaps and no warnings.");
    }

    let notes: Vec<&Note> = report.notes().collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "Notes"));
        for n in notes {
            let _ = writeln!(out, "  {}", paint(DIM, &escape(&note_text(ctx, n))));
        }
    }

    let notes = report.notes().count();
    let _ = writeln!(
        out,
        "\n{}, {notes} note{}",
        Tally::of(report).phrase(),
        plural(notes)
    );
    if let Some(blast) = ctx.blast {
        let _ = writeln!(
            out,
            "\n{}",
            paint(BOLD, "Blast radius (gaps added if the party fails)")
        );
        for b in blast.iter().filter(|b| b.gaps_added > 0) {
            let _ = writeln!(
                out,
                "  {:>5}  {}",
                b.gaps_added,
                escape(&stack.party(b.party).id)
            );
        }
    }
    if let Some(fix) = ctx.fix_first {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                BOLD,
                "Fix first (gaps closed if the party implemented the control)"
            )
        );
        for f in fix.iter().take(FIX_FIRST_SHOWN) {
            let _ = writeln!(
                out,
                "  {:>5}  {}",
                f.gaps_closed,
                escape(&fix_text(stack, f))
            );
        }
        match fix.len() {
            0 => {
                let _ = writeln!(
                    out,
                    "  none: no party implementing one more control would close a gap"
                );
            }
            n if n > FIX_FIRST_SHOWN => {
                let _ = writeln!(
                    out,
                    "  … and {} more (--format json lists them all)",
                    n - FIX_FIRST_SHOWN
                );
            }
            _ => {}
        }
    }
    out
}

/// How many changes the text report's "Fix first" shows (SPEC §9: the first five).
pub const FIX_FIRST_SHOWN: usize = 5;

/// `cloudstore (Cloud Store Inc.) implements BK (Backups, Backup family)`; unescaped.
pub fn fix_text(stack: &Stack, f: &FixFirst) -> String {
    format!(
        "{} implements {}",
        named_party(stack.party(f.party)),
        described_control(stack.control(f.control))
    )
}

/// `cloudstore (Cloud Store Inc.)`, or the id alone when the party's name is its id;
/// unescaped.
pub fn named_party(party: &Party) -> String {
    if party.name.is_empty() || party.name == party.id {
        party.id.clone()
    } else {
        format!("{} ({})", party.id, party.name)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The findings counted as a reviewer reads them: the open ones (what the explorer counts and
/// `--fail-on` judges) by severity, and the accepted ones apart, by severity too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Gaps not accepted.
    pub gaps: usize,
    /// Warnings not accepted.
    pub warnings: usize,
    /// Accepted gaps.
    pub accepted_gaps: usize,
    /// Accepted warnings.
    pub accepted_warnings: usize,
}

impl Tally {
    /// Counts a report's findings.
    pub fn of(report: &Report) -> Tally {
        let mut t = Tally::default();
        for f in report.by_control.iter().flatten() {
            let n = match (f.severity(), f.accepted.is_some()) {
                (Severity::Gap, false) => &mut t.gaps,
                (Severity::Warning, false) => &mut t.warnings,
                (Severity::Gap, true) => &mut t.accepted_gaps,
                (Severity::Warning, true) => &mut t.accepted_warnings,
            };
            *n += 1;
        }
        t
    }

    /// `6 gaps, 3 warnings, 1 accepted gap`: open gaps and warnings always, accepted ones when
    /// there are any.
    pub fn phrase(&self) -> String {
        let mut out = format!(
            "{} gap{}, {} warning{}",
            self.gaps,
            plural(self.gaps),
            self.warnings,
            plural(self.warnings)
        );
        if self.accepted_gaps + self.accepted_warnings > 0 {
            let _ = write!(out, ", {}", self.accepted_phrase());
        }
        out
    }

    /// `1 accepted gap, 2 accepted warnings`, leaving out a severity with none; `none`.
    pub fn accepted_phrase(&self) -> String {
        self.accepted_list("accepted ")
    }

    /// `1 gap, 2 warnings`: the accepted findings, for a row already headed "Accepted"; `none`.
    pub fn accepted_short(&self) -> String {
        self.accepted_list("")
    }

    fn accepted_list(&self, word: &str) -> String {
        let parts: Vec<String> = [
            (self.accepted_gaps, "gap"),
            (self.accepted_warnings, "warning"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {word}{what}{}", plural(*n)))
        .collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }
}

/// `BK (Backups, Backup family)`: the id, then what a report reader needs beside it — the name
/// (unless it is the id) and the family, as the HTML report shows them; the id alone when the
/// control has neither; unescaped.
pub fn described_control(control: &Control) -> String {
    described_control_on(control, None)
}

/// `BK (Backups, Backup family, provider side)`: [`described_control`] with the side a finding
/// is about sharing its parenthesis, so a finding line stays one readable phrase.
pub fn described_control_on(control: &Control, side: Option<&str>) -> String {
    let mut about: Vec<String> = Vec::new();
    if !control.name.is_empty() && control.name != control.id {
        about.push(control.name.clone());
    }
    if let Some(family) = control.family.as_deref().filter(|f| !f.is_empty()) {
        // "Security family" is not said twice.
        let named = family
            .to_lowercase()
            .split_whitespace()
            .last()
            .is_some_and(|w| w == "family");
        about.push(if named {
            family.to_string()
        } else {
            format!("{family} family")
        });
    }
    if let Some(side) = side {
        about.push(format!("{side} side"));
    }
    if about.is_empty() {
        control.id.clone()
    } else {
        format!("{} ({})", control.id, about.join(", "))
    }
}

/// `BK (Backups)`, or the id alone when the control's name is its id: the short form for the
/// explorer's narrow rows; unescaped.
pub fn named_control(control: &Control) -> String {
    if control.name.is_empty() || control.name == control.id {
        control.id.clone()
    } else {
        format!("{} ({})", control.id, control.name)
    }
}

/// One finding as a line: severity word, kind, control, side, why.
fn line(ctx: &Context, f: &Finding, color: bool) -> String {
    let stack = ctx.stack;
    let (word, code) = match (f.severity(), f.accepted.is_some()) {
        (_, true) => ("ACCEPTED", DIM),
        (Severity::Gap, false) => ("GAP", RED),
        (Severity::Warning, false) => ("WARN", YELLOW),
    };
    let sev = format!("{word:<8}");
    let sev = if color {
        format!("{code}{sev}{RESET}")
    } else {
        sev
    };
    let control = described_control_on(stack.control(f.control), f.side().map(|s| s.as_str()));
    let mut text = format!(
        "{sev} {:<16} {}: {}",
        f.kind.as_str(),
        escape(&control),
        escape(&message(stack, f, ctx.report.min_evidence))
    );
    if let Some(r) = super::reference(stack, f) {
        let _ = write!(text, " [ref: {}]", escape(r));
    }
    if let Some(a) = f.accepted {
        let _ = write!(
            text,
            " — accepted: {}",
            escape(&stack.accepts[a as usize].reason)
        );
    }
    text
}

/// A note as one sentence.
pub fn note_text(ctx: &Context, n: &Note) -> String {
    let stack = ctx.stack;
    match n {
        Note::Cycle(parties) => format!(
            "cycle: {} rely on each other",
            parties
                .iter()
                .map(|&p| stack.party(p).id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Note::LayerInversion(h) => {
            let ho = stack.handoff(*h);
            let layer = |p: u32| {
                stack
                    .party(p)
                    .layer
                    .map_or("?", |l| stack.layers[l as usize].id.as_str())
            };
            format!(
                "layer-inversion: {} — the provider's layer {} sits above the consumer's layer {}",
                handoff_label(stack, *h),
                layer(ho.provider),
                layer(ho.consumer)
            )
        }
        Note::ExpiredAccept(a) => {
            let a = &stack.accepts[*a as usize];
            format!(
                "expired-accept: the accept of {} {} at line {} ended on {}",
                a.kind.as_str(),
                stack.control(a.control).id,
                a.line,
                a.until.map(|u| u.to_string()).unwrap_or_default()
            )
        }
        Note::StaleAccept(a) => {
            let a = &stack.accepts[*a as usize];
            format!(
                "stale-accept: the accept of {} {} at line {} matches no finding",
                a.kind.as_str(),
                stack.control(a.control).id,
                a.line
            )
        }
        Note::EvidenceExpiring(x) => format!("evidence-expiring: {}", expiring_text(stack, x)),
    }
}

/// What expires, when, and what rests on it: "document soc2-2025 (SOC 2 Type II) expires on
/// 2027-01-15, in 44 days; 3 entries rest on it".
pub fn expiring_text(stack: &Stack, x: &Expiring) -> String {
    let when = match x.days_left {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    match x.what {
        Expiry::Document(d) => {
            format!(
                "document {} expires on {}, {when}; {} {} on it",
                stack.documents[d as usize].label(),
                x.expires,
                x.entries,
                if x.entries == 1 {
                    "entry rests"
                } else {
                    "entries rest"
                }
            )
        }
        Expiry::Entry(h, e) => {
            let control = stack.handoff(h).entries[e as usize].control;
            format!(
                "the evidence of {} at {} expires on {}, {when}",
                stack.control(control).id,
                handoff_label(stack, h),
                x.expires
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(id: &str, name: &str, family: Option<&str>) -> Control {
        Control {
            id: id.into(),
            name: name.into(),
            family: family.map(Into::into),
            description: None,
            refs: Vec::new(),
            builtin: false,
        }
    }

    #[test]
    fn a_control_is_described_by_what_it_has_beside_its_id() {
        let cases = [
            (
                "BK",
                "Backups",
                Some("Backup"),
                None,
                "BK (Backups, Backup family)",
            ),
            (
                "BK",
                "Backups",
                Some("Backup"),
                Some("consumer"),
                "BK (Backups, Backup family, consumer side)",
            ),
            (
                "BK",
                "Backups",
                None,
                Some("provider"),
                "BK (Backups, provider side)",
            ),
            ("BK", "BK", Some("Backup"), None, "BK (Backup family)"),
            // A family named with the word is not given it twice.
            (
                "SC-7",
                "Boundary Protection",
                Some("System and Communications Protection Family"),
                None,
                "SC-7 (Boundary Protection, System and Communications Protection Family)",
            ),
            ("BK", "", Some(""), None, "BK"),
            ("BK", "BK", None, Some("provider"), "BK (provider side)"),
        ];
        for (id, name, family, side, want) in cases {
            assert_eq!(
                described_control_on(&control(id, name, family), side),
                want,
                "{id} {name:?} {family:?} {side:?}"
            );
        }
        // The explorer's narrow rows keep the short form.
        assert_eq!(
            named_control(&control("BK", "Backups", Some("Backup"))),
            "BK (Backups)"
        );
    }
}
