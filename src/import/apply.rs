//! `stackgap import … --into STACK.toml` (SPEC §8): an [`Import`] written into an existing
//! stack file, format-preserving. The edits go through toml_edit with the explorer's own entry
//! and `implements` surgery (`crate::save`), so comments, key order, inline and table forms of
//! everything the import does not name survive byte for byte; the result is loaded again and
//! compared with the stack and the import before anyone writes it. Applying the same import to
//! its own result changes nothing: the text comes back byte-identical.
//!
//! Decisions where SPEC §8 is silent (with those of [`super::print`], whose tables new
//! controls, parties and hand-offs are):
//!
//! - **Where new tables go.** New `[[control]]`, `[[party]]`, `[[evidence]]` and `[[handoff]]`
//!   tables go right
//!   after the last table of their kind (after its sub-tables, such as `[handoff.controls]`), in
//!   the import's order. A file with none of that kind gets them after the last table of the
//!   kind before it in SPEC §1's order (`[stack]`, `[[layer]]`, `[[control]]`, `[[party]]`,
//!   `[[handoff]]`; `[[evidence]]` counts as coming after `[[party]]`), else at the end. A kind written as an inline list (`party = [{ … }]`) gets
//!   them appended to that list, inline. Comments below the last line of the table they
//!   follow stay with that table: a block of comments that a blank line separates from the
//!   next header is taken to belong above it, one that touches the next header to that header.
//! - **Parties.** An existing party keeps its name, layer and everything else; only its
//!   `implements` changes: controls stated `true` are appended in the array's own layout,
//!   then those stated `false` are removed, by the explorer's array surgery: comments on lines
//!   of their own stay where they are; a comment written on a removed control's line is
//!   handled as the explorer's `i` handles it (it may go with it, stay as a line of its own,
//!   or end up beside a neighbour — a known rough edge of that surgery). A new party gets
//!   `layer` = the layer of its `layer_of` party when that party is already in the stack and
//!   has one (a party the same import creates has none yet).
//! - **Evidence documents.** A document the imported entries cite that the stack does not
//!   declare is added as `[[evidence]]` when the artefact describes it (stackgap's own matrix
//!   does, in its `Evidence documents` column); its `party` and `covers` keep only what the
//!   stack knows (a warning says what was left out). A document the stack declares is left
//!   exactly as it is, whatever the artefact says of it: never declared twice. One the artefact
//!   does not describe is not guessed: the stack does not load, and nothing is written.
//! - **Hand-offs** are matched by (consumer, provider, service); an existing one keeps its
//!   `agreement`, even when it has none and the import states one.
//! - **Entries.** Only the keys whose value changes are rewritten, in the entry's own form:
//!   the shorthand `X = "owner"` stays one while `agreed` is all it says; a `[handoff.controls]`
//!   sub-table, an inline `controls = { … }`, a `[handoff.controls.X]` table and dotted keys are
//!   all edited where they are. A new entry is appended to its hand-off's controls in their
//!   form; a hand-off without `controls` gets them as a sub-table (inline, for an inline
//!   hand-off). An entry that the hand-off's `model` template supplies becomes explicit when
//!   the import changes it, keeping the template's `agreed` unless the import sets or unsets it.
//! - **Counts** (for the summary): an entry is *added* when the file did not list it — the
//!   entries of a new hand-off, and an entry the hand-off's `model` template supplied that the
//!   import writes out (SPEC §8 sets `ref` on every entry it names, so a template row read back
//!   from an export is written with its row's `ref`, its `agreed` unchanged: the findings stay
//!   the same) —, *updated* when the file listed it and any of its fields changes; a party is
//!   *changed* when its `implements` changes.
//! - **Nothing changes** → the original text is returned as it was, byte for byte. Otherwise
//!   its line ends, byte-order mark and missing final newline are kept, as the explorer's save
//!   keeps them.
//! - **Cost.** What changes is decided from the loaded stack before the file is parsed as a
//!   document, so a re-run that changes nothing costs one load (1.1 s on the 15 MB,
//!   10,000-party synthetic stack of `examples/gen-stack.rs`, release build, 2 cores). A change
//!   costs toml_edit's parse, the rewrite and the verifying load on top: 6.6–9 s and 0.8 GB
//!   there, most of it toml_edit's parse (2.3 s) and the two loads.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::print::{
    control_table, evidence_table, handoff_table, normalised, party_table, settled, updated,
};
use super::{Import, ImportHandoff, ImportParty};
use crate::save::{
    Fields, add_entry, edit_entry, edit_implements, element, keep_layout, max_position,
    push_element, raw,
};
use crate::stack::load::DEMO_NAME;
use crate::stack::{LoadError, Stack, load_str};
use crate::text::escape;

