//! The random stacks the properties run on: owners, evidence, documents, entries and whole
//! stacks as proptest strategies over the generated data of the parent file.

use super::*;

pub(super) fn as_of() -> Date {
    Date::parse(AS_OF).expect("a valid date")
}

/// Mostly `provider`, so that chains of delegations (and their breaks and loops) are common.
pub(super) fn owner(none: u32) -> impl Strategy<Value = Option<Owner>> {
    prop_oneof![
        none => Just(None),
        4 => Just(Some(Owner::Provider)),
        1 => Just(Some(Owner::Consumer)),
        1 => Just(Some(Owner::Shared)),
    ]
}

pub(super) fn evidence() -> impl Strategy<Value = Option<Evidence>> {
    proptest::option::of(select(Evidence::ALL.to_vec()))
}

pub(super) fn cite() -> impl Strategy<Value = GenCite> {
    prop_oneof![
        select(Evidence::ALL.to_vec()).prop_map(GenCite::Level),
        (0..DOC_IDS.len()).prop_map(GenCite::Doc),
    ]
}

pub(super) fn doc() -> impl Strategy<Value = GenDoc> {
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

pub(super) fn entry() -> impl Strategy<Value = GenEntry> {
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

pub(super) fn stack() -> impl Strategy<Value = GenStack> {
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
