//! The per-control analysis of SPEC §2: a control's delegations become a small local graph;
//! the searches of `engine/search.rs` find who delivers it (a least fixpoint, computed as a
//! reverse breadth-first search from its implementers) and the assurance of each party (a
//! widest path, one search per evidence level); each entry's responsible sides are judged by
//! the rules of `rules.rs`, with the root causes, paths and weakest links (`engine/weak.rs`)
//! the findings report;
//! then every requirement. Every search is iterative, so deep chains cannot overflow the stack.
//!
//! Speed (docs/performance.md): a whole-stack analysis ([`all_controls`]) first copies every
//! entry into a compact per-control table in one sequential pass and ranks hand-offs and
//! parties in report order once, so the per-control loops read a small array and sort by
//! integers, and shares the controls out among the cores; the search buffers are reused from
//! one control to the next. A one-control analysis reads its entries from the stack directly
//! and sorts by id.

use std::collections::HashMap;

mod search;
mod weak;

use super::chains::{BrokenChains, Succ};
use super::{Finding, Kind, Place, WhatIf, rules};
use crate::date::Date;
use crate::stack::{
    AcceptPlace, ControlIdx, Entry, Evidence, Handoff, HandoffIdx, Owner, PartyIdx, Side, Stack,
};
use search::{Adjacency, Assurance, Edge, assurance};
use weak::{Link, WeakPaths};

const NONE: u32 = u32::MAX;
/// In `Engine::slot`: the party implements the control and meets no delegation of it, so it
/// delivers it (`verified`) without being a node of the search.
const IMPLEMENTS: u32 = u32::MAX - 1;

/// One entry listing the control, with what the analysis reads of it and its hand-off.
#[derive(Clone, Copy)]
struct Row {
    handoff: HandoffIdx,
    entry: u32,
    consumer: PartyIdx,
    provider: PartyIdx,
    agreed: Option<Owner>,
    assumed: Option<Owner>,
    /// Evidence on the analysis date.
    now: Evidence,
    /// Evidence as stated, ignoring expiry.
    stated: Evidence,
}

impl Row {
    fn new(stack: &Stack, handoff: HandoffIdx, entry: u32, as_of: Date) -> Row {
        let h = stack.handoff(handoff);
        Row::of(stack, handoff, h, entry, &h.entries[entry as usize], as_of)
    }

    /// The row of an entry already in hand (the whole-stack pass walks them in order).
    fn of(
        stack: &Stack,
        handoff: HandoffIdx,
        h: &Handoff,
        entry: u32,
        e: &Entry,
        as_of: Date,
    ) -> Row {
        Row {
            handoff,
            entry,
            consumer: h.consumer,
            provider: h.provider,
            agreed: e.agreed,
            assumed: e.assumed,
            now: e.evidence(&stack.documents, as_of),
            stated: e.stated_evidence(&stack.documents),
        }
    }

    /// The effective owner: `agreed` if set, else `assumed`.
    fn owner(&self) -> Option<Owner> {
        self.agreed.or(self.assumed)
    }
}

/// Every control's rows, in the order of `Index::entries_of`, gathered in one pass.
pub(super) struct Gathered {
    start: Vec<u32>,
    rows: Vec<Row>,
}

impl Gathered {
    pub(super) fn new(stack: &Stack, as_of: Date) -> Gathered {
        let entries_of = &stack.index().entries_of;
        let mut start = Vec::with_capacity(entries_of.len() + 1);
        start.push(0u32);
        for list in entries_of {
            start.push(start[start.len() - 1] + list.len() as u32);
        }
        let mut fill: Vec<u32> = start[..entries_of.len()].to_vec();
        let placeholder = Row {
            handoff: 0,
            entry: 0,
            consumer: 0,
            provider: 0,
            agreed: None,
            assumed: None,
            now: Evidence::None,
            stated: Evidence::None,
        };
        let mut rows = vec![placeholder; start[entries_of.len()] as usize];
        // Hand-offs and entries in index order: the order `entries_of` lists them in.
        for (h, handoff) in stack.handoffs.iter().enumerate() {
            for (e, entry) in handoff.entries.iter().enumerate() {
                let at = &mut fill[entry.control as usize];
                rows[*at as usize] =
                    Row::of(stack, h as HandoffIdx, handoff, e as u32, entry, as_of);
                *at += 1;
            }
        }
        Gathered { start, rows }
    }

