//! `stackgap import` without `--into` (SPEC §8): an [`Import`] printed as a complete stack file
//! that loads on its own. The document is built through toml_edit, so every string is written
//! as valid TOML whatever it holds (quotes, backslashes, newlines, `#`, control characters);
//! the tables it builds are the ones [`super::apply`] adds to an existing stack, so a printed
//! stack and an import into an empty one read the same.
//!
//! Decisions where SPEC §8 is silent (they hold for `--into` too, where they apply):
//!
//! - **Layout.** A comment header names the import and lists its warnings (each on one line,
//!   escaped as on a terminal, the first 20 and a count of the rest), then `[stack]` with the
//!   import's name (`Imported stack` when it has none) and `catalog = "none"`, then
//!   `[[control]]` (`id`, `name`, `family`), `[[party]]` (`id`, `name`, `implements`) and
//!   `[[handoff]]` (`consumer`, `provider`, `service`, `agreement`, then a `[handoff.controls]`
//!   sub-table), each kind in the import's order. No `[[layer]]`: a party's `layer_of` only
//!   matters when importing into a stack that has layers.
//! - **Entries** are written as inline tables with the keys `agreed`, `assumed`, `evidence`,
//!   `expires`, `ref` in that order, only those the import sets (`Keep` and `Unset` both write
//!   nothing); the shorthand `X = "owner"` when `agreed` is all there is. `evidence` is a
//!   string for one item and an array for several; an empty list is not written (an empty
//!   array would not load), nor is an empty `ref`, nor an `expires` outside the years
//!   0000–9999 that TOML dates have (no reader produces one).
//! - **Evidence documents** the entries cite are declared as `[[evidence]]` after the parties,
//!   in first-cited order, as the artefact describes them ([`settle_documents`]): a `party`
//!   the stack does not have and the controls of `covers` it does not declare are left out,
//!   and `covers` altogether when it leaves out a control the document is cited for (each a
//!   warning). A document cited but not described gets `level = "none"`, the one level that
//!   claims nothing, and a warning; with `--into`, one the stack declares is left as it is and
//!   one not described is not added (the stack then does not load: nothing is guessed into it).
//! - **Repeats are merged**: a control, party or hand-off (consumer, provider,
//!   service) stated twice is written once, where it is first stated. The first name, family,
//!   layer and agreement stated win; for an entry and for a party's `implements`, the last
//!   statement about a field or a control wins. A party or control that entries, hand-offs or
//!   `implements` use without the import listing it is declared too (named by its id), so the
//!   stack still loads.

use std::collections::HashMap;
use std::fmt::Write as _;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::{
    Field, Import, ImportControl, ImportDocument, ImportEntry, ImportHandoff, ImportParty, Problem,
};
use crate::date::Date;
use crate::save::Fields;
use crate::stack::{Evidence, Stack};
use crate::text::escape;

/// The most warnings the header lists; the rest are counted.
const MAX_LISTED_WARNINGS: usize = 20;

/// The stack name of an import that has none.
const UNNAMED: &str = "Imported stack";

/// The import as a complete stack file: it loads on its own (`catalog = "none"`).
pub fn stack_text(import: &Import) -> String {
    let import = normalised(import);
    let mut doc = DocumentMut::new();
    let mut header = Table::new();
    let name = if import.name.trim().is_empty() {
        UNNAMED
    } else {
        import.name.as_str()
    };
    header.insert("name", Item::Value(Value::from(name)));
    header.insert("catalog", Item::Value(Value::from("none")));
    doc.insert("stack", Item::Table(header));
    let controls: Vec<Table> = import.controls.iter().map(control_table).collect();
    let parties: Vec<Table> = import
        .parties
        .iter()
        .map(|p| party_table(p, None))
        .collect();
    let documents: Vec<Table> = settled(&import, None, "")
        .0
        .iter()
        .map(evidence_table)
        .collect();
    let handoffs: Vec<Table> = import.handoffs.iter().map(handoff_table).collect();
    for (key, tables) in [
        ("control", controls),
        ("party", parties),
        ("evidence", documents),
        ("handoff", handoffs),
    ] {
        if tables.is_empty() {
            continue;
        }
        let mut list = ArrayOfTables::new();
        for t in tables {
            list.push(t);
        }
        doc.insert(key, Item::ArrayOfTables(list));
    }
    format!("{}{doc}", header_comment(&import))
}

