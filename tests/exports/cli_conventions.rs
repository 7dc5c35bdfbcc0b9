//! Command-line conventions: help with an example for every command (snapshotted), the version,
//! shell completions, and man pages (one per subcommand, all written with `--all`).

use super::*;

const SUBCOMMANDS: [&str; 7] = [
    "check",
    "export",
    "diff",
    "schema",
    "catalog",
    "completions",
    "man",
];

fn help(args: &[&str]) -> String {
    let out = stackgap(args).env("COLUMNS", "100").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    text(&out.stdout)
}

#[test]
fn every_command_has_help_with_an_example() {
    let root = help(&["--help"]);
    assert!(root.contains("\nExample"), "root --help has no example");
    for sub in SUBCOMMANDS {
        assert!(root.contains(sub), "root --help does not list {sub}");
        let text = help(&[sub, "--help"]);
        assert!(
            text.contains("\nExample"),
            "{sub} --help has no example:\n{text}"
        );
        assert!(text.contains(&format!("stackgap {sub}")), "{sub} example");
    }
    for (sub, words) in [
        ("check", &["Exit codes", "1", "2"][..]),
        ("export", &["Exit codes"][..]),
        ("diff", &["Exit codes"][..]),
    ] {
        let text = help(&[sub, "--help"]);
        for w in words {
            assert!(text.contains(w), "{sub} --help lacks {w:?}");
        }
    }
}

#[test]
fn version_completions_and_man_page() {
    assert_eq!(run_ok(&["--version"], 0), format!("stackgap {VERSION}\n"));
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef stackgap"),
        ("fish", "complete -c stackgap"),
    ] {
        let script = run_ok(&["completions", shell], 0);
        assert!(script.contains("stackgap"), "{shell}: names stackgap");
        assert!(script.contains(marker), "{shell}: {marker:?}");
        for sub in ["check", "export", "diff"] {
            assert!(script.contains(sub), "{shell}: completes {sub}");
        }
    }
    let man = run_ok(&["man"], 0);
    assert!(
        man.lines().any(|l| l.starts_with(".TH stackgap")),
        "roff with a .TH header"
    );
    assert!(man.contains(".SH"), "man page sections");
}

#[test]
fn help_text_snapshots() {
    insta::assert_snapshot!("help_root", help(&["--help"]));
    insta::assert_snapshot!("help_check", help(&["check", "--help"]));
    insta::assert_snapshot!("help_export", help(&["export", "--help"]));
    insta::assert_snapshot!("help_diff", help(&["diff", "--help"]));
}

// ---------------------------------------------------------------------------------------------
// issue 14: a man page per subcommand

#[test]
fn man_prints_each_subcommands_page_and_writes_them_all() {
    let check = run_ok(&["man", "check"], 0);
    assert!(check.contains(".TH stackgap-check 1"), "{check}");
    assert!(check.contains("\\-\\-uri\\-base"), "check's own options");
    let matrix = run_ok(&["man", "import", "matrix"], 0);
    assert!(matrix.contains(".TH stackgap-import-matrix 1"), "{matrix}");
    let out = run(&["man", "chekc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `check`?"));

    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("man1");
    let out = run(&["man", "--all", "-o", &folder.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut pages: Vec<String> = std::fs::read_dir(&folder)
        .expect("the folder is made")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "stackgap-catalog.1",
            "stackgap-check.1",
            "stackgap-completions.1",
            "stackgap-diff.1",
            "stackgap-export.1",
            "stackgap-import-matrix.1",
            "stackgap-import-oscal-ssp.1",
            "stackgap-import.1",
            "stackgap-man.1",
            "stackgap-schema.1",
            "stackgap.1",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("stackgap-check.1")).expect("page"),
        check,
        "the file is the page `man check` prints"
    );
}
