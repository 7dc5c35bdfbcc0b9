//! Everything that can happen to the explorer, as messages — keys, the mouse, the terminal, the
//! file watcher, and the answers to the effects `update` asked for — and the pure mapping from
//! keys (in the current mode) to them: the one place to read to learn what a key does.

use std::path::PathBuf;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

use super::mode::{Mode, Question};
use crate::stack::{Side, Stack};

/// An entry field that `a`, `o` and `e` cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Who the consumer believes is responsible (`a`).
    Assumed,
    /// Who the agreement makes responsible (`o`).
    Agreed,
    /// The evidence (`e`).
    Evidence,
}

/// Why the stack file is looked at or read again; its answer is handled accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Saving: the look before it (a file changed on disk is not written over without
    /// asking), then the read of such a file as it now is, to save the edits onto.
    Save,
    /// The user asked to reload it (`r`, or a question answered yes).
    Reload,
    /// The watcher saw it change.
    OutsideChange,
}

/// A stack file read and loaded again: the stack and the text it was loaded from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The stack.
    pub stack: Stack,
    /// The file's text, the baseline for saving.
    pub text: String,
}

/// Two loads are the same when they read the same text under the same name: the stack is made
/// from those (a `Stack` itself is not comparable).
impl PartialEq for Loaded {
    fn eq(&self, other: &Loaded) -> bool {
        (&self.text, &self.stack.source.name) == (&other.text, &other.stack.source.name)
    }
}

impl Eq for Loaded {}

/// One thing that happened: a key, a resize, a file change, an effect's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// Move the cursor of the focused pane (or scroll the help) up one line.
    Up,
    /// Move the cursor of the focused pane (or scroll the help) down one line.
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Go to the first line.
    Top,
    /// Go to the last line.
    Bottom,
    /// Collapse the selected row, or go to its parent when it is collapsed.
    Collapse,
    /// Expand the selected row, or go to its first child when it is expanded.
    Expand,
    /// Expand or collapse the selected row.
    Toggle,
    /// Expand every row, up to a bound.
    ExpandAll,
    /// Collapse every row.
    CollapseAll,
    /// Move the focus to the other pane.
    SwitchPane,
    /// Show the focused pane on the whole screen, or stop doing so.
    Zoom,
    /// Presenter mode on or off: no key hints, party names masked.
    Presenter,
    /// Open the help overlay.
    Help,
    /// Start the guided tour of the findings, worst first; during it, go to the next stop.
    Tour,
    /// Close the overlay, prompt or message in front.
    Close,
    /// Start typing a search.
    Search,
    /// A character typed into the search or a prompt.
    Input(char),
    /// Delete the last character typed.
    Backspace,
    /// Confirm what was typed.
    Submit,
    /// Go to the next search match.
    NextMatch,
    /// Go to the previous search match.
    PrevMatch,
    /// Show only rows with findings (and their ancestors), or everything again.
    Filter,
    /// Go to the root cause of the broken chain selected in the hand-off pane (again: to the
    /// next root cause).
    FollowChain,
    /// The left pane lists the controls (or the tree again).
    Controls,
    /// The left pane ranks the parties by blast radius (or shows the tree again).
    BlastRadius,
    /// The left pane lists the evidence about to expire (or the tree again).
    Expiring,
    /// The left pane ranks the changes that close the most gaps (or shows the tree again).
    FixFirst,
    /// `D`: what changed since loading and since the last save, or back to the tree.
    Changes,
    /// Cycle a field of the selected control.
    Cycle(Field),
    /// Accept the risk of the selected control's open finding (asks for the reason).
    Accept,
    /// Copy the selected control's finding to the clipboard, as a line of Markdown.
    Copy,
    /// Toggle whether a side of the selected hand-off implements the selected control.
    Implements(Side),
    /// Switch the selected party off or on (what-if).
    SwitchOff,
    /// Cycle the minimum evidence that counts as assured (what-if).
    MinEvidence,
    /// Ask for the analysis date (what-if).
    AsOf,
    /// Move the analysis date by some months, back (negative) or forward (what-if).
    ShiftAsOf(i32),
    /// Undo the last edit or what-if.
    Undo,
    /// Redo what was undone.
    Redo,
    /// Save the edits to the file.
    Save,
    /// Reload the file from disk.
    Reload,
    /// Quit, asking first when edits are unsaved.
    Quit,
    /// Ctrl-c: like quit, but a second one quits without saving.
    Interrupt,
    /// Yes or no to the question asked.
    Answer(bool),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// Clear the terminal and draw everything again (Ctrl-l), over whatever else wrote to it.
    Repaint,
    /// The stack file changed on disk.
    FileChanged,
    /// Do the slow work asked for (a save's new text, the blast radius, fix first), now that a
    /// frame says it is under way.
    Compute,
    /// The stack file cannot be watched for changes made elsewhere (why).
    WatchFailed(String),
    /// A mouse click at (column, row).
    Click(u16, u16),
    /// The mouse wheel over (column, row): up (`true`) or down.
    Wheel(bool, u16, u16),
    /// The answer to `Disk::Check`: whether the file changed since it was loaded or last
    /// saved, or why it could not be read.
    Checked {
        /// The stack file.
        path: PathBuf,
        /// What it was looked at for.
        purpose: Purpose,
        /// Changed or not, or the error.
        changed: Result<bool, String>,
    },
    /// The answer to `Disk::CheckName`: whether a file of that name exists.
    NameChecked {
        /// The name typed, as a path.
        path: PathBuf,
        /// Whether something is there already.
        taken: bool,
    },
    /// The answer to `Disk::Write`: the text was written to the file, or why not.
    Written {
        /// The file.
        path: PathBuf,
        /// What was (or was to be) written.
        text: String,
        /// Written, or the error.
        result: Result<(), String>,
    },
    /// The answer to `Disk::Load`: the stack file read and loaded again, or why not.
    Loaded {
        /// What it was read for.
        purpose: Purpose,
        /// The stack and its text, or the error (its first line names file:line:column).
        result: Result<Box<Loaded>, String>,
    },
}

