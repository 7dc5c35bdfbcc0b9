//! The stack file: saving (and never overwriting by surprise), quitting with unsaved edits,
//! read-only, and changes made on disk by someone else.

use super::*;
use crate::stack::Owner;

#[test]
fn quitting_asks_only_when_edits_are_unsaved() {
    let mut app = demo();
    assert!(step(&mut app, Msg::Quit).quit);

    let mut app = demo();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    assert!(!step(&mut app, Msg::Quit).quit);
    assert_eq!(*app.mode(), Mode::Ask(Question::Quit));
    step(&mut app, Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
    step(&mut app, Msg::Interrupt);
    assert_eq!(*app.mode(), Mode::Ask(Question::Quit));
    assert!(
        step(&mut app, Msg::Interrupt).quit,
        "a second Ctrl-c quits without saving"
    );

    let mut app = demo();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    assert!(send(&mut app, [Msg::Quit, Msg::Answer(false)]).quit);
}

#[test]
fn saving_the_demo_asks_for_a_new_file_and_never_overwrites_one() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let taken = dir.path().join("taken.toml");
    std::fs::write(&taken, "keep me").expect("writable");
    let mut app = demo();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    assert!(matches!(app.mode(), Mode::Ask(Question::SaveAs { .. })));
    send(&mut app, typed(&taken.display().to_string()));
    send(&mut app, [Msg::Submit]);
    assert!(matches!(app.screen().notice, Some(Notice::Error(e)) if e.contains("exists")));
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
    assert_eq!(
        app.screen().path,
        Some(saved.as_path()),
        "{:?}",
        app.screen().notice
    );
    assert_eq!(app.screen().unsaved, 0);
    assert_reanalyses_to(&saved, &app);
}

#[test]
fn saving_writes_only_the_edit_and_asks_when_the_file_changed_on_disk() {
    let (_dir, path, mut app) = demo_file();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    // A frame says the save is under way before the (on a big stack, slow) write.
    step(&mut app, Msg::Save);
    assert!(app.busy());
    assert!(
        text_of(&draw(&mut app, 120, 40)).contains("saving "),
        "{:?}",
        app.screen().notice
    );
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), DEMO);
    step(&mut app, Msg::Compute);
    assert_eq!(app.screen().unsaved, 0, "{:?}", app.screen().notice);
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
    step(&mut app, Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    assert_eq!(*app.mode(), Mode::Ask(Question::Overwrite));
    step(&mut app, Msg::Answer(false));
    assert_eq!(app.screen().unsaved, 1);
    assert!(
        std::fs::read_to_string(&path)
            .expect("there")
            .contains("# edited elsewhere")
    );
    send(&mut app, [Msg::Save]);
    send(&mut app, [Msg::Answer(true)]);
    assert_eq!(app.screen().unsaved, 0, "{:?}", app.screen().notice);
    assert_reanalyses_to(&path, &app);
}

#[test]
fn a_failed_save_shows_why_and_keeps_the_edits() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A folder that does not exist fails even for root, unlike a read-only one.
    let target = dir.path().join("no-such-folder").join("stack.toml");
    let mut app = demo();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    send(&mut app, typed(&target.display().to_string()));
    send(&mut app, [Msg::Submit]);
    assert!(
        matches!(app.screen().notice, Some(Notice::Error(e)) if e.contains("cannot save")),
        "{:?}",
        app.screen().notice
    );
    assert_eq!(app.screen().unsaved, 1, "the edits are still there");
    assert_eq!(app.screen().path, None);
    assert!(!target.exists());
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(screen.contains("error: cannot save"), "{screen}");
}

#[test]
fn read_only_refuses_to_save() {
    let (_dir, path, app) = demo_file();
    let stack = app.screen().stack.clone();
    let what_if = WhatIf::new(&stack, as_of());
    let mut app = App::new(stack, DEMO.into(), Some(path.clone()), what_if, true, PLAIN);
    step(&mut app, Msg::Resize(120, 40));
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    send(&mut app, [Msg::Save]);
    assert!(matches!(app.screen().notice, Some(Notice::Info(t)) if t.contains("read-only")));
    assert_eq!(std::fs::read_to_string(&path).expect("there"), DEMO);
}

