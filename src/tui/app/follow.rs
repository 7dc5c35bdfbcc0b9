//! `>`: from a broken chain (the finding selected in the hand-off pane) to where it breaks —
//! the row of its root cause under the chain's own path, with the hand-off into the root cause
//! shown and the control selected there. Several root causes are visited one per `>`, by id,
//! and counted ("root cause 1 of 3").
//!
//! The path follows the delegations of the control (SPEC §2: entries whose effective owner is
//! the provider, from consumers not switched off) breadth first from the responsible party,
//! so it is the shortest chain to that root cause; appended to the row the chain starts from,
//! it is a row of the tree unless it runs into a party already above it (a cycle, cut there),
//! and then the root cause's first row is used instead.

use std::collections::VecDeque;

use super::App;
use crate::analysis::{Finding, Kind};
use crate::stack::{ControlIdx, HandoffIdx, Owner, PartyIdx, Side, Stack};
use crate::text::escape;
use crate::tui::inspect::Target;
use crate::tui::mode::{Listing, Pane};
use crate::tui::nav::Follow;
use crate::tui::tree::RowPath;

impl App {
    /// `>`: goes to the selected broken chain's root cause, or (pressed again where it landed)
    /// to the next one.
    pub(super) fn follow_chain(&mut self) {
        let here = self.selected_place();
        let again = self
            .nav
            .follow
            .take()
            .filter(|f| here.is_some() && f.landed == here);
        let follow = match again {
            Some(f) => Follow { at: f.at + 1, ..f },
            None => match self.chain_here() {
                Ok(f) => f,
                Err(why) => return self.info(why),
            },
        };
        self.follow(follow);
    }

    /// The selected tree row and pane line, when the pane has the focus on the tree's row.
    fn selected_place(&self) -> Option<(RowPath, HandoffIdx, ControlIdx)> {
        if self.nav.focus != Pane::Details || self.nav.listing != Listing::Tree {
            return None;
        }
        let it = self.derived.inspect.items.get(self.nav.item)?;
        let Target::Entry { handoff, .. } = it.target else {
            return None;
        };
        Some((self.derived.tree.path(self.nav.row), handoff, it.control))
    }

