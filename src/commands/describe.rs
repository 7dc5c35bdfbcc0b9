//! The subcommands that describe stackgap itself or a stack's vocabulary: `schema`, `catalog`,
//! `completions`, `man`.
//! Each writes its whole text through [`print_out`], so an output that cannot be written is an
//! error with a message (exit 2), and a reader that stops early is not.

use std::process::ExitCode;

use anyhow::Context as _;

use super::{print_out, write_atomically};
use crate::cli::{CatalogArgs, CatalogFormat, Cli, ManArgs, Shell};
use stackgap::report;
use stackgap::stack;
use stackgap::text::{escape, suggest};

/// `stackgap schema`: the JSON Schema of the stack format.
pub fn schema() -> anyhow::Result<ExitCode> {
    print_out(report::schema::SCHEMA)?;
    Ok(ExitCode::SUCCESS)
}

/// `stackgap catalog [FILE]`: the built-in controls, or those a stack can use.
pub fn catalog(args: CatalogArgs) -> anyhow::Result<ExitCode> {
    let out = match &args.file {
        None => match args.format {
            CatalogFormat::Text => report::catalog::text(),
            CatalogFormat::Json => report::catalog::json(),
        },
        Some(file) => {
            let stack = stack::load_path(file)?;
            match args.format {
                CatalogFormat::Text => report::catalog::stack_text(&stack),
                CatalogFormat::Json => report::catalog::stack_json(&stack),
            }
        }
    };
    print_out(&out)?;
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

/// `stackgap man [SUBCOMMAND…]`: one page to standard output; `--all -o DIR`: every page into
/// DIR, one file each, named as `man` looks them up (`stackgap-check.1`).
pub fn man(args: ManArgs) -> anyhow::Result<ExitCode> {
    let mut root = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    root.build();
    if let Some(dir) = &args.output {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create {}", escape(&dir.display().to_string())))?;
        for cmd in pages(&root) {
            let man = page(cmd);
            let path = dir.join(man.get_filename());
            write_atomically(&path, &render(man)?)?;
            eprintln!("{}", escape(&path.display().to_string()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut cmd = &root;
    for (depth, name) in args.command.iter().enumerate() {
        cmd = cmd.find_subcommand(name).ok_or_else(|| {
            let hint = suggest(name, cmd.get_subcommands().map(|c| c.get_name()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let of = args.command[..depth].join(" ");
            anyhow::anyhow!(
                "stackgap {of}{}has no subcommand {}{hint}",
                if of.is_empty() { "" } else { " " },
                escape(name)
            )
        })?;
    }
    print_out(&render(page(cmd))?)?;
    Ok(ExitCode::SUCCESS)
}

/// The page of a command, its footer naming stackgap's version on every page.
fn page(cmd: &clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(cmd.clone()).source(format!("stackgap {}", report::VERSION))
}

/// A page rendered in memory (clap_mangen's writer errors would otherwise reach the terminal
/// half-written).
fn render(man: clap_mangen::Man) -> anyhow::Result<String> {
    let mut page = Vec::new();
    man.render(&mut page)
        .context("cannot render the man page")?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// The command and every subcommand below it, parents first.
fn pages(cmd: &clap::Command) -> Vec<&clap::Command> {
    let mut out = vec![cmd];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out.extend(pages(sub));
    }
    out
}
