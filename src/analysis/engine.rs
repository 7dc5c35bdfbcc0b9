//! The per-control analysis of SPEC §2: who delivers a control (a least fixpoint, computed as a
//! reverse breadth-first search from its implementers), the assurance of each party (a widest
//! path, one search per evidence level), and the findings at every entry and requirement.
//! Every search is iterative, so deep chains cannot overflow the stack.

use std::collections::{HashMap, VecDeque};

use super::{Finding, Kind, Place, WhatIf};
use crate::stack::{AcceptPlace, ControlIdx, Evidence, HandoffIdx, Owner, PartyIdx, Side, Stack};

const NONE: u32 = u32::MAX;

/// One delegation of the control: `from` relies on `to` for it.
#[derive(Clone, Copy)]
struct Edge {
    from: u32,
    to: u32,
    /// Evidence on the analysis date.
    now: Evidence,
    /// Evidence as stated, ignoring expiry.
    stated: Evidence,
    handoff: HandoffIdx,
    entry: u32,
}

/// Compressed adjacency: the edges leaving (or entering) each local node.
struct Adjacency {
    start: Vec<u32>,
    edges: Vec<u32>,
}

impl Adjacency {
    fn build(nodes: usize, edges: &[Edge], key: impl Fn(&Edge) -> u32) -> Adjacency {
        let mut start = vec![0u32; nodes + 1];
        for e in edges {
            start[key(e) as usize + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut out = vec![0u32; edges.len()];
        for (i, e) in edges.iter().enumerate() {
            let k = key(e) as usize;
            out[fill[k] as usize] = i as u32;
            fill[k] += 1;
        }
        Adjacency { start, edges: out }
    }

    fn of(&self, node: u32) -> &[u32] {
        &self.edges[self.start[node as usize] as usize..self.start[node as usize + 1] as usize]
    }
}

/// The best assurance of each local node and the edge its best path leaves by.
struct Assurance {
    level: Vec<Option<Evidence>>,
    via: Vec<u32>,
}

/// Reusable state for analysing the controls of one stack under one set of what-ifs.
pub(super) struct Engine<'s> {
    stack: &'s Stack,
    what_if: &'s WhatIf,
    min_evidence: Evidence,
    accepts: HashMap<(ControlIdx, Kind, AcceptPlace), u32>,
    /// Global party → local node of the control being analysed (NONE when not involved).
    slot: Vec<u32>,
}

impl<'s> Engine<'s> {
    pub(super) fn new(stack: &'s Stack, what_if: &'s WhatIf) -> Engine<'s> {
        let accepts = stack
            .accepts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_current(what_if.as_of))
            .filter_map(|(i, a)| a.place.clone().map(|p| ((a.control, a.kind, p), i as u32)))
            .collect();
        Engine {
            stack,
            what_if,
            min_evidence: what_if.min_evidence(stack),
            accepts,
            slot: vec![NONE; stack.parties.len()],
        }
    }

    /// All findings of one control, in SPEC §4 order.
    pub(super) fn control(&mut self, control: ControlIdx) -> Vec<Finding> {
        let stack = self.stack;
        let ix = stack.index();
        let entries = &ix.entries_of[control as usize];
        let requirers = &ix.requirers[control as usize];
        if entries.is_empty() && requirers.is_empty() {
            return Vec::new();
        }
        let as_of = self.what_if.as_of;

        // Local graph of the control's delegations.
        let mut nodes: Vec<PartyIdx> = Vec::new();
        let slot = &mut self.slot;
        let mut local = |p: PartyIdx, nodes: &mut Vec<PartyIdx>| -> u32 {
            if slot[p as usize] == NONE {
                slot[p as usize] = nodes.len() as u32;
                nodes.push(p);
            }
            slot[p as usize]
        };
        let mut edges = Vec::new();
        for &(h, e) in entries {
            let handoff = stack.handoff(h);
            let entry = &handoff.entries[e as usize];
            if entry.owner() == Some(Owner::Provider) && !self.what_if.is_off(handoff.consumer) {
                let from = local(handoff.consumer, &mut nodes);
                let to = local(handoff.provider, &mut nodes);
                edges.push(Edge {
                    from,
                    to,
                    now: entry.evidence(as_of),
                    stated: entry.stated_evidence(),
                    handoff: h,
                    entry: e,
                });
            }
        }
        let mut seeds = Vec::new();
        for &p in &ix.implementers[control as usize] {
            if !self.what_if.is_off(p) {
                seeds.push(local(p, &mut nodes));
            }
        }
        let n = nodes.len();
        let forward = Adjacency::build(n, &edges, |e| e.from);
        let backward = Adjacency::build(n, &edges, |e| e.to);

        let now = assurance(n, &edges, &backward, &seeds, |e| e.now);
        let any_expired = edges.iter().any(|e| e.now != e.stated);
        let stated = any_expired.then(|| assurance(n, &edges, &backward, &seeds, |e| e.stated));
        let in_s = |p: PartyIdx| {
            self.slot[p as usize] != NONE && now.level[self.slot[p as usize] as usize].is_some()
        };
        let delegates = |p: PartyIdx| {
            self.slot[p as usize] != NONE && !forward.of(self.slot[p as usize]).is_empty()
        };

        let mut chains: HashMap<PartyIdx, (Vec<PartyIdx>, Vec<PartyIdx>)> = HashMap::new();
        let mut findings = Vec::new();
        let mut listing_consumers: Vec<PartyIdx> = Vec::with_capacity(entries.len());
        for &(h, e) in entries {
            let handoff = stack.handoff(h);
            let entry = &handoff.entries[e as usize];
            listing_consumers.push(handoff.consumer);
            let Some(owner) = entry.owner() else {
                findings.push(self.finding(
                    Kind::Unassigned,
                    control,
                    Place::Handoff {
                        handoff: h,
                        side: None,
                    },
                ));
                continue;
            };
            let sides: &[Side] = match owner {
                Owner::Provider => &[Side::Provider],
                Owner::Consumer => &[Side::Consumer],
                Owner::Shared => &[Side::Provider, Side::Consumer],
            };
            for &side in sides {
                let f = if side == Side::Provider {
                    handoff.provider
                } else {
                    handoff.consumer
                };
                let unexpected =
                    entry.agreed.is_some() && entry.assumed.is_some_and(|a| !a.names(side));
                let place = Place::Handoff {
                    handoff: h,
                    side: Some(side),
                };
                if !in_s(f) {
                    if unexpected {
                        findings.push(self.finding(Kind::NoMansLand, control, place));
                    } else if delegates(f) {
                        let (roots, chain) = chains
                            .entry(f)
                            .or_insert_with(|| {
                                root_causes(stack, &nodes, &edges, &forward, self.slot[f as usize])
                            })
                            .clone();
                        let mut finding = self.finding(Kind::BrokenChain, control, place);
                        finding.circular = roots.is_empty();
                        finding.root_causes = roots;
                        finding.chain = chain;
                        findings.push(finding);
                    } else {
                        findings.push(self.finding(Kind::NotDelivered, control, place));
                    }
                    continue;
                }
                if unexpected {
                    findings.push(self.finding(Kind::Misunderstanding, control, place));
                    continue;
                }
                if entry.agreed.is_none() {
                    findings.push(self.finding(Kind::Unconfirmed, control, place));
                    continue;
                }
                let level = |a: &Assurance, entry_ev: Evidence| {
                    let own = a.level[self.slot[f as usize] as usize].unwrap_or(Evidence::None);
                    if side == Side::Provider {
                        own.min(entry_ev)
                    } else {
                        own
                    }
                };
                let got = level(&now, entry.evidence(as_of));
                if got >= self.min_evidence {
                    continue;
                }
                let mut finding = self.finding(Kind::WeakAssurance, control, place);
                finding.assurance = Some(got);
                let start = self.slot[f as usize];
                let (chain, weakest) = best_path(&nodes, &edges, &now, start);
                finding.chain = chain;
                finding.weakest = weakest.map(|(h, _)| h);
                if side == Side::Provider {
                    finding.chain.insert(0, handoff.consumer);
                    let own = entry.evidence(as_of);
                    if weakest.is_none_or(|(_, ev)| own <= ev) {
                        finding.weakest = Some(h);
                    }
                }
                if let Some(stated) = &stated {
                    let would = level(stated, entry.stated_evidence());
                    if would > got {
                        let own = (side == Side::Provider && entry.is_expired(as_of))
                            .then_some((h, entry.expires));
                        finding.expired = own
                            .or_else(|| expired_on_path(&edges, stated, start, as_of, stack))
                            .and_then(|(h, d)| d.map(|d| (h, d)));
                    }
                }
                findings.push(finding);
            }
        }

        listing_consumers.sort_unstable();
        for &p in requirers {
            if !in_s(p) && listing_consumers.binary_search(&p).is_err() {
                findings.push(self.finding(Kind::Unassigned, control, Place::Party(p)));
            }
        }

        for &p in &nodes {
            self.slot[p as usize] = NONE;
        }
        findings.sort_by(|a, b| super::order_key(stack, a).cmp(&super::order_key(stack, b)));
        findings
    }

    fn finding(&self, kind: Kind, control: ControlIdx, place: Place) -> Finding {
        let accept_place = match place {
            Place::Handoff { handoff, .. } => AcceptPlace::Handoff(handoff),
            Place::Party(p) => AcceptPlace::Party(p),
        };
        Finding {
            kind,
            control,
            place,
            root_causes: Vec::new(),
            circular: false,
            chain: Vec::new(),
            assurance: None,
            weakest: None,
            expired: None,
            accepted: self.accepts.get(&(control, kind, accept_place)).copied(),
        }
    }
}

