//! The stackgap binary: parse the command line, dispatch, map the result to an exit code
//! (0 clean, 1 findings, 2 error) and print errors after the terminal is restored.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Parser;

use cli::{
    CatalogFormat, Cli, Command, DiffFormat, ExportFormat, FailOn, Format, ImportKind,
    ImportTarget, Shell, WhatIfArgs,
};
use stackgap::analysis::{Severity, WhatIf, analyse, blast_radius};
use stackgap::date::Date;
use stackgap::import::{self, Import, Problem, matrix, oscal_ssp};
use stackgap::report::{self, Context};
use stackgap::stack::{self, Evidence, Stack, catalog};
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
        Some(Command::Export(args)) => export(args),
        Some(Command::Diff(args)) => diff(args),
        Some(Command::Import(args)) => import(args),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            clap_complete::generate(shell, &mut cmd, "stackgap", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("cannot write the man page")?;
            Ok(ExitCode::SUCCESS)
        }
        None => explore(cli.explore),
    }
}

fn check(args: cli::CheckArgs) -> anyhow::Result<ExitCode> {
    let stack = stack::load_path(&args.file)?;
    let what_if = what_if(&stack, &args.what_if)?;
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
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: blast.as_deref(),
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
        Format::Sarif => print_out(&report::sarif::render(&ctx))?,
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

/// Writes a report to standard output; a closed pipe (`| head`) is not an error.
fn print_out(out: &str) -> anyhow::Result<()> {
    print_with(|w| w.write_all(out.as_bytes()))
}

/// Writes a report to standard output through a buffer; a reader that stops early (`| head`)
/// is not an error.
fn print_with(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if let Err(e) = write(&mut stdout).and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("cannot write the report");
    }
    Ok(())
}

