//! `--fix-first` as a user meets it (SPEC §9): the JSON field, the text report's "Fix first"
//! (only when asked for, last, the first five), the Markdown section, and `export`. The list
//! itself is held to hand-derived fixtures in `tests/scenarios/fix-first.*` and to the whole
//! analysis in `tests/properties.rs`.

mod common;
use common::{run, text};

use serde_json::Value;

const AS_OF: &str = "2026-11-28";

/// Seven parties, each requiring one control nobody handles: seven candidates closing one gap
/// each (its own requirement), and `c`'s change closing two more. By hand:
/// - `c` implementing X: party:c X, and the chains a → c and b → c that end at c (3);
/// - then every party P implementing its own requirement R: party:P R (1 each), by party id as
///   bytes — `B` before `a` — then by control id;
/// - `a` and `b` hand X on to `c` and do not implement it: they are not named by any gap
///   (a broken chain names only its root cause, `c`).
const SEVEN: &str = r#"
[stack]
name = "seven"
catalog = "none"
[[control]]
id = "X"
name = "Exports"
[[control]]
id = "R"
name = "Retention"
[[party]]
id = "a"
requires = ["R"]
[[party]]
id = "b"
requires = ["R"]
[[party]]
id = "c"
requires = ["X", "R"]
[[party]]
id = "B"
requires = ["R"]
[[party]]
id = "d"
requires = ["R"]
[[party]]
id = "e"
requires = ["R"]
[[handoff]]
consumer = "a"
provider = "b"
controls = { X = "provider" }
[[handoff]]
consumer = "b"
provider = "c"
controls = { X = "provider" }
"#;

/// The fix-first list of `SEVEN`, derived by hand (see above).
///
/// a → b X: b delegates to c, c does not deliver: broken chain, root cause c.
/// b → c X: c neither implements nor hands on: not delivered, names c.
/// party:c X: c requires X and is the consumer of no hand-off listing it: unassigned, names c.
/// Every party's R: unassigned, names that party.
fn expected() -> Vec<(&'static str, &'static str, u64)> {
    vec![
        ("c", "X", 3),
        ("B", "R", 1),
        ("a", "R", 1),
        ("b", "R", 1),
        ("c", "R", 1),
        ("d", "R", 1),
        ("e", "R", 1),
    ]
}

fn stack_file(dir: &tempfile::TempDir) -> String {
    common::write(dir.path(), "seven.toml", SEVEN)
}

#[test]
fn json_lists_every_change_best_first_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = stack_file(&dir);
    let plain = run(&["check", &file, "--format", "json", "--as-of", AS_OF]);
    let json: Value = serde_json::from_slice(&plain.stdout).expect("json");
    assert!(
        json.get("fix_first").is_none(),
        "no field without the option"
    );

    for args in [
        vec!["check", &file, "--format", "json", "--fix-first"],
        vec!["export", &file, "--format", "json", "--fix-first"],
    ] {
        let out = run(&[args.as_slice(), &["--as-of", AS_OF]].concat());
        let json: Value = serde_json::from_slice(&out.stdout).expect("json");
        let got: Vec<(String, String, u64)> = json["fix_first"]
            .as_array()
            .expect("a fix_first array")
            .iter()
            .map(|f| {
                (
                    f["party"].as_str().expect("party").to_string(),
                    f["control"].as_str().expect("control").to_string(),
                    f["gaps_closed"].as_u64().expect("gaps_closed"),
                )
            })
            .collect();
        let want: Vec<(String, String, u64)> = expected()
            .into_iter()
            .map(|(p, c, n)| (p.to_string(), c.to_string(), n))
            .collect();
        assert_eq!(got, want, "{args:?}");
        assert_eq!(json["fix_first"][0]["control_name"], "Exports");
    }
}

