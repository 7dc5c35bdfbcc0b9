//! The command line as a user meets it (SPEC §4), one file per topic under `tests/cli/`: report
//! formats on every sample stack (`formats`), `catalog` and `schema` (`catalog`), colour and pipes
//! (`terminal`), names from a hostile stack file (`hostile`), and long findings in text
//! (`long_reports`). This file holds the shared stack and the exit-code tests.

#[path = "cli/catalog.rs"]
mod catalog;
mod common;
#[path = "cli/formats.rs"]
mod formats;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/long_reports.rs"]
mod long_reports;
#[path = "cli/terminal.rs"]
mod terminal;

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
