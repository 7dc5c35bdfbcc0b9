//! Only ASCII reaches a terminal drawn in ASCII (`--ascii`, or a locale that is not UTF-8,
//! `setup.rs`). The theme spells the explorer's own symbols in ASCII; this pass spells the
//! rest of a frame — the stack's names, services, agreements and notes — after the views have
//! laid it out, one terminal cell at a time, so no column moves and no view has to know.
//!
//! A cell one column wide shows the first letter of its character's transliteration (deunicode:
//! `ü` → `u`, `ß` → `s`, `“` → `"`, `—` → `-`, `Ж` → `Z`); a wide character (CJK, emoji) shows
//! `?` in each of its columns, as no transliteration fits them honestly. `\u{…}` escapes were
//! the other choice: they are exact, but as they are wider than the character they would have
//! to be made before layout, in every view. The exact text is what `stackgap check` prints.

use ratatui::buffer::{Buffer, CellWidth};

/// Replaces every cell that is not ASCII with its transliteration, keeping its style and
/// width.
pub fn spell(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let cell = &buf[(x, y)];
            let width = cell.cell_width().max(1);
            if !cell.symbol().is_ascii() {
                let style = cell.style();
                let letter = letter(cell.symbol(), width);
                for cx in x..(x + width).min(area.right()) {
                    buf[(cx, y)].set_char(letter).set_style(style);
                }
            }
            x = x.saturating_add(width);
        }
    }
}

/// The ASCII letter shown in place of a symbol of this many columns.
fn letter(symbol: &str, width: u16) -> char {
    if width > 1 {
        return '?';
    }
    symbol
        .chars()
        .next()
        .and_then(deunicode::deunicode_char)
        .and_then(|t| t.chars().find(|c| c.is_ascii_graphic()))
        .unwrap_or('?')
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn non_ascii_text_becomes_ascii_in_the_same_columns() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 2));
        buf.set_string(0, 0, "Zürich “AG” — Straße", Style::new().red());
        buf.set_string(0, 1, "阿里云|e\u{301} ok ☁\u{fe0f}!", Style::new());
        spell(&mut buf);
        let rows: Vec<String> = (0..2)
            .map(|y| (0..24).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        assert_eq!(rows[0], "Zurich \"AG\" - Strase    ");
        assert_eq!(rows[1], "??????|e ok ??!         ");
        assert!(buf.content().iter().all(|c| c.symbol().is_ascii()));
        // The style stays: a red name is still red.
        assert_eq!(buf[(1, 0)].fg, ratatui::style::Color::Red);
        assert_eq!(buf[(13, 0)].fg, ratatui::style::Color::Red);
    }
}
