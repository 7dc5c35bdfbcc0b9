//! For the room: long names and notes cut with "…" and a hint that `z` shows them whole, and
//! zoom really showing them whole; at 64×20 the findings of the selected hand-off come before
//! decoration.

use super::snapshots::assert_snapshot;
use super::*;

const NOTE: &str = "Contract renewal pending with the regional procurement office; the \
    incident-notification annex was promised for the next revision but has not been seen by \
    anyone on the review team, and the vendor's account manager changed twice this year.";

/// A stack with very long party ids, services, notes and control names.
fn long_stack() -> String {
    format!(
        "[stack]\nname = \"A review of the very long named enterprise resource planning rollout stack\"\n\
         catalog = \"none\"\n\
         [[control]]\nid = \"BREACH-NOTIFICATION-WITHIN-72-HOURS\"\nname = \"Notification of personal-data breaches to the controller within seventy-two hours of discovery\"\n\
         [[control]]\nid = \"BACKUP\"\nname = \"Backups\"\n\
         [[party]]\nid = \"international-logistics-holding-company\"\nrequires = [\"BACKUP\"]\n\
         notes = \"{NOTE}\"\n\
         [[party]]\nid = \"enterprise-resource-planning-software-vendor-emea\"\nnotes = \"{NOTE}\"\n\
         [[handoff]]\nconsumer = \"international-logistics-holding-company\"\n\
         provider = \"enterprise-resource-planning-software-vendor-emea\"\n\
         service = \"Hosted enterprise resource planning with the managed database option\"\n\
         agreement = \"Master Subscription Agreement 2025 with the Data Processing Addendum and Schedule C\"\n\
         controls = {{ BREACH-NOTIFICATION-WITHIN-72-HOURS = {{ assumed = \"provider\" }}, BACKUP = {{ agreed = \"consumer\", assumed = \"provider\" }} }}\n"
    )
}

fn long_app(theme: Theme) -> App {
    let text = long_stack();
    let stack = crate::stack::load_str(&text, "long.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, as_of());
    let mut app = App::new(stack, text, None, what_if, false, theme);
    step(&mut app, Msg::Resize(80, 24));
    app
}

/// The screen's text inside the borders, as one run of words.
fn words(screen: &str) -> String {
    screen
        .lines()
        .map(|l| {
            l.trim_matches('"')
                .trim_matches(|c| "│|".contains(c))
                .trim()
        })
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn cut_text_ends_with_an_ellipsis_and_the_title_says_z_shows_it_whole() {
    let mut app = long_app(PLAIN);
    send(&mut app, [Msg::SwitchPane]);
    let screen = draw(&mut app, 80, 24);
    let text = text_of(&screen);
    assert!(text.contains("Hand-off · z: whole"), "{text}");
    assert!(
        text.contains("· z: whole ─"),
        "the tree's title too: {text}"
    );
    assert!(text.contains("…"), "{text}");
    assert!(
        !words(&text).contains(&words(NOTE)),
        "the note is cut: {text}"
    );
    assert_snapshot("long_names_80x24", screen);
    // Zoomed, the note and the selected control's name and why show whole, and no hint.
    send(&mut app, [Msg::Zoom]);
    if !words(&text_of(&draw(&mut app, 80, 24))).contains("▶ ✗ not-delivered BREACH") {
        send(&mut app, [Msg::Down]);
    }
    let screen = draw(&mut app, 80, 24);
    let text = text_of(&screen);
    assert!(words(&text).contains(&words(NOTE)), "{text}");
    assert!(
        words(&text).contains("within seventy-two hours of discovery"),
        "{text}"
    );
    assert!(!text.contains("z: whole"), "{text}");
    assert_snapshot("long_names_zoomed_80x24", screen);
    // Under the ASCII theme the cut ends with "...".
    let mut app = long_app(Theme::new(false, true));
    send(&mut app, [Msg::SwitchPane]);
    let text = text_of(&draw(&mut app, 80, 24));
    assert!(text.contains("...") && text.is_ascii(), "{text}");
    assert!(text.contains("z: whole"), "{text}");
}

#[test]
fn at_64x20_the_findings_of_the_selected_handoff_come_before_decoration() {
    let mut app = demo();
    step(&mut app, Msg::Resize(64, 20));
    let screen = draw(&mut app, 64, 20);
    let text = text_of(&screen);
    let s = app.screen();
    let handoff = s.tree.rows()[s.row].handoff.expect("a hand-off row");
    let open: Vec<String> = s
        .report
        .by_control
        .iter()
        .flatten()
        .filter(|f| f.handoff() == Some(handoff) && f.accepted.is_none())
        .map(|f| format!("{} {}", f.kind.as_str(), s.stack.control(f.control).id))
        .collect();
    assert!(open.len() >= 6, "{open:?}");
    let shown = words(&text);
    for finding in &open {
        assert!(
            shown.contains(finding.as_str()),
            "{finding} is not on screen:\n{text}"
        );
    }
    // What gave way: the notes (z shows them), the layer column, the column heading.
    assert!(
        !text.contains("notes:") && !text.contains("[saas]"),
        "{text}"
    );
    assert!(text.contains("Tab z: whole"), "{text}");
    assert_snapshot("compact_64x20", screen);
    // With the focus, the selected finding's why is on screen too.
    send(&mut app, [Msg::SwitchPane]);
    let text = text_of(&draw(&mut app, 64, 20));
    assert!(
        words(&text).contains("each side thinks the other does it"),
        "{text}"
    );
    // Zoomed, the notes come back.
    send(&mut app, [Msg::Zoom, Msg::Top]);
    let text = text_of(&draw(&mut app, 64, 20));
    assert!(text.contains("notes:"), "{text}");
}

#[test]
fn a_list_cut_short_points_to_the_pane_beside_it_zoomed() {
    let mut app = demo();
    send(&mut app, [Msg::Resize(64, 20), Msg::Expiring]);
    let text = text_of(&draw(&mut app, 64, 20));
    assert!(text.contains("E: tree · Tab z: whole"), "{text}");
    assert!(text.contains("SOC 2 T…"), "{text}");
    send(&mut app, [Msg::SwitchPane, Msg::Zoom]);
    let text = text_of(&draw(&mut app, 64, 20));
    assert!(
        words(&text).contains("SOC 2 Type II, Keystone ID (period ending 2025-06-30)"),
        "{text}"
    );
}
