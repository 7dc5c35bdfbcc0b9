//! Raw TOML → validated [`Stack`]: every rule of SPEC §1, each failure a [`Diagnostic`] with
//! line and column. A file that fails any rule loads nothing. This module reads the file and
//! parses the TOML (big files in pieces: `load/chunked.rs`; an unquoted dotted control id is
//! explained by `load/dotted.rs`); `load/validate.rs` then checks it table by table.

use std::fmt;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

mod chunked;
mod dotted;
mod oscal;
mod validate;

/// Fuzzer bytes through the chunked parser, checked against a whole-document parse: shared by
/// the `chunked` fuzz target and the tests.
#[doc(hidden)]
pub use chunked::exercise as exercise_chunked;

use super::model::*;
use super::raw::*;
use crate::text::{escape, suggest};

/// The largest stack file read; larger ones are refused before they are read whole.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The most diagnostics printed for one file; the rest are counted.
const MAX_DIAGNOSTICS: usize = 20;

/// One problem in a stack file, at a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong, including what was expected.
    pub message: String,
    /// A suggestion, e.g. "did you mean `BACKUP`?".
    pub help: Option<String>,
    /// The text of the line, for the snippet.
    pub source_line: String,
}

/// Why a stack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: {message}", escape(path))]
    Read {
        /// The file as named.
        path: String,
        /// What went wrong and what to do.
        message: String,
    },
    /// The file was read but breaks the format.
    #[error("{}", render_diagnostics(path, diagnostics, *more))]
    Invalid {
        /// The file as named.
        path: String,
        /// The problems, in file order.
        diagnostics: Vec<Diagnostic>,
        /// How many more problems were found beyond those listed.
        more: usize,
    },
}

impl LoadError {
    /// The first problem's position, if the error has one.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            LoadError::Invalid { diagnostics, .. } => {
                diagnostics.first().map(|d| (d.line, d.column))
            }
            LoadError::Read { .. } => None,
        }
    }
}

fn render_diagnostics(path: &str, diagnostics: &[Diagnostic], more: usize) -> String {
    let mut out = String::new();
    let path = escape(path);
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{path}:{}:{}: {}",
            d.line,
            d.column,
            escape(&d.message)
        ));
        let snippet: String = escape(&d.source_line).chars().take(160).collect();
        if !snippet.trim().is_empty() {
            let gutter = d.line.to_string();
            let pad = " ".repeat(gutter.len());
            let caret_at = escape(
                &d.source_line
                    .chars()
                    .take(d.column.saturating_sub(1) as usize)
                    .collect::<String>(),
            )
            .chars()
            .count()
            .min(160);
            out.push_str(&format!(
                "\n {pad} |\n {gutter} | {snippet}\n {pad} | {}^",
                " ".repeat(caret_at)
            ));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("\n  = help: {}", escape(help)));
        }
    }
    if more > 0 {
        out.push_str(&format!("\n… and {more} more problem(s) in {path}"));
    }
    out
}

/// The built-in demo stack, embedded so `stackgap` with no file works anywhere.
pub const DEMO: &str = include_str!("../../sample-stacks/demo.toml");
/// The name the demo stack is shown under.
pub const DEMO_NAME: &str = "<demo>";

/// The analysis date the demo's dates are written for: its story (a report that expires in 22
/// days, a certificate in 79) holds on this day.
pub const DEMO_WRITTEN_FOR: &str = "2026-11-28";

/// Loads the built-in demo stack.
pub fn load_demo() -> Stack {
    load_str(DEMO, DEMO_NAME, None)
        .unwrap_or_else(|e| panic!("the built-in demo stack must load: {e}"))
}

