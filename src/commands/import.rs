//! `stackgap import KIND …` (SPEC §8): read a vendor's artefact, then print a stack, write it to
//! `-o`, or write it into `--into` a stack file.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::{print_out, same_file, write_atomically};
use crate::cli::{self, ImportKind, ImportTarget};
use stackgap::import::{self, Import, Problem, matrix, oscal_ssp};
use stackgap::stack::{self, Evidence, Stack};
use stackgap::text::escape;

/// `stackgap import KIND …`: read the artefact, then print a stack, write it to `-o`, or write
/// it into `--into` (SPEC §8). Arguments and the stack are checked before the artefact is read;
/// nothing is written unless everything succeeded.
pub fn run(args: cli::ImportArgs) -> anyhow::Result<ExitCode> {
    let (target, inputs): (&ImportTarget, Vec<&Path>) = match &args.kind {
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
            "--evidence {}: a printed stack declares only the evidence documents the artefact describes, so --evidence can name only a level (none, contract, attested, verified); to cite the document, import into a stack that declares it with --into STACK.toml",
            escape(doc)
        );
    }
    let into = match target.into.as_deref() {
        Some(path) => Some((path, stack::read_stack(path)?)),
        None => None,
    };
    let mut import = read_artefact(&args.kind)?;
    let artefact = inputs[0].display().to_string();
    let stack = into.as_ref().map(|(_, (stack, _))| stack);
    import::print::settle_documents(&mut import, stack, &artefact);
    for w in &import.warnings {
        eprintln!("stackgap: warning: {w}");
    }
    match into {
        Some((path, (stack, text))) => import_into(path, &text, &stack, &import)?,
        None => print_import(&import, target.output.as_deref(), target.force)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses targets that would lose data: `--into -`, an existing `-o` file without `--force`,
/// and an output that is one of the artefacts read.
fn check_import_target(target: &ImportTarget, inputs: &[&Path]) -> anyhow::Result<()> {
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
fn import_into(path: &Path, text: &str, stack: &Stack, import: &Import) -> anyhow::Result<()> {
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
fn print_import(import: &Import, output: Option<&Path>, force: bool) -> anyhow::Result<()> {
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