/// SPEC §1's order of the kinds of table an import adds to: a file without a kind gets its
/// new tables after the kind before it.
const KINDS: [&str; 5] = ["stack", "layer", "control", "party", "handoff"];

/// Why an import could not be written into a stack; nothing is written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The stack file is written in a form the import cannot edit.
    #[error(
        "cannot import into {}: {}; nothing was written",
        escape(path),
        escape(message)
    )]
    Unsupported {
        /// The stack file as named.
        path: String,
        /// What cannot be edited.
        message: String,
    },
    /// With the import written in, the stack would not load (e.g. `--evidence` names a
    /// document the stack does not declare).
    #[error(
        "cannot import into {}: with the import written in, the stack would not load, so nothing was written (lines as the file would have been):\n{error}",
        escape(path)
    )]
    Load {
        /// The stack file as named.
        path: String,
        /// The loader's error on the rewritten text (part of the message, not a separate cause).
        error: LoadError,
    },
    /// The rewritten text does not read back as the stack with the import in it.
    #[error(
        "cannot import into {}: the rewritten file would not read back as the stack with the import ({}); nothing was written — please report this as a stackgap bug",
        escape(path),
        escape(message)
    )]
    Verify {
        /// The stack file as named.
        path: String,
        /// The first difference found.
        message: String,
    },
}

/// The stack text with an import written in, and what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The new text (the original, byte for byte, when nothing changed).
    pub text: String,
    /// `[[control]]`s added.
    pub controls_added: usize,
    /// `[[party]]`s added.
    pub parties_added: usize,
    /// `[[evidence]]` documents added.
    pub documents_added: usize,
    /// `[[handoff]]`s added.
    pub handoffs_added: usize,
    /// Entries added, those of new hand-offs and template entries written out included.
    pub entries_added: usize,
    /// Existing entries with a field changed.
    pub entries_updated: usize,
    /// Existing parties whose `implements` changed.
    pub parties_changed: usize,
}

impl Applied {
    /// Whether the import changed nothing.
    pub fn is_unchanged(&self) -> bool {
        self.controls_added
            + self.parties_added
            + self.documents_added
            + self.handoffs_added
            + self.entries_added
            + self.entries_updated
            + self.parties_changed
            == 0
    }

    /// What changed, for a person: `unchanged`, or e.g. `added 3 controls, 1 party, 1 hand-off,
    /// 4 entries; updated 12 entries; changed the implements of 2 parties`.
    pub fn summary(&self) -> String {
        if self.is_unchanged() {
            return "unchanged".into();
        }
        let count =
            |n: usize, one: &str, many: &str| (n > 0).then(|| crate::text::count(n, one, many));
        let added: Vec<String> = [
            count(self.controls_added, "control", "controls"),
            count(self.parties_added, "party", "parties"),
            count(self.documents_added, "document", "documents"),
            count(self.handoffs_added, "hand-off", "hand-offs"),
            count(self.entries_added, "entry", "entries"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("added {}", added.join(", ")));
        }
        if let Some(n) = count(self.entries_updated, "entry", "entries") {
            parts.push(format!("updated {n}"));
        }
        if let Some(n) = count(self.parties_changed, "party", "parties") {
            parts.push(format!("changed the implements of {n}"));
        }
        parts.join("; ")
    }
}

/// The stack file text with the import written in (format-preserving, verified by loading it).
pub fn into_text(
    original_text: &str,
    stack: &Stack,
    import: &Import,
) -> Result<String, ApplyError> {
    apply(original_text, stack, import).map(|applied| applied.text)
}

