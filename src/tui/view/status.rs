//! The status bar (totals and their change since loading, the what-ifs in force, unsaved state,
//! then a message, the search line or key hints) and the dialog of a question being asked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::put_lines;
use crate::analysis::Severity;
use crate::text::{count, escape};
use crate::tui::layout::{fit, width, wrap};
use crate::tui::mode::{Listing, Mode, Notice, Pane, Question};
use crate::tui::screen::Screen;

/// Key hints for the tree pane.
const TREE_HINTS: &str = "j/k move · h/l fold · Tab controls · t tour · / search · f filter · c by control · b blast radius · x off · ? help · q quit";
/// Key hints for the control list.
const CONTROLS_HINTS: &str =
    "j/k control · Enter its places · c or Esc tree · [ ] date · ? help · q quit";
/// Key hints for the blast radius ranking.
const BLAST_HINTS: &str =
    "j/k party · Enter in the tree · Tab its places · b or Esc tree · ? help · q quit";
/// Key hints for the list of expiring evidence.
const EXPIRING_HINTS: &str =
    "j/k evidence · Enter what rests on it · E or Esc tree · [ ] date · ? help · q quit";
/// Key hints for the fix-first list.
const FIX_HINTS: &str = "j/k change · Enter the party in the tree · Tab its control's places · F or Esc tree · ? help · q quit";
/// Key hints for the list of changes.
const CHANGES_HINTS: &str =
    "j/k change · Enter go to its place · D or Esc tree · u undo · w save · ? help · q quit";
/// Key hints for the hand-off pane.
const DETAILS_HINTS: &str = "j/k control · a assumed · o agreed · e evidence · i/I implements · u undo · w save · Tab tree · ? help";

/// The two status lines.
pub struct StatusBar<'a>(pub &'a Screen<'a>);

fn delta(s: &Screen, which: usize) -> String {
    let d = s.delta;
    let (added, removed) = (d[0][which], d[1][which]);
    if added == 0 && removed == 0 {
        String::new()
    } else {
        format!(" (+{added} {}{removed})", s.theme.minus())
    }
}

/// "2 documents and 1 entry expire within 60 days (E)", when any evidence does.
fn expiring(s: &Screen) -> Option<String> {
    let notes = &s.report.expiry_notes;
    if notes.is_empty() {
        return None;
    }
    let documents = notes
        .iter()
        .filter(|n| {
            matches!(
                n,
                crate::analysis::Note::EvidenceExpiring(x)
                    if matches!(x.what, crate::analysis::Expiry::Document(_))
            )
        })
        .count();
    let entries = notes.len() - documents;
    let what = match (documents, entries) {
        (d, 0) => count(d, "document", "documents"),
        (0, e) => count(e, "entry's evidence", "entries' evidence"),
        (d, e) => format!(
            "{} and {}",
            count(d, "document", "documents"),
            count(e, "entry", "entries")
        ),
    };
    let verb = if notes.len() == 1 {
        "expires"
    } else {
        "expire"
    };
    Some(format!(
        "{what} {verb} within {} days (E)",
        s.what_if.expiring_within
    ))
}

/// The what-ifs in force, as words (`what-if:` first unless `terse`): never cut while anything
/// else on the line can be.
fn what_ifs(s: &Screen, terse: bool) -> String {
    let w = s.what_if;
    let mut parts = Vec::new();
    let off: Vec<String> = w
        .without()
        .map(|p| escape(&s.stack.party(p).id).into_owned())
        .collect();
    if !off.is_empty() {
        let label = if terse { "" } else { "what-if: " };
        parts.push(format!("{label}without {}", off.join(", ")));
    }
    if let Some(m) = w.min_evidence {
        parts.push(format!("min evidence {m}"));
    }
    parts.push(format!("as of {}", w.as_of));
    parts.join(s.theme.sep())
}

/// The stack's file, or the demo; nothing in presenter mode.
fn file(s: &Screen) -> Option<String> {
    (!s.presenter).then(|| {
        s.path.map_or_else(
            || DEMO.to_string(),
            |p| escape(&p.display().to_string()).into_owned(),
        )
    })
}

/// What the status line says for the built-in demo: words, shown whole or not at all.
const DEMO: &str = "built-in demo";

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let s = self.0;
        let w = area.width as usize;
        let lines = [totals(s, w), message(s, w)];
        put_lines(&lines, area, buf);
    }
}

/// How much of the first line is given up to fit the terminal, step by step: the file's name
/// first, the what-ifs in force last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cut {
    /// Everything, in full.
    Nothing,
    /// The file's name cut from the left (`…/payments.toml`), to the room left.
    File,
    /// No file; the expiring evidence in brief.
    Expiring,
    /// Nor the expiring evidence, the accepted risks or "read-only".
    Extras,
    /// The totals without their change since loading.
    Deltas,
    /// The totals as symbol and number, the unsaved edits in brief, no `what-if:` label; when
    /// even this is too wide, the line is cut at its end, in the what-ifs: nothing else is left.
    Terse,
}

