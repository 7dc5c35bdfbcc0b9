//! Any terminal, and a room watching (issue 13): Ctrl-l asks for a repaint in every mode; while
//! the terminal is too small only quitting acts; the status line gives up the file's name
//! before the what-ifs; presenter mode and NO_COLOR draw nothing dim; ASCII means ASCII, stack
//! text included.

use super::*;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

use crate::tui::msg::{from_key, from_key_too_small};

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// What a user would see change: the cursors, the views, the edits and the what-ifs.
fn state(app: &App) -> String {
    let s = app.screen();
    format!(
        "row {} item {} line {} {:?} {:?} {:?} zoom {} filter {} unsaved {} off {:?} min {:?} as of {}",
        s.row,
        s.item,
        s.line,
        s.mode,
        s.focus,
        s.listing,
        s.zoom,
        s.filter,
        s.unsaved,
        s.what_if.without().collect::<Vec<_>>(),
        s.what_if.min_evidence,
        s.what_if.as_of,
    )
}

#[test]
fn ctrl_l_asks_for_a_repaint_in_every_mode_and_changes_nothing() {
    let mut app = demo();
    let modes = [
        vec![],
        vec![Msg::Help],
        vec![Msg::Search],
        vec![Msg::SwitchPane, Msg::Cycle(Field::Assumed), Msg::Quit],
    ];
    for msgs in modes {
        send(&mut app, msgs);
        let before = (state(&app), text_of(&draw(&mut app, 120, 40)));
        let msg = from_key(ctrl('l'), app.mode());
        assert_eq!(msg, Some(Msg::Repaint), "in {:?}", app.mode());
        let out = step(&mut app, Msg::Repaint);
        assert!(out.repaint && !out.quit);
        assert_eq!((state(&app), text_of(&draw(&mut app, 120, 40))), before);
    }
}

#[test]
fn while_the_terminal_is_too_small_only_quitting_acts() {
    let mut app = demo();
    step(&mut app, Msg::Resize(30, 10));
    let before = state(&app);
    let ignored = [
        Msg::Down,
        Msg::PageDown,
        Msg::Expand,
        Msg::Collapse,
        Msg::SwitchPane,
        Msg::Cycle(Field::Agreed),
        Msg::Implements(Side::Provider),
        Msg::SwitchOff,
        Msg::MinEvidence,
        Msg::ShiftAsOf(1),
        Msg::Filter,
        Msg::Controls,
        Msg::BlastRadius,
        Msg::Zoom,
        Msg::Help,
        Msg::Search,
        Msg::Input('x'),
        Msg::Accept,
        Msg::Save,
        Msg::Reload,
        Msg::Click(5, 3),
        Msg::Wheel(false, 5, 3),
    ];
    for msg in ignored {
        let out = send(&mut app, [msg.clone()]);
        assert_eq!(out, Outcome::default(), "{msg:?}");
        assert_eq!(state(&app), before, "{msg:?} acted behind the notice");
    }
    // The keys: only q (whatever it means in the mode), Ctrl-c and Ctrl-l mean anything.
    for (k, want) in [
        (key('j'), None),
        (key('x'), None),
        (key('?'), None),
        (KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), None),
        (key('q'), Some(Msg::Quit)),
        (ctrl('c'), Some(Msg::Interrupt)),
        (ctrl('l'), Some(Msg::Repaint)),
    ] {
        assert_eq!(from_key_too_small(k, app.mode()), want, "{k:?}");
    }
    let typing = Mode::Search {
        query: String::new(),
    };
    assert_eq!(from_key_too_small(key('q'), &typing), Some(Msg::Quit));
    assert_eq!(
        from_key_too_small(key('q'), &Mode::Help { scroll: 0 }),
        Some(Msg::Quit)
    );
    // Enlarged again, the screen is as it was left.
    step(&mut app, Msg::Resize(120, 40));
    assert_eq!(state(&app), before);
    step(&mut app, Msg::Resize(30, 10));
    assert!(step(&mut app, Msg::Quit).quit);
}

