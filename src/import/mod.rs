//! Importing what reviewers are sent (SPEC §8): each source format is read by its own module into
//! one [`Import`] — the parties, controls and hand-off entries the artefact states — which is then
//! either printed as a complete stack ([`print`]) or written into an existing stack file,
//! format-preserving ([`apply`]).

pub mod matrix;
pub mod oscal_ssp;

use std::fmt;

use crate::date::Date;
use crate::stack::Owner;

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
