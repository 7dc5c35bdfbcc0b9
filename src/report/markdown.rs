//! `--format markdown`: a summary (open findings, accepted ones apart), the changes to fix first
//! when asked for, and one table per hand-off, controls named (with their families) beside their
//! ids, for a review document or a pull request comment.
//! Every string from the stack is escaped for Markdown and for terminals.

use std::fmt::Write;

use super::Context;
use crate::analysis::{Finding, message};
use crate::text::escape;

/// Escapes a string for a Markdown table cell: terminal controls made visible, Markdown
/// punctuation backslashed, so a stack file cannot inject links, HTML or table breaks.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape(s).chars() {
        if matches!(
            c,
            '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renders the Markdown report.
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let tally = super::text::Tally::of(report);
    let mut out = String::new();
    let _ = writeln!(out, "# stackgap review: {}\n", md(&stack.name));
    if let Some(d) = &stack.description {
        let _ = writeln!(out, "{}\n", md(d));
    }
    let without = ctx.without_ids();
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Parties | {} |", stack.parties.len());
    let _ = writeln!(out, "| Hand-offs | {} |", stack.handoffs.len());
    // Open findings, as `check` counts them for its exit code; accepted ones apart.
    let _ = writeln!(out, "| Gaps | {} |", tally.gaps);
    let _ = writeln!(out, "| Warnings | {} |", tally.warnings);
    let _ = writeln!(out, "| Accepted | {} |", tally.accepted_short());
    let _ = writeln!(out, "| Analysis date | {} |", report.as_of);
    let _ = writeln!(out, "| Minimum evidence | {} |", report.min_evidence);
    let _ = writeln!(
        out,
        "| Switched off | {} |",
        if without.is_empty() {
            "none".into()
        } else {
            md(&without.join(", "))
        }
    );
    let _ = writeln!(out, "| Input SHA-256 | `{}` |", stack.source.sha256);
    let _ = writeln!(out, "| stackgap | {} |", super::VERSION);
    fix_first(ctx, &mut out);
    let _ = writeln!(out, "\n```mermaid\n{}```", super::mermaid::render(ctx));

    let groups = super::grouped(stack, report);
    for (group, findings) in &groups {
        let (label, agreement) = group.title(stack, " — ", " — own requirements");
        let agreement = agreement.map(|a| md(&a)).unwrap_or_default();
        let _ = writeln!(
            out,
            "\n## {}{agreement}\n\n| Severity | Kind | Control | Side | Why | Ref |\n|---|---|---|---|---|---|",
            md(&label)
        );
        for f in findings {
            let _ = writeln!(out, "{}", row(ctx, f));
        }
    }
    if groups.is_empty() {
        let _ = writeln!(out, "\nNo gaps and no warnings.");
    }
    let notes: Vec<String> = report
        .notes()
        .map(|n| super::text::note_text(ctx, n))
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for n in notes {
            let _ = writeln!(out, "- {}", md(&n));
        }
    }
    out
}

/// How many changes the "Fix first" section lists; JSON lists them all.
const FIX_FIRST_LISTED: usize = 20;

/// The "Fix first" section (SPEC §9), when it was asked for: the changes that close the most
/// gaps, right after the summary.
fn fix_first(ctx: &Context, out: &mut String) {
    let Some(fix) = ctx.fix_first else {
        return;
    };
    let stack = ctx.stack;
    let _ = writeln!(out, "\n## Fix first\n");
    if fix.is_empty() {
        let _ = writeln!(
            out,
            "No party implementing one more control would close a gap."
        );
        return;
    }
    let _ = writeln!(
        out,
        "The gaps (accepted ones included) each change would close: a party implementing a control.\n"
    );
    let _ = writeln!(out, "| Gaps closed | Party | Implements |\n|---:|---|---|");
    for f in fix.iter().take(FIX_FIRST_LISTED) {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            f.gaps_closed,
            md(&super::text::named_party(stack.party(f.party))),
            md(&super::text::described_control(stack.control(f.control)))
        );
    }
    if fix.len() > FIX_FIRST_LISTED {
        let _ = writeln!(
            out,
            "\n… and {} more; `stackgap check --fix-first --format json` lists them all.",
            fix.len() - FIX_FIRST_LISTED
        );
    }
}

fn row(ctx: &Context, f: &Finding) -> String {
    let stack = ctx.stack;
    let sev = if f.accepted.is_some() {
        format!("{} (accepted)", f.severity().as_str())
    } else {
        f.severity().as_str().to_string()
    };
    let mut why = md(&message(stack, f, ctx.report.min_evidence));
    if let Some(a) = f.accepted {
        let _ = write!(
            why,
            " — accepted: {}",
            md(&stack.accepts[a as usize].reason)
        );
    }
    format!(
        "| {sev} | {} | {} | {} | {why} | {} |",
        f.kind.as_str(),
        md(&super::text::described_control(stack.control(f.control))),
        f.side().map_or("—", |s| s.as_str()),
        super::reference(stack, f).map_or_else(|| "—".to_string(), md)
    )
}
