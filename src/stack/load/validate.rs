//! The second stage of loading, after the TOML parse: a [`RawStack`] becomes a [`Stack`] one
//! table at a time, in the order below, each table checked against the ids of the tables
//! validated before it (one module per table) and every problem kept as a [`Diagnostic`]. The
//! checks all tables share — ids, enumerations, references, dates — live here.

use std::collections::HashMap;
use std::path::Path;

use toml::Spanned;
use toml::value::Datetime;

use super::{Diagnostic, diagnostic};
use crate::date::Date;
use crate::stack::raw::{RawStack, Word};
use crate::stack::{Source, Stack};
use crate::text::{id_problem, suggest};

mod accepts;
mod controls;
mod documents;
mod entries;
mod handoffs;
mod header;
mod layers;
mod parties;

/// The ids declared by one table, each to its index in that table's list.
type Ids = HashMap<String, u32>;

/// The evidence levels, weakest first, as written in stack files.
const LEVELS: [&str; 4] = ["none", "contract", "attested", "verified"];

/// Validates a parsed stack file. The stack is only meant to be used when the problems, in the
/// order they were found, are none.
pub(super) fn validate(
    text: &str,
    raw: RawStack,
    base_dir: Option<&Path>,
) -> (Stack, Vec<Diagnostic>) {
    let mut v = Validator {
        text,
        line_starts: line_starts(text),
        diags: Vec::new(),
        oscal: None,
    };
    let stack = v.stack(raw, base_dir);
    (stack, v.diags)
}

/// The text being validated and the problems found so far.
struct Validator<'t> {
    text: &'t str,
    /// Byte offset where each line starts, so a span's line is a binary search: counting
    /// newlines from the start for every entry made loading quadratic in the file size.
    line_starts: Vec<usize>,
    diags: Vec<Diagnostic>,
    /// The path of the stack's OSCAL catalog, which an unknown control's error names.
    oscal: Option<String>,
}

/// Byte offsets of the starts of the text's lines.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

impl Validator<'_> {
    /// Every table, each given what it may refer to and returning what it declares.
    fn stack(&mut self, raw: RawStack, base_dir: Option<&Path>) -> Stack {
        let header = raw.stack.into_inner();
        let (catalog, min_evidence) = self.header(&header);
        let mut layers = self.layers(raw.layers);
        let catalog_at = header.catalog.as_ref().map_or(0, |c| c.span().start);
        let (controls, control_ids) = self.controls(raw.controls, &catalog, catalog_at, base_dir);
        let (parties, party_ids) = self.parties(raw.parties, &mut layers, &control_ids);
        let (documents, document_ids) = self.documents(raw.documents, &control_ids, &party_ids);
        let handoffs = self.handoffs(
            raw.handoffs,
            (&controls, &control_ids),
            &party_ids,
            (&documents, &document_ids),
        );
        let accepts = self.accepts(raw.accepts, &control_ids, &party_ids, &handoffs);
        let mut stack = Stack::assemble(
            header.name.into_inner(),
            header.description.map(Spanned::into_inner),
            catalog,
            min_evidence,
            layers.list,
            controls,
            parties,
            handoffs,
            accepts,
            documents,
            Source::default(),
        );
        stack.layers_declared = layers.declared;
        stack
    }

    fn error(&mut self, at: usize, message: String, help: Option<String>) {
        self.diags.push(diagnostic(self.text, at, message, help));
    }

    /// The 1-based line of a byte offset.
    fn line(&self, at: usize) -> u32 {
        self.line_starts.partition_point(|&start| start <= at) as u32
    }

    fn check_id(&mut self, what: &str, id: &impl Located) {
        if let Some(problem) = id_problem(id.text()) {
            self.error(
                id.at(),
                format!("invalid {what} id {:?}: {problem}", id.text()),
                Some("ids are single words such as `acme` or `BACKUP-TEST`".into()),
            );
        }
    }

    /// One of the words `allowed`, parsed; anything else is an error with a suggestion.
    fn enumeration<T>(
        &mut self,
        value: &impl Located,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let v = value.text();
        let parsed = parse(v);
        if parsed.is_none() {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help = suggest(v, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            self.error(
                value.at(),
                format!("invalid {what} {v:?}: expected one of {list}"),
                help,
            );
        }
        parsed
    }

    /// The index of a declared id; an unknown one is an error with a suggestion.
    fn reference(&mut self, what: &str, id: &impl Located, known: &Ids) -> Option<u32> {
        let found = known.get(id.text()).copied();
        if found.is_none()
            && what == "control"
            && let Some(catalog) = &self.oscal
        {
            let message = format!(
                "unknown control `{}`: not in the OSCAL catalog {catalog:?} nor a [[control]] of the stack",
                id.text()
            );
            let help = super::oscal::close_oscal_id(id.text(), known.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    Some(format!(
                        "check the id in {catalog}, or declare it as a [[control]] first"
                    ))
                });
            self.error(id.at(), message, help);
        } else if found.is_none() {
            let help = suggest(id.text(), known.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some(format!("declare it as a [[{what}]] first")));
            self.error(id.at(), format!("unknown {what} `{}`", id.text()), help);
        }
        found
    }

    /// A TOML local date; a time or an offset is an error.
    fn date(&mut self, value: &Spanned<Datetime>, what: &str) -> Option<Date> {
        let dt = value.get_ref();
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day),
            _ => {
                self.error(
                    value.span().start,
                    format!("`{what}` must be a local date such as 2027-03-31, not {dt}"),
                    None,
                );
                None
            }
        }
    }
}

/// A string from the file and where it starts, for diagnostics.
trait Located {
    fn text(&self) -> &str;
    fn at(&self) -> usize;
}

impl<S: std::ops::Deref<Target = str>> Located for Spanned<S> {
    fn text(&self) -> &str {
        self.get_ref()
    }
    fn at(&self) -> usize {
        self.span().start
    }
}

impl Located for Word {
    fn text(&self) -> &str {
        &self.text
    }
    fn at(&self) -> usize {
        self.at as usize
    }
}