/// [`into_text`], with the counts of what changed.
pub fn apply(original_text: &str, stack: &Stack, import: &Import) -> Result<Applied, ApplyError> {
    let import = normalised(import);
    let path = stack.source.name.clone();
    let plan = Plan::of(stack, &import);
    let mut applied = plan.counts();
    if applied.is_unchanged() {
        // Decided from the stack alone: a re-run never parses the file again.
        applied.text = original_text.to_owned();
        return Ok(applied);
    }
    let unsupported = |message: String| ApplyError::Unsupported {
        path: path.clone(),
        message,
    };
    let mut doc: DocumentMut = original_text.parse().map_err(|e: toml_edit::TomlError| {
        unsupported(format!("the file is not valid TOML: {}", e.message()))
    })?;
    let before = doc.to_string();
    plan.write(&mut doc).map_err(unsupported)?;
    applied.text = keep_layout(original_text, &before, &doc.to_string());
    let loaded = load_str(&applied.text, &path, base_dir(&path).as_deref()).map_err(|error| {
        ApplyError::Load {
            path: path.clone(),
            error,
        }
    })?;
    read_back(&loaded, stack, &import, applied.documents_added).map_err(|message| {
        ApplyError::Verify {
            path: path.clone(),
            message,
        }
    })?;
    Ok(applied)
}

/// The folder an `oscal:` catalog of the stack is read from, as the loader was given it.
fn base_dir(name: &str) -> Option<PathBuf> {
    (name != "-" && name != DEMO_NAME).then(|| {
        Path::new(name)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf()
    })
}

/// What an import changes in a stack, decided from the loaded stack alone.
#[derive(Default)]
struct Plan {
    /// New `[[control]]`s.
    controls: Vec<Table>,
    /// Existing parties (their index) whose `implements` gains and loses controls.
    implements: Vec<(usize, Vec<String>, BTreeSet<String>)>,
    /// New `[[party]]`s.
    parties: Vec<Table>,
    /// New `[[evidence]]` documents.
    documents: Vec<Table>,
    /// Entries of existing hand-offs to write.
    entries: Vec<EntryEdit>,
    /// New `[[handoff]]`s, with their number of entries.
    handoffs: Vec<(Table, usize)>,
}

/// One entry of an existing hand-off to write: its fields before (none when the hand-off does
/// not list it) and after.
struct EntryEdit {
    handoff: usize,
    control: String,
    old: Option<Fields>,
    from_template: bool,
    new: Fields,
}

impl Plan {
    fn of(stack: &Stack, import: &Import) -> Plan {
        let mut plan = Plan {
            controls: import
                .controls
                .iter()
                .filter(|c| stack.control_id(&c.id).is_none())
                .map(control_table)
                .collect(),
            ..Plan::default()
        };
        for p in &import.parties {
            plan.party(stack, p);
        }
        // Cited by the import's entries, described, and not declared by the stack.
        plan.documents = settled(import, Some(stack), "")
            .0
            .iter()
            .map(evidence_table)
            .collect();
        for h in &import.handoffs {
            plan.handoff(stack, h);
        }
        plan
    }

    /// A new party, or the changes to an existing party's `implements`.
    fn party(&mut self, stack: &Stack, p: &ImportParty) {
        let Some(pi) = stack.party_id(&p.id) else {
            let layer = p
                .layer_of
                .as_deref()
                .and_then(|id| stack.party_id(id))
                .and_then(|q| stack.layer_of(q))
                .map(|l| stack.layers[l as usize].id.as_str());
            self.parties.push(party_table(p, layer));
            return;
        };
        let party = stack.party(pi);
        let has = |c: &str| {
            stack
                .control_id(c)
                .is_some_and(|x| party.implements_control(x))
        };
        let add: Vec<String> = p
            .implements
            .iter()
            .filter(|(c, yes)| *yes && !has(c))
            .map(|(c, _)| c.clone())
            .collect();
        let remove: BTreeSet<String> = p
            .implements
            .iter()
            .filter(|(c, yes)| !*yes && has(c))
            .map(|(c, _)| c.clone())
            .collect();
        if !add.is_empty() || !remove.is_empty() {
            self.implements.push((pi as usize, add, remove));
        }
    }

