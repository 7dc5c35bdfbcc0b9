//! Moving around: the cursors of the tree, the other listings and the hand-off pane, folding,
//! the filter, search jumps and the mouse; and keeping the derived listings (visible rows,
//! control lines, blast radius ranking, fix-first list, hand-off pane) in step with where the
//! user is.

use super::{App, thousands};
use crate::tui::inspect::Target;
use crate::tui::layout;
use crate::tui::mode::{Listing, Mode, Pane};
use crate::tui::{derived, search, tree};

impl App {
    /// Moves the cursor of the focused pane by `by` lines (clamped to the ends).
    pub(super) fn step(&mut self, by: isize) {
        let clamp = |at: usize, len: usize| {
            let last = len.saturating_sub(1) as isize;
            (at as isize).saturating_add(by).clamp(0, last) as usize
        };
        match self.nav.focus {
            Pane::Tree if self.nav.listing != Listing::Tree => {
                let len = self.derived.listing_len(self.nav.listing);
                self.select_line(clamp(self.nav.line, len));
            }
            Pane::Tree => {
                let len = self.derived.tree.rows().len();
                self.select_row(clamp(self.nav.row, len));
            }
            Pane::Details => {
                self.nav.item = clamp(self.nav.item, self.derived.inspect.items.len());
            }
        }
    }

    /// Selects a row of the tree and shows it in the hand-off pane.
    pub(super) fn select_row(&mut self, i: usize) {
        let rows = self.derived.tree.rows();
        let old = rows.get(self.nav.row).map(|r| (r.party, r.handoff));
        self.nav.row = i.min(rows.len().saturating_sub(1));
        self.scroll_tree();
        let rows = self.derived.tree.rows();
        let new = rows.get(self.nav.row).map(|r| (r.party, r.handoff));
        if old != new || self.derived.inspect.title.is_empty() {
            self.nav.item = 0;
        }
        self.rebuild_inspect();
    }

    /// Selects a line of the left pane's other listing and shows it in the hand-off pane.
    fn select_line(&mut self, i: usize) {
        let old = self.nav.line;
        self.nav.line = i;
        self.nav.scroll_lines();
        if old != i || self.derived.inspect.title.is_empty() {
            self.nav.item = 0;
        }
        self.rebuild_inspect();
    }

    /// Keeps the selected row in view, and counts what lies below the collapsed rows in view.
    pub(super) fn scroll_tree(&mut self) {
        self.nav.scroll_rows(self.derived.tree.rows().len());
        self.count_below();
    }

    /// Counts the open findings below each collapsed row in view (the tree shows them).
    fn count_below(&mut self) {
        let nav = &self.nav;
        let height = layout::list_height(nav.size, nav.zoom, nav.focus, nav.footer());
        let rows = nav.row_offset..nav.row_offset + height;
        self.derived.count_below(&self.session.stack, rows);
    }

    /// Tab: the focus to the other pane.
    pub(super) fn switch_pane(&mut self) {
        self.nav.focus = match self.nav.focus {
            Pane::Tree => Pane::Details,
            Pane::Details => Pane::Tree,
        };
        // Zoomed, the other pane takes the screen: its height is another.
        self.scroll_tree();
    }

    /// Enter: folds the row, opens the selected line, or goes to its place in the tree.
    pub(super) fn toggle(&mut self) {
        match (self.nav.listing, self.nav.focus) {
            (Listing::Tree, Pane::Tree) => self.toggle_row(),
            (Listing::Tree, Pane::Details) => {}
            (Listing::Controls | Listing::Expiring, Pane::Tree) => self.nav.focus = Pane::Details,
            (Listing::Controls | Listing::Expiring, Pane::Details) => self.jump_to_place(),
            (Listing::BlastRadius, Pane::Tree) => self.jump_to_party(),
            (Listing::BlastRadius, Pane::Details) => self.jump_to_place(),
            (Listing::Changes, _) => self.jump_to_change(),
            (Listing::FixFirst, Pane::Tree) => self.jump_to_fix(),
            (Listing::FixFirst, Pane::Details) => self.jump_to_place(),
        }
    }

