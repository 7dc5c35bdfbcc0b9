//! Issue 6 through the real binary: `export` in every format (Markdown with its Mermaid diagram,
//! JSON, Graphviz, one self-contained HTML page), SARIF located at the stack's lines, the JSON
//! Schema checked against every sample stack, `diff`, provenance in every report, `check
//! --control`, and the command-line conventions (help with examples, completions, man page).

mod common;
use common::{run, sample_stacks, stackgap, text, write};

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

const AS_OF: &str = "2026-11-28";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs and insists on an exit code, showing standard error when it differs.
fn run_ok(args: &[&str], code: i32) -> String {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stackgap {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    text(&out.stdout)
}

fn json(args: &[&str], code: i32) -> Value {
    serde_json::from_str(&run_ok(args, code)).expect("output is JSON")
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-stacks")
        .join(name)
        .display()
        .to_string()
}

fn sha256_of(path: &str) -> String {
    Sha256::digest(std::fs::read(path).expect("read stack"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 1-based line of the only line of `text` that starts with `start` (after indentation).
fn line_of(text: &str, start: &str) -> u64 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(start))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{start:?} must start exactly one line");
    lines[0] as u64
}

/// A stack with one of everything that reports can get wrong: a gap, a warning, a party
/// finding, an accepted gap, a service, and two layers.
const SMALL: &str = r#"[stack]
name = "small"
catalog = "none"

[[layer]]
id = "customer"
name = "Customer"

[[layer]]
id = "cloud"
name = "Cloud"

[[control]]
id = "BK"
name = "Backups"

[[control]]
id = "ENC"
name = "Encryption"

[[control]]
id = "IAM"
name = "Access reviews"

[[control]]
id = "LOG"
name = "Logging"

[[party]]
id = "shop"
layer = "customer"
requires = ["LOG"]

[[party]]
id = "saas"
layer = "cloud"

[[party]]
id = "iaas"
layer = "cloud"
implements = ["ENC"]

[[handoff]]
consumer = "shop"
provider = "saas"
service = "CRM"
agreement = "MSA 2025"

[handoff.controls]
IAM = "provider"
BK = "provider"

[[handoff]]
consumer = "shop"
provider = "iaas"
controls = { ENC = { assumed = "provider" } }

[[handoff]]
consumer = "saas"
provider = "iaas"
controls = { ENC = { agreed = "provider", evidence = "attested" } }

[[accept]]
control = "BK"
kind = "not-delivered"
reason = "backups move to the new vendor in Q3"
consumer = "shop"
provider = "saas"
service = "CRM"
"#;

/// The hand-offs of a stack file in declaration order: (consumer, provider, service).
fn handoffs_of(path: &str) -> Vec<(String, String, Option<String>)> {
    let table: toml::Table = std::fs::read_to_string(path)
        .expect("read stack")
        .parse()
        .expect("stack is TOML");
    let Some(handoffs) = table.get("handoff").and_then(|h| h.as_array()) else {
        return Vec::new();
    };
    handoffs
        .iter()
        .map(|h| {
            let s = |k: &str| h.get(k).and_then(|v| v.as_str()).map(str::to_string);
            (
                s("consumer").expect("consumer"),
                s("provider").expect("provider"),
                s("service"),
            )
        })
        .collect()
}

/// The declared layers of a stack file, in order: (id, name).
fn layers_of(path: &str) -> Vec<(String, String)> {
    let table: toml::Table = std::fs::read_to_string(path)
        .expect("read stack")
        .parse()
        .expect("stack is TOML");
    table
        .get("layer")
        .and_then(|l| l.as_array())
        .map(|layers| {
            layers
                .iter()
                .map(|l| {
                    let id = l["id"].as_str().expect("layer id").to_string();
                    let name = l.get("name").and_then(|n| n.as_str()).unwrap_or(&id);
                    (id.clone(), name.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The worst unaccepted severity at each hand-off, from `check --format json`: what a diagram
/// must colour it by ("accepted" when only accepted findings remain; absent when there is
/// none).
fn worst_by_handoff(report: &Value) -> HashMap<(String, String, Option<String>), &'static str> {
    let mut worst = HashMap::new();
    for f in report["findings"].as_array().expect("findings") {
        if f["consumer"].is_null() {
            continue;
        }
        let key = (
            f["consumer"].as_str().expect("consumer").to_string(),
            f["provider"].as_str().expect("provider").to_string(),
            f["service"].as_str().map(str::to_string),
        );
        if f["accepted"] == true {
            worst.entry(key).or_insert("accepted");
            continue;
        }
        let entry = worst.entry(key).or_insert("warning");
        if f["severity"] == "gap" {
            *entry = "gap";
        } else if *entry == "accepted" {
            *entry = "warning";
        }
    }
    worst
}

// ---------------------------------------------------------------------------------------------
// export markdown, mermaid, json

#[test]
fn markdown_has_the_summary_a_table_per_handoff_and_root_cause_chains() {
    let demo = sample("demo.toml");
    let md = run_ok(&["export", &demo, "--as-of", AS_OF], 0);
    let report = json(&["check", &demo, "--format", "json", "--as-of", AS_OF], 1);
    let summary = &report["summary"];

    assert!(md.starts_with("# stackgap review: Northwind Logistics"));
    // Gaps and warnings are the open ones; the demo accepts nothing.
    let findings = report["findings"].as_array().expect("findings");
    let open = |severity: &str| {
        findings
            .iter()
            .filter(|f| f["severity"] == severity && f["accepted"] == false)
            .count()
    };
    assert_eq!(summary["accepted"], 0);
    for (row, value) in [
        ("Parties", summary["parties"].to_string()),
        ("Hand-offs", summary["handoffs"].to_string()),
        ("Gaps", open("gap").to_string()),
        ("Warnings", open("warning").to_string()),
        ("Accepted", "none".to_string()),
    ] {
        let want = format!("| {row} | {value} |");
        assert!(md.contains(&want), "summary lacks {want:?}");
    }

    // One table per hand-off that has findings, each finding a row with its why.
    let mut places: Vec<String> = Vec::new();
    for f in findings {
        let s = |k: &str| f[k].as_str().unwrap_or_default();
        let heading = match f["party"].as_str() {
            Some(p) => format!("## {p} — own requirements"),
            None if f["service"].is_null() => format!("## {} → {}", s("consumer"), s("provider")),
            None => format!(
                "## {} → {} ({})",
                s("consumer"),
                s("provider"),
                s("service")
            ),
        };
        if !places.contains(&heading) {
            places.push(heading);
        }
    }
    for heading in &places {
        assert_eq!(
            md.lines()
                .filter(|l| *l == heading || l.starts_with(&format!("{heading} — ")))
                .count(),
            1,
            "one table headed {heading:?}"
        );
    }
    assert_eq!(
        md.matches("| Severity | Kind | Control | Side | Why |")
            .count(),
        places.len(),
        "one table per place with findings"
    );
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| gap") || l.starts_with("| warning"))
        .collect();
    assert_eq!(rows.len(), findings.len(), "one row per finding");
    for (row, f) in rows.iter().zip(findings) {
        let control = f["control"].as_str().expect("control");
        // The control is named beside its id.
        let name = f["control_name"].as_str().expect("control_name");
        assert!(
            row.contains(&format!(
                "| {} | {control} ({name}) |",
                f["kind"].as_str().expect("kind")
            )),
            "row {row:?} is not {control}"
        );
        // The last two cells are the why and the entry's ref.
        let why = row.rsplit(" | ").nth(1).expect("why cell");
        assert!(why.len() > 20, "row {row:?} has no why");
    }

    // The broken chain names its chain and its root cause.
    let chain = rows
        .iter()
        .find(|r| r.contains("broken-chain") && r.contains("BREACH-NOTIFY"))
        .expect("BREACH-NOTIFY broken chain row");
    assert!(chain.contains("brightpath → stratoline"), "{chain}");
    assert!(chain.contains("root cause"), "{chain}");
    assert!(md.contains("## Notes"), "cycle and inversion notes");
}

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

#[test]
fn export_json_is_check_json() {
    let demo = sample("demo.toml");
    for opts in [
        &[][..],
        &["--without", "stratoline", "--min-evidence", "attested"][..],
    ] {
        let mut check = vec!["check", &demo, "--format", "json", "--as-of", AS_OF];
        check.extend_from_slice(opts);
        let mut export = vec!["export", &demo, "--format", "json", "--as-of", AS_OF];
        export.extend_from_slice(opts);
        assert_eq!(
            run_ok(&export, 0),
            run_ok(&check, 1),
            "export json {opts:?} differs from check json"
        );
    }
}

/// Names that break naive quoting in DOT, HTML and Mermaid.
const HOSTILE: &str = r#"[stack]
name = "<script>alert(\"stack\")</script> & 'quotes'"
description = "<img src=x onerror=alert(1)> \"described\""
catalog = "none"

[[layer]]
id = "top"
name = "Top \"layer\" <b>bold</b> \\ back"

[[control]]
id = "BK"
name = "Backups <script>"

[[party]]
id = "shop"
name = "<script>alert('party')</script>"
layer = "top"

[[party]]
id = "saas"
name = "Quote \" and backslash \\ and brace {"
layer = "top"

[[handoff]]
consumer = "shop"
provider = "saas"
service = "<script>svc</script> \"quoted\""
agreement = "<a href=\"https://evil.example\">MSA</a>"
controls = { BK = "provider" }
"#;

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

// ---------------------------------------------------------------------------------------------
// html

#[test]
fn html_is_one_self_contained_page_with_the_diagram_and_the_tables() {
    let demo = sample("demo.toml");
    let html = run_ok(&["export", &demo, "--format", "html", "--as-of", AS_OF], 0);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for fetch in [
        "<script", "<link", "src=", "@import", "<iframe", "<object", "<img",
    ] {
        assert!(!html.contains(fetch), "the page contains {fetch:?}");
    }
    for scheme in ["http://", "https://"] {
        for (at, _) in html.match_indices(scheme) {
            assert!(
                html[at..].starts_with("http://www.w3.org/2000/svg\""),
                "a URL other than the SVG namespace: {}",
                &html[at..(at + 60).min(html.len())]
            );
        }
    }
    for url in html.split("url(").skip(1) {
        assert!(url.starts_with('#'), "url() not local: {url:.40}");
    }
    assert!(html.contains("<svg"), "the diagram");
    assert!(html.contains("@media print"), "styles for print");

    let report = json(&["check", &demo, "--format", "json", "--as-of", AS_OF], 1);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(
        html.matches("<tr class=").count(),
        findings.len(),
        "one table row per finding"
    );
    assert!(
        html.contains("<th>Severity</th><th>Control</th><th>Kind</th><th>Side</th><th>Why</th>")
    );
    assert_eq!(
        html.matches("<g class=\"link ").count(),
        handoffs_of(&demo).len(),
        "one arrow per hand-off"
    );
}

#[test]
fn html_markdown_and_mermaid_escape_what_the_stack_says() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = write(dir.path(), "hostile.toml", HOSTILE);
    let html = run_ok(
        &["export", &hostile, "--format", "html", "--as-of", AS_OF],
        0,
    );
    for raw in ["<script", "<img", "<b>", "\"quoted\"", "'party'"] {
        assert!(!html.contains(raw), "raw {raw:?} in the HTML");
    }
    // The page's own links only jump within it.
    for (at, _) in html.match_indices("<a ") {
        assert!(
            html[at..].starts_with("<a href=\"#"),
            "a link that leaves the page: {}",
            &html[at..(at + 60).min(html.len())]
        );
    }
    for escaped in [
        "&lt;script&gt;alert(&quot;stack&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;script&gt;svc&lt;/script&gt; &quot;quoted&quot;",
        "&lt;a href=&quot;https://evil.example&quot;&gt;MSA&lt;/a&gt;",
    ] {
        assert!(html.contains(escaped), "{escaped:?} not in the HTML");
    }

    let md = run_ok(&["export", &hostile, "--as-of", AS_OF], 0);
    let (before, rest) = md.split_once("```mermaid\n").expect("mermaid block");
    let (mermaid, after) = rest.split_once("```").expect("the block closes");
    for part in [before, after] {
        for (at, _) in part.match_indices('<') {
            assert!(
                part[..at].ends_with('\\'),
                "an unescaped < in the Markdown: {}",
                &part[at..(at + 30).min(part.len())]
            );
        }
    }
    assert!(
        !mermaid.contains("<script"),
        "raw HTML in the Mermaid block"
    );
    for line in mermaid.lines().filter(|l| l.contains('"')) {
        // A quote inside a label would end it early.
        assert_eq!(line.matches('"').count(), 2, "label quoting in {line:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// -o, exit codes

#[test]
fn export_to_a_file_prints_nothing_and_exits_0_despite_gaps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = sample("demo.toml");
    for format in ["markdown", "json", "dot", "mermaid", "html", "sarif"] {
        let shown = run_ok(&["export", &demo, "--format", format, "--as-of", AS_OF], 0);
        let out = dir.path().join(format!("review.{format}"));
        let out = out.display().to_string();
        let printed = run_ok(
            &[
                "export", &demo, "--format", format, "--as-of", AS_OF, "-o", &out,
            ],
            0,
        );
        assert_eq!(printed, "", "{format}: -o prints nothing");
        assert_eq!(
            std::fs::read_to_string(&out).expect("written"),
            shown,
            "{format}: the file holds what stdout would"
        );
    }
}

#[test]
fn export_never_overwrites_the_stack_it_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("sub")).expect("sub dir");
    write(dir.path(), "stack.toml", SMALL);
    #[cfg(unix)]
    std::os::unix::fs::symlink("stack.toml", dir.path().join("link.toml")).expect("symlink");
    let mut targets = vec!["stack.toml", "./sub/../stack.toml"];
    if cfg!(unix) {
        targets.push("link.toml");
    }
    for target in targets {
        let out = stackgap(&["export", "stack.toml", "--format", "html", "-o", target])
            .current_dir(dir.path())
            .output()
            .expect("stackgap runs");
        assert_eq!(out.status.code(), Some(2), "-o {target}");
        assert!(out.stdout.is_empty(), "-o {target}: stdout");
        assert!(
            text(&out.stderr).contains("stack file itself"),
            "-o {target}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("stack.toml")).expect("stack"),
            SMALL,
            "-o {target} changed the stack"
        );
    }
    #[cfg(unix)]
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.toml"))
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
}

// ---------------------------------------------------------------------------------------------
// sarif

#[test]
fn sarif_locates_every_finding_at_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = write(dir.path(), "small.toml", SMALL);
    let check = run_ok(&["check", &small, "--format", "sarif", "--as-of", AS_OF], 1);
    let export = run_ok(
        &["export", &small, "--format", "sarif", "--as-of", AS_OF],
        0,
    );
    assert_eq!(check, export, "check and export write the same SARIF");
    let sarif: Value = serde_json::from_str(&check).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .is_some_and(|s| s.starts_with("https://") && s.contains("sarif")),
        "$schema: {}",
        sarif["$schema"]
    );
    let run = &sarif["runs"][0];
    let report = json(&["check", &small, "--format", "json", "--as-of", AS_OF], 1);
    let findings = report["findings"].as_array().expect("findings");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len(), "one result per finding");

    // Where each finding must point: the line its control is written on at that hand-off, or
    // the [[party]] header of the party.
    let at_saas = |c: &str| line_of(SMALL, &format!("{c} = \"provider\""));
    let at_iaas = line_of(SMALL, "controls = { ENC = { assumed");
    let shop_header = line_of(SMALL, "id = \"shop\"") - 1;
    assert_eq!(
        SMALL.lines().nth(shop_header as usize - 1),
        Some("[[party]]")
    );
    // Report order: hand-offs by consumer, provider (iaas before saas), then control; IAM is
    // written before BK, so a line taken by position would be wrong.
    let expected: Vec<(&str, &str, u64, bool)> = vec![
        ("ENC", "shop>iaas", at_iaas, false),
        ("BK", "shop>saas", at_saas("BK"), true),
        ("IAM", "shop>saas", at_saas("IAM"), false),
        ("LOG", "party:shop", shop_header, false),
    ];
    assert_eq!(results.len(), expected.len(), "{check}");
    for (r, (control, place, line, accepted)) in results.iter().zip(expected) {
        assert_eq!(r["properties"]["control"], control);
        let location = &r["locations"][0];
        assert!(
            location["logicalLocations"][0]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with(place)),
            "{control}: {location}"
        );
        assert_eq!(
            location["physicalLocation"]["region"]["startLine"], line,
            "{control} at {place}"
        );
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uri"],
            format!("file://{small}").as_str(),
            "an absolute path is a file: URI"
        );
        assert_eq!(
            r["suppressions"].is_array(),
            accepted,
            "{control} at {place}"
        );
        if accepted {
            assert_eq!(r["suppressions"][0]["kind"], "inSource");
            assert_eq!(r["suppressions"][0]["status"], "accepted");
            assert_eq!(
                r["suppressions"][0]["justification"],
                "backups move to the new vendor in Q3"
            );
        }
        assert!(
            r["ruleId"]
                .as_str()
                .is_some_and(|id| run["tool"]["driver"]["rules"]
                    .as_array()
                    .expect("rules")
                    .iter()
                    .any(|rule| rule["id"] == id)),
            "{control}: ruleId is a declared rule"
        );
        let level = if control == "ENC" { "warning" } else { "error" };
        assert_eq!(r["level"], level, "{control} at {place}");
    }

    // A relative path stays relative, so code scanning resolves it in the repository; what is
    // not allowed in a URI is percent-encoded.
    write(dir.path(), "my stack#2.toml", SMALL);
    let out = stackgap(&["check", "my stack#2.toml", "--format", "sarif"])
        .current_dir(dir.path())
        .output()
        .expect("stackgap runs");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    assert_eq!(
        sarif["runs"][0]["artifacts"][0]["location"]["uri"],
        "my%20stack%232.toml"
    );
}

// ---------------------------------------------------------------------------------------------
// provenance

#[test]
fn every_report_carries_its_provenance() {
    let demo = sample("demo.toml");
    let sha = sha256_of(&demo);
    let opts = [
        "--as-of",
        AS_OF,
        "--without",
        "stratoline",
        "--min-evidence",
        "attested",
    ];
    let export = |format: &str| {
        let mut args = vec!["export", demo.as_str(), "--format", format];
        args.extend_from_slice(&opts);
        run_ok(&args, 0)
    };

    let md = export("markdown");
    for row in [
        format!("| stackgap | {VERSION} |"),
        format!("| Input SHA-256 | `{sha}` |"),
        format!("| Analysis date | {AS_OF} |"),
        "| Minimum evidence | attested |".to_string(),
        "| Switched off | stratoline |".to_string(),
    ] {
        assert!(md.contains(&row), "Markdown lacks {row:?}");
    }

    let html = export("html");
    for row in [
        format!("<td>stackgap</td><td>{VERSION}</td>"),
        format!("<td>Input SHA-256</td><td>{sha}</td>"),
        format!("<td>Analysis date</td><td>{AS_OF}</td>"),
        "<td>Minimum evidence</td><td>attested</td>".to_string(),
        "<td>Switched off</td><td>stratoline</td>".to_string(),
    ] {
        assert!(html.contains(&row), "HTML lacks {row:?}");
    }

    let sarif: Value = serde_json::from_str(&export("sarif")).expect("SARIF");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "stackgap");
    assert_eq!(run["tool"]["driver"]["version"], VERSION);
    let props = &run["properties"];
    assert_eq!(props["input_sha256"], sha.as_str());
    assert_eq!(props["as_of"], AS_OF);
    assert_eq!(props["min_evidence"], "attested");
    assert_eq!(props["without"], serde_json::json!(["stratoline"]));

    let report: Value = serde_json::from_str(&export("json")).expect("JSON");
    assert_eq!(report["version"], VERSION);
    assert_eq!(report["input_sha256"], sha.as_str());
    assert_eq!(report["as_of"], AS_OF);
    assert_eq!(report["min_evidence"], "attested");
    assert_eq!(report["without"], serde_json::json!(["stratoline"]));

    // Without what-ifs, the reports say so.
    let md = run_ok(&["export", &demo, "--as-of", AS_OF], 0);
    assert!(md.contains("| Switched off | none |"));
    assert!(md.contains("| Minimum evidence | contract |"));
}