    fn of(&self, control: ControlIdx) -> &[Row] {
        &self.rows[self.start[control as usize] as usize..self.start[control as usize + 1] as usize]
    }
}

/// The position of each hand-off and party in SPEC §4 order, so findings sort by integers.
/// They depend only on ids and hand-offs, which no edit changes: a [`super::Report`] keeps them
/// for re-analysing one control and for sorting.
pub(super) struct Ranks {
    pub(super) handoff: Vec<u32>,
    pub(super) party: Vec<u32>,
}

impl Ranks {
    pub(super) fn new(stack: &Stack) -> Ranks {
        let mut by_id: Vec<(&[u8], PartyIdx)> = stack
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_bytes(), i as PartyIdx))
            .collect();
        by_id.sort_unstable();
        let parties: Vec<PartyIdx> = by_id.into_iter().map(|(_, p)| p).collect();
        let mut party = vec![0; parties.len()];
        for (rank, &p) in parties.iter().enumerate() {
            party[p as usize] = rank as u32;
        }
        // By consumer and provider rank packed in one integer (the service, rarely needed, only
        // breaks ties), in a table of its own rather than through the hand-offs.
        let mut keyed: Vec<(u64, HandoffIdx)> = stack
            .handoffs
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let pair = u64::from(party[h.consumer as usize]) << 32
                    | u64::from(party[h.provider as usize]);
                (pair, i as HandoffIdx)
            })
            .collect();
        keyed.sort_unstable_by(|&(ka, a), &(kb, b)| {
            ka.cmp(&kb).then_with(|| {
                let service =
                    |h: HandoffIdx| stack.handoff(h).service.as_deref().map(str::as_bytes);
                service(a).cmp(&service(b))
            })
        });
        let handoffs: Vec<HandoffIdx> = keyed.into_iter().map(|(_, h)| h).collect();
        let mut handoff = vec![0; handoffs.len()];
        for (rank, &h) in handoffs.iter().enumerate() {
            handoff[h as usize] = rank as u32;
        }
        Ranks { handoff, party }
    }
}

/// Buffers of the per-control searches, kept from one control to the next.
#[derive(Default)]
struct Scratch {
    rows: Vec<Row>,
    nodes: Vec<PartyIdx>,
    edges: Vec<Edge>,
    seeds: Vec<u32>,
    listing_consumers: Vec<PartyIdx>,
    /// Nodes in the order the assurance search reached them (next hops first), per search.
    reached: Vec<u32>,
    stated_reached: Vec<u32>,
    /// Edges the assurance search keeps for a lower level, by level.
    deferred: [Vec<u32>; 4],
    forward: Adjacency,
    backward: Adjacency,
    now: Assurance,
    stated: Assurance,
}

/// Reusable state for analysing the controls of one stack under one set of what-ifs.
pub(super) struct Engine<'s> {
    stack: &'s Stack,
    what_if: &'s WhatIf,
    min_evidence: Evidence,
    accepts: HashMap<(ControlIdx, Kind, AcceptPlace), u32>,
    /// Global party → local node of the control being analysed (NONE when not involved,
    /// IMPLEMENTS when it only implements it).
    slot: Vec<u32>,
    /// Whole-stack analyses only: every control's entries, gathered once.
    pub(super) gathered: Option<&'s Gathered>,
    /// A party taken to implement the control being analysed, on top of the stack's
    /// implementers: what fix first (SPEC §9) asks of each candidate.
    pub(super) also_implements: Option<PartyIdx>,
    /// Whole-stack analyses only: report order as integers.
    pub(super) ranks: Option<&'s Ranks>,
    scratch: Scratch,
}

