//! The explorer as a user meets it: messages fed to `update`, screens drawn into a `TestBackend`
//! and compared with committed snapshots (at 80×24 and 120×40), files saved and reloaded.

use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, Listing, Mode, Notice, Pane, Question};
use super::msg::{Field, Msg};
use super::theme::Theme;
use super::view;
use crate::analysis::{Place, WhatIf, analyse};
use crate::date::Date;
use crate::stack::load::DEMO;
use crate::stack::{Side, Stack, load_demo};

const PLAIN: Theme = Theme {
    color: false,
    ascii: false,
};

fn as_of() -> Date {
    Date::parse("2026-11-28").expect("a valid date")
}

fn app_on(stack: Stack, text: String, path: Option<PathBuf>) -> App {
    let what_if = WhatIf::new(&stack, as_of());
    let mut app = App::new(stack, text, path, what_if, false, PLAIN);
    app.update(Msg::Resize(120, 40));
    app
}

fn demo() -> App {
    app_on(load_demo(), DEMO.to_string(), None)
}

/// The demo copied to a temporary folder and opened from there.
fn demo_file() -> (tempfile::TempDir, PathBuf, App) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("demo.toml");
    std::fs::write(&path, DEMO).expect("writable temporary folder");
    let (stack, text) = super::app::read_stack(&path).expect("the demo loads");
    let app = app_on(stack, text, Some(path.clone()));
    (dir, path, app)
}

/// Sends messages as the event loop does, slow work included (after its "computing" frame).
fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        app.update(m);
        if app.busy() {
            app.update(Msg::Compute);
        }
    }
}

fn typed(text: &str) -> Vec<Msg> {
    text.chars().map(Msg::Input).collect()
}

fn draw(app: &App, w: u16, h: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    terminal
        .draw(|f| view::draw(f, app))
        .expect("drawing into a test backend");
    terminal.backend().clone()
}

fn text_of(backend: &TestBackend) -> String {
    backend.to_string()
}

/// The incremental findings must always equal a full analysis of the same stack.
fn assert_consistent(app: &App) {
    let fresh = analyse(app.shown(), app.what_if());
    assert_eq!(app.report().by_control, fresh.by_control);
    assert_eq!(app.report().counts(), fresh.counts());
    assert_eq!(app.report().expiry_notes, fresh.expiry_notes);
    for row in app.tree().rows() {
        let want = match row.handoff {
            Some(h) => fresh
                .by_control
                .iter()
                .flatten()
                .filter(|f| f.handoff() == Some(h))
                .fold([0, 0], |mut n, f| {
                    n[f.severity() as usize] += 1;
                    n
                }),
            None => fresh
                .by_control
                .iter()
                .flatten()
                .filter(|f| f.place == Place::Party(row.party))
                .fold([0, 0], |mut n, f| {
                    n[f.severity() as usize] += 1;
                    n
                }),
        };
        assert_eq!(app.tally().of_row(row), want);
    }
}

fn select_control(app: &mut App, id: &str) {
    if app.focus() == Pane::Tree {
        app.update(Msg::SwitchPane);
    }
    app.update(Msg::Top);
    for _ in 0..app.inspect().items.len() {
        if app.inspect().items[app.item()].id == id {
            return;
        }
        app.update(Msg::Down);
    }
    panic!("no control {id} in the hand-off pane");
}

// ----- snapshots ---------------------------------------------------------------------------

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
    ]
}

#[test]
fn screens_match_their_snapshots() {
    for (w, h) in [(80, 24), (120, 40)] {
        for (name, msgs) in scenarios() {
            let mut app = demo();
            app.update(Msg::Resize(w, h));
            send(&mut app, msgs);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), draw(&app, w, h));
        }
    }
}

#[test]
fn at_100_columns_the_panes_split_and_owners_move_under_the_control() {
    let mut app = demo();
    send(&mut app, [Msg::Resize(100, 30), Msg::SwitchPane, Msg::Down]);
    insta::assert_snapshot!("broken_chain_100x30", draw(&app, 100, 30));
}

#[test]
fn the_broken_chain_screen_names_the_root_cause() {
    let mut app = demo();
    send(&mut app, [Msg::SwitchPane, Msg::Down]);
    let screen = text_of(&draw(&app, 120, 40));
    assert!(screen.contains("broken-chain"), "{screen}");
    assert!(screen.contains("ends at stratoline"), "{screen}");
    assert!(screen.contains("root cause"), "{screen}");
}

#[test]
fn the_tree_previews_findings_and_tab_brings_their_why() {
    let mut app = demo();
    let preview = text_of(&draw(&app, 120, 40));
    assert!(preview.contains("gaps first · Tab: why"), "{preview}");
    assert!(preview.contains("✗ broken-chain"), "{preview}");
    assert!(
        preview.contains("✓ 2 covered: IAM-SSO LOG-AUDIT"),
        "{preview}"
    );
    assert!(!preview.contains("each side thinks the other"), "{preview}");
    send(&mut app, [Msg::SwitchPane]);
    let focused = text_of(&draw(&app, 120, 40));
    assert!(focused.contains("each side thinks the other"), "{focused}");
    assert!(focused.contains("✓ covered          IAM-SSO"), "{focused}");
    assert!(!focused.contains("Tab: why"), "{focused}");
    // A pane too short for every finding says how many it leaves out.
    let mut app = demo();
    send(&mut app, [Msg::Resize(80, 24)]);
    let short = text_of(&draw(&app, 80, 24));
    assert!(
        short.contains("3 more with findings below (Tab lists them)"),
        "{short}"
    );
}

