//! The stack file, through effects: saving (checking first that nobody changed the file on
//! disk, or that a new name is free; then, after a frame saying so, writing it), reloading, and
//! changes made on disk by someone else. Each step returns the effect it needs and resumes
//! on its answer (`Msg::Checked`, `NameChecked`, `Written`, `Loaded`).
//!
//! Saving over a file that changed on disk never writes the old text back: the file is read
//! as it now is and the edited places are applied onto it (`Session::onto`), asking which
//! version to keep where a place changed on both sides.

use std::path::PathBuf;

use super::App;
use crate::stack::Stack;
use crate::stack::load::sha256_hex;
use crate::text::escape;
use crate::tui::effect::{Disk, Effect};
use crate::tui::mode::{Mode, Notice, Question};
use crate::tui::msg::{Loaded, Purpose};
use crate::tui::session::{Onto, Session};
use crate::tui::tree::RowPath;

/// Where a tree row is, in ids rather than indices, so it can be found again after a reload.
type StablePath = (String, Vec<(String, String, Option<String>)>);

impl App {
    /// `w`: saves, asking for a name for the demo; the file is checked on disk first.
    pub(super) fn save(&mut self) -> Vec<Effect> {
        if self.session.read_only {
            self.session.quit_after_save = false;
            self.info("read-only (--read-only): saving is disabled");
            return Vec::new();
        }
        let Some(path) = self.session.path.clone() else {
            self.nav.mode = Mode::Ask(Question::SaveAs {
                name: String::new(),
            });
            return Vec::new();
        };
        if self.session.unsaved() == 0 {
            self.info("no unsaved edits");
            return if self.session.quit_after_save {
                vec![Effect::Quit]
            } else {
                Vec::new()
            };
        }
        vec![self.check(path, Purpose::Save)]
    }

    /// The effect that looks whether the file changed on disk since it was loaded or saved.
    fn check(&self, path: PathBuf, purpose: Purpose) -> Effect {
        Effect::Disk(Disk::Check {
            path,
            sha256: self.session.saved_sha256().to_string(),
            purpose,
        })
    }

    /// The name typed to save as: checked to be free first.
    pub(super) fn save_as(&mut self, name: &str) -> Vec<Effect> {
        if name.is_empty() {
            self.notice = Some(Notice::Error("type a file name, or Esc".into()));
            return Vec::new();
        }
        vec![Effect::Disk(Disk::CheckName(PathBuf::from(name)))]
    }

    /// Whether the name to save as is taken: if not, the save goes ahead.
    pub(super) fn name_checked(&mut self, path: PathBuf, taken: bool) -> Vec<Effect> {
        if taken {
            self.notice = Some(Notice::Error(format!(
                "{} exists: choose another name",
                escape(&path.display().to_string())
            )));
            return Vec::new();
        }
        self.nav.mode = Mode::Browse;
        self.write(path);
        Vec::new()
    }

    /// The answer to a look at the file on disk, before a save or after the watcher saw it
    /// change.
    pub(super) fn checked(
        &mut self,
        path: PathBuf,
        purpose: Purpose,
        changed: Result<bool, String>,
    ) -> Vec<Effect> {
        match (purpose, changed) {
            (Purpose::Save, Ok(false)) => self.write(path),
            (Purpose::Save, Ok(true)) => self.nav.mode = Mode::Ask(Question::Overwrite),
            (Purpose::Save, Err(e)) => {
                self.session.quit_after_save = false;
                self.notice = Some(Notice::Error(format!(
                    "cannot read {} to check it: {e}",
                    escape(&path.display().to_string())
                )));
            }
            (Purpose::Reload | Purpose::OutsideChange, Ok(true)) => return self.changed_on_disk(),
            (Purpose::Reload | Purpose::OutsideChange, Ok(false)) => self.loads_again(),
            (Purpose::Reload | Purpose::OutsideChange, Err(_)) => {}
        }
        Vec::new()
    }

    /// The file is back to exactly the version last loaded or saved: an error shown because it
    /// failed to load in between is cleared.
    fn loads_again(&mut self) {
        if std::mem::take(&mut self.session.broken) {
            self.info("the file loads again (as it was when last loaded)");
        }
    }

    /// Saves to `path` once a frame has said so (`Msg::Compute`).
    pub(super) fn write(&mut self, path: PathBuf) {
        self.notice = Some(Notice::Info(format!(
            "saving {}…",
            escape(&path.display().to_string())
        )));
        self.session.save_pending = Some(path);
    }