impl<'s> Engine<'s> {
    pub(super) fn new(stack: &'s Stack, what_if: &'s WhatIf) -> Engine<'s> {
        // Two current accepts of the same risk: the first in the file is the one reported.
        let mut accepts = HashMap::new();
        for (i, a) in stack.accepts.iter().enumerate() {
            if let (true, Some(p)) = (a.is_current(what_if.as_of), a.place.clone()) {
                accepts.entry((a.control, a.kind, p)).or_insert(i as u32);
            }
        }
        Engine {
            stack,
            what_if,
            min_evidence: what_if.min_evidence(stack),
            accepts,
            slot: vec![NONE; stack.parties.len()],
            gathered: None,
            also_implements: None,
            ranks: None,
            scratch: Scratch::default(),
        }
    }

    /// All findings of one control, in SPEC §4 order.
    pub(super) fn control(&mut self, control: ControlIdx) -> Vec<Finding> {
        let stack = self.stack;
        let ix = stack.index();
        let requirers = &ix.requirers[control as usize];
        if ix.entries_of[control as usize].is_empty() && requirers.is_empty() {
            return Vec::new();
        }
        let as_of = self.what_if.as_of;
        let mut scratch = std::mem::take(&mut self.scratch);
        let rows: &[Row] = match self.gathered {
            Some(g) => g.of(control),
            None => {
                scratch.rows.clear();
                scratch.rows.extend(
                    ix.entries_of[control as usize]
                        .iter()
                        .map(|&(h, e)| Row::new(stack, h, e, as_of)),
                );
                &scratch.rows
            }
        };

        // Local graph of the control's delegations.
        let nodes = &mut scratch.nodes;
        nodes.clear();
        let slot = &mut self.slot;
        let mut local = |p: PartyIdx, nodes: &mut Vec<PartyIdx>| -> u32 {
            if slot[p as usize] == NONE {
                slot[p as usize] = nodes.len() as u32;
                nodes.push(p);
            }
            slot[p as usize]
        };
        let edges = &mut scratch.edges;
        edges.clear();
        for row in rows {
            if row.owner() == Some(Owner::Provider) && !self.what_if.is_off(row.consumer) {
                let from = local(row.consumer, nodes);
                let to = local(row.provider, nodes);
                edges.push(Edge {
                    from,
                    to,
                    now: row.now,
                    stated: row.stated,
                    handoff: row.handoff,
                    entry: row.entry,
                });
            }
        }
        // Implementers are the seeds of the search; those that meet no delegation cannot
        // extend it (a quarter of all parties, for a typical control), so they are only marked.
        let seeds = &mut scratch.seeds;
        seeds.clear();
        let implementers = &ix.implementers[control as usize];
        // Marking a party twice would lose its node.
        let also = self
            .also_implements
            .filter(|p| implementers.binary_search(p).is_err());
        for &p in implementers.iter().chain(&also) {
            if !self.what_if.is_off(p) {
                match slot[p as usize] {
                    NONE => slot[p as usize] = IMPLEMENTS,
                    node => seeds.push(node),
                }
            }
        }
        let nodes: &[PartyIdx] = nodes;
        let edges: &[Edge] = edges;
        let n = nodes.len();
        let (forward, backward) = (&mut scratch.forward, &mut scratch.backward);
        forward.build(n, edges, |e| e.from);
        backward.build(n, edges, |e| e.to);
        let (forward, backward): (&Adjacency, &Adjacency) = (forward, backward);

        let (reached, stated_reached, deferred) = (
            &mut scratch.reached,
            &mut scratch.stated_reached,
            &mut scratch.deferred,
        );
        let now = &mut scratch.now;
        assurance(now, n, edges, backward, seeds, |e| e.now, reached, deferred);
        let now: &Assurance = now;
        let any_expired = edges.iter().any(|e| e.now != e.stated);
        let stated = any_expired.then(|| {
            let stated = &mut scratch.stated;
            assurance(
                stated,
                n,
                edges,
                backward,
                seeds,
                |e| e.stated,
                stated_reached,
                deferred,
            );
            &*stated
        });
        let (now_order, stated_order): (&[u32], &[u32]) = (reached, stated_reached);
        // A party's local node, if it is one.
        let node = |p: PartyIdx| match self.slot[p as usize] {
            NONE | IMPLEMENTS => None,
            node => Some(node),
        };
        let in_s = |p: PartyIdx| match self.slot[p as usize] {
            NONE => false,
            IMPLEMENTS => true,
            node => now.level[node as usize].is_some(),
        };
        let delegates = |p: PartyIdx| node(p).is_some_and(|n| !forward.of(n).is_empty());

        // Built on first need, once per control: see chains.rs.
        let mut broken: Option<BrokenChains> = None;
        let mut succ = SuccBuf::default();
        let mut weak_paths: Option<WeakPaths> = None;
        let mut findings = Vec::new();
        let listing_consumers = &mut scratch.listing_consumers;
        listing_consumers.clear();
        for row in rows {
            let h = row.handoff;
            listing_consumers.push(row.consumer);
            let Some(owner) = row.owner() else {
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
            for &side in rules::responsible(owner) {
                let f = if side == Side::Provider {
                    row.provider
                } else {
                    row.consumer
                };
                let place = Place::Handoff {
                    handoff: h,
                    side: Some(side),
                };
                let level = |a: &Assurance, entry_ev: Evidence| {
                    let own = node(f).map_or(Evidence::Verified, |n| {
                        a.level[n as usize].unwrap_or(Evidence::None)
                    });
                    if side == Side::Provider {
                        own.min(entry_ev)
                    } else {
                        own
                    }
                };
                // Set when the rules ask whether the side is assured, for a weak-assurance
                // finding to report.
                let mut got = Evidence::None;
                let kind = rules::kind_at(
                    in_s(f),
                    rules::unexpected(row.agreed, row.assumed, side),
                    row.agreed.is_some(),
                    || delegates(f),
                    || {
                        got = level(now, row.now);
                        got >= self.min_evidence
                    },
                );
                match kind {
                    None => {}
                    Some(Kind::BrokenChain) => {
                        let broken = broken.get_or_insert_with(|| {
                            let party_rank = self.ranks.map(|r| &r.party[..]);
                            broken_chains(
                                stack, nodes, edges, forward, &now.level, party_rank, &mut succ,
                            )
                        });
                        let v = self.slot[f as usize];
                        let roots: Vec<PartyIdx> = broken
                            .roots(v)
                            .into_iter()
                            .map(|r| nodes[r as usize])
                            .collect();
                        let path = broken.path(&succ.view(), v);
                        let mut finding = self.finding(Kind::BrokenChain, control, place);
                        finding.circular = roots.is_empty();
                        finding.root_causes = roots;
                        finding.chain = path.nodes.iter().map(|&n| nodes[n as usize]).collect();
                        finding.chain_len = path.len;
                        findings.push(finding);
                    }
                    Some(Kind::WeakAssurance) => {
                        let mut finding = self.finding(Kind::WeakAssurance, control, place);
                        finding.assurance = Some(got);
                        let start = node(f);
                        let paths = weak_paths.get_or_insert_with(|| {
                            WeakPaths::new(
                                edges,
                                now,
                                now_order,
                                stated.map(|st| (st, stated_order)),
                            )
                        });
                        let (chain, len, below) = match start {
                            Some(start) => {
                                let path = paths.now.path(start);
                                let chain = path.nodes.iter().map(|&n| nodes[n as usize]).collect();
                                (chain, path.len, paths.weakest[start as usize])
                            }
                            None => (vec![f], 1, None),
                        };
                        finding.chain = chain;
                        finding.chain_len = len;
                        let mut weakest = below;
                        if side == Side::Provider {
                            finding.chain.insert(0, row.consumer);
                            finding.chain_len += 1;
                            let own = Link {
                                handoff: h,
                                entry: row.entry,
                                now: row.now,
                                lapsed: row.now != row.stated,
                            };
                            weakest = Some(own.in_front_of(below));
                        }
                        finding.weakest = weakest.map(|w| (w.link.handoff, w.link.now));
                        let lapse = |link: Link| {
                            let e = &stack.handoff(link.handoff).entries[link.entry as usize];
                            e.lapse(&stack.documents, as_of).map(|l| (link.handoff, l))
                        };
                        // The lapse that lowered the link setting the assurance; when that
                        // link stands as written, a lapse can only have lowered another path,
                        // the one the assurance would take with every document in force.
                        finding.expired = match weakest {
                            Some(w) if w.link.lapsed => {
                                // Renewing it alone would leave the others as low.
                                finding.also_lapsed = w.ties - 1;
                                lapse(w.link)
                            }
                            _ => stated
                                .filter(|stated| level(stated, row.stated) > got)
                                .and(start)
                                .and_then(|s| paths.expired[s as usize])
                                .and_then(lapse),
                        };
                        findings.push(finding);
                    }
                    Some(kind @ (Kind::Misunderstanding | Kind::Unconfirmed)) => {
                        // Reported as this kind only, but its why also says when the assurance
                        // is low: the reviewer would otherwise learn it only after fixing the
                        // owner.
                        let mut finding = self.finding(kind, control, place);
                        finding.cover_assurance = Some(level(now, row.now));
                        findings.push(finding);
                    }
                    Some(kind) => findings.push(self.finding(kind, control, place)),
                }
            }
        }

        listing_consumers.sort_unstable();
        for &p in requirers {
            if !in_s(p) && listing_consumers.binary_search(&p).is_err() {
                findings.push(self.finding(Kind::Unassigned, control, Place::Party(p)));
            }
        }

        for &p in nodes.iter().chain(implementers).chain(&also) {
            self.slot[p as usize] = NONE;
        }
        self.scratch = scratch;
        self.sort(&mut findings);
        findings
    }

    /// Sorts one control's findings in SPEC §4 order: by rank when the ranks were computed,
    /// else by ids, each finding's key worked out once.
    fn sort(&self, findings: &mut Vec<Finding>) {
        match self.ranks {
            Some(ranks) => findings.sort_unstable_by_key(|f| match f.place {
                Place::Handoff { handoff, side } => (0, ranks.handoff[handoff as usize], side),
                Place::Party(p) => (1, ranks.party[p as usize], None),
            }),
            None => {
                let mut keyed: Vec<_> = findings
                    .drain(..)
                    .map(|f| (super::order_key(self.stack, &f), f))
                    .collect();
                keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                findings.extend(keyed.into_iter().map(|(_, f)| f));
            }
        }
    }

    fn finding(&self, kind: Kind, control: ControlIdx, place: Place) -> Finding {
        Finding {
            kind,
            control,
            place,
            root_causes: Vec::new(),
            circular: false,
            chain: Vec::new(),
            chain_len: 0,
            assurance: None,
            cover_assurance: None,
            weakest: None,
            expired: None,
            also_lapsed: 0,
            accepted: if self.accepts.is_empty() {
                None
            } else {
                self.accepts
                    .get(&(control, kind, place.accept_place()))
                    .copied()
            },
        }
    }
}

