//! The real `stackgap` binary in a real terminal (tmux): open a copy of a sample stack, edit one
//! control, save, quit, and check what a reviewer would check — the file changed in that entry
//! only, comments survived, it re-analyses to what the screen showed, and the exit code.

mod common;
#[path = "tui_e2e/saving.rs"]
mod saving;
#[path = "tui_e2e/terminal.rs"]
mod terminal;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;

const AS_OF: &str = "2026-11-28";

/// The fintech sample's first entry after `Tab o` in the explorer: BCP-RESILIENCE's agreed
/// owner moved from provider to consumer.
const BCP_MINE: &str =
    r#"BCP-RESILIENCE = { agreed = "consumer", assumed = "provider", evidence = "attested" }"#;

/// The lines of `saved` that differ from `original` (same line count).
fn changed_lines(original: &str, saved: &str) -> Vec<String> {
    assert_eq!(original.lines().count(), saved.lines().count());
    original
        .lines()
        .zip(saved.lines())
        .filter(|(a, b)| a != b)
        .map(|(_, b)| b.to_string())
        .collect()
}

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
        Tmux::start_with("/dev/null", command, dir)
    }

    /// The same, with a tmux configuration file.
    fn start_with(conf: &str, command: &str, dir: &Path) -> Option<Tmux> {
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
            conf,
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
    // A UTF-8 locale, whatever the machine's: another draws in ASCII.
    let command = format!(
        "LC_ALL=C.UTF-8 {} {} --as-of {AS_OF}; echo $? > {}",
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

/// The number just before `word` on the status line (e.g. `✗ 7 gaps`): the line that also
/// gives the analysis date, as a view's text and the what-if line may count gaps too.
fn count_before(screen: &str, word: &str) -> usize {
    // "1 gap", "2 gaps": the word may come in the singular.
    let word = word.trim_end_matches('s');
    let line = screen
        .lines()
        .find(|l| l.contains(word) && l.contains("warning") && l.contains(" as of "))
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

// Any terminal (issue 13): a screen without an alternate screen, stray output, the locale,
// TERM=dumb, signals, and a slow link.

impl Tmux {
    /// A tmux format of the pane (`#{alternate_on}`, `#{pane_tty}` …).
    fn format(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "e2e", format])
            .trim()
            .to_string()
    }

    /// Polls the screen until it is `want`.
    fn wait_for_screen(&self, want: &str) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen == want {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for the screen:\n{want}\nit shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The process the pane's shell runs (the explorer).
    fn child_pid(&self) -> String {
        let shell = self.format("#{pane_pid}");
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .expect("the shell's children (Linux)");
        children
            .split_whitespace()
            .next()
            .expect("the shell runs the explorer")
            .to_string()
    }
}

#[test]
fn search_visits_every_place_of_a_control_once_with_n_counted() {
    let (dir, path, _) = sample("fintech-payments.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    tmux.wait_for("warnings");
    // LOG-AUDIT: larkspur's own requirement, and listed at two of its hand-offs.
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "LOG-AUDIT"]);
    tmux.wait_for("/LOG-AUDIT_  1/3");
    tmux.keys(&["Enter"]);
    let selected = |screen: &str| -> String {
        screen
            .lines()
            .find(|l| l.starts_with("│▶"))
            .unwrap_or_else(|| panic!("no selected row:\n{screen}"))
            .split("││")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let mut rows = Vec::new();
    for k in [2, 3, 1] {
        tmux.keys(&["n"]);
        let screen = tmux.wait_for(&format!("match {k}/3"));
        assert!(
            screen
                .lines()
                .any(|l| l.contains("││▶") && l.contains("LOG-AUDIT")),
            "the pane's cursor is on the control:\n{screen}"
        );
        rows.push(selected(&screen));
    }
    rows.sort();
    rows.dedup();
    assert_eq!(rows.len(), 3, "three places, three rows: {rows:?}");
    tmux.keys(&["N"]);
    tmux.wait_for("match 3/3");
    tmux.keys(&["q"]);
    assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());
}

#[test]
fn x_then_d_lists_the_added_gaps_as_stackgap_diff_words_them_and_enter_goes_there() {
    let (dir, path, _) = sample("fintech-payments.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    tmux.wait_for("warnings");
    // Switch off the selected row's party; the message sums up the change since loading.
    tmux.keys(&["x"]);
    let screen = tmux.wait_for("since loading (D)");
    let party = screen
        .lines()
        .find_map(|l| l.split("without ").nth(1))
        .and_then(|rest| rest.split(" · ").next())
        .unwrap_or_else(|| panic!("no what-if on the status line:\n{screen}"))
        .trim()
        .to_string();
    assert!(screen.contains("+"), "{screen}");
    // What `stackgap diff`'s code says between the file as loaded and the same file with that
    // party switched off (the command line applies `--without` to both sides).
    let stack = stackgap::stack::load_path(&path).expect("the sample loads");
    let as_of = Date::parse(AS_OF).expect("a date");
    let before = WhatIf::new(&stack, as_of);
    let mut after = before.clone();
    after.set_off(stack.party_id(&party).expect("a party"), true);
    let (old_report, new_report) = (analyse(&stack, &before), analyse(&stack, &after));
    let ctx = |report, what_if| stackgap::report::Context {
        stack: &stack,
        report,
        what_if,
        blast: None,
        fix_first: None,
    };
    let (old, new) = (ctx(&old_report, &before), ctx(&new_report, &after));
    let text = stackgap::report::diff::text(&stackgap::report::diff::diff(&old, &new));
    let added: Vec<&str> = text.lines().filter(|l| l.starts_with("+ added")).collect();
    assert!(
        !added.is_empty(),
        "switching {party} off adds gaps:\n{text}"
    );
    tmux.keys(&["D"]);
    let screen = tmux.wait_for("What changed");
    let summary = text.lines().last().expect("a summary");
    assert!(
        screen.contains(&format!(
            "Since loading (not saved since): {}",
            &summary[..8]
        )),
        "the heading is diff's summary {summary:?}:\n{screen}"
    );
    // Each added line starts as diff's line does (the pane cuts the rest).
    for line in &added {
        let start: String = line.chars().take(40).collect();
        assert!(
            screen.contains(&start),
            "{start:?} not listed as diff words it:\n{screen}"
        );
    }
    // Enter on the first change: its place in the tree, the control selected in the pane.
    let first = text.lines().next().expect("a change");
    let control = first
        .split_whitespace()
        .nth(2)
        .expect("a control")
        .to_string();
    let place = first
        .split(" at ")
        .nth(1)
        .and_then(|p| p.split(" (").next())
        .and_then(|p| p.split(':').next())
        .expect("a place")
        .to_string();
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Hand-off");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("││▶") && l.contains(&control)),
        "the pane's cursor is on {control}:\n{screen}"
    );
    if let Some((consumer, provider)) = place.split_once(" → ") {
        assert!(
            screen.contains(&format!("{consumer} → {provider}")),
            "the pane shows {place}:\n{screen}"
        );
    }
    tmux.keys(&["q"]);
    assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());
}

