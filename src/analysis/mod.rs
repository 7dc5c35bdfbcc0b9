//! The gap engine (SPEC §2 and §6): pure functions from a [`Stack`] and the what-ifs in force to
//! a [`Report`]. No I/O, no terminal. Each control is analysed on its own, so an edit of one
//! control re-analyses only that control ([`Report::reanalyse_control`]).

mod blast;
mod chains;
mod engine;
mod explain;
mod fix;
mod notes;
mod rules;

use crate::date::Date;
use crate::stack::{ControlIdx, Evidence, HandoffIdx, Lapse, PartyIdx, Side, Stack};

pub use crate::stack::{Kind, Severity};
pub use blast::{BlastRadius, blast_places, blast_radius};
pub use explain::message;
pub use fix::{FixFirst, fix_first, fix_first_unless};

/// Where a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// At a hand-off; `side` is `None` for an unassigned entry.
    Handoff {
        /// The hand-off.
        handoff: HandoffIdx,
        /// The responsible side judged.
        side: Option<Side>,
    },
    /// A party's own requirement.
    Party(PartyIdx),
}

impl Place {
    /// The place as an `[[accept]]` names it (a hand-off, either side; or a party).
    pub fn accept_place(self) -> crate::stack::AcceptPlace {
        match self {
            Place::Handoff { handoff, .. } => crate::stack::AcceptPlace::Handoff(handoff),
            Place::Party(p) => crate::stack::AcceptPlace::Party(p),
        }
    }
}

/// One gap or warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind.
    pub kind: Kind,
    /// The control.
    pub control: ControlIdx,
    /// Where.
    pub place: Place,
    /// Broken chain: where the delegations end, sorted by id.
    pub root_causes: Vec<PartyIdx>,
    /// Broken chain: the delegations only go round in a circle.
    pub circular: bool,
    /// Why, as a path of parties: for a broken chain, from the responsible party to its first
    /// root cause (or round the circle); for weak assurance, the path its assurance rests on.
    pub chain: Vec<PartyIdx>,
    /// The number of parties on the whole path: more than `chain.len()` when the chain was
    /// abridged in the middle, 0 for a circle walked only part of the way round.
    pub chain_len: usize,
    /// Weak assurance: the assurance found.
    pub assurance: Option<Evidence>,
    /// Misunderstanding and unconfirmed: the assurance of the cover found, judged as weak
    /// assurance would judge it (its why says when it is below the minimum too).
    pub cover_assurance: Option<Evidence>,
    /// Weak assurance: the hand-off whose evidence is the weakest link of the path, and that
    /// evidence as it counts on the analysis date.
    pub weakest: Option<(HandoffIdx, Evidence)>,
    /// The entry (hand-off) whose evidence lapsed and lowered the assurance, and why, if one did.
    pub expired: Option<(HandoffIdx, Lapse)>,
    /// Weak assurance: the other lapsed links on the path as weak as the one `expired` names
    /// (renewing its document alone would not raise the assurance).
    pub also_lapsed: u32,
    /// The `[[accept]]` that accepts this finding, if any.
    pub accepted: Option<u32>,
}

impl Finding {
    /// Gap or warning.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }

    /// The hand-off, for a hand-off finding.
    pub fn handoff(&self) -> Option<HandoffIdx> {
        match self.place {
            Place::Handoff { handoff, .. } => Some(handoff),
            Place::Party(_) => None,
        }
    }

    /// The side, for a hand-off finding with a responsible side.
    pub fn side(&self) -> Option<Side> {
        match self.place {
            Place::Handoff { side, .. } => side,
            Place::Party(_) => None,
        }
    }
}

/// Information that is never a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Parties of a strongly connected component of the hand-off graph, sorted by id.
    Cycle(Vec<PartyIdx>),
    /// A hand-off whose provider sits in a layer above its consumer's.
    LayerInversion(HandoffIdx),
    /// An `[[accept]]` past its `until` date.
    ExpiredAccept(u32),
    /// A current `[[accept]]` that matches no finding.
    StaleAccept(u32),
    /// Evidence in force that expires within the window (SPEC §7).
    EvidenceExpiring(Expiring),
}

/// Evidence about to expire: a document, or an entry's own `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    /// What expires.
    pub what: Expiry,
    /// The last day it is in force.
    pub expires: Date,
    /// Days from the analysis date to `expires`.
    pub days_left: i64,
    /// Entries delivering assurance that rest on it (1 for an entry's own date).
    pub entries: usize,
}

/// What is about to expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// An `[[evidence]]` document.
    Document(crate::stack::DocumentIdx),
    /// An entry's own `expires` (hand-off, entry).
    Entry(HandoffIdx, u32),
}

