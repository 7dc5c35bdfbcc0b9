//! Where every item of every row sits, and where each segment leaves and enters its items:
//! first balanced positions (each item between its neighbours, by weighted isotonic regression
//! per row), then a sweep from the top that gives every segment its own port, never within
//! [`MIN_SEP`] pixels of a port of another segment across the same channel.

use unicode_width::UnicodeWidthStr;

use super::diagram::Diagram;
use super::order::{Item, Ordered, Stagger};
use crate::stack::Stack;

/// Horizontal space between two boxes or labels of a row; lines passing through need less.
const GAP: i32 = 18;
const PASS_GAP: i32 = 8;
/// Distance between two ports of one box.
const PITCH: i32 = 12;
/// Distance from a box's side to its first port.
const PORT_PAD: i32 = 10;
/// Least distance between ports of different segments across one channel.
pub(super) const MIN_SEP: i32 = 6;
/// Width reserved for a line passing through a row.
const PASS_W: i32 = 6;
/// Width of the margin that names the layers, when the stack declares any.
pub(super) const LAYER_MARGIN: i32 = 150;
/// Margin around the drawing.
pub(super) const EDGE: i32 = 10;
/// Text metrics: pixels per terminal column of the party name (12 px, bold), of the smaller
/// lines (11 px), and the height of one line.
const NAME_COL: f64 = 7.6;
const SMALL_COL: f64 = 6.5;
pub(super) const LINE_H: i32 = 15;
/// Longest text shown in a box or label, in terminal columns; the rest becomes "…" (the full
/// text is in the tooltip and in the tables). A party's name wraps onto a second line first.
const NAME_COLS: usize = 22;
const LABEL_COLS: usize = 24;

/// A rectangle in drawing coordinates (pixels, y down).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rect {
    /// Left.
    pub x: i32,
    /// Top.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

/// A placed link: its path from the consumer's box to its label, and from its label to the
/// provider's box (where the arrowhead goes), as corner points of horizontal and vertical
/// pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkPath {
    /// Consumer to label.
    pub to_label: Vec<(i32, i32)>,
    /// Label to provider.
    pub from_label: Vec<(i32, i32)>,
}

/// A row of boxes, for the band drawn behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// Its declared layer, if the stack declares layers (`None`: parties without a layer).
    pub layer: Option<u32>,
    /// Top of the row.
    pub y: i32,
    /// Height of the row.
    pub h: i32,
}

/// A laid-out diagram, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    /// Width of the whole drawing.
    pub width: i32,
    /// Height of the whole drawing.
    pub height: i32,
    /// Whether the left margin names layers.
    pub layered: bool,
    /// The box of each node, indexed like the diagram's nodes.
    pub nodes: Vec<Rect>,
    /// The lines shown in each box (shortened to fit).
    pub node_lines: Vec<Vec<String>>,
    /// How many of a box's first lines are its title (a party's name, wrapped).
    pub node_title_lines: Vec<usize>,
    /// The label of each link, indexed like the diagram's links.
    pub labels: Vec<Rect>,
    /// The lines shown in each label (shortened to fit).
    pub label_lines: Vec<Vec<String>>,
    /// The path of each link.
    pub paths: Vec<LinkPath>,
    /// The rows of boxes.
    pub bands: Vec<Band>,
}

/// Items with their sizes and x positions, and every segment's port x at both ends.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    /// Left of each item.
    pub left: Vec<i32>,
    /// Width of each item.
    pub width: Vec<i32>,
    /// Height of each item (a pass-through: 0, it spans its row).
    pub height: Vec<i32>,
    /// Port x of each segment at its upper item (its bottom side).
    pub upper_x: Vec<i32>,
    /// Port x of each segment at its lower item (its top side).
    pub lower_x: Vec<i32>,
    /// Shown lines of each node and each link's label.
    pub node_lines: Vec<Vec<String>>,
    /// See [`Drawing::node_title_lines`].
    pub node_title_lines: Vec<usize>,
    /// See `node_lines`.
    pub label_lines: Vec<Vec<String>>,
    /// Left edge of the area items may use.
    pub origin: i32,
}

