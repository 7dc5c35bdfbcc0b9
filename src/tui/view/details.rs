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
use crate::tui::inspect::Item;
use crate::tui::layout::{Drawn, fit, pad, width, wrap};
use crate::tui::mode::{Listing, Pane};
use crate::tui::screen::Screen;
use crate::tui::theme::Theme;

/// The hand-off pane.
pub struct DetailsView<'a>(pub &'a Screen<'a>);

/// The pane's lines for a width and a height, each with the item it belongs to. A preview
/// taller than the pane ends in a line that counts the findings below its edge, so that none
/// goes unmentioned.
fn lines(s: &Screen, w: usize, height: usize) -> Vec<(Line<'static>, Option<usize>)> {
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

/// The pane's lines, and for each line counting findings left out: where it is and how many.
struct Lines {
    lines: Vec<(Line<'static>, Option<usize>)>,
    counted: Vec<(usize, usize)>,
}

/// The pane's lines, a preview's findings taking at most [`PREVIEW_LINES`] lines.
fn lines_within(s: &Screen, w: usize) -> Lines {
    let theme = s.theme;
    let ell = theme.ellipsis();
    let ins = s.inspect;
    let focused = s.focus == Pane::Details;
    let preview = is_preview(s);
    let mut out: Vec<(Line<'static>, Option<usize>)> = Vec::new();
    let mut counted = Vec::new();
    if ins.title.is_empty() {
        return Lines {
            lines: out,
            counted,
        };
    }
    for fact in &ins.facts {
        for l in wrap(fact, w).into_iter().take(2) {
            out.push((Line::styled(l, theme.dim()), None));
        }
    }
    // The hand-off's columns: the same for every hand-off (the widest finding kind, the stack's
    // widest control id) so that moving from one to the next redraws only what differs; the
    // hand-off's own widths when those do not fit.
    let controls = &ins.items[..ins.requirements_at];
    let own_status_w = controls
        .iter()
        .map(|i| width(&i.status))
        .max()
        .unwrap_or(0)
        .clamp(8, 26);
    let own_id_w = controls
        .iter()
        .map(|i| width(&i.id))
        .max()
        .unwrap_or(0)
        .clamp(7, if ins.id_heading == "CONTROL" { 18 } else { 30 });
    // One table line per control when the columns fit; otherwise the owners and evidence go on
    // a line of their own, in words.
    let evidence_w = controls
        .iter()
        .map(|i| width(&i.evidence))
        .max()
        .unwrap_or(0);
    // Wider when a template's `T` follows an owner ("provider T").
    let agreed_w = controls
        .iter()
        .map(|i| width(&i.agreed) + 1)
        .max()
        .unwrap_or(0)
        .clamp(9, 12);
    let fits =
        |status_w: usize, id_w: usize| 4 + status_w + 1 + id_w + 1 + agreed_w + 9 + evidence_w <= w;
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
    let table = fits(status_w, id_w);
    // The requirements' columns depend on the stack, not on the party shown, so they stay put
    // (and cost nothing to redraw) from one party to the next.
    let req_status_w = ins
        .items
        .iter()
        .skip(ins.requirements_at)
        .map(|i| width(&i.status))
        .chain([width("warning at hand-off")])
        .max()
        .unwrap_or(0)
        .min(26);
    let req_id_w = ins.control_id_width.clamp(7, 18);
    let heading = |out: &mut Vec<(Line<'static>, Option<usize>)>, text: &str, columns: bool| {
        out.push((Line::raw(""), None));
        out.push((Line::styled(fit(text, w, ell), theme.heading()), None));
        if columns && table {
            let head = format!(
                "    {} {} {}{:<9}EVIDENCE",
                pad("STATUS", status_w, ell),
                pad(ins.id_heading, id_w, ell),
                pad("AGREED", agreed_w, ell),
                "ASSUMED"
            );
            out.push((Line::styled(fit(&head, w, ell), theme.dim()), None));
        }
    };
    // A preview's heading says where the explanations it leaves out are.
    let hinted = |text: &str, items: &[Item]| {
        let explained = items.iter().any(|i| i.brief.is_none() && !i.why.is_empty());
        if preview && explained {
            format!("{text} {} Tab: why", theme.dot())
        } else {
            text.to_string()
        }
    };
    // In a preview, the findings take at most PREVIEW_LINES lines (gaps come first), those left
    // out are counted, and the controls (and requirements) with no finding are summed up by id
    // in a line, after the findings.
    let mut budget = PREVIEW_LINES;
    let mut more = 0;
    let mut fine: Vec<(usize, &str)> = Vec::new();
    let sum_up = |out: &mut Vec<(Line<'static>, Option<usize>)>,
                  counted: &mut Vec<(usize, usize)>,
                  more: &mut usize,
                  fine: &mut Vec<(usize, &str)>,
                  what| {
        if *more > 0 {
            counted.push((out.len(), *more));
            out.push((more_line(theme, *more, "", w), None));
            *more = 0;
        }
        if fine.is_empty() {
            return;
        }
        // Whole ids only, then an ellipsis for the rest.
        let room = w.saturating_sub(4);
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
        out.push((
            Line::from(vec![
                Span::styled(format!("  {}", theme.mark(None)), theme.severity(None)),
                Span::raw(format!(" {}", fit(&text, room, ell))),
            ]),
            fine.first().map(|&(i, _)| i),
        ));
        fine.clear();
    };
    for (i, item) in ins.items.iter().enumerate() {
        if i == 0 && !ins.controls_heading.is_empty() {
            heading(&mut out, &hinted(&ins.controls_heading, controls), true);
        }
        if i == ins.requirements_at {
            sum_up(&mut out, &mut counted, &mut more, &mut fine, "covered");
            let requirements = &ins.items[ins.requirements_at..];
            heading(
                &mut out,
                &hinted(&ins.requirements_heading, requirements),
                false,
            );
        }
        if preview && item.severity.is_none() {
            fine.push((i, &item.id));
            continue;
        }
        if preview {
            let lines = if i < ins.requirements_at && !table {
                2
            } else {
                1
            };
            if lines > budget {
                more += 1;
                continue;
            }
            budget -= lines;
        }
        let selected = !preview && i == s.item;
        let style = match (selected, item.accepted) {
            (true, _) => theme.selected(focused),
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
            (req_status_w, req_id_w)
        } else {
            (status_w, id_w)
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
        let brief = item.brief.as_deref().filter(|_| !selected);
        if let Some(b) = brief.filter(|b| !b.is_empty()) {
            let room = w.saturating_sub(4 + status_w + 1 + id_w + 1);
            spans.push(Span::raw(format!(" {}", fit(b, room, ell))));
        }
        if i < ins.requirements_at && table {
            spans.push(Span::raw(format!(
                " {}{}{}",
                pad(&item.agreed, agreed_w, ell),
                pad(&item.assumed, 9, ell),
                item.evidence
            )));
        }
        out.push((Line::from(spans).style(style), Some(i)));
        if i < ins.requirements_at && !table {
            let owners = format!(
                "    agreed {}  assumed {}  {}",
                item.agreed, item.assumed, item.evidence
            );
            out.push((Line::styled(fit(&owners, w, ell), mark_style), Some(i)));
        }
        if brief.is_none() && !preview {
            why_lines(&mut out, item, i, selected, w, s);
        }
    }
    let what = if ins.items.len() == ins.requirements_at {
        "covered"
    } else {
        "covered or implemented here"
    };
    sum_up(&mut out, &mut counted, &mut more, &mut fine, what);
    if ins.items.len() == ins.requirements_at {
        heading(&mut out, &ins.requirements_heading, false);
        out.push((Line::styled("  (none)", theme.dim()), None));
    }
    Lines {
        lines: out,
        counted,
    }
}

fn why_lines(
    out: &mut Vec<(Line<'static>, Option<usize>)>,
    item: &Item,
    i: usize,
    selected: bool,
    w: usize,
    s: &Screen,
) {
    let theme = s.theme;
    let indent = "    ";
    let room = w.saturating_sub(indent.len());
    if selected {
        out.push((
            Line::styled(
                fit(&format!("{indent}{}", item.name), w, theme.ellipsis()),
                theme.dim(),
            ),
            Some(i),
        ));
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

/// At most this many lines of findings in a preview: with the rest of the pane, what a move in
/// the list beside it may have to redraw.
const PREVIEW_LINES: usize = 12;

/// Whether the pane previews (see the module's comment): while the list beside it — the tree,
/// the controls or the blast radius ranking — has the focus.
fn is_preview(s: &Screen) -> bool {
    s.focus != Pane::Details
}

/// The first line to show: the top for a preview; otherwise so the selected item is in view
/// (its head first, then as much of its explanation as fits).
fn offset(s: &Screen, lines: &[(Line<'static>, Option<usize>)], height: usize) -> usize {
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
            Listing::Controls => "Control",
            Listing::BlastRadius => "Party",
            Listing::Expiring => "Expiring evidence",
        };
        let block = frame(s, Pane::Details, title.into());
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        // The title stays put; the rest scrolls to keep the selected control in view.
        let theme = s.theme;
        let title = fit(&s.inspect.title, inner.width as usize, theme.ellipsis());
        buf.set_stringn(
            inner.x,
            inner.y,
            title,
            inner.width as usize,
            theme.heading(),
        );
        let body = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let all = lines(s, body.width as usize, body.height as usize);
        let top = offset(s, &all, body.height as usize);
        let (shown, items): (Vec<Line<'static>>, Vec<Option<usize>>) =
            all.into_iter().skip(top).take(body.height as usize).unzip();
        put_lines(&shown, body, buf);
        drawn.set_details(body.y, items);
    }
}
