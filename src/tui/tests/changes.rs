//! What changed (`D`): edits and what-ifs listed as `stackgap diff` words them, since loading
//! and since the last save; the delta in the status bar after a change; Enter to the place.

use super::*;
use crate::report::{Context, diff};
use crate::stack::Evidence;
use crate::tui::derived::changes::Line;

/// The lines of one section of the changes view (by its position among the headings).
fn section(app: &App, n: usize) -> Vec<String> {
    let mut at = 0;
    let mut out = Vec::new();
    for l in app.screen().changes {
        match l {
            Line::Heading(_) => at += 1,
            Line::Change(c) if at == n + 1 => out.push(c.text.clone()),
            Line::Change(_) => {}
        }
    }
    out
}

fn headings(app: &App) -> Vec<String> {
    app.screen()
        .changes
        .iter()
        .filter_map(|l| match l {
            Line::Heading(h) => Some(h.clone()),
            Line::Change(_) => None,
        })
        .collect()
}

/// What `stackgap diff` prints between the demo as loaded and the explorer's stack now, its
/// summary line apart.
fn diff_lines(app: &App) -> (Vec<String>, String) {
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let report = analyse(&stack, &what_if);
    let old = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
        fix_first: None,
    };
    let s = app.screen();
    let new = Context {
        stack: s.stack,
        report: s.report,
        what_if: s.what_if,
        blast: None,
        fix_first: None,
    };
    let text = diff::text(&diff::diff(&old, &new));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let summary = lines.pop().expect("a summary line");
    (lines, summary)
}

fn select_party(app: &mut App, id: &str) {
    if app.screen().focus == Pane::Details {
        step(app, Msg::SwitchPane);
    }
    let at = app
        .screen()
        .tree
        .rows()
        .iter()
        .position(|r| app.screen().stack.party(r.party).id == id)
        .unwrap_or_else(|| panic!("no row for {id}"));
    step(app, Msg::Top);
    for _ in 0..at {
        step(app, Msg::Down);
    }
}

#[test]
fn an_edit_then_d_lists_the_added_finding_as_diff_words_it() {
    let mut app = demo();
    send(&mut app, [Msg::Changes]);
    assert_eq!(app.screen().listing, Listing::Changes);
    assert!(section(&app, 0).is_empty(), "nothing changed yet");
    send(&mut app, [Msg::Changes]);
    assert_eq!(app.screen().listing, Listing::Tree, "D again: the tree");
    select_control(&mut app, "BACKUP");
    // agreed consumer → shared: brightpath must now deliver backups too.
    step(&mut app, Msg::Cycle(Field::Agreed));
    step(&mut app, Msg::Changes);
    let (want, summary) = diff_lines(&app);
    assert!(!want.is_empty());
    assert_eq!(section(&app, 0), want);
    assert!(want.iter().any(|l| l.starts_with("+ added ")), "{want:?}");
    assert_eq!(
        headings(&app),
        [format!("Since loading (not saved since): {summary}")]
    );
    // The first change is selected, and the pane shows its place.
    assert!(matches!(
        app.screen().changes[app.screen().line],
        Line::Change(_)
    ));
    assert!(app.screen().inspect.facts[1].contains("Enter shows it in the tree"));
    assert_eq!(app.screen().inspect.facts[0], section(&app, 0)[0]);
    step(&mut app, Msg::Undo);
    assert!(section(&app, 0).is_empty(), "undone: nothing changed");
}

#[test]
fn every_what_if_is_listed_exactly_as_stackgap_diff_lists_it() {
    let stack = load_demo();
    for p in 0..stack.parties.len() as u32 {
        let mut app = demo();
        let id = stack.party(p).id.clone();
        select_party(&mut app, &id);
        step(&mut app, Msg::SwitchOff);
        step(&mut app, Msg::MinEvidence);
        step(&mut app, Msg::ShiftAsOf(13));
        step(&mut app, Msg::Changes);
        assert_eq!(section(&app, 0), diff_lines(&app).0, "without {id}");
    }
}

#[test]
fn x_shows_the_delta_since_loading_in_the_status_bar() {
    let mut app = demo();
    select_party(&mut app, "stratoline");
    step(&mut app, Msg::SwitchOff);
    let delta = app.screen().delta;
    assert!(delta[0][0] > 0, "switching stratoline off adds gaps");
    let status = text_of(&draw(&mut app, 120, 40));
    let added: usize = section_after_d(&mut app)
        .iter()
        .filter(|l| l.starts_with("+ added"))
        .count();
    assert!(added > 0);
    assert!(
        status.contains(&format!("+{} gap", delta[0][0])) && status.contains("since loading (D)"),
        "{status}"
    );
    // The totals' change and the message say the same numbers.
    assert!(status.contains(&format!("(+{} ", delta[0][0])), "{status}");
    step(&mut app, Msg::SwitchOff);
    let status = text_of(&draw(&mut app, 120, 40));
    assert!(
        status.contains("no finding added, removed or changed since loading (D)"),
        "{status}"
    );
}

fn section_after_d(app: &mut App) -> Vec<String> {
    step(app, Msg::Changes);
    let out = section(app, 0);
    step(app, Msg::Changes);
    out
}

