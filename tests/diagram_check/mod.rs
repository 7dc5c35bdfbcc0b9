//! Reading back what the diagrams emit, for the tests of `tests/diagrams.rs`,
//! `tests/diagram_formats.rs` and `tests/diagram_covered.rs`: a stack rendered in every format,
//! the HTML page's SVG (boxes, labels, paths) with the checker of the layout's promises, the
//! layout's own geometry in the same form, Mermaid's edges, and the numbers of a focused
//! diagram's note.
// Each test crate uses its own subset of these.
#![allow(dead_code)]

use std::collections::HashMap;

use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;
use stackgap::report::Context;
use stackgap::report::layout::{Diagram, Drawing};

/// The analysis date of the diagram tests.
pub const AS_OF: &str = "2026-06-01";

/// A stack loaded and analysed as of [`AS_OF`], handed to `f` as the reports see it.
pub fn with_context<T>(toml: &str, f: impl FnOnce(&Context) -> T) -> T {
    let stack = stackgap::stack::load_str(toml, "generated.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
    let report = analyse(&stack, &what_if);
    f(&Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
        fix_first: None,
    })
}

/// Mermaid, DOT and HTML of a stack.
pub fn render_all(toml: &str) -> (String, String, String) {
    with_context(toml, |ctx| {
        (
            stackgap::report::mermaid::render(ctx),
            stackgap::report::dot::render(ctx),
            stackgap::report::html::render(ctx),
        )
    })
}

/// The first six numbers of a focused diagram's note: "Showing A of P parties and B of H
/// hand-offs: … Not drawn: C parties and D hand-offs, …".
pub fn note_numbers(note: &str) -> [usize; 6] {
    let numbers: Vec<usize> = note
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(|w| w.parse().expect("a count"))
        .collect();
    numbers.try_into().expect("six counts in the note")
}

/// A rectangle as the SVG states it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether two rectangles share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    /// Whether a point lies on the rectangle's border.
    pub fn on_border(&self, (x, y): (f64, f64)) -> bool {
        let within_x = x >= self.x && x <= self.right();
        let within_y = y >= self.y && y <= self.bottom();
        (within_x && (y == self.y || y == self.bottom()))
            || (within_y && (x == self.x || x == self.right()))
    }
}

#[derive(Debug)]
pub struct SvgNode {
    pub node: String,
    pub party: String,
    pub folded: bool,
    pub rect: Rect,
    pub text: Vec<String>,
}

#[derive(Debug)]
pub struct SvgLink {
    pub status: String,
    pub from: String,
    pub to: String,
    /// Consumer to label, then label to provider.
    pub paths: [Vec<(f64, f64)>; 2],
    pub dashes: Option<String>,
    pub marker: String,
    pub label: Rect,
    pub label_text: Vec<String>,
}

#[derive(Debug)]
pub struct Svg {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<SvgNode>,
    pub links: Vec<SvgLink>,
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of `name="…"` in a tag.
pub fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

pub fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a number in {tag}"))
}

pub fn rect_of(tag: &str) -> Rect {
    Rect {
        x: num(tag, "x"),
        y: num(tag, "y"),
        w: num(tag, "width"),
        h: num(tag, "height"),
    }
}

/// Every tag starting with `start` in `s`, up to its `>`.
pub fn tags<'s>(s: &'s str, start: &str) -> Vec<&'s str> {
    s.match_indices(start)
        .map(|(at, _)| &s[at..at + s[at..].find('>').expect("tag closes")])
        .collect()
}

pub fn texts(s: &str) -> Vec<String> {
    s.split("<text")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').expect("text tag") + 1..];
            unescape(&body[..body.find("</text>").expect("text closes")])
        })
        .collect()
}

pub fn path_points(d: &str) -> Vec<(f64, f64)> {
    d.split(['M', 'L'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (x, y) = p.split_once(',').expect("x,y");
            (x.parse().expect("x"), y.parse().expect("y"))
        })
        .collect()
}