    /// A new hand-off, or the entries of an existing one that change.
    fn handoff(&mut self, stack: &Stack, h: &ImportHandoff) {
        let Some(hi) = stack
            .handoff_by_ids(&h.consumer, &h.provider, h.service.as_deref())
            .map(|h| h as usize)
        else {
            self.handoffs.push((handoff_table(h), h.entries.len()));
            return;
        };
        let existing = &stack.handoffs[hi];
        let listed: HashMap<u32, usize> = existing
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.control, i))
            .collect();
        for e in &h.entries {
            let current = stack
                .control_id(&e.control)
                .and_then(|c| listed.get(&c))
                .map(|&i| &existing.entries[i]);
            let old = current.map(|entry| Fields::of(stack, entry));
            let new = updated(&old.clone().unwrap_or_default(), e);
            if old.as_ref() == Some(&new) {
                continue;
            }
            self.entries.push(EntryEdit {
                handoff: hi,
                control: e.control.clone(),
                old,
                from_template: current.is_some_and(|entry| entry.from_template),
                new,
            });
        }
    }

    /// What the plan changes, as counted for the summary (without the text).
    fn counts(&self) -> Applied {
        // A template entry the import writes out is new to the file: added, not updated.
        let added = self
            .entries
            .iter()
            .filter(|e| e.old.is_none() || e.from_template)
            .count();
        Applied {
            text: String::new(),
            controls_added: self.controls.len(),
            parties_added: self.parties.len(),
            documents_added: self.documents.len(),
            handoffs_added: self.handoffs.len(),
            entries_added: added + self.handoffs.iter().map(|(_, n)| n).sum::<usize>(),
            entries_updated: self.entries.len() - added,
            parties_changed: self.implements.len(),
        }
    }

    /// Writes the plan into the document.
    fn write(self, doc: &mut DocumentMut) -> Result<(), String> {
        insert_tables(doc, "control", self.controls)?;
        for (pi, add, remove) in &self.implements {
            // Additions first: an element removed after them hands its comments to the one
            // after it rather than to the end of the array.
            edit_implements(element(doc, "party", *pi)?, add, &BTreeSet::new())?;
            edit_implements(element(doc, "party", *pi)?, &[], remove)?;
        }
        insert_tables(doc, "party", self.parties)?;
        for e in &self.entries {
            let handoff = element(doc, "handoff", e.handoff)?;
            match &e.old {
                Some(old) if !e.from_template => edit_entry(handoff, &e.control, old, &e.new)?,
                _ => add_entry(handoff, &e.control, &e.new)?,
            }
        }
        let handoffs = self.handoffs.into_iter().map(|(t, _)| t).collect();
        insert_tables(doc, "handoff", handoffs)?;
        // Last: into a file without documents, they go right after the parties, above any
        // hand-off just added.
        insert_tables(doc, "evidence", self.documents)
    }
}

// ---------------------------------------------------------------------------------------------
// Placing new tables.

/// Adds tables of a kind where the module's decisions say.
fn insert_tables(doc: &mut DocumentMut, key: &str, tables: Vec<Table>) -> Result<(), String> {
    if tables.is_empty() {
        return Ok(());
    }
    match doc.get_mut(key) {
        Some(Item::Value(Value::Array(list))) => {
            for t in tables {
                push_element(list, Value::InlineTable(t.into_inline_table()));
            }
            return Ok(());
        }
        Some(Item::ArrayOfTables(_)) | None => {}
        Some(_) => return Err(format!("the file's `{key}` is not a list of tables")),
    }
    let after = anchor(doc.as_table(), key);
    let n = tables.len() as isize;
    shift(doc.as_table_mut(), after, n);
    let lead = lead_after(doc, after + n);
    let list = doc
        .entry(key)
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| format!("the file's `{key}` is not a list of tables"))?;
    for (i, mut t) in tables.into_iter().enumerate() {
        // Sub-tables keep no position: they print right after the table that holds them.
        t.set_position(Some(after + 1 + i as isize));
        t.decor_mut()
            .set_prefix(if i == 0 { lead.as_str() } else { "\n" });
        list.push(t);
    }
    Ok(())
}

