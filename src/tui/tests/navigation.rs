//! Moving around: the first screen, rows folding and unfolding, search, the filter, the
//! mouse, and the control, blast radius and fix-first views leading back to the tree.

use super::*;

#[test]
fn starts_on_the_first_handoff_with_the_demo_totals() {
    let app = demo();
    assert_eq!(app.screen().report.counts().gaps, 10);
    assert_eq!(app.screen().report.counts().warnings, 4);
    let row = app.screen().row;
    let r = &app.screen().tree.rows()[row];
    assert!(r.handoff.is_some());
    assert!(
        app.screen()
            .inspect
            .title
            .starts_with("northwind → brightpath")
    );
    assert_consistent(&app);
}

#[test]
fn search_reveals_the_match_and_esc_goes_back() {
    let mut app = demo();
    send(&mut app, [Msg::CollapseAll]);
    assert_eq!(app.screen().tree.rows().len(), 1);
    step(&mut app, Msg::Search);
    send(&mut app, typed("keystone"));
    let row = &app.screen().tree.rows()[app.screen().row];
    assert_eq!(app.screen().stack.party(row.party).id, "keystoneid");
    let (first, n) = app.screen().search;
    assert!(n >= 2, "the party and its hand-offs match");
    step(&mut app, Msg::NextMatch);
    assert_eq!(app.screen().search.0, (first + 1) % n);
    step(&mut app, Msg::Close);
    assert_eq!(
        app.screen().row,
        0,
        "Esc returns to where the search started"
    );
    step(&mut app, Msg::Search);
    send(&mut app, typed("KEY-BYOK"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(app.screen().inspect.items[app.screen().item].id, "KEY-BYOK");
}

#[test]
fn the_filter_keeps_rows_with_findings_and_their_ancestors() {
    let mut app = demo();
    let all = app.screen().tree.rows().len();
    step(&mut app, Msg::Filter);
    let rows = app.screen().tree.rows();
    assert!(rows.len() < all);
    for (i, r) in rows.iter().enumerate() {
        let own = app.screen().tally.of_row(r) != [0, 0];
        let has_child_shown = rows
            .get(i + 1)
            .is_some_and(|next| next.parent == Some(i as u32));
        assert!(
            own || has_child_shown,
            "row {i} has no finding and nothing below it"
        );
    }
    step(&mut app, Msg::Filter);
    assert_eq!(app.screen().tree.rows().len(), all);
}

#[test]
fn rows_expand_collapse_and_navigate() {
    let mut app = demo();
    let all = app.screen().tree.rows().len();
    send(&mut app, [Msg::Top, Msg::Collapse]);
    assert_eq!(app.screen().tree.rows().len(), 1);
    step(&mut app, Msg::Expand);
    assert!(app.screen().tree.rows().len() > 1);
    step(&mut app, Msg::Expand);
    assert_eq!(
        app.screen().row,
        1,
        "expand on an expanded row moves to its first child"
    );
    step(&mut app, Msg::Collapse);
    step(&mut app, Msg::Collapse);
    assert_eq!(
        app.screen().row,
        0,
        "collapse on a collapsed row moves to its parent"
    );
    send(&mut app, [Msg::ExpandAll, Msg::Bottom]);
    assert_eq!(app.screen().tree.rows().len(), all);
    assert_eq!(app.screen().row, all - 1);
    send(&mut app, [Msg::PageUp, Msg::Toggle]);
    step(&mut app, Msg::CollapseAll);
    assert_eq!(app.screen().tree.rows().len(), 1);
}

#[test]
fn the_mouse_selects_rows_and_controls_and_the_wheel_scrolls() {
    let mut app = demo();
    // Row 3 of the tree is drawn on screen row 4 (below the border), in the left pane.
    step(&mut app, Msg::Click(5, 4));
    assert_eq!(app.screen().row, 3);
    assert_eq!(app.screen().focus, Pane::Tree);
    let rows = app.screen().tree.rows().len();
    step(&mut app, Msg::Click(5, 4));
    assert!(
        app.screen().tree.rows().len() < rows,
        "a click on the selected row folds it"
    );
    // A requirement's line in the pane, as the tree's preview draws it: the click selects that
    // requirement, with the whole list and its explanations now shown.
    step(&mut app, Msg::Click(5, 1));
    let screen = text_of(&draw(&mut app, 120, 40));
    let y = screen
        .lines()
        .position(|l| l.contains("KEY-BYOK"))
        .expect("a requirement line") as u16;
    step(&mut app, Msg::Click(70, y));
    assert_eq!(app.screen().focus, Pane::Details);
    assert_eq!(app.screen().inspect.items[app.screen().item].id, "KEY-BYOK");
    let clicked = app.screen().item;
    step(&mut app, Msg::Wheel(true, 70, y));
    assert!(app.screen().item < clicked, "the wheel scrolls up the list");
    step(&mut app, Msg::Wheel(false, 70, y));
    assert_eq!(app.screen().item, clicked);
}

#[test]
fn an_empty_stack_opens_and_every_key_is_harmless() {
    let text = "[stack]\nname = \"empty\"\n".to_string();
    let stack = crate::stack::load_str(&text, "empty.toml", None).expect("an empty stack loads");
    let mut app = app_on(stack, text, None);
    send(
        &mut app,
        [
            Msg::Down,
            Msg::Expand,
            Msg::Collapse,
            Msg::Toggle,
            Msg::ExpandAll,
            Msg::Filter,
            Msg::SwitchOff,
            Msg::SwitchPane,
            Msg::Cycle(Field::Agreed),
            Msg::Implements(Side::Provider),
            Msg::Bottom,
            Msg::Click(3, 3),
            Msg::Wheel(false, 3, 3),
        ],
    );
    step(&mut app, Msg::Search);
    send(&mut app, typed("x"));
    send(&mut app, [Msg::Submit]);
    let screen = text_of(&draw(&mut app, 80, 24));
    assert!(screen.contains("0 gaps"), "{screen}");
}

#[test]
fn the_control_view_lists_controls_with_findings_first_and_enter_goes_to_the_place() {
    let (_dir, _path, mut app) = healthcare_file();
    step(&mut app, Msg::Controls);
    assert_eq!(app.screen().listing, Listing::Controls);
    let lines = app.screen().controls.to_vec();
    let with = lines.iter().take_while(|l| l.counts != [0, 0]).count();
    assert!(with > 0);
    assert!(lines[with..].iter().all(|l| l.counts == [0, 0]));
    for l in &lines {
        let fs = &app.screen().report.by_control[l.control as usize];
        assert_eq!((l.counts[0] + l.counts[1]) as usize, fs.len());
    }
    // Breach notification's question, for BCP-DR: every place it breaks, with the chain.
    let bcp = app
        .screen()
        .stack
        .control_id("BCP-DR")
        .expect("in the catalog");
    let at = lines.iter().position(|l| l.control == bcp).expect("listed");
    for _ in 0..at {
        step(&mut app, Msg::Down);
    }
    let places: Vec<_> = app.screen().report.by_control[bcp as usize]
        .iter()
        .filter_map(|f| f.handoff())
        .collect();
    let items = app.screen().inspect.items.clone();
    assert_eq!(items.len(), places.len());
    assert!(
        items
            .iter()
            .all(|i| i.control == bcp && i.severity.is_some())
    );
    assert!(
        items
            .iter()
            .any(|i| i.why.iter().any(|w| w.contains("root cause")))
    );
    assert!(items[0].id.contains(" → "), "{:?}", items[0]);

    step(&mut app, Msg::Toggle);
    assert_eq!(app.screen().focus, Pane::Details);
    step(&mut app, Msg::Down);
    let want = items[1].target;
    step(&mut app, Msg::Toggle);
    assert_eq!(app.screen().listing, Listing::Tree);
    let row = &app.screen().tree.rows()[app.screen().row];
    let crate::tui::inspect::Target::Entry { handoff, .. } = want else {
        panic!("a hand-off place")
    };
    assert_eq!(row.handoff, Some(handoff));
    assert_eq!(app.screen().inspect.items[app.screen().item].control, bcp);

    // c twice, and Esc, go back to the tree.
    send(&mut app, [Msg::Controls, Msg::Controls]);
    assert_eq!(app.screen().listing, Listing::Tree);
    send(&mut app, [Msg::Controls, Msg::Close]);
    assert_eq!(app.screen().listing, Listing::Tree);
}

#[test]
fn the_blast_radius_view_ranks_parties_and_enter_goes_to_the_party() {
    let (_dir, _path, mut app) = healthcare_file();
    step(&mut app, Msg::BlastRadius);
    assert!(app.busy(), "computed after a frame that says so");
    assert!(text_of(&draw(&mut app, 120, 40)).contains("computing"));
    step(&mut app, Msg::Compute);
    assert!(!app.busy());
    let want = crate::analysis::blast_radius(app.screen().stack, app.screen().what_if);
    assert_eq!(app.screen().blast, want.as_slice());
    assert!(
        app.screen()
            .blast
            .windows(2)
            .all(|w| w[0].gaps_added >= w[1].gaps_added)
    );
    assert!(app.screen().inspect.facts[0].contains("more places would be gaps"));
    step(&mut app, Msg::Down);
    let party = app.screen().blast[1].party;
    step(&mut app, Msg::Toggle);
    assert_eq!(app.screen().listing, Listing::Tree);
    assert_eq!(app.screen().tree.rows()[app.screen().row].party, party);

    // It follows what-ifs, recomputed after a "computing" frame, keeping the selection.
    send(&mut app, [Msg::BlastRadius, Msg::Down]);
    let selected = app.screen().blast[1].party;
    step(&mut app, Msg::ShiftAsOf(-3));
    assert!(app.busy());
    step(&mut app, Msg::Compute);
    let want = crate::analysis::blast_radius(app.screen().stack, app.screen().what_if);
    assert_eq!(app.screen().blast, want.as_slice());
    assert_eq!(app.screen().blast[app.screen().line].party, selected);
    send(&mut app, [Msg::BlastRadius]);
    assert_eq!(app.screen().listing, Listing::Tree);
}

/// A person who stops waiting for the fix-first list (the event loop sets the flag from its
/// thread on Esc, `F`, `q` or Ctrl-C) gets the tree back and a word, not an empty list that
/// would read as "nothing closes a gap"; F then starts it again.
#[test]
fn a_fix_first_list_stopped_midway_returns_to_the_tree_and_says_so() {
    let (_dir, _path, mut app) = healthcare_file();
    assert!(app.stop_flag().is_none(), "nothing to stop");
    step(&mut app, Msg::FixFirst);
    let stop = app.stop_flag().expect("the list can be stopped");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    step(&mut app, Msg::Compute);
    assert!(!app.busy());
    assert_eq!(app.screen().listing, Listing::Tree);
    assert!(
        matches!(app.screen().notice, Some(Notice::Info(n)) if n.contains("fix first stopped")),
        "{:?}",
        app.screen().notice
    );

    // The loop clears the flag before it computes again.
    step(&mut app, Msg::FixFirst);
    app.stop_flag()
        .expect("the list can be stopped")
        .store(false, std::sync::atomic::Ordering::Relaxed);
    step(&mut app, Msg::Compute);
    assert_eq!(app.screen().listing, Listing::FixFirst);
    assert!(!app.screen().fix.is_empty());
}

#[test]
fn the_fix_first_view_ranks_changes_and_enter_goes_to_the_party_and_its_control() {
    let (_dir, _path, mut app) = healthcare_file();
    step(&mut app, Msg::FixFirst);
    assert!(app.busy(), "computed after a frame that says so");
    assert!(text_of(&draw(&mut app, 120, 40)).contains("computing"));
    step(&mut app, Msg::Compute);
    assert!(!app.busy());
    let s = app.screen();
    let want = crate::analysis::fix_first(s.stack, s.what_if, s.report);
    assert!(!want.is_empty(), "the sample has gaps to fix");
    assert_eq!(s.fix, want.as_slice());
    assert!(
        s.inspect.facts[0].contains("would close"),
        "{:?}",
        s.inspect.facts
    );
    let screen = text_of(&draw(&mut app, 120, 40));
    let first = &want[0];
    let party = &app.screen().stack.party(first.party).id;
    assert!(screen.contains(&format!("{party} implements")), "{screen}");

    // Enter: the party's first row, its control selected in the hand-off pane.
    let gaps = app.screen().report.counts().gaps;
    step(&mut app, Msg::Toggle);
    let s = app.screen();
    assert_eq!(s.listing, Listing::Tree);
    assert_eq!(s.tree.rows()[s.row].party, first.party);
    assert_eq!(s.focus, Pane::Details);
    let item = &s.inspect.items[s.item];
    assert_eq!(item.control, first.control);
    // Making the change there closes exactly the gaps the list promised.
    let key = match item.target {
        crate::tui::inspect::Target::Entry { .. } => Msg::Implements(Side::Provider),
        crate::tui::inspect::Target::Requirement { .. } => Msg::Implements(Side::Consumer),
    };
    step(&mut app, key);
    assert!(
        app.screen()
            .stack
            .party(first.party)
            .implements_control(first.control)
    );
    assert_eq!(app.screen().report.counts().gaps, gaps - first.gaps_closed);

    // It follows edits and what-ifs, recomputed after a "computing" frame, keeping the
    // selection; that change is no longer listed.
    send(&mut app, [Msg::FixFirst, Msg::Down]);
    let s = app.screen();
    assert!(
        !s.fix
            .iter()
            .any(|f| (f.party, f.control) == (first.party, first.control))
    );
    let selected = (s.fix[1].party, s.fix[1].control);
    step(&mut app, Msg::Undo);
    assert!(app.busy());
    step(&mut app, Msg::Compute);
    let s = app.screen();
    assert_eq!(s.fix, want.as_slice());
    assert_eq!((s.fix[s.line].party, s.fix[s.line].control), selected);
    // Tab and Enter: a place of the control, in the tree.
    send(&mut app, [Msg::SwitchPane, Msg::Toggle]);
    assert_eq!(app.screen().listing, Listing::Tree);
    send(&mut app, [Msg::FixFirst, Msg::FixFirst]);
    assert_eq!(app.screen().listing, Listing::Tree);
}
