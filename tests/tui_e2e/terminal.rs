//! Any terminal, end to end: no alternate screen, stray output, a locale that is not UTF-8,
//! `TERM=dumb`, a signal that ends the explorer, and a key held down over a slow link — each in
//! the real binary, checked by what the terminal shows and how it is left.

use super::*;

fn bin() -> String {
    quote(Path::new(env!("CARGO_BIN_EXE_stackgap")))
}

/// A file's text once a command has written it (after the explorer's exit code).
fn written(file: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(file)
            && !text.is_empty()
        {
            return text;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{} was not written",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether `stty -a` shows the terminal as a shell wants it: line editing, echo, signals from
/// keys, newline translation (not raw mode).
fn cooked(stty: &str) -> bool {
    let words: Vec<&str> = stty.split([' ', ';', '\n']).collect();
    ["icanon", "echo", "isig", "icrnl", "opost"]
        .iter()
        .all(|flag| words.contains(flag))
}

#[test]
fn without_an_alternate_screen_the_first_frame_hides_what_was_there() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let conf = dir.path().join("tmux.conf");
    // As GNU screen and the Linux console: no alternate screen.
    std::fs::write(&conf, "set -g alternate-screen off\n").expect("writable folder");
    let command = format!(
        "seq -f '%g {}' 60; LC_ALL=C.UTF-8 {} --as-of {AS_OF}; echo after-quit-$?; sleep 30",
        "stale ".repeat(18),
        bin()
    );
    let Some(tmux) = Tmux::start_with(conf.to_str().expect("UTF-8"), &command, dir.path()) else {
        common::missing_tool("tmux");
        return;
    };
    let screen = tmux.wait_for("warnings");
    assert!(
        !screen.contains("stale"),
        "old text shows through:\n{screen}"
    );
    tmux.keys(&["j", "j", "q"]);

    // The last frame stays (there is no other screen to go back to), and what the shell
    // writes next starts on a line of its own below it, not over the frame's first rows.
    let screen = tmux.wait_for("after-quit-");
    let lines: Vec<&str> = screen.lines().collect();
    let after = lines
        .iter()
        .position(|l| l.contains("after-quit-"))
        .expect("the line");
    assert_eq!(lines[after].trim_end(), "after-quit-0", "{screen}");
    let status = lines
        .iter()
        .position(|l| l.contains("warnings"))
        .expect("the frame's status line stays");
    assert!(status < after, "the shell wrote over the frame:\n{screen}");
}

#[test]
fn ctrl_l_draws_the_whole_screen_again_over_stray_output() {
    let (dir, path, _) = sample("fintech-payments.toml");
    let Some((tmux, exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    let before = tmux.wait_for("warnings");
    // What `wall` does: write to the terminal behind the explorer's back (here it also scrolls
    // the screen by two lines).
    let tty = tmux.format("#{pane_tty}");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&tty)
        .and_then(|mut t| {
            std::io::Write::write_all(&mut t, b"\r\nBroadcast message from root: going down\r\n")
        })
        .expect("the pane's terminal is writable");
    tmux.wait_for("Broadcast message");
    tmux.keys(&["C-l"]);
    tmux.wait_for_screen(&before);
    tmux.keys(&["q"]);
    assert_eq!(exit_code(&exit), 0);
}

#[test]
fn a_locale_that_is_not_utf8_draws_in_ascii_unless_unicode_is_asked_for() {
    for (args, ascii) in [("", true), ("--unicode", false)] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        // The built-in demo's name has an em dash: stack text goes through ASCII too.
        let command = format!("LC_ALL=C LANG=en_US.UTF-8 {} --as-of {AS_OF} {args}", bin());
        let Some(tmux) = Tmux::start(&command, dir.path()) else {
            common::missing_tool("tmux");
            return;
        };
        let screen = tmux.wait_for("warnings");
        assert_eq!(screen.is_ascii(), ascii, "{args}:\n{screen}");
        if ascii {
            assert!(screen.contains("Northwind Logistics - Br"), "{screen}");
        } else {
            assert!(screen.contains("╭ Northwind Logistics — Br"), "{screen}");
        }
        tmux.keys(&["q"]);
    }
}

#[test]
fn term_dumb_is_refused_without_touching_the_terminal() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let command = format!(
        "TERM=dumb {} --as-of {AS_OF} 2> err; echo $? > exit-code; stty -a > stty; sleep 30",
        bin()
    );
    let Some(tmux) = Tmux::start(&command, dir.path()) else {
        common::missing_tool("tmux");
        return;
    };
    assert_eq!(exit_code(&dir.path().join("exit-code")), 2);
    let err = std::fs::read_to_string(dir.path().join("err")).expect("stderr was kept");
    assert!(
        err.contains("TERM=dumb") && err.contains("`stackgap check FILE`"),
        "{err}"
    );
    assert!(cooked(&written(&dir.path().join("stty"))));
    let screen = tmux.screen();
    assert!(screen.trim().is_empty(), "something was drawn:\n{screen}");
    assert_eq!(tmux.format("#{alternate_on} #{cursor_flag}"), "0 1");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_before_the_explorer_ends() {
    // The shell's exit status for a process ended by the signal: 128 + its number.
    for (signal, status) in [("TERM", 143), ("HUP", 129)] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let command = format!(
            "LC_ALL=C.UTF-8 {} --as-of {AS_OF}; echo $? > exit-code; stty -a > stty; sleep 30",
            bin()
        );
        let Some(tmux) = Tmux::start(&command, dir.path()) else {
            common::missing_tool("tmux");
            return;
        };
        tmux.wait_for("warnings");
        // Raw mode, the alternate screen, the cursor hidden.
        assert_eq!(tmux.format("#{alternate_on} #{cursor_flag}"), "1 0");
        let killed = Command::new("kill")
            .args([format!("-{signal}"), tmux.child_pid()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        assert_eq!(
            exit_code(&dir.path().join("exit-code")),
            status,
            "SIG{signal}"
        );
        let stty = written(&dir.path().join("stty"));
        assert!(cooked(&stty), "SIG{signal} left the terminal raw:\n{stty}");
        assert_eq!(
            tmux.format("#{alternate_on} #{cursor_flag}"),
            "0 1",
            "SIG{signal}: the main screen and the cursor are back"
        );
    }
}

/// A stack whose tree is taller than the screen: 40 customers with two hand-offs each.
fn tall_stack() -> String {
    let ids = ["IAM-MFA", "IAM-JML", "ENC-REST", "KEY-MGMT", "LOG-AUDIT"];
    let owners = ["provider", "consumer", "shared"];
    let mut text = String::from(
        "[stack]\nname = \"Held key\"\n\n[[layer]]\nid = \"customer\"\n\n[[layer]]\nid = \"saas\"\n",
    );
    for (p, id) in ids.iter().take(3).enumerate() {
        text += &format!(
            "\n[[party]]\nid = \"provider-{p}\"\nlayer = \"saas\"\nimplements = [{id:?}]\n"
        );
    }
    for c in 0..40 {
        text += &format!(
            "\n[[party]]\nid = \"customer-{c:02}\"\nlayer = \"customer\"\nrequires = [{:?}]\n",
            ids[c % ids.len()]
        );
        for h in 0..2 {
            text += &format!(
                "\n[[handoff]]\nconsumer = \"customer-{c:02}\"\nprovider = \"provider-{}\"\n\n[handoff.controls]\n",
                (c + h) % 3
            );
            for (k, id) in ids.iter().enumerate() {
                text += &format!(
                    "{id} = {{ agreed = {:?}, assumed = {:?} }}\n",
                    owners[(k + c) % 3],
                    owners[(k + h + c / 3) % 3]
                );
            }
        }
    }
    text
}

/// The terminal at the end of a slow link, as far as the explorer's questions go: it answers
/// each cursor-position question (DSR, `CSI 6 n`) with where its cursor is once it has shown
/// what came before, and notes where in the output each frame's question came (a question after
/// more than a mark and a question, see src/tui/pace.rs).
struct FarEnd {
    screen: vt100::Parser,
    tail: Vec<u8>,
    read: usize,
    last_question: usize,
    frames: Vec<usize>,
}

impl FarEnd {
    fn new() -> FarEnd {
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("not empty");
        FarEnd {
            screen: vt100::Parser::new(size(40), size(120), 0),
            tail: Vec::new(),
            read: 0,
            last_question: 0,
            frames: Vec::new(),
        }
    }

    /// Shows `bytes` and returns the answers to the questions among them.
    fn show(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut window = std::mem::take(&mut self.tail);
        let kept = window.len();
        window.extend_from_slice(bytes);
        let mut answers = Vec::new();
        let mut shown = 0;
        for at in 0..window.len().saturating_sub(3) {
            if &window[at..at + 4] == b"\x1b[6n" {
                self.screen.process(&window[shown..at]);
                shown = at + 4;
                let (row, column) = self.screen.screen().cursor_position();
                answers.extend(format!("\x1b[{};{}R", row + 1, column + 1).bytes());
                let end = self.read + at + 4 - kept;
                if end - self.last_question > 12 {
                    self.frames.push(end);
                }
                self.last_question = end;
            }
        }
        // The last three bytes may begin a question the next read ends.
        let keep = window.len().saturating_sub(3).max(shown);
        self.screen.process(&window[shown..keep]);
        self.tail = window[keep..].to_vec();
        self.read += bytes.len();
        answers
    }
}

/// A key held down over a slow link: the real binary in a pseudo-terminal that the test reads
/// at 4,000 bytes a second (a 32 kbit/s link), answering the cursor-position questions as a
/// terminal does once it has shown what came before them; `j` is sent 30 times a second, 45
/// times. Once the last key is sent, at most the frame on its way and the one after it may
/// follow — not the 20 KB a pseudo-terminal buffers — and the last frame shows every key.
/// Prints the bytes and the time from the last key to the last byte (docs/performance.md).
#[test]
fn a_held_key_on_a_slow_link_stops_within_a_frame_of_the_last_key() {
    held_key(4000.0);
}

/// The same at 2,000 bytes a second, where a whole frame takes longer to arrive than crossterm
/// waits for the answer to a question (2 s): the late answer must not be taken for the next
/// frame's, which would leave two frames on their way for good.
#[test]
fn a_held_key_on_a_link_slower_than_the_answer_wait_stops_within_a_frame() {
    held_key(2000.0);
}

fn held_key(rate: f64) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};
    use std::sync::mpsc;

    const KEYS: usize = 45;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("held.toml");
    let text = tall_stack();
    std::fs::write(&path, &text).expect("writable folder");

    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_stackgap"));
    cmd.arg(&path);
    cmd.args(["--as-of", AS_OF]);
    cmd.env("LC_ALL", "C.UTF-8");
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let mut child = pair.slave.spawn_command(cmd).expect("the explorer starts");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("a reader");
    let writer = std::sync::Arc::new(std::sync::Mutex::new(
        pair.master.take_writer().expect("a writer"),
    ));

    // The slow link and the terminal at its end.
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let answers = std::sync::Arc::clone(&writer);
    let far = std::sync::Arc::new(std::sync::Mutex::new(FarEnd::new()));
    let far_end = std::sync::Arc::clone(&far);
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let answer = far_end.lock().expect("the far end").show(&buf[..n]);
            if !answer.is_empty() {
                let mut w = answers.lock().expect("the writer");
                let _ = w.write_all(&answer);
                let _ = w.flush();
            }
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_secs_f64(n as f64 / rate));
        }
    });

    let size = |n: u16| std::num::NonZeroU16::new(n).expect("not empty");
    let mut parser = vt100::Parser::new(size(40), size(120), 0);
    let mut total = 0usize;
    let take = |parser: &mut vt100::Parser, total: &mut usize, wait: Duration| -> bool {
        match rx.recv_timeout(wait) {
            Ok(bytes) => {
                *total += bytes.len();
                parser.process(&bytes);
                true
            }
            Err(_) => false,
        }
    };
    let start = Instant::now();
    while !parser.screen().contents().contains("warnings") {
        take(&mut parser, &mut total, Duration::from_millis(100));
        assert!(start.elapsed() < Duration::from_secs(30), "no first frame");
    }
    // Let the first frame finish.
    while take(&mut parser, &mut total, Duration::from_millis(500)) {}

    let press = |w: &std::sync::Mutex<Box<dyn Write + Send>>| {
        let mut w = w.lock().expect("the writer");
        w.write_all(b"j").expect("a key");
        w.flush().expect("sent");
    };
    let before = total;
    let mut next = Instant::now();
    for _ in 0..KEYS {
        press(&writer);
        next += Duration::from_millis(33);
        while Instant::now() < next {
            take(
                &mut parser,
                &mut total,
                next.saturating_duration_since(Instant::now()),
            );
        }
    }
    let last_key = Instant::now();
    let at_last_key = total;
    let mut last_byte = last_key;
    while take(&mut parser, &mut total, Duration::from_millis(1500)) {
        last_byte = Instant::now();
    }
    let after = total - at_last_key;
    let frames_after = far
        .lock()
        .expect("the far end")
        .frames
        .iter()
        .filter(|&&f| f > at_last_key)
        .count();
    println!(
        "held key at {rate} B/s: {KEYS} keys, {} bytes while held, {after} bytes, {frames_after} frames and {} ms after the last key",
        at_last_key - before,
        last_byte.duration_since(last_key).as_millis()
    );

    // The screen shows every key: the same as the explorer drawn without a terminal.
    let mut expected = {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let stack = stackgap::stack::load_path(&path).expect("the stack loads");
        let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
        let options = stackgap::tui::Options {
            stack,
            path: Some(path.clone()),
            what_if,
            ascii: false,
            mouse: false,
            read_only: false,
        };
        let mut explorer = stackgap::tui::Explorer::new(options, text, true);
        explorer.resize(120, 40);
        for _ in 0..KEYS {
            explorer.key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
        }
        explorer
    };
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("a terminal");
    terminal.draw(|f| expected.draw(f)).expect("drawing");
    let want: Vec<String> = terminal
        .backend()
        .buffer()
        .content()
        .chunks(120)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .map(|row| row.trim_end().to_string())
        .collect();
    let got: Vec<String> = parser
        .screen()
        .rows(0, 120)
        .map(|row| row.trim_end().to_string())
        .collect();
    assert_eq!(got, want, "the last frame shows all {KEYS} keys");
    assert!(
        after <= 4096,
        "{after} bytes came after the last key: frames queued up on the slow link"
    );
    assert!(
        frames_after <= 2,
        "{frames_after} frames began after the last key: more than the one on its way and the next"
    );

    press_quit(&writer);
    let _ = child.wait();
}

