//! Chains of delegation, summarised in linear time for a whole control: the root causes of every
//! broken chain (one pass over the strongly connected components, sharing sets along chains),
//! and paths for the "why" lines kept to their first and last parties. Asking each finding's
//! question on its own (a search per party, a full path per finding) costs the square of the
//! chain length: hours and gigabytes on a 50,000-party cycle.

use std::rc::Rc;

const NONE: u32 = u32::MAX;

/// How many parties a path keeps at each end; longer paths are abridged in the middle.
pub const KEEP: usize = 3;

/// A local graph: successors of each node in compressed form.
pub(super) struct Succ<'a> {
    /// `start[n]..start[n + 1]` indexes `to` for node n.
    pub start: &'a [u32],
    /// Successor nodes.
    pub to: &'a [u32],
}

impl Succ<'_> {
    fn of(&self, n: u32) -> &[u32] {
        &self.to[self.start[n as usize] as usize..self.start[n as usize + 1] as usize]
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }
}

/// A path as shown: its first and last parties (all of them when short) and its full length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abridged {
    /// The nodes kept: the whole path, or `KEEP` from each end.
    pub nodes: Vec<u32>,
    /// The number of nodes on the whole path; 0 when the path is a circle walked only part way.
    pub len: usize,
}

/// A forest of "next hop" pointers with an order in which every node comes after its next hop:
/// lets each node's path be summarised in constant time.
pub(super) struct Forest {
    next: Vec<u32>,
    len: Vec<u32>,
    tail: Vec<u32>,
}

impl Forest {
    /// `next[n]` is n's next hop (`NONE` at a root); `order` lists nodes, next hops first.
    pub fn new(next: Vec<u32>, order: &[u32]) -> Forest {
        let mut len = vec![0u32; next.len()];
        let mut tail = vec![NONE; next.len()];
        for &n in order {
            let nx = next[n as usize];
            let (l, t) = if nx == NONE {
                (1, n)
            } else {
                (len[nx as usize] + 1, tail[nx as usize])
            };
            len[n as usize] = l;
            // `tail` is where the last KEEP nodes of the path begin.
            tail[n as usize] = if (l as usize) <= KEEP { n } else { t };
        }
        Forest { next, len, tail }
    }

    /// The path from a node to its root, abridged.
    pub fn path(&self, n: u32) -> Abridged {
        let len = self.len[n as usize] as usize;
        let walk = |from: u32, count: usize| {
            let mut out = Vec::with_capacity(count);
            let mut at = from;
            while out.len() < count && at != NONE {
                out.push(at);
                at = self.next[at as usize];
            }
            out
        };
        if len <= 2 * KEEP + 1 {
            return Abridged {
                nodes: walk(n, len),
                len,
            };
        }
        let mut nodes = walk(n, KEEP);
        nodes.extend(walk(self.tail[n as usize], KEEP));
        Abridged { nodes, len }
    }

    /// Folds a value along every path, root first: a root (and any node off the forest) gets
    /// `root`, every other node `step(n, value[next[n]])`.
    pub fn fold<T: Clone>(&self, order: &[u32], root: T, step: impl Fn(u32, &T) -> T) -> Vec<T> {
        let mut out = vec![root; self.next.len()];
        for &n in order {
            let nx = self.next[n as usize];
            if nx != NONE {
                out[n as usize] = step(n, &out[nx as usize]);
            }
        }
        out
    }

    /// A node's next hop.
    pub fn next(&self, n: u32) -> Option<u32> {
        let nx = self.next[n as usize];
        (nx != NONE).then_some(nx)
    }
}

/// Root causes and paths of every broken chain of one control.
pub(super) struct BrokenChains {
    /// Root causes per node, as positions in `ranked` (sorted, shared along chains).
    roots: Vec<Option<Rc<[u32]>>>,
    /// Local nodes in the order their parties' ids sort.
    ranked: Vec<u32>,
    /// Shortest paths to the nearest root cause.
    to_root: Forest,
}

