//! Property tests on random small stacks, generated as TOML text and loaded like a user's file.
//! Each property follows from SPEC §2 / §4 / §6 alone:
//!
//! - the engine agrees with a naive, literal reading of SPEC §2 and §6 written here from the
//!   SPEC text (fixpoint iteration for S(X) and the assurance, a plain search for root causes,
//!   expiry, accepted risks, and the cycle, layer-inversion and accept notes);
//! - adding an `implements` never makes a place a gap (S(X) only grows; every gap kind needs
//!   the responsible party outside S(X));
//! - switching a party off never removes a gap (S(X) only shrinks), and `--blast-radius`
//!   counts exactly the places that become gaps, its own needs aside;
//! - fix first (SPEC §9) agrees with its literal reading: every candidate the gaps of the naive
//!   reading name, the whole stack read again with the candidate implementing the control, the
//!   gap places that are gone counted; and each `gaps_closed`, worked out from the one-control
//!   re-analysis, equals what the engine's whole analysis of the changed stack closes;
//! - raising an entry's evidence never adds a weak assurance, and changes no other finding
//!   (evidence only enters the assurance);
//! - the JSON report is the same bytes on every run, and lists findings in SPEC §4 order;
//! - a finding's place names a hand-off that lists its control, on a side its owner names.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proptest::prelude::*;
use proptest::sample::{Index, select};

use stackgap::analysis::{
    Finding, Kind, Note, Place, Report, Severity, WhatIf, analyse, blast_places, blast_radius,
    fix_first,
};
use stackgap::date::Date;
use stackgap::report::{Context, json};
use stackgap::stack::{Evidence, Owner, Side, Stack, load_str};

/// Party ids, chosen so that byte order differs from case-insensitive order.
const PARTY_IDS: [&str; 6] = ["acme", "Bravo", "c-3", "delta", "Echo", "f"];
const CONTROLS: usize = 4;
const LAYER_IDS: [&str; 3] = ["top", "middle", "bottom"];
const AS_OF: &str = "2026-11-28";
/// `expires` and `until` dates: the day before, the day of and the day after the analysis date,
/// and the last day inside and the first day outside the 60-day window of expiring evidence.
const EXPIRES: [&str; 5] = [
    "2026-11-27",
    "2026-11-28",
    "2026-11-29",
    "2027-01-27",
    "2027-01-28",
];
/// `[[evidence]]` document ids.
const DOC_IDS: [&str; 3] = ["soc2", "pentest", "iso-27001"];

fn control_id(c: usize) -> String {
    format!("C{c}")
}

/// One item an entry cites: a level or a document (by index).
#[derive(Debug, Clone, Copy, PartialEq)]
enum GenCite {
    Level(Evidence),
    Doc(usize),
}

#[derive(Debug, Clone)]
struct GenEntry {
    control: usize,
    agreed: Option<Owner>,
    assumed: Option<Owner>,
    /// Empty: `evidence` not written; one item: a string; more: an array.
    evidence: Vec<GenCite>,
    expires: Option<usize>,
}

/// An `[[evidence]]` document.
#[derive(Debug, Clone)]
struct GenDoc {
    level: Evidence,
    expires: Option<usize>,
    /// `None`: no `covers`, any control.
    covers: Option<Vec<usize>>,
}

impl GenDoc {
    fn covers(&self, control: usize) -> bool {
        self.covers.as_ref().is_none_or(|c| c.contains(&control))
    }
}

#[derive(Debug, Clone)]
struct GenHandoff {
    consumer: usize,
    provider: usize,
    service: Option<&'static str>,
    entries: Vec<GenEntry>,
}

#[derive(Debug, Clone)]
struct GenParty {
    requires: Vec<usize>,
    implements: Vec<usize>,
}

/// Where an `[[accept]]` points.
#[derive(Debug, Clone)]
enum GenAcceptAt {
    Party(usize),
    Handoff(usize),
}

#[derive(Debug, Clone)]
struct GenAccept {
    control: usize,
    kind: Kind,
    at: GenAcceptAt,
    until: Option<usize>,
}

/// A random stack, kept as data so it can be edited and written out again.
#[derive(Debug, Clone)]
struct GenStack {
    docs: Vec<GenDoc>,
    parties: Vec<GenParty>,
    handoffs: Vec<GenHandoff>,
    accepts: Vec<GenAccept>,
    /// With `Some`, three layers are declared and each party may sit in one (by index).
    layers: Option<Vec<Option<usize>>>,
    min_evidence: Option<Evidence>,
    off: Vec<bool>,
}

