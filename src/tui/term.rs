//! The terminal the explorer draws on: ratatui's crossterm backend with its own `draw`, which
//! writes fewer bytes for the same screen. Over SSH, bytes are what a slow link pays for: moving
//! the cursor one row must cost at most 1.5 KB at 120×40 (docs/performance.md). Compared with
//! the stock backend, for the cells ratatui found changed:
//!
//! - a cell that looks the same as what the terminal shows is not sent: a blank whose
//!   foreground colour changed is still a blank, and a blank is printed in whatever colours are
//!   set when only its background shows;
//! - a run of blank cells is erased with ECH (`CSI n X`, in every terminal since the VT220)
//!   instead of printing n spaces — most of what changes when a pane's text gets shorter. The
//!   backend keeps a copy of what the terminal shows, so a run also takes in the unchanged blank
//!   cells between changed ones;
//! - a move along the same row is relative (`CSI n C`), never longer than an absolute one, and a
//!   gap of up to three unchanged cells in the current style is printed rather than jumped; the
//!   next row is reached with a line feed and the column (`LF CSI n G`);
//! - when a list scrolls under the cursor, the terminal moves the rows (a scroll region,
//!   `CSI t;b r` and `CSI S` / `CSI T`, VT100 and VT420) if that costs fewer bytes than writing
//!   them;
//! - a change of colours and attributes goes out as one SGR sequence, the 16 named colours in
//!   their short codes (30–37, 90–97) rather than as 256-colour indexes;
//! - the closing reset is one `CSI 0 m`, and only when something is set.
//!
//! It is public for the benchmarks (`benches/explorer.rs`), which measure drawing through it.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// Runs of at least this many blank cells are erased rather than printed (ECH and the move
/// after it cost about 10 bytes).
const ERASE_FROM: u16 = 10;

/// The crossterm backend, drawing through [`encode`].
pub struct Lean<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, as far as this backend wrote it (blank after a clear).
    screen: Buffer,
    changed: Vec<(u16, u16, Cell)>,
    out: Vec<u8>,
}

impl<W: Write> Lean<W> {
    /// A backend writing to `writer` (the terminal), which it assumes blank.
    pub fn new(writer: W) -> Lean<W> {
        Lean {
            inner: CrosstermBackend::new(writer),
            screen: Buffer::empty(Rect::ZERO),
            changed: Vec::new(),
            out: Vec::new(),
        }
    }
}

impl<W: Write> Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.changed.clear();
        let screen = &self.screen;
        // A cell that looks the same as what the terminal shows is not sent: a blank whose
        // foreground colour changed looks like the blank before it.
        self.changed.extend(
            content
                .filter(|&(x, y, c)| !screen.cell((x, y)).is_some_and(|s| looks_same(s, c)))
                .map(|(x, y, c)| (x, y, c.clone())),
        );
        clear_halves(&self.screen, &mut self.changed);
        let before = scrolls(&self.changed).then(|| self.screen.clone());
        remember(&mut self.screen, &self.changed);
        self.out.clear();
        encode(&self.changed, &self.screen, &mut self.out);
        if let Some(before) = before
            && let Some((screen, out)) = scrolled(&before, &self.screen)
            && out.len() < self.out.len()
        {
            self.screen = screen;
            self.out = out;
        }
        Write::write_all(&mut self.inner, &self.out)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.screen = Buffer::empty(Rect::ZERO);
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Not used by a full-screen explorer; whatever it clears is no longer known.
        self.screen = Buffer::empty(Rect::ZERO);
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// Printing over part of a wide symbol blanks the rest of it, in the pen of the moment or the
/// default one, depending on the terminal. Where ratatui sent nothing for the column after a
/// change that was under a wide symbol (ratatui holds a reset cell there), a plain blank is
/// added to the changes.
fn clear_halves(screen: &Buffer, changed: &mut Vec<(u16, u16, Cell)>) {
    let mut i = 0;
    while i < changed.len() {
        let (x, y, ref cell) = changed[i];
        i += 1;
        let after = x.saturating_add(cell.cell_width().max(1));
        let sent = changed[i..]
            .iter()
            .take_while(|&&(nx, ny, _)| ny == y && nx <= after)
            .any(|&(nx, _, _)| nx == after);
        if !sent
            && screen
                .cell((after, y))
                .is_some_and(|s| s.symbol().is_empty())
        {
            let at = i + changed[i..]
                .iter()
                .take_while(|&&(nx, ny, _)| ny == y && nx < after)
                .count();
            changed.insert(at, (after, y, Cell::EMPTY));
        }
    }
}