// ---------------------------------------------------------------------------------------------
// schema

/// TOML → JSON as editors see it: a local date becomes its string (serde_json would otherwise
/// show toml's private datetime wrapper).
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => f.into(),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn stack_as_json(toml_text: &str) -> Value {
    let table: toml::Table = toml_text.parse().expect("stack is TOML");
    toml_to_json(toml::Value::Table(table))
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&run_ok(&["schema"], 0)).expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the schema is not a valid draft 2020-12 schema"
    );
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, stack: &Value) -> Vec<String> {
    validator
        .iter_errors(stack)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_accepts_every_sample_stack() {
    let validator = schema_validator();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read sample"))
        .collect();
    stacks.push(SMALL.to_string());
    stacks.push(HOSTILE.to_string());
    stacks.push(
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/evidence-documents.toml"),
        )
        .expect("read the evidence-documents scenario"),
    );
    for (i, stack) in stacks.iter().enumerate() {
        let path = write(dir.path(), &format!("{i}.toml"), stack);
        let loads = run(&["check", &path, "--fail-on", "never"]);
        assert_eq!(loads.status.code(), Some(0), "stack {i} loads");
        let problems = errors(&validator, &stack_as_json(stack));
        assert!(problems.is_empty(), "stack {i}: {problems:#?}");
    }
}

