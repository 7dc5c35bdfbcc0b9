//! Fuzzy search over parties, hand-offs and controls. The matcher (fuzzy-matcher's
//! `SkimMatcherV2`, whose upstream is archived) is used in one function only, so it can be
//! swapped without touching the rest.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::stack::{ControlIdx, HandoffIdx, PartyIdx, Stack};

/// The most matches kept for `n` / `N`.
const MAX_MATCHES: usize = 1000;

/// Something a search can jump to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A party (its first row).
    Party(PartyIdx),
    /// A hand-off (its first row).
    Handoff(HandoffIdx),
    /// A control: the first hand-off that lists it, with the control selected.
    Control(ControlIdx),
}

/// How well `text` matches `query`, or `None` when it does not; the only use of the matcher.
fn score(matcher: &SkimMatcherV2, text: &str, query: &str) -> Option<i64> {
    matcher.fuzzy_match(text, query)
}

/// Everything that matches `query`, best first (ties in stack order); nothing for an empty query.
pub fn find(stack: &Stack, query: &str) -> Vec<Target> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut found: Vec<(i64, usize, Target)> = Vec::new();
    let mut consider = |text: &str, target: Target| {
        if let Some(s) = score(&matcher, text, query) {
            found.push((s, found.len(), target));
        }
    };
    for (i, p) in stack.parties.iter().enumerate() {
        consider(
            &format!("{} {}", p.id, p.name),
            Target::Party(i as PartyIdx),
        );
    }
    for (i, h) in stack.handoffs.iter().enumerate() {
        let text = format!(
            "{} → {} {}",
            stack.party(h.consumer).id,
            stack.party(h.provider).id,
            h.service.as_deref().unwrap_or("")
        );
        consider(&text, Target::Handoff(i as HandoffIdx));
    }
    let ix = stack.index();
    for (i, c) in stack.controls.iter().enumerate() {
        if !ix.entries_of[i].is_empty() || !ix.requirers[i].is_empty() {
            consider(
                &format!("{} {}", c.id, c.name),
                Target::Control(i as ControlIdx),
            );
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.truncate(MAX_MATCHES);
    found.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_parties_handoffs_and_controls_best_first() {
        let stack = crate::stack::load_demo();
        assert_eq!(find(&stack, ""), []);
        let strat = stack.party_id("stratoline").expect("demo party");
        assert_eq!(find(&stack, "stratoline")[0], Target::Party(strat));
        let byok = stack.control_id("KEY-BYOK").expect("demo control");
        assert!(find(&stack, "KEY-BYOK").contains(&Target::Control(byok)));
        assert!(
            find(&stack, "brightpath stratoline")
                .iter()
                .any(|t| matches!(t, Target::Handoff(_)))
        );
        assert_eq!(find(&stack, "qqqqzzzz"), []);
    }
}