#[test]
fn the_tour_steps_through_the_demo_worst_first_and_brackets_move_the_expiry() {
    let (dir, path, _) = sample("demo.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    let screen = tmux.wait_for("warnings");
    assert!(
        screen.contains("1 document expires within 60 days"),
        "{screen}"
    );
    // Keystone's report lapses on 2026-12-20: a month on, four more warnings.
    let warnings = count_before(&screen, "warnings");
    tmux.keys(&["]"]);
    let screen = tmux.wait_for("as of 2026-12-28");
    assert_eq!(count_before(&screen, "warnings"), warnings + 4, "{screen}");
    tmux.keys(&["["]);
    tmux.wait_for("as of 2026-11-28");
    tmux.keys(&["t"]);
    // Waiting for the finding's line, not the box's border: a frame can be caught half drawn.
    let screen = tmux.wait_for("no-mans-land BACKUP at northwind → brightpath");
    assert!(screen.contains("Tour 1/14"), "{screen}");
    tmux.keys(&["Space", "Space"]);
    tmux.wait_for("Tour 3/14");
    let screen = tmux.wait_for("root cause");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("││▶ ✗ broken-chain") && l.contains("BREACH-NOTIFY")),
        "the pane's cursor is on the finding:\n{screen}"
    );
    tmux.keys(&["BSpace"]);
    tmux.wait_for("Tour 2/14");
    tmux.keys(&["Escape"]);
    tmux.wait_for("left the tour");
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