/// Whether the changes span enough rows for a scroll to be worth trying.
fn scrolls(changed: &[(u16, u16, Cell)]) -> bool {
    match (changed.first(), changed.last()) {
        (Some(&(_, first, _)), Some(&(_, last, _))) => last - first >= 3,
        _ => false,
    }
}

/// A list that moves by a row (the tree scrolling under the cursor) changes every row of it,
/// though most of each row is the one above or below. The terminal can move those rows itself:
/// a scroll region (DECSTBM, VT100) scrolled by one (SU / SD). This tries it on the rows that
/// gain most from it and returns the screen copy and the bytes, scroll first, for the caller to
/// keep when they are fewer. The scroll takes whole rows, so a pane beside the list moves too
/// and is redrawn: whether that pays is what the byte count says.
fn scrolled(before: &Buffer, after: &Buffer) -> Option<(Buffer, Vec<u8>)> {
    if before.area != after.area {
        return None;
    }
    let (w, h) = (after.area.width, after.area.height);
    // A row's gain: how many of its cells the row below (`up`) or above shows, less how many it
    // shows itself already — about the cells a scroll saves writing.
    let gain = |y: u16, from: u16| -> i32 {
        row(after, y)
            .iter()
            .zip(row(before, from))
            .zip(row(before, y))
            .map(|((a, moved), stays)| i32::from(a == moved) - i32::from(a == stays))
            .sum()
    };
    let mut best: Option<(Buffer, Vec<u8>)> = None;
    for up in [true, false] {
        // The rows that gain most together: a pane beside the list may lose on some of them.
        let gains: Vec<i32> = (0..h)
            .map(|y| {
                let from = if up {
                    y.checked_add(1)
                } else {
                    y.checked_sub(1)
                };
                from.filter(|&f| f < h).map_or(i32::MIN / 4, |f| gain(y, f))
            })
            .collect();
        let mut most: Option<(i32, u16, u16)> = None;
        for a in 0..h {
            let mut sum = 0;
            for b in a..h {
                sum += gains[usize::from(b)];
                if b > a && sum > 0 && most.is_none_or(|(m, _, _)| sum > m) {
                    most = Some((sum, a, b));
                }
            }
        }
        let Some((_, a, b)) = most else {
            continue;
        };
        // The region takes in the row the run moves from; the row left over comes in blank.
        let (top, bottom) = if up { (a, b + 1) } else { (a - 1, b) };
        let region = top..=bottom;
        let simple = |c: &Cell| c.cell_width() == 1;
        if region
            .clone()
            .any(|y| !row(before, y).iter().all(simple) || !row(after, y).iter().all(simple))
        {
            // Wide symbols are left to the plain path and its care for them.
            continue;
        }
        let mut screen = before.clone();
        let width = usize::from(w);
        let cells =
            &mut screen.content[usize::from(top) * width..(usize::from(bottom) + 1) * width];
        let len = cells.len();
        if up {
            cells.rotate_left(width);
            cells[len - width..].fill(Cell::EMPTY);
        } else {
            cells.rotate_right(width);
            cells[..width].fill(Cell::EMPTY);
        }
        let mut changed: Vec<(u16, u16, Cell)> = Vec::new();
        for y in 0..h {
            for (x, (c, shown)) in row(after, y).iter().zip(row(&screen, y)).enumerate() {
                if !c.symbol().is_empty() && !looks_same(shown, c) {
                    changed.push((x as u16, y, c.clone()));
                }
            }
        }
        clear_halves(&screen, &mut changed);
        remember(&mut screen, &changed);
        let mut out = Vec::new();
        let _ = write!(
            out,
            "\x1b[{};{}r\x1b[{}\x1b[r",
            top + 1,
            bottom + 1,
            if up { 'S' } else { 'T' }
        );
        encode(&changed, &screen, &mut out);
        if best.as_ref().is_none_or(|(_, o)| out.len() < o.len()) {
            best = Some((screen, out));
        }
    }
    best
}

