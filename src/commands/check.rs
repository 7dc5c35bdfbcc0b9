//! `stackgap check`: analyse a stack, report its findings, and exit 1 when one at or above
//! `--fail-on` is not accepted.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::bail;

use super::{print_out, print_with};
use crate::cli::{self, FailOn, Format};
use stackgap::analysis::{Severity, analyse, blast_radius, fix_first};
use stackgap::report::{self, Context};
use stackgap::stack;
use stackgap::text::{escape, suggest};

/// Runs `check`.
pub fn run(args: cli::CheckArgs) -> anyhow::Result<ExitCode> {
    super::sarif::refuse_unless(args.format == Format::Sarif, &args.sarif)?;
    let stack = stack::load_path(&args.file)?;
    let what_if = args.what_if.resolve(&stack)?;
    let mut report = analyse(&stack, &what_if);
    let blast = args.blast_radius.then(|| blast_radius(&stack, &what_if));
    if let Some(id) = &args.control {
        let Some(control) = stack.control_id(id) else {
            let hint = suggest(id, stack.controls.iter().map(|c| c.id.as_str()))
                .map(|s| format!("; did you mean `{}`?", escape(s)))
                .unwrap_or_default();
            bail!(
                "--control {}: no control with that id in {}{hint}",
                escape(id),
                escape(&stack.source.name)
            );
        };
        report = report.only_control(control);
    }
    // After `--control`: the changes to that control only.
    let fix = args.fix_first.then(|| fix_first(&stack, &what_if, &report));
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: blast.as_deref(),
        fix_first: fix.as_deref(),
    };
    match args.format {
        Format::Text => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            print_out(&report::text::render(&ctx, color))?
        }
        // The biggest report, written as it is made rather than built first.
        Format::Json => print_with(|out| report::json::write(&ctx, out))?,
        Format::Markdown => print_out(&report::markdown::render(&ctx))?,
        Format::Sarif => {
            let options = super::sarif::options(&args.file, &args.sarif)?;
            print_out(&report::sarif::render_with(&ctx, &options))?
        }
    };
    let failed = match args.fail_on {
        FailOn::Gap => report.fails(Severity::Gap),
        FailOn::Warning => report.fails(Severity::Warning),
        FailOn::Never => false,
    };
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
