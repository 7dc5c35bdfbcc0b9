//! `stackgap [FILE]`: the interactive explorer, on a file or on the built-in demo stack.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli;
use stackgap::stack::{self, Stack};
use stackgap::text::escape;

/// Runs the explorer.
pub fn run(args: cli::ExploreArgs) -> anyhow::Result<ExitCode> {
    let as_of = args.what_if.as_of();
    let (stack, text, path) = match &args.file {
        Some(file) => {
            let (stack, text) = load_with_indicator(file)?;
            (stack, text, Some(file.clone()))
        }
        None => {
            // The demo's story is dated relative to the analysis date, so it holds on any day.
            let text = stack::load::demo_text(as_of);
            let stack = stack::load_str(&text, stack::load::DEMO_NAME, None)?;
            (stack, text, None)
        }
    };
    let what_if = args.what_if.resolve_on(&stack, as_of)?;
    stackgap::tui::run(
        stackgap::tui::Options {
            stack,
            path,
            what_if,
            ascii: stackgap::tui::ascii_drawing(args.ascii, args.unicode),
            mouse: args.mouse,
            read_only: args.read_only,
        },
        text,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Reads and loads a stack for the explorer, with the text it was loaded from (the baseline for
/// saving); a big file says at once that it is loading, so the terminal never looks hung while
/// it is parsed.
fn load_with_indicator(file: &std::path::Path) -> anyhow::Result<(Stack, String)> {
    const BIG: u64 = 1024 * 1024;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let show = size >= BIG && std::io::stderr().is_terminal();
    if show {
        eprint!(
            "stackgap: loading {} ({:.1} MB)…",
            escape(&file.display().to_string()),
            size as f64 / 1e6
        );
    }
    let loaded = stack::read_stack(file);
    if show {
        // Clear the indicator line whatever happened; an error is printed after it.
        eprint!("\r\x1b[2K");
    }
    Ok(loaded?)
}
