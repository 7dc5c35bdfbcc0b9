//! Rows and their order: which row each box sits in, the label and pass-through items that
//! turn every link into unit segments between neighbouring rows, and the order within each
//! row that crosses the fewest segments (barycentre sweeps).

use super::diagram::Diagram;
use crate::stack::Stack;

/// Sweeps of barycentre ordering (each one down and one up).
const SWEEPS: usize = 12;

/// What occupies a place in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    /// A box: index into the diagram's nodes.
    Node(usize),
    /// A link's label: index into the diagram's links.
    Label(usize),
    /// A link passing through the row.
    Pass(usize),
}

/// A piece of a link between an item of row `row` (above) and one of row `row + 1` (below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Segment {
    /// The link it belongs to.
    pub link: usize,
    /// The row of the upper item.
    pub row: usize,
    /// The upper item.
    pub upper: usize,
    /// The lower item.
    pub lower: usize,
}

/// How a link runs through the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Chain {
    /// Its label item.
    pub label: usize,
    /// Segments from the upper node down to the label (one), or, for a link within a row,
    /// from the consumer down to the label.
    pub to_label: Vec<usize>,
    /// Segments from the label down to the lower node, in order; for a link within a row, the
    /// one from the provider down to the label.
    pub from_label: Vec<usize>,
    /// Whether the consumer is the upper end (or, within a row, always).
    pub consumer_above: bool,
    /// Whether both ends sit in the same row.
    pub same_row: bool,
}

/// Items in rows, ordered. Each row of boxes (one declared layer, or one step of the longest
/// path) is followed by one or more rows of labels: a link's label sits in one of the label
/// rows under its upper end, and the link passes through the others.
#[derive(Debug, Clone)]
pub(super) struct Ordered {
    /// Every item.
    pub items: Vec<Item>,
    /// Item ids per row, left to right.
    pub rows: Vec<Vec<usize>>,
    /// The row of each item.
    pub row_of: Vec<usize>,
    /// Unit segments.
    pub segments: Vec<Segment>,
    /// Per link, how it runs.
    pub chains: Vec<Chain>,
    /// The row index of each row of boxes.
    pub box_rows: Vec<usize>,
    /// The declared layer of each row of boxes, if the stack has layers.
    pub layers: Vec<Option<u32>>,
}

/// Which label row each link's label takes: per row of boxes, how many label rows follow it,
/// and per link, which of those (0: the first) holds its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stagger {
    /// Label rows under each row of boxes.
    pub depth: Vec<usize>,
    /// Label row of each link, among those under its upper end.
    pub level: Vec<usize>,
}

impl Stagger {
    /// One label row under each row of boxes.
    pub fn flat(box_rows: usize, links: usize) -> Stagger {
        Stagger {
            depth: vec![1; box_rows],
            level: vec![0; links],
        }
    }
}

/// The row of boxes each node sits in, and the declared layer of each such row.
pub(super) fn rows(stack: &Stack, diagram: &Diagram) -> (Vec<usize>, Vec<Option<u32>>) {
    let n = diagram.nodes.len();
    if !stack.layers.is_empty() {
        let mut present: Vec<u32> = (0..n).filter_map(|v| diagram.layer(stack, v)).collect();
        present.sort_unstable();
        present.dedup();
        let unlayered = (0..n).any(|v| diagram.layer(stack, v).is_none());
        let rows = (0..n)
            .map(|v| match diagram.layer(stack, v) {
                Some(l) => present.binary_search(&l).unwrap_or(0),
                None => present.len(),
            })
            .collect();
        let mut layers: Vec<Option<u32>> = present.into_iter().map(Some).collect();
        if unlayered {
            layers.push(None);
        }
        return (rows, layers);
    }
    let rows = longest_path(n, diagram);
    let count = rows.iter().max().map_or(0, |m| m + 1);
    (rows, vec![None; count])
}

/// Longest-path layering over the links, consumers above providers, after setting aside the
/// links that close a cycle (found by a depth-first search in node order).
fn longest_path(n: usize, diagram: &Diagram) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in &diagram.links {
        out[l.consumer].push(l.provider);
    }
    // Iterative DFS: finish order, ignoring edges back into the current path.
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; n];
    let mut finish = Vec::with_capacity(n);
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for start in 0..n {
        if state[start] != NEW {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = OPEN;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    NEW => {
                        forward[v].push(w);
                        state[w] = OPEN;
                        stack.push((w, 0));
                    }
                    DONE => forward[v].push(w),
                    _ => {}
                }
            } else {
                state[v] = DONE;
                finish.push(v);
                stack.pop();
            }
        }
    }
    let mut row = vec![0usize; n];
    for &v in finish.iter().rev() {
        for &w in &forward[v] {
            row[w] = row[w].max(row[v] + 1);
        }
    }
    row
}

