//! stackgap's own matrix imported back (SPEC §7, §8.1): without `--into`, the printed stack
//! loads on its own, declaring every evidence document its entries cite as the exporting stack
//! declared it; with `--into`, a document the stack declares is left alone; a hand-off whose
//! entries come from a `model` template counts what it writes out truly.

mod common;
use common::{assert_exit, describe_document, run, text, write};

use std::fs;
use std::path::Path;

use serde_json::Value;
use stackgap::stack::{Cite, Stack, load_str};
use tempfile::TempDir;

fn sample(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    fs::read_to_string(path).expect("the sample stack")
}

/// The entries of one hand-off as text (control, owners, evidence items, expiry), and the
/// documents they cite with every field, from a loaded stack.
fn handoff_text(stack: &Stack, consumer: &str, provider: &str, service: &str) -> String {
    let h = stack
        .handoffs
        .iter()
        .find(|h| {
            stack.party(h.consumer).id == consumer
                && stack.party(h.provider).id == provider
                && h.service.as_deref() == Some(service)
        })
        .expect("the hand-off");
    let mut lines = Vec::new();
    let mut cited = Vec::new();
    for e in &h.entries {
        let items: Vec<&str> = e
            .evidence
            .items()
            .iter()
            .map(|c| c.as_str(&stack.documents))
            .collect();
        lines.push(format!(
            "{} agreed {:?} assumed {:?} evidence {items:?} expires {:?}",
            stack.control(e.control).id,
            e.agreed,
            e.assumed,
            e.expires
        ));
        for c in e.evidence.items() {
            if let Cite::Document(d) = c
                && !cited.contains(d)
            {
                cited.push(*d);
            }
        }
    }
    lines.sort();
    for d in cited {
        let doc = &stack.documents[d as usize];
        lines.push(format!(
            "document {} {}",
            doc.id,
            describe_document(stack, doc)
        ));
    }
    lines.join("\n")
}

/// The demo's Workforce SSO hand-off cites Keystone's SOC 2 report: exported as CSV or as a
/// workbook and imported back without `--into`, the printed stack loads, declares the report
/// with every field the demo gives it, and has the same entries.
#[test]
fn the_demo_s_workforce_sso_hand_off_imports_back_without_into_as_a_stack_that_loads() {
    let dir = TempDir::new().expect("temp dir");
    let original = sample("sample-stacks/demo.toml");
    let stack = write(dir.path(), "demo.toml", &original);
    let want = handoff_text(
        &load_str(&original, "demo.toml", None).expect("the demo loads"),
        "northwind",
        "keystoneid",
        "Workforce SSO",
    );
    assert!(
        want.contains("document keystone-soc2-2025 attested"),
        "{want}"
    );
    for format in ["csv", "xlsx"] {
        let out_file = dir.path().join(format!("demo.{format}"));
        let out_file = out_file.display().to_string();
        assert_exit(
            &run(&["export", &stack, "--format", format, "-o", &out_file]),
            0,
        );
        let out = run(&[
            "import",
            "matrix",
            &out_file,
            "--consumer",
            "northwind",
            "--provider",
            "keystoneid",
            "--service",
            "Workforce SSO",
        ]);
        assert_exit(&out, 0);
        assert!(out.stderr.is_empty(), "no warning: {}", text(&out.stderr));
        let printed = text(&out.stdout);
        let loaded = load_str(&printed, "printed.toml", None)
            .unwrap_or_else(|e| panic!("{format}: the printed stack loads: {e}\n{printed}"));
        assert_eq!(loaded.documents.len(), 1, "{printed}");
        assert_eq!(
            handoff_text(&loaded, "northwind", "keystoneid", "Workforce SSO"),
            want,
            "{format}:\n{printed}"
        );
        // And `check` reads it.
        let printed_path = write(dir.path(), &format!("printed-{format}.toml"), &printed);
        let check = run(&["check", &printed_path, "--as-of", "2026-12-01"]);
        assert_ne!(check.status.code(), Some(2), "{}", text(&check.stderr));
    }
}

