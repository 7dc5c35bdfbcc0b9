//! The provider tree of SPEC §5, built lazily: a stack is a graph, so a row is identified by its
//! path of hand-offs from a root, only expanded paths are remembered (interned, one node per
//! path, so a deep chain costs what its rows cost), and the flattened list of visible rows is
//! rebuilt only when expansion, the filter or the data change. Each row knows whether it is the
//! last of its siblings, for the guides drawn before it; `first` finds the first row of each
//! party and hand-off, and their order in the tree.

mod first;

use std::collections::{HashMap, VecDeque};

pub use first::RowRef;

use crate::stack::{HandoffIdx, PartyIdx, Stack};

/// How many rows "expand all" (and the filter's automatic expansion) may reveal.
pub const EXPAND_LIMIT: usize = 10_000;

/// How many rows a flattened tree may hold at all, whatever was expanded by hand.
const ROW_LIMIT: usize = 200_000;

/// No node: the parent of a root path.
const TOP: u32 = u32::MAX;

/// A row's identity: the root party, then the hand-offs followed from it.
pub type RowPath = Vec<u32>;

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Depth below the root (0 for a root).
    pub depth: u16,
    /// The party the row shows: a root, or the provider of `handoff`.
    pub party: PartyIdx,
    /// The hand-off the row stands for; `None` for a root.
    pub handoff: Option<HandoffIdx>,
    /// Index of the parent row in [`Tree::rows`].
    pub parent: Option<u32>,
    /// Whether the row can be expanded (its party consumes something and it is not a cut cycle).
    pub has_children: bool,
    /// Whether it is expanded.
    pub expanded: bool,
    /// The party already appears above on this path: the cycle is cut here.
    pub cycle: bool,
    /// The last of its parent's visible children (or the last root): its guide ends here.
    pub last: bool,
}

/// Row paths that were ever expanded, interned as a trie: a node per path, found from its
/// parent's node and its last step (a root party, then hand-offs).
#[derive(Debug, Default)]
struct Paths {
    node: HashMap<(u32, u32), u32>,
    parent: Vec<u32>,
    step: Vec<u32>,
    expanded: Vec<bool>,
}

impl Paths {
    fn get(&self, parent: u32, step: u32) -> Option<u32> {
        self.node.get(&(parent, step)).copied()
    }

    fn intern(&mut self, parent: u32, step: u32) -> u32 {
        let next = self.parent.len() as u32;
        let n = *self.node.entry((parent, step)).or_insert(next);
        if n == next {
            self.parent.push(parent);
            self.step.push(step);
            self.expanded.push(false);
        }
        n
    }

    fn is_expanded(&self, node: Option<u32>) -> bool {
        node.is_some_and(|n| self.expanded[n as usize])
    }

    fn path(&self, mut node: u32) -> RowPath {
        let mut path = Vec::new();
        while node != TOP {
            path.push(self.step[node as usize]);
            node = self.parent[node as usize];
        }
        path.reverse();
        path
    }
}

/// A row waiting to be listed: its parent row and that row's path node, its depth, the hand-off
/// it stands for, its party, and whether it is the last of its siblings.
type Pending = (Option<u32>, u32, u16, Option<HandoffIdx>, PartyIdx, bool);

/// What the tree keeps between rebuilds.
#[derive(Debug, Default)]
pub struct Tree {
    roots: Vec<PartyIdx>,
    /// Each party's strongly connected component (parties that reach each other).
    component: Vec<u32>,
    first: first::FirstRows,
    shared: Vec<bool>,
    paths: Paths,
    rows: Vec<Row>,
    truncated: bool,
}

impl Tree {
    /// The tree of a stack with nothing expanded yet.
    pub fn new(stack: &Stack) -> Tree {
        let ix = stack.index();
        let shared = (0..stack.parties.len())
            .map(|p| {
                let mut consumers = ix.provides[p].iter().map(|&h| stack.handoff(h).consumer);
                let first = consumers.next();
                consumers.any(|c| Some(c) != first)
            })
            .collect();
        let (roots, component) = roots(stack);
        Tree {
            first: first::FirstRows::new(stack, &roots),
            roots,
            component,
            shared,
            ..Tree::default()
        }
    }

    /// Whether two parties reach each other through hand-offs (the same strongly connected
    /// component): only then can a row's party lead back to a party above it.
    pub fn same_component(&self, a: PartyIdx, b: PartyIdx) -> bool {
        self.component.get(a as usize) == self.component.get(b as usize)
    }

    /// For each level of a row's guides, from depth 1 to its own: whether the row's ancestor
    /// at that depth (the row itself, last) is the last of its siblings. A guide continues
    /// down (`│`) past an ancestor that is not; `└─` ends the row's own when it is.
    pub fn guides(&self, row: usize) -> Vec<bool> {
        let mut lasts = Vec::new();
        let mut at = self.rows.get(row);
        while let Some(r) = at.filter(|r| r.depth > 0) {
            lasts.push(r.last);
            at = r.parent.and_then(|p| self.rows.get(p as usize));
        }
        lasts.reverse();
        lasts
    }

