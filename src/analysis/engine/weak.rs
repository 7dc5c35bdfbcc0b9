//! Weak assurance, for every local node of a control at once: the best path, its weakest
//! link (shown with its evidence as it counts on the analysis date), the lowest evidence on it
//! and how many lapsed links are at it, and the lapsed link that lowered most the path the
//! assurance would take with every document in force.

use super::search::{Assurance, Edge, NO_EDGE};
use crate::analysis::chains::Forest;
use crate::stack::{Evidence, HandoffIdx};

/// A link of a path, as the weak-assurance explanation compares them.
#[derive(Clone, Copy)]
pub(super) struct Link {
    pub(super) handoff: HandoffIdx,
    pub(super) entry: u32,
    /// Its evidence on the analysis date.
    pub(super) now: Evidence,
    /// Whether an expiry lowered it below what it states.
    pub(super) lapsed: bool,
}

impl Link {
    pub(super) fn of(e: &Edge) -> Link {
        Link {
            handoff: e.handoff,
            entry: e.entry,
            now: e.now,
            lapsed: e.now != e.stated,
        }
    }

    /// Whether this link, closer to the start of a path, is shown as its weakest rather than
    /// `below`, the weakest further down: it is weaker, or as weak and not lapsed when `below`
    /// is lapsed or vice versa — a link that stands as written is what holds the path down
    /// among equals (renewing the other would change nothing), else the closer one.
    /// The lowest evidence on a path and the lapsed links at it, with this link put in front
    /// of the path whose are `below`.
    pub(super) fn lower(self, below: Option<(Evidence, u32)>) -> (Evidence, u32) {
        let mine = u32::from(self.lapsed);
        match below {
            Some((floor, n)) if floor < self.now => (floor, n),
            Some((floor, n)) if floor == self.now => (floor, n + mine),
            _ => (self.now, mine),
        }
    }

    pub(super) fn shown_before(self, below: Option<Link>) -> bool {
        below.is_none_or(|b| self.now < b.now || (self.now == b.now && (!self.lapsed || b.lapsed)))
    }
}

/// Weak assurance, for every local node at once: the best path (abridged), its weakest link,
/// and the lapsed link that lowered most the best path as stated.
pub(super) struct WeakPaths {
    pub(super) now: Forest,
    pub(super) weakest: Vec<Option<Link>>,
    /// The lowest evidence on the best path, and how many lapsed links are at it: more than
    /// one, and renewing a single document cannot raise the assurance.
    pub(super) floor: Vec<Option<(Evidence, u32)>>,
    /// The lapsed link with the lowest evidence now (the closest among equals) on the best
    /// path as stated: the path the assurance would take with every document in force.
    pub(super) expired: Vec<Option<Link>>,
}

impl WeakPaths {
    pub(super) fn new(
        edges: &[Edge],
        now: &Assurance,
        order: &[u32],
        stated: Option<(&Assurance, &[u32])>,
    ) -> WeakPaths {
        let next = |a: &Assurance| -> Vec<u32> {
            a.via
                .iter()
                .map(|&ei| {
                    if ei == NO_EDGE {
                        NO_EDGE
                    } else {
                        edges[ei as usize].to
                    }
                })
                .collect()
        };
        let forest = Forest::new(next(now), order);
        let weakest = forest.fold(order, None, |n, below: &Option<Link>| {
            let link = Link::of(&edges[now.via[n as usize] as usize]);
            if link.shown_before(*below) {
                Some(link)
            } else {
                *below
            }
        });
        let floor = forest.fold(order, None, |n, below: &Option<(Evidence, u32)>| {
            let link = Link::of(&edges[now.via[n as usize] as usize]);
            Some(link.lower(*below))
        });
        let expired = match stated {
            Some((st, st_order)) => {
                let forest = Forest::new(next(st), st_order);
                forest.fold(st_order, None, |n, below: &Option<Link>| {
                    let link = Link::of(&edges[st.via[n as usize] as usize]);
                    if link.lapsed && below.is_none_or(|b| link.now <= b.now) {
                        Some(link)
                    } else {
                        *below
                    }
                })
            }
            None => vec![None; now.via.len()],
        };
        WeakPaths {
            now: forest,
            weakest,
            floor,
            expired,
        }
    }
}