/// The comment lines that open a printed stack.
fn header_comment(import: &Import) -> String {
    let mut out = String::from("# Written by `stackgap import`");
    if !import.name.trim().is_empty() {
        let _ = write!(out, " from: {}", one_line(&import.name));
    }
    out.push('\n');
    let n = import.warnings.len();
    if n > 0 {
        let _ = writeln!(
            out,
            "# {n} warning{} when imported:",
            if n == 1 { "" } else { "s" }
        );
        for w in import.warnings.iter().take(MAX_LISTED_WARNINGS) {
            let _ = writeln!(out, "#   {}", one_line(&w.to_string()));
        }
        if n > MAX_LISTED_WARNINGS {
            let _ = writeln!(out, "#   … and {} more", n - MAX_LISTED_WARNINGS);
        }
    }
    out.push('\n');
    out
}

/// Text for a comment line: control and invisible characters escaped, so it stays one line
/// (a TOML comment may hold no control character but tab).
fn one_line(s: &str) -> String {
    escape(s).replace('\t', "\\t")
}

/// A new `[[control]]`.
pub(super) fn control_table(c: &ImportControl) -> Table {
    let mut t = Table::new();
    t.insert("id", Item::Value(Value::from(c.id.as_str())));
    t.insert("name", Item::Value(Value::from(c.name.as_str())));
    if let Some(family) = &c.family {
        t.insert("family", Item::Value(Value::from(family.as_str())));
    }
    t
}

/// A new `[[party]]`, with `layer` when the stack it goes into gives one.
pub(super) fn party_table(p: &ImportParty, layer: Option<&str>) -> Table {
    let mut t = Table::new();
    t.insert("id", Item::Value(Value::from(p.id.as_str())));
    if let Some(name) = &p.name {
        t.insert("name", Item::Value(Value::from(name.as_str())));
    }
    if let Some(layer) = layer {
        t.insert("layer", Item::Value(Value::from(layer)));
    }
    let implements: Array = p
        .implements
        .iter()
        .filter(|(_, yes)| *yes)
        .map(|(c, _)| c.as_str())
        .collect();
    if !implements.is_empty() {
        t.insert("implements", Item::Value(Value::Array(implements)));
    }
    t
}

/// Settles which documents the import declares (see the module's decisions), before its
/// warnings are shown: without a stack (a printed stack), every document its entries cite;
/// with the `--into` stack, those the stack does not declare and the artefact describes.
/// `file` names the artefact in the warnings. Settling twice changes nothing more.
pub fn settle_documents(import: &mut Import, stack: Option<&Stack>, file: &str) {
    let (documents, warnings) = settled(&normalised(import), stack, file);
    import.documents = documents;
    import.warnings.extend(warnings);
}

/// The documents to declare, and the warnings about what of them cannot be declared as
/// described.
pub(super) fn settled(
    import: &Import,
    stack: Option<&Stack>,
    file: &str,
) -> (Vec<ImportDocument>, Vec<Problem>) {
    // Each document the entries cite, with the controls it is cited for, in first-use order.
    let mut cited: Vec<(&str, Vec<&str>)> = Vec::new();
    for e in import.handoffs.iter().flat_map(|h| &h.entries) {
        let Field::Set(items) = &e.evidence else {
            continue;
        };
        for item in items.iter().filter(|i| Evidence::parse(i).is_none()) {
            match cited.iter_mut().find(|(id, _)| id == item) {
                Some((_, controls)) => controls.push(&e.control),
                None => cited.push((item, vec![&e.control])),
            }
        }
    }
    let has_control = |id: &str| {
        import.controls.iter().any(|c| c.id == id)
            || stack.is_some_and(|s| s.control_id(id).is_some())
    };
    let has_party = |id: &str| {
        import.parties.iter().any(|p| p.id == id) || stack.is_some_and(|s| s.party_id(id).is_some())
    };
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    for (id, citing) in cited {
        if stack.is_some_and(|s| s.documents.iter().any(|d| d.id == id)) {
            continue;
        }
        let described = import.documents.iter().find(|d| d.id == id);
        let mut warn = |message: String| {
            warnings.push(Problem {
                file: file.to_string(),
                at: format!("evidence document {id}"),
                message,
            });
        };
        let mut doc = match (described, stack) {
            (Some(doc), _) if doc.level.is_some() => doc.clone(),
            // Into a stack: the loader names the citation of a document the stack lacks.
            (_, Some(_)) => continue,
            (described, None) => {
                warn("the file does not give its level (no `Evidence documents` column, or no level there); declared with `level = \"none\"`: set its level".into());
                ImportDocument {
                    level: Some(Evidence::None),
                    ..described
                        .cloned()
                        .unwrap_or_else(|| ImportDocument::bare(id))
                }
            }
        };
        if let Some(party) = doc.party.take_if(|p| !has_party(p)) {
            warn(format!(
                "its party {party:?} is not in the stack; `party` is left out"
            ));
        }
        if let Some(covers) = &mut doc.covers {
            let unknown: Vec<String> = covers.extract_if(.., |c| !has_control(c)).collect();
            if !unknown.is_empty() {
                warn(format!(
                    "`covers` names controls the stack does not have ({}); they are left out",
                    unknown.join(", ")
                ));
            }
            if let Some(c) = citing.iter().find(|c| !covers.contains(&c.to_string())) {
                warn(format!(
                    "cited for {c}, which its `covers` does not name; `covers` is left out"
                ));
                doc.covers = None;
            }
        }
        documents.push(doc);
    }
    (documents, warnings)
}

