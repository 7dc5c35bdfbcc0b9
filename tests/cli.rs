//! The command line as a user meets it (SPEC §4): exit codes, the three report formats on every
//! sample stack, stable JSON, `./check`, `catalog`, `schema`, colour only on a terminal, and
//! names from a hostile stack file that never reach the terminal as raw control characters.

mod common;
use common::{run, sample_stacks, stackgap, text};

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

const AS_OF: &str = "2026-11-28";

fn write_stack(dir: &Path, name: &str, toml: &str) -> String {
    common::write(dir, name, toml)
}

/// A gap (shop → saas BK, not delivered) and a warning (shop → iaas ENC, only assumed).
const GAP_AND_WARNING: &str = r#"
[stack]
name = "exit codes"
catalog = "none"
[[control]]
id = "BK"
name = "Backups"
[[control]]
id = "ENC"
name = "Encryption"
[[party]]
id = "shop"
[[party]]
id = "saas"
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

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gap_and_warning = write_stack(dir.path(), "both.toml", GAP_AND_WARNING);
    // shop does BK itself: only the assumed ENC is left, a warning.
    let warning_only = write_stack(
        dir.path(),
        "warning.toml",
        &GAP_AND_WARNING
            .replace("BK = \"provider\"", "BK = \"consumer\"")
            .replace("id = \"shop\"", "id = \"shop\"\nimplements = [\"BK\"]"),
    );
    let clean = write_stack(
        dir.path(),
        "clean.toml",
        "[stack]\nname = \"clean\"\n[[party]]\nid = \"alone\"\n",
    );
    let cases: [(&str, &str, i32); 9] = [
        (&gap_and_warning, "gap", 1),
        (&gap_and_warning, "warning", 1),
        (&gap_and_warning, "never", 0),
        (&warning_only, "gap", 0),
        (&warning_only, "warning", 1),
        (&warning_only, "never", 0),
        (&clean, "gap", 0),
        (&clean, "warning", 0),
        (&clean, "never", 0),
    ];
    for (file, level, want) in cases {
        let out = run(&["check", file, "--fail-on", level, "--as-of", AS_OF]);
        assert_eq!(
            out.status.code(),
            Some(want),
            "{file} --fail-on {level}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.stdout.is_empty(),
            "a report is printed whatever the exit code"
        );
    }
    // The default is --fail-on gap.
    assert_eq!(run(&["check", &warning_only]).status.code(), Some(0));
    assert_eq!(run(&["check", &gap_and_warning]).status.code(), Some(1));
}

#[test]
fn wrong_arguments_exit_2_with_nothing_on_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_stack(dir.path(), "s.toml", GAP_AND_WARNING);
    let bad: [&[&str]; 6] = [
        &["check", &file, "--fail-on", "sometimes"],
        &["check", &file, "--format", "yaml"],
        &["check", &file, "--min-evidence", "high"],
        &["check", &file, "--as-of", "2027-02-30"],
        &["check", &file, "--without", "nobody"],
        &["check"],
    ];
    for args in bad {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        assert!(!out.stderr.is_empty(), "{args:?} says nothing on stderr");
    }
}

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

#[test]
fn catalog_lists_at_least_40_controls_in_10_families() {
    let json_out = run(&["catalog", "--format", "json"]);
    assert_eq!(json_out.status.code(), Some(0));
    let list: Vec<Value> = serde_json::from_slice(&json_out.stdout).expect("JSON array");
    assert!(list.len() >= 40, "only {} controls", list.len());
    let mut families: Vec<&str> = list
        .iter()
        .map(|c| c["family"].as_str().expect("family"))
        .collect();
    families.sort_unstable();
    families.dedup();
    assert!(families.len() >= 10, "only {} families", families.len());

    let text_out = run(&["catalog"]);
    assert_eq!(text_out.status.code(), Some(0));
    let shown = text(&text_out.stdout);
    for c in &list {
        for key in ["id", "name", "description"] {
            let s = c[key].as_str().expect("string");
            assert!(!s.is_empty(), "{c}: empty {key}");
            assert!(
                shown.contains(s),
                "the text catalog does not show {key} {s:?}"
            );
        }
        assert!(
            c["refs"].as_array().is_some_and(|r| !r.is_empty()),
            "{c}: no references"
        );
    }
    for family in families {
        assert!(
            shown.contains(family),
            "the text catalog does not show {family}"
        );
    }
}

