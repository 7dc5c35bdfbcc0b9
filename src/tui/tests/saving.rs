//! The stack file: saving (and never overwriting by surprise), quitting with unsaved edits,
//! read-only, and changes made on disk by someone else.

use super::*;

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