#[test]
fn outside_changes_reload_live_keeping_the_selection_or_ask_over_edits() {
    let (_dir, path, mut app) = demo_file();
    let title = app.screen().inspect.title.clone();
    // An outside edit: brightpath starts backing up customer data.
    let edited = DEMO.replace(
        "implements = [\"IAM-SSO\", \"LOG-AUDIT\", \"PATCH-APP\", \"CHANGE-MGMT\"]",
        "implements = [\"IAM-SSO\", \"LOG-AUDIT\", \"PATCH-APP\", \"CHANGE-MGMT\", \"BREACH-NOTIFY\"]",
    );
    assert_ne!(edited, DEMO);
    std::fs::write(&path, &edited).expect("writable");
    step(&mut app, Msg::FileChanged);
    assert_eq!(app.screen().inspect.title, title, "selection kept");
    assert!(app.screen().report.counts().gaps < 10);
    assert_consistent(&app);

    // With unsaved edits, it asks instead.
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    std::fs::write(&path, DEMO).expect("writable");
    step(&mut app, Msg::FileChanged);
    assert_eq!(*app.mode(), Mode::Ask(Question::ExternalChange));
    // More events for the same change while asking do not ask twice.
    step(&mut app, Msg::FileChanged);
    step(&mut app, Msg::Answer(false));
    assert_eq!(*app.mode(), Mode::Browse);
    assert_eq!(app.screen().unsaved, 1);
    // A change seen while the help is open is asked about when it closes.
    step(&mut app, Msg::Help);
    std::fs::write(&path, format!("{DEMO}\n# again\n")).expect("writable");
    step(&mut app, Msg::FileChanged);
    assert!(matches!(app.mode(), Mode::Help { .. }));
    step(&mut app, Msg::Close);
    assert_eq!(*app.mode(), Mode::Ask(Question::ExternalChange));
    step(&mut app, Msg::Close);

    // A broken file keeps the last good stack and says where it is broken.
    step(&mut app, Msg::Undo);
    std::fs::write(&path, "[stack]\nname = \"x\"\nbogus = 1\n").expect("writable");
    step(&mut app, Msg::FileChanged);
    match app.screen().notice {
        Some(Notice::Error(e)) => assert!(e.contains(":3:1"), "{e}"),
        other => panic!("no error shown: {other:?}"),
    }
    assert!(
        app.screen().report.counts().gaps > 0,
        "the last good stack stays"
    );
}

#[test]
fn reload_asks_over_unsaved_edits_and_starts_a_new_history() {
    let (_dir, _path, mut app) = demo_file();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    step(&mut app, Msg::Reload);
    assert_eq!(*app.mode(), Mode::Ask(Question::Reload));
    send(&mut app, [Msg::Answer(true)]);
    assert_eq!(app.screen().unsaved, 0);
    step(&mut app, Msg::Undo);
    assert!(matches!(app.screen().notice, Some(Notice::Info(t)) if t.contains("nothing to undo")));
}

#[test]
fn update_asks_for_the_disk_and_never_touches_it() {
    // A file that cannot exist: every step below is `update` alone, answered by hand.
    let path = PathBuf::from("/nonexistent/stackgap/demo.toml");
    let mut app = app_on(load_demo(), DEMO.to_string(), Some(path.clone()));
    select_control(&mut app, "BACKUP");
    assert!(app.update(Msg::Cycle(Field::Assumed)).is_empty());
    let checked = |changed| Msg::Checked {
        path: path.clone(),
        purpose: Purpose::Save,
        changed,
    };

    // `w` asks whether the file changed on disk; it did not: a frame says "saving", then the
    // next `Compute` hands over the new text to write.
    assert!(matches!(
        app.update(Msg::Save).as_slice(),
        [Effect::Disk(Disk::Check {
            purpose: Purpose::Save,
            ..
        })]
    ));
    assert!(app.update(checked(Ok(false))).is_empty());
    assert!(app.busy());
    assert!(text_of(&draw(&mut app, 120, 40)).contains("saving "));
    let effects = app.update(Msg::Compute);
    let [Effect::Disk(Disk::Write { path: to, text })] = effects.as_slice() else {
        panic!("a write, not {effects:?}");
    };
    assert_eq!(to, &path);
    assert_eq!(text.lines().count(), DEMO.lines().count());

    // The write failed: the edit stays unsaved and the error is shown.
    let failed = Msg::Written {
        path: path.clone(),
        text: text.clone(),
        result: Err("cannot save: disk full".into()),
    };
    assert!(app.update(failed).is_empty());
    assert_eq!(app.screen().unsaved, 1);
    assert!(matches!(app.screen().notice, Some(Notice::Error(e)) if e.contains("disk full")));

    // Quitting asks; "save" saves, and once written the explorer quits.
    assert!(app.update(Msg::Quit).is_empty());
    assert_eq!(app.update(Msg::Answer(true)).len(), 1, "a check first");
    assert!(app.update(checked(Ok(false))).is_empty());
    let effects = app.update(Msg::Compute);
    let [Effect::Disk(Disk::Write { text, .. })] = effects.as_slice() else {
        panic!("a write, not {effects:?}");
    };
    let written = Msg::Written {
        path: path.clone(),
        text: text.clone(),
        result: Ok(()),
    };
    assert_eq!(app.update(written), [Effect::Quit]);
    assert_eq!(app.screen().unsaved, 0);
    assert_eq!(app.screen().path, Some(path.as_path()));
}