/// The position new tables of a kind go after.
fn anchor(root: &Table, key: &str) -> isize {
    // `[[evidence]]` is not among SPEC §1's kinds: new documents follow the last one, else the
    // parties (whose ids they may name); no other kind is placed after them.
    let (key, own) = match key {
        "evidence" => ("party", Some("evidence")),
        _ => (key, None),
    };
    let at = KINDS
        .iter()
        .position(|k| *k == key)
        .unwrap_or(KINDS.len() - 1);
    own.iter()
        .chain(KINDS[..=at].iter().rev())
        .find_map(|kind| match root.get(kind)? {
            Item::Table(t) => Some(max_position(t)),
            Item::ArrayOfTables(list) => list.iter().map(max_position).max(),
            _ => None,
        })
        .unwrap_or_else(|| max_position(root))
}

/// Moves every table below `after` down by `by` places, to make room.
fn shift(t: &mut Table, after: isize, by: isize) {
    if let Some(p) = t.position()
        && p > after
    {
        t.set_position(Some(p + by));
    }
    for (_, item) in t.iter_mut() {
        match item {
            Item::Table(sub) => shift(sub, after, by),
            Item::ArrayOfTables(list) => {
                for sub in list.iter_mut() {
                    shift(sub, after, by);
                }
            }
            _ => {}
        }
    }
}

/// The text above the first new table: the comments that belong to the table before it (taken
/// from the next header's prefix, or from the end of the file), then a blank line.
fn lead_after(doc: &mut DocumentMut, above: isize) -> String {
    let next = first_header_after(doc.as_table(), above);
    let ours = match next.and_then(|p| header_at(doc.as_table_mut(), p)) {
        Some(header) => {
            let prefix = raw(header.decor().prefix()).unwrap_or_default();
            let (ours, theirs) = split_comments(&prefix);
            if !ours.is_empty() {
                header.decor_mut().set_prefix(theirs);
            }
            ours
        }
        None => {
            let trailing = raw(Some(doc.trailing())).unwrap_or_default();
            if trailing.contains('#') {
                doc.set_trailing("");
                if trailing.ends_with('\n') {
                    trailing
                } else {
                    format!("{trailing}\n")
                }
            } else {
                String::new()
            }
        }
    };
    format!("{ours}\n")
}

/// Splits the text above a header into the comments that belong to what precedes it (those
/// before its last blank line) and the rest.
fn split_comments(prefix: &str) -> (String, String) {
    let lines: Vec<&str> = prefix.split_inclusive('\n').collect();
    let blank = lines
        .iter()
        .rposition(|l| l.ends_with('\n') && l.trim().is_empty());
    match blank {
        Some(b) if lines[..b].iter().any(|l| l.contains('#')) => {
            (lines[..b].concat(), lines[b..].concat())
        }
        _ => (String::new(), prefix.to_owned()),
    }
}

/// The smallest position of a header (a `[table]` or `[[table]]` line) after `above`.
fn first_header_after(t: &Table, above: isize) -> Option<isize> {
    let mut best: Option<isize> = None;
    for (_, item) in t.iter() {
        let subs: Vec<&Table> = match item {
            Item::Table(sub) => vec![sub],
            Item::ArrayOfTables(list) => list.iter().collect(),
            _ => continue,
        };
        for sub in subs {
            if is_header(sub)
                && let Some(p) = sub.position()
                && p > above
            {
                best = Some(best.map_or(p, |b| b.min(p)));
            }
            if let Some(p) = first_header_after(sub, above) {
                best = Some(best.map_or(p, |b| b.min(p)));
            }
        }
    }
    best
}