/// Turns a valid stack into a broken one.
type Breakage = fn(&mut Value);

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let validator = schema_validator();
    let base = stack_as_json(SMALL);
    assert!(errors(&validator, &base).is_empty());
    let dir = tempfile::tempdir().expect("temp dir");
    let broken: Vec<(&str, Breakage)> = vec![
        ("unknown top-level key", |s| s["colour"] = "red".into()),
        ("unknown key in [stack]", |s| {
            s["stack"]["owner"] = "me".into()
        }),
        ("unknown key in a party", |s| {
            s["party"][0]["colour"] = "red".into()
        }),
        ("unknown key in an entry", |s| {
            s["handoff"][1]["controls"]["ENC"]["agred"] = "provider".into()
        }),
        ("bad owner, shorthand", |s| {
            s["handoff"][0]["controls"]["BK"] = "vendor".into()
        }),
        ("bad owner, table", |s| {
            s["handoff"][1]["controls"]["ENC"]["assumed"] = "nobody".into()
        }),
        ("evidence citing nothing", |s| {
            s["handoff"][2]["controls"]["ENC"]["evidence"] = Value::Array(Vec::new())
        }),
        ("evidence that is neither a word nor a list", |s| {
            s["handoff"][2]["controls"]["ENC"]["evidence"] = 3.into()
        }),
        ("a ref that is not text", |s| {
            s["handoff"][2]["controls"]["ENC"]["ref"] = 7.into()
        }),
        (
            "an evidence document named like a level",
            |s| s["evidence"] = serde_json::json!([{ "id": "attested", "level": "attested" }]),
        ),
        ("an evidence document without a level", |s| {
            s["evidence"] = serde_json::json!([{ "id": "soc2" }])
        }),
        ("bad min_evidence", |s| {
            s["stack"]["min_evidence"] = "strong".into()
        }),
        ("bad model", |s| s["handoff"][0]["model"] = "faas".into()),
        ("bad accept kind", |s| s["accept"][0]["kind"] = "gap".into()),
        ("an expiry that is not a date", |s| {
            s["handoff"][2]["controls"]["ENC"]["expires"] = "next year".into()
        }),
        ("missing stack name", |s| {
            s["stack"].as_object_mut().expect("stack").remove("name");
        }),
        ("id with a space", |s| {
            s["party"][0]["id"] = "the shop".into()
        }),
        ("id with a bidi override", |s| {
            s["party"][0]["id"] = "sh\u{202e}op".into()
        }),
        ("accept on a party and a hand-off", |s| {
            s["accept"][0]["party"] = "shop".into()
        }),
    ];
    for (what, break_it) in broken {
        let mut stack = base.clone();
        break_it(&mut stack);
        assert!(
            !errors(&validator, &stack).is_empty(),
            "the schema accepts a stack with {what}"
        );
        // The loader refuses it too: the schema flags nothing that loads, in these cases.
        let toml_text = toml::to_string(&stack).expect("back to TOML");
        let path = write(dir.path(), "broken.toml", &toml_text);
        assert_eq!(
            run(&["check", &path]).status.code(),
            Some(2),
            "the loader accepts a stack with {what}:\n{toml_text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// diff

/// A gap (shop → saas BK, not delivered) and a warning (shop → iaas ENC, only assumed).
const DIFF_OLD: &str = r#"[stack]
name = "diff base"
catalog = "none"
[[control]]
id = "BK"
name = "Backups"
[[control]]
id = "ENC"
name = "Encryption"
[[control]]
id = "LOG"
name = "Logging"
[[party]]
id = "shop"
[[party]]
id = "saas"
implements = []
[[party]]
id = "iaas"
implements = ["ENC"]
[[handoff]]
consumer = "shop"
provider = "saas"
controls = { BK = "provider" }
[[handoff]]
consumer = "shop"
provider = "iaas"
controls = { ENC = { assumed = "provider" } }
"#;

/// saas now backs up (BK removed).
fn fixed() -> String {
    DIFF_OLD.replace("implements = []", "implements = [\"BK\"]")
}
/// iaas no longer encrypts: ENC at shop → iaas turns from unconfirmed (a warning) into
/// not-delivered (a gap).
fn turned() -> String {
    DIFF_OLD.replace("implements = [\"ENC\"]", "implements = []")
}
/// LOG now in scope at shop → saas and not delivered: a new gap.
fn added() -> String {
    DIFF_OLD.replace(
        "{ BK = \"provider\" }",
        "{ BK = \"provider\", LOG = \"provider\" }",
    )
}
const ACCEPT_LOG: &str = "[[accept]]\ncontrol = \"LOG\"\nkind = \"not-delivered\"\n\
    reason = \"logging moves in-house next quarter\"\nconsumer = \"shop\"\nprovider = \"saas\"\n";

#[test]
fn diff_lists_added_removed_and_changed_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = write(dir.path(), "old.toml", DIFF_OLD);
    let all = fixed()
        .replace("implements = [\"ENC\"]", "implements = []")
        .replace(
            "{ BK = \"provider\" }",
            "{ BK = \"provider\", LOG = \"provider\" }",
        );
    let new = write(dir.path(), "new.toml", &all);

    let text_out = run_ok(&["diff", &old, &new, "--as-of", AS_OF], 1);
    let lines: Vec<&str> = text_out.lines().collect();
    assert_eq!(lines.len(), 4, "{text_out}");
    // In place order: shop → iaas before shop → saas, then by control.
    assert!(
        lines[0].starts_with("~ changed")
            && lines[0].contains("ENC unconfirmed (warning) → not-delivered (gap) at shop → iaas"),
        "{text_out}"
    );
    assert!(
        lines[1].starts_with("- removed")
            && lines[1].contains("BK not-delivered (gap) at shop → saas"),
        "{text_out}"
    );
    assert!(
        lines[2].starts_with("+ added")
            && lines[2].contains("LOG not-delivered (gap) at shop → saas"),
        "{text_out}"
    );
    assert_eq!(
        lines[3],
        "1 added, 1 removed, 1 changed, 0 newly accepted, 0 no longer accepted; 2 new unaccepted gap(s)"
    );

    let md = run_ok(
        &["diff", &old, &new, "--as-of", AS_OF, "--format", "markdown"],
        1,
    );
    for row in [
        "| removed | BK | shop → saas, provider side | not-delivered (gap) | — |",
        "| added | LOG | shop → saas, provider side | — | not-delivered (gap) |",
        "| changed | ENC | shop → iaas, provider side | unconfirmed (warning) | not-delivered (gap) |",
    ] {
        assert!(md.contains(row), "Markdown lacks {row:?}:\n{md}");
    }
    // Where both versions came from.
    for row in [
        format!(
            "| Input SHA-256 | `{}` | `{}` |",
            sha256_of(&old),
            sha256_of(&new)
        ),
        format!("| Analysis date | {AS_OF} | {AS_OF} |"),
        "| Minimum evidence | contract | contract |".to_string(),
        "| Switched off | none | none |".to_string(),
        format!("\nstackgap {VERSION}\n"),
    ] {
        assert!(md.contains(&row), "Markdown lacks {row:?}:\n{md}");
    }
    let md = run_ok(
        &[
            "diff",
            &old,
            &new,
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            "--without",
            "saas",
        ],
        1,
    );
    assert!(md.contains("| Switched off | saas | saas |"), "{md}");

    let doc = json(
        &["diff", &old, &new, "--as-of", AS_OF, "--format", "json"],
        1,
    );
    let summary = serde_json::json!({"added": 1, "removed": 1, "changed": 1, "accepted": 0, "unaccepted": 0, "new_unaccepted_gaps": 2});
    assert_eq!(doc["summary"], summary);
    let changes: Vec<(&str, &str, Value, Value)> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["change"].as_str().expect("change"),
                c["control"].as_str().expect("control"),
                c["old"]["kind"].clone(),
                c["new"]["kind"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "changed",
                "ENC",
                "unconfirmed".into(),
                "not-delivered".into()
            ),
            ("removed", "BK", "not-delivered".into(), Value::Null),
            ("added", "LOG", Value::Null, "not-delivered".into()),
        ]
    );
    // Both sides' provenance.
    assert_eq!(doc["version"], VERSION);
    for (side, path) in [("old", &old), ("new", &new)] {
        assert_eq!(
            doc[side]["input_sha256"],
            sha256_of(path).as_str(),
            "{side}"
        );
        assert_eq!(doc[side]["as_of"], AS_OF, "{side}");
        assert_eq!(doc[side]["min_evidence"], "contract", "{side}");
        assert_eq!(doc[side]["without"], serde_json::json!([]), "{side}");
        assert_eq!(doc[side]["stack"], "diff base", "{side}");
    }
}