impl Note {
    /// The word used in reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Note::Cycle(_) => "cycle",
            Note::LayerInversion(_) => "layer-inversion",
            Note::ExpiredAccept(_) => "expired-accept",
            Note::StaleAccept(_) => "stale-accept",
            Note::EvidenceExpiring(_) => "evidence-expiring",
        }
    }
}

/// The what-ifs in force: views, never written to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIf {
    off: Vec<bool>,
    /// Overrides the stack's `min_evidence`.
    pub min_evidence: Option<Evidence>,
    /// The analysis date.
    pub as_of: Date,
    /// Days ahead in which expiring evidence is noted (`--expiring-within`; 0: off).
    pub expiring_within: u32,
}

/// The default of `--expiring-within`, in days.
pub const EXPIRING_WITHIN: u32 = 60;

impl WhatIf {
    /// No party switched off, the stack's own minimum evidence, on the given date.
    pub fn new(stack: &Stack, as_of: Date) -> WhatIf {
        WhatIf {
            off: vec![false; stack.parties.len()],
            min_evidence: None,
            as_of,
            expiring_within: EXPIRING_WITHIN,
        }
    }

    /// Switches a party off (or back on).
    pub fn set_off(&mut self, party: PartyIdx, off: bool) {
        self.off[party as usize] = off;
    }

    /// Whether a party is switched off.
    pub fn is_off(&self, party: PartyIdx) -> bool {
        self.off.get(party as usize).copied().unwrap_or(false)
    }

    /// The parties switched off, by index.
    pub fn without(&self) -> impl Iterator<Item = PartyIdx> + '_ {
        self.off
            .iter()
            .enumerate()
            .filter(|(_, o)| **o)
            .map(|(i, _)| i as PartyIdx)
    }

    /// The minimum evidence in force.
    pub fn min_evidence(&self, stack: &Stack) -> Evidence {
        self.min_evidence.unwrap_or(stack.min_evidence)
    }
}

/// Gap, warning and accepted counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings that are gaps (accepted ones included).
    pub gaps: usize,
    /// Findings that are warnings (accepted ones included).
    pub warnings: usize,
    /// The accepted part of both.
    pub accepted: usize,
}

impl Counts {
    fn add(&mut self, f: &Finding, sign: isize) {
        let bump = |n: &mut usize| *n = n.wrapping_add_signed(sign);
        match f.severity() {
            Severity::Gap => bump(&mut self.gaps),
            Severity::Warning => bump(&mut self.warnings),
        }
        if f.accepted.is_some() {
            bump(&mut self.accepted);
        }
    }
}

/// Every finding and note of a stack under some what-ifs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Findings grouped by control, each group in SPEC §4 order.
    pub by_control: Vec<Vec<Finding>>,
    /// Cycles and layer inversions (they depend only on the hand-off graph).
    pub graph_notes: Vec<Note>,
    /// Expired and stale accepts.
    pub accept_notes: Vec<Note>,
    /// Evidence about to expire.
    pub expiry_notes: Vec<Note>,
    /// The minimum evidence the findings were judged against.
    pub min_evidence: Evidence,
    /// The analysis date.
    pub as_of: Date,
    counts: Counts,
    ranks: Kept,
}

/// The report's hand-off and party ranks: worked out from the stack, so they take no part in
/// comparing or printing reports.
#[derive(Clone)]
struct Kept(std::sync::Arc<engine::Ranks>);

impl PartialEq for Kept {
    fn eq(&self, _: &Kept) -> bool {
        true
    }
}

impl Eq for Kept {}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ranks")
    }
}

/// Analyses a whole stack.
pub fn analyse(stack: &Stack, what_if: &WhatIf) -> Report {
    // The cycle and layer notes do not depend on the findings: on a big stack they are worked
    // out beside the engine instead of after it.
    let ((by_control, ranks), graph_notes) = if engine::parallel(stack) {
        std::thread::scope(|scope| {
            let notes = scope.spawn(|| notes::graph_notes(stack));
            let by_control = engine::all_controls(stack, what_if);
            (by_control, engine::join(notes))
        })
    } else {
        (
            engine::all_controls(stack, what_if),
            notes::graph_notes(stack),
        )
    };
    let mut counts = Counts::default();
    for f in by_control.iter().flatten() {
        counts.add(f, 1);
    }
    let mut report = Report {
        by_control,
        graph_notes,
        accept_notes: Vec::new(),
        expiry_notes: notes::expiry_notes(stack, what_if),
        min_evidence: what_if.min_evidence(stack),
        as_of: what_if.as_of,
        counts,
        ranks: Kept(std::sync::Arc::new(ranks)),
    };
    report.accept_notes = notes::accept_notes(stack, &report);
    report
}

