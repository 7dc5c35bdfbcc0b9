//! One self-contained HTML page a reviewer can hand on: a summary first (open findings by
//! severity, accepted ones apart; the hand-offs ranked by open gaps, by name), the diagram, then
//! every hand-off's findings, worst first, and the provenance. No scripts, no network, every
//! string from the stack escaped; readable at 390 px (tables turn into cards) and on paper
//! (headers repeat, status in words and icons as well as colour).

mod summary;
mod svg;

use crate::text::count;
use std::fmt::Write;

use super::layout::Tally;
use super::{Context, Group};
use crate::analysis::{Finding, Severity, message};
use crate::stack::Stack;

pub use summary::FixFirstLine;

/// Escapes for HTML text and attributes, after making controls and invisible characters
/// visible (emoji sequences stay whole).
fn h(s: &str) -> String {
    let s = super::label_text(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72em; padding: 1em; color: #111; background: #fff; overflow-wrap: break-word; }
h1 { font-size: 1.5em; margin: .2em 0 .3em; }
h2 { font-size: 1.2em; margin: 1.8em 0 .5em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin: 1.4em 0 .2em; }
.lede, .byline, .ids { color: #444; }
.ids { font-size: .88em; margin: 0 0 .3em; }
code { font-size: .92em; }
.gap { --c: #a50e0e; --line: #d62728; } .warning { --c: #7a5200; --line: #e6a700; }
.accepted, [data-status=accepted] { --c: #555; --line: #777; }
.covered, [data-status=covered] { --c: #1e6b1e; --line: #2ca02c; }
[data-status=gap] { --line: #d62728; } [data-status=warning] { --line: #e6a700; }
.neutral { --c: #111; --line: #555; }
.verdict { font-size: 1.2em; font-weight: 600; margin: .3em 0 .6em; }
.verdict .part, .sev, .status { color: var(--c); font-weight: 600; }
.sev { white-space: nowrap; }
.tiles { display: flex; flex-wrap: wrap; gap: .5em; list-style: none; padding: 0; margin: .5em 0 1em; }
.tile { border: 1px solid #bbb; border-left: 6px solid var(--line); padding: .35em .8em; min-width: 9em; }
.tile strong { display: block; font-size: 1.5em; color: var(--c); }
table { border-collapse: collapse; width: 100%; margin: .5em 0; font-size: .93em; }
th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.long, .meta td { overflow-wrap: anywhere; }
thead { display: table-header-group; }
td.num { text-align: right; }
tbody tr.gap, tbody tr.warning, tbody tr.accepted, tbody tr[data-status] { border-left: 6px solid var(--line); }
.family { color: #555; font-size: .88em; }
.icon { font-style: normal; }
.legend { list-style: none; padding: 0; font-size: .9em; }
.legend li { margin: .15em 0; }
.omitted { background: #fff8e0; border: 1px solid #e6c200; padding: .4em .6em; }
svg.stack { max-width: 100%; height: auto; border: 1px solid #ddd; display: block; }
details summary { cursor: pointer; }
.meta td:first-child { width: 12em; font-weight: bold; }
@media screen and (max-width: 40em) {
  body { padding: .6em; font-size: 14px; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: auto; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards tr { border: 1px solid #bbb; border-left: 6px solid var(--line, #bbb); margin: .6em 0; padding: .2em 0; }
  table.cards td { border: none; padding: .15em .5em; }
  table.cards td::before { content: attr(data-label) \": \"; font-weight: bold; }
  table.ranking td.num { display: inline-block; padding-right: 0; text-align: left; }
  table.ranking td.rank { display: none; }
  .meta td:first-child { width: auto; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  thead { display: table-header-group; }
  tr, .tile, svg.stack { break-inside: avoid; }
  h2, h3, .ids { break-after: avoid; }
  svg.stack { max-height: 24cm; }
  details { display: none; }
}
@page { margin: 14mm; }
";

/// Renders the page.
pub fn render(ctx: &Context) -> String {
    // `export --fix-first`: the summary's "Fix first" list (SPEC §9).
    match ctx.fix_first {
        Some(fix) => {
            let lines: Vec<FixFirstLine> = fix
                .iter()
                .map(|f| FixFirstLine {
                    party: f.party,
                    control: f.control,
                    gaps_closed: f.gaps_closed,
                })
                .collect();
            page(ctx, Some(&lines))
        }
        None => page(ctx, None),
    }
}

/// Renders the page with the given "Fix first" list in its summary (SPEC §9), whatever
/// `ctx.fix_first` holds: for callers that computed or chose the list themselves.
pub fn render_with_fix_first(ctx: &Context, fix_first: &[FixFirstLine]) -> String {
    page(ctx, Some(fix_first))
}

fn page(ctx: &Context, fix_first: Option<&[FixFirstLine]>) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>stackgap: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>stackgap review: {name}</h1>\n",
        name = h(&stack.name)
    );
    if let Some(d) = &stack.description {
        let _ = writeln!(out, "<p class=\"lede\">{}</p>", h(d));
    }
    let without = ctx.without_ids();
    let _ = writeln!(
        out,
        "<p class=\"byline\">Analysed as of {} · minimum evidence {} · {} · {}{}</p>\n</header>\n<main>",
        report.as_of,
        report.min_evidence,
        count(stack.parties.len(), "party", "parties"),
        count(stack.handoffs.len(), "hand-off", "hand-offs"),
        if without.is_empty() {
            String::new()
        } else {
            format!(" · switched off: {}", h(&without.join(", ")))
        }
    );

    let groups = worst_first(super::grouped(stack, report));
    out.push_str(&summary::summary(ctx, &groups, fix_first));

    out.push_str("<section id=\"diagram\">\n<h2>Stack diagram</h2>\n");
    out.push_str(&svg::diagram(ctx));
    out.push_str("</section>\n");

    out.push_str("<section id=\"findings\">\n<h2>Findings by hand-off, worst first</h2>\n");
    for (group, tally, findings) in &groups {
        out.push_str(&group_section(ctx, *group, tally, findings));
    }
    if groups.is_empty() {
        out.push_str("<p>No gaps and no warnings.</p>\n");
    }
    out.push_str("</section>\n");

    let notes: Vec<String> = report
        .notes()
        .map(|n| super::text::note_text(ctx, n))
        .collect();
    if !notes.is_empty() {
        out.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", h(&n));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str(&provenance(ctx));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// A group of findings with its tally, findings open first.
type Ranked<'r> = (Group, Tally, Vec<&'r Finding>);

/// Groups ranked worst first: most open gaps, then open warnings, then accepted findings; equal
/// groups keep report order (hand-offs, then parties' own requirements). Within a group, open
/// gaps, open warnings, then accepted findings.
fn worst_first<'r>(groups: Vec<(Group, Vec<&'r Finding>)>) -> Vec<Ranked<'r>> {
    let mut ranked: Vec<Ranked<'r>> = groups
        .into_iter()
        .map(|(g, mut fs)| {
            let mut t = Tally::default();
            for f in &fs {
                match (f.accepted.is_some(), f.severity()) {
                    (false, Severity::Gap) => t.gaps += 1,
                    (false, Severity::Warning) => t.warnings += 1,
                    (true, Severity::Gap) => t.accepted_gaps += 1,
                    (true, Severity::Warning) => t.accepted_warnings += 1,
                }
            }
            fs.sort_by_key(|f| finding_rank(f));
            (g, t, fs)
        })
        .collect();
    ranked.sort_by_key(|(_, t, _)| {
        (
            std::cmp::Reverse(t.gaps),
            std::cmp::Reverse(t.warnings),
            std::cmp::Reverse(t.accepted_gaps + t.accepted_warnings),
        )
    });
    ranked
}

fn finding_rank(f: &Finding) -> u8 {
    match (f.accepted.is_some(), f.severity()) {
        (false, Severity::Gap) => 0,
        (false, Severity::Warning) => 1,
        (true, _) => 2,
    }
}

/// A party as a reader knows it: its name, and its id when that differs.
fn party_name(stack: &Stack, p: u32) -> String {
    let party = stack.party(p);
    if party.name == party.id {
        h(&party.name)
    } else {
        format!(
            "{} <span class=\"ids\">({})</span>",
            h(&party.name),
            h(&party.id)
        )
    }
}

/// The anchor of a group's section.
fn anchor(group: Group) -> String {
    match group {
        Group::Handoff(i) => format!("h{i}"),
        Group::Party(p) => format!("p{p}"),
    }
}

/// A group's title by name: `Consumer → Provider (service)` or `Party — own requirements`.
fn group_title(stack: &Stack, group: Group) -> String {
    match group {
        Group::Handoff(i) => {
            let ho = stack.handoff(i);
            let mut s = format!(
                "{} → {}",
                h(&stack.party(ho.consumer).name),
                h(&stack.party(ho.provider).name)
            );
            if let Some(service) = &ho.service {
                let _ = write!(s, " ({})", h(service));
            }
            s
        }
        Group::Party(p) => format!("{} — own requirements", h(&stack.party(p).name)),
    }
}

fn group_section(ctx: &Context, group: Group, tally: &Tally, findings: &[&Finding]) -> String {
    let stack = ctx.stack;
    let mut out = String::new();
    let (ids, agreement) = group.title(stack, "", " (own requirements)");
    let status = tally.status();
    let _ = writeln!(
        out,
        "<section class=\"group\" id=\"{}\">\n<h3>{}</h3>\n<p class=\"ids\">{}{} · <span class=\"status {}\">{}</span></p>",
        anchor(group),
        group_title(stack, group),
        h(&ids),
        agreement
            .map(|a| format!(" · agreement {}", h(&a)))
            .unwrap_or_default(),
        status.as_str(),
        h(&tally.label())
    );
    out.push_str("<table class=\"findings cards\">\n<thead><tr><th>Severity</th><th>Control</th><th>Kind</th><th>Side</th><th>Why</th><th>Ref</th></tr></thead>\n<tbody>\n");
    for f in findings {
        out.push_str(&finding_row(ctx, f));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

/// The control as `<code>ID</code> Name` with its family, if it has one.
fn control_cell(stack: &Stack, c: u32) -> String {
    let control = stack.control(c);
    let mut s = format!("<code>{}</code>", h(&control.id));
    if control.name != control.id {
        let _ = write!(s, " {}", h(&control.name));
    }
    if let Some(family) = &control.family {
        let _ = write!(s, " <span class=\"family\">({})</span>", h(family));
    }
    s
}

fn finding_row(ctx: &Context, f: &Finding) -> String {
    let stack = ctx.stack;
    let severity = f.severity();
    let (class, word) = match (f.accepted.is_some(), severity) {
        (true, s) => ("accepted", format!("{}, accepted", s.as_str())),
        (false, Severity::Gap) => ("gap", "gap".to_string()),
        (false, Severity::Warning) => ("warning", "warning".to_string()),
    };
    let icon = match class {
        "gap" => "✖",
        "warning" => "⚠",
        _ => "○",
    };
    let mut why = h(&message(stack, f, ctx.report.min_evidence));
    if let Some(a) = f.accepted {
        let accept = &stack.accepts[a as usize];
        let _ = write!(why, "<br><strong>Accepted:</strong> {}", h(&accept.reason));
        if let Some(by) = &accept.by {
            let _ = write!(why, " — by {}", h(by));
        }
        if let Some(until) = accept.until {
            let _ = write!(why, ", until {until}");
        }
        if let Some(ticket) = &accept.ticket {
            let _ = write!(why, " ({})", h(ticket));
        }
    }
    format!(
        "<tr class=\"{class}\"><td class=\"sev\" data-label=\"Severity\"><span class=\"icon\" aria-hidden=\"true\">{icon}</span> {word}</td><td data-label=\"Control\">{}</td><td data-label=\"Kind\">{}</td><td data-label=\"Side\">{}</td><td class=\"long\" data-label=\"Why\">{why}</td><td class=\"long\" data-label=\"Ref\">{}</td></tr>\n",
        control_cell(stack, f.control),
        f.kind.as_str(),
        f.side().map_or("—", |s| s.as_str()),
        super::reference(stack, f).map_or_else(|| "—".to_string(), h)
    )
}

fn provenance(ctx: &Context) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let without = ctx.without_ids();
    let mut out = String::from(
        "<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"meta\">\n<tbody>\n",
    );
    for (k, v) in [
        ("Stack", stack.name.clone()),
        ("Input", stack.source.name.clone()),
        ("Input SHA-256", stack.source.sha256.clone()),
        ("Analysis date", report.as_of.to_string()),
        ("Minimum evidence", report.min_evidence.to_string()),
        (
            "Switched off",
            if without.is_empty() {
                "none".into()
            } else {
                without.join(", ")
            },
        ),
        ("Parties", stack.parties.len().to_string()),
        ("Hand-offs", stack.handoffs.len().to_string()),
        ("stackgap", super::VERSION.to_string()),
    ] {
        let _ = writeln!(out, "<tr><td>{k}</td><td>{}</td></tr>", h(&v));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}
