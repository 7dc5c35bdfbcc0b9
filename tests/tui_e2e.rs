//! The real `stackgap` binary in a real terminal (tmux): open a copy of a sample stack, edit one
//! control, save, quit, and check what a reviewer would check — the file changed in that entry
//! only, comments survived, it re-analyses to what the screen showed, and the exit code; and
//! the fix-first view (`F`) leading to the party, where the change closes what it promised.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;

const AS_OF: &str = "2026-11-28";

/// A tmux server of our own, killed when the test ends (also when it fails).
struct Tmux {
    socket: String,
    /// The socket file, removed at the end: tmux leaves it behind when its server exits.
    socket_path: String,
}

impl Tmux {
    /// Starts `command` in a detached 120×40 session; `None` when tmux is not installed (the
    /// test then skips, or fails under CI: `common::missing_tool`).
    fn start(command: &str, dir: &Path) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            return None;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut tmux = Tmux {
            socket: format!("stackgap-e2e-{}-{nanos}", std::process::id()),
            socket_path: String::new(),
        };
        let dir = dir.to_str().expect("a UTF-8 temporary path");
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "120",
            "-y",
            "40",
            "-c",
            dir,
            command,
        ]);
        tmux.socket_path = tmux
            .run(&["display-message", "-p", "-t", "e2e", "#{socket_path}"])
            .trim()
            .to_string();
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Polls the screen until `want` appears (rather than sleeping a guessed time).
    fn wait_for(&self, want: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(want) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for {want:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
        if !self.socket_path.is_empty() {
            let _ = std::fs::remove_file(&self.socket_path);
        }
    }
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// A copy of a sample stack in a fresh folder.
fn sample(name: &str) -> (tempfile::TempDir, PathBuf, String) {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-stacks")
            .join(name),
    )
    .expect("the sample stack");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, &original).expect("writable temporary folder");
    (dir, path, original)
}

/// Starts the explorer on `path`; the shell writes its exit code next to it.
fn explore(dir: &Path, path: &Path) -> Option<(Tmux, PathBuf)> {
    let exit = dir.join("exit-code");
    let command = format!(
        "{} {} --as-of {AS_OF}; echo $? > {}",
        quote(Path::new(env!("CARGO_BIN_EXE_stackgap"))),
        quote(path),
        quote(&exit)
    );
    let tmux = Tmux::start(&command, dir)?;
    Some((tmux, exit))
}