impl Report {
    /// Re-analyses one control after an edit that touched only that control (an owner, an
    /// evidence, an expiry or an `implements` of it). What-ifs must be unchanged.
    pub fn reanalyse_control(&mut self, stack: &Stack, what_if: &WhatIf, control: ControlIdx) {
        let mut engine = engine::Engine::new(stack, what_if);
        engine.ranks = Some(&self.ranks.0);
        let fresh = engine.control(control);
        let slot = &mut self.by_control[control as usize];
        for f in slot.iter() {
            self.counts.add(f, -1);
        }
        for f in &fresh {
            self.counts.add(f, 1);
        }
        *slot = fresh;
        self.accept_notes = notes::accept_notes(stack, self);
        self.expiry_notes = notes::expiry_notes(stack, what_if);
    }

    /// The same report with only one control's findings (notes kept), for `check --control`.
    pub fn only_control(&self, control: ControlIdx) -> Report {
        let mut by_control = vec![Vec::new(); self.by_control.len()];
        by_control[control as usize] = self.by_control[control as usize].clone();
        let mut counts = Counts::default();
        for f in &by_control[control as usize] {
            counts.add(f, 1);
        }
        Report {
            by_control,
            counts,
            ..self.clone()
        }
    }

    /// Gap, warning and accepted counts.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Where a place stands in one control's findings (`by_control` is sorted by it): the
    /// order depends only on ids and hand-offs, which no edit changes, so two reports of
    /// versions of one stack can be walked side by side.
    pub fn place_order(&self, place: Place) -> (u8, u32, Option<Side>) {
        let ranks = &self.ranks.0;
        match place {
            Place::Handoff { handoff, side } => (0, ranks.handoff[handoff as usize], side),
            Place::Party(p) => (1, ranks.party[p as usize], None),
        }
    }

    /// Every finding, in SPEC §4 order: hand-off findings by (consumer, provider, service,
    /// control, side), then party findings by (party, control), ids compared as bytes.
    pub fn sorted<'r>(&'r self, stack: &Stack) -> Vec<&'r Finding> {
        // Rank hand-offs, parties and controls in id order once, then sort by integers:
        // comparing id strings for every pair of findings dominated big reports.
        let ranks = &self.ranks.0;
        let mut controls: Vec<ControlIdx> = (0..stack.controls.len() as ControlIdx).collect();
        controls.sort_unstable_by(|&a, &b| {
            stack
                .control(a)
                .id
                .as_bytes()
                .cmp(stack.control(b).id.as_bytes())
        });
        let mut control_rank = vec![0u32; controls.len()];
        for (r, &c) in controls.iter().enumerate() {
            control_rank[c as usize] = r as u32;
        }
        let mut all: Vec<&Finding> = self.by_control.iter().flatten().collect();
        all.sort_unstable_by_key(|f| match f.place {
            Place::Handoff { handoff, side } => (
                0u8,
                ranks.handoff[handoff as usize],
                control_rank[f.control as usize],
                side,
            ),
            Place::Party(p) => (
                1u8,
                ranks.party[p as usize],
                control_rank[f.control as usize],
                None,
            ),
        });
        all
    }

    /// Every note: graph notes, then accept notes, then expiring evidence.
    pub fn notes(&self) -> impl Iterator<Item = &Note> {
        self.graph_notes
            .iter()
            .chain(&self.accept_notes)
            .chain(&self.expiry_notes)
    }

    /// Whether any finding not accepted is at or above a severity.
    pub fn fails(&self, level: Severity) -> bool {
        self.by_control
            .iter()
            .flatten()
            .any(|f| f.accepted.is_none() && f.severity() <= level)
    }
}

type OrderKey<'s> = (
    u8,
    &'s [u8],
    &'s [u8],
    Option<&'s [u8]>,
    &'s [u8],
    Option<Side>,
);

/// The SPEC §4 sort key of a finding.
pub fn order_key<'s>(stack: &'s Stack, f: &Finding) -> OrderKey<'s> {
    let control = stack.control(f.control).id.as_bytes();
    match f.place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            (
                0,
                stack.party(h.consumer).id.as_bytes(),
                stack.party(h.provider).id.as_bytes(),
                h.service.as_deref().map(str::as_bytes),
                control,
                side,
            )
        }
        Place::Party(p) => (1, stack.party(p).id.as_bytes(), b"", None, control, None),
    }
}