#[test]
fn m_and_the_date_are_listed_too() {
    let mut app = demo();
    // none, self-attested, ..., verified: the strictest first changes the most.
    for _ in 0..Evidence::ALL.len() {
        step(&mut app, Msg::MinEvidence);
    }
    let status = text_of(&draw(&mut app, 120, 40));
    assert!(status.contains("since loading (D)"), "{status}");
    step(&mut app, Msg::Changes);
    assert_eq!(section(&app, 0), diff_lines(&app).0);
    assert!(
        !section(&app, 0).is_empty(),
        "a higher minimum changes findings"
    );
}

#[test]
fn save_starts_the_since_save_section_and_reload_resets_since_load() {
    let (_dir, path, mut app) = demo_file();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Agreed));
    send(&mut app, [Msg::Save]);
    assert_eq!(app.screen().unsaved, 0, "saved to {}", path.display());
    step(&mut app, Msg::Changes);
    let h = headings(&app);
    assert_eq!(h.len(), 2, "{h:?}");
    assert!(
        h[0].starts_with("Since the last save: 0 added, 0 removed"),
        "{h:?}"
    );
    assert!(h[1].starts_with("Since loading:"), "{h:?}");
    assert!(section(&app, 0).is_empty());
    let since_load = section(&app, 1);
    assert!(
        !since_load.is_empty(),
        "the saved edit counts since loading"
    );
    // Another change counts in both sections.
    step(&mut app, Msg::Changes);
    select_party(&mut app, "stratoline");
    step(&mut app, Msg::SwitchOff);
    step(&mut app, Msg::Changes);
    assert!(!section(&app, 0).is_empty());
    assert!(section(&app, 1).len() > since_load.len());
    // Reloading from disk makes the file as read the baseline again.
    step(&mut app, Msg::SwitchOff);
    send(&mut app, [Msg::Reload]);
    if matches!(app.screen().mode, Mode::Ask(_)) {
        send(&mut app, [Msg::Answer(true)]);
    }
    assert_eq!(headings(&app).len(), 1);
    assert!(
        section(&app, 0).is_empty(),
        "reloaded: nothing changed since"
    );
}

#[test]
fn enter_on_a_change_goes_to_its_place_and_control() {
    let mut app = demo();
    select_party(&mut app, "stratoline");
    step(&mut app, Msg::SwitchOff);
    step(&mut app, Msg::Changes);
    let Line::Change(c) = app.screen().changes[app.screen().line].clone() else {
        panic!("a change is selected");
    };
    step(&mut app, Msg::Toggle);
    let s = app.screen();
    assert_eq!(s.listing, Listing::Tree);
    assert_eq!(s.focus, Pane::Details);
    let row = &s.tree.rows()[s.row];
    match c.place {
        Place::Handoff { handoff, .. } => assert_eq!(row.handoff, Some(handoff)),
        Place::Party(p) => assert_eq!(row.party, p),
    }
    assert_eq!(s.inspect.items[s.item].control, c.control);
    // A heading is not a place.
    step(&mut app, Msg::Changes);
    step(&mut app, Msg::Top);
    step(&mut app, Msg::Toggle);
    assert_eq!(app.screen().listing, Listing::Changes);
}

#[test]
fn the_blast_pane_lists_the_places_its_count_counts_and_enter_goes_to_each() {
    let mut app = demo();
    send(&mut app, [Msg::BlastRadius]);
    let ranking = app.screen().blast.to_vec();
    assert!(ranking[0].gaps_added > 0);
    for (line, b) in ranking.iter().enumerate() {
        if line > 0 {
            send(&mut app, [Msg::Down]);
        }
        let s = app.screen();
        assert_eq!(s.line, line);
        assert_eq!(
            s.inspect.items.len(),
            b.gaps_added,
            "the list and the count agree for {}",
            s.stack.party(b.party).id
        );
    }
    // The first party's places, each reached with Enter from the pane.
    send(&mut app, [Msg::Top]);
    let items = app.screen().inspect.items.clone();
    for (i, want) in items.iter().enumerate() {
        send(&mut app, [Msg::SwitchPane]);
        for _ in 0..i {
            send(&mut app, [Msg::Down]);
        }
        send(&mut app, [Msg::Toggle]);
        let s = app.screen();
        assert_eq!(s.listing, Listing::Tree);
        assert_eq!(s.focus, Pane::Details);
        let got = &s.inspect.items[s.item];
        assert_eq!((got.target, got.control), (want.target, want.control));
        let row = &s.tree.rows()[s.row];
        match want.target {
            crate::tui::inspect::Target::Entry { handoff, .. } => {
                assert_eq!(row.handoff, Some(handoff));
            }
            crate::tui::inspect::Target::Requirement { party } => assert_eq!(row.party, party),
        }
        send(&mut app, [Msg::BlastRadius]);
    }
}

#[test]
fn presenter_mode_lists_changes_without_naming_parties() {
    let mut app = demo();
    select_party(&mut app, "brightpath");
    step(&mut app, Msg::SwitchOff);
    step(&mut app, Msg::Presenter);
    step(&mut app, Msg::Changes);
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(screen.contains("not-delivered (gap)"), "{screen}");
    for id in ["brightpath", "northwind", "stratoline"] {
        assert!(
            !screen.contains(id),
            "{id} named in presenter mode:\n{screen}"
        );
    }
}