const BACKUP: &str = r#"BACKUP = { agreed = "consumer", assumed = "provider" }"#;
const BACKUP_THEIRS: &str = r#"BACKUP = { agreed = "shared", assumed = "provider" }"#;
const IMPLEMENTS: &str = r#"implements = ["IAM-SSO", "LOG-AUDIT", "PATCH-APP", "CHANGE-MGMT"]"#;
const IMPLEMENTS_THEIRS: &str =
    r#"implements = ["IAM-SSO", "LOG-AUDIT", "PATCH-APP", "CHANGE-MGMT", "BREACH-NOTIFY"]"#;

/// The northwind → brightpath BACKUP entry of a stack.
fn backup(stack: &Stack) -> &crate::stack::Entry {
    let h = stack
        .handoff_by_ids("northwind", "brightpath", Some("CRM"))
        .expect("the hand-off");
    let control = stack.control_id("BACKUP").expect("the control");
    stack
        .handoff(h)
        .entries
        .iter()
        .find(|e| e.control == control)
        .expect("the entry")
}

/// The demo opened from a file, BACKUP's assumed owner cycled, then the file changed on disk
/// to `outside`: the edits are kept, `w` finds the file changed and asks, and `y` says to save
/// onto it. Returns the assumed owner the edit set.
fn edit_change_outside_and_save(outside: &str) -> (tempfile::TempDir, PathBuf, App, Option<Owner>) {
    let (dir, path, mut app) = demo_file();
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Assumed));
    let mine = backup(app.screen().stack).assumed;
    assert_ne!(mine, Some(Owner::Provider));
    std::fs::write(&path, outside).expect("writable");
    step(&mut app, Msg::FileChanged);
    assert_eq!(*app.mode(), Mode::Ask(Question::ExternalChange));
    step(&mut app, Msg::Answer(false));
    send(&mut app, [Msg::Save]);
    assert_eq!(*app.mode(), Mode::Ask(Question::Overwrite));
    send(&mut app, [Msg::Answer(true)]);
    (dir, path, app, mine)
}

fn info(app: &App) -> String {
    match &app.screen().notice {
        Some(Notice::Info(t)) => t.clone(),
        other => panic!("no information shown: {other:?}"),
    }
}

fn error(app: &App) -> String {
    match &app.screen().notice {
        Some(Notice::Error(t)) => t.clone(),
        other => panic!("no error shown: {other:?}"),
    }
}

