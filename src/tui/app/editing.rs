//! Edits and what-ifs from the keyboard: each becomes a `Setting` the session makes (and can
//! undo), then the derived state is brought up to date — one control re-analysed for an edit,
//! everything for a what-if. Also accepting a risk, copying a finding, and presenter mode.

use super::App;
use crate::analysis::{Finding, Place};
use crate::stack::{Accept, AcceptPlace, ControlIdx, Side};
use crate::tui::derived::changes;
use crate::tui::edit::{self, Change, EntryValue, Scope, Setting};
use crate::tui::effect::Effect;
use crate::tui::inspect::{self, Target};
use crate::tui::layout;
use crate::tui::mode::{Listing, Mode, Notice, Pane, Question};
use crate::tui::msg::Field;

impl App {
    /// The selected control, if the hand-off pane has the focus (saying why not otherwise).
    fn selected_item(&mut self) -> Option<(Target, ControlIdx)> {
        if self.nav.focus != Pane::Details {
            self.info("edits apply to a control: press Tab to move to the hand-off pane");
            return None;
        }
        let items = &self.derived.inspect.items;
        let it = items.get(self.nav.item).map(|it| (it.target, it.control));
        if it.is_none() {
            self.info("no control here to edit");
        }
        it
    }

    /// `a`, `o`, `e`: the next value of a field of the selected entry.
    pub(super) fn cycle(&mut self, field: Field) {
        let Some((target, _)) = self.selected_item() else {
            return;
        };
        let Target::Entry { handoff, entry } = target else {
            self.info("a requirement has no owner or evidence; edit it where a hand-off lists it, or press i");
            return;
        };
        let stack = &self.session.stack;
        let e = &stack.handoff(handoff).entries[entry as usize];
        let value = match field {
            Field::Assumed => EntryValue::Assumed(edit::next_owner(e.assumed)),
            Field::Agreed => EntryValue::Agreed(edit::next_owner(e.agreed)),
            Field::Evidence => {
                EntryValue::Evidence(edit::next_evidence(stack, e.control, &e.evidence))
            }
        };
        self.change(Setting::Entry {
            handoff,
            entry,
            value,
        });
    }

    /// `i`, `I`: a side of the hand-off (or the party) implements the control, or no longer.
    pub(super) fn implements(&mut self, side: Side) {
        let Some((target, control)) = self.selected_item() else {
            return;
        };
        let stack = &self.session.stack;
        let party = match target {
            Target::Entry { handoff, .. } => {
                let h = stack.handoff(handoff);
                match side {
                    Side::Provider => h.provider,
                    Side::Consumer => h.consumer,
                }
            }
            Target::Requirement { party } => party,
        };
        let on = !stack.party(party).implements_control(control);
        self.change(Setting::Implements { party, control, on });
    }

    /// `A`: asks for the reason to accept the selected control's first open finding.
    pub(super) fn ask_accept(&mut self) {
        let Some((target, control)) = self.selected_item() else {
            return;
        };
        let open = self.derived.report.by_control[control as usize]
            .iter()
            .filter(|f| is_at(f, target))
            .find(|f| f.accepted.is_none());
        let Some(f) = open else {
            self.info("no open gap or warning here to accept (a requirement's gaps at a hand-off are accepted there)");
            return;
        };
        let place = match f.place {
            Place::Handoff { handoff, .. } => AcceptPlace::Handoff(handoff),
            Place::Party(p) => AcceptPlace::Party(p),
        };
        self.nav.mode = Mode::Ask(Question::AcceptReason {
            control,
            kind: f.kind,
            place,
            reason: String::new(),
        });
    }

    /// `y`: copies the selected control's finding (the first open one) as a line of Markdown.
    pub(super) fn copy(&mut self) -> Vec<Effect> {
        let Some(it) = self.derived.inspect.items.get(self.nav.item) else {
            self.info("nothing selected to copy");
            return Vec::new();
        };
        let (target, control) = (it.target, it.control);
        let fs = &self.derived.report.by_control[control as usize];
        let Some(f) = fs
            .iter()
            .filter(|f| is_at(f, target))
            .find(|f| f.accepted.is_none())
            .or_else(|| fs.iter().find(|f| is_at(f, target)))
        else {
            self.info("no gap or warning here to copy");
            return Vec::new();
        };
        let text = inspect::finding_markdown(self.session.shown(), &self.derived.report, f);
        let shown = layout::fit(&text, 60, self.theme.ellipsis());
        self.info(&format!(
            "copied (OSC 52; in tmux needs set-clipboard on): {shown}"
        ));
        vec![Effect::Copy(text)]
    }

    /// Adds an accepted risk to the stack, as an undoable edit.
    pub(super) fn accept(&mut self, a: Accept) {
        let setting = self.session.accept(a);
        self.change(setting);
    }

    /// `x`: switches the selected party (in the tree or the ranking) off, or on again.
    pub(super) fn switch_off(&mut self) {
        let party = match self.nav.listing {
            Listing::BlastRadius => self.derived.blast.get(self.nav.line).map(|b| b.party),
            _ => self.derived.tree.rows().get(self.nav.row).map(|r| r.party),
        };
        let Some(party) = party else {
            return;
        };
        let off = !self.session.what_if.is_off(party);
        self.change(Setting::Off { party, off });
    }

    /// Makes a change, records it for undo and says what it was.
    pub(super) fn change(&mut self, after: Setting) {
        if let Some((c, scope)) = self.session.change(after) {
            self.changed(&c, "", scope);
        }
    }

    /// `u`: reverts the last change.
    pub(super) fn undo(&mut self) {
        match self.session.undo() {
            Some((c, scope)) => self.changed(&c, "undone: ", scope),
            None => self.info("nothing to undo"),
        }
    }

    /// Ctrl-r: makes the last undone change again.
    pub(super) fn redo(&mut self) {
        match self.session.redo() {
            Some((c, scope)) => self.changed(&c, "redone: ", scope),
            None => self.info("nothing to redo"),
        }
    }

    /// After a change was put in force: says what it was, re-analyses what it touched and
    /// brings the listings and the hand-off pane up to date.
    fn changed(&mut self, c: &Change, how: &str, scope: Scope) {
        let words = self.session.describe(c, self.theme);
        let session = &self.session;
        self.derived
            .reanalyse(&session.stack, &session.what_if, scope);
        // What the change did to the findings, counted since loading: D lists them.
        let delta = changes::delta_words(&self.derived.changes.since_load, self.theme.minus());
        self.notice = Some(Notice::Info(format!(
            "{how}{words}{}{delta} (D)",
            self.theme.sep()
        )));
        self.refresh_listing();
        if self.nav.filter {
            self.derived.compute_reach(&self.session.stack);
            self.refresh_tree();
        } else {
            self.rebuild_inspect();
        }
    }

    /// `p`: presenter mode on or off.
    pub(super) fn toggle_presenter(&mut self) {
        self.nav.search.searcher = None;
        let on = self.session.toggle_presenter();
        self.rebuild_inspect();
        if on {
            self.info(
                "presenter mode: party names masked as layer#number, key hints hidden; p ends it",
            );
        }
    }
}

/// Whether a finding is at the place a line of the hand-off pane stands for.
fn is_at(f: &Finding, target: Target) -> bool {
    match target {
        Target::Entry { handoff, .. } => f.handoff() == Some(handoff),
        Target::Requirement { party } => f.place == Place::Party(party),
    }
}
