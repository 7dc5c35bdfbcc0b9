//! One self-contained HTML page: provenance, a diagram (inline SVG, no scripts, no network) and
//! the findings tables; readable on screen and when printed.

use std::fmt::Write;

use super::{Context, handoff_label, parties_by_layer, tally_handoffs};
use crate::analysis::{Severity, message};
use crate::text::escape;

/// Escapes for HTML text and attributes (after making terminal controls visible).
fn h(s: &str) -> String {
    escape(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #111; background: #fff; }
h1 { font-size: 1.6em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.gap { color: #a50e0e; font-weight: bold; } .warning { color: #8a5a00; font-weight: bold; } .accepted { color: #666; }
.meta td:first-child { width: 12em; font-weight: bold; }
svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
";

/// Renders the page.
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let c = report.counts();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>stackgap: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>stackgap review: {}</h1>\n",
        h(&stack.name),
        h(&stack.name)
    );
    if let Some(d) = &stack.description {
        let _ = writeln!(out, "<p>{}</p>", h(d));
    }
    let without = ctx.without_ids();
    let _ = writeln!(out, "<table class=\"meta\">");
    for (k, v) in [
        ("Gaps", c.gaps.to_string()),
        ("Warnings", c.warnings.to_string()),
        ("Accepted", c.accepted.to_string()),
        ("Parties", stack.parties.len().to_string()),
        ("Hand-offs", stack.handoffs.len().to_string()),
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
        ("Input SHA-256", stack.source.sha256.clone()),
        ("stackgap", super::VERSION.to_string()),
    ] {
        let _ = writeln!(out, "<tr><td>{k}</td><td>{}</td></tr>", h(&v));
    }
    out.push_str("</table>\n<h2>Stack</h2>\n");
    out.push_str(&diagram(ctx));

    let groups = super::grouped(stack, report);
    for (group, findings) in &groups {
        let (label, agreement) = group.title(stack, " — ", " — own requirements");
        let _ = writeln!(
            out,
            "<h2>{}{}</h2>\n<table>\n<tr><th>Severity</th><th>Kind</th><th>Control</th><th>Side</th><th>Why</th><th>Ref</th></tr>",
            h(&label),
            agreement.map(|a| h(&a)).unwrap_or_default()
        );
        for f in findings {
            let (class, word) = match (f.accepted.is_some(), f.severity()) {
                (true, s) => ("accepted", format!("{} (accepted)", s.as_str())),
                (false, Severity::Gap) => ("gap", "gap".to_string()),
                (false, Severity::Warning) => ("warning", "warning".to_string()),
            };
            let mut why = h(&message(stack, f, report.min_evidence));
            if let Some(a) = f.accepted {
                let _ = write!(why, " — accepted: {}", h(&stack.accepts[a as usize].reason));
            }
            let _ = writeln!(
                out,
                "<tr class=\"{class}\"><td class=\"{class}\">{word}</td><td>{}</td><td>{}</td><td>{}</td><td>{why}</td><td>{}</td></tr>",
                f.kind.as_str(),
                h(&stack.control(f.control).id),
                f.side().map_or("—", |s| s.as_str()),
                super::reference(stack, f).map_or_else(|| "—".to_string(), h)
            );
        }
        out.push_str("</table>\n");
    }
    if groups.is_empty() {
        out.push_str("<p>No gaps and no warnings.</p>\n");
    }
    let notes: Vec<String> = report
        .notes()
        .map(|n| super::text::note_text(ctx, n))
        .collect();
    if !notes.is_empty() {
        out.push_str("<h2>Notes</h2>\n<ul>\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", h(&n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A layered drawing: one band per layer, parties as boxes, hand-offs as coloured arrows.
fn diagram(ctx: &Context) -> String {
    const BOX_W: usize = 170;
    const BOX_H: usize = 44;
    const GAP_X: usize = 30;
    const BAND_H: usize = 110;
    let stack = ctx.stack;
    let tally = tally_handoffs(stack, ctx.report);
    let groups = parties_by_layer(stack);
    let widest = groups.iter().map(|g| g.1.len()).max().unwrap_or(1).max(1);
    let width = 160 + widest * (BOX_W + GAP_X);
    let height = groups.len().max(1) * BAND_H + 20;
    let mut pos = vec![(0usize, 0usize); stack.parties.len()];
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Provider stack diagram\" font-family=\"sans-serif\" font-size=\"12\">\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n"
    );
    for (row, (layer, parties)) in groups.iter().enumerate() {
        let y = 10 + row * BAND_H;
        let name = layer.map_or("(no layer)".to_string(), |l| {
            stack.layers[l as usize].name.clone()
        });
        let _ = writeln!(
            out,
            "<rect x=\"0\" y=\"{y}\" width=\"{width}\" height=\"{}\" fill=\"{}\"/>",
            BAND_H - 6,
            if row % 2 == 0 { "#f6f6f6" } else { "#ececec" }
        );
        let _ = writeln!(
            out,
            "<text x=\"8\" y=\"{}\" font-weight=\"bold\" fill=\"#444\">{}</text>",
            y + 18,
            h(&truncate(&name, 22))
        );
        let offset = 160 + (widest - parties.len()) * (BOX_W + GAP_X) / 2;
        for (i, &p) in parties.iter().enumerate() {
            let x = offset + i * (BOX_W + GAP_X);
            let by = y + 34;
            pos[p as usize] = (x + BOX_W / 2, by);
            let party = stack.party(p);
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"#fff\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#666\" font-size=\"10\">{}</text>",
                x + BOX_W / 2,
                by + 18,
                h(&truncate(&party.name, 26)),
                x + BOX_W / 2,
                by + 34,
                h(&truncate(&party.id, 30))
            );
        }
    }
    for (i, ho) in stack.handoffs.iter().enumerate() {
        let (cx, cy) = pos[ho.consumer as usize];
        let (px, py) = pos[ho.provider as usize];
        let (y1, y2) = if py > cy {
            (cy + BOX_H, py)
        } else if py < cy {
            (cy, py + BOX_H)
        } else {
            (cy + BOX_H / 2, py + BOX_H / 2)
        };
        let colour = match tally[i].worst() {
            Some(Severity::Gap) => "#d62728",
            Some(Severity::Warning) => "#e6a700",
            None => "#2ca02c",
        };
        let _ = writeln!(
            out,
            "<line x1=\"{cx}\" y1=\"{y1}\" x2=\"{px}\" y2=\"{y2}\" stroke=\"{colour}\" stroke-width=\"2\" marker-end=\"url(#arrow)\"><title>{}: {}</title></line>",
            h(&handoff_label(stack, i as u32)),
            tally[i].label()
        );
    }
    out.push_str("</svg>\n<p><small>Arrows point from consumer to provider: red, a gap; amber, a warning; green, covered.</small></p>\n");
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}
