//! Saving over a file changed on disk, end to end: the edits are applied onto the file as it
//! now is, so a change made elsewhere survives; an entry changed on both sides is asked about,
//! and each answer does what it says.

use super::*;
/// Opens a copy of the fintech sample, cycles the agreed owner of the first entry (the
/// quillon hand-off's BCP-RESILIENCE), then changes the file from outside with `outside`; the
/// explorer asks, the edits are kept, and `w` saves onto the file as it now is.
fn edit_then_change_outside(
    outside: impl Fn(&str) -> String,
) -> Option<(tempfile::TempDir, PathBuf, String, Tmux, PathBuf)> {
    let (dir, path, original) = sample("fintech-payments.toml");
    let (tmux, exit) = explore(dir.path(), &path)?;
    tmux.wait_for("warnings");
    tmux.keys(&["Tab", "o"]);
    tmux.wait_for("1 unsaved edit");
    std::fs::write(&path, outside(&original)).expect("writable");
    tmux.wait_for("n keep my edits");
    tmux.keys(&["n"]);
    tmux.wait_for("kept your edits");
    tmux.keys(&["w"]);
    tmux.wait_for("y save onto it");
    tmux.keys(&["y"]);
    Some((dir, path, original, tmux, exit))
}

const BCP_BEFORE: &str =
    r#"BCP-RESILIENCE = { agreed = "provider", assumed = "provider", evidence = "attested" }"#;
const BCP_THEIRS: &str =
    r#"BCP-RESILIENCE = { agreed = "provider", assumed = "shared", evidence = "attested" }"#;
const SUBPROC_BEFORE: &str = r#"SUPPLY-SUBPROC = "provider""#;
const SUBPROC_THEIRS: &str = r#"SUPPLY-SUBPROC = "shared""#;

#[test]
fn saving_over_an_outside_change_keeps_both_changes() {
    let Some((_dir, path, original, tmux, exit)) =
        edit_then_change_outside(|t| t.replacen(SUBPROC_BEFORE, SUBPROC_THEIRS, 1))
    else {
        common::missing_tool("tmux");
        return;
    };
    // "saved" alone would match "1 unsaved edit" on the status line.
    tmux.wait_for("(1 edited place, onto the changes made on disk)");
    tmux.keys(&["q"]);
    assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());
    let saved = std::fs::read_to_string(&path).expect("the saved file");
    let changed = changed_lines(&original, &saved);
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert!(
        changed.iter().any(|l| l.contains(BCP_MINE)),
        "mine: {changed:#?}"
    );
    assert!(
        changed.iter().any(|l| l.contains(SUBPROC_THEIRS)),
        "theirs: {changed:#?}"
    );
}

#[test]
fn an_entry_changed_on_both_sides_is_asked_about_and_each_answer_does_what_it_says() {
    for (answer, kept, said) in [
        ("y", BCP_MINE, "yours kept at 1 place"),
        ("n", BCP_THEIRS, "nothing was written"),
    ] {
        let Some((_dir, path, original, tmux, exit)) = edit_then_change_outside(|t| {
            t.replacen(BCP_BEFORE, BCP_THEIRS, 1)
                .replacen(SUBPROC_BEFORE, SUBPROC_THEIRS, 1)
        }) else {
            common::missing_tool("tmux");
            return;
        };
        let screen = tmux.wait_for("y keep mine");
        assert!(
            screen.contains("changed on disk too") && screen.contains("BCP-RESILIENCE"),
            "{screen}"
        );
        tmux.keys(&[answer]);
        tmux.wait_for(said);
        tmux.keys(&["q"]);
        assert_eq!(exit_code(&exit), 0, "{}", tmux.screen());
        let saved = std::fs::read_to_string(&path).expect("the saved file");
        let changed = changed_lines(&original, &saved);
        assert_eq!(changed.len(), 2, "{answer}: {changed:#?}");
        assert!(
            changed.iter().any(|l| l.contains(kept)),
            "{answer}: {changed:#?}"
        );
        assert!(
            changed.iter().any(|l| l.contains(SUBPROC_THEIRS)),
            "{answer}: {changed:#?}"
        );
    }
}
