//! Writing a report with `-o`: nothing on standard output, exit code 0 despite gaps, the file
//! holding what standard output would, and never the stack file itself (by any path).

use super::*;

#[test]
fn export_to_a_file_prints_nothing_and_exits_0_despite_gaps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = sample("demo.toml");
    for format in ["markdown", "json", "dot", "mermaid", "html", "sarif"] {
        let shown = run_ok(&["export", &demo, "--format", format, "--as-of", AS_OF], 0);
        let out = dir.path().join(format!("review.{format}"));
        let out = out.display().to_string();
        let printed = run_ok(
            &[
                "export", &demo, "--format", format, "--as-of", AS_OF, "-o", &out,
            ],
            0,
        );
        assert_eq!(printed, "", "{format}: -o prints nothing");
        assert_eq!(
            std::fs::read_to_string(&out).expect("written"),
            shown,
            "{format}: the file holds what stdout would"
        );
    }
}

#[test]
fn export_never_overwrites_the_stack_it_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("sub")).expect("sub dir");
    write(dir.path(), "stack.toml", SMALL);
    #[cfg(unix)]
    std::os::unix::fs::symlink("stack.toml", dir.path().join("link.toml")).expect("symlink");
    let mut targets = vec!["stack.toml", "./sub/../stack.toml"];
    if cfg!(unix) {
        targets.push("link.toml");
    }
    for target in targets {
        let out = stackgap(&["export", "stack.toml", "--format", "html", "-o", target])
            .current_dir(dir.path())
            .output()
            .expect("stackgap runs");
        assert_eq!(out.status.code(), Some(2), "-o {target}");
        assert!(out.stdout.is_empty(), "-o {target}: stdout");
        assert!(
            text(&out.stderr).contains("stack file itself"),
            "-o {target}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("stack.toml")).expect("stack"),
            SMALL,
            "-o {target} changed the stack"
        );
    }
    #[cfg(unix)]
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.toml"))
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
}
