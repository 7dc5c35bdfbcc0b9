//! The local graph of one control's delegations and the search over it (SPEC §2): who
//! delivers the control (the least fixpoint S(X): the parties that reach an implementer
//! through delegations) and how well assured each of them is (the best, over its paths to an
//! implementer, of the weakest evidence on the path), in one breadth-first search per
//! evidence level, backwards from the implementers. Iterative, so deep chains cannot overflow
//! the stack; the buffers are the caller's, reused from one control to the next.

use crate::stack::{Evidence, HandoffIdx};

/// In [`Assurance::via`]: the node leaves by no edge (it implements the control, or does not
/// deliver it).
pub(super) const NO_EDGE: u32 = u32::MAX;

/// One delegation of the control: `from` relies on `to` for it.
#[derive(Clone, Copy)]
pub(super) struct Edge {
    /// The consumer's local node.
    pub(super) from: u32,
    /// The provider's local node.
    pub(super) to: u32,
    /// Evidence on the analysis date.
    pub(super) now: Evidence,
    /// Evidence as stated, ignoring expiry.
    pub(super) stated: Evidence,
    /// The hand-off and the entry of it that delegates.
    pub(super) handoff: HandoffIdx,
    pub(super) entry: u32,
}

/// Compressed adjacency: the edges leaving (or entering) each local node.
#[derive(Default)]
pub(super) struct Adjacency {
    /// `start[n]..start[n + 1]` indexes `edges` for node n.
    pub(super) start: Vec<u32>,
    /// Edge indices, grouped by node.
    pub(super) edges: Vec<u32>,
    /// Where the next edge of each node goes while building.
    fill: Vec<u32>,
}

impl Adjacency {
    /// Rebuilds the adjacency in place, keeping the buffers.
    pub(super) fn build(&mut self, nodes: usize, edges: &[Edge], key: impl Fn(&Edge) -> u32) {
        self.start.clear();
        self.start.resize(nodes + 1, 0);
        for e in edges {
            self.start[key(e) as usize + 1] += 1;
        }
        for i in 0..nodes {
            self.start[i + 1] += self.start[i];
        }
        self.fill.clear();
        self.fill.extend_from_slice(&self.start);
        self.edges.clear();
        self.edges.resize(edges.len(), 0);
        for (i, e) in edges.iter().enumerate() {
            let k = key(e) as usize;
            self.edges[self.fill[k] as usize] = i as u32;
            self.fill[k] += 1;
        }
    }

    /// The edges of a node.
    #[inline]
    pub(super) fn of(&self, node: u32) -> &[u32] {
        &self.edges[self.start[node as usize] as usize..self.start[node as usize + 1] as usize]
    }
}

/// The best assurance of each local node and the edge its best path leaves by.
#[derive(Default)]
pub(super) struct Assurance {
    /// The assurance; `None`: the node does not deliver the control.
    pub(super) level: Vec<Option<Evidence>>,
    /// The edge the best path leaves by; [`NO_EDGE`] when there is none.
    pub(super) via: Vec<u32>,
}

/// The widest-path assurance of every local node, into `out`: one backward search per evidence
/// level, strongest first; implementers are `verified`. `None` means the node does not deliver.
#[allow(clippy::too_many_arguments)]
pub(super) fn assurance(
    out: &mut Assurance,
    n: usize,
    edges: &[Edge],
    backward: &Adjacency,
    seeds: &[u32],
    ev: impl Fn(&Edge) -> Evidence,
    reached: &mut Vec<u32>,
    deferred: &mut [Vec<u32>; 4],
) {
    let Assurance { level, via } = out;
    level.clear();
    level.resize(n, None);
    via.clear();
    via.resize(n, NO_EDGE);
    reached.clear();
    for d in deferred.iter_mut() {
        d.clear();
    }
    for &s in seeds {
        if level[s as usize].is_none() {
            level[s as usize] = Some(Evidence::Verified);
            reached.push(s);
        }
    }
    // Every edge is looked at once, when the node it enters is reached: taken if its evidence is
    // at least the level being searched, else kept for the search at its own level. A level's
    // search starts from the edges kept for it, in the order they were met, then goes on from
    // the nodes it reaches — the order of a breadth-first search from every node reached so far,
    // so the paths found are the ones such a search (level by level) would find.
    let mut scanned = 0;
    for lvl in Evidence::ALL.into_iter().rev() {
        for &ei in &deferred[lvl as usize] {
            let e = &edges[ei as usize];
            if level[e.from as usize].is_none() {
                level[e.from as usize] = Some(lvl);
                via[e.from as usize] = ei;
                reached.push(e.from);
            }
        }
        while scanned < reached.len() {
            let q = reached[scanned];
            scanned += 1;
            for &ei in backward.of(q) {
                let e = &edges[ei as usize];
                if level[e.from as usize].is_some() {
                    continue;
                }
                let got = ev(e);
                if got >= lvl {
                    level[e.from as usize] = Some(lvl);
                    via[e.from as usize] = ei;
                    reached.push(e.from);
                } else {
                    deferred[got as usize].push(ei);
                }
            }
        }
    }
}
