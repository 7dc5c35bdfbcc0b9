//! `stackgap diff`: added, removed and changed findings in text, Markdown and JSON with both
//! sides' provenance; exit code 1 only when an unaccepted gap comes in; a renamed service
//! followed, and the Markdown verdict.

use super::*;

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