/// Below this many entries a whole-stack analysis runs on one thread: starting threads would
/// cost more than it saves.
const PARALLEL_FROM_ENTRIES: usize = 20_000;

/// Whether a whole-stack analysis of `stack` is worth sharing out among threads.
pub(super) fn parallel(stack: &Stack) -> bool {
    stack.index().entries_of.iter().map(Vec::len).sum::<usize>() >= PARALLEL_FROM_ENTRIES
}

/// Every control's findings, each control's in SPEC §4 order. The entries are gathered and the
/// ids ranked once, then the controls (independent of each other) are shared out among the
/// available cores.
pub(super) fn all_controls(stack: &Stack, what_if: &WhatIf) -> (Vec<Vec<Finding>>, Ranks) {
    let threads = threads(stack);
    let (gathered, ranks) = if threads > 1 {
        std::thread::scope(|scope| {
            let ranks = scope.spawn(|| Ranks::new(stack));
            let gathered = Gathered::new(stack, what_if.as_of);
            (gathered, join(ranks))
        })
    } else {
        (Gathered::new(stack, what_if.as_of), Ranks::new(stack))
    };
    let engine = || {
        let mut engine = Engine::new(stack, what_if);
        engine.gathered = Some(&gathered);
        engine.ranks = Some(&ranks);
        engine
    };
    let by_control = per_control(stack.controls.len(), threads, engine, |engine, c| {
        engine.control(c)
    });
    (by_control, ranks)
}

