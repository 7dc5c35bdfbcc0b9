//! Every report through the real binary, one file per report family under `tests/exports/`:
//! Markdown and JSON with their provenance (`markdown_json`), the Mermaid and Graphviz diagrams
//! (`diagrams`), the HTML page (`html`), writing with `-o` (`output`), SARIF (`sarif`), the JSON
//! Schema (`schema`), `diff` (`diff`), the CSV / xlsx responsibility matrix (`matrix`), and the
//! command-line conventions: help, completions, man pages (`cli_conventions`). This file holds
//! what they share: running the binary, the sample stacks, and the small and hostile stacks.

#[path = "exports/cli_conventions.rs"]
mod cli_conventions;
mod common;
#[path = "exports/diagrams.rs"]
mod diagrams;
#[path = "exports/diff.rs"]
mod diff;
#[path = "exports/html.rs"]
mod html;
#[path = "exports/markdown_json.rs"]
mod markdown_json;
#[path = "exports/matrix.rs"]
mod matrix;
#[path = "exports/output.rs"]
mod output;
#[path = "exports/sarif.rs"]
mod sarif;
#[path = "exports/schema.rs"]
mod schema;

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
