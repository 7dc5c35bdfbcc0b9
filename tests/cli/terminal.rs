//! Terminals and pipes: no escape sequences when piped, colour on a terminal unless NO_COLOR,
//! a reader that stops early is no error, and an output that cannot be written is.

use super::*;

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
        // What clap writes for us: help and the version.
        vec!["help"],
        vec!["help", "check"],
        vec!["--help"],
        vec!["-h"],
        vec!["check", "--help"],
        vec!["--version"],
        vec!["-V"],
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

/// Help and the version read by nobody (`stackgap --help | true`): the pipe is closed before
/// they are written, which is no error.
#[test]
fn help_and_version_into_a_closed_pipe_are_quiet() {
    for args in [vec!["--help"], vec!["help", "export"], vec!["--version"]] {
        let mut child = stackgap(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("stackgap runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("stackgap ends");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }
}

/// `export -o` to a place that cannot take the file says, for an export, what could not be
/// written, where, and that nothing changed — not the explorer's "edits are still open".
#[test]
fn an_export_that_cannot_be_written_says_what_where_and_that_nothing_changed() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let demo = demo.display().to_string();
    let before = std::fs::read(&demo).expect("demo stack");
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-folder/review.xlsx");
    let missing = missing.display().to_string();
    let mut cases = vec![("xlsx", missing.as_str(), "xlsx workbook")];
    if Path::new("/dev/full").exists() {
        cases.extend([
            ("markdown", "/dev/full", "Markdown report"),
            ("html", "/dev/full", "HTML page"),
            ("sarif", "/dev/full", "SARIF log"),
        ]);
    }
    for (format, to, what) in cases {
        let out = run(&["export", &demo, "--format", format, "-o", to]);
        assert_eq!(out.status.code(), Some(2), "{format} to {to}");
        assert!(out.stdout.is_empty(), "{format} to {to}");
        let stderr = text(&out.stderr);
        let want = format!("stackgap: error: cannot write the {what} to {to}: ");
        assert!(stderr.starts_with(&want), "{want:?} in {stderr}");
        assert!(
            stderr.contains(&format!(
                "; nothing was written, and neither {to} nor the stack file was changed"
            )),
            "{stderr}"
        );
        for explorer in ["edits", "save again", "cannot save"] {
            assert!(!stderr.contains(explorer), "{explorer:?} in {stderr}");
        }
    }
    assert!(!Path::new(&missing).exists());
    assert_eq!(std::fs::read(&demo).expect("demo stack"), before);
}
