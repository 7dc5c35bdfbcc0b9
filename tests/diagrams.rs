//! Diagrams that never misstate (issue 14): the HTML page's SVG is parsed back and checked for
//! the promises the layout makes — no edge drawn over another edge, no edge through a box or a
//! label, every hand-off drawn once between the right boxes with its status in its class, its
//! line style and its printed label — on every sample stack and on generated ones. Mermaid and
//! DOT are checked for the same statuses, for staying readable and inside Mermaid's limits on
//! big stacks, and for labels escaped for their own syntax.

mod common;

#[path = "../benches/common/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::collections::HashMap;

use serde_json::Value;
use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;
use stackgap::report::Context;
use stackgap::report::layout::Diagram;

use common::{run, sample_stacks, text, write};

const AS_OF: &str = "2026-06-01";

// ---------------------------------------------------------------------------------------------
// reading the SVG back

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn right(&self) -> f64 {
        self.x + self.w
    }
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether two rectangles share any area.
    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    /// Whether a point lies on the rectangle's border.
    fn on_border(&self, (x, y): (f64, f64)) -> bool {
        let within_x = x >= self.x && x <= self.right();
        let within_y = y >= self.y && y <= self.bottom();
        (within_x && (y == self.y || y == self.bottom()))
            || (within_y && (x == self.x || x == self.right()))
    }
}

#[derive(Debug)]
struct SvgNode {
    node: String,
    party: String,
    folded: bool,
    rect: Rect,
    text: Vec<String>,
}

#[derive(Debug)]
struct SvgLink {
    status: String,
    from: String,
    to: String,
    /// Consumer to label, then label to provider.
    paths: [Vec<(f64, f64)>; 2],
    dashes: Option<String>,
    marker: String,
    label: Rect,
    label_text: Vec<String>,
}

#[derive(Debug)]
struct Svg {
    width: f64,
    height: f64,
    nodes: Vec<SvgNode>,
    links: Vec<SvgLink>,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of `name="…"` in a tag.
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a number in {tag}"))
}

fn rect_of(tag: &str) -> Rect {
    Rect {
        x: num(tag, "x"),
        y: num(tag, "y"),
        w: num(tag, "width"),
        h: num(tag, "height"),
    }
}

/// Every tag starting with `start` in `s`, up to its `>`.
fn tags<'s>(s: &'s str, start: &str) -> Vec<&'s str> {
    s.match_indices(start)
        .map(|(at, _)| &s[at..at + s[at..].find('>').expect("tag closes")])
        .collect()
}

fn texts(s: &str) -> Vec<String> {
    s.split("<text")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').expect("text tag") + 1..];
            unescape(&body[..body.find("</text>").expect("text closes")])
        })
        .collect()
}

