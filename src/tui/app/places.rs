//! Going from a listed place to the tree: a change of the changes view (`D`) to the row of
//! its place, with its control selected in the hand-off pane.

use super::App;
use crate::analysis::Place;
use crate::stack::ControlIdx;
use crate::tui::derived::changes::Line;
use crate::tui::inspect::Target;
use crate::tui::mode::Pane;

impl App {
    /// From the changes view: the selected change's place in the tree.
    pub(super) fn jump_to_change(&mut self) {
        let Some(Line::Change(c)) = self.derived.changes.lines.get(self.nav.line) else {
            self.info("a heading: j/k to a change, then Enter");
            return;
        };
        let (control, place) = (c.control, c.place);
        self.jump_to(control, place);
    }

    /// Shows a place in the tree (its hand-off's row, or its party's first row) with the
    /// control selected in the hand-off pane.
    pub(super) fn jump_to(&mut self, control: ControlIdx, place: Place) {
        let stack = &self.session.stack;
        let path = match place {
            Place::Handoff { handoff, .. } => {
                let p = stack.handoff(handoff).provider;
                self.derived.tree.path_to(stack, p, Some(handoff))
            }
            Place::Party(p) => self.derived.tree.path_to(stack, p, None),
        };
        self.go_to(&path);
        self.nav.focus = Pane::Details;
        // The control as listed at the hand-off, else as the party requires it.
        let items = &self.derived.inspect.items;
        let at = |target: Target| match (target, place) {
            (Target::Entry { handoff, .. }, Place::Handoff { handoff: h, .. }) => handoff == h,
            (Target::Requirement { party }, Place::Party(p)) => party == p,
            _ => false,
        };
        let found = items
            .iter()
            .position(|it| it.control == control && at(it.target))
            .or_else(|| items.iter().position(|it| it.control == control));
        if let Some(i) = found {
            self.nav.item = i;
        }
    }
}