#[test]
fn diff_exits_1_only_when_an_unaccepted_gap_comes_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = DIFF_OLD.to_string();
    let accepted = added() + ACCEPT_LOG;
    // (what, old, new, exit code, the one change listed)
    let cases = [
        ("nothing changed", &base, &base, 0, None),
        (
            "a gap removed",
            &base,
            &fixed(),
            0,
            Some("- removed  BK not-delivered (gap)"),
        ),
        (
            "a warning turned gap",
            &base,
            &turned(),
            1,
            Some("~ changed  ENC unconfirmed (warning) → not-delivered (gap)"),
        ),
        (
            "a gap turned warning",
            &turned(),
            &base,
            0,
            Some("~ changed  ENC not-delivered (gap) → unconfirmed (warning)"),
        ),
        (
            "a gap added",
            &base,
            &added(),
            1,
            Some("+ added    LOG not-delivered (gap) "),
        ),
        (
            "an accepted gap added",
            &base,
            &accepted,
            0,
            Some("+ added    LOG not-delivered (gap, accepted)"),
        ),
        // Accepting a known gap, or dropping its acceptance, is a change a reviewer must see.
        (
            "an accept added",
            &added(),
            &accepted,
            0,
            Some("~ accepted LOG not-delivered (gap) → not-delivered (gap, accepted)"),
        ),
        (
            "an accept dropped",
            &accepted,
            &added(),
            1,
            Some("~ unaccepted LOG not-delivered (gap, accepted) → not-delivered (gap)"),
        ),
    ];
    for (what, old_text, new_text, code, change) in cases {
        let old = write(dir.path(), "old.toml", old_text);
        let new = write(dir.path(), "new.toml", new_text);
        let out = run(&["diff", &old, &new, "--as-of", AS_OF]);
        let shown = text(&out.stdout);
        assert_eq!(out.status.code(), Some(code), "{what}: {shown}");
        let lines: Vec<&str> = shown.lines().collect();
        match change {
            None => assert_eq!(lines.len(), 1, "{what}: {shown}"),
            Some(start) => {
                assert_eq!(lines.len(), 2, "{what}: {shown}");
                assert!(lines[0].starts_with(start), "{what}: {shown}");
            }
        }
    }
    // The reason of an acceptance is shown where it comes in.
    let old = write(dir.path(), "old.toml", &added());
    let new = write(dir.path(), "new.toml", &accepted);
    let shown = run_ok(&["diff", &old, &new, "--as-of", AS_OF], 0);
    assert!(
        shown.contains("accepted: logging moves in-house next quarter"),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// check --control

#[test]
fn check_control_keeps_only_that_controls_findings() {
    let demo = sample("demo.toml");
    let all = json(&["check", &demo, "--format", "json", "--as-of", AS_OF], 1);
    let want: Vec<&Value> = all["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["control"] == "BREACH-NOTIFY")
        .collect();
    assert!(!want.is_empty());
    let only = json(
        &[
            "check",
            &demo,
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--control",
            "BREACH-NOTIFY",
        ],
        1,
    );
    let got: Vec<&Value> = only["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .collect();
    assert_eq!(got, want);
    // A control with no finding passes.
    let clean = json(
        &[
            "check",
            &demo,
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--control",
            "LOG-AUDIT",
        ],
        0,
    );
    assert_eq!(clean["findings"], serde_json::json!([]));

    let out = run(&["check", &demo, "--control", "BREACH-NOTIFI"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("did you mean `BREACH-NOTIFY`?"),
        "{}",
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// command-line conventions

const SUBCOMMANDS: [&str; 7] = [
    "check",
    "export",
    "diff",
    "schema",
    "catalog",
    "completions",
    "man",
];

fn help(args: &[&str]) -> String {
    let out = stackgap(args).env("COLUMNS", "100").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    text(&out.stdout)
}

#[test]
fn every_command_has_help_with_an_example() {
    let root = help(&["--help"]);
    assert!(root.contains("\nExample"), "root --help has no example");
    for sub in SUBCOMMANDS {
        assert!(root.contains(sub), "root --help does not list {sub}");
        let text = help(&[sub, "--help"]);
        assert!(
            text.contains("\nExample"),
            "{sub} --help has no example:\n{text}"
        );
        assert!(text.contains(&format!("stackgap {sub}")), "{sub} example");
    }
    for (sub, words) in [
        ("check", &["Exit codes", "1", "2"][..]),
        ("export", &["Exit codes"][..]),
        ("diff", &["Exit codes"][..]),
    ] {
        let text = help(&[sub, "--help"]);
        for w in words {
            assert!(text.contains(w), "{sub} --help lacks {w:?}");
        }
    }
}

#[test]
fn version_completions_and_man_page() {
    assert_eq!(run_ok(&["--version"], 0), format!("stackgap {VERSION}\n"));
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef stackgap"),
        ("fish", "complete -c stackgap"),
    ] {
        let script = run_ok(&["completions", shell], 0);
        assert!(script.contains("stackgap"), "{shell}: names stackgap");
        assert!(script.contains(marker), "{shell}: {marker:?}");
        for sub in ["check", "export", "diff"] {
            assert!(script.contains(sub), "{shell}: completes {sub}");
        }
    }
    let man = run_ok(&["man"], 0);
    assert!(
        man.lines().any(|l| l.starts_with(".TH stackgap")),
        "roff with a .TH header"
    );
    assert!(man.contains(".SH"), "man page sections");
}

#[test]
fn help_text_snapshots() {
    insta::assert_snapshot!("help_root", help(&["--help"]));
    insta::assert_snapshot!("help_check", help(&["check", "--help"]));
    insta::assert_snapshot!("help_export", help(&["export", "--help"]));
    insta::assert_snapshot!("help_diff", help(&["diff", "--help"]));
}

// ---------------------------------------------------------------------------------------------
// the responsibility matrix: `export --format csv|xlsx`

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};

/// The matrix header, spelled out here so that a rename fails a test: the importer of §8.1
/// recognises the layout by these names.
const MATRIX_COLUMNS: [&str; 17] = [
    "Consumer",
    "Provider",
    "Service",
    "Control",
    "Control name",
    "Family",
    "Agreed",
    "Assumed",
    "Evidence",
    "Expires",
    "Evidence in force",
    "Ref",
    "Provider implements",
    "Consumer implements",
    "Status",
    "Findings",
    "Why",
];

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
        .display()
        .to_string()
}

/// The stacks the matrix tests run on: a sample with an accepted risk, a party finding and an
/// expired entry; and the scenario with documents, refs and expiry.
fn matrix_stacks() -> [String; 2] {
    [
        sample("healthcare-records.toml"),
        scenario("evidence-documents.toml"),
    ]
}

/// The CSV export parsed back with the csv crate, the formula guard undone.
fn csv_matrix(stack: &str) -> Vec<Vec<String>> {
    let out = run_ok(&["export", stack, "--format", "csv", "--as-of", AS_OF], 0);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(|c| stackgap::report::csv::unguard(c).to_string())
                .collect()
        })
        .collect()
}

/// The xlsx export written with -o, read back.
fn xlsx_export(stack: &str, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("review.xlsx").display().to_string();
    let mut args = vec![
        "export", stack, "--format", "xlsx", "--as-of", AS_OF, "-o", &out,
    ];
    args.extend_from_slice(extra);
    assert_eq!(run_ok(&args, 0), "", "-o prints nothing");
    std::fs::read(&out).expect("the workbook is written")
}

fn xlsx_sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    let range = book.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    other => panic!("{name}: unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("UTF-8 XML");
    text
}

/// The row of a matrix at (consumer, provider, service, control); there must be one.
fn matrix_row<'m>(matrix: &'m [Vec<String>], place: [&str; 4]) -> &'m [String] {
    let rows: Vec<&Vec<String>> = matrix[1..].iter().filter(|r| r[..4] == place).collect();
    assert_eq!(rows.len(), 1, "one row at {place:?}");
    rows[0]
}

