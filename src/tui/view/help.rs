//! The `?` overlay: the help's words (`help_text`) in a box, scrolled.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::put_lines;
use crate::tui::help_text::{inner_width, lines};
use crate::tui::mode::Mode;
use crate::tui::screen::Screen;

/// The help overlay.
pub struct HelpOverlay<'a>(pub &'a Screen<'a>);

impl Widget for HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.0;
        let theme = s.theme;
        let Mode::Help { scroll } = s.mode else {
            return;
        };
        let rect = Rect {
            x: area.x + 2.min(area.width),
            y: area.y + 1.min(area.height),
            width: area.width.saturating_sub(4),
            height: area.height.saturating_sub(2),
        };
        Clear.render(rect, buf);
        let title = theme.plain(" Help · Esc closes · j/k scroll ").into_owned();
        let block = Block::bordered()
            .border_set(theme.border())
            .title(Span::styled(title, theme.prompt()));
        let inner = block.inner(rect);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        block.render(rect, buf);
        let all = lines(inner_width(area.width), theme);
        let shown: Vec<Line> = all.into_iter().skip(*scroll as usize).collect();
        put_lines(&shown, inner, buf);
    }
}
