//! The explorer's state and its one way to change: `update(Msg) -> Vec<Effect>`. The state is
//! three parts, as helix keeps a document apart from the editor: the document [`Session`], the
//! [`Derived`] state (recomputed here, and only when what it depends on changed) and the
//! [`Nav`]igation. `update` reads and writes no file and touches no terminal: it returns
//! effects, which the event loop carries out and answers with messages. The views read a
//! [`Screen`] built from the three parts and never call back.
//!
//! The `impl App` is spread by concern: this file handles a message by mode; `moving.rs` moves
//! the cursors and keeps the derived listings in step; `editing.rs` makes edits and what-ifs;
//! `files.rs` saves and reloads through effects.

mod editing;
mod files;
mod follow;
mod moving;
mod places;
mod small;
mod tour;

use std::path::{Path, PathBuf};

use ratatui::layout::Rect;

use super::derived::Derived;
use super::edit::{self, Setting};
use super::effect::Effect;
use super::help_text;
use super::layout::Drawn;
use super::mode::{Listing, Mode, Notice, Question};
use super::msg::{Msg, Purpose};
use super::nav::Nav;
use super::screen::Screen;
use super::session::Session;
use super::theme::Theme;
use crate::analysis::WhatIf;
use crate::date::Date;
use crate::stack::{Accept, Stack};
use crate::text::escape;

/// How many rows the first screen expands (breadth first), so a big stack opens quickly.
const START_ROWS: usize = 60;

/// The whole explorer's state.
pub struct App {
    session: Session,
    derived: Derived,
    nav: Nav,
    theme: Theme,
    /// The message of the moment, until the next key.
    notice: Option<Notice>,
    /// What the last frame drew where a click needs it back.
    drawn: Drawn,
}

/// The state as one frame shows it (a function of the parts, so that [`App::view`] can hand
/// out the drawing record beside it).
fn screen<'a>(
    session: &'a Session,
    derived: &'a Derived,
    nav: &'a Nav,
    theme: Theme,
    notice: Option<&'a Notice>,
) -> Screen<'a> {
    Screen {
        // A room watching a projector gets the high-contrast palette.
        theme: if session.presenter() {
            theme.for_room()
        } else {
            theme
        },
        stack: session.shown(),
        report: &derived.report,
        what_if: &session.what_if,
        tally: &derived.tally,
        delta: derived.changes.delta,
        tree: &derived.tree,
        row: nav.row,
        row_offset: nav.row_offset,
        listing: nav.listing,
        controls: &derived.controls,
        blast: &derived.blast,
        fix: &derived.fix,
        changes: &derived.changes.lines,
        line: nav.line,
        line_offset: nav.line_offset,
        inspect: &derived.inspect,
        item: nav.item,
        mode: &nav.mode,
        focus: nav.focus,
        zoom: nav.zoom,
        compact: super::layout::compact(nav.size),
        filter: nav.filter,
        presenter: session.presenter(),
        busy: derived.pending() || session.save_pending.is_some(),
        notice,
        unsaved: session.unsaved(),
        path: session.path.as_deref(),
        read_only: session.read_only,
        search: (nav.search.at, nav.search.matches.len()),
    }
}

impl App {
    /// An explorer on a stack; `text` is the file as read (the baseline for saving).
    pub fn new(
        stack: Stack,
        text: String,
        path: Option<PathBuf>,
        what_if: WhatIf,
        read_only: bool,
        theme: Theme,
    ) -> App {
        let derived = Derived::new(&stack, &what_if);
        let mut app = App {
            session: Session::new(stack, text, path, what_if, read_only),
            derived,
            nav: Nav::new(),
            theme,
            notice: None,
            drawn: Drawn::default(),
        };
        app.derived
            .tree
            .expand_all(&app.session.stack, START_ROWS, &|_, _| true);
        app.refresh_tree();
        let first_handoff = app
            .derived
            .tree
            .rows()
            .iter()
            .position(|r| r.handoff.is_some());
        app.select_row(first_handoff.unwrap_or(0));
        app
    }