    /// Esc while browsing: forgets the search, and goes back to the tree from another listing.
    pub(super) fn close(&mut self) {
        self.nav.search.matches.clear();
        if self.nav.listing != Listing::Tree {
            self.show(Listing::Tree);
        }
    }

    /// Shows the tree, the control view or the blast radius view in the left pane; asking
    /// for the one shown goes back to the tree.
    pub(super) fn show(&mut self, listing: Listing) {
        let listing = if self.nav.listing == listing {
            Listing::Tree
        } else {
            listing
        };
        self.nav.listing = listing;
        self.derived.blast_pending = false;
        self.derived.fix_pending = false;
        self.nav.focus = Pane::Tree;
        self.nav.line = 0;
        self.nav.line_offset = 0;
        match listing {
            Listing::Tree => self.rebuild_inspect(),
            Listing::Controls => {
                let stack = &self.session.stack;
                self.derived.controls = derived::control_lines(stack, &self.derived.report);
                self.select_line(0);
            }
            Listing::BlastRadius => {
                self.derived.blast.clear();
                self.derived.blast_for = None;
                self.derived.blast_pending = true;
                self.rebuild_inspect();
            }
            Listing::Expiring => self.select_line(0),
            Listing::FixFirst => {
                self.derived.fix.clear();
                self.derived.fix_for = None;
                self.derived.fix_pending = true;
                self.rebuild_inspect();
            }
            Listing::Changes => self.select_line(self.derived.changes.first_change()),
        }
    }

    /// Ranks the parties by blast radius, if asked for, keeping the selected party selected.
    pub(super) fn compute_blast(&mut self) {
        let pending = std::mem::take(&mut self.derived.blast_pending);
        if !pending || self.nav.listing != Listing::BlastRadius {
            return;
        }
        let at = self.derived.blast_for;
        let started = std::time::Instant::now();
        self.derived
            .compute_blast(&self.session.stack, &self.session.what_if);
        let took = started.elapsed();
        let blast = &self.derived.blast;
        let line = at
            .and_then(|p| blast.iter().position(|b| b.party == p))
            .unwrap_or(0);
        self.select_line(line);
        // Only worth a word when it was slow enough to see the "computing" frame.
        if took.as_millis() >= 200 {
            self.info(&format!(
                "blast radius of {} parties computed in {:.1} s",
                thousands(self.derived.blast.len()),
                took.as_secs_f64()
            ));
        }
    }

    /// Ranks the changes that close the most gaps, if asked for, keeping the selected change
    /// selected.
    pub(super) fn compute_fix(&mut self) {
        let pending = std::mem::take(&mut self.derived.fix_pending);
        if !pending || self.nav.listing != Listing::FixFirst {
            return;
        }
        let at = self.derived.fix_for;
        let started = std::time::Instant::now();
        let done = self
            .derived
            .compute_fix(&self.session.stack, &self.session.what_if);
        let took = started.elapsed();
        if !done {
            // Back to the tree: an empty list would read as "nothing closes a gap".
            self.show(Listing::FixFirst);
            self.info(&format!(
                "fix first stopped after {:.1} s; F starts it again",
                took.as_secs_f64()
            ));
            return;
        }
        let fix = &self.derived.fix;
        let line = at
            .and_then(|(p, c)| fix.iter().position(|f| (f.party, f.control) == (p, c)))
            .unwrap_or(0);
        self.select_line(line);
        if took.as_millis() >= 200 {
            self.info(&format!(
                "fix first: {} changes weighed in {:.1} s",
                thousands(self.derived.fix.len()),
                took.as_secs_f64()
            ));
        }
    }

