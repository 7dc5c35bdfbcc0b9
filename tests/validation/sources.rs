//! Where the stack comes from: a missing file, a directory, `/dev/zero`, bytes that are not
//! UTF-8 or hold a NUL, and standard input (`-`), each refused or loaded with a position.

use super::*;

#[test]
fn a_file_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing.toml");
    let out = check_path(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.toml"), "{stderr}");
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn a_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = check_path(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("directory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dev_zero_is_refused_without_reading_forever() {
    let out = check_path(Path::new("/dev/zero"));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("/dev/zero"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn invalid_utf8() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[stack]\nname = \"caf\xe9\"\n").expect("write");
    let out = check_path(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains(&format!("{}:2:12:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("UTF-8"), "{stderr}");
}

#[test]
fn nul_byte() {
    let (path, out) = check_text("[stack]\nname = \"x\"\n# a\0b\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains(&format!("{path}:3:4:")), "{stderr}");
    assert!(stderr.contains("NUL"), "{stderr}");
}

fn check_stdin(text: &str, extra: &[&str]) -> Output {
    let mut args = vec!["check", "-", "--as-of", "2026-11-28"];
    args.extend_from_slice(extra);
    let mut child = stackgap(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("stackgap runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("stackgap exits")
}

#[test]
fn standard_input_loads_and_reports_errors_with_positions() {
    let good = "[stack]\nname = \"piped\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"X\"\n\
                [[party]]\nid = \"a\"\nrequires = [\"X\"]\n";
    let out = check_stdin(good, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "one unassigned requirement");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(json["stack"], "piped");
    assert_eq!(json["findings"][0]["party"], "a");

    let out = check_stdin(
        "[stack]\nname = \"x\"\n[[party]]\nid = \"a\"\nlayer = 3\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":5:9:"), "{stderr}");
}
