//! While the terminal is too small for the panes, a notice fills it, and only quitting (with
//! the answer to "save before quitting?", drawn over the notice), resizing and repainting act:
//! any other key is ignored, so nothing changes behind a notice that shows none of it. Messages
//! that are not keys (file changes, effects' answers) are handled as always.

use super::App;
use crate::tui::effect::Effect;
use crate::tui::layout::MIN_SIZE;
use crate::tui::mode::{Mode, Question};
use crate::tui::msg::Msg;

impl App {
    /// Whether the terminal is smaller than the panes need, so the notice shows instead.
    pub fn too_small(&self) -> bool {
        let size = self.nav.size;
        size.width < MIN_SIZE.0 || size.height < MIN_SIZE.1
    }

    /// A key or a click while too small: `q` quits, asking first over unsaved edits as always;
    /// that question's answers act; anything else is ignored.
    pub(super) fn while_too_small(&mut self, msg: Msg) -> Vec<Effect> {
        match (&self.nav.mode, msg) {
            (Mode::Ask(Question::Quit), msg @ (Msg::Answer(_) | Msg::Close)) => {
                self.answer_yes_no(msg, Question::Quit)
            }
            (Mode::Ask(Question::Quit), _) => Vec::new(),
            (_, Msg::Quit) => self.quit(),
            _ => Vec::new(),
        }
    }
}