#[test]
fn text_shows_fix_first_last_and_only_the_first_five_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = stack_file(&dir);
    let plain = text(&run(&["check", &file, "--as-of", AS_OF]).stdout);
    assert!(!plain.contains("Fix first"), "{plain}");

    let out = run(&["check", &file, "--fix-first", "--as-of", AS_OF]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "--fix-first changes no exit code"
    );
    let shown = text(&out.stdout);
    let tail: Vec<&str> = shown
        .lines()
        .skip_while(|l| !l.starts_with("Fix first"))
        .collect();
    assert!(!tail.is_empty(), "{shown}");
    let rows: Vec<String> = tail[1..]
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        rows,
        [
            "3 c implements X (Exports)",
            "1 B implements R (Retention)",
            "1 a implements R (Retention)",
            "1 b implements R (Retention)",
            "1 c implements R (Retention)",
            "… and 2 more (--format json lists them all)",
        ],
        "the report ends with the first five:\n{shown}"
    );
}

#[test]
fn a_stack_with_nothing_to_fix_says_so() {
    let toml = "[stack]\nname = \"fine\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"X\"\n\
        [[party]]\nid = \"a\"\nrequires = [\"X\"]\nimplements = [\"X\"]\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let file = common::write(dir.path(), "fine.toml", toml);
    let shown = text(&run(&["check", &file, "--fix-first", "--as-of", AS_OF]).stdout);
    assert!(
        shown.trim_end().ends_with(
            "Fix first (gaps closed if the party implemented the control)\n  \
             none: no party implementing one more control would close a gap"
        ),
        "{shown}"
    );
    let out = run(&["check", &file, "--fix-first", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["fix_first"], serde_json::json!([]));
}

#[test]
fn markdown_has_a_fix_first_section_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = stack_file(&dir);
    for cmd in ["check", "export"] {
        let plain = text(&run(&[cmd, &file, "--format", "markdown", "--as-of", AS_OF]).stdout);
        assert!(!plain.contains("## Fix first"), "{cmd}: {plain}");
        let md = text(
            &run(&[
                cmd,
                &file,
                "--format",
                "markdown",
                "--fix-first",
                "--as-of",
                AS_OF,
            ])
            .stdout,
        );
        let section = md
            .split("## Fix first")
            .nth(1)
            .expect("a Fix first section");
        let section = section.split("```mermaid").next().unwrap_or_default();
        let rows: Vec<&str> = section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Gaps"))
            .collect();
        assert_eq!(rows.len(), 7, "{cmd}: all seven (at most 20 listed):\n{md}");
        assert_eq!(rows[0], "| 3 | c | X (Exports) |", "{cmd}");
        assert_eq!(rows[1], "| 1 | B | R (Retention) |", "{cmd}");
    }
}

#[test]
fn html_summary_has_a_fix_first_list_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = stack_file(&dir);
    let export = |extra: &[&str]| {
        let mut args = vec!["export", &file, "--format", "html", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        text(&run(&args).stdout)
    };
    let plain = export(&[]);
    assert!(!plain.contains("id=\"fix-first\""), "{plain}");
    let page = export(&["--fix-first"]);
    let list = page
        .split("<h3 id=\"fix-first\">Fix first</h3>")
        .nth(1)
        .expect("a Fix first list in the summary");
    // In the summary, which opens the page: before the diagram and the hand-offs.
    let at = |what: &str| {
        page.find(what)
            .unwrap_or_else(|| panic!("{what} in the page"))
    };
    assert!(at("<h2>Summary</h2>") < at("id=\"fix-first\""));
    assert!(at("id=\"fix-first\"") < at("<h2>Stack diagram</h2>"));
    let items: Vec<&str> = list
        .split("</ol>")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("<li>"))
        .collect();
    assert_eq!(items.len(), 5, "the first five of seven:\n{list}");
    assert!(
        items[0].starts_with("<li><strong>c</strong> implements")
            && items[0].contains("X")
            && items[0].contains("Exports")
            && items[0].ends_with("closes 3 gaps</li>"),
        "{}",
        items[0]
    );
    assert!(
        items[1].starts_with("<li><strong>B</strong>"),
        "{}",
        items[1]
    );
    assert!(list.contains("2 more in"), "{list}");
}