#[test]
fn schema_is_json_describing_every_table() {
    let out = run(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(schema["$schema"].is_string(), "not a JSON Schema");
    let props = schema["properties"].as_object().expect("properties");
    let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accept", "control", "evidence", "handoff", "layer", "party", "stack"
        ]
    );
    let schema_text = text(&out.stdout);
    for word in [
        "provider", "consumer", "shared", "attested", "verified", "expires",
    ] {
        assert!(schema_text.contains(word), "schema does not mention {word}");
    }
}

fn has_esc(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

#[test]
fn piped_text_output_has_no_escape_sequences() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let demo = demo.display().to_string();
    for no_color in [None, Some("1")] {
        let mut cmd = stackgap(&["check", &demo, "--as-of", AS_OF]);
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().expect("runs");
        assert!(!out.stdout.is_empty());
        assert!(
            !has_esc(&out.stdout),
            "ESC in piped output (NO_COLOR={no_color:?})"
        );
    }
}

/// Runs `check` in a pseudo-terminal and returns what it printed.
fn check_on_a_terminal(file: &str, no_color: Option<&str>) -> Vec<u8> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_stackgap"));
    cmd.args(["check", file, "--as-of", AS_OF]);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
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
        .recv_timeout(Duration::from_secs(30))
        .expect("stackgap check finishes on a terminal");
    let status = child.wait().expect("child exits");
    assert!(!status.success(), "the demo has gaps: exit 1");
    drop(pair.master);
    out
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let demo = demo.display().to_string();
    let coloured = check_on_a_terminal(&demo, None);
    assert!(has_esc(&coloured), "no colour on a terminal");
    let plain = check_on_a_terminal(&demo, Some("1"));
    assert!(!plain.is_empty());
    assert!(!has_esc(&plain), "colour despite NO_COLOR=1");
}

/// Names full of terminal controls: ESC, BEL, an OSC 52 clipboard write, CSI as U+009B, and a
/// right-to-left override.
const HOSTILE: &str = r#"
[stack]
name = "evil\u001b]52;c;aGVsbG8=\u0007 stack"
description = "wipes \u001b[2J the screen \u009b31m \u202edesrever"
catalog = "none"
[[layer]]
id = "top"
name = "Top\u001b[31m"
[[control]]
id = "X"
name = "Backups\u0007\u009b1m"
family = "fam\u202e"
[[party]]
id = "a"
name = "Acme\u001b]0;title\u0007"
layer = "top"
notes = "n\u001b[1m"
requires = ["X", "Y"]
[[control]]
id = "Y"
name = "Logs\u202e"
[[party]]
id = "b"
name = "Bee\u202eevil"
[[handoff]]
consumer = "a"
provider = "b"
service = "crm\u001b[2K\u009b2J\u202e"
agreement = "MSA\u009b2J"
controls = { X = "provider" }
"#;

/// Whether a character must never reach a terminal raw.
fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[track_caller]
fn assert_harmless(bytes: &[u8], what: &str) {
    let s = String::from_utf8_lossy(bytes);
    if let Some(c) = s.chars().find(|&c| dangerous(c)) {
        panic!("{what} contains raw {:?}:\n{}", c, s.escape_debug());
    }
}

