//! The interactive explorer (SPEC §5).

use std::path::PathBuf;

use crate::analysis::WhatIf;
use crate::stack::Stack;

/// What the explorer opens with.
pub struct Options {
    /// The stack, already loaded and valid.
    pub stack: Stack,
    /// Its file; `None` for the built-in demo (saving asks for a name).
    pub path: Option<PathBuf>,
    /// What-ifs from the command line.
    pub what_if: WhatIf,
    /// ASCII-only drawing.
    pub ascii: bool,
    /// Mouse capture.
    pub mouse: bool,
    /// Saving disabled.
    pub read_only: bool,
}

/// Runs the explorer until the user quits.
pub fn run(_options: Options) -> anyhow::Result<()> {
    anyhow::bail!("the explorer is not built yet; use `stackgap check FILE`")
}
