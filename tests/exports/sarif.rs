//! SARIF: each finding located at the line of its stack entry, valid against the official
//! 2.1.0 schema in every mode, URIs relative to the repository root or `--uri-base`, stable
//! fingerprints, accepted findings suppressed, and each control named in the rules.

use std::collections::BTreeMap;

use super::*;

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
