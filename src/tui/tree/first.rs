//! The first row of every party and hand-off, and where it comes in the tree, for the search
//! and the jumps to a place. A party is shown first where a breadth-first walk from the roots
//! first reaches it (the shortest path); a hand-off under the first row of its consumer. One
//! walk at load finds every first row (a path is then followed, not searched for), and a
//! preorder of that walk's tree orders them in O(1) each: a place found a thousand times on a
//! deep stack costs no path comparisons.

use std::collections::VecDeque;

use super::RowPath;
use crate::stack::{HandoffIdx, PartyIdx, Stack};

const NONE: u32 = u32::MAX;

/// A row by what it shows: a root party's row, or the first row standing for a hand-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowRef {
    /// A root row.
    Root(PartyIdx),
    /// The first row of a hand-off (under the first row of its consumer).
    Handoff(HandoffIdx),
}

/// The breadth-first walk from the roots, and the preorder of its tree.
#[derive(Debug, Default)]
pub(super) struct FirstRows {
    /// The hand-off each party is first reached by (`NONE` for a root).
    via: Vec<u32>,
    /// Each party's root.
    root_of: Vec<PartyIdx>,
    /// Preorder of the walk's tree (children in hand-off order), and the end of each subtree.
    pre: Vec<u32>,
    end: Vec<u32>,
}

impl FirstRows {
    pub(super) fn new(stack: &Stack, roots: &[PartyIdx]) -> FirstRows {
        let n = stack.parties.len();
        let ix = stack.index();
        let mut via = vec![NONE; n];
        let mut seen = vec![false; n];
        let mut root_of = vec![0; n];
        let mut queue = VecDeque::new();
        for &r in roots {
            seen[r as usize] = true;
            root_of[r as usize] = r;
            queue.push_back(r);
        }
        while let Some(p) = queue.pop_front() {
            for &h in &ix.consumes[p as usize] {
                let q = stack.handoff(h).provider;
                if !seen[q as usize] {
                    seen[q as usize] = true;
                    via[q as usize] = h;
                    root_of[q as usize] = root_of[p as usize];
                    queue.push_back(q);
                }
            }
        }
        let (mut pre, mut end) = (vec![0; n], vec![0; n]);
        let mut next = 0u32;
        // Depth first without recursion: (party, position in its hand-offs).
        let mut todo: Vec<(PartyIdx, usize)> = Vec::new();
        for &r in roots {
            pre[r as usize] = next;
            next += 1;
            todo.push((r, 0));
            while let Some(top) = todo.last_mut() {
                let (p, i) = *top;
                match ix.consumes[p as usize].get(i) {
                    Some(&h) => {
                        top.1 += 1;
                        let q = stack.handoff(h).provider;
                        if via[q as usize] == h {
                            pre[q as usize] = next;
                            next += 1;
                            todo.push((q, 0));
                        }
                    }
                    None => {
                        end[p as usize] = next;
                        todo.pop();
                    }
                }
            }
        }
        FirstRows {
            via,
            root_of,
            pre,
            end,
        }
    }

    /// The first row showing a party.
    pub(super) fn party_row(&self, party: PartyIdx) -> RowRef {
        match self.via.get(party as usize) {
            Some(&h) if h != NONE => RowRef::Handoff(h),
            _ => RowRef::Root(party),
        }
    }

    /// The path of a first row: its root, then the hand-offs down to it.
    pub(super) fn path(&self, stack: &Stack, row: RowRef) -> RowPath {
        let (mut at, last) = match row {
            RowRef::Root(r) => (r, None),
            RowRef::Handoff(h) => (stack.handoff(h).consumer, Some(h)),
        };
        let mut hops = Vec::new();
        while let Some(&h) = self.via.get(at as usize).filter(|&&h| h != NONE) {
            hops.push(h);
            at = stack.handoff(h).consumer;
        }
        let mut path = vec![self.root_of.get(at as usize).copied().unwrap_or(at)];
        path.extend(hops.into_iter().rev());
        path.extend(last);
        path
    }