/// What a key means in a mode; `None` for keys that mean nothing there.
pub fn from_key(key: KeyEvent, mode: &Mode) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl {
        return match key.code {
            KeyCode::Char('c') => Some(Msg::Interrupt),
            KeyCode::Char('l') => Some(Msg::Repaint),
            KeyCode::Char('r') if *mode == Mode::Browse => Some(Msg::Redo),
            _ => None,
        };
    }
    match mode {
        Mode::Browse => browse_key(key.code),
        Mode::Help { .. } => match key.code {
            KeyCode::Esc | KeyCode::Char('?' | 'q') => Some(Msg::Close),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Down),
            KeyCode::PageUp => Some(Msg::PageUp),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Msg::PageDown),
            _ => None,
        },
        Mode::Tour(_) => match key.code {
            KeyCode::Char('t' | ' ' | 'n' | 'l') | KeyCode::Enter | KeyCode::Right => {
                Some(Msg::Tour)
            }
            KeyCode::Backspace | KeyCode::Left | KeyCode::Char('N' | 'h') => Some(Msg::Backspace),
            KeyCode::Esc => Some(Msg::Close),
            KeyCode::Char('z') => Some(Msg::Zoom),
            KeyCode::Char('q') => Some(Msg::Quit),
            _ => None,
        },
        Mode::Search { .. }
        | Mode::Ask(
            Question::SaveAs { .. } | Question::AsOf { .. } | Question::AcceptReason { .. },
        ) => match key.code {
            KeyCode::Esc => Some(Msg::Close),
            KeyCode::Enter => Some(Msg::Submit),
            KeyCode::Backspace => Some(Msg::Backspace),
            KeyCode::Down if matches!(mode, Mode::Search { .. }) => Some(Msg::NextMatch),
            KeyCode::Up if matches!(mode, Mode::Search { .. }) => Some(Msg::PrevMatch),
            KeyCode::Char(c) => Some(Msg::Input(c)),
            _ => None,
        },
        Mode::Ask(_) => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Msg::Answer(true)),
            KeyCode::Char('n' | 'N') => Some(Msg::Answer(false)),
            KeyCode::Esc => Some(Msg::Close),
            _ => None,
        },
    }
}