#[test]
fn a_preview_shows_at_most_twelve_findings_and_counts_the_rest() {
    // One hand-off listing twenty built-in controls that nobody owns: twenty gaps.
    let demo = load_demo();
    let entries: String = (0..20)
        .map(|c| format!("{} = {{}}\n", demo.control(c).id))
        .collect();
    let text = format!(
        "[stack]\nname = \"Unowned\"\n\n[[party]]\nid = \"buyer\"\n\n[[party]]\nid = \"seller\"\n\n\
         [[handoff]]\nconsumer = \"buyer\"\nprovider = \"seller\"\n\n[handoff.controls]\n{entries}"
    );
    let stack = crate::stack::load_str(&text, "unowned.toml", None).expect("a valid stack");
    let mut app = app_on(stack, text, None);
    send(&mut app, [Msg::Down]);
    let preview = text_of(&draw(&app, 120, 40));
    assert_eq!(preview.matches("✗ unassigned").count(), 12, "{preview}");
    assert!(
        preview.contains("… 8 more with findings (Tab lists them)"),
        "{preview}"
    );
    // At every height, each gap is either on screen or counted once.
    for h in 12..=40 {
        send(&mut app, [Msg::Resize(120, h)]);
        let screen = text_of(&draw(&app, 120, h));
        let counted: usize = screen
            .split("… ")
            .skip(1)
            .filter_map(|s| s.split_once(" more with findings"))
            .filter_map(|(n, _)| n.parse::<usize>().ok())
            .sum();
        assert_eq!(
            screen.matches("✗ unassigned").count() + counted,
            20,
            "at 120x{h}:\n{screen}"
        );
    }
    send(&mut app, [Msg::SwitchPane]);
    assert_eq!(app.inspect().items.len(), 20);
}

// ----- update ------------------------------------------------------------------------------

#[test]
fn starts_on_the_first_handoff_with_the_demo_totals() {
    let app = demo();
    assert_eq!(app.report().counts().gaps, 10);
    assert_eq!(app.report().counts().warnings, 4);
    let (row, _) = app.row();
    let r = &app.tree().rows()[row];
    assert!(r.handoff.is_some());
    assert!(app.inspect().title.starts_with("northwind → brightpath"));
    assert_consistent(&app);
}

#[test]
fn an_edit_recomputes_counts_everywhere_and_undo_redo_replay_it() {
    let mut app = demo();
    let before = app.report().clone();
    select_control(&mut app, "BACKUP");
    // agreed consumer → shared: brightpath must now deliver backups too.
    app.update(Msg::Cycle(Field::Agreed));
    assert_consistent(&app);
    assert_eq!(app.unsaved(), 1);
    assert_ne!(app.report().by_control, before.by_control);
    let item = &app.inspect().items[app.item()];
    assert_eq!(item.id, "BACKUP", "the cursor follows the edited control");
    assert_eq!(item.agreed, "shared");
    app.update(Msg::Undo);
    assert_eq!(app.report().by_control, before.by_control);
    assert_eq!(
        app.unsaved(),
        0,
        "undoing back to the file leaves nothing unsaved"
    );
    assert_eq!(app.delta(), [[0, 0], [0, 0]]);
    app.update(Msg::Redo);
    assert_consistent(&app);
    assert_eq!(app.unsaved(), 1);
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
        app.update(m);
        assert_consistent(&app);
    }
    for _ in 0..7 {
        app.update(Msg::Undo);
        assert_consistent(&app);
    }
    assert_eq!(app.unsaved(), 0);
    assert_eq!(app.report().counts(), demo().report().counts());
}

#[test]
fn implementing_the_missing_control_closes_the_broken_chain() {
    let mut app = demo();
    // Go to brightpath → stratoline and let stratoline implement BREACH-NOTIFY.
    let row = app
        .tree()
        .rows()
        .iter()
        .position(|r| app.shown().party(r.party).id == "stratoline")
        .expect("stratoline is shown");
    app.update(Msg::Top);
    for _ in 0..row {
        app.update(Msg::Down);
    }
    select_control(&mut app, "BREACH-NOTIFY");
    let gaps = app.report().counts().gaps;
    app.update(Msg::Implements(Side::Provider));
    assert_consistent(&app);
    // Both the not-delivered here and the broken chain above it are gone.
    assert_eq!(app.report().counts().gaps, gaps - 2);
    assert_eq!(app.delta()[1][0], 2, "two gaps removed since loading");
    let status = text_of(&draw(&app, 120, 40));
    assert!(status.contains("8 gaps (+0 −2)"), "{status}");
}

#[test]
fn edits_need_the_handoff_pane() {
    let mut app = demo();
    assert_eq!(app.focus(), Pane::Tree);
    app.update(Msg::Cycle(Field::Assumed));
    assert_eq!(app.unsaved(), 0);
    assert!(matches!(app.notice(), Some(Notice::Info(t)) if t.contains("Tab")));
}

#[test]
fn switching_a_party_off_is_a_what_if_that_undo_covers() {
    let mut app = demo();
    let gaps = app.report().counts().gaps;
    // The row of bucketwise.
    let row = app
        .tree()
        .rows()
        .iter()
        .position(|r| app.shown().party(r.party).id == "bucketwise")
        .expect("bucketwise is shown");
    app.update(Msg::Top);
    for _ in 0..row {
        app.update(Msg::Down);
    }
    app.update(Msg::SwitchOff);
    assert_consistent(&app);
    assert!(app.what_if().is_off(row_party(&app)));
    assert!(app.report().counts().gaps > gaps);
    assert_eq!(app.unsaved(), 0, "a what-if is not an edit of the file");
    let screen = text_of(&draw(&app, 120, 40));
    assert!(screen.contains("without bucketwise"), "{screen}");
    assert!(screen.contains("(off)"), "{screen}");
    app.update(Msg::Undo);
    assert_eq!(app.report().counts().gaps, gaps);
    app.update(Msg::MinEvidence);
    assert_consistent(&app);
    app.update(Msg::AsOf);
    send(&mut app, std::iter::repeat_n(Msg::Backspace, 10));
    send(&mut app, typed("2030-01-01"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(
        app.what_if().as_of,
        Date::parse("2030-01-01").expect("date")
    );
    assert_consistent(&app);
    send(&mut app, [Msg::Undo, Msg::Undo]);
    assert_eq!(app.what_if().min_evidence, None);
    assert_eq!(app.what_if().as_of, as_of());
}

fn row_party(app: &App) -> u32 {
    app.tree().rows()[app.row().0].party
}

#[test]
fn quitting_asks_only_when_edits_are_unsaved() {
    let mut app = demo();
    app.update(Msg::Quit);
    assert!(app.should_quit());

    let mut app = demo();
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    app.update(Msg::Quit);
    assert_eq!(*app.mode(), Mode::Ask(Question::Quit));
    assert!(!app.should_quit());
    app.update(Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
    app.update(Msg::Interrupt);
    assert_eq!(*app.mode(), Mode::Ask(Question::Quit));
    app.update(Msg::Interrupt);
    assert!(app.should_quit(), "a second Ctrl-c quits without saving");

    let mut app = demo();
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Quit, Msg::Answer(false)]);
    assert!(app.should_quit());
}

#[test]
fn saving_the_demo_asks_for_a_new_file_and_never_overwrites_one() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let taken = dir.path().join("taken.toml");
    std::fs::write(&taken, "keep me").expect("writable");
    let mut app = demo();
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    assert!(matches!(app.mode(), Mode::Ask(Question::SaveAs { .. })));
    send(&mut app, typed(&taken.display().to_string()));
    send(&mut app, [Msg::Submit]);
    assert!(matches!(app.notice(), Some(Notice::Error(e)) if e.contains("exists")));
    assert_eq!(
        std::fs::read_to_string(&taken).expect("still there"),
        "keep me"
    );
    send(&mut app, std::iter::repeat_n(Msg::Backspace, 10));
    send(&mut app, typed("new.toml"));
    let name = match app.mode() {
        Mode::Ask(Question::SaveAs { name }) => name.clone(),
        m => panic!("still asking, not {m:?}"),
    };
    assert!(name.ends_with("new.toml"));
    send(&mut app, [Msg::Submit]);
    let saved = PathBuf::from(&name);
    assert_eq!(app.path(), Some(saved.as_path()), "{:?}", app.notice());
    assert_eq!(app.unsaved(), 0);
    assert_reanalyses_to(&saved, &app);
}