/// Builds the items and segments of every link and orders each row.
pub(super) fn order(
    diagram: &Diagram,
    (node_row, layers): &(Vec<usize>, Vec<Option<u32>>),
    stagger: &Stagger,
) -> Ordered {
    let mut box_rows = Vec::with_capacity(layers.len());
    let mut next = 0;
    for r in 0..layers.len().max(1) {
        box_rows.push(next);
        next += 1 + stagger.depth[r];
    }
    let mut o = Ordered {
        items: Vec::new(),
        rows: vec![Vec::new(); next],
        row_of: Vec::new(),
        segments: Vec::new(),
        chains: Vec::new(),
        box_rows,
        layers: layers.clone(),
    };
    let mut node_item = Vec::with_capacity(diagram.nodes.len());
    for (v, &r) in node_row.iter().enumerate() {
        node_item.push(o.add(Item::Node(v), o.box_rows[r]));
    }
    for (i, link) in diagram.links.iter().enumerate() {
        let (rc, rp) = (node_row[link.consumer], node_row[link.provider]);
        let (c, p) = (node_item[link.consumer], node_item[link.provider]);
        let (ru, rl) = (rc.min(rp), rc.max(rp));
        let label_row = o.box_rows[ru] + 1 + stagger.level[i];
        let chain = if rc == rp {
            let to_label = o.descend(i, c, label_row, Item::Label(i));
            let label = o.segments[to_label[to_label.len() - 1]].lower;
            let from_label = o.descend_to(i, p, label);
            Chain {
                label,
                to_label,
                from_label,
                consumer_above: true,
                same_row: true,
            }
        } else {
            let (upper, lower) = if rc < rp { (c, p) } else { (p, c) };
            let to_label = o.descend(i, upper, label_row, Item::Label(i));
            let label = o.segments[to_label[to_label.len() - 1]].lower;
            let above = o.descend(i, label, o.box_rows[rl] - 1, Item::Pass(i));
            let mut from_label = above.clone();
            let last = above.last().map_or(label, |&s| o.segments[s].lower);
            from_label.push(o.segment(i, last, lower));
            Chain {
                label,
                to_label,
                from_label,
                consumer_above: rc < rp,
                same_row: false,
            }
        };
        o.chains.push(chain);
    }
    o.reduce_crossings();
    o
}

impl Ordered {
    /// Segments from `from` down to a new `last` item in row `to` (`from`'s own row: none),
    /// through pass items in the rows between.
    fn descend(&mut self, link: usize, from: usize, to: usize, last: Item) -> Vec<usize> {
        let mut segs = Vec::new();
        let mut above = from;
        for r in self.row_of[from] + 1..=to {
            let item = self.add(if r == to { last } else { Item::Pass(link) }, r);
            segs.push(self.segment(link, above, item));
            above = item;
        }
        segs
    }

    /// Segments from `from` down to the existing item `to`, through pass items.
    fn descend_to(&mut self, link: usize, from: usize, to: usize) -> Vec<usize> {
        let mut segs = self.descend(link, from, self.row_of[to] - 1, Item::Pass(link));
        let last = segs.last().map_or(from, |&s| self.segments[s].lower);
        segs.push(self.segment(link, last, to));
        segs
    }

    fn add(&mut self, item: Item, row: usize) -> usize {
        let id = self.items.len();
        self.items.push(item);
        self.row_of.push(row);
        self.rows[row].push(id);
        id
    }

    fn segment(&mut self, link: usize, upper: usize, lower: usize) -> usize {
        self.segments.push(Segment {
            link,
            row: self.row_of[upper],
            upper,
            lower,
        });
        self.segments.len() - 1
    }

    /// Position of every item in its row.
    fn positions(&self) -> Vec<usize> {
        let mut pos = vec![0; self.items.len()];
        for row in &self.rows {
            for (i, &item) in row.iter().enumerate() {
                pos[item] = i;
            }
        }
        pos
    }

    /// Segments crossing each other, over all channels.
    fn crossings(&self) -> usize {
        let pos = self.positions();
        let mut by_row: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rows.len()];
        for s in &self.segments {
            by_row[s.row].push((pos[s.upper], pos[s.lower]));
        }
        let mut total = 0;
        for mut segs in by_row {
            segs.sort_unstable();
            for (i, a) in segs.iter().enumerate() {
                total += segs[i + 1..]
                    .iter()
                    .filter(|b| b.0 > a.0 && b.1 < a.1)
                    .count();
            }
        }
        total
    }

    /// Barycentre sweeps down and up, keeping the order with the fewest crossings.
    fn reduce_crossings(&mut self) {
        let mut ups: Vec<Vec<usize>> = vec![Vec::new(); self.items.len()];
        let mut downs: Vec<Vec<usize>> = vec![Vec::new(); self.items.len()];
        for s in &self.segments {
            ups[s.lower].push(s.upper);
            downs[s.upper].push(s.lower);
        }
        let mut best = (self.crossings(), self.rows.clone());
        for _ in 0..SWEEPS {
            for r in 1..self.rows.len() {
                self.sort_row(r, &ups);
            }
            for r in (0..self.rows.len().saturating_sub(1)).rev() {
                self.sort_row(r, &downs);
            }
            let c = self.crossings();
            if c < best.0 {
                best = (c, self.rows.clone());
            }
            if c == 0 {
                break;
            }
        }
        self.rows = best.1;
    }

    /// Sorts a row by the mean position of each item's neighbours in the row towards the
    /// sweep's origin; items without such neighbours keep their places.
    fn sort_row(&mut self, r: usize, neighbours: &[Vec<usize>]) {
        let pos = self.positions();
        let row = &self.rows[r];
        let mut keyed: Vec<(f64, usize)> = row
            .iter()
            .filter(|&&item| !neighbours[item].is_empty())
            .map(|&item| {
                let ns = &neighbours[item];
                let key = ns.iter().map(|&n| pos[n] as f64).sum::<f64>() / ns.len() as f64;
                (key, item)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut sorted = keyed.into_iter().map(|(_, item)| item);
        let next: Vec<usize> = row
            .iter()
            .map(|&item| {
                if neighbours[item].is_empty() {
                    item
                } else {
                    sorted.next().unwrap_or(item)
                }
            })
            .collect();
        self.rows[r] = next;
    }
}
