//! What `update` asks of the world outside the explorer's state — the disk, the terminal's
//! clipboard, the end of the program — as values it returns instead of doing it, so that
//! `update` runs (and is tested) without a disk. The event loop carries them out, the disk's
//! here in [`perform`], and feeds each answer back as a [`Msg`], as gitui queues its internal
//! events.

use std::path::{Path, PathBuf};

use crate::save;
use crate::stack::Stack;
use crate::stack::load::{load_bytes, read_bounded};

use super::msg::{Loaded, Msg, Purpose};

/// Something `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Something to do on the disk; its answer comes back as a message.
    Disk(Disk),
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// End the explorer.
    Quit,
    /// Clear the terminal and draw the next frame whole (Ctrl-l).
    Repaint,
}

/// Something to do on the disk, and the message that answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disk {
    /// Whether the file no longer has this SHA-256 (it changed since it was loaded or last
    /// saved): answered by [`Msg::Checked`].
    Check {
        /// The stack file.
        path: PathBuf,
        /// Its SHA-256 as last loaded or saved.
        sha256: String,
        /// What the answer is for.
        purpose: Purpose,
    },
    /// Whether a file of this name exists (a save under a new name never overwrites one):
    /// answered by [`Msg::NameChecked`].
    CheckName(PathBuf),
    /// Write the text to the file, atomically: answered by [`Msg::Written`].
    Write {
        /// Where.
        path: PathBuf,
        /// The whole new file.
        text: String,
    },
    /// Read and load the stack file again: answered by [`Msg::Loaded`].
    Load {
        /// The stack file.
        path: PathBuf,
        /// What the stack is for.
        purpose: Purpose,
    },
}

/// Does something on the disk and returns the message that answers it.
pub fn perform(disk: Disk) -> Msg {
    match disk {
        Disk::Check {
            path,
            sha256,
            purpose,
        } => {
            let changed = save::changed_on_disk(&path, &sha256).map_err(|e| e.to_string());
            Msg::Checked {
                path,
                purpose,
                changed,
            }
        }
        Disk::CheckName(path) => {
            let taken = path.symlink_metadata().is_ok();
            Msg::NameChecked { path, taken }
        }
        Disk::Write { path, text } => {
            let result = save::atomic_write(&path, text.as_bytes()).map_err(|e| e.to_string());
            Msg::Written { path, text, result }
        }
        Disk::Load { path, purpose } => {
            let result = read_stack(&path).map(|(stack, text)| Box::new(Loaded { stack, text }));
            Msg::Loaded { purpose, result }
        }
    }
}

/// Reads and loads a stack file, keeping its text for format-preserving saves.
pub fn read_stack(path: &Path) -> Result<(Stack, String), String> {
    let bytes = read_bounded(path).map_err(|e| e.to_string())?;
    let base = path.parent().unwrap_or(Path::new(""));
    let stack =
        load_bytes(&bytes, &path.display().to_string(), Some(base)).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    Ok((stack, text))
}
