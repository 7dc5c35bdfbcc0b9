//! The tree pane: only the rows that fit are drawn; each shows, after guides that tie it to
//! its consumer's row, its party, the service of its hand-off, its layer (as a word and a
//! colour) and the open gaps and warnings it stands for; accepted risks counted apart, and for
//! a collapsed row what lies below it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::details::is_cut;
use crate::text::{count, escape};
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

/// Open counts as text and style: `✗2 !1`, or `✓` when nothing is open.
pub fn counts(s: &Screen, [gaps, warnings]: [u32; 2]) -> Vec<Span<'static>> {
    use crate::analysis::Severity;
    let theme = s.theme;
    let mut out = Vec::new();
    if gaps > 0 {
        out.push(Span::styled(
            format!("{}{gaps}", theme.mark(Some(Severity::Gap))),
            theme.severity(Some(Severity::Gap)),
        ));
    }
    if warnings > 0 {
        if !out.is_empty() {
            out.push(Span::raw(" "));
        }
        out.push(Span::styled(
            format!("{}{warnings}", theme.mark(Some(Severity::Warning))),
            theme.severity(Some(Severity::Warning)),
        ));
    }
    if out.is_empty() {
        out.push(Span::styled(theme.mark(None), theme.severity(None)));
    }
    out
}

/// Accepted risks, counted apart from the open findings: `1 accepted`, dimmed (none: empty).
pub fn accepted(s: &Screen, n: u32) -> Option<Span<'static>> {
    (n > 0).then(|| Span::styled(format!("{n} accepted"), s.theme.dim()))
}

/// The open findings below a collapsed row: `✗3 below`, `✗3 !1 below`, in the colour of the
/// worst.
fn below_span(s: &Screen, [gaps, warnings]: [u32; 2]) -> Span<'static> {
    use crate::analysis::Severity;
    let theme = s.theme;
    let mut parts = Vec::new();
    if gaps > 0 {
        parts.push(format!("{}{gaps}", theme.mark(Some(Severity::Gap))));
    }
    if warnings > 0 {
        parts.push(format!("{}{warnings}", theme.mark(Some(Severity::Warning))));
    }
    let worst = if gaps > 0 {
        Severity::Gap
    } else {
        Severity::Warning
    };
    Span::styled(
        format!("{} below", parts.join(" ")),
        theme.severity(Some(worst)),
    )
}

/// The least room a row's left side (cursor, guides, party) keeps before the right side's
/// extra columns give way.
const LEFT_MIN: usize = 16;

/// The right side's columns for the rows drawn: the layer's width, and those of the accepted
/// and below columns (0 when no row drawn has one, or when the pane has no room for it: the
/// accepted count gives way first).
struct Columns {
    layer: usize,
    accepted: usize,
    below: usize,
}

impl Columns {
    fn new(s: &Screen, drawn: std::ops::Range<usize>, inner: usize) -> Columns {
        let layer = s
            .stack
            .layers
            .iter()
            .map(|l| width(&escape(&l.id)))
            .max()
            .unwrap_or(1)
            .min(12);
        // On a small terminal the layer column gives way (its colour stays on the row).
        let layer = if s.compact { 0 } else { layer };
        let rows = s.tree.rows();
        let widest = |f: &dyn Fn(usize) -> usize| drawn.clone().map(f).max().unwrap_or(0);
        let mut accepted =
            widest(&|i| accepted_span(s, &rows[i]).map_or(0, |a| width(&a.content) + 1));
        let mut below = widest(&|i| {
            s.tally
                .below_of(i)
                .map_or(0, |n| width(&below_span(s, n).content) + 1)
        });
        let fixed = if layer > 0 { layer + 2 + 1 } else { 0 } + COUNTS_WIDTH + 1;
        let room = |a: usize, b: usize| inner.saturating_sub(fixed + a + b) >= LEFT_MIN;
        if !room(accepted, below) {
            accepted = 0;
        }
        if !room(accepted, below) {
            // Cut with an ellipsis, down to a mark and a number; narrower still, left out (the
            // row then shows no count rather than a ✓).
            below = inner.saturating_sub(fixed + LEFT_MIN).min(below);
            if below < 4 {
                below = 0;
            }
        }
        Columns {
            layer,
            accepted,
            below,
        }
    }
}