impl GenStack {
    fn toml(&self) -> String {
        let mut out = String::from("[stack]\nname = \"generated\"\ncatalog = \"none\"\n");
        if let Some(m) = self.min_evidence {
            out.push_str(&format!("min_evidence = \"{}\"\n", m.as_str()));
        }
        for c in 0..CONTROLS {
            out.push_str(&format!(
                "[[control]]\nid = \"{0}\"\nname = \"{0}\"\n",
                control_id(c)
            ));
        }
        for (i, d) in self.docs.iter().enumerate() {
            out.push_str(&format!(
                "[[evidence]]\nid = \"{}\"\nlevel = \"{}\"\n",
                DOC_IDS[i],
                d.level.as_str()
            ));
            if let Some(e) = d.expires {
                out.push_str(&format!("expires = {}\n", EXPIRES[e]));
            }
            if let Some(c) = &d.covers {
                let ids: Vec<String> = c
                    .iter()
                    .map(|&c| format!("\"{}\"", control_id(c)))
                    .collect();
                out.push_str(&format!("covers = [{}]\n", ids.join(", ")));
            }
        }
        if self.layers.is_some() {
            for l in LAYER_IDS {
                out.push_str(&format!("[[layer]]\nid = \"{l}\"\n"));
            }
        }
        let list = |cs: &[usize]| {
            cs.iter()
                .map(|&c| format!("\"{}\"", control_id(c)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, p) in self.parties.iter().enumerate() {
            out.push_str(&format!(
                "[[party]]\nid = \"{}\"\nrequires = [{}]\nimplements = [{}]\n",
                PARTY_IDS[i],
                list(&p.requires),
                list(&p.implements)
            ));
            if let Some(l) = self.layers.as_ref().and_then(|ls| ls[i]) {
                out.push_str(&format!("layer = \"{}\"\n", LAYER_IDS[l]));
            }
        }
        for h in &self.handoffs {
            out.push_str(&format!(
                "[[handoff]]\nconsumer = \"{}\"\nprovider = \"{}\"\n",
                PARTY_IDS[h.consumer], PARTY_IDS[h.provider]
            ));
            if let Some(s) = h.service {
                out.push_str(&format!("service = \"{s}\"\n"));
            }
            out.push_str("[handoff.controls]\n");
            for e in &h.entries {
                let mut fields = Vec::new();
                if let Some(o) = e.agreed {
                    fields.push(format!("agreed = \"{}\"", o.as_str()));
                }
                if let Some(o) = e.assumed {
                    fields.push(format!("assumed = \"{}\"", o.as_str()));
                }
                let cite = |c: &GenCite| match c {
                    GenCite::Level(l) => format!("\"{}\"", l.as_str()),
                    GenCite::Doc(d) => format!("\"{}\"", DOC_IDS[*d]),
                };
                match e.evidence.as_slice() {
                    [] => {}
                    [one] => fields.push(format!("evidence = {}", cite(one))),
                    many => fields.push(format!(
                        "evidence = [{}]",
                        many.iter().map(cite).collect::<Vec<_>>().join(", ")
                    )),
                }
                if let Some(d) = e.expires {
                    fields.push(format!("expires = {}", EXPIRES[d]));
                }
                out.push_str(&format!(
                    "{} = {{ {} }}\n",
                    control_id(e.control),
                    fields.join(", ")
                ));
            }
        }
        for a in &self.accepts {
            out.push_str(&format!(
                "[[accept]]\ncontrol = \"{}\"\nkind = \"{}\"\nreason = \"generated\"\n",
                control_id(a.control),
                a.kind.as_str()
            ));
            match a.at {
                GenAcceptAt::Party(p) => out.push_str(&format!("party = \"{}\"\n", PARTY_IDS[p])),
                GenAcceptAt::Handoff(h) => {
                    let h = &self.handoffs[h];
                    out.push_str(&format!(
                        "consumer = \"{}\"\nprovider = \"{}\"\n",
                        PARTY_IDS[h.consumer], PARTY_IDS[h.provider]
                    ));
                    if let Some(s) = h.service {
                        out.push_str(&format!("service = \"{s}\"\n"));
                    }
                }
            }
            if let Some(d) = a.until {
                out.push_str(&format!("until = {}\n", EXPIRES[d]));
            }
        }
        out
    }

    /// Where a hand-off is, as `consumer>provider[:service]`.
    fn handoff_at(&self, h: usize) -> String {
        let h = &self.handoffs[h];
        let service = h.service.map(|s| format!(":{s}")).unwrap_or_default();
        format!(
            "{}>{}{service}",
            PARTY_IDS[h.consumer], PARTY_IDS[h.provider]
        )
    }

    fn load(&self) -> Stack {
        let text = self.toml();
        load_str(&text, "generated.toml", None)
            .unwrap_or_else(|e| panic!("a generated stack must load: {e}\n{text}"))
    }

    fn what_if(&self, stack: &Stack) -> WhatIf {
        let mut w = WhatIf::new(stack, as_of());
        for (p, &off) in self.off.iter().enumerate() {
            w.set_off(p as u32, off);
        }
        w
    }

    fn analyse(&self) -> (Stack, Report) {
        let stack = self.load();
        let report = analyse(&stack, &self.what_if(&stack));
        (stack, report)
    }
}

fn as_of() -> Date {
    Date::parse(AS_OF).expect("a valid date")
}

/// Mostly `provider`, so that chains of delegations (and their breaks and loops) are common.
fn owner(none: u32) -> impl Strategy<Value = Option<Owner>> {
    prop_oneof![
        none => Just(None),
        4 => Just(Some(Owner::Provider)),
        1 => Just(Some(Owner::Consumer)),
        1 => Just(Some(Owner::Shared)),
    ]
}

fn evidence() -> impl Strategy<Value = Option<Evidence>> {
    proptest::option::of(select(Evidence::ALL.to_vec()))
}

fn cite() -> impl Strategy<Value = GenCite> {
    prop_oneof![
        select(Evidence::ALL.to_vec()).prop_map(GenCite::Level),
        (0..DOC_IDS.len()).prop_map(GenCite::Doc),
    ]
}

fn doc() -> impl Strategy<Value = GenDoc> {
    (
        select(Evidence::ALL.to_vec()),
        proptest::option::weighted(0.7, 0..EXPIRES.len()),
        proptest::option::weighted(0.3, proptest::collection::vec(0..CONTROLS, 1..3)),
    )
        .prop_map(|(level, expires, covers)| GenDoc {
            level,
            expires,
            covers,
        })
}

fn entry() -> impl Strategy<Value = GenEntry> {
    (
        0..CONTROLS,
        owner(2),
        owner(6),
        prop_oneof![
            3 => Just(Vec::new()),
            3 => cite().prop_map(|c| vec![c]),
            1 => proptest::collection::vec(cite(), 2..=3),
        ],
        proptest::option::weighted(0.2, 0..EXPIRES.len()),
    )
        .prop_map(|(control, agreed, assumed, evidence, expires)| GenEntry {
            control,
            agreed,
            assumed,
            evidence,
            expires,
        })
}

fn stack() -> impl Strategy<Value = GenStack> {
    (2..=PARTY_IDS.len())
        .prop_flat_map(|n| {
            let controls = |most| proptest::collection::vec(0..CONTROLS, 0..most);
            (
                proptest::collection::vec((controls(2), controls(5)), n),
                proptest::collection::vec(
                    (
                        0..n,
                        0..n,
                        proptest::option::weighted(0.25, select(vec!["crm", "backup"])),
                        proptest::collection::vec(entry(), 0..=CONTROLS),
                    ),
                    0..12,
                ),
                evidence(),
                proptest::collection::vec(proptest::bool::weighted(0.15), n),
                proptest::collection::vec(
                    (
                        0..CONTROLS,
                        select(Kind::ALL.to_vec()),
                        any::<bool>(),
                        any::<Index>(),
                        proptest::option::of(0..EXPIRES.len()),
                    ),
                    0..4,
                ),
                proptest::option::weighted(
                    0.5,
                    proptest::collection::vec(proptest::option::weighted(0.8, 0..3usize), n),
                ),
                proptest::collection::vec(doc(), 0..=DOC_IDS.len()),
            )
        })
        .prop_map(
            |(parties, handoffs, min_evidence, off, accepts, layers, docs)| {
                let mut seen = HashSet::new();
                let handoffs = handoffs
                    .into_iter()
                    .filter(|(c, p, s, _)| c != p && seen.insert((*c, *p, *s)))
                    .map(|(consumer, provider, service, entries)| {
                        let mut listed = HashSet::new();
                        GenHandoff {
                            consumer,
                            provider,
                            service,
                            entries: entries
                                .into_iter()
                                .filter(|e| listed.insert(e.control))
                                .map(|mut e| {
                                    // Cite only documents that exist and cover the control.
                                    e.evidence.retain(|c| match c {
                                        GenCite::Level(_) => true,
                                        GenCite::Doc(d) => {
                                            docs.get(*d).is_some_and(|d| d.covers(e.control))
                                        }
                                    });
                                    e
                                })
                                .collect(),
                        }
                    })
                    .collect::<Vec<GenHandoff>>();
                let n = parties.len();
                let accepts = accepts
                    .into_iter()
                    .map(|(control, kind, on_party, at, until)| GenAccept {
                        control,
                        kind,
                        at: if on_party || handoffs.is_empty() {
                            GenAcceptAt::Party(at.index(n))
                        } else {
                            GenAcceptAt::Handoff(at.index(handoffs.len()))
                        },
                        until,
                    })
                    .collect();
                GenStack {
                    docs,
                    accepts,
                    layers,
                    parties: parties
                        .into_iter()
                        .map(|(requires, implements)| GenParty {
                            requires,
                            implements,
                        })
                        .collect(),
                    handoffs,
                    min_evidence,
                    off,
                }
            },
        )
}

fn side_word(side: Option<Side>) -> &'static str {
    side.map_or("-", Side::as_str)
}

/// A place as text: `consumer>provider[:service] SIDE` or `party:ID -`.
fn place_key(stack: &Stack, place: Place) -> String {
    match place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            let service = h
                .service
                .as_deref()
                .map(|s| format!(":{s}"))
                .unwrap_or_default();
            format!(
                "{}>{}{service} {}",
                stack.party(h.consumer).id,
                stack.party(h.provider).id,
                side_word(side)
            )
        }
        Place::Party(p) => format!("party:{} -", stack.party(p).id),
    }
}