#[test]
fn hostile_names_are_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_stack(dir.path(), "hostile.toml", HOSTILE);
    for format in ["text", "markdown", "json", "sarif"] {
        let out = run(&["check", &file, "--format", format, "--as-of", AS_OF]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert_harmless(&out.stdout, &format!("--format {format}"));
        let shown = text(&out.stdout);
        if format == "json" {
            // JSON keeps the data exact: the escapes decode back to the original names.
            let json: Value = serde_json::from_str(&shown).expect("json");
            assert_eq!(json["stack"], "evil\u{1b}]52;c;aGVsbG8=\u{7} stack");
            assert_eq!(
                json["findings"][0]["service"],
                "crm\u{1b}[2K\u{9b}2J\u{202e}"
            );
        } else {
            // The names are shown, with their controls made visible rather than dropped.
            assert!(shown.contains("evil"), "--format {format} lost the name");
            assert!(
                shown.contains("52;c;aGVsbG8=") && shown.contains("\\u"),
                "--format {format}: the escape is not made visible"
            );
        }
    }
    // A diff from an empty stack lists every finding of the hostile one as added.
    let empty = write_stack(
        dir.path(),
        "empty.toml",
        "[stack]\nname = \"empty\"\ncatalog = \"none\"\n",
    );
    let out = run(&["diff", &empty, &file, "--format", "json", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_harmless(&out.stdout, "diff --format json");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let services: Vec<&Value> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| &c["service"])
        .filter(|s| !s.is_null())
        .collect();
    assert_eq!(services, ["crm\u{1b}[2K\u{9b}2J\u{202e}"], "{json}");
}

#[test]
fn hostile_names_are_escaped_in_error_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    // An unknown party whose id is an OSC 52 clipboard write.
    let bad_ref = HOSTILE.replace(
        "provider = \"b\"",
        "provider = \"b\\u001b]52;c;aGk=\\u0007\"",
    );
    let file = write_stack(dir.path(), "bad-ref.toml", &bad_ref);
    let out = run(&["check", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_harmless(&out.stderr, "unknown-party error");
    assert!(
        text(&out.stderr).contains("bad-ref.toml:"),
        "{}",
        text(&out.stderr)
    );

    // A control id with a bidi override.
    let bad_id = HOSTILE.replace("id = \"Y\"", "id = \"Y\\u202eZ\"");
    let file = write_stack(dir.path(), "bad-id.toml", &bad_id);
    let out = run(&["check", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert_harmless(&out.stderr, "invalid-id error");

    // A --without argument and a file name carrying escape sequences.
    let good = write_stack(dir.path(), "good.toml", HOSTILE);
    let out = run(&["check", &good, "--without", "a\u{1b}[2J\u{9b}1m"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_harmless(&out.stderr, "--without error");
    let missing = dir.path().join("no\u{1b}]0;title\u{7}such.toml");
    let out = run(&["check", &missing.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert_harmless(&out.stderr, "missing-file error");
}

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

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // A report far bigger than the output buffer, read only in part (`| head`).
    let mut toml = String::from("[stack]\nname = \"big\"\ncatalog = \"none\"\n");
    for c in 0..20 {
        toml.push_str(&format!(
            "[[control]]\nid = \"C{c}\"\nname = \"control {c}\"\n"
        ));
    }
    toml.push_str("[[party]]\nid = \"provider\"\n");
    for p in 0..300 {
        toml.push_str(&format!(
            "[[party]]\nid = \"consumer-{p}\"\n[[handoff]]\nconsumer = \"consumer-{p}\"\nprovider = \"provider\"\ncontrols = {{ {} }}\n",
            (0..20).map(|c| format!("C{c} = \"provider\"")).collect::<Vec<_>>().join(", ")
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_stack(dir.path(), "big.toml", &toml);
    for format in ["json", "text", "markdown"] {
        let mut child = stackgap(&["check", &file, "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("stackgap runs");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 100];
        stdout.read_exact(&mut first).expect("the report starts");
        drop(stdout);
        let out = child.wait_with_output().expect("stackgap ends");
        assert_eq!(out.status.code(), Some(1), "--format {format}");
        assert!(
            out.stderr.is_empty(),
            "--format {format}: {}",
            text(&out.stderr)
        );
    }
}

/// Every command that writes to standard output says why and exits 2 when the output cannot be
/// written (a full disk), and stays quiet when the reader stops early — never a panic (101):
/// every subcommand, and every format of those that have several.
#[test]
fn an_output_that_cannot_be_written_is_an_error_and_a_closed_pipe_is_not() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let demo = demo.display().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let matrix = write_stack(
        dir.path(),
        "matrix.csv",
        "Control,Owner,Answer\nBACKUP,Provider,Yes\nIAM-MFA,Customer,Yes\n",
    );
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["schema"],
        vec!["catalog"],
        vec!["catalog", "--format", "json"],
        vec!["catalog", &demo],
        vec!["catalog", &demo, "--format", "json"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["man", "check"],
        vec!["diff", &demo, &demo],
        vec!["diff", &demo, &demo, "--format", "json"],
        vec!["diff", &demo, &demo, "--format", "markdown"],
        vec![
            "import",
            "matrix",
            &matrix,
            "--consumer",
            "acme",
            "--provider",
            "crmly",
            "--id-col",
            "Control",
            "--owner-col",
            "Owner",
            "--answer-col",
            "Answer",
            "--owner-map",
            "Customer=consumer,Provider=provider",
        ],
    ];
    for format in ["text", "json", "markdown", "sarif"] {
        commands.push(vec![
            "check",
            &demo,
            "--format",
            format,
            "--fail-on",
            "never",
        ]);
    }
    for format in [
        "markdown", "json", "dot", "mermaid", "html", "sarif", "csv", "xlsx",
    ] {
        commands.push(vec!["export", &demo, "--format", format]);
    }
    let full = Path::new("/dev/full");
    for args in &commands {
        if full.exists() {
            let out = stackgap(args)
                .stdout(std::fs::File::create(full).expect("/dev/full opens"))
                .output()
                .expect("stackgap runs");
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let stderr = text(&out.stderr);
            assert!(
                stderr.starts_with("stackgap: error: cannot write to standard output"),
                "{args:?}: {stderr}"
            );
        }
        let mut child = stackgap(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("stackgap runs");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 10];
        stdout.read_exact(&mut first).expect("the output starts");
        drop(stdout);
        let out = child.wait_with_output().expect("stackgap ends");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }
}

/// A NIST OSCAL catalog with an enhancement (`ac-2.1`) and two families.
const OSCAL: &str = r#"{"catalog": {"uuid": "x", "metadata": {"title": "t"}, "groups": [
  {"id": "ac", "title": "Access Control", "controls": [
    {"id": "ac-2", "title": "Account Management", "controls": [
      {"id": "ac-2.1", "title": "Automated System Account Management"}]},
    {"id": "ac-3", "title": "Access Enforcement"}]},
  {"id": "pe", "title": "Physical and Environmental Protection", "controls": [
    {"id": "pe-2", "title": "Physical Access Authorizations"}]}]}}"#;

#[test]
fn catalog_of_a_stack_lists_its_catalog_and_its_own_controls() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_stack(dir.path(), "nist.json", OSCAL);
    let oscal = write_stack(
        dir.path(),
        "oscal.toml",
        "[stack]\nname = \"gov\"\ncatalog = \"oscal:nist.json\"\n\
         [[control]]\nid = \"GOV-EU\"\nname = \"Data stays in the EU\"\nfamily = \"Sovereignty\"\n\
         [[control]]\nid = \"GOV-X\"\nname = \"Unfiled\"\n",
    );
    let out = run(&["catalog", &oscal]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for line in [
        "Access Control\n  ac-2              Account Management\n",
        "  ac-2.1            Automated System Account Management\n",
        "Physical and Environmental Protection\n  pe-2 ",
        "Sovereignty\n  GOV-EU            Data stays in the EU\n",
        "Other\n  GOV-X             Unfiled\n",
        "the OSCAL catalog nist.json",
        "6 controls in 4 families: 0 built-in, 6 from the stack's catalog file or its [[control]] tables\n",
    ] {
        assert!(shown.contains(line), "{line:?} in\n{shown}");
    }
    let list: Vec<Value> =
        serde_json::from_slice(&run(&["catalog", &oscal, "--format", "json"]).stdout)
            .expect("JSON array");
    let ids: Vec<&str> = list.iter().map(|c| c["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["ac-2", "ac-2.1", "ac-3", "pe-2", "GOV-EU", "GOV-X"]);
    assert_eq!(list[0]["family"], "Access Control");
    assert_eq!(list[0]["builtin"], false);
    assert_eq!(list[0]["template"], Value::Null);

    // A stack on the built-in catalog: every built-in control, then its own.
    let builtin: Vec<Value> =
        serde_json::from_slice(&run(&["catalog", "--format", "json"]).stdout).expect("JSON");
    let own = write_stack(
        dir.path(),
        "own.toml",
        "[stack]\nname = \"own\"\n[[control]]\nid = \"ACME-EU-ONLY\"\nname = \"EU only\"\n",
    );
    let list: Vec<Value> =
        serde_json::from_slice(&run(&["catalog", &own, "--format", "json"]).stdout)
            .expect("JSON array");
    assert_eq!(list.len(), builtin.len() + 1);
    assert_eq!(
        &list[..builtin.len()],
        &builtin[..],
        "the built-in ones as `catalog` lists them"
    );
    assert_eq!(list[builtin.len()]["id"], "ACME-EU-ONLY");
    assert!(
        list[0]["template"].is_object(),
        "built-in controls keep their template"
    );

    // A stack that does not load: exit 2, nothing listed.
    let bad = write_stack(
        dir.path(),
        "bad.toml",
        "[stack]\nname = \"x\"\ncatalog = \"oscal:nope.json\"\n",
    );
    let out = run(&["catalog", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("nope.json"));
}

#[test]
fn an_unknown_oscal_control_names_the_catalog_and_suggests_only_the_same_control() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_stack(dir.path(), "nist.json", OSCAL);
    for (wanted, help) in [
        // The same control written another way.
        ("AC-2", Some("ac-2")),
        ("ac-02", Some("ac-2")),
        ("ac-2(1)", Some("ac-2.1")),
        ("AC-2 (1)", Some("ac-2.1")),
        // One slip, the same numbers.
        ("ac_2", Some("ac-2")),
        ("pe-2.", Some("pe-2")),
        // Other controls, never typos: another number, another family.
        ("ac-22", None),
        ("ac-21", None),
        ("pe-9", None),
        ("xx-2", None),
        ("ca-2", None),
    ] {
        let stack = write_stack(
            dir.path(),
            "stack.toml",
            &format!(
                "[stack]\nname = \"x\"\ncatalog = \"oscal:nist.json\"\n[[party]]\nid = \"a\"\nrequires = [{}]\n",
                toml::Value::String(wanted.into())
            ),
        );
        let out = run(&["check", &stack]);
        assert_eq!(out.status.code(), Some(2), "{wanted}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "unknown control `{wanted}`: not in the OSCAL catalog \"nist.json\" nor a [[control]] of the stack"
            )),
            "{wanted}: {stderr}"
        );
        match help {
            Some(id) => assert!(
                stderr.contains(&format!("help: did you mean `{id}`?")),
                "{wanted}: {stderr}"
            ),
            None => {
                assert!(!stderr.contains("did you mean"), "{wanted}: {stderr}");
                assert!(
                    stderr.contains(
                        "help: check the id in nist.json, or declare it as a [[control]] first"
                    ),
                    "{wanted}: {stderr}"
                );
            }
        }
    }
    // Without an OSCAL catalog, an unknown control reads as before.
    let stack = write_stack(
        dir.path(),
        "builtin.toml",
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nrequires = [\"BACKUPS\"]\n",
    );
    let stderr = text(&run(&["check", &stack]).stderr);
    assert!(stderr.contains("unknown control `BACKUPS`\n"), "{stderr}");
}
