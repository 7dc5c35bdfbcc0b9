//! The subcommands that describe stackgap itself: `schema`, `catalog`, `completions`, `man`.
//! Each writes its whole text through [`print_out`], so an output that cannot be written is an
//! error with a message (exit 2), and a reader that stops early is not.

use std::process::ExitCode;

use anyhow::Context as _;

use super::print_out;
use crate::cli::{CatalogFormat, Cli, Shell};
use stackgap::report;

/// `stackgap schema`: the JSON Schema of the stack format.
pub fn schema() -> anyhow::Result<ExitCode> {
    print_out(report::schema::SCHEMA)?;
    Ok(ExitCode::SUCCESS)
}

/// `stackgap catalog`: the built-in controls.
pub fn catalog(format: CatalogFormat) -> anyhow::Result<ExitCode> {
    print_out(&match format {
        CatalogFormat::Text => report::catalog::text(),
        CatalogFormat::Json => report::catalog::json(),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `stackgap completions SHELL`: a completion script, made in memory first (clap_complete
/// panics when its writer fails).
pub fn completions(shell: Shell) -> anyhow::Result<ExitCode> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "stackgap", &mut script);
    print_out(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::SUCCESS)
}

/// `stackgap man`: the man page (roff).
pub fn man() -> anyhow::Result<ExitCode> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .context("cannot render the man page")?;
    print_out(&String::from_utf8_lossy(&page))?;
    Ok(ExitCode::SUCCESS)
}
