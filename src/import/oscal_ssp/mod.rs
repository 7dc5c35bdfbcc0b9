//! `stackgap import oscal-ssp LEVERAGING.json [LEVERAGED.json…]` (SPEC §8.2): a NIST OSCAL 1.x
//! system security plan that leverages authorised systems, and the plans of those systems,
//! become parties, one hand-off per leveraged authorization, and its entries.
//!
//! [`read`] loads the files; `ssp` walks one plan into the facts §8.2 reads (with JSON paths,
//! through `json`), and `rules` applies §8.2 to them. The result is pure with respect to any
//! stack: it lists every control it uses (name = id, no family) and every party.
//!
//! Decisions where SPEC §8.2 is silent:
//!
//! - **References.** Each entry's `ref` is `OSCAL LEVERAGING X: kind uuid, …; LEVERAGED X: kind
//!   uuid, …` — file base names, then the uuids of the statements it comes from in file order:
//!   `inherited` / `satisfied` from the leveraging plan, `provided` / `responsibility` from the
//!   leveraged one (a part without statements is left out). Uuids are stable, so a re-run
//!   writes the same text. Within an implemented requirement, its own `by-components` come
//!   before those of its `statements`; within a by-component, `provided` before
//!   `responsibilities`, `inherited` before `satisfied`.
//! - **Order.** Parties: the leveraging system, then one per authorization in the order of
//!   `leveraged-authorizations`; hand-offs in that order too. A hand-off's entries: the
//!   controls the leveraging plan's statements name, in file order, then those only the
//!   leveraged plan exports. `Import.controls` in first use over the hand-offs.
//! - **Names.** A plan's party is named by its `system-name`; an authorization without a file
//!   by its `title`. The import's name is the leveraging plan's `metadata.title`, else its
//!   `system-name`. The agreement is `TITLE, authorized DATE`.
//! - **Ids.** Ids are claimed in file order: the leveraging plan, the matched LEVERAGED.json in
//!   command-line order, then authorizations without a file in their order; an id already
//!   claimed takes the first free `-2`, `-3`, …. A title without a letter or digit gives
//!   `leveraged-authorization`.
//! - **Matching.** Each LEVERAGED.json, in command-line order, takes the first still unmatched
//!   authorization whose `party-uuid` is among its `metadata.parties`. The one-left-over match
//!   is made, and announced by a warning (it rests on elimination, not on a party). A file
//!   that matches nothing is only read as far as its `metadata.parties`: it must still be an
//!   SSP in JSON. A leveraging plan without `leveraged-authorizations` imports as its party
//!   alone, with a warning.
//! - **`agreed`.** With the leveraged plan given, a control it exports nothing for (only the
//!   leveraging plan names it) gets `agreed` removed (`Unset`): the plan shows no agreement.
//! - **The leveraging system's `implements`** lists the controls of its hand-offs only. "X has
//!   responsibilities" counts those of every given leveraged plan. A `satisfied` satisfies the
//!   responsibility it names even when it sits under another control than the one the
//!   responsibility is exported for (a warning says so; the same for an `inherited`).
//! - **Attribution.** "The authorization whose SSP exports that uuid" means exports it in
//!   either kind: a `satisfied` naming a uuid exported as a `provided` is attributed there, and
//!   warned about as such ("… exports it as a `provided`, not as a responsibility"). A
//!   statement that cannot be attributed (several authorizations, no uuid exported, no
//!   component prop) is a warning and is left out. A component's
//!   `leveraged-authorization-uuid` that names no authorization is a warning and is ignored.
//!   Props count when they have no `ns` or OSCAL's own.
//! - **Without a leveraged plan** its statements' references cannot be checked: no warning,
//!   and every `inherited` counts as what that system implements.
//! - **One level.** The leveraging plan's own exports (for its customers) and the leveraged
//!   plans' own `inherited` / `satisfied` are not read.
//! - **Fatal problems** (nothing is imported): a file that cannot be read, is not JSON, or is
//!   not an SSP (`system-security-plan` missing — another OSCAL model is named); a value the
//!   rules read that has the wrong JSON type; a missing field the rules need: the first
//!   `system-characteristics.system-ids[].id` (non-empty), `system-name`, an authorization's
//!   `uuid` / `title` / `party-uuid` / `date-authorized`, a requirement's `control-id` (which
//!   must be a valid id: no whitespace or hidden characters), a statement's `uuid`, an
//!   `inherited`'s `provided-uuid`, a `satisfied`'s `responsibility-uuid`, a leveraging
//!   by-component's `component-uuid`, a component's or a party's `uuid`. Absent containers
//!   (`control-implementation`, `statements`, `by-components`, `export`, `components`, …)
//!   count as empty. A UTF-8 byte-order mark is skipped.

