//! The guided tour (`t`): its order (no-mans-lands, broken chains, the rest), the cursor on
//! each finding's place, back / next / leave, a stack with nothing open, and a tour that
//! follows the findings after an edit.

use super::*;
use crate::analysis::Kind;
use crate::tui::inspect::Target;
use crate::tui::mode::TourStep;

fn step_of(app: &App) -> TourStep {
    match app.mode() {
        Mode::Tour(step) => step.clone(),
        other => panic!("not touring: {other:?}"),
    }
}

/// The finding under the cursor: its kind (from the tour's head), control id and place.
fn cursor(app: &App) -> (String, Option<crate::stack::HandoffIdx>) {
    let s = app.screen();
    let item = &s.inspect.items[s.item];
    let row = &s.tree.rows()[s.row];
    let handoff = match item.target {
        Target::Entry { handoff, .. } => {
            assert_eq!(
                row.handoff,
                Some(handoff),
                "the row is the finding's hand-off"
            );
            Some(handoff)
        }
        Target::Requirement { party } => {
            assert_eq!(row.party, party, "the row is the party's");
            None
        }
    };
    (s.stack.control(item.control).id.clone(), handoff)
}

#[test]
fn the_tour_goes_worst_first_with_the_cursor_on_each_finding() {
    let mut app = demo();
    let open: u32 = app.screen().tally.open_total().iter().sum();
    send(&mut app, [Msg::Tour]);
    let first = step_of(&app);
    assert_eq!(
        (first.at, first.of),
        (0, open as usize),
        "every open finding"
    );
    let mut groups = Vec::new();
    for k in 0..first.of {
        let step = step_of(&app);
        assert_eq!(step.at, k);
        let (control, _) = cursor(&app);
        assert!(step.head.contains(&control), "{} on {control}", step.head);
        assert_eq!(app.screen().focus, Pane::Details);
        let kind = Kind::ALL
            .into_iter()
            .find(|kind| step.head.contains(&format!(" {} ", kind.as_str())))
            .expect("the head names the kind");
        if kind == Kind::BrokenChain {
            assert!(
                step.why.contains("root cause") || step.why.contains("circle"),
                "{}",
                step.why
            );
        }
        groups.push(match kind {
            Kind::NoMansLand => 0,
            Kind::BrokenChain => 1,
            k if k.severity() == crate::analysis::Severity::Gap => 2,
            _ => 3,
        });
        send(&mut app, [Msg::Tour]);
    }
    assert!(groups.is_sorted(), "worst first: {groups:?}");
    assert_eq!(
        &groups[..3],
        [0, 0, 1],
        "the demo's two no-mans-lands first"
    );
    assert_eq!(
        *app.mode(),
        Mode::Browse,
        "past the last stop the tour ends"
    );
}

#[test]
fn backspace_goes_back_and_esc_leaves_with_the_cursor_where_it_was() {
    let mut app = demo();
    send(&mut app, [Msg::Tour, Msg::Tour, Msg::Tour]);
    let third = cursor(&app);
    assert!(step_of(&app).head.contains("broken-chain"));
    send(&mut app, [Msg::Backspace]);
    assert_eq!(step_of(&app).at, 1);
    assert_ne!(cursor(&app), third);
    send(&mut app, [Msg::Backspace, Msg::Backspace]);
    assert_eq!(step_of(&app).at, 0, "no stop before the first");
    send(&mut app, [Msg::Tour, Msg::Tour, Msg::Close]);
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(cursor(&app), third);
}

#[test]
fn a_stack_with_nothing_open_has_no_tour() {
    let text = "[stack]\nname = \"fine\"\ncatalog = \"none\"\n[[control]]\nid = \"C\"\nname = \"c\"\n\
                [[party]]\nid = \"a\"\nrequires = [\"C\"]\n[[party]]\nid = \"b\"\nimplements = [\"C\"]\n\
                [[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\ncontrols = { C = { agreed = \"provider\", evidence = \"verified\" } }\n";
    let stack = crate::stack::load_str(text, "fine.toml", None).expect("a valid stack");
    let mut app = app_on(stack, text.into(), None);
    send(&mut app, [Msg::Tour]);
    assert_eq!(*app.mode(), Mode::Browse);
    let screen = text_of(&draw(&mut app, 80, 24));
    assert!(screen.contains("no gaps to tour"), "{screen}");
}

#[test]
fn the_tour_follows_the_findings_after_an_edit() {
    let mut app = demo();
    send(&mut app, [Msg::Tour]);
    let before = step_of(&app).of;
    // At the first stop (BACKUP, a no-mans-land): leave, let Northwind do its own backups,
    // and tour again.
    send(
        &mut app,
        [
            Msg::Close,
            Msg::Cycle(Field::Assumed),
            Msg::Implements(Side::Consumer),
        ],
    );
    let open: u32 = app.screen().tally.open_total().iter().sum();
    assert_ne!(open as usize, before, "the edit changed the findings");
    send(&mut app, [Msg::Tour]);
    assert_eq!(step_of(&app).of, open as usize);
    // A what-if reaches a tour under way too (here: a reload of a changed file).
    let (_dir, path, mut app) = demo_file();
    send(&mut app, [Msg::Tour, Msg::Tour]);
    let text = DEMO
        .replacen(
            "implements = [\"IAM-JML\"]",
            "implements = [\"IAM-JML\", \"BACKUP\"]",
            1,
        )
        .replacen(
            "BACKUP = { agreed = \"consumer\", assumed = \"provider\" }",
            "BACKUP = { agreed = \"consumer\", assumed = \"consumer\" }",
            1,
        );
    std::fs::write(&path, text).expect("writable");
    send(&mut app, [Msg::FileChanged]);
    let step = step_of(&app);
    assert_eq!(step.of, before - 1, "the reloaded findings: {step:?}");
    assert_eq!(step.at, 1);
}

#[test]
fn the_tour_box_shows_the_step_the_finding_and_the_keys() {
    for (w, h) in [(80, 24), (120, 40), (64, 20)] {
        let mut app = demo();
        send(
            &mut app,
            [Msg::Resize(w, h), Msg::Tour, Msg::Tour, Msg::Tour],
        );
        let screen = text_of(&draw(&mut app, w, h));
        let of = step_of(&app).of;
        assert!(screen.contains(&format!("Tour 3/{of}")), "{screen}");
        assert!(screen.contains("broken-chain BREACH-NOTIFY"), "{screen}");
        assert!(screen.contains("Esc leaves"), "{screen}");
        // The cursor's row and control are on screen above the box.
        assert!(screen.contains("▶ ✗ broken-chain"), "{screen}");
    }
}
