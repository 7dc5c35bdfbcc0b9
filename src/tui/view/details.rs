//! The hand-off pane: the selected hand-off's controls (status, agreed, assumed, evidence, why),
//! gaps first, then the selected party's requirements. With the focus, the selected control
//! shows its full explanation and the others one line of it, except requirements handled by the
//! party or at its hand-offs, which say where on their own line.
//!
//! While the list beside it has the focus (the tree, the controls, the blast radius ranking),
//! the pane is a preview: one line per control with findings, at most 12 of them, no cursor
//! and no explanations, and the controls and requirements with no finding summed up by id; the
//! findings left out are counted. A move in
//! the list redraws the whole pane, and over a slow link its bytes are what a move costs
//! (docs/performance.md); `Tab` brings the whole list and the explanations.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{StatefulWidget, Widget};

use super::put_lines;
use super::tree::frame;
use crate::tui::inspect::{Inspect, Item};
use crate::tui::layout::{Drawn, fit, pad, width, wrap};
use crate::tui::mode::{Listing, Pane};
use crate::tui::screen::Screen;
use crate::tui::theme::Theme;

/// The hand-off pane.
pub struct DetailsView<'a>(pub &'a Screen<'a>);

/// The pane's lines for a width and a height, each with the item it belongs to. A preview
/// taller than the pane ends in a line that counts the findings below its edge, so that none
/// goes unmentioned.
fn lines(s: &Screen, w: usize, height: usize) -> Vec<PaneLine> {
    let Lines { mut lines, counted } = lines_within(s, w);
    if !is_preview(s) || lines.len() <= height || height == 0 {
        return lines;
    }
    lines.truncate(height - 1);
    let shown: std::collections::HashSet<usize> = lines.iter().filter_map(|(_, i)| *i).collect();
    // Findings left out for the preview's budget are counted on a line of their own, which may
    // still be on screen.
    let counted_above: usize = counted
        .iter()
        .filter(|&&(at, _)| at < lines.len())
        .map(|&(_, n)| n)
        .sum();
    let unseen = s
        .inspect
        .items
        .iter()
        .enumerate()
        .filter(|(i, item)| item.severity.is_some() && !shown.contains(i))
        .count();
    let below = unseen - counted_above;
    if below > 0 {
        lines.push((more_line(s.theme, below, " below", w), None));
    }
    lines
}

/// The line that counts findings a preview leaves out (`place` after "findings").
fn more_line(theme: Theme, n: usize, place: &str, w: usize) -> Line<'static> {
    let ell = theme.ellipsis();
    let text = format!("  {ell} {n} more with findings{place} (Tab lists them)");
    Line::styled(fit(&text, w, ell), theme.dim())
}

