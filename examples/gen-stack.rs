//! Prints a large synthetic stack, deterministic by seed, for benchmarks and scale checks:
//! `cargo run --release --example gen-stack -- --parties 10000 --seed 1 > /tmp/big.toml`.
//! The shape is documented in `benches/common/synthetic.rs`, which the benchmarks share.

#[path = "../benches/common/synthetic.rs"]
mod synthetic;

use std::io::Write;

use clap::Parser;

/// Print a synthetic stack of the reference shape of issue 4 on standard output.
#[derive(Parser)]
struct Args {
    /// Number of parties (about 2 hand-offs and 1.5 KB of TOML each).
    #[arg(long, default_value_t = 10_000)]
    parties: usize,
    /// Seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let text = synthetic::stack_toml(args.parties, args.seed);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}
