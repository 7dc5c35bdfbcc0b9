//! The one-sentence "why" of each finding, in the words of the stack (not escaped: each output
//! escapes for its own medium).

use super::chains::KEEP;
use super::{Finding, Kind, Place};
use crate::stack::{ControlIdx, Evidence, HandoffIdx, Lapse, Owner, PartyIdx, Side, Stack};

/// Joins a chain of parties as `a → b → c`. `len` is the length of the whole path: when the
/// chain was abridged (`len` > its length) the middle is shown as `…`; `len` 0 marks a circle
/// walked only part of the way.
pub fn chain_text(stack: &Stack, chain: &[u32], len: usize) -> String {
    let ids: Vec<&str> = chain.iter().map(|&p| stack.party(p).id.as_str()).collect();
    if len == 0 {
        return format!("{} → …", ids.join(" → "));
    }
    if len <= ids.len() || ids.len() < 2 * KEEP {
        return ids.join(" → ");
    }
    let split = ids.len() - KEEP;
    format!(
        "{} → … ({} more) … → {}",
        ids[..split].join(" → "),
        len - ids.len(),
        ids[split..].join(" → ")
    )
}

/// How many root causes a sentence names; the rest are counted.
const LISTED: usize = 5;

fn list(stack: &Stack, parties: &[u32]) -> String {
    let mut s: Vec<&str> = parties
        .iter()
        .take(LISTED)
        .map(|&p| stack.party(p).id.as_str())
        .collect();
    let more = parties.len().saturating_sub(LISTED);
    let more_text = format!("and {more} more");
    if more > 0 {
        s.push(&more_text);
    }
    s.join(", ")
}

/// For a misunderstanding or an unconfirmed cover whose assurance is also below the minimum:
/// `; its assurance is also LEVEL, below MIN` (empty otherwise). The finding has one kind only,
/// so the weak assurance behind it would stay unseen until its owner is sorted out.
fn also_weak(f: &Finding, min_evidence: Evidence) -> String {
    match f.cover_assurance {
        Some(level) if level < min_evidence => {
            format!("; its assurance is also {level}, below {min_evidence}")
        }
        _ => String::new(),
    }
}

/// A root cause's own hand-off that keeps the control on itself: the first hand-off where the
/// root cause is the consumer and the control's effective owner is `consumer` or `shared`, with
/// that owner. The chain ends there not for want of an agreement, but because the agreement
/// leaves the control with the root cause, which does not deliver it.
fn kept_at(stack: &Stack, control: ControlIdx, root: PartyIdx) -> Option<(HandoffIdx, Owner)> {
    stack.index().consumes[root as usize].iter().find_map(|&h| {
        let owner = stack
            .handoff(h)
            .entries
            .iter()
            .find(|e| e.control == control)?
            .owner()?;
        matches!(owner, Owner::Consumer | Owner::Shared).then_some((h, owner))
    })
}

/// What is wrong where a broken chain ends, in the parentheses after its root causes: a root
/// cause implements nothing and hands nothing on, or its own agreement keeps the control on it
/// (said for each root cause the sentence names, and counted for the others).
fn root_cause_clause(stack: &Stack, control: ControlIdx, roots: &[PartyIdx]) -> String {
    let id = &stack.control(control).id;
    let kept: Vec<(usize, PartyIdx, HandoffIdx, Owner)> = roots
        .iter()
        .enumerate()
        .filter_map(|(i, &r)| kept_at(stack, control, r).map(|(h, o)| (i, r, h, o)))
        .collect();
    if kept.is_empty() {
        return "root cause: implements nothing, hands nothing on".to_string();
    }
    let mut parts: Vec<String> = kept
        .iter()
        .filter(|&&(i, ..)| i < LISTED)
        .map(|&(_, r, h, owner)| {
            let (r, q) = (&stack.party(r).id, &stack.party(stack.handoff(h).provider).id);
            format!(
                "{r}'s own agreement with {q} keeps {id} on {r} ({owner}), and {r} does not implement it",
                owner = owner.as_str()
            )
        })
        .collect();
    let unnamed = kept.len() - parts.len();
    if unnamed > 0 {
        parts.push(format!(
            "{unnamed} more keep {id} on themselves by their own agreements"
        ));
    }
    if kept.len() < roots.len() {
        parts.push("the others implement nothing, hand nothing on".to_string());
    }
    format!("root cause: {}", parts.join("; "))
}