    /// The visible rows, top to bottom.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Whether the last rebuild stopped at its bound.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Whether a party is consumed by more than one consumer (so it repeats in the tree).
    pub fn is_shared(&self, party: PartyIdx) -> bool {
        self.shared.get(party as usize).copied().unwrap_or(false)
    }

    /// The path that identifies a visible row (empty for no row).
    pub fn path(&self, row: usize) -> RowPath {
        let mut path = Vec::new();
        let mut at = self.rows.get(row);
        while let Some(r) = at {
            path.push(r.handoff.unwrap_or(r.party));
            at = r.parent.and_then(|p| self.rows.get(p as usize));
        }
        path.reverse();
        path
    }

    /// Expands or collapses one path.
    pub fn set_expanded(&mut self, path: &[u32], on: bool) {
        let mut node = TOP;
        for &step in path {
            node = if on {
                self.paths.intern(node, step)
            } else {
                match self.paths.get(node, step) {
                    Some(n) => n,
                    None => return,
                }
            };
        }
        if node != TOP {
            self.paths.expanded[node as usize] = on;
        }
    }

    /// Collapses everything.
    pub fn collapse_all(&mut self) {
        self.paths = Paths::default();
    }

    /// The expanded paths, for carrying them over a reload.
    pub fn expanded_paths(&self) -> Vec<RowPath> {
        (0..self.paths.parent.len() as u32)
            .filter(|&n| self.paths.expanded[n as usize])
            .map(|n| self.paths.path(n))
            .collect()
    }

    /// Expands, breadth first from the roots, every row that `keep` accepts, until `limit` rows
    /// would be visible; returns whether it stopped at the limit.
    pub fn expand_all(
        &mut self,
        stack: &Stack,
        limit: usize,
        keep: &dyn Fn(Option<HandoffIdx>, PartyIdx) -> bool,
    ) -> bool {
        self.paths = Paths::default();
        // (node, party shown there); a node's ancestors are found through the trie.
        let mut queue: VecDeque<(u32, PartyIdx)> = VecDeque::new();
        let mut shown = 0usize;
        for &r in &self.roots {
            if keep(None, r) {
                shown += 1;
                queue.push_back((self.paths.intern(TOP, r), r));
            }
        }
        while let Some((node, party)) = queue.pop_front() {
            let children: Vec<(HandoffIdx, PartyIdx)> = stack.index().consumes[party as usize]
                .iter()
                .map(|&h| (h, stack.handoff(h).provider))
                .filter(|&(h, p)| keep(Some(h), p))
                .collect();
            if children.is_empty() {
                continue;
            }
            if shown + children.len() > limit {
                return true;
            }
            shown += children.len();
            self.paths.expanded[node as usize] = true;
            for (h, p) in children {
                if !self.on_path(stack, node, p) {
                    queue.push_back((self.paths.intern(node, h), p));
                }
            }
        }
        false
    }

    /// Whether `party` is shown at `node` or above it (so below it, a cycle is cut).
    fn on_path(&self, stack: &Stack, mut node: u32, party: PartyIdx) -> bool {
        while node != TOP {
            let parent = self.paths.parent[node as usize];
            let step = self.paths.step[node as usize];
            let shown = if parent == TOP {
                step
            } else {
                stack.handoff(step).provider
            };
            if shown == party {
                return true;
            }
            node = parent;
        }
        false
    }

    /// Expands every row on the way to `path` (not `path` itself).
    pub fn reveal(&mut self, path: &[u32]) {
        let mut node = TOP;
        for (i, &step) in path.iter().enumerate() {
            if i > 0 {
                self.paths.expanded[node as usize] = true;
            }
            node = self.paths.intern(node, step);
        }
    }

