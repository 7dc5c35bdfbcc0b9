//! `stackgap export`: a report or diagram of a stack, to standard output or a file; findings
//! never fail an export.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail};

use super::{print_with, same_file};
use crate::cli::{self, ExportFormat};
use stackgap::analysis::{analyse, fix_first};
use stackgap::report::{self, Context};
use stackgap::save::SaveError;
use stackgap::stack;
use stackgap::text::escape;

/// Runs `export`.
pub fn run(args: cli::ExportArgs) -> anyhow::Result<ExitCode> {
    if args.format == ExportFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal()
    {
        bail!(
            "--format xlsx writes a binary workbook, not for a terminal: add -o review.xlsx, or redirect standard output to a file"
        );
    }
    super::sarif::refuse_unless(args.format == ExportFormat::Sarif, &args.sarif)?;
    let stack = stack::load_path(&args.file)?;
    let what_if = args.what_if.resolve(&stack)?;
    let report = analyse(&stack, &what_if);
    let fix = args.fix_first.then(|| fix_first(&stack, &what_if, &report));
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
        fix_first: fix.as_deref(),
    };
    let out = match args.format {
        ExportFormat::Markdown => report::markdown::render(&ctx).into_bytes(),
        ExportFormat::Json => report::json::render(&ctx).into_bytes(),
        ExportFormat::Dot => report::dot::render(&ctx).into_bytes(),
        ExportFormat::Mermaid => report::mermaid::render(&ctx).into_bytes(),
        ExportFormat::Html => report::html::render(&ctx).into_bytes(),
        ExportFormat::Sarif => {
            let options = super::sarif::options(&args.file, &args.sarif)?;
            report::sarif::render_with(&ctx, &options).into_bytes()
        }
        ExportFormat::Csv => report::csv::render(&ctx).into_bytes(),
        ExportFormat::Xlsx => report::xlsx::render(&ctx)?,
    };
    match &args.output {
        None => print_with(|w| w.write_all(&out))?,
        Some(path) => {
            if args.file.as_os_str() != "-" && same_file(&args.file, path) {
                bail!(
                    "-o {}: that is the stack file itself; stackgap never overwrites a stack with a report, choose another name",
                    escape(&path.display().to_string())
                );
            }
            write_output(path, &out, args.format)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the export to `-o PATH` atomically; a failure says what could not be written, where,
/// and that nothing changed — neither PATH nor the stack file (the save's own wording speaks
/// of the explorer's open edits, which an export has none of).
fn write_output(path: &Path, out: &[u8], format: ExportFormat) -> anyhow::Result<()> {
    stackgap::save::atomic_write(path, out).map_err(|e| {
        let path = escape(&path.display().to_string()).into_owned();
        match e {
            SaveError::Io { action, cause, .. } => anyhow!(
                "cannot write the {} to {path}: {action} failed: {cause}; nothing was written, and neither {path} nor the stack file was changed",
                what(format)
            ),
            other => anyhow::Error::new(other).context(format!("cannot write {path}")),
        }
    })
}

/// What an export format writes, as a user calls it.
fn what(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Markdown => "Markdown report",
        ExportFormat::Json => "JSON report",
        ExportFormat::Dot => "Graphviz diagram",
        ExportFormat::Mermaid => "Mermaid diagram",
        ExportFormat::Html => "HTML page",
        ExportFormat::Sarif => "SARIF log",
        ExportFormat::Csv => "CSV matrix",
        ExportFormat::Xlsx => "xlsx workbook",
    }
}