/// A row of a buffer whose area starts at the origin.
fn row(b: &Buffer, y: u16) -> &[Cell] {
    let w = usize::from(b.area.width);
    &b.content[usize::from(y) * w..][..w]
}

/// Updates the copy of the screen with the changed cells. Where a wide symbol covers the next
/// columns, those are marked unknown (a cell no run or gap may take in), and so is the column
/// after it when ratatui also sent its covered cells (emoji with U+FE0F, whose width terminals
/// disagree on).
fn remember(screen: &mut Buffer, changed: &[(u16, u16, Cell)]) {
    let (w, h) = changed.iter().fold(
        (screen.area.width, screen.area.height),
        |(w, h), &(x, y, _)| (w.max(x.saturating_add(2)), h.max(y.saturating_add(1))),
    );
    if (w, h) != (screen.area.width, screen.area.height) {
        // Buffer::resize keeps the cells' order, not their positions: copy them over.
        let mut grown = Buffer::empty(Rect::new(0, 0, w, h));
        for y in 0..screen.area.height {
            for x in 0..screen.area.width {
                grown[(x, y)] = screen[(x, y)].clone();
            }
        }
        *screen = grown;
    }
    let mut unknown = Cell::EMPTY;
    unknown.set_symbol("");
    for (i, (x, y, c)) in changed.iter().enumerate() {
        screen[(*x, *y)] = c.clone();
        let width = c.cell_width();
        if width > 1 {
            let sent_covered = changed
                .get(i + 1)
                .is_some_and(|&(nx, ny, _)| (nx, ny) == (x.saturating_add(1), *y));
            let last = x.saturating_add(width - 1 + u16::from(sent_covered));
            for cx in x.saturating_add(1)..=last.min(w - 1) {
                screen[(cx, *y)] = unknown.clone();
            }
        }
    }
    // A covered cell ratatui sent is not what the terminal shows: keep it unknown.
    for (i, (x, y, c)) in changed.iter().enumerate() {
        let width = c.cell_width();
        if width > 1 {
            let mut j = i + 1;
            while let Some(&(nx, ny, _)) = changed.get(j) {
                if ny != *y || nx >= x.saturating_add(width) {
                    break;
                }
                screen[(nx, ny)] = unknown.clone();
                j += 1;
            }
        }
    }
}

/// The colours and attributes the terminal is set to.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const PLAIN: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }

    /// What of the pen shows on a blank: the background, unless an attribute draws on blanks
    /// too (reverse video shows the foreground; underline and strike-through draw a line).
    fn on_blank(self) -> Pen {
        if self
            .modifier
            .intersects(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT)
        {
            self
        } else {
            Pen {
                bg: self.bg,
                ..Pen::PLAIN
            }
        }
    }
}

/// Whether a cell prints as a blank (a space) in the pen.
fn blank_in(cell: &Cell, pen: Pen) -> bool {
    cell.symbol() == " " && Pen::of(cell).on_blank() == pen.on_blank()
}

/// Whether the terminal showing `shown` already looks like `cell`: the same symbol in the same
/// style, or two blanks that differ only in what does not show on a blank.
fn looks_same(shown: &Cell, cell: &Cell) -> bool {
    shown == cell || (shown.symbol() == " " && blank_in(cell, Pen::of(shown)))
}

