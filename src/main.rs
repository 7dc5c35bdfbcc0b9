//! The stackgap binary: parse the command line, dispatch to the subcommand, map the result to
//! an exit code (0 clean, 1 findings, 2 error) and print errors after the terminal is restored.
//! Each subcommand lives in `commands/`; the arguments and their second stage (what-if
//! resolution) in `cli.rs`.

mod cli;
mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use commands::{check, describe, diff, explore, export, import};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and the version are output like any report: a full disk is an error.
        Err(err) if !err.use_stderr() => {
            return finish(commands::print_clap(&err).map(|()| ExitCode::SUCCESS));
        }
        Err(err) => err.exit(),
    };
    finish(run(cli))
}

/// The exit code of a command's result, its error printed after whatever it wrote.
fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = std::io::stdout().flush();
            eprintln!("stackgap: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Diff(args)) => diff::run(args),
        Some(Command::Import(args)) => import::run(args),
        Some(Command::Schema) => describe::schema(),
        Some(Command::Catalog(args)) => describe::catalog(args),
        Some(Command::Completions { shell }) => describe::completions(shell),
        Some(Command::Man(args)) => describe::man(args),
        None => explore::run(cli.explore),
    }
}
