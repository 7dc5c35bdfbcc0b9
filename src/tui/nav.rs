//! Navigation: where the user is — the mode, the focused pane, what the left pane lists, the
//! cursors and the first line shown of each list, the search under way, the terminal's size.
//! None of it is saved, and none of it changes the findings.

use ratatui::layout::Rect;

use super::layout;
use super::mode::{Listing, Mode, Pane};
use super::search::{Place, Searcher};
use super::tree::RowPath;
use crate::stack::{ControlIdx, HandoffIdx, Side};

/// The cursors, focus and search.
#[derive(Debug)]
pub struct Nav {
    /// What the keyboard is doing.
    pub mode: Mode,
    /// The pane with the keyboard.
    pub focus: Pane,
    /// Whether the focused pane fills the screen.
    pub zoom: bool,
    /// Whether only rows with findings (and those above them) are shown.
    pub filter: bool,
    /// What the left pane lists.
    pub listing: Listing,
    /// The selected row of the tree.
    pub row: usize,
    /// The first row of the tree shown.
    pub row_offset: usize,
    /// The selected line of the control, blast radius or expiring list.
    pub line: usize,
    /// The first line of that list shown.
    pub line_offset: usize,
    /// The selected line of the hand-off pane.
    pub item: usize,
    /// The terminal's size.
    pub size: Rect,
    /// The search: typed, or kept for `n` / `N`.
    pub search: Search,
    /// The broken chain `>` last followed, to go on to its next root cause.
    pub follow: Option<Follow>,
}

/// A broken chain followed with `>`: the finding (control, hand-off, side), the row it was
/// read at, the root cause gone to (by position among its root causes) and where that left
/// the selection, so that `>` pressed there goes on to the next root cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// The control.
    pub control: ControlIdx,
    /// The hand-off where the chain is broken.
    pub handoff: HandoffIdx,
    /// The side whose party hands the control on.
    pub side: Side,
    /// The path of the row the chain was read at.
    pub from: RowPath,
    /// Which root cause, by position.
    pub at: usize,
    /// The row path, hand-off and control selected on arrival.
    pub landed: Option<(RowPath, HandoffIdx, ControlIdx)>,
}

/// A search and its matches.
#[derive(Debug, Default)]
pub struct Search {
    /// What can be searched in the stack as shown, built on the first search.
    pub searcher: Option<Searcher>,
    /// Every place the last query matches, in tree order.
    pub matches: Vec<Place>,
    /// The place selected.
    pub at: usize,
    /// The row the search started from, to go back to on Esc.
    pub from: Option<RowPath>,
}

impl Nav {
    /// On the tree, at the top, browsing, in a terminal of 80×24 until told its size.
    pub fn new() -> Nav {
        Nav {
            mode: Mode::Browse,
            focus: Pane::Tree,
            zoom: false,
            filter: false,
            listing: Listing::Tree,
            row: 0,
            row_offset: 0,
            line: 0,
            line_offset: 0,
            item: 0,
            size: Rect::new(0, 0, 80, 24),
            search: Search::default(),
            follow: None,
        }
    }

    /// Rows or lines per page in the focused pane.
    pub fn page(&self) -> usize {
        layout::page(self.size, self.zoom, self.focus)
    }

    /// Scrolls the tree so the selected row is in view, without empty rows below the last.
    pub fn scroll_rows(&mut self, rows: usize) {
        let height = layout::list_height(self.size, self.zoom, self.focus);
        self.row_offset = scrolled(self.row, self.row_offset, height);
        self.row_offset = self.row_offset.min(rows.saturating_sub(height));
    }

    /// Scrolls the left pane's other listing so the selected line is in view.
    pub fn scroll_lines(&mut self) {
        let height = layout::list_height(self.size, self.zoom, self.focus);
        self.line_offset = scrolled(self.line, self.line_offset, height);
    }
}

/// The first line to show so that `at` is in view, moving `top` as little as possible.
fn scrolled(at: usize, top: usize, height: usize) -> usize {
    if at < top {
        at
    } else if at >= top + height {
        at + 1 - height
    } else {
        top
    }
}
