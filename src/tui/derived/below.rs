//! What lies below a collapsed row, so that it never shows `✓` over gaps it hides: the open
//! findings at the distinct hand-offs its subtree would list if expanded in full, and in the
//! own requirements of the distinct parties it would show. A provider
//! repeated under several paths of the subtree stands for the same places, so each hand-off
//! (and each finding) is counted once; a party already above the row on its path is shown
//! there, cut as a cycle below, so its hand-offs are not counted again.
//!
//! Only the collapsed rows in view are counted (a stack can have a row limit's worth of them),
//! each with a walk over what its party reaches. The walks are kept per party until the findings
//! change: a row's subtree depends only on its party and on the parties above it that its party
//! reaches back to, which are in its strongly connected component (none, outside a cycle).

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use super::Tally;
use crate::stack::{PartyIdx, Stack};
use crate::tui::tree::Tree;

/// The counts of the collapsed rows in view, and the walks they came from.
#[derive(Debug, Clone, Default)]
pub(super) struct Below {
    /// (party, the parties above it in its component, sorted) → open gaps and warnings below.
    walks: HashMap<(PartyIdx, Vec<PartyIdx>), [u32; 2]>,
    /// Visible row → its open findings below, for the collapsed rows in view with some.
    rows: HashMap<usize, [u32; 2]>,
}

impl Below {
    /// The findings changed: every count is to be made again.
    pub(super) fn forget(&mut self) {
        self.walks.clear();
        self.rows.clear();
    }

    /// The open findings below visible row `i`, if it is a collapsed row in view with some.
    pub(super) fn of_row(&self, i: usize) -> Option<[u32; 2]> {
        self.rows.get(&i).copied()
    }
}

/// Counts what lies below each collapsed row among `rows` of the tree.
pub(super) fn count(tally: &mut Tally, stack: &Stack, tree: &Tree, rows: Range<usize>) {
    let mut below = std::mem::take(&mut tally.below);
    below.rows.clear();
    let all = tree.rows();
    for i in rows.start..rows.end.min(all.len()) {
        let row = &all[i];
        if !row.has_children || row.expanded {
            continue;
        }
        let mut above = Vec::new();
        let mut at = row.parent;
        while let Some(p) = at.and_then(|p| all.get(p as usize)) {
            if tree.same_component(p.party, row.party) {
                above.push(p.party);
            }
            at = p.parent;
        }
        above.sort_unstable();
        above.dedup();
        let key = (row.party, above);
        let n = match below.walks.get(&key) {
            Some(&n) => n,
            None => {
                let n = walk(tally, stack, key.0, &key.1);
                below.walks.insert(key, n);
                n
            }
        };
        if n != [0, 0] {
            below.rows.insert(i, n);
        }
    }
    tally.below = below;
}

/// The open findings at every hand-off reachable from `from` without going through `above`
/// (whose hand-offs into them still count: the cut cycle's row stands for them), and in the
/// own requirements of every party so reached (`from`'s own are on its row).
fn walk(tally: &Tally, stack: &Stack, from: PartyIdx, above: &[PartyIdx]) -> [u32; 2] {
    let ix = stack.index();
    let mut seen = vec![false; stack.parties.len()];
    seen[from as usize] = true;
    let mut queue = VecDeque::from([from]);
    let mut n = [0u32; 2];
    while let Some(p) = queue.pop_front() {
        for &h in &ix.consumes[p as usize] {
            n = super::add(n, tally.open_handoff[h as usize]);
            let q = stack.handoff(h).provider;
            if !seen[q as usize] && above.binary_search(&q).is_err() {
                seen[q as usize] = true;
                n = super::add(n, tally.open_party[q as usize]);
                queue.push_back(q);
            }
        }
    }
    n
}
