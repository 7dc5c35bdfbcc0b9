//! The subcommands of the binary, one file each, and what they share: writing to standard
//! output (a reader that stops early is not an error; any other failure is, with exit 2) and
//! writing files atomically. `main.rs` only dispatches here.

pub mod check;
pub mod describe;
pub mod diff;
pub mod explore;
pub mod export;
pub mod import;
pub mod sarif;

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

use stackgap::text::escape;

/// Writes a report to standard output; a closed pipe (`| head`) is not an error.
pub fn print_out(out: &str) -> anyhow::Result<()> {
    print_with(|w| w.write_all(out.as_bytes()))
}

/// Writes a report to standard output through a buffer; a reader that stops early (`| head`)
/// is not an error.
pub fn print_with(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    written(write(&mut stdout).and_then(|()| stdout.flush()))
}

/// Writes what clap has for standard output instead of a command (help, the version), in
/// clap's colours, checked as [`print_with`] checks a report: clap's own `exit` would drop a
/// failed write and exit 0.
pub fn print_clap(err: &clap::Error) -> anyhow::Result<()> {
    written(err.print().and_then(|()| std::io::stdout().flush()))
}

/// The outcome of writing to standard output: a reader that stops early is not an error.
fn written(result: std::io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// Whether two paths name the same file (following links; a path that does not exist yet
/// names no existing file).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Writes a file atomically; a failure says the file on disk is as it was.
pub fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
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
