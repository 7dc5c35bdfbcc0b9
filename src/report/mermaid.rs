//! Mermaid flowchart of the stack: layers as subgraphs, hand-offs coloured and labelled by their
//! worst finding, so GitHub and GitLab render the picture inside Markdown.

use std::fmt::Write;

use super::{Context, parties_by_layer, tally_handoffs};
use crate::analysis::Severity;
use crate::text::escape;

/// A label safe inside a Mermaid `"…"` string: controls escaped, quotes and markup as entities.
fn label(s: &str) -> String {
    escape(s)
        .replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('|', "#124;")
        .replace('`', "#96;")
}

/// Renders the flowchart source (without the surrounding Markdown fence).
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let tally = tally_handoffs(stack, ctx.report);
    let mut out = String::from("flowchart TD\n");
    for (layer, parties) in parties_by_layer(stack) {
        let indent = if let Some(l) = layer {
            let _ = writeln!(
                out,
                "  subgraph L{l}[\"{}\"]",
                label(&stack.layers[l as usize].name)
            );
            "    "
        } else {
            "  "
        };
        for p in parties {
            let party = stack.party(p);
            let _ = writeln!(
                out,
                "{indent}p{p}[\"{}<br/>({})\"]",
                label(&party.name),
                label(&party.id)
            );
        }
        if layer.is_some() {
            out.push_str("  end\n");
        }
    }
    let mut styles = String::new();
    for (i, h) in stack.handoffs.iter().enumerate() {
        let t = tally[i];
        let service = h
            .service
            .as_deref()
            .map(|s| format!("{}: ", label(s)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  p{} -->|\"{service}{}\"| p{}",
            h.consumer,
            t.label(),
            h.provider
        );
        let colour = match t.worst() {
            Some(Severity::Gap) => "#d62728",
            Some(Severity::Warning) => "#e6a700",
            None => "#2ca02c",
        };
        let width = if t.worst() == Some(Severity::Gap) {
            3
        } else {
            2
        };
        let _ = writeln!(
            styles,
            "  linkStyle {i} stroke:{colour},stroke-width:{width}px"
        );
    }
    out.push_str(&styles);
    out
}