/// Everything SPEC §2 determines about a finding, as text.
fn finding_key(stack: &Stack, f: &Finding) -> String {
    let roots: Vec<&str> = f
        .root_causes
        .iter()
        .map(|&p| stack.party(p).id.as_str())
        .collect();
    format!(
        "{} {} {} roots=[{}] circular={} assurance={} accepted={}",
        f.kind.as_str(),
        stack.control(f.control).id,
        place_key(stack, f.place),
        roots.join(","),
        f.circular,
        f.assurance.map_or("-", Evidence::as_str),
        f.accepted.is_some()
    )
}

/// Notes as text: `cycle a b`, `layer-inversion c>p[:service]`, `expired-accept N`, ….
fn note_keys(stack: &Stack, report: &Report) -> BTreeSet<String> {
    report
        .notes()
        .map(|n| match n {
            Note::Cycle(ps) => {
                let ids: Vec<&str> = ps.iter().map(|&p| stack.party(p).id.as_str()).collect();
                format!("cycle {}", ids.join(" "))
            }
            Note::LayerInversion(h) => {
                let place = place_key(
                    stack,
                    Place::Handoff {
                        handoff: *h,
                        side: None,
                    },
                );
                format!("layer-inversion {}", place.trim_end_matches(" -"))
            }
            Note::ExpiredAccept(a) => format!("expired-accept {a}"),
            Note::StaleAccept(a) => format!("stale-accept {a}"),
            Note::EvidenceExpiring(x) => match x.what {
                stackgap::analysis::Expiry::Document(d) => format!(
                    "evidence-expiring {} {} entries={}",
                    stack.documents[d as usize].id, x.expires, x.entries
                ),
                stackgap::analysis::Expiry::Entry(h, e) => {
                    let place = place_key(
                        stack,
                        Place::Handoff {
                            handoff: h,
                            side: None,
                        },
                    );
                    let control = stack.handoff(h).entries[e as usize].control;
                    format!(
                        "evidence-expiring {} {} {} entries={}",
                        stack.control(control).id,
                        place.trim_end_matches(" -"),
                        x.expires,
                        x.entries
                    )
                }
            },
        })
        .collect()
}

