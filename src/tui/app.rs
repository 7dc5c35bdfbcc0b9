//! The explorer's state and its one way to change: `update(Msg)`. Derived state (findings, counts,
//! the flattened tree, the hand-off pane) is recomputed here, and only when what it depends on
//! changed; the view only reads it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ratatui::layout::Rect;

use super::derived::{Baseline, ControlLine, Tally, control_lines, keep};
use super::edit::{self, Change, EntryValue, History, Scope, Setting};
use super::help_text;
use super::inspect::{self, Inspect, Target};
use super::layout::{self, Drawn};
use super::mode::{Listing, Mode, Notice, Pane, Question};
use super::msg::{Field, Msg};
use super::screen::Screen;
use super::search;
use super::theme::Theme;
use super::tree::{EXPAND_LIMIT, Row, RowPath, Tree};
use crate::analysis::{BlastRadius, Finding, Note, Place, Report, WhatIf, analyse, blast_radius};
use crate::date::Date;
use crate::save;
use crate::stack::load::{load_bytes, read_bounded, sha256_hex};
use crate::stack::{Accept, AcceptPlace, ControlIdx, HandoffIdx, PartyIdx, Side, Stack};
use crate::text::escape;

/// How many rows the first screen expands (breadth first), so a big stack opens quickly.
const START_ROWS: usize = 60;

/// A place edited since the last save, whatever field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Edited {
    Entry(HandoffIdx, u32),
    Implements(PartyIdx, ControlIdx),
    /// A new `[[accept]]`, by its position in the stack's list.
    Accept(u32),
}

/// Where a tree row is, in ids rather than indices, so it can be found again after a reload.
type StablePath = (String, Vec<(String, String, Option<String>)>);