    /// Rebuilds the visible rows from the expanded paths, showing only rows `keep` accepts.
    pub fn rebuild(&mut self, stack: &Stack, keep: &dyn Fn(Option<HandoffIdx>, PartyIdx) -> bool) {
        self.rows.clear();
        self.truncated = false;
        // Depth-first without recursion.
        let mut todo: Vec<Pending> = self
            .roots
            .iter()
            .rev()
            .filter(|&&r| keep(None, r))
            .enumerate()
            .map(|(i, &r)| (None, TOP, 0, None, r, i == 0))
            .collect();
        // The parties on the current path, with a mark per party for a constant-time cycle test.
        let mut on_path: Vec<PartyIdx> = Vec::new();
        let mut marked = vec![false; stack.parties.len()];
        while let Some((parent, parent_node, depth, handoff, party, last)) = todo.pop() {
            if self.rows.len() >= ROW_LIMIT {
                self.truncated = true;
                break;
            }
            for p in on_path.drain(depth as usize..) {
                marked[p as usize] = false;
            }
            let cycle = marked[party as usize];
            on_path.push(party);
            marked[party as usize] = true;
            let node = self.paths.get(parent_node, handoff.unwrap_or(party));
            let consumes = &stack.index().consumes[party as usize];
            let has_children = !cycle && !consumes.is_empty();
            let expanded = has_children && self.paths.is_expanded(node);
            let me = self.rows.len() as u32;
            self.rows.push(Row {
                depth,
                party,
                handoff,
                parent,
                has_children,
                expanded,
                cycle,
                last,
            });
            if let (true, Some(node)) = (expanded, node) {
                // Pushed last to first: the first pushed is the last child.
                let mut last = true;
                for &h in consumes.iter().rev() {
                    let p = stack.handoff(h).provider;
                    if keep(Some(h), p) {
                        todo.push((Some(me), node, depth + 1, Some(h), p, last));
                        last = false;
                    }
                }
            }
        }
    }

    /// The visible row with this path, if there is one.
    pub fn find(&self, path: &[u32]) -> Option<usize> {
        let (&root, rest) = path.split_first()?;
        let mut at = self
            .rows
            .iter()
            .position(|r| r.depth == 0 && r.party == root)?;
        for &h in rest {
            let depth = self.rows[at].depth;
            at = self.rows[at + 1..]
                .iter()
                .take_while(|r| r.depth > depth)
                .position(|r| r.depth == depth + 1 && r.handoff == Some(h))
                .map(|i| at + 1 + i)?;
        }
        Some(at)
    }

    /// The shortest path from a root to a row showing `party`, or standing for `handoff`:
    /// the first row of the party (or of the hand-off's consumer, then the hand-off).
    pub fn path_to(&self, stack: &Stack, party: PartyIdx, handoff: Option<HandoffIdx>) -> RowPath {
        match handoff {
            Some(h) => self.first.path(stack, RowRef::Handoff(h)),
            None => self.first.path(stack, self.first.party_row(party)),
        }
    }

    /// The first row showing a party: its root row, or the row of the hand-off it is first
    /// reached by.
    pub fn party_row(&self, party: PartyIdx) -> RowRef {
        self.first.party_row(party)
    }

    /// The path of a party's or hand-off's first row.
    pub fn path_of(&self, stack: &Stack, row: RowRef) -> RowPath {
        self.first.path(stack, row)
    }

    /// Where a first row comes in the tree, top to bottom, with every row expanded: rows sort
    /// in tree order by this key.
    pub fn order_of(&self, stack: &Stack, row: RowRef) -> (u32, u32, u32) {
        self.first.order(stack, row)
    }
}

