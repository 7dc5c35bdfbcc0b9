//! The page's summary: what a reader acts on before anything else. Open findings by severity
//! with accepted ones named apart ("6 gaps, 3 warnings, 1 accepted gap"), the "Fix first" list
//! when one is given, and the hand-offs ranked by open gaps, by name, each linking to its
//! findings.

use std::fmt::Write;

use super::{Ranked, anchor, control_cell, count, group_title, party_name};
use crate::report::layout::{Status, Tally};
use crate::report::{Context, Group};
use crate::stack::{ControlIdx, PartyIdx};

/// Rows of the ranking before the rest is only counted.
const RANKED_ROWS: usize = 25;
/// Hand-offs without findings listed by name before the rest is only counted.
const COVERED_LISTED: usize = 100;
/// Lines of the "Fix first" list (the text report shows as many).
const FIX_FIRST_LINES: usize = 5;

/// One line of the "Fix first" list (SPEC §9): the party that, by implementing the control,
/// would close `gaps_closed` gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixFirstLine {
    /// Who would implement the control.
    pub party: PartyIdx,
    /// The control.
    pub control: ControlIdx,
    /// Gaps that would close.
    pub gaps_closed: usize,
}

/// The summary section.
pub(super) fn summary(
    ctx: &Context,
    groups: &[Ranked],
    fix_first: Option<&[FixFirstLine]>,
) -> String {
    let stack = ctx.stack;
    let mut total = Tally::default();
    for (_, t, _) in groups {
        total.gaps += t.gaps;
        total.warnings += t.warnings;
        total.accepted_gaps += t.accepted_gaps;
        total.accepted_warnings += t.accepted_warnings;
    }
    let mut out = String::from("<section id=\"summary\">\n<h2>Summary</h2>\n");
    let _ = writeln!(out, "<p class=\"verdict\">{}</p>", verdict(&total));

    let with_gaps = groups
        .iter()
        .filter(|(g, t, _)| matches!(g, Group::Handoff(_)) && t.gaps > 0)
        .count();
    let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let accepted = total.accepted_gaps + total.accepted_warnings;
    out.push_str("<ul class=\"tiles\">\n");
    for (class, n, words) in [
        (
            "gap",
            total.gaps,
            plural(total.gaps, "open gap", "open gaps").to_string(),
        ),
        (
            "warning",
            total.warnings,
            plural(total.warnings, "open warning", "open warnings").to_string(),
        ),
        ("accepted", accepted, "accepted".to_string()),
        (
            "neutral",
            with_gaps,
            format!(
                "of {} with an open gap",
                count(stack.handoffs.len(), "hand-off", "hand-offs")
            ),
        ),
    ] {
        let _ = writeln!(
            out,
            "<li class=\"tile {class}\"><strong>{n}</strong> {words}</li>"
        );
    }
    out.push_str("</ul>\n");

    if let Some(lines) = fix_first {
        out.push_str(&fix_first_list(ctx, lines));
    }
    out.push_str(&ranking(ctx, groups));
    out.push_str(&covered(ctx, groups));
    out.push_str("</section>\n");
    out
}

/// "6 gaps, 3 warnings, 1 accepted gap": open findings by severity, accepted ones apart and
/// named by theirs; each part with its icon.
fn verdict(t: &Tally) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut part = |class: &str, icon: &str, text: String| {
        parts.push(format!(
            "<span class=\"part {class}\"><span class=\"icon\" aria-hidden=\"true\">{icon}</span> {text}</span>"
        ));
    };
    part("gap", Status::Gap.icon(), count(t.gaps, "gap", "gaps"));
    part(
        "warning",
        Status::Warning.icon(),
        count(t.warnings, "warning", "warnings"),
    );
    if t.accepted_gaps > 0 {
        part(
            "accepted",
            Status::Accepted.icon(),
            count(t.accepted_gaps, "accepted gap", "accepted gaps"),
        );
    }
    if t.accepted_warnings > 0 {
        part(
            "accepted",
            Status::Accepted.icon(),
            count(t.accepted_warnings, "accepted warning", "accepted warnings"),
        );
    }
    parts.join(", ")
}

