//! The left pane's other listings: the controls with their findings across the stack (`c`),
//! the parties ranked by blast radius (`b`), the evidence about to expire (`E`), what changed
//! since loading and saving (`D`) and the changes to fix first (`F`). Like the tree, only the
//! lines that fit are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::details::hinted_title;
use super::tree::{accepted, counts, frame};
use crate::text::escape;
use crate::tui::derived::ControlLine;
use crate::tui::layout::{fit, pad, width};
use crate::tui::mode::Pane;
use crate::tui::screen::Screen;

/// The control view's list.
pub struct ControlsView<'a>(pub &'a Screen<'a>);

/// The blast radius ranking.
pub struct BlastView<'a>(pub &'a Screen<'a>);

/// The evidence about to expire, soonest first.
pub struct ExpiringView<'a>(pub &'a Screen<'a>);

/// What changed since the last save and since loading, as `stackgap diff` words it.
pub struct ChangesView<'a>(pub &'a Screen<'a>);

/// The changes that close the most gaps, most first.
pub struct FixView<'a>(pub &'a Screen<'a>);

/// Draws one line: `left` cut to the room `right` leaves, `right` flush right; returns whether
/// `left` was cut.
fn draw_line(
    buf: &mut Buffer,
    s: &Screen,
    inner: Rect,
    y: u16,
    selected: bool,
    left: &str,
    right: Vec<Span<'static>>,
) -> bool {
    let theme = s.theme;
    let style = if selected {
        theme.selected(s.focus == Pane::Tree)
    } else {
        Style::new()
    };
    let right_w: usize = right.iter().map(|s| width(&s.content)).sum();
    let cursor = if selected { theme.cursor() } else { " " };
    let room = (inner.width as usize).saturating_sub(right_w + 1);
    let head = fit(&format!("{cursor} {left}"), room, theme.ellipsis());
    let cut = head.ends_with(theme.ellipsis());
    buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
    buf.set_line(inner.x, y, &Line::from(head).style(style), inner.width);
    let rx = inner.right().saturating_sub(right_w as u16);
    buf.set_line(rx.max(inner.x), y, &Line::from(right), inner.width);
    cut
}

/// Draws the list's frame again with the hint that the pane beside it, zoomed, shows whole
/// what a line cut (`Tab z`): it names the selected line's control, party or document in full.
fn hint_cut(s: &Screen, title: &str, cut: bool, area: Rect, buf: &mut Buffer) {
    if cut && !s.zoom && s.focus == Pane::Tree {
        frame(s, Pane::Tree, hinted_title(s, title, true, Pane::Details)).render(area, buf);
    }
}

impl Widget for ControlsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let theme = s.theme;
        let lines = s.controls;
        let with = lines.iter().filter(|l| l.open != [0, 0]).count();
        let title = format!(
            "Controls{}{with} of {} with findings{}c: tree",
            theme.sep(),
            lines.len(),
            theme.sep()
        );
        let block = frame(s, Pane::Tree, title.clone());
        let mut cut = false;
        let inner = block.inner(area);
        block.render(area, buf);
        let (selected, offset) = (s.line, s.line_offset);
        let stack = s.stack;
        let drawn = offset.min(lines.len())..(offset + inner.height as usize).min(lines.len());
        let span_w = |spans: &[Span]| spans.iter().map(|s| width(&s.content)).sum::<usize>();
        let status_w = lines[drawn]
            .iter()
            .map(|l| span_w(&control_status(s, l)))
            .max()
            .unwrap_or(0)
            .max(8);
        for (i, y) in (offset..lines.len()).zip(inner.top()..inner.bottom()) {
            let l = &lines[i];
            let control = stack.control(l.control);
            let mut right = control_status(s, l);
            let w = span_w(&right);
            right.push(Span::raw(" ".repeat(status_w - w)));
            let left = format!(
                "{} {}",
                pad(&escape(&control.id), 16, theme.ellipsis()),
                escape(&control.name)
            );
            cut |= draw_line(buf, s, inner, y, i == selected, &left, right);
        }
        hint_cut(s, &title, cut, area, buf);
    }
}

