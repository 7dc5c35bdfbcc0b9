//! The interactive explorer (SPEC §5): a synchronous Elm-style loop. Events (keys, mouse, resize,
//! changes of the stack file) become `Msg`s; `App::update` changes the state, derives what
//! depends on it and returns the `Effect`s it needs (write the file, copy, quit …); this loop
//! carries them out and feeds their answers back as `Msg`s; the view draws the state — only
//! after something happened, so an idle explorer writes nothing to the terminal.
//!
//! # Layers
//!
//! A module imports only modules on its own line or below, never above, and the imports have no
//! cycle (app and view, side by side, never import each other):
//!
//! ```text
//! mod.rs (this loop, Explorer)   carries out effects, draws
//!   ├── app/                     App: update(Msg) -> Vec<Effect>; never imports view
//!   └── view/                    widgets drawing a Screen; never import app
//! screen.rs                      Screen<'a>: the read-only state a frame shows, built by App
//! session.rs derived.rs nav.rs   the state, by concern: document, derived, navigation
//! setup.rs signals.rs hangup.rs pace.rs ascii.rs term.rs watch.rs   the terminal, for the
//!                                loop: TERM and the locale, SIGTERM / SIGHUP, the terminal
//!                                going away, frames paced to the terminal, ASCII only, the lean
//!                                backend, the file watcher
//! effect.rs msg.rs               what update asks for, and what happens (answers included)
//! layout.rs help_text.rs         where things are on screen, shared by update and views
//! mode.rs inspect.rs tree.rs edit.rs search.rs theme.rs   the vocabulary below all of them
//! ```
//!
//! `tests/architecture.rs` checks this table against the imports; docs/architecture.md places
//! the explorer among the other layers.
//!
//! # State, and what the views get
//!
//! `App` holds a `session::Session` (the stack, its file, the text last saved, the undo
//! history, the places edited), the `derived::Derived` state (findings, tallies, the tree's
//! visible rows, the control and blast radius listings, the hand-off pane) and the
//! `nav::Nav` (navigation: mode, focus, cursors, search, size). The views get a
//! `screen::Screen`: plain references and copies into those parts, built after `update`, so
//! drawing can neither change the state nor compute anything `update` should have. The one
//! thing drawing hands back is `layout::Drawn` (the hand-off pane's item on each line, which
//! only drawing knows), written as a `StatefulWidget` writes its state and read by a click.
//!
//! # Effects
//!
//! `update` touches neither the disk nor the terminal. Saving, for example, is: `Msg::Save` →
//! `Disk::Check` (did someone change the file?) → `Msg::Checked` → the "saving FILE…" notice
//! and a pending save, so the next frame says so → `Msg::Compute` → the new text, and
//! `Disk::Write` → `Msg::Written` → the file is the new baseline (and `Effect::Quit` if the
//! quit question asked to save first). `dispatch` performs the disk's effects at once and
//! returns the terminal's (clipboard, quit) to the loop; tests drive the explorer through it.

mod app;
mod ascii;
mod derived;
mod edit;
mod effect;
mod hangup;
mod help_text;
mod inspect;
mod layout;
mod mode;
mod msg;
mod nav;
mod pace;
mod screen;
mod search;
mod session;
mod setup;
mod signals;
pub mod term;
mod theme;
mod tree;
mod view;
mod watch;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::io::{IsTerminal, stdout};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use crossterm::clipboard::CopyToClipboard;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal};

use crate::analysis::WhatIf;
use crate::stack::Stack;

use app::App;
use effect::Effect;
use hangup::{Input, Ready};
use msg::Msg;
use pace::Pace;
use signals::Signals;
use theme::Theme;
use watch::FileWatch;

pub use setup::ascii_drawing;

/// How long the loop sleeps when nothing happens (it wakes only to look at file events).
const IDLE: Duration = Duration::from_millis(250);

/// What the explorer opens with.
pub struct Options {
    /// The stack, already loaded and valid.
    pub stack: Stack,
    /// Its file; `None` for the built-in demo (saving asks for a name).
    pub path: Option<PathBuf>,
    /// What-ifs from the command line.
    pub what_if: WhatIf,
    /// ASCII-only drawing, stack text included ([`ascii_drawing`] decides it from the flags
    /// and the locale).
    pub ascii: bool,
    /// Mouse capture.
    pub mouse: bool,
    /// Saving disabled.
    pub read_only: bool,
}

