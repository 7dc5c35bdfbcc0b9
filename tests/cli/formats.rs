//! Reports on every sample stack: text, JSON with every field SPEC §4 lists and Markdown;
//! byte-identical JSON across runs; standard input read like a file; a file named like a
//! subcommand opened as a path.

use super::*;

/// Every field SPEC §4 lists, with its JSON type.
fn assert_spec_fields(json: &Value, file: &Path) {
    let ctx = file.display();
    for key in ["stack", "version", "input_sha256", "as_of", "min_evidence"] {
        assert!(json[key].is_string(), "{ctx}: `{key}` is not a string");
    }
    assert!(json["without"].is_array(), "{ctx}: `without`");
    for key in ["parties", "handoffs", "gaps", "warnings", "accepted"] {
        assert!(json["summary"][key].is_u64(), "{ctx}: `summary.{key}`");
    }
    let findings = json["findings"].as_array().expect("findings array");
    for f in findings {
        for key in ["severity", "kind", "control", "message"] {
            assert!(f[key].is_string(), "{ctx}: finding `{key}`: {f}");
        }
        for key in ["consumer", "provider", "service", "party", "side"] {
            assert!(
                f[key].is_string() || f[key].is_null(),
                "{ctx}: finding `{key}`: {f}"
            );
        }
        assert!(f["root_causes"].is_array(), "{ctx}: `root_causes`: {f}");
        assert!(f["circular"].is_boolean(), "{ctx}: `circular`: {f}");
        assert!(f["accepted"].is_boolean(), "{ctx}: `accepted`: {f}");
    }
    for n in json["notes"].as_array().expect("notes array") {
        match n["kind"].as_str() {
            Some("cycle") => assert!(n["parties"].is_array(), "{ctx}: {n}"),
            Some("layer-inversion") => {
                assert!(
                    n["consumer"].is_string() && n["provider"].is_string(),
                    "{n}"
                );
                assert!(n["service"].is_string() || n["service"].is_null(), "{n}");
            }
            Some(_) => {}
            None => panic!("{ctx}: a note without a kind: {n}"),
        }
    }
}

#[test]
fn every_sample_stack_reports_in_every_format() {
    let stacks = sample_stacks();
    assert!(stacks.len() >= 4, "only {} sample stacks", stacks.len());
    for file in &stacks {
        let path = file.display().to_string();
        let json_out = run(&["check", &path, "--format", "json", "--as-of", AS_OF]);
        let code = json_out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{path}: exit {code:?}: {}",
            String::from_utf8_lossy(&json_out.stderr)
        );
        let json: Value = serde_json::from_slice(&json_out.stdout).expect("JSON parses");
        assert_spec_fields(&json, file);
        let bytes = std::fs::read(file).expect("read sample");
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(json["input_sha256"], sha.as_str(), "{path}: input_sha256");
        assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(json["as_of"], AS_OF);

        for format in ["text", "markdown"] {
            let out = run(&["check", &path, "--format", format, "--as-of", AS_OF]);
            assert_eq!(
                out.status.code(),
                code,
                "{path} --format {format}: exit code"
            );
            let shown = text(&out.stdout);
            // Every finding shows up: its control and its kind.
            for f in json["findings"].as_array().expect("findings") {
                for key in ["control", "kind"] {
                    let word = f[key].as_str().expect("string");
                    assert!(
                        shown.contains(word),
                        "{path} --format {format} does not show {key} {word}"
                    );
                }
            }
        }
    }
}

#[test]
fn json_is_byte_identical_across_runs() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let demo = demo.display().to_string();
    let args = [
        "check",
        &demo,
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--blast-radius",
        "--without",
        "keystoneid",
    ];
    let first = run(&args);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    for _ in 0..2 {
        assert_eq!(run(&args).stdout, first.stdout);
    }
}

#[test]
fn standard_input_report_matches_the_file_report() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let from_file = run(&[
        "check",
        &demo.display().to_string(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    let from_stdin = stackgap(&["check", "-", "--format", "json", "--as-of", AS_OF])
        .stdin(std::fs::File::open(&demo).expect("open demo"))
        .output()
        .expect("runs");
    assert_eq!(from_stdin.status.code(), from_file.status.code());
    let a: Value = serde_json::from_slice(&from_file.stdout).expect("json");
    let b: Value = serde_json::from_slice(&from_stdin.stdout).expect("json");
    assert_eq!(a["findings"], b["findings"]);
    assert_eq!(
        a["input_sha256"], b["input_sha256"],
        "same bytes, same hash"
    );
}

#[test]
fn a_file_named_like_a_subcommand_opens_with_a_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_stack(dir.path(), "check", GAP_AND_WARNING);
    for file in ["./check", "check"] {
        let out = stackgap(&["check", file, "--format", "json", "--as-of", AS_OF])
            .current_dir(dir.path())
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "check {file}: {}",
            text(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(json["stack"], "exit codes");
    }
    // The explorer's `./check` is the file too: it loads (and its --without is checked against
    // the file's parties) rather than being taken for the subcommand.
    let out = stackgap(&["./check", "--without", "saaz"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("did you mean `saas`?"), "{stderr}");
}
