//! Blast radius (SPEC §6): for each party, how many places become gaps when it is switched off.
//!
//! A place that is not a gap has a responsible party that delivers the control; it becomes a gap
//! exactly when that party stops delivering. In the graph whose edges run from a root to every
//! implementer and from each provider to the consumers that delegate the control to it, a party
//! delivers when the root reaches it, and switching P off stops exactly the parties that P
//! dominates (every path to them passes through P). So one dominator tree per control answers
//! the question for every party at once, instead of one re-analysis per party.

use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Place, WhatIf};
use crate::stack::{ControlIdx, Owner, PartyIdx, Side, Stack};

/// How many gaps one party's loss would add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlastRadius {
    /// The party switched off.
    pub party: PartyIdx,
    /// Places that become gaps (not counting the party's own needs).
    pub gaps_added: usize,
}

/// The blast radius of every party (on top of the what-ifs in force), sorted by gaps added
/// (most first), then id.
pub fn blast_radius(stack: &Stack, what_if: &WhatIf) -> Vec<BlastRadius> {
    let mut added = vec![0usize; stack.parties.len()];
    let ix = stack.index();
    let mut node_of: Vec<Option<NodeIndex>> = vec![None; stack.parties.len()];
    for control in 0..stack.controls.len() {
        let entries = &ix.entries_of[control];
        let requirers = &ix.requirers[control];
        if entries.is_empty() && requirers.is_empty() {
            continue;
        }
        // The delivery graph of this control under the what-ifs in force.
        let mut graph: DiGraph<PartyIdx, ()> = DiGraph::new();
        let root = graph.add_node(PartyIdx::MAX);
        let mut touched: Vec<PartyIdx> = Vec::new();
        let mut node = |p: PartyIdx, graph: &mut DiGraph<PartyIdx, ()>| {
            *node_of[p as usize].get_or_insert_with(|| {
                touched.push(p);
                graph.add_node(p)
            })
        };
        for &p in &ix.implementers[control] {
            if !what_if.is_off(p) {
                let n = node(p, &mut graph);
                graph.add_edge(root, n, ());
            }
        }
        for &(h, e) in entries {
            let handoff = stack.handoff(h);
            let entry = &handoff.entries[e as usize];
            if entry.owner() == Some(Owner::Provider) && !what_if.is_off(handoff.consumer) {
                let (c, p) = (
                    node(handoff.consumer, &mut graph),
                    node(handoff.provider, &mut graph),
                );
                graph.add_edge(p, c, ());
            }
        }
        let tree = DominatorTree::new(&graph, root);

        // Each place whose responsible party delivers now: it becomes a gap for every party that
        // dominates that party (itself included), except the place's own consumer or party.
        let mut weight = vec![0usize; graph.node_count()];
        let mut own = vec![0usize; graph.node_count()];
        let mut place = |f: PartyIdx, excluded: PartyIdx| {
            let Some(f) = node_of[f as usize].filter(|&n| tree.reaches(n)) else {
                return;
            };
            weight[f.index()] += 1;
            if let Some(x) = node_of[excluded as usize].filter(|&x| tree.is_ancestor_or_self(x, f))
            {
                own[x.index()] += 1;
            }
        };
        let mut listing: Vec<PartyIdx> = Vec::with_capacity(entries.len());
        for &(h, e) in entries {
            let handoff = stack.handoff(h);
            listing.push(handoff.consumer);
            let sides: &[Side] = match handoff.entries[e as usize].owner() {
                None => &[],
                Some(Owner::Provider) => &[Side::Provider],
                Some(Owner::Consumer) => &[Side::Consumer],
                Some(Owner::Shared) => &[Side::Provider, Side::Consumer],
            };
            for &side in sides {
                let f = if side == Side::Provider {
                    handoff.provider
                } else {
                    handoff.consumer
                };
                place(f, handoff.consumer);
            }
        }
        listing.sort_unstable();
        for &r in requirers {
            if listing.binary_search(&r).is_err() {
                place(r, r);
            }
        }
        for (n, total) in tree.subtree_sums(&weight) {
            let p = graph[n];
            if p != PartyIdx::MAX {
                added[p as usize] += total - own[n.index()];
            }
        }
        for p in touched {
            node_of[p as usize] = None;
        }
    }
    let mut out: Vec<BlastRadius> = added
        .into_iter()
        .enumerate()
        .map(|(p, gaps_added)| BlastRadius {
            party: p as PartyIdx,
            gaps_added,
        })
        .collect();
    out.sort_by(|a, b| {
        b.gaps_added
            .cmp(&a.gaps_added)
            .then_with(|| stack.party(a.party).id.cmp(&stack.party(b.party).id))
    });
    out
}

