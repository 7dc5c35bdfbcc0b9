//! Edits and what-ifs: each one re-analysed to what a full analysis finds, undone and redone,
//! accepted risks, and findings copied as Markdown.

use super::*;

#[test]
fn an_edit_recomputes_counts_everywhere_and_undo_redo_replay_it() {
    let mut app = demo();
    let before = app.screen().report.clone();
    select_control(&mut app, "BACKUP");
    // agreed consumer → shared: brightpath must now deliver backups too.
    step(&mut app, Msg::Cycle(Field::Agreed));
    assert_consistent(&app);
    assert_eq!(app.screen().unsaved, 1);
    assert_ne!(app.screen().report.by_control, before.by_control);
    let item = &app.screen().inspect.items[app.screen().item];
    assert_eq!(item.id, "BACKUP", "the cursor follows the edited control");
    assert_eq!(item.agreed, "shared");
    step(&mut app, Msg::Undo);
    assert_eq!(app.screen().report.by_control, before.by_control);
    assert_eq!(
        app.screen().unsaved,
        0,
        "undoing back to the file leaves nothing unsaved"
    );
    assert_eq!(app.screen().delta, [[0, 0], [0, 0]]);
    step(&mut app, Msg::Redo);
    assert_consistent(&app);
    assert_eq!(app.screen().unsaved, 1);
}

#[test]
fn every_field_and_implements_edit_stays_consistent_with_a_full_analysis() {
    let mut app = demo();
    select_control(&mut app, "BREACH-NOTIFY");
    for m in [
        Msg::Cycle(Field::Assumed),
        Msg::Cycle(Field::Agreed),
        Msg::Cycle(Field::Evidence),
        Msg::Implements(Side::Provider),
        Msg::Implements(Side::Consumer),
        Msg::Cycle(Field::Agreed),
        Msg::Cycle(Field::Evidence),
    ] {
        step(&mut app, m);
        assert_consistent(&app);
    }
    for _ in 0..7 {
        step(&mut app, Msg::Undo);
        assert_consistent(&app);
    }
    assert_eq!(app.screen().unsaved, 0);
    assert_eq!(
        app.screen().report.counts(),
        demo().screen().report.counts()
    );
}

#[test]
fn implementing_the_missing_control_closes_the_broken_chain() {
    let mut app = demo();
    // Go to brightpath → stratoline and let stratoline implement BREACH-NOTIFY.
    let row = app
        .screen()
        .tree
        .rows()
        .iter()
        .position(|r| app.screen().stack.party(r.party).id == "stratoline")
        .expect("stratoline is shown");
    step(&mut app, Msg::Top);
    for _ in 0..row {
        step(&mut app, Msg::Down);
    }
    select_control(&mut app, "BREACH-NOTIFY");
    let gaps = app.screen().report.counts().gaps;
    step(&mut app, Msg::Implements(Side::Provider));
    assert_consistent(&app);
    // Both the not-delivered here and the broken chain above it are gone.
    assert_eq!(app.screen().report.counts().gaps, gaps - 2);
    assert_eq!(
        app.screen().delta[1][0],
        2,
        "two gaps removed since loading"
    );
    let status = text_of(&draw(&mut app, 120, 40));
    assert!(status.contains("8 gaps (+0 −2)"), "{status}");
}

#[test]
fn edits_need_the_handoff_pane() {
    let mut app = demo();
    assert_eq!(app.screen().focus, Pane::Tree);
    step(&mut app, Msg::Cycle(Field::Assumed));
    assert_eq!(app.screen().unsaved, 0);
    assert!(matches!(app.screen().notice, Some(Notice::Info(t)) if t.contains("Tab")));
}

