//! Fix first (SPEC §9): which few changes — a party implementing a control — close the most
//! gaps. Each gap names where it could be fixed ([`named`] holds the rule); each candidate
//! (P, X) is judged by the one-control analysis of X with P taken to implement it. Implementing
//! X changes only X's findings, so all candidates of a control share that control's findings
//! and gathered entries, and the stack is never re-analysed whole: the cost is the size of each
//! control times its candidates, shared out among the cores like a whole analysis.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use super::engine::{self, Engine, Gathered};
use super::{Finding, Kind, Place, Report, Severity, WhatIf};
use crate::stack::{ControlIdx, HandoffIdx, PartyIdx, Side, Stack};

/// A change worth making first: a party implementing a control, and the gaps it would close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixFirst {
    /// The party that would implement the control.
    pub party: PartyIdx,
    /// The control.
    pub control: ControlIdx,
    /// Places that are gaps now (accepted ones included) and would not be.
    pub gaps_closed: usize,
}

/// The parties a finding names as where it could be fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named<'f> {
    /// Nobody: a warning, a hand-off without an owner (it needs an owner, not an
    /// implementation), or a chain that only goes round in a circle.
    Nobody,
    /// The responsible party of its side, or the party whose requirement it is.
    Party(PartyIdx),
    /// A broken chain's root causes, every one of them.
    RootCauses(&'f [PartyIdx]),
}

/// SPEC §9: "a `broken-chain` its root causes, a `not-delivered` or `no-mans-land` the
/// responsible party of its side, a party-level `unassigned` that party". `party_on` gives the
/// party on a side of a hand-off. Whether the finding is accepted makes no difference.
fn named(f: &Finding, party_on: impl FnOnce(HandoffIdx, Side) -> PartyIdx) -> Named<'_> {
    match (f.kind, f.place) {
        (Kind::BrokenChain, _) if f.root_causes.is_empty() => Named::Nobody,
        (Kind::BrokenChain, _) => Named::RootCauses(&f.root_causes),
        (
            Kind::NotDelivered | Kind::NoMansLand,
            Place::Handoff {
                handoff,
                side: Some(side),
            },
        ) => Named::Party(party_on(handoff, side)),
        (Kind::Unassigned, Place::Party(p)) => Named::Party(p),
        _ => Named::Nobody,
    }
}

/// Every candidate with at least one gap closed, most gaps closed first, then by party id and
/// control id (compared as bytes). `report` is the analysis of `stack` under `what_if`; with
/// only some controls' findings (`check --control`), only those controls are looked at.
pub fn fix_first(stack: &Stack, what_if: &WhatIf, report: &Report) -> Vec<FixFirst> {
    let go_on = AtomicBool::new(false);
    fix_first_unless(stack, what_if, report, &go_on).unwrap_or_default()
}

/// [`fix_first`], given up (`None`) once `stop` is set: checked before each control, so a
/// person who stops waiting waits at most for the controls under way.
pub fn fix_first_unless(
    stack: &Stack,
    what_if: &WhatIf,
    report: &Report,
    stop: &AtomicBool,
) -> Option<Vec<FixFirst>> {
    let gathered = Gathered::new(stack, what_if.as_of);
    let ranks: &engine::Ranks = &report.ranks.0;
    let engine = || {
        let mut engine = Engine::new(stack, what_if);
        engine.gathered = Some(&gathered);
        engine.ranks = Some(ranks);
        engine
    };
    let per_control = engine::per_control(
        stack.controls.len(),
        engine::threads(stack),
        engine,
        |engine, control| {
            if stop.load(Ordering::Relaxed) {
                return Vec::new();
            }
            let findings = &report.by_control[control as usize];
            of_control(engine, (stack, what_if), control, findings)
        },
    );
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let mut out: Vec<FixFirst> = per_control.into_iter().flatten().collect();
    out.sort_by(|a, b| {
        b.gaps_closed
            .cmp(&a.gaps_closed)
            .then_with(|| stack.party(a.party).id.cmp(&stack.party(b.party).id))
            .then_with(|| {
                stack
                    .control(a.control)
                    .id
                    .cmp(&stack.control(b.control).id)
            })
    });
    Some(out)
}