/// Every hand-off finding of `check --format json` is at its row, with its kind, side, message
/// and a status at least as bad; every party finding is on the summary sheet when there is one;
/// and the matrix lists no finding that check does not.
fn assert_findings_at_their_rows(
    report: &Value,
    matrix: &[Vec<String>],
    summary: Option<&[Vec<String>]>,
) {
    assert_eq!(matrix[0], MATRIX_COLUMNS);
    let (mut at_handoffs, mut listed) = (0, 0);
    for f in report["findings"].as_array().expect("findings") {
        let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
        let (kind, accepted) = (s("kind"), f["accepted"] == true);
        if f["party"].is_string() {
            if let Some(summary) = summary {
                let want = [s("party"), s("control")];
                assert!(
                    summary
                        .iter()
                        .any(|r| r.len() > 3 && r[..2] == want && r[3].starts_with(kind.as_str())),
                    "party finding {want:?} {kind} on the summary"
                );
            }
            continue;
        }
        at_handoffs += 1;
        let place = [s("consumer"), s("provider"), s("service"), s("control")];
        let row = matrix_row(matrix, place.each_ref().map(String::as_str));
        let item = match f["side"].as_str() {
            Some(side) if accepted => format!("{kind} ({side}, accepted)"),
            Some(side) => format!("{kind} ({side})"),
            None if accepted => format!("{kind} (accepted)"),
            None => kind.clone(),
        };
        assert!(
            row[15].split("; ").any(|i| i == item),
            "{place:?}: {item} in {:?}",
            row[15]
        );
        assert!(
            row[16].contains(&s("message")),
            "{place:?}: why {:?}",
            row[16]
        );
        let worst_allowed: &[&str] = match (accepted, s("severity").as_str()) {
            (false, "gap") => &["GAP"],
            (false, _) => &["GAP", "WARNING"],
            (true, _) => &["GAP", "WARNING", "ACCEPTED"],
        };
        assert!(
            worst_allowed.contains(&row[14].as_str()),
            "{place:?}: {}",
            row[14]
        );
    }
    for row in &matrix[1..] {
        listed += row[15].split("; ").filter(|i| !i.is_empty()).count();
        assert_eq!(row[15].is_empty(), row[14] == "OK", "{row:?}");
    }
    assert_eq!(
        listed, at_handoffs,
        "the matrix lists exactly check's hand-off findings"
    );
}

#[test]
fn the_matrix_shows_every_finding_of_check_at_its_row_in_csv_and_xlsx() {
    for stack in matrix_stacks() {
        let report = json(
            &[
                "check",
                &stack,
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "--fail-on",
                "never",
            ],
            0,
        );
        let csv = csv_matrix(&stack);
        assert_findings_at_their_rows(&report, &csv, None);
        let bytes = xlsx_export(&stack, &[]);
        let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(&bytes[..])).expect("an xlsx");
        assert_eq!(book.sheet_names(), ["Summary", "Matrix"], "{stack}");
        let matrix = xlsx_sheet(&bytes, "Matrix");
        let summary = xlsx_sheet(&bytes, "Summary");
        assert_findings_at_their_rows(&report, &matrix, Some(&summary));
        assert_eq!(matrix, csv, "{stack}: both formats hold the same cells");
        let sheet = xlsx_part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(
            sheet.contains(r#"state="frozen""#) && sheet.contains(r#"ySplit="1""#),
            "frozen header"
        );
        let filter = format!(r#"<autoFilter ref="A1:Q{}"/>"#, matrix.len());
        assert!(sheet.contains(&filter), "{filter} in {stack}");
    }
}

#[test]
fn known_rows_of_the_matrix_read_as_a_reviewer_expects() {
    let [healthcare, documents] = matrix_stacks();
    let csv = csv_matrix(&documents);
    let b = matrix_row(&csv, ["c", "p", "", "B"]);
    assert_eq!(
        b[4..],
        [
            "cites last year's report, expired on 2026-10-31",
            "",
            "provider",
            "",
            "soc2-2025",
            "",
            "none — soc2-2025 expired 2026-10-31",
            "CAIQ-BCR-08.1",
            "Yes",
            "No",
            "WARNING",
            "weak-assurance (provider)",
            "B is delivered, but the assurance is none (below attested) along c → p; weakest link c → p (evidence attested); evidence document soc2-2025, cited by c → p, expired on 2026-10-31",
        ]
    );
    let a = matrix_row(&csv, ["c", "p", "", "A"]);
    assert_eq!(
        a[10..15],
        [
            "attested (soc2-2026 \"SOC 2 Type II 2026\", attested, expires 2027-01-15)",
            "MSA-7.2",
            "Yes",
            "No",
            "OK"
        ]
    );
    let d = matrix_row(&csv, ["c", "p", "", "D"]);
    assert_eq!(d[9..11], ["2026-11-01", "none — entry expired 2026-11-01"]);

    let bytes = xlsx_export(&healthcare, &[]);
    let matrix = xlsx_sheet(&bytes, "Matrix");
    let log = matrix_row(&matrix, ["aldhelm", "carevault", "EHR", "LOG-ACCESS"]);
    assert_eq!(log[6], "shared");
    assert_eq!(log[14], "ACCEPTED");
    assert_eq!(log[15], "not-delivered (consumer, accepted)");
    assert!(
        log[16].contains("— accepted: Privacy office samples"),
        "{}",
        log[16]
    );
    assert!(
        log[16].ends_with("(RISK-2026-031, by Group CISO, until 2027-06-30)"),
        "{}",
        log[16]
    );
    let summary = xlsx_sheet(&bytes, "Summary");
    let value = |label: &str| {
        summary
            .iter()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{label} on the summary"))
    };
    assert_eq!(value("Open gaps"), "6");
    assert_eq!(value("Open warnings"), "3");
    assert_eq!(value("Accepted (gaps and warnings)"), "1");
    assert_eq!(value("Input SHA-256"), sha256_of(&healthcare));
    assert_eq!(value("stackgap version"), VERSION);
    assert_eq!(value("Analysis date"), AS_OF);
}

#[test]
fn the_xlsx_summary_names_the_what_ifs_documents_and_expiring_evidence() {
    let documents = scenario("evidence-documents.toml");
    let bytes = xlsx_export(
        &documents,
        &["--without", "c", "--min-evidence", "verified"],
    );
    let summary = xlsx_sheet(&bytes, "Summary");
    let row = |first: &str| {
        summary
            .iter()
            .find(|r| r[0] == first)
            .unwrap_or_else(|| panic!("{first} on the summary"))
            .clone()
    };
    assert_eq!(row("Switched off (what-if)")[1], "c");
    assert_eq!(row("Minimum evidence")[1], "verified (from --min-evidence)");
    // A, E and F cite it (the expiring note counts only the two that deliver assurance).
    let soc2 = row("soc2-2026");
    assert_eq!(
        soc2[..6],
        [
            "soc2-2026",
            "SOC 2 Type II 2026",
            "attested",
            "Yes",
            "2027-01-15",
            "3"
        ]
    );
    assert_eq!(row("soc2-2025")[3], "No — expired");
    assert!(
        summary
            .iter()
            .any(|r| r[0]
                .starts_with("document soc2-2026 (SOC 2 Type II 2026) expires on 2027-01-15")),
        "the expiring note"
    );
    for status in ["GAP", "WARNING", "ACCEPTED", "OK"] {
        assert!(row(status)[1].len() > 10, "legend for {status}");
    }
}

/// Every entry of a stack file as written, per hand-off: (control, agreed, assumed, evidence
/// items joined by ", ", expires, ref), sorted.
type Written = BTreeMap<[String; 3], Vec<[String; 6]>>;

fn entries_written(path: &str) -> Written {
    let table: toml::Table = std::fs::read_to_string(path)
        .expect("read stack")
        .parse()
        .expect("stack is TOML");
    let mut all = Written::new();
    for h in table["handoff"].as_array().expect("hand-offs") {
        let s = |k: &str| h.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let list = all
            .entry([s("consumer"), s("provider"), s("service")])
            .or_default();
        let Some(controls) = h.get("controls").and_then(|c| c.as_table()) else {
            continue;
        };
        for (control, v) in controls {
            let field = |k: &str| match v.get(k) {
                Some(toml::Value::String(s)) => s.clone(),
                Some(toml::Value::Datetime(d)) => d.to_string(),
                Some(toml::Value::Array(items)) => items
                    .iter()
                    .map(|i| i.as_str().expect("evidence items are strings"))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            let agreed = v.as_str().map_or_else(|| field("agreed"), str::to_string);
            list.push([
                control.clone(),
                agreed,
                field("assumed"),
                field("evidence"),
                field("expires"),
                field("ref"),
            ]);
        }
        list.sort();
    }
    all
}

/// The same, read back from a matrix by its column names only.
fn entries_read(matrix: &[Vec<String>]) -> Written {
    let at = |name: &str| matrix[0].iter().position(|h| h == name).expect(name);
    let place = ["Consumer", "Provider", "Service"].map(at);
    let fields = ["Control", "Agreed", "Assumed", "Evidence", "Expires", "Ref"].map(at);
    let mut all = Written::new();
    for row in &matrix[1..] {
        all.entry(place.map(|c| row[c].clone()))
            .or_default()
            .push(fields.map(|c| row[c].clone()));
    }
    for list in all.values_mut() {
        list.sort();
    }
    all
}

#[test]
fn the_matrix_carries_every_entry_field_back_per_handoff() {
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    stacks.push(scenario("evidence-documents.toml"));
    for stack in stacks {
        let written = entries_written(&stack);
        let csv = csv_matrix(&stack);
        assert_eq!(entries_read(&csv), written, "{stack} through CSV");
        let matrix = xlsx_sheet(&xlsx_export(&stack, &[]), "Matrix");
        assert_eq!(entries_read(&matrix), written, "{stack} through xlsx");
    }
}

#[test]
fn xlsx_goes_to_a_pipe_or_a_file_the_same_bytes_every_run() {
    let documents = scenario("evidence-documents.toml");
    let piped = run(&["export", &documents, "--format", "xlsx", "--as-of", AS_OF]);
    assert_eq!(piped.status.code(), Some(0), "{}", text(&piped.stderr));
    assert!(piped.stdout.starts_with(b"PK"), "a zip on standard output");
    assert_eq!(
        piped.stdout,
        xlsx_export(&documents, &[]),
        "pipe and -o agree"
    );
    let again = run(&["export", &documents, "--format", "xlsx", "--as-of", AS_OF]);
    assert_eq!(piped.stdout, again.stdout, "deterministic");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("matrix.csv").display().to_string();
    let shown = run_ok(
        &["export", &documents, "--format", "csv", "--as-of", AS_OF],
        0,
    );
    run_ok(
        &[
            "export", &documents, "--format", "csv", "--as-of", AS_OF, "-o", &out,
        ],
        0,
    );
    assert_eq!(std::fs::read_to_string(&out).expect("written"), shown);
}

#[test]
fn xlsx_is_refused_on_a_terminal_with_a_hint() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_stackgap"));
    cmd.args([
        "export",
        &scenario("evidence-documents.toml"),
        "--format",
        "xlsx",
    ]);
    let mut child = pair.slave.spawn_command(cmd).expect("spawn on the pty");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // On Linux the master reads EIO once the child has gone: that is the end.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(out);
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("stackgap finishes on a terminal");
    let status = child.wait().expect("child exits");
    drop(pair.master);
    assert_eq!(status.exit_code(), 2);
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains("-o review.xlsx"), "{out}");
    assert!(
        !out.contains("PK"),
        "no workbook bytes on the terminal: {out}"
    );
}

