//! The explorer's modes and the small enums that say what is on screen (which pane has the
//! keyboard, what the left pane lists, the message of the moment). They sit below the state,
//! the messages and the views, which all read them, and import none of those.

use crate::analysis::Kind;
use crate::stack::{AcceptPlace, ControlIdx};

/// What the keyboard is doing: modes are exclusive, so they are one enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Moving around and editing.
    Browse,
    /// The help overlay, scrolled down by some lines.
    Help {
        /// Lines scrolled.
        scroll: u16,
    },
    /// Typing a search.
    Search {
        /// What has been typed.
        query: String,
    },
    /// A question is asked.
    Ask(Question),
    /// The guided tour (`t`), at one of its stops.
    Tour(TourStep),
}

/// The stop of the guided tour on screen: which of how many, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TourStep {
    /// The stop, from 0.
    pub at: usize,
    /// How many stops the tour has.
    pub of: usize,
    /// The finding's kind, its control and its place, in a line.
    pub head: String,
    /// The finding's explanation (for a broken chain, with its root causes).
    pub why: String,
}

/// A question that waits for an answer before anything else happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Quit with unsaved edits?
    Quit,
    /// The file changed on disk since it was loaded: save the edits onto it as it now is?
    Overwrite,
    /// Reload from disk, discarding unsaved edits?
    Reload,
    /// The file changed on disk while edits are unsaved: reload and discard them?
    ExternalChange,
    /// Saving onto the file as it now is on disk, these edited places were changed there too:
    /// keep mine (yes) or the disk's (no), for all of them?
    Conflict {
        /// The places, in words.
        places: Vec<String>,
    },
    /// The file name to save the demo (or any stack without a file) to.
    SaveAs {
        /// What has been typed.
        name: String,
    },
    /// The analysis date.
    AsOf {
        /// What has been typed.
        text: String,
    },
    /// Why a finding's risk is accepted (`A`).
    AcceptReason {
        /// The control.
        control: ControlIdx,
        /// The finding's kind: the accept covers that kind only.
        kind: Kind,
        /// Where the finding is.
        place: AcceptPlace,
        /// What has been typed.
        reason: String,
    },
}

impl Question {
    /// The text being typed, for the questions that take text.
    pub fn text_mut(&mut self) -> Option<&mut String> {
        match self {
            Question::SaveAs { name: text }
            | Question::AsOf { text }
            | Question::AcceptReason { reason: text, .. } => Some(text),
            Question::Quit
            | Question::Overwrite
            | Question::Reload
            | Question::ExternalChange
            | Question::Conflict { .. } => None,
        }
    }
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The provider tree.
    Tree,
    /// The hand-off pane.
    Details,
}

/// What the left pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The provider tree.
    Tree,
    /// The controls, those with findings first (`c`).
    Controls,
    /// The parties ranked by blast radius (`b`).
    BlastRadius,
    /// Evidence about to expire: documents and entries' own dates (`E`).
    Expiring,
    /// The changes that close the most gaps: fix first (`F`).
    FixFirst,
    /// What changed since the file was loaded and since it was last saved (`D`).
    Changes,
}

/// A one-line message in the status bar until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Information.
    Info(String),
    /// Something failed.
    Error(String),
}
