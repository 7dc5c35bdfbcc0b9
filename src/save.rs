//! Saving explorer edits back to the stack file without losing anything the user wrote: only the
//! edited entries change (format-preserving, through toml_edit), the result is re-loaded and
//! checked against what the screen shows before anything touches the disk, and the write is
//! atomic, so a failed save leaves the original file exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use sha2::{Digest, Sha256};
use toml_edit::{
    Array, ArrayOfTables, Decor, DocumentMut, InlineTable, Item, Table, TableLike, Value,
};

use crate::analysis::{WhatIf, analyse};
use crate::date::Date;
use crate::stack::load::DEMO_NAME;
use crate::stack::{Accept, AcceptPlace, Entry, Owner, Stack, load_str};
use crate::text::escape;

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

/// Atomic write: temp file in the same directory, fsync, rename; keeps the file's permissions; writes through a symlink to its target rather than replacing the link; never leaves a temp file behind, also on failure.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomically(path, &mut |w| w.write_all(bytes))
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

// ---------------------------------------------------------------------------------------------
// What changed between the loaded stack and the edited one.

/// The fields of an entry that a stack file spells out (also what `stackgap import` writes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Fields {
    pub(crate) agreed: Option<Owner>,
    pub(crate) assumed: Option<Owner>,
    /// Levels and document ids as written; empty when `evidence` is not written.
    pub(crate) evidence: Vec<String>,
    pub(crate) expires: Option<Date>,
    /// Never edited by the explorer, but it keeps an entry from being written as the shorthand.
    pub(crate) reference: Option<Box<str>>,
}

impl Fields {
    pub(crate) fn of(stack: &Stack, e: &Entry) -> Fields {
        Fields {
            agreed: e.agreed,
            assumed: e.assumed,
            evidence: e
                .evidence
                .items()
                .iter()
                .map(|c| c.as_str(&stack.documents).to_owned())
                .collect(),
            expires: e.expires,
            reference: e.reference.clone(),
        }
    }

    /// The keys of an entry table, in the order a new table lists them, with their values.
    fn keyed(&self) -> [(&'static str, Option<FieldValue>); 5] {
        let word = |o: Option<Owner>| o.map(|o| FieldValue::Text(o.as_str().to_owned()));
        let evidence = match self.evidence.as_slice() {
            [] => None,
            [one] => Some(FieldValue::Text(one.clone())),
            many => Some(FieldValue::Texts(many.to_vec())),
        };
        [
            ("agreed", word(self.agreed)),
            ("assumed", word(self.assumed)),
            ("evidence", evidence),
            ("expires", self.expires.map(FieldValue::Date)),
            (
                "ref",
                self.reference
                    .as_deref()
                    .map(|r| FieldValue::Text(r.to_owned())),
            ),
        ]
    }

    /// Whether `X = "owner"` says it all.
    fn is_shorthand(&self) -> bool {
        self.agreed.is_some()
            && self.assumed.is_none()
            && self.evidence.is_empty()
            && self.expires.is_none()
            && self.reference.is_none()
    }
}

/// One value of an entry table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FieldValue {
    Text(String),
    Texts(Vec<String>),
    Date(Date),
}

impl FieldValue {
    fn to_value(&self) -> Result<Value, String> {
        match self {
            FieldValue::Text(w) => Ok(Value::from(w.as_str())),
            FieldValue::Texts(all) => Ok(Value::Array(all.iter().map(String::as_str).collect())),
            FieldValue::Date(d) => d
                .to_string()
                .parse::<toml_edit::Datetime>()
                .map(Value::from)
                .map_err(|_| format!("the date {d} cannot be written as a TOML date")),
        }
    }
}

/// An entry to rewrite: hand-off index, control id, fields before and after.
struct EntryEdit {
    handoff: usize,
    control: String,
    old: Fields,
    new: Fields,
    from_template: bool,
}

/// A party's `implements` to change.
struct ImplementsEdit {
    party: usize,
    add: Vec<String>,
    remove: BTreeSet<String>,
}

/// Everything `current` changes over `original`.
struct Edits {
    entries: Vec<EntryEdit>,
    implements: Vec<ImplementsEdit>,
    accepts: Vec<usize>,
}

enum Refusal {
    Mismatch(String),
    Unsupported(String),
}

impl Edits {
    fn between(original: &Stack, current: &Stack) -> Result<Edits, Refusal> {
        let same_shape = original.handoffs.len() == current.handoffs.len()
            && original.parties.len() == current.parties.len()
            && original.controls.len() == current.controls.len();
        if !same_shape {
            return Err(Refusal::Mismatch(
                "the edited stack has other parties, hand-offs or controls than the loaded one"
                    .into(),
            ));
        }
        let mut entries = Vec::new();
        for (hi, (oh, ch)) in original.handoffs.iter().zip(&current.handoffs).enumerate() {
            if oh.entries.len() != ch.entries.len() {
                return Err(Refusal::Mismatch(format!(
                    "hand-off {} lists other controls than the loaded one",
                    handoff_name(original, hi)
                )));
            }
            for (oe, ce) in oh.entries.iter().zip(&ch.entries) {
                if oe.control != ce.control {
                    return Err(Refusal::Mismatch(format!(
                        "hand-off {} lists other controls than the loaded one",
                        handoff_name(original, hi)
                    )));
                }
                let (old, new) = (Fields::of(original, oe), Fields::of(current, ce));
                if old != new {
                    entries.push(EntryEdit {
                        handoff: hi,
                        control: original.control(oe.control).id.clone(),
                        old,
                        new,
                        from_template: oe.from_template,
                    });
                }
            }
        }
        let mut implements = Vec::new();
        for (pi, (op, cp)) in original.parties.iter().zip(&current.parties).enumerate() {
            let (o, c) = (op.implements(), cp.implements());
            if o == c {
                continue;
            }
            let id = |&x: &u32| original.control(x).id.clone();
            implements.push(ImplementsEdit {
                party: pi,
                add: c.iter().filter(|x| !o.contains(x)).map(id).collect(),
                remove: o.iter().filter(|x| !c.contains(x)).map(id).collect(),
            });
        }
        if current.accepts.len() < original.accepts.len()
            || !original
                .accepts
                .iter()
                .zip(&current.accepts)
                .all(|(a, b)| same_accept(a, b))
        {
            return Err(Refusal::Unsupported(
                "an existing [[accept]] was changed or removed; only new accepts can be saved"
                    .into(),
            ));
        }
        let accepts = (original.accepts.len()..current.accepts.len()).collect();
        Ok(Edits {
            entries,
            implements,
            accepts,
        })
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.implements.is_empty() && self.accepts.is_empty()
    }

    fn apply(&self, doc: &mut DocumentMut, current: &Stack) -> Result<(), String> {
        for e in &self.entries {
            let handoff = element(doc, "handoff", e.handoff)?;
            if e.from_template {
                add_entry(handoff, &e.control, &e.new)?;
            } else {
                edit_entry(handoff, &e.control, &e.old, &e.new)?;
            }
        }
        for i in &self.implements {
            let party = element(doc, "party", i.party)?;
            edit_implements(party, &i.add, &i.remove)?;
        }
        if !self.accepts.is_empty() {
            let tables = self
                .accepts
                .iter()
                .map(|&a| accept_table(current, &current.accepts[a]))
                .collect::<Result<Vec<_>, _>>()?;
            append_accepts(doc, tables)?;
        }
        Ok(())
    }
}

fn same_accept(a: &Accept, b: &Accept) -> bool {
    a.control == b.control
        && a.kind == b.kind
        && a.place == b.place
        && a.reason == b.reason
        && a.until == b.until
        && a.by == b.by
        && a.ticket == b.ticket
}

fn handoff_name(stack: &Stack, h: usize) -> String {
    let h = &stack.handoffs[h];
    let mut name = format!(
        "{} → {}",
        stack.party(h.consumer).id,
        stack.party(h.provider).id
    );
    if let Some(s) = &h.service {
        name.push_str(&format!(" ({s})"));
    }
    name
}

// ---------------------------------------------------------------------------------------------
// Editing the TOML document.

