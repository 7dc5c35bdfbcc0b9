//! Where SARIF places the stack file (docs/ci.md): relative to `--uri-base`, else to the git top
//! level of the file's folder, else to the current directory — the only place stackgap runs
//! git, and only for `--format sarif`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use crate::cli::{AcceptedArg, SarifArgs};
use stackgap::report::sarif::{self, Accepted, Options};
use stackgap::text::escape;

/// With a format other than SARIF, a SARIF option is an error rather than silently ignored.
pub fn refuse_unless(is_sarif: bool, args: &SarifArgs) -> anyhow::Result<()> {
    match args.given() {
        Some(flag) if !is_sarif => bail!("{flag} applies to --format sarif only"),
        _ => Ok(()),
    }
}

/// The SARIF options of `check` or `export` on FILE.
pub fn options(file: &Path, args: &SarifArgs) -> anyhow::Result<Options> {
    let stdin = file.as_os_str() == "-";
    if !stdin && args.stdin_name.is_some() {
        bail!(
            "--stdin-name names standard input (FILE `-`); {} is named by its path",
            shown(file)
        );
    }
    let root = match &args.uri_base {
        Some(dir) => Some(
            dir.canonicalize()
                .with_context(|| format!("--uri-base {}: cannot resolve it", shown(dir)))?,
        ),
        None => None,
    };
    let accepted = match args.accepted {
        Some(AcceptedArg::Omit) => Accepted::Omit,
        Some(AcceptedArg::Suppress) | None => Accepted::Suppress,
    };
    let explicit = root.is_some();
    let target = match (stdin, &args.stdin_name) {
        (true, None) => {
            return Ok(Options {
                uri: sarif::artifact_uri("-"),
                root: root.as_deref().map(sarif::folder_uri),
                accepted,
            });
        }
        (true, Some(name)) => Target::Named(PathBuf::from(name)),
        (false, _) => Target::File(
            file.canonicalize()
                .with_context(|| format!("cannot resolve {}", shown(file)))?,
        ),
    };
    let root = match root {
        Some(root) => root,
        None => default_root(&target)?,
    };
    let uri = match &target {
        // A name given for standard input is already relative to the root, unless absolute.
        Target::Named(name) if name.is_relative() => sarif::relative_uri(name),
        Target::Named(path) | Target::File(path) => {
            path.strip_prefix(&root).ok().and_then(sarif::relative_uri)
        }
    };
    Ok(match uri {
        Some(uri) => Options {
            uri,
            root: explicit.then(|| sarif::folder_uri(&root)),
            accepted,
        },
        None if explicit => bail!(
            "{} is not inside --uri-base {}",
            shown(target.path()),
            shown(&root)
        ),
        // Outside the repository and the current directory: an absolute `file:` URI.
        None => Options {
            uri: sarif::artifact_uri(&target.path().display().to_string()),
            root: None,
            accepted,
        },
    })
}

/// The stack file SARIF points at.
enum Target {
    /// A file read from disk, its path resolved.
    File(PathBuf),
    /// Standard input, named by `--stdin-name`.
    Named(PathBuf),
}

impl Target {
    fn path(&self) -> &Path {
        match self {
            Target::File(p) | Target::Named(p) => p,
        }
    }
}

/// The git top level of the file's folder (of the current directory for standard input), else
/// the current directory.
fn default_root(target: &Target) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .context("cannot resolve the current directory")?;
    let folder = match target {
        Target::File(path) => path.parent().map_or_else(|| cwd.clone(), Path::to_path_buf),
        Target::Named(_) => cwd.clone(),
    };
    Ok(git_top_level(&folder).unwrap_or(cwd))
}

/// `git rev-parse --show-toplevel` in `folder`; `None` when git is missing or the folder is in
/// no work tree.
fn git_top_level(folder: &Path) -> Option<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(["rev-parse", "--show-toplevel"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let top = String::from_utf8(out.stdout).ok()?;
    let top = top.trim_end_matches(['\n', '\r']);
    if top.is_empty() {
        return None;
    }
    PathBuf::from(top).canonicalize().ok()
}

fn shown(path: &Path) -> String {
    escape(&path.display().to_string()).into_owned()
}