fn all_findings(report: &Report) -> impl Iterator<Item = &Finding> {
    report.by_control.iter().flatten()
}

/// The places (control + place) that are gaps.
fn gap_places(stack: &Stack, report: &Report) -> BTreeSet<String> {
    all_findings(report)
        .filter(|f| f.kind.severity() == stackgap::analysis::Severity::Gap)
        .map(|f| {
            format!(
                "{} {}",
                stack.control(f.control).id,
                place_key(stack, f.place)
            )
        })
        .collect()
}

/// SPEC §2 read literally, on the generated data (not on the loaded stack).
/// SPEC §2 and §6 read literally: the findings (with their accepted flag) and the notes.
// Index loops: the reference reads like the textbook algorithms it follows.
#[allow(clippy::needless_range_loop)]
fn reference(g: &GenStack) -> (BTreeSet<String>, BTreeSet<String>) {
    let as_of = as_of();
    let current = |a: &GenAccept| {
        a.until
            .is_none_or(|d| as_of <= Date::parse(EXPIRES[d]).expect("a valid date"))
    };
    let at_of = |a: &GenAccept| match a.at {
        GenAcceptAt::Party(p) => format!("party:{}", PARTY_IDS[p]),
        GenAcceptAt::Handoff(h) => g.handoff_at(h),
    };
    let mut used = vec![false; g.accepts.len()];
    let findings = reference_findings(g)
        .into_iter()
        .map(|key| {
            let words: Vec<&str> = key.split(' ').collect();
            let mut accepted = false;
            for (i, a) in g.accepts.iter().enumerate() {
                if current(a)
                    && a.kind.as_str() == words[0]
                    && control_id(a.control) == words[1]
                    && at_of(a) == words[2]
                {
                    accepted = true;
                    used[i] = true;
                }
            }
            format!("{key} accepted={accepted}")
        })
        .collect();

    let mut notes = BTreeSet::new();
    // Cycles: parties that reach each other through hand-offs (transitive closure).
    let n = g.parties.len();
    let mut reach = vec![vec![false; n]; n];
    for h in &g.handoffs {
        reach[h.consumer][h.provider] = true;
    }
    // Warshall's transitive closure, by index: the reference is meant to read like the textbook.
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                reach[i][j] = reach[i][j] || (reach[i][k] && reach[k][j]);
            }
        }
    }
    for i in 0..n {
        let mut scc: Vec<&str> = (0..n)
            .filter(|&j| j == i || (reach[i][j] && reach[j][i]))
            .map(|j| PARTY_IDS[j])
            .collect();
        if scc.len() > 1 {
            scc.sort_unstable();
            notes.insert(format!("cycle {}", scc.join(" ")));
        }
    }
    if let Some(layers) = &g.layers {
        for (i, h) in g.handoffs.iter().enumerate() {
            if let (Some(c), Some(p)) = (layers[h.consumer], layers[h.provider])
                && p < c
            {
                notes.insert(format!("layer-inversion {}", g.handoff_at(i)));
            }
        }
    }
    for (i, a) in g.accepts.iter().enumerate() {
        if !current(a) {
            notes.insert(format!("expired-accept {i}"));
        } else if !used[i] {
            notes.insert(format!("stale-accept {i}"));
        }
    }
    // Evidence expiring within 60 days of the analysis date, cited by an entry whose owner is
    // provider or shared.
    let soon = |d: Option<usize>| {
        d.map(date)
            .filter(|&d| as_of <= d && d.days() - as_of.days() <= 60)
    };
    let mut citing = vec![0usize; g.docs.len()];
    for (i, h) in g.handoffs.iter().enumerate() {
        for e in &h.entries {
            if !matches!(
                e.agreed.or(e.assumed),
                Some(Owner::Provider | Owner::Shared)
            ) {
                continue;
            }
            if let Some(d) = soon(e.expires) {
                notes.insert(format!(
                    "evidence-expiring {} {} {d} entries=1",
                    control_id(e.control),
                    g.handoff_at(i)
                ));
            }
            let mut docs: Vec<usize> = e
                .evidence
                .iter()
                .filter_map(|c| match c {
                    GenCite::Doc(d) => Some(*d),
                    GenCite::Level(_) => None,
                })
                .collect();
            docs.sort_unstable();
            docs.dedup();
            for d in docs {
                citing[d] += 1;
            }
        }
    }
    for (i, doc) in g.docs.iter().enumerate() {
        if let (true, Some(d)) = (citing[i] > 0, soon(doc.expires)) {
            notes.insert(format!(
                "evidence-expiring {} {d} entries={}",
                DOC_IDS[i], citing[i]
            ));
        }
    }
    (findings, notes)
}

