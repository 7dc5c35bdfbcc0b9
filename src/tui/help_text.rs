//! The help's words — every key, the symbols, what the numbers in the status bar mean — and
//! how they wrap at a width. The `?` overlay draws them; `update` counts them, to stop
//! scrolling at the end.

use ratatui::text::{Line, Span};

use super::layout::{fit, wrap};
use super::theme::Theme;

/// The help text: (keys, what they do); an empty key column starts a heading or a paragraph.
const HELP: &[(&str, &str)] = &[
    ("", "# The seven findings: ✗ gaps, ! warnings"),
    (
        "no-mans-land",
        "✗ each side thinks the other does it: nobody does",
    ),
    (
        "broken-chain",
        "✗ handed on down a chain that ends with nobody doing it",
    ),
    (
        "not-delivered",
        "✗ the one responsible neither does it nor hands it on",
    ),
    ("unassigned", "✗ nobody is named responsible for it"),
    (
        "misunderstanding",
        "! done, but not by whom the consumer believes",
    ),
    (
        "unconfirmed",
        "! done, but only assumed: no agreement says who",
    ),
    (
        "weak-assurance",
        "! done and agreed, but the evidence for it is too weak",
    ),
    ("", ""),
    ("", "# Moving around"),
    ("Up Down  j k", "move in the focused pane"),
    (
        "Left Right  h l",
        "collapse / expand the row (Left in the hand-off pane: back to the tree)",
    ),
    ("Enter  Space", "expand or collapse the row"),
    (
        "=  -",
        "expand all (stops at 10,000 rows and says so) / collapse all",
    ),
    ("g G  PgUp PgDn", "top, bottom, page up, page down"),
    ("Tab", "switch between the tree and the hand-off pane"),
    (
        "/",
        "fuzzy search parties, hand-offs and controls: every place they are shown (a control at each hand-off listing it); jumps to the best match",
    ),
    (
        "n  N",
        "next / previous place, each once, in tree order (the status line counts k/N)",
    ),
    (
        ">",
        "(hand-off pane) from the selected broken chain to its root cause's row and hand-off; again: the next root cause",
    ),
    (
        "f",
        "filter: only rows with findings, and the rows above them",
    ),
    (
        "c",
        "control view: every control, those with findings first; Enter on a place: to the tree",
    ),
    (
        "b",
        "blast radius: parties ranked by the gaps their failure adds; Enter: to the party; Tab: the places it would break, Enter on one: to it",
    ),
    (
        "D",
        "what changed since the last save and since loading (edits and what-ifs), worded as stackgap diff words it; Enter on a change: to its place",
    ),
    (
        "E",
        "expiring evidence: documents and entries that lapse within the window; Enter on an entry: to the tree",
    ),
    (
        "F",
        "fix first: the changes (a party implementing a control) that close the most gaps; Enter: to the party",
    ),
    ("c b E D F Esc", "(in those views) back to the tree"),
    (
        "y",
        "copy the selected finding as a line of Markdown (OSC 52; tmux: set-clipboard on)",
    ),
    (
        "t",
        "guided tour of the open findings, worst first: no-mans-lands, broken chains, the rest; t/Space next, Backspace back, Esc leaves",
    ),
    (
        "z",
        "zoom the focused pane to the whole screen, where what is cut with … shows whole",
    ),
    (
        "p",
        "presenter mode: no key hints, parties shown as layer#number, high-contrast colours",
    ),
    ("", ""),
    ("", "# Editing (hand-off pane; saved to the file with w)"),
    (
        "a",
        "cycle assumed owner: provider → consumer → shared → unset",
    ),
    (
        "o",
        "cycle agreed owner: provider → consumer → shared → unset",
    ),
    (
        "e",
        "cycle evidence: none → contract → attested → verified → each document → default",
    ),
    (
        "i",
        "toggle: the hand-off's provider implements the control",
    ),
    (
        "I",
        "toggle: its consumer implements it (on a requirement: the party)",
    ),
    (
        "A",
        "accept the risk of the selected gap or warning: asks why (Esc cancels); saved as [[accept]]",
    ),
    ("", ""),
    ("", "# What-ifs (views, never saved)"),
    ("x", "switch the selected party off / on"),
    ("m", "cycle the minimum evidence that counts as assured"),
    ("d", "set the analysis date"),
    (
        "[  ]",
        "analysis date one month back / forward: see what expires next",
    ),
    ("u  Ctrl-r", "undo / redo, edits and what-ifs alike"),
    ("", ""),
    ("", "# Files"),
    (
        "w",
        "save (over a file changed on disk: onto it as it now is, asking where both changed; on the demo, asks for a name)",
    ),
    ("r", "reload from disk (a new undo history starts)"),
    (
        "q  Ctrl-c",
        "quit; asks when edits are unsaved (Ctrl-c twice: quit without saving)",
    ),
    ("Esc", "close this help, a question or the search"),
    (
        "Ctrl-l",
        "draw the whole screen again (over a message or stray output)",
    ),
    ("", ""),
    ("", "# Reading the screen"),
    ("✗ N", "open gaps: nobody actually covers the control"),
    (
        "! N",
        "open warnings: covered, but not as believed or not assured enough",
    ),
    ("✓", "nothing open here"),
    (
        "N accepted",
        "accepted risks, counted apart from the open ones",
    ),
    (
        "✗ N below",
        "a collapsed row: open findings at the hand-offs under it (each place once)",
    ),
    (
        "✓ accepted",
        "an accepted risk in the hand-off pane: still listed, dimmed, with its reason",
    ),
    (
        "guides",
        "the lines before a row lead up to the row of its consumer",
    ),
    (
        "not in scope",
        "(control view) no hand-off lists the control and no party requires it",
    ),
    (
        "provider T",
        "agreed owner set by the hand-off's responsibility template (model), not listed in the file",
    ),
    ("[layer]", "the party's layer (also by colour)"),
    (
        "(shared)",
        "the party has several consumers, so it repeats in the tree",
    ),
    (
        "↻ cycle",
        "the party is already above on this path: the cycle is cut here (just ↻ when short of room)",
    ),
    ("(off)", "switched off by a what-if: it delivers nothing"),
    (
        "(contract)",
        "evidence in parentheses is the default, not written in the file",
    ),
    ("", ""),
    (
        "",
        "A tree row counts the open findings at its hand-off; a root row its party's own.",
    ),
    (
        "",
        "Accepted risks are counted apart, everywhere: rows, pane, control view, status bar.",
    ),
    (
        "",
        "The status bar's (+N −M) counts findings that appeared (+) and disappeared (−) since",
    ),
    (
        "",
        "the file was loaded (or reloaded), by control, place and kind: a finding that changes",
    ),
    (
        "",
        "kind counts once each way. Edits and what-ifs both move them.",
    ),
];