    /// What the views read: the state as one frame shows it (tests read it too).
    #[cfg(test)]
    pub fn screen(&self) -> Screen<'_> {
        let notice = self.notice.as_ref();
        screen(&self.session, &self.derived, &self.nav, self.theme, notice)
    }

    /// What the views draw, and where the drawing records what a click will need back.
    pub fn view(&mut self) -> (Screen<'_>, &mut Drawn) {
        let notice = self.notice.as_ref();
        let screen = screen(&self.session, &self.derived, &self.nav, self.theme, notice);
        (screen, &mut self.drawn)
    }

    /// Whether slow work waits for `Msg::Compute` (the next frame says it is under way).
    pub fn busy(&self) -> bool {
        self.derived.pending() || self.session.save_pending.is_some()
    }

    /// The flag that stops the slow work `Msg::Compute` is about to do, when that work is only
    /// the fix-first list (a save or the blast radius ranking runs to its end): the event loop
    /// computes on another thread, sets it if the person stops waiting, and clears it after.
    pub fn stop_flag(&self) -> Option<std::sync::Arc<std::sync::atomic::AtomicBool>> {
        let only_fix = self.derived.fix_pending
            && !self.derived.blast_pending
            && self.session.save_pending.is_none();
        only_fix.then(|| std::sync::Arc::clone(&self.derived.fix_stop))
    }

    /// The mode, which decides what a key means.
    pub fn mode(&self) -> &Mode {
        &self.nav.mode
    }

    /// The stack file, if there is one.
    pub fn path(&self) -> Option<&Path> {
        self.session.path.as_deref()
    }

    /// What to write aside when the explorer is ended by a signal or a hang-up with unsaved
    /// edits: the stack file and its text with the edits in it (what `w` would write), and how
    /// many places were edited. `None` with nothing unsaved, no file, or `--read-only`.
    pub fn unsaved(&self) -> Option<(&Path, Result<String, String>, usize)> {
        let session = &self.session;
        let n = session.unsaved();
        if n == 0 || session.read_only {
            return None;
        }
        let text = session.write_back().map_err(|e| e.to_string());
        Some((session.path.as_deref()?, text, n))
    }

    /// Handles one message; returns what the event loop must do for it.
    #[must_use = "the effects must be carried out, as the event loop does"]
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Resize(w, h) => {
                self.nav.size = Rect::new(0, 0, w, h);
                self.scroll_tree();
                return Vec::new();
            }
            Msg::FileChanged => return self.file_changed(),
            Msg::Interrupt => return self.interrupt(),
            Msg::Compute => return self.compute(),
            Msg::WatchFailed(why) => {
                self.notice = Some(Notice::Error(format!(
                    "not watching the file for outside changes ({why}); r reloads it by hand"
                )));
                return Vec::new();
            }
            Msg::Checked {
                path,
                purpose,
                changed,
            } => return self.checked(path, purpose, changed),
            Msg::NameChecked { path, taken } => return self.name_checked(path, taken),
            Msg::Written { path, text, result } => return self.written(path, text, result),
            Msg::Loaded { purpose, result } => {
                let effects = self.loaded(purpose, result);
                self.tour_follows();
                return effects;
            }
            Msg::Repaint => return vec![Effect::Repaint],
            _ if self.too_small() => return self.while_too_small(msg),
            _ => {}
        }
        let mut effects = match self.nav.mode.clone() {
            Mode::Browse => {
                self.notice = None;
                self.browse(msg)
            }
            Mode::Help { scroll } => {
                self.help(msg, scroll);
                Vec::new()
            }
            Mode::Search { query } => {
                self.search(msg, query);
                Vec::new()
            }
            Mode::Ask(q) => self.answer(msg, q),
            Mode::Tour(_) if msg == Msg::Quit => {
                self.nav.mode = Mode::Browse;
                self.quit()
            }
            Mode::Tour(step) => {
                self.notice = None;
                self.tour(msg, step.at);
                Vec::new()
            }
        };
        self.tour_follows();
        if self.nav.mode == Mode::Browse && self.session.disk_changed {
            self.session.disk_changed = false;
            effects.extend(self.file_changed());
        }
        effects
    }

    /// A message while browsing: moving around, editing, the files.
    fn browse(&mut self, msg: Msg) -> Vec<Effect> {
        let page = self.nav.page() as isize;
        match msg {
            Msg::Up => self.step(-1),
            Msg::Down => self.step(1),
            Msg::PageUp => self.step(-page),
            Msg::PageDown => self.step(page),
            Msg::Top => self.step(isize::MIN / 2),
            Msg::Bottom => self.step(isize::MAX / 2),
            Msg::Collapse => self.collapse(),
            Msg::Expand => self.expand(),
            Msg::Toggle => self.toggle(),
            Msg::Controls => self.show(Listing::Controls),
            Msg::BlastRadius => self.show(Listing::BlastRadius),
            Msg::Expiring => self.show(Listing::Expiring),
            Msg::FixFirst => self.show(Listing::FixFirst),
            Msg::Changes => self.show(Listing::Changes),
            Msg::ExpandAll => self.expand_all(),
            Msg::CollapseAll => self.collapse_all(),
            Msg::SwitchPane => self.switch_pane(),
            Msg::Zoom => {
                self.nav.zoom = !self.nav.zoom;
                self.scroll_tree();
            }
            Msg::Presenter => self.toggle_presenter(),
            Msg::Tour => self.start_tour(),
            Msg::Help => self.nav.mode = Mode::Help { scroll: 0 },
            Msg::Close => self.close(),
            Msg::Search => self.start_search(),
            Msg::NextMatch => self.next_match(1),
            Msg::PrevMatch => self.next_match(-1),
            Msg::Filter => self.toggle_filter(),
            Msg::FollowChain => self.follow_chain(),
            Msg::Cycle(field) => self.cycle(field),
            Msg::Accept => self.ask_accept(),
            Msg::Copy => return self.copy(),
            Msg::Implements(side) => self.implements(side),
            Msg::SwitchOff => self.switch_off(),
            Msg::MinEvidence => self.change(Setting::MinEvidence(edit::next_min_evidence(
                self.session.what_if.min_evidence,
            ))),
            Msg::AsOf => {
                let text = self.session.what_if.as_of.to_string();
                self.nav.mode = Mode::Ask(Question::AsOf { text });
            }
            Msg::ShiftAsOf(months) => {
                self.change(Setting::AsOf(self.session.what_if.as_of.add_months(months)));
            }
            Msg::Undo => self.undo(),
            Msg::Redo => self.redo(),
            Msg::Save => return self.save(),
            Msg::Reload => return self.ask_reload(),
            Msg::Quit => return self.quit(),
            Msg::Click(x, y) => self.click(x, y),
            Msg::Wheel(up, x, y) => self.wheel(up, x, y),
            _ => {}
        }
        Vec::new()
    }

    /// A message while the help is open: scrolling it, or closing it.
    fn help(&mut self, msg: Msg, scroll: u16) {
        let size = self.nav.size;
        let max = help_text::line_count(size.width, self.theme)
            .saturating_sub(size.height.saturating_sub(4));
        let page = size.height.saturating_sub(6).max(1);
        let scroll = match msg {
            Msg::Up => scroll.saturating_sub(1),
            Msg::Down => scroll.saturating_add(1),
            Msg::PageUp => scroll.saturating_sub(page),
            Msg::PageDown => scroll.saturating_add(page),
            Msg::Close => {
                self.nav.mode = Mode::Browse;
                return;
            }
            _ => scroll,
        };
        self.nav.mode = Mode::Help {
            scroll: scroll.min(max),
        };
    }

    /// A message while typing a search: each character searches again and jumps to the best.
    fn search(&mut self, msg: Msg, mut query: String) {
        match msg {
            Msg::Input(c) => query.push(c),
            Msg::Backspace => {
                query.pop();
            }
            Msg::Submit => {
                self.nav.mode = Mode::Browse;
                if self.nav.search.matches.is_empty() {
                    self.info("no match");
                }
                return;
            }
            Msg::Close => {
                self.nav.mode = Mode::Browse;
                self.nav.search.matches.clear();
                if let Some(path) = self.nav.search.from.take() {
                    self.go_to(&path);
                }
                return;
            }
            Msg::NextMatch => return self.next_match(1),
            Msg::PrevMatch => return self.next_match(-1),
            _ => return,
        }
        self.find(&query);
        self.nav.mode = Mode::Search { query };
    }

    /// A message while a question is asked: typing its text, or answering it.
    fn answer(&mut self, msg: Msg, mut q: Question) -> Vec<Effect> {
        // Typing into a question that takes text edits the text and keeps asking.
        if let (Some(text), Msg::Input(_) | Msg::Backspace) = (q.text_mut(), &msg) {
            match msg {
                Msg::Input(c) => text.push(c),
                _ => {
                    text.pop();
                }
            }
            self.nav.mode = Mode::Ask(q);
            return Vec::new();
        }
        match q {
            Question::SaveAs { name } => match msg {
                Msg::Submit => return self.save_as(name.trim()),
                Msg::Close => self.cancel("not saved"),
                _ => {}
            },
            Question::AsOf { text } => match msg {
                Msg::Submit => self.submit_as_of(text),
                Msg::Close => self.cancel("analysis date unchanged"),
                _ => {}
            },
            Question::AcceptReason { .. } => match msg {
                Msg::Submit => self.submit_accept(q),
                Msg::Close => self.cancel("not accepted"),
                _ => {}
            },
            Question::Quit
            | Question::Overwrite
            | Question::Reload
            | Question::ExternalChange
            | Question::Conflict { .. } => {
                return self.answer_yes_no(msg, q);
            }
        }
        Vec::new()
    }

    /// Yes, no or Esc to a question without text.
    fn answer_yes_no(&mut self, msg: Msg, q: Question) -> Vec<Effect> {
        match (q, msg) {
            (Question::Conflict { .. }, Msg::Answer(keep_mine)) => {
                self.nav.mode = Mode::Browse;
                match self.session.onto.take() {
                    Some(onto) => self.apply_onto(onto, keep_mine),
                    None => Vec::new(),
                }
            }
            (Question::Conflict { .. }, Msg::Close) => {
                self.session.onto = None;
                self.cancel(
                    "not saved: the file on disk is as it was, and your edits are still open",
                );
                Vec::new()
            }
            (q, Msg::Close | Msg::Answer(false)) if q != Question::Quit => {
                self.nav.mode = Mode::Browse;
                self.session.quit_after_save = false;
                if q == Question::ExternalChange {
                    self.session.disk_changed = false;
                    self.info(
                        "kept your edits; the file on disk differs, so saving will ask first",
                    );
                }
                Vec::new()
            }
            (Question::Quit, Msg::Close) => {
                self.cancel("not quitting");
                Vec::new()
            }
            (Question::Quit, Msg::Answer(yes)) => {
                self.nav.mode = Mode::Browse;
                if self.session.read_only {
                    if yes { vec![Effect::Quit] } else { Vec::new() }
                } else if yes {
                    self.session.quit_after_save = true;
                    self.save()
                } else {
                    vec![Effect::Quit]
                }
            }
            (Question::Overwrite, Msg::Answer(true)) => {
                self.nav.mode = Mode::Browse;
                self.read_to_save_onto()
            }
            (Question::Reload | Question::ExternalChange, Msg::Answer(true)) => {
                self.nav.mode = Mode::Browse;
                self.reload(Purpose::Reload)
            }
            _ => Vec::new(),
        }
    }

    /// The analysis date typed: in force if it is a date, asked again otherwise.
    fn submit_as_of(&mut self, text: String) {
        match Date::parse(text.trim()) {
            Some(d) => {
                self.nav.mode = Mode::Browse;
                self.change(Setting::AsOf(d));
            }
            None => {
                self.notice = Some(Notice::Error(format!(
                    "{:?} is not a date; use YYYY-MM-DD",
                    escape(&text)
                )));
                self.nav.mode = Mode::Ask(Question::AsOf { text });
            }
        }
    }

    /// The reason typed for an accepted risk: the accept is added, unless the reason is empty.
    fn submit_accept(&mut self, q: Question) {
        let Question::AcceptReason {
            control,
            kind,
            place,
            reason,
        } = q
        else {
            return;
        };
        if reason.trim().is_empty() {
            self.notice = Some(Notice::Error(
                "an accepted risk needs a reason; type one, or Esc".into(),
            ));
            return;
        }
        self.nav.mode = Mode::Browse;
        self.accept(Accept {
            control,
            kind,
            place: Some(place),
            reason: reason.trim().to_string(),
            until: None,
            by: None,
            ticket: None,
            line: 0,
        });
    }

    /// Esc on a question: back to browsing, saying what did not happen.
    fn cancel(&mut self, what: &str) {
        self.nav.mode = Mode::Browse;
        self.session.quit_after_save = false;
        self.info(what);
    }

    fn info(&mut self, text: &str) {
        self.notice = Some(Notice::Info(text.to_string()));
    }

    /// `q`: quits, or asks first when edits are unsaved.
    fn quit(&mut self) -> Vec<Effect> {
        if self.session.unsaved() > 0 {
            self.nav.mode = Mode::Ask(Question::Quit);
            Vec::new()
        } else {
            vec![Effect::Quit]
        }
    }

    /// Ctrl-c: like `q`, but a second one quits without saving.
    fn interrupt(&mut self) -> Vec<Effect> {
        if self.nav.mode == Mode::Ask(Question::Quit) || self.session.unsaved() == 0 {
            vec![Effect::Quit]
        } else {
            self.nav.mode = Mode::Ask(Question::Quit);
            Vec::new()
        }
    }

    /// The slow work asked for, now that a frame says it is under way: the save's text, the
    /// blast radius ranking and the fix-first list.
    fn compute(&mut self) -> Vec<Effect> {
        let effects = match self.session.save_pending.take() {
            Some(path) => self.write_now(path),
            None => Vec::new(),
        };
        self.compute_blast();
        self.compute_fix();
        effects
    }
}

/// A count with thousands separated by commas, as people write it.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
