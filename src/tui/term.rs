//! The terminal the explorer draws on: ratatui's crossterm backend with its own `draw`, which
//! writes fewer bytes for the same screen. Over SSH, bytes are what a slow link pays for: moving
//! the cursor one row must cost well under 1.5 KB at 120×40 (docs/performance.md). Compared with
//! the stock backend, for the cells ratatui found changed:
//!
//! - a run of blank cells in the default style is erased with ECH (`CSI n X`, in every terminal
//!   since the VT220) instead of printing n spaces — most of what changes when a pane's text gets
//!   shorter. The backend keeps a copy of what the terminal shows, so a run also takes in the
//!   unchanged blank cells between changed ones;
//! - a move along the same row is relative (`CSI n C`), never longer than an absolute one, and a
//!   gap of up to three unchanged cells in the current style is printed rather than jumped;
//! - a change of colours and attributes goes out as one SGR sequence, the 16 named colours in
//!   their short codes (30–37, 90–97) rather than as 256-colour indexes;
//! - the closing reset is one `CSI 0 m`, and only when something is set.

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
        self.changed
            .extend(content.map(|(x, y, c)| (x, y, c.clone())));
        remember(&mut self.screen, &self.changed);
        self.out.clear();
        encode(&self.changed, &self.screen, &mut self.out);
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
            set_pen(out, &mut pen, Pen::PLAIN);
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
                    g.symbol().len() == 1 && g.symbol().is_ascii() && Pen::of(g) == pen
                })
            })
        {
            for gx in cx..x {
                out.extend_from_slice(shown(gx, y).map_or(" ", Cell::symbol).as_bytes());
            }
            cursor = Some((x, y));
        }
        move_to(out, &mut cursor, x, y);
        set_pen(out, &mut pen, Pen::of(cell));
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