fn assert_reanalyses_to(path: &Path, app: &App) {
    let (stack, _) = super::app::read_stack(path).expect("the saved file loads");
    let mut what_if = WhatIf::new(&stack, app.what_if().as_of);
    what_if.min_evidence = app.what_if().min_evidence;
    for p in app.what_if().without() {
        what_if.set_off(p, true);
    }
    let again = analyse(&stack, &what_if);
    assert_eq!(again.by_control, app.report().by_control);
}

#[test]
fn saving_writes_only_the_edit_and_asks_when_the_file_changed_on_disk() {
    let (_dir, path, mut app) = demo_file();
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    // A frame says the save is under way before the (on a big stack, slow) write.
    app.update(Msg::Save);
    assert!(app.busy());
    assert!(
        text_of(&draw(&app, 120, 40)).contains("saving "),
        "{:?}",
        app.notice()
    );
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), DEMO);
    app.update(Msg::Compute);
    assert_eq!(app.unsaved(), 0, "{:?}", app.notice());
    let after = std::fs::read_to_string(&path).expect("saved");
    let changed: Vec<(&str, &str)> = DEMO
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("BACKUP"), "{changed:?}");
    assert_eq!(DEMO.lines().count(), after.lines().count());
    assert_reanalyses_to(&path, &app);

    // Someone else edits the file; our next save asks first.
    std::fs::write(&path, format!("{after}\n# edited elsewhere\n")).expect("writable");
    app.update(Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    assert_eq!(*app.mode(), Mode::Ask(Question::Overwrite));
    app.update(Msg::Answer(false));
    assert_eq!(app.unsaved(), 1);
    assert!(
        std::fs::read_to_string(&path)
            .expect("there")
            .contains("# edited elsewhere")
    );
    send(&mut app, [Msg::Save]);
    send(&mut app, [Msg::Answer(true)]);
    assert_eq!(app.unsaved(), 0, "{:?}", app.notice());
    assert_reanalyses_to(&path, &app);
}

#[test]
fn a_failed_save_shows_why_and_keeps_the_edits() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A folder that does not exist fails even for root, unlike a read-only one.
    let target = dir.path().join("no-such-folder").join("stack.toml");
    let mut app = demo();
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    send(&mut app, typed(&target.display().to_string()));
    send(&mut app, [Msg::Submit]);
    assert!(
        matches!(app.notice(), Some(Notice::Error(e)) if e.contains("cannot save")),
        "{:?}",
        app.notice()
    );
    assert_eq!(app.unsaved(), 1, "the edits are still there");
    assert_eq!(app.path(), None);
    assert!(!target.exists());
    let screen = text_of(&draw(&app, 120, 40));
    assert!(screen.contains("error: cannot save"), "{screen}");
}

#[test]
fn read_only_refuses_to_save() {
    let (_dir, path, app) = demo_file();
    let stack = app.shown().clone();
    let what_if = WhatIf::new(&stack, as_of());
    let mut app = App::new(stack, DEMO.into(), Some(path.clone()), what_if, true, PLAIN);
    app.update(Msg::Resize(120, 40));
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    assert!(matches!(app.notice(), Some(Notice::Info(t)) if t.contains("read-only")));
    assert_eq!(std::fs::read_to_string(&path).expect("there"), DEMO);
}

#[test]
fn outside_changes_reload_live_keeping_the_selection_or_ask_over_edits() {
    let (_dir, path, mut app) = demo_file();
    let title = app.inspect().title.clone();
    // An outside edit: brightpath starts backing up customer data.
    let edited = DEMO.replace(
        "implements = [\"IAM-SSO\", \"LOG-AUDIT\", \"PATCH-APP\", \"CHANGE-MGMT\"]",
        "implements = [\"IAM-SSO\", \"LOG-AUDIT\", \"PATCH-APP\", \"CHANGE-MGMT\", \"BREACH-NOTIFY\"]",
    );
    assert_ne!(edited, DEMO);
    std::fs::write(&path, &edited).expect("writable");
    app.update(Msg::FileChanged);
    assert_eq!(app.inspect().title, title, "selection kept");
    assert!(app.report().counts().gaps < 10);
    assert_consistent(&app);

    // With unsaved edits, it asks instead.
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    std::fs::write(&path, DEMO).expect("writable");
    app.update(Msg::FileChanged);
    assert_eq!(*app.mode(), Mode::Ask(Question::ExternalChange));
    // More events for the same change while asking do not ask twice.
    app.update(Msg::FileChanged);
    app.update(Msg::Answer(false));
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(app.unsaved(), 1);
    // A change seen while the help is open is asked about when it closes.
    app.update(Msg::Help);
    std::fs::write(&path, format!("{DEMO}\n# again\n")).expect("writable");
    app.update(Msg::FileChanged);
    assert!(matches!(app.mode(), Mode::Help { .. }));
    app.update(Msg::Close);
    assert_eq!(*app.mode(), Mode::Ask(Question::ExternalChange));
    app.update(Msg::Close);

    // A broken file keeps the last good stack and says where it is broken.
    app.update(Msg::Undo);
    std::fs::write(&path, "[stack]\nname = \"x\"\nbogus = 1\n").expect("writable");
    app.update(Msg::FileChanged);
    match app.notice() {
        Some(Notice::Error(e)) => assert!(e.contains(":3:1"), "{e}"),
        other => panic!("no error shown: {other:?}"),
    }
    assert!(app.report().counts().gaps > 0, "the last good stack stays");
}

