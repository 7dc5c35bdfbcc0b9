//! Long findings in text: broken chains shortened, root causes capped at 100 with a total,
//! and a risk accepted twice reported once with neither accept stale.

use super::*;

#[test]
fn long_broken_chains_are_shortened_in_text() {
    let mut toml = String::from("[stack]\nname = \"long\"\ncatalog = \"none\"\n");
    toml.push_str("[[control]]\nid = \"X\"\nname = \"X\"\n");
    for i in 0..40 {
        toml.push_str(&format!("[[party]]\nid = \"p{i:02}\"\n"));
    }
    for i in 0..39 {
        toml.push_str(&format!(
            "[[handoff]]\nconsumer = \"p{i:02}\"\nprovider = \"p{:02}\"\ncontrols = {{ X = \"provider\" }}\n",
            i + 1
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_stack(dir.path(), "long.toml", &toml);
    let out = run(&["check", &file, "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    let line = shown
        .lines()
        .find(|l| l.contains("broken-chain"))
        .expect("a broken chain at p00 → p01");
    assert!(
        line.contains("p01 → p02"),
        "the chain starts at p01: {line}"
    );
    assert!(
        line.contains("p39"),
        "the chain names its root cause: {line}"
    );
    assert!(line.contains('…'), "a 39-hop chain is shortened: {line}");
    assert!(
        line.chars().count() < 300,
        "{} characters",
        line.chars().count()
    );
}

#[test]
fn root_causes_are_capped_at_100_with_a_total() {
    let mut toml = String::from("[stack]\nname = \"wide\"\ncatalog = \"none\"\n");
    toml.push_str(
        "[[control]]\nid = \"X\"\nname = \"X\"\n[[party]]\nid = \"top\"\n[[party]]\nid = \"hub\"\n",
    );
    toml.push_str(
        "[[handoff]]\nconsumer = \"top\"\nprovider = \"hub\"\ncontrols = { X = \"provider\" }\n",
    );
    // Written in reverse, so that the listed 100 must be chosen by sorting.
    for i in (0..150).rev() {
        toml.push_str(&format!(
            "[[party]]\nid = \"d{i:03}\"\n[[handoff]]\nconsumer = \"hub\"\nprovider = \"d{i:03}\"\ncontrols = {{ X = \"provider\" }}\n"
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_stack(dir.path(), "wide.toml", &toml);
    let out = run(&["check", &file, "--format", "json", "--as-of", AS_OF]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let chain = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "broken-chain")
        .expect("top → hub is a broken chain");
    let want: Vec<String> = (0..100).map(|i| format!("d{i:03}")).collect();
    assert_eq!(chain["root_causes"], serde_json::json!(want));
    assert_eq!(chain["root_causes_total"], 150);
    assert_eq!(json["summary"]["gaps"], 151);
}

#[test]
fn a_risk_accepted_twice_reports_the_first_accept_and_neither_is_stale() {
    let stack = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/accepts.toml");
    let out = run(&[
        "check",
        &stack.display().to_string(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let misu: Vec<&Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["control"] == "MISU")
        .collect();
    assert_eq!(misu.len(), 1, "{misu:?}");
    assert_eq!(misu[0]["accepted"], true);
    assert_eq!(misu[0]["accepted_reason"], "known and harmless");
    let stale: Vec<&Value> = json["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["kind"] == "stale-accept" && n["control"] == "MISU")
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}
