//! SPEC §1 validation, one test per error, through the real binary: a stack that breaks a rule
//! loads nothing (exit 2, empty standard output) and the reason names FILE:LINE:COLUMN, with a
//! "did you mean" for a misspelt reference. Lines and columns below are counted by hand (both
//! 1-based, columns in characters; a string value is located at its opening quote). Where the
//! stack comes from (file, directory, bytes, standard input) is in `validation/sources.rs`, the
//! evidence documents of SPEC §7 in `validation/evidence.rs`.

#[path = "validation/evidence.rs"]
mod evidence;
#[path = "validation/sources.rs"]
mod sources;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use std::io::Write as _;

fn stackgap(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackgap"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd
}

fn check_path(path: &Path) -> Output {
    stackgap(&[
        "check",
        &path.display().to_string(),
        "--as-of",
        "2026-11-28",
    ])
    .stdin(Stdio::null())
    .output()
    .expect("stackgap runs")
}

/// Runs `check` on the text written to a file, and returns the file's path and the output.
fn check_text(text: &str) -> (String, Output) {
    let dir = tempfile::tempdir().expect("temp dir");
    check_text_in(dir.path(), text)
}

fn check_text_in(dir: &Path, text: &str) -> (String, Output) {
    let path = dir.join("stack.toml");
    std::fs::write(&path, text).expect("write stack");
    let out = check_path(&path);
    (path.display().to_string(), out)
}

/// Asserts a load error: exit 2, nothing on stdout, `FILE:LINE:COLUMN` and every `needle` on
/// stderr. Returns stderr for further checks.
#[track_caller]
fn load_error(text: &str, line: u32, column: u32, needles: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    load_error_at(dir.path(), text, line, column, needles)
}

#[track_caller]
fn load_error_at(dir: &Path, text: &str, line: u32, column: u32, needles: &[&str]) -> String {
    let (path, out) = check_text_in(dir, text);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit code; stderr:\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout must stay empty on a load error, got:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let at = format!("{path}:{line}:{column}:");
    assert!(stderr.contains(&at), "expected {at} in stderr:\n{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "expected {needle:?} in stderr:\n{stderr}"
        );
    }
    stderr
}

#[test]
fn toml_syntax_error() {
    load_error(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[party]]\nid \"a\"\n",
        5,
        4,
        &[],
    );
}

#[test]
fn unknown_key_at_top_level() {
    load_error(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n\n[[partie]]\nid = \"a\"\n",
        5,
        3,
        &["partie", "did you mean `party`?"],
    );
}

#[test]
fn unknown_key_in_stack_table() {
    load_error(
        "[stack]\nname = \"x\"\ndescripton = \"why\"\n",
        3,
        1,
        &["descripton", "did you mean `description`?"],
    );
}

#[test]
fn unknown_key_in_party() {
    load_error(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"X\"\n\
         [[party]]\nid = \"a\"\nimplement = [\"X\"]\n",
        9,
        1,
        &["implement", "did you mean `implements`?"],
    );
}

#[test]
fn unknown_key_in_entry() {
    load_error(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"X\"\n\
         [[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n\
         controls = { X = { agreed = \"provider\", evidense = \"attested\" } }\n",
        14,
        41,
        &["evidense", "did you mean `evidence`?"],
    );
}

#[test]
fn missing_stack_name() {
    load_error("[stack]\ncatalog = \"none\"\n", 1, 1, &["`name`"]);
}

#[test]
fn missing_party_id() {
    load_error(
        "[stack]\nname = \"x\"\n\n[[party]]\nname = \"Acme\"\n",
        4,
        1,
        &["`id`"],
    );
}

#[test]
fn missing_handoff_provider() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n[[handoff]]\nconsumer = \"a\"\n",
        5,
        1,
        &["`provider`"],
    );
}

#[test]
fn missing_accept_reason() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n\n[[accept]]\ncontrol = \"BACKUP\"\n\
         kind = \"unassigned\"\nparty = \"a\"\n",
        6,
        1,
        &["`reason`"],
    );
}