/// The roots of SPEC §5: parties nobody consumes, and for each group of parties that only
/// consume each other, its smallest id. Found as the strongly connected components (iterative
/// Kosaraju) that no hand-off enters from outside; and each party's component.
fn roots(stack: &Stack) -> (Vec<PartyIdx>, Vec<u32>) {
    let n = stack.parties.len();
    let ix = stack.index();
    let provider = |p: usize, i: usize| {
        ix.consumes[p]
            .get(i)
            .map(|&h| stack.handoff(h).provider as usize)
    };
    let inn = |p: usize| {
        ix.provides[p]
            .iter()
            .map(|&h| stack.handoff(h).consumer as usize)
    };
    // Pass 1: finishing order of a depth-first search along hand-offs.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut todo: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = todo.last_mut() {
            let (p, next) = *top;
            if let Some(q) = provider(p, next) {
                top.1 += 1;
                if !seen[q] {
                    seen[q] = true;
                    todo.push((q, 0));
                }
            } else {
                order.push(p);
                todo.pop();
            }
        }
    }
    // Pass 2: components on the reversed graph, in reverse finishing order.
    let mut component = vec![usize::MAX; n];
    let mut members: Vec<Vec<usize>> = Vec::new();
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        let c = members.len();
        members.push(Vec::new());
        component[start] = c;
        let mut todo = vec![start];
        while let Some(p) = todo.pop() {
            members[c].push(p);
            for q in inn(p) {
                if component[q] == usize::MAX {
                    component[q] = c;
                    todo.push(q);
                }
            }
        }
    }
    let mut roots: Vec<PartyIdx> = members
        .iter()
        .enumerate()
        .filter(|(c, ms)| ms.iter().all(|&p| inn(p).all(|q| component[q] == *c)))
        .filter_map(|(_, ms)| {
            ms.iter().copied().min_by(|&a, &b| {
                stack.parties[a]
                    .id
                    .as_bytes()
                    .cmp(stack.parties[b].id.as_bytes())
            })
        })
        .map(|p| p as PartyIdx)
        .collect();
    roots.sort_unstable();
    (roots, component.into_iter().map(|c| c as u32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(handoffs: &[(&str, &str)], parties: &[&str]) -> Stack {
        let mut text = String::from(
            "[stack]\nname = \"t\"\ncatalog = \"none\"\n[[control]]\nid = \"C\"\nname = \"c\"\n",
        );
        for p in parties {
            text.push_str(&format!("[[party]]\nid = \"{p}\"\n"));
        }
        for (c, p) in handoffs {
            text.push_str(&format!(
                "[[handoff]]\nconsumer = \"{c}\"\nprovider = \"{p}\"\ncontrols = {{ C = \"provider\" }}\n"
            ));
        }
        crate::stack::load_str(&text, "t.toml", None).expect("test stack loads")
    }

    fn ids(stack: &Stack, ps: &[PartyIdx]) -> Vec<String> {
        ps.iter().map(|&p| stack.party(p).id.clone()).collect()
    }

    #[test]
    fn roots_are_unconsumed_parties_and_the_smallest_id_of_closed_cycles() {
        // top → mid; z ⇄ y (a cycle nobody outside uses) → mid; c ⇄ d used by y: not a root.
        let s = stack(
            &[
                ("top", "mid"),
                ("z", "y"),
                ("y", "z"),
                ("y", "c"),
                ("c", "d"),
                ("d", "c"),
            ],
            &["top", "mid", "z", "y", "c", "d"],
        );
        let (roots, component) = roots(&s);
        assert_eq!(ids(&s, &roots), ["top", "y"]);
        let of = |id: &str| component[s.party_id(id).expect("a party") as usize];
        assert_eq!(of("z"), of("y"));
        assert_eq!(of("c"), of("d"));
        assert_ne!(of("y"), of("c"));
        assert_ne!(of("top"), of("mid"));
    }

    #[test]
    fn cycles_are_cut_and_shared_parties_marked() {
        let s = stack(
            &[("a", "b"), ("a", "c"), ("b", "c"), ("c", "b")],
            &["a", "b", "c"],
        );
        let mut t = Tree::new(&s);
        assert!(!t.expand_all(&s, EXPAND_LIMIT, &|_, _| true));
        t.rebuild(&s, &|_, _| true);
        let shown: Vec<(u16, String, bool)> = t
            .rows()
            .iter()
            .map(|r| (r.depth, s.party(r.party).id.clone(), r.cycle))
            .collect();
        assert_eq!(
            shown,
            [
                (0, "a".into(), false),
                (1, "b".into(), false),
                (2, "c".into(), false),
                (3, "b".into(), true),
                (1, "c".into(), false),
                (2, "b".into(), false),
                (3, "c".into(), true),
            ]
        );
        assert!(t.is_shared(s.party_id("b").expect("b")));
        assert!(!t.is_shared(s.party_id("a").expect("a")));
    }

    #[test]
    fn expand_all_stops_at_its_bound_and_says_so() {
        // A ladder: each level has two parties, each consuming both of the next level, so the
        // number of paths doubles per level.
        let mut parties = vec!["root".to_string()];
        let mut handoffs = Vec::new();
        for level in 0..20 {
            for side in ["l", "r"] {
                parties.push(format!("{side}{level}"));
            }
        }
        handoffs.push(("root".to_string(), "l0".to_string()));
        handoffs.push(("root".to_string(), "r0".to_string()));
        for level in 0..19 {
            for a in ["l", "r"] {
                for b in ["l", "r"] {
                    handoffs.push((format!("{a}{level}"), format!("{b}{}", level + 1)));
                }
            }
        }
        let h: Vec<(&str, &str)> = handoffs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let p: Vec<&str> = parties.iter().map(String::as_str).collect();
        let s = stack(&h, &p);
        let mut t = Tree::new(&s);
        assert!(t.expand_all(&s, 1000, &|_, _| true));
        t.rebuild(&s, &|_, _| true);
        assert!(t.rows().len() <= 1000, "{} rows", t.rows().len());
        assert!(t.rows().len() > 500);
    }

    #[test]
    fn paths_find_rows_and_reveal_them() {
        let s = stack(&[("a", "b"), ("b", "c")], &["a", "b", "c"]);
        let mut t = Tree::new(&s);
        let c = s.party_id("c").expect("c");
        let path = t.path_to(&s, c, None);
        assert_eq!(path.len(), 3);
        t.reveal(&path);
        t.rebuild(&s, &|_, _| true);
        assert_eq!(t.expanded_paths().len(), 2);
        let row = t.find(&path).expect("revealed");
        assert_eq!(t.rows()[row].party, c);
        assert_eq!(t.path(row), path);
    }
}
