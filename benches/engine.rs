//! Criterion benchmarks of the loader and the gap engine on generated stacks of 1k, 10k and 40k
//! parties (issue 4; results and how to read them in docs/performance.md). The baseline is a
//! bare `toml::Table` parse of the same text: loading can never beat it by much, so it says
//! what the validation itself costs.
//!
//! `cargo bench --bench engine` runs everything in a few minutes on 2 cores;
//! `cargo bench --bench engine -- analyse` runs one group (`-- fix_first`: fix first at 1k and
//! 10k parties).

#[path = "common/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

use stackgap::analysis::{Report, WhatIf, analyse, blast_radius, fix_first};
use stackgap::date::Date;
use stackgap::stack::{Owner, Stack, load_str};

const SIZES: [usize; 3] = [1_000, 10_000, 40_000];
const SEED: u64 = 1;

/// One generated stack: its text, loaded once and shared by every group that needs it.
struct Input {
    parties: usize,
    text: String,
    stack: OnceLock<Stack>,
}

impl Input {
    fn stack(&self) -> &Stack {
        self.stack.get_or_init(|| {
            load_str(&self.text, "synthetic.toml", None)
                .unwrap_or_else(|e| panic!("a generated stack must load: {e}"))
        })
    }

    fn entries(&self) -> u64 {
        self.stack()
            .handoffs
            .iter()
            .map(|h| h.entries.len() as u64)
            .sum()
    }
}

fn inputs() -> &'static [Input] {
    static INPUTS: OnceLock<Vec<Input>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        SIZES
            .iter()
            .map(|&parties| Input {
                parties,
                text: synthetic::stack_toml(parties, SEED),
                stack: OnceLock::new(),
            })
            .collect()
    })
}

/// A fixed analysis date, so expired evidence stays expired and results stay comparable.
fn what_if(stack: &Stack) -> WhatIf {
    WhatIf::new(stack, Date::new(2026, 11, 28).expect("a valid date"))
}

/// Settings for a group: slow sizes take few, flat samples so the whole run stays short.
fn sized(group: &mut BenchmarkGroup<'_, WallTime>, parties: usize) {
    if parties >= 10_000 {
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
    } else {
        group.sample_size(20);
    }
}

fn parse_toml_table(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_toml_table");
    for input in inputs() {
        sized(&mut group, input.parties);
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| black_box(input.text.parse::<toml::Table>()).expect("valid TOML"))
        });
    }
    group.finish();
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    for input in inputs() {
        sized(&mut group, input.parties);
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| black_box(load_str(&input.text, "synthetic.toml", None)).is_ok())
        });
    }
    group.finish();
}

fn analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyse");
    for input in inputs() {
        let stack = input.stack();
        let what_if = what_if(stack);
        sized(&mut group, input.parties);
        group.throughput(Throughput::Elements(input.entries()));
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| black_box(analyse(stack, &what_if)))
        });
    }
    group.finish();
}

/// One edit, as the explorer makes it: an entry of the most-listed control (the worst case)
/// flips its agreed owner between provider and consumer, and only that control is re-analysed.
fn reanalyse_control(c: &mut Criterion) {
    let mut group = c.benchmark_group("reanalyse_control");
    for input in inputs() {
        let mut stack = input.stack().clone();
        let what_if = what_if(&stack);
        let mut report: Report = analyse(&stack, &what_if);
        let entries_of = &stack.index().entries_of;
        let control = (0..entries_of.len())
            .max_by_key(|&c| entries_of[c].len())
            .expect("the generated stack has controls") as u32;
        let (h, e) = entries_of[control as usize][0];
        group.throughput(Throughput::Elements(
            entries_of[control as usize].len() as u64
        ));
        let mut flip = false;
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| {
                flip = !flip;
                let owner = if flip {
                    Owner::Consumer
                } else {
                    Owner::Provider
                };
                stack.entry_mut(h, e).set_agreed(Some(owner));
                report.reanalyse_control(&stack, &what_if, control);
                black_box(report.counts())
            })
        });
    }
    group.finish();
}

fn blast(c: &mut Criterion) {
    let mut group = c.benchmark_group("blast_radius");
    let input = &inputs()[0];
    let stack = input.stack();
    let what_if = what_if(stack);
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.bench_function(input.parties.to_string(), |b| {
        b.iter(|| black_box(blast_radius(stack, &what_if)))
    });
    group.finish();
}

/// Fix first (SPEC §9) on an analysed stack: every candidate of every control judged by the
/// one-control analysis with the candidate implementing it, at 1k and 10k parties.
fn fix(c: &mut Criterion) {
    let mut group = c.benchmark_group("fix_first");
    for input in inputs().iter().filter(|i| i.parties <= 10_000) {
        let stack = input.stack();
        let what_if = what_if(stack);
        let report = analyse(stack, &what_if);
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
        group.bench_function(input.parties.to_string(), |b| {
            b.iter(|| black_box(fix_first(stack, &what_if, &report)))
        });
    }
    group.finish();
}

criterion_group! {
    name = engine;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = parse_toml_table, load, analysis, reanalyse_control, blast, fix
}
criterion_main!(engine);