fn press_quit(w: &std::sync::Mutex<Box<dyn std::io::Write + Send>>) {
    let mut w = w.lock().expect("the writer");
    let _ = std::io::Write::write_all(&mut *w, b"q");
    let _ = std::io::Write::flush(&mut *w);
}

/// Whether process `pid` has ended (or is a zombie no one has waited for yet).
fn ended(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z'))
    })
}

/// The SSH connection drops (here: the tmux server goes, and the terminal with it) while an
/// edit is unsaved. The explorer must end — not spin on a terminal that reads nothing for ever —
/// and the edit must not be lost: it is written beside the stack, the stack left as it was.
#[test]
fn a_terminal_that_goes_away_ends_the_explorer_and_sets_unsaved_edits_aside() {
    let (dir, path, original) = sample("fintech-payments.toml");
    let Some((tmux, _exit)) = explore(dir.path(), &path) else {
        common::missing_tool("tmux");
        return;
    };
    tmux.wait_for("warnings");
    tmux.keys(&["Tab", "o"]);
    tmux.wait_for("1 unsaved edit");
    let pid = tmux.child_pid();
    drop(tmux);
    let start = Instant::now();
    while !ended(&pid) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the explorer (pid {pid}) still runs 5 s after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&path).expect("the stack"),
        original,
        "the stack file is not touched"
    );
    let aside = written(&dir.path().join("fintech-payments.unsaved.toml"));
    let changed = changed_lines(&original, &aside);
    assert!(
        changed.len() == 1 && changed[0].contains(BCP_MINE),
        "the one edited entry, as w would have saved it: {changed:#?}"
    );
}
