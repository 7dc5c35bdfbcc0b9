//! Weak assurance, for every local node of a control at once: the best path, its weakest
//! link (shown with its evidence as it counts on the analysis date) and how many links are as
//! weak, and the lapsed link that lowered most the path the assurance would take with every
//! document in force.

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

    /// The weakest link of a path that starts with this link and goes on along a path whose
    /// weakest is `below`: this link when it is weaker, or as weak and not lapsed when `below`
    /// is lapsed or vice versa — a link that stands as written is what holds the path down
    /// among equals (renewing the other would change nothing), else the closer one.
    pub(super) fn in_front_of(self, below: Option<Weakest>) -> Weakest {
        match below {
            Some(b) if b.link.now < self.now => b,
            Some(b) if b.link.now == self.now => Weakest {
                link: if !self.lapsed || b.link.lapsed {
                    self
                } else {
                    b.link
                },
                ties: b.ties + 1,
            },
            _ => Weakest {
                link: self,
                ties: 1,
            },
        }
    }
}

/// The weakest link of a path, and how many of its links are as weak. A lapsed weakest link
/// means every one of them lapsed (one standing as written would have been shown instead):
/// more than one, and renewing a single document cannot raise the assurance.
#[derive(Clone, Copy)]
pub(super) struct Weakest {
    pub(super) link: Link,
    pub(super) ties: u32,
}

/// Weak assurance, for every local node at once: the best path (abridged), its weakest link,
/// and the lapsed link that lowered most the best path as stated.
pub(super) struct WeakPaths {
    pub(super) now: Forest,
    pub(super) weakest: Vec<Option<Weakest>>,
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
        let weakest = forest.fold(order, None, |n, below: &Option<Weakest>| {
            Some(Link::of(&edges[now.via[n as usize] as usize]).in_front_of(*below))
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
            expired,
        }
    }
}