    /// Recomputes the open listing, and the counts below collapsed rows, after the findings
    /// changed, keeping the selection.
    pub(super) fn refresh_listing(&mut self) {
        self.count_below();
        let d = &mut self.derived;
        match self.nav.listing {
            Listing::Tree => {}
            Listing::Controls => {
                let at = d.controls.get(self.nav.line).map(|l| l.control);
                d.controls = derived::control_lines(&self.session.stack, &d.report);
                self.nav.line = at
                    .and_then(|c| d.controls.iter().position(|l| l.control == c))
                    .unwrap_or(0);
            }
            Listing::BlastRadius => {
                // Recomputed after the next frame, which says so: it can take seconds.
                if !d.blast_pending {
                    d.blast_for = d.blast.get(self.nav.line).map(|b| b.party);
                }
                d.blast.clear();
                d.blast_pending = true;
            }
            Listing::FixFirst => {
                // Recomputed after the next frame, which says so, like the blast radius.
                if !d.fix_pending {
                    d.fix_for = d.fix.get(self.nav.line).map(|f| (f.party, f.control));
                }
                d.fix.clear();
                d.fix_pending = true;
            }
            // The same change stays selected while it is listed.
            Listing::Changes => {
                let at = d.changes.lines.get(self.nav.line).cloned();
                self.nav.line = d.changes.find(at.as_ref(), self.nav.line);
            }
            // The notes were recomputed with the report; keep the line in range.
            Listing::Expiring => {
                let len = d.listing_len(Listing::Expiring);
                self.nav.line = self.nav.line.min(len.saturating_sub(1));
            }
        }
    }

    /// Rebuilds the hand-off pane for the selection, keeping the selected control if it is
    /// still listed.
    pub(super) fn rebuild_inspect(&mut self) {
        let items = &self.derived.inspect.items;
        let keep = items.get(self.nav.item).map(|it| (it.target, it.control));
        let selected = (self.nav.listing, self.nav.row, self.nav.line);
        self.derived.rebuild_inspect(
            self.session.shown(),
            &self.session.what_if,
            selected,
            (self.theme, self.session.presenter()),
        );
        let items = &self.derived.inspect.items;
        if let Some(k) = keep
            && let Some(i) = items.iter().position(|it| (it.target, it.control) == k)
        {
            self.nav.item = i;
        }
        self.nav.item = self.nav.item.min(items.len().saturating_sub(1));
    }

    /// From the control view: the selected place, in the tree.
    fn jump_to_place(&mut self) {
        let Some(it) = self.derived.inspect.items.get(self.nav.item) else {
            return;
        };
        let (target, control) = (it.target, it.control);
        let stack = &self.session.stack;
        let path = match target {
            Target::Entry { handoff, .. } => {
                let p = stack.handoff(handoff).provider;
                self.derived.tree.path_to(stack, p, Some(handoff))
            }
            Target::Requirement { party } => self.derived.tree.path_to(stack, party, None),
        };
        self.go_to(&path);
        self.nav.focus = Pane::Details;
        self.select_item(target, control);
    }

    /// Selects the hand-off pane's line for this control at this place, if it is listed.
    pub(super) fn select_item(&mut self, target: Target, control: u32) {
        let items = &self.derived.inspect.items;
        if let Some(i) = items
            .iter()
            .position(|it| it.target == target && it.control == control)
        {
            self.nav.item = i;
        }
    }

    /// From the blast radius view: the selected party's first row in the tree.
    fn jump_to_party(&mut self) {
        let Some(b) = self.derived.blast.get(self.nav.line) else {
            return;
        };
        let path = self
            .derived
            .tree
            .path_to(&self.session.stack, b.party, None);
        self.go_to(&path);
    }

    /// From the fix-first view: the party's first row in the tree, with the control selected in
    /// the hand-off pane (which takes the focus) when the row lists it.
    fn jump_to_fix(&mut self) {
        let Some(&f) = self.derived.fix.get(self.nav.line) else {
            return;
        };
        let path = self
            .derived
            .tree
            .path_to(&self.session.stack, f.party, None);
        self.go_to(&path);
        let items = &self.derived.inspect.items;
        if let Some(i) = items.iter().position(|it| it.control == f.control) {
            self.nav.item = i;
            self.nav.focus = Pane::Details;
            self.scroll_tree();
        }
    }