    /// The new text of the file, to be written to `path` (the slow part of a save on a big
    /// stack: the edits are written into the text and checked by loading it again).
    pub(super) fn write_now(&mut self, path: PathBuf) -> Vec<Effect> {
        match self.session.write_back() {
            Ok(text) => vec![Effect::Disk(Disk::Write { path, text })],
            Err(e) => {
                self.session.quit_after_save = false;
                self.notice = Some(Notice::Error(e.to_string()));
                Vec::new()
            }
        }
    }

    /// The text was written to `path` (or not): on success that file becomes the baseline.
    pub(super) fn written(
        &mut self,
        path: PathBuf,
        text: String,
        result: Result<(), String>,
    ) -> Vec<Effect> {
        let quit = std::mem::take(&mut self.session.quit_after_save);
        if let Err(e) = result {
            self.session.applied = None;
            self.notice = Some(Notice::Error(e));
            return Vec::new();
        }
        let applied = self.session.applied.take();
        let sha256 = sha256_hex(text.as_bytes());
        let n = self.session.saved(&path, text, sha256);
        let (session, d) = (&self.session, &mut self.derived);
        d.changes.saved(&session.stack, &session.what_if, &d.report);
        if self.nav.listing == crate::tui::mode::Listing::Changes {
            self.nav.line = d.changes.first_change();
        }
        let onto = applied.map_or_else(String::new, |a| {
            let mut s = ", onto the changes made on disk".to_string();
            for (whose, n) in [("yours", a.kept_mine), ("the disk's", a.kept_theirs)] {
                if n > 0 {
                    s.push_str(&format!("; {whose} kept at {}", places(n)));
                }
            }
            s
        });
        self.notice = Some(Notice::Info(format!(
            "saved {} ({n} edited {}{onto})",
            escape(&path.display().to_string()),
            if n == 1 { "place" } else { "places" }
        )));
        if quit { vec![Effect::Quit] } else { Vec::new() }
    }

    /// The watcher saw the file change: it is looked at, then reloaded or asked about.
    pub(super) fn file_changed(&mut self) -> Vec<Effect> {
        match self.session.path.clone() {
            Some(path) => vec![self.check(path, Purpose::OutsideChange)],
            None => Vec::new(),
        }
    }

    /// The file did change on disk: reloaded when nothing is unsaved, otherwise asked about
    /// (once the question or overlay in front is answered).
    fn changed_on_disk(&mut self) -> Vec<Effect> {
        if self.session.unsaved() == 0 {
            return self.reload(Purpose::OutsideChange);
        }
        if self.nav.mode == Mode::Browse {
            self.nav.mode = Mode::Ask(Question::ExternalChange);
        } else if self.nav.mode != Mode::Ask(Question::ExternalChange) {
            self.session.disk_changed = true;
        }
        Vec::new()
    }

    /// `r`: reloads the file, asking first over unsaved edits.
    pub(super) fn ask_reload(&mut self) -> Vec<Effect> {
        if self.session.path.is_none() {
            self.info("the built-in demo has no file to reload");
        } else if self.session.unsaved() > 0 {
            self.nav.mode = Mode::Ask(Question::Reload);
        } else {
            return self.reload(Purpose::Reload);
        }
        Vec::new()
    }

    /// The effect that reads the file again.
    pub(super) fn reload(&mut self, purpose: Purpose) -> Vec<Effect> {
        match self.session.path.clone() {
            Some(path) => vec![Effect::Disk(Disk::Load { path, purpose })],
            None => Vec::new(),
        }
    }

    /// The file read again: it replaces the stack, or a file that fails to load leaves the
    /// last good stack in place and says where it is broken. Read to save onto, it gets the
    /// edits applied.
    pub(super) fn loaded(
        &mut self,
        purpose: Purpose,
        result: Result<Box<Loaded>, String>,
    ) -> Vec<Effect> {
        if purpose == Purpose::Save {
            return self.save_onto(result);
        }
        self.session.broken = result.is_err();
        match result {
            Ok(loaded) => {
                let Loaded { stack, text } = *loaded;
                self.replace_stack(|s| s.replace(stack, text));
                self.info(match purpose {
                    Purpose::OutsideChange => "the file changed on disk: reloaded",
                    Purpose::Reload | Purpose::Save => {
                        "reloaded from disk (a new undo history starts)"
                    }
                });
            }
            Err(e) => {
                let shown = e.lines().next().unwrap_or_default().to_string();
                self.notice = Some(Notice::Error(format!(
                    "{shown} (still showing the last good version)"
                )));
            }
        }
        Vec::new()
    }