#[test]
fn reload_asks_over_unsaved_edits_and_starts_a_new_history() {
    let (_dir, _path, mut app) = demo_file();
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Assumed));
    app.update(Msg::Reload);
    assert_eq!(*app.mode(), Mode::Ask(Question::Reload));
    send(&mut app, [Msg::Answer(true)]);
    assert_eq!(app.unsaved(), 0);
    app.update(Msg::Undo);
    assert!(matches!(app.notice(), Some(Notice::Info(t)) if t.contains("nothing to undo")));
}

#[test]
fn search_reveals_the_match_and_esc_goes_back() {
    let mut app = demo();
    send(&mut app, [Msg::CollapseAll]);
    assert_eq!(app.tree().rows().len(), 1);
    app.update(Msg::Search);
    send(&mut app, typed("keystone"));
    let row = &app.tree().rows()[app.row().0];
    assert_eq!(app.shown().party(row.party).id, "keystoneid");
    let (_, n) = app.search_position();
    assert!(n >= 2, "the party and its hand-offs match");
    app.update(Msg::NextMatch);
    assert_eq!(app.search_position().0, 1);
    app.update(Msg::Close);
    assert_eq!(app.row().0, 0, "Esc returns to where the search started");
    app.update(Msg::Search);
    send(&mut app, typed("KEY-BYOK"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(app.inspect().items[app.item()].id, "KEY-BYOK");
}

#[test]
fn the_filter_keeps_rows_with_findings_and_their_ancestors() {
    let mut app = demo();
    let all = app.tree().rows().len();
    app.update(Msg::Filter);
    let rows = app.tree().rows();
    assert!(rows.len() < all);
    for (i, r) in rows.iter().enumerate() {
        let own = app.tally().of_row(r) != [0, 0];
        let has_child_shown = rows
            .get(i + 1)
            .is_some_and(|next| next.parent == Some(i as u32));
        assert!(
            own || has_child_shown,
            "row {i} has no finding and nothing below it"
        );
    }
    app.update(Msg::Filter);
    assert_eq!(app.tree().rows().len(), all);
}

#[test]
fn rows_expand_collapse_and_navigate() {
    let mut app = demo();
    let all = app.tree().rows().len();
    send(&mut app, [Msg::Top, Msg::Collapse]);
    assert_eq!(app.tree().rows().len(), 1);
    app.update(Msg::Expand);
    assert!(app.tree().rows().len() > 1);
    app.update(Msg::Expand);
    assert_eq!(
        app.row().0,
        1,
        "expand on an expanded row moves to its first child"
    );
    app.update(Msg::Collapse);
    app.update(Msg::Collapse);
    assert_eq!(
        app.row().0,
        0,
        "collapse on a collapsed row moves to its parent"
    );
    send(&mut app, [Msg::ExpandAll, Msg::Bottom]);
    assert_eq!(app.tree().rows().len(), all);
    assert_eq!(app.row().0, all - 1);
    send(&mut app, [Msg::PageUp, Msg::Toggle]);
    app.update(Msg::CollapseAll);
    assert_eq!(app.tree().rows().len(), 1);
}

#[test]
fn zoom_presenter_and_help_change_the_screen() {
    let mut app = demo();
    app.update(Msg::Presenter);
    let screen = text_of(&draw(&app, 120, 40));
    for secret in ["northwind", "brightpath", "Northwind", "MSA 2025"] {
        assert!(
            !screen.contains(secret),
            "{secret} visible in presenter mode:\n{screen}"
        );
    }
    assert!(screen.contains("customer#1"), "{screen}");
    assert!(!screen.contains("? help"), "no key hints in presenter mode");
    // Edits keep working while masked.
    select_control(&mut app, "BACKUP");
    app.update(Msg::Cycle(Field::Agreed));
    assert_eq!(app.unsaved(), 1);
    app.update(Msg::Presenter);
    assert_consistent(&app);

    app.update(Msg::Resize(80, 24));
    app.update(Msg::Zoom);
    let zoomed = text_of(&draw(&app, 80, 24));
    assert!(
        !zoomed.contains(" rows "),
        "only the focused pane:\n{zoomed}"
    );
    app.update(Msg::Help);
    for _ in 0..100 {
        app.update(Msg::Down);
    }
    let help = text_of(&draw(&app, 80, 24));
    assert!(help.contains("kind counts once each way"), "{help}");
    app.update(Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
}

#[test]
fn no_color_and_ascii_draw_without_colour_or_unicode_symbols() {
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let theme = Theme {
        color: false,
        ascii: true,
    };
    let mut app = App::new(stack, DEMO.into(), None, what_if, false, theme);
    app.update(Msg::Resize(120, 40));
    let backend = draw(&app, 120, 40);
    for cell in backend.buffer().content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    let mut screens = vec![text_of(&backend)];
    app.update(Msg::Controls);
    screens.push(text_of(&draw(&app, 120, 40)));
    app.update(Msg::BlastRadius);
    screens.push(text_of(&draw(&app, 120, 40)));
    app.update(Msg::Compute);
    screens.push(text_of(&draw(&app, 120, 40)));
    for screen in screens {
        // Stack text (names, agreements) may hold any character; the explorer's own may not.
        for symbol in ["╭", "│", "▾", "▶", "✗", "✓", "·", "→", "█", "…"] {
            assert!(
                !screen.contains(symbol),
                "{symbol} drawn under --ascii:\n{screen}"
            );
        }
    }
}

#[test]
fn colours_never_set_a_background() {
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let theme = Theme {
        color: true,
        ascii: false,
    };
    let mut app = App::new(stack, DEMO.into(), None, what_if, false, theme);
    send(&mut app, [Msg::Resize(120, 40), Msg::Help]);
    for cell in draw(&app, 120, 40).buffer().content() {
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
}

#[test]
fn stack_text_cannot_reach_the_terminal_unescaped() {
    // TOML escapes, so the loaded names hold the raw control characters.
    let text = DEMO
        .replace(
            "name = \"Brightpath CRM\"",
            r#"name = "Bright\u001b]0;pwned\u0007path\u202e""#,
        )
        .replace("service = \"CRM\"", r#"service = "C\u001b[2JRM""#);
    let stack = crate::stack::load_str(&text, "evil.toml", None).expect("names may hold anything");
    let mut app = app_on(stack, text, None);
    app.update(Msg::Search);
    send(&mut app, typed("brightpath"));
    send(&mut app, [Msg::Submit]);
    let screen = text_of(&draw(&app, 120, 40));
    for c in screen.chars() {
        assert!(
            !crate::text::needs_escape(c) || c == '\n',
            "{c:?} reached the screen"
        );
    }
    assert!(screen.contains("\\u{001B}"), "{screen}");
}

#[test]
fn the_mouse_selects_rows_and_controls_and_the_wheel_scrolls() {
    let mut app = demo();
    // Row 3 of the tree is drawn on screen row 4 (below the border), in the left pane.
    app.update(Msg::Click(5, 4));
    assert_eq!(app.row().0, 3);
    assert_eq!(app.focus(), Pane::Tree);
    let rows = app.tree().rows().len();
    app.update(Msg::Click(5, 4));
    assert!(
        app.tree().rows().len() < rows,
        "a click on the selected row folds it"
    );
    // A requirement's line in the pane, as the tree's preview draws it: the click selects that
    // requirement, with the whole list and its explanations now shown.
    app.update(Msg::Click(5, 1));
    let screen = text_of(&draw(&app, 120, 40));
    let y = screen
        .lines()
        .position(|l| l.contains("KEY-BYOK"))
        .expect("a requirement line") as u16;
    app.update(Msg::Click(70, y));
    assert_eq!(app.focus(), Pane::Details);
    assert_eq!(app.inspect().items[app.item()].id, "KEY-BYOK");
    let clicked = app.item();
    app.update(Msg::Wheel(true, 70, y));
    assert!(app.item() < clicked, "the wheel scrolls up the list");
    app.update(Msg::Wheel(false, 70, y));
    assert_eq!(app.item(), clicked);
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
    app.update(Msg::Search);
    send(&mut app, typed("x"));
    send(&mut app, [Msg::Submit]);
    let screen = text_of(&draw(&app, 80, 24));
    assert!(screen.contains("0 gaps"), "{screen}");
}

// ----- odd sizes ---------------------------------------------------------------------------

#[test]
fn every_tiny_size_renders_without_panic() {
    let mut app = demo();
    for w in 0..=20 {
        for h in 0..=5 {
            app.update(Msg::Resize(w, h));
            let backend = draw(&app, w, h);
            // TestBackend cannot print a zero-width buffer; drawing into it is what is tested.
            let screen = if w > 0 {
                text_of(&backend)
            } else {
                String::new()
            };
            if w >= 20 && h >= 5 {
                assert!(screen.contains("too small"), "{screen}");
            }
        }
    }
    for mode in [Msg::Help, Msg::Close, Msg::Search] {
        app.update(mode);
        for (w, h) in [(0, 0), (1, 1), (20, 5), (39, 11), (40, 12)] {
            app.update(Msg::Resize(w, h));
            draw(&app, w, h);
        }
    }
    // The other listings, the "computing" frame and the accept prompt, at the smallest sizes.
    let steps = [
        vec![Msg::Close, Msg::Close, Msg::Controls],
        vec![Msg::Toggle, Msg::Down],
        vec![Msg::Controls, Msg::BlastRadius],
        vec![Msg::Compute, Msg::Down],
        vec![Msg::BlastRadius, Msg::SwitchPane, Msg::Accept],
    ];
    for msgs in steps {
        for m in msgs {
            app.update(m);
        }
        for (w, h) in [(1, 1), (20, 5), (40, 12), (41, 13)] {
            app.update(Msg::Resize(w, h));
            draw(&app, w, h);
        }
    }
}

#[test]
fn a_resize_storm_with_keys_in_between_never_panics() {
    let mut app = demo();
    let mut terminal = Terminal::new(TestBackend::new(1, 1)).expect("a test terminal");
    let keys = [
        Msg::Down,
        Msg::SwitchPane,
        Msg::Down,
        Msg::Zoom,
        Msg::Help,
        Msg::Close,
        Msg::ExpandAll,
        Msg::Bottom,
        Msg::Filter,
    ];
    // A deterministic walk through sizes, small and large, including the layout thresholds.
    let mut seed: u32 = 7;
    for step in 0..400 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let w = ((seed >> 8) % 220) as u16;
        let h = ((seed >> 20) % 70) as u16;
        terminal.backend_mut().resize(w, h);
        app.update(Msg::Resize(w, h));
        app.update(keys[step % keys.len()].clone());
        terminal.draw(|f| view::draw(f, &app)).expect("drawing");
    }
    for (w, h) in [(99, 30), (100, 30), (40, 12), (39, 12), (40, 11)] {
        terminal.backend_mut().resize(w, h);
        app.update(Msg::Resize(w, h));
        terminal.draw(|f| view::draw(f, &app)).expect("drawing");
    }
}

// ----- trust over time, accepted risks, templates, control and blast radius views ----------

/// The healthcare sample (expiry, accepts, templates), opened from a temporary copy.
fn healthcare_file() -> (tempfile::TempDir, PathBuf, App) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("healthcare.toml");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/healthcare-records.toml");
    std::fs::copy(sample, &path).expect("the sample copies");
    let (stack, text) = super::app::read_stack(&path).expect("the sample loads");
    let app = app_on(stack, text, Some(path.clone()));
    (dir, path, app)
}

/// Selects the tree row of the hand-off `consumer → provider` (it must be listed).
fn select_handoff(app: &mut App, consumer: &str, provider: &str) {
    if app.focus() == Pane::Details {
        app.update(Msg::SwitchPane);
    }
    let stack = app.shown();
    let at = app
        .tree()
        .rows()
        .iter()
        .position(|r| {
            r.handoff.is_some_and(|h| {
                let h = stack.handoff(h);
                stack.party(h.consumer).id == consumer && stack.party(h.provider).id == provider
            })
        })
        .unwrap_or_else(|| panic!("no row for {consumer} → {provider}"));
    app.update(Msg::Top);
    for _ in 0..at {
        app.update(Msg::Down);
    }
}

#[test]
fn brackets_move_the_analysis_date_by_a_month_and_show_what_expired() {
    let (_dir, _path, mut app) = healthcare_file();
    select_handoff(&mut app, "aldhelm", "carevault");
    select_control(&mut app, "ENC-REST");
    let item = &app.inspect().items[app.item()];
    assert!(item.evidence.starts_with("expired"), "{item:?}");
    assert!(
        item.why.iter().any(|w| w.contains("expired on 2026-09-30")),
        "{item:?}"
    );
    // Back to before the bridge letter ran out: the evidence counts again.
    send(&mut app, [Msg::ShiftAsOf(-1), Msg::ShiftAsOf(-1)]);
    assert_eq!(app.what_if().as_of.to_string(), "2026-09-28");
    let item = &app.inspect().items[app.item()];
    assert_eq!(item.evidence, "attested", "{item:?}");
    assert!(item.severity.is_none(), "{item:?}");
    assert_consistent(&app);
    assert_eq!(app.unsaved(), 0, "a what-if is not an edit");
    send(&mut app, [Msg::Undo, Msg::Undo]);
    assert_eq!(app.what_if().as_of, as_of());
    app.update(Msg::ShiftAsOf(1));
    assert_eq!(app.what_if().as_of.to_string(), "2026-12-28");
    assert!(matches!(app.notice(), Some(Notice::Info(n)) if n.contains("2026-12-28")));
}

#[test]
fn accepting_a_gap_asks_why_dims_it_and_saves_an_accept_that_reanalyses_the_same() {
    let (_dir, path, mut app) = healthcare_file();
    select_handoff(&mut app, "carevault", "meridianhost");
    app.update(Msg::SwitchPane);
    app.update(Msg::Top);
    let item = app.inspect().items[0].clone();
    assert_eq!(
        item.severity,
        Some(crate::analysis::Severity::Gap),
        "{item:?}"
    );
    assert!(!item.accepted);
    let open_before = app.report().counts();

    // Esc cancels; an empty reason is refused.
    app.update(Msg::Accept);
    assert!(matches!(
        app.mode(),
        Mode::Ask(Question::AcceptReason { .. })
    ));
    app.update(Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
    send(&mut app, [Msg::Accept, Msg::Input(' '), Msg::Submit]);
    assert!(matches!(
        app.mode(),
        Mode::Ask(Question::AcceptReason { .. })
    ));
    assert!(matches!(app.notice(), Some(Notice::Error(_))));
    send(&mut app, typed("DR drill booked for Q1"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(app.unsaved(), 1);
    assert_consistent(&app);
    let it = app
        .inspect()
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
    assert_eq!(app.report().counts().accepted, open_before.accepted + 1);
    // The row still counts the gap, but none is open there.
    let row = &app.tree().rows()[app.row().0];
    assert_eq!(
        app.tally().open_of_row(row)[0] + 1,
        app.tally().of_row(row)[0]
    );

    // Undo takes it back, redo brings it again.
    app.update(Msg::Undo);
    assert_eq!(app.unsaved(), 0);
    assert_eq!(app.report().counts(), open_before);
    app.update(Msg::Redo);
    assert_eq!(app.unsaved(), 1);
    assert_consistent(&app);
    // A second accept is a second edited place.
    select_handoff(&mut app, "aldhelm", "carevault");
    select_control(&mut app, "BACKUP");
    send(&mut app, [Msg::Accept]);
    send(&mut app, typed("the nightly export stays as a second copy"));
    send(&mut app, [Msg::Submit]);
    assert_eq!(app.unsaved(), 2);

    send(&mut app, [Msg::Save]);
    assert_eq!(app.unsaved(), 0, "{:?}", app.notice());
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(saved.contains("DR drill booked for Q1"), "{saved}");
    assert_reanalyses_to(&path, &app);
    let (again, _) = super::app::read_stack(&path).expect("the saved file loads");
    let fresh = analyse(&again, app.what_if());
    assert_eq!(fresh.counts(), app.report().counts());
}

#[test]
fn a_covered_control_has_nothing_to_accept() {
    let mut app = demo();
    app.update(Msg::SwitchPane);
    let covered = app
        .inspect()
        .items
        .iter()
        .position(|i| i.severity.is_none())
        .expect("a covered control on the first hand-off");
    for _ in 0..covered {
        app.update(Msg::Down);
    }
    app.update(Msg::Accept);
    assert_eq!(*app.mode(), Mode::Browse);
    assert!(matches!(app.notice(), Some(Notice::Info(n)) if n.contains("no open")));
    assert_eq!(app.unsaved(), 0);
}

#[test]
fn entries_from_a_template_are_marked_and_listed_ones_are_not() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/templates.toml");
    let (stack, text) = super::app::read_stack(&path).expect("the fixture loads");
    let mut app = app_on(stack, text, None);
    select_handoff(&mut app, "cust", "cloud");
    let items = &app.inspect().items[..app.inspect().requirements_at];
    let by_id = |id: &str| items.iter().find(|i| i.id == id).expect("listed");
    assert_eq!(by_id("BACKUP-TEST").template, None);
    assert!(!by_id("BACKUP-TEST").agreed.ends_with(" T"));
    let templated = by_id("PHYS-ACCESS");
    assert_eq!(templated.template, Some("iaas"));
    assert_eq!(templated.agreed, "provider T");
    select_control(&mut app, "PHYS-ACCESS");
    let screen = text_of(&draw(&app, 120, 40));
    assert!(screen.contains("provider T"), "{screen}");
    assert!(screen.contains("iaas responsibility template"), "{screen}");
}

#[test]
fn the_control_view_lists_controls_with_findings_first_and_enter_goes_to_the_place() {
    let (_dir, _path, mut app) = healthcare_file();
    app.update(Msg::Controls);
    assert_eq!(app.listing(), Listing::Controls);
    let lines = app.control_lines().to_vec();
    let with = lines.iter().take_while(|l| l.counts != [0, 0]).count();
    assert!(with > 0);
    assert!(lines[with..].iter().all(|l| l.counts == [0, 0]));
    for l in &lines {
        let fs = &app.report().by_control[l.control as usize];
        assert_eq!((l.counts[0] + l.counts[1]) as usize, fs.len());
    }
    // Breach notification's question, for BCP-DR: every place it breaks, with the chain.
    let bcp = app.shown().control_id("BCP-DR").expect("in the catalog");
    let at = lines.iter().position(|l| l.control == bcp).expect("listed");
    for _ in 0..at {
        app.update(Msg::Down);
    }
    let places: Vec<_> = app.report().by_control[bcp as usize]
        .iter()
        .filter_map(|f| f.handoff())
        .collect();
    let items = app.inspect().items.clone();
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

    app.update(Msg::Toggle);
    assert_eq!(app.focus(), Pane::Details);
    app.update(Msg::Down);
    let want = items[1].target;
    app.update(Msg::Toggle);
    assert_eq!(app.listing(), Listing::Tree);
    let row = &app.tree().rows()[app.row().0];
    let super::inspect::Target::Entry { handoff, .. } = want else {
        panic!("a hand-off place")
    };
    assert_eq!(row.handoff, Some(handoff));
    assert_eq!(app.inspect().items[app.item()].control, bcp);

    // c twice, and Esc, go back to the tree.
    send(&mut app, [Msg::Controls, Msg::Controls]);
    assert_eq!(app.listing(), Listing::Tree);
    send(&mut app, [Msg::Controls, Msg::Close]);
    assert_eq!(app.listing(), Listing::Tree);
}

#[test]
fn the_control_view_follows_edits() {
    let mut app = demo();
    app.update(Msg::Controls);
    let first = app.control_lines()[0];
    send(&mut app, [Msg::Toggle, Msg::Implements(Side::Provider)]);
    assert_consistent(&app);
    let now = app
        .control_lines()
        .iter()
        .find(|l| l.control == first.control)
        .copied()
        .expect("still listed");
    let fs = &app.report().by_control[first.control as usize];
    assert_eq!((now.counts[0] + now.counts[1]) as usize, fs.len());
    assert_eq!(app.listing(), Listing::Controls);
    assert_eq!(app.unsaved(), 1);
}

#[test]
fn the_blast_radius_view_ranks_parties_and_enter_goes_to_the_party() {
    let (_dir, _path, mut app) = healthcare_file();
    app.update(Msg::BlastRadius);
    assert!(app.busy(), "computed after a frame that says so");
    assert!(text_of(&draw(&app, 120, 40)).contains("computing"));
    app.update(Msg::Compute);
    assert!(!app.busy());
    let want = crate::analysis::blast_radius(app.shown(), app.what_if());
    assert_eq!(app.blast(), want.as_slice());
    assert!(
        app.blast()
            .windows(2)
            .all(|w| w[0].gaps_added >= w[1].gaps_added)
    );
    assert!(app.inspect().facts[0].contains("more places would be gaps"));
    app.update(Msg::Down);
    let party = app.blast()[1].party;
    app.update(Msg::Toggle);
    assert_eq!(app.listing(), Listing::Tree);
    assert_eq!(app.tree().rows()[app.row().0].party, party);

    // It follows what-ifs, recomputed after a "computing" frame, keeping the selection.
    send(&mut app, [Msg::BlastRadius, Msg::Down]);
    let selected = app.blast()[1].party;
    app.update(Msg::ShiftAsOf(-3));
    assert!(app.busy());
    app.update(Msg::Compute);
    let want = crate::analysis::blast_radius(app.shown(), app.what_if());
    assert_eq!(app.blast(), want.as_slice());
    assert_eq!(app.blast()[app.line().0].party, selected);
    send(&mut app, [Msg::BlastRadius]);
    assert_eq!(app.listing(), Listing::Tree);
}

#[test]
fn y_copies_the_selected_finding_as_one_line_of_markdown() {
    let (_dir, _path, mut app) = healthcare_file();
    select_handoff(&mut app, "aldhelm", "carevault");
    select_control(&mut app, "BCP-DR");
    app.update(Msg::Copy);
    let text = app.take_copy().expect("something to copy");
    assert_eq!(
        text,
        "**gap** broken-chain BCP-DR (Disaster Recovery) at aldhelm → carevault (EHR), \
         provider side: carevault hands BCP-DR on, but the chain carevault → meridianhost → \
         ng-south ends at ng-south (root cause: implements nothing, hands nothing on)"
    );
    assert!(!text.contains('\n'));
    assert!(matches!(app.notice(), Some(Notice::Info(n)) if n.starts_with("copied")));
    assert_eq!(app.take_copy(), None, "copied once");

    // An accepted one says so; a covered control has nothing to copy.
    select_control(&mut app, "LOG-ACCESS");
    app.update(Msg::Copy);
    let text = app.take_copy().expect("something to copy");
    assert!(text.contains(" — accepted: Privacy office"), "{text}");
    select_control(&mut app, "BACKUP-TEST");
    app.update(Msg::Copy);
    assert_eq!(app.take_copy(), None);
}

#[test]
fn copied_markdown_escapes_what_the_stack_file_says() {
    let text = DEMO.replacen("id = \"brightpath\"", "id = \"bright*path_[x](y)\"", 1);
    let text = text.replace("\"brightpath\"", "\"bright*path_[x](y)\"");
    let stack = crate::stack::load_str(&text, "demo.toml", None).expect("still loads");
    let mut app = app_on(stack, text, None);
    app.update(Msg::SwitchPane);
    app.update(Msg::Copy);
    let copied = app.take_copy().expect("the first hand-off has a finding");
    assert!(copied.contains(r"bright\*path\_\[x\](y)"), "{copied}");
    assert!(!copied.contains("bright*path"), "{copied}");
}

#[test]
fn a_partys_own_requirement_finding_can_be_accepted_and_saved() {
    let (_dir, path, mut app) = healthcare_file();
    app.update(Msg::Top);
    assert_eq!(app.tree().rows()[0].handoff, None, "a root row");
    app.update(Msg::SwitchPane);
    let at = app
        .inspect()
        .items
        .iter()
        .position(|i| {
            matches!(i.target, super::inspect::Target::Requirement { .. })
                && i.severity.is_some()
                && !i.status.contains("at hand-off")
        })
        .expect("the root has a finding of its own");
    for _ in 0..at {
        app.update(Msg::Down);
    }
    send(&mut app, [Msg::Accept]);
    send(&mut app, typed("residual risk signed off by the board"));
    send(&mut app, [Msg::Submit]);
    assert!(
        app.inspect().items[app.item()].accepted,
        "{:?}",
        app.inspect().items[app.item()]
    );
    assert_consistent(&app);
    send(&mut app, [Msg::Save]);
    assert_eq!(app.unsaved(), 0, "{:?}", app.notice());
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(saved.contains("party = \"aldhelm\""), "{saved}");
    assert_reanalyses_to(&path, &app);
}

#[test]
fn x_in_the_blast_radius_view_switches_the_listed_party_off() {
    let mut app = demo();
    send(&mut app, [Msg::BlastRadius, Msg::Down]);
    let party = app.blast()[1].party;
    send(&mut app, [Msg::SwitchOff]);
    assert!(app.what_if().is_off(party));
    assert_eq!(app.listing(), Listing::BlastRadius);
    let b = app
        .blast()
        .iter()
        .find(|b| b.party == party)
        .expect("listed");
    assert_eq!(b.gaps_added, 0, "already off: nothing more to lose");
}

// ----- evidence documents ------------------------------------------------------------------

/// The evidence-documents scenario (documents, refs, one document expiring in 48 days) copied
/// to a temporary folder and opened from there.
fn documents_file() -> (tempfile::TempDir, PathBuf, App) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("documents.toml");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/evidence-documents.toml");
    std::fs::copy(sample, &path).expect("the scenario copies");
    let (stack, text) = super::app::read_stack(&path).expect("the scenario loads");
    let app = app_on(stack, text, Some(path.clone()));
    (dir, path, app)
}

#[test]
fn an_entry_shows_its_ref_and_the_documents_it_cites() {
    let (_dir, _path, mut app) = documents_file();
    select_handoff(&mut app, "c", "p");
    select_control(&mut app, "A");
    let item = &app.inspect().items[app.item()];
    assert_eq!(item.evidence, "soc2-2026", "{item:?}");
    assert!(item.why.iter().any(|w| w == "ref: MSA-7.2"), "{item:?}");
    assert!(
        item.why.iter().any(|w| w.starts_with("evidence soc2-2026 · SOC 2 Type II 2026 · attested · by Example Audit LLP · expires 2027-01-15")),
        "{item:?}"
    );
    // A lapsed document reads as expired, and the why names it.
    select_control(&mut app, "B");
    let item = &app.inspect().items[app.item()];
    assert_eq!(item.evidence, "expired: soc2-2025", "{item:?}");
    assert!(
        item.why
            .iter()
            .any(|w| w
                .contains("evidence document soc2-2025, cited by c → p, expired on 2026-10-31")),
        "{item:?}"
    );
    assert!(
        text_of(&draw(&app, 120, 40)).contains("1 document expires within 60 days (E)"),
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
    app.update(Msg::Cycle(Field::Evidence));
    assert_eq!(
        app.inspect().items[app.item()].evidence,
        "expired: soc2-2025"
    );
    app.update(Msg::Cycle(Field::Evidence));
    assert_eq!(app.inspect().items[app.item()].evidence, "(contract)");
    app.update(Msg::Cycle(Field::Evidence));
    assert_eq!(app.inspect().items[app.item()].evidence, "none");
    for _ in 0..4 {
        app.update(Msg::Cycle(Field::Evidence));
    }
    assert_eq!(app.inspect().items[app.item()].evidence, "soc2-2026");
    app.update(Msg::Cycle(Field::Evidence));
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
    app.update(Msg::Cycle(Field::Evidence));
    assert_eq!(app.inspect().items[app.item()].evidence, "none");
    send(&mut app, [Msg::Undo]);
    assert_eq!(
        app.inspect().items[app.item()].evidence,
        "expired: soc2-2025, contract",
        "undo brings the array back"
    );
}

#[test]
fn the_expiring_view_lists_documents_and_jumps_to_what_rests_on_them() {
    let (_dir, _path, mut app) = documents_file();
    app.update(Msg::Expiring);
    assert_eq!(app.listing(), Listing::Expiring);
    let screen = text_of(&draw(&app, 120, 40));
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
    app.update(Msg::Toggle);
    assert_eq!(app.focus(), Pane::Details);
    let ids: Vec<&str> = app
        .inspect()
        .items
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids[2].starts_with("consumer-owned"), "{ids:?}");
    // Enter again: to that entry in the tree.
    app.update(Msg::Down);
    let want = app.inspect().items[app.item()].control;
    app.update(Msg::Toggle);
    assert_eq!(app.listing(), Listing::Tree);
    let item = &app.inspect().items[app.item()];
    assert_eq!(item.control, want);
    assert_eq!(item.id, "E");
    // A window of days moved past the expiry: nothing left to list, and the view says why.
    app.update(Msg::Expiring);
    send(&mut app, [Msg::ShiftAsOf(3)]);
    let screen = text_of(&draw(&app, 120, 40));
    assert!(
        screen.contains("nothing in force expires between 2027-02-28"),
        "{screen}"
    );
    assert!(!screen.contains("expire within 60 days (E)"), "{screen}");
}