/// What a key means while the terminal is too small for the panes: only quitting (and the
/// answers to "save before quitting?") and repainting; every other key means nothing.
pub fn from_key_too_small(key: KeyEvent, mode: &Mode) -> Option<Msg> {
    let q = key.code == KeyCode::Char('q')
        && key.kind != KeyEventKind::Release
        && !key.modifiers.contains(KeyModifiers::CONTROL);
    match (from_key(key, mode), mode) {
        (Some(msg @ (Msg::Interrupt | Msg::Repaint)), _) => Some(msg),
        (Some(msg @ (Msg::Answer(_) | Msg::Close)), Mode::Ask(Question::Quit)) => Some(msg),
        (_, Mode::Ask(Question::Quit)) => None,
        // Whatever `q` means in the mode (typing it, closing the help), here it quits.
        _ if q => Some(Msg::Quit),
        _ => None,
    }
}

fn browse_key(code: KeyCode) -> Option<Msg> {
    Some(match code {
        KeyCode::Up | KeyCode::Char('k') => Msg::Up,
        KeyCode::Down | KeyCode::Char('j') => Msg::Down,
        KeyCode::Left | KeyCode::Char('h') => Msg::Collapse,
        KeyCode::Right | KeyCode::Char('l') => Msg::Expand,
        KeyCode::Enter | KeyCode::Char(' ') => Msg::Toggle,
        KeyCode::Char('=' | '+') => Msg::ExpandAll,
        KeyCode::Char('-') => Msg::CollapseAll,
        KeyCode::Home | KeyCode::Char('g') => Msg::Top,
        KeyCode::End | KeyCode::Char('G') => Msg::Bottom,
        KeyCode::PageUp => Msg::PageUp,
        KeyCode::PageDown => Msg::PageDown,
        KeyCode::Tab | KeyCode::BackTab => Msg::SwitchPane,
        KeyCode::Char('z') => Msg::Zoom,
        KeyCode::Char('p') => Msg::Presenter,
        KeyCode::Char('t') => Msg::Tour,
        KeyCode::Char('?') => Msg::Help,
        KeyCode::Esc => Msg::Close,
        KeyCode::Char('/') => Msg::Search,
        KeyCode::Char('n') => Msg::NextMatch,
        KeyCode::Char('N') => Msg::PrevMatch,
        KeyCode::Char('f') => Msg::Filter,
        KeyCode::Char('>') => Msg::FollowChain,
        KeyCode::Char('c') => Msg::Controls,
        KeyCode::Char('b') => Msg::BlastRadius,
        KeyCode::Char('E') => Msg::Expiring,
        KeyCode::Char('F') => Msg::FixFirst,
        KeyCode::Char('D') => Msg::Changes,
        KeyCode::Char('a') => Msg::Cycle(Field::Assumed),
        KeyCode::Char('o') => Msg::Cycle(Field::Agreed),
        KeyCode::Char('e') => Msg::Cycle(Field::Evidence),
        KeyCode::Char('A') => Msg::Accept,
        KeyCode::Char('y') => Msg::Copy,
        KeyCode::Char('i') => Msg::Implements(Side::Provider),
        KeyCode::Char('I') => Msg::Implements(Side::Consumer),
        KeyCode::Char('x') => Msg::SwitchOff,
        KeyCode::Char('m') => Msg::MinEvidence,
        KeyCode::Char('d') => Msg::AsOf,
        KeyCode::Char('[') => Msg::ShiftAsOf(-1),
        KeyCode::Char(']') => Msg::ShiftAsOf(1),
        KeyCode::Char('u') => Msg::Undo,
        KeyCode::Char('w') => Msg::Save,
        KeyCode::Char('r') => Msg::Reload,
        KeyCode::Char('q') => Msg::Quit,
        _ => return None,
    })
}