/// The first line: totals and their change since loading, expiring evidence, unsaved edits,
/// the what-ifs in force and the file — cut with "…" to `w` cells, giving up the file's name
/// and the other parts before any of the what-ifs.
fn totals(s: &Screen, w: usize) -> Line<'static> {
    let ell = s.theme.ellipsis();
    let full = first_line(s, Cut::Nothing, file(s));
    if full.width() <= w {
        return full;
    }
    if let Some(name) = file(s).filter(|f| f != DEMO) {
        let without = first_line(s, Cut::File, None).width() + width(s.theme.sep());
        let room = w.saturating_sub(without);
        if room >= width(ell) + 8 {
            return first_line(s, Cut::File, Some(fit_left(&name, room, ell)));
        }
    }
    for cut in [Cut::File, Cut::Expiring, Cut::Extras, Cut::Deltas] {
        let line = first_line(s, cut, None);
        if line.width() <= w {
            return line;
        }
    }
    cut_line(first_line(s, Cut::Terse, None), w, ell)
}

/// The first line's parts, as much of them as `cut` keeps; `file` is the file's name as shown.
fn first_line(s: &Screen, cut: Cut, file: Option<String>) -> Line<'static> {
    let theme = s.theme;
    // Open findings, as everywhere on screen; the accepted ones counted apart.
    let [gaps, warnings] = s.tally.open_total();
    let accepted = s.tally.accepted_total();
    let count = |severity: Severity, n: u32, word: &str, which: usize| {
        let mark = theme.mark(Some(severity));
        let counted = count(n as usize, word, &format!("{word}s"));
        let text = match cut {
            Cut::Terse => format!("{mark}{n}"),
            Cut::Deltas => format!("{mark} {counted}"),
            _ => format!("{mark} {counted}{}", delta(s, which)),
        };
        Span::styled(text, theme.severity(Some(severity)))
    };
    let mut first = vec![
        count(Severity::Gap, gaps, "gap", 0),
        Span::raw(theme.sep()),
        count(Severity::Warning, warnings, "warning", 1),
    ];
    let extras = cut < Cut::Extras;
    if accepted > 0 && extras {
        first.push(Span::raw(format!("{}{accepted} accepted", theme.sep())));
    }
    if let Some(soon) = expiring(s).filter(|_| extras) {
        let soon = if cut < Cut::Expiring {
            soon
        } else {
            format!("{} expiring (E)", s.report.expiry_notes.len())
        };
        first.push(Span::raw(theme.sep()));
        first.push(Span::styled(soon, theme.severity(Some(Severity::Warning))));
    }
    if s.unsaved > 0 {
        let edits = if cut >= Cut::Terse {
            format!("{} unsaved", s.unsaved)
        } else {
            format!(
                "{} unsaved edit{}",
                s.unsaved,
                if s.unsaved == 1 { "" } else { "s" }
            )
        };
        first.push(Span::raw(theme.sep()));
        first.push(Span::styled(edits, theme.prompt()));
    }
    let mut context = what_ifs(s, cut >= Cut::Terse);
    if s.read_only && extras {
        context = format!("{context}{}read-only", theme.sep());
    }
    if let Some(file) = file {
        context = format!("{context}{}{file}", theme.sep());
    }
    first.push(Span::styled(
        format!("{}{context}", theme.sep()),
        theme.dim(),
    ));
    Line::from(first)
}

/// A path cut from the left to `max` cells, so that its end — the file's own name — stays.
fn fit_left(s: &str, max: usize, ellipsis: &str) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(width(ellipsis));
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > room {
            break;
        }
        used += w;
        kept.push(c);
    }
    let tail: String = kept.into_iter().rev().collect();
    format!("{ellipsis}{tail}")
}

/// A line cut to `max` cells, ending with `ellipsis` where it was cut.
fn cut_line(line: Line<'static>, max: usize, ellipsis: &str) -> Line<'static> {
    if line.width() <= max {
        return line;
    }
    let mut left = max;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = span.width();
        if w + width(ellipsis) <= left {
            left -= w;
            spans.push(span);
            continue;
        }
        spans.push(Span::styled(fit(&span.content, left, ellipsis), span.style));
        break;
    }
    Line::from(spans)
}

