//! The lean backend checked against a terminal emulator (vt100): every frame it writes must
//! show exactly the buffer ratatui drew, in fewer bytes than the stock backend, and within the
//! budget a move in the tree may cost over a slow link.

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
            assert_eq!(got.bgcolor(), shown(want.bg), "{at}: background");
            let m = want.modifier;
            if want.symbol() == " "
                && Pen::of(want).on_blank()
                    == (Pen {
                        bg: want.bg,
                        ..Pen::PLAIN
                    })
            {
                // On a blank only the background shows, and no line may be drawn.
                assert!(
                    !got.inverse() && !got.underline(),
                    "{at}: a blank with a line or in reverse"
                );
                continue;
            }
            assert_eq!(got.fgcolor(), shown(want.fg), "{at}: foreground");
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

/// Draws each frame's difference from the one before through a `Lean` backend (its own
/// copy of the screen, as in the explorer) into a terminal emulator, checking the screen
/// after each; also through the stock crossterm backend, which must never have needed fewer
/// bytes. Returns both byte counts, frame by frame.
fn replay(frames: &[Buffer]) -> Vec<(usize, usize)> {
    let area = frames[0].area;
    let size = |n: u16| std::num::NonZeroU16::new(n).expect("a screen is not empty");
    let mut parser = vt100::Parser::new(size(area.height), size(area.width), 0);
    let written = Shared::default();
    let mut backend = Lean::new(written.clone());
    let mut previous = Buffer::empty(area);
    let mut sizes = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let diff = previous.diff(frame);
        Backend::draw(&mut backend, diff.iter().copied()).expect("drawing");
        let ours = written.0.borrow_mut().split_off(0);
        let mut stock = Vec::new();
        Backend::draw(&mut CrosstermBackend::new(&mut stock), diff.into_iter())
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

/// The screens an explorer on the stack shows at 120×40 before each key and after the last.
fn screens(text: &str, keys: &str) -> Vec<Buffer> {
    let stack = crate::stack::load_str(text, "stack.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a date"));
    let options = Options {
        stack,
        path: None,
        what_if,
        ascii: false,
        mouse: false,
        read_only: false,
    };
    let mut explorer = Explorer::new(options, text.to_string(), true);
    explorer.resize(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    let mut frames = Vec::new();
    for key in keys.chars().map(Some).chain([None]) {
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
    frames
}

#[test]
fn the_explorer_screens_come_out_exactly_and_in_fewer_bytes() {
    // Moves in the tree, a fold, the hand-off pane, an edit, a what-if, help and back.
    let frames = screens(crate::stack::load::DEMO, "jjjlkk\tjjaxj?");
    let sizes = replay(&frames);
    let (ours, stock): (usize, usize) = sizes
        .iter()
        .skip(1)
        .fold((0, 0), |(a, b), &(o, s)| (a + o, b + s));
    // The changes after the first frame are where the savings show.
    assert!(ours * 4 < stock * 3, "{ours} bytes against {stock}");
}

/// Over SSH, moving one row in the tree at 120×40 costs at most 1.5 KB (docs/performance.md),
/// on every sample stack, down through the fully expanded tree and back up.
#[test]
fn a_move_in_the_tree_writes_at_most_one_and_a_half_kilobytes() {
    for (name, text) in [
        ("demo", crate::stack::load::DEMO),
        (
            "fintech",
            include_str!("../../../sample-stacks/fintech-payments.toml"),
        ),
        (
            "healthcare",
            include_str!("../../../sample-stacks/healthcare-records.toml"),
        ),
        (
            "public sector",
            include_str!("../../../sample-stacks/public-sector-portal.toml"),
        ),
    ] {
        let rows = 24;
        let keys = format!("={}{}", "j".repeat(rows), "k".repeat(rows));
        let frames = screens(text, &keys);
        let sizes = replay(&frames);
        // The frames after the first two (the start and "expand all") are one move each.
        let moves: Vec<usize> = sizes.iter().skip(2).map(|&(o, _)| o).collect();
        let worst = moves.iter().max().copied().unwrap_or(0);
        assert!(
            worst <= 1500,
            "{name}: a move wrote {worst} bytes: {moves:?}"
        );
    }
}

/// A stack whose tree is taller than the screen: 60 customers, each with hand-offs to two of
/// six providers listing up to 16 controls in assorted states.
fn tall_stack() -> String {
    let ids = [
        "IAM-MFA",
        "IAM-JML",
        "IAM-PRIV",
        "IAM-REVIEW",
        "IAM-SSO",
        "IAM-SECRETS",
        "ENC-REST",
        "ENC-TRANSIT",
        "KEY-MGMT",
        "KEY-BYOK",
        "KEY-ROTATE",
        "LOG-AUDIT",
        "LOG-RETAIN",
        "LOG-MONITOR",
        "LOG-ACCESS",
        "LOG-TIME",
    ];
    let owners = ["provider", "consumer", "shared"];
    let evidence = ["none", "contract", "attested", "verified"];
    let mut text = String::from(
        "[stack]\nname = \"Tall\"\n\n[[layer]]\nid = \"customer\"\n\n[[layer]]\nid = \"saas\"\n",
    );
    for p in 0..6 {
        let implements: Vec<String> = (0..ids.len())
            .filter(|k| (k + p) % 3 != 0)
            .map(|k| format!("{:?}", ids[k]))
            .collect();
        text += &format!(
            "\n[[party]]\nid = \"provider-{p}\"\nlayer = \"saas\"\nimplements = [{}]\n",
            implements.join(", ")
        );
    }
    for c in 0..60usize {
        let requires: Vec<String> = (0..ids.len())
            .filter(|k| (k * 7 + c) % 4 == 0)
            .map(|k| format!("{:?}", ids[k]))
            .collect();
        text += &format!(
            "\n[[party]]\nid = \"customer-{c:02}\"\nlayer = \"customer\"\nrequires = [{}]\n",
            requires.join(", ")
        );
        for h in 0..2 {
            let provider = (c + h * 3) % 6;
            text += &format!(
                "\n[[handoff]]\nconsumer = \"customer-{c:02}\"\nprovider = \"provider-{provider}\"\n\n[handoff.controls]\n"
            );
            for (k, id) in ids.iter().enumerate().filter(|(k, _)| (k + c + h) % 5 != 0) {
                let n = k * 5 + c * 3 + h;
                text += &format!(
                    "{id} = {{ agreed = {:?}, assumed = {:?}, evidence = {:?} }}\n",
                    owners[n % 3],
                    owners[(n / 3) % 3],
                    evidence[(n / 2) % 4]
                );
            }
        }
    }
    text
}

/// Where the tree is taller than the screen, moves scroll it under the cursor: the terminal
/// moves the rows (a scroll region) when that costs less than rewriting them.
#[test]
fn a_tree_scrolling_under_the_cursor_is_moved_by_the_terminal() {
    let keys = format!("{}{}", "jlj".repeat(30), "k".repeat(30));
    let frames = screens(&tall_stack(), &keys);
    let sizes = replay(&frames);
    let (ours, stock): (usize, usize) = sizes
        .iter()
        .skip(1)
        .fold((0, 0), |(a, b), &(o, s)| (a + o, b + s));
    assert!(ours * 2 < stock, "{ours} bytes against {stock}");
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
    replay(&[a, b, c, d]);
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
    replay(&[a, b, c]);
    // An emoji whose width terminals disagree on keeps the cell ratatui sends after it.
    let area = Rect::new(0, 0, 8, 1);
    let mut a = Buffer::empty(area);
    a.set_string(0, 0, "abcdefgh", Style::new());
    let mut b = Buffer::empty(area);
    b.set_string(2, 0, "☁\u{fe0f}", Style::new());
    replay(&[a, b]);
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

/// A style from a small set that still has every case a blank can differ in: colours that
/// do not show on a blank, a background that does, and the attributes that draw on blanks.
fn style_of(n: u8) -> Style {
    match n % 9 {
        0 => Style::new(),
        1 => Style::new().green(),
        2 => Style::new().red().bold(),
        3 => Style::new().dim(),
        4 => Style::new().on_blue(),
        5 => Style::new().green().on_blue(),
        6 => Style::new().reversed(),
        7 => Style::new().underlined(),
        _ => Style::new().cyan().crossed_out(),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Any run of frames made of blanks, words and wide symbols in any of those styles
    /// comes out exactly, never in more bytes than the stock backend. Each frame redraws
    /// some rows from the one before, as widgets do: blanks, then spans from left to right.
    #[test]
    fn random_frames_come_out_exactly(
        frames in proptest::collection::vec(
            (
                proptest::option::of((0u16..8, 2u16..8, proptest::bool::ANY)),
                proptest::collection::vec(
                    (0u16..8, 0u16..4, proptest::collection::vec((0u8..6, 0u8..9), 0..5)),
                    0..4,
                ),
            ),
            1..6,
        )
    ) {
        let area = Rect::new(0, 0, 14, 8);
        let mut buffer = Buffer::empty(area);
        let mut drawn = Vec::new();
        for (shift, rows) in frames {
            // Some frames move a run of rows by one, as a list scrolling under its cursor.
            if let Some((top, n, up)) = shift {
                let bottom = (top + n).min(7);
                let copy = buffer.clone();
                for y in top..bottom {
                    let (to, from) = if up { (y, y + 1) } else { (y + 1, y) };
                    for x in 0..14 {
                        buffer[(x, to)] = copy[(x, from)].clone();
                    }
                }
            }
            for (y, indent, spans) in rows {
                buffer.set_string(0, y, " ".repeat(14), Style::new());
                let mut x = indent;
                for (text, style) in spans {
                    let text = ["   ", "ab", "✓ x", "漢", "  c ", "字 "][usize::from(text)];
                    x = buffer.set_stringn(x, y, text, usize::from(14 - x), style_of(style)).0;
                    if x >= 14 {
                        break;
                    }
                }
            }
            drawn.push(buffer.clone());
        }
        replay(&drawn);
    }
}