/// How many threads a whole-stack pass over the controls is worth.
pub(super) fn threads(stack: &Stack) -> usize {
    if !parallel(stack) {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(stack.controls.len())
    }
}

/// `work` done on every control, in control order: on this thread, or shared out among
/// `threads` threads, each with an engine of its own.
pub(super) fn per_control<'s, T: Send + Default>(
    controls: usize,
    threads: usize,
    engine: impl Fn() -> Engine<'s> + Sync,
    work: impl Fn(&mut Engine<'s>, ControlIdx) -> T + Sync,
) -> Vec<T> {
    if threads <= 1 {
        let mut engine = engine();
        return (0..controls as ControlIdx)
            .map(|c| work(&mut engine, c))
            .collect();
    }
    // Controls differ in size, so each thread takes the next control as it finishes one.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut out: Vec<T> = std::iter::repeat_with(T::default).take(controls).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut engine = engine();
                    let mut done = Vec::new();
                    loop {
                        let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if c >= controls {
                            return done;
                        }
                        done.push((c, work(&mut engine, c as ControlIdx)));
                    }
                })
            })
            .collect();
        for worker in workers {
            for (c, result) in join(worker) {
                out[c] = result;
            }
        }
    });
    out
}

/// A scoped thread's result; a panic in it is a bug, raised again on the calling thread.
pub(super) fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Successors of each local node as node ids (the forward adjacency lists edge indices).
#[derive(Default)]
struct SuccBuf {
    start: Vec<u32>,
    to: Vec<u32>,
}

