//! Graphviz source of the stack: layers as clusters on their own rank, hand-offs coloured and
//! labelled by their worst finding. `stackgap export FILE --format dot | dot -Tsvg > stack.svg`.

use std::fmt::Write;

use super::{Context, parties_by_layer, tally_handoffs};
use crate::analysis::Severity;
use crate::text::escape;

/// A DOT string literal body: controls escaped, quotes and backslashes backslashed.
fn quoted(s: &str) -> String {
    escape(s).replace('\\', "\\\\").replace('"', "\\\"")
}

/// Renders the DOT source.
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let tally = tally_handoffs(stack, ctx.report);
    let mut out = String::new();
    let _ = writeln!(out, "digraph stack {{");
    let _ = writeln!(
        out,
        "  label=\"{}\";\n  labelloc=t;\n  rankdir=TB;\n  newrank=true;",
        quoted(&stack.name)
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];"
    );
    for (layer, parties) in parties_by_layer(stack) {
        if let Some(l) = layer {
            let _ = writeln!(
                out,
                "  subgraph cluster_{l} {{\n    label=\"{}\";\n    style=dashed;\n    rank=same;",
                quoted(&stack.layers[l as usize].name)
            );
        }
        for p in parties {
            let party = stack.party(p);
            let _ = writeln!(
                out,
                "    p{p} [label=\"{}\\n({})\"];",
                quoted(&party.name),
                quoted(&party.id)
            );
        }
        if layer.is_some() {
            out.push_str("  }\n");
        }
    }
    for (i, h) in stack.handoffs.iter().enumerate() {
        let t = tally[i];
        let colour = match t.worst() {
            Some(Severity::Gap) => "red3",
            Some(Severity::Warning) => "orange",
            None => "forestgreen",
        };
        let service = h
            .service
            .as_deref()
            .map(|s| format!("{}\\n", quoted(s)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  p{} -> p{} [label=\"{service}{}\", color={colour}, fontcolor={colour}{}];",
            h.consumer,
            h.provider,
            t.label(),
            if t.worst() == Some(Severity::Gap) {
                ", penwidth=2"
            } else {
                ""
            }
        );
    }
    out.push_str("}\n");
    out
}
