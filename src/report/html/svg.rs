//! The page's diagram as inline SVG, drawn from the layout: layer bands, each hand-off as a
//! line styled by its status (colour and dash pattern) with its printed label, party boxes, and
//! a legend. Classes and `data-` attributes name what each shape is, so tests can check the
//! geometry of what was emitted.

use std::fmt::Write;

use super::h;
use crate::report::Context;
use crate::report::layout::{self, Diagram, Drawing, Node, Status};

const STATUSES: [Status; 4] = [
    Status::Gap,
    Status::Warning,
    Status::Accepted,
    Status::Covered,
];

/// The diagram section's content: what it leaves out (for a big stack), the SVG and the legend.
pub(super) fn diagram(ctx: &Context) -> String {
    let stack = ctx.stack;
    let diagram = Diagram::of(ctx);
    let drawing = layout::draw(stack, &diagram);
    let mut out = String::new();
    if let Some(omitted) = &diagram.omitted {
        let _ = writeln!(out, "<p class=\"omitted\">{}</p>", h(&omitted.caption()));
    }
    out.push_str(&svg(ctx, &diagram, &drawing));
    out.push_str(&legend());
    out
}

fn svg(ctx: &Context, diagram: &Diagram, d: &Drawing) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"stack\" viewBox=\"0 0 {w} {hgt}\" width=\"{w}\" height=\"{hgt}\" role=\"img\" aria-labelledby=\"diagram-title\" font-family=\"system-ui, sans-serif\" font-size=\"12\">",
        w = d.width,
        hgt = d.height
    );
    let _ = writeln!(
        out,
        "<title id=\"diagram-title\">Provider stack: {} parties and {} links drawn; arrows point from consumer to provider</title>",
        diagram.nodes.len(),
        diagram.links.len()
    );
    out.push_str("<defs>");
    for s in STATUSES {
        let _ = write!(
            out,
            "<marker id=\"arrow-{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>",
            s.as_str(),
            s.colour()
        );
    }
    out.push_str("</defs>\n");
    out.push_str(&bands(ctx, d));
    // Lines and labels first, boxes on top.
    for i in 0..diagram.links.len() {
        out.push_str(&link_group(ctx, diagram, d, i));
    }
    for v in 0..diagram.nodes.len() {
        out.push_str(&node_group(ctx, diagram, d, v));
    }
    out.push_str("</svg>\n");
    out
}

/// A band behind each row of parties, named in the left margin when the stack has layers.
fn bands(ctx: &Context, d: &Drawing) -> String {
    let mut out = String::new();
    for (i, band) in d.bands.iter().enumerate() {
        let _ = writeln!(
            out,
            "<rect class=\"band\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            band.y - 6,
            d.width,
            band.h + 12,
            if i % 2 == 0 { "#f4f4f4" } else { "#ebebeb" }
        );
        if !d.layered {
            continue;
        }
        let name = band.layer.map_or("(no layer)".to_string(), |l| {
            ctx.stack.layers[l as usize].name.clone()
        });
        let _ = write!(
            out,
            "<text class=\"layer\" x=\"8\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" fill=\"#444\">",
            band.y + 12
        );
        for (k, line) in layout::wrap(&crate::report::label_text(&name), 20, 3)
            .iter()
            .enumerate()
        {
            let _ = write!(
                out,
                "<tspan x=\"8\" dy=\"{}\">{}</tspan>",
                if k == 0 { 0 } else { 13 },
                h(line)
            );
        }
        out.push_str("</text>\n");
    }
    out
}

/// One hand-off: its two paths (to its label, then on to the provider with the arrowhead) in
/// its status's colour and dashes, and its label.
fn link_group(ctx: &Context, diagram: &Diagram, d: &Drawing, i: usize) -> String {
    let link = &diagram.links[i];
    let status = link.tally.status();
    let (dashes, width) = status.dashes();
    let style = format!(
        "fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{}",
        status.colour(),
        dashes
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default()
    );
    let path = &d.paths[i];
    let mut out = format!(
        "<g class=\"link {}\" data-link=\"{i}\" data-from=\"n{}\" data-to=\"n{}\"><title>{}</title>\n<path class=\"line\" d=\"{}\" {style}/>\n<path class=\"line end\" d=\"{}\" {style} marker-end=\"url(#arrow-{})\"/>\n",
        status.as_str(),
        link.consumer,
        link.provider,
        h(&link_title(ctx, diagram, i)),
        points(&path.to_label),
        points(&path.from_label),
        status.as_str()
    );
    let r = d.labels[i];
    let _ = write!(
        out,
        "<rect class=\"label\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#fff\" stroke=\"{}\"/>",
        r.x,
        r.y,
        r.w,
        r.h,
        status.colour()
    );
    // The service, if any, then the status (wrapped onto as many lines as it needs).
    let service = usize::from(
        link.handoff
            .and_then(|h| ctx.stack.handoff(h).service.as_ref())
            .is_some(),
    );
    for (k, line) in d.label_lines[i].iter().enumerate() {
        let is_status = k >= service;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{}\"{}>{}</text>",
            r.x + r.w / 2,
            r.y + 14 * (k as i32 + 1) - 1,
            if is_status {
                status.text_colour()
            } else {
                "#333"
            },
            if is_status {
                " font-weight=\"bold\""
            } else {
                ""
            },
            h(line)
        );
    }
    out.push_str("</g>\n");
    out
}