/// The widest-path assurance of every local node: one backward search per evidence level,
/// strongest first; implementers are `verified`. `None` means the node does not deliver.
fn assurance(
    n: usize,
    edges: &[Edge],
    backward: &Adjacency,
    seeds: &[u32],
    ev: impl Fn(&Edge) -> Evidence,
) -> Assurance {
    let mut level = vec![None; n];
    let mut via = vec![NONE; n];
    let mut reached: Vec<u32> = Vec::with_capacity(n);
    for &s in seeds {
        if level[s as usize].is_none() {
            level[s as usize] = Some(Evidence::Verified);
            reached.push(s);
        }
    }
    for lvl in Evidence::ALL.into_iter().rev() {
        // Every node reached so far has assurance ≥ lvl: search on from all of them.
        let mut queue: VecDeque<u32> = reached.iter().copied().collect();
        while let Some(q) = queue.pop_front() {
            for &ei in backward.of(q) {
                let e = &edges[ei as usize];
                if level[e.from as usize].is_none() && ev(e) >= lvl {
                    level[e.from as usize] = Some(lvl);
                    via[e.from as usize] = ei;
                    reached.push(e.from);
                    queue.push_back(e.from);
                }
            }
        }
    }
    Assurance { level, via }
}

/// The parties on the best assurance path from a local node down to an implementer, and its
/// weakest link (the first hand-off with the lowest evidence).
fn best_path(
    nodes: &[PartyIdx],
    edges: &[Edge],
    a: &Assurance,
    start: u32,
) -> (Vec<PartyIdx>, Option<(HandoffIdx, Evidence)>) {
    let mut path = vec![nodes[start as usize]];
    let mut weakest: Option<(HandoffIdx, Evidence)> = None;
    let mut at = start;
    while a.via[at as usize] != NONE && path.len() <= nodes.len() {
        let e = &edges[a.via[at as usize] as usize];
        if weakest.is_none_or(|(_, ev)| e.now < ev) {
            weakest = Some((e.handoff, e.now));
        }
        at = e.to;
        path.push(nodes[at as usize]);
    }
    (path, weakest)
}