/// The second line: the search being typed, the message of the moment, or key hints.
fn message(s: &Screen, w: usize) -> Line<'static> {
    let theme = s.theme;
    match (s.mode, s.notice) {
        (Mode::Search { query }, _) => {
            let (at, n) = s.search;
            let found = if n == 0 {
                if query.is_empty() {
                    String::new()
                } else {
                    "  no match".into()
                }
            } else {
                format!(
                    "  {}/{n}{}Up/Down next{}Enter keep{}Esc back",
                    at + 1,
                    theme.sep(),
                    theme.sep(),
                    theme.sep()
                )
            };
            Line::from(vec![
                Span::styled(format!("/{}_", escape(query)), theme.prompt()),
                Span::raw(found),
            ])
        }
        (_, Some(Notice::Error(e))) => Line::from(Span::styled(
            fit(&theme.plain(&format!("error: {e}")), w, theme.ellipsis()),
            theme.error(),
        )),
        (_, Some(Notice::Info(i))) => Line::raw(fit(&theme.plain(i), w, theme.ellipsis())),
        _ if s.presenter => Line::raw(""),
        _ => {
            let hints = match s.focus {
                Pane::Tree => match s.listing {
                    Listing::Tree => TREE_HINTS,
                    Listing::Controls => CONTROLS_HINTS,
                    Listing::BlastRadius => BLAST_HINTS,
                    Listing::Expiring => EXPIRING_HINTS,
                    Listing::FixFirst => FIX_HINTS,
                    Listing::Changes => CHANGES_HINTS,
                },
                Pane::Details => DETAILS_HINTS,
            };
            Line::styled(fit(&theme.plain(hints), w, theme.ellipsis()), theme.dim())
        }
    }
}

/// A question in a box in the middle of the screen.
pub struct Dialog<'a>(pub &'a Screen<'a>);

fn question_text(s: &Screen, q: &Question) -> (Vec<String>, String) {
    let n = s.unsaved;
    let edits = count(n, "unsaved edit", "unsaved edits");
    let file = s.path.map_or_else(
        || "the file".to_string(),
        |p| escape(&p.display().to_string()).into_owned(),
    );
    match q {
        Question::Quit if s.read_only => (
            vec![format!(
                "{edits} will be lost: this stack is open read-only."
            )],
            "y quit · n or Esc stay".into(),
        ),
        Question::Quit => (
            vec![format!("{edits}. Save before quitting?")],
            "y save and quit · n quit without saving · Esc stay (Ctrl-c again: quit)".into(),
        ),
        Question::Overwrite => (
            vec![format!(
                "{file} changed on disk since it was loaded. Save your edits onto it as it now is? What changed there elsewhere is kept."
            )],
            "y save onto it · n or Esc don't save (r reloads it)".into(),
        ),
        Question::Conflict { places } => {
            const SHOWN: usize = 4;
            let n = places.len();
            let mut text = vec![format!(
                "{n} {} you edited changed on disk too:",
                if n == 1 { "place" } else { "places" }
            )];
            text.extend(
                places
                    .iter()
                    .take(SHOWN)
                    .map(|p| format!("· {}", escape(p))),
            );
            if n > SHOWN {
                text.push(format!("… and {} more", n - SHOWN));
            }
            text.push(format!(
                "Keep your version or the disk's{}?",
                if n == 1 { "" } else { " (one answer for all)" }
            ));
            (
                text,
                "y keep mine · n keep the disk's · Esc don't save".into(),
            )
        }
        Question::Reload => (
            vec![format!("Reload {file} from disk and discard {edits}?")],
            "y reload · n or Esc keep editing".into(),
        ),
        Question::ExternalChange => (
            vec![format!(
                "{file} changed on disk, and you have {edits}. Reload it and discard them?"
            )],
            "y reload · n keep my edits".into(),
        ),
        Question::SaveAs { name } => (
            vec![
                "Save as: type a file name (an existing file is never overwritten).".into(),
                format!("> {}_", escape(name)),
            ],
            "Enter save · Esc cancel".into(),
        ),
        Question::AsOf { text } => (
            vec![
                "Analysis date (YYYY-MM-DD): evidence that expired before it counts as none."
                    .into(),
                format!("> {}_", escape(text)),
            ],
            "Enter apply · Esc cancel".into(),
        ),
        Question::AcceptReason {
            control,
            kind,
            reason,
            ..
        } => (
            vec![
                format!(
                    "Accept the {} risk on {}: why? (saved with w as an [[accept]]; undo with u)",
                    kind.as_str(),
                    escape(&s.stack.control(*control).id)
                ),
                format!("> {}_", escape(reason)),
            ],
            "Enter accept · Esc cancel".into(),
        ),
    }
}

impl Widget for Dialog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.0;
        let Mode::Ask(q) = s.mode else {
            return;
        };
        let theme = s.theme;
        let (text, keys) = question_text(s, q);
        let keys = theme.plain(&keys).into_owned();
        let width = area.width.saturating_sub(4).min(72);
        let inner_w = width.saturating_sub(4) as usize;
        let mut lines: Vec<Line> = text
            .iter()
            .flat_map(|t| wrap(t, inner_w))
            .map(Line::raw)
            .collect();
        lines.push(Line::raw(""));
        lines.extend(
            wrap(&keys, inner_w)
                .into_iter()
                .map(|k| Line::styled(k, theme.prompt())),
        );
        let height = (lines.len() as u16 + 2).min(area.height);
        let rect = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 3,
            width,
            height,
        };
        Clear.render(rect, buf);
        let block = Block::bordered()
            .border_set(theme.border())
            .title(Span::styled(" Question ", theme.prompt()));
        let inner = block.inner(rect);
        block.render(rect, buf);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        put_lines(&lines, inner, buf);
    }
}