/// A control's open gaps and warnings across the stack (`✗3 !1`) and its accepted risks apart
/// (`1 accepted`); with no finding, whether it is covered wherever it is in scope (`✓ covered`)
/// or in scope nowhere (`not in scope`: no hand-off lists it and no party requires it).
fn control_status(s: &Screen, l: &ControlLine) -> Vec<Span<'static>> {
    let theme = s.theme;
    if l.counts != [0, 0] {
        let mut out = if l.open != [0, 0] {
            counts(s, l.open)
        } else {
            Vec::new()
        };
        if let Some(a) = accepted(s, l.accepted()) {
            if !out.is_empty() {
                out.push(Span::raw(" "));
            }
            out.push(a);
        }
        out
    } else if l.in_scope {
        vec![Span::styled(
            format!("{} covered", theme.mark(None)),
            theme.severity(None),
        )]
    } else {
        vec![Span::styled("not in scope", theme.dim())]
    }
}

impl Widget for BlastView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let theme = s.theme;
        let ranking = s.blast;
        let title = format!(
            "Blast radius (gaps added if it failed){}b: tree",
            theme.sep()
        );
        let block = frame(s, Pane::Tree, title.clone());
        let mut cut = false;
        let inner = block.inner(area);
        block.render(area, buf);
        if s.busy && inner.height > 0 {
            let text = format!(
                "computing what breaks if each of the {} parties fails…",
                s.stack.parties.len()
            );
            buf.set_stringn(
                inner.x + 1,
                inner.y,
                theme.plain(&text),
                inner.width.saturating_sub(1) as usize,
                theme.dim(),
            );
            return;
        }
        let (selected, offset) = (s.line, s.line_offset);
        let stack = s.stack;
        let most = ranking.first().map_or(0, |b| b.gaps_added).max(1);
        for (i, y) in (offset..ranking.len()).zip(inner.top()..inner.bottom()) {
            let b = &ranking[i];
            let party = stack.party(b.party);
            let layer = party.layer.map_or_else(
                || "-".to_string(),
                |l| escape(&stack.layers[l as usize].id).into_owned(),
            );
            // A bar scaled to the largest radius, so the ranking reads at a glance.
            let bar_w = 10 * b.gaps_added / most;
            let style = if b.gaps_added > 0 {
                theme.severity(Some(crate::analysis::Severity::Gap))
            } else {
                theme.severity(None)
            };
            let right = vec![
                Span::styled(
                    pad(&format!("[{}]", fit(&layer, 10, theme.ellipsis())), 13, ""),
                    theme.layer(party.layer),
                ),
                Span::styled(format!("{:>4} ", b.gaps_added), style),
                Span::styled(pad(&theme.bar().repeat(bar_w), 10, ""), style),
            ];
            let off = if s.what_if.is_off(b.party) {
                " (off)"
            } else {
                ""
            };
            let left = format!("{}{off}", escape(&party.id));
            cut |= draw_line(buf, s, inner, y, i == selected, &left, right);
        }
        hint_cut(s, &title, cut, area, buf);
    }
}

impl Widget for ExpiringView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        use crate::analysis::{Expiry, Note};
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let theme = s.theme;
        let notes = &s.report.expiry_notes;
        let within = s.what_if.expiring_within;
        let title = format!(
            "Evidence expiring within {within} days{}E: tree",
            theme.sep()
        );
        let block = frame(s, Pane::Tree, title.clone());
        let mut cut = false;
        let inner = block.inner(area);
        block.render(area, buf);
        if notes.is_empty() && inner.height > 0 {
            let text = if within == 0 {
                "expiring evidence is not shown (--expiring-within 0)".to_string()
            } else {
                format!(
                    "nothing in force expires between {} and {} days later; [ ] move the date",
                    s.what_if.as_of, within
                )
            };
            buf.set_stringn(
                inner.x + 1,
                inner.y,
                theme.plain(&text),
                inner.width.saturating_sub(1) as usize,
                theme.dim(),
            );
            return;
        }
        let (selected, offset) = (s.line, s.line_offset);
        let stack = s.stack;
        for (i, y) in (offset..notes.len()).zip(inner.top()..inner.bottom()) {
            let Note::EvidenceExpiring(x) = &notes[i] else {
                continue;
            };
            let left = match x.what {
                Expiry::Document(d) => {
                    let doc = &stack.documents[d as usize];
                    match &doc.title {
                        Some(t) => format!("{}{}{}", escape(&doc.id), theme.sep(), escape(t)),
                        None => escape(&doc.id).into_owned(),
                    }
                }
                Expiry::Entry(h, e) => {
                    let ho = stack.handoff(h);
                    format!(
                        "{} at {} {} {}",
                        escape(&stack.control(ho.entries[e as usize].control).id),
                        escape(&stack.party(ho.consumer).id),
                        theme.arrow(),
                        escape(&stack.party(ho.provider).id)
                    )
                }
            };
            let right = vec![Span::styled(
                format!(
                    "{}{:>5} d{:>4} entr{} ",
                    x.expires,
                    x.days_left,
                    x.entries,
                    if x.entries == 1 { "y  " } else { "ies" }
                ),
                theme.severity(Some(crate::analysis::Severity::Warning)),
            )];
            cut |= draw_line(buf, s, inner, y, i == selected, &left, right);
        }
        hint_cut(s, &title, cut, area, buf);
    }
}