/// What a mouse event means (only delivered with `--mouse`).
pub fn from_mouse(mouse: MouseEvent) -> Option<Msg> {
    match mouse.kind {
        MouseEventKind::Down(_) => Some(Msg::Click(mouse.column, mouse.row)),
        MouseEventKind::ScrollUp => Some(Msg::Wheel(true, mouse.column, mouse.row)),
        MouseEventKind::ScrollDown => Some(Msg::Wheel(false, mouse.column, mouse.row)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_mean_what_the_help_says_in_each_mode() {
        let typing = Mode::Search {
            query: String::new(),
        };
        let asking = Mode::Ask(Question::Quit);
        let touring = Mode::Tour(crate::tui::mode::TourStep {
            at: 0,
            of: 2,
            head: String::new(),
            why: String::new(),
        });
        let cases = [
            (Mode::Browse, key(KeyCode::Char('t')), Some(Msg::Tour)),
            (touring.clone(), key(KeyCode::Char(' ')), Some(Msg::Tour)),
            (touring.clone(), key(KeyCode::Char('t')), Some(Msg::Tour)),
            (
                touring.clone(),
                key(KeyCode::Backspace),
                Some(Msg::Backspace),
            ),
            (touring.clone(), key(KeyCode::Esc), Some(Msg::Close)),
            (touring.clone(), key(KeyCode::Char('z')), Some(Msg::Zoom)),
            (touring, key(KeyCode::Char('a')), None),
            (Mode::Browse, key(KeyCode::Char('j')), Some(Msg::Down)),
            (
                Mode::Browse,
                key(KeyCode::Char('a')),
                Some(Msg::Cycle(Field::Assumed)),
            ),
            (
                Mode::Browse,
                key(KeyCode::Char('I')),
                Some(Msg::Implements(Side::Consumer)),
            ),
            (Mode::Browse, key(KeyCode::Char('Z')), None),
            (
                Mode::Browse,
                key(KeyCode::Char('[')),
                Some(Msg::ShiftAsOf(-1)),
            ),
            (
                Mode::Browse,
                key(KeyCode::Char(']')),
                Some(Msg::ShiftAsOf(1)),
            ),
            (Mode::Browse, key(KeyCode::Char('A')), Some(Msg::Accept)),
            (Mode::Browse, key(KeyCode::Char('E')), Some(Msg::Expiring)),
            (Mode::Browse, key(KeyCode::Char('F')), Some(Msg::FixFirst)),
            (Mode::Browse, key(KeyCode::Char('D')), Some(Msg::Changes)),
            (Mode::Browse, key(KeyCode::Char('y')), Some(Msg::Copy)),
            (Mode::Browse, key(KeyCode::Char('c')), Some(Msg::Controls)),
            (
                Mode::Browse,
                key(KeyCode::Char('>')),
                Some(Msg::FollowChain),
            ),
            (
                Mode::Browse,
                key(KeyCode::Char('b')),
                Some(Msg::BlastRadius),
            ),
            (
                Mode::Ask(Question::AcceptReason {
                    control: 0,
                    kind: crate::analysis::Kind::NotDelivered,
                    place: crate::stack::AcceptPlace::Party(0),
                    reason: String::new(),
                }),
                key(KeyCode::Char('y')),
                Some(Msg::Input('y')),
            ),
            (
                typing.clone(),
                key(KeyCode::Char('j')),
                Some(Msg::Input('j')),
            ),
            (
                typing.clone(),
                key(KeyCode::Char('q')),
                Some(Msg::Input('q')),
            ),
            (typing, key(KeyCode::Esc), Some(Msg::Close)),
            (
                asking.clone(),
                key(KeyCode::Char('y')),
                Some(Msg::Answer(true)),
            ),
            (asking.clone(), key(KeyCode::Char('j')), None),
            (
                asking,
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Some(Msg::Interrupt),
            ),
            (
                Mode::Browse,
                KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
                Some(Msg::Redo),
            ),
            (
                Mode::Help { scroll: 0 },
                key(KeyCode::Char('q')),
                Some(Msg::Close),
            ),
        ];
        for (mode, k, want) in cases {
            assert_eq!(from_key(k, &mode), want, "{k:?} in {mode:?}");
        }
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut k = key(KeyCode::Char('j'));
        k.kind = KeyEventKind::Release;
        assert_eq!(from_key(k, &Mode::Browse), None);
    }
}
