//! The guided tour (`t`): steps through the open findings worst first (the order is
//! `derived::tour`'s, computed once per report), putting the cursor on each finding's place —
//! its hand-off's first row revealed in the tree, the hand-off pane's cursor on the control —
//! and its explanation in the tour's box. It follows the current findings: after an edit, a
//! what-if or a reload the order is computed again and the tour stays at the same step.

use super::App;
use crate::analysis::{Place, message};
use crate::report::handoff_label;
use crate::tui::derived::tour::{self, Stop};
use crate::tui::mode::{Mode, TourStep};
use crate::tui::msg::Msg;

impl App {
    /// `t`: starts the tour at its first stop, or says there is nothing to tour.
    pub(super) fn start_tour(&mut self) {
        if self.tour_stops().is_empty() {
            self.info("no gaps to tour: nothing is open in this stack");
            return;
        }
        self.tour_at(0);
    }

    /// A message during the tour: the next or previous stop, or leaving it.
    pub(super) fn tour(&mut self, msg: Msg, at: usize) {
        match msg {
            Msg::Tour => {
                let n = self.tour_stops().len();
                if at + 1 >= n {
                    self.nav.mode = Mode::Browse;
                    self.info(&format!("end of the tour ({n} stops); t starts it again"));
                } else {
                    self.tour_at(at + 1);
                }
            }
            Msg::Backspace => self.tour_at(at.saturating_sub(1)),
            Msg::Close => {
                self.nav.mode = Mode::Browse;
                self.info("left the tour; the cursor stays on its last stop");
            }
            Msg::Zoom => {
                self.nav.zoom = !self.nav.zoom;
                self.scroll_tree();
            }
            _ => {}
        }
    }

    /// The findings changed while the tour was on: the same step of the new order.
    pub(super) fn tour_follows(&mut self) {
        if let Mode::Tour(step) = &self.nav.mode
            && self.derived.tour.is_none()
        {
            let at = step.at;
            if self.tour_stops().is_empty() {
                self.nav.mode = Mode::Browse;
                self.info("no gaps left to tour");
            } else {
                self.tour_at(at);
            }
        }
    }

    /// The stops, computed for the current findings if they are not yet.
    fn tour_stops(&mut self) -> &[Stop] {
        let d = &mut self.derived;
        d.tour
            .get_or_insert_with(|| tour::order(&self.session.stack, &d.report, &d.tree))
    }

    /// Goes to stop `at` (the last one when past the end): its place, and its words.
    fn tour_at(&mut self, at: usize) {
        let stops = self.tour_stops();
        let of = stops.len();
        let Some(&stop) = stops.get(at.min(of.saturating_sub(1))) else {
            return;
        };
        let at = at.min(of - 1);
        self.nav.mode = Mode::Browse;
        self.jump_to(stop.control, stop.place);
        let shown = self.session.shown();
        let report = &self.derived.report;
        let Some(f) = stop.finding(report) else {
            return;
        };
        let theme = self.theme;
        let control = &shown.control(f.control).id;
        let place = match f.place {
            Place::Handoff { handoff, .. } => handoff_label(shown, handoff),
            Place::Party(p) => format!("{}'s own requirement", shown.party(p).id),
        };
        let head = format!(
            "{} {} {} at {place}",
            theme.mark(Some(f.severity())),
            f.kind.as_str(),
            control
        );
        let why = theme
            .plain(&message(shown, f, report.min_evidence))
            .into_owned();
        self.nav.mode = Mode::Tour(TourStep {
            at,
            of,
            head: crate::text::escape(&theme.plain(&head)).into_owned(),
            why: crate::text::escape(&why).into_owned(),
        });
        self.scroll_tree();
    }
}