fn path_points(d: &str) -> Vec<(f64, f64)> {
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
fn parse_svg(html: &str) -> Svg {
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
type Piece = (usize, usize, (f64, f64), (f64, f64));

/// Everything wrong with a drawing, as sentences (empty: it keeps every promise).
fn problems(svg: &Svg) -> Vec<String> {
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
fn crosses_interior(r: &Rect, a: (f64, f64), b: (f64, f64)) -> bool {
    let (x1, x2) = (a.0.min(b.0), a.0.max(b.0));
    let (y1, y2) = (a.1.min(b.1), a.1.max(b.1));
    if x1 == x2 {
        x1 > r.x && x1 < r.right() && y1 < r.bottom() && y2 > r.y
    } else {
        y1 > r.y && y1 < r.bottom() && x1 < r.right() && x2 > r.x
    }
}

/// How two axis-aligned pieces come too close: on top of each other, or side by side.
fn too_close(
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

// ---------------------------------------------------------------------------------------------
// what the stack says

fn check_json(path: &str) -> Value {
    let out = run(&[
        "check",
        path,
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// (consumer, provider, service) of a finding or a hand-off.
type Place = (String, String, Option<String>);

/// The status each hand-off must be drawn with, from `check --format json`.
fn statuses(report: &Value) -> HashMap<Place, &'static str> {
    let mut worst: HashMap<Place, &'static str> = HashMap::new();
    let rank = |s: &str| match s {
        "gap" => 0,
        "warning" => 1,
        "accepted" => 2,
        _ => 3,
    };
    for f in report["findings"].as_array().expect("findings") {
        let Some(consumer) = f["consumer"].as_str() else {
            continue;
        };
        let place = (
            consumer.to_string(),
            f["provider"].as_str().expect("provider").to_string(),
            f["service"].as_str().map(str::to_string),
        );
        let status = match (f["accepted"].as_bool(), f["severity"].as_str()) {
            (Some(true), _) => "accepted",
            (_, Some("gap")) => "gap",
            _ => "warning",
        };
        let entry = worst.entry(place).or_insert("covered");
        if rank(status) < rank(entry) {
            *entry = status;
        }
    }
    worst
}

/// The hand-offs of a stack file: (consumer, provider, service), in order.
fn handoffs(path: &str) -> Vec<Place> {
    let doc: toml::Table = std::fs::read_to_string(path)
        .expect("stack file")
        .parse()
        .expect("TOML");
    doc.get("handoff")
        .and_then(|h| h.as_array())
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    let s = |k: &str| h.get(k).and_then(|v| v.as_str()).map(str::to_string);
                    (
                        s("consumer").expect("consumer"),
                        s("provider").expect("provider"),
                        s("service"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn export(path: &str, format: &str) -> String {
    let out = run(&["export", path, "--format", format, "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The dash pattern each status is drawn with (none: solid).
fn dashes_of(status: &str) -> Option<&'static str> {
    match status {
        "gap" => None,
        "warning" => Some("7 4"),
        "accepted" => Some("9 3 2 3"),
        _ => Some("2 3"),
    }
}

#[test]
fn every_sample_diagram_draws_each_handoff_once_with_its_status_and_nothing_over_anything() {
    for path in sample_stacks() {
        let path = path.display().to_string();
        let svg = parse_svg(&export(&path, "html"));
        let wrong = problems(&svg);
        assert!(wrong.is_empty(), "{path}:\n{}", wrong.join("\n"));

        // Exactly the stack's hand-offs, each between its own two parties, with its status.
        let want = statuses(&check_json(&path));
        let party_of: HashMap<&str, &str> = svg
            .nodes
            .iter()
            .map(|n| (n.node.as_str(), n.party.as_str()))
            .collect();
        let mut drawn: Vec<(String, String, String, String)> = svg
            .links
            .iter()
            .map(|l| {
                (
                    party_of[l.from.as_str()].to_string(),
                    party_of[l.to.as_str()].to_string(),
                    l.status.clone(),
                    l.label_text.join(" / "),
                )
            })
            .collect();
        let mut expected: Vec<(String, String, String, String)> = handoffs(&path)
            .into_iter()
            .zip(&svg.links)
            .map(|(place, l)| {
                let status = want.get(&place).copied().unwrap_or("covered");
                (
                    place.0,
                    place.1,
                    status.to_string(),
                    l.label_text.join(" / "),
                )
            })
            .collect();
        assert_eq!(
            svg.links.len(),
            handoffs(&path).len(),
            "{path}: one link per hand-off"
        );
        drawn.sort();
        expected.sort();
        assert_eq!(drawn, expected, "{path}: links, their ends and statuses");
        for (l, place) in svg.links.iter().zip(handoffs(&path)) {
            assert_eq!(
                l.dashes.as_deref(),
                dashes_of(&l.status),
                "{path}: {place:?} line style"
            );
            if let Some(service) = &place.2 {
                assert!(
                    l.label_text[0]
                        .starts_with(service.chars().take(20).collect::<String>().as_str()),
                    "{path}: {place:?}: label {:?} names the service",
                    l.label_text
                );
            }
            let status_line = l.label_text.last().expect("status line");
            let icon = match l.status.as_str() {
                "gap" => "✖",
                "warning" => "⚠",
                "accepted" => "○",
                _ => "✓",
            };
            assert!(
                status_line.starts_with(icon),
                "{path}: {place:?}: {status_line:?} starts with {icon}"
            );
        }
        assert!(
            svg.nodes.iter().all(|n| !n.folded),
            "{path}: small stacks fold nothing"
        );
    }
}

/// The stack of `benches/common/synthetic.rs` at a size and seed, analysed.
fn synthetic_html(parties: usize, seed: u64) -> String {
    let toml = synthetic::stack_toml(parties, seed);
    let stack = stackgap::stack::load_str(&toml, "generated.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
    let report = analyse(&stack, &what_if);
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
    };
    stackgap::report::html::render(&ctx)
}

#[test]
fn generated_diagrams_keep_the_promises_whole_and_folded() {
    for (parties, seed) in [
        (20, 1),
        (25, 2),
        (35, 3),
        (40, 4),
        (40, 5),
        (60, 6),
        (250, 7),
    ] {
        let html = synthetic_html(parties, seed);
        let svg = parse_svg(&html);
        let wrong = problems(&svg);
        assert!(
            wrong.is_empty(),
            "{parties} parties, seed {seed}:\n{}",
            wrong.join("\n")
        );
        let folded = svg.nodes.iter().filter(|n| n.folded).count();
        let focused = html.contains("class=\"omitted\"");
        // Over 40 parties a diagram always focuses; at or under, it does when the whole stack
        // would not fit a page. A focused diagram says so and draws at most 30 parties.
        assert!(parties <= 40 || focused, "{parties} parties: focused");
        if focused {
            assert!(
                svg.nodes.len() - folded <= 30,
                "{parties}: at most 30 parties drawn"
            );
            for n in svg.nodes.iter().filter(|n| n.folded) {
                assert!(n.text[0].starts_with('+'), "{:?}", n.text);
            }
        } else {
            assert_eq!(folded, 0, "{parties} parties: drawn whole");
            assert_eq!(svg.nodes.len(), parties);
        }
    }
}

/// A hand-drawn link: consumer box, provider box, its two paths and its label.
type TestLink = (usize, usize, [Vec<(f64, f64)>; 2], Rect);

/// A drawing with a 100×40 box at each of `boxes` and the given links.
fn drawing(boxes: &[(f64, f64)], links: &[TestLink]) -> Svg {
    Svg {
        width: 1000.0,
        height: 1000.0,
        nodes: boxes
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| SvgNode {
                node: format!("n{i}"),
                party: format!("p{i}"),
                folded: false,
                rect: Rect {
                    x,
                    y,
                    w: 100.0,
                    h: 40.0,
                },
                text: vec![format!("p{i}")],
            })
            .collect(),
        links: links
            .iter()
            .map(|(from, to, paths, label)| SvgLink {
                status: "gap".into(),
                from: format!("n{from}"),
                to: format!("n{to}"),
                paths: paths.clone(),
                dashes: None,
                marker: "url(#arrow-gap)".into(),
                label: *label,
                label_text: vec!["✖ 1 gap".into()],
            })
            .collect(),
    }
}

#[test]
fn the_checker_sees_each_way_a_drawing_can_misstate() {
    let label = |x: f64, y: f64| Rect {
        x,
        y,
        w: 60.0,
        h: 20.0,
    };
    // Two boxes, one above the other, a link straight down through its label.
    let good = (
        0,
        1,
        [
            vec![(50.0, 40.0), (50.0, 80.0)],
            vec![(50.0, 100.0), (50.0, 200.0)],
        ],
        label(20.0, 80.0),
    );
    assert_eq!(
        problems(&drawing(
            &[(0.0, 0.0), (0.0, 200.0)],
            std::slice::from_ref(&good)
        )),
        Vec::<String>::new()
    );

    // A second link over the first one's line.
    let over = (
        0,
        1,
        [
            vec![(50.0, 40.0), (50.0, 60.0), (300.0, 60.0), (300.0, 80.0)],
            vec![(300.0, 100.0), (300.0, 150.0), (50.0, 150.0), (50.0, 200.0)],
        ],
        label(270.0, 80.0),
    );
    let wrong = problems(&drawing(&[(0.0, 0.0), (0.0, 200.0)], &[good.clone(), over]));
    assert!(
        wrong.iter().any(|w| w.contains("drawn over each other")),
        "{wrong:?}"
    );
    assert!(
        wrong.iter().any(|w| w.contains("end at the same point")),
        "{wrong:?}"
    );

    // A line through a third box.
    let wrong = problems(&drawing(
        &[(0.0, 0.0), (0.0, 200.0), (20.0, 120.0)],
        std::slice::from_ref(&good),
    ));
    assert!(
        wrong.iter().any(|w| w.contains("passes through box p2")),
        "{wrong:?}"
    );

    // Side by side, 2 px apart.
    let beside = (
        0,
        1,
        [
            vec![(60.0, 40.0), (60.0, 60.0), (152.0, 60.0), (152.0, 80.0)],
            vec![(152.0, 100.0), (152.0, 140.0), (52.0, 140.0), (52.0, 200.0)],
        ],
        label(122.0, 80.0),
    );
    let wrong = problems(&drawing(
        &[(0.0, 0.0), (0.0, 200.0)],
        &[good.clone(), beside],
    ));
    assert!(
        wrong.iter().any(|w| w.contains("side by side")),
        "{wrong:?}"
    );

    // A slanted line, and one that stops short of its box.
    let slanted = (
        0,
        1,
        [
            vec![(50.0, 40.0), (50.0, 80.0)],
            vec![(50.0, 100.0), (70.0, 180.0)],
        ],
        label(20.0, 80.0),
    );
    let wrong = problems(&drawing(&[(0.0, 0.0), (0.0, 200.0)], &[slanted]));
    assert!(wrong.iter().any(|w| w.contains("slanted")), "{wrong:?}");
    assert!(
        wrong.iter().any(|w| w.contains("border to border")),
        "{wrong:?}"
    );

    // Labels over each other, and no label text.
    let mut twin = drawing(&[(0.0, 0.0), (0.0, 200.0)], &[good.clone(), good]);
    twin.links[1].label_text = vec![" ".into()];
    let wrong = problems(&twin);
    assert!(
        wrong
            .iter()
            .any(|w| w.contains("label of link 0 overlaps label of link 1")),
        "{wrong:?}"
    );
    assert!(
        wrong.iter().any(|w| w.contains("no printed label")),
        "{wrong:?}"
    );
}

/// The synthetic stack without its layers: rows then come from the longest path, and its
/// cycles and upward hand-offs have to be drawn without them.
fn without_layers(toml: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in toml.lines() {
        if line.starts_with("[[") || line.starts_with('[') {
            skipping = line == "[[layer]]";
        }
        if skipping || line.starts_with("layer = ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn generated_diagrams_without_layers_keep_the_promises() {
    for (parties, seed) in [(20, 11), (25, 12), (40, 13), (120, 14)] {
        let toml = without_layers(&synthetic::stack_toml(parties, seed));
        let stack =
            stackgap::stack::load_str(&toml, "generated.toml", None).expect("a valid stack");
        assert!(stack.layers.is_empty());
        let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
        let report = analyse(&stack, &what_if);
        let ctx = Context {
            stack: &stack,
            report: &report,
            what_if: &what_if,
            blast: None,
        };
        let svg = parse_svg(&stackgap::report::html::render(&ctx));
        let wrong = problems(&svg);
        assert!(
            wrong.is_empty(),
            "{parties} parties, seed {seed}, no layers:\n{}",
            wrong.join("\n")
        );
    }
}

/// Two consumers each relying on five providers, and hand-offs within both rows: labels under
/// the top row wider than its boxes, yet few enough to draw whole.
fn fan() -> String {
    let mut s = String::from(
        "[stack]\nname = \"fan\"\ncatalog = \"none\"\n\n[[layer]]\nid = \"top\"\nname = \"Top\"\n\n[[layer]]\nid = \"bottom\"\nname = \"Bottom\"\n\n[[control]]\nid = \"C\"\nname = \"Control\"\n",
    );
    for t in 0..3 {
        s.push_str(&format!(
            "\n[[party]]\nid = \"t{t}\"\nname = \"Consumer {t}\"\nlayer = \"top\"\n"
        ));
    }
    for b in 0..5 {
        let implements = if b % 2 == 0 {
            "implements = [\"C\"]\n"
        } else {
            ""
        };
        s.push_str(&format!(
            "\n[[party]]\nid = \"b{b}\"\nname = \"Provider {b}\"\nlayer = \"bottom\"\n{implements}"
        ));
    }
    let mut handoff = |c: &str, p: &str, service: &str| {
        s.push_str(&format!(
            "\n[[handoff]]\nconsumer = \"{c}\"\nprovider = \"{p}\"\nservice = \"{service}\"\ncontrols = {{ C = \"provider\" }}\n"
        ));
    };
    for t in 0..2 {
        for b in 0..5 {
            handoff(
                &format!("t{t}"),
                &format!("b{b}"),
                &format!("Service {t}-{b} and more"),
            );
        }
    }
    handoff("t0", "t1", "peering");
    handoff("t1", "t0", "peering back");
    handoff("b1", "b2", "replication");
    s
}

#[test]
fn a_dense_fan_staggers_its_labels_and_keeps_the_promises() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "fan.toml", &fan());
    let svg = parse_svg(&export(&path, "html"));
    let wrong = problems(&svg);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(svg.links.len(), 13);
    assert!(svg.nodes.iter().all(|n| !n.folded), "drawn whole");
    let top = svg
        .nodes
        .iter()
        .find(|n| n.party == "t0")
        .expect("t0")
        .rect
        .y;
    let mut rows: Vec<i64> = svg
        .links
        .iter()
        .filter(|l| {
            svg.nodes
                .iter()
                .any(|n| n.node == l.from && n.rect.y == top)
        })
        .map(|l| l.label.y as i64)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    assert!(
        rows.len() >= 2,
        "labels under the top row spread over more than one row: {rows:?}"
    );
    let want = statuses(&check_json(&path));
    let party_of: HashMap<&str, &str> = svg
        .nodes
        .iter()
        .map(|n| (n.node.as_str(), n.party.as_str()))
        .collect();
    for l in &svg.links {
        let place = (
            party_of[l.from.as_str()].to_string(),
            party_of[l.to.as_str()].to_string(),
            Some(l.label_text[0].clone()),
        );
        assert_eq!(
            l.status,
            want.get(&place).copied().unwrap_or("covered"),
            "{place:?}"
        );
    }
}

/// The layout's geometry as the checker reads an SVG (node `n{i}`, party `p{i}`).
fn svg_of(drawing: &stackgap::report::layout::Drawing, diagram: &Diagram) -> Svg {
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

#[test]
fn whole_layouts_of_generated_stacks_keep_the_promises_however_wide() {
    for (parties, seed, layered) in [
        (20, 21, true),
        (25, 22, true),
        (40, 23, true),
        (60, 24, true),
        (20, 25, false),
        (40, 26, false),
        (60, 27, false),
    ] {
        let mut toml = synthetic::stack_toml(parties, seed);
        if !layered {
            toml = without_layers(&toml);
        }
        let stack =
            stackgap::stack::load_str(&toml, "generated.toml", None).expect("a valid stack");
        let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
        let report = analyse(&stack, &what_if);
        let ctx = Context {
            stack: &stack,
            report: &report,
            what_if: &what_if,
            blast: None,
        };
        let diagram = Diagram::whole(&ctx);
        let drawing = stackgap::report::layout::draw(&stack, &diagram);
        let wrong = problems(&svg_of(&drawing, &diagram));
        assert!(
            wrong.is_empty(),
            "{parties} parties, seed {seed}, layers {layered}: {} problems:\n{}",
            wrong.len(),
            wrong[..wrong.len().min(20)].join("\n")
        );
        assert_eq!(diagram.links.len(), stack.handoffs.len());
    }
}

// ---------------------------------------------------------------------------------------------
// Mermaid and DOT

fn render_all(toml: &str) -> (String, String, String) {
    let stack = stackgap::stack::load_str(toml, "generated.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
    let report = analyse(&stack, &what_if);
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
    };
    (
        stackgap::report::mermaid::render(&ctx),
        stackgap::report::dot::render(&ctx),
        stackgap::report::html::render(&ctx),
    )
}

/// Mermaid edges `a -->|"label"| b` as (label, linkStyle), in order.
fn mermaid_edges(src: &str) -> Vec<(String, String)> {
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

#[test]
fn mermaid_stays_inside_its_default_limits_and_says_what_it_leaves_out_at_1k_and_10k() {
    for parties in [1_000, 10_000] {
        let (mermaid, dot, html) = render_all(&synthetic::stack_toml(parties, 1));
        let edges = mermaid_edges(&mermaid);
        assert!(
            edges.len() <= 500,
            "{parties}: {} edges, Mermaid's maxEdges is 500",
            edges.len()
        );
        assert!(
            mermaid.len() <= 50_000,
            "{parties}: {} characters, Mermaid's maxTextSize is 50,000",
            mermaid.len()
        );
        assert!(
            mermaid.starts_with("---\ntitle: \"Showing "),
            "{parties}: the title says what is drawn"
        );
        assert!(
            mermaid.contains(&format!(" of {parties} parties")),
            "{parties}"
        );
        assert!(
            mermaid.contains("class ") && mermaid.contains(" folded"),
            "{parties}: +N nodes"
        );
        for (label, style) in &edges {
            let colour = if label.ends_with("covered") {
                "#2ca02c"
            } else if label.contains("✖") {
                "#d62728"
            } else if label.contains("⚠") {
                "#e6a700"
            } else {
                "#777777"
            };
            assert!(
                style.contains(&format!("stroke:{colour}")),
                "{label:?}: {style}"
            );
        }
        assert!(
            dot.contains(&format!(" of {parties} parties")),
            "{parties}: DOT says it too"
        );
        assert!(dot.matches(" -> ").count() <= 500);
        assert!(
            html.contains(&format!(" of {parties} parties")),
            "{parties}: HTML says it too"
        );
        let wrong = problems(&parse_svg(&html));
        assert!(wrong.is_empty(), "{parties}:\n{}", wrong.join("\n"));
    }
}

/// Names that mean something to Mermaid, Graphviz or HTML, and emoji sequences held together
/// by joiners and selectors.
const SYNTAX: &str = r##"[stack]
name = "Syntax & <b>stack</b>"
catalog = "none"

[[layer]]
id = "top"
name = "%%{init: {'theme': 'dark'}}%% top \"layer\" \\N"

[[layer]]
id = "bottom"
name = "Bottom #quot; layer"

[[control]]
id = "C"
name = "Control"

[[party]]
id = "init"
name = "%%{init: {\"theme\": \"forest\", \"flowchart\": {\"htmlLabels\": false}}}%% Evil"
layer = "top"

[[party]]
id = "ents"
name = "AT&amp;T #quot;quoted#quot; #35; &lt;b&gt; <i>x</i> \\G \\N \\n [x] {y} | `z`"
layer = "top"

[[party]]
id = "emoji"
name = "👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a‍b"
layer = "bottom"

[[handoff]]
consumer = "init"
provider = "emoji"
service = "%% comment? #amp; \" ; end"
controls = { C = "provider" }

[[handoff]]
consumer = "ents"
provider = "emoji"
service = "svc -->|x| init"
controls = { C = "provider" }
"##;

/// Graphviz's SVG of a DOT source, or `None` (saying so) when `dot` is not installed and CI is
/// not set; under CI a missing `dot` fails (`.ci/run` installs it).
fn graphviz(source: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let has_dot = Command::new("dot")
        .arg("-V")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_dot {
        common::missing_tool("graphviz `dot`");
        return None;
    }
    let mut dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot starts");
    dot.stdin
        .take()
        .expect("stdin")
        .write_all(source.as_bytes())
        .expect("feed dot");
    let out = dot.wait_with_output().expect("dot runs");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "dot -Tsvg: {}\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(text(&out.stdout))
}

/// Mermaid's reading of a label: `#name;` and `#123;` back to characters.
fn mermaid_decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').expect("an entity ends with ;");
        let name = &after[..end];
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric()),
            "a # that is not an entity: {rest}"
        );
        out.push(match name {
            "amp" => '&',
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            n => char::from_u32(n.parse().expect("numeric entity")).expect("a character"),
        });
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn mermaid_and_dot_labels_are_escaped_for_their_own_syntax_and_keep_emoji_whole() {
    let (mermaid, dot, html) = render_all(SYNTAX);
    let stack = stackgap::stack::load_str(SYNTAX, "syntax.toml", None).expect("loads");
    let name = |id: &str| stack.party(stack.party_id(id).expect("party")).name.clone();

    // Mermaid: no directive, comment or raw markup can come from the stack.
    assert!(!mermaid.contains('%'), "a % reaches Mermaid:\n{mermaid}");
    assert!(!mermaid.contains("<i>") && !mermaid.contains("<b>"));
    assert!(!mermaid.contains('`'));
    assert!(
        !mermaid.contains('\\'),
        "a backslash Mermaid could read as a line break"
    );
    for line in mermaid
        .lines()
        .filter(|l| l.contains("[\"") || l.contains("|\""))
    {
        let labels: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert!(!labels.is_empty(), "{line}");
        for label in labels {
            // A quote would end the label early; every # must be an entity Mermaid decodes.
            assert!(!label.contains('"'), "{line}");
            mermaid_decode(label);
        }
    }
    for (id, want) in [("init", name("init")), ("ents", name("ents"))] {
        let line = mermaid
            .lines()
            .find(|l| l.contains(&format!("(#{id}")) || l.contains(&format!("({id})")))
            .unwrap_or_else(|| panic!("node {id} in\n{mermaid}"));
        let label = line.split('"').nth(1).expect("label");
        let decoded = mermaid_decode(label);
        assert!(
            decoded.starts_with(&format!("{want}<br/>({id})")),
            "{id}: {decoded:?} is not {want:?}"
        );
    }
    let emoji = mermaid
        .lines()
        .find(|l| l.contains("(emoji)"))
        .expect("emoji node");
    assert!(
        emoji.contains("👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a#92;u{200D}b"),
        "emoji sequences whole, a joiner between letters visible: {emoji}"
    );
    assert_eq!(mermaid_edges(&mermaid).len(), 2);

    // DOT: HTML-like labels hold no markup of the stack's, strings no escape of the stack's.
    for (raw, escaped) in [
        ("<i>x</i>", "&lt;i&gt;x&lt;/i&gt;"),
        ("AT&amp;T", "AT&amp;amp;T"),
        ("#35; &lt;b&gt;", "#35; &amp;lt;b&amp;gt;"),
        (
            "Syntax & <b>stack</b>",
            "Syntax &amp; &lt;b&gt;stack&lt;/b&gt;",
        ),
    ] {
        assert!(!dot.contains(raw), "raw {raw:?} in the DOT");
        assert!(dot.contains(escaped), "{escaped:?} not in the DOT");
    }
    // The visible escape's backslash doubled, as every backslash in a label.
    assert!(dot.contains("👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a\\\\u{200D}b"));
    // A backslash of the stack's never starts an escape: doubled in labels, four in tooltips
    // (which Graphviz unescapes twice).
    assert!(
        dot.contains("&lt;i&gt;x&lt;/i&gt; \\\\G \\\\N \\\\n [x]"),
        "{dot}"
    );
    assert!(
        dot.contains("&lt;i&gt;x&lt;/i&gt; \\\\\\\\G \\\\\\\\N \\\\\\\\n [x]"),
        "{dot}"
    );

    // Graphviz reads it without a warning and shows the stack's text as written.
    if let Some(svg) = graphviz(&dot) {
        for shown in [
            ">AT&amp;amp;T #quot;quoted#quot; #35; &amp;lt;b&amp;gt; &lt;i&gt;x&lt;/i&gt; \\G \\N \\n [x]",
            "xlink:title=\"AT&amp;amp;T #quot;quoted#quot; #35; &amp;lt;b&amp;gt; &lt;i&gt;x&lt;/i&gt; \\G \\N \\n [x]",
            "👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a\\u{200D}b",
            "%%{init:",
        ] {
            assert!(
                svg.contains(shown),
                "Graphviz does not show {shown:?}:\n{svg}"
            );
        }
    }

    // HTML: the same emoji whole, the same joiner visible.
    assert!(html.contains("👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a\\u{200D}b"));
    let wrong = problems(&parse_svg(&html));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
