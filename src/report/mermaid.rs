//! Mermaid flowchart of the stack, so that GitHub and GitLab render the picture inside
//! Markdown: layers as subgraphs, each hand-off labelled with its service and status and drawn
//! in its status's colour and dash pattern. A big stack is focused as in every diagram (see
//! [`super::layout`]): the title says what is left out, and the output stays inside Mermaid's
//! default limits (500 edges, 50,000 characters). Every label is escaped for Mermaid: a stack
//! cannot add a directive (`%%{init: …}%%`), an entity, a link or markup.

use std::fmt::Write;

use super::Context;
use super::layout::{Diagram, Node, Status};

/// A label safe inside a Mermaid `"…"` string: controls and invisible characters made visible
/// (emoji sequences kept), and every character Mermaid reads as syntax written as its entity —
/// `#` first, so that a stack's own `#quot;` stays text; `%`, so that no `%%` can start a
/// directive or a comment; a backslash, so that a stack's `\n` is not read as a line break.
pub fn label(s: &str) -> String {
    let s = super::label_text(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '\\' => out.push_str("#92;"),
            '&' => out.push_str("#amp;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}

/// A node's Mermaid id.
fn node_id(diagram: &Diagram, v: usize) -> String {
    match &diagram.nodes[v] {
        Node::Party(p) => format!("p{p}"),
        Node::Folded { .. } => format!("f{v}"),
    }
}

/// Renders the flowchart source (without the surrounding Markdown fence).
pub fn render(ctx: &Context) -> String {
    let diagram = Diagram::of(ctx);
    let mut out = String::new();
    if let Some(omitted) = &diagram.omitted {
        // Our own words and numbers only, as a YAML double-quoted string.
        let _ = writeln!(
            out,
            "---\ntitle: \"{}\"\n---",
            omitted.caption().replace('\\', "\\\\").replace('"', "\\\"")
        );
    }
    out.push_str("flowchart TD\n");
    out.push_str(&nodes(ctx, &diagram));
    out.push_str(&links(ctx, &diagram));
    let folded: Vec<String> = (0..diagram.nodes.len())
        .filter(|&v| matches!(diagram.nodes[v], Node::Folded { .. }))
        .map(|v| node_id(&diagram, v))
        .collect();
    if !folded.is_empty() {
        let _ = writeln!(
            out,
            "  classDef folded fill:#f7f7f7,stroke:#777,stroke-dasharray:4 3\n  class {} folded",
            folded.join(",")
        );
    }
    out
}

/// The boxes, in one subgraph per layer: a party as `Name<br/>(id)` and its own findings, a
/// "+N" node as its lines.
fn nodes(ctx: &Context, diagram: &Diagram) -> String {
    let stack = ctx.stack;
    let node_line = |v: usize| -> String {
        let lines: Vec<String> = match &diagram.nodes[v] {
            Node::Party(p) => {
                let party = stack.party(*p);
                let mut lines = vec![label(&party.name), format!("({})", label(&party.id))];
                if diagram.own[v].status() != Status::Covered {
                    lines.push(format!("own: {}", label(&diagram.own[v].label())));
                }
                lines
            }
            Node::Folded { .. } => diagram
                .node_lines(stack, v)
                .iter()
                .map(|l| label(l))
                .collect(),
        };
        format!("{}[\"{}\"]", node_id(diagram, v), lines.join("<br/>"))
    };
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); stack.layers.len()];
    let mut unlayered = Vec::new();
    for v in 0..diagram.nodes.len() {
        match diagram.layer(stack, v) {
            Some(l) => by_layer[l as usize].push(v),
            None => unlayered.push(v),
        }
    }
    let mut out = String::new();
    for (l, nodes) in by_layer.iter().enumerate() {
        if nodes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph L{l}[\"{}\"]", label(&stack.layers[l].name));
        for &v in nodes {
            let _ = writeln!(out, "    {}", node_line(v));
        }
        out.push_str("  end\n");
    }
    for &v in &unlayered {
        let _ = writeln!(out, "  {}", node_line(v));
    }
    out
}

/// The links, each labelled with its service and status, then a `linkStyle` per link in its
/// status's colour, width and dashes.
fn links(ctx: &Context, diagram: &Diagram) -> String {
    let mut out = String::new();
    let mut styles = String::new();
    for (i, link) in diagram.links.iter().enumerate() {
        let text: Vec<String> = diagram
            .link_lines(ctx.stack, i)
            .iter()
            .map(|l| label(l))
            .collect();
        let _ = writeln!(
            out,
            "  {} -->|\"{}\"| {}",
            node_id(diagram, link.consumer),
            text.join("<br/>"),
            node_id(diagram, link.provider)
        );
        let status = link.tally.status();
        let (dashes, width) = status.dashes();
        let _ = writeln!(
            styles,
            "  linkStyle {i} stroke:{},stroke-width:{width}px{}",
            status.colour(),
            dashes
                .map(|d| format!(",stroke-dasharray:{d}"))
                .unwrap_or_default()
        );
    }
    out + &styles
}
