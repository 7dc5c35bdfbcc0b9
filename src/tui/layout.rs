//! Where things are on screen, read by both `update` (paging, scrolling, mouse clicks) and the
//! views (drawing), so that the two agree: the panes' areas for a terminal size, text measured
//! in terminal cells, and what the last frame drew where a click needs it back ([`Drawn`]).

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthChar;

use super::mode::{Mode, Pane};

/// The smallest terminal the explorer draws its panes in.
pub const MIN_SIZE: (u16, u16) = (40, 12);

/// Below this width the panes stack, tree above.
const WIDE: u16 = 100;

/// Whether the terminal is small enough (under 80×24, e.g. 64×20) that the findings come
/// before decoration: the hand-off pane leaves out its facts (names, agreement, notes — `z`
/// shows them), its blank lines and its column heading; the tree leaves out its layer column
/// and gives the hand-off pane more of the height.
pub fn compact(size: Rect) -> bool {
    size.width < 80 || size.height < 24
}

/// The lines under the panes: the two status lines, or the guided tour's box.
pub fn footer(mode: &Mode) -> u16 {
    match mode {
        Mode::Tour(_) => TOUR_HEIGHT,
        _ => 2,
    }
}

/// The guided tour's box: its borders, the finding's line and three of explanation.
pub const TOUR_HEIGHT: u16 = 6;

/// Where the panes are on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The tree pane (empty when zoomed on the other).
    pub tree: Rect,
    /// The hand-off pane (empty when zoomed on the other).
    pub details: Rect,
    /// The two status lines (or the tour's box).
    pub status: Rect,
}

/// The layout for a terminal size.
pub fn areas(size: Rect, zoom: bool, focus: Pane, footer: u16) -> Areas {
    let status_height = size.height.min(footer);
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
        let h = if compact(size) {
            body.height / 3
        } else {
            body.height * 2 / 5
        };
        let h = h.max(5).min(body.height);
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

/// How many rows of the left pane's list fit inside its border (at least one).
pub fn list_height(size: Rect, zoom: bool, focus: Pane, footer: u16) -> usize {
    (areas(size, zoom, focus, footer)
        .tree
        .height
        .saturating_sub(2) as usize)
        .max(1)
}

/// Rows or lines per page in the focused pane (at least one).
pub fn page(size: Rect, zoom: bool, focus: Pane, footer: u16) -> usize {
    let areas = areas(size, zoom, focus, footer);
    let pane = match focus {
        Pane::Tree => areas.tree,
        Pane::Details => areas.details,
    };
    (pane.height.saturating_sub(3) as usize).max(1)
}

/// What the last frame drew where input needs it back: the item of the hand-off pane on each
/// of its lines, which only drawing knows (a preview sums up, an explanation wraps). The pane
/// writes it while drawing, as a ratatui `StatefulWidget` writes its state; a click reads it,
/// so it selects what was on screen under the pointer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The screen row of the pane's first scrolling line (below its title).
    details_top: u16,
    /// The item each line shows, top to bottom; `None` for headings and blank lines.
    details_items: Vec<Option<usize>>,
}

impl Drawn {
    /// Records the hand-off pane's lines: the first is drawn on screen row `top`.
    pub fn set_details(&mut self, top: u16, items: impl IntoIterator<Item = Option<usize>>) {
        self.details_top = top;
        self.details_items.clear();
        self.details_items.extend(items);
    }

    /// The item of the hand-off pane drawn on screen row `y`, if any.
    pub fn details_item_at(&self, y: u16) -> Option<usize> {
        let at = y.checked_sub(self.details_top)? as usize;
        self.details_items.get(at).copied().flatten()
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
            let (head, rest) = cut(&word, max);
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

/// A word split after at most `max` cells: the part that fits and the rest.
fn cut(word: &str, max: usize) -> (String, String) {
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
    (head, rest)
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
        let narrow = areas(Rect::new(0, 0, 80, 24), false, Pane::Tree, 2);
        assert_eq!(narrow.tree.width, 80);
        assert!(narrow.tree.bottom() <= narrow.details.y);
        let wide = areas(Rect::new(0, 0, 120, 40), false, Pane::Tree, 2);
        assert_eq!(wide.tree.height, wide.details.height);
        assert_eq!(wide.tree.right(), wide.details.x);
        let zoomed = areas(Rect::new(0, 0, 120, 40), true, Pane::Details, 2);
        assert_eq!(zoomed.details.height, 38);
        assert!(zoomed.tree.is_empty());
    }

    #[test]
    fn a_click_finds_the_item_drawn_on_its_row() {
        let mut drawn = Drawn::default();
        assert_eq!(drawn.details_item_at(3), None, "nothing drawn yet");
        drawn.set_details(5, [None, Some(0), Some(0), Some(1)]);
        assert_eq!(drawn.details_item_at(4), None, "above the pane's lines");
        assert_eq!(drawn.details_item_at(5), None, "a heading");
        assert_eq!(drawn.details_item_at(7), Some(0));
        assert_eq!(drawn.details_item_at(8), Some(1));
        assert_eq!(drawn.details_item_at(9), None, "below the last line");
    }
}