#[test]
fn duplicate_party_id() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"acme\"\n[[party]]\nid = \"acme\"\n",
        6,
        6,
        &["duplicate", "acme"],
    );
}

#[test]
fn duplicate_layer_id() {
    load_error(
        "[stack]\nname = \"x\"\n[[layer]]\nid = \"saas\"\n[[layer]]\nid = \"iaas\"\n[[layer]]\n  id = \"saas\"\n",
        8,
        8,
        &["duplicate", "saas"],
    );
}

#[test]
fn duplicate_control_id() {
    load_error(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"EU\"\nname = \"a\"\n\
         [[control]]\nid = \"EU\"\nname = \"b\"\n",
        8,
        6,
        &["duplicate", "EU"],
    );
}

#[test]
fn control_that_is_already_built_in() {
    load_error(
        "[stack]\nname = \"x\"\n[[control]]\nid = \"BACKUP\"\nname = \"Our backups\"\n",
        4,
        6,
        &["BACKUP", "built-in"],
    );
}

#[test]
fn unknown_party_suggests_the_closest() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"acme\"\n[[party]]\nid = \"cloudstore\"\n\
         [[party]]\nid = \"cloudsec\"\n[[handoff]]\nconsumer = \"acme\"\nprovider = \"cloudstor\"\n",
        11,
        12,
        &["cloudstor", "did you mean `cloudstore`?"],
    );
}

#[test]
fn unknown_layer_suggests_the_closest() {
    load_error(
        "[stack]\nname = \"x\"\n[[layer]]\nid = \"saas\"\n[[layer]]\nid = \"iaas\"\n\
         [[party]]\nid = \"a\"\nlayer = \"sass\"\n",
        9,
        9,
        &["sass", "did you mean `saas`?"],
    );
}

#[test]
fn unknown_control_suggests_the_closest() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nrequires = [\"IAM-MFA\", \"BACKUPS\"]\n",
        5,
        24,
        &["BACKUPS", "did you mean `BACKUP`?"],
    );
}

#[test]
fn unknown_control_as_a_handoff_key() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\n\
         consumer = \"a\"\nprovider = \"b\"\n[handoff.controls]\nENC-REST = \"provider\"\n\
         BACKUPS = \"consumer\"\n",
        12,
        1,
        &["BACKUPS", "did you mean `BACKUP`?"],
    );
}

#[test]
fn unquoted_enhancement_id_as_a_handoff_key_says_to_quote_it() {
    // `ac-2.1` unquoted is the table `ac-2` holding `1`: located at the key, not at `1`, and
    // not "remove the key".
    let text = "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"ac-2.1\"\n\
                name = \"Automated account management\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\nconsumer = \"a\"\n\
                provider = \"b\"\n[handoff.controls]\nac-2.1 = { agreed = \"provider\" }\n";
    let stderr = load_error(
        text,
        15,
        1,
        &[
            "`ac-2.1` without quotes is a dotted key",
            "a table `ac-2` holding the key `1`",
            "write the id in quotes: \"ac-2.1\" = …",
        ],
    );
    assert!(!stderr.contains("remove the key"), "{stderr}");
    // The same without a declared control: an id with a numbered part is still one id, and an
    // inline table locates it just as well.
    load_error(
        &text
            .replace(
                "[[control]]\nid = \"ac-2.1\"\nname = \"Automated account management\"\n",
                "",
            )
            .replace(
                "[handoff.controls]\nac-2.1 = { agreed = \"provider\" }",
                "controls = { IAM-MFA = \"provider\", ac-2.1 = \"provider\" }",
            ),
        11,
        36,
        &["write the id in quotes: \"ac-2.1\" = …"],
    );
    // A control the file declares, with a dot but no number.
    load_error(
        &text.replace("ac-2.1", "pci.dss"),
        15,
        1,
        &["write the id in quotes: \"pci.dss\" = …"],
    );
}

/// The stack every enumeration test edits: one hand-off `a → b` listing X.
fn with_entry(entry: &str) -> String {
    format!(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"X\"\n\
         [[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\nconsumer = \"a\"\n\
         provider = \"b\"\n[handoff.controls]\n{entry}\n"
    )
}