// ---------------------------------------------------------------------------------------------
// issue 14: SARIF that survives real tools

/// The official OASIS SARIF 2.1.0 schema (tests/fixtures/README.md says where it came from).
fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read the SARIF schema"))
            .expect("the SARIF schema is JSON");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, sarif: &str, what: &str) -> Value {
    let log: Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    let problems: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(10)
        .collect();
    assert!(problems.is_empty(), "{what}: {problems:#?}");
    log
}

/// SMALL, its accept with an end date, an owner and a ticket.
fn small_with_a_full_accept() -> String {
    format!("{SMALL}until = 2027-06-30\nby = \"CISO office\"\nticket = \"RISK-12\"\n")
}

#[test]
fn sarif_is_valid_against_the_official_schema_in_every_mode() {
    let validator = sarif_validator();
    let dir = tempfile::tempdir().expect("temp dir");
    let small = write(dir.path(), "small.toml", &small_with_a_full_accept());
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    stacks.push(small.clone());
    for stack in &stacks {
        for extra in [
            &[][..],
            &["--accepted", "omit"][..],
            &["--accepted", "suppress"][..],
        ] {
            let mut args = vec!["check", stack, "--format", "sarif", "--as-of", AS_OF];
            args.extend_from_slice(extra);
            let out = run(&args);
            assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}");
            assert_valid_sarif(&validator, &text(&out.stdout), &args.join(" "));
        }
    }
    // An explicit root and a name for standard input.
    let base = dir.path().display().to_string();
    let out = run(&[
        "export",
        &small,
        "--format",
        "sarif",
        "--uri-base",
        &base,
        "--as-of",
        AS_OF,
    ]);
    let log = assert_valid_sarif(&validator, &text(&out.stdout), "--uri-base");
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!(
            "file://{}/",
            dir.path().canonicalize().expect("dir").display()
        )
        .as_str()
    );
    let mut child = stackgap(&[
        "check",
        "-",
        "--format",
        "sarif",
        "--stdin-name",
        "stacks/small stack.toml",
        "--fail-on",
        "never",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .expect("stackgap runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(SMALL.as_bytes())
        .expect("write the stack");
    let out = child.wait_with_output().expect("stackgap ends");
    let log = assert_valid_sarif(&validator, &text(&out.stdout), "--stdin-name");
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "stacks/small%20stack.toml"
    );

    // The validator does refuse what the schema forbids.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["suppressions"] =
        serde_json::json!([{ "kind": "reviewed", "status": "accepted" }]);
    assert!(!validator.is_valid(&broken), "an unknown suppression kind");
}

/// Runs `check --format sarif` in `cwd` with `extra` arguments and returns the log.
fn sarif_in(cwd: &Path, file: &str, extra: &[&str], path: Option<&str>) -> Value {
    let mut args = vec!["check", file, "--format", "sarif", "--fail-on", "never"];
    args.extend_from_slice(extra);
    let mut cmd = stackgap(&args);
    cmd.current_dir(cwd);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    let out = cmd.output().expect("stackgap runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("SARIF")
}

fn uri_of(log: &Value) -> (&str, Option<&str>) {
    let artifact = &log["runs"][0]["artifacts"][0]["location"];
    let uri = artifact["uri"].as_str().expect("uri");
    for r in log["runs"][0]["results"].as_array().expect("results") {
        assert_eq!(
            &r["locations"][0]["physicalLocation"]["artifactLocation"], artifact,
            "every result names the artifact as the artifacts list does"
        );
    }
    (uri, artifact["uriBaseId"].as_str())
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_or_to_uri_base() {
    let has_git = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_git {
        common::missing_tool("git");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path().join("repo");
    let stacks = repo.join("stacks").join("eu");
    std::fs::create_dir_all(&stacks).expect("mkdir");
    let init = Command::new("git")
        .args(["init", "-q"])
        .arg(&repo)
        .output()
        .expect("git init");
    assert!(init.status.success(), "{}", text(&init.stderr));
    write(&stacks, "prod.toml", SMALL);

    // From the repository's root, from the stack's folder and from outside the repository:
    // always the path from the repository's root.
    let abs = stacks.join("prod.toml").display().to_string();
    for (cwd, file) in [
        (repo.clone(), "stacks/eu/prod.toml"),
        (stacks.clone(), "prod.toml"),
        (dir.path().to_path_buf(), abs.as_str()),
    ] {
        let log = sarif_in(&cwd, file, &[], None);
        assert_eq!(uri_of(&log), ("stacks/eu/prod.toml", None), "from {cwd:?}");
        assert!(log["runs"][0]["originalUriBaseIds"].is_null());
    }

    // An explicit root: relative to it, and named as %SRCROOT%.
    let log = sarif_in(
        &stacks,
        "prod.toml",
        &["--uri-base", &repo.join("stacks").display().to_string()],
        None,
    );
    assert_eq!(uri_of(&log), ("eu/prod.toml", Some("%SRCROOT%")));
    let root = format!(
        "file://{}/",
        repo.join("stacks").canonicalize().expect("root").display()
    );
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        root.as_str()
    );

    // Without git on the PATH: relative to the current directory.
    let no_git = tempfile::tempdir().expect("an empty PATH");
    let empty = no_git.path().display().to_string();
    let log = sarif_in(&stacks, "prod.toml", &[], Some(&empty));
    assert_eq!(uri_of(&log), ("prod.toml", None));
    let log = sarif_in(&repo, "stacks/eu/prod.toml", &[], Some(&empty));
    assert_eq!(uri_of(&log), ("stacks/eu/prod.toml", None));

    // Refused: a root that does not hold the file, --stdin-name on a file, SARIF options with
    // another format.
    for (args, message) in [
        (
            vec![
                "--uri-base",
                dir.path().to_str().expect("utf-8"),
                "--format",
                "sarif",
            ],
            "is not inside --uri-base",
        ),
        (
            vec!["--stdin-name", "x.toml", "--format", "sarif"],
            "--stdin-name names standard input",
        ),
        (
            vec!["--accepted", "omit", "--format", "json"],
            "--accepted applies to --format sarif only",
        ),
        (
            vec!["--uri-base", ".", "--format", "text"],
            "--uri-base applies to --format sarif only",
        ),
    ] {
        let other = tempfile::tempdir().expect("temp dir");
        let file = write(other.path(), "elsewhere.toml", SMALL);
        let mut all = vec!["check", file.as_str()];
        all.extend_from_slice(&args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        assert!(out.stdout.is_empty(), "{all:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{all:?}: {}",
            text(&out.stderr)
        );
    }
}

/// (control, logical place) → (fingerprint, line) of every result.
fn fingerprints(log: &Value) -> BTreeMap<(String, String), (String, u64)> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let location = &r["locations"][0];
            (
                (
                    r["properties"]["control"]
                        .as_str()
                        .expect("control")
                        .to_string(),
                    location["logicalLocations"][0]["name"]
                        .as_str()
                        .expect("place")
                        .to_string(),
                ),
                (
                    r["partialFingerprints"]["stackgapFinding/v1"]
                        .as_str()
                        .expect("fingerprint")
                        .to_string(),
                    location["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .expect("line"),
                ),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_moving_an_entry_to_another_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before = write(dir.path(), "before.toml", SMALL);
    // The same stack with a comment block on top and IAM's entry moved below BK's.
    let moved = format!(
        "# reviewed 2026-11\n# by the platform team\n\n{}",
        SMALL.replace(
            "IAM = \"provider\"\nBK = \"provider\"\n",
            "BK = \"provider\"\n\nIAM = \"provider\"\n"
        )
    );
    assert_ne!(moved, SMALL);
    let after = write(dir.path(), "after.toml", &moved);
    let sarif = |file: &str| {
        let out = run(&["check", file, "--format", "sarif", "--as-of", AS_OF]);
        serde_json::from_slice::<Value>(&out.stdout).expect("SARIF")
    };
    let (old, new) = (fingerprints(&sarif(&before)), fingerprints(&sarif(&after)));
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    for (place, (fingerprint, line)) in &old {
        let (moved_fingerprint, moved_line) = &new[place];
        assert_ne!(line, moved_line, "{place:?} moved");
        assert_eq!(
            fingerprint, moved_fingerprint,
            "{place:?} keeps its fingerprint"
        );
    }
    let distinct: std::collections::HashSet<&String> = old.values().map(|(f, _)| f).collect();
    assert_eq!(distinct.len(), old.len(), "one fingerprint per finding");

    // The fingerprint is the SHA-256 of [control, consumer, provider, service, party, side,
    // kind] as compact JSON (docs/ci.md): another kind at the same place is another alert.
    let key = serde_json::json!([
        "IAM",
        "shop",
        "saas",
        "CRM",
        null,
        "provider",
        "not-delivered"
    ]);
    let want: String = Sha256::digest(key.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        old[&("IAM".to_string(), "shop>saas:CRM:provider".to_string())].0,
        want
    );
}

#[test]
fn sarif_suppresses_accepted_findings_with_the_accept_or_omits_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stack = small_with_a_full_accept();
    let file = write(dir.path(), "small.toml", &stack);
    let accept_line = line_of(&stack, "[[accept]]");
    let sarif = |extra: &[&str]| {
        let mut args = vec!["check", &file, "--format", "sarif", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        serde_json::from_str::<Value>(&run_ok(&args, 1)).expect("SARIF")
    };
    let findings = json(&["check", &file, "--format", "json", "--as-of", AS_OF], 1)["findings"]
        .as_array()
        .expect("findings")
        .len();

    let log = sarif(&[]);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), findings, "suppress is the default");
    assert_eq!(log["runs"][0]["properties"]["accepted"], "suppress");
    let bk = results
        .iter()
        .find(|r| r["properties"]["control"] == "BK")
        .expect("BK is reported");
    assert_eq!(
        bk["suppressions"],
        serde_json::json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": "backups move to the new vendor in Q3",
            "location": { "physicalLocation": {
                "artifactLocation": bk["locations"][0]["physicalLocation"]["artifactLocation"],
                "region": { "startLine": accept_line }
            }},
            "properties": { "until": "2027-06-30", "by": "CISO office", "ticket": "RISK-12" }
        }])
    );
    assert!(
        results
            .iter()
            .filter(|r| r["properties"]["control"] != "BK")
            .all(|r| r["suppressions"].is_null()),
        "only the accepted finding is suppressed"
    );

    let log = sarif(&["--accepted", "omit"]);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), findings - 1);
    assert!(results.iter().all(|r| r["properties"]["control"] != "BK"));
    assert_eq!(log["runs"][0]["properties"]["accepted"], "omit");
    assert_eq!(
        sarif(&["--accepted", "suppress"]),
        sarif(&[]),
        "suppress is the default"
    );
}

