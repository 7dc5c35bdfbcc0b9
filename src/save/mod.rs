//! Saving explorer edits back to the stack file without losing anything the user wrote: only the
//! edited entries change (format-preserving, through toml_edit), the result is re-loaded and
//! checked against what the screen shows before anything touches the disk, and the write is
//! atomic, so a failed save leaves the original file exactly as it was.
//!
//! [`write_back`] is the whole pipeline, one step per file:
//!
//! 1. `edits`: what the edited stack changes over the loaded one (entries, `implements`,
//!    new `[[accept]]`s), or why it cannot be written;
//! 2. `surgery`: those changes made in the parsed document, each in the form the file
//!    already uses (shorthand, inline table, `[table]`, dotted keys, one-line or one-per-line
//!    arrays), with the comments around them kept;
//! 3. `layout`: the line ends, byte-order mark and final newline of the original carried
//!    over, untouched lines byte for byte;
//! 4. `verify`: the new text re-loaded and compared with the edited stack, findings included.
//!
//! The caller then writes the text with [`atomic_write`] (`atomic`). `stackgap import --into`
//! (`crate::import::apply`) reuses the document surgery and the layout keeping.

mod atomic;
mod edits;
mod layout;
mod surgery;
mod verify;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use toml_edit::DocumentMut;

use crate::stack::Stack;
use crate::text::escape;

pub use atomic::atomic_write;
pub(crate) use edits::Fields;
pub(crate) use layout::keep_layout;
pub(crate) use surgery::{
    add_entry, edit_entry, edit_implements, element, max_position, push_element, raw,
};

use edits::{Edits, Refusal};
use verify::verify;

/// Why a save failed; the original file is untouched whenever this is returned.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file text is not the stack the edits were made on (or no longer TOML).
    #[error(
        "cannot save {}: {}; nothing was written — reload the file and make the edits again",
        escape(path),
        escape(message)
    )]
    Mismatch {
        /// The stack file as named.
        path: String,
        /// What does not match.
        message: String,
    },
    /// An edit that this version cannot write into a stack file.
    #[error(
        "cannot save {}: {}; nothing was written — undo that change and save again",
        escape(path),
        escape(message)
    )]
    Unsupported {
        /// The stack file as named.
        path: String,
        /// Which edit.
        message: String,
    },
    /// The rewritten file would not read back as what the screen shows.
    #[error(
        "cannot save {}: the rewritten file would not read back as what the screen shows ({}); nothing was written and the edits are still open — please report this as a stackgap bug",
        escape(path),
        escape(message)
    )]
    Verify {
        /// The stack file as named.
        path: String,
        /// The first difference found.
        message: String,
    },
    /// Reading or writing the file failed.
    #[error(
        "cannot save {}: {action} failed: {cause}; the file on disk is unchanged and the edits are still open — check free space and permissions, then save again",
        escape(&path.display().to_string())
    )]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The step that failed, e.g. "creating a temporary file".
        action: &'static str,
        /// The operating system's reason.
        cause: io::Error,
    },
}

/// The file text with the edits that `current` carries over `original` written in (toml_edit, format-preserving).
pub fn write_back(
    original_text: &str,
    original: &Stack,
    current: &Stack,
) -> Result<String, SaveError> {
    let path = original.source.name.clone();
    let mismatch = |message: String| SaveError::Mismatch {
        path: path.clone(),
        message,
    };
    let unsupported = |message: String| SaveError::Unsupported {
        path: path.clone(),
        message,
    };
    let edits = Edits::between(original, current).map_err(|e| match e {
        Refusal::Mismatch(m) => mismatch(m),
        Refusal::Unsupported(m) => unsupported(m),
    })?;
    let text = if edits.is_empty() {
        original_text.to_owned()
    } else {
        let mut doc: DocumentMut = original_text.parse().map_err(|e: toml_edit::TomlError| {
            mismatch(format!("the file is not valid TOML: {}", e.message()))
        })?;
        let before = doc.to_string();
        edits.apply(&mut doc, current).map_err(mismatch)?;
        keep_layout(original_text, &before, &doc.to_string())
    };
    verify(&text, original, current).map_err(|message| SaveError::Verify {
        path: path.clone(),
        message,
    })?;
    Ok(text)
}

/// Whether the file on disk no longer has this SHA-256 (changed since it was loaded).
pub fn changed_on_disk(path: &Path, sha256: &str) -> io::Result<bool> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher)?;
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(!hex.eq_ignore_ascii_case(sha256.trim()))
}
