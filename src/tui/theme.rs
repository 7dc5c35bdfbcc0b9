//! Symbols and styles in one place, so `--ascii` and NO_COLOR are honoured everywhere: only the
//! 16 named ANSI colours, and every status also carried by a symbol and a word.
//!
//! Two palettes. The usual one never sets a background colour and dims secondary text. The
//! high-contrast one, for a room watching a projector (presenter mode) and the default under
//! NO_COLOR, never dims: dim and grey text wash out on a projector, and without colour dimming
//! was the only thing that set text apart. Where it colours, it sets the foreground and the
//! background together — white on red, black on yellow, black on green, layer tags as chips —
//! pairs that read the same on a light or a dark screen and survive a projector's contrast.

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

/// Layer colours, chosen apart from the red and yellow of gaps and warnings (in the
/// high-contrast palette, the backgrounds of the layer chips).
const LAYER_COLOURS: [Color; 6] = [
    Color::Cyan,
    Color::Magenta,
    Color::Blue,
    Color::Green,
    Color::LightMagenta,
    Color::LightCyan,
];

/// The text colour a layer's chip takes on its background, in the high-contrast palette.
const fn on(background: Color) -> Color {
    match background {
        Color::Magenta | Color::Blue => Color::White,
        _ => Color::Black,
    }
}

/// How the explorer draws: Unicode or ASCII symbols, colour or none, the usual palette or the
/// high-contrast one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours may be used (NO_COLOR unset).
    pub color: bool,
    /// Whether to stay within ASCII (`--ascii`, or a locale that is not UTF-8).
    pub ascii: bool,
    /// The high-contrast palette: nothing dimmed, colours in readable pairs.
    pub high_contrast: bool,
}

impl Theme {
    /// The theme the explorer opens with: high contrast when there is no colour.
    pub const fn new(color: bool, ascii: bool) -> Theme {
        Theme {
            color,
            ascii,
            high_contrast: !color,
        }
    }

    /// The same theme for a room watching (presenter mode): high contrast.
    pub const fn for_room(self) -> Theme {
        Theme {
            high_contrast: true,
            ..self
        }
    }

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

    /// A colour pair of the high-contrast palette (nothing without colour).
    fn pair(&self, fg: Color, bg: Color) -> Style {
        if self.color {
            Style::new().fg(fg).bg(bg)
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
        match (severity, self.high_contrast) {
            (Some(Severity::Gap), false) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            (Some(Severity::Warning), false) => self.fg(Color::Yellow),
            (None, false) => self.fg(Color::Green),
            (Some(Severity::Gap), true) => self
                .pair(Color::White, Color::Red)
                .add_modifier(Modifier::BOLD),
            (Some(Severity::Warning), true) => self.pair(Color::Black, Color::Yellow),
            (None, true) => self.pair(Color::Black, Color::Green),
        }
    }

    /// The style of a layer tag, by layer position (cycling through the palette).
    pub fn layer(&self, layer: Option<u32>) -> Style {
        match layer {
            Some(i) => {
                let colour = LAYER_COLOURS[i as usize % LAYER_COLOURS.len()];
                if self.high_contrast {
                    self.pair(on(colour), colour)
                } else {
                    self.fg(colour)
                }
            }
            None => self.dim(),
        }
    }

    /// Secondary text: dimmed, but plain in the high-contrast palette.
    pub fn dim(&self) -> Style {
        if self.high_contrast {
            Style::new()
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// Headings and the focused pane's title.
    pub fn heading(&self) -> Style {
        if self.high_contrast {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        }
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
        if self.high_contrast {
            self.pair(Color::White, Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Red).add_modifier(Modifier::BOLD)
        }
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

    /// Every style the theme gives out.
    fn styles(t: Theme) -> Vec<Style> {
        let mut out = vec![
            t.dim(),
            t.heading(),
            t.selected(true),
            t.selected(false),
            t.error(),
            t.prompt(),
            t.layer(None),
        ];
        out.extend((0..8).map(|i| t.layer(Some(i))));
        out.extend([None, Some(Severity::Gap), Some(Severity::Warning)].map(|s| t.severity(s)));
        out
    }

    #[test]
    fn high_contrast_dims_nothing_and_colours_in_pairs() {
        for color in [true, false] {
            let room = Theme::new(color, false).for_room();
            for style in styles(room) {
                let dim = style.add_modifier.contains(Modifier::DIM);
                assert!(!dim, "{style:?}");
                assert_eq!(style.fg.is_some(), style.bg.is_some(), "{style:?}");
                if !color {
                    assert_eq!((style.fg, style.bg), (None, None), "NO_COLOR: {style:?}");
                }
            }
        }
        // NO_COLOR opens in it; colour opens in the usual palette, which does dim.
        assert!(Theme::new(false, false).high_contrast);
        let usual = Theme::new(true, false);
        assert!(!usual.high_contrast);
        assert!(usual.dim().add_modifier.contains(Modifier::DIM));
        assert!(styles(usual).iter().all(|s| s.bg.is_none()));
    }

    #[test]
    fn ascii_spells_the_explorer_symbols_in_ascii() {
        let ascii = Theme::new(false, true);
        assert_eq!(ascii.plain("a → b · ✗2 …"), "a -> b | x2 ...");
        let unicode = Theme::new(false, false);
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