    /// A first row's place in the tree with every row expanded, as a key that sorts rows top
    /// to bottom. A row of the walk's tree is its party's preorder (doubled). Another row (a
    /// hand-off to a party first reached elsewhere) hangs under its consumer `c` just before
    /// the subtree of `c`'s next child in the walk's tree (`c`'s end when none follows), after
    /// the rows of deeper parties hanging there too, in hand-off order.
    pub(super) fn order(&self, stack: &Stack, row: RowRef) -> (u32, u32, u32) {
        let h = match row {
            RowRef::Root(r) => return (2 * self.pre[r as usize], 0, 0),
            RowRef::Handoff(h) => h,
        };
        let handoff = stack.handoff(h);
        let (c, p) = (handoff.consumer, handoff.provider);
        if self.via[p as usize] == h {
            return (2 * self.pre[p as usize], 0, 0);
        }
        let consumes = &stack.index().consumes[c as usize];
        // `consumes` lists a party's hand-offs in index order.
        let from = consumes.partition_point(|&g| g <= h);
        let next = consumes[from..]
            .iter()
            .find(|&&g| self.via[stack.handoff(g).provider as usize] == g)
            .map_or(self.end[c as usize], |&g| {
                self.pre[stack.handoff(g).provider as usize]
            });
        (2 * next - 1, u32::MAX - self.pre[c as usize], h)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{EXPAND_LIMIT, Tree};
    use super::*;

    fn stack(handoffs: &[(&str, &str)]) -> Stack {
        let mut text = String::from(
            "[stack]\nname = \"t\"\ncatalog = \"none\"\n[[control]]\nid = \"C\"\nname = \"c\"\n",
        );
        let mut parties: Vec<&str> = handoffs.iter().flat_map(|&(c, p)| [c, p]).collect();
        parties.sort_unstable();
        parties.dedup();
        for p in parties {
            text.push_str(&format!("[[party]]\nid = \"{p}\"\n"));
        }
        for (i, (c, p)) in handoffs.iter().enumerate() {
            text.push_str(&format!(
                "[[handoff]]\nconsumer = \"{c}\"\nprovider = \"{p}\"\nservice = \"s{i}\"\ncontrols = {{ C = \"provider\" }}\n"
            ));
        }
        crate::stack::load_str(&text, "t.toml", None).expect("test stack loads")
    }

    /// Every party's and hand-off's first row, expanded in full, sorts by `order` exactly as
    /// the rows stand in the tree, and `path` finds them.
    fn check(handoffs: &[(&str, &str)]) {
        let s = stack(handoffs);
        let mut t = Tree::new(&s);
        assert!(!t.expand_all(&s, EXPAND_LIMIT, &|_, _| true));
        t.rebuild(&s, &|_, _| true);
        let mut refs: Vec<RowRef> = (0..s.parties.len() as PartyIdx)
            .map(|p| t.party_row(p))
            .chain((0..s.handoffs.len() as HandoffIdx).map(RowRef::Handoff))
            .collect();
        refs.sort_unstable_by_key(|&r| t.order_of(&s, r));
        refs.dedup();
        let at: Vec<usize> = refs
            .iter()
            .map(|&r| {
                let path = t.path_of(&s, r);
                t.find(&path)
                    .unwrap_or_else(|| panic!("{r:?} at {path:?} is not a row"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{handoffs:?}: {at:?}");
        let p = s.party_id("b").expect("b");
        assert_eq!(
            t.rows()[at[refs.iter().position(|&r| r == t.party_row(p)).expect("b")]].party,
            p
        );
    }

    #[test]
    fn first_rows_sort_in_tree_order() {
        check(&[("a", "b")]);
        // b is first reached from a directly; a → c → b is a second, later row.
        check(&[("a", "c"), ("a", "b"), ("c", "b"), ("b", "d")]);
        // A diamond with a tail, and a hand-off between siblings.
        check(&[
            ("a", "b"),
            ("a", "c"),
            ("b", "d"),
            ("c", "d"),
            ("d", "e"),
            ("b", "c"),
            ("c", "e"),
        ]);
        // Cycles, a closed group rooted at its smallest id, hand-offs back up the tree.
        check(&[
            ("a", "b"),
            ("b", "c"),
            ("c", "b"),
            ("c", "a"),
            ("x", "y"),
            ("y", "x"),
            ("y", "b"),
            ("b", "e"),
            ("e", "c"),
        ]);
    }
}
