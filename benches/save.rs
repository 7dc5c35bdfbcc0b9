//! Criterion benchmarks of saving explorer edits (`save::write_back`: edits, document surgery,
//! layout keeping and the verifying re-load) on generated stacks of 1k and 10k parties, with
//! `\n` and `\r\n` line ends — the latter is where the line diff carries each edited line over
//! into the original text. One edited entry, and about 500 spread over the file.
//!
//! `cargo bench --bench save` runs everything in a few minutes on 2 cores;
//! `cargo bench --bench save -- crlf` runs the `\r\n` cases only.

#[path = "common/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

use stackgap::save::write_back;
use stackgap::stack::{Owner, Stack, load_str};

const SIZES: [usize; 2] = [1_000, 10_000];
const SEED: u64 = 1;

/// The loaded stack with the first entry of the middle hand-off marked as shared.
fn one_edit(original: &Stack) -> Stack {
    let mut current = original.clone();
    let h = original.handoffs.len() / 2;
    current
        .entry_mut(h as u32, 0)
        .set_assumed(Some(Owner::Shared));
    current
}

/// The loaded stack with about 500 entries, spread evenly over the file, marked as shared.
fn many_edits(original: &Stack) -> Stack {
    let mut current = original.clone();
    let step = (original.handoffs.len() / 500).max(1);
    for h in (0..original.handoffs.len()).step_by(step) {
        if !original.handoffs[h].entries.is_empty() {
            current
                .entry_mut(h as u32, 0)
                .set_assumed(Some(Owner::Shared));
        }
    }
    current
}

fn save(c: &mut Criterion) {
    let mut group = c.benchmark_group("save");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for parties in SIZES {
        let lf = synthetic::stack_toml(parties, SEED);
        let crlf = lf.replace('\n', "\r\n");
        for (form, text) in [("lf", lf), ("crlf", crlf)] {
            let original = load_str(&text, "synthetic.toml", None)
                .unwrap_or_else(|e| panic!("a generated stack must load: {e}"));
            for (edits, current) in [("one", one_edit(&original)), ("500", many_edits(&original))] {
                group.bench_function(format!("{form}_{edits}_{parties}"), |b| {
                    b.iter(|| {
                        write_back(black_box(&text), &original, &current)
                            .unwrap_or_else(|e| panic!("the edits must save: {e}"))
                    })
                });
            }
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = save
}
criterion_main!(benches);
