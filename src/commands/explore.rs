//! `stackgap [FILE]`: the interactive explorer, on a file or on the built-in demo stack.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli;
use stackgap::stack::{self, Stack};
use stackgap::text::escape;

/// Runs the explorer.
pub fn run(args: cli::ExploreArgs) -> anyhow::Result<ExitCode> {
    let (stack, path) = match &args.file {
        Some(file) => (load_with_indicator(file)?, Some(file.clone())),
        None => (stack::load_demo(), None),
    };
    let what_if = args.what_if.resolve(&stack)?;
    stackgap::tui::run(stackgap::tui::Options {
        stack,
        path,
        what_if,
        ascii: stackgap::tui::ascii_drawing(args.ascii, args.unicode),
        mouse: args.mouse,
        read_only: args.read_only,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Loads a stack for the explorer; a big file says at once that it is loading, so the terminal
/// never looks hung while it is parsed.
fn load_with_indicator(file: &std::path::Path) -> anyhow::Result<Stack> {
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
    let loaded = stack::load_path(file);
    if show {
        // Clear the indicator line whatever happened; an error is printed after it.
        eprint!("\r\x1b[2K");
    }
    Ok(loaded?)
}
