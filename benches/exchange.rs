//! Criterion benchmarks of the exchange with the vendor on generated stacks of 1k and 10k
//! parties: the responsibility matrix exported as CSV and as an xlsx workbook, and one hand-off's
//! matrix read and written into the whole stack (`import matrix … --into`), whose cost is
//! mostly keeping the file's layout and loading the result again to verify it. Results in
//! docs/performance.md.
//!
//! `cargo bench --bench exchange` runs everything in a few minutes on 2 cores;
//! `cargo bench --bench exchange -- export_csv` runs one group.

#[path = "common/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

use stackgap::analysis::{Report, WhatIf, analyse};
use stackgap::date::Date;
use stackgap::import::apply::apply;
use stackgap::import::matrix::{MatrixOptions, read};
use stackgap::report::{Context, csv, xlsx};
use stackgap::stack::{Stack, load_str};

const SIZES: [usize; 2] = [1_000, 10_000];
const SEED: u64 = 1;

/// One generated stack, loaded and analysed.
struct Input {
    text: String,
    stack: Stack,
    what_if: WhatIf,
    report: Report,
}

impl Input {
    fn new(parties: usize) -> Input {
        let text = synthetic::stack_toml(parties, SEED);
        let stack = load_str(&text, "synthetic.toml", None)
            .unwrap_or_else(|e| panic!("a generated stack must load: {e}"));
        let what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a valid date"));
        let report = analyse(&stack, &what_if);
        Input {
            text,
            stack,
            what_if,
            report,
        }
    }

    fn ctx(&self) -> Context<'_> {
        Context {
            stack: &self.stack,
            report: &self.report,
            what_if: &self.what_if,
            blast: None,
            fix_first: None,
        }
    }
}

fn settings<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group
}

fn exports(c: &mut Criterion) {
    for parties in SIZES {
        let input = Input::new(parties);
        let mut group = settings(c, "export_csv");
        group.bench_function(parties.to_string(), |b| {
            b.iter(|| black_box(csv::render(&input.ctx()).len()))
        });
        group.finish();
        let mut group = settings(c, "export_xlsx");
        group.bench_function(parties.to_string(), |b| {
            b.iter(|| black_box(xlsx::render(&input.ctx()).expect("a workbook").len()))
        });
        group.finish();
    }
}

/// `import matrix --into`: the first hand-off's rows of the stack's own CSV export, with every
/// agreed owner turned round, so each entry is updated.
fn imports(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().expect("a temporary folder");
    for parties in SIZES {
        let input = Input::new(parties);
        let h = &input.stack.handoffs[0];
        let consumer = input.stack.party(h.consumer).id.clone();
        let provider = input.stack.party(h.provider).id.clone();
        let csv_text = csv::render(&input.ctx());
        let mut lines = csv_text.lines();
        let mut matrix = format!("{}\n", lines.next().expect("a header"));
        for line in lines.filter(|l| l.starts_with(&format!("{consumer},{provider},"))) {
            let turned = line
                .replacen(",provider,", ",CONSUMER,", 1)
                .replacen(",consumer,", ",provider,", 1)
                .replacen(",CONSUMER,", ",consumer,", 1);
            matrix.push_str(&turned);
            matrix.push('\n');
        }
        let path: PathBuf = dir.path().join(format!("matrix-{parties}.csv"));
        std::fs::write(&path, &matrix).expect("write the matrix");
        let options = MatrixOptions {
            consumer,
            provider,
            service: h.service.clone(),
            ..MatrixOptions::default()
        };
        let import = read(&path, &options).expect("the matrix reads");
        let applied = apply(&input.text, &input.stack, &import).expect("the import applies");
        assert!(applied.entries_updated > 0, "the bench must change entries");
        let mut group = settings(c, "import_matrix_into");
        group.bench_function(parties.to_string(), |b| {
            b.iter(|| {
                let import = read(&path, &options).expect("the matrix reads");
                black_box(
                    apply(&input.text, &input.stack, &import)
                        .expect("applies")
                        .text
                        .len(),
                )
            })
        });
        group.finish();
    }
}

criterion_group!(benches, exports, imports);
criterion_main!(benches);
