//! Saving over a file that changed on disk: the session's edited places are applied onto the
//! file as it now is, so the changes made elsewhere survive. Each edited place is found again
//! in the new stack by ids (the hand-off's consumer, provider and service and the entry's
//! control; the party and control of an `implements`), and a place that was also changed on
//! disk since the last load or save is a conflict the user decides, one answer for all of them:
//! keep mine (the entry's owners and evidence as the explorer shows them, the `implements` as
//! toggled) or keep theirs (the place as it is on disk). A place that no longer exists on disk
//! stops the save.

use crate::save::Fields;
use crate::stack::{Accept, AcceptPlace, Cite, Cites, Entry, HandoffIdx, Owner, Stack};

use super::super::edit::{EntryValue, Setting};
use super::{Edited, Session};

/// The file as it now is on disk, and what applying the edits onto it takes.
#[derive(Debug)]
pub struct Onto {
    stack: Stack,
    text: String,
    /// The settings that put each edited place's value into `stack`, with whether that place
    /// was also changed on disk.
    settings: Vec<(Vec<Setting>, bool)>,
    /// The new `[[accept]]`s, in `stack`'s indices.
    accepts: Vec<Accept>,
    /// The places changed on both sides, in words.
    conflicts: Vec<String>,
}

impl Onto {
    /// The places changed both in the explorer and on disk, in words.
    pub fn conflicts(&self) -> &[String] {
        &self.conflicts
    }
}

/// What applying the edits onto the file on disk did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Places also changed on disk where the disk's version was kept (the edit dropped).
    pub kept_theirs: usize,
    /// Places also changed on disk where the edit won.
    pub kept_mine: usize,
}

impl Session {
    /// Finds every edited place in `stack` (the file as it now is, read from `text`); an edited
    /// place that is gone from it is an error that says which.
    pub fn onto(&self, stack: Stack, text: String) -> Result<Onto, String> {
        let (mine, saved) = (&self.stack, &self.saved_stack);
        let mut places: Vec<Edited> = self.edited.iter().copied().collect();
        places.sort_by_key(|e| match *e {
            Edited::Entry(h, e) => (0, h, e),
            Edited::Implements(p, c) => (1, p, c),
            Edited::Accept(i) => (2, i, 0),
        });
        let mut onto = Onto {
            stack,
            text,
            settings: Vec::new(),
            accepts: Vec::new(),
            conflicts: Vec::new(),
        };
        let theirs = &onto.stack;
        for place in places {
            match place {
                Edited::Entry(h, e) => {
                    let was = &saved.handoff(h).entries[e as usize];
                    let now = &mine.handoff(h).entries[e as usize];
                    let words = entry_words(saved, h, e);
                    let th = find_handoff(saved, h, theirs).ok_or_else(|| {
                        format!("the hand-off of {words} is no longer in the file")
                    })?;
                    let control = &saved.control(was.control).id;
                    let te = theirs
                        .handoff(th)
                        .entries
                        .iter()
                        .position(|x| theirs.control(x.control).id == *control)
                        .ok_or_else(|| format!("{words} is no longer in the file"))?;
                    let their_entry = &theirs.handoff(th).entries[te];
                    // Its owners or evidence changed on disk, and not to what the explorer
                    // shows. Fields the explorer does not edit (`expires`, `ref`) are kept as
                    // on disk whatever the answer, so a change to them alone asks nothing.
                    let on_disk = edited_fields(theirs, their_entry);
                    let conflict =
                        on_disk != edited_fields(saved, was) && on_disk != edited_fields(mine, now);
                    // The entry as the explorer shows it: its owners and evidence (the
                    // fields the explorer edits) are put in the entry as it is on disk.
                    let cites = recite(mine, &now.evidence, theirs).map_err(|d| {
                        format!("the document {d} cited by {words} is no longer in the file")
                    })?;
                    let at = |value| Setting::Entry {
                        handoff: th,
                        entry: te as u32,
                        value,
                    };
                    let settings = vec![
                        at(EntryValue::Assumed(now.assumed)),
                        at(EntryValue::Agreed(now.agreed)),
                        at(EntryValue::Evidence(cites)),
                    ];
                    if conflict {
                        onto.conflicts.push(words);
                    }
                    onto.settings.push((settings, conflict));
                }
                Edited::Implements(p, c) => {
                    let (party, control) = (&saved.party(p).id, &saved.control(c).id);
                    let words = format!("{party} implements {control}");
                    let tp = theirs
                        .party_id(party)
                        .ok_or_else(|| format!("the party {party} is no longer in the file"))?;
                    let tc = theirs
                        .control_id(control)
                        .ok_or_else(|| format!("the control {control} is no longer in the file"))?;
                    let was = saved.party(p).implements_control(c);
                    let on = mine.party(p).implements_control(c);
                    let on_disk = theirs.party(tp).implements_control(tc);
                    let conflict = on_disk != was && on_disk != on;
                    if conflict {
                        onto.conflicts.push(words);
                    }
                    onto.settings.push((
                        vec![Setting::Implements {
                            party: tp,
                            control: tc,
                            on,
                        }],
                        conflict,
                    ));
                }
                Edited::Accept(i) => {
                    let a = &mine.accepts[i as usize];
                    let control = &mine.control(a.control).id;
                    let gone = || {
                        format!(
                            "the accepted risk on {control} names what is no longer in the file"
                        )
                    };
                    let place = match a.place {
                        None => None,
                        Some(AcceptPlace::Party(p)) => Some(AcceptPlace::Party(
                            theirs.party_id(&mine.party(p).id).ok_or_else(gone)?,
                        )),
                        Some(AcceptPlace::Handoff(h)) => Some(AcceptPlace::Handoff(
                            find_handoff(mine, h, theirs).ok_or_else(gone)?,
                        )),
                    };
                    onto.accepts.push(Accept {
                        control: theirs.control_id(control).ok_or_else(gone)?,
                        place,
                        ..a.clone()
                    });
                }
            }
        }
        Ok(onto)
    }