#[test]
fn owner_outside_the_enumeration() {
    // Line 15 is the entry; shorthand, `agreed` and `assumed` are all owners.
    load_error(
        &with_entry("X = \"providr\""),
        15,
        5,
        &["providr", "provider"],
    );
    load_error(
        &with_entry("X = { agreed = \"both\" }"),
        15,
        16,
        &["both", "shared"],
    );
    load_error(
        &with_entry("X = { agreed = \"consumer\", assumed = \"nobody\" }"),
        15,
        38,
        &["nobody"],
    );
}

#[test]
fn evidence_outside_the_enumeration() {
    load_error(
        &with_entry("X = { agreed = \"provider\", evidence = \"audited\" }"),
        15,
        39,
        &["audited", "attested"],
    );
}

#[test]
fn min_evidence_outside_the_enumeration() {
    load_error(
        "[stack]\nname = \"x\"\nmin_evidence = \"high\"\n",
        3,
        16,
        &["high", "verified"],
    );
}

#[test]
fn catalog_outside_the_enumeration() {
    load_error(
        "[stack]\nname = \"x\"\ncatalog = \"nist\"\n",
        3,
        11,
        &["nist", "builtin"],
    );
}

#[test]
fn model_outside_the_enumeration() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\n\
         consumer = \"a\"\nprovider = \"b\"\nmodel = \"faas\"\n",
        10,
        9,
        &["faas", "paas"],
    );
}

#[test]
fn accept_kind_outside_the_enumeration() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nrequires = [\"BACKUP\"]\n[[accept]]\n\
         control = \"BACKUP\"\nkind = \"gap\"\nparty = \"a\"\nreason = \"r\"\n",
        8,
        8,
        &["gap", "unassigned"],
    );
}

#[test]
fn handoff_to_itself() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n[[handoff]]\nconsumer = \"a\"\nprovider = \"a\"\n",
        7,
        12,
        &["itself"],
    );
}

#[test]
fn duplicate_handoff() {
    let base = "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n\
                [[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\nservice = \"crm\"\n\
                [[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n";
    // Same pair, other service: fine. Same service again: an error at the second one.
    let (_, ok) = check_text(base);
    assert_ne!(
        ok.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    load_error(
        &format!("{base}[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\nservice = \"crm\"\n"),
        15,
        12,
        &["duplicate", "crm"],
    );
    load_error(
        &format!("{base}[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n"),
        15,
        12,
        &["duplicate"],
    );
}

#[test]
fn empty_id() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"\"\n",
        4,
        6,
        &["empty"],
    );
}

#[test]
fn id_with_whitespace() {
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"acme corp\"\n",
        4,
        6,
        &["whitespace"],
    );
}

#[test]
fn id_with_a_control_character() {
    // `\u0007` is a TOML escape: the id holds a real BEL, which stderr must show escaped.
    let stderr = load_error(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"EU\\u0007\"\nname = \"EU\"\n",
        5,
        6,
        &["control character"],
    );
    assert!(!stderr.contains('\u{7}'), "raw BEL in stderr: {stderr:?}");
}

#[test]
fn id_with_a_bidi_override() {
    let stderr = load_error(
        "[stack]\nname = \"x\"\n[[layer]]\nid = \"saas\\u202Eevil\"\n",
        4,
        6,
        &["invisible"],
    );
    assert!(!stderr.contains('\u{202E}'), "raw U+202E in stderr");
}

#[test]
fn id_with_a_zero_width_space() {
    // Written raw in the file: columns count characters, so the caret stays right after it.
    let stderr = load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"ac\u{200B}me\"\n[[party]]\nid = \"b\u{200B}\"\n",
        4,
        6,
        &["invisible"],
    );
    assert!(
        stderr.contains(":6:6:"),
        "second bad id reported too:\n{stderr}"
    );
    assert!(!stderr.contains('\u{200B}'), "raw U+200B in stderr");
}

