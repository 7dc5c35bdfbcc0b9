//! Edits and what-ifs as reversible changes: each remembers the value before and after, so undo
//! and redo replay one small operation instead of keeping copies of the stack; and a change in
//! the words the status line shows.

use crate::analysis::WhatIf;
use crate::date::Date;
use crate::stack::{Accept, Cite, Cites, ControlIdx, Evidence, HandoffIdx, Owner, PartyIdx, Stack};
use crate::text::escape;

use super::theme::Theme;

/// One field of one entry, with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryValue {
    /// `assumed`.
    Assumed(Option<Owner>),
    /// `agreed`.
    Agreed(Option<Owner>),
    /// `evidence` (`Cites::Default`: not written).
    Evidence(Cites),
}

/// A value a change moves between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// An entry field (an edit of the file).
    Entry {
        /// The hand-off.
        handoff: HandoffIdx,
        /// The entry within it.
        entry: u32,
        /// The field and its value.
        value: EntryValue,
    },
    /// Whether a party implements a control (an edit of the file).
    Implements {
        /// The party.
        party: PartyIdx,
        /// The control.
        control: ControlIdx,
        /// Implemented or not.
        on: bool,
    },
    /// Whether a party is switched off (a what-if).
    Off {
        /// The party.
        party: PartyIdx,
        /// Switched off or not.
        off: bool,
    },
    /// The minimum evidence override (a what-if).
    MinEvidence(Option<Evidence>),
    /// The analysis date (a what-if).
    AsOf(Date),
    /// How many `[[accept]]`s the stack holds (an edit of the file). The accepts themselves
    /// live in the app, which keeps those added this session so that redo can bring them back;
    /// `apply` only drops the ones past the count.
    Accepts(u32),
}

/// What a setting touches, so only that is re-analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only this control.
    Control(ControlIdx),
    /// Every control.
    Everything,
}

impl Setting {
    /// Puts the setting into the stack or the what-ifs.
    pub fn apply(&self, stack: &mut Stack, what_if: &mut WhatIf) -> Scope {
        match *self {
            Setting::Entry {
                handoff,
                entry,
                ref value,
            } => {
                let mut e = stack.entry_mut(handoff, entry);
                match value {
                    EntryValue::Assumed(o) => e.set_assumed(*o),
                    EntryValue::Agreed(o) => e.set_agreed(*o),
                    EntryValue::Evidence(v) => e.set_evidence(v.clone()),
                }
                Scope::Control(stack.handoff(handoff).entries[entry as usize].control)
            }
            Setting::Implements { party, control, on } => {
                stack.set_implements(party, control, on);
                Scope::Control(control)
            }
            Setting::Off { party, off } => {
                what_if.set_off(party, off);
                Scope::Everything
            }
            Setting::MinEvidence(m) => {
                what_if.min_evidence = m;
                Scope::Everything
            }
            Setting::AsOf(d) => {
                what_if.as_of = d;
                Scope::Everything
            }
            Setting::Accepts(n) => {
                stack.accepts.truncate(n as usize);
                Scope::Everything
            }
        }
    }

    /// The same place's current value.
    pub fn current(&self, stack: &Stack, what_if: &WhatIf) -> Setting {
        match *self {
            Setting::Entry {
                handoff,
                entry,
                ref value,
            } => {
                let e = &stack.handoff(handoff).entries[entry as usize];
                let value = match value {
                    EntryValue::Assumed(_) => EntryValue::Assumed(e.assumed),
                    EntryValue::Agreed(_) => EntryValue::Agreed(e.agreed),
                    EntryValue::Evidence(_) => EntryValue::Evidence(e.evidence.clone()),
                };
                Setting::Entry {
                    handoff,
                    entry,
                    value,
                }
            }
            Setting::Implements { party, control, .. } => Setting::Implements {
                party,
                control,
                on: stack.party(party).implements_control(control),
            },
            Setting::Off { party, .. } => Setting::Off {
                party,
                off: what_if.is_off(party),
            },
            Setting::MinEvidence(_) => Setting::MinEvidence(what_if.min_evidence),
            Setting::AsOf(_) => Setting::AsOf(what_if.as_of),
            Setting::Accepts(_) => Setting::Accepts(stack.accepts.len() as u32),
        }
    }

    /// Whether it changes the file (an edit) rather than the view (a what-if).
    pub fn is_edit(&self) -> bool {
        matches!(
            self,
            Setting::Entry { .. } | Setting::Implements { .. } | Setting::Accepts(_)
        )
    }