#[test]
fn switching_a_party_off_is_a_what_if_that_undo_covers() {
    let mut app = demo();
    let gaps = app.screen().report.counts().gaps;
    // The row of bucketwise.
    let row = app
        .screen()
        .tree
        .rows()
        .iter()
        .position(|r| app.screen().stack.party(r.party).id == "bucketwise")
        .expect("bucketwise is shown");
    step(&mut app, Msg::Top);
    for _ in 0..row {
        step(&mut app, Msg::Down);
    }
    step(&mut app, Msg::SwitchOff);
    assert_consistent(&app);
    assert!(app.screen().what_if.is_off(row_party(&app)));
    assert!(app.screen().report.counts().gaps > gaps);
    assert_eq!(
        app.screen().unsaved,
        0,
        "a what-if is not an edit of the file"
    );
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(screen.contains("without bucketwise"), "{screen}");
    assert!(screen.contains("(off)"), "{screen}");
    step(&mut app, Msg::Undo);
    assert_eq!(app.screen().report.counts().gaps, gaps);
    step(&mut app, Msg::MinEvidence);
    assert_consistent(&app);
    step(&mut app, Msg::AsOf);
    send(&mut app, std::iter::repeat_n(Msg::Backspace, 10));
    send(&mut app, typed("2030-01-01"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(
        app.screen().what_if.as_of,
        Date::parse("2030-01-01").expect("date")
    );
    assert_consistent(&app);
    send(&mut app, [Msg::Undo, Msg::Undo]);
    assert_eq!(app.screen().what_if.min_evidence, None);
    assert_eq!(app.screen().what_if.as_of, as_of());
}

#[test]
fn brackets_move_the_analysis_date_by_a_month_and_show_what_expired() {
    let (_dir, _path, mut app) = healthcare_file();
    select_handoff(&mut app, "aldhelm", "carevault");
    select_control(&mut app, "ENC-REST");
    let item = &app.screen().inspect.items[app.screen().item];
    assert!(item.evidence.starts_with("expired"), "{item:?}");
    assert!(
        item.why.iter().any(|w| w.contains("expired on 2026-09-30")),
        "{item:?}"
    );
    // Back to before the bridge letter ran out: the evidence counts again.
    send(&mut app, [Msg::ShiftAsOf(-1), Msg::ShiftAsOf(-1)]);
    assert_eq!(app.screen().what_if.as_of.to_string(), "2026-09-28");
    let item = &app.screen().inspect.items[app.screen().item];
    assert_eq!(item.evidence, "attested", "{item:?}");
    assert!(item.severity.is_none(), "{item:?}");
    assert_consistent(&app);
    assert_eq!(app.screen().unsaved, 0, "a what-if is not an edit");
    send(&mut app, [Msg::Undo, Msg::Undo]);
    assert_eq!(app.screen().what_if.as_of, as_of());
    step(&mut app, Msg::ShiftAsOf(1));
    assert_eq!(app.screen().what_if.as_of.to_string(), "2026-12-28");
    assert!(matches!(app.screen().notice, Some(Notice::Info(n)) if n.contains("2026-12-28")));
}

#[test]
fn accepting_a_gap_asks_why_dims_it_and_saves_an_accept_that_reanalyses_the_same() {
    let (_dir, path, mut app) = healthcare_file();
    select_handoff(&mut app, "carevault", "meridianhost");
    step(&mut app, Msg::SwitchPane);
    step(&mut app, Msg::Top);
    let item = app.screen().inspect.items[0].clone();
    assert_eq!(
        item.severity,
        Some(crate::analysis::Severity::Gap),
        "{item:?}"
    );
    assert!(!item.accepted);
    let open_before = app.screen().report.counts();

    // Esc cancels; an empty reason is refused.
    step(&mut app, Msg::Accept);
    assert!(matches!(
        app.mode(),
        Mode::Ask(Question::AcceptReason { .. })
    ));
    step(&mut app, Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
    send(&mut app, [Msg::Accept, Msg::Input(' '), Msg::Submit]);
    assert!(matches!(
        app.mode(),
        Mode::Ask(Question::AcceptReason { .. })
    ));
    assert!(matches!(app.screen().notice, Some(Notice::Error(_))));
    send(&mut app, typed("DR drill booked for Q1"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(app.screen().unsaved, 1);
    assert_consistent(&app);
    let it = app
        .screen()
        .inspect
        .items
        .iter()
        .find(|i| i.control == item.control)
        .expect("still listed");
    assert!(it.accepted, "{it:?}");
    assert!(it.status.contains("accepted"), "{it:?}");
    assert!(
        it.why[0].contains("accepted: DR drill booked for Q1"),
        "{it:?}"
    );
    assert_eq!(
        app.screen().report.counts().accepted,
        open_before.accepted + 1
    );
    // The row still counts the gap, but none is open there.
    let row = &app.screen().tree.rows()[app.screen().row];
    assert_eq!(
        app.screen().tally.open_of_row(row)[0] + 1,
        app.screen().tally.of_row(row)[0]
    );

    // Undo takes it back, redo brings it again.
    step(&mut app, Msg::Undo);
    assert_eq!(app.screen().unsaved, 0);
    assert_eq!(app.screen().report.counts(), open_before);
    step(&mut app, Msg::Redo);
    assert_eq!(app.screen().unsaved, 1);
    assert_consistent(&app);
    // A second accept is a second edited place.
    select_handoff(&mut app, "aldhelm", "carevault");
    select_control(&mut app, "BACKUP");
    send(&mut app, [Msg::Accept]);
    send(&mut app, typed("the nightly export stays as a second copy"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(app.screen().unsaved, 2);

    send(&mut app, [Msg::Save]);
    assert_eq!(app.screen().unsaved, 0, "{:?}", app.screen().notice);
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(saved.contains("DR drill booked for Q1"), "{saved}");
    assert_reanalyses_to(&path, &app);
    let (again, _) = crate::stack::read_stack(&path).expect("the saved file loads");
    let fresh = analyse(&again, app.screen().what_if);
    assert_eq!(fresh.counts(), app.screen().report.counts());
}

#[test]
fn a_covered_control_has_nothing_to_accept() {
    let mut app = demo();
    step(&mut app, Msg::SwitchPane);
    let covered = app
        .screen()
        .inspect
        .items
        .iter()
        .position(|i| i.severity.is_none())
        .expect("a covered control on the first hand-off");
    for _ in 0..covered {
        step(&mut app, Msg::Down);
    }
    step(&mut app, Msg::Accept);
    assert_eq!(*app.mode(), Mode::Browse);
    assert!(matches!(app.screen().notice, Some(Notice::Info(n)) if n.contains("no open")));
    assert_eq!(app.screen().unsaved, 0);
}

#[test]
fn the_control_view_follows_edits() {
    let mut app = demo();
    step(&mut app, Msg::Controls);
    let first = app.screen().controls[0];
    send(&mut app, [Msg::Toggle, Msg::Implements(Side::Provider)]);
    assert_consistent(&app);
    let now = app
        .screen()
        .controls
        .iter()
        .find(|l| l.control == first.control)
        .copied()
        .expect("still listed");
    let fs = &app.screen().report.by_control[first.control as usize];
    assert_eq!((now.counts[0] + now.counts[1]) as usize, fs.len());
    assert_eq!(app.screen().listing, Listing::Controls);
    assert_eq!(app.screen().unsaved, 1);
}

#[test]
fn y_copies_the_selected_finding_as_one_line_of_markdown() {
    let (_dir, _path, mut app) = healthcare_file();
    select_handoff(&mut app, "aldhelm", "carevault");
    select_control(&mut app, "BCP-DR");
    let text = step(&mut app, Msg::Copy).copy.expect("something to copy");
    assert_eq!(
        text,
        "**gap** broken-chain BCP-DR (Disaster Recovery) at aldhelm → carevault (EHR), \
         provider side: carevault hands BCP-DR on, but the chain carevault → meridianhost → \
         ng-south ends at ng-south (root cause: implements nothing, hands nothing on)"
    );
    assert!(!text.contains('\n'));
    assert!(matches!(app.screen().notice, Some(Notice::Info(n)) if n.starts_with("copied")));
    assert_eq!(step(&mut app, Msg::Down).copy, None, "copied once");
    step(&mut app, Msg::Up);

    // An accepted one says so; a covered control has nothing to copy.
    select_control(&mut app, "LOG-ACCESS");
    let text = step(&mut app, Msg::Copy).copy.expect("something to copy");
    assert!(text.contains(" — accepted: Privacy office"), "{text}");
    select_control(&mut app, "BACKUP-TEST");
    assert_eq!(step(&mut app, Msg::Copy).copy, None);
}

#[test]
fn copied_markdown_escapes_what_the_stack_file_says() {
    let text = DEMO.replacen("id = \"brightpath\"", "id = \"bright*path_[x](y)\"", 1);
    let text = text.replace("\"brightpath\"", "\"bright*path_[x](y)\"");
    let stack = crate::stack::load_str(&text, "demo.toml", None).expect("still loads");
    let mut app = app_on(stack, text, None);
    step(&mut app, Msg::SwitchPane);
    let copied = step(&mut app, Msg::Copy)
        .copy
        .expect("the first hand-off has a finding");
    assert!(copied.contains(r"bright\*path\_\[x\](y)"), "{copied}");
    assert!(!copied.contains("bright*path"), "{copied}");
}

#[test]
fn a_partys_own_requirement_finding_can_be_accepted_and_saved() {
    let (_dir, path, mut app) = healthcare_file();
    step(&mut app, Msg::Top);
    assert_eq!(app.screen().tree.rows()[0].handoff, None, "a root row");
    step(&mut app, Msg::SwitchPane);
    let at = app
        .screen()
        .inspect
        .items
        .iter()
        .position(|i| {
            matches!(i.target, crate::tui::inspect::Target::Requirement { .. })
                && i.severity.is_some()
                && !i.status.contains("at hand-off")
        })
        .expect("the root has a finding of its own");
    for _ in 0..at {
        step(&mut app, Msg::Down);
    }
    send(&mut app, [Msg::Accept]);
    send(&mut app, typed("residual risk signed off by the board"));
    send(&mut app, [Msg::Submit]);
    assert!(
        app.screen().inspect.items[app.screen().item].accepted,
        "{:?}",
        app.screen().inspect.items[app.screen().item]
    );
    assert_consistent(&app);
    send(&mut app, [Msg::Save]);
    assert_eq!(app.screen().unsaved, 0, "{:?}", app.screen().notice);
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(saved.contains("party = \"aldhelm\""), "{saved}");
    assert_reanalyses_to(&path, &app);
}

#[test]
fn x_in_the_blast_radius_view_switches_the_listed_party_off() {
    let mut app = demo();
    send(&mut app, [Msg::BlastRadius, Msg::Down]);
    let party = app.screen().blast[1].party;
    send(&mut app, [Msg::SwitchOff]);
    assert!(app.screen().what_if.is_off(party));
    assert_eq!(app.screen().listing, Listing::BlastRadius);
    let b = app
        .screen()
        .blast
        .iter()
        .find(|b| b.party == party)
        .expect("listed");
    assert_eq!(b.gaps_added, 0, "already off: nothing more to lose");
}