/// The built-in demo's text with every date in it (values, titles, notes and comments alike)
/// moved by the days from [`DEMO_WRITTEN_FOR`] to `as_of`, so that its story holds on any
/// analysis date: the demo opened a year on still has evidence expiring in the coming months.
pub fn demo_text(as_of: crate::date::Date) -> String {
    let written = crate::date::Date::parse(DEMO_WRITTEN_FOR).expect("a valid date");
    let shift = as_of.days() - written.days();
    if shift == 0 {
        return DEMO.to_string();
    }
    let bytes = DEMO.as_bytes();
    let mut out = String::with_capacity(DEMO.len());
    let mut i = 0;
    while i < DEMO.len() {
        // A date is ten ASCII bytes, dddd-dd-dd, not inside a longer run of digits.
        let date = bytes.get(i..i + 10).and_then(|w| {
            let shape = w.iter().enumerate().all(|(k, b)| match k {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
            let alone = i.checked_sub(1).is_none_or(|j| !bytes[j].is_ascii_digit())
                && bytes.get(i + 10).is_none_or(|b| !b.is_ascii_digit());
            (shape && alone)
                .then(|| crate::date::Date::parse(&DEMO[i..i + 10]))
                .flatten()
        });
        match date {
            Some(d) => {
                out.push_str(&d.add_days(shift).to_string());
                i += 10;
            }
            None => {
                let c = DEMO[i..].chars().next().expect("inside the text");
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// Reads a stack file (`-` for standard input), refusing what is not a regular file and anything
/// over [`MAX_FILE_BYTES`] before reading it whole.
pub fn load_path(path: &Path) -> Result<Stack, LoadError> {
    read_stack(path).map(|(stack, _)| stack)
}

/// Reads and loads a stack file as [`load_path`] does, keeping the text it was loaded from: the
/// baseline a format-preserving save edits. The file is read once, so the stack and the text
/// are always the same version of it. Everything that opens a stack file reads it here: the
/// reports, the explorer at start-up and on every reload, and `stackgap import --into`.
pub fn read_stack(path: &Path) -> Result<(Stack, String), LoadError> {
    let name = path.display().to_string();
    let bytes = read_bounded(path)?;
    let base = (name != "-").then(|| path.parent().unwrap_or(Path::new("")));
    let text = String::from_utf8(bytes)
        .map_err(|e| not_utf8(e.as_bytes(), e.utf8_error().valid_up_to(), &name))?;
    let stack = load_str(&text, &name, base)?;
    Ok((stack, text))
}

/// Reads a file, or standard input for `-`, with the same limits as [`load_path`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, LoadError> {
    let name = path.display().to_string();
    let fail = |message: String| LoadError::Read {
        path: name.clone(),
        message,
    };
    let mut bytes = Vec::new();
    if name == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read standard input: {e}")))?;
    } else {
        let meta = std::fs::metadata(path).map_err(|e| fail(io_message(&e)))?;
        if meta.is_dir() {
            return Err(fail("is a directory; give a stack file (.toml)".into()));
        }
        if !meta.is_file() {
            return Err(fail(
                "is not a regular file (a device, pipe or socket); to read a stream, use `-` and pipe it to standard input".into(),
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(fail(too_big(meta.len())));
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| fail(io_message(&e)))?;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(too_big(bytes.len() as u64)));
    }
    Ok(bytes)
}

fn too_big(len: u64) -> String {
    format!(
        "is {} MiB, over the {} MiB limit for a stack file; split the stack or check that this is the right file",
        len / (1024 * 1024),
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file; check the path".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Loads a stack from bytes: checks UTF-8, records the SHA-256, then validates.
pub fn load_bytes(bytes: &[u8], name: &str, base_dir: Option<&Path>) -> Result<Stack, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to(), name))?;
    // load_str hashes the text, which is these very bytes.
    load_str(text, name, base_dir)
}

/// The error for bytes that are not UTF-8, located where the valid text ends (`at`).
fn not_utf8(bytes: &[u8], at: usize, name: &str) -> LoadError {
    let d = diagnostic(
        &String::from_utf8_lossy(&bytes[..at]),
        at,
        "the file is not valid UTF-8 text".into(),
        Some("stack files are TOML, which must be UTF-8; is this the right file?".into()),
    );
    LoadError::Invalid {
        path: name.into(),
        diagnostics: vec![d],
        more: 0,
    }
}

/// SHA-256 of some bytes, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads a stack from text. `base_dir` is the stack's folder, which an OSCAL catalog must stay in.
pub fn load_str(text: &str, name: &str, base_dir: Option<&Path>) -> Result<Stack, LoadError> {
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        let d = diagnostic(
            text,
            at,
            "the file contains a NUL byte".into(),
            Some("stack files are TOML text; is this the right file?".into()),
        );
        return Err(LoadError::Invalid {
            path: name.into(),
            diagnostics: vec![d],
            more: 0,
        });
    }
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::Read {
            path: name.into(),
            message: too_big(text.len() as u64),
        });
    }
    // Big files are parsed in pieces (a fraction of the memory, and faster); anything the
    // pieces cannot promise to read exactly as the whole text, errors included, is parsed whole.
    let pieces = (text.len() >= 4 * chunked::PIECE)
        .then(|| chunked::parse(text, chunked::PIECE))
        .flatten();
    let parsed: Result<RawStack, LoadError> = match pieces {
        Some(raw) => Ok(raw),
        None => toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let (at, message, help) = match dotted::control_id(text, at, e.message().trim()) {
                Some(key) => (key.at, key.message, Some(key.help)),
                None => {
                    let (message, help) = toml_message(e.message());
                    (at, message, help)
                }
            };
            LoadError::Invalid {
                path: name.into(),
                diagnostics: vec![diagnostic(text, at, message, help)],
                more: 0,
            }
        }),
    };
    // The words of this parse are held by the raw stack from here on, or by nothing.
    forget_atoms();
    let raw = parsed?;
    let (mut stack, mut diags) = validate::validate(text, raw, base_dir);
    if diags.is_empty() {
        stack.source = Source {
            name: name.into(),
            sha256: sha256_hex(text.as_bytes()),
        };
        Ok(stack)
    } else {
        diags.sort_by_key(|d| (d.line, d.column));
        let more = diags.len().saturating_sub(MAX_DIAGNOSTICS);
        diags.truncate(MAX_DIAGNOSTICS);
        Err(LoadError::Invalid {
            path: name.into(),
            diagnostics: diags,
            more,
        })
    }
}