    /// Left: collapses the row, or goes to its parent; in the hand-off pane, back to the tree.
    pub(super) fn collapse(&mut self) {
        if self.nav.focus == Pane::Details {
            self.nav.focus = Pane::Tree;
            return;
        }
        let Some(row) = self.derived.tree.rows().get(self.nav.row) else {
            return;
        };
        if row.expanded {
            self.toggle_row();
        } else if let Some(parent) = row.parent {
            self.select_row(parent as usize);
        }
    }

    /// Right: expands the row, or goes to its first child.
    pub(super) fn expand(&mut self) {
        if self.nav.focus == Pane::Details {
            return;
        }
        let rows = self.derived.tree.rows();
        let Some(row) = rows.get(self.nav.row) else {
            return;
        };
        if row.expanded {
            if rows
                .get(self.nav.row + 1)
                .is_some_and(|r| r.depth > row.depth)
            {
                self.select_row(self.nav.row + 1);
            }
        } else if row.has_children {
            self.toggle_row();
        } else if row.cycle {
            self.info("the cycle is cut here: this party already appears above on this path");
        }
    }

    fn toggle_row(&mut self) {
        let Some(row) = self.derived.tree.rows().get(self.nav.row) else {
            return;
        };
        if !row.has_children {
            return;
        }
        let on = !row.expanded;
        let path = self.derived.tree.path(self.nav.row);
        self.derived.tree.set_expanded(&path, on);
        self.refresh_tree();
    }

    /// Expands every row (under the filter, those it keeps), up to a bound that it reports.
    pub(super) fn expand_all(&mut self) {
        let stopped =
            self.derived
                .expand_all(&self.session.stack, tree::EXPAND_LIMIT, self.nav.filter);
        self.refresh_tree();
        if stopped {
            self.info(&format!(
                "expand all stopped at {} rows; expand further rows one by one (l)",
                thousands(tree::EXPAND_LIMIT)
            ));
        }
    }

    /// Collapses every row, keeping the selected row's root selected.
    pub(super) fn collapse_all(&mut self) {
        let root = self.derived.tree.path(self.nav.row).first().copied();
        self.derived.tree.collapse_all();
        self.refresh_tree();
        if let Some(i) = root.and_then(|r| self.derived.tree.find(&[r])) {
            self.select_row(i);
        }
    }

    /// Rebuilds the visible rows after expansion, filter or data changed, keeping the selection
    /// on the same path (or the nearest row above it that still exists).
    pub(super) fn refresh_tree(&mut self) {
        let tree = &self.derived.tree;
        let selected = if tree.rows().is_empty() {
            Vec::new()
        } else {
            tree.path(self.nav.row)
        };
        self.derived
            .rebuild_rows(&self.session.stack, self.nav.filter);
        let tree = &self.derived.tree;
        let mut path = selected.as_slice();
        let found = loop {
            if let Some(i) = tree.find(path) {
                break i;
            }
            match path.split_last() {
                Some((_, rest)) if !rest.is_empty() => path = rest,
                _ => break 0,
            }
        };
        self.select_row(found);
        if self.derived.tree.truncated() {
            self.info("the tree is too large to list every expanded row; collapse some (-)");
        }
    }

    /// Selects a row by path, revealing it; turns the filter off if it hides the row.
    pub(super) fn go_to(&mut self, path: &[u32]) {
        self.nav.listing = Listing::Tree;
        self.derived.blast_pending = false;
        self.derived.fix_pending = false;
        self.nav.focus = Pane::Tree;
        self.derived.tree.reveal(path);
        self.refresh_tree();
        if self.derived.tree.find(path).is_none() && self.nav.filter {
            self.nav.filter = false;
            self.refresh_tree();
            self.info("filter off, to show the match");
        }
        if let Some(i) = self.derived.tree.find(path) {
            self.select_row(i);
        }
    }

    /// `/`: starts typing a search, remembering where it started.
    pub(super) fn start_search(&mut self) {
        self.nav.search.from = Some(self.derived.tree.path(self.nav.row));
        self.nav.mode = Mode::Search {
            query: String::new(),
        };
    }