fn export(args: cli::ExportArgs) -> anyhow::Result<ExitCode> {
    if args.format == ExportFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal()
    {
        bail!(
            "--format xlsx writes a binary workbook, not for a terminal: add -o review.xlsx, or redirect standard output to a file"
        );
    }
    let stack = stack::load_path(&args.file)?;
    let what_if = what_if(&stack, &args.what_if)?;
    let report = analyse(&stack, &what_if);
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
    };
    let out = match args.format {
        ExportFormat::Markdown => report::markdown::render(&ctx).into_bytes(),
        ExportFormat::Json => report::json::render(&ctx).into_bytes(),
        ExportFormat::Dot => report::dot::render(&ctx).into_bytes(),
        ExportFormat::Mermaid => report::mermaid::render(&ctx).into_bytes(),
        ExportFormat::Html => report::html::render(&ctx).into_bytes(),
        ExportFormat::Sarif => report::sarif::render(&ctx).into_bytes(),
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
            stackgap::save::atomic_write(path, &out)
                .with_context(|| format!("cannot write {}", escape(&path.display().to_string())))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether two paths name the same file (following links; a path that does not exist yet
/// names no existing file).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn diff(args: cli::DiffArgs) -> anyhow::Result<ExitCode> {
    let old = stack::load_path(&args.old)?;
    let new = stack::load_path(&args.new)?;
    // A party switched off may exist in only one version; it must exist in at least one.
    for id in &args.what_if.without {
        if old.party_id(id).is_none() && new.party_id(id).is_none() {
            return Err(unknown_party(&new, id));
        }
    }
    let lenient = |s: &Stack| {
        let known = WhatIfArgs {
            without: args
                .what_if
                .without
                .iter()
                .filter(|id| s.party_id(id).is_some())
                .cloned()
                .collect(),
            ..args.what_if.clone()
        };
        what_if(s, &known)
    };
    let (old_if, new_if) = (lenient(&old)?, lenient(&new)?);
    let (old_report, new_report) = (analyse(&old, &old_if), analyse(&new, &new_if));
    let old_ctx = Context {
        stack: &old,
        report: &old_report,
        what_if: &old_if,
        blast: None,
    };
    let new_ctx = Context {
        stack: &new,
        report: &new_report,
        what_if: &new_if,
        blast: None,
    };
    let changes = report::diff::diff(&old_ctx, &new_ctx);
    let out = match args.format {
        DiffFormat::Text => report::diff::text(&changes),
        DiffFormat::Json => report::diff::json(&old_ctx, &new_ctx, &changes),
        DiffFormat::Markdown => report::diff::markdown(&old_ctx, &new_ctx, &changes),
    };
    print_out(&out)?;
    let worse = changes.iter().any(|c| c.adds_unaccepted_gap());
    Ok(if worse {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `stackgap import KIND …`: read the artefact, then print a stack, write it to `-o`, or write
/// it into `--into` (SPEC §8). Arguments and the stack are checked before the artefact is read;
/// nothing is written unless everything succeeded.
fn import(args: cli::ImportArgs) -> anyhow::Result<ExitCode> {
    let (target, inputs): (&ImportTarget, Vec<&std::path::Path>) = match &args.kind {
        ImportKind::OscalSsp(a) => (
            &a.target,
            std::iter::once(a.leveraging.as_path())
                .chain(a.leveraged.iter().map(|p| p.as_path()))
                .collect(),
        ),
        ImportKind::Matrix(a) => (&a.target, vec![a.file.as_path()]),
    };
    check_import_target(target, &inputs)?;
    if let ImportKind::Matrix(a) = &args.kind
        && target.into.is_none()
        && let Some(doc) = a.evidence.as_deref()
        && Evidence::parse(doc).is_none()
    {
        bail!(
            "--evidence {}: a printed stack declares no evidence documents, so it can cite only a level (none, contract, attested, verified); to cite the document, import into a stack that declares it with --into STACK.toml",
            escape(doc)
        );
    }
    let into = match target.into.as_deref() {
        Some(path) => Some((path, read_stack(path)?)),
        None => None,
    };
    let import = read_artefact(&args.kind)?;
    for w in &import.warnings {
        eprintln!("stackgap: warning: {w}");
    }
    match into {
        Some((path, (text, stack))) => import_into(path, &text, &stack, &import)?,
        None => print_import(&import, target.output.as_deref(), target.force)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses targets that would lose data: `--into -`, an existing `-o` file without `--force`,
/// and an output that is one of the artefacts read.
fn check_import_target(target: &ImportTarget, inputs: &[&std::path::Path]) -> anyhow::Result<()> {
    if let Some(into) = &target.into
        && into.as_os_str() == "-"
    {
        bail!("--into -: standard input cannot be written back; give the stack file's path");
    }
    for (flag, out) in [("--into", &target.into), ("-o", &target.output)] {
        if let Some(out) = out
            && inputs.iter().any(|input| same_file(input, out))
        {
            bail!(
                "{flag} {}: that is an artefact being imported; stackgap never writes over its input, choose another file",
                escape(&out.display().to_string())
            );
        }
    }
    if let Some(out) = &target.output
        && !target.force
        && std::fs::symlink_metadata(out).is_ok()
    {
        bail!(
            "-o {}: the file exists; add --force to replace it, or use --into {0} to add the import to that stack",
            escape(&out.display().to_string())
        );
    }
    Ok(())
}

/// Reads the stack an import goes into: its text and the stack it loads as.
fn read_stack(path: &std::path::Path) -> anyhow::Result<(String, Stack)> {
    let bytes = stack::load::read_bounded(path)?;
    let base = path.parent().unwrap_or(std::path::Path::new(""));
    let stack = stack::load_bytes(&bytes, &path.display().to_string(), Some(base))?;
    // It loaded, so it is UTF-8.
    let text = String::from_utf8(bytes).context("the stack file is not UTF-8")?;
    Ok((text, stack))
}

/// Runs the reader of the artefact's kind.
fn read_artefact(kind: &ImportKind) -> Result<Import, Problem> {
    match kind {
        ImportKind::OscalSsp(a) => oscal_ssp::read(&a.leveraging, &a.leveraged),
        ImportKind::Matrix(a) => {
            let options = matrix::MatrixOptions {
                consumer: a.consumer.clone(),
                provider: a.provider.clone(),
                service: a.service.clone(),
                assumed: a.assumed.map(Into::into),
                evidence: a.evidence.clone(),
                id_col: a.id_col.clone(),
                owner_col: a.owner_col.clone(),
                answer_col: a.answer_col.clone(),
                owner_map: a.owner_map.clone(),
            };
            matrix::read(&a.file, &options)
        }
    }
}

/// Writes the import into the stack file, atomically, when it changes anything.
fn import_into(
    path: &std::path::Path,
    text: &str,
    stack: &Stack,
    import: &Import,
) -> anyhow::Result<()> {
    let name = escape(&path.display().to_string()).into_owned();
    let applied = import::apply::apply(text, stack, import)?;
    if applied.is_unchanged() || applied.text == text {
        eprintln!("{name}: unchanged");
        return Ok(());
    }
    let changed = stackgap::save::changed_on_disk(path, &stack.source.sha256)
        .with_context(|| format!("cannot read {name} again before writing it"))?;
    if changed {
        bail!(
            "{name} changed on disk while the import was read; nothing was written — run the import again"
        );
    }
    write_atomically(path, &applied.text)?;
    eprintln!("{name}: {}", applied.summary());
    Ok(())
}

/// Prints the import as a complete stack, or writes it to `-o OUT`.
fn print_import(
    import: &Import,
    output: Option<&std::path::Path>,
    force: bool,
) -> anyhow::Result<()> {
    let text = import::print::stack_text(import);
    let name = output.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
    let stack = stack::load_str(&text, &name, None).map_err(|e| {
        anyhow::anyhow!(
            "the imported stack would not load, so nothing was written — please report this as a stackgap bug:\n{e}"
        )
    })?;
    let Some(out) = output else {
        return print_out(&text);
    };
    if !force && std::fs::symlink_metadata(out).is_ok() {
        bail!(
            "-o {}: the file appeared while the import was read; nothing was written — add --force to replace it",
            escape(&name)
        );
    }
    write_atomically(out, &text)?;
    let entries: usize = stack.handoffs.iter().map(|h| h.entries.len()).sum();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    eprintln!(
        "{}: written ({}, {}, {}, {})",
        escape(&name),
        count(stack.controls.len(), "control", "controls"),
        count(stack.parties.len(), "party", "parties"),
        count(stack.handoffs.len(), "hand-off", "hand-offs"),
        count(entries, "entry", "entries"),
    );
    Ok(())
}

/// Writes a file atomically; a failure says the file on disk is as it was.
fn write_atomically(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use stackgap::save::{SaveError, atomic_write};
    atomic_write(path, text.as_bytes()).map_err(|e| match e {
        SaveError::Io {
            path,
            action,
            cause,
        } => anyhow::anyhow!(
            "cannot write {}: {action} failed: {cause}; nothing was written",
            escape(&path.display().to_string())
        ),
        other => other.into(),
    })
}

/// Resolves the what-if options against the stack: every `--without` must name a party.
fn what_if(stack: &Stack, args: &WhatIfArgs) -> anyhow::Result<WhatIf> {
    let mut w = WhatIf::new(stack, args.as_of.unwrap_or_else(Date::today));
    w.min_evidence = args.min_evidence.map(Into::into);
    w.expiring_within = args.expiring_within;
    for id in &args.without {
        match stack.party_id(id) {
            Some(p) => w.set_off(p, true),
            None => return Err(unknown_party(stack, id)),
        }
    }
    Ok(w)
}

/// `--without ID` names no party of the stack: say so, with the closest id.
fn unknown_party(stack: &Stack, id: &str) -> anyhow::Error {
    let hint = suggest(id, stack.parties.iter().map(|p| p.id.as_str()))
        .map(|s| format!("; did you mean `{}`?", escape(s)))
        .unwrap_or_default();
    anyhow::anyhow!(
        "--without {}: no party with that id in {}{hint}",
        escape(id),
        escape(&stack.source.name)
    )
}

fn explore(args: cli::ExploreArgs) -> anyhow::Result<ExitCode> {
    let (stack, path) = match &args.file {
        Some(file) => (load_with_indicator(file)?, Some(file.clone())),
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
