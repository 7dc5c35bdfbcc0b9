//! The explorer as a user meets it: messages fed to `update`, screens drawn into a `TestBackend`
//! and compared with committed snapshots (at 80×24 and 120×40), files saved and reloaded. One
//! file per topic; the helpers they share are here.

mod chains;
mod changes;
mod counts;
mod documents;
mod editing;
mod navigation;
mod room;
mod saving;
mod search;
mod snapshots;
mod terminals;
mod tour;
mod views;

use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::Outcome;
use super::app::App;
use super::effect::{Disk, Effect};
use super::mode::{Listing, Mode, Notice, Pane, Question};
use super::msg::{Field, Msg, Purpose};
use super::theme::Theme;
use super::view;
use crate::analysis::{Place, WhatIf, analyse};
use crate::date::Date;
use crate::stack::load::DEMO;
use crate::stack::{Side, Stack, load_demo};

const PLAIN: Theme = Theme::new(false, false);

fn as_of() -> Date {
    Date::parse("2026-11-28").expect("a valid date")
}

fn app_on(stack: Stack, text: String, path: Option<PathBuf>) -> App {
    let what_if = WhatIf::new(&stack, as_of());
    let mut app = App::new(stack, text, path, what_if, false, PLAIN);
    step(&mut app, Msg::Resize(120, 40));
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
    let (stack, text) = crate::stack::read_stack(&path).expect("the demo loads");
    let app = app_on(stack, text, Some(path.clone()));
    (dir, path, app)
}

/// Hands one message to the explorer as the event loop does, carrying out its effects (on a
/// real, temporary disk where a test saves); returns what it left for the terminal.
fn step(app: &mut App, msg: Msg) -> Outcome {
    super::dispatch(app, msg)
}

/// Sends messages as the event loop does, slow work included (after its "computing" frame);
/// returns what they left for the terminal (whether to quit, the last text copied).
fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Outcome {
    let mut out = Outcome::default();
    for m in msgs {
        for o in [
            Some(step(app, m)),
            app.busy().then(|| step(app, Msg::Compute)),
        ]
        .into_iter()
        .flatten()
        {
            out.quit |= o.quit;
            out.copy = o.copy.or(out.copy);
        }
    }
    out
}

fn typed(text: &str) -> Vec<Msg> {
    text.chars().map(Msg::Input).collect()
}

/// Draws the screen into a frame as the event loop does, recording what a click needs.
fn draw_into(frame: &mut ratatui::Frame, app: &mut App) {
    let (screen, drawn) = app.view();
    view::draw(frame, &screen, drawn);
}

fn draw(app: &mut App, w: u16, h: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    terminal
        .draw(|f| draw_into(f, app))
        .expect("drawing into a test backend");
    terminal.backend().clone()
}

fn text_of(backend: &TestBackend) -> String {
    backend.to_string()
}

/// The incremental findings must always equal a full analysis of the same stack.
fn assert_consistent(app: &App) {
    let fresh = analyse(app.screen().stack, app.screen().what_if);
    assert_eq!(app.screen().report.by_control, fresh.by_control);
    assert_eq!(app.screen().report.counts(), fresh.counts());
    assert_eq!(app.screen().report.expiry_notes, fresh.expiry_notes);
    for row in app.screen().tree.rows() {
        // A row shows what its pane lists: the hand-off leading to it, and its party's own.
        let want = fresh
            .by_control
            .iter()
            .flatten()
            .filter(|f| match row.handoff {
                Some(h) => f.handoff() == Some(h) || f.place == Place::Party(row.party),
                None => f.place == Place::Party(row.party),
            })
            .fold([0, 0], |mut n, f| {
                n[f.severity() as usize] += 1;
                n
            });
        assert_eq!(app.screen().tally.of_row(row), want);
    }
}

fn select_control(app: &mut App, id: &str) {
    if app.screen().focus == Pane::Tree {
        step(app, Msg::SwitchPane);
    }
    step(app, Msg::Top);
    for _ in 0..app.screen().inspect.items.len() {
        if app.screen().inspect.items[app.screen().item].id == id {
            return;
        }
        step(app, Msg::Down);
    }
    panic!("no control {id} in the hand-off pane");
}

fn row_party(app: &App) -> u32 {
    app.screen().tree.rows()[app.screen().row].party
}

fn assert_reanalyses_to(path: &Path, app: &App) {
    let (stack, _) = crate::stack::read_stack(path).expect("the saved file loads");
    let mut what_if = WhatIf::new(&stack, app.screen().what_if.as_of);
    what_if.min_evidence = app.screen().what_if.min_evidence;
    for p in app.screen().what_if.without() {
        what_if.set_off(p, true);
    }
    let again = analyse(&stack, &what_if);
    assert_eq!(again.by_control, app.screen().report.by_control);
}

/// The healthcare sample (expiry, accepts, templates), opened from a temporary copy.
fn healthcare_file() -> (tempfile::TempDir, PathBuf, App) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("healthcare.toml");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/healthcare-records.toml");
    std::fs::copy(sample, &path).expect("the sample copies");
    let (stack, text) = crate::stack::read_stack(&path).expect("the sample loads");
    let app = app_on(stack, text, Some(path.clone()));
    (dir, path, app)
}

/// Selects the tree row of the hand-off `consumer → provider` (it must be listed).
fn select_handoff(app: &mut App, consumer: &str, provider: &str) {
    if app.screen().focus == Pane::Details {
        step(app, Msg::SwitchPane);
    }
    let stack = app.screen().stack;
    let at = app
        .screen()
        .tree
        .rows()
        .iter()
        .position(|r| {
            r.handoff.is_some_and(|h| {
                let h = stack.handoff(h);
                stack.party(h.consumer).id == consumer && stack.party(h.provider).id == provider
            })
        })
        .unwrap_or_else(|| panic!("no row for {consumer} → {provider}"));
    step(app, Msg::Top);
    for _ in 0..at {
        step(app, Msg::Down);
    }
}

/// The evidence-documents scenario (documents, refs, one document expiring in 48 days) copied
/// to a temporary folder and opened from there.
fn documents_file() -> (tempfile::TempDir, PathBuf, App) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("documents.toml");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/evidence-documents.toml");
    std::fs::copy(sample, &path).expect("the scenario copies");
    let (stack, text) = crate::stack::read_stack(&path).expect("the scenario loads");
    let app = app_on(stack, text, Some(path.clone()));
    (dir, path, app)
}