/// The issue's own stack: shop → saas cites saas-soc2 (and contract), saas → iaas cites
/// iaas-iso. Both hand-offs come back as stacks that load, each declaring only what it cites.
#[test]
fn each_hand_off_declares_only_the_documents_it_cites() {
    let dir = TempDir::new().expect("temp dir");
    let stack = write(dir.path(), "ev.toml", EV);
    let csv = dir.path().join("ev.csv").display().to_string();
    assert_exit(&run(&["export", &stack, "--format", "csv", "-o", &csv]), 0);
    for (consumer, provider, doc) in [("shop", "saas", "saas-soc2"), ("saas", "iaas", "iaas-iso")] {
        let out = run(&[
            "import",
            "matrix",
            &csv,
            "--consumer",
            consumer,
            "--provider",
            provider,
        ]);
        assert_exit(&out, 0);
        let printed = text(&out.stdout);
        let loaded = load_str(&printed, "printed.toml", None)
            .unwrap_or_else(|e| panic!("the printed stack loads: {e}\n{printed}"));
        let ids: Vec<&str> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, [doc], "{printed}");
    }
}

/// Into a stack that declares the document already, the document is left exactly as it is
/// (never declared twice, even when the matrix describes it otherwise); into one that lacks
/// it, it is added as the matrix describes it, and a second run changes nothing.
#[test]
fn into_a_stack_a_declared_document_is_left_alone_and_a_missing_one_is_added() {
    let dir = TempDir::new().expect("temp dir");
    let stack = write(dir.path(), "ev.toml", EV);
    let csv = dir.path().join("ev.csv").display().to_string();
    assert_exit(&run(&["export", &stack, "--format", "csv", "-o", &csv]), 0);
    let args = |into: &str| {
        run(&[
            "import",
            "matrix",
            &csv,
            "--consumer",
            "shop",
            "--provider",
            "saas",
            "--into",
            into,
        ])
    };
    // The stack renamed the report's title since: its own declaration stays.
    let renamed = EV.replace("SOC 2 Type II, saas", "SOC 2 Type II (renamed)");
    let declared = write(dir.path(), "declared.toml", &renamed);
    assert_exit(&args(&declared), 0);
    let after = fs::read_to_string(&declared).expect("read");
    assert_eq!(after.matches("id = \"saas-soc2\"").count(), 1, "{after}");
    assert!(after.contains("SOC 2 Type II (renamed)"), "{after}");
    assert!(
        !after.contains("title = \"SOC 2 Type II, saas\""),
        "{after}"
    );

    let bare = write(
        dir.path(),
        "bare.toml",
        "[stack]\nname = \"bare\"\ncatalog = \"none\"\n",
    );
    let out = args(&bare);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stderr),
        format!("{bare}: added 2 controls, 2 parties, 1 document, 1 hand-off, 2 entries\n")
    );
    let after = fs::read_to_string(&bare).expect("read");
    assert!(
        after.contains(
            "[[evidence]]\nid = \"saas-soc2\"\nlevel = \"attested\"\ntitle = \"SOC 2 Type II, saas\"\nissuer = \"Audit LLP\"\nparty = \"saas\"\nissued = 2025-04-01\nexpires = 2026-03-31\ncovers = [\"BK\", \"ENC\"]\nref = \"vault://saas.pdf\"\n"
        ),
        "{after}"
    );
    let again = args(&bare);
    assert_exit(&again, 0);
    assert_eq!(text(&again.stderr), format!("{bare}: unchanged\n"));
}