#[test]
fn sarif_names_each_control_in_its_message_properties_and_taxonomy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "small.toml", SMALL);
    let log: Value = serde_json::from_str(&run_ok(
        &["check", &file, "--format", "sarif", "--as-of", AS_OF],
        1,
    ))
    .expect("SARIF");
    let run = &log["runs"][0];
    let names = [
        ("BK", "Backups"),
        ("ENC", "Encryption"),
        ("IAM", "Access reviews"),
        ("LOG", "Logging"),
    ];
    for r in run["results"].as_array().expect("results") {
        let control = r["properties"]["control"].as_str().expect("control");
        let name = names
            .iter()
            .find(|(id, _)| *id == control)
            .map(|(_, n)| *n)
            .expect("a known control");
        assert!(
            r["message"]["text"]
                .as_str()
                .is_some_and(|m| m.starts_with(&format!("{control} ({name}): "))),
            "{}",
            r["message"]
        );
        assert_eq!(r["properties"]["control_name"], name);
        assert_eq!(r["taxa"][0]["id"], control);
        assert_eq!(r["taxa"][0]["toolComponent"]["name"], "stackgap controls");
    }
    let taxa = run["taxonomies"][0]["taxa"].as_array().expect("taxa");
    let listed: Vec<(&str, &str)> = taxa
        .iter()
        .map(|t| {
            (
                t["id"].as_str().expect("id"),
                t["name"].as_str().expect("name"),
            )
        })
        .collect();
    assert_eq!(listed, names, "the controls reported, with their names");
    assert_eq!(
        run["tool"]["driver"]["supportedTaxonomies"][0]["name"],
        "stackgap controls"
    );
}

// ---------------------------------------------------------------------------------------------
// issue 14: a schema every validator reads

/// The id pattern of `stackgap schema`, compiled alone.
fn id_validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .build(&schema["$defs"]["id"])
        .expect("the id schema compiles")
}

/// Every character the loader refuses in an id (`a?b`), as code points.
fn refused_by_the_loader() -> Vec<u32> {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| stackgap::text::id_problem(&format!("a{c}b")).is_some())
        .map(|c| c as u32)
        .collect()
}

#[test]
fn the_schema_id_pattern_refuses_exactly_what_the_loader_refuses() {
    let schema_text = run_ok(&["schema"], 0);
    for class in ["\\p{", "\\P{", "\\\\p{", "\\\\P{"] {
        assert!(
            !schema_text.contains(class),
            "the schema uses a Unicode property class ({class}), which Python's `re` and other \
             validators reject"
        );
    }
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let ids = id_validator(&schema);
    let refused_by_schema: Vec<u32> = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| !ids.is_valid(&Value::String(format!("a{c}b"))))
        .map(|c| c as u32)
        .collect();
    assert_eq!(refused_by_schema, refused_by_the_loader());
    assert!(!ids.is_valid(&Value::String(String::new())), "an empty id");
}

/// Python and its `jsonschema` package (pip install jsonschema check-jsonschema), or `None`
/// when this machine lacks them (CI installs them: .ci/run).
fn python_with_jsonschema() -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::missing_tool("python3 with the jsonschema package");
        return None;
    }
    Some("python3")
}

/// What Python's `jsonschema` says of the schema and of each instance, and which code points
/// the id pattern refuses.
const PYTHON_CHECK: &str = r#"
import json, re, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
verdicts = {}
for path in sys.argv[2:]:
    instance = json.load(open(path, encoding="utf-8"))
    verdicts[path] = sorted(e.message for e in validator.iter_errors(instance))
ids = jsonschema.Draft202012Validator(schema["$defs"]["id"])
refused = [c for c in range(0x110000)
           if not 0xD800 <= c <= 0xDFFF and not ids.is_valid("a" + chr(c) + "b")]
print(json.dumps({"verdicts": verdicts, "refused": refused}))
"#;