    /// Puts the file as it now is on disk in place of the last loaded one, with the edits
    /// applied onto it: at a place also changed on disk, the edit when `keep_mine`, else the
    /// disk's version. A new undo history starts, as after a reload.
    pub fn apply_onto(&mut self, onto: Onto, keep_mine: bool) -> Applied {
        let Onto {
            stack,
            text,
            settings,
            accepts,
            ..
        } = onto;
        self.replace(stack, text);
        let mut applied = Applied {
            kept_theirs: 0,
            kept_mine: 0,
        };
        for (place, conflict) in settings {
            match (conflict, keep_mine) {
                (true, false) => {
                    applied.kept_theirs += 1;
                    continue;
                }
                (true, true) => applied.kept_mine += 1,
                (false, _) => {}
            }
            for s in place {
                self.set(&s);
            }
        }
        for a in accepts {
            let s = self.accept(a);
            self.set(&s);
        }
        applied
    }
}

/// The fields of an entry the explorer edits, as the file spells them.
fn edited_fields(stack: &Stack, e: &Entry) -> (Option<Owner>, Option<Owner>, Vec<String>) {
    let Fields {
        agreed,
        assumed,
        evidence,
        ..
    } = Fields::of(stack, e);
    (agreed, assumed, evidence)
}

/// The hand-off `h` of `from`, found in `to` by its consumer, provider and service.
fn find_handoff(from: &Stack, h: HandoffIdx, to: &Stack) -> Option<HandoffIdx> {
    let h = from.handoff(h);
    to.handoff_by_ids(
        &from.party(h.consumer).id,
        &from.party(h.provider).id,
        h.service.as_deref(),
    )
}

/// An entry in words: `consumer → provider (service): CONTROL`.
fn entry_words(stack: &Stack, h: HandoffIdx, e: u32) -> String {
    let control = stack.handoff(h).entries[e as usize].control;
    format!(
        "{}: {}",
        crate::report::handoff_label(stack, h),
        stack.control(control).id
    )
}

/// Evidence cited in `from`, in `to`'s document indices; the id of a document `to` lacks.
fn recite(from: &Stack, cites: &Cites, to: &Stack) -> Result<Cites, String> {
    let one = |c: &Cite| match *c {
        Cite::Level(l) => Ok(Cite::Level(l)),
        Cite::Document(d) => {
            let id = &from.documents[d as usize].id;
            to.documents
                .iter()
                .position(|x| x.id == *id)
                .map(|i| Cite::Document(i as _))
                .ok_or_else(|| id.clone())
        }
    };
    Ok(match cites {
        Cites::Default => Cites::Default,
        Cites::One(c) => Cites::One(one(c)?),
        Cites::Many(all) => Cites::Many(all.iter().map(one).collect::<Result<_, _>>()?),
    })
}