impl Widget for ChangesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        use crate::analysis::Severity;
        use crate::tui::derived::changes::Line as ChangeLine;
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let theme = s.theme;
        let title = format!("What changed{}D: tree", theme.sep());
        let block = frame(s, Pane::Tree, title);
        let inner = block.inner(area);
        block.render(area, buf);
        let (selected, offset) = (s.line, s.line_offset);
        let lines = s.changes;
        for (i, y) in (offset..lines.len()).zip(inner.top()..inner.bottom()) {
            let (text, style) = match &lines[i] {
                ChangeLine::Heading(h) => (h.clone(), theme.prompt()),
                ChangeLine::Change(c) => {
                    // In presenter mode the place and the why would name parties: the kind of
                    // change, the control and what the finding became are left.
                    let text = if s.presenter {
                        crate::report::diff::brief(&c.change)
                    } else {
                        c.text.clone()
                    };
                    let severity = match c.change.change {
                        "removed" | "accepted" => None,
                        _ if c.change.adds_unaccepted_gap() => Some(Severity::Gap),
                        _ => Some(Severity::Warning),
                    };
                    (format!("  {text}"), theme.severity(severity))
                }
            };
            let row = Rect::new(inner.x, y, inner.width, 1);
            let (cursor, style) = if i == selected {
                (theme.cursor(), theme.selected(s.focus == Pane::Tree))
            } else {
                (" ", style)
            };
            let text = fit(
                &format!("{cursor}{}", theme.plain(&text)),
                inner.width as usize,
                theme.ellipsis(),
            );
            buf.set_style(row, style);
            buf.set_line(inner.x, y, &Line::from(text).style(style), inner.width);
        }
    }
}

impl Widget for FixView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let theme = s.theme;
        let fix = s.fix;
        let title = format!("Fix first (gaps each change closes){}F: tree", theme.sep());
        let block = frame(s, Pane::Tree, title);
        let inner = block.inner(area);
        block.render(area, buf);
        let say = |text: String, buf: &mut Buffer| {
            buf.set_stringn(
                inner.x + 1,
                inner.y,
                theme.plain(&text),
                inner.width.saturating_sub(1) as usize,
                theme.dim(),
            );
        };
        if inner.height == 0 {
            return;
        }
        if s.busy {
            let gaps = s.report.counts().gaps;
            let plural = if gaps == 1 { "" } else { "s" };
            say(
                format!("computing which changes close the {gaps} gap{plural}…"),
                buf,
            );
            return;
        }
        if fix.is_empty() {
            say(
                "no party implementing one more control would close a gap".into(),
                buf,
            );
            return;
        }
        let (selected, offset) = (s.line, s.line_offset);
        let stack = s.stack;
        let most = fix[0].gaps_closed.max(1);
        let style = theme.severity(Some(crate::analysis::Severity::Gap));
        for (i, y) in (offset..fix.len()).zip(inner.top()..inner.bottom()) {
            let f = &fix[i];
            let bar_w = (10 * f.gaps_closed / most).max(1);
            let right = vec![
                Span::styled(format!("{:>4} ", f.gaps_closed), style),
                Span::styled(pad(&theme.bar().repeat(bar_w), 10, ""), style),
            ];
            let control = crate::report::text::named_control(stack.control(f.control));
            let left = format!(
                "{} implements {}",
                escape(&stack.party(f.party).id),
                escape(&control)
            );
            draw_line(buf, s, inner, y, i == selected, &left, right);
        }
    }
}
