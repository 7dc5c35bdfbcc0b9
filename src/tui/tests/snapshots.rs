//! Whole screens compared with the committed snapshots in `src/tui/snapshots/` (their names
//! keep the `stackgap__tui__tests__` prefix they were first written under).

use super::*;

/// Compares a screen with its committed snapshot, `src/tui/snapshots/stackgap__tui__tests__NAME.snap`
/// (the names these tests had in a single `tests.rs`, kept so the history of each screen stays
/// in one file).
pub(super) fn assert_snapshot(name: &str, screen: TestBackend) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(format!("stackgap__tui__tests__{name}"), screen);
    });
}

/// The screens the issue lists, at both sizes.
fn scenarios() -> Vec<(&'static str, Vec<Msg>)> {
    vec![
        ("start", vec![]),
        // A root row: the party's own requirements, where each is handled.
        ("requirements", vec![Msg::Up]),
        ("broken_chain", vec![Msg::SwitchPane, Msg::Down]),
        ("help", vec![Msg::Help]),
        ("search", [vec![Msg::Search], typed("bucket")].concat()),
        ("filter", vec![Msg::Filter, Msg::Down, Msg::Down]),
        ("edit", vec![Msg::SwitchPane, Msg::Cycle(Field::Assumed)]),
        (
            "undo",
            vec![Msg::SwitchPane, Msg::Cycle(Field::Assumed), Msg::Undo],
        ),
        (
            "quit_question",
            vec![Msg::SwitchPane, Msg::Cycle(Field::Evidence), Msg::Quit],
        ),
        ("save_as", [vec![Msg::Save], typed("acme.toml")].concat()),
        (
            "presenter",
            vec![Msg::Presenter, Msg::SwitchPane, Msg::Down],
        ),
        ("controls", vec![Msg::Controls, Msg::Toggle]),
        ("blast_radius", vec![Msg::BlastRadius, Msg::Down]),
        ("fix_first", vec![Msg::FixFirst, Msg::Down]),
        // The places the top of the ranking would break, the pane focused.
        ("blast_places", vec![Msg::BlastRadius, Msg::SwitchPane]),
        // A party switched off, then what changed since loading.
        ("changes", vec![Msg::SwitchOff, Msg::Changes]),
    ]
}

#[test]
fn screens_match_their_snapshots() {
    for (w, h) in [(80, 24), (120, 40)] {
        for (name, msgs) in scenarios() {
            let mut app = demo();
            step(&mut app, Msg::Resize(w, h));
            send(&mut app, msgs);
            assert_snapshot(&format!("{name}_{w}x{h}"), draw(&mut app, w, h));
        }
    }
}

#[test]
fn at_100_columns_the_panes_split_and_owners_move_under_the_control() {
    let mut app = demo();
    send(&mut app, [Msg::Resize(100, 30), Msg::SwitchPane, Msg::Down]);
    assert_snapshot("broken_chain_100x30", draw(&mut app, 100, 30));
}
