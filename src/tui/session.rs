//! The document session, as helix keeps a `Document` apart from the editor's drawing: the stack
//! being edited and its what-ifs, the file it came from and the text last saved there, the undo
//! history, and which places were edited since. It reads and writes no file: the app asks the
//! event loop to, and hands the session the outcome.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::analysis::WhatIf;
use crate::save::{self, SaveError};
use crate::stack::{Accept, ControlIdx, HandoffIdx, PartyIdx, Stack};

use super::edit::{self, Change, History, Scope, Setting, Words};
use super::theme::Theme;

mod onto;

pub use onto::{Applied, Onto};

/// A place edited since the last save, whatever field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Edited {
    Entry(HandoffIdx, u32),
    Implements(PartyIdx, ControlIdx),
    /// A new `[[accept]]`, by its position in the stack's list.
    Accept(u32),
}

/// The stack being edited and its file.
#[derive(Debug)]
pub struct Session {
    /// The stack, edits included.
    pub stack: Stack,
    /// The what-ifs in force (never saved, but undone like edits).
    pub what_if: WhatIf,
    /// The file; `None` for the built-in demo until it is saved under a name.
    pub path: Option<PathBuf>,
    /// Saving disabled (`--read-only`).
    pub read_only: bool,
    /// A save to this file waits for the frame that says it is under way.
    pub save_pending: Option<PathBuf>,
    /// Quit once the save under way succeeds (the quit question answered "save").
    pub quit_after_save: bool,
    /// The file changed on disk while a question or the help was in front: asked about when
    /// it closes.
    pub disk_changed: bool,
    /// The file as it now is on disk, read to save onto, while the places changed on both
    /// sides are asked about.
    pub onto: Option<Onto>,
    /// What applying the edits onto the file on disk did, for the message once it is saved.
    pub applied: Option<Applied>,
    /// The file failed to load when last read (its error is on screen).
    pub broken: bool,
    /// The stack as last loaded or saved: what `edited` and a save compare with.
    saved_stack: Stack,
    /// The file's text as last loaded or saved, which a save edits.
    saved_text: String,
    /// The copy shown in presenter mode, names masked, kept in step with the edits.
    masked: Option<Stack>,
    history: History,
    /// The stack's accepts followed by those added this session and since undone, so that a
    /// redo (`Setting::Accepts`) can put them back; a new accept drops the undone ones.
    accepts: Vec<Accept>,
    edited: HashSet<Edited>,
}

impl Session {
    /// A session on a loaded stack; `text` is its file as read.
    pub fn new(
        stack: Stack,
        text: String,
        path: Option<PathBuf>,
        what_if: WhatIf,
        read_only: bool,
    ) -> Session {
        Session {
            saved_stack: stack.clone(),
            accepts: stack.accepts.clone(),
            stack,
            what_if,
            path,
            read_only,
            save_pending: None,
            quit_after_save: false,
            disk_changed: false,
            onto: None,
            applied: None,
            broken: false,
            saved_text: text,
            masked: None,
            history: History::default(),
            edited: HashSet::new(),
        }
    }

    /// The stack as shown: masked in presenter mode.
    pub fn shown(&self) -> &Stack {
        self.masked.as_ref().unwrap_or(&self.stack)
    }

    /// Whether presenter mode masks the names.
    pub fn presenter(&self) -> bool {
        self.masked.is_some()
    }

    /// Presenter mode on or off; returns whether it is now on.
    pub fn toggle_presenter(&mut self) -> bool {
        self.masked = match self.masked {
            Some(_) => None,
            None => Some(mask(&self.stack)),
        };
        self.masked.is_some()
    }

    /// How many places were edited since the last save.
    pub fn unsaved(&self) -> usize {
        self.edited.len()
    }

    /// The SHA-256 of the file as last loaded or saved, to tell whether it changed on disk.
    pub fn saved_sha256(&self) -> &str {
        &self.saved_stack.source.sha256
    }