    /// Searches again for what is typed: every place it matches, in tree order, and goes to
    /// the first place of the best match.
    pub(super) fn find(&mut self, query: &str) {
        let shown = self.session.shown();
        let search = &mut self.nav.search;
        let matches = search
            .searcher
            .get_or_insert_with(|| search::Searcher::new(shown))
            .find(query);
        let stack = &self.session.stack;
        let (places, best) = search::places(stack, &self.derived.tree, &matches);
        search.matches = places;
        search.at = best;
        if let Some(&place) = search.matches.get(best) {
            self.jump(place);
        }
    }

    /// Goes to a place: its row, revealed; for a control, with the hand-off pane's cursor on it.
    fn jump(&mut self, place: search::Place) {
        let path = self.derived.tree.path_of(&self.session.stack, place.row);
        self.go_to(&path);
        if let Some((target, control)) = place.item {
            self.nav.focus = Pane::Details;
            self.select_item(target, control);
        }
    }

    /// `n` / `N`: the next or previous place in tree order, round the end, counted (`k/N`).
    pub(super) fn next_match(&mut self, by: isize) {
        let search = &mut self.nav.search;
        if search.matches.is_empty() {
            self.info("no search; press / to search");
            return;
        }
        let n = search.matches.len() as isize;
        search.at = ((search.at as isize + by).rem_euclid(n)) as usize;
        let (place, at) = (search.matches[search.at], search.at);
        self.jump(place);
        if self.nav.mode == Mode::Browse {
            self.info(&format!(
                "match {}/{n}{}n next, N previous",
                at + 1,
                self.theme.sep()
            ));
        }
    }

    /// `f`: only rows with findings (and those above them), expanded; or everything again.
    pub(super) fn toggle_filter(&mut self) {
        self.nav.filter = !self.nav.filter;
        if self.nav.filter {
            self.derived.compute_reach(&self.session.stack);
            self.expand_all();
            if self.derived.tree.rows().is_empty() {
                self.info("filter: no findings anywhere; f shows everything again");
            } else if self.notice.is_none() {
                self.info("filter: only rows with findings and the rows above them; f shows all");
            }
        } else {
            self.refresh_tree();
        }
    }

    /// A click: selects the row or line under the pointer (a second click on a row folds it),
    /// or the hand-off pane's line as it was drawn.
    pub(super) fn click(&mut self, x: u16, y: u16) {
        let areas = layout::areas(
            self.nav.size,
            self.nav.zoom,
            self.nav.focus,
            self.nav.footer(),
        );
        let inside = |r: ratatui::layout::Rect| {
            x > r.x && x + 1 < r.right() && y > r.y && y + 1 < r.bottom()
        };
        if inside(areas.tree) && self.nav.listing != Listing::Tree {
            self.nav.focus = Pane::Tree;
            let i = self.nav.line_offset + (y - areas.tree.y - 1) as usize;
            if i < self.derived.listing_len(self.nav.listing) {
                self.select_line(i);
            }
        } else if inside(areas.tree) {
            self.nav.focus = Pane::Tree;
            let i = self.nav.row_offset + (y - areas.tree.y - 1) as usize;
            if i == self.nav.row {
                self.toggle_row();
            } else if i < self.derived.tree.rows().len() {
                self.select_row(i);
            }
        } else if inside(areas.details) {
            // The line under the pointer as drawn: a preview while the tree had the focus.
            let at = self.drawn.details_item_at(y);
            self.nav.focus = Pane::Details;
            if let Some(i) = at {
                self.nav.item = i;
            }
        }
    }

    /// The wheel: focuses the pane under the pointer and moves its cursor three lines.
    pub(super) fn wheel(&mut self, up: bool, x: u16, y: u16) {
        let areas = layout::areas(
            self.nav.size,
            self.nav.zoom,
            self.nav.focus,
            self.nav.footer(),
        );
        let at = ratatui::layout::Rect::new(x, y, 1, 1);
        if areas.tree.intersects(at) {
            self.nav.focus = Pane::Tree;
        } else if areas.details.intersects(at) {
            self.nav.focus = Pane::Details;
        }
        self.step(if up { -3 } else { 3 });
    }
}