/// Runs the explorer until the user quits; errors are returned after the terminal is restored.
/// `text` is what the stack was loaded from, the baseline for format-preserving saves: the
/// file's text as [`crate::stack::read_stack`] read it with the stack, or
/// [`crate::stack::load::DEMO`].
pub fn run(options: Options, text: String) -> anyhow::Result<()> {
    setup::refuse_dumb()?;
    let mouse = options.mouse;
    if options.path.as_ref().is_some_and(|p| p.as_os_str() == "-") {
        bail!(
            "the explorer needs a stack file it can save to; standard input (`-`) works with `stackgap check -`"
        );
    }
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let Explorer { mut app, .. } = Explorer::new(options, text, color);
    add_panic_note(mouse);
    if !stdout().is_terminal() {
        bail!(
            "the explorer needs a terminal, and standard output is not one; for a report, use `stackgap check FILE`"
        );
    }
    let signals = Signals::catch().context("cannot catch SIGTERM and SIGHUP")?;
    let mut terminal = match open_terminal() {
        Ok(t) => t,
        Err(e) => {
            // Nothing was drawn yet: undo raw mode without writing to the terminal.
            let _ = ratatui::crossterm::terminal::disable_raw_mode();
            return Err(e).context("cannot open the terminal for the explorer");
        }
    };

    let result = (|| {
        if mouse {
            execute!(stdout(), EnableMouseCapture)?;
        }
        event_loop(&mut terminal, &mut app, &signals)
    })();
    if mouse {
        let _ = execute!(stdout(), DisableMouseCapture);
    }
    if let Some(signal) = signals.received() {
        // After SIGHUP the terminal may be gone: restoring it may fail, and saying so could not
        // reach anyone. The cursor is shown here, as the process ends before `terminal` is
        // dropped (which shows it on a quit).
        let _ = terminal.show_cursor();
        let _ = leave_below(&mut terminal);
        let _ = ratatui::try_restore();
        // Edits not saved yet are not lost: they go to a new file beside the stack.
        if let Some((path, text, n)) = app.unsaved() {
            let edits = if n == 1 { "edit" } else { "edits" };
            match text
                .map_err(anyhow::Error::msg)
                .and_then(|t| set_aside(path, &t))
            {
                Ok(aside) => eprintln!(
                    "stackgap: ended by signal {signal} with {n} unsaved {edits}: written to {} ({} is unchanged)",
                    aside.display(),
                    path.display()
                ),
                Err(e) => eprintln!(
                    "stackgap: ended by signal {signal}; {n} unsaved {edits} could not be written aside: {e:#}"
                ),
            }
        }
        signals.end_by(signal);
        bail!("ended by signal {signal}");
    }
    let _ = leave_below(&mut terminal);
    ratatui::restore();
    result
}

/// Puts the cursor on a new line below the last frame. Without an alternate screen (GNU
/// screen, the Linux console, tmux with alternate-screen off) the frame stays after the
/// explorer ends, and the shell would otherwise write over it from wherever the cursor was
/// left (the top row, where the pacing mark puts it). With one, the line is on the screen
/// being left, and the terminal puts the cursor back where it was.
fn leave_below(terminal: &mut Tty) -> std::io::Result<()> {
    let rows = terminal.size()?.height;
    execute!(
        stdout(),
        ratatui::crossterm::cursor::MoveTo(0, rows.saturating_sub(1)),
        ratatui::crossterm::style::Print("\r\n")
    )
}

/// Writes `text` to a new file beside `path`, `NAME.unsaved.toml` (or `NAME.unsaved-2.toml`
/// and so on: an existing file is never overwritten), flushed to the disk; returns its path.
fn set_aside(path: &Path, text: &str) -> anyhow::Result<PathBuf> {
    use std::io::Write;
    let stem = path
        .file_stem()
        .map_or_else(|| "stack".into(), |s| s.to_string_lossy().into_owned());
    let dir = path.parent().unwrap_or(Path::new("."));
    for n in 1..1000 {
        let name = match n {
            1 => format!("{stem}.unsaved.toml"),
            n => format!("{stem}.unsaved-{n}.toml"),
        };
        let aside = dir.join(name);
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&aside)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", aside.display())),
        };
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", aside.display()))?;
        return Ok(aside);
    }
    bail!(
        "{}: 999 files of unsaved edits are already there",
        dir.display()
    )
}

/// The explorer without a terminal: driven by keys and drawn into any ratatui backend, for
/// benchmarks and scripted checks. [`run`] is this plus a terminal and an event loop.
pub struct Explorer {
    app: App,
    quit: bool,
}

