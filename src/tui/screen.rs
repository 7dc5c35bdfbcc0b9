//! What the views read: one frame's state, as shared references and copies, built by
//! `App::screen` after `update` has derived everything. The views import this, never the app,
//! so drawing cannot change the state nor compute what `update` should have.

use std::path::Path;

use crate::analysis::{BlastRadius, FixFirst, Report, WhatIf};
use crate::stack::Stack;

use super::derived::changes::Line as ChangeViewLine;
use super::derived::{ControlLine, Tally};
use super::inspect::Inspect;
use super::mode::{Listing, Mode, Notice, Pane};
use super::theme::Theme;
use super::tree::Tree;

/// Everything one frame shows.
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    /// The drawing style.
    pub theme: Theme,
    /// The stack as shown: masked in presenter mode.
    pub stack: &'a Stack,
    /// The current findings.
    pub report: &'a Report,
    /// The what-ifs in force.
    pub what_if: &'a WhatIf,
    /// Counts per hand-off and party.
    pub tally: &'a Tally,
    /// Findings added and removed since loading: [added, removed] × [gaps, warnings].
    pub delta: [[u32; 2]; 2],
    /// The tree and its visible rows.
    pub tree: &'a Tree,
    /// The selected row of the tree.
    pub row: usize,
    /// The first row of the tree shown.
    pub row_offset: usize,
    /// What the left pane lists.
    pub listing: Listing,
    /// The control view's lines.
    pub controls: &'a [ControlLine],
    /// The parties ranked by blast radius (empty while being computed).
    pub blast: &'a [BlastRadius],
    /// The changes that close the most gaps (empty while being computed).
    pub fix: &'a [FixFirst],
    /// The changes view's lines: since the last save, since loading.
    pub changes: &'a [ChangeViewLine],
    /// The selected line of the control, blast radius, expiring, changes or fix-first list.
    pub line: usize,
    /// The first line of that list shown.
    pub line_offset: usize,
    /// The hand-off pane's content.
    pub inspect: &'a Inspect,
    /// The selected line of the hand-off pane.
    pub item: usize,
    /// What the keyboard is doing.
    pub mode: &'a Mode,
    /// The focused pane.
    pub focus: Pane,
    /// Whether the focused pane fills the screen.
    pub zoom: bool,
    /// Whether the terminal is so small that findings come before decoration.
    pub compact: bool,
    /// Whether only rows with findings are shown.
    pub filter: bool,
    /// Whether presenter mode is on (names masked, no key hints, no file name).
    pub presenter: bool,
    /// Whether slow work waits for the next frame (which says what it is).
    pub busy: bool,
    /// The message of the moment.
    pub notice: Option<&'a Notice>,
    /// How many places were edited since the last save.
    pub unsaved: usize,
    /// The stack file, if there is one.
    pub path: Option<&'a Path>,
    /// Whether saving is disabled.
    pub read_only: bool,
    /// The current search match and how many there are.
    pub search: (usize, usize),
}
