//! The guided tour's box, in place of the status bar: which stop of how many, the finding
//! (kind, control, place) and its explanation, and the keys that go on, back or leave. An
//! explanation longer than the box ends with "…" and says that `z` (the hand-off pane, zoomed)
//! shows it whole, where the cursor already is on the finding.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::put_lines;
use crate::tui::layout::{fit, wrap};
use crate::tui::mode::TourStep;
use crate::tui::screen::Screen;

/// The tour's box.
pub struct TourBox<'a>(pub &'a Screen<'a>, pub &'a TourStep);

impl Widget for TourBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, step) = (self.0, self.1);
        let theme = s.theme;
        let ell = theme.ellipsis();
        if area.is_empty() {
            return;
        }
        Clear.render(area, buf);
        let title = format!(" Tour {}/{} ", step.at + 1, step.of);
        let keys = theme
            .plain(" t/Space next · Backspace back · Esc leaves ")
            .into_owned();
        let keys = fit(&keys, area.width.saturating_sub(4) as usize, ell);
        let block = Block::bordered()
            .border_set(theme.border())
            .title(Span::styled(title, theme.prompt()))
            .title_bottom(Line::styled(keys, theme.dim()).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        let w = inner.width as usize;
        let mut lines = vec![Line::styled(fit(&step.head, w, ell), theme.heading())];
        let room = (inner.height as usize).saturating_sub(1);
        let mut why = wrap(&step.why, w);
        if why.len() > room && room > 0 {
            why.truncate(room);
            let hint = format!("{ell} (z: whole)");
            let last = why.pop().unwrap_or_default();
            let keep = w.saturating_sub(crate::tui::layout::width(&hint));
            why.push(format!("{}{hint}", fit(&last, keep, "")));
        }
        lines.extend(why.into_iter().map(Line::raw));
        put_lines(&lines, inner, buf);
    }
}
