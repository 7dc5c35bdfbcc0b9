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
//!
//! This file holds the generated stack as data and the properties; under `tests/properties/`
//! are the strategies that generate it, the reports as comparable keys, and the literal reading.

#[path = "properties/keys.rs"]
mod keys;
#[path = "properties/reference.rs"]
mod reference;
#[path = "properties/strategies.rs"]
mod strategies;

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

use keys::*;
use reference::*;
use strategies::*;

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