#[test]
fn quitting_over_unsaved_edits_while_too_small_asks_over_the_notice() {
    let mut app = demo();
    send(&mut app, [Msg::SwitchPane, Msg::Cycle(Field::Evidence)]);
    step(&mut app, Msg::Resize(36, 11));
    assert!(!step(&mut app, Msg::Quit).quit);
    assert_eq!(*app.mode(), Mode::Ask(Question::Quit));
    let screen = text_of(&draw(&mut app, 36, 11));
    assert!(screen.contains("terminal too small"), "{screen}");
    assert!(screen.contains("Save before"), "{screen}");
    // Its answers act; other keys still do not.
    for (k, want) in [
        (key('y'), Some(Msg::Answer(true))),
        (key('n'), Some(Msg::Answer(false))),
        (
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            Some(Msg::Close),
        ),
        (key('j'), None),
        (key('q'), None),
    ] {
        assert_eq!(from_key_too_small(k, app.mode()), want, "{k:?}");
    }
    step(&mut app, Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
    step(&mut app, Msg::Quit);
    assert!(step(&mut app, Msg::Answer(false)).quit);
}

/// The status line at a width, as text.
fn status_line(app: &mut App, w: u16) -> String {
    let screen = text_of(&draw(app, w, 24));
    let line = screen.lines().nth(22).expect("the status line").to_string();
    line.trim_matches('"').trim_end().to_string()
}

#[test]
fn the_status_line_gives_up_the_file_name_before_any_what_if() {
    let (_dir, path, mut app) = demo_file();
    // Two what-ifs: the first hand-off's provider off, and a minimum evidence.
    send(
        &mut app,
        [Msg::SwitchOff, Msg::MinEvidence, Msg::MinEvidence],
    );
    let what_ifs = {
        let s = app.screen();
        let party = s.stack.party(s.tree.rows()[s.row].party).id.clone();
        let min = s.what_if.min_evidence.expect("a minimum evidence");
        format!("without {party} · min evidence {min} · as of 2026-11-28")
    };
    let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
    let wide = status_line(&mut app, 240);
    assert!(
        wide.ends_with(&format!("{what_ifs} · {}", path.display())),
        "{wide}"
    );
    // The path is cut from the left, so the file's own name stays.
    let cut = status_line(&mut app, 135);
    assert!(cut.ends_with(name) && cut.contains(" · …"), "{cut:?}");
    for w in [135, 120, 100, 90, 80, 75] {
        let line = status_line(&mut app, w);
        assert!(
            line.contains(&what_ifs),
            "{w} columns cut a what-if: {line:?}"
        );
        assert!(line.chars().count() <= usize::from(w), "{line:?}");
    }
    // Where even the what-ifs cannot fit whole, the line still says it was cut.
    let narrow = status_line(&mut app, 44);
    assert!(narrow.starts_with("✗"), "{narrow:?}");
    assert!(narrow.ends_with('…'), "{narrow:?}");
    assert!(narrow.contains(" · without "), "{narrow:?}");
}

/// Every cell's style, for a screen drawn as the event loop draws it.
fn cells(app: &mut App, w: u16, h: u16) -> Vec<ratatui::buffer::Cell> {
    draw(app, w, h).buffer().content().to_vec()
}

#[test]
fn presenter_mode_and_no_color_draw_nothing_dim() {
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let mut app = App::new(
        stack,
        DEMO.into(),
        None,
        what_if,
        false,
        Theme::new(true, false),
    );
    send(&mut app, [Msg::Resize(120, 40), Msg::SwitchPane]);
    let usual = cells(&mut app, 120, 40);
    assert!(
        usual.iter().any(|c| c.modifier.contains(Modifier::DIM)),
        "the usual palette dims secondary text"
    );
    step(&mut app, Msg::Presenter);
    for (i, screen) in [cells(&mut app, 120, 40), {
        step(&mut app, Msg::Help);
        cells(&mut app, 120, 40)
    }]
    .iter()
    .enumerate()
    {
        for cell in screen {
            assert!(!cell.modifier.contains(Modifier::DIM), "{i}: {cell:?}");
            // A colour comes as a pair: foreground and background together.
            assert_eq!(
                cell.fg == Color::Reset,
                cell.bg == Color::Reset,
                "{i}: {cell:?}"
            );
        }
        assert!(
            screen.iter().any(|c| c.bg == Color::Red),
            "{i}: gaps in red"
        );
    }
    // NO_COLOR: no colour, and nothing dim either.
    let mut plain = demo();
    send(&mut plain, [Msg::SwitchPane, Msg::Down]);
    for cell in cells(&mut plain, 120, 40) {
        assert!(!cell.modifier.contains(Modifier::DIM), "{cell:?}");
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
}

#[test]
fn in_ascii_the_stack_text_is_ascii_too() {
    let options = crate::tui::Options {
        stack: load_demo(),
        path: None,
        what_if: WhatIf::new(&load_demo(), as_of()),
        ascii: true,
        mouse: false,
        read_only: false,
    };
    let mut explorer = crate::tui::Explorer::new(options, DEMO.into(), true);
    explorer.resize(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    terminal.draw(|f| explorer.draw(f)).expect("drawing");
    let screen = terminal.backend().to_string();
    assert!(screen.is_ascii(), "{screen}");
    // The demo's name has an em dash.
    assert!(
        screen.contains("Northwind Logistics - Brightpath"),
        "{screen}"
    );
}
