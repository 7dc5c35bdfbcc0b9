//! Helpers shared by the integration tests that run the real binary.
// Each test crate uses its own subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The real binary with the given arguments; NO_COLOR removed so tests see the default.
pub fn stackgap(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackgap"));
    cmd.args(args).env_remove("NO_COLOR");
    cmd
}

/// Runs the binary to the end.
pub fn run(args: &[&str]) -> Output {
    stackgap(args).output().expect("stackgap runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// Asserts the exit code, showing both outputs when it is not the one expected.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Writes a file into a test folder and returns its path as a string.
pub fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write file");
    path.display().to_string()
}

/// Every stack in sample-stacks/, sorted (there are at least four).
pub fn sample_stacks() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks");
    let mut stacks: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("sample-stacks exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    stacks.sort();
    assert!(stacks.len() >= 4, "only {} sample stacks", stacks.len());
    stacks
}

/// Skips a test that needs a tool this machine lacks (`tmux`, say), saying so. Under CI
/// (`CI` set, as every CI service sets it, and not `false` or `0`), where the tool is installed
/// on purpose, it fails instead: a set-up that lost the tool must not pass without running.
pub fn missing_tool(tool: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    assert!(
        !ci,
        "{tool} is not installed, and CI is set: install it there, or these tests pass without running"
    );
    println!("skipped: {tool} is not installed (CI installs it)");
}

/// Every field of an evidence document but its id, controls and parties by id: two documents
/// read from different files describe alike when they say the same.
pub fn describe_document(stack: &stackgap::stack::Stack, d: &stackgap::stack::Document) -> String {
    let covers: Option<Vec<&str>> = d
        .covers
        .as_ref()
        .map(|c| c.iter().map(|&x| stack.control(x).id.as_str()).collect());
    format!(
        "{} {:?} {:?} {:?} {:?} {:?} {covers:?} {:?}",
        d.level,
        d.title,
        d.issuer,
        d.party.map(|p| stack.party(p).id.clone()),
        d.issued,
        d.expires,
        d.reference
    )
}