fn exit_code(file: &Path) -> i32 {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(file)
            && let Ok(code) = text.trim().parse()
        {
            return code;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the explorer did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The number just before `word` on the status line (e.g. `✗ 7 gaps`).
fn count_before(screen: &str, word: &str) -> usize {
    let line = screen
        .lines()
        .find(|l| l.contains(word) && l.contains("warnings"))
        .unwrap_or_else(|| panic!("no status line in:\n{screen}"));
    let before = &line[..line.find(word).expect("the word")];
    before
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count before {word:?} in {line:?}"))
}

#[test]
fn edit_save_and_quit_change_only_that_entry() {
    let (dir, path, original) = sample("fintech-payments.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    tmux.wait_for("warnings");
    // The first hand-off is selected; Tab to its controls, cycle the agreed owner of the first
    // (a gap, listed first), and save.
    tmux.keys(&["Tab", "o"]);
    let screen = tmux.wait_for("1 unsaved edit");
    let gaps = count_before(&screen, " gaps");
    let warnings = count_before(&screen, " warnings");
    tmux.keys(&["w"]);
    tmux.wait_for("saved");
    tmux.keys(&["q"]);
    assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());

    let saved = std::fs::read_to_string(&path).expect("the saved file");
    let changed: Vec<(&str, &str)> = original
        .lines()
        .zip(saved.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(original.lines().count(), saved.lines().count());
    assert_eq!(changed.len(), 1, "{changed:#?}");
    let (before, after) = changed[0];
    assert!(
        after.contains("BCP-RESILIENCE = { agreed = \"consumer\""),
        "{after}"
    );
    assert_eq!(
        before.replace(
            "agreed = \"provider\", assumed",
            "agreed = \"consumer\", assumed"
        ),
        after,
        "only that value changed"
    );
    let comments = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .map(String::from)
            .collect()
    };
    assert_eq!(comments(&original), comments(&saved));
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["exit-code", "fintech-payments.toml"],
        "no temporary file left behind"
    );

    let stack = stackgap::stack::load_path(&path).expect("the saved file loads");
    let report = analyse(
        &stack,
        &WhatIf::new(&stack, Date::parse(AS_OF).expect("a date")),
    );
    assert_eq!(report.counts().gaps, gaps, "the screen showed {gaps} gaps");
    assert_eq!(report.counts().warnings, warnings);
}

#[test]
fn ctrl_c_asks_over_unsaved_edits_and_twice_quits_without_saving() {
    let (dir, path, original) = sample("fintech-payments.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    tmux.wait_for("warnings");
    // Idle, it writes nothing to the terminal.
    let written = dir.path().join("written");
    tmux.run(&[
        "pipe-pane",
        "-o",
        "-t",
        "e2e",
        &format!("cat >> {}", quote(&written)),
    ]);
    std::thread::sleep(Duration::from_millis(1500));
    tmux.run(&["pipe-pane", "-t", "e2e"]);
    let idle = std::fs::metadata(&written).map_or(0, |m| m.len());
    assert_eq!(idle, 0, "an idle explorer wrote {idle} bytes");
    // Narrower than 100 columns, the panes stack: the hand-off pane starts at the left edge.
    tmux.run(&["resize-window", "-t", "e2e", "-x", "80", "-y", "24"]);
    let screen = tmux.wait_for("\n╭ Hand-off");
    assert!(screen.lines().all(|l| l.chars().count() <= 80), "{screen}");
    tmux.keys(&["Tab", "a"]);
    tmux.wait_for("1 unsaved edit");
    tmux.keys(&["C-c"]);
    tmux.wait_for("Save before quitting?");
    tmux.keys(&["C-c"]);
    assert_eq!(exit_code(&exit), 0);
    assert_eq!(std::fs::read_to_string(&path).expect("the file"), original);
}

#[test]
fn y_reaches_the_clipboard_through_osc_52_and_b_ranks_parties() {
    let (dir, path, _) = sample("healthcare-records.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    // tmux keeps what an application copies through OSC 52 as a paste buffer only when asked.
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.wait_for("warnings");
    tmux.keys(&["Tab", "y"]);
    tmux.wait_for("copied");
    let start = Instant::now();
    let buffer = loop {
        let b = tmux.run(&["show-buffer"]);
        if !b.is_empty() || start.elapsed() > Duration::from_secs(10) {
            break b;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        buffer
            .starts_with("**gap** broken-chain BCP-DR (Disaster Recovery) at aldhelm → carevault"),
        "{buffer:?}"
    );

    // The ranking is computed after a frame that says so; keys typed meanwhile wait for it.
    // Second by blast radius (7, tied with carevault, then by id): ng-north.
    tmux.keys(&["b", "j", "Enter"]);
    let screen = tmux.wait_for("meridianhost → ng-north");
    assert!(screen.contains("Hand-off"), "back in the tree:\n{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.contains('▶') && l.contains("ng-north")),
        "{screen}"
    );
    tmux.keys(&["q"]);
    assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());
}

#[test]
fn f_lists_the_changes_to_fix_first_and_enter_makes_one_where_it_belongs() {
    let (dir, path, _) = sample("healthcare-records.toml");
    let stack = stackgap::stack::load_path(&path).expect("the sample loads");
    let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
    let report = analyse(&stack, &what_if);
    let fix = stackgap::analysis::fix_first(&stack, &what_if, &report);
    let first = fix.first().expect("the sample has gaps to fix");
    let (party, control) = (
        stack.party(first.party).id.as_str(),
        stack.control(first.control).id.as_str(),
    );
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    let screen = tmux.wait_for("warnings");
    let gaps = count_before(&screen, "gaps");

    // Computed after a frame that says so; Enter typed meanwhile waits for it.
    tmux.keys(&["F"]);
    let screen = tmux.wait_for(&format!("{party} implements {control}"));
    assert!(screen.contains("Fix first"), "{screen}");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Hand-off");
    assert!(
        screen.lines().any(|l| l.contains('▶') && l.contains(party)),
        "the party's row is selected:\n{screen}"
    );
    // The hand-off pane has the focus, on the control: `i` makes the change there (the party
    // is the provider of its first row).
    tmux.keys(&["i"]);
    let want = gaps - first.gaps_closed.min(gaps);
    let start = Instant::now();
    let screen = loop {
        let screen = tmux.screen();
        if screen.contains("warnings") && count_before(&screen, "gaps") == want {
            break screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{party} implementing {control} should leave {want} open gaps:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(screen.contains(control), "{screen}");
    tmux.keys(&["u", "q"]);
    assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());
}
