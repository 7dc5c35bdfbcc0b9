//! Criterion benchmarks of the explorer on generated stacks of 1k, 10k and 40k parties (issue 4;
//! results in docs/performance.md): opening it on a loaded stack, drawing one 120×40 frame into a
//! `TestBackend`, and a key press followed by the frame it causes — moving one row, a
//! single-control edit, and a what-if that touches every control; and moving one row with the
//! frame encoded for a terminal by the explorer's own backend, the tree scrolling under the
//! cursor.
//!
//! `cargo bench --bench explorer` runs everything in a few minutes on 2 cores;
//! `cargo bench --bench explorer -- frame` runs one group.

#[path = "common/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use stackgap::analysis::WhatIf;
use stackgap::date::Date;
use stackgap::stack::{Stack, load_str};
use stackgap::tui::term::Lean;
use stackgap::tui::{Explorer, Options};

const SIZES: [usize; 3] = [1_000, 10_000, 40_000];
const SEED: u64 = 1;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

struct Input {
    parties: usize,
    text: String,
    stack: Stack,
}

fn inputs() -> Vec<Input> {
    SIZES
        .iter()
        .map(|&parties| {
            let text = synthetic::stack_toml(parties, SEED);
            let stack = load_str(&text, "synthetic.toml", None)
                .unwrap_or_else(|e| panic!("a generated stack must load: {e}"));
            Input {
                parties,
                text,
                stack,
            }
        })
        .collect()
}

/// The explorer as `stackgap FILE` opens it, at a fixed analysis date, sized 120×40.
fn open(input: &Input) -> Explorer {
    let what_if = WhatIf::new(&input.stack, Date::new(2026, 11, 28).expect("a valid date"));
    let options = Options {
        stack: input.stack.clone(),
        path: None,
        what_if,
        ascii: false,
        mouse: false,
        read_only: false,
    };
    let mut explorer = Explorer::new(options, input.text.clone(), true);
    explorer.resize(WIDTH, HEIGHT);
    explorer
}

fn key(explorer: &mut Explorer, c: char) {
    let code = match c {
        '\t' => KeyCode::Tab,
        c => KeyCode::Char(c),
    };
    explorer.key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal")
}

/// One frame, drawn as the event loop draws it (ratatui diffs it against the previous one).
fn draw(terminal: &mut Terminal<TestBackend>, explorer: &mut Explorer) {
    terminal
        .draw(|f| explorer.draw(f))
        .expect("drawing into a test backend");
}

/// Everything from a loaded stack to the first full frame: the whole-stack analysis, the tree's
/// first rows and the format-preserving save state.
fn bench_open(c: &mut Criterion, inputs: &[Input]) {
    let mut group = c.benchmark_group("explorer_open");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for input in inputs {
        group.bench_function(input.parties.to_string(), |b| {
            b.iter_batched(
                terminal,
                |mut terminal| {
                    let mut explorer = open(input);
                    draw(&mut terminal, &mut explorer);
                    explorer
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// One full frame of the opened explorer.
fn bench_frame(c: &mut Criterion, inputs: &[Input]) {
    let mut group = c.benchmark_group("explorer_frame");
    for input in inputs {
        let mut explorer = open(input);
        let mut terminal = terminal();
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| draw(&mut terminal, black_box(&mut explorer)))
        });
    }
    group.finish();
}

/// A key press and the frame it causes; `keys` alternate so the state cycles.
fn bench_keys(c: &mut Criterion, inputs: &[Input], name: &str, setup: &str, keys: &[char]) {
    let mut group = c.benchmark_group(name);
    for input in inputs {
        if input.parties >= 10_000 {
            group.sample_size(20);
        }
        let mut explorer = open(input);
        for k in setup.chars() {
            key(&mut explorer, k);
        }
        let mut terminal = terminal();
        draw(&mut terminal, &mut explorer);
        // The key must change the screen, or this would measure nothing.
        let before = terminal.backend().buffer().clone();
        key(&mut explorer, keys[0]);
        draw(&mut terminal, &mut explorer);
        assert_ne!(
            &before,
            terminal.backend().buffer(),
            "{name}: {:?} changed nothing on the screen",
            keys[0]
        );
        let mut next = 1;
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| {
                key(&mut explorer, keys[next % keys.len()]);
                next += 1;
                draw(&mut terminal, &mut explorer);
            })
        });
    }
    group.finish();
}

/// Moving one row with the frame written out as for a terminal (into a sink) by the explorer's
/// backend, which also weighs moving the rows with a scroll region: 40 rows down, where every
/// move down scrolls the tree.
fn bench_move_terminal(c: &mut Criterion, inputs: &[Input]) {
    let mut group = c.benchmark_group("explorer_key_move_terminal");
    for input in inputs {
        let mut explorer = open(input);
        for _ in 0..40 {
            key(&mut explorer, 'j');
        }
        let viewport = Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT));
        let mut terminal =
            Terminal::with_options(Lean::new(std::io::sink()), TerminalOptions { viewport })
                .expect("a terminal writing to a sink");
        terminal.draw(|f| explorer.draw(f)).expect("drawing");
        let mut next = 0;
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| {
                key(&mut explorer, ['j', 'k'][next % 2]);
                next += 1;
                terminal.draw(|f| explorer.draw(f)).expect("drawing");
            })
        });
    }
    group.finish();
}

fn explorer(c: &mut Criterion) {
    let inputs = inputs();
    bench_open(c, &inputs);
    bench_frame(c, &inputs);
    // Down and up again: the cursor moves one row each time.
    bench_keys(c, &inputs, "explorer_key_move", "", &['j', 'k']);
    // In the hand-off pane, cycle the selected control's assumed owner (four presses come back
    // to the start): one control is re-analysed.
    bench_keys(c, &inputs, "explorer_key_edit", "j\t", &['a']);
    // Switch the selected party off and on again: every control is re-analysed.
    bench_keys(c, &inputs, "explorer_key_what_if", "j", &['x']);
    // The guided tour, one stop forward and back (N goes back during the tour): the order is
    // computed once, on the first `t`.
    bench_keys(c, &inputs, "explorer_key_tour", "t", &['t', 'N']);
    bench_move_terminal(c, &inputs);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = explorer
}
criterion_main!(benches);
