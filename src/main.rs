//! The stackgap binary: parse the command line, dispatch, map the result to an exit code
//! (0 clean, 1 findings, 2 error) and print errors after the terminal is restored.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Parser;

use cli::{CatalogFormat, Cli, Command, FailOn, Format, WhatIfArgs};
use stackgap::analysis::{Severity, WhatIf, analyse, blast_radius};
use stackgap::date::Date;
use stackgap::report::{self, Context};
use stackgap::stack::{self, Stack, catalog};
use stackgap::text::{escape, suggest};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
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
        Some(Command::Check(args)) => check(args),
        Some(Command::Schema) => {
            print!("{}", stackgap::report::schema::SCHEMA);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Catalog(args)) => {
            print!("{}", catalog_listing(args.format));
            Ok(ExitCode::SUCCESS)
        }
        None => explore(cli.explore),
    }
}

fn check(args: cli::CheckArgs) -> anyhow::Result<ExitCode> {
    let stack = stack::load_path(&args.file)?;
    let what_if = what_if(&stack, &args.what_if)?;
    let report = analyse(&stack, &what_if);
    let blast = args
        .blast_radius
        .then(|| blast_radius(&stack, &what_if, &report));
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: blast.as_deref(),
    };
    let out = match args.format {
        Format::Text => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            report::text::render(&ctx, color)
        }
        Format::Json => report::json::render(&ctx),
        Format::Markdown => report::markdown::render(&ctx),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("cannot write the report");
    }
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

/// Resolves the what-if options against the stack: every `--without` must name a party.
fn what_if(stack: &Stack, args: &WhatIfArgs) -> anyhow::Result<WhatIf> {
    let mut w = WhatIf::new(stack, args.as_of.unwrap_or_else(Date::today));
    w.min_evidence = args.min_evidence.map(Into::into);
    for id in &args.without {
        match stack.party_id(id) {
            Some(p) => w.set_off(p, true),
            None => {
                let hint = suggest(id, stack.parties.iter().map(|p| p.id.as_str()))
                    .map(|s| format!("; did you mean `{}`?", escape(s)))
                    .unwrap_or_default();
                bail!(
                    "--without {}: no party with that id in {}{hint}",
                    escape(id),
                    escape(&stack.source.name)
                );
            }
        }
    }
    Ok(w)
}

fn explore(args: cli::ExploreArgs) -> anyhow::Result<ExitCode> {
    let (stack, path) = match &args.file {
        Some(file) => (stack::load_path(file)?, Some(file.clone())),
        None => (stack::load_demo(), None),
    };
    let what_if = what_if(&stack, &args.what_if)?;
    stackgap::tui::run(stackgap::tui::Options {
        stack,
        path,
        what_if,
        ascii: args.ascii,
        mouse: args.mouse,
        read_only: args.read_only,
    })?;
    Ok(ExitCode::SUCCESS)
}

fn catalog_listing(format: CatalogFormat) -> String {
    match format {
        CatalogFormat::Json => {
            let list: Vec<serde_json::Value> = catalog::BUILTIN
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id, "name": c.name, "family": c.family, "description": c.description,
                        "refs": c.refs,
                        "template": { "iaas": c.template[0].as_str(), "paas": c.template[1].as_str(), "saas": c.template[2].as_str() },
                    })
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )
        }
        CatalogFormat::Text => {
            let mut out = String::new();
            for family in catalog::families() {
                out.push_str(&format!("{family}\n"));
                for c in catalog::BUILTIN.iter().filter(|c| c.family == family) {
                    out.push_str(&format!(
                        "  {:<17} {}\n  {:<17} {}\n  {:<17} {}\n",
                        c.id,
                        c.name,
                        "",
                        c.description,
                        "",
                        c.refs.join(", ")
                    ));
                }
                out.push('\n');
            }
            out.push_str(&format!(
                "{} built-in controls in {} families\n",
                catalog::BUILTIN.len(),
                catalog::families().len()
            ));
            out
        }
    }
}