/// The stack diagram of an HTML page.
pub fn parse_svg(html: &str) -> Svg {
    let start = html.find("<svg xmlns").expect("the page has the diagram");
    let end = start + html[start..].find("</svg>").expect("the diagram closes");
    let svg = &html[start..end];
    let head = tags(svg, "<svg")[0];
    let view: Vec<f64> = attr(head, "viewBox")
        .expect("viewBox")
        .split(' ')
        .map(|v| v.parse().expect("number"))
        .collect();
    let groups = |class: &str| -> Vec<&str> {
        svg.split(&format!("<g class=\"{class}"))
            .skip(1)
            .map(|g| &g[..g.find("</g>").expect("group closes")])
            .collect()
    };
    let nodes = groups("node ")
        .into_iter()
        .map(|g| {
            let open = &g[..g.find('>').expect("g tag")];
            SvgNode {
                node: attr(open, "data-node").expect("data-node").to_string(),
                party: unescape(attr(open, "data-party").expect("data-party")),
                folded: open.starts_with("folded"),
                rect: rect_of(tags(g, "<rect class=\"box\"")[0]),
                text: texts(g),
            }
        })
        .collect();
    let links = groups("link ")
        .into_iter()
        .map(|g| {
            let open = &g[..g.find('>').expect("g tag")];
            let lines = tags(g, "<path class=\"line");
            assert_eq!(lines.len(), 2, "two paths per link: {g}");
            let end = lines[1];
            SvgLink {
                status: open.split('"').next().expect("class").to_string(),
                from: attr(open, "data-from").expect("data-from").to_string(),
                to: attr(open, "data-to").expect("data-to").to_string(),
                paths: [
                    path_points(attr(lines[0], "d").expect("d")),
                    path_points(attr(end, "d").expect("d")),
                ],
                dashes: attr(end, "stroke-dasharray").map(str::to_string),
                marker: attr(end, "marker-end").expect("an arrowhead").to_string(),
                label: rect_of(tags(g, "<rect class=\"label\"")[0]),
                label_text: texts(g),
            }
        })
        .collect();
    Svg {
        width: view[2],
        height: view[3],
        nodes,
        links,
    }
}

// ---------------------------------------------------------------------------------------------
// the promises

/// A straight piece of a link: (link, piece index, from, to).
pub type Piece = (usize, usize, (f64, f64), (f64, f64));

/// Everything wrong with a drawing, as sentences (empty: it keeps every promise).
pub fn problems(svg: &Svg) -> Vec<String> {
    let mut out = Vec::new();
    let node_at: HashMap<&str, &SvgNode> = svg.nodes.iter().map(|n| (n.node.as_str(), n)).collect();
    let boxes: Vec<(String, Rect)> = svg
        .nodes
        .iter()
        .map(|n| (format!("box {}", n.party), n.rect))
        .chain(
            svg.links
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("label of link {i}"), l.label)),
        )
        .collect();
    for (i, (a, ra)) in boxes.iter().enumerate() {
        for (b, rb) in &boxes[i + 1..] {
            if ra.overlaps(rb) {
                out.push(format!("{a} overlaps {b}"));
            }
        }
        if ra.x < 0.0 || ra.y < 0.0 || ra.right() > svg.width || ra.bottom() > svg.height {
            out.push(format!("{a} lies outside the drawing"));
        }
    }

    let mut pieces: Vec<Piece> = Vec::new();
    let mut ends: Vec<((f64, f64), usize)> = Vec::new();
    for (i, l) in svg.links.iter().enumerate() {
        let (Some(from), Some(to)) = (node_at.get(l.from.as_str()), node_at.get(l.to.as_str()))
        else {
            out.push(format!("link {i} joins boxes that are not drawn"));
            continue;
        };
        if l.label_text.is_empty() || l.label_text.iter().all(|t| t.trim().is_empty()) {
            out.push(format!("link {i} has no printed label"));
        }
        if !l.marker.contains(&l.status) {
            out.push(format!("link {i}'s arrowhead is not its status colour"));
        }
        for (k, path) in l.paths.iter().enumerate() {
            if path.len() < 2 {
                out.push(format!("link {i} path {k} has fewer than two points"));
                continue;
            }
            let (start_box, end_box) = if k == 0 {
                (from.rect, l.label)
            } else {
                (l.label, to.rect)
            };
            if !start_box.on_border(path[0]) || !end_box.on_border(path[path.len() - 1]) {
                out.push(format!(
                    "link {i} ({} → {}) path {k} does not run from border to border: {path:?}",
                    from.party, to.party
                ));
            }
            ends.push((path[0], i));
            ends.push((path[path.len() - 1], i));
            for (j, w) in path.windows(2).enumerate() {
                if w[0].0 != w[1].0 && w[0].1 != w[1].1 {
                    out.push(format!("link {i} has a slanted piece {w:?}"));
                }
                pieces.push((i, k * 1000 + j, w[0], w[1]));
            }
        }
    }

    // No piece through a box or a label (touching the border where a path ends is fine).
    for &(i, _, a, b) in &pieces {
        for (name, r) in &boxes {
            if crosses_interior(r, a, b) {
                out.push(format!("link {i} passes through {name}: {a:?}–{b:?}"));
            }
        }
    }
    // No two pieces on top of each other, nor parallel and closer than 4 px along a stretch.
    for (n, &(i, pi, a1, a2)) in pieces.iter().enumerate() {
        for &(j, pj, b1, b2) in &pieces[n + 1..] {
            if i == j && pi.abs_diff(pj) <= 1 && pi / 1000 == pj / 1000 {
                continue;
            }
            if let Some(how) = too_close(a1, a2, b1, b2) {
                out.push(format!(
                    "links {i} and {j} {how}: {a1:?}–{a2:?} and {b1:?}–{b2:?}"
                ));
            }
        }
    }
    // No two paths end at the same point (their arrowheads would cover each other).
    let mut seen: HashMap<(i64, i64), usize> = HashMap::new();
    for (p, i) in ends {
        let key = (p.0 as i64, p.1 as i64);
        if let Some(&j) = seen.get(&key)
            && j != i
        {
            out.push(format!("links {i} and {j} end at the same point {p:?}"));
        }
        seen.insert(key, i);
    }
    out
}