mod json;
mod rules;
mod ssp;

#[cfg(test)]
mod fatal_tests;
#[cfg(test)]
mod nist_tests;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod test_plans;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::import::{Import, Problem};
use crate::stack::LoadError;
use crate::stack::load::read_bounded;
use ssp::{Plan, Role};

/// `stackgap import oscal-ssp LEVERAGING.json [LEVERAGED.json…]` (SPEC §8.2).
pub fn read(leveraging: &Path, leveraged: &[PathBuf]) -> Result<Import, Problem> {
    let main = Source::load(leveraging)?;
    let others = leveraged
        .iter()
        .map(|p| Source::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    import(&main, &others)
}

/// One file's JSON, with the names it is known by.
#[derive(Debug, Clone)]
pub(super) struct Source {
    /// The file as named on the command line.
    pub file: String,
    /// Its base name.
    pub base: String,
    /// Its document.
    pub json: Value,
}

impl Source {
    fn load(path: &Path) -> Result<Source, Problem> {
        let file = path.display().to_string();
        let fail = |message: String| Problem {
            file: file.clone(),
            at: String::new(),
            message,
        };
        if path.is_dir() {
            return Err(fail(
                "is a directory; give an OSCAL system security plan (.json)".into(),
            ));
        }
        let bytes = read_bounded(path).map_err(|e| match e {
            LoadError::Read { message, .. } => fail(message),
            other => fail(other.to_string()),
        })?;
        let base = path
            .file_name()
            .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
        Source::parse(&file, &base, &bytes)
    }

    /// Parses a file's bytes as JSON.
    pub(super) fn parse(file: &str, base: &str, bytes: &[u8]) -> Result<Source, Problem> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let json = serde_json::from_slice(bytes).map_err(|e| Problem {
            file: file.to_owned(),
            at: String::new(),
            message: format!("not JSON: {e}; expected an OSCAL system security plan in JSON"),
        })?;
        Ok(Source {
            file: file.to_owned(),
            base: base.to_owned(),
            json,
        })
    }
}

/// The import of already parsed files: the rules of §8.2, without the file system.
pub(super) fn import(main: &Source, others: &[Source]) -> Result<Import, Problem> {
    let leveraging = ssp::walk(main, Role::Leveraging)?;
    let mut candidates = Vec::with_capacity(others.len());
    for source in others {
        candidates.push(rules::Candidate {
            file: &source.file,
            parties: ssp::party_uuids(source)?,
        });
    }
    let mut warnings = Vec::new();
    let file_of = rules::match_files(&leveraging, &candidates, &mut warnings);
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(others.len());
    for (f, source) in others.iter().enumerate() {
        if file_of.contains(&Some(f)) {
            let mut plan = ssp::walk(source, Role::Leveraged)?;
            warnings.append(&mut plan.warnings);
            plans.push(Some(plan));
        } else {
            plans.push(None);
        }
    }
    let (leveraging_id, providers) = rules::providers(&leveraging, &file_of, plans, &mut warnings);
    Ok(rules::build(
        &leveraging,
        leveraging_id,
        &providers,
        warnings,
    ))
}