/// Terminal bytes that turn the screen the cells were diffed against into `screen`, given the
/// cells that changed (in row order, as ratatui's diff lists them). Starts and ends with the
/// terminal in the plain style; the cursor position is not assumed.
pub fn encode(changed: &[(u16, u16, Cell)], screen: &Buffer, out: &mut Vec<u8>) {
    let mut pen = Pen::PLAIN;
    // Where the terminal's cursor is, when known.
    let mut cursor: Option<(u16, u16)> = None;
    let shown = |x: u16, y: u16| screen.cell((x, y));
    // The last column (and row) a wide symbol just printed covers.
    let mut covered: Option<(u16, u16)> = None;
    let mut i = 0;
    while i < changed.len() {
        let (x, y, ref cell) = changed[i];
        i += 1;
        if let Some((last, cy)) = covered.take()
            && cy == y
            && x <= last
        {
            // A cell under a wide symbol that ratatui sends anyway (an emoji with U+FE0F):
            // written where the cursor is, without a move, as ratatui's own backend does, for
            // terminals that disagree on the symbol's width.
            set_pen(out, &mut pen, Pen::of(cell));
            out.extend_from_slice(cell.symbol().as_bytes());
            cursor = None;
            covered = Some((last, y));
            continue;
        }
        if blank(cell) {
            // The run goes on over blank cells, changed or not, up to the last changed one.
            let mut n: u16 = 1;
            let mut c = x;
            while c < u16::MAX && shown(c + 1, y).is_some_and(blank) {
                c += 1;
                if changed
                    .get(i)
                    .is_some_and(|&(cx, cy, _)| (cx, cy) == (c, y))
                {
                    i += 1;
                    n = c - x + 1;
                }
            }
            move_to(out, &mut cursor, x, y);
            if pen.on_blank() != Pen::PLAIN {
                set_pen(out, &mut pen, Pen::PLAIN);
            }
            if n >= ERASE_FROM {
                // The cursor stays where it is.
                let _ = write!(out, "\x1b[{n}X");
            } else {
                out.extend(std::iter::repeat_n(b' ', usize::from(n)));
                cursor = Some((x.saturating_add(n), y));
            }
            continue;
        }
        // A short gap of unchanged cells in the current style costs less printed than jumped.
        if let Some((cx, cy)) = cursor
            && cy == y
            && cx < x
            && x - cx <= 3
            && (cx..x).all(|gx| {
                shown(gx, y).is_some_and(|g| {
                    g.symbol().len() == 1
                        && g.symbol().is_ascii()
                        && (Pen::of(g) == pen || blank_in(g, pen))
                })
            })
        {
            for gx in cx..x {
                out.extend_from_slice(shown(gx, y).map_or(" ", Cell::symbol).as_bytes());
            }
            cursor = Some((x, y));
        }
        move_to(out, &mut cursor, x, y);
        if !blank_in(cell, pen) {
            set_pen(out, &mut pen, Pen::of(cell));
        }
        let symbol = cell.symbol();
        out.extend_from_slice(symbol.as_bytes());
        // The cursor moves by the symbol's width (as ratatui counts it), when the terminal
        // agrees on it: surely for one column (ASCII, box lines, arrows, ✗ ✓).
        let width = cell.cell_width();
        cursor = (width == 1).then_some((x.saturating_add(1), y));
        if width > 1 {
            covered = Some((x.saturating_add(width - 1), y));
        }
    }
    if pen != Pen::PLAIN {
        out.extend_from_slice(b"\x1b[0m");
    }
}

/// A cell that shows as the terminal's own blank, and so may be erased.
fn blank(cell: &Cell) -> bool {
    blank_in(cell, Pen::PLAIN)
}

