//! The one-sentence "why" of each finding, in the words of the stack (not escaped: each output
//! escapes for its own medium).

use super::chains::KEEP;
use super::{Finding, Kind, Place};
use crate::stack::{Evidence, Lapse, Side, Stack};

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

fn list(stack: &Stack, parties: &[u32]) -> String {
    const SHOWN: usize = 5;
    let mut s: Vec<&str> = parties
        .iter()
        .take(SHOWN)
        .map(|&p| stack.party(p).id.as_str())
        .collect();
    let more = parties.len().saturating_sub(SHOWN);
    let more_text = format!("and {more} more");
    if more > 0 {
        s.push(&more_text);
    }
    s.join(", ")
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
            "{who} hands {control} on, but the chain {} ends at {} (root cause: implements nothing, hands nothing on)",
            chain_text(stack, &f.chain, f.chain_len),
            list(stack, &f.root_causes)
        ),
        (Kind::NotDelivered, _) => {
            format!(
                "the {side} ({who}) is responsible for {control} but neither implements it nor hands it on"
            )
        }
        (Kind::Misunderstanding, _) => format!(
            "{control} is delivered by the {side} ({who}), but {consumer} assumed {assumed}"
        ),
        (Kind::Unconfirmed, _) => format!(
            "{control} is delivered via the {side} ({who}), but only by assumption: no agreement says so"
        ),
        (Kind::WeakAssurance, _) => {
            let mut text = format!(
                "{control} is delivered, but the assurance is {} (below {min_evidence}) along {}",
                f.assurance.unwrap_or(Evidence::None),
                chain_text(stack, &f.chain, f.chain_len)
            );
            if let Some(h) = f.weakest {
                let w = stack.handoff(h);
                if let Some(e) = w.entries.iter().find(|e| e.control == f.control) {
                    let why = if e.agreed.is_none() && !e.evidence.is_written() {
                        ", assumed only"
                    } else {
                        ""
                    };
                    text.push_str(&format!(
                        "; weakest link {} → {} (evidence {}{why})",
                        stack.party(w.consumer).id,
                        stack.party(w.provider).id,
                        e.stated_evidence(&stack.documents)
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
                let doc = &stack.documents[d as usize];
                let title = doc
                    .title
                    .as_ref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                format!(
                    "; evidence document {}{title}, cited by {consumer} → {provider}, expired on {date}",
                    doc.id
                )
            }
        });
    }
    text
}