fn fix_first_list(ctx: &Context, lines: &[FixFirstLine]) -> String {
    let stack = ctx.stack;
    let mut out = String::from("<h3 id=\"fix-first\">Fix first</h3>\n");
    if lines.is_empty() {
        out.push_str("<p>No single control implemented by one party closes a gap.</p>\n");
        return out;
    }
    out.push_str("<ol class=\"fix-first\">\n");
    for line in lines.iter().take(FIX_FIRST_LINES) {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> implements {} — closes {}</li>",
            party_name(stack, line.party),
            control_cell(stack, line.control),
            count(line.gaps_closed, "gap", "gaps")
        );
    }
    out.push_str("</ol>\n");
    if lines.len() > FIX_FIRST_LINES {
        let _ = writeln!(
            out,
            "<p>{} more in <code>stackgap check --fix-first --format json</code>.</p>",
            lines.len() - FIX_FIRST_LINES
        );
    }
    out
}

/// The places with findings, worst first, by name, each linking to its section.
fn ranking(ctx: &Context, groups: &[Ranked]) -> String {
    let stack = ctx.stack;
    if groups.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h3>Where the gaps are</h3>\n<table class=\"ranking cards\">\n<thead><tr><th>#</th><th>Hand-off</th><th>Status</th><th>Open gaps</th><th>Open warnings</th><th>Accepted</th></tr></thead>\n<tbody>\n",
    );
    for (rank, (group, t, _)) in groups.iter().take(RANKED_ROWS).enumerate() {
        let status = t.status();
        let _ = writeln!(
            out,
            "<tr data-status=\"{s}\"><td class=\"num rank\" data-label=\"#\">{}</td><td data-label=\"Hand-off\"><a href=\"#{}\">{}</a></td><td class=\"sev {s}\" data-label=\"Status\"><span class=\"icon\" aria-hidden=\"true\">{}</span> {s}</td><td class=\"num\" data-label=\"Open gaps\">{}</td><td class=\"num\" data-label=\"Open warnings\">{}</td><td class=\"num\" data-label=\"Accepted\">{}</td></tr>",
            rank + 1,
            anchor(*group),
            group_title(stack, *group),
            status.icon(),
            t.gaps,
            t.warnings,
            t.accepted_gaps + t.accepted_warnings,
            s = status.as_str(),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if groups.len() > RANKED_ROWS {
        let _ = writeln!(
            out,
            "<p>… and {} more with findings, below.</p>",
            groups.len() - RANKED_ROWS
        );
    }
    out
}

/// The hand-offs without any finding, by name, folded away.
fn covered(ctx: &Context, groups: &[Ranked]) -> String {
    let stack = ctx.stack;
    let mut with = vec![false; stack.handoffs.len()];
    for (g, _, _) in groups {
        if let Group::Handoff(i) = g {
            with[*i as usize] = true;
        }
    }
    let clean: Vec<u32> = (0..stack.handoffs.len() as u32)
        .filter(|&i| !with[i as usize])
        .collect();
    if clean.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<details>\n<summary>{} without findings</summary>\n<ul>\n",
        count(clean.len(), "hand-off", "hand-offs")
    );
    for &i in clean.iter().take(COVERED_LISTED) {
        let _ = writeln!(
            out,
            "<li><span class=\"icon\" aria-hidden=\"true\">✓</span> {}</li>",
            group_title(stack, Group::Handoff(i))
        );
    }
    if clean.len() > COVERED_LISTED {
        let _ = writeln!(out, "<li>… and {} more</li>", clean.len() - COVERED_LISTED);
    }
    out.push_str("</ul>\n</details>\n");
    out
}