/// The candidates of one control, given its findings: each re-analysed with the candidate
/// implementing the control, counting the gap places that are gone.
fn of_control(
    engine: &mut Engine,
    (stack, what_if): (&Stack, &WhatIf),
    control: ControlIdx,
    findings: &[Finding],
) -> Vec<FixFirst> {
    let is_gap = |f: &&Finding| f.severity() == Severity::Gap;
    let mut candidates: Vec<PartyIdx> = Vec::new();
    for f in findings.iter().filter(is_gap) {
        let party_on = |h: HandoffIdx, side: Side| {
            let h = stack.handoff(h);
            match side {
                Side::Provider => h.provider,
                Side::Consumer => h.consumer,
            }
        };
        match named(f, party_on) {
            Named::Nobody => {}
            Named::Party(p) => candidates.push(p),
            Named::RootCauses(roots) => candidates.extend_from_slice(roots),
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates.retain(|&p| !what_if.is_off(p) && !stack.party(p).implements_control(control));
    if candidates.is_empty() {
        return Vec::new();
    }
    let gaps: Vec<Place> = findings.iter().filter(is_gap).map(|f| f.place).collect();
    let mut after: HashSet<Place> = HashSet::new();
    let mut out = Vec::new();
    for party in candidates {
        engine.also_implements = Some(party);
        let fresh = engine.control(control);
        after.clear();
        after.extend(fresh.iter().filter(is_gap).map(|f| f.place));
        let gaps_closed = gaps.iter().filter(|p| !after.contains(p)).count();
        if gaps_closed > 0 {
            out.push(FixFirst {
                party,
                control,
                gaps_closed,
            });
        }
    }
    engine.also_implements = None;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;
    use crate::date::Date;
    use crate::stack::load_str;

    fn finding(kind: Kind, place: Place, root_causes: Vec<PartyIdx>) -> Finding {
        Finding {
            kind,
            control: 0,
            place,
            circular: kind == Kind::BrokenChain && root_causes.is_empty(),
            root_causes,
            chain: Vec::new(),
            chain_len: 0,
            assurance: None,
            cover_assurance: None,
            weakest: None,
            expired: None,
            also_lapsed: 0,
            accepted: None,
        }
    }

    /// At hand-off 7, the consumer is party 1 and the provider party 2.
    fn party_on(h: HandoffIdx, side: Side) -> PartyIdx {
        assert_eq!(h, 7);
        match side {
            Side::Consumer => 1,
            Side::Provider => 2,
        }
    }

    #[test]
    fn each_gap_names_where_it_could_be_fixed() {
        let at = |side| Place::Handoff { handoff: 7, side };
        let (pv, cs) = (Some(Side::Provider), Some(Side::Consumer));
        let many: Vec<PartyIdx> = (10..160).collect();
        use Kind::*;
        #[rustfmt::skip]
        let table: Vec<(Finding, Vec<PartyIdx>, &str)> = vec![
            (finding(BrokenChain, at(pv), vec![4, 5]), vec![4, 5],
                "a broken chain: its root causes"),
            (finding(BrokenChain, at(cs), many.clone()), many.clone(),
                "every root cause, not only the 100 JSON lists"),
            (finding(BrokenChain, at(pv), vec![]), vec![],
                "a circular chain names nobody"),
            (finding(NotDelivered, at(pv), vec![]), vec![2],
                "not delivered: the responsible party of its side (provider)"),
            (finding(NotDelivered, at(cs), vec![]), vec![1],
                "not delivered: the responsible party of its side (consumer)"),
            (finding(NoMansLand, at(cs), vec![]), vec![1],
                "no man's land: only its responsible party, not the other side"),
            (finding(NoMansLand, at(pv), vec![]), vec![2],
                "no man's land on the provider side: the provider only"),
            (finding(Unassigned, at(None), vec![]), vec![],
                "a hand-off unassigned needs an owner, not an implementation"),
            (finding(Unassigned, Place::Party(3), vec![]), vec![3],
                "a party's unassigned requirement: that party"),
            (finding(Misunderstanding, at(pv), vec![]), vec![], "a warning names nobody"),
            (finding(Unconfirmed, at(cs), vec![]), vec![], "a warning names nobody"),
            (finding(WeakAssurance, at(pv), vec![]), vec![], "a warning names nobody"),
        ];
        for (mut f, want, rule) in table {
            for accepted in [None, Some(0)] {
                f.accepted = accepted;
                let got = match named(&f, party_on) {
                    Named::Nobody => Vec::new(),
                    Named::Party(p) => vec![p],
                    Named::RootCauses(r) => r.to_vec(),
                };
                assert_eq!(got, want, "{rule} (accepted: {})", accepted.is_some());
            }
        }
    }

    fn fix(toml: &str, without: &[&str]) -> Vec<(String, String, usize)> {
        let stack = load_str(toml, "fix.toml", None).expect("a valid stack");
        let mut what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a date"));
        for id in without {
            what_if.set_off(stack.party_id(id).expect("a party"), true);
        }
        let report = analyse(&stack, &what_if);
        fix_first(&stack, &what_if, &report)
            .into_iter()
            .map(|f| {
                (
                    stack.party(f.party).id.clone(),
                    stack.control(f.control).id.clone(),
                    f.gaps_closed,
                )
            })
            .collect()
    }

    const HEAD: &str = "[stack]\nname = \"t\"\ncatalog = \"none\"\n\
        [[control]]\nid = \"X\"\nname = \"x\"\n[[control]]\nid = \"Y\"\nname = \"y\"\n";

    fn owned(list: &[(&str, &str, usize)]) -> Vec<(String, String, usize)> {
        list.iter()
            .map(|&(p, c, n)| (p.to_string(), c.to_string(), n))
            .collect()
    }

    #[test]
    fn a_chain_is_fixed_where_it_ends_and_every_gap_it_closes_counts() {
        // shop → saas → iaas for X, and nobody implements it: iaas, where the chain ends, is
        // named twice (root cause, not delivered) and closes both gaps. shop lists X at its
        // hand-off, so its requirement is no finding of its own.
        let toml = format!(
            "{HEAD}[[party]]\nid = \"shop\"\nrequires = [\"X\"]\n[[party]]\nid = \"saas\"\n\
             [[party]]\nid = \"iaas\"\n\
             [[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\ncontrols = {{ X = \"provider\" }}\n\
             [[handoff]]\nconsumer = \"saas\"\nprovider = \"iaas\"\ncontrols = {{ X = \"provider\" }}\n"
        );
        assert_eq!(fix(&toml, &[]), owned(&[("iaas", "X", 2)]));

        // Stopped, it gives up rather than a partial list; not stopped, the same list.
        let stack = load_str(&toml, "fix.toml", None).expect("a valid stack");
        let what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a date"));
        let report = analyse(&stack, &what_if);
        let stop = AtomicBool::new(true);
        assert_eq!(fix_first_unless(&stack, &what_if, &report, &stop), None);
        stop.store(false, Ordering::Relaxed);
        assert_eq!(
            fix_first_unless(&stack, &what_if, &report, &stop),
            Some(fix_first(&stack, &what_if, &report))
        );
    }

    #[test]
    fn a_switched_off_party_is_never_a_candidate() {
        let toml = format!(
            "{HEAD}[[party]]\nid = \"shop\"\n[[party]]\nid = \"saas\"\n[[party]]\nid = \"iaas\"\n\
             [[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\ncontrols = {{ X = \"provider\" }}\n\
             [[handoff]]\nconsumer = \"saas\"\nprovider = \"iaas\"\ncontrols = {{ X = \"provider\" }}\n"
        );
        assert_eq!(fix(&toml, &["iaas"]), Vec::new());
        // With saas off, its hand-off to iaas delegates nothing: the gap at shop → saas is
        // saas's to fix, and saas is off; iaas would still close saas → iaas.
        assert_eq!(fix(&toml, &["saas"]), owned(&[("iaas", "X", 1)]));
    }

    #[test]
    fn accepted_gaps_name_candidates_and_count_as_closed() {
        let toml = format!(
            "{HEAD}[[party]]\nid = \"shop\"\nrequires = [\"Y\"]\n[[party]]\nid = \"saas\"\n\
             [[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\ncontrols = {{ X = \"provider\" }}\n\
             [[accept]]\ncontrol = \"X\"\nkind = \"not-delivered\"\nconsumer = \"shop\"\nprovider = \"saas\"\nreason = \"later\"\n\
             [[accept]]\ncontrol = \"Y\"\nkind = \"unassigned\"\nparty = \"shop\"\nreason = \"later\"\n"
        );
        assert_eq!(
            fix(&toml, &[]),
            owned(&[("saas", "X", 1), ("shop", "Y", 1)])
        );
    }

    #[test]
    fn circular_chains_and_unassigned_hand_offs_name_nobody() {
        let toml = format!(
            "{HEAD}[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[party]]\nid = \"c\"\n\
             [[handoff]]\nconsumer = \"c\"\nprovider = \"a\"\ncontrols = {{ X = \"provider\", Y = {{}} }}\n\
             [[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\ncontrols = {{ X = \"provider\" }}\n\
             [[handoff]]\nconsumer = \"b\"\nprovider = \"a\"\ncontrols = {{ X = \"provider\" }}\n"
        );
        assert_eq!(fix(&toml, &[]), Vec::new());
    }

    #[test]
    fn a_no_mans_land_names_only_its_responsible_party() {
        // The agreement puts X on shop, which believed saas does it; saas does not implement X
        // either. Only shop is named; saas implementing X would close nothing.
        let toml = format!(
            "{HEAD}[[party]]\nid = \"shop\"\n[[party]]\nid = \"saas\"\n\
             [[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\
             controls = {{ X = {{ agreed = \"consumer\", assumed = \"provider\" }} }}\n"
        );
        assert_eq!(fix(&toml, &[]), owned(&[("shop", "X", 1)]));
    }

    #[test]
    fn root_causes_beyond_the_hundred_json_lists_are_candidates_too() {
        // top → hub delegates X, and hub hands it on to 150 leaves, none of which implements
        // it. Each leaf implementing X closes its own hand-off and the chains above it; the
        // candidates are every leaf, ranked by id.
        let mut toml = format!(
            "{HEAD}[[party]]\nid = \"top\"\n[[party]]\nid = \"hub\"\n\
             [[handoff]]\nconsumer = \"top\"\nprovider = \"hub\"\ncontrols = {{ X = \"provider\" }}\n"
        );
        for i in 0..150 {
            toml.push_str(&format!(
                "[[party]]\nid = \"leaf{i:03}\"\n[[handoff]]\nconsumer = \"hub\"\n\
                 provider = \"leaf{i:03}\"\ncontrols = {{ X = \"provider\" }}\n"
            ));
        }
        let got = fix(&toml, &[]);
        assert_eq!(got.len(), 150);
        assert_eq!(got[149], ("leaf149".to_string(), "X".to_string(), 2));
        assert!(got.iter().all(|(_, _, n)| *n == 2));
    }

    #[test]
    fn ties_sort_by_party_then_control_id_as_bytes() {
        // `B` sorts before `a` as bytes; each party's requirement closes one gap.
        let toml = format!(
            "{HEAD}[[party]]\nid = \"a\"\nrequires = [\"X\", \"Y\"]\n\
             [[party]]\nid = \"B\"\nrequires = [\"Y\", \"X\"]\n"
        );
        assert_eq!(
            fix(&toml, &[]),
            owned(&[("B", "X", 1), ("B", "Y", 1), ("a", "X", 1), ("a", "Y", 1)])
        );
    }
}
