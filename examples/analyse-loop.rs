//! Loads a stack once and analyses it N times: a steady target for a profiler.
//! `cargo run --release --example analyse-loop -- FILE [N]`
use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a stack file");
    let n: usize = args.next().map_or(50, |n| n.parse().expect("a count"));
    let stack = stackgap::stack::load_path(std::path::Path::new(&path)).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a date"));
    let mut gaps = 0;
    let (mut work, mut drop) = (0.0, 0.0);
    for _ in 0..n {
        let start = std::time::Instant::now();
        let report = analyse(&stack, &what_if);
        let mid = std::time::Instant::now();
        gaps += report.counts().gaps;
        std::mem::drop(report);
        work += (mid - start).as_secs_f64();
        drop += mid.elapsed().as_secs_f64();
    }
    let ms = |s: f64| s * 1000.0 / n as f64;
    eprintln!(
        "{:.1} ms per analysis, {:.1} ms to drop its report ({gaps} gaps)",
        ms(work),
        ms(drop)
    );
}
