//! Evidence documents: an entry's citations and refs, cycling through documents, and the list
//! of evidence about to expire.

use super::*;

#[test]
fn an_entry_shows_its_ref_and_the_documents_it_cites() {
    let (_dir, _path, mut app) = documents_file();
    select_handoff(&mut app, "c", "p");
    select_control(&mut app, "A");
    let item = &app.screen().inspect.items[app.screen().item];
    assert_eq!(item.evidence, "soc2-2026", "{item:?}");
    assert!(item.why.iter().any(|w| w == "ref: MSA-7.2"), "{item:?}");
    assert!(
        item.why.iter().any(|w| w.starts_with("evidence soc2-2026 · SOC 2 Type II 2026 · attested · by Example Audit LLP · expires 2027-01-15")),
        "{item:?}"
    );
    // A lapsed document reads as expired, and the why names it.
    select_control(&mut app, "B");
    let item = &app.screen().inspect.items[app.screen().item];
    assert_eq!(item.evidence, "expired: soc2-2025", "{item:?}");
    assert!(
        item.why
            .iter()
            .any(|w| w
                .contains("evidence document soc2-2025, cited by c → p, expired on 2026-10-31")),
        "{item:?}"
    );
    assert!(
        text_of(&draw(&mut app, 120, 40)).contains("1 document expires within 60 days (E)"),
        "the status bar counts expiring evidence"
    );
}

#[test]
fn e_cycles_through_the_levels_and_the_documents_and_saves_the_citation() {
    let (_dir, path, mut app) = documents_file();
    select_handoff(&mut app, "c", "p");
    select_control(&mut app, "A");
    // After soc2-2026 (which covers A) comes soc2-2025 (no `covers`: any control); the pen
    // test covers only D, so the round ends and `evidence` is no longer written.
    step(&mut app, Msg::Cycle(Field::Evidence));
    assert_eq!(
        app.screen().inspect.items[app.screen().item].evidence,
        "expired: soc2-2025"
    );
    step(&mut app, Msg::Cycle(Field::Evidence));
    assert_eq!(
        app.screen().inspect.items[app.screen().item].evidence,
        "(contract)"
    );
    step(&mut app, Msg::Cycle(Field::Evidence));
    assert_eq!(
        app.screen().inspect.items[app.screen().item].evidence,
        "none"
    );
    for _ in 0..4 {
        step(&mut app, Msg::Cycle(Field::Evidence));
    }
    assert_eq!(
        app.screen().inspect.items[app.screen().item].evidence,
        "soc2-2026"
    );
    step(&mut app, Msg::Cycle(Field::Evidence));
    assert_consistent(&app);
    send(&mut app, [Msg::Save]);
    let saved = std::fs::read_to_string(&path).expect("readable");
    assert!(
        saved
            .contains("A = { agreed = \"provider\", evidence = \"soc2-2025\", ref = \"MSA-7.2\" }"),
        "only the citation changes, the ref stays:\n{saved}"
    );
    // An entry citing several items starts the round again from the weakest level.
    select_control(&mut app, "C");
    step(&mut app, Msg::Cycle(Field::Evidence));
    assert_eq!(
        app.screen().inspect.items[app.screen().item].evidence,
        "none"
    );
    send(&mut app, [Msg::Undo]);
    assert_eq!(
        app.screen().inspect.items[app.screen().item].evidence,
        "expired: soc2-2025, contract",
        "undo brings the array back"
    );
}

#[test]
fn the_expiring_view_lists_documents_and_jumps_to_what_rests_on_them() {
    let (_dir, _path, mut app) = documents_file();
    step(&mut app, Msg::Expiring);
    assert_eq!(app.screen().listing, Listing::Expiring);
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(
        screen.contains("Evidence expiring within 60 days"),
        "{screen}"
    );
    assert!(
        screen.contains("soc2-2026 · SOC 2 Type II 2026"),
        "{screen}"
    );
    assert!(screen.contains("2027-01-15   48 d   2 entries"), "{screen}");
    // Enter: what rests on it, those delivering assurance (A, E) before F (consumer-owned).
    step(&mut app, Msg::Toggle);
    assert_eq!(app.screen().focus, Pane::Details);
    let ids: Vec<&str> = app
        .screen()
        .inspect
        .items
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids[2].starts_with("consumer-owned"), "{ids:?}");
    // Enter again: to that entry in the tree.
    step(&mut app, Msg::Down);
    let want = app.screen().inspect.items[app.screen().item].control;
    step(&mut app, Msg::Toggle);
    assert_eq!(app.screen().listing, Listing::Tree);
    let item = &app.screen().inspect.items[app.screen().item];
    assert_eq!(item.control, want);
    assert_eq!(item.id, "E");
    // A window of days moved past the expiry: nothing left to list, and the view says why.
    step(&mut app, Msg::Expiring);
    send(&mut app, [Msg::ShiftAsOf(3)]);
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(
        screen.contains("nothing in force expires between 2027-02-28"),
        "{screen}"
    );
    assert!(!screen.contains("expire within 60 days (E)"), "{screen}");
}

/// The built-in demo opened on any day tells the same story: its dates move with the analysis
/// date, so a year on it still has a report expiring within 60 days and the same findings.
#[test]
fn the_demo_has_evidence_expiring_soon_whenever_it_is_opened() {
    let written = as_of();
    let report = |text: &str, on: Date| {
        let stack = crate::stack::load_str(text, "demo", None).expect("the demo loads");
        analyse(&stack, &WhatIf::new(&stack, on))
    };
    let then = report(DEMO, written);
    assert!(
        !then.expiry_notes.is_empty(),
        "the demo has expiring evidence"
    );
    for days in [-30, 5, 400, 1000] {
        let on = written.add_days(days);
        let text = crate::stack::load::demo_text(on);
        assert!(
            !text.contains("2026-12-20"),
            "the Keystone report's expiry moved"
        );
        let now = report(&text, on);
        assert_eq!(now.counts(), then.counts(), "{days} days on");
        assert_eq!(
            now.expiry_notes.len(),
            then.expiry_notes.len(),
            "{days} days on"
        );
    }
    assert_eq!(crate::stack::load::demo_text(written), DEMO);
    assert!(
        crate::stack::load::demo_text(written.add_days(400)).contains("2028-01-24"),
        "2026-12-20 moves 400 days, to 2028-01-24"
    );
}
