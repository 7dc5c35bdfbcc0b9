//! SPEC §2, §6, §7 and §9 read literally, on the generated data (not on the loaded stack):
//! the naive reading the engine is checked against.

use super::*;

/// SPEC §2 read literally, on the generated data (not on the loaded stack).
/// SPEC §2 and §6 read literally: the findings (with their accepted flag) and the notes.
// Index loops: the reference reads like the textbook algorithms it follows.
#[allow(clippy::needless_range_loop)]
pub(super) fn reference(g: &GenStack) -> (BTreeSet<String>, BTreeSet<String>) {
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
pub(super) fn reference_findings(g: &GenStack) -> BTreeSet<String> {
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
pub(super) fn evidence_now(g: &GenStack, e: &GenEntry, as_of: Date) -> Evidence {
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

pub(super) fn date(i: usize) -> Date {
    Date::parse(EXPIRES[i]).expect("a valid date")
}

/// The gap places of the naive reading of SPEC §2: `C1 a>b:crm provider`, `C0 party:a -`.
pub(super) fn reference_gap_places(g: &GenStack) -> BTreeSet<String> {
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
pub(super) fn reference_fix_first(g: &GenStack) -> Vec<(String, String, usize)> {
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
