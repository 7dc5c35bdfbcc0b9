//! Diagrams that never misstate (issue 14): the HTML page's SVG is parsed back and checked for
//! the promises the layout makes — no edge drawn over another edge, no edge through a box or a
//! label, every hand-off drawn once between the right boxes with its status in its class, its
//! line style and its printed label — on every sample stack (where DOT and Mermaid must show the
//! same statuses) and on generated ones. The checker is tested too.

mod common;
mod diagram_check;

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
use diagram_check::{
    AS_OF, Rect, Svg, SvgLink, SvgNode, mermaid_edges, parse_svg, problems, svg_of, with_context,
};

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
            let status_line = &l.label_text[usize::from(place.2.is_some())];
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

        // DOT and Mermaid draw each hand-off in the same status, by line style and colour.
        let dot = export(&path, "dot");
        let mermaid = mermaid_edges(&export(&path, "mermaid"));
        assert_eq!(mermaid.len(), svg.links.len(), "{path}: Mermaid edges");
        for (i, (l, place)) in svg.links.iter().zip(handoffs(&path)).enumerate() {
            let edge = dot
                .lines()
                .find(|line| line.contains(&format!("[id=\"h{i}\"")))
                .unwrap_or_else(|| panic!("{path}: DOT edge h{i}"));
            let style = match l.status.as_str() {
                "gap" => "style=solid",
                "warning" | "accepted" => "style=dashed",
                _ => "style=dotted",
            };
            assert!(edge.contains(style), "{path}: {place:?}: {edge}");
            let colour = format!("color=\"{}\"", status_colour(&l.status));
            assert!(edge.contains(&colour), "{path}: {place:?}: {edge}");
            // The SVG wraps a long status; Mermaid has it on one line.
            let (label, link_style) = &mermaid[i];
            let status = l.label_text[usize::from(place.2.is_some())..].join(" ");
            assert!(label.ends_with(&status), "{path}: {label} / {status}");
            assert!(
                link_style.contains(&format!("stroke:{}", status_colour(&l.status))),
                "{path}: {place:?}: {link_style}"
            );
            assert_eq!(
                link_style.contains("stroke-dasharray"),
                l.dashes.is_some(),
                "{path}: {place:?}: {link_style}"
            );
        }
    }
}

/// The line colour of each status.
fn status_colour(status: &str) -> &'static str {
    match status {
        "gap" => "#d62728",
        "warning" => "#e6a700",
        "accepted" => "#777777",
        _ => "#2ca02c",
    }
}

/// The stack of `benches/common/synthetic.rs` at a size and seed, analysed.
fn synthetic_html(parties: usize, seed: u64) -> String {
    with_context(
        &synthetic::stack_toml(parties, seed),
        stackgap::report::html::render,
    )
}

#[test]
fn generated_diagrams_keep_the_promises_whole_and_folded() {
    for (parties, seed) in [
        (20, 1),
        (25, 2),
        (30, 1),
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
            fix_first: None,
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

#[test]
fn whole_layouts_of_generated_stacks_keep_the_promises_however_wide() {
    for (parties, seed, layered) in [
        (20, 21, true),
        (25, 22, true),
        (30, 1, true),
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
            fix_first: None,
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