/// A new `[[evidence]]`.
pub(super) fn evidence_table(d: &ImportDocument) -> Table {
    let mut t = Table::new();
    t.insert("id", Item::Value(Value::from(d.id.as_str())));
    let level = d.level.unwrap_or(Evidence::None).as_str();
    t.insert("level", Item::Value(Value::from(level)));
    for (key, text) in [
        ("title", &d.title),
        ("issuer", &d.issuer),
        ("party", &d.party),
    ] {
        if let Some(text) = text {
            t.insert(key, Item::Value(Value::from(text.as_str())));
        }
    }
    for (key, date) in [("issued", d.issued), ("expires", d.expires)] {
        if let Some(date) = date.and_then(toml_date) {
            t.insert(key, Item::Value(date));
        }
    }
    if let Some(covers) = &d.covers {
        let list: Array = covers.iter().map(String::as_str).collect();
        t.insert("covers", Item::Value(Value::Array(list)));
    }
    if let Some(r) = &d.reference {
        t.insert("ref", Item::Value(Value::from(r.as_str())));
    }
    t
}

/// A date as a TOML local date, when TOML can hold its year (0000–9999).
fn toml_date(d: Date) -> Option<Value> {
    let year = u16::try_from(d.year).ok().filter(|y| *y <= 9999)?;
    let date = toml_edit::Date {
        year,
        month: d.month,
        day: d.day,
    };
    Some(Value::from(toml_edit::Datetime::from(date)))
}

/// A new `[[handoff]]` with its entries in a `[handoff.controls]` sub-table.
pub(super) fn handoff_table(h: &ImportHandoff) -> Table {
    let mut t = Table::new();
    t.insert("consumer", Item::Value(Value::from(h.consumer.as_str())));
    t.insert("provider", Item::Value(Value::from(h.provider.as_str())));
    if let Some(service) = &h.service {
        t.insert("service", Item::Value(Value::from(service.as_str())));
    }
    if let Some(agreement) = &h.agreement {
        t.insert("agreement", Item::Value(Value::from(agreement.as_str())));
    }
    if !h.entries.is_empty() {
        let mut controls = Table::new();
        for e in &h.entries {
            controls.insert(
                &e.control,
                Item::Value(entry_value(&updated(&Fields::default(), e))),
            );
        }
        t.insert("controls", Item::Table(controls));
    }
    t
}

/// An entry's fields once the import is written over `old`: `Set` replaces, `Unset` removes,
/// `Keep` keeps; an empty evidence list removes `evidence`, an empty `ref` keeps the old one.
pub(super) fn updated(old: &Fields, e: &ImportEntry) -> Fields {
    fn field<T: Clone>(old: &Option<T>, new: &Field<T>) -> Option<T> {
        match new {
            Field::Keep => old.clone(),
            Field::Unset => None,
            Field::Set(v) => Some(v.clone()),
        }
    }
    let evidence = match &e.evidence {
        Field::Keep => old.evidence.clone(),
        Field::Unset => Vec::new(),
        Field::Set(items) => items.clone(),
    };
    let reference = if e.reference.is_empty() {
        old.reference.clone()
    } else {
        Some(e.reference.as_str().into())
    };
    Fields {
        agreed: field(&old.agreed, &e.agreed),
        assumed: field(&old.assumed, &e.assumed),
        evidence,
        expires: field(&old.expires, &e.expires),
        reference,
    }
}

