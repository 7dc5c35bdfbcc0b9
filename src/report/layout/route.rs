//! The channels between rows: every segment that has to move sideways gets a track of its own
//! (shared only with segments whose horizontal spans are apart), the rows and channels get
//! their heights, and each link's path is put together from its segments.

use super::diagram::Diagram;
use super::order::{Chain, Item, Ordered};
use super::place::{Band, Drawing, EDGE, LinkPath, MIN_SEP, Placed, Rect};

/// Distance between two tracks of a channel.
const TRACK_PITCH: i32 = 8;
/// Free height at the top and bottom of a channel, where arrowheads sit.
const CHANNEL_MARGIN: i32 = 14;
/// Height of a channel no segment uses.
const EMPTY_CHANNEL: i32 = 10;

/// Tracks of the segments of one channel (`None`: straight down, no track).
fn tracks(segments: &[(usize, i32, i32)]) -> (Vec<(usize, Option<usize>)>, usize) {
    // Segments going right, the rightmost start on top, then those going left, the leftmost
    // start on top: two segments that overlap and go the same way then never cross.
    let mut right: Vec<&(usize, i32, i32)> = segments.iter().filter(|s| s.1 < s.2).collect();
    let mut left: Vec<&(usize, i32, i32)> = segments.iter().filter(|s| s.1 > s.2).collect();
    right.sort_by_key(|s| (std::cmp::Reverse(s.1), s.0));
    left.sort_by_key(|s| (s.1, s.0));
    let mut used: Vec<Vec<(i32, i32)>> = Vec::new();
    let mut out: Vec<(usize, Option<usize>)> = segments
        .iter()
        .filter(|s| s.1 == s.2)
        .map(|s| (s.0, None))
        .collect();
    for &&(seg, a, b) in right.iter().chain(&left) {
        let (lo, hi) = (a.min(b), a.max(b));
        let free = used.iter().position(|spans| {
            spans
                .iter()
                .all(|&(l, h)| hi + MIN_SEP <= l || h + MIN_SEP <= lo)
        });
        let t = match free {
            Some(t) => t,
            None => {
                used.push(Vec::new());
                used.len() - 1
            }
        };
        used[t].push((lo, hi));
        out.push((seg, Some(t)));
    }
    (out, used.len())
}

/// Removes repeated points and the middle of three points on one line.
fn simplify(points: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Heights and tops of rows and channels, and the track of every segment.
struct Heights {
    row_top: Vec<i32>,
    row_h: Vec<i32>,
    channel_top: Vec<i32>,
    track_of: Vec<Option<usize>>,
    height: i32,
}

/// Gives every segment its track and every row and channel its height and top.
fn heights(o: &Ordered, p: &Placed) -> Heights {
    let rows = o.rows.len();
    let row_h: Vec<i32> = o
        .rows
        .iter()
        .map(|row| row.iter().map(|&i| p.height[i]).max().unwrap_or(0))
        .collect();
    let mut track_of = vec![None; o.segments.len()];
    let mut channel_h = vec![EMPTY_CHANNEL; rows.saturating_sub(1)];
    for (c, h) in channel_h.iter_mut().enumerate() {
        let segs: Vec<(usize, i32, i32)> = o
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.row == c)
            .map(|(i, _)| (i, p.upper_x[i], p.lower_x[i]))
            .collect();
        if segs.is_empty() {
            continue;
        }
        let (assigned, n) = tracks(&segs);
        for (s, t) in assigned {
            track_of[s] = t;
        }
        *h = 2 * CHANNEL_MARGIN + (n.max(1) as i32 - 1) * TRACK_PITCH;
    }
    let mut row_top = vec![0; rows];
    let mut channel_top = vec![0; rows.saturating_sub(1)];
    let mut y = EDGE;
    for r in 0..rows {
        row_top[r] = y;
        y += row_h[r];
        if r + 1 < rows {
            channel_top[r] = y;
            y += channel_h[r];
        }
    }
    Heights {
        row_top,
        row_h,
        channel_top,
        track_of,
        height: y + EDGE,
    }
}

/// The corners of one segment: down from its upper item, along its track, down into its lower
/// item (or straight down when both ports line up).
fn segment_points(o: &Ordered, p: &Placed, hs: &Heights, s: usize) -> Vec<(i32, i32)> {
    let seg = &o.segments[s];
    let row = o.row_of[seg.upper];
    let yu = match o.items[seg.upper] {
        Item::Pass(_) => hs.row_top[row] + hs.row_h[row],
        _ => hs.row_top[row] + p.height[seg.upper],
    };
    let yl = hs.row_top[seg.row + 1];
    let (xu, xl) = (p.upper_x[s], p.lower_x[s]);
    match hs.track_of[s] {
        None => vec![(xu, yu), (xl, yl)],
        Some(t) => {
            let ty = hs.channel_top[seg.row] + CHANNEL_MARGIN + t as i32 * TRACK_PITCH;
            vec![(xu, yu), (xu, ty), (xl, ty), (xl, yl)]
        }
    }
}

/// A link's two paths, consumer to label and label to provider, from its chain of segments
/// (which run downwards).
fn link_path(o: &Ordered, p: &Placed, hs: &Heights, chain: &Chain) -> LinkPath {
    let join = |segs: &[usize]| -> Vec<(i32, i32)> {
        simplify(
            segs.iter()
                .flat_map(|&s| segment_points(o, p, hs, s))
                .collect(),
        )
    };
    let reversed = |mut v: Vec<(i32, i32)>| {
        v.reverse();
        v
    };
    let (down_to_label, down_from_label) = (join(&chain.to_label), join(&chain.from_label));
    if chain.same_row {
        LinkPath {
            to_label: down_to_label,
            from_label: reversed(down_from_label),
        }
    } else if chain.consumer_above {
        LinkPath {
            to_label: down_to_label,
            from_label: down_from_label,
        }
    } else {
        LinkPath {
            to_label: reversed(down_from_label),
            from_label: reversed(down_to_label),
        }
    }
}

/// Routes every segment and assembles the drawing.
pub(super) fn route(diagram: &Diagram, o: &Ordered, p: Placed) -> Drawing {
    let hs = heights(o, &p);
    let mut nodes = vec![Rect::default(); diagram.nodes.len()];
    let mut labels = vec![Rect::default(); diagram.links.len()];
    for (id, item) in o.items.iter().enumerate() {
        let rect = Rect {
            x: p.left[id],
            y: hs.row_top[o.row_of[id]],
            w: p.width[id],
            h: p.height[id],
        };
        match *item {
            Item::Node(v) => nodes[v] = rect,
            Item::Label(l) => labels[l] = rect,
            Item::Pass(_) => {}
        }
    }
    let paths = o
        .chains
        .iter()
        .map(|chain| link_path(o, &p, &hs, chain))
        .collect();
    let width = (0..o.items.len())
        .map(|i| p.left[i] + p.width[i])
        .max()
        .unwrap_or(0)
        + EDGE;
    let bands = o
        .layers
        .iter()
        .enumerate()
        .map(|(r, &layer)| Band {
            layer,
            y: hs.row_top[o.box_rows[r]],
            h: hs.row_h[o.box_rows[r]],
        })
        .collect();
    Drawing {
        width,
        height: hs.height,
        layered: p.origin > EDGE,
        nodes,
        node_lines: p.node_lines,
        node_title_lines: p.node_title_lines,
        labels,
        label_lines: p.label_lines,
        paths,
        bands,
    }
}
