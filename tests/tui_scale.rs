//! The explorer never blocks on the shape of a stack: drawn as a tree, a graph can have
//! exponentially many root-to-leaf paths, or one path tens of thousands deep. Expansion is lazy
//! and bounded, and only visible rows are drawn, so every key below returns.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use stackgap::analysis::WhatIf;
use stackgap::date::Date;
use stackgap::tui::{Explorer, Options};

fn open(text: &str) -> Explorer {
    let stack = stackgap::stack::load_str(text, "generated.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::parse("2026-11-28").expect("a date"));
    let options = Options {
        stack,
        path: None,
        what_if,
        ascii: false,
        mouse: false,
        read_only: false,
    };
    let mut explorer = Explorer::new(options, text.to_string(), false);
    explorer.resize(120, 40);
    explorer
}

fn press(explorer: &mut Explorer, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        explorer.key(KeyEvent::new(code, KeyModifiers::NONE));
    }
}

fn screen(explorer: &mut Explorer) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    terminal
        .draw(|f| explorer.draw(f))
        .expect("drawing into a test backend");
    terminal.backend().to_string()
}

/// The row count in the tree pane's title (`· N rows`, `· 1 row`).
fn rows(screen: &str) -> usize {
    let first = screen.lines().next().unwrap_or_default();
    let before = &first[..first.find(" row").expect("a row count in the title")];
    before
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no row count in {first:?}"))
}

fn header(parties: usize) -> String {
    let mut text = String::from(
        "[stack]\nname = \"generated\"\ncatalog = \"none\"\n[[control]]\nid = \"C\"\nname = \"c\"\n",
    );
    for i in 0..parties {
        text.push_str(&format!("[[party]]\nid = \"p{i}\"\n"));
    }
    text
}

#[test]
fn a_ladder_with_a_trillion_paths_expands_to_the_bound_and_says_so() {
    // Level k has two parties, each consuming both parties of level k + 1: 2^40 paths.
    let levels = 40;
    let mut text = header(1 + 2 * levels);
    let party = |level: usize, side: usize| 1 + 2 * level + side;
    for side in 0..2 {
        text.push_str(&format!(
            "[[handoff]]\nconsumer = \"p0\"\nprovider = \"p{}\"\ncontrols = {{ C = \"provider\" }}\n",
            party(0, side)
        ));
    }
    for level in 0..levels - 1 {
        for a in 0..2 {
            for b in 0..2 {
                text.push_str(&format!(
                    "[[handoff]]\nconsumer = \"p{}\"\nprovider = \"p{}\"\ncontrols = {{ C = \"provider\" }}\n",
                    party(level, a),
                    party(level + 1, b)
                ));
            }
        }
    }
    let mut explorer = open(&text);
    press(&mut explorer, "=");
    let shown = screen(&mut explorer);
    assert!(rows(&shown) <= 10_000, "{shown}");
    assert!(shown.contains("stopped at 10,000 rows"), "{shown}");
    // Filtering, searching, a what-if and going to the bottom all stay bounded.
    // (Revealing a search match adds its path's rows on top of the bound.)
    press(&mut explorer, "Gf/p79\nxu");
    let shown = screen(&mut explorer);
    assert!(rows(&shown) <= 10_000 + 2 * 2 * levels, "{shown}");
}

#[test]
fn a_chain_twelve_thousand_deep_expands_without_blowing_up() {
    let n = 12_000;
    let mut text = header(n);
    text.push_str("[[party]]\nid = \"last\"\nimplements = [\"C\"]\n");
    for i in 0..n {
        let provider = if i + 1 < n {
            format!("p{}", i + 1)
        } else {
            "last".into()
        };
        text.push_str(&format!(
            "[[handoff]]\nconsumer = \"p{i}\"\nprovider = \"{provider}\"\ncontrols = {{ C = \"provider\" }}\n"
        ));
    }
    let mut explorer = open(&text);
    press(&mut explorer, "=G");
    let shown = screen(&mut explorer);
    assert_eq!(rows(&shown), 10_000, "{shown}");
    // The deepest row still shows its party, however deep it is indented.
    assert!(shown.contains("p9999"), "{shown}");
    press(&mut explorer, "-");
    assert_eq!(rows(&screen(&mut explorer)), 1);
}

#[test]
fn the_tour_of_ten_thousand_gaps_steps_and_follows_an_edit() {
    // One customer, 10,000 providers, nobody owning C at any hand-off: 10,000 unassigned gaps,
    // and a no-mans-land at the last one, which the tour must show first.
    let n = 10_000;
    let mut text = header(n + 1);
    for i in 1..=n {
        let entry = if i == n {
            "{ agreed = \"provider\", assumed = \"consumer\" }"
        } else {
            "{}"
        };
        text.push_str(&format!(
            "[[handoff]]\nconsumer = \"p0\"\nprovider = \"p{i}\"\ncontrols = {{ C = {entry} }}\n"
        ));
    }
    let mut explorer = open(&text);
    press(&mut explorer, "t");
    let shown = screen(&mut explorer);
    assert!(shown.contains(&format!("Tour 1/{n}")), "{shown}");
    assert!(shown.contains("no-mans-land C at p0 → p10000"), "{shown}");
    press(&mut explorer, "tt");
    let shown = screen(&mut explorer);
    assert!(shown.contains(&format!("Tour 3/{n}")), "{shown}");
    assert!(
        shown.contains("unassigned C at p0 → p2 "),
        "tree order: {shown}"
    );
    // Leave, have the selected hand-off's provider own and implement C, tour again: one stop
    // fewer.
    explorer.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    press(&mut explorer, "oi");
    press(&mut explorer, "t");
    let shown = screen(&mut explorer);
    assert!(shown.contains(&format!("Tour 1/{}", n - 1)), "{shown}");
}