    /// Saving over a file that changed on disk: `y` to the overwrite question reads it as it
    /// now is, to apply the edits onto.
    pub(super) fn read_to_save_onto(&mut self) -> Vec<Effect> {
        match self.session.path.clone() {
            Some(path) => vec![Effect::Disk(Disk::Load {
                path,
                purpose: Purpose::Save,
            })],
            None => Vec::new(),
        }
    }

    /// The file as it now is on disk, read to save onto: the edits are applied onto it, after
    /// asking which version to keep where a place changed on both sides. A file that no longer
    /// loads, or lacks a place that was edited, is not written.
    fn save_onto(&mut self, result: Result<Box<Loaded>, String>) -> Vec<Effect> {
        let file = self
            .session
            .path
            .as_ref()
            .map(|p| escape(&p.display().to_string()).into_owned())
            .unwrap_or_default();
        let why = match result {
            Ok(loaded) => {
                let Loaded { stack, text } = *loaded;
                match self.session.onto(stack, text) {
                    Ok(onto) if onto.conflicts().is_empty() => return self.apply_onto(onto, true),
                    Ok(onto) => {
                        self.nav.mode = Mode::Ask(Question::Conflict {
                            places: onto.conflicts().to_vec(),
                        });
                        self.session.onto = Some(onto);
                        return Vec::new();
                    }
                    Err(why) => format!("it changed on disk and {why}"),
                }
            }
            Err(e) => format!(
                "as it now is on disk it does not load ({})",
                e.lines().next().unwrap_or_default()
            ),
        };
        self.session.quit_after_save = false;
        self.notice = Some(Notice::Error(format!(
            "cannot save {file}: {why}; nothing was written and your edits are still open (r reloads the file, discarding them)"
        )));
        Vec::new()
    }

    /// Applies the edits onto the file as it now is on disk (at a place changed on both sides,
    /// the edit when `keep_mine`) and saves the result; nothing is written when no edit is left.
    pub(super) fn apply_onto(&mut self, onto: Onto, keep_mine: bool) -> Vec<Effect> {
        let applied = self.replace_stack(|s| s.apply_onto(onto, keep_mine));
        if self.session.unsaved() == 0 {
            self.info(&if applied.kept_theirs > 0 {
                format!(
                    "kept the disk's version at {}; no other edit, so nothing was written",
                    places(applied.kept_theirs)
                )
            } else {
                "the file on disk already holds your edits: nothing to save".to_string()
            });
            return if std::mem::take(&mut self.session.quit_after_save) {
                vec![Effect::Quit]
            } else {
                Vec::new()
            };
        }
        self.session.applied = Some(applied);
        if let Some(path) = self.session.path.clone() {
            self.write(path);
        }
        Vec::new()
    }

    /// Puts a freshly loaded stack in place (`put` does it in the session), keeping the
    /// what-ifs, the expansion and the selection wherever they still exist.
    fn replace_stack<R>(&mut self, put: impl FnOnce(&mut Session) -> R) -> R {
        let old = &self.session.stack;
        let tree = &self.derived.tree;
        let selected = (!tree.rows().is_empty()).then(|| stable(old, &tree.path(self.nav.row)));
        let expanded: Vec<StablePath> = tree
            .expanded_paths()
            .iter()
            .map(|p| stable(old, p))
            .collect();
        let out = put(&mut self.session);
        let (stack, what_if) = (&self.session.stack, &self.session.what_if);
        self.derived.reload(stack, what_if);
        for p in &expanded {
            if let Some(path) = unstable(stack, p) {
                self.derived.tree.set_expanded(&path, true);
            }
        }
        self.nav.search.searcher = None;
        self.nav.search.matches.clear();
        if self.nav.filter {
            self.derived.compute_reach(&self.session.stack);
        }
        self.refresh_listing();
        let len = self.derived.listing_len(self.nav.listing);
        self.nav.line = self.nav.line.min(len.saturating_sub(1));
        self.refresh_tree();
        if let Some(path) = selected.and_then(|s| unstable(&self.session.stack, &s)) {
            self.go_to(&path);
        }
        out
    }
}

/// A row's path in ids.
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

/// A row's path in ids, as indices of `stack`, if everything on it still exists.
fn unstable(stack: &Stack, (root, hops): &StablePath) -> Option<RowPath> {
    let mut path = vec![stack.party_id(root)?];
    for (c, p, service) in hops {
        path.push(stack.handoff_by_ids(c, p, service.as_deref())?);
    }
    Some(path)
}

/// `n` places changed on both sides, in words.
fn places(n: usize) -> String {
    format!(
        "{n} {} changed there too",
        if n == 1 { "place" } else { "places" }
    )
}