#[test]
fn python_jsonschema_and_check_jsonschema_accept_the_schema_and_validate_the_samples() {
    let Some(python) = python_with_jsonschema() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = write(dir.path(), "stack.schema.json", &run_ok(&["schema"], 0));
    let mut good: Vec<String> = Vec::new();
    for (i, sample) in sample_stacks().iter().enumerate() {
        let stack = stack_as_json(&std::fs::read_to_string(sample).expect("read sample"));
        good.push(write(
            dir.path(),
            &format!("sample-{i}.json"),
            &stack.to_string(),
        ));
    }
    good.push(write(
        dir.path(),
        "small.json",
        &stack_as_json(SMALL).to_string(),
    ));
    let mut broken = stack_as_json(SMALL);
    broken["party"][0]["id"] = "sh\u{200b}op".into();
    let broken = write(dir.path(), "broken.json", &broken.to_string());

    let mut args = vec!["-c", PYTHON_CHECK, schema.as_str()];
    args.extend(good.iter().map(String::as_str));
    args.push(&broken);
    let out = Command::new(python)
        .args(&args)
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");
    for path in &good {
        assert_eq!(said["verdicts"][path], serde_json::json!([]), "{path}");
    }
    assert!(
        said["verdicts"][&broken]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "Python accepts an id with a zero-width space"
    );
    let refused: Vec<u32> = serde_json::from_value(said["refused"].clone()).expect("code points");
    assert_eq!(
        refused,
        refused_by_the_loader(),
        "Python's `re` reads the pattern as Rust does"
    );

    // check-jsonschema, in each of its regular-expression dialects.
    if Command::new("check-jsonschema")
        .arg("--version")
        .output()
        .is_err()
    {
        common::missing_tool("check-jsonschema");
        return;
    }
    for dialect in ["default", "nonunicode", "python"] {
        let mut args = vec!["--regex-variant", dialect, "--schemafile", schema.as_str()];
        args.extend(good.iter().map(String::as_str));
        let out = Command::new("check-jsonschema")
            .args(&args)
            .output()
            .expect("check-jsonschema runs");
        assert!(
            out.status.success(),
            "{dialect}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let out = Command::new("check-jsonschema")
            .args(["--regex-variant", dialect, "--schemafile", &schema, &broken])
            .output()
            .expect("check-jsonschema runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{dialect}: refuses the broken stack"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// issue 14: reports that name things

#[test]
fn text_and_markdown_name_controls_and_count_accepted_findings_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = write(dir.path(), "small.toml", SMALL);
    let out = run_ok(&["check", &small, "--as-of", AS_OF], 1);
    for line in [
        "  GAP      not-delivered    IAM (Access reviews, provider side): ",
        "  ACCEPTED not-delivered    BK (Backups, provider side): ",
        "  GAP      unassigned       LOG (Logging): ",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    // Open findings by severity, accepted ones apart and named by theirs.
    assert!(
        out.ends_with("\n2 gaps, 1 warning, 1 accepted gap, 0 notes\n"),
        "{out}"
    );
    let md = run_ok(
        &["check", &small, "--format", "markdown", "--as-of", AS_OF],
        1,
    );
    for row in [
        "| Gaps | 2 |",
        "| Warnings | 1 |",
        "| Accepted | 1 gap |",
        "| gap | not-delivered | IAM (Access reviews) | provider |",
    ] {
        assert!(md.contains(row), "{row:?} in\n{md}");
    }

    // The sample with an accepted gap, as issue 14 quotes it.
    let healthcare = sample("healthcare-records.toml");
    let out = run_ok(&["check", &healthcare, "--as-of", AS_OF], 1);
    assert!(
        out.ends_with("\n6 gaps, 3 warnings, 1 accepted gap, 0 notes\n"),
        "{out}"
    );
    // The JSON summary keeps SPEC §4's meaning: gaps count the accepted one too.
    let report = json(
        &["check", &healthcare, "--format", "json", "--as-of", AS_OF],
        1,
    );
    assert_eq!(report["summary"]["gaps"], 7);
    assert_eq!(report["summary"]["accepted"], 1);

    // A control whose name is its id is not named twice.
    let bare = write(
        dir.path(),
        "bare.toml",
        &SMALL.replace("name = \"Logging\"", "name = \"LOG\""),
    );
    let out = run_ok(&["check", &bare, "--as-of", AS_OF], 1);
    assert!(out.contains("  GAP      unassigned       LOG: "), "{out}");
}

#[test]
fn json_names_each_control_beside_its_id_and_changes_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = write(dir.path(), "small.toml", SMALL);
    let raw = run_ok(&["check", &small, "--format", "json", "--as-of", AS_OF], 1);
    assert!(
        raw.contains(
            "\"control\": \"BK\",\n      \"control_name\": \"Backups\",\n      \"control_family\": null,\n      \"consumer\": \"shop\","
        ),
        "the name and family follow the id: {raw}"
    );
    let report: Value = serde_json::from_str(&raw).expect("JSON");
    let bk = &report["findings"][1];
    assert_eq!(bk["control"], "BK");
    assert_eq!(bk["control_name"], "Backups");
    assert_eq!(bk["control_family"], Value::Null);
    let demo = json(
        &[
            "check",
            &sample("demo.toml"),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
        1,
    );
    assert_eq!(demo["findings"][0]["control_family"], "Keys & encryption");
}

// ---------------------------------------------------------------------------------------------
// issue 14: diff of a renamed service, and its Markdown verdict

#[test]
fn diff_follows_a_renamed_service_and_its_markdown_gives_a_verdict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = write(dir.path(), "old.toml", SMALL);
    // The only hand-off between shop and saas: its service renamed, nothing else.
    let renamed = write(
        dir.path(),
        "renamed.toml",
        &SMALL.replace("service = \"CRM\"", "service = \"CRM (EU)\""),
    );
    let out = run_ok(&["diff", &old, &renamed, "--as-of", AS_OF], 0);
    assert_eq!(
        out,
        "0 added, 0 removed, 0 changed, 0 newly accepted, 0 no longer accepted; 0 new unaccepted gap(s)\n"
    );
    let md = run_ok(
        &[
            "diff", &old, &renamed, "--as-of", AS_OF, "--format", "markdown",
        ],
        0,
    );
    assert!(
        md.starts_with("## stackgap diff: small\n\n**No new gaps.**\n\n| Change |"),
        "{md}"
    );

    // A renamed service that also breaks something: the change is at the new name.
    let worse = write(
        dir.path(),
        "worse.toml",
        &SMALL
            .replace("service = \"CRM\"", "service = \"CRM (EU)\"")
            .replace(
                "IAM = \"provider\"",
                "IAM = \"provider\"\nLOG = \"provider\"",
            ),
    );
    let out = run_ok(&["diff", &old, &worse, "--as-of", AS_OF], 1);
    assert!(
        out.lines().any(|l| l.starts_with(
            "+ added    LOG not-delivered (gap) at shop → saas (CRM (EU)), provider side"
        )),
        "{out}"
    );
    assert!(
        !out.contains("IAM") && !out.contains("BK"),
        "the findings that only moved to the new name are unchanged: {out}"
    );
    let md = run_ok(
        &[
            "diff", &old, &worse, "--as-of", AS_OF, "--format", "markdown",
        ],
        1,
    );
    assert!(md.contains("\n**1 new gap.**\n"), "{md}");

    // Two hand-offs between the pair: a service changed there is not taken for a rename.
    let two = SMALL.replace(
        "[[accept]]",
        "[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nservice = \"Mail\"\ncontrols = { LOG = \"consumer\" }\n\n[[accept]]",
    );
    let before = write(dir.path(), "two.toml", &two);
    let after = write(
        dir.path(),
        "two-renamed.toml",
        &two.replace("service = \"CRM\"", "service = \"CRM (EU)\""),
    );
    let doc = json(
        &[
            "diff", &before, &after, "--as-of", AS_OF, "--format", "json",
        ],
        1,
    );
    assert!(
        doc["summary"]["added"].as_u64().is_some_and(|n| n > 0),
        "{doc}"
    );
    assert!(
        doc["summary"]["removed"].as_u64().is_some_and(|n| n > 0),
        "{doc}"
    );
    let md = run_ok(
        &[
            "diff", &before, &after, "--as-of", AS_OF, "--format", "markdown",
        ],
        1,
    );
    assert!(md.contains("\n**1 new gap.**\n"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// issue 14: a man page per subcommand

#[test]
fn man_prints_each_subcommands_page_and_writes_them_all() {
    let check = run_ok(&["man", "check"], 0);
    assert!(check.contains(".TH stackgap-check 1"), "{check}");
    assert!(check.contains("\\-\\-uri\\-base"), "check's own options");
    let matrix = run_ok(&["man", "import", "matrix"], 0);
    assert!(matrix.contains(".TH stackgap-import-matrix 1"), "{matrix}");
    let out = run(&["man", "chekc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `check`?"));

    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("man1");
    let out = run(&["man", "--all", "-o", &folder.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut pages: Vec<String> = std::fs::read_dir(&folder)
        .expect("the folder is made")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "stackgap-catalog.1",
            "stackgap-check.1",
            "stackgap-completions.1",
            "stackgap-diff.1",
            "stackgap-export.1",
            "stackgap-import-matrix.1",
            "stackgap-import-oscal-ssp.1",
            "stackgap-import.1",
            "stackgap-man.1",
            "stackgap-schema.1",
            "stackgap.1",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("stackgap-check.1")).expect("page"),
        check,
        "the file is the page `man check` prints"
    );
}