    /// Whether the stack holds the same value here as `baseline` (the file as last saved).
    pub fn matches(&self, stack: &Stack, baseline: &Stack) -> bool {
        match *self {
            Setting::Entry { handoff, entry, .. } => {
                let now = &stack.handoff(handoff).entries[entry as usize];
                let then = &baseline.handoff(handoff).entries[entry as usize];
                (now.agreed, now.assumed, &now.evidence)
                    == (then.agreed, then.assumed, &then.evidence)
            }
            Setting::Implements { party, control, .. } => {
                stack.party(party).implements_control(control)
                    == baseline.party(party).implements_control(control)
            }
            Setting::Accepts(_) => stack.accepts.len() == baseline.accepts.len(),
            Setting::Off { .. } | Setting::MinEvidence(_) | Setting::AsOf(_) => true,
        }
    }
}

/// One step of the history: the value before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The value before the change.
    pub before: Setting,
    /// The value after the change.
    pub after: Setting,
}

/// Undo and redo stacks; a reload starts a new one.
#[derive(Debug, Default)]
pub struct History {
    done: Vec<Change>,
    undone: Vec<Change>,
}

impl History {
    /// Records a change just made; what was undone can no longer be redone.
    pub fn push(&mut self, change: Change) {
        self.done.push(change);
        self.undone.clear();
    }

    /// The change to revert, moved to the redo stack.
    pub fn undo(&mut self) -> Option<Change> {
        let c = self.done.pop()?;
        self.undone.push(c.clone());
        Some(c)
    }

    /// The change to replay, moved back to the undo stack.
    pub fn redo(&mut self) -> Option<Change> {
        let c = self.undone.pop()?;
        self.done.push(c.clone());
        Some(c)
    }
}

/// The next owner in the order SPEC §5 gives: provider → consumer → shared → unset → provider.
pub fn next_owner(o: Option<Owner>) -> Option<Owner> {
    match o {
        Some(Owner::Provider) => Some(Owner::Consumer),
        Some(Owner::Consumer) => Some(Owner::Shared),
        Some(Owner::Shared) => None,
        None => Some(Owner::Provider),
    }
}

/// The next evidence: none → contract → attested → verified → default → none.
pub fn next_evidence(stack: &Stack, control: ControlIdx, e: &Cites) -> Cites {
    // The levels, then the documents that may be cited for this control, then not written.
    let mut choices: Vec<Cite> = Evidence::ALL.into_iter().map(Cite::Level).collect();
    choices.extend(
        stack
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.may_cover(control))
            .map(|(i, _)| Cite::Document(i as u32)),
    );
    let next = match e {
        Cites::Default => Some(choices[0]),
        Cites::One(c) => choices
            .iter()
            .position(|x| x == c)
            .and_then(|i| choices.get(i + 1).copied()),
        // Several items: start the round again from the weakest level.
        Cites::Many(_) => Some(choices[0]),
    };
    next.map_or(Cites::Default, Cites::One)
}

/// The next minimum evidence override: the stack's own → none → … → verified → the stack's own.
pub fn next_min_evidence(e: Option<Evidence>) -> Option<Evidence> {
    match e {
        None => Some(Evidence::None),
        Some(Evidence::Verified) => None,
        Some(e) => Evidence::ALL.into_iter().find(|&n| n > e),
    }
}

/// What a change is described with: the stack as shown (masked in presenter mode), the
/// stack's own minimum evidence, and the session's accepts (undone ones included).
pub struct Words<'a> {
    /// The stack as shown.
    pub shown: &'a Stack,
    /// The stack's own minimum evidence, for an override taken back.
    pub min_evidence: Evidence,
    /// The session's accepts, those undone included.
    pub accepts: &'a [Accept],
}