impl BrokenChains {
    /// Analyses the nodes that do not deliver (`delivers[n] == false`); `rank[n]` is n's
    /// position when the nodes are sorted by party id.
    pub fn new(succ: &Succ, delivers: &[bool], rank: &[u32]) -> BrokenChains {
        let n = succ.len();
        let live = |v: u32| !delivers[v as usize];
        let mut ranked = vec![0u32; n];
        for v in 0..n as u32 {
            ranked[rank[v as usize] as usize] = v;
        }

        // Tarjan's strongly connected components, iteratively: components come out sinks first.
        let mut index = vec![NONE; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut component = vec![NONE; n];
        let mut components: Vec<Vec<u32>> = Vec::new();
        let mut counter = 0u32;
        let mut call: Vec<(u32, usize)> = Vec::new();
        for root in (0..n as u32).filter(|&v| live(v)) {
            if index[root as usize] != NONE {
                continue;
            }
            call.push((root, 0));
            while let Some(&mut (v, ref mut i)) = call.last_mut() {
                if *i == 0 && index[v as usize] == NONE {
                    index[v as usize] = counter;
                    low[v as usize] = counter;
                    counter += 1;
                    stack.push(v);
                    on_stack[v as usize] = true;
                }
                let out = succ.of(v);
                if let Some(&w) = out.get(*i) {
                    *i += 1;
                    if !live(w) {
                        continue;
                    }
                    if index[w as usize] == NONE {
                        call.push((w, 0));
                    } else if on_stack[w as usize] {
                        low[v as usize] = low[v as usize].min(index[w as usize]);
                    }
                    continue;
                }
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent as usize] = low[parent as usize].min(low[v as usize]);
                }
                if low[v as usize] == index[v as usize] {
                    let id = components.len() as u32;
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        component[w as usize] = id;
                        members.push(w);
                        if w == v {
                            break;
                        }
                    }
                    components.push(members);
                }
            }
        }

        // Root causes per component, sinks first; a component with a single successor set
        // shares it rather than copying it, so a chain costs linear time.
        let empty: Rc<[u32]> = Rc::from(Vec::new());
        let mut comp_roots: Vec<Rc<[u32]>> = Vec::with_capacity(components.len());
        let mut contributes: Vec<Rc<[u32]>> = Vec::with_capacity(components.len());
        for (id, members) in components.iter().enumerate() {
            let mut sets: Vec<Rc<[u32]>> = Vec::new();
            for &v in members {
                for &w in succ.of(v) {
                    let c = component[w as usize];
                    if c != NONE && c != id as u32 {
                        let set = &contributes[c as usize];
                        if !set.is_empty() && !sets.iter().any(|s| Rc::ptr_eq(s, set)) {
                            sets.push(set.clone());
                        }
                    }
                }
            }
            let roots = match sets.len() {
                0 => empty.clone(),
                1 => sets.pop().unwrap_or_else(|| empty.clone()),
                _ => {
                    let mut all: Vec<u32> = sets.iter().flat_map(|s| s.iter().copied()).collect();
                    all.sort_unstable();
                    all.dedup();
                    Rc::from(all)
                }
            };
            let is_root_cause = members.len() == 1 && succ.of(members[0]).is_empty();
            contributes.push(if is_root_cause {
                Rc::from(vec![rank[members[0] as usize]])
            } else {
                roots.clone()
            });
            comp_roots.push(roots);
        }
        let roots = (0..n)
            .map(|v| (component[v] != NONE).then(|| comp_roots[component[v] as usize].clone()))
            .collect();

        // Shortest paths to the nearest root cause: one backward search from all of them.
        let mut pred_start = vec![0u32; n + 1];
        for v in 0..n as u32 {
            for &w in succ.of(v) {
                pred_start[w as usize + 1] += 1;
            }
        }
        for i in 0..n {
            pred_start[i + 1] += pred_start[i];
        }
        let mut fill = pred_start.clone();
        let mut pred = vec![0u32; pred_start[n] as usize];
        for v in 0..n as u32 {
            for &w in succ.of(v) {
                pred[fill[w as usize] as usize] = v;
                fill[w as usize] += 1;
            }
        }
        let mut next = vec![NONE; n];
        let mut seen = vec![false; n];
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&v| live(v) && succ.of(v).is_empty())
            .collect();
        for &v in &order {
            seen[v as usize] = true;
        }
        let mut head = 0;
        while head < order.len() {
            let w = order[head];
            head += 1;
            for &v in &pred[pred_start[w as usize] as usize..pred_start[w as usize + 1] as usize] {
                if live(v) && !seen[v as usize] {
                    seen[v as usize] = true;
                    next[v as usize] = w;
                    order.push(v);
                }
            }
        }
        BrokenChains {
            roots,
            ranked,
            to_root: Forest::new(next, &order),
        }
    }

    /// The root causes of a node that does not deliver, sorted by party id.
    pub fn roots(&self, v: u32) -> Vec<u32> {
        self.roots[v as usize]
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .map(|&r| self.ranked[r as usize])
            .collect()
    }

    /// The path from a node to its nearest root cause; for a node whose delegations only go
    /// round in a circle, the circle, walked until it closes or for at most `2 * KEEP + 1` nodes.
    pub fn path(&self, succ: &Succ, v: u32) -> Abridged {
        if self.to_root.next(v).is_some() {
            return self.to_root.path(v);
        }
        let mut nodes = vec![v];
        let mut at = v;
        while nodes.len() <= 2 * KEEP {
            let Some(&w) = succ.of(at).first() else { break };
            nodes.push(w);
            if nodes[..nodes.len() - 1].contains(&w) {
                let len = nodes.len();
                return Abridged { nodes, len };
            }
            at = w;
        }
        Abridged { nodes, len: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(n: usize, edges: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let mut start = vec![0u32; n + 1];
        for &(a, _) in edges {
            start[a as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut to = vec![0; edges.len()];
        for &(a, b) in edges {
            to[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
        }
        (start, to)
    }

    #[test]
    fn a_long_chain_shares_its_root_and_abridges_its_path() {
        let n = 10_000u32;
        let edges: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let (start, to) = csr(n as usize, &edges);
        let succ = Succ {
            start: &start,
            to: &to,
        };
        let rank: Vec<u32> = (0..n).collect();
        let chains = BrokenChains::new(&succ, &vec![false; n as usize], &rank);
        assert_eq!(chains.roots(0), vec![n - 1]);
        assert_eq!(chains.roots(n - 2), vec![n - 1]);
        let path = chains.path(&succ, 0);
        assert_eq!(path.len, n as usize);
        assert_eq!(path.nodes, vec![0, 1, 2, n - 3, n - 2, n - 1]);
        assert_eq!(chains.path(&succ, n - 3).nodes, vec![n - 3, n - 2, n - 1]);
    }

    #[test]
    fn a_circle_has_no_root_and_shows_the_circle() {
        let (start, to) = csr(3, &[(0, 1), (1, 2), (2, 0)]);
        let succ = Succ {
            start: &start,
            to: &to,
        };
        let chains = BrokenChains::new(&succ, &[false; 3], &[0, 1, 2]);
        assert!(chains.roots(1).is_empty());
        assert_eq!(
            chains.path(&succ, 1),
            Abridged {
                nodes: vec![1, 2, 0, 1],
                len: 4
            }
        );
    }

    #[test]
    fn a_diamond_with_two_ends_lists_both_sorted_by_rank() {
        // 0 → 1 → 3, 0 → 2 → 4; ids sort 4 before 3.
        let (start, to) = csr(5, &[(0, 1), (0, 2), (1, 3), (2, 4)]);
        let succ = Succ {
            start: &start,
            to: &to,
        };
        let chains = BrokenChains::new(&succ, &[false; 5], &[0, 1, 2, 4, 3]);
        assert_eq!(chains.roots(0), vec![4, 3]);
        assert_eq!(chains.path(&succ, 0).len, 3);
    }

    #[test]
    fn a_loop_with_an_exit_leads_to_the_exit() {
        // 0 ⇄ 1, 1 → 2: the loop's root cause is 2.
        let (start, to) = csr(3, &[(0, 1), (1, 0), (1, 2)]);
        let succ = Succ {
            start: &start,
            to: &to,
        };
        let chains = BrokenChains::new(&succ, &[false; 3], &[0, 1, 2]);
        assert_eq!(chains.roots(0), vec![2]);
        assert_eq!(chains.path(&succ, 0).nodes, vec![0, 1, 2]);
    }
}