fn blank(cell: &Cell) -> bool {
    cell.symbol() == " " && Pen::of(cell) == Pen::PLAIN
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
mod tests {
    use super::*;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::style::Style;

    use crate::analysis::WhatIf;
    use crate::date::Date;
    use crate::tui::{Explorer, Options};

    /// The colour a terminal shows for a ratatui colour, in vt100's terms.
    fn shown(c: Color) -> vt100::Color {
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
            Color::Indexed(i) => vt100::Color::Idx(i),
            named => {
                let code = colour(named, Layer::Fg);
                let n: u8 = code.parse().expect("a named colour has a short code");
                vt100::Color::Idx(if n >= 90 { n - 90 + 8 } else { n - 30 })
            }
        }
    }

    /// The emulated screen shows exactly the buffer: symbols, colours and attributes.
    fn assert_shows(screen: &vt100::Screen, buffer: &Buffer, frame: usize) {
        let area = buffer.area;
        for y in 0..area.height {
            for x in 0..area.width {
                let want = &buffer[(x, y)];
                let got = screen.cell(y, x).expect("a cell on screen");
                if got.is_wide_continuation() {
                    continue;
                }
                let text = if got.contents().is_empty() {
                    " "
                } else {
                    got.contents()
                };
                let at = format!("frame {frame}, cell ({x}, {y}), want {:?}", want.modifier);
                assert_eq!(text, want.symbol(), "{at}");
                assert_eq!(got.fgcolor(), shown(want.fg), "{at}: foreground");
                assert_eq!(got.bgcolor(), shown(want.bg), "{at}: background");
                let m = want.modifier;
                if m.contains(Modifier::BOLD | Modifier::DIM) {
                    // Like many terminals, vt100 keeps one intensity: the last one set.
                    assert!(got.bold() || got.dim(), "{at}: bold or dim");
                } else {
                    assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{at}: bold");
                    assert_eq!(got.dim(), m.contains(Modifier::DIM), "{at}: dim");
                }
                assert_eq!(got.italic(), m.contains(Modifier::ITALIC), "{at}: italic");
                assert_eq!(
                    got.underline(),
                    m.contains(Modifier::UNDERLINED),
                    "{at}: underline"
                );
                assert_eq!(
                    got.inverse(),
                    m.contains(Modifier::REVERSED),
                    "{at}: reverse"
                );
            }
        }
    }

    /// Draws each frame's difference from the one before through [`encode`] into a terminal
    /// emulator, checking the screen after each; also through the stock crossterm backend, which
    /// must never have needed fewer bytes. Returns both byte counts, frame by frame.
    fn replay(frames: &[Buffer]) -> Vec<(usize, usize)> {
        let area = frames[0].area;
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("a screen is not empty");
        let mut parser = vt100::Parser::new(size(area.height), size(area.width), 0);
        let mut previous = Buffer::empty(area);
        let mut sizes = Vec::new();
        for (i, frame) in frames.iter().enumerate() {
            let diff = previous.diff(frame);
            let changed: Vec<(u16, u16, Cell)> =
                diff.iter().map(|&(x, y, c)| (x, y, c.clone())).collect();
            let mut ours = Vec::new();
            encode(&changed, frame, &mut ours);
            let mut stock = Vec::new();
            Backend::draw(
                &mut CrosstermBackend::new(&mut stock),
                diff.iter().map(|&(x, y, c)| (x, y, c)),
            )
            .expect("drawing into memory");
            let stock = stock.len();
            parser.process(&ours);
            assert_shows(parser.screen(), frame, i);
            assert!(
                ours.len() <= stock,
                "frame {i}: {} bytes, the stock backend {stock}",
                ours.len()
            );
            sizes.push((ours.len(), stock));
            previous = frame.clone();
        }
        sizes
    }

    #[test]
    fn the_explorer_screens_come_out_exactly_and_in_fewer_bytes() {
        let stack = crate::stack::load_demo();
        let what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a date"));
        let text = crate::stack::load::DEMO.to_string();
        let options = Options {
            stack,
            path: None,
            what_if,
            ascii: false,
            mouse: false,
            read_only: false,
        };
        let mut explorer = Explorer::new(options, text, true);
        explorer.resize(120, 40);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
        let mut frames = Vec::new();
        // Moves in the tree, a fold, the hand-off pane, an edit, a what-if, help and back.
        for key in "jjjlkk\tjjaxj?".chars().map(Some).chain([None]) {
            terminal.draw(|f| explorer.draw(f)).expect("drawing");
            frames.push(terminal.backend().buffer().clone());
            if let Some(c) = key {
                let code = if c == '\t' {
                    KeyCode::Tab
                } else {
                    KeyCode::Char(c)
                };
                explorer.key(KeyEvent::new(code, KeyModifiers::NONE));
            }
        }
        let sizes = replay(&frames);
        let (ours, stock): (usize, usize) = sizes
            .iter()
            .skip(1)
            .fold((0, 0), |(a, b), &(o, s)| (a + o, b + s));
        // The changes after the first frame are where the savings show.
        assert!(ours * 4 < stock * 3, "{ours} bytes against {stock}");
    }

    /// Bytes written through a `Lean` backend, kept for reading between frames.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Draws frames through the backend itself (its own copy of the screen, as in the
    /// explorer) and checks the emulated terminal after each.
    fn through_backend(frames: &[Buffer]) {
        let area = frames[0].area;
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("a screen is not empty");
        let mut parser = vt100::Parser::new(size(area.height), size(area.width), 0);
        let written = Shared::default();
        let mut backend = Lean::new(written.clone());
        let mut previous = Buffer::empty(area);
        for (i, frame) in frames.iter().enumerate() {
            Backend::draw(&mut backend, previous.diff(frame).into_iter()).expect("drawing");
            parser.process(&written.0.borrow_mut().split_off(0));
            assert_shows(parser.screen(), frame, i);
            previous = frame.clone();
        }
    }

    #[test]
    fn the_screen_copy_keeps_positions_when_it_grows() {
        let area = Rect::new(0, 0, 12, 2);
        let mut a = Buffer::empty(area);
        a.set_string(0, 0, "abcdefgh", Style::new());
        a.set_string(0, 1, "ijklmnop", Style::new());
        let mut b = a.clone();
        b.set_string(11, 0, "Z", Style::new());
        let mut c = b.clone();
        c.set_string(0, 1, " ".repeat(12), Style::new());
        c.set_string(9, 1, "Y", Style::new());
        let mut d = c.clone();
        d.set_string(7, 0, "Q", Style::new());
        d.set_string(10, 0, "R", Style::new());
        through_backend(&[a, b, c, d]);
    }

    #[test]
    fn cells_under_wide_symbols_are_never_taken_for_blanks() {
        let area = Rect::new(0, 0, 12, 1);
        let mut a = Buffer::empty(area);
        a.set_string(5, 0, "xyz", Style::new());
        let mut b = Buffer::empty(area);
        b.set_string(4, 0, "漢", Style::new());
        let mut c = Buffer::empty(area);
        c.set_string(6, 0, "Q", Style::new());
        through_backend(&[a, b, c]);
        // An emoji whose width terminals disagree on keeps the cell ratatui sends after it.
        let area = Rect::new(0, 0, 8, 1);
        let mut a = Buffer::empty(area);
        a.set_string(0, 0, "abcdefgh", Style::new());
        let mut b = Buffer::empty(area);
        b.set_string(2, 0, "☁\u{fe0f}", Style::new());
        through_backend(&[a, b]);
    }

    #[test]
    fn every_style_change_and_wide_symbols_come_out_exactly() {
        let area = Rect::new(0, 0, 30, 4);
        let mut a = Buffer::empty(area);
        a.set_string(0, 0, "bold red", Style::new().red().bold());
        a.set_string(9, 0, "dim", Style::new().dim().on_blue());
        a.set_string(0, 1, "漢字 wide", Style::new().italic().underlined());
        a.set_string(
            12,
            1,
            "rgb",
            Style::new().fg(Color::Rgb(1, 2, 3)).reversed(),
        );
        a.set_string(
            0,
            2,
            "x",
            Style::new().fg(Color::Indexed(200)).crossed_out(),
        );
        a.set_string(20, 3, "end", Style::new().light_cyan().on_dark_gray());
        let mut b = Buffer::empty(area);
        b.set_string(0, 0, "bold", Style::new().red().bold().dim());
        b.set_string(9, 0, "dim", Style::new().bold().on_blue());
        b.set_string(2, 1, "字漢", Style::new().italic());
        b.set_string(14, 1, "g", Style::new().fg(Color::Rgb(1, 2, 3)));
        b.set_string(25, 3, "tail", Style::new().white().slow_blink());
        let mut c = b.clone();
        c.set_string(0, 0, " ".repeat(30), Style::new());
        c.set_string(0, 3, " ".repeat(30), Style::new());
        replay(&[a, b, c]);
    }
}