/// A new entry's value: the shorthand `"owner"` when `agreed` is all it says, else an inline
/// table (the form the explorer's save writes too).
fn entry_value(f: &Fields) -> Value {
    let only_agreed = f.assumed.is_none()
        && f.evidence.is_empty()
        && f.expires.is_none()
        && f.reference.is_none();
    if only_agreed && let Some(agreed) = f.agreed {
        return Value::from(agreed.as_str());
    }
    let mut t = InlineTable::new();
    if let Some(agreed) = f.agreed {
        t.insert("agreed", Value::from(agreed.as_str()));
    }
    if let Some(assumed) = f.assumed {
        t.insert("assumed", Value::from(assumed.as_str()));
    }
    match f.evidence.as_slice() {
        [] => {}
        [one] => {
            t.insert("evidence", Value::from(one.as_str()));
        }
        many => {
            t.insert(
                "evidence",
                Value::Array(many.iter().map(String::as_str).collect()),
            );
        }
    }
    if let Some(date) = f.expires.and_then(toml_date) {
        t.insert("expires", date);
    }
    if let Some(r) = &f.reference {
        t.insert("ref", Value::from(&**r));
    }
    Value::InlineTable(t)
}

/// The import with each control, party, hand-off and entry once, and every party and control
/// it uses listed (see the module's decisions).
pub(super) fn normalised(import: &Import) -> Import {
    let mut out = Import {
        name: import.name.clone(),
        documents: import.documents.clone(),
        warnings: import.warnings.clone(),
        ..Import::default()
    };
    let mut controls: HashMap<String, usize> = HashMap::new();
    let mut add_control = |out: &mut Import, c: ImportControl| {
        if !controls.contains_key(&c.id) {
            controls.insert(c.id.clone(), out.controls.len());
            out.controls.push(c);
        }
    };
    for c in &import.controls {
        add_control(&mut out, c.clone());
    }
    let mut parties: HashMap<String, usize> = HashMap::new();
    for p in &import.parties {
        merge_party(&mut out.parties, &mut parties, p);
    }
    let mut handoffs: HashMap<(String, String, Option<String>), usize> = HashMap::new();
    for h in &import.handoffs {
        let key = (h.consumer.clone(), h.provider.clone(), h.service.clone());
        match handoffs.get(&key) {
            Some(&i) => merge_handoff(&mut out.handoffs[i], h),
            None => {
                handoffs.insert(key, out.handoffs.len());
                let mut first = h.clone();
                first.entries.clear();
                merge_handoff(&mut first, h);
                out.handoffs.push(first);
            }
        }
    }
    // What the import uses without listing it.
    let mut used_parties = Vec::new();
    let mut used_controls = Vec::new();
    for h in &out.handoffs {
        used_parties.extend([h.consumer.clone(), h.provider.clone()]);
        used_controls.extend(h.entries.iter().map(|e| e.control.clone()));
    }
    for p in &out.parties {
        used_controls.extend(p.implements.iter().map(|(c, _)| c.clone()));
    }
    for id in used_parties {
        let bare = ImportParty {
            id,
            name: None,
            layer_of: None,
            implements: Vec::new(),
        };
        merge_party(&mut out.parties, &mut parties, &bare);
    }
    for id in used_controls {
        let name = id.clone();
        add_control(
            &mut out,
            ImportControl {
                id,
                name,
                family: None,
            },
        );
    }
    out
}

/// Adds a party, or merges it into the one with its id.
fn merge_party(list: &mut Vec<ImportParty>, index: &mut HashMap<String, usize>, p: &ImportParty) {
    let at = *index.entry(p.id.clone()).or_insert_with(|| {
        list.push(ImportParty {
            implements: Vec::new(),
            ..p.clone()
        });
        list.len() - 1
    });
    let party = &mut list[at];
    if party.name.is_none() {
        party.name.clone_from(&p.name);
    }
    if party.layer_of.is_none() {
        party.layer_of.clone_from(&p.layer_of);
    }
    for (control, yes) in &p.implements {
        match party.implements.iter_mut().find(|(c, _)| c == control) {
            Some(said) => said.1 = *yes,
            None => party.implements.push((control.clone(), *yes)),
        }
    }
}

/// Merges a hand-off's statements into the one with its key.
fn merge_handoff(into: &mut ImportHandoff, h: &ImportHandoff) {
    if into.agreement.is_none() {
        into.agreement.clone_from(&h.agreement);
    }
    for e in &h.entries {
        match into.entries.iter_mut().find(|o| o.control == e.control) {
            None => into.entries.push(e.clone()),
            Some(o) => {
                if e.agreed != Field::Keep {
                    o.agreed = e.agreed;
                }
                if e.assumed != Field::Keep {
                    o.assumed = e.assumed;
                }
                if e.evidence != Field::Keep {
                    o.evidence = e.evidence.clone();
                }
                if e.expires != Field::Keep {
                    o.expires = e.expires;
                }
                if !e.reference.is_empty() {
                    o.reference.clone_from(&e.reference);
                }
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests;