/// Turns the TOML parser's message into ours, with a hint for the common mistakes.
fn toml_message(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim().to_string();
    let help = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = msg
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split(['`', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "or")
                    .collect()
            })
            .unwrap_or_default();
        suggest(field, expected.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some("remove the key, or check the format in README.md".into()))
    } else if msg.starts_with("missing field") {
        Some("add the key to this table".into())
    } else {
        None
    };
    (msg, help)
}

/// A diagnostic at a byte offset of the text.
fn diagnostic(text: &str, at: usize, message: String, help: Option<String>) -> Diagnostic {
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    let column = before[line_start..].chars().count() as u32 + 1;
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let source_line = text[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    Diagnostic {
        line,
        column,
        message,
        help,
        source_line,
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.line,
            self.column,
            escape(&self.message)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_stack_keeps_the_very_text_the_stack_was_loaded_from() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("demo.toml");
        let text = DEMO.replace('\n', "\r\n");
        std::fs::write(&path, &text).expect("writable");
        let (stack, read) = read_stack(&path).expect("the demo loads");
        assert_eq!(read, text);
        assert_eq!(stack.source.sha256, sha256_hex(text.as_bytes()));
        assert_eq!(stack.source.name, path.display().to_string());
        assert_eq!(
            load_path(&path).expect("loads").source.sha256,
            stack.source.sha256
        );

        std::fs::write(&path, b"[stack]\nname = \"\xff\"\n").expect("writable");
        assert!(
            read_stack(&path).is_err(),
            "not UTF-8: an error, not a panic"
        );
        assert!(read_stack(&dir.path().join("missing.toml")).is_err());
    }
}