/// The header table at a position.
fn header_at(t: &mut Table, at: isize) -> Option<&mut Table> {
    for (_, item) in t.iter_mut() {
        let found = match item {
            Item::Table(sub) => header_or_below(sub, at),
            Item::ArrayOfTables(list) => list.iter_mut().find_map(|sub| header_or_below(sub, at)),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn header_or_below(t: &mut Table, at: isize) -> Option<&mut Table> {
    if is_header(t) && t.position() == Some(at) {
        Some(t)
    } else {
        header_at(t, at)
    }
}

/// Whether a table is written as a header line (not dotted keys, not implied by a sub-table).
fn is_header(t: &Table) -> bool {
    !t.is_dotted() && !t.is_implicit()
}

// ---------------------------------------------------------------------------------------------
// Checking the result.

/// Whether the loaded text is the stack with the import in it (and the `documents_added` the
/// plan declared); the first difference if not.
fn read_back(
    loaded: &Stack,
    stack: &Stack,
    import: &Import,
    documents_added: usize,
) -> Result<(), String> {
    let mut controls: Vec<&str> = stack.controls.iter().map(|c| c.id.as_str()).collect();
    controls.extend(
        import
            .controls
            .iter()
            .filter(|c| stack.control_id(&c.id).is_none())
            .map(|c| c.id.as_str()),
    );
    if !loaded.controls.iter().map(|c| c.id.as_str()).eq(controls) {
        return Err("the controls differ".into());
    }
    if loaded.layers.len() != stack.layers.len()
        || loaded.documents.len() != stack.documents.len() + documents_added
        || loaded.accepts.len() != stack.accepts.len()
    {
        return Err("the layers, documents or accepts differ".into());
    }
    read_back_parties(loaded, stack, import)?;
    read_back_handoffs(loaded, stack, import)
}

fn read_back_parties(loaded: &Stack, stack: &Stack, import: &Import) -> Result<(), String> {
    let mut want: Vec<(String, BTreeSet<String>)> = stack
        .parties
        .iter()
        .map(|p| {
            let ids = p.implements().iter().map(|&c| stack.control(c).id.clone());
            (p.id.clone(), ids.collect())
        })
        .collect();
    for p in &import.parties {
        let at = match want.iter().position(|(id, _)| *id == p.id) {
            Some(at) => at,
            None => {
                want.push((p.id.clone(), BTreeSet::new()));
                want.len() - 1
            }
        };
        for (c, yes) in &p.implements {
            if *yes {
                want[at].1.insert(c.clone());
            } else {
                want[at].1.remove(c);
            }
        }
    }
    if loaded.parties.len() != want.len() {
        return Err("the parties differ".into());
    }
    for (p, (id, implements)) in loaded.parties.iter().zip(&want) {
        let got: BTreeSet<String> = p
            .implements()
            .iter()
            .map(|&c| loaded.control(c).id.clone())
            .collect();
        if p.id != *id || got != *implements {
            return Err(format!("party `{id}` differs"));
        }
    }
    Ok(())
}

fn read_back_handoffs(loaded: &Stack, stack: &Stack, import: &Import) -> Result<(), String> {
    type Key = (String, String, Option<String>);
    let key = |s: &Stack, h: &crate::stack::Handoff| -> Key {
        let id = |p| s.party(p).id.clone();
        (id(h.consumer), id(h.provider), h.service.clone())
    };
    let mut want: Vec<(Key, HashMap<String, Fields>)> = stack
        .handoffs
        .iter()
        .map(|h| {
            let entries = h.entries.iter().map(|e| {
                let id = stack.control(e.control).id.clone();
                (id, Fields::of(stack, e))
            });
            (key(stack, h), entries.collect())
        })
        .collect();
    for h in &import.handoffs {
        let k: Key = (h.consumer.clone(), h.provider.clone(), h.service.clone());
        let at = match want.iter().position(|(w, _)| *w == k) {
            Some(at) => at,
            None => {
                want.push((k, HashMap::new()));
                want.len() - 1
            }
        };
        for e in &h.entries {
            let old = want[at].1.get(&e.control).cloned().unwrap_or_default();
            want[at].1.insert(e.control.clone(), updated(&old, e));
        }
    }
    if loaded.handoffs.len() != want.len() {
        return Err("the hand-offs differ".into());
    }
    for (h, (k, entries)) in loaded.handoffs.iter().zip(&want) {
        let got: HashMap<String, Fields> = h
            .entries
            .iter()
            .map(|e| (loaded.control(e.control).id.clone(), Fields::of(loaded, e)))
            .collect();
        if key(loaded, h) != *k || got != *entries {
            return Err(format!("the hand-off {} → {} differs", k.0, k.1));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
