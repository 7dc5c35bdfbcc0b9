//! Any terminal, and a room watching (issue 13): the status line gives up the file's name
//! before the what-ifs.

use super::*;

/// The status line at a width, as text.
fn status_line(app: &mut App, w: u16) -> String {
    let screen = text_of(&draw(app, w, 24));
    let line = screen.lines().nth(22).expect("the status line").to_string();
    line.trim_matches('"').trim_end().to_string()
}

#[test]
fn the_status_line_gives_up_the_file_name_before_any_what_if() {
    let (_dir, path, mut app) = demo_file();
    // Two what-ifs: the first hand-off's provider off, and a minimum evidence.
    send(
        &mut app,
        [Msg::SwitchOff, Msg::MinEvidence, Msg::MinEvidence],
    );
    let what_ifs = {
        let s = app.screen();
        let party = s.stack.party(s.tree.rows()[s.row].party).id.clone();
        let min = s.what_if.min_evidence.expect("a minimum evidence");
        format!("without {party} · min evidence {min} · as of 2026-11-28")
    };
    let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
    let wide = status_line(&mut app, 240);
    assert!(
        wide.ends_with(&format!("{what_ifs} · {}", path.display())),
        "{wide}"
    );
    // The path is cut from the left, so the file's own name stays.
    let cut = status_line(&mut app, 135);
    assert!(cut.ends_with(name) && cut.contains(" · …"), "{cut:?}");
    for w in [135, 120, 100, 90, 80, 75] {
        let line = status_line(&mut app, w);
        assert!(
            line.contains(&what_ifs),
            "{w} columns cut a what-if: {line:?}"
        );
        assert!(line.chars().count() <= usize::from(w), "{line:?}");
    }
    // Where even the what-ifs cannot fit whole, the line still says it was cut.
    let narrow = status_line(&mut app, 44);
    assert!(narrow.starts_with("✗"), "{narrow:?}");
    assert!(narrow.ends_with('…'), "{narrow:?}");
    assert!(narrow.contains(" · without "), "{narrow:?}");
}