impl SuccBuf {
    fn view(&self) -> Succ<'_> {
        Succ {
            start: &self.start,
            to: &self.to,
        }
    }
}

/// The root causes and paths of every broken chain of the control being analysed.
fn broken_chains(
    stack: &Stack,
    nodes: &[PartyIdx],
    edges: &[Edge],
    forward: &Adjacency,
    level: &[Option<Evidence>],
    party_rank: Option<&[u32]>,
    succ: &mut SuccBuf,
) -> BrokenChains {
    succ.start.clear();
    succ.start.extend_from_slice(&forward.start);
    succ.to.clear();
    succ.to
        .extend(forward.edges.iter().map(|&ei| edges[ei as usize].to));
    let delivers: Vec<bool> = level.iter().map(Option::is_some).collect();
    let mut by_id: Vec<u32> = (0..nodes.len() as u32).collect();
    // Whole-stack analyses have the parties ranked by id already: comparing the id strings of
    // every node of every control was 40 % of the analysis of a 10k-party stack.
    match party_rank {
        Some(rank) => by_id.sort_unstable_by_key(|&v| rank[nodes[v as usize] as usize]),
        None => by_id.sort_unstable_by(|&a, &b| {
            stack
                .party(nodes[a as usize])
                .id
                .cmp(&stack.party(nodes[b as usize]).id)
        }),
    }
    let mut rank = vec![0u32; nodes.len()];
    for (r, &v) in by_id.iter().enumerate() {
        rank[v as usize] = r as u32;
    }
    BrokenChains::new(&succ.view(), &delivers, &rank)
}