impl Explorer {
    /// An explorer as [`run`] opens it; `text` is the stack file as read (the baseline for
    /// saving) and `color` whether colours may be used.
    pub fn new(options: Options, text: String, color: bool) -> Explorer {
        let theme = Theme::new(color, options.ascii);
        let app = App::new(
            options.stack,
            text,
            options.path,
            options.what_if,
            options.read_only,
            theme,
        );
        Explorer { app, quit: false }
    }

    /// Handles a key as the explorer would (saving included, on `w`; with no terminal, a copy
    /// goes nowhere).
    pub fn key(&mut self, key: event::KeyEvent) {
        if let Some(msg) = key_msg(key, &self.app) {
            self.quit |= dispatch(&mut self.app, msg).quit;
        }
        if self.app.busy() {
            self.quit |= dispatch(&mut self.app, Msg::Compute).quit;
        }
    }

    /// Tells it the terminal's size.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.quit |= dispatch(&mut self.app, Msg::Resize(width, height)).quit;
    }

    /// Draws the current screen into a frame (recording what a click would need).
    pub fn draw(&mut self, frame: &mut Frame) {
        paint(frame, &mut self.app);
    }

    /// Whether the user asked to quit (and nothing is left to ask).
    pub fn should_quit(&self) -> bool {
        self.quit
    }
}

/// What a message's effects leave for the terminal once the disk's are done.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    /// The explorer is to end.
    quit: bool,
    /// Text for the terminal's clipboard.
    copy: Option<String>,
    /// The terminal is to be cleared and drawn whole.
    repaint: bool,
}

/// Hands a message to `update` and carries out the effects it returns: those on the disk at
/// once, each answer fed back as a message until none is left; those on the terminal returned
/// for the caller. The event loop, [`Explorer`] and the tests all go through here.
fn dispatch(app: &mut App, msg: Msg) -> Outcome {
    let mut out = Outcome::default();
    let mut queue = VecDeque::from([msg]);
    while let Some(msg) = queue.pop_front() {
        for effect in app.update(msg) {
            match effect {
                Effect::Disk(disk) => queue.push_back(effect::perform(disk)),
                Effect::Copy(text) => out.copy = Some(text),
                Effect::Quit => out.quit = true,
                Effect::Repaint => out.repaint = true,
            }
        }
    }
    out
}

/// After ratatui's hook has restored the terminal, a panic also says it is a bug worth reporting.
fn add_panic_note(mouse: bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if mouse {
            let _ = execute!(stdout(), DisableMouseCapture);
        }
        previous(info);
        eprintln!(
            "stackgap {}: the explorer crashed; this is a bug. Please report it to the stackgap \
             maintainers with the message above, the steps that led to it and, if you can, the \
             stack file (presenter mode `p` masks party names).",
            env!("CARGO_PKG_VERSION")
        );
    }));
}

fn watch(app: &mut App) -> Option<FileWatch> {
    let path = app.path()?.to_path_buf();
    match FileWatch::new(&path) {
        Ok(w) => Some(w),
        Err(e) => {
            // Saying so has no effect to carry out.
            let _ = dispatch(app, Msg::WatchFailed(e.to_string()));
            None
        }
    }
}

/// What a key means now: in the mode, or, while the terminal is too small for the panes, only
/// quitting and repainting.
fn key_msg(key: event::KeyEvent, app: &App) -> Option<Msg> {
    if app.too_small() {
        msg::from_key_too_small(key, app.mode())
    } else {
        msg::from_key(key, app.mode())
    }
}