/// A matrix exported before it had the `Evidence documents` column still prints a stack that
/// loads: the document is declared `level = "none"`, and a warning says so.
#[test]
fn a_matrix_without_the_documents_column_declares_them_as_none_with_a_warning() {
    let dir = TempDir::new().expect("temp dir");
    let csv = write(
        dir.path(),
        "old.csv",
        "Consumer,Provider,Service,Control,Agreed,Evidence\nshop,saas,,BK,provider,\"saas-soc2, contract\"\n",
    );
    let out = run(&[
        "import",
        "matrix",
        &csv,
        "--consumer",
        "shop",
        "--provider",
        "saas",
    ]);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stderr),
        format!(
            "stackgap: warning: {csv}: evidence document saas-soc2: the file does not give its level (no `Evidence documents` column, or no level there); declared with `level = \"none\"`: set its level\n"
        )
    );
    let printed = text(&out.stdout);
    assert!(
        printed.contains("[[evidence]]\nid = \"saas-soc2\"\nlevel = \"none\"\n"),
        "{printed}"
    );
    load_str(&printed, "printed.toml", None).expect("the printed stack loads");
}

/// SPEC §8.1 sets `ref` on every entry the matrix names, so the template's rows of a
/// `model = "iaas"` hand-off are written out — with the template's own `agreed`, so the
/// findings stay the same — and counted as added, apart from the listed entries updated.
#[test]
fn template_rows_written_out_count_as_added_and_the_findings_stay_the_same() {
    let dir = TempDir::new().expect("temp dir");
    let original = sample("tests/scenarios/templates.toml");
    let stack = write(dir.path(), "templates.toml", &original);
    let csv = dir.path().join("t.csv").display().to_string();
    assert_exit(&run(&["export", &stack, "--format", "csv", "-o", &csv]), 0);
    let loaded = load_str(&original, "templates.toml", None).expect("loads");
    let h = loaded
        .handoffs
        .iter()
        .find(|h| loaded.party(h.provider).id == "cloud")
        .expect("cust → cloud");
    let templated = h.entries.iter().filter(|e| e.from_template).count();
    let listed = h.entries.len() - templated;
    assert!(templated > 0 && listed > 0);
    let before = findings(&stack);
    let out = run(&[
        "import",
        "matrix",
        &csv,
        "--consumer",
        "cust",
        "--provider",
        "cloud",
        "--into",
        &stack,
    ]);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stderr),
        format!("{stack}: added {templated} entries; updated {listed} entries\n")
    );
    assert_eq!(findings(&stack), before);
}

/// The findings of `check --format json`, without the `ref` the import adds.
fn findings(stack: &str) -> Vec<Value> {
    let out = run(&["check", stack, "--format", "json", "--as-of", "2026-12-01"]);
    let mut json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut list = json["findings"]
        .take()
        .as_array()
        .cloned()
        .expect("findings");
    for f in &mut list {
        f["ref"] = Value::Null;
    }
    list
}

/// The issue's stack: documents with every field, cited alone and beside a level.
const EV: &str = r#"[stack]
name = "ev"
catalog = "none"

[[control]]
id = "BK"
name = "Backups"

[[control]]
id = "ENC"
name = "Encryption at rest"

[[party]]
id = "shop"

[[party]]
id = "saas"

[[party]]
id = "iaas"
implements = ["BK", "ENC"]

[[evidence]]
id = "saas-soc2"
level = "attested"
title = "SOC 2 Type II, saas"
issuer = "Audit LLP"
party = "saas"
issued = 2025-04-01
expires = 2026-03-31
covers = ["BK", "ENC"]
ref = "vault://saas.pdf"

[[evidence]]
id = "iaas-iso"
level = "verified"
expires = 2026-05-15

[[handoff]]
consumer = "shop"
provider = "saas"
controls = { BK = { agreed = "provider", evidence = ["saas-soc2", "contract"] }, ENC = { agreed = "provider", evidence = "saas-soc2", ref = "MSA 7" } }

[[handoff]]
consumer = "saas"
provider = "iaas"
controls = { BK = { agreed = "provider", evidence = "iaas-iso" }, ENC = { agreed = "provider", evidence = "attested" } }
"#;
