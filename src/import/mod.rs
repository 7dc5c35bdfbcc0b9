//! Importing what reviewers are sent (SPEC §8): each source format is read by its own module into
//! one [`Import`] — the parties, controls and hand-off entries the artefact states — which is then
//! either printed as a complete stack ([`print`](mod@print)) or written into an existing stack
//! file, format-preserving ([`apply`]).
//!
//! # The command: `stackgap import KIND … [--into STACK.toml | -o OUT [--force]]`
//!
//! Decisions where SPEC §8 is silent (the readers', the printer's and `--into`'s own are in
//! their modules):
//!
//! - **Order of work.** The arguments and the `--into` stack are checked before the artefact is
//!   read: a stack that does not load is refused with its located error, and the artefact is
//!   not read. The reader's warnings are then printed to standard error, one per line, as
//!   `stackgap: warning: FILE: WHERE: MESSAGE`, in the order met, before the outcome.
//! - **Standard output** carries the printed stack and nothing else; with `-o` or `--into` it
//!   stays empty. The outcome goes to standard error: `OUT: written (N controls, N parties, N
//!   hand-offs, N entries)`, `STACK: unchanged`, or `STACK: added N controls, N parties, N
//!   hand-offs, N entries; updated N entries; changed the implements of N parties` (parts
//!   with nothing to say are left out).
//! - **`-o OUT`** is written atomically and never replaces an existing file (a symbolic link
//!   included, even a dangling one) unless `--force` is given; the check is made again just
//!   before writing. Neither `-o` nor `--into` may name an artefact being read, even with
//!   `--force`.
//! - **`--into STACK`** is written atomically (temporary file, fsync, rename; permissions kept;
//!   through a symbolic link) and only when its text changes: an unchanged stack is not
//!   rewritten and keeps its modification time. A stack that changed on disk while the
//!   artefact was read is not overwritten (run the import again). `--into -` is refused:
//!   standard input cannot be written back.
//! - **`--evidence DOC`** without `--into` is refused unless it is a level name: the artefact
//!   does not describe that document, so a printed stack could not declare it. (A printed stack
//!   declares the documents the artefact's own entries cite: see [`print`](mod@print).) With `--into`, a document the stack does not declare
//!   is reported by the loader at the line it would have been written on; nothing is written.
//! - **The printed stack is loaded** before it is printed or written; should it not load (a
//!   stackgap bug), nothing is printed.
//! - **Exit codes**: 0 imported (warnings or not, changed or not); 2 for anything refused —
//!   bad arguments, a stack that does not load, a fatal problem in the artefact, a failed
//!   write. Nothing is written whenever the exit code is 2.

pub mod apply;
pub mod matrix;
pub mod oscal_ssp;
pub mod print;

use std::fmt;

use crate::date::Date;
use crate::stack::{Evidence, Owner};

/// What an artefact states, as the stack entries to add or update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Import {
    /// A name for a stack printed from this import alone (`[stack] name`).
    pub name: String,
    /// Controls the artefact names, in first-use order; declared as `[[control]]` when the
    /// stack's catalog does not have them.
    pub controls: Vec<ImportControl>,
    /// Parties, in first-use order; created when missing.
    pub parties: Vec<ImportParty>,
    /// Hand-offs, in first-use order; created when missing.
    pub handoffs: Vec<ImportHandoff>,
    /// Evidence documents the artefact describes, in first-use order; declared as
    /// `[[evidence]]` when an entry cites them and the stack does not declare them.
    pub documents: Vec<ImportDocument>,
    /// Problems that did not stop the import, in the order they were met.
    pub warnings: Vec<Problem>,
}

/// A control the artefact names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportControl {
    /// Its id, as the artefact writes it (sanitised to a valid id).
    pub id: String,
    /// Its name (the id when the artefact gives none).
    pub name: String,
    /// Its family, if the artefact gives one.
    pub family: Option<String>,
}

/// An evidence document the artefact describes (SPEC §7's `[[evidence]]` fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDocument {
    /// Document id.
    pub id: String,
    /// The assurance it gives while in force; `None` when the artefact does not say.
    pub level: Option<Evidence>,
    /// `title`.
    pub title: Option<String>,
    /// `issuer`.
    pub issuer: Option<String>,
    /// `party`: whose report it is.
    pub party: Option<String>,
    /// `issued`.
    pub issued: Option<Date>,
    /// `expires`.
    pub expires: Option<Date>,
    /// `covers`: the only controls it may be cited for.
    pub covers: Option<Vec<String>>,
    /// `ref`: where to find it.
    pub reference: Option<String>,
}

impl ImportDocument {
    /// A document known only by its id.
    pub fn bare(id: &str) -> ImportDocument {
        ImportDocument {
            id: id.to_string(),
            level: None,
            title: None,
            issuer: None,
            party: None,
            issued: None,
            expires: None,
            covers: None,
            reference: None,
        }
    }
}

/// A party the artefact names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportParty {
    /// Party id.
    pub id: String,
    /// Display name for a new party (an existing party keeps its own).
    pub name: Option<String>,
    /// A new party takes the layer of this party, if that one has a layer.
    pub layer_of: Option<String>,
    /// Controls the artefact says this party implements (`true`) or does not (`false`): its
    /// `implements` gains the first and loses the second; controls not listed are untouched.
    pub implements: Vec<(String, bool)>,
}

/// A hand-off the artefact states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportHandoff {
    /// The party that relies.
    pub consumer: String,
    /// The party relied on.
    pub provider: String,
    /// The service, distinguishing two hand-offs between the same pair.
    pub service: Option<String>,
    /// The agreement, for a new hand-off (an existing one keeps its own).
    pub agreement: Option<String>,
    /// One entry per control, in first-use order.
    pub entries: Vec<ImportEntry>,
}

/// One control at an imported hand-off: the fields the artefact states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEntry {
    /// The control id.
    pub control: String,
    /// `agreed`.
    pub agreed: Field<Owner>,
    /// `assumed`.
    pub assumed: Field<Owner>,
    /// `evidence`: levels and document ids as written in a stack file (one item is written as
    /// a plain string, several as an array).
    pub evidence: Field<Vec<String>>,
    /// `expires`.
    pub expires: Field<Date>,
    /// `ref`: the source row or statement.
    pub reference: String,
}

/// What an import does to one field of an existing entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field<T> {
    /// The artefact says nothing about it: an existing value is kept.
    #[default]
    Keep,
    /// The artefact says there is none: an existing value is removed.
    Unset,
    /// The artefact states this value.
    Set(T),
}

impl<T> Field<T> {
    /// The value stated, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Set(v) => Some(v),
            Field::Keep | Field::Unset => None,
        }
    }
}

/// A problem in an artefact, at a row or a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as named on the command line.
    pub file: String,
    /// Where in it: `row 12`, `sheet "CAIQv4", row 12`, `$.system-security-plan.…`; empty when
    /// the problem is the whole file.
    pub at: String,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::text::escape(&self.file);
        let message = crate::text::escape(&self.message);
        if self.at.is_empty() {
            write!(f, "{file}: {message}")
        } else {
            write!(f, "{file}: {}: {message}", crate::text::escape(&self.at))
        }
    }
}

impl std::error::Error for Problem {}