/// Text shortened to `cols` terminal columns, with "…" when cut.
pub(super) fn fit(s: &str, cols: usize) -> String {
    if s.width() <= cols {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cols - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Words wrapped into at most `lines` lines of `cols` terminal columns; a word longer than a
/// line is cut, and what does not fit ends in "…".
pub fn wrap(s: &str, cols: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cut = false;
    for word in s.split_whitespace() {
        let room = out
            .last()
            .is_some_and(|line| line.width() + 1 + word.width() <= cols);
        if room {
            if let Some(line) = out.last_mut() {
                line.push(' ');
                line.push_str(word);
            }
        } else if out.len() == lines {
            cut = true;
            break;
        } else {
            out.push(word.to_string());
        }
    }
    for line in &mut out {
        *line = fit(line, cols);
    }
    if let Some(last) = out.last_mut()
        && cut
        && !last.ends_with('…')
    {
        if last.width() < cols {
            last.push('…');
        } else {
            *last = fit(&format!("{last}…"), cols);
        }
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// Space between two neighbouring items of a row.
fn gap(a: Item, b: Item) -> i32 {
    match (a, b) {
        (Item::Pass(_), _) | (_, Item::Pass(_)) => PASS_GAP,
        _ => GAP,
    }
}

fn text_width(s: &str, per_col: f64) -> i32 {
    (s.width() as f64 * per_col).ceil() as i32
}

/// What each box and label shows, shortened to fit, and its size before ports widen it.
#[derive(Debug, Clone)]
pub(super) struct Texts {
    /// Lines of each node.
    pub node_lines: Vec<Vec<String>>,
    /// How many of them are the title.
    pub node_title_lines: Vec<usize>,
    /// Lines of each link's label.
    pub label_lines: Vec<Vec<String>>,
    /// (width, height) of each node.
    pub node_size: Vec<(i32, i32)>,
    /// (width, height) of each label.
    pub label_size: Vec<(i32, i32)>,
}

/// The text of every box and label, and their sizes.
pub(super) fn texts(stack: &Stack, diagram: &Diagram) -> Texts {
    let shown = |lines: Vec<String>, cols: usize| -> Vec<String> {
        lines
            .iter()
            .map(|l| fit(&crate::report::label_text(l), cols))
            .collect()
    };
    let mut node_title_lines = Vec::with_capacity(diagram.nodes.len());
    let node_lines: Vec<Vec<String>> = (0..diagram.nodes.len())
        .map(|v| {
            let lines = diagram.node_lines(stack, v);
            let mut shown_lines = wrap(&crate::report::label_text(&lines[0]), NAME_COLS, 2);
            node_title_lines.push(shown_lines.len());
            shown_lines.extend(shown(lines[1..].to_vec(), NAME_COLS + 6));
            shown_lines
        })
        .collect();
    // The service may be shortened; the status never is, it wraps.
    let label_lines: Vec<Vec<String>> = (0..diagram.links.len())
        .map(|i| {
            let mut lines = diagram.link_lines(stack, i);
            let status = lines.pop().unwrap_or_default();
            let mut shown_lines = shown(lines, LABEL_COLS);
            shown_lines.extend(wrap(&crate::report::label_text(&status), LABEL_COLS, 4));
            shown_lines
        })
        .collect();
    let node_size = node_lines
        .iter()
        .map(|lines| {
            let text = lines
                .iter()
                .enumerate()
                .map(|(i, l)| text_width(l, if i < 2 { NAME_COL } else { SMALL_COL }))
                .max()
                .unwrap_or(0);
            ((text + 24).max(90), lines.len() as i32 * LINE_H + 10)
        })
        .collect();
    let label_size = label_lines
        .iter()
        .map(|lines| {
            let text = lines
                .iter()
                .map(|l| text_width(l, SMALL_COL))
                .max()
                .unwrap_or(0);
            (text + 12, lines.len() as i32 * (LINE_H - 1) + 6)
        })
        .collect();
    Texts {
        node_lines,
        node_title_lines,
        label_lines,
        node_size,
        label_size,
    }
}

/// Most label rows under one row of boxes.
const MAX_DEPTH: usize = 3;

/// How many label rows each row of boxes needs so that no row of labels is much wider than
/// the widest row of boxes, and which label goes where: neighbours in the first ordering go
/// to different rows, so each row keeps a share of the width.
pub(super) fn stagger(o: &Ordered, t: &Texts) -> Stagger {
    let width = |row: &[usize]| -> i32 {
        row.iter()
            .map(|&item| match o.items[item] {
                Item::Node(v) => t.node_size[v].0 + GAP,
                Item::Label(l) => t.label_size[l].0 + GAP,
                Item::Pass(_) => PASS_W + PASS_GAP,
            })
            .sum()
    };
    let widest_boxes = o
        .box_rows
        .iter()
        .map(|&r| width(&o.rows[r]))
        .max()
        .unwrap_or(0)
        .max(900);
    let mut stagger = Stagger::flat(o.box_rows.len(), t.label_lines.len());
    for (b, &r) in o.box_rows.iter().enumerate() {
        let Some(labels) = o.rows.get(r + 1) else {
            continue;
        };
        let depth = (width(labels) as usize)
            .div_ceil(widest_boxes as usize)
            .clamp(1, MAX_DEPTH);
        stagger.depth[b] = depth;
        let mut k = 0;
        for &item in labels {
            if let Item::Label(l) = o.items[item] {
                stagger.level[l] = k % depth;
                k += 1;
            }
        }
    }
    stagger
}

/// Sizes every item and places it.
pub(super) fn place(o: &Ordered, t: Texts) -> Placed {
    let mut tops = vec![0usize; o.items.len()];
    let mut bottoms = vec![0usize; o.items.len()];
    for s in &o.segments {
        tops[s.lower] += 1;
        bottoms[s.upper] += 1;
    }
    let ports_w = |item: usize| {
        let n = tops[item].max(bottoms[item]) as i32;
        (n - 1).max(0) * PITCH + 2 * PORT_PAD
    };
    let mut width = vec![0; o.items.len()];
    let mut height = vec![0; o.items.len()];
    for (id, item) in o.items.iter().enumerate() {
        let (w, h) = match *item {
            Item::Node(v) => t.node_size[v],
            Item::Label(l) => t.label_size[l],
            Item::Pass(_) => (PASS_W, 0),
        };
        width[id] = match item {
            Item::Pass(_) => w,
            _ => w.max(ports_w(id)),
        };
        height[id] = h;
    }
    let origin = if o.layers.iter().any(Option::is_some) {
        LAYER_MARGIN
    } else {
        EDGE
    };
    let centres = balanced(o, &width);
    let mut placed = Placed {
        left: vec![0; o.items.len()],
        width,
        height,
        upper_x: vec![0; o.segments.len()],
        lower_x: vec![0; o.segments.len()],
        node_lines: t.node_lines,
        node_title_lines: t.node_title_lines,
        label_lines: t.label_lines,
        origin,
    };
    ports(o, &centres, &mut placed);
    placed
}

/// Item centres with every item as near the mean of its neighbours as the row's order and
/// spacing allow: sweeps down and up, each row solved exactly by isotonic regression.
fn balanced(o: &Ordered, width: &[i32]) -> Vec<f64> {
    let mut ups: Vec<Vec<usize>> = vec![Vec::new(); o.items.len()];
    let mut downs: Vec<Vec<usize>> = vec![Vec::new(); o.items.len()];
    for s in &o.segments {
        ups[s.lower].push(s.upper);
        downs[s.upper].push(s.lower);
    }
    let weight = |item: usize| match o.items[item] {
        Item::Node(_) => 1.0,
        Item::Label(_) => 2.0,
        Item::Pass(_) => 4.0,
    };
    let mut x = vec![0.0f64; o.items.len()];
    for row in &o.rows {
        let mut cursor = 0.0;
        for (i, &item) in row.iter().enumerate() {
            if i > 0 {
                cursor += gap(o.items[row[i - 1]], o.items[item]) as f64;
            }
            x[item] = cursor + width[item] as f64 / 2.0;
            cursor += width[item] as f64;
        }
    }
    for _ in 0..8 {
        for r in 1..o.rows.len() {
            balance_row(o, &o.rows[r], &ups, width, &weight, &mut x);
        }
        for r in (0..o.rows.len().saturating_sub(1)).rev() {
            balance_row(o, &o.rows[r], &downs, width, &weight, &mut x);
        }
    }
    let min = o
        .items
        .iter()
        .enumerate()
        .map(|(i, _)| x[i] - width[i] as f64 / 2.0)
        .fold(f64::INFINITY, f64::min);
    if min.is_finite() {
        for v in &mut x {
            *v -= min;
        }
    }
    x
}

/// Places one row: minimises the weighted squared distance of each item to the mean of its
/// neighbours, keeping order and spacing (pool-adjacent-violators on the shifted targets).
fn balance_row(
    o: &Ordered,
    row: &[usize],
    neighbours: &[Vec<usize>],
    width: &[i32],
    weight: &dyn Fn(usize) -> f64,
    x: &mut [f64],
) {
    let mut offset = 0.0;
    let mut offsets = Vec::with_capacity(row.len());
    for (i, &item) in row.iter().enumerate() {
        if i > 0 {
            offset += (width[row[i - 1]] + width[item]) as f64 / 2.0
                + gap(o.items[row[i - 1]], o.items[item]) as f64;
        }
        offsets.push(offset);
    }
    // Blocks of (total weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(row.len());
    for (i, &item) in row.iter().enumerate() {
        let ns = &neighbours[item];
        let (target, w) = if ns.is_empty() {
            (x[item], 0.1)
        } else {
            (
                ns.iter().map(|&n| x[n]).sum::<f64>() / ns.len() as f64,
                weight(item),
            )
        };
        blocks.push((w, w * (target - offsets[i]), 1));
        while blocks.len() > 1 {
            let (w2, s2, n2) = blocks[blocks.len() - 1];
            let (w1, s1, n1) = blocks[blocks.len() - 2];
            if s1 / w1 <= s2 / w2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (w1 + w2, s1 + s2, n1 + n2);
        }
    }
    let mut i = 0;
    for (w, s, n) in blocks {
        for _ in 0..n {
            x[row[i]] = s / w + offsets[i];
            i += 1;
        }
    }
}

/// The sweep from the top: each row left to right, items no further left than the previous
/// item allows, each port as close as it can be to where its segment comes from, and never
/// within [`MIN_SEP`] of a port of another segment across the channel above. Boxes widen when
/// their ports need it.
fn ports(o: &Ordered, centres: &[f64], p: &mut Placed) {
    let mut tops: Vec<Vec<usize>> = vec![Vec::new(); o.items.len()];
    let mut bottoms: Vec<Vec<usize>> = vec![Vec::new(); o.items.len()];
    for (i, s) in o.segments.iter().enumerate() {
        tops[s.lower].push(i);
        bottoms[s.upper].push(i);
    }
    let origin = p.origin;
    let centre = |item: usize| origin + centres[item].round() as i32;
    for r in 0..o.rows.len() {
        // Ports of the channel above, at the bottoms of the row above.
        let mut taken: Vec<(i32, usize)> = o
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.row + 1 == r)
            .map(|(i, _)| (p.upper_x[i], i))
            .collect();
        taken.sort_unstable();
        let mut cursor = origin;
        for (i, &item) in o.rows[r].iter().enumerate() {
            if i > 0 {
                cursor += gap(o.items[o.rows[r][i - 1]], o.items[item]);
            }
            let mut top = tops[item].clone();
            top.sort_by_key(|&s| (p.upper_x[s], s));
            let mut bottom = bottoms[item].clone();
            bottom.sort_by_key(|&s| (centre(o.segments[s].lower), s));
            let w = p.width[item];
            let single = matches!(o.items[item], Item::Pass(_))
                || (matches!(o.items[item], Item::Label(_)) && top.len() <= 1);
            if single {
                let wanted = top.first().map_or(centre(item), |&s| p.upper_x[s]);
                let x = free(wanted.max(cursor + w / 2), top.first().copied(), &taken);
                p.left[item] = x - w / 2;
                for &s in &top {
                    p.lower_x[s] = x;
                }
                for &s in &bottom {
                    p.upper_x[s] = x;
                }
            } else {
                let left = (centre(item) - w / 2).max(cursor);
                p.left[item] = left;
                let wanted: Vec<i32> = top.iter().map(|&s| p.upper_x[s]).collect();
                let xs = spread(left, &mut p.width[item], &wanted, |x, i| {
                    free(x, Some(top[i]), &taken)
                });
                for (&s, x) in top.iter().zip(xs) {
                    p.lower_x[s] = x;
                }
                let wanted: Vec<i32> = bottom
                    .iter()
                    .map(|&s| centre(o.segments[s].lower))
                    .collect();
                let xs = spread(left, &mut p.width[item], &wanted, |x, _| x);
                for (&s, x) in bottom.iter().zip(xs) {
                    p.upper_x[s] = x;
                }
            }
            cursor = p.left[item] + p.width[item];
        }
    }
}

/// Ports along one side of a box at `left`: in order, [`PITCH`] apart, each as near its wanted
/// x as the box allows, moved right by `avoid` when that x is taken; the box widens when the
/// last port would not fit.
fn spread(
    left: i32,
    width: &mut i32,
    wanted: &[i32],
    avoid: impl Fn(i32, usize) -> i32,
) -> Vec<i32> {
    let n = wanted.len() as i32;
    let lo = left + PORT_PAD;
    let hi = left + *width - PORT_PAD;
    let mut xs: Vec<i32> = Vec::with_capacity(wanted.len());
    for (i, &want) in wanted.iter().enumerate() {
        let i32i = i as i32;
        let min = lo + i32i * PITCH;
        let max = (hi - (n - 1 - i32i) * PITCH).max(min);
        let mut x = want.clamp(min, max);
        if let Some(&prev) = xs.last() {
            x = x.max(prev + PITCH);
        }
        xs.push(avoid(x, i));
    }
    if let Some(&last) = xs.last()
        && last > hi
    {
        *width = last + PORT_PAD - left;
    }
    xs
}

/// The first x at or right of `x` that is at least [`MIN_SEP`] from every port in `taken`
/// other than the segment's own (sorted by x).
fn free(mut x: i32, own: Option<usize>, taken: &[(i32, usize)]) -> i32 {
    loop {
        let clash = taken
            .iter()
            .find(|&&(tx, s)| Some(s) != own && (tx - x).abs() < MIN_SEP);
        match clash {
            Some(&(tx, _)) => x = tx + MIN_SEP,
            None => return x,
        }
    }
}