/// Whether the piece a–b enters the inside of the rectangle.
pub fn crosses_interior(r: &Rect, a: (f64, f64), b: (f64, f64)) -> bool {
    let (x1, x2) = (a.0.min(b.0), a.0.max(b.0));
    let (y1, y2) = (a.1.min(b.1), a.1.max(b.1));
    if x1 == x2 {
        x1 > r.x && x1 < r.right() && y1 < r.bottom() && y2 > r.y
    } else {
        y1 > r.y && y1 < r.bottom() && x1 < r.right() && x2 > r.x
    }
}

/// How two axis-aligned pieces come too close: on top of each other, or side by side.
pub fn too_close(
    a1: (f64, f64),
    a2: (f64, f64),
    b1: (f64, f64),
    b2: (f64, f64),
) -> Option<&'static str> {
    let vertical = |p: (f64, f64), q: (f64, f64)| p.0 == q.0;
    let (va, vb) = (vertical(a1, a2), vertical(b1, b2));
    if va != vb {
        return None;
    }
    // Work as if both were horizontal: (fixed coordinate, span).
    let flat = |p: (f64, f64), q: (f64, f64), v: bool| {
        if v {
            (p.0, p.1.min(q.1), p.1.max(q.1))
        } else {
            (p.1, p.0.min(q.0), p.0.max(q.0))
        }
    };
    let (ca, lo_a, hi_a) = flat(a1, a2, va);
    let (cb, lo_b, hi_b) = flat(b1, b2, vb);
    let shared = hi_a.min(hi_b) - lo_a.max(lo_b);
    if shared <= 0.0 {
        return None;
    }
    if ca == cb {
        Some("are drawn over each other")
    } else if (ca - cb).abs() < 4.0 {
        Some("run side by side closer than 4 px")
    } else {
        None
    }
}

/// The layout's geometry as the checker reads an SVG (node `n{i}`, party `p{i}`).
pub fn svg_of(drawing: &Drawing, diagram: &Diagram) -> Svg {
    let rect = |r: &stackgap::report::layout::Rect| Rect {
        x: r.x.into(),
        y: r.y.into(),
        w: r.w.into(),
        h: r.h.into(),
    };
    let points = |ps: &[(i32, i32)]| ps.iter().map(|&(x, y)| (x.into(), y.into())).collect();
    Svg {
        width: drawing.width.into(),
        height: drawing.height.into(),
        nodes: drawing
            .nodes
            .iter()
            .enumerate()
            .map(|(i, r)| SvgNode {
                node: format!("n{i}"),
                party: format!("p{i}"),
                folded: false,
                rect: rect(r),
                text: drawing.node_lines[i].clone(),
            })
            .collect(),
        links: diagram
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| SvgLink {
                status: l.tally.status().as_str().to_string(),
                from: format!("n{}", l.consumer),
                to: format!("n{}", l.provider),
                paths: [
                    points(&drawing.paths[i].to_label),
                    points(&drawing.paths[i].from_label),
                ],
                dashes: None,
                marker: format!("url(#arrow-{})", l.tally.status().as_str()),
                label: rect(&drawing.labels[i]),
                label_text: drawing.label_lines[i].clone(),
            })
            .collect(),
    }
}

/// Mermaid edges `a -->|"label"| b` as (label, linkStyle), in order.
pub fn mermaid_edges(src: &str) -> Vec<(String, String)> {
    let labels: Vec<String> = src
        .lines()
        .filter(|l| l.contains(" -->|\""))
        .map(|l| {
            let start = l.find("|\"").expect("label") + 2;
            let end = l.rfind("\"|").expect("label end");
            l[start..end].to_string()
        })
        .collect();
    let styles: Vec<String> = src
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("linkStyle "))
        .map(str::to_string)
        .collect();
    assert_eq!(labels.len(), styles.len(), "a linkStyle per edge");
    for (i, s) in styles.iter().enumerate() {
        assert!(
            s.starts_with(&format!("{i} ")),
            "linkStyle {i} in order: {s}"
        );
    }
    labels.into_iter().zip(styles).collect()
}
