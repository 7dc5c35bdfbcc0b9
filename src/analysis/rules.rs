//! SPEC §2's rules for one entry of a hand-off, as small pure functions with a table of every
//! case beside them: which sides are responsible, which of them the consumer did not expect,
//! and what kind of finding a responsible side gets. The engine (engine.rs) works out the facts
//! — who delivers, who delegates, how assured — and asks these functions what they mean; an
//! entry without an owner is `unassigned` before any side is judged.

use crate::stack::{Kind, Owner, Side};

/// The responsible sides under an owner, each judged on its own (SPEC §2: "`provider` → p;
/// `consumer` → c; `shared` → both"), provider first as SPEC §4 orders them.
#[inline]
pub(super) fn responsible(owner: Owner) -> &'static [Side] {
    match owner {
        Owner::Provider => &[Side::Provider],
        Owner::Consumer => &[Side::Consumer],
        Owner::Shared => &[Side::Provider, Side::Consumer],
    }
}

/// Whether a responsible side is *unexpected*: "`agreed` and `assumed` are both set and the
/// side is not among those `assumed` names" (`shared` names both sides).
#[inline]
pub(super) fn unexpected(agreed: Option<Owner>, assumed: Option<Owner>, side: Side) -> bool {
    agreed.is_some() && assumed.is_some_and(|a| !a.names(side))
}

/// The kind of finding for the party responsible on one side, or `None` when the side is
/// covered (SPEC §2, "Findings at a hand-off"). `delivers`: the party is in S(X);
/// `unexpected`: see [`unexpected`]; `agreed`: the entry sets `agreed`. The two facts that cost
/// a search are asked for only on the branch that needs them: `delegates`, whether the party
/// delegates X onward, and `assured`, whether the side's assurance reaches the minimum
/// evidence.
#[inline]
pub(super) fn kind_at(
    delivers: bool,
    unexpected: bool,
    agreed: bool,
    delegates: impl FnOnce() -> bool,
    assured: impl FnOnce() -> bool,
) -> Option<Kind> {
    match (delivers, unexpected) {
        (false, true) => Some(Kind::NoMansLand),
        (false, false) if delegates() => Some(Kind::BrokenChain),
        (false, false) => Some(Kind::NotDelivered),
        (true, true) => Some(Kind::Misunderstanding),
        (true, false) if !agreed => Some(Kind::Unconfirmed),
        (true, false) if !assured() => Some(Kind::WeakAssurance),
        (true, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use Kind::*;

    /// A fact of a rule: `Some(value)`, or `None` when the rule does not look at it.
    type Fact = Option<bool>;

    /// f in S(X), s unexpected, agreed, f delegates, assured → the kind, and the rule's words.
    type Rule = (bool, bool, Fact, Fact, Fact, Option<Kind>, &'static str);

    /// SPEC §2's rules for a responsible party f on side s, one row per rule.
    #[rustfmt::skip]
    const KIND_AT: [Rule; 7] = [
        // f in S(X), s unexpected, agreed, f delegates, assured → kind
        (false, true,  None,        None,        None,        Some(NoMansLand),
            "f not in S(X): s is unexpected → `no-mans-land`"),
        (false, false, None,        Some(true),  None,        Some(BrokenChain),
            "f not in S(X): else f delegates X onward → `broken-chain`"),
        (false, false, None,        Some(false), None,        Some(NotDelivered),
            "f not in S(X): else → `not-delivered`"),
        (true,  true,  None,        None,        None,        Some(Misunderstanding),
            "f in S(X): s is unexpected → `misunderstanding`"),
        (true,  false, Some(false), None,        None,        Some(Unconfirmed),
            "f in S(X): else no `agreed` → `unconfirmed`"),
        (true,  false, Some(true),  None,        Some(false), Some(WeakAssurance),
            "f in S(X): else the assurance is below `min_evidence` → `weak-assurance`"),
        (true,  false, Some(true),  None,        Some(true),  None,
            "f in S(X): else covered (no finding)"),
    ];

    fn fits(fact: Fact, value: bool) -> bool {
        fact.is_none_or(|f| f == value)
    }

    #[test]
    fn every_combination_of_facts_gets_the_kind_of_exactly_one_rule() {
        for bits in 0u8..32 {
            let [delivers, unexpected, agreed, delegates, assured] =
                [0, 1, 2, 3, 4].map(|i| bits & (1 << i) != 0);
            let facts = (delivers, unexpected, agreed, delegates, assured);
            let rules: Vec<_> = KIND_AT
                .iter()
                .filter(|r| {
                    r.0 == delivers
                        && r.1 == unexpected
                        && fits(r.2, agreed)
                        && fits(r.3, delegates)
                        && fits(r.4, assured)
                })
                .collect();
            assert_eq!(rules.len(), 1, "{facts:?} fits {rules:?}");
            let (.., asks_delegates, asks_assured, kind, spec) = *rules[0];
            let (mut asked_delegates, mut asked_assured) = (false, false);
            let got = kind_at(
                delivers,
                unexpected,
                agreed,
                || {
                    asked_delegates = true;
                    delegates
                },
                || {
                    asked_assured = true;
                    assured
                },
            );
            assert_eq!(got, kind, "{facts:?}: {spec}");
            // The searches behind a fact are only worth running where the rule looks at it.
            assert_eq!(
                asked_delegates,
                asks_delegates.is_some(),
                "{facts:?}: {spec}"
            );
            assert_eq!(asked_assured, asks_assured.is_some(), "{facts:?}: {spec}");
        }
    }

    #[test]
    fn a_side_is_unexpected_only_when_both_owners_are_set_and_assumed_does_not_name_it() {
        use Owner::{Consumer as C, Provider as P, Shared as S};
        let (pv, cs) = (Side::Provider, Side::Consumer);
        #[rustfmt::skip]
        let table = [
            // agreed, assumed, side → unexpected
            (None,    None,    pv, false), (None,    None,    cs, false),
            (None,    Some(P), pv, false), (None,    Some(C), pv, false), // no `agreed`
            (Some(P), None,    pv, false), (Some(C), None,    cs, false), // no `assumed`
            (Some(P), Some(P), pv, false), (Some(C), Some(P), cs, true),
            (Some(P), Some(C), pv, true),  (Some(C), Some(C), cs, false),
            (Some(S), Some(P), pv, false), (Some(S), Some(P), cs, true),
            (Some(S), Some(C), pv, true),  (Some(S), Some(C), cs, false),
            (Some(S), Some(S), pv, false), (Some(S), Some(S), cs, false), // `shared` names both
            (Some(P), Some(S), pv, false), (Some(C), Some(S), cs, false),
        ];
        for (agreed, assumed, side, want) in table {
            assert_eq!(
                unexpected(agreed, assumed, side),
                want,
                "agreed {agreed:?}, assumed {assumed:?}, side {side:?}"
            );
        }
    }

    #[test]
    fn shared_makes_both_sides_responsible_provider_first() {
        assert_eq!(responsible(Owner::Provider), [Side::Provider]);
        assert_eq!(responsible(Owner::Consumer), [Side::Consumer]);
        assert_eq!(responsible(Owner::Shared), [Side::Provider, Side::Consumer]);
    }
}
