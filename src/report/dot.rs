//! Graphviz source of the stack: layers as clusters on their own rank, in order, each hand-off
//! (an edge with `id="h{n}"`, n its place among the diagram's links) labelled with its service
//! and status and drawn in its status's colour and line style (solid, dashed, dotted), its
//! tooltip naming the findings by control id, name and family. A big stack is
//! focused as in every diagram (see [`super::layout`]), and the graph's label says what is
//! left out. Labels are HTML-like, escaped for them; tooltips are escaped strings.
//! `stackgap export FILE --format dot | dot -Tsvg > stack.svg`.

use std::collections::HashMap;
use std::fmt::Write;

use super::Context;
use super::layout::{Diagram, Node, Status};
use crate::analysis::{Finding, Place};
use crate::stack::HandoffIdx;

/// Text inside an HTML-like label: controls and invisible characters made visible (emoji
/// sequences kept), markup characters as entities (so neither `<`, `>`, `&` nor a stack's own
/// `&amp;` is read as markup), and a backslash doubled: Graphviz still expands `\N`, `\G` and
/// the like inside HTML-like labels, and shows `\\` as one backslash.
pub fn html_label(s: &str) -> String {
    let s = super::label_text(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

/// The body of a DOT `tooltip="…"`: quotes escaped; `&`, `<` and `>` as entities (Graphviz
/// decodes the entities it finds, so a stack's own `&amp;` must not be one); a backslash as
/// four, because Graphviz (2.43 checked) unescapes a tooltip twice — `\\G` would still become
/// the graph's name. Newer versions that unescape once show two backslashes: never an escape.
pub fn tooltip_text(s: &str) -> String {
    let s = super::label_text(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn node_id(diagram: &Diagram, v: usize) -> String {
    match &diagram.nodes[v] {
        Node::Party(p) => format!("p{p}"),
        Node::Folded { .. } => format!("f{v}"),
    }
}

/// Renders the DOT source.
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let diagram = Diagram::of(ctx);
    let mut out = String::new();
    let mut title = format!("<B>{}</B>", html_label(&stack.name));
    if let Some(omitted) = &diagram.omitted {
        let _ = write!(
            title,
            "<BR/><FONT POINT-SIZE=\"10\">{}</FONT>",
            html_label(&omitted.caption())
        );
    }
    let _ = writeln!(
        out,
        "digraph stack {{\n  label=<{title}>;\n  labelloc=t;\n  rankdir=TB;\n  newrank=true;\n  fontname=\"Helvetica\";"
    );
    out.push_str("  node [shape=box, style=\"rounded\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str(&nodes(ctx, &diagram));
    let mut at: HashMap<HandoffIdx, Vec<&Finding>> = diagram
        .links
        .iter()
        .filter_map(|l| l.handoff)
        .map(|h| (h, Vec::new()))
        .collect();
    for f in ctx.report.sorted(stack) {
        if let Place::Handoff { handoff, .. } = f.place
            && let Some(list) = at.get_mut(&handoff)
        {
            list.push(f);
        }
    }
    for (i, link) in diagram.links.iter().enumerate() {
        let findings = link.handoff.and_then(|h| at.get(&h));
        out.push_str(&edge(ctx, &diagram, i, findings));
    }
    out.push_str("}\n");
    out
}

/// The boxes, one cluster per layer on a rank of its own, and the layers kept in order
/// whatever the hand-offs say: an invisible edge from each layer to the next.
fn nodes(ctx: &Context, diagram: &Diagram) -> String {
    let stack = ctx.stack;
    let mut out = String::new();
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); stack.layers.len()];
    let mut unlayered = Vec::new();
    for v in 0..diagram.nodes.len() {
        match diagram.layer(stack, v) {
            Some(l) => by_layer[l as usize].push(v),
            None => unlayered.push(v),
        }
    }
    for (l, nodes) in by_layer.iter().enumerate() {
        if nodes.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  subgraph cluster_{l} {{\n    label=<{}>;\n    style=dashed;\n    color=\"#999999\";\n    rank=same;",
            html_label(&stack.layers[l].name)
        );
        for &v in nodes {
            let _ = writeln!(out, "    {}", node(ctx, diagram, v));
        }
        out.push_str("  }\n");
    }
    for &v in &unlayered {
        let _ = writeln!(out, "  {}", node(ctx, diagram, v));
    }
    let firsts: Vec<usize> = by_layer
        .iter()
        .filter_map(|nodes| nodes.first().copied())
        .collect();
    for pair in firsts.windows(2) {
        let _ = writeln!(
            out,
            "  {} -> {} [style=invis];",
            node_id(diagram, pair[0]),
            node_id(diagram, pair[1])
        );
    }
    out
}

/// One link: its label (service, then status in bold), its status's colour, style and width,
/// and a tooltip with its findings. A link to a provider in a higher layer stays out of the
/// ranking (`constraint=false`); one within a layer gets its label as a box of its own, in the
/// rank below, because Graphviz lays the labels of edges within a rank over each other.
fn edge(ctx: &Context, diagram: &Diagram, i: usize, findings: Option<&Vec<&Finding>>) -> String {
    let stack = ctx.stack;
    let link = &diagram.links[i];
    let status = link.tally.status();
    let lines = diagram.link_lines(stack, i);
    let (service, status_line) = lines.split_at(lines.len() - 1);
    let mut text = String::new();
    for s in service {
        let _ = write!(text, "{}<BR/>", html_label(s));
    }
    let _ = write!(text, "<B>{}</B>", html_label(&status_line[0]));
    let (_, width) = status.dashes();
    let line = format!(
        "color=\"{}\", style={}, penwidth={width}, tooltip=\"{}\"",
        status.colour(),
        status.dot_style(),
        tooltip(ctx, diagram, i, findings)
    );
    let (from, to) = (
        node_id(diagram, link.consumer),
        node_id(diagram, link.provider),
    );
    let (consumer, provider) = (
        diagram.layer(stack, link.consumer),
        diagram.layer(stack, link.provider),
    );
    if consumer.is_some() && consumer == provider {
        format!(
            "  l{i} [shape=plain, label=<{text}>, fontsize=10, fontcolor=\"{}\"];\n  {from} -> l{i} [arrowhead=none, {line}];\n  l{i} -> {to} [id=\"h{i}\", {line}];\n",
            status.text_colour(),
        )
    } else {
        let upward = matches!((consumer, provider), (Some(c), Some(p)) if p < c);
        format!(
            "  {from} -> {to} [id=\"h{i}\", label=<{text}>, fontcolor=\"{}\", {line}{}];\n",
            status.text_colour(),
            if upward { ", constraint=false" } else { "" },
        )
    }
}

fn node(ctx: &Context, diagram: &Diagram, v: usize) -> String {
    let stack = ctx.stack;
    match &diagram.nodes[v] {
        Node::Party(p) => {
            let party = stack.party(*p);
            let mut text = format!(
                "<B>{}</B><BR/><FONT POINT-SIZE=\"10\" COLOR=\"#555555\">{}</FONT>",
                html_label(&party.name),
                html_label(&party.id)
            );
            let own = diagram.own[v];
            if own.status() != Status::Covered {
                let _ = write!(
                    text,
                    "<BR/><FONT POINT-SIZE=\"10\" COLOR=\"{}\">own: {}</FONT>",
                    own.status().text_colour(),
                    html_label(&own.label())
                );
            }
            format!(
                "{} [label=<{text}>, tooltip=\"{} ({})\"];",
                node_id(diagram, v),
                tooltip_text(&party.name),
                tooltip_text(&party.id)
            )
        }
        Node::Folded { tally, .. } => {
            let lines = diagram.node_lines(stack, v);
            let text: Vec<String> = lines.iter().map(|l| html_label(l)).collect();
            format!(
                "{} [label=<{}>, style=\"rounded,dashed,filled\", fillcolor=\"#f7f7f7\", color=\"#777777\", fontcolor=\"{}\", tooltip=\"{}\"];",
                node_id(diagram, v),
                text.join("<BR/>"),
                tally.status().text_colour(),
                tooltip_text(&lines.join(" — "))
            )
        }
    }
}

/// Findings listed in a tooltip before the rest is only counted.
const TOOLTIP_FINDINGS: usize = 12;

/// The status, then the hand-off's findings, one a line: control id, name, family, kind and
/// side.
fn tooltip(ctx: &Context, diagram: &Diagram, i: usize, findings: Option<&Vec<&Finding>>) -> String {
    let stack = ctx.stack;
    let link = &diagram.links[i];
    let mut lines = vec![tooltip_text(&link.tally.label())];
    if let Some(findings) = findings {
        let mut findings = findings.clone();
        findings.sort_by_key(|f| (f.accepted.is_some(), f.severity()));
        for f in findings.iter().take(TOOLTIP_FINDINGS) {
            lines.push(tooltip_text(&format!(
                "{} {}: {}{}{}",
                f.severity().as_str(),
                super::text::described_control(stack.control(f.control)),
                f.kind.as_str(),
                f.side()
                    .map(|s| format!(", {} side", s.as_str()))
                    .unwrap_or_default(),
                if f.accepted.is_some() {
                    ", accepted"
                } else {
                    ""
                }
            )));
        }
        if findings.len() > TOOLTIP_FINDINGS {
            lines.push(format!("… and {} more", findings.len() - TOOLTIP_FINDINGS));
        }
    }
    lines.join("\\n")
}
