//! The reports a reader opens: Markdown (summary, a table per hand-off, root-cause chains),
//! JSON (the same as `check --format json`), text and Markdown naming each control beside its
//! id, provenance (version, input hash, date, what-ifs) in every report, and `check --control`.

use super::*;

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
        // The control is named beside its id, with its family.
        let name = f["control_name"].as_str().expect("control_name");
        let about = match f["control_family"].as_str() {
            Some(family) => format!("{name}, {family} family"),
            None => name.to_string(),
        };
        assert!(
            row.contains(&format!(
                "| {} | {control} ({about}) |",
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

#[test]
fn every_report_puts_the_family_beside_the_control_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = write(
        dir.path(),
        "family.toml",
        &SMALL.replace(
            "name = \"Backups\"",
            "name = \"Backups\"\nfamily = \"Backup\"",
        ),
    );
    let check = |format: &str| {
        run_ok(
            &[
                "check",
                &small,
                "--fix-first",
                "--format",
                format,
                "--as-of",
                AS_OF,
            ],
            1,
        )
    };
    let out = check("text");
    for line in [
        "  ACCEPTED not-delivered    BK (Backups, Backup family, provider side): ",
        "saas implements BK (Backups, Backup family)",
        // A control without a family reads as before.
        "  GAP      not-delivered    IAM (Access reviews, provider side): ",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    let md = check("markdown");
    for row in [
        "| gap (accepted) | not-delivered | BK (Backups, Backup family) | provider |",
        "| saas | BK (Backups, Backup family) |",
    ] {
        assert!(md.contains(row), "{row:?} in\n{md}");
    }
    let sarif = check("sarif");
    assert!(
        sarif.contains("\"text\": \"BK (Backups, Backup family): "),
        "{sarif}"
    );
    // HTML names it as the others now do: name, then the family.
    let html = run_ok(&["export", &small, "--format", "html", "--as-of", AS_OF], 0);
    assert!(
        html.contains("<code>BK</code> Backups <span class=\"family\">(Backup)</span>"),
        "{html}"
    );
    let dot = run_ok(&["export", &small, "--format", "dot", "--as-of", AS_OF], 0);
    assert!(
        dot.contains("\\ngap BK (Backups, Backup family): not-delivered, provider side, accepted"),
        "{dot}"
    );
    // JSON keeps its fields: the family is its own.
    let report = json(&["check", &small, "--format", "json", "--as-of", AS_OF], 1);
    assert_eq!(report["findings"][1]["control_name"], "Backups");
    assert_eq!(report["findings"][1]["control_family"], "Backup");

    // The built-in catalog's controls have families too.
    let demo = run_ok(&["check", &sample("demo.toml"), "--as-of", AS_OF], 1);
    assert!(
        demo.contains(
            "KEY-BYOK (Customer-Managed Keys, Keys & encryption family, consumer side): "
        ),
        "{demo}"
    );
}