/// A change in words, for the status line.
pub fn describe(c: &Change, words: &Words, theme: Theme) -> String {
    let stack = words.shown;
    match (&c.before, &c.after) {
        (
            Setting::Entry { value: before, .. },
            Setting::Entry {
                handoff,
                entry,
                value: after,
            },
        ) => entry_words(stack, *handoff, *entry, before, after, theme),
        (_, &Setting::Implements { party, control, on }) => format!(
            "{} {} {}",
            escape(&stack.party(party).id),
            if on {
                "implements"
            } else {
                "no longer implements"
            },
            escape(&stack.control(control).id)
        ),
        (_, &Setting::Off { party, off }) => format!(
            "what-if: {} switched {}",
            escape(&stack.party(party).id),
            if off { "off" } else { "on" }
        ),
        (_, Setting::MinEvidence(m)) => format!(
            "what-if: minimum evidence {}",
            m.map_or_else(
                || format!("{} (the stack's own)", words.min_evidence),
                |m| m.to_string()
            )
        ),
        (_, Setting::AsOf(d)) => format!("what-if: analysis date {d}"),
        (&Setting::Accepts(before), &Setting::Accepts(after)) => {
            // The accept moved is always at the smaller count, in the session's list.
            let moved = words.accepts.get(before.min(after) as usize);
            let what = moved.map_or_else(String::new, |a| {
                format!(
                    " the {} risk on {}",
                    a.kind.as_str(),
                    escape(&stack.control(a.control).id)
                )
            });
            if after > before {
                format!("accepted{what}")
            } else {
                format!("no longer accepted:{what}")
            }
        }
        _ => String::new(),
    }
}

/// An entry field's change in words: `CONTROL at consumer → provider: field from → to`.
fn entry_words(
    stack: &Stack,
    handoff: HandoffIdx,
    entry: u32,
    before: &EntryValue,
    after: &EntryValue,
    theme: Theme,
) -> String {
    let arrow = theme.arrow();
    let owner = |o: &Option<Owner>| o.map_or(theme.unset(), |o| o.as_str()).to_string();
    let ev = |e: &Cites| -> String {
        if e.is_written() {
            let items: Vec<&str> = e
                .items()
                .iter()
                .map(|c| c.as_str(&stack.documents))
                .collect();
            escape(&items.join(", ")).into_owned()
        } else {
            "default".into()
        }
    };
    let (field, from, to) = match (before, after) {
        (EntryValue::Assumed(a), EntryValue::Assumed(b)) => ("assumed", owner(a), owner(b)),
        (EntryValue::Agreed(a), EntryValue::Agreed(b)) => ("agreed", owner(a), owner(b)),
        (EntryValue::Evidence(a), EntryValue::Evidence(b)) => ("evidence", ev(a), ev(b)),
        _ => ("", String::new(), String::new()),
    };
    let h = stack.handoff(handoff);
    let control = h.entries[entry as usize].control;
    format!(
        "{} at {} {arrow} {}: {field} {from} {arrow} {to}",
        escape(&stack.control(control).id),
        escape(&stack.party(h.consumer).id),
        escape(&stack.party(h.provider).id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_and_evidence_cycle_through_every_value_and_back() {
        let mut o = Some(Owner::Provider);
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(o);
            o = next_owner(o);
        }
        assert_eq!(o, Some(Owner::Provider));
        assert_eq!(
            seen,
            [
                Some(Owner::Provider),
                Some(Owner::Consumer),
                Some(Owner::Shared),
                None
            ]
        );
        let mut m = None;
        for _ in 0..5 {
            m = next_min_evidence(m);
        }
        assert_eq!(m, None);
    }

    #[test]
    fn evidence_cycles_through_the_levels_then_the_documents_that_cover_the_control() {
        let stack = crate::stack::load_str(
            r#"
            [stack]
            name = "docs"
            catalog = "none"
            [[control]]
            id = "BK"
            name = "Backups"
            [[control]]
            id = "ENC"
            name = "Encryption"
            [[evidence]]
            id = "soc2"
            level = "attested"
            [[evidence]]
            id = "pentest"
            level = "verified"
            covers = ["ENC"]
            [[party]]
            id = "a"
            "#,
            "docs.toml",
            None,
        )
        .expect("loads");
        let walk = |control: u32| {
            let mut e = Cites::Default;
            let mut seen = Vec::new();
            loop {
                e = next_evidence(&stack, control, &e);
                if e == Cites::Default {
                    return seen;
                }
                seen.push(e.items()[0].as_str(&stack.documents).to_owned());
            }
        };
        assert_eq!(
            walk(0),
            ["none", "contract", "attested", "verified", "soc2"],
            "BK: pentest does not cover it"
        );
        assert_eq!(
            walk(1),
            [
                "none", "contract", "attested", "verified", "soc2", "pentest"
            ]
        );
        let many = Cites::Many(vec![Cite::Document(0), Cite::Level(Evidence::None)].into());
        assert_eq!(
            next_evidence(&stack, 0, &many),
            Cites::One(Cite::Level(Evidence::None))
        );
    }
}