/// The whole explorer.
pub struct App {
    stack: Stack,
    what_if: WhatIf,
    report: Report,
    path: Option<PathBuf>,
    saved_text: String,
    saved_stack: Stack,
    read_only: bool,
    theme: Theme,
    tally: Tally,
    baseline: Baseline,
    tree: Tree,
    reach: Vec<bool>,
    inspect: Inspect,
    masked: Option<Stack>,
    mode: Mode,
    focus: Pane,
    zoom: bool,
    filter: bool,
    row: usize,
    row_offset: usize,
    item: usize,
    searcher: Option<search::Searcher>,
    matches: Vec<search::Target>,
    match_at: usize,
    search_from: Option<RowPath>,
    /// Text for the terminal's clipboard, written by the event loop (OSC 52).
    to_copy: Option<String>,
    listing: Listing,
    controls: Vec<ControlLine>,
    blast: Vec<BlastRadius>,
    /// The blast radius was asked for and is computed on `Msg::Compute`, after a frame says so.
    blast_pending: bool,
    /// A save was asked for and is written on `Msg::Compute`, after a frame says so (a big
    /// stack takes seconds to write back and check).
    save_pending: Option<PathBuf>,
    /// The party to select again once the ranking is recomputed.
    blast_for: Option<PartyIdx>,
    /// The cursor and the first line shown in the control or blast radius list.
    line: usize,
    line_offset: usize,
    history: History,
    /// The stack's accepts followed by those added this session and since undone, so that a
    /// redo (`Setting::Accepts`) can put them back; a new accept drops the undone ones.
    accepts: Vec<Accept>,
    edited: HashSet<Edited>,
    notice: Option<Notice>,
    size: Rect,
    /// What the last frame drew where a click needs it back.
    drawn: Drawn,
    quit: bool,
    quit_after_save: bool,
    disk_changed: bool,
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
        let report = analyse(&stack, &what_if);
        let mut app = App {
            tally: Tally::new(&stack, &report),
            baseline: Baseline::new(&report),
            tree: Tree::new(&stack),
            saved_stack: stack.clone(),
            accepts: stack.accepts.clone(),
            stack,
            what_if,
            report,
            path,
            saved_text: text,
            read_only,
            theme,
            reach: Vec::new(),
            inspect: Inspect::default(),
            masked: None,
            mode: Mode::Browse,
            focus: Pane::Tree,
            zoom: false,
            filter: false,
            row: 0,
            row_offset: 0,
            item: 0,
            searcher: None,
            matches: Vec::new(),
            match_at: 0,
            search_from: None,
            to_copy: None,
            listing: Listing::Tree,
            controls: Vec::new(),
            blast: Vec::new(),
            blast_pending: false,
            save_pending: None,
            blast_for: None,
            line: 0,
            line_offset: 0,
            history: History::default(),
            edited: HashSet::new(),
            notice: None,
            size: Rect::new(0, 0, 80, 24),
            drawn: Drawn::default(),
            quit: false,
            quit_after_save: false,
            disk_changed: false,
        };
        app.tree.expand_all(&app.stack, START_ROWS, &|_, _| true);
        app.refresh_tree();
        let first_handoff = app.tree.rows().iter().position(|r| r.handoff.is_some());
        app.select_row(first_handoff.unwrap_or(0));
        app
    }

    // ----- what the view reads ---------------------------------------------------------------

    /// What the views read: the state as one frame shows it.
    #[cfg(test)]
    pub fn screen(&self) -> Screen<'_> {
        Screen {
            theme: self.theme,
            stack: self.masked.as_ref().unwrap_or(&self.stack),
            report: &self.report,
            what_if: &self.what_if,
            tally: &self.tally,
            delta: self.baseline.total,
            tree: &self.tree,
            row: self.row,
            row_offset: self.row_offset,
            listing: self.listing,
            controls: &self.controls,
            blast: &self.blast,
            line: self.line,
            line_offset: self.line_offset,
            inspect: &self.inspect,
            item: self.item,
            mode: &self.mode,
            focus: self.focus,
            zoom: self.zoom,
            filter: self.filter,
            presenter: self.masked.is_some(),
            busy: self.blast_pending || self.save_pending.is_some(),
            notice: self.notice.as_ref(),
            unsaved: self.edited.len(),
            path: self.path.as_deref(),
            read_only: self.read_only,
            search: (self.match_at, self.matches.len()),
        }
    }

    /// What the views draw, and where the drawing records what a click will need back.
    pub fn view(&mut self) -> (Screen<'_>, &mut Drawn) {
        let screen = Screen {
            theme: self.theme,
            stack: self.masked.as_ref().unwrap_or(&self.stack),
            report: &self.report,
            what_if: &self.what_if,
            tally: &self.tally,
            delta: self.baseline.total,
            tree: &self.tree,
            row: self.row,
            row_offset: self.row_offset,
            listing: self.listing,
            controls: &self.controls,
            blast: &self.blast,
            line: self.line,
            line_offset: self.line_offset,
            inspect: &self.inspect,
            item: self.item,
            mode: &self.mode,
            focus: self.focus,
            zoom: self.zoom,
            filter: self.filter,
            presenter: self.masked.is_some(),
            busy: self.blast_pending || self.save_pending.is_some(),
            notice: self.notice.as_ref(),
            unsaved: self.edited.len(),
            path: self.path.as_deref(),
            read_only: self.read_only,
            search: (self.match_at, self.matches.len()),
        };
        (screen, &mut self.drawn)
    }

    /// The stack as shown: masked in presenter mode.
    pub fn shown(&self) -> &Stack {
        self.masked.as_ref().unwrap_or(&self.stack)
    }

    /// The text `y` asked to copy, once: the event loop sends it to the terminal's clipboard.
    pub fn take_copy(&mut self) -> Option<String> {
        self.to_copy.take()
    }

    /// Whether slow work waits for `Msg::Compute` (the screen says it is under way).
    pub fn busy(&self) -> bool {
        self.blast_pending || self.save_pending.is_some()
    }

    /// The mode.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// How many places were edited since the last save.
    pub fn unsaved(&self) -> usize {
        self.edited.len()
    }

    /// The stack file, if there is one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the explorer should end.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    // ----- update ----------------------------------------------------------------------------

    /// Handles one message.
    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.scroll_tree();
                return;
            }
            Msg::FileChanged => {
                self.file_changed();
                return;
            }
            Msg::Interrupt => {
                self.interrupt();
                return;
            }
            Msg::Compute => {
                if let Some(path) = self.save_pending.take() {
                    self.write_now(&path);
                }
                self.compute_blast();
                return;
            }
            Msg::WatchFailed(why) => {
                self.notice = Some(Notice::Error(format!(
                    "not watching the file for outside changes ({why}); r reloads it by hand"
                )));
                return;
            }
            _ => {}
        }
        match self.mode.clone() {
            Mode::Browse => {
                self.notice = None;
                self.browse(msg);
            }
            Mode::Help { scroll } => self.help(msg, scroll),
            Mode::Search { query } => self.search(msg, query),
            Mode::Ask(q) => self.answer(msg, q),
        }
        if self.mode == Mode::Browse && self.disk_changed {
            self.disk_changed = false;
            self.file_changed();
        }
    }

    fn browse(&mut self, msg: Msg) {
        let page = self.page();
        match msg {
            Msg::Up => self.step(-1),
            Msg::Down => self.step(1),
            Msg::PageUp => self.step(-(page as isize)),
            Msg::PageDown => self.step(page as isize),
            Msg::Top => self.step(isize::MIN / 2),
            Msg::Bottom => self.step(isize::MAX / 2),
            Msg::Collapse => self.collapse(),
            Msg::Expand => self.expand(),
            Msg::Toggle => match (self.listing, self.focus) {
                (Listing::Tree, Pane::Tree) => self.toggle_row(),
                (Listing::Tree, Pane::Details) => {}
                (Listing::Controls | Listing::Expiring, Pane::Tree) => self.focus = Pane::Details,
                (Listing::Controls | Listing::Expiring, Pane::Details) => self.jump_to_place(),
                (Listing::BlastRadius, _) => self.jump_to_party(),
            },
            Msg::Controls => self.show(Listing::Controls),
            Msg::BlastRadius => self.show(Listing::BlastRadius),
            Msg::Expiring => self.show(Listing::Expiring),
            Msg::ExpandAll => self.expand_all(),
            Msg::CollapseAll => {
                let root = self.tree.path(self.row).first().copied();
                self.tree.collapse_all();
                self.refresh_tree();
                if let Some(i) = root.and_then(|r| self.tree.find(&[r])) {
                    self.select_row(i);
                }
            }
            Msg::SwitchPane => {
                self.focus = match self.focus {
                    Pane::Tree => Pane::Details,
                    Pane::Details => Pane::Tree,
                };
                // Zoomed, the other pane takes the screen: its height is another.
                self.scroll_tree();
            }
            Msg::Zoom => {
                self.zoom = !self.zoom;
                self.scroll_tree();
            }
            Msg::Presenter => self.toggle_presenter(),
            Msg::Help => self.mode = Mode::Help { scroll: 0 },
            Msg::Close => {
                self.matches.clear();
                if self.listing != Listing::Tree {
                    self.show(Listing::Tree);
                }
            }
            Msg::Search => {
                self.search_from = Some(self.tree.path(self.row));
                self.mode = Mode::Search {
                    query: String::new(),
                };
            }
            Msg::NextMatch => self.next_match(1),
            Msg::PrevMatch => self.next_match(-1),
            Msg::Filter => self.toggle_filter(),
            Msg::Cycle(field) => self.cycle(field),
            Msg::Accept => self.ask_accept(),
            Msg::Copy => self.copy(),
            Msg::Implements(side) => self.implements(side),
            Msg::SwitchOff => self.switch_off(),
            Msg::MinEvidence => self.change(Setting::MinEvidence(edit::next_min_evidence(
                self.what_if.min_evidence,
            ))),
            Msg::AsOf => {
                self.mode = Mode::Ask(Question::AsOf {
                    text: self.what_if.as_of.to_string(),
                });
            }
            Msg::ShiftAsOf(months) => {
                self.change(Setting::AsOf(self.what_if.as_of.add_months(months)));
            }
            Msg::Undo => match self.history.undo() {
                Some(c) => {
                    self.notice = Some(Notice::Info(format!("undone: {}", self.describe(&c))));
                    self.set(c.before);
                }
                None => self.info("nothing to undo"),
            },
            Msg::Redo => match self.history.redo() {
                Some(c) => {
                    self.notice = Some(Notice::Info(format!("redone: {}", self.describe(&c))));
                    self.set(c.after);
                }
                None => self.info("nothing to redo"),
            },
            Msg::Save => self.save(),
            Msg::Reload => {
                if self.path.is_none() {
                    self.info("the built-in demo has no file to reload");
                } else if self.unsaved() > 0 {
                    self.mode = Mode::Ask(Question::Reload);
                } else {
                    self.reload();
                }
            }
            Msg::Quit => {
                if self.unsaved() > 0 {
                    self.mode = Mode::Ask(Question::Quit);
                } else {
                    self.quit = true;
                }
            }
            Msg::Click(x, y) => self.click(x, y),
            Msg::Wheel(up, x, y) => self.wheel(up, x, y),
            Msg::Input(_)
            | Msg::Backspace
            | Msg::Submit
            | Msg::Answer(_)
            | Msg::Resize(..)
            | Msg::FileChanged
            | Msg::WatchFailed(_)
            | Msg::Compute
            | Msg::Interrupt => {}
        }
    }

    fn help(&mut self, msg: Msg, scroll: u16) {
        let max = help_text::line_count(self.size.width, self.theme)
            .saturating_sub(self.size.height.saturating_sub(4));
        let page = self.size.height.saturating_sub(6).max(1);
        let scroll = match msg {
            Msg::Up => scroll.saturating_sub(1),
            Msg::Down => scroll.saturating_add(1),
            Msg::PageUp => scroll.saturating_sub(page),
            Msg::PageDown => scroll.saturating_add(page),
            Msg::Close => {
                self.mode = Mode::Browse;
                return;
            }
            _ => scroll,
        };
        self.mode = Mode::Help {
            scroll: scroll.min(max),
        };
    }

    fn search(&mut self, msg: Msg, mut query: String) {
        match msg {
            Msg::Input(c) => query.push(c),
            Msg::Backspace => {
                query.pop();
            }
            Msg::Submit => {
                self.mode = Mode::Browse;
                if self.matches.is_empty() {
                    self.info("no match");
                }
                return;
            }
            Msg::Close => {
                self.mode = Mode::Browse;
                self.matches.clear();
                if let Some(path) = self.search_from.take() {
                    self.go_to(&path);
                }
                return;
            }
            Msg::NextMatch => return self.next_match(1),
            Msg::PrevMatch => return self.next_match(-1),
            _ => return,
        }
        let shown = self.masked.as_ref().unwrap_or(&self.stack);
        self.matches = self
            .searcher
            .get_or_insert_with(|| search::Searcher::new(shown))
            .find(&query);
        self.match_at = 0;
        if let Some(&t) = self.matches.first() {
            self.jump(t);
        }
        self.mode = Mode::Search { query };
    }

    fn answer(&mut self, msg: Msg, mut q: Question) {
        // Typing into a question that takes text edits the text and keeps asking.
        if let (Some(text), Msg::Input(_) | Msg::Backspace) = (q.text_mut(), &msg) {
            match msg {
                Msg::Input(c) => text.push(c),
                _ => {
                    text.pop();
                }
            }
            self.mode = Mode::Ask(q);
            return;
        }
        match (q, msg) {
            (Question::SaveAs { name }, msg) => match msg {
                Msg::Submit => self.save_as(name.trim()),
                Msg::Close => self.cancel("not saved"),
                _ => {}
            },
            (Question::AsOf { text }, msg) => match msg {
                Msg::Submit => match Date::parse(text.trim()) {
                    Some(d) => {
                        self.mode = Mode::Browse;
                        self.change(Setting::AsOf(d));
                    }
                    None => {
                        self.notice = Some(Notice::Error(format!(
                            "{:?} is not a date; use YYYY-MM-DD",
                            escape(&text)
                        )));
                        self.mode = Mode::Ask(Question::AsOf { text });
                    }
                },
                Msg::Close => self.cancel("analysis date unchanged"),
                _ => {}
            },
            (
                Question::AcceptReason {
                    control,
                    kind,
                    place,
                    reason,
                },
                msg,
            ) => match msg {
                Msg::Submit if reason.trim().is_empty() => {
                    self.notice = Some(Notice::Error(
                        "an accepted risk needs a reason; type one, or Esc".into(),
                    ));
                }
                Msg::Submit => {
                    self.mode = Mode::Browse;
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
                Msg::Close => self.cancel("not accepted"),
                _ => {}
            },
            (q, Msg::Close | Msg::Answer(false)) if q != Question::Quit => {
                self.mode = Mode::Browse;
                self.quit_after_save = false;
                if q == Question::ExternalChange {
                    self.disk_changed = false;
                    self.info(
                        "kept your edits; the file on disk differs, so saving will ask first",
                    );
                }
            }
            (Question::Quit, Msg::Close) => self.cancel("not quitting"),
            (Question::Quit, Msg::Answer(yes)) => {
                self.mode = Mode::Browse;
                if self.read_only {
                    self.quit = yes;
                } else if yes {
                    self.quit_after_save = true;
                    self.save();
                } else {
                    self.quit = true;
                }
            }
            (Question::Overwrite, Msg::Answer(true)) => {
                self.mode = Mode::Browse;
                if let Some(path) = self.path.clone() {
                    self.write(&path);
                }
            }
            (Question::Reload | Question::ExternalChange, Msg::Answer(true)) => {
                self.mode = Mode::Browse;
                self.reload();
            }
            _ => {}
        }
    }

    fn cancel(&mut self, what: &str) {
        self.mode = Mode::Browse;
        self.quit_after_save = false;
        self.info(what);
    }

    fn info(&mut self, text: &str) {
        self.notice = Some(Notice::Info(text.to_string()));
    }

    fn interrupt(&mut self) {
        if self.mode == Mode::Ask(Question::Quit) || self.unsaved() == 0 {
            self.quit = true;
        } else {
            self.mode = Mode::Ask(Question::Quit);
        }
    }

    // ----- moving around ---------------------------------------------------------------------

    /// Rows or lines per page in the focused pane.
    fn page(&self) -> usize {
        layout::page(self.size, self.zoom, self.focus)
    }

    fn step(&mut self, by: isize) {
        match self.focus {
            Pane::Tree if self.listing != Listing::Tree => {
                let last = self.listing_len().saturating_sub(1) as isize;
                self.select_line((self.line as isize).saturating_add(by).clamp(0, last) as usize);
            }
            Pane::Tree => {
                let last = self.tree.rows().len().saturating_sub(1) as isize;
                self.select_row((self.row as isize).saturating_add(by).clamp(0, last) as usize);
            }
            Pane::Details => {
                let last = self.inspect.items.len().saturating_sub(1) as isize;
                self.item = (self.item as isize).saturating_add(by).clamp(0, last) as usize;
            }
        }
    }

    fn select_row(&mut self, i: usize) {
        let old = self.tree.rows().get(self.row).map(|r| (r.party, r.handoff));
        self.row = i.min(self.tree.rows().len().saturating_sub(1));
        self.scroll_tree();
        let new = self.tree.rows().get(self.row).map(|r| (r.party, r.handoff));
        if old != new || self.inspect.title.is_empty() {
            self.item = 0;
        }
        self.rebuild_inspect();
    }

    /// Shows the tree, the control view or the blast radius view in the left pane; asking
    /// for the one shown goes back to the tree.
    fn show(&mut self, listing: Listing) {
        let listing = if self.listing == listing {
            Listing::Tree
        } else {
            listing
        };
        self.listing = listing;
        self.blast_pending = false;
        self.focus = Pane::Tree;
        self.line = 0;
        self.line_offset = 0;
        match listing {
            Listing::Tree => self.rebuild_inspect(),
            Listing::Controls => {
                self.controls = control_lines(&self.report);
                self.select_line(0);
            }
            Listing::BlastRadius => {
                self.blast.clear();
                self.blast_for = None;
                self.blast_pending = true;
                self.rebuild_inspect();
            }
            Listing::Expiring => self.select_line(0),
        }
    }

    /// How many lines the listing in the left pane has (the tree's rows aside).
    fn listing_len(&self) -> usize {
        match self.listing {
            Listing::Tree => self.tree.rows().len(),
            Listing::Controls => self.controls.len(),
            Listing::BlastRadius => self.blast.len(),
            Listing::Expiring => self.report.expiry_notes.len(),
        }
    }

    /// Ranks the parties by blast radius, keeping the selected party selected.
    fn compute_blast(&mut self) {
        if !std::mem::take(&mut self.blast_pending) || self.listing != Listing::BlastRadius {
            return;
        }
        let at = self.blast_for;
        let started = std::time::Instant::now();
        self.blast = blast_radius(&self.stack, &self.what_if);
        let took = started.elapsed();
        let line = at
            .and_then(|p| self.blast.iter().position(|b| b.party == p))
            .unwrap_or(0);
        self.select_line(line);
        // Only worth a word when it was slow enough to see the "computing" frame.
        if took.as_millis() >= 200 {
            self.info(&format!(
                "blast radius of {} parties computed in {:.1} s",
                thousands(self.blast.len()),
                took.as_secs_f64()
            ));
        }
    }

    /// Recomputes the open list after the findings changed, keeping its selection.
    fn refresh_listing(&mut self) {
        match self.listing {
            Listing::Tree => {}
            Listing::Controls => {
                let at = self.controls.get(self.line).map(|l| l.control);
                self.controls = control_lines(&self.report);
                self.line = at
                    .and_then(|c| self.controls.iter().position(|l| l.control == c))
                    .unwrap_or(0);
            }
            Listing::BlastRadius => {
                // Recomputed after the next frame, which says so: it can take seconds.
                if !self.blast_pending {
                    self.blast_for = self.blast.get(self.line).map(|b| b.party);
                }
                self.blast.clear();
                self.blast_pending = true;
            }
            // The notes were recomputed with the report; keep the line in range.
            Listing::Expiring => {
                self.line = self.line.min(self.listing_len().saturating_sub(1));
            }
        }
    }

    fn select_line(&mut self, i: usize) {
        let old = self.line;
        self.line = i;
        let height = layout::list_height(self.size, self.zoom, self.focus);
        if self.line < self.line_offset {
            self.line_offset = self.line;
        } else if self.line >= self.line_offset + height {
            self.line_offset = self.line + 1 - height;
        }
        if old != i || self.inspect.title.is_empty() {
            self.item = 0;
        }
        self.rebuild_inspect();
    }

    /// From the control view: the selected place, in the tree.
    fn jump_to_place(&mut self) {
        let Some(it) = self.inspect.items.get(self.item) else {
            return;
        };
        let (target, control) = (it.target, it.control);
        let path = match target {
            Target::Entry { handoff, .. } => {
                let p = self.stack.handoff(handoff).provider;
                self.tree.path_to(&self.stack, p, Some(handoff))
            }
            Target::Requirement { party } => self.tree.path_to(&self.stack, party, None),
        };
        self.go_to(&path);
        self.focus = Pane::Details;
        if let Some(i) = self
            .inspect
            .items
            .iter()
            .position(|it| it.target == target && it.control == control)
        {
            self.item = i;
        }
    }

    /// From the blast radius view: the selected party's first row in the tree.
    fn jump_to_party(&mut self) {
        let Some(b) = self.blast.get(self.line) else {
            return;
        };
        let path = self.tree.path_to(&self.stack, b.party, None);
        self.go_to(&path);
    }

    fn scroll_tree(&mut self) {
        let height = layout::list_height(self.size, self.zoom, self.focus);
        if self.row < self.row_offset {
            self.row_offset = self.row;
        } else if self.row >= self.row_offset + height {
            self.row_offset = self.row + 1 - height;
        }
        let max = self.tree.rows().len().saturating_sub(height);
        self.row_offset = self.row_offset.min(max);
    }

    fn collapse(&mut self) {
        if self.focus == Pane::Details {
            self.focus = Pane::Tree;
            return;
        }
        let Some(row) = self.tree.rows().get(self.row) else {
            return;
        };
        if row.expanded {
            self.toggle_row();
        } else if let Some(parent) = row.parent {
            self.select_row(parent as usize);
        }
    }

    fn expand(&mut self) {
        if self.focus == Pane::Details {
            return;
        }
        let Some(row) = self.tree.rows().get(self.row) else {
            return;
        };
        if row.expanded {
            if self
                .tree
                .rows()
                .get(self.row + 1)
                .is_some_and(|r| r.depth > row.depth)
            {
                self.select_row(self.row + 1);
            }
        } else if row.has_children {
            self.toggle_row();
        } else if row.cycle {
            self.info("the cycle is cut here: this party already appears above on this path");
        }
    }

    fn toggle_row(&mut self) {
        let Some(row) = self.tree.rows().get(self.row) else {
            return;
        };
        if !row.has_children {
            return;
        }
        let on = !row.expanded;
        let path = self.tree.path(self.row);
        self.tree.set_expanded(&path, on);
        self.refresh_tree();
    }

    fn expand_all(&mut self) {
        let stopped = {
            let (tally, reach, filter) = (&self.tally, &self.reach, self.filter);
            self.tree.expand_all(&self.stack, EXPAND_LIMIT, &|h, p| {
                !filter || keep(tally, reach, h, p)
            })
        };
        self.refresh_tree();
        if stopped {
            self.info(&format!(
                "expand all stopped at {} rows; expand further rows one by one (l)",
                thousands(EXPAND_LIMIT)
            ));
        }
    }

    /// Rebuilds the visible rows after expansion, filter or data changed, keeping the selection
    /// on the same path (or the nearest row above it that still exists).
    fn refresh_tree(&mut self) {
        let selected = if self.tree.rows().is_empty() {
            Vec::new()
        } else {
            self.tree.path(self.row)
        };
        {
            let (tally, reach, filter) = (&self.tally, &self.reach, self.filter);
            self.tree
                .rebuild(&self.stack, &|h, p| !filter || keep(tally, reach, h, p));
        }
        let mut path = selected.as_slice();
        let found = loop {
            if let Some(i) = self.tree.find(path) {
                break i;
            }
            match path.split_last() {
                Some((_, rest)) if !rest.is_empty() => path = rest,
                _ => break 0,
            }
        };
        self.select_row(found);
        if self.tree.truncated() {
            self.info("the tree is too large to list every expanded row; collapse some (-)");
        }
    }

    /// Selects a row by path, revealing it; turns the filter off if it hides the row.
    fn go_to(&mut self, path: &[u32]) {
        self.listing = Listing::Tree;
        self.blast_pending = false;
        self.focus = Pane::Tree;
        self.tree.reveal(path);
        self.refresh_tree();
        if self.tree.find(path).is_none() && self.filter {
            self.filter = false;
            self.refresh_tree();
            self.info("filter off, to show the match");
        }
        if let Some(i) = self.tree.find(path) {
            self.select_row(i);
        }
    }

    fn jump(&mut self, t: search::Target) {
        let ix = self.stack.index();
        let (path, item) = match t {
            search::Target::Party(p) => (self.tree.path_to(&self.stack, p, None), None),
            search::Target::Handoff(h) => {
                let p = self.stack.handoff(h).provider;
                (self.tree.path_to(&self.stack, p, Some(h)), None)
            }
            search::Target::Control(c) => match ix.entries_of[c as usize].first() {
                Some(&(h, e)) => {
                    let p = self.stack.handoff(h).provider;
                    let path = self.tree.path_to(&self.stack, p, Some(h));
                    (
                        path,
                        Some(Target::Entry {
                            handoff: h,
                            entry: e,
                        }),
                    )
                }
                None => match ix.requirers[c as usize].first() {
                    Some(&p) => (
                        self.tree.path_to(&self.stack, p, None),
                        Some(Target::Requirement { party: p }),
                    ),
                    None => return,
                },
            },
        };
        self.go_to(&path);
        if let (Some(target), search::Target::Control(c)) = (item, t)
            && let Some(i) = self
                .inspect
                .items
                .iter()
                .position(|it| it.target == target && it.control == c)
        {
            self.item = i;
        }
    }

    fn next_match(&mut self, by: isize) {
        if self.matches.is_empty() {
            self.info("no search; press / to search");
            return;
        }
        let n = self.matches.len() as isize;
        self.match_at = ((self.match_at as isize + by).rem_euclid(n)) as usize;
        self.jump(self.matches[self.match_at]);
    }

    fn toggle_filter(&mut self) {
        self.filter = !self.filter;
        if self.filter {
            self.compute_reach();
            self.expand_all();
            if self.tree.rows().is_empty() {
                self.info("filter: no findings anywhere; f shows everything again");
            } else if self.notice.is_none() {
                self.info("filter: only rows with findings and the rows above them; f shows all");
            }
        } else {
            self.refresh_tree();
        }
    }

    /// Which parties have a finding in their own requirements or anywhere below them.
    fn compute_reach(&mut self) {
        let stack = &self.stack;
        let n = stack.parties.len();
        let mut reach = vec![false; n];
        let mut todo = Vec::new();
        for (p, r) in reach.iter_mut().enumerate() {
            let own = self.tally.at_party(p as PartyIdx) != [0, 0];
            let at = stack.index().consumes[p]
                .iter()
                .any(|&h| self.tally.at_handoff(h) != [0, 0]);
            if own || at {
                *r = true;
                todo.push(p);
            }
        }
        while let Some(p) = todo.pop() {
            for &h in &stack.index().provides[p] {
                let c = stack.handoff(h).consumer as usize;
                if !reach[c] {
                    reach[c] = true;
                    todo.push(c);
                }
            }
        }
        self.reach = reach;
    }

    fn click(&mut self, x: u16, y: u16) {
        let areas = layout::areas(self.size, self.zoom, self.focus);
        let inside = |r: Rect| x > r.x && x + 1 < r.right() && y > r.y && y + 1 < r.bottom();
        if inside(areas.tree) && self.listing != Listing::Tree {
            self.focus = Pane::Tree;
            let i = self.line_offset + (y - areas.tree.y - 1) as usize;
            if i < self.listing_len() {
                self.select_line(i);
            }
        } else if inside(areas.tree) {
            self.focus = Pane::Tree;
            let i = self.row_offset + (y - areas.tree.y - 1) as usize;
            if i == self.row {
                self.toggle_row();
            } else if i < self.tree.rows().len() {
                self.select_row(i);
            }
        } else if inside(areas.details) {
            // The line under the pointer as drawn: a preview while the tree had the focus.
            let at = self.drawn.details_item_at(y);
            self.focus = Pane::Details;
            if let Some(i) = at {
                self.item = i;
            }
        }
    }

    fn wheel(&mut self, up: bool, x: u16, y: u16) {
        let areas = layout::areas(self.size, self.zoom, self.focus);
        let at = Rect::new(x, y, 1, 1);
        if areas.tree.intersects(at) {
            self.focus = Pane::Tree;
        } else if areas.details.intersects(at) {
            self.focus = Pane::Details;
        }
        self.step(if up { -3 } else { 3 });
    }

    // ----- the hand-off pane -----------------------------------------------------------------

    fn rebuild_inspect(&mut self) {
        let keep = self
            .inspect
            .items
            .get(self.item)
            .map(|it| (it.target, it.control));
        let stack = self.masked.as_ref().unwrap_or(&self.stack);
        self.inspect = match self.listing {
            Listing::Tree => inspect::build(
                stack,
                &self.report,
                &self.what_if,
                self.tree.rows().get(self.row),
                self.theme,
            ),
            Listing::Controls => match self.controls.get(self.line) {
                Some(l) => inspect::build_control(
                    stack,
                    &self.report,
                    &self.what_if,
                    l.control,
                    self.theme,
                ),
                None => Inspect::default(),
            },
            Listing::BlastRadius => match self.blast.get(self.line) {
                Some(b) => {
                    let root = Row {
                        depth: 0,
                        party: b.party,
                        handoff: None,
                        parent: None,
                        has_children: false,
                        expanded: false,
                        cycle: false,
                    };
                    let mut ins =
                        inspect::build(stack, &self.report, &self.what_if, Some(&root), self.theme);
                    ins.facts.insert(
                        0,
                        format!(
                            "if {} failed, {} more place{} would be gaps (its own needs aside); Enter shows it in the tree",
                            escape(&stack.party(b.party).id),
                            b.gaps_added,
                            if b.gaps_added == 1 { "" } else { "s" }
                        ),
                    );
                    ins
                }
                None => Inspect::default(),
            },
            Listing::Expiring => match self.report.expiry_notes.get(self.line) {
                Some(Note::EvidenceExpiring(x)) => {
                    inspect::build_expiring(stack, &self.report, &self.what_if, x, self.theme)
                }
                _ => Inspect::default(),
            },
        };
        if let Some(k) = keep
            && let Some(i) = self
                .inspect
                .items
                .iter()
                .position(|it| (it.target, it.control) == k)
        {
            self.item = i;
        }
        self.item = self.item.min(self.inspect.items.len().saturating_sub(1));
    }

    fn toggle_presenter(&mut self) {
        self.searcher = None;
        self.masked = match self.masked {
            Some(_) => None,
            None => Some(mask(&self.stack)),
        };
        self.rebuild_inspect();
        if self.masked.is_some() {
            self.info(
                "presenter mode: party names masked as layer#number, key hints hidden; p ends it",
            );
        }
    }

    // ----- edits and what-ifs ----------------------------------------------------------------

    /// The selected control, if the hand-off pane has the focus.
    fn selected_item(&mut self) -> Option<(Target, ControlIdx)> {
        if self.focus != Pane::Details {
            self.info("edits apply to a control: press Tab to move to the hand-off pane");
            return None;
        }
        let it = self
            .inspect
            .items
            .get(self.item)
            .map(|it| (it.target, it.control));
        if it.is_none() {
            self.info("no control here to edit");
        }
        it
    }

    fn cycle(&mut self, field: Field) {
        let Some((target, _)) = self.selected_item() else {
            return;
        };
        let Target::Entry { handoff, entry } = target else {
            self.info("a requirement has no owner or evidence; edit it where a hand-off lists it, or press i");
            return;
        };
        let e = &self.stack.handoff(handoff).entries[entry as usize];
        let value = match field {
            Field::Assumed => EntryValue::Assumed(edit::next_owner(e.assumed)),
            Field::Agreed => EntryValue::Agreed(edit::next_owner(e.agreed)),
            Field::Evidence => {
                EntryValue::Evidence(edit::next_evidence(&self.stack, e.control, &e.evidence))
            }
        };
        self.change(Setting::Entry {
            handoff,
            entry,
            value,
        });
    }

    fn implements(&mut self, side: Side) {
        let Some((target, control)) = self.selected_item() else {
            return;
        };
        let party = match target {
            Target::Entry { handoff, .. } => {
                let h = self.stack.handoff(handoff);
                match side {
                    Side::Provider => h.provider,
                    Side::Consumer => h.consumer,
                }
            }
            Target::Requirement { party } => party,
        };
        let on = !self.stack.party(party).implements_control(control);
        self.change(Setting::Implements { party, control, on });
    }

    /// Asks for the reason to accept the selected control's first open finding.
    fn ask_accept(&mut self) {
        let Some((target, control)) = self.selected_item() else {
            return;
        };
        let at = |f: &&Finding| match target {
            Target::Entry { handoff, .. } => f.handoff() == Some(handoff),
            Target::Requirement { party } => f.place == Place::Party(party),
        };
        let open = self.report.by_control[control as usize]
            .iter()
            .filter(at)
            .find(|f| f.accepted.is_none());
        let Some(f) = open else {
            self.info("no open gap or warning here to accept (a requirement's gaps at a hand-off are accepted there)");
            return;
        };
        let place = match f.place {
            Place::Handoff { handoff, .. } => AcceptPlace::Handoff(handoff),
            Place::Party(p) => AcceptPlace::Party(p),
        };
        self.mode = Mode::Ask(Question::AcceptReason {
            control,
            kind: f.kind,
            place,
            reason: String::new(),
        });
    }

    /// Copies the selected control's finding (the first open one) as a line of Markdown.
    fn copy(&mut self) {
        let Some(it) = self.inspect.items.get(self.item) else {
            self.info("nothing selected to copy");
            return;
        };
        let (target, control) = (it.target, it.control);
        let at = |f: &&Finding| match target {
            Target::Entry { handoff, .. } => f.handoff() == Some(handoff),
            Target::Requirement { party } => f.place == Place::Party(party),
        };
        let fs = &self.report.by_control[control as usize];
        let Some(f) = fs
            .iter()
            .filter(at)
            .find(|f| f.accepted.is_none())
            .or_else(|| fs.iter().find(at))
        else {
            self.info("no gap or warning here to copy");
            return;
        };
        let text = inspect::finding_markdown(self.shown(), &self.report, f);
        let shown = layout::fit(&text, 60, self.theme.ellipsis());
        self.to_copy = Some(text);
        self.info(&format!(
            "copied (OSC 52; in tmux needs set-clipboard on): {shown}"
        ));
    }

    /// Appends an accepted risk to the stack, as an undoable edit.
    fn accept(&mut self, a: Accept) {
        let n = self.stack.accepts.len();
        self.accepts.truncate(n);
        self.accepts.push(a);
        self.change(Setting::Accepts(n as u32 + 1));
    }

    fn switch_off(&mut self) {
        let party = match self.listing {
            Listing::BlastRadius => self.blast.get(self.line).map(|b| b.party),
            _ => self.tree.rows().get(self.row).map(|r| r.party),
        };
        let Some(party) = party else {
            return;
        };
        let off = !self.what_if.is_off(party);
        self.change(Setting::Off { party, off });
    }

    /// Makes a change and records it for undo.
    fn change(&mut self, after: Setting) {
        let before = after.current(&self.stack, &self.what_if);
        if before == after {
            return;
        }
        let c = Change {
            before,
            after: after.clone(),
        };
        self.notice = Some(Notice::Info(self.describe(&c)));
        self.history.push(c);
        self.set(after);
    }

    /// Puts a setting in force and recomputes what depends on it: one control for an edit,
    /// everything for a what-if.
    fn set(&mut self, s: Setting) {
        if let Setting::Accepts(n) = s {
            let n = (n as usize).min(self.accepts.len());
            self.stack.accepts = self.accepts[..n].to_vec();
            if let Some(m) = self.masked.as_mut() {
                m.accepts = mask_accepts(&self.stack.accepts);
            }
        }
        let scope = s.apply(&mut self.stack, &mut self.what_if);
        if let (true, Some(m)) = (s.is_edit(), self.masked.as_mut()) {
            s.apply(m, &mut self.what_if);
        }
        match scope {
            Scope::Control(c) => {
                for f in &self.report.by_control[c as usize] {
                    self.tally.count(f, false);
                }
                self.report.reanalyse_control(&self.stack, &self.what_if, c);
                for f in &self.report.by_control[c as usize] {
                    self.tally.count(f, true);
                }
                self.baseline
                    .control(c, &self.report.by_control[c as usize]);
            }
            Scope::Everything => {
                self.report = analyse(&self.stack, &self.what_if);
                self.tally = Tally::new(&self.stack, &self.report);
                self.baseline.all(&self.report);
            }
        }
        match s {
            Setting::Entry { handoff, entry, .. } => {
                self.mark_edited(Edited::Entry(handoff, entry), s)
            }
            Setting::Implements { party, control, .. } => {
                self.mark_edited(Edited::Implements(party, control), s)
            }
            Setting::Accepts(n) => {
                // Each accept added since the save is one edited place.
                let saved = self.saved_stack.accepts.len() as u32;
                self.edited
                    .retain(|e| !matches!(e, Edited::Accept(i) if *i >= n));
                self.edited.extend((saved..n).map(Edited::Accept));
            }
            Setting::Off { .. } | Setting::MinEvidence(_) | Setting::AsOf(_) => {}
        }
        self.refresh_listing();
        if self.filter {
            self.compute_reach();
            self.refresh_tree();
        } else {
            self.rebuild_inspect();
        }
    }

    fn mark_edited(&mut self, place: Edited, s: Setting) {
        if s.matches(&self.stack, &self.saved_stack) {
            self.edited.remove(&place);
        } else {
            self.edited.insert(place);
        }
    }

    /// A change in words, for the status line.
    fn describe(&self, c: &Change) -> String {
        let stack = self.shown();
        let arrow = self.theme.arrow();
        let unset = self.theme.unset();
        let owner = |o: Option<crate::stack::Owner>| o.map_or(unset, |o| o.as_str());
        let ev = |e: &crate::stack::Cites| -> String {
            if e.is_written() {
                let items: Vec<&str> = e
                    .items()
                    .iter()
                    .map(|c| c.as_str(&stack.documents))
                    .collect();
                escape(&items.join(", ")).into_owned()
            } else {
                "default".into()
            }
        };
        let owner = |o: Option<crate::stack::Owner>| owner(o).to_string();
        let place = |h: HandoffIdx| {
            let h = stack.handoff(h);
            format!(
                "{} {arrow} {}",
                escape(&stack.party(h.consumer).id),
                escape(&stack.party(h.provider).id)
            )
        };
        match (c.before.clone(), c.after.clone()) {
            (
                Setting::Entry { value: before, .. },
                Setting::Entry {
                    handoff,
                    entry,
                    value: after,
                },
            ) => {
                let control = stack.handoff(handoff).entries[entry as usize].control;
                let (field, from, to) = match (before, after) {
                    (EntryValue::Assumed(a), EntryValue::Assumed(b)) => {
                        ("assumed", owner(a), owner(b))
                    }
                    (EntryValue::Agreed(a), EntryValue::Agreed(b)) => {
                        ("agreed", owner(a), owner(b))
                    }
                    (EntryValue::Evidence(a), EntryValue::Evidence(b)) => {
                        ("evidence", ev(&a), ev(&b))
                    }
                    _ => ("", String::new(), String::new()),
                };
                format!(
                    "{} at {}: {field} {from} {arrow} {to}",
                    escape(&stack.control(control).id),
                    place(handoff)
                )
            }
            (_, Setting::Implements { party, control, on }) => format!(
                "{} {} {}",
                escape(&stack.party(party).id),
                if on {
                    "implements"
                } else {
                    "no longer implements"
                },
                escape(&stack.control(control).id)
            ),
            (_, Setting::Off { party, off }) => format!(
                "what-if: {} switched {}",
                escape(&stack.party(party).id),
                if off { "off" } else { "on" }
            ),
            (_, Setting::MinEvidence(m)) => format!(
                "what-if: minimum evidence {}",
                m.map_or_else(
                    || format!("{} (the stack's own)", self.stack.min_evidence),
                    |m| m.to_string()
                )
            ),
            (_, Setting::AsOf(d)) => format!("what-if: analysis date {d}"),
            (Setting::Accepts(before), Setting::Accepts(after)) => {
                // The accept moved is always at the smaller count, in the session's list.
                let moved = self.accepts.get(before.min(after) as usize);
                let what = moved.map_or_else(String::new, |a| {
                    format!(
                        " the {} risk on {}",
                        a.kind.as_str(),
                        escape(&stack.control(a.control).id)
                    )
                });
                if after > before {
                    format!("accepted{what}")
                } else {
                    format!("no longer accepted:{what}")
                }
            }
            _ => String::new(),
        }
    }

    // ----- files -----------------------------------------------------------------------------

    fn save(&mut self) {
        if self.read_only {
            self.quit_after_save = false;
            self.info("read-only (--read-only): saving is disabled");
            return;
        }
        let Some(path) = self.path.clone() else {
            self.mode = Mode::Ask(Question::SaveAs {
                name: String::new(),
            });
            return;
        };
        if self.unsaved() == 0 {
            self.info("no unsaved edits");
            if self.quit_after_save {
                self.quit = true;
            }
            return;
        }
        match save::changed_on_disk(&path, &self.saved_stack.source.sha256) {
            Ok(false) => self.write(&path),
            Ok(true) => self.mode = Mode::Ask(Question::Overwrite),
            Err(e) => {
                self.quit_after_save = false;
                self.notice = Some(Notice::Error(format!(
                    "cannot read {} to check it: {e}",
                    escape(&path.display().to_string())
                )));
            }
        }
    }

    fn save_as(&mut self, name: &str) {
        if name.is_empty() {
            self.notice = Some(Notice::Error("type a file name, or Esc".into()));
            return;
        }
        let path = PathBuf::from(name);
        if path.symlink_metadata().is_ok() {
            self.notice = Some(Notice::Error(format!(
                "{} exists: choose another name",
                escape(name)
            )));
            return;
        }
        self.mode = Mode::Browse;
        self.write(&path);
    }

    /// Saves to `path` once a frame has said so.
    fn write(&mut self, path: &Path) {
        self.notice = Some(Notice::Info(format!(
            "saving {}…",
            escape(&path.display().to_string())
        )));
        self.save_pending = Some(path.to_path_buf());
    }

    /// Writes the edits to `path`; on success that file becomes the baseline.
    fn write_now(&mut self, path: &Path) {
        let quit = std::mem::take(&mut self.quit_after_save);
        let result = save::write_back(&self.saved_text, &self.saved_stack, &self.stack)
            .and_then(|text| save::atomic_write(path, text.as_bytes()).map(|()| text));
        match result {
            Ok(text) => {
                let sha = sha256_hex(text.as_bytes());
                let name = path.display().to_string();
                for s in [&mut self.stack, &mut self.saved_stack] {
                    s.source.sha256 = sha.clone();
                    s.source.name = name.clone();
                }
                let n = self.edited.len();
                self.saved_stack = self.stack.clone();
                self.saved_text = text;
                self.edited.clear();
                self.path = Some(path.to_path_buf());
                self.notice = Some(Notice::Info(format!(
                    "saved {} ({n} edited {})",
                    escape(&name),
                    if n == 1 { "place" } else { "places" }
                )));
                self.quit = quit;
            }
            Err(e) => self.notice = Some(Notice::Error(e.to_string())),
        }
    }

    fn file_changed(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        match save::changed_on_disk(&path, &self.saved_stack.source.sha256) {
            Ok(true) => {}
            Ok(false) | Err(_) => return,
        }
        if self.unsaved() == 0 {
            self.reload();
            if !matches!(self.notice, Some(Notice::Error(_))) {
                self.info("the file changed on disk: reloaded");
            }
        } else if self.mode == Mode::Browse {
            self.mode = Mode::Ask(Question::ExternalChange);
        } else if self.mode != Mode::Ask(Question::ExternalChange) {
            // Asked once the question or overlay in front is answered.
            self.disk_changed = true;
        }
    }

    /// Reloads the file; a file that fails to load leaves the last good stack in place.
    fn reload(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        match read_stack(&path) {
            Ok((stack, text)) => {
                self.replace_stack(stack, text);
                self.info("reloaded from disk (a new undo history starts)");
            }
            Err(e) => {
                let shown = e.lines().next().unwrap_or_default().to_string();
                self.notice = Some(Notice::Error(format!(
                    "{shown} (still showing the last good version)"
                )));
            }
        }
    }

    /// Puts a freshly loaded stack in place, keeping the what-ifs, the expansion and the
    /// selection wherever they still exist.
    fn replace_stack(&mut self, stack: Stack, text: String) {
        let selected =
            (!self.tree.rows().is_empty()).then(|| stable(&self.stack, &self.tree.path(self.row)));
        let expanded: Vec<StablePath> = self
            .tree
            .expanded_paths()
            .iter()
            .map(|p| stable(&self.stack, p))
            .collect();
        let mut what_if = WhatIf::new(&stack, self.what_if.as_of);
        what_if.min_evidence = self.what_if.min_evidence;
        for p in self.what_if.without() {
            if let Some(q) = stack.party_id(&self.stack.party(p).id) {
                what_if.set_off(q, true);
            }
        }
        self.report = analyse(&stack, &what_if);
        self.tally = Tally::new(&stack, &self.report);
        self.baseline = Baseline::new(&self.report);
        self.tree = Tree::new(&stack);
        for p in &expanded {
            if let Some(path) = unstable(&stack, p) {
                self.tree.set_expanded(&path, true);
            }
        }
        self.saved_stack = stack.clone();
        self.masked = self.masked.as_ref().map(|_| mask(&stack));
        self.searcher = None;
        self.stack = stack;
        self.what_if = what_if;
        self.saved_text = text;
        self.history = History::default();
        self.accepts = self.stack.accepts.clone();
        self.edited.clear();
        self.matches.clear();
        if self.filter {
            self.compute_reach();
        }
        self.refresh_listing();
        self.line = self.line.min(self.listing_len().saturating_sub(1));
        self.refresh_tree();
        if let Some(path) = selected.and_then(|s| unstable(&self.stack, &s)) {
            self.go_to(&path);
        }
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

fn stable(stack: &Stack, path: &[u32]) -> StablePath {
    let root = path
        .first()
        .map(|&p| stack.party(p).id.clone())
        .unwrap_or_default();
    let hops = path
        .iter()
        .skip(1)
        .map(|&h| {
            let h = stack.handoff(h);
            (
                stack.party(h.consumer).id.clone(),
                stack.party(h.provider).id.clone(),
                h.service.clone(),
            )
        })
        .collect();
    (root, hops)
}

fn unstable(stack: &Stack, (root, hops): &StablePath) -> Option<RowPath> {
    let mut path = vec![stack.party_id(root)?];
    for (c, p, service) in hops {
        let c = stack.party_id(c)?;
        let p = stack.party_id(p)?;
        let h = stack.index().consumes[c as usize]
            .iter()
            .copied()
            .find(|&h| {
                let ho = stack.handoff(h);
                ho.provider == p && ho.service == *service
            })?;
        path.push(h);
    }
    Some(path)
}

/// A copy of the stack for screenshots: party ids and names become `layer#n`, and the free texts
/// that name them (agreements, notes, the stack's name, accepted-risk details) are hidden. Its
/// id lookups are stale, so it is only ever read by index.
fn mask(stack: &Stack) -> Stack {
    let mut m = stack.clone();
    let mut counters: std::collections::HashMap<Option<u32>, u32> = Default::default();
    for p in &mut m.parties {
        let n = counters.entry(p.layer).or_default();
        *n += 1;
        let layer = p
            .layer
            .map_or("party", |l| stack.layers[l as usize].id.as_str());
        p.id = format!("{layer}#{n}");
        p.name = p.id.clone();
        p.notes = None;
    }
    for h in &mut m.handoffs {
        h.agreement = None;
    }
    m.accepts = mask_accepts(&stack.accepts);
    m.name = "(presenter mode)".into();
    m.description = None;
    m
}

/// Accepted risks with their free texts hidden, for presenter mode.
fn mask_accepts(accepts: &[Accept]) -> Vec<Accept> {
    let mut out = accepts.to_vec();
    for a in &mut out {
        a.reason = "(hidden in presenter mode)".into();
        a.by = None;
        a.ticket = None;
    }
    out
}

/// Reads and loads a stack file, keeping its text for format-preserving saves.
pub fn read_stack(path: &Path) -> Result<(Stack, String), String> {
    let bytes = read_bounded(path).map_err(|e| e.to_string())?;
    let base = path.parent().unwrap_or(Path::new(""));
    let stack =
        load_bytes(&bytes, &path.display().to_string(), Some(base)).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    Ok((stack, text))
}