/// Why a finding was raised, as one sentence.
pub fn message(stack: &Stack, f: &Finding, min_evidence: Evidence) -> String {
    let control = &stack.control(f.control).id;
    let (consumer, provider, entry) = match f.place {
        Place::Handoff { handoff, .. } => {
            let h = stack.handoff(handoff);
            let entry = h.entries.iter().find(|e| e.control == f.control);
            (
                Some(&stack.party(h.consumer).id),
                Some(&stack.party(h.provider).id),
                entry,
            )
        }
        Place::Party(_) => (None, None, None),
    };
    let responsible = match f.side() {
        Some(Side::Provider) => provider,
        Some(Side::Consumer) => consumer,
        None => None,
    };
    let who = responsible.map(String::as_str).unwrap_or("?");
    let side = f.side().map_or("", Side::as_str);
    let assumed = entry
        .and_then(|e| e.assumed)
        .map_or("nobody", |o| o.as_str());
    let consumer = consumer.map(String::as_str).unwrap_or("?");
    let mut text = match (f.kind, f.place) {
        (Kind::Unassigned, Place::Party(p)) => format!(
            "{} requires {control} but does not implement it, and none of its hand-offs lists it: nobody is responsible",
            stack.party(p).id
        ),
        (Kind::Unassigned, _) => {
            format!("{control} is in scope but has no owner: neither `agreed` nor `assumed` is set")
        }
        (Kind::NoMansLand, _) => format!(
            "the agreement puts {control} on the {side} ({who}), {consumer} assumed {assumed}, and {who} does not deliver it: each side thinks the other does it"
        ),
        (Kind::BrokenChain, _) if f.circular => format!(
            "{who} hands {control} on, but the delegations go round in a circle ({}) and nobody implements it",
            chain_text(stack, &f.chain, f.chain_len)
        ),
        (Kind::BrokenChain, _) => format!(
            "{who} hands {control} on, but the chain {} ends at {} ({})",
            chain_text(stack, &f.chain, f.chain_len),
            list(stack, &f.root_causes),
            root_cause_clause(stack, f.control, &f.root_causes)
        ),
        (Kind::NotDelivered, _) => {
            format!(
                "the {side} ({who}) is responsible for {control} but neither implements it nor hands it on"
            )
        }
        (Kind::Misunderstanding, _) => format!(
            "{control} is delivered by the {side} ({who}), but {consumer} assumed {assumed}{}",
            also_weak(f, min_evidence)
        ),
        (Kind::Unconfirmed, _) => format!(
            "{control} is delivered via the {side} ({who}), but only by assumption: no agreement says so{}",
            also_weak(f, min_evidence)
        ),
        (Kind::WeakAssurance, _) => {
            let mut text = format!(
                "{control} is delivered, but the assurance is {} (below {min_evidence}) along {}",
                f.assurance.unwrap_or(Evidence::None),
                chain_text(stack, &f.chain, f.chain_len)
            );
            if let Some((h, evidence)) = f.weakest {
                let w = stack.handoff(h);
                if let Some(e) = w.entries.iter().find(|e| e.control == f.control) {
                    let why = if e.agreed.is_none() && !e.evidence.is_written() {
                        ", assumed only"
                    } else {
                        ""
                    };
                    // As it counts on the analysis date: a lapsed document is said below.
                    text.push_str(&format!(
                        "; weakest link {} → {} (evidence {evidence}{why})",
                        stack.party(w.consumer).id,
                        stack.party(w.provider).id,
                    ));
                }
            }
            text
        }
    };
    if let Some((h, lapse)) = f.expired {
        let h = stack.handoff(h);
        let (consumer, provider) = (&stack.party(h.consumer).id, &stack.party(h.provider).id);
        text.push_str(&match lapse {
            Lapse::Entry(date) => {
                format!("; the evidence of {consumer} → {provider} expired on {date}")
            }
            Lapse::Document(d, date) => {
                format!(
                    "; evidence document {}, cited by {consumer} → {provider}, expired on {date}",
                    stack.documents[d as usize].label()
                )
            }
        });
        match f.also_lapsed {
            0 => {}
            1 => text.push_str(
                ", and another lapsed link on the path is as weak: renewing one alone would not \
                 raise the assurance",
            ),
            n => text.push_str(&format!(
                ", and {n} other lapsed links on the path are as weak: renewing one alone would \
                 not raise the assurance"
            )),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Kind, WhatIf, analyse};
    use crate::date::Date;

    /// The why of the one finding of `kind` at `consumer → provider` in a stack of parties
    /// `a`…`e` and one control `X`, whose hand-offs are given as `consumer provider {entry}`.
    fn why(implements: &[&str], handoffs: &[&str], kind: Kind, min: Option<Evidence>) -> String {
        let mut text = String::from(
            "[stack]\nname = \"t\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"x\"\n",
        );
        for p in ["a", "b", "c", "d", "e"] {
            let implements = if implements.contains(&p) {
                "[\"X\"]"
            } else {
                "[]"
            };
            text.push_str(&format!(
                "[[party]]\nid = \"{p}\"\nimplements = {implements}\n"
            ));
        }
        for h in handoffs {
            let mut parts = h.splitn(3, ' ');
            let (c, p, entry) = (
                parts.next().expect("consumer"),
                parts.next().expect("provider"),
                parts.next().expect("entry"),
            );
            text.push_str(&format!(
                "[[handoff]]\nconsumer = \"{c}\"\nprovider = \"{p}\"\ncontrols = {{ X = {entry} }}\n"
            ));
        }
        let stack = crate::stack::load_str(&text, "t.toml", None).expect("test stack loads");
        let mut what_if = WhatIf::new(&stack, Date::parse("2026-11-28").expect("a date"));
        what_if.min_evidence = min;
        let report = analyse(&stack, &what_if);
        let f = report.by_control[0]
            .iter()
            .find(|f| f.kind == kind && f.handoff().is_some_and(|h| stack.handoff(h).consumer == 0))
            .unwrap_or_else(|| panic!("no {kind:?} at a: {:?}", report.by_control[0]));
        message(&stack, f, report.min_evidence)
    }

    #[test]
    fn a_warning_of_another_kind_also_says_when_its_assurance_is_below_the_minimum() {
        let low = "; its assurance is also none, below contract";
        let cases = [
            // Assumed only (evidence none by default): unconfirmed, and weakly assured.
            (
                vec!["a b { assumed = \"provider\" }"],
                Kind::Unconfirmed,
                None,
                Some(low),
            ),
            // The same, when no minimum is asked for: nothing more to say.
            (
                vec!["a b { assumed = \"provider\" }"],
                Kind::Unconfirmed,
                Some(Evidence::None),
                None,
            ),
            // Assumed only, but with attested evidence: assured enough.
            (
                vec!["a b { assumed = \"provider\", evidence = \"attested\" }"],
                Kind::Unconfirmed,
                None,
                None,
            ),
            // Delivered by the provider while the consumer believes it does it, on no evidence.
            (
                vec!["a b { agreed = \"provider\", assumed = \"consumer\", evidence = \"none\" }"],
                Kind::Misunderstanding,
                None,
                Some(low),
            ),
            (
                vec!["a b { agreed = \"provider\", assumed = \"consumer\" }"],
                Kind::Misunderstanding,
                None,
                None,
            ),
            // The assurance comes down the chain: b relies on c on nobody's word.
            (
                vec![
                    "a b { agreed = \"provider\", assumed = \"consumer\", evidence = \"verified\" }",
                    "b c { assumed = \"provider\" }",
                ],
                Kind::Misunderstanding,
                Some(Evidence::Attested),
                Some("; its assurance is also none, below attested"),
            ),
        ];
        for (handoffs, kind, min, want) in cases {
            let implements = if handoffs.len() == 1 { ["b"] } else { ["c"] };
            let got = why(&implements, &handoffs, kind, min);
            match want {
                Some(tail) => assert!(got.ends_with(tail), "{handoffs:?}: {got}"),
                None => assert!(
                    !got.contains("its assurance is also"),
                    "{handoffs:?}: {got}"
                ),
            }
        }
    }

    #[test]
    fn a_root_cause_that_keeps_the_control_on_itself_is_named_as_such() {
        let plain = "(root cause: implements nothing, hands nothing on)";
        let cases: [(&[&str], &str); 4] = [
            // The chain a → b → c ends at c, which has no hand-off for X at all.
            (&["a b \"provider\"", "b c \"provider\""], plain),
            // c's own agreement with d leaves X with c (no-mans-land or not-delivered there).
            (
                &["a b \"provider\"", "b c \"provider\"", "c d \"consumer\""],
                "(root cause: c's own agreement with d keeps X on c (consumer), and c does not implement it)",
            ),
            (
                &["a b \"provider\"", "b c \"provider\"", "c d \"shared\""],
                "(root cause: c's own agreement with d keeps X on c (shared), and c does not implement it)",
            ),
            // Two root causes: c keeps it, e simply does nothing.
            (
                &[
                    "a b \"provider\"",
                    "b c \"provider\"",
                    "b e \"provider\"",
                    "c d { agreed = \"consumer\", assumed = \"provider\" }",
                ],
                "ends at c, e (root cause: c's own agreement with d keeps X on c (consumer), and c does not implement it; the others implement nothing, hand nothing on)",
            ),
        ];
        for (handoffs, want) in cases {
            let got = why(&[], handoffs, Kind::BrokenChain, None);
            assert!(got.ends_with(want), "{handoffs:?}:\n{got}");
        }
    }

    #[test]
    fn two_links_lapsed_as_low_say_that_renewing_one_is_not_enough() {
        // Both links state verified and both lapsed: either renewed alone leaves none.
        let text = why(
            &["c"],
            &[
                "a b { agreed = \"provider\", evidence = \"verified\", expires = 2026-01-01 }",
                "b c { agreed = \"provider\", evidence = \"verified\", expires = 2026-02-01 }",
            ],
            Kind::WeakAssurance,
            None,
        );
        assert!(
            text.ends_with(
                "the evidence of a → b expired on 2026-01-01, and another lapsed link on the \
                 path is as weak: renewing one alone would not raise the assurance"
            ),
            "{text}"
        );
        // One lapsed, the other standing as low as written: nothing more to say about it.
        let text = why(
            &["c"],
            &[
                "a b { agreed = \"provider\", evidence = \"verified\", expires = 2026-01-01 }",
                "b c { agreed = \"provider\", evidence = \"none\" }",
            ],
            Kind::WeakAssurance,
            None,
        );
        assert!(!text.contains("renewing"), "{text}");
    }

    #[test]
    fn the_weakest_link_shows_its_evidence_as_it_counts_on_the_analysis_date() {
        // b → c states verified, but its own date passed (the analysis date is 2026-11-28):
        // it counts none and holds the chain down, below a → b's contract.
        let text = why(
            &["c"],
            &[
                "a b { agreed = \"provider\", evidence = \"contract\" }",
                "b c { agreed = \"provider\", evidence = \"verified\", expires = 2026-01-01 }",
            ],
            Kind::WeakAssurance,
            None,
        );
        assert_eq!(
            text,
            "X is delivered, but the assurance is none (below contract) along a → b → c; \
             weakest link b → c (evidence none); the evidence of b → c expired on 2026-01-01"
        );
    }
}
