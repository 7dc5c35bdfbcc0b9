//! The layering that docs/architecture.md describes, checked on the source text, so that a
//! change breaking it fails here with the rule it broke instead of slowly blurring the layers:
//! the stack model names nothing of the analysis and only it sees the raw TOML structs, the
//! analysis and the reports touch neither the terminal nor the disk, `update` (the explorer's
//! `app/`) does no I/O, the views never name the app (nor the app a view), and each explorer
//! module imports only its own line of the layer table in src/tui/mod.rs or lines below it,
//! without cycles.
//!
//! Comments and `#[cfg(test)] mod tests` blocks are left out: a test may reach across layers.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file below `dir`, sorted, without the explorer's test files.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.retain(|p| !is_test_file(p));
    out.sort();
    out
}

/// Whole files of tests (`tests.rs`, `*_tests.rs`, `tui/tests/`, `test_plans.rs`).
fn is_test_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || name == "test_plans.rs"
        || p.components().any(|c| c.as_os_str() == "tests")
}

/// The code of a file: comment lines dropped, cut where its test module starts.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("a readable source file");
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with("mod "))
        {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every place below `dir` (a folder or one file under src/) whose code contains one of
/// `forbidden`, as "file: text".
fn breaches(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = src().join(dir);
    let files = if root.is_dir() {
        rust_files(&root)
    } else {
        vec![root]
    };
    assert!(!files.is_empty(), "nothing to check in src/{dir}");
    let mut out = Vec::new();
    for f in files {
        let code = code(&f);
        for word in forbidden {
            if code.contains(word) {
                let rel = f.strip_prefix(src()).unwrap_or(&f).display().to_string();
                out.push(format!("src/{rel}: {word}"));
            }
        }
    }
    out
}

#[test]
fn the_stack_model_names_nothing_above_it() {
    let above = [
        "crate::analysis",
        "crate::report",
        "crate::import",
        "crate::save",
        "crate::tui",
    ];
    assert_eq!(breaches("stack", &above), Vec::<String>::new());
    assert_eq!(breaches("text.rs", &above), Vec::<String>::new());
    assert_eq!(breaches("date.rs", &above), Vec::<String>::new());
}

#[test]
fn only_the_model_sees_a_raw_stack() {
    let raw = ["stack::raw", "RawStack"];
    let mut found = Vec::new();
    for dir in ["analysis", "report", "import", "tui", "commands"] {
        found.extend(breaches(dir, &raw));
    }
    for file in ["save.rs", "save", "lib.rs", "main.rs", "cli.rs"] {
        if src().join(file).exists() {
            found.extend(breaches(file, &raw));
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_analysis_is_pure() {
    let impure = [
        "crate::report",
        "crate::import",
        "crate::save",
        "crate::tui",
        "std::fs",
        "std::io",
        "std::env",
        "std::process",
        "ratatui",
        "crossterm",
    ];
    assert_eq!(breaches("analysis", &impure), Vec::<String>::new());
}

#[test]
fn the_reports_render_without_the_disk_or_the_terminal() {
    let forbidden = [
        "crate::import",
        "crate::save",
        "crate::tui",
        "std::fs",
        "std::env",
        "std::process",
        "ratatui",
        "crossterm",
    ];
    assert_eq!(breaches("report", &forbidden), Vec::<String>::new());
}

#[test]
fn only_the_explorer_knows_the_terminal() {
    let terminal = ["ratatui", "crossterm"];
    let mut found = Vec::new();
    for dir in ["stack", "analysis", "report", "import", "commands"] {
        found.extend(breaches(dir, &terminal));
    }
    for file in [
        "save.rs", "save", "lib.rs", "main.rs", "cli.rs", "text.rs", "date.rs",
    ] {
        if src().join(file).exists() {
            found.extend(breaches(file, &terminal));
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn update_does_no_io() {
    let io = [
        "std::fs",
        "std::io",
        "std::env",
        "std::process",
        "crossterm",
        "save::",
    ];
    let mut found = breaches("tui/app", &io);
    for file in ["tui/derived.rs", "tui/nav.rs", "tui/screen.rs"] {
        found.extend(breaches(file, &io));
    }
    // The session computes the new text (`save::write_back`) but never writes it: only the
    // event loop's effects touch the disk.
    found.extend(breaches(
        "tui/session.rs",
        &[
            "std::fs",
            "std::env",
            "std::process",
            "atomic_write",
            "changed_on_disk",
        ],
    ));
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn views_and_the_app_never_name_each_other() {
    let app = ["tui::app", "super::app", "super::super::app"];
    assert_eq!(breaches("tui/view", &app), Vec::<String>::new());
    let view = ["tui::view", "super::view", "super::super::view"];
    assert_eq!(breaches("tui/app", &view), Vec::<String>::new());
}

/// The explorer's layers, as the table in src/tui/mod.rs draws them: a module may import its
/// own line or lines below (a smaller number), never above. `mod.rs` (the loop) is above all.
const TUI_LAYERS: &[(u8, &[&str])] = &[
    (7, &["app", "view"]),
    (6, &["screen"]),
    (5, &["session", "derived", "nav"]),
    (
        4,
        &[
            "setup", "signals", "hangup", "pace", "ascii", "term", "watch",
        ],
    ),
    (3, &["effect", "msg"]),
    (2, &["layout", "help_text"]),
    (1, &["mode", "inspect", "tree", "edit", "search", "theme"]),
];

/// The explorer modules a file's code names: `crate::tui::X`, and `super::X` (or
/// `super::super::X` from a file in a module folder), brace groups included.
fn tui_imports(path: &Path, code: &str) -> BTreeSet<String> {
    let tui = src().join("tui");
    let rel = path.strip_prefix(&tui).expect("a file under src/tui");
    let nested = rel.components().count() > 1;
    let is_mod = rel.file_name().is_some_and(|n| n == "mod.rs");
    let mut prefixes = vec!["crate::tui::"];
    match (nested, is_mod) {
        (false, _) | (true, true) => prefixes.push("super::"),
        (true, false) => prefixes.push("super::super::"),
    }
    let mut out = BTreeSet::new();
    for prefix in prefixes {
        for (at, _) in code.match_indices(prefix) {
            // `super::super::X` also contains `super::X`: read it from its first `super::`.
            if prefix == "super::" && code[..at].ends_with("super::") {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                group[..end].split(',').collect()
            } else {
                vec![rest]
            };
            for name in names {
                let name = name.trim();
                let ident: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() && ident != "super" && ident != "self" {
                    out.insert(ident);
                }
            }
        }
    }
    out
}

#[test]
fn explorer_modules_import_only_their_layer_or_below() {
    let rank: BTreeMap<&str, u8> = TUI_LAYERS
        .iter()
        .flat_map(|(r, names)| names.iter().map(move |n| (*n, *r)))
        .collect();
    let tui = src().join("tui");
    let mut problems = Vec::new();
    let mut same_line: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&tui) {
        let rel = file
            .strip_prefix(&tui)
            .expect("under src/tui")
            .to_path_buf();
        let first = rel.components().next().expect("a path");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "mod" {
            continue;
        }
        let Some(&own) = rank.get(module.as_str()) else {
            problems.push(format!(
                "src/tui/{}: module `{module}` is in no layer; add it to the table in src/tui/mod.rs, docs/architecture.md and TUI_LAYERS",
                rel.display()
            ));
            continue;
        };
        for name in tui_imports(&file, &code(&file)) {
            if name == module {
                continue;
            }
            // Items of tui/mod.rs itself (the loop's `Explorer`, `Options`, helpers) are
            // names, not modules; a module name is what the layers speak of.
            let Some(&theirs) = rank.get(name.as_str()) else {
                continue;
            };
            if theirs > own {
                problems.push(format!(
                    "src/tui/{}: `{module}` (line {own}) imports `{name}` (line {theirs}), above it",
                    rel.display()
                ));
            } else if theirs == own {
                same_line.entry(module.clone()).or_default().insert(name);
            }
        }
    }
    // On one line the imports must not go round in a cycle.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        problems: &mut Vec<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(i) = path.iter().position(|p| p == m) {
            problems.push(format!("import cycle: {} -> {m}", path[i..].join(" -> ")));
            return;
        }
        path.push(m.to_string());
        for n in edges.get(m).into_iter().flatten() {
            visit(n, edges, path, done, problems);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in same_line.keys() {
        visit(m, &same_line, &mut Vec::new(), &mut done, &mut problems);
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn the_layer_reader_sees_imports() {
    // The checks above pass trivially if the reader finds nothing: make sure it finds the
    // imports of a file known to have them.
    let app = src().join("tui/app/moving.rs");
    let names = tui_imports(&app, &code(&app));
    for want in ["derived", "search", "tree", "layout", "mode", "inspect"] {
        assert!(names.contains(want), "{want} in {names:?}");
    }
    let view = src().join("tui/view/status.rs");
    let names = tui_imports(&view, &code(&view));
    assert!(
        names.contains("screen") && names.contains("mode"),
        "{names:?}"
    );
    assert!(!breaches("tui/effect.rs", &["atomic_write"]).is_empty());
}