/// One box: a party (name, id, own findings) or a "+N" node, with its full text as tooltip.
fn node_group(ctx: &Context, diagram: &Diagram, d: &Drawing, v: usize) -> String {
    let stack = ctx.stack;
    let node = &diagram.nodes[v];
    let r = d.nodes[v];
    let (kind, id, title, fill, stroke, dashes) = match node {
        Node::Party(p) => {
            let party = stack.party(*p);
            (
                "party",
                party.id.as_str(),
                format!("{} ({})", party.name, party.id),
                "#fff",
                "#333",
                "",
            )
        }
        Node::Folded { under, .. } => (
            "folded",
            stack.party(*under).id.as_str(),
            diagram.node_lines(stack, v).join(" — "),
            "#f7f7f7",
            "#777",
            " stroke-dasharray=\"4 3\"",
        ),
    };
    let mut out = format!(
        "<g class=\"node {kind}\" data-node=\"n{v}\" data-party=\"{}\"><title>{}</title><rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\"{dashes}/>",
        h(id),
        h(&title),
        r.x,
        r.y,
        r.w,
        r.h
    );
    let title_lines = d.node_title_lines[v];
    for (k, line) in d.node_lines[v].iter().enumerate() {
        let (size, weight, colour) = match (k, node) {
            (k, _) if k < title_lines => ("12", " font-weight=\"bold\"", "#111"),
            (_, Node::Folded { tally, .. }) => ("11", "", tally.status().text_colour()),
            (_, Node::Party(_)) if line.starts_with("own: ") => {
                ("11", "", diagram.own[v].status().text_colour())
            }
            _ => ("11", "", "#555"),
        };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{size}\"{weight} fill=\"{colour}\">{}</text>",
            r.x + r.w / 2,
            r.y + 16 + 15 * k as i32,
            h(line)
        );
    }
    out.push_str("</g>\n");
    out
}

/// `consumer name (id) → provider name (id), service: status`, for the tooltip.
fn link_title(ctx: &Context, diagram: &Diagram, i: usize) -> String {
    let stack = ctx.stack;
    let link = &diagram.links[i];
    let name = |v: usize| match &diagram.nodes[v] {
        Node::Party(p) => {
            let party = stack.party(*p);
            format!("{} ({})", party.name, party.id)
        }
        Node::Folded { .. } => diagram.node_lines(stack, v)[0].clone(),
    };
    let mut s = format!("{} → {}", name(link.consumer), name(link.provider));
    if let Some(service) = link.handoff.and_then(|h| stack.handoff(h).service.as_ref()) {
        let _ = write!(s, ", {service}");
    }
    let _ = write!(s, ": {}", link.tally.label());
    s
}

/// SVG path data through the points.
fn points(ps: &[(i32, i32)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in ps.iter().enumerate() {
        let _ = write!(d, "{}{x},{y}", if i == 0 { "M" } else { " L" });
    }
    d
}

/// What colours, dashes and icons mean, as HTML under the diagram: a short line sample drawn
/// in each status's style beside its icon and word.
fn legend() -> String {
    let mut out = String::from(
        "<ul class=\"legend\" aria-label=\"Legend\">\n<li>Arrows point from consumer to provider; each label names the service and its open findings.</li>\n",
    );
    for s in STATUSES {
        let (dashes, width) = s.dashes();
        let words = match s {
            Status::Gap => "an open gap (solid red)",
            Status::Warning => "an open warning, no gap (dashed amber)",
            Status::Accepted => "only accepted findings (dash-dotted grey)",
            Status::Covered => "covered, no finding (dotted green)",
        };
        let _ = writeln!(
            out,
            "<li class=\"{}\"><svg width=\"36\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"36\" y2=\"5\" stroke=\"{}\" stroke-width=\"{width}\"{}/></svg> <span class=\"icon\">{}</span> {words}</li>",
            s.as_str(),
            s.colour(),
            dashes
                .map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default(),
            s.icon()
        );
    }
    out.push_str("</ul>\n");
    out
}