/// The first expired entry on the best stated path from a local node.
fn expired_on_path(
    edges: &[Edge],
    stated: &Assurance,
    start: u32,
    as_of: crate::date::Date,
    stack: &Stack,
) -> Option<(HandoffIdx, Option<crate::date::Date>)> {
    let mut at = start;
    let mut steps = 0;
    while stated.via[at as usize] != NONE && steps <= edges.len() {
        let e = &edges[stated.via[at as usize] as usize];
        let entry = &stack.handoff(e.handoff).entries[e.entry as usize];
        if entry.is_expired(as_of) {
            return Some((e.handoff, entry.expires));
        }
        at = e.to;
        steps += 1;
    }
    None
}

/// Broken chain: the parties reachable by one or more delegations that delegate no further
/// (sorted by id), and the path to the first of them — or, when there is none, the circle.
fn root_causes(
    stack: &Stack,
    nodes: &[PartyIdx],
    edges: &[Edge],
    forward: &Adjacency,
    start: u32,
) -> (Vec<PartyIdx>, Vec<PartyIdx>) {
    let mut parent = vec![NONE; nodes.len()];
    let mut seen = vec![false; nodes.len()];
    let mut queue = VecDeque::new();
    let mut roots = Vec::new();
    for &ei in forward.of(start) {
        let to = edges[ei as usize].to;
        if !seen[to as usize] {
            seen[to as usize] = true;
            parent[to as usize] = start;
            queue.push_back(to);
        }
    }
    while let Some(q) = queue.pop_front() {
        let out = forward.of(q);
        if out.is_empty() {
            roots.push(q);
        }
        for &ei in out {
            let to = edges[ei as usize].to;
            if !seen[to as usize] {
                seen[to as usize] = true;
                parent[to as usize] = q;
                queue.push_back(to);
            }
        }
    }
    roots.sort_by(|&a, &b| {
        stack
            .party(nodes[a as usize])
            .id
            .cmp(&stack.party(nodes[b as usize]).id)
    });
    let chain = match roots.first() {
        Some(&first) => {
            let mut path = vec![first];
            let mut at = first;
            while at != start && parent[at as usize] != NONE && path.len() <= nodes.len() {
                at = parent[at as usize];
                path.push(at);
            }
            path.reverse();
            path
        }
        None => {
            // Follow the first delegation out of each party until one repeats: the circle.
            let mut path = vec![start];
            let mut on_path = vec![false; nodes.len()];
            on_path[start as usize] = true;
            let mut at = start;
            while let Some(&ei) = forward.of(at).first() {
                at = edges[ei as usize].to;
                path.push(at);
                if on_path[at as usize] {
                    break;
                }
                on_path[at as usize] = true;
            }
            path
        }
    };
    (
        roots.into_iter().map(|r| nodes[r as usize]).collect(),
        chain.into_iter().map(|c| nodes[c as usize]).collect(),
    )
}
