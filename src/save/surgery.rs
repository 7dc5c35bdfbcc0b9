//! The document surgery: each change made in the parsed file (toml_edit) in the form the file
//! already uses — an entry written as the shorthand, an inline table, a `[table]` or dotted keys;
//! an `implements` array on one line or one element per line — with the spacing and comments
//! around it kept; new `[[accept]]` tables at the very end. Shared with `stackgap import --into`.

use std::collections::BTreeSet;

use toml_edit::{
    Array, ArrayOfTables, Decor, DocumentMut, InlineTable, Item, Table, TableLike, Value,
};

use super::edits::{FieldValue, Fields};
use crate::stack::{Accept, AcceptPlace, Stack};

/// A table of the document, written either as a `[table]` or as an inline `{ … }`.
pub(crate) enum Node<'a> {
    /// `[table]` or `[[table]]`.
    Table(&'a mut Table),
    /// `{ … }`.
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
pub(super) fn accept_table(stack: &Stack, a: &Accept) -> Result<Table, String> {
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
pub(super) fn append_accepts(doc: &mut DocumentMut, tables: Vec<Table>) -> Result<(), String> {
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