/// The width of the keys' column (the longest finding kind and a space).
const KEYS: usize = 17;

/// The help as lines for a width: descriptions wrap under their own column.
pub fn lines(w: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (keys, what) in HELP {
        let what = theme.plain(what);
        if keys.is_empty() {
            match what.strip_prefix("# ") {
                Some(h) => out.push(Line::styled(fit(h, w, theme.ellipsis()), theme.heading())),
                None => out.extend(wrap(&what, w).into_iter().map(Line::raw)),
            }
            continue;
        }
        for (i, part) in wrap(&what, w.saturating_sub(KEYS).max(10))
            .into_iter()
            .enumerate()
        {
            let key = if i == 0 {
                theme.plain(keys).into_owned()
            } else {
                String::new()
            };
            out.push(Line::from(vec![
                Span::styled(format!("{key:<KEYS$}"), theme.heading()),
                Span::raw(part),
            ]));
        }
    }
    out
}

/// The inner width of the overlay on a screen of this width.
pub fn inner_width(screen: u16) -> usize {
    screen.saturating_sub(8) as usize
}

/// How many lines the help has on a screen of this width.
pub fn line_count(screen_width: u16, theme: Theme) -> u16 {
    lines(inner_width(screen_width), theme).len() as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Kind;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_glossary_explains_each_finding_kind_on_one_line_at_80_columns() {
        for theme in [Theme::new(true, false), Theme::new(false, true)] {
            let all: Vec<String> = lines(inner_width(80), theme).iter().map(text).collect();
            for kind in Kind::ALL {
                let at = all
                    .iter()
                    .position(|l| l.starts_with(&format!("{} ", kind.as_str())))
                    .unwrap_or_else(|| panic!("{} is not in the help", kind.as_str()));
                let mark = if kind.severity() == crate::analysis::Severity::Gap {
                    theme.plain("✗").into_owned()
                } else {
                    "!".to_string()
                };
                let what = all[at][KEYS..].to_string();
                assert!(what.starts_with(&format!("{mark} ")), "{what}");
                assert!(
                    !all[at + 1].starts_with(' '),
                    "{} wraps onto a second line",
                    kind.as_str()
                );
            }
        }
    }
}
