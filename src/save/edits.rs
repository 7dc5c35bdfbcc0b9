//! What changed between the loaded stack and the edited one, entry by entry: the explorer edits
//! a [`Stack`], not the text, so a save starts by finding which entries, `implements` lists and
//! `[[accept]]`s differ, and refuses the changes a stack file cannot faithfully take (another
//! shape of stack, an existing accept changed or removed).

use std::collections::BTreeSet;

use toml_edit::{DocumentMut, Value};

use super::surgery::{
    accept_table, add_entry, append_accepts, edit_entry, edit_implements, element,
};
use crate::date::Date;
use crate::stack::{Accept, Entry, Owner, Stack};

/// The fields of an entry that a stack file spells out (also what `stackgap import` writes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Fields {
    /// Who the agreement makes responsible.
    pub(crate) agreed: Option<Owner>,
    /// Who the consumer believes is responsible.
    pub(crate) assumed: Option<Owner>,
    /// Levels and document ids as written; empty when `evidence` is not written.
    pub(crate) evidence: Vec<String>,
    /// After this date the evidence counts as `none`, whatever it cites.
    pub(crate) expires: Option<Date>,
    /// Never edited by the explorer, but it keeps an entry from being written as the shorthand.
    pub(crate) reference: Option<Box<str>>,
}

impl Fields {
    /// The fields of `e` as the stack file would spell them.
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
    pub(super) fn keyed(&self) -> [(&'static str, Option<FieldValue>); 5] {
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
    pub(super) fn is_shorthand(&self) -> bool {
        self.agreed.is_some()
            && self.assumed.is_none()
            && self.evidence.is_empty()
            && self.expires.is_none()
            && self.reference.is_none()
    }
}

/// One value of an entry table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FieldValue {
    Text(String),
    Texts(Vec<String>),
    Date(Date),
}

impl FieldValue {
    pub(super) fn to_value(&self) -> Result<Value, String> {
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
pub(super) struct Edits {
    entries: Vec<EntryEdit>,
    implements: Vec<ImplementsEdit>,
    accepts: Vec<usize>,
}

pub(super) enum Refusal {
    Mismatch(String),
    Unsupported(String),
}

impl Edits {
    pub(super) fn between(original: &Stack, current: &Stack) -> Result<Edits, Refusal> {
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

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.implements.is_empty() && self.accepts.is_empty()
    }

    pub(super) fn apply(&self, doc: &mut DocumentMut, current: &Stack) -> Result<(), String> {
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

pub(super) fn same_accept(a: &Accept, b: &Accept) -> bool {
    a.control == b.control
        && a.kind == b.kind
        && a.place == b.place
        && a.reason == b.reason
        && a.until == b.until
        && a.by == b.by
        && a.ticket == b.ticket
}

pub(super) fn handoff_name(stack: &Stack, h: usize) -> String {
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