#[test]
fn keeping_my_edits_then_saving_applies_them_onto_the_file_as_it_now_is() {
    // Before, "keep my edits", `w` and "overwrite" wrote the old text with the edit, silently
    // reverting the change made on disk.
    let outside = DEMO.replace(IMPLEMENTS, IMPLEMENTS_THEIRS);
    let (_dir, path, app, mine) = edit_change_outside_and_save(&outside);
    let saved = std::fs::read_to_string(&path).expect("saved");
    let changed: Vec<&str> = DEMO
        .lines()
        .zip(saved.lines())
        .filter(|(a, b)| a != b)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(DEMO.lines().count(), saved.lines().count());
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert!(changed.contains(&IMPLEMENTS_THEIRS), "theirs: {changed:#?}");
    assert!(
        changed.iter().any(|l| l.starts_with("BACKUP = ")),
        "mine: {changed:#?}"
    );
    let (stack, _) = crate::stack::read_stack(&path).expect("the saved file loads");
    assert_eq!(backup(&stack).assumed, mine);
    assert_eq!(app.screen().unsaved, 0);
    let said = info(&app);
    assert!(
        said.contains("saved") && said.contains("(1 edited place, onto the changes made on disk)"),
        "{said}"
    );
    // The screen shows what was saved: the change made on disk included.
    assert_reanalyses_to(&path, &app);
    assert_consistent(&app);
}

#[test]
fn an_entry_changed_on_both_sides_asks_and_each_answer_does_what_it_says() {
    let outside = DEMO
        .replace(BACKUP, BACKUP_THEIRS)
        .replace(IMPLEMENTS, IMPLEMENTS_THEIRS);
    for answer in [Msg::Answer(true), Msg::Answer(false), Msg::Close] {
        let (_dir, path, mut app, mine) = edit_change_outside_and_save(&outside);
        match app.mode() {
            Mode::Ask(Question::Conflict { places }) => {
                assert_eq!(places.len(), 1, "{places:?}");
                assert!(
                    places[0].contains("northwind → brightpath") && places[0].contains("BACKUP"),
                    "{places:?}"
                );
            }
            m => panic!("asks which to keep, not {m:?}"),
        }
        assert!(
            text_of(&draw(&mut app, 80, 24)).contains("y keep mine"),
            "the question is on screen"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("there"),
            outside,
            "nothing written while asking"
        );
        send(&mut app, [answer.clone()]);
        assert_eq!(*app.mode(), Mode::Browse);
        let saved = std::fs::read_to_string(&path).expect("there");
        let (stack, _) = crate::stack::read_stack(&path).expect("loads");
        let entry = backup(&stack);
        match answer {
            Msg::Answer(true) => {
                // Mine: the entry's owners as the explorer showed them.
                assert_eq!((entry.agreed, entry.assumed), (Some(Owner::Consumer), mine));
                assert!(saved.contains(IMPLEMENTS_THEIRS), "theirs elsewhere kept");
                assert_eq!(app.screen().unsaved, 0);
                assert!(
                    info(&app).contains("yours kept at 1 place changed there too"),
                    "{}",
                    info(&app)
                );
                assert_reanalyses_to(&path, &app);
            }
            Msg::Answer(false) => {
                // Theirs: the only edit is dropped, so the file stays as it is on disk.
                assert_eq!(saved, outside);
                assert_eq!(app.screen().unsaved, 0);
                assert!(
                    info(&app).contains("kept the disk's version at 1 place")
                        && info(&app).contains("nothing was written"),
                    "{}",
                    info(&app)
                );
                assert_eq!(
                    (
                        backup(app.screen().stack).agreed,
                        backup(app.screen().stack).assumed
                    ),
                    (Some(Owner::Shared), Some(Owner::Provider)),
                    "the screen shows the disk's version"
                );
                assert_reanalyses_to(&path, &app);
            }
            _ => {
                assert_eq!(saved, outside);
                assert_eq!(app.screen().unsaved, 1, "the edit is still open");
                assert!(info(&app).contains("not saved"), "{}", info(&app));
            }
        }
        assert_consistent(&app);
    }
}

#[test]
fn an_edited_place_gone_from_disk_or_a_file_that_no_longer_loads_is_not_written() {
    for (outside, says) in [
        (
            DEMO.replace(&format!("{BACKUP}\n"), ""),
            "no longer in the file",
        ),
        (
            "[stack]\nname = \"x\"\nbogus = 1\n".to_string(),
            "does not load",
        ),
    ] {
        let (_dir, path, app, _) = edit_change_outside_and_save(&outside);
        let e = error(&app);
        assert!(e.contains(says) && e.contains("nothing was written"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).expect("there"), outside);
        assert_eq!(app.screen().unsaved, 1, "the edit is still open");
        assert_eq!(*app.mode(), Mode::Browse);
    }
}