/// A line of the pane, with the item it belongs to (for the cursor and the mouse).
type PaneLine = (Line<'static>, Option<usize>);

/// The pane's lines, and for each line counting findings left out: where it is and how many.
struct Lines {
    lines: Vec<PaneLine>,
    counted: Vec<(usize, usize)>,
}

/// The widths of the pane's columns, and whether the hand-off's controls fit in one table.
struct Columns {
    status_w: usize,
    id_w: usize,
    agreed_w: usize,
    /// One table line per control; otherwise the owners and evidence go on a line of their
    /// own, in words.
    table: bool,
    req_status_w: usize,
    req_id_w: usize,
}

impl Columns {
    /// The hand-off's columns: the same for every hand-off (the widest finding kind, the stack's
    /// widest control id) so that moving from one to the next redraws only what differs; the
    /// hand-off's own widths when those do not fit.
    fn new(ins: &Inspect, w: usize) -> Columns {
        let controls = &ins.items[..ins.requirements_at];
        let widest = |f: &dyn Fn(&Item) -> usize| controls.iter().map(f).max().unwrap_or(0);
        let own_status_w = widest(&|i| width(&i.status)).clamp(8, 26);
        let own_id_w =
            widest(&|i| width(&i.id)).clamp(7, if ins.id_heading == "CONTROL" { 18 } else { 30 });
        let evidence_w = widest(&|i| width(&i.evidence));
        // Wider when a template's `T` follows an owner ("provider T").
        let agreed_w = widest(&|i| width(&i.agreed) + 1).clamp(9, 12);
        let fits = |status_w: usize, id_w: usize| {
            4 + status_w + 1 + id_w + 1 + agreed_w + 9 + evidence_w <= w
        };
        let stable = (
            own_status_w.max(width("misunderstanding")),
            if ins.id_heading == "CONTROL" {
                own_id_w.max(ins.control_id_width.min(18))
            } else {
                own_id_w
            },
        );
        let (status_w, id_w) = if fits(stable.0, stable.1) {
            stable
        } else {
            (own_status_w, own_id_w)
        };
        // The requirements' columns depend on the stack, not on the party shown, so they stay
        // put (and cost nothing to redraw) from one party to the next.
        let req_status_w = ins
            .items
            .iter()
            .skip(ins.requirements_at)
            .map(|i| width(&i.status))
            .chain([width("warning at hand-off")])
            .max()
            .unwrap_or(0)
            .min(26);
        Columns {
            status_w,
            id_w,
            agreed_w,
            table: fits(status_w, id_w),
            req_status_w,
            req_id_w: ins.control_id_width.clamp(7, 18),
        }
    }
}

/// The pane's lines as they are written, top to bottom. In a preview, the findings take at
/// most [`PREVIEW_LINES`] lines (gaps come first), those left out are counted, and the controls
/// (and requirements) with no finding are summed up by id in a line, after the findings.
struct Writer<'a> {
    s: &'a Screen<'a>,
    w: usize,
    cols: Columns,
    preview: bool,
    out: Vec<PaneLine>,
    counted: Vec<(usize, usize)>,
    /// Lines a preview's findings may still take.
    budget: usize,
    /// Findings left out since the last count.
    more: usize,
    /// Items with no finding since the last sum, to sum up by id.
    fine: Vec<(usize, &'a str)>,
}

impl<'a> Writer<'a> {
    /// A heading after a blank line; with `columns`, the table's column names under it.
    fn heading(&mut self, text: &str, columns: bool) {
        let (theme, w) = (self.s.theme, self.w);
        let ell = theme.ellipsis();
        // On a small terminal, the blank line and the column heading give way to findings.
        let compact = self.s.compact && !is_whole(self.s);
        if !compact {
            self.out.push((Line::raw(""), None));
        }
        self.out
            .push((Line::styled(fit(text, w, ell), theme.heading()), None));
        if columns && self.cols.table && !compact {
            let c = &self.cols;
            let head = format!(
                "    {} {} {}{:<9}EVIDENCE",
                pad("STATUS", c.status_w, ell),
                pad(self.s.inspect.id_heading, c.id_w, ell),
                pad("AGREED", c.agreed_w, ell),
                "ASSUMED"
            );
            self.out
                .push((Line::styled(fit(&head, w, ell), theme.dim()), None));
        }
    }

    /// Whether a control's owners and evidence go on a line of their own under it: when the
    /// table does not fit, except in a preview on a small terminal, where they give way to the
    /// findings (`Tab` shows them).
    fn owners_below(&self) -> bool {
        !(self.cols.table || (self.preview && self.s.compact))
    }

    /// A section's heading; a preview's says where the explanations it leaves out are.
    fn hinted(&mut self, text: &str, items: &[Item], columns: bool) {
        let explained = items.iter().any(|i| i.brief.is_none() && !i.why.is_empty());
        if self.preview && explained {
            let text = format!("{text} {} Tab: why", self.s.theme.dot());
            self.heading(&text, columns);
        } else {
            self.heading(text, columns);
        }
    }

    /// Counts the findings left out, and sums up the items with none (`what` they are).
    fn sum_up(&mut self, what: &str) {
        let (theme, w) = (self.s.theme, self.w);
        let ell = theme.ellipsis();
        if self.more > 0 {
            self.counted.push((self.out.len(), self.more));
            self.out.push((more_line(theme, self.more, "", w), None));
            self.more = 0;
        }
        if self.fine.is_empty() {
            return;
        }
        // Whole ids only, then an ellipsis for the rest.
        let room = w.saturating_sub(4);
        let fine = &self.fine;
        let mut text = format!("{} {what}:", fine.len());
        for (k, (_, id)) in fine.iter().enumerate() {
            let tail = if k + 1 < fine.len() { 2 } else { 0 };
            if width(&text) + 1 + width(id) + tail > room {
                text = format!("{text} {ell}");
                break;
            }
            text = format!("{text} {id}");
        }
        // A click on the line selects the first of them.
        self.out.push((
            Line::from(vec![
                Span::styled(format!("  {}", theme.mark(None)), theme.severity(None)),
                Span::raw(format!(" {}", fit(&text, room, ell))),
            ]),
            fine.first().map(|&(i, _)| i),
        ));
        self.fine.clear();
    }

    /// Item `i`: summed up, counted, or written with its owners and why.
    fn item(&mut self, i: usize, item: &'a Item) {
        let ins = self.s.inspect;
        if self.preview && item.severity.is_none() {
            self.fine.push((i, &item.id));
            return;
        }
        if self.preview {
            let lines = if i < ins.requirements_at && self.owners_below() {
                2
            } else {
                1
            };
            if lines > self.budget {
                self.more += 1;
                return;
            }
            self.budget -= lines;
        }
        let selected = !self.preview && i == self.s.item;
        let brief = item
            .brief
            .as_deref()
            .filter(|b| !(selected || (is_whole(self.s) && width(b) > self.w / 2)));
        self.item_line(i, item, selected, brief);
        if brief.is_none() && !self.preview {
            why_lines(&mut self.out, item, i, selected, self.w, self.s);
        }
    }

    /// The item's line (and its owners' line when the table does not fit).
    fn item_line(&mut self, i: usize, item: &Item, selected: bool, brief: Option<&str>) {
        let (theme, w, c) = (self.s.theme, self.w, &self.cols);
        let ell = theme.ellipsis();
        let ins = self.s.inspect;
        let style = match (selected, item.accepted) {
            (true, _) => theme.selected(self.s.focus == Pane::Details),
            (false, true) => theme.dim(),
            (false, false) => Style::new(),
        };
        let cursor = if selected { theme.cursor() } else { " " };
        // An accepted risk is still listed, but dimmed and marked as handled, not open.
        let (mark, mark_style) = if item.accepted {
            (theme.mark(None), theme.dim())
        } else {
            (theme.mark(item.severity), theme.severity(item.severity))
        };
        let (status_w, id_w) = if i >= ins.requirements_at && ins.id_heading == "CONTROL" {
            (c.req_status_w, c.req_id_w)
        } else {
            (c.status_w, c.id_w)
        };
        // The whole line in the finding's colour: a run of gaps (or warnings) then costs one
        // colour change, not two a line, to send over a slow link.
        let style = mark_style.patch(style);
        let mut spans = vec![
            Span::raw(format!(
                "{cursor} {mark} {}",
                pad(&item.status, status_w, ell)
            )),
            Span::raw(format!(" {}", pad(&item.id, id_w, ell))),
        ];
        // A requirement handled by the party or at its hand-offs says where on its own line;
        // the sentence comes only when it is selected.
        if let Some(b) = brief.filter(|b| !b.is_empty()) {
            let room = w.saturating_sub(4 + status_w + 1 + id_w + 1);
            spans.push(Span::raw(format!(" {}", fit(b, room, ell))));
        }
        let control = i < ins.requirements_at;
        if control && c.table {
            spans.push(Span::raw(format!(
                " {}{}{}",
                pad(&item.agreed, c.agreed_w, ell),
                pad(&item.assumed, 9, ell),
                item.evidence
            )));
        }
        self.out.push((Line::from(spans).style(style), Some(i)));
        if control && self.owners_below() {
            let owners = format!(
                "    agreed {}  assumed {}  {}",
                item.agreed, item.assumed, item.evidence
            );
            self.out
                .push((Line::styled(fit(&owners, w, ell), mark_style), Some(i)));
        }
    }
}

/// The pane's lines, a preview's findings taking at most [`PREVIEW_LINES`] lines.
fn lines_within(s: &Screen, w: usize) -> Lines {
    let ins = s.inspect;
    let mut p = Writer {
        s,
        w,
        cols: Columns::new(ins, w),
        preview: is_preview(s),
        out: Vec::new(),
        counted: Vec::new(),
        budget: PREVIEW_LINES,
        more: 0,
        fine: Vec::new(),
    };
    if ins.title.is_empty() {
        return Lines {
            lines: p.out,
            counted: p.counted,
        };
    }
    // Zoomed, the notes and the agreement show whole; otherwise two lines of each, and none
    // on a small terminal, where the findings come first.
    let fact_lines = match (is_whole(s), s.compact) {
        (true, _) => usize::MAX,
        (false, true) => 0,
        (false, false) => 2,
    };
    for fact in ins.facts.iter().filter(|_| fact_lines > 0) {
        let mut lines = wrap(fact, w);
        if lines.len() > fact_lines {
            lines.truncate(fact_lines);
            let ell = s.theme.ellipsis();
            let last = lines.pop().unwrap_or_default();
            lines.push(fit(&format!("{last}{ell}"), w, ell));
        }
        for l in lines {
            p.out.push((Line::styled(l, s.theme.dim()), None));
        }
    }
    let (controls, requirements) = ins.items.split_at(ins.requirements_at);
    for (i, item) in ins.items.iter().enumerate() {
        if i == 0 && !ins.controls_heading.is_empty() {
            p.hinted(&ins.controls_heading, controls, true);
        }
        if i == ins.requirements_at {
            p.sum_up("covered");
            p.hinted(&ins.requirements_heading, requirements, false);
        }
        p.item(i, item);
    }
    if requirements.is_empty() {
        p.sum_up("covered");
        // A pane of places only (the blast radius's) has no requirements section.
        if !ins.requirements_heading.is_empty() {
            p.heading(&ins.requirements_heading, false);
            p.out.push((Line::styled("  (none)", s.theme.dim()), None));
        }
    } else {
        p.sum_up("covered or implemented here");
    }
    Lines {
        lines: p.out,
        counted: p.counted,
    }
}

fn why_lines(out: &mut Vec<PaneLine>, item: &Item, i: usize, selected: bool, w: usize, s: &Screen) {
    let theme = s.theme;
    let indent = "    ";
    let room = w.saturating_sub(indent.len());
    if selected || is_whole(s) {
        if selected {
            for l in wrap(&item.name, room) {
                out.push((Line::styled(format!("{indent}{l}"), theme.dim()), Some(i)));
            }
        }
        for why in &item.why {
            for l in wrap(why, room) {
                out.push((Line::raw(format!("{indent}{l}")), Some(i)));
            }
        }
        if let Some(model) = item.template {
            let note = format!(
                "T: agreed by the {model} responsibility template (not listed in the file; list the control to override it)"
            );
            for l in wrap(&note, room) {
                out.push((Line::styled(format!("{indent}{l}"), theme.dim()), Some(i)));
            }
        }
    } else if let Some(first) = item.why.first() {
        out.push((
            Line::styled(
                fit(&format!("{indent}{first}"), w, theme.ellipsis()),
                theme.dim(),
            ),
            Some(i),
        ));
    }
}

/// Whether the pane is zoomed with the focus (`z`): then what is cut elsewhere wraps whole.
fn is_whole(s: &Screen) -> bool {
    s.zoom && s.focus == Pane::Details
}

/// Whether a line drawn was cut to fit: it ends with the ellipsis.
pub fn is_cut(line: &Line, ellipsis: &str) -> bool {
    line.spans
        .iter()
        .rev()
        .map(|s| s.content.trim_end())
        .find(|c| !c.is_empty())
        .is_some_and(|c| c.ends_with(ellipsis))
}

/// The pane's title, with the hint that `z` shows whole what is cut (`Tab` first when the
/// pane previews: `z` zooms the focused pane).
pub fn hinted_title(s: &Screen, title: &str, cut: bool, pane: Pane) -> String {
    if !cut || s.zoom {
        return title.to_string();
    }
    let keys = if s.focus == pane { "z" } else { "Tab z" };
    format!("{title} {} {keys}: whole", s.theme.dot())
}

/// At most this many lines of findings in a preview: with the rest of the pane, what a move in
/// the list beside it may have to redraw.
const PREVIEW_LINES: usize = 12;

/// Whether the pane previews (see the module's comment): while the list beside it — the tree,
/// the controls, the blast radius ranking or the fix-first list — has the focus.
fn is_preview(s: &Screen) -> bool {
    s.focus != Pane::Details
}

/// The first line to show: the top for a preview; otherwise so the selected item is in view
/// (its head first, then as much of its explanation as fits).
fn offset(s: &Screen, lines: &[PaneLine], height: usize) -> usize {
    if is_preview(s) {
        return 0;
    }
    let selected = s.item;
    let first = lines.iter().position(|(_, i)| *i == Some(selected));
    let last = lines.iter().rposition(|(_, i)| *i == Some(selected));
    match (first, last) {
        (Some(first), Some(last)) => {
            if last < height {
                0
            } else {
                (last + 1 - height).min(first)
            }
        }
        _ => 0,
    }
}

impl StatefulWidget for DetailsView<'_> {
    type State = Drawn;

    /// Draws the pane and records in `drawn` the item on each line, for the mouse.
    fn render(self, area: Rect, buf: &mut Buffer, drawn: &mut Drawn) {
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let title = match s.listing {
            Listing::Tree => "Hand-off",
            Listing::Controls | Listing::FixFirst => "Control",
            Listing::BlastRadius => "Party",
            Listing::Expiring => "Expiring evidence",
            Listing::Changes => "Change",
        };
        let inner = frame(s, Pane::Details, title.into()).inner(area);
        if inner.is_empty() {
            return frame(s, Pane::Details, title.into()).render(area, buf);
        }
        // The title stays put (zoomed, it wraps whole above the rest); the rest scrolls to
        // keep the selected control in view.
        let theme = s.theme;
        let ell = theme.ellipsis();
        let w = inner.width as usize;
        let mut heads = if is_whole(s) {
            wrap(&s.inspect.title, w)
        } else {
            vec![fit(&s.inspect.title, w, ell)]
        };
        let head = heads.remove(0);
        buf.set_stringn(inner.x, inner.y, &head, w, theme.heading());
        let body = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let mut all: Vec<PaneLine> = heads
            .into_iter()
            .map(|l| (Line::styled(l, theme.heading()), None))
            .collect();
        all.extend(lines(s, w, body.height as usize));
        let top = offset(s, &all, body.height as usize);
        let (shown, items): (Vec<Line<'static>>, Vec<Option<usize>>) =
            all.into_iter().skip(top).take(body.height as usize).unzip();
        let facts_left_out = s.compact && !is_whole(s) && !s.inspect.facts.is_empty();
        let cut = head.ends_with(ell) || facts_left_out || shown.iter().any(|l| is_cut(l, ell));
        frame(s, Pane::Details, hinted_title(s, title, cut, Pane::Details)).render(area, buf);
        put_lines(&shown, body, buf);
        drawn.set_details(body.y, items);
    }
}