fn accepted_span(s: &Screen, row: &Row) -> Option<Span<'static>> {
    accepted(s, s.tally.accepted_of_row(row))
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
        let mut suffix = format!("{}{}", theme.sep(), count(rows.len(), "row", "rows"));
        if s.filter {
            suffix.push_str(&format!("{}filter", theme.sep()));
        }
        let inner = frame(s, Pane::Tree, String::new()).inner(area);
        let drawn =
            s.row_offset.min(rows.len())..(s.row_offset + inner.height as usize).min(rows.len());
        let cols = Columns::new(s, drawn.clone(), inner.width as usize);
        let lefts: Vec<_> = drawn
            .clone()
            .map(|i| {
                let right = right_of(s, i, &cols);
                let right_w: usize = right.iter().map(|s| width(&s.content)).sum();
                let room = (inner.width as usize).saturating_sub(right_w + 1);
                (left_of(s, i, i == s.row, room), right, right_w)
            })
            .collect();
        // A name or service cut short: the title says that `z` gives the pane the whole width.
        let cut = lefts.iter().any(|(left, ..)| is_cut(left, ell));
        if cut && !s.zoom {
            suffix.push_str(&format!("{}z: whole", theme.sep()));
        }
        let room = (area.width as usize).saturating_sub(width(&suffix) + 6);
        let title = format!("{}{suffix}", fit(&escape(&s.stack.name), room, ell));
        frame(s, Pane::Tree, title).render(area, buf);
        for ((i, y), (line, right, right_w)) in drawn.zip(inner.top()..inner.bottom()).zip(lefts) {
            let style = if i == s.row {
                theme.selected(s.focus == Pane::Tree)
            } else {
                Style::new()
            };
            let line = line.style(style);
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

/// A row's right side: layer and open counts in fixed columns, always visible; then, when
/// some row drawn has them, its accepted risks and (collapsed) the open findings below it. A
/// collapsed row with findings below never shows `✓`.
fn right_of(s: &Screen, i: usize, cols: &Columns) -> Vec<Span<'static>> {
    let (theme, stack) = (s.theme, s.stack);
    let ell = theme.ellipsis();
    let row = &s.tree.rows()[i];
    let party = stack.party(row.party);
    let layer = party.layer.map_or_else(
        || "-".to_string(),
        |l| escape(&stack.layers[l as usize].id).into_owned(),
    );
    let layer_w = cols.layer;
    let mut right = Vec::new();
    if layer_w > 0 {
        right.push(Span::styled(
            pad(
                &format!("[{}]", fit(&layer, layer_w, ell)),
                layer_w + 2,
                ell,
            ),
            theme.layer(party.layer),
        ));
        right.push(Span::raw(" "));
    }
    let open = s.tally.open_of_row(row);
    let below_n = s.tally.below_of(i);
    let tally = if open == [0, 0] && below_n.is_some() {
        Vec::new()
    } else {
        counts(s, open)
    };
    let tally_w: usize = tally.iter().map(|s| width(&s.content)).sum();
    right.extend(tally);
    right.push(Span::raw(" ".repeat(COUNTS_WIDTH.saturating_sub(tally_w))));
    let mut column = |span: Option<Span<'static>>, w: usize| {
        if w == 0 {
            return;
        }
        let (text, style) = span.map_or((String::new(), Style::new()), |s| {
            (s.content.into_owned(), s.style)
        });
        right.push(Span::raw(" "));
        right.push(Span::styled(pad(&text, w - 1, ell), style));
    };
    column(accepted_span(s, row), cols.accepted);
    column(below_n.map(|n| below_span(s, n)), cols.below);
    right
}

/// A row's guides, `depth` pairs of cells: for each ancestor below the root, `│ ` when more of
/// its siblings follow (blank when it was the last), then the row's own `├─` (`└─` for the
/// last of its siblings). ASCII: `| `, `|-` and `` `- ``.
fn guides(s: &Screen, i: usize) -> String {
    let ascii = s.theme.ascii;
    let lasts = s.tree.guides(i);
    let mut out = String::new();
    for (k, &last) in lasts.iter().enumerate() {
        let own = k + 1 == lasts.len();
        out.push_str(match (own, last, ascii) {
            (false, true, _) => "  ",
            (false, false, false) => "│ ",
            (false, false, true) => "| ",
            (true, false, false) => "├─",
            (true, false, true) => "|-",
            (true, true, false) => "└─",
            (true, true, true) => "`-",
        });
    }
    out
}

/// A row's left side in `room` cells, by priority: cursor, indentation, expander and party id;
/// then the markers; then the hand-off's service in whatever room is left.
fn left_of(s: &Screen, i: usize, selected: bool, room: usize) -> Line<'static> {
    let (theme, stack) = (s.theme, s.stack);
    let ell = theme.ellipsis();
    let row = &s.tree.rows()[i];
    // Short of room, the guides nearest the root give way first (the row's own stays).
    let indent = (row.depth as usize * 2).min(room.saturating_sub(8) / 2 * 2);
    let guides = guides(s, i);
    let guides: String = guides
        .chars()
        .skip(guides.chars().count() - indent)
        .collect();
    let expander = if row.expanded {
        theme.open()
    } else if row.has_children {
        theme.closed()
    } else if row.depth > 0 && !theme.ascii {
        // A leaf's guide runs on to its party.
        "─"
    } else {
        " "
    };
    let cursor = if selected { theme.cursor() } else { " " };
    let head = format!(
        "{cursor}{guides}{expander} {}",
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