#[test]
fn a_broken_file_error_clears_once_it_loads_again_even_restored_byte_for_byte() {
    let (_dir, path, mut app) = demo_file();
    std::fs::write(&path, "[stack]\nname = \"x\"\nbogus = 1\n").expect("writable");
    step(&mut app, Msg::FileChanged);
    assert!(error(&app).contains(":3:1"), "{}", error(&app));
    // Restored to exactly the last good text: the hash matches, and the error still goes.
    std::fs::write(&path, DEMO).expect("writable");
    step(&mut app, Msg::FileChanged);
    assert!(
        info(&app).contains("loads again"),
        "{:?}",
        app.screen().notice
    );
    // Broken again, then fixed to a different good text: reloaded, the error gone too.
    std::fs::write(&path, "[stack]\nname = \"x\"\nbogus = 1\n").expect("writable");
    step(&mut app, Msg::FileChanged);
    error(&app);
    std::fs::write(&path, DEMO.replace(IMPLEMENTS, IMPLEMENTS_THEIRS)).expect("writable");
    step(&mut app, Msg::FileChanged);
    assert!(info(&app).contains("reloaded"), "{:?}", app.screen().notice);
    // An unchanged file with no error on screen says nothing.
    step(&mut app, Msg::Down);
    let checked = Msg::Checked {
        path: path.clone(),
        purpose: Purpose::OutsideChange,
        changed: Ok(false),
    };
    assert!(app.update(checked).is_empty());
    assert_eq!(app.screen().notice, None);
}

#[test]
fn yes_to_saving_over_a_changed_file_reads_it_again_before_writing() {
    // `update` alone: the answer asks for the file as it now is, never for a write.
    let path = PathBuf::from("/nonexistent/stackgap/demo.toml");
    let mut app = app_on(load_demo(), DEMO.to_string(), Some(path.clone()));
    select_control(&mut app, "BACKUP");
    assert!(app.update(Msg::Cycle(Field::Assumed)).is_empty());
    assert_eq!(app.update(Msg::Save).len(), 1, "a check of the file first");
    let changed = Msg::Checked {
        path: path.clone(),
        purpose: Purpose::Save,
        changed: Ok(true),
    };
    assert!(app.update(changed).is_empty());
    assert_eq!(*app.mode(), Mode::Ask(Question::Overwrite));
    assert_eq!(
        app.update(Msg::Answer(true)),
        [Effect::Disk(Disk::Load {
            path,
            purpose: Purpose::Save
        })]
    );
    assert!(!app.busy(), "nothing is written before the file is read");
}

#[test]
fn a_change_on_disk_that_does_not_collide_with_the_edit_asks_nothing() {
    let mine = {
        let mut app = demo();
        select_control(&mut app, "BACKUP");
        step(&mut app, Msg::Cycle(Field::Assumed));
        backup(app.screen().stack).assumed
    };
    let same = match mine {
        Some(o) => format!(
            r#"BACKUP = {{ agreed = "consumer", assumed = "{}" }}"#,
            o.as_str()
        ),
        None => r#"BACKUP = { agreed = "consumer" }"#.to_string(),
    };
    // The same edit made on disk too: nothing is left to write.
    let (_dir, path, app, _) = edit_change_outside_and_save(&DEMO.replace(BACKUP, &same));
    assert_eq!(*app.mode(), Mode::Browse, "no question");
    assert!(
        info(&app).contains("already holds your edits"),
        "{}",
        info(&app)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("there"),
        DEMO.replace(BACKUP, &same)
    );
    // A `ref` added on disk to the edited entry: the explorer does not edit it, so both survive.
    let with_ref = r#"BACKUP = { agreed = "consumer", assumed = "provider", ref = "MSA 7.3" }"#;
    let (_dir, path, app, mine) = edit_change_outside_and_save(&DEMO.replace(BACKUP, with_ref));
    assert_eq!(*app.mode(), Mode::Browse, "no question");
    let (stack, _) = crate::stack::read_stack(&path).expect("loads");
    assert_eq!(backup(&stack).assumed, mine);
    assert_eq!(backup(&stack).reference.as_deref(), Some("MSA 7.3"));
    assert_reanalyses_to(&path, &app);
}