    /// The broken chain selected in the hand-off pane, to follow from its first root cause.
    fn chain_here(&self) -> Result<Follow, &'static str> {
        if self.nav.focus != Pane::Details {
            return Err("> follows a broken chain: Tab to the hand-off pane and select one");
        }
        let it = self
            .derived
            .inspect
            .items
            .get(self.nav.item)
            .ok_or("> follows a broken chain: select one in the hand-off pane")?;
        let Target::Entry { handoff, .. } = it.target else {
            return Err("> follows a broken chain, at a hand-off; a requirement has none");
        };
        let f = self
            .broken_chain(it.control, handoff, None)
            .ok_or("> follows a broken chain; the selected control is not one here")?;
        // From the row the chain is read at, when the tree shows it; else its first row.
        let row = self.derived.tree.rows().get(self.nav.row);
        let path = match row {
            Some(r) if self.nav.listing == Listing::Tree && r.handoff == Some(handoff) => {
                self.derived.tree.path(self.nav.row)
            }
            _ => {
                let stack = &self.session.stack;
                let p = stack.handoff(handoff).provider;
                self.derived.tree.path_to(stack, p, Some(handoff))
            }
        };
        Ok(Follow {
            control: it.control,
            handoff,
            side: f.side().unwrap_or(Side::Provider),
            from: path,
            at: 0,
            landed: None,
        })
    }

    /// The broken-chain finding of a control at a hand-off (on one side, if given; the first
    /// open one otherwise).
    fn broken_chain(
        &self,
        control: ControlIdx,
        handoff: HandoffIdx,
        side: Option<Side>,
    ) -> Option<&Finding> {
        let fs = self.derived.report.by_control[control as usize]
            .iter()
            .filter(|f| f.kind == Kind::BrokenChain && f.handoff() == Some(handoff))
            .filter(|f| side.is_none() || f.side() == side);
        let mut fs: Vec<&Finding> = fs.collect();
        fs.sort_by_key(|f| f.accepted.is_some());
        fs.first().copied()
    }

    /// Goes to root cause `follow.at` (round the end) of the chain, and says which.
    fn follow(&mut self, mut follow: Follow) {
        let Some(f) = self.broken_chain(follow.control, follow.handoff, Some(follow.side)) else {
            return self.info("that chain is no longer broken");
        };
        if f.circular || f.root_causes.is_empty() {
            return self.info(
                "the delegations go round in a circle: there is no root cause to go to (nobody implements it)",
            );
        }
        let n = f.root_causes.len();
        follow.at %= n;
        let root = f.root_causes[follow.at];
        let Some((path, chain)) = self.path_to_root(&follow, root) else {
            return self.info("no chain of delegations reaches that root cause");
        };
        let stack = &self.session.stack;
        let last = *chain.last().expect("a chain has a hand-off");
        let entry = stack
            .handoff(last)
            .entries
            .iter()
            .position(|e| e.control == follow.control);
        let words = self.chain_words(&chain);
        self.go_to(&path);
        self.nav.focus = Pane::Details;
        if let Some(entry) = entry {
            let target = Target::Entry {
                handoff: last,
                entry: entry as u32,
            };
            self.select_item(target, follow.control);
        }
        follow.landed = self.selected_place();
        let which = if n == 1 {
            "root cause".to_string()
        } else {
            format!("root cause {} of {n}", follow.at + 1)
        };
        let next = if n > 1 { "; > the next" } else { "" };
        self.nav.follow = Some(follow);
        let shown = self.session.shown();
        self.info(&format!(
            "{which}: {} (chain {words}){next}",
            escape(&shown.party(root).id)
        ));
    }

    /// The row of a root cause under the chain's row, and the hand-offs leading to it.
    fn path_to_root(&self, follow: &Follow, root: PartyIdx) -> Option<(RowPath, Vec<HandoffIdx>)> {
        let stack = &self.session.stack;
        let ho = stack.handoff(follow.handoff);
        let responsible = match follow.side {
            Side::Provider => ho.provider,
            Side::Consumer => ho.consumer,
        };
        let chain = delegations(
            stack,
            &self.session.what_if,
            follow.control,
            responsible,
            root,
        );
        let &last = chain.last()?;
        // The row of the responsible party: the chain's row, or (consumer side) its parent.
        let mut path = follow.from.clone();
        if follow.side == Side::Consumer {
            path.pop();
        }
        path.extend(&chain);
        if !is_row(stack, &path) {
            path = self.derived.tree.path_to(stack, root, Some(last));
        }
        Some((path, chain))
    }

    /// The chain in words, `a → b → c`, from the responsible party to the root cause.
    fn chain_words(&self, chain: &[HandoffIdx]) -> String {
        let shown = self.session.shown();
        let first = shown.handoff(chain[0]).consumer;
        let mut ids = vec![escape(&shown.party(first).id).into_owned()];
        ids.extend(
            chain
                .iter()
                .map(|&h| escape(&shown.party(shown.handoff(h).provider).id).into_owned()),
        );
        ids.join(&format!(" {} ", self.theme.arrow()))
    }
}

/// The hand-offs of the shortest chain of delegations of `control` from `from` to `to` (empty
/// when none reaches it).
fn delegations(
    stack: &Stack,
    what_if: &crate::analysis::WhatIf,
    control: ControlIdx,
    from: PartyIdx,
    to: PartyIdx,
) -> Vec<HandoffIdx> {
    let ix = stack.index();
    let mut via: Vec<Option<HandoffIdx>> = vec![None; stack.parties.len()];
    let mut seen = vec![false; stack.parties.len()];
    seen[from as usize] = true;
    let mut queue = VecDeque::from([from]);
    while let Some(c) = queue.pop_front() {
        if c == to || what_if.is_off(c) {
            continue;
        }
        for &h in &ix.consumes[c as usize] {
            let ho = stack.handoff(h);
            let delegates = ho
                .entries
                .iter()
                .any(|e| e.control == control && e.owner() == Some(Owner::Provider));
            if delegates && !seen[ho.provider as usize] {
                seen[ho.provider as usize] = true;
                via[ho.provider as usize] = Some(h);
                queue.push_back(ho.provider);
            }
        }
    }
    let mut hops = Vec::new();
    let mut at = to;
    while let Some(h) = via[at as usize] {
        hops.push(h);
        at = stack.handoff(h).consumer;
    }
    hops.reverse();
    hops
}

/// Whether a path is a row of the tree: no party on it, but maybe the last, is already shown
/// above it (a cycle is cut at its first repeat, which has no rows below).
fn is_row(stack: &Stack, path: &RowPath) -> bool {
    let Some((&root, hops)) = path.split_first() else {
        return false;
    };
    let mut shown = vec![root];
    for (i, &h) in hops.iter().enumerate() {
        let p = stack.handoff(h).provider;
        if shown.contains(&p) && i + 1 < hops.len() {
            return false;
        }
        shown.push(p);
    }
    true
}