fn to_msg(event: Event, app: &App) -> Option<Msg> {
    match event {
        Event::Key(key) => key_msg(key, app),
        Event::Mouse(mouse) if !app.too_small() => msg::from_mouse(mouse),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Draws the state into a frame; in ASCII, the stack's text too is spelled in ASCII.
fn paint(frame: &mut Frame, app: &mut App) {
    let (screen, drawn) = app.view();
    let ascii = screen.theme.ascii;
    view::draw(frame, &screen, drawn);
    if ascii {
        ascii::spell(frame.buffer_mut());
    }
}

/// Clears the terminal and forgets what it showed, so that the next frame is drawn whole:
/// ratatui's last frame and the backend's copy of the screen are both reset. A resize to the
/// same size does exactly that (`Terminal::clear` would also ask the terminal where its cursor
/// is, a round trip).
fn repaint<B: Backend>(terminal: &mut Terminal<B>) -> Result<(), B::Error> {
    let size = terminal.size()?;
    terminal.resize(Rect::new(0, 0, size.width, size.height))
}

/// The terminal in raw mode on the alternate screen, drawing through [`term::Lean`]. The set-up
/// is ratatui's own (`try_init`: raw mode, alternate screen, a panic hook that restores the
/// terminal); only its terminal, which has written nothing yet, is replaced.
fn open_terminal() -> std::io::Result<Tty> {
    drop(ratatui::try_init()?);
    Terminal::new(term::Lean::new(stdout()))
}

/// The terminal the explorer draws on.
type Tty = Terminal<term::Lean<std::io::Stdout>>;

fn event_loop(terminal: &mut Tty, app: &mut App, signals: &Signals) -> anyhow::Result<()> {
    let size = terminal.size()?;
    let mut quit = deliver(terminal, app, Msg::Resize(size.width, size.height))?;
    let mut watched = app.path().map(PathBuf::from);
    let mut watcher = watch(app);
    // Every crossterm call below is made only while the terminal is there (see hangup.rs).
    let input = Input::open();
    if let Some(input) = &input {
        input.watch();
    }
    let gone = || input.as_ref().is_some_and(Input::gone);
    let mut pace = Pace::probe();
    // The first frame clears the whole screen: without an alternate screen (GNU screen, the
    // Linux console, tmux with alternate-screen off) what was there would show through.
    repaint(terminal)?;
    let mut redraw = true;
    loop {
        if gone() {
            signals.hung_up();
        }
        if signals.received().is_some() {
            return Ok(());
        }
        if redraw {
            terminal.draw(|frame| paint(frame, app))?;
            // Keys typed meanwhile are kept and taken together below.
            if !gone() {
                pace.wait(|| gone() || signals.received().is_some());
            }
            redraw = false;
        }
        if quit {
            return Ok(());
        }
        if app.busy() {
            // The frame just drawn says what is being computed.
            quit |= match app.stop_flag() {
                Some(stop) => compute_watching(terminal, app, &stop, input.as_ref(), signals)?,
                None => deliver(terminal, app, Msg::Compute)?,
            };
            redraw = true;
            continue;
        }
        let timeout = watcher.as_ref().map_or(IDLE, |w| w.timeout(IDLE));
        let waiting = gone() || input_waits(input.as_ref(), timeout)?;
        if waiting {
            // Take everything already waiting before drawing once: resize storms, fast typing,
            // a held-down key.
            while !gone() && !quit && !app.busy() && event::poll(Duration::ZERO)? {
                if let Some(msg) = to_msg(event::read()?, app) {
                    quit |= deliver(terminal, app, msg)?;
                    redraw = true;
                }
                // Slow work asked for runs before the keys typed after it, which may need it.
            }
        }
        if let Some(w) = watcher.as_mut()
            && w.settled()
        {
            quit |= deliver(terminal, app, Msg::FileChanged)?;
            redraw = true;
        }
        if app.path() != watched.as_deref() {
            watched = app.path().map(PathBuf::from);
            watcher = watch(app);
            redraw = true;
        }
    }
}

/// Whether input waits: events crossterm already holds first (a read can take several keys at
/// once), else the terminal itself within `timeout`; a hang-up counts, for the caller to find.
fn input_waits(input: Option<&Input>, timeout: Duration) -> std::io::Result<bool> {
    Ok(event::poll(Duration::ZERO)?
        || match input {
            Some(input) => input.wait(timeout) != Ready::Timeout,
            None => event::poll(timeout)?,
        })
}

/// What a key typed during work that can be stopped does to it.
#[derive(Debug, PartialEq, Eq)]
enum WhileComputing {
    /// Leaving the list being computed (Esc or `F` while browsing): the work stops, the key is
    /// spent.
    Stop,
    /// Quitting (`q`, Ctrl-C): the work stops, then the key is taken as usual.
    StopAndKeep,
    /// Anything else waits for the work and is taken after it.
    Keep,
}

/// What `event` does to the work, read as the explorer reads keys in `mode`: the mode the work
/// began in, while no key is kept yet. Once one is (`None`), a later key's meaning may hang on
/// it (`/` then `q` is a search for "q"), so it waits too, Ctrl-C apart.
fn while_computing(event: &Event, mode: Option<&mode::Mode>) -> WhileComputing {
    let Event::Key(key) = event else {
        return WhileComputing::Keep;
    };
    match (
        mode,
        msg::from_key(*key, mode.unwrap_or(&mode::Mode::Browse)),
    ) {
        (_, Some(Msg::Interrupt)) => WhileComputing::StopAndKeep,
        (Some(mode::Mode::Browse), Some(Msg::Close | Msg::FixFirst)) => WhileComputing::Stop,
        (Some(_), Some(Msg::Quit)) => WhileComputing::StopAndKeep,
        _ => WhileComputing::Keep,
    }
}

/// Delivers `Msg::Compute` on another thread while this one watches the terminal, for work
/// that `stop` can cut short (the fix-first list, seconds on a large stack): a person who
/// stops waiting is answered as soon as the controls under way are done, not at the end.
/// Keys typed meanwhile are taken afterwards, in order; a hang-up or a signal stops the work.
fn compute_watching(
    terminal: &mut Tty,
    app: &mut App,
    stop: &std::sync::atomic::AtomicBool,
    input: Option<&Input>,
    signals: &Signals,
) -> anyhow::Result<bool> {
    use std::sync::atomic::Ordering::Relaxed;
    const LOOK: Duration = Duration::from_millis(50);
    let began_in = app.mode().clone();
    let mut held = Vec::new();
    let quit = std::thread::scope(|scope| -> anyhow::Result<bool> {
        let worker = scope.spawn(|| deliver(terminal, app, Msg::Compute));
        while !worker.is_finished() {
            let gone = input.is_some_and(Input::gone);
            if gone || signals.received().is_some() {
                stop.store(true, Relaxed);
                std::thread::sleep(LOOK / 5);
                continue;
            }
            if input_waits(input, LOOK)? && event::poll(Duration::ZERO)? {
                let event = event::read()?;
                let mode = held.is_empty().then_some(&began_in);
                match while_computing(&event, mode) {
                    WhileComputing::Stop => stop.store(true, Relaxed),
                    WhileComputing::StopAndKeep => {
                        stop.store(true, Relaxed);
                        held.push(event);
                    }
                    WhileComputing::Keep => held.push(event),
                }
            }
        }
        let delivered = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(delivered?)
    })?;
    // A key seen as the work ended must not stop the next list, computed here or not.
    stop.store(false, Relaxed);
    let mut quit = quit;
    for event in held {
        if let Some(msg) = to_msg(event, app) {
            quit |= deliver(terminal, app, msg)?;
        }
    }
    Ok(quit)
}

/// Dispatches a message and carries out what it leaves for the terminal; returns whether the
/// explorer is to end.
fn deliver(terminal: &mut Tty, app: &mut App, msg: Msg) -> std::io::Result<bool> {
    let out = dispatch(app, msg);
    if let Some(text) = out.copy {
        // OSC 52: the terminal (or tmux with set-clipboard on) sets its clipboard, which works
        // over SSH too. A terminal without it ignores the sequence.
        execute!(stdout(), CopyToClipboard::to_clipboard_from(text))?;
    }
    if out.repaint {
        repaint(terminal)?;
    }
    Ok(out.quit)
}

#[cfg(test)]
mod loop_tests {
    use super::*;
    use event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn keys_that_leave_the_list_stop_its_computing_and_quitting_still_quits() {
        use mode::Mode;
        let key = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
        let none = KeyModifiers::NONE;
        let esc = key(KeyCode::Esc, none);
        let q = key(KeyCode::Char('q'), none);
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let browse = Some(&Mode::Browse);
        let search = Mode::Search {
            query: String::new(),
        };
        let cases = [
            (&esc, browse, WhileComputing::Stop),
            (
                &key(KeyCode::Char('F'), KeyModifiers::SHIFT),
                browse,
                WhileComputing::Stop,
            ),
            (&q, browse, WhileComputing::StopAndKeep),
            (&ctrl_c, browse, WhileComputing::StopAndKeep),
            (&key(KeyCode::Char('c'), none), browse, WhileComputing::Keep),
            (&key(KeyCode::Char('j'), none), browse, WhileComputing::Keep),
            (&Event::Resize(80, 24), browse, WhileComputing::Keep),
            // Typed into a search, `q` is text and Esc closes the search, not the list.
            (&q, Some(&search), WhileComputing::Keep),
            (&esc, Some(&search), WhileComputing::Keep),
            // After a kept key (`/`, say), keys wait with it; Ctrl-C still stops.
            (&q, None, WhileComputing::Keep),
            (&esc, None, WhileComputing::Keep),
            (&ctrl_c, None, WhileComputing::StopAndKeep),
        ];
        for (event, mode, want) in cases {
            assert_eq!(while_computing(event, mode), want, "{event:?} in {mode:?}");
        }
    }
}