#[test]
fn columns_count_characters_not_bytes() {
    // "§", "→" and "é" are multi-byte; the unknown provider is still at column 63.
    load_error(
        "handoff = [{ agreement = \"§7 → é\", consumer = \"a\", provider = \"bb\" }]\n\
         [stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n",
        1,
        63,
        &["bb"],
    );
}

#[test]
fn unknown_without_party_suggests_the_closest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("stack.toml");
    std::fs::write(
        &file,
        "[stack]\nname = \"x\"\n[[party]]\nid = \"cloudstore\"\n[[party]]\nid = \"acme\"\n",
    )
    .expect("write");
    let out = stackgap(&[
        "check",
        &file.display().to_string(),
        "--without",
        "cloudstor",
    ])
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("cloudstor"), "{stderr}");
    assert!(stderr.contains("did you mean `cloudstore`?"), "{stderr}");
}

#[test]
fn accept_naming_a_handoff_that_does_not_exist_loads_and_is_stale() {
    // SPEC §6: an accept without `service` matches only a hand-off without one. When only
    // `a → b (crm)` exists, the accept matches nothing: the file loads and the accept is a
    // `stale-accept` note, not an error.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    std::fs::write(
        &path,
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\n\
         consumer = \"a\"\nprovider = \"b\"\nservice = \"crm\"\n[[accept]]\ncontrol = \"BACKUP\"\n\
         kind = \"not-delivered\"\nconsumer = \"a\"\nprovider = \"b\"\nreason = \"r\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackgap"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["stale-accept"]);
}

#[test]
fn value_of_the_wrong_type() {
    load_error(&with_entry("X = 3"), 15, 5, &[]);
    load_error(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nrequires = \"BACKUP\"\n",
        5,
        12,
        &[],
    );
}

#[test]
fn expires_must_be_a_local_date() {
    load_error(
        &with_entry("X = { agreed = \"provider\", expires = 2027-03-31T10:00:00Z }"),
        15,
        38,
        &["local date"],
    );
}

/// A two-control NIST OSCAL catalog, as `catalog = "oscal:PATH"` reads it.
const OSCAL: &str = r#"{"catalog": {"uuid": "x", "metadata": {"title": "t"}, "groups": [
  {"id": "ac", "title": "Access Control", "controls": [
    {"id": "ac-2", "title": "Account Management"},
    {"id": "ac-3", "title": "Access Enforcement"}]}]}}"#;

#[test]
fn oscal_catalog_inside_the_stack_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("nist.json"), OSCAL).expect("write catalog");
    let path = dir.path().join("stack.toml");
    std::fs::write(
        &path,
        "[stack]\nname = \"x\"\ncatalog = \"oscal:nist.json\"\n[[party]]\nid = \"a\"\n\
         requires = [\"ac-2\"]\n",
    )
    .expect("write stack");
    let out = stackgap(&[
        "check",
        &path.display().to_string(),
        "--format",
        "json",
        "--as-of",
        "2026-11-28",
    ])
    .output()
    .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["findings"][0]["control"], "ac-2");

    // An OSCAL id written another way is suggested from the catalog (ac-22 would be another
    // control, not a typo: tests/cli.rs); built-in ids are not available.
    std::fs::write(
        &path,
        "[stack]\nname = \"x\"\ncatalog = \"oscal:nist.json\"\n[[party]]\nid = \"a\"\n\
         requires = [\"AC-2\", \"BACKUP\"]\n",
    )
    .expect("write stack");
    let out = check_path(&path);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":6:13:"), "{stderr}");
    assert!(stderr.contains("did you mean `ac-2`?"), "{stderr}");
    assert!(stderr.contains(":6:21:"), "BACKUP is unknown too: {stderr}");
}

#[test]
fn oscal_catalog_outside_the_stack_folder_is_refused() {
    let outer = tempfile::tempdir().expect("temp dir");
    std::fs::write(outer.path().join("nist.json"), OSCAL).expect("write catalog");
    let inner = outer.path().join("stacks");
    std::fs::create_dir(&inner).expect("mkdir");
    load_error_at(
        &inner,
        "[stack]\nname = \"x\"\ncatalog = \"oscal:../nist.json\"\n",
        3,
        11,
        &["outside"],
    );
}
