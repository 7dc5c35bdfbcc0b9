//! The tree pane: only the rows that fit are drawn; each shows its party, the service of its
//! hand-off, its layer (as a word and a colour) and the gap / warning counts it stands for.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use crate::text::escape;
use crate::tui::layout::{fit, pad, width};
use crate::tui::mode::Pane;
use crate::tui::screen::Screen;
use crate::tui::tree::Row;

/// Cells kept for the counts column (`✗99 !99`).
const COUNTS_WIDTH: usize = 7;

/// The tree pane.
pub struct TreeView<'a>(pub &'a Screen<'a>);

/// A pane's frame: the focused one says so in its title (not by colour alone).
pub fn frame(s: &Screen, pane: Pane, title: String) -> Block<'static> {
    let theme = s.theme;
    let focused = s.focus == pane;
    let title = if focused {
        Span::styled(format!(" {title} "), theme.prompt())
    } else {
        Span::styled(format!(" {title} "), theme.dim())
    };
    Block::bordered().border_set(theme.border()).title(title)
}

/// The counts of a row as text and style: `✗2 !1`, or `✓` when clean. A count whose findings
/// are all accepted (`open` is zero) is dimmed rather than coloured: nothing there is open.
pub fn counts(s: &Screen, [gaps, warnings]: [u32; 2], open: [u32; 2]) -> Vec<Span<'static>> {
    use crate::analysis::Severity;
    let theme = s.theme;
    let style = |open: u32, s: Severity| {
        if open > 0 {
            theme.severity(Some(s))
        } else {
            theme.dim()
        }
    };
    let mut out = Vec::new();
    if gaps > 0 {
        out.push(Span::styled(
            format!("{}{gaps}", theme.mark(Some(Severity::Gap))),
            style(open[0], Severity::Gap),
        ));
    }
    if warnings > 0 {
        if !out.is_empty() {
            out.push(Span::raw(" "));
        }
        out.push(Span::styled(
            format!("{}{warnings}", theme.mark(Some(Severity::Warning))),
            style(open[1], Severity::Warning),
        ));
    }
    if out.is_empty() {
        out.push(Span::styled(theme.mark(None), theme.severity(None)));
    }
    out
}

impl Widget for TreeView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let theme = s.theme;
        let rows = s.tree.rows();
        let ell = theme.ellipsis();
        let mut suffix = format!("{}{} rows", theme.sep(), rows.len());
        if s.filter {
            suffix.push_str(&format!("{}filter", theme.sep()));
        }
        let room = (area.width as usize).saturating_sub(width(&suffix) + 6);
        let title = format!("{}{suffix}", fit(&escape(&s.stack.name), room, ell));
        let block = frame(s, Pane::Tree, title);
        let inner = block.inner(area);
        block.render(area, buf);
        let layer_w = s
            .stack
            .layers
            .iter()
            .map(|l| width(&escape(&l.id)))
            .max()
            .unwrap_or(1)
            .min(12);
        for (i, y) in (s.row_offset..rows.len()).zip(inner.top()..inner.bottom()) {
            let row = &rows[i];
            let right = right_of(s, row, layer_w);
            let right_w: usize = right.iter().map(|s| width(&s.content)).sum();
            let room = (inner.width as usize).saturating_sub(right_w + 1);
            let selected = i == s.row;
            let style = if selected {
                theme.selected(s.focus == Pane::Tree)
            } else {
                Style::new()
            };
            let line = left_of(s, row, selected, room).style(style);
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
            buf.set_line(inner.x, y, &line, inner.width);
            let rx = inner.right().saturating_sub(right_w as u16);
            buf.set_line(rx.max(inner.x), y, &Line::from(right), inner.width);
        }
        if rows.is_empty() && inner.height > 0 {
            let text = if s.filter {
                "no findings: nothing to show under the filter (f)"
            } else {
                "no parties"
            };
            buf.set_stringn(inner.x, inner.y, text, inner.width as usize, theme.dim());
        }
    }
}

/// A row's right side: layer and counts in fixed columns, always visible.
fn right_of(s: &Screen, row: &Row, layer_w: usize) -> Vec<Span<'static>> {
    let (theme, stack) = (s.theme, s.stack);
    let ell = theme.ellipsis();
    let party = stack.party(row.party);
    let layer = party.layer.map_or_else(
        || "-".to_string(),
        |l| escape(&stack.layers[l as usize].id).into_owned(),
    );
    let mut right = vec![
        Span::styled(
            pad(
                &format!("[{}]", fit(&layer, layer_w, ell)),
                layer_w + 2,
                ell,
            ),
            theme.layer(party.layer),
        ),
        Span::raw(" "),
    ];
    let tally = counts(s, s.tally.of_row(row), s.tally.open_of_row(row));
    let tally_w: usize = tally.iter().map(|s| width(&s.content)).sum();
    right.extend(tally);
    right.push(Span::raw(" ".repeat(COUNTS_WIDTH.saturating_sub(tally_w))));
    right
}

/// A row's left side in `room` cells, by priority: cursor, indentation, expander and party id;
/// then the markers; then the hand-off's service in whatever room is left.
fn left_of(s: &Screen, row: &Row, selected: bool, room: usize) -> Line<'static> {
    let (theme, stack) = (s.theme, s.stack);
    let ell = theme.ellipsis();
    let indent = (row.depth as usize * 2).min(room.saturating_sub(8) / 2 * 2);
    let expander = if row.expanded {
        theme.open()
    } else if row.has_children {
        theme.closed()
    } else {
        " "
    };
    let cursor = if selected { theme.cursor() } else { " " };
    let head = format!(
        "{cursor}{}{expander} {}",
        " ".repeat(indent),
        escape(&stack.party(row.party).id)
    );
    let off = s.what_if.is_off(row.party);
    let shared = s.tree.is_shared(row.party) && row.handoff.is_some() && !row.cycle;
    let mut marks = String::new();
    if row.cycle {
        marks.push_str(&format!(" {}", theme.cycle()));
    }
    if off {
        marks.push_str(" (off)");
    }
    if shared {
        marks.push_str(" (shared)");
    }
    if width(&head) + width(&marks) > room {
        // Short of room, the cycle and off marks keep a symbol and the party id the rest.
        marks.clear();
        if row.cycle {
            marks.push_str(&format!(" {}", theme.cycle_mark()));
        }
        if off {
            marks.push_str(" off");
        }
    }
    let head = fit(&head, room.saturating_sub(width(&marks)), ell);
    let marks = fit(&marks, room.saturating_sub(width(&head)), ell);
    let left_room = room.saturating_sub(width(&head) + width(&marks));
    let service = row
        .handoff
        .and_then(|h| stack.handoff(h).service.as_deref())
        .filter(|_| left_room >= 6)
        .map(|s| fit(&format!(" {} {}", theme.dot(), escape(s)), left_room, ell))
        .unwrap_or_default();
    Line::from(vec![
        Span::raw(head),
        Span::styled(marks, theme.dim()),
        Span::styled(service, theme.dim()),
    ])
}