/// A table of the document, written either as a `[table]` or as an inline `{ … }`.
pub(crate) enum Node<'a> {
    Table(&'a mut Table),
    Inline(&'a mut InlineTable),
}

/// Element `i` of the array of tables `key` (`[[handoff]]`, or `handoff = [{ … }]`).
pub(crate) fn element<'a>(
    doc: &'a mut DocumentMut,
    key: &str,
    i: usize,
) -> Result<Node<'a>, String> {
    let missing = || format!("the file has no [[{key}]] number {}", i + 1);
    match doc.get_mut(key) {
        Some(Item::ArrayOfTables(a)) => a.get_mut(i).map(Node::Table).ok_or_else(missing),
        Some(Item::Value(Value::Array(a))) => match a.get_mut(i) {
            Some(Value::InlineTable(t)) => Ok(Node::Inline(t)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

/// The `controls` of a hand-off, in whichever form it is written.
fn controls_of<'a>(handoff: &'a mut Node<'_>) -> Result<Option<Node<'a>>, String> {
    let item = match handoff {
        Node::Table(t) => t.get_mut("controls"),
        Node::Inline(t) => TableLike::get_mut(*t, "controls"),
    };
    match item {
        None => Ok(None),
        Some(Item::Table(t)) => Ok(Some(Node::Table(t))),
        Some(Item::Value(Value::InlineTable(t))) => Ok(Some(Node::Inline(t))),
        Some(_) => Err("a hand-off's `controls` is not a table".into()),
    }
}

/// The value of a new entry: the shorthand when only `agreed` is set, else an inline table.
pub(crate) fn new_entry_value(fields: &Fields) -> Result<Value, String> {
    if fields.is_shorthand()
        && let Some(agreed) = fields.agreed
    {
        return Ok(Value::from(agreed.as_str()));
    }
    let mut t = InlineTable::new();
    for (key, value) in fields.keyed() {
        if let Some(v) = value {
            t.insert(key, v.to_value()?);
        }
    }
    Ok(Value::InlineTable(t))
}

/// Writes an entry that the hand-off's template supplied as an explicit one.
pub(crate) fn add_entry(
    mut handoff: Node<'_>,
    control: &str,
    fields: &Fields,
) -> Result<(), String> {
    let value = new_entry_value(fields)?;
    match controls_of(&mut handoff)? {
        Some(Node::Table(t)) => {
            t.insert(control, Item::Value(value));
        }
        Some(Node::Inline(t)) => {
            edit_inline(t, |t| {
                t.insert(control, value);
            });
        }
        None => match handoff {
            Node::Table(h) => {
                let mut t = Table::new();
                t.insert(control, Item::Value(value));
                h.insert("controls", Item::Table(t));
            }
            Node::Inline(h) => {
                let mut t = InlineTable::new();
                t.insert(control, value);
                edit_inline(h, |h| {
                    h.insert("controls", Value::InlineTable(t));
                });
            }
        },
    }
    Ok(())
}

/// Rewrites an entry written in the file, in its own form.
pub(crate) fn edit_entry(
    mut handoff: Node<'_>,
    control: &str,
    old: &Fields,
    new: &Fields,
) -> Result<(), String> {
    let missing = || format!("control `{control}` is not written at its hand-off");
    match controls_of(&mut handoff)?.ok_or_else(missing)? {
        Node::Inline(t) => {
            let v = t.get_mut(control).ok_or_else(missing)?;
            edit_entry_value(v, old, new)
        }
        Node::Table(t) => {
            let (mut key, item) = t.get_key_value_mut(control).ok_or_else(missing)?;
            let emptied = match item {
                Item::Value(v) => return edit_entry_value(v, old, new),
                Item::Table(entry) => {
                    let orphan = edit_fields(entry, old, new)?;
                    if entry.is_empty() && entry.is_dotted() {
                        Some(orphan)
                    } else {
                        if let Some(c) = orphan {
                            keep_orphan_comment(entry, &c);
                        }
                        None
                    }
                }
                _ => {
                    return Err(format!(
                        "control `{control}` is written in a form stackgap cannot edit"
                    ));
                }
            };
            if let Some(orphan) = emptied {
                // `X.agreed = …` lines all gone: the entry stays in scope as `X = {}`.
                *item = Item::Value(Value::InlineTable(InlineTable::new()));
                if let Some(c) = orphan {
                    let prefix = raw(key.leaf_decor().prefix()).unwrap_or_default();
                    key.leaf_decor_mut().set_prefix(format!("{c}{prefix}"));
                }
            }
            Ok(())
        }
    }
}

/// Rewrites an entry written as a value: the shorthand `"owner"` or an inline table.
fn edit_entry_value(v: &mut Value, old: &Fields, new: &Fields) -> Result<(), String> {
    match v {
        Value::String(_) => {
            let decor = v.decor().clone();
            *v = new_entry_value(new)?;
            *v.decor_mut() = decor;
            Ok(())
        }
        Value::InlineTable(t) => {
            let orphan = edit_inline(t, |t| edit_fields(t, old, new))?;
            if t.is_empty() && t.is_dotted() {
                // `{ X.agreed = … }` with nothing left: `X = {}` keeps the control in scope.
                *t = InlineTable::new();
            }
            if let Some(c) = orphan {
                let trailing = raw(Some(t.trailing())).unwrap_or_default();
                t.set_trailing(format!("{c}{trailing}"));
            }
            Ok(())
        }
        _ => Err("an entry is neither an owner nor a table".into()),
    }
}

/// Sets or removes the changed keys of an entry table; returns comments left without a key.
fn edit_fields(
    t: &mut dyn TableLike,
    old: &Fields,
    new: &Fields,
) -> Result<Option<String>, String> {
    let mut orphan = String::new();
    for ((key, was), (_, now)) in old.keyed().into_iter().zip(new.keyed()) {
        if was == now {
            continue;
        }
        match now {
            Some(v) => set_value(t, key, v.to_value()?),
            None => orphan.push_str(&remove_key(t, key)),
        }
    }
    Ok((!orphan.is_empty()).then_some(orphan))
}

/// Sets a key, keeping the spacing and comments around an existing value.
fn set_value(t: &mut dyn TableLike, key: &str, value: Value) {
    match t.get_mut(key) {
        Some(Item::Value(v)) => {
            let decor = v.decor().clone();
            *v = value;
            *v.decor_mut() = decor;
        }
        Some(item) => *item = Item::Value(value),
        None => {
            t.insert(key, Item::Value(value));
        }
    }
}

/// Removes a key. Comments written above it or after its value move to the key after it; when
/// there is none they are returned, for the caller to keep.
fn remove_key(t: &mut dyn TableLike, key: &str) -> String {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
    let Some(at) = keys.iter().position(|k| k == key) else {
        return String::new();
    };
    let prefix = t
        .key(key)
        .and_then(|k| raw(k.leaf_decor().prefix()))
        .unwrap_or_default();
    let suffix = t
        .get(key)
        .and_then(Item::as_value)
        .and_then(|v| raw(v.decor().suffix()))
        .unwrap_or_default();
    t.remove(key);
    let mut comments = String::new();
    if prefix.contains('#') {
        comments.push_str(prefix.trim_end_matches([' ', '\t']));
    }
    if suffix.contains('#') {
        comments.push_str(suffix.trim());
        comments.push('\n');
    }
    if comments.is_empty() {
        return comments;
    }
    match keys.get(at + 1).and_then(|next| t.key_mut(next)) {
        Some(mut next) => {
            let old = raw(next.leaf_decor().prefix()).unwrap_or_default();
            next.leaf_decor_mut()
                .set_prefix(format!("{comments}{}", old.trim_start_matches('\n')));
            String::new()
        }
        None => comments,
    }
}

/// Keeps comments whose key was removed from a `[table]` entry: after its last key, or under its header.
fn keep_orphan_comment(t: &mut Table, comments: &str) {
    let comments = comments.trim_end();
    let last = t.iter().map(|(k, _)| k.to_owned()).last();
    let last_value = last
        .and_then(|k| t.get_mut(&k))
        .and_then(Item::as_value_mut);
    let decor = match last_value {
        Some(v) => v.decor_mut(),
        None => t.decor_mut(),
    };
    let suffix = raw(decor.suffix()).unwrap_or_default();
    decor.set_suffix(format!("{suffix}\n{comments}"));
}

/// Edits an inline table, then mends the spacing toml_edit leaves at its ends: a key that
/// becomes last or first takes over the padding of the one that was.
fn edit_inline<R>(t: &mut InlineTable, edit: impl FnOnce(&mut InlineTable) -> R) -> R {
    let before: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
    let first_prefix = before
        .first()
        .and_then(|k| t.key(k))
        .map(|k| raw(k.leaf_decor().prefix()));
    let close_pad = before
        .last()
        .and_then(|k| t.get(k))
        .map(|v| raw(v.decor().suffix()));
    let out = edit(t);
    let after: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
    if before.is_empty() || after.is_empty() {
        if raw(Some(t.trailing())).is_some_and(|s| s.trim().is_empty()) {
            t.set_trailing("");
        }
        return out;
    }
    if after.first() != before.first()
        && let (Some(first), Some(prefix)) = (after.first(), first_prefix)
        && let Some(mut key) = t.key_mut(first)
    {
        set_prefix(key.leaf_decor_mut(), prefix);
    }
    if after.last() != before.last() {
        if let Some(old_last) = before.last()
            && let Some(v) = t.get_mut(old_last)
            && raw(v.decor().suffix()).is_some_and(|s| s.trim().is_empty())
        {
            v.decor_mut().set_suffix("");
        }
        if let (Some(last), Some(pad)) = (after.last(), close_pad)
            && let Some(v) = t.get_mut(last)
        {
            set_suffix(v.decor_mut(), pad);
        }
    }
    out
}

/// Adds and removes control ids in a party's `implements`, creating the key when absent.
pub(crate) fn edit_implements(
    party: Node<'_>,
    add: &[String],
    remove: &BTreeSet<String>,
) -> Result<(), String> {
    let new_array = || {
        let mut a = Array::new();
        for id in add {
            a.push(id.as_str());
        }
        Value::Array(a)
    };
    match party {
        Node::Table(t) => match t.get_mut("implements") {
            Some(Item::Value(Value::Array(a))) => edit_array(a, add, remove),
            Some(_) => return Err("a party's `implements` is not a list".into()),
            None if add.is_empty() => {}
            None => {
                t.insert("implements", Item::Value(new_array()));
            }
        },
        Node::Inline(t) => match t.get_mut("implements") {
            Some(Value::Array(a)) => edit_array(a, add, remove),
            Some(_) => return Err("a party's `implements` is not a list".into()),
            None if add.is_empty() => {}
            None => edit_inline(t, |t| {
                t.insert("implements", new_array());
            }),
        },
    }
    Ok(())
}

/// Removes and appends string elements, keeping one-line arrays on one line and one-per-line
/// arrays one per line, and comments between elements where they were.
fn edit_array(a: &mut Array, add: &[String], remove: &BTreeSet<String>) {
    let mut i = 0;
    while i < a.len() {
        let hit = a
            .get(i)
            .and_then(Value::as_str)
            .is_some_and(|s| remove.contains(s));
        if hit {
            remove_element(a, i);
        } else {
            i += 1;
        }
    }
    for id in add {
        push_element(a, Value::from(id.as_str()));
    }
}

fn remove_element(a: &mut Array, i: usize) {
    let was_last = i + 1 == a.len();
    let removed = a.remove(i);
    let prefix = raw(removed.decor().prefix()).unwrap_or_default();
    let suffix = raw(removed.decor().suffix()).unwrap_or_default();
    let comment = prefix.contains('#');
    if a.is_empty() {
        if comment || suffix.contains('#') {
            let trailing = raw(Some(a.trailing())).unwrap_or_default();
            a.set_trailing(format!(
                "{}{suffix}{trailing}",
                prefix.trim_end_matches([' ', '\t'])
            ));
        }
        return;
    }
    if was_last {
        if let Some(v) = a.get_mut(i - 1) {
            v.decor_mut().set_suffix(suffix);
        }
        if comment {
            let trailing = raw(Some(a.trailing())).unwrap_or_default();
            a.set_trailing(format!(
                "{}{trailing}",
                prefix.trim_end_matches([' ', '\t'])
            ));
        }
        return;
    }
    if let Some(next) = a.get_mut(i) {
        let next_prefix = raw(next.decor().prefix()).unwrap_or_default();
        let new_prefix = if i == 0 && !comment {
            prefix
        } else if comment {
            format!(
                "{}{}",
                prefix.trim_end_matches([' ', '\t']),
                next_prefix.trim_start_matches('\n')
            )
        } else {
            next_prefix
        };
        next.decor_mut().set_prefix(new_prefix);
    }
}

/// Appends an element in the array's own layout (one line, or one element per line).
pub(crate) fn push_element(a: &mut Array, mut v: Value) {
    let n = a.len();
    if n == 0 {
        if raw(Some(a.trailing())).is_some_and(|s| s.trim().is_empty()) {
            a.set_trailing("");
        }
        a.push(v);
        return;
    }
    let (last_prefix, last_suffix) = match a.get(n - 1) {
        Some(last) => (
            raw(last.decor().prefix()).unwrap_or_default(),
            raw(last.decor().suffix()).unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    // One element per line: the new one goes on a line of its own, indented like the last.
    let mut prefix = match last_prefix.rfind('\n') {
        Some(nl) => format!("\n{}", &last_prefix[nl + 1..]),
        None => " ".to_owned(),
    };
    // A comment on the last element's line stays on that line, above the new element.
    let trailing = raw(Some(a.trailing())).unwrap_or_default();
    if prefix.starts_with('\n')
        && let Some((comment, rest)) = trailing.split_once('\n')
        && comment.contains('#')
    {
        prefix.insert_str(0, comment);
        a.set_trailing(format!("\n{rest}"));
    }
    if let Some(last) = a.get_mut(n - 1) {
        last.decor_mut().set_suffix("");
    }
    *v.decor_mut() = Decor::new(prefix, last_suffix);
    a.push_formatted(v);
}

/// A new `[[accept]]` table for an accepted risk.
fn accept_table(stack: &Stack, a: &Accept) -> Result<Table, String> {
    let mut t = Table::new();
    let mut put = |key: &str, v: Value| {
        t.insert(key, Item::Value(v));
    };
    put("control", Value::from(stack.control(a.control).id.as_str()));
    put("kind", Value::from(a.kind.as_str()));
    match &a.place {
        Some(AcceptPlace::Party(p)) => put("party", Value::from(stack.party(*p).id.as_str())),
        Some(AcceptPlace::Handoff(h)) => {
            let h = stack.handoff(*h);
            put("consumer", Value::from(stack.party(h.consumer).id.as_str()));
            put("provider", Value::from(stack.party(h.provider).id.as_str()));
            if let Some(s) = &h.service {
                put("service", Value::from(s.as_str()));
            }
        }
        None => return Err("a new accept names no party or hand-off".into()),
    }
    put("reason", Value::from(a.reason.as_str()));
    if let Some(until) = a.until {
        put("until", FieldValue::Date(until).to_value()?);
    }
    if let Some(by) = &a.by {
        put("by", Value::from(by.as_str()));
    }
    if let Some(ticket) = &a.ticket {
        put("ticket", Value::from(ticket.as_str()));
    }
    Ok(t)
}

/// Appends `[[accept]]` tables at the very end of the file, after any closing comments.
fn append_accepts(doc: &mut DocumentMut, tables: Vec<Table>) -> Result<(), String> {
    let mut position = max_position(doc.as_table()) + 1;
    let trailing = raw(Some(doc.trailing())).unwrap_or_default();
    doc.set_trailing("");
    let lead = if trailing.is_empty() || trailing.ends_with('\n') {
        format!("{trailing}\n")
    } else {
        format!("{trailing}\n\n")
    };
    if !doc.contains_key("accept") {
        doc.insert("accept", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    if doc.get("accept").is_some_and(Item::is_value) {
        // `accept = [{ … }]`: the new ones join that list, and closing comments stay last.
        doc.set_trailing(trailing);
    }
    match doc.get_mut("accept") {
        Some(Item::ArrayOfTables(aot)) => {
            for (i, mut t) in tables.into_iter().enumerate() {
                t.set_position(Some(position));
                position += 1;
                t.decor_mut()
                    .set_prefix(if i == 0 { lead.as_str() } else { "\n" });
                aot.push(t);
            }
        }
        Some(Item::Value(Value::Array(a))) => {
            for t in tables {
                push_element(a, Value::InlineTable(t.into_inline_table()));
            }
        }
        _ => return Err("the file's `accept` is not a list of tables".into()),
    }
    Ok(())
}

/// The highest position of any table in the document, so new tables can go after all of them.
pub(crate) fn max_position(t: &Table) -> isize {
    let mut max = t.position().unwrap_or(0);
    for (_, item) in t.iter() {
        match item {
            Item::Table(sub) => max = max.max(max_position(sub)),
            Item::ArrayOfTables(a) => {
                for sub in a.iter() {
                    max = max.max(max_position(sub));
                }
            }
            _ => {}
        }
    }
    max
}

/// The text of a decor part (`None` when it is toml_edit's default).
pub(crate) fn raw(s: Option<&toml_edit::RawString>) -> Option<String> {
    s.and_then(|r| r.as_str()).map(str::to_owned)
}

fn set_prefix(d: &mut Decor, prefix: Option<String>) {
    match prefix {
        Some(p) => d.set_prefix(p),
        None => {
            let suffix = raw(d.suffix());
            d.clear();
            if let Some(s) = suffix {
                d.set_suffix(s);
            }
        }
    }
}

fn set_suffix(d: &mut Decor, suffix: Option<String>) {
    match suffix {
        Some(s) => d.set_suffix(s),
        None => {
            let prefix = raw(d.prefix());
            d.clear();
            if let Some(p) = prefix {
                d.set_prefix(p);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Keeping every untouched line byte for byte.

/// The most changed lines [`merge_lines`] tracks; beyond it the output is restyled as a whole.
const MAX_CHANGED_LINES: usize = 2000;

/// toml_edit writes `\n` line ends and drops a byte-order mark; when the file had either, or
/// lacked a final newline, carry the edited lines over into the original text instead.
pub(crate) fn keep_layout(original: &str, before: &str, after: &str) -> String {
    if before == original {
        return after.to_owned();
    }
    merge_lines(original, before, after).unwrap_or_else(|| restyle(original, after))
}

fn merge_lines(original: &str, before: &str, after: &str) -> Option<String> {
    let orig: Vec<&str> = original.split_inclusive('\n').collect();
    let bef: Vec<&str> = before.split_inclusive('\n').collect();
    if orig.len() != bef.len() {
        return None;
    }
    for (i, (o, b)) in orig.iter().zip(&bef).enumerate() {
        let o = if i == 0 {
            o.trim_start_matches('\u{feff}')
        } else {
            o
        };
        let lf = o
            .strip_suffix("\r\n")
            .map_or_else(|| o.to_string(), |body| format!("{body}\n"));
        let unterminated = !o.ends_with('\n') && b.strip_suffix('\n') == Some(o);
        if *b != o && *b != lf && !unterminated {
            return None;
        }
    }
    let aft: Vec<&str> = after.split_inclusive('\n').collect();
    let ops = diff_lines(&bef, &aft, MAX_CHANGED_LINES)?;
    let eol_of = |l: &str| {
        if l.ends_with("\r\n") {
            Some("\r\n")
        } else if l.ends_with('\n') {
            Some("\n")
        } else {
            None
        }
    };
    let mut eol = orig.first().and_then(|l| eol_of(l)).unwrap_or("\n");
    let mut out = String::with_capacity(after.len() + after.len() / 16);
    for op in ops {
        if !out.is_empty() && !out.ends_with('\n') && !matches!(op, Op::Delete(_)) {
            out.push_str(eol);
        }
        match op {
            Op::Equal(i, _) => {
                out.push_str(orig[i]);
                eol = eol_of(orig[i]).unwrap_or(eol);
            }
            Op::Delete(i) => eol = eol_of(orig[i]).unwrap_or(eol),
            Op::Insert(j) => match aft[j].strip_suffix('\n') {
                Some(body) => {
                    out.push_str(body);
                    out.push_str(eol);
                }
                None => out.push_str(aft[j]),
            },
        }
    }
    if original.starts_with('\u{feff}') && !out.starts_with('\u{feff}') {
        out.insert(0, '\u{feff}');
    }
    Some(without_final_newline_if(original, out))
}

/// The whole output in the original's line-end style, byte-order mark and final newline.
fn restyle(original: &str, after: &str) -> String {
    let crlf = original
        .split_inclusive('\n')
        .next()
        .is_some_and(|l| l.ends_with("\r\n"));
    let mut out = String::with_capacity(after.len() + after.len() / 16);
    if original.starts_with('\u{feff}') {
        out.push('\u{feff}');
    }
    if crlf {
        let mut prev = '\0';
        for c in after.chars() {
            if c == '\n' && prev != '\r' {
                out.push('\r');
            }
            out.push(c);
            prev = c;
        }
    } else {
        out.push_str(after);
    }
    without_final_newline_if(original, out)
}

/// A file that did not end with a newline does not gain one.
fn without_final_newline_if(original: &str, mut out: String) -> String {
    if !original.is_empty() && !original.ends_with('\n') {
        if out.ends_with("\r\n") {
            out.truncate(out.len() - 2);
        } else if out.ends_with('\n') {
            out.truncate(out.len() - 1);
        }
    }
    out
}

/// One step of a line edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Line `a[i]` equals `b[j]`.
    Equal(usize, usize),
    /// Line `a[i]` is gone.
    Delete(usize),
    /// Line `b[j]` is new.
    Insert(usize),
}

/// A shortest line edit script from `a` to `b` (Myers' O((N+M)·D) algorithm, after trimming
/// the common ends); `None` when more than `max_d` lines differ.
fn diff_lines(a: &[&str], b: &[&str], max_d: usize) -> Option<Vec<Op>> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Equal(i, i)).collect();
    ops.extend(myers(ma, mb, max_d)?.into_iter().map(|op| match op {
        Op::Equal(i, j) => Op::Equal(i + head, j + head),
        Op::Delete(i) => Op::Delete(i + head),
        Op::Insert(j) => Op::Insert(j + head),
    }));
    ops.extend((0..tail).map(|k| Op::Equal(a.len() - tail + k, b.len() - tail + k)));
    Some(ops)
}

fn myers(a: &[&str], b: &[&str], max_d: usize) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = n + m;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * max as usize + 3];
    // trace[d] holds v[k] for k in -d..=d as it was before step d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'search: for d in 0..=max {
        if d as usize > max_d {
            return None;
        }
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let at = |k: isize| (offset + k) as usize;
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'search;
            }
            k += 2;
        }
    }
    let found = found?;
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=found).rev() {
        if d == 0 {
            while x > 0 && y > 0 {
                ops.push(Op::Equal((x - 1) as usize, (y - 1) as usize));
                x -= 1;
                y -= 1;
            }
            break;
        }
        let snap = &trace[d as usize];
        let get = |k: isize| snap[(k + d) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = get(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            ops.push(Op::Equal((x - 1) as usize, (y - 1) as usize));
            x -= 1;
            y -= 1;
        }
        if x == prev_x {
            ops.push(Op::Insert((y - 1) as usize));
        } else {
            ops.push(Op::Delete((x - 1) as usize));
        }
        x = prev_x;
        y = prev_y;
    }
    ops.reverse();
    Some(ops)
}

// ---------------------------------------------------------------------------------------------
// Checking the result before it reaches the disk.

/// Loads the new text and checks it says what `current` says: same entries, implements and
/// accepts, and the same findings.
fn verify(text: &str, original: &Stack, current: &Stack) -> Result<(), String> {
    let name = &original.source.name;
    let base = (name != "-" && name != DEMO_NAME).then(|| {
        Path::new(name)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf()
    });
    let loaded =
        load_str(text, name, base.as_deref()).map_err(|e| format!("it does not load: {e}"))?;
    if loaded.parties.len() != current.parties.len()
        || loaded.handoffs.len() != current.handoffs.len()
        || loaded.controls.len() != current.controls.len()
        || loaded.accepts.len() != current.accepts.len()
    {
        return Err("it has other parties, hand-offs, controls or accepts".into());
    }
    for (i, (l, c)) in loaded.controls.iter().zip(&current.controls).enumerate() {
        if l.id != c.id {
            return Err(format!("control number {} differs", i + 1));
        }
    }
    for (l, c) in loaded.parties.iter().zip(&current.parties) {
        if l.id != c.id || l.implements() != c.implements() || l.requires != c.requires {
            return Err(format!("party `{}` differs", c.id));
        }
    }
    for (i, (l, c)) in loaded.handoffs.iter().zip(&current.handoffs).enumerate() {
        let entries = |st: &Stack, h: &crate::stack::Handoff| -> BTreeMap<u32, Fields> {
            h.entries
                .iter()
                .map(|e| (e.control, Fields::of(st, e)))
                .collect()
        };
        if l.consumer != c.consumer
            || l.provider != c.provider
            || l.service != c.service
            || l.model != c.model
            || l.entries.len() != c.entries.len()
            || entries(&loaded, l) != entries(current, c)
        {
            return Err(format!("hand-off {} differs", handoff_name(current, i)));
        }
    }
    for (l, c) in loaded.accepts.iter().zip(&current.accepts) {
        if !same_accept(l, c) {
            return Err(format!(
                "the [[accept]] for `{}` differs",
                current.control(c.control).id
            ));
        }
    }
    let today = Date::today();
    if analyse(&loaded, &WhatIf::new(&loaded, today))
        != analyse(current, &WhatIf::new(current, today))
    {
        return Err("it analyses to other findings".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Writing the file.

/// Distinguishes the temporary files of concurrent saves in one process.
static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A temporary file that is removed when dropped, unless it was renamed into place.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

/// [`atomic_write`] with the content written by `fill`, so tests can make the write fail.
fn write_atomically(
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SaveError> {
    let fail = |target: &Path, action: &'static str| {
        let target = target.to_path_buf();
        move |cause: io::Error| SaveError::Io {
            path: target,
            action,
            cause,
        }
    };
    let target = resolve_symlinks(path).map_err(fail(path, "following the symbolic link"))?;
    let existing = match fs::metadata(&target) {
        Ok(m) if m.is_file() => Some(m),
        Ok(_) => {
            return Err(SaveError::Io {
                path: target,
                action: "checking the file",
                cause: io::Error::other("it is not a regular file"),
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(&target, "checking the file")(e)),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Short enough that the temporary name stays within the file system's limit.
    let file_name: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(100).collect())
        .unwrap_or_else(|| "stack".into());
    let (mut file, temp) = create_temp(&dir, &file_name, existing.is_some())
        .map_err(fail(&target, "creating a temporary file"))?;
    let mut guard = TempFile(Some(temp.clone()));
    fill(&mut file).map_err(fail(&target, "writing the temporary file"))?;
    if let Some(meta) = &existing {
        keep_permissions(&file, meta).map_err(fail(&target, "setting the file's permissions"))?;
    }
    file.sync_all()
        .map_err(fail(&target, "flushing the temporary file to disk"))?;
    drop(file);
    fs::rename(&temp, &target).map_err(fail(&target, "replacing the file"))?;
    guard.0 = None;
    // The rename is durable only once the directory is; a failure here no longer loses data.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The file a path names after following symbolic links, so the link itself stays a link.
fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if to.is_relative() => parent.join(to),
                    _ => to,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Creates a new, private temporary file beside the target.
fn create_temp(dir: &Path, name: &str, replacing: bool) -> io::Result<(File, PathBuf)> {
    let mut last_err = None;
    for _ in 0..64 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.stackgap-{}-{n}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Private until the original's mode is copied; a new file gets the umask's default.
            options.mode(if replacing { 0o600 } else { 0o666 });
        }
        #[cfg(not(unix))]
        let _ = replacing;
        match options.open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// Gives the new file the mode (and, where allowed, the owner) of the one it replaces.
fn keep_permissions(file: &File, original: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = file.metadata()?;
        if now.uid() != original.uid() || now.gid() != original.gid() {
            // Only root may give a file away; for anyone else the saver keeps owning it.
            let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Kind;
    use crate::stack::{HandoffIdx, PartyIdx};

    const SAMPLES: [&str; 4] = [
        "demo.toml",
        "fintech-payments.toml",
        "healthcare-records.toml",
        "public-sector-portal.toml",
    ];

    fn sample(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-stacks")
            .join(name);
        fs::read_to_string(path).expect("sample stack")
    }

    fn load(text: &str) -> Stack {
        load_str(text, "test.toml", None).unwrap_or_else(|e| panic!("test stack must load: {e}"))
    }

    /// The lines removed from `old` and added in `new`, in order.
    fn changed(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let b: Vec<&str> = new.split_inclusive('\n').collect();
        let mut removed = Vec::new();
        let mut added = Vec::new();
        for op in diff_lines(&a, &b, usize::MAX).expect("diff") {
            match op {
                Op::Delete(i) => removed.push(a[i].trim_end_matches(['\n', '\r']).to_owned()),
                Op::Insert(j) => added.push(b[j].trim_end_matches(['\n', '\r']).to_owned()),
                Op::Equal(..) => {}
            }
        }
        (removed, added)
    }

    fn entry_at(stack: &Stack, h: HandoffIdx, control: &str) -> u32 {
        let c = stack.control_id(control).expect("control");
        stack.handoffs[h as usize]
            .entries
            .iter()
            .position(|e| e.control == c)
            .expect("entry") as u32
    }

    /// An edit through the explorer's API.
    #[derive(Debug, Clone, Copy)]
    enum Edit {
        SetAssumed(Option<Owner>),
        SetAgreed(Option<Owner>),
        SetEvidence(Option<crate::stack::Evidence>),
        Unset,
    }

    fn apply(stack: &mut Stack, h: HandoffIdx, e: u32, edit: Edit) {
        let mut m = stack.entry_mut(h, e);
        match edit {
            Edit::SetAssumed(o) => m.set_assumed(o),
            Edit::SetAgreed(o) => m.set_agreed(o),
            Edit::SetEvidence(v) => m.set_evidence(v.into()),
            Edit::Unset => {
                m.set_agreed(None);
                m.set_assumed(None);
                m.set_evidence(crate::stack::Cites::Default);
            }
        }
    }

    const HEAD: &str = "[stack]\nname = \"t\"\ncatalog = \"none\"\n\n[[control]]\nid = \"BK\"\nname = \"Backups\"\n\n[[control]]\nid = \"ENC\"\nname = \"Encryption\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\n\n";

    use crate::stack::Evidence as Ev;
    use Edit::*;
    use Owner::{Consumer as C, Provider as P, Shared as S};

    /// (the hand-off up to the entry, the entry as written, the edit, lines removed, lines added)
    type FormCase = (
        &'static str,
        &'static str,
        Edit,
        &'static [&'static str],
        &'static [&'static str],
    );

    /// Each way SPEC §1 allows an entry to be written × each edit: the one line that changes.
    #[test]
    fn each_entry_form_and_edit_rewrites_only_its_line() {
        let sub = "[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n[handoff.controls]\n# why BK\n";
        let inline = "[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n";
        #[rustfmt::skip]
        let cases: &[FormCase] = &[
            (sub, "BK = \"provider\"  # MSA 7", SetAssumed(Some(C)), &["BK = \"provider\"  # MSA 7"], &["BK = { agreed = \"provider\", assumed = \"consumer\" }  # MSA 7"]),
            (sub, "BK = \"provider\"  # MSA 7", SetAgreed(Some(S)), &["BK = \"provider\"  # MSA 7"], &["BK = \"shared\"  # MSA 7"]),
            (sub, "BK = \"provider\"  # MSA 7", SetAgreed(None), &["BK = \"provider\"  # MSA 7"], &["BK = {}  # MSA 7"]),
            (sub, "BK = \"provider\"  # MSA 7", SetEvidence(Some(Ev::Verified)), &["BK = \"provider\"  # MSA 7"], &["BK = { agreed = \"provider\", evidence = \"verified\" }  # MSA 7"]),
            (sub, "BK = \"provider\"", Unset, &["BK = \"provider\""], &["BK = {}"]),
            (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" } # x", SetAssumed(Some(C)), &["BK = { assumed = \"provider\", agreed = \"consumer\" } # x"], &["BK = { assumed = \"consumer\", agreed = \"consumer\" } # x"]),
            (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" }", SetAgreed(None), &["BK = { assumed = \"provider\", agreed = \"consumer\" }"], &["BK = { assumed = \"provider\" }"]),
            (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" }", SetAssumed(None), &["BK = { assumed = \"provider\", agreed = \"consumer\" }"], &["BK = { agreed = \"consumer\" }"]),
            (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" }", SetEvidence(Some(Ev::Attested)), &["BK = { assumed = \"provider\", agreed = \"consumer\" }"], &["BK = { assumed = \"provider\", agreed = \"consumer\", evidence = \"attested\" }"]),
            (sub, "BK = { agreed = \"provider\", evidence = \"attested\" }", SetEvidence(None), &["BK = { agreed = \"provider\", evidence = \"attested\" }"], &["BK = { agreed = \"provider\" }"]),
            (sub, "BK = { agreed = \"provider\", evidence = \"attested\" }", Unset, &["BK = { agreed = \"provider\", evidence = \"attested\" }"], &["BK = {}"]),
            (sub, "BK = {agreed=\"provider\"}", SetAssumed(Some(S)), &["BK = {agreed=\"provider\"}"], &["BK = {agreed=\"provider\", assumed = \"shared\"}"]),
            (sub, "BK = {}", SetAssumed(Some(P)), &["BK = {}"], &["BK = { assumed = \"provider\" }"]),
            (sub, "BK = { }", SetAgreed(Some(C)), &["BK = { }"], &["BK = { agreed = \"consumer\" }"]),
            (sub, "BK = { agreed = \"provider\", expires = 2027-03-31 }", Unset, &["BK = { agreed = \"provider\", expires = 2027-03-31 }"], &["BK = { expires = 2027-03-31 }"]),
            (inline, "controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }", SetAssumed(Some(C)), &["controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }"], &["controls = { BK = { agreed = \"provider\", assumed = \"consumer\" }, ENC = { assumed = \"provider\" } }"]),
            (inline, "controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }", SetAgreed(Some(C)), &["controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }"], &["controls = { BK = \"consumer\", ENC = { assumed = \"provider\" } }"]),
            (inline, "controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }", Unset, &["controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }"], &["controls = { BK = {}, ENC = { assumed = \"provider\" } }"]),
            (inline, "controls = { ENC = \"consumer\", BK = { agreed = \"provider\" } }  # tail", SetEvidence(Some(Ev::None)), &["controls = { ENC = \"consumer\", BK = { agreed = \"provider\" } }  # tail"], &["controls = { ENC = \"consumer\", BK = { agreed = \"provider\", evidence = \"none\" } }  # tail"]),
            (inline, "controls.BK = \"provider\"", SetAssumed(Some(C)), &["controls.BK = \"provider\""], &["controls.BK = { agreed = \"provider\", assumed = \"consumer\" }"]),
        ];
        for (i, (body, line, edit, removed, added)) in cases.iter().enumerate() {
            let text = format!("{HEAD}{body}{line}\n# after\n");
            let original = load(&text);
            let mut current = original.clone();
            let e = entry_at(&original, 0, "BK");
            apply(&mut current, 0, e, *edit);
            let out = write_back(&text, &original, &current)
                .unwrap_or_else(|err| panic!("case {i} ({line:?}, {edit:?}): {err}"));
            let (r, a) = changed(&text, &out);
            assert_eq!(r, *removed, "case {i}: {line:?} {edit:?}");
            assert_eq!(a, *added, "case {i}: {line:?} {edit:?}");
        }
    }

    /// Entries written as tables of their own: `[handoff.controls.BK]` and dotted keys.
    #[test]
    fn table_form_entries_keep_their_form_and_comments() {
        #[rustfmt::skip]
        let cases: &[(&str, Edit, &str)] = &[
            ("[handoff.controls.BK]\n# per MSA\nagreed = \"provider\"\nassumed = \"consumer\"\n", SetAssumed(None),
             "[handoff.controls.BK]\n# per MSA\nagreed = \"provider\"\n"),
            ("[handoff.controls.BK]\nagreed = \"provider\"\n# why\nassumed = \"consumer\"\n", SetAssumed(Some(S)),
             "[handoff.controls.BK]\nagreed = \"provider\"\n# why\nassumed = \"shared\"\n"),
            ("[handoff.controls.BK]\n# per MSA\nagreed = \"provider\"  # §3\n", Unset,
             "[handoff.controls.BK]\n# per MSA\n# §3\n"),
            ("[handoff.controls.BK]\nagreed = \"provider\"\n", SetEvidence(Some(Ev::Attested)),
             "[handoff.controls.BK]\nagreed = \"provider\"\nevidence = \"attested\"\n"),
            ("[handoff.controls]\n# why\nBK.agreed = \"provider\"\n", Unset,
             "[handoff.controls]\n# why\nBK = {}\n"),
            ("[handoff.controls]\nBK.agreed = \"provider\"\n", SetAssumed(Some(C)),
             "[handoff.controls]\nBK.agreed = \"provider\"\nBK.assumed = \"consumer\"\n"),
        ];
        let head = format!("{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n");
        for (i, (tail, edit, want)) in cases.iter().enumerate() {
            let text = format!("{head}{tail}");
            let original = load(&text);
            let mut current = original.clone();
            apply(&mut current, 0, entry_at(&original, 0, "BK"), *edit);
            let out =
                write_back(&text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
            assert_eq!(out, format!("{head}{want}"), "case {i}");
        }
    }

    /// A template entry edited in the explorer becomes an explicit entry, in the form the
    /// hand-off already uses, or in a new `[handoff.controls]` table.
    #[test]
    fn template_entries_become_explicit() {
        let head = "[stack]\nname = \"t\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nmodel = \"saas\"\n";
        let next = "\n[[handoff]]\nconsumer = \"saas\"\nprovider = \"shop\"\n";
        #[rustfmt::skip]
        let cases: &[(&str, Edit, &str)] = &[
            // (the hand-off's controls as written, edit of BACKUP, as saved)
            ("", SetAssumed(Some(C)), "\n[handoff.controls]\nBACKUP = { agreed = \"provider\", assumed = \"consumer\" }\n"),
            ("", SetAgreed(Some(C)), "\n[handoff.controls]\nBACKUP = \"consumer\"\n"),
            ("", Unset, "\n[handoff.controls]\nBACKUP = {}\n"),
            ("\n[handoff.controls]\nENC-REST = \"provider\" # kept\n", SetEvidence(Some(Ev::Verified)),
             "\n[handoff.controls]\nENC-REST = \"provider\" # kept\nBACKUP = { agreed = \"provider\", evidence = \"verified\" }\n"),
            ("controls = { ENC-REST = \"provider\" }\n", SetAgreed(Some(S)), "controls = { ENC-REST = \"provider\", BACKUP = \"shared\" }\n"),
        ];
        let backup = |s: &Stack| entry_at(s, 0, "BACKUP");
        for (i, (tail, edit, want)) in cases.iter().enumerate() {
            let text = format!("{head}{tail}{next}");
            let original = load(&text);
            assert!(original.handoffs[0].entries[backup(&original) as usize].from_template);
            let mut current = original.clone();
            apply(&mut current, 0, backup(&original), *edit);
            let out =
                write_back(&text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
            assert_eq!(out, format!("{head}{want}{next}"), "case {i}");
            let reloaded = load(&out);
            let e = &reloaded.handoffs[0].entries[backup(&reloaded) as usize];
            assert!(
                !e.from_template,
                "case {i}: the entry is written in the file"
            );
        }
    }

    /// Every entry of every sample stack, every edit: only that entry's line changes, and the
    /// saved file re-loads to the edited stack (write_back checks that itself).
    #[test]
    fn sample_stacks_every_entry_every_edit() {
        let edits = [
            SetAssumed(Some(P)),
            SetAssumed(None),
            SetAgreed(Some(C)),
            SetAgreed(None),
            SetEvidence(Some(Ev::Verified)),
            SetEvidence(None),
            Unset,
        ];
        for name in SAMPLES {
            let text = sample(name);
            let lines: Vec<&str> = text.lines().collect();
            let original = load(&text);
            assert_eq!(
                write_back(&text, &original, &original).ok().as_deref(),
                Some(text.as_str())
            );
            for (h, handoff) in original.handoffs.iter().enumerate() {
                for (e, entry) in handoff.entries.iter().enumerate() {
                    for edit in edits {
                        let mut current = original.clone();
                        apply(&mut current, h as u32, e as u32, edit);
                        if Fields::of(&current, &current.handoffs[h].entries[e])
                            == Fields::of(&current, entry)
                        {
                            continue;
                        }
                        let out = write_back(&text, &original, &current).unwrap_or_else(|err| {
                            panic!("{name} line {}: {edit:?}: {err}", entry.line)
                        });
                        let (r, a) = changed(&text, &out);
                        assert_eq!(r, [lines[entry.line as usize - 1]], "{name}: {edit:?}");
                        assert_eq!(a.len(), 1, "{name}: {edit:?} {a:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn implements_toggles_edit_the_array_in_place() {
        let party = "[[party]]\nid = \"saas\"\n";
        #[rustfmt::skip]
        let cases: &[(&str, &[&str], &[&str], &str)] = &[
            // (implements as written, turned on, turned off, implements after)
            ("implements = [\"BK\"]  # audited\n", &["ENC"], &[], "implements = [\"BK\", \"ENC\"]  # audited\n"),
            ("implements = []\n", &["ENC"], &[], "implements = [\"ENC\"]\n"),
            ("", &["ENC"], &[], "implements = [\"ENC\"]\n"),
            ("implements = [\"BK\", \"ENC\"]\n", &[], &["BK"], "implements = [\"ENC\"]\n"),
            ("implements = [\"BK\", \"ENC\"]\n", &[], &["ENC"], "implements = [\"BK\"]\n"),
            ("implements = [\"BK\", \"ENC\", \"BK\"]\n", &[], &["BK"], "implements = [\"ENC\"]\n"),
            ("implements = [\"BK\"]\n", &[], &["BK"], "implements = []\n"),
            ("implements = [\"BK\", \"ENC\"]\n", &["IAM"], &["BK"], "implements = [\"ENC\", \"IAM\"]\n"),
            ("implements = [\n  \"BK\",\n  \"ENC\",\n]\n", &["IAM"], &[], "implements = [\n  \"BK\",\n  \"ENC\",\n  \"IAM\",\n]\n"),
            ("implements = [\n  \"BK\",\n  \"ENC\"\n]\n", &["IAM"], &[], "implements = [\n  \"BK\",\n  \"ENC\",\n  \"IAM\"\n]\n"),
            ("implements = [\n  \"BK\",\n  \"ENC\"\n]\n", &[], &["ENC"], "implements = [\n  \"BK\"\n]\n"),
            ("implements = [\n  # ours\n  \"BK\",\n  \"ENC\",\n]\n", &[], &["BK"], "implements = [\n  # ours\n  \"ENC\",\n]\n"),
            // A comment on the last element's line stays on its line.
            ("implements = [\n  \"BK\",  # audited\n]\n", &["IAM"], &[], "implements = [\n  \"BK\",  # audited\n  \"IAM\",\n]\n"),
        ];
        let head = format!("{HEAD}[[control]]\nid = \"IAM\"\nname = \"Identity\"\n\n")
            .replace("[[party]]\nid = \"saas\"\n\n", "");
        for (i, (written, on, off, want)) in cases.iter().enumerate() {
            let text = format!("{head}{party}notes = \"n\"\n{written}");
            let original = load(&text);
            let mut current = original.clone();
            let p = original.party_id("saas").expect("party");
            for (ids, state) in [(on, true), (off, false)] {
                for id in ids.iter() {
                    let c = original.control_id(id).expect("control");
                    assert!(current.set_implements(p, c, state));
                }
            }
            let out =
                write_back(&text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
            assert_eq!(
                out,
                format!("{head}{party}notes = \"n\"\n{want}"),
                "case {i}"
            );
        }
    }

    fn accept(stack: &Stack, control: &str, kind: Kind, place: AcceptPlace) -> Accept {
        Accept {
            control: stack.control_id(control).expect("control"),
            kind,
            place: Some(place),
            reason: "Compensating \"manual\" check\u{1b}[2J".into(),
            until: Date::new(2027, 6, 30),
            by: Some("CISO".into()),
            ticket: None,
            line: 0,
        }
    }

    #[test]
    fn accepts_are_appended_at_the_end() {
        let text = format!(
            "{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nservice = \"CRM\"\ncontrols = {{ BK = {{ agreed = \"consumer\", assumed = \"provider\" }} }}\n# closing words\n"
        );
        let original = load(&text);
        let mut current = original.clone();
        current.accepts.push(accept(
            &original,
            "BK",
            Kind::NoMansLand,
            AcceptPlace::Handoff(0),
        ));
        let shop: PartyIdx = original.party_id("shop").expect("party");
        let mut second = accept(&original, "ENC", Kind::Unassigned, AcceptPlace::Party(shop));
        second.until = None;
        second.ticket = Some("RISK-1".into());
        current.accepts.push(second);
        let out = write_back(&text, &original, &current).expect("saved");
        let want = format!(
            "{text}\n[[accept]]\ncontrol = \"BK\"\nkind = \"no-mans-land\"\nconsumer = \"shop\"\nprovider = \"saas\"\nservice = \"CRM\"\nreason = \"Compensating \\\"manual\\\" check\\u001B[2J\"\nuntil = 2027-06-30\nby = \"CISO\"\n\n[[accept]]\ncontrol = \"ENC\"\nkind = \"unassigned\"\nparty = \"shop\"\nreason = \"Compensating \\\"manual\\\" check\\u001B[2J\"\nby = \"CISO\"\nticket = \"RISK-1\"\n"
        );
        assert_eq!(out, want);
        assert_eq!(load(&out).accepts.len(), 2);
    }

    #[test]
    fn accepts_follow_existing_ones_in_a_sample() {
        let text = sample("healthcare-records.toml");
        let original = load(&text);
        let mut current = original.clone();
        let shop = original.party_id("aldhelm").expect("party");
        current.accepts.push(accept(
            &original,
            "BACKUP",
            Kind::Unassigned,
            AcceptPlace::Party(shop),
        ));
        let out = write_back(&text, &original, &current).expect("saved");
        assert!(out.starts_with(&text), "nothing before the end changes");
        assert!(out[text.len()..].starts_with("\n[[accept]]\ncontrol = \"BACKUP\"\n"));
    }

    #[test]
    fn several_edits_at_once() {
        let text = sample("demo.toml");
        let original = load(&text);
        let mut current = original.clone();
        apply(&mut current, 0, 0, SetAssumed(Some(C)));
        apply(&mut current, 1, 1, SetEvidence(Some(Ev::Verified)));
        let brightpath = original.party_id("brightpath").expect("party");
        let backup = original.control_id("BACKUP").expect("control");
        current.set_implements(brightpath, backup, true);
        current.accepts.push(accept(
            &original,
            "BACKUP",
            Kind::NoMansLand,
            AcceptPlace::Handoff(0),
        ));
        let out = write_back(&text, &original, &current).expect("saved");
        let (removed, added) = changed(&text, &out);
        assert_eq!(removed.len(), 3, "{removed:?}");
        assert_eq!(added.len(), 3 + 10, "{added:?}");
    }

    /// CRLF line ends, a byte-order mark and a missing final newline all survive an edit.
    #[test]
    fn line_ends_bom_and_final_newline_survive() {
        let body = format!(
            "{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n[handoff.controls]\nBK = \"provider\"\nENC = \"consumer\""
        );
        let variants = [
            body.replace('\n', "\r\n"),
            format!("\u{feff}{body}\n"),
            body.clone(),
            format!("{}\n", body.replacen('\n', "\r\n", 5)),
        ];
        for (i, text) in variants.iter().enumerate() {
            let original = load(text);
            assert_eq!(
                write_back(text, &original, &original).ok().as_ref(),
                Some(text)
            );
            let mut current = original.clone();
            apply(&mut current, 0, 1, SetAgreed(Some(S)));
            let out =
                write_back(text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
            assert_eq!(
                out,
                text.replace("ENC = \"consumer\"", "ENC = \"shared\""),
                "case {i}"
            );
            apply(&mut current, 0, 0, SetAssumed(Some(C)));
            current.accepts.push(accept(
                &original,
                "BK",
                Kind::NotDelivered,
                AcceptPlace::Handoff(0),
            ));
            let out =
                write_back(text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
            let crlf_lines = text.matches("\r\n").count();
            if crlf_lines > 5 {
                assert_eq!(
                    out.matches('\n').count(),
                    out.matches("\r\n").count(),
                    "case {i}: all CRLF"
                );
            } else {
                assert_eq!(
                    out.matches("\r\n").count(),
                    crlf_lines,
                    "case {i}: CRLF lines kept"
                );
            }
            assert_eq!(out.starts_with('\u{feff}'), text.starts_with('\u{feff}'));
        }
    }

    #[test]
    fn refuses_what_it_cannot_write_faithfully() {
        let text = format!(
            "{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\ncontrols = {{ BK = \"provider\", ENC = \"consumer\" }}\n"
        );
        let original = load(&text);
        let mut current = original.clone();
        apply(&mut current, 0, 0, SetAssumed(Some(C)));
        // The text is not the stack that was loaded: its ENC says something else.
        let other = text.replace("ENC = \"consumer\"", "ENC = \"shared\"");
        let err = write_back(&other, &original, &current).expect_err("must refuse");
        assert!(matches!(err, SaveError::Verify { .. }), "{err}");
        assert!(err.to_string().contains("test.toml"), "{err}");
        // A file with the hand-off gone.
        let gone = text.replace("controls = { BK = \"provider\", ENC = \"consumer\" }\n", "");
        let err = write_back(&gone, &original, &current).expect_err("must refuse");
        assert!(matches!(err, SaveError::Mismatch { .. }), "{err}");
        // Not TOML any more.
        let err = write_back("[[[", &original, &current).expect_err("must refuse");
        assert!(matches!(err, SaveError::Mismatch { .. }), "{err}");
        // Removing an accept is not an edit the explorer makes.
        let mut with = original.clone();
        with.accepts.push(accept(
            &original,
            "BK",
            Kind::Unconfirmed,
            AcceptPlace::Handoff(0),
        ));
        let err = write_back(&text, &with, &original).expect_err("must refuse");
        assert!(matches!(err, SaveError::Unsupported { .. }), "{err}");
    }

    #[test]
    fn control_ids_that_need_quotes_are_quoted() {
        let text = "[stack]\nname = \"t\"\ncatalog = \"none\"\n[[control]]\nid = \"ac-2.1\"\nname = \"x\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\nimplements = []\n[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n[handoff.controls]\n\"ac-2.1\" = \"provider\"\n";
        let original = load(text);
        let mut current = original.clone();
        apply(&mut current, 0, 0, SetAssumed(Some(C)));
        current.set_implements(1, 0, true);
        let out = write_back(text, &original, &current).expect("saved");
        assert!(
            out.contains("\"ac-2.1\" = { agreed = \"provider\", assumed = \"consumer\" }"),
            "{out}"
        );
        assert!(out.contains("implements = [\"ac-2.1\"]"), "{out}");
    }

    /// Forms TOML allows beyond the usual ones: arrays of inline tables, dotted keys inside an
    /// inline table, a `controls` table that only has sub-tables, accepts before the hand-offs.
    #[test]
    fn unusual_but_valid_forms() {
        let text = "[stack]\nname = \"t\"\n\n[[accept]]\ncontrol = \"ENC-REST\"\nkind = \"unassigned\"\nparty = \"shop\"\nreason = \"r\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\nimplements = [\"BACKUP\"]\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nmodel = \"iaas\"\n\n[handoff.controls.BACKUP]\nagreed = \"consumer\"\n\n[[handoff]]\nconsumer = \"saas\"\nprovider = \"shop\"\ncontrols = { BACKUP.agreed = \"provider\", ENC-REST.assumed = \"consumer\" }\n";
        let original = load(text);
        let mut current = original.clone();
        apply(
            &mut current,
            0,
            entry_at(&original, 0, "ENC-REST"),
            SetAssumed(Some(C)),
        );
        apply(&mut current, 1, entry_at(&original, 1, "BACKUP"), Unset);
        apply(
            &mut current,
            1,
            entry_at(&original, 1, "ENC-REST"),
            SetAgreed(Some(S)),
        );
        let shop = original.party_id("shop").expect("party");
        current.set_implements(shop, original.control_id("BACKUP").expect("control"), true);
        current.accepts.push(accept(
            &original,
            "BACKUP",
            Kind::NotDelivered,
            AcceptPlace::Handoff(1),
        ));
        let out = write_back(text, &original, &current).expect("saved");
        let (removed, added) = changed(text, &out);
        assert_eq!(
            removed,
            ["controls = { BACKUP.agreed = \"provider\", ENC-REST.assumed = \"consumer\" }"]
        );
        assert!(added.contains(&"controls = { BACKUP = {}, ENC-REST.assumed = \"consumer\", ENC-REST.agreed = \"shared\" }".to_owned()), "{out}");
        assert!(
            out.contains("id = \"shop\"\nimplements = [\"BACKUP\"]\n"),
            "{out}"
        );
        assert!(out.rfind("[[accept]]") > out.rfind("[[handoff]]"), "{out}");

        let inline = "control = [{ id = \"BK\", name = \"Backups\" }]\nparty = [{ id = \"a\" }, { id = \"b\", implements = [\"BK\"] }]\nhandoff = [{ consumer = \"a\", provider = \"b\", controls = { BK = \"provider\" } }]\naccept = [{ control = \"BK\", kind = \"unconfirmed\", consumer = \"a\", provider = \"b\", reason = \"r\" }]\n\n[stack]\nname = \"t\"\ncatalog = \"none\"\n";
        let original = load(inline);
        let mut current = original.clone();
        apply(&mut current, 0, 0, SetAssumed(Some(P)));
        current.set_implements(1, 0, false);
        current.set_implements(0, 0, true);
        current.accepts.push(accept(
            &original,
            "BK",
            Kind::Misunderstanding,
            AcceptPlace::Handoff(0),
        ));
        let out = write_back(inline, &original, &current).expect("saved");
        assert!(
            out.contains(
                "party = [{ id = \"a\", implements = [\"BK\"] }, { id = \"b\", implements = [] }]"
            ),
            "{out}"
        );
        assert!(
            out.contains("controls = { BK = { agreed = \"provider\", assumed = \"provider\" } }"),
            "{out}"
        );
        assert_eq!(load(&out).accepts.len(), 2);
    }

    proptest::proptest! {
        /// The edit script replays `a` into `b` and is as short as the longest common subsequence allows.
        #[test]
        fn diff_is_a_shortest_edit_script(a in proptest::collection::vec(0u8..4, 0..30), b in proptest::collection::vec(0u8..4, 0..30)) {
            let words = ["w\n", "x\n", "y\n", "z\n"];
            let a: Vec<&str> = a.iter().map(|&i| words[i as usize]).collect();
            let b: Vec<&str> = b.iter().map(|&i| words[i as usize]).collect();
            let ops = diff_lines(&a, &b, usize::MAX).expect("unbounded");
            let (mut from_a, mut to_b, mut equal) = (Vec::new(), Vec::new(), 0);
            for op in ops {
                match op {
                    Op::Equal(i, j) => { proptest::prop_assert_eq!(a[i], b[j]); from_a.push(i); to_b.push(j); equal += 1; }
                    Op::Delete(i) => from_a.push(i),
                    Op::Insert(j) => to_b.push(j),
                }
            }
            proptest::prop_assert_eq!(from_a, (0..a.len()).collect::<Vec<_>>());
            proptest::prop_assert_eq!(to_b, (0..b.len()).collect::<Vec<_>>());
            let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in (0..a.len()).rev() {
                for j in (0..b.len()).rev() {
                    lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
                }
            }
            proptest::prop_assert_eq!(equal, lcs[0][0]);
        }
    }

    #[test]
    fn diff_finds_a_shortest_script() {
        let a = ["a\n", "b\n", "c\n", "d\n"];
        let b = ["a\n", "x\n", "c\n", "d\n", "e\n"];
        let ops = diff_lines(&a, &b, 10).expect("diff");
        let edits = ops.iter().filter(|o| !matches!(o, Op::Equal(..))).count();
        assert_eq!(edits, 3);
        assert!(diff_lines(&a, &b, 1).is_none(), "bounded");
        assert_eq!(diff_lines(&[], &["x"], 5), Some(vec![Op::Insert(0)]));
    }

    // -- atomic_write and changed_on_disk --------------------------------------------------

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".stackgap-"))
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stack.toml");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        atomic_write(&path, b"new").expect("saved");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn atomic_write_creates_a_new_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("new.toml");
        atomic_write(&path, b"fresh").expect("saved");
        assert_eq!(fs::read_to_string(&path).expect("read"), "fresh");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_writes_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).expect("mkdir");
        let target = real_dir.join("stack.toml");
        fs::write(&target, "old").expect("write");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink("real/stack.toml", &link).expect("symlink");
        atomic_write(&link, b"new").expect("saved");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_link(&link).expect("link"),
            Path::new("real/stack.toml")
        );
        assert_eq!(fs::read_to_string(&target).expect("read"), "new");
        assert!(leftovers(dir.path()).is_empty() && leftovers(&real_dir).is_empty());
    }

    #[test]
    fn a_failing_write_leaves_the_original_and_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stack.toml");
        fs::write(&path, "original").expect("write");
        let err = write_atomically(&path, &mut |w| {
            w.write_all(b"half a fi")?;
            Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device",
            ))
        })
        .expect_err("must fail");
        let msg = err.to_string();
        assert!(
            msg.contains("stack.toml")
                && msg.contains("no space left")
                && msg.contains("unchanged"),
            "{msg}"
        );
        assert_eq!(fs::read_to_string(&path).expect("read"), "original");
        assert!(leftovers(dir.path()).is_empty());
    }

    /// A directory nobody can write to. Root ignores permission bits, so the cases that fail
    /// for root too are a parent that is a file and a target that is a directory.
    #[test]
    fn an_unwritable_place_is_an_error_and_keeps_the_original() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("plain");
        fs::write(&file, "x").expect("write");
        let err = atomic_write(&file.join("stack.toml"), b"new").expect_err("parent is a file");
        assert!(matches!(err, SaveError::Io { .. }), "{err}");
        let sub = dir.path().join("sub.toml");
        fs::create_dir(&sub).expect("mkdir");
        assert!(
            atomic_write(&sub, b"new").is_err(),
            "a directory is never replaced"
        );
        assert!(sub.is_dir());
        assert_eq!(fs::read_to_string(&file).expect("read"), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let ro = dir.path().join("ro");
            fs::create_dir(&ro).expect("mkdir");
            let path = ro.join("stack.toml");
            fs::write(&path, "original").expect("write");
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).expect("chmod");
            let probe = ro.join("probe");
            let enforced = File::create(&probe).is_err();
            let _ = fs::remove_file(&probe);
            if enforced {
                assert!(atomic_write(&path, b"new").is_err());
                assert_eq!(fs::read_to_string(&path).expect("read"), "original");
            }
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).expect("chmod");
            assert!(leftovers(&ro).is_empty());
        }
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn changed_on_disk_compares_the_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stack.toml");
        fs::write(&path, "one").expect("write");
        let sha = crate::stack::load::sha256_hex(b"one");
        assert!(!changed_on_disk(&path, &sha).expect("read"));
        assert!(!changed_on_disk(&path, &sha.to_uppercase()).expect("read"));
        fs::write(&path, "two").expect("write");
        assert!(changed_on_disk(&path, &sha).expect("read"));
        fs::remove_file(&path).expect("rm");
        assert!(changed_on_disk(&path, &sha).expect("gone counts as changed"));
    }

    /// The whole path the explorer takes: edit, write back, save, and the file reads back.
    #[test]
    fn saved_file_reloads_to_the_edited_stack() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("demo.toml");
        let text = sample("demo.toml");
        fs::write(&path, &text).expect("write");
        let original = crate::stack::load_path(&path).expect("load");
        let mut current = original.clone();
        apply(&mut current, 2, 0, SetAgreed(Some(P)));
        let out = write_back(&text, &original, &current).expect("write back");
        assert!(!changed_on_disk(&path, &original.source.sha256).expect("read"));
        atomic_write(&path, out.as_bytes()).expect("saved");
        assert!(changed_on_disk(&path, &original.source.sha256).expect("read"));
        let reloaded = crate::stack::load_path(&path).expect("reload");
        assert_eq!(reloaded.handoffs[2].entries[0].agreed, Some(P));
    }
}
