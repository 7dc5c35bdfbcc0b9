//! The diagrams: Mermaid (one subgraph per layer, one edge per hand-off coloured by its worst
//! finding, embedded in the Markdown) and Graphviz DOT (rendered by `dot`, edges coloured,
//! styled and labelled by their findings).

use super::*;

/// What a test needs of a Mermaid flowchart: subgraph labels, node id → party id, edges as
/// (from node, to node) in order, and each linkStyle's (index, stroke colour).
struct Mermaid {
    subgraphs: Vec<String>,
    nodes: HashMap<String, String>,
    edges: Vec<(String, String)>,
    link_colours: Vec<(usize, String)>,
}

fn parse_mermaid(src: &str) -> Mermaid {
    let mut m = Mermaid {
        subgraphs: Vec::new(),
        nodes: HashMap::new(),
        edges: Vec::new(),
        link_colours: Vec::new(),
    };
    assert!(src.starts_with("flowchart "), "not a flowchart: {src}");
    for line in src.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let label = rest.split_once("[\"").expect("subgraph label").1;
            m.subgraphs.push(label.trim_end_matches("\"]").to_string());
        } else if let Some(rest) = line.strip_prefix("linkStyle ") {
            let (index, style) = rest.split_once(' ').expect("linkStyle index");
            let colour = style
                .split(',')
                .find_map(|s| s.strip_prefix("stroke:"))
                .expect("stroke colour");
            m.link_colours
                .push((index.parse().expect("index"), colour.to_string()));
        } else if line.contains(" -->") {
            let from = line.split(' ').next().expect("from");
            let to = line.rsplit(' ').next().expect("to");
            m.edges.push((from.to_string(), to.to_string()));
        } else if let Some((node, label)) = line.split_once("[\"") {
            // `Name<br/>(id)`, then the party's own findings, if any.
            let id = label
                .split_once("<br/>(")
                .and_then(|(_, rest)| rest.split_once(')'))
                .expect("party id in the node label")
                .0;
            m.nodes.insert(node.to_string(), id.to_string());
        }
    }
    m
}

#[test]
fn mermaid_draws_one_subgraph_per_layer_and_one_coloured_edge_per_handoff() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    stacks.push(write(dir.path(), "small.toml", SMALL));
    for path in &stacks {
        let standalone = run_ok(
            &["export", path, "--format", "mermaid", "--as-of", AS_OF],
            0,
        );
        let md = run_ok(&["export", path, "--as-of", AS_OF], 0);
        assert!(
            md.contains(&format!("```mermaid\n{standalone}```\n")),
            "{path}: the Markdown embeds the Mermaid diagram in a ```mermaid block"
        );
        let m = parse_mermaid(&standalone);

        let layers = layers_of(path);
        let names: Vec<String> = layers.iter().map(|l| l.1.replace('&', "#amp;")).collect();
        assert_eq!(
            m.subgraphs, names,
            "{path}: one subgraph per layer, in order"
        );

        let handoffs = handoffs_of(path);
        assert_eq!(
            m.edges.len(),
            handoffs.len(),
            "{path}: one edge per hand-off"
        );
        let report = json(
            &[
                "check",
                path,
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "--fail-on",
                "never",
            ],
            0,
        );
        let worst = worst_by_handoff(&report);
        assert_eq!(m.link_colours.len(), handoffs.len(), "{path}: linkStyles");
        for (i, ((from, to), h)) in m.edges.iter().zip(&handoffs).enumerate() {
            assert_eq!(
                (&m.nodes[from], &m.nodes[to]),
                (&h.0, &h.1),
                "{path}: edge {i} is hand-off {i}"
            );
            let want = match worst.get(h).copied() {
                Some("gap") => "#d62728",
                Some("warning") => "#e6a700",
                Some(_) => "#777777",
                None => "#2ca02c",
            };
            assert_eq!(m.link_colours[i], (i, want.to_string()), "{path}: {h:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// dot

#[test]
fn dot_renders_with_graphviz() {
    let has_dot = Command::new("dot")
        .arg("-V")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_dot {
        assert!(
            std::env::var_os("CI").is_none(),
            "graphviz `dot` is missing; .ci/run installs it"
        );
        eprintln!("skipping dot_renders_with_graphviz: graphviz `dot` is not on PATH");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    stacks.push(write(dir.path(), "small.toml", SMALL));
    stacks.push(write(dir.path(), "hostile.toml", HOSTILE));
    for path in &stacks {
        let source = run_ok(&["export", path, "--format", "dot", "--as-of", AS_OF], 0);
        assert!(source.starts_with("digraph "), "{path}");
        assert_eq!(
            source.matches("subgraph cluster_").count(),
            layers_of(path).len(),
            "{path}: one cluster per layer"
        );
        assert_eq!(
            source.matches("[id=\"h").count(),
            handoffs_of(path).len(),
            "{path}: one edge per hand-off"
        );
        let mut dot = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot starts");
        std::io::Write::write_all(&mut dot.stdin.take().expect("stdin"), source.as_bytes())
            .expect("feed dot");
        let out = dot.wait_with_output().expect("dot runs");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{path}: dot -Tsvg failed: {}\n{source}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text(&out.stdout).contains("<svg"), "{path}: no SVG");
    }
}

#[test]
fn dot_colours_and_labels_each_handoff_by_its_worst_finding() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = write(dir.path(), "small.toml", SMALL);
    let dot = run_ok(&["export", &small, "--format", "dot", "--as-of", AS_OF], 0);
    let edges: Vec<&str> = dot.lines().filter(|l| l.contains("[id=\"h")).collect();
    // shop → saas: BK's gap is accepted, but IAM is not delivered: still a gap, drawn solid;
    // the accepted one is named apart, and the tooltip names each finding's control.
    assert!(
        edges[0].contains("label=<CRM<BR/><B>✖ 1 gap, 1 accepted gap</B>>")
            && edges[0].contains("color=\"#d62728\"")
            && edges[0].contains("style=solid")
            && edges[0].contains("IAM (Access reviews): not-delivered"),
        "{}",
        edges[0]
    );
    // shop → iaas: ENC only assumed: a warning, dashed.
    assert!(
        edges[1].contains("<B>⚠ 1 warning</B>")
            && edges[1].contains("color=\"#e6a700\"")
            && edges[1].contains("style=dashed"),
        "{}",
        edges[1]
    );
    // saas → iaas: covered, attested: dotted. Both sit in one layer, so the label is a box
    // of its own that the line passes through.
    assert!(
        edges[2].starts_with("  l2 -> p2 ")
            && edges[2].contains("color=\"#2ca02c\"")
            && edges[2].contains("style=dotted"),
        "{}",
        edges[2]
    );
    assert!(dot.contains("  l2 [shape=plain, label=<<B>✓ covered</B>>"));
    assert!(dot.contains("  p1 -> l2 [arrowhead=none, "));
}