    /// Makes a change and records it for undo; `None` when it changes nothing.
    pub fn change(&mut self, after: Setting) -> Option<(Change, Scope)> {
        let before = after.current(&self.stack, &self.what_if);
        if before == after {
            return None;
        }
        let c = Change {
            before,
            after: after.clone(),
        };
        self.history.push(c.clone());
        Some((c, self.set(&after)))
    }

    /// Reverts the last change; returns it and what to re-analyse.
    pub fn undo(&mut self) -> Option<(Change, Scope)> {
        let c = self.history.undo()?;
        let scope = self.set(&c.before);
        Some((c, scope))
    }

    /// Makes the last undone change again; returns it and what to re-analyse.
    pub fn redo(&mut self) -> Option<(Change, Scope)> {
        let c = self.history.redo()?;
        let scope = self.set(&c.after);
        Some((c, scope))
    }

    /// The setting that adds an accepted risk to the stack (dropping those undone).
    pub fn accept(&mut self, a: Accept) -> Setting {
        let n = self.stack.accepts.len();
        self.accepts.truncate(n);
        self.accepts.push(a);
        Setting::Accepts(n as u32 + 1)
    }

    /// A change in words, for the status line.
    pub fn describe(&self, c: &Change, theme: Theme) -> String {
        let words = Words {
            shown: self.shown(),
            min_evidence: self.stack.min_evidence,
            accepts: &self.accepts,
        };
        edit::describe(c, &words, theme)
    }

    /// Puts a setting in force in the stack (and its masked copy) and marks the place edited
    /// or not; returns what needs re-analysing.
    fn set(&mut self, s: &Setting) -> Scope {
        if let Setting::Accepts(n) = *s {
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
        match *s {
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
        scope
    }

    fn mark_edited(&mut self, place: Edited, s: &Setting) {
        if s.matches(&self.stack, &self.saved_stack) {
            self.edited.remove(&place);
        } else {
            self.edited.insert(place);
        }
    }

    /// The file's new text: the last saved text with the edits written into it.
    pub fn write_back(&self) -> Result<String, SaveError> {
        save::write_back(&self.saved_text, &self.saved_stack, &self.stack)
    }

    /// `text` was written to `path`, which becomes the file and its baseline; returns how many
    /// places the save wrote.
    pub fn saved(&mut self, path: &Path, text: String, sha256: String) -> usize {
        let name = path.display().to_string();
        for s in [&mut self.stack, &mut self.saved_stack] {
            s.source.sha256 = sha256.clone();
            s.source.name = name.clone();
        }
        let n = self.edited.len();
        self.saved_stack = self.stack.clone();
        self.saved_text = text;
        self.edited.clear();
        self.path = Some(path.to_path_buf());
        n
    }

    /// Puts a freshly loaded stack in place of this one: the what-ifs are kept for the parties
    /// that still exist, and a new undo history starts.
    pub fn replace(&mut self, stack: Stack, text: String) {
        let mut what_if = WhatIf::new(&stack, self.what_if.as_of);
        what_if.min_evidence = self.what_if.min_evidence;
        for p in self.what_if.without() {
            if let Some(q) = stack.party_id(&self.stack.party(p).id) {
                what_if.set_off(q, true);
            }
        }
        self.saved_stack = stack.clone();
        self.masked = self.masked.as_ref().map(|_| mask(&stack));
        self.stack = stack;
        self.what_if = what_if;
        self.saved_text = text;
        self.history = History::default();
        self.accepts = self.stack.accepts.clone();
        self.edited.clear();
    }
}

/// A copy of the stack for screenshots: party ids and names become `layer#n`, and the free texts
/// that name them (agreements, notes, the stack's name, accepted-risk details) are hidden. Its
/// id lookups are stale, so it is only ever read by index.
fn mask(stack: &Stack) -> Stack {
    let mut m = stack.clone();
    let mut counters: HashMap<Option<u32>, u32> = HashMap::new();
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