/// The places that become gaps if `party` fails (on top of the what-ifs in force), its own
/// needs aside: exactly the places [`blast_radius`] counts for it, by control, in the order of
/// the control's entries and then its requirers.
///
/// `party` dominates a responsible party exactly when that party is delivered to now and no
/// longer once `party` is taken out of the delivery graph; only the controls `party` takes part
/// in (implements, or delegates at one of its hand-offs) can change, so only their graphs are
/// walked, twice each.
pub fn blast_places(stack: &Stack, what_if: &WhatIf, party: PartyIdx) -> Vec<(ControlIdx, Place)> {
    let ix = stack.index();
    let mut controls: Vec<ControlIdx> = (0..stack.controls.len() as ControlIdx)
        .filter(|&c| stack.party(party).implements_control(c))
        .collect();
    for &h in ix.provides[party as usize]
        .iter()
        .chain(&ix.consumes[party as usize])
    {
        controls.extend(stack.handoff(h).entries.iter().map(|e| e.control));
    }
    controls.sort_unstable();
    controls.dedup();
    let n = stack.parties.len();
    let mut out = Vec::new();
    let (mut now, mut without) = (vec![false; n], vec![false; n]);
    let mut next: Vec<Vec<PartyIdx>> = vec![Vec::new(); n];
    for c in controls {
        let (entries, requirers) = (&ix.entries_of[c as usize], &ix.requirers[c as usize]);
        let roots: Vec<PartyIdx> = ix.implementers[c as usize]
            .iter()
            .copied()
            .filter(|&p| !what_if.is_off(p))
            .collect();
        let mut touched: Vec<PartyIdx> = Vec::new();
        for &(h, e) in entries {
            let ho = stack.handoff(h);
            if ho.entries[e as usize].owner() == Some(Owner::Provider)
                && !what_if.is_off(ho.consumer)
            {
                next[ho.provider as usize].push(ho.consumer);
                touched.push(ho.provider);
            }
        }
        reach(&roots, &next, None, &mut now);
        reach(&roots, &next, Some(party), &mut without);
        let breaks = |f: PartyIdx| now[f as usize] && !without[f as usize];
        let mut listing: Vec<PartyIdx> = Vec::with_capacity(entries.len());
        for &(h, e) in entries {
            let ho = stack.handoff(h);
            listing.push(ho.consumer);
            let sides: &[Side] = match ho.entries[e as usize].owner() {
                None => &[],
                Some(Owner::Provider) => &[Side::Provider],
                Some(Owner::Consumer) => &[Side::Consumer],
                Some(Owner::Shared) => &[Side::Provider, Side::Consumer],
            };
            for &side in sides {
                let f = if side == Side::Provider {
                    ho.provider
                } else {
                    ho.consumer
                };
                if breaks(f) && ho.consumer != party {
                    let place = Place::Handoff {
                        handoff: h,
                        side: Some(side),
                    };
                    out.push((c, place));
                }
            }
        }
        listing.sort_unstable();
        for &r in requirers {
            if listing.binary_search(&r).is_err() && breaks(r) && r != party {
                out.push((c, Place::Party(r)));
            }
        }
        for p in touched {
            next[p as usize].clear();
        }
        now.iter_mut().for_each(|v| *v = false);
        without.iter_mut().for_each(|v| *v = false);
    }
    out
}

/// Marks in `seen` the parties delivered to from `roots` along `next`, never through `skip`.
fn reach(roots: &[PartyIdx], next: &[Vec<PartyIdx>], skip: Option<PartyIdx>, seen: &mut [bool]) {
    let mut todo: Vec<PartyIdx> = Vec::new();
    for &r in roots {
        if Some(r) != skip && !seen[r as usize] {
            seen[r as usize] = true;
            todo.push(r);
        }
    }
    while let Some(p) = todo.pop() {
        for &q in &next[p as usize] {
            if Some(q) != skip && !seen[q as usize] {
                seen[q as usize] = true;
                todo.push(q);
            }
        }
    }
}

/// A dominator tree with pre-order intervals, so "does a dominate b" is two comparisons.
struct DominatorTree {
    /// Pre-order number and end of subtree, per node; `usize::MAX` when unreachable.
    enter: Vec<usize>,
    leave: Vec<usize>,
    /// Nodes in pre-order.
    order: Vec<NodeIndex>,
    parent: Vec<Option<NodeIndex>>,
}

impl DominatorTree {
    fn new(graph: &DiGraph<PartyIdx, ()>, root: NodeIndex) -> DominatorTree {
        let n = graph.node_count();
        let doms = simple_fast(graph, root);
        let mut children: Vec<Vec<NodeIndex>> = vec![Vec::new(); n];
        let mut parent = vec![None; n];
        for v in graph.node_indices() {
            if let Some(d) = doms.immediate_dominator(v) {
                children[d.index()].push(v);
                parent[v.index()] = Some(d);
            }
        }
        let (mut enter, mut leave) = (vec![usize::MAX; n], vec![usize::MAX; n]);
        let mut order = Vec::with_capacity(n);
        // Iterative pre-order walk: (node, next child to visit).
        let mut stack = vec![(root, 0usize)];
        enter[root.index()] = 0;
        order.push(root);
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if let Some(&c) = children[v.index()].get(*i) {
                *i += 1;
                enter[c.index()] = order.len();
                order.push(c);
                stack.push((c, 0));
            } else {
                leave[v.index()] = order.len();
                stack.pop();
            }
        }
        DominatorTree {
            enter,
            leave,
            order,
            parent,
        }
    }

    /// Whether the root reaches the node: the party delivers.
    fn reaches(&self, v: NodeIndex) -> bool {
        self.enter[v.index()] != usize::MAX
    }

    /// Whether `a` dominates `b` (or is `b`).
    fn is_ancestor_or_self(&self, a: NodeIndex, b: NodeIndex) -> bool {
        self.reaches(a)
            && self.reaches(b)
            && self.enter[a.index()] <= self.enter[b.index()]
            && self.enter[b.index()] < self.leave[a.index()]
    }

    /// The sum of `weight` over each reachable node's subtree.
    fn subtree_sums(&self, weight: &[usize]) -> Vec<(NodeIndex, usize)> {
        let mut sum = weight.to_vec();
        for &v in self.order.iter().rev() {
            if let Some(p) = self.parent[v.index()] {
                sum[p.index()] += sum[v.index()];
            }
        }
        self.order.iter().map(|&v| (v, sum[v.index()])).collect()
    }
}