/// SPEC §2 read literally, on the generated data (not on the loaded stack).
fn reference_findings(g: &GenStack) -> BTreeSet<String> {
    let as_of = as_of();
    let min = g.min_evidence.unwrap_or(Evidence::Contract);
    let n = g.parties.len();
    let on = |p: usize| !g.off[p];
    let mut out = BTreeSet::new();
    for x in 0..CONTROLS {
        // Delegations of X: (consumer, provider, evidence on the analysis date).
        let mut delegations: Vec<(usize, usize, Evidence)> = Vec::new();
        for h in &g.handoffs {
            for e in h.entries.iter().filter(|e| e.control == x) {
                if e.agreed.or(e.assumed) == Some(Owner::Provider) && on(h.consumer) {
                    delegations.push((h.consumer, h.provider, evidence_now(g, e, as_of)));
                }
            }
        }
        let implements = |p: usize| on(p) && g.parties[p].implements.contains(&x);
        // S(X): the least fixpoint, by iteration until nothing changes.
        let mut s: Vec<bool> = (0..n).map(implements).collect();
        loop {
            let mut changed = false;
            for &(c, p, _) in &delegations {
                if s[p] && !s[c] {
                    s[c] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // A(party, X): best over delegations of min(evidence, A(provider)), to a fixpoint.
        let mut a: Vec<Option<Evidence>> = (0..n)
            .map(|p| implements(p).then_some(Evidence::Verified))
            .collect();
        loop {
            let mut changed = false;
            for &(c, p, ev) in &delegations {
                if let Some(ap) = a[p] {
                    let via = ev.min(ap);
                    if a[c].is_none_or(|ac| via > ac) {
                        a[c] = Some(via);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        for p in 0..n {
            assert_eq!(s[p], a[p].is_some(), "reference: A defined exactly on S");
        }
        let delegates = |f: usize| delegations.iter().any(|&(c, _, _)| c == f);
        let roots = |f: usize| -> Vec<&str> {
            let mut seen = vec![false; n];
            let mut todo: Vec<usize> = delegations
                .iter()
                .filter(|d| d.0 == f)
                .map(|d| d.1)
                .collect();
            let mut found = Vec::new();
            while let Some(q) = todo.pop() {
                if std::mem::replace(&mut seen[q], true) {
                    continue;
                }
                if !delegates(q) {
                    found.push(PARTY_IDS[q]);
                }
                todo.extend(delegations.iter().filter(|d| d.0 == q).map(|d| d.1));
            }
            found.sort_unstable();
            found
        };

        let mut listed_by = vec![false; n];
        for h in &g.handoffs {
            let service = h.service.map(|s| format!(":{s}")).unwrap_or_default();
            let at = format!(
                "{}>{}{service}",
                PARTY_IDS[h.consumer], PARTY_IDS[h.provider]
            );
            for e in h.entries.iter().filter(|e| e.control == x) {
                listed_by[h.consumer] = true;
                let record = |kind: &str, side: &str, roots: &[&str], circular: bool, ass: &str| {
                    format!(
                        "{kind} {} {at} {side} roots=[{}] circular={circular} assurance={ass}",
                        control_id(x),
                        roots.join(",")
                    )
                };
                let Some(owner) = e.agreed.or(e.assumed) else {
                    out.insert(record("unassigned", "-", &[], false, "-"));
                    continue;
                };
                let sides: &[Side] = match owner {
                    Owner::Provider => &[Side::Provider],
                    Owner::Consumer => &[Side::Consumer],
                    Owner::Shared => &[Side::Provider, Side::Consumer],
                };
                for &side in sides {
                    let f = match side {
                        Side::Provider => h.provider,
                        Side::Consumer => h.consumer,
                    };
                    let unexpected = e.agreed.is_some()
                        && e.assumed.is_some_and(|a| match a {
                            Owner::Shared => false,
                            Owner::Provider => side != Side::Provider,
                            Owner::Consumer => side != Side::Consumer,
                        });
                    let side = side.as_str();
                    let finding = if !s[f] {
                        if unexpected {
                            Some(record("no-mans-land", side, &[], false, "-"))
                        } else if delegates(f) {
                            let r = roots(f);
                            Some(record("broken-chain", side, &r, r.is_empty(), "-"))
                        } else {
                            Some(record("not-delivered", side, &[], false, "-"))
                        }
                    } else if unexpected {
                        Some(record("misunderstanding", side, &[], false, "-"))
                    } else if e.agreed.is_none() {
                        Some(record("unconfirmed", side, &[], false, "-"))
                    } else {
                        let own = a[f].unwrap_or(Evidence::None);
                        let got = if side == "provider" {
                            own.min(evidence_now(g, e, as_of))
                        } else {
                            own
                        };
                        (got < min)
                            .then(|| record("weak-assurance", side, &[], false, got.as_str()))
                    };
                    out.extend(finding);
                }
            }
        }
        for (p, party) in g.parties.iter().enumerate() {
            if party.requires.contains(&x) && !s[p] && !listed_by[p] {
                out.insert(format!(
                    "unassigned {} party:{} - roots=[] circular=false assurance=-",
                    control_id(x),
                    PARTY_IDS[p]
                ));
            }
        }
    }
    out
}

/// SPEC §7: the best of the items in force (a document counts as `none` after its `expires`),
/// the default when nothing is cited, and `none` after the entry's own `expires`.
fn evidence_now(g: &GenStack, e: &GenEntry, as_of: Date) -> Evidence {
    let lapsed = |d: Option<usize>| d.is_some_and(|d| as_of > date(d));
    if lapsed(e.expires) {
        return Evidence::None;
    }
    if e.evidence.is_empty() {
        return if e.agreed.is_some() {
            Evidence::Contract
        } else {
            Evidence::None
        };
    }
    e.evidence
        .iter()
        .map(|c| match *c {
            GenCite::Level(l) => l,
            GenCite::Doc(d) if lapsed(g.docs[d].expires) => Evidence::None,
            GenCite::Doc(d) => g.docs[d].level,
        })
        .max()
        .unwrap_or(Evidence::None)
}

fn date(i: usize) -> Date {
    Date::parse(EXPIRES[i]).expect("a valid date")
}

/// The gap places of the naive reading of SPEC §2: `C1 a>b:crm provider`, `C0 party:a -`.
fn reference_gap_places(g: &GenStack) -> BTreeSet<String> {
    const GAPS: [&str; 4] = [
        "unassigned",
        "no-mans-land",
        "broken-chain",
        "not-delivered",
    ];
    reference_findings(g)
        .into_iter()
        .filter_map(|key| {
            let w: Vec<&str> = key.split(' ').collect();
            GAPS.contains(&w[0])
                .then(|| format!("{} {} {}", w[1], w[2], w[3]))
        })
        .collect()
}

/// SPEC §9 read literally: each gap of the naive reading names its candidates (a broken chain
/// its root causes, a not-delivered or no-mans-land the party of its side, a party's unassigned
/// requirement that party); for each candidate that is not switched off and does not implement
/// the control, the whole stack is read again with it implementing the control, and the gap
/// places that are gone are counted. (party id, control id, gaps closed), N ≥ 1, in SPEC order.
fn reference_fix_first(g: &GenStack) -> Vec<(String, String, usize)> {
    let party = |id: &str| PARTY_IDS.iter().position(|p| *p == id).expect("a party id");
    let mut candidates = BTreeSet::new();
    for key in reference_findings(g) {
        let w: Vec<&str> = key.split(' ').collect();
        let (kind, control, at, side) = (w[0], w[1], w[2], w[3]);
        let x = (0..CONTROLS)
            .position(|c| control_id(c) == control)
            .expect("a control");
        let pair = at.split(':').next().unwrap_or("");
        let named: Vec<usize> = match kind {
            "broken-chain" => {
                let roots = w[4].trim_start_matches("roots=[").trim_end_matches(']');
                roots
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(party)
                    .collect()
            }
            "not-delivered" | "no-mans-land" => {
                let (consumer, provider) = pair.split_once('>').expect("a hand-off");
                vec![party(if side == "provider" {
                    provider
                } else {
                    consumer
                })]
            }
            "unassigned" if at.starts_with("party:") => vec![party(&at["party:".len()..])],
            _ => Vec::new(),
        };
        for p in named {
            if !g.off[p] && !g.parties[p].implements.contains(&x) {
                candidates.insert((p, x));
            }
        }
    }
    let before = reference_gap_places(g);
    let mut out: Vec<(String, String, usize)> = candidates
        .into_iter()
        .filter_map(|(p, x)| {
            let mut fixed = g.clone();
            fixed.parties[p].implements.push(x);
            let closed = before.difference(&reference_gap_places(&fixed)).count();
            (closed >= 1).then(|| (PARTY_IDS[p].to_string(), control_id(x), closed))
        })
        .collect();
    out.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
            .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    out
}

/// The SPEC §4 sort key of a finding: (group, consumer or party, provider, service, control, side).
type OrderKey = (u8, Vec<u8>, Vec<u8>, Option<Vec<u8>>, Vec<u8>, u8);

/// The SPEC §4 sort key of a finding, from its ids.
fn order_key(stack: &Stack, f: &Finding) -> OrderKey {
    let control = stack.control(f.control).id.as_bytes().to_vec();
    match f.place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            let side = match side {
                None => 0,
                Some(Side::Provider) => 1,
                Some(Side::Consumer) => 2,
            };
            (
                0,
                stack.party(h.consumer).id.as_bytes().to_vec(),
                stack.party(h.provider).id.as_bytes().to_vec(),
                h.service.as_ref().map(|s| s.as_bytes().to_vec()),
                control,
                side,
            )
        }
        Place::Party(p) => (
            1,
            stack.party(p).id.as_bytes().to_vec(),
            vec![],
            None,
            control,
            0,
        ),
    }
}

/// The keys of the weak-assurance findings (without their assurance), and of all the others.
fn split_weak(stack: &Stack, report: &Report) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut weak = BTreeSet::new();
    let mut other = BTreeSet::new();
    for f in all_findings(report) {
        let key = finding_key(stack, f);
        if f.kind == Kind::WeakAssurance {
            weak.insert(key.split(" assurance=").next().unwrap_or("").to_string());
        } else {
            other.insert(key);
        }
    }
    (weak, other)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn engine_agrees_with_a_literal_reading_of_the_spec(g in stack()) {
        let (stack, report) = g.analyse();
        let engine: BTreeSet<String> = all_findings(&report).map(|f| finding_key(&stack, f)).collect();
        let count = all_findings(&report).count();
        prop_assert_eq!(engine.len(), count, "two findings at the same place");
        let (want, want_notes) = reference(&g);
        prop_assert_eq!(engine, want, "\n{}", g.toml());
        prop_assert_eq!(note_keys(&stack, &report), want_notes, "\n{}", g.toml());
    }

    #[test]
    fn adding_an_implements_never_adds_a_gap(g in stack(), who in any::<Index>(), control in 0..CONTROLS) {
        let (stack, report) = g.analyse();
        let before = gap_places(&stack, &report);
        let mut more = g.clone();
        let p = who.index(more.parties.len());
        more.parties[p].implements.push(control);
        let (stack2, report2) = more.analyse();
        let after = gap_places(&stack2, &report2);
        let new: Vec<&String> = after.difference(&before).collect();
        prop_assert!(new.is_empty(), "{} implementing C{} made gaps {:?}\n{}", PARTY_IDS[p], control, new, g.toml());
    }

    #[test]
    fn switching_a_party_off_never_removes_a_gap(g in stack(), who in any::<Index>()) {
        let (stack, report) = g.analyse();
        let before = gap_places(&stack, &report);
        let p = who.index(g.parties.len());
        let mut what_if = g.what_if(&stack);
        what_if.set_off(p as u32, true);
        let after = gap_places(&stack, &analyse(&stack, &what_if));
        let gone: Vec<&String> = before.difference(&after).collect();
        prop_assert!(gone.is_empty(), "switching {} off removed gaps {:?}\n{}", PARTY_IDS[p], gone, g.toml());
    }

    #[test]
    fn blast_radius_counts_the_gaps_a_party_adds(g in stack()) {
        let (stack, report) = g.analyse();
        let what_if = g.what_if(&stack);
        let base = gap_places(&stack, &report);
        let blast: BTreeMap<u32, usize> = blast_radius(&stack, &what_if)
            .into_iter()
            .map(|b| (b.party, b.gaps_added))
            .collect();
        prop_assert_eq!(blast.len(), g.parties.len());
        for p in 0..g.parties.len() {
            let mut off = what_if.clone();
            off.set_off(p as u32, true);
            let id = PARTY_IDS[p];
            let own = [format!(" {id}>"), format!(" party:{id} ")];
            let added = gap_places(&stack, &analyse(&stack, &off))
                .difference(&base)
                .filter(|place| !own.iter().any(|o| place.contains(o.as_str())))
                .count();
            prop_assert_eq!(blast[&(p as u32)], added, "blast radius of {}\n{}", id, g.toml());
        }
    }

    #[test]
    fn fix_first_agrees_with_re_analysing_the_whole_stack_per_candidate(g in stack()) {
        let (stack, report) = g.analyse();
        let engine: Vec<(String, String, usize)> = fix_first(&stack, &g.what_if(&stack), &report)
            .into_iter()
            .map(|f| (stack.party(f.party).id.clone(), stack.control(f.control).id.clone(), f.gaps_closed))
            .collect();
        prop_assert_eq!(&engine, &reference_fix_first(&g), "\n{}", g.toml());
        // The per-control shortcut against the engine's own whole analysis: each change made in
        // the stack file, everything analysed again, the gap places that are gone counted.
        let gaps = |report: &Report| -> HashSet<(u32, Place)> {
            report.by_control.iter().flatten()
                .filter(|f| f.severity() == Severity::Gap)
                .map(|f| (f.control, f.place))
                .collect()
        };
        let before = gaps(&report);
        for (party, control, closed) in &engine {
            let p = PARTY_IDS.iter().position(|id| id == party).expect("a party id");
            let x = (0..CONTROLS).position(|c| &control_id(c) == control).expect("a control");
            let mut fixed = g.clone();
            fixed.parties[p].implements.push(x);
            let (_, after) = fixed.analyse();
            let gone = before.difference(&gaps(&after)).count();
            prop_assert_eq!(gone, *closed, "{} implementing {}\n{}", party, control, g.toml());
        }
    }

    #[test]
    fn blast_places_are_the_places_its_count_counts(g in stack()) {
        let (stack, report) = g.analyse();
        let what_if = g.what_if(&stack);
        let base = gap_places(&stack, &report);
        let blast: BTreeMap<u32, usize> = blast_radius(&stack, &what_if)
            .into_iter()
            .map(|b| (b.party, b.gaps_added))
            .collect();
        for p in 0..g.parties.len() {
            let listed: Vec<String> = blast_places(&stack, &what_if, p as u32)
                .into_iter()
                .map(|(c, place)| format!("{} {}", stack.control(c).id, place_key(&stack, place)))
                .collect();
            let id = PARTY_IDS[p];
            prop_assert_eq!(listed.len(), blast[&(p as u32)], "count and list of {}\n{}", id, g.toml());
            let mut off = what_if.clone();
            off.set_off(p as u32, true);
            let own = [format!(" {id}>"), format!(" party:{id} ")];
            let added: BTreeSet<String> = gap_places(&stack, &analyse(&stack, &off))
                .difference(&base)
                .filter(|place| !own.iter().any(|o| place.contains(o.as_str())))
                .cloned()
                .collect();
            let listed: BTreeSet<String> = listed.into_iter().collect();
            prop_assert_eq!(listed, added, "places of {}\n{}", id, g.toml());
        }
    }

    #[test]
    fn raising_evidence_never_adds_a_weak_assurance(g in stack(), which in any::<Index>(), by in 1usize..=3) {
        let entries: Vec<(usize, usize)> = g.handoffs.iter().enumerate()
            .flat_map(|(h, ho)| (0..ho.entries.len()).map(move |e| (h, e)))
            .collect();
        prop_assume!(!entries.is_empty());
        let (h, e) = entries[which.index(entries.len())];
        let mut raised = g.clone();
        let entry = &mut raised.handoffs[h].entries[e];
        // The best the entry states, documents at their level whatever their dates.
        let stated = entry.evidence.iter().map(|c| match *c {
            GenCite::Level(l) => l,
            GenCite::Doc(d) => g.docs[d].level,
        }).max().unwrap_or(if entry.agreed.is_some() { Evidence::Contract } else { Evidence::None });
        let level = Evidence::ALL[(stated as usize + by).min(3)];
        entry.evidence = vec![GenCite::Level(level)];

        let (stack, report) = g.analyse();
        let (stack2, report2) = raised.analyse();
        let (weak_before, other_before) = split_weak(&stack, &report);
        let (weak_after, other_after) = split_weak(&stack2, &report2);
        prop_assert_eq!(other_before, other_after, "a finding other than weak-assurance changed\n{}", g.toml());
        let new: Vec<&String> = weak_after.difference(&weak_before).collect();
        prop_assert!(new.is_empty(), "raising evidence to {} added {:?}\n{}", level.as_str(), new, g.toml());
    }

    #[test]
    fn json_report_is_identical_across_runs_and_in_spec_order(g in stack()) {
        let render = || {
            let (stack, report) = g.analyse();
            let what_if = g.what_if(&stack);
            let blast = blast_radius(&stack, &what_if);
            let fix = fix_first(&stack, &what_if, &report);
            json::render(&Context { stack: &stack, report: &report, what_if: &what_if, blast: Some(&blast), fix_first: Some(&fix) })
        };
        let first = render();
        prop_assert_eq!(&first, &render());

        let (stack, report) = g.analyse();
        let sorted = report.sorted(&stack);
        prop_assert_eq!(sorted.len(), all_findings(&report).count());
        for pair in sorted.windows(2) {
            prop_assert!(order_key(&stack, pair[0]) < order_key(&stack, pair[1]),
                "out of SPEC §4 order: {} before {}", finding_key(&stack, pair[0]), finding_key(&stack, pair[1]));
        }
        let json: serde_json::Value = serde_json::from_str(&first).expect("valid JSON");
        let listed: Vec<&str> = json["findings"].as_array().expect("findings").iter()
            .map(|f| f["control"].as_str().unwrap_or("")).collect();
        let expected: Vec<&str> = sorted.iter().map(|f| stack.control(f.control).id.as_str()).collect();
        prop_assert_eq!(listed, expected);
        let counts = report.counts();
        prop_assert_eq!(json["summary"]["gaps"].as_u64(), Some(counts.gaps as u64));
        prop_assert_eq!(json["summary"]["warnings"].as_u64(), Some(counts.warnings as u64));
    }

    #[test]
    fn a_finding_names_a_place_that_lists_its_control(g in stack()) {
        let (stack, report) = g.analyse();
        for f in all_findings(&report) {
            match f.place {
                Place::Handoff { handoff, side } => {
                    let h = stack.handoff(handoff);
                    let entry = h.entries.iter().find(|e| e.control == f.control);
                    prop_assert!(entry.is_some(), "{} at a hand-off that does not list it", finding_key(&stack, f));
                    let owner = entry.and_then(|e| e.owner());
                    match (owner, side) {
                        (None, None) => prop_assert_eq!(f.kind, Kind::Unassigned),
                        (Some(o), Some(s)) => prop_assert!(o.names(s), "{} on a side its owner does not name", finding_key(&stack, f)),
                        _ => prop_assert!(false, "{}: side and owner disagree", finding_key(&stack, f)),
                    }
                }
                Place::Party(p) => {
                    prop_assert_eq!(f.kind, Kind::Unassigned);
                    prop_assert!(stack.party(p).requires.contains(&f.control));
                    let listed = stack.handoffs.iter().any(|h| h.consumer == p && h.entries.iter().any(|e| e.control == f.control));
                    prop_assert!(!listed, "{}: listed at one of its hand-offs", finding_key(&stack, f));
                }
            }
        }
    }
}
