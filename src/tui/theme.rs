//! Symbols and styles in one place, so `--ascii` and NO_COLOR are honoured everywhere: only the
//! 16 named ANSI colours, never a background colour, and every status also carried by a symbol
//! and a word.

use std::borrow::Cow;

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::analysis::Severity;

/// The border set drawn with `--ascii`.
const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Layer colours, chosen apart from the red and yellow of gaps and warnings.
const LAYER_COLOURS: [Color; 6] = [
    Color::Cyan,
    Color::Magenta,
    Color::Blue,
    Color::Green,
    Color::LightMagenta,
    Color::LightCyan,
];

/// How the explorer draws: Unicode or ASCII symbols, colour or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours may be used (NO_COLOR unset).
    pub color: bool,
    /// Whether to stay within ASCII (`--ascii`).
    pub ascii: bool,
}

impl Theme {
    fn pick(&self, unicode: &'static str, ascii: &'static str) -> &'static str {
        if self.ascii { ascii } else { unicode }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The symbol of a severity, or of "no finding".
    pub fn mark(&self, severity: Option<Severity>) -> &'static str {
        match severity {
            Some(Severity::Gap) => self.pick("✗", "x"),
            Some(Severity::Warning) => "!",
            None => self.pick("✓", "+"),
        }
    }

    /// The style of a severity, or of "no finding".
    pub fn severity(&self, severity: Option<Severity>) -> Style {
        match severity {
            Some(Severity::Gap) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Some(Severity::Warning) => self.fg(Color::Yellow),
            None => self.fg(Color::Green),
        }
    }

    /// The style of a layer tag, by layer position (cycling through the palette).
    pub fn layer(&self, layer: Option<u32>) -> Style {
        match layer {
            Some(i) => self.fg(LAYER_COLOURS[i as usize % LAYER_COLOURS.len()]),
            None => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// Secondary text.
    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Headings and the focused pane's title.
    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The selected line: reversed in the focused pane, bold elsewhere.
    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// Errors shown in the status line.
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Questions and prompts waiting for an answer.
    pub fn prompt(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// The border set of panes and overlays.
    pub fn border(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::ROUNDED
        }
    }

    /// The marker in front of the selected line (so selection never rests on colour alone).
    pub fn cursor(&self) -> &'static str {
        self.pick("▶", ">")
    }

    /// Expander of a collapsed row.
    pub fn closed(&self) -> &'static str {
        self.pick("▸", "+")
    }

    /// Expander of an expanded row.
    pub fn open(&self) -> &'static str {
        self.pick("▾", "-")
    }

    /// A hand-off arrow.
    pub fn arrow(&self) -> &'static str {
        self.pick("→", "->")
    }

    /// Separates a party from its service.
    pub fn dot(&self) -> &'static str {
        self.pick("·", "-")
    }

    /// Where text was cut.
    pub fn ellipsis(&self) -> &'static str {
        self.pick("…", "...")
    }

    /// An unset owner.
    pub fn unset(&self) -> &'static str {
        self.pick("—", "-")
    }

    /// A minus sign in deltas.
    pub fn minus(&self) -> &'static str {
        self.pick("−", "-")
    }

    /// Marks a row where a cycle is cut.
    pub fn cycle(&self) -> &'static str {
        self.pick("↻ cycle", "(cycle)")
    }

    /// The same, where there is no room for the word.
    pub fn cycle_mark(&self) -> &'static str {
        self.pick("↻", "@")
    }

    /// One cell of a bar in the blast radius ranking.
    pub fn bar(&self) -> &'static str {
        self.pick("█", "#")
    }

    /// Separates items on one line.
    pub fn sep(&self) -> &'static str {
        self.pick(" · ", " | ")
    }

    /// The explorer's own text (hints, help, explanations) with its few non-ASCII symbols
    /// spelled in ASCII under `--ascii`.
    pub fn plain<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !self.ascii || s.is_ascii() {
            return Cow::Borrowed(s);
        }
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '·' => out.push('|'),
                '→' => out.push_str("->"),
                '−' | '—' | '–' => out.push('-'),
                '…' => out.push_str("..."),
                '×' => out.push('x'),
                '✗' => out.push('x'),
                '✓' => out.push('+'),
                '↻' => out.push('@'),
                '▸' => out.push('+'),
                '▾' => out.push('-'),
                c => out.push(c),
            }
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_spells_the_explorer_symbols_in_ascii() {
        let ascii = Theme {
            color: false,
            ascii: true,
        };
        assert_eq!(ascii.plain("a → b · ✗2 …"), "a -> b | x2 ...");
        let unicode = Theme {
            color: false,
            ascii: false,
        };
        assert_eq!(unicode.plain("a → b"), "a → b");
        for symbol in [
            ascii.mark(None),
            ascii.cursor(),
            ascii.arrow(),
            ascii.cycle(),
        ] {
            assert!(symbol.is_ascii(), "{symbol}");
        }
    }
}