fn move_to(out: &mut Vec<u8>, cursor: &mut Option<(u16, u16)>, x: u16, y: u16) {
    match *cursor {
        Some((cx, cy)) if cy == y && cx == x => {}
        Some((cx, cy)) if cy == y && cx < x => match x - cx {
            1 => out.extend_from_slice(b"\x1b[C"),
            n => {
                let _ = write!(out, "\x1b[{n}C");
            }
        },
        // To the next row: a line feed and the column (CHA), often shorter than CUP. The
        // column is set absolutely, as the cursor may wait past the last column, and so that a
        // terminal adding a carriage return to the line feed lands in the same place.
        Some((_, cy)) if cy.checked_add(1) == Some(y) => {
            if x == 0 {
                out.extend_from_slice(b"\r\n");
            } else {
                let _ = write!(out, "\n\x1b[{}G", x + 1);
            }
        }
        _ => {
            let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
        }
    }
    *cursor = Some((x, y));
}

fn set_pen(out: &mut Vec<u8>, pen: &mut Pen, to: Pen) {
    if *pen == to {
        return;
    }
    let mut params: Vec<u8> = Vec::with_capacity(24);
    let mut param = |p: &[u8]| {
        if !params.is_empty() {
            params.push(b';');
        }
        params.extend_from_slice(p);
    };
    if to == Pen::PLAIN {
        param(b"0");
    } else {
        let (from, m) = (pen.modifier, to.modifier);
        let removed = from - m;
        let mut added = m - from;
        // One code may turn several off (22: bold and dim; 25: both blinks): put back those
        // that stay.
        for (flags, code) in [
            (Modifier::REVERSED, &b"27"[..]),
            (Modifier::BOLD | Modifier::DIM, b"22"),
            (Modifier::ITALIC, b"23"),
            (Modifier::UNDERLINED, b"24"),
            (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK, b"25"),
            (Modifier::HIDDEN, b"28"),
            (Modifier::CROSSED_OUT, b"29"),
        ] {
            if removed.intersects(flags) {
                param(code);
                added |= m & flags;
            }
        }
        for (flag, code) in [
            (Modifier::BOLD, &b"1"[..]),
            (Modifier::DIM, b"2"),
            (Modifier::ITALIC, b"3"),
            (Modifier::UNDERLINED, b"4"),
            (Modifier::SLOW_BLINK, b"5"),
            (Modifier::RAPID_BLINK, b"6"),
            (Modifier::REVERSED, b"7"),
            (Modifier::HIDDEN, b"8"),
            (Modifier::CROSSED_OUT, b"9"),
        ] {
            if added.contains(flag) {
                param(code);
            }
        }
        if to.fg != pen.fg {
            param(colour(to.fg, Layer::Fg).as_bytes());
        }
        if to.bg != pen.bg {
            param(colour(to.bg, Layer::Bg).as_bytes());
        }
        if to.underline != pen.underline {
            param(colour(to.underline, Layer::Underline).as_bytes());
        }
    }
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(&params);
    out.push(b'm');
    *pen = to;
}

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

/// The SGR parameters that set one colour.
fn colour(c: Color, layer: Layer) -> String {
    let named = |n: u8| -> Option<u8> {
        match layer {
            Layer::Fg if n < 8 => Some(30 + n),
            Layer::Fg => Some(90 + n - 8),
            Layer::Bg if n < 8 => Some(40 + n),
            Layer::Bg => Some(100 + n - 8),
            Layer::Underline => None,
        }
    };
    let extended = match layer {
        Layer::Fg => 38,
        Layer::Bg => 48,
        Layer::Underline => 58,
    };
    let index = match c {
        Color::Reset => {
            return match layer {
                Layer::Fg => "39",
                Layer::Bg => "49",
                Layer::Underline => "59",
            }
            .to_string();
        }
        Color::Rgb(r, g, b) => return format!("{extended};2;{r};{g};{b}"),
        Color::Indexed(i) => return format!("{extended};5;{i}"),
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    match named(index) {
        Some(code) => code.to_string(),
        None => format!("{extended};5;{index}"),
    }
}

#[cfg(test)]
mod tests;
