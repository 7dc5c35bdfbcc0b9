//! Drawing: reads the [`App`] and paints the visible part of it, never computing anything the
//! state does not already hold. One layout function is shared with `update` (for paging and
//! mouse clicks), so both agree on where the panes are.

pub mod details;
pub mod help;
pub mod lists;
pub mod status;
pub mod tree;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthChar;

use super::app::{App, Listing, Mode, Pane};

/// The smallest terminal the explorer draws its panes in.
pub const MIN_SIZE: (u16, u16) = (40, 12);

/// Below this width the panes stack, tree above.
const WIDE: u16 = 100;

/// Where the panes are on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The tree pane (empty when zoomed on the other).
    pub tree: Rect,
    /// The hand-off pane (empty when zoomed on the other).
    pub details: Rect,
    /// The two status lines.
    pub status: Rect,
}

/// The layout for a terminal size.
pub fn areas(size: Rect, zoom: bool, focus: Pane) -> Areas {
    let status_height = size.height.min(2);
    let body = Rect {
        height: size.height - status_height,
        ..size
    };
    let status = Rect {
        y: body.bottom(),
        height: status_height,
        ..size
    };
    let (tree, details) = if zoom {
        match focus {
            Pane::Tree => (body, Rect::default()),
            Pane::Details => (Rect::default(), body),
        }
    } else if size.width >= WIDE {
        let w = body.width * 9 / 20;
        (
            Rect { width: w, ..body },
            Rect {
                x: body.x + w,
                width: body.width - w,
                ..body
            },
        )
    } else {
        let h = (body.height * 2 / 5).max(5).min(body.height);
        (
            Rect { height: h, ..body },
            Rect {
                y: body.y + h,
                height: body.height - h,
                ..body
            },
        )
    };
    Areas {
        tree,
        details,
        status,
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    Screen(app).render(area, frame.buffer_mut());
}

/// The whole screen as one widget.
pub struct Screen<'a>(pub &'a App);

impl Widget for Screen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
            let text = format!(
                "terminal too small ({}×{}): stackgap needs at least {}×{}. Enlarge the window, or press q to quit.",
                area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
            );
            Paragraph::new(app.theme().plain(&text).into_owned())
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let a = areas(area, app.zoomed(), app.focus());
        match app.listing() {
            Listing::Tree => tree::TreeView(app).render(a.tree, buf),
            Listing::Controls => lists::ControlsView(app).render(a.tree, buf),
            Listing::BlastRadius => lists::BlastView(app).render(a.tree, buf),
            Listing::Expiring => lists::ExpiringView(app).render(a.tree, buf),
        }
        details::DetailsView(app).render(a.details, buf);
        status::StatusBar(app).render(a.status, buf);
        match app.mode() {
            Mode::Help { .. } => help::HelpOverlay(app).render(area, buf),
            Mode::Ask(_) => status::Dialog(app).render(area, buf),
            Mode::Browse | Mode::Search { .. } => {}
        }
    }
}

/// Display width of a string in terminal cells.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The string cut to `max` cells, ending with `ellipsis` when cut.
pub fn fit(s: &str, max: usize, ellipsis: &str) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(width(ellipsis));
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if max >= width(ellipsis) {
        out.push_str(ellipsis);
    }
    out
}

/// The string padded with spaces (or cut) to exactly `cells` cells.
pub fn pad(s: &str, cells: usize, ellipsis: &str) -> String {
    let mut out = fit(s, cells, ellipsis);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

/// Word-wraps text into lines of at most `max` cells (words longer than a line are cut).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let needed = width(&word) + usize::from(!line.is_empty());
            if width(&line) + needed <= max {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than the line: cut it.
            let mut head = String::new();
            let mut rest = String::new();
            let mut used = 0;
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if rest.is_empty() && used + w <= max {
                    used += w;
                    head.push(c);
                } else {
                    rest.push(c);
                }
            }
            lines.push(head);
            if rest.is_empty() {
                break;
            }
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws lines into an area from the top, each cut to the area's width.
pub fn put_lines(lines: &[Line<'_>], area: Rect, buf: &mut Buffer) {
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        buf.set_line(area.x, y, line, area.width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_padded_and_wrapped_by_display_width() {
        assert_eq!(fit("brightpath", 6, "…"), "brigh…");
        assert_eq!(fit("brightpath", 6, "..."), "bri...");
        assert_eq!(fit("ab", 1, "..."), "");
        assert_eq!(pad("ab", 4, "…"), "ab  ");
        assert_eq!(fit("日本語", 4, "…"), "日…");
        assert_eq!(
            wrap("the chain ends at stratoline", 10),
            ["the chain", "ends at", "stratoline"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn narrow_terminals_stack_the_panes_and_wide_ones_split_them() {
        let narrow = areas(Rect::new(0, 0, 80, 24), false, Pane::Tree);
        assert_eq!(narrow.tree.width, 80);
        assert!(narrow.tree.bottom() <= narrow.details.y);
        let wide = areas(Rect::new(0, 0, 120, 40), false, Pane::Tree);
        assert_eq!(wide.tree.height, wide.details.height);
        assert_eq!(wide.tree.right(), wide.details.x);
        let zoomed = areas(Rect::new(0, 0, 120, 40), true, Pane::Details);
        assert_eq!(zoomed.details.height, 38);
        assert!(zoomed.tree.is_empty());
    }
}
