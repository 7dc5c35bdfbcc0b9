//! Names from a hostile stack file (terminal controls, a right-to-left override) never reach
//! the terminal raw: not in any report format, not in error messages.

use super::*;

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
