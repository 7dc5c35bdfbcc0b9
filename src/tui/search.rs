//! Fuzzy search over parties, hand-offs and controls, and every place a match is shown: a
//! party's first row, a hand-off's row, a control at each hand-off that lists it and at each
//! party that requires it. The places are visited in tree order, each once (a party and the
//! hand-off it is first reached by share one row, so they are one place). The matcher
//! (fuzzy-matcher's `SkimMatcherV2`, whose upstream is archived) is used in one function only,
//! so it can be swapped without touching the rest.

use std::collections::HashMap;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::inspect;
use super::tree::{RowRef, Tree};
use crate::stack::{ControlIdx, HandoffIdx, PartyIdx, Stack};

/// The most matches kept (parties, hand-offs, controls), best first.
const MAX_MATCHES: usize = 1000;

/// The most places kept for `n` / `N` (a control listed at many hand-offs has many).
const MAX_PLACES: usize = 10_000;

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

/// A place a search goes to: a row, and the line to select in its hand-off pane (a control at
/// a hand-off, or a party's own requirement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    /// The row.
    pub row: RowRef,
    /// The pane's line for the control there, if the match was a control.
    pub item: Option<(inspect::Target, ControlIdx)>,
}

/// The places where a match is shown.
fn places_of(stack: &Stack, tree: &Tree, t: Target) -> Vec<Place> {
    let row = |row: RowRef| Place { row, item: None };
    match t {
        Target::Party(p) => vec![row(tree.party_row(p))],
        Target::Handoff(h) => vec![row(RowRef::Handoff(h))],
        Target::Control(c) => {
            let ix = stack.index();
            let entries = ix.entries_of[c as usize]
                .iter()
                .map(|&(handoff, entry)| Place {
                    row: RowRef::Handoff(handoff),
                    item: Some((inspect::Target::Entry { handoff, entry }, c)),
                });
            let requirements = ix.requirers[c as usize].iter().map(|&party| Place {
                row: tree.party_row(party),
                item: Some((inspect::Target::Requirement { party }, c)),
            });
            entries.chain(requirements).collect()
        }
    }
}

/// Every place of `matches` (best first), each once, in tree order; and where the first place
/// of the best match is among them.
pub fn places(stack: &Stack, tree: &Tree, matches: &[Target]) -> (Vec<Place>, usize) {
    // Each place with the rank of the best match showing it.
    let mut rank: HashMap<Place, usize> = HashMap::new();
    for (r, &t) in matches.iter().enumerate() {
        if rank.len() >= MAX_PLACES {
            break;
        }
        for place in places_of(stack, tree, t) {
            rank.entry(place).or_insert(r);
        }
    }
    let mut found: Vec<(Place, usize)> = rank.into_iter().collect();
    // On one row: the row itself, then its controls in the file's order, then requirements.
    let line = |item: Option<(inspect::Target, ControlIdx)>| match item {
        None => (0, 0),
        Some((inspect::Target::Entry { entry, .. }, _)) => (1, entry),
        Some((inspect::Target::Requirement { .. }, c)) => (2, c),
    };
    found.sort_unstable_by_key(|&(p, _)| (tree.order_of(stack, p.row), line(p.item)));
    found.truncate(MAX_PLACES);
    let best = found.iter().map(|&(_, r)| r).min();
    let at = found
        .iter()
        .position(|&(_, r)| Some(r) == best)
        .unwrap_or(0);
    (found.into_iter().map(|(p, _)| p).collect(), at)
}

/// How well `text` matches `query`, or `None` when it does not; the only use of the matcher.
fn score(matcher: &SkimMatcherV2, text: &str, query: &str) -> Option<i64> {
    matcher.fuzzy_match(text, query)
}

/// What can be searched in one stack, built once, and the hits of the last query, so typing
/// one more character only re-scores what still matched.
#[derive(Debug, Default)]
pub struct Searcher {
    candidates: Vec<(String, Target)>,
    last_query: String,
    last_hits: Vec<u32>,
}

impl Searcher {
    /// The parties, hand-offs and controls (those in use) of a stack, as searchable text.
    pub fn new(stack: &Stack) -> Searcher {
        let mut candidates = Vec::with_capacity(stack.parties.len() + stack.handoffs.len());
        for (i, p) in stack.parties.iter().enumerate() {
            candidates.push((format!("{} {}", p.id, p.name), Target::Party(i as PartyIdx)));
        }
        for (i, h) in stack.handoffs.iter().enumerate() {
            let text = format!(
                "{} → {} {}",
                stack.party(h.consumer).id,
                stack.party(h.provider).id,
                h.service.as_deref().unwrap_or("")
            );
            candidates.push((text, Target::Handoff(i as HandoffIdx)));
        }
        let ix = stack.index();
        for (i, c) in stack.controls.iter().enumerate() {
            if !ix.entries_of[i].is_empty() || !ix.requirers[i].is_empty() {
                candidates.push((
                    format!("{} {}", c.id, c.name),
                    Target::Control(i as ControlIdx),
                ));
            }
        }
        Searcher {
            candidates,
            ..Searcher::default()
        }
    }

    /// Everything that matches `query`, best first (ties in stack order); nothing for an empty
    /// query. A fuzzy match of a longer query is also one of its prefix, so when `query` extends
    /// the last one only the last hits are scored.
    pub fn find(&mut self, query: &str) -> Vec<Target> {
        if query.trim().is_empty() {
            self.last_query.clear();
            self.last_hits.clear();
            return Vec::new();
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let narrowing = !self.last_query.is_empty() && query.starts_with(&self.last_query);
        let pool: Vec<u32> = if narrowing {
            std::mem::take(&mut self.last_hits)
        } else {
            (0..self.candidates.len() as u32).collect()
        };
        let mut found: Vec<(i64, u32)> = pool
            .into_iter()
            .filter_map(|i| score(&matcher, &self.candidates[i as usize].0, query).map(|s| (s, i)))
            .collect();
        self.last_hits = found.iter().map(|&(_, i)| i).collect();
        self.last_query = query.to_string();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        found.truncate(MAX_MATCHES);
        found
            .into_iter()
            .map(|(_, i)| self.candidates[i as usize].1)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_parties_handoffs_and_controls_best_first() {
        let stack = crate::stack::load_demo();
        let mut search = Searcher::new(&stack);
        assert_eq!(search.find(""), []);
        let strat = stack.party_id("stratoline").expect("demo party");
        assert_eq!(search.find("stratoline")[0], Target::Party(strat));
        let byok = stack.control_id("KEY-BYOK").expect("demo control");
        assert!(search.find("KEY-BYOK").contains(&Target::Control(byok)));
        assert!(
            search
                .find("brightpath stratoline")
                .iter()
                .any(|t| matches!(t, Target::Handoff(_)))
        );
        assert_eq!(search.find("qqqqzzzz"), []);
    }

    #[test]
    fn typing_on_narrows_to_what_a_fresh_search_finds() {
        let stack = crate::stack::load_demo();
        let mut typed = Searcher::new(&stack);
        for (end, _) in "granite".char_indices().skip(1) {
            typed.find(&"granite"[..end]);
        }
        let narrowed = typed.find("granite");
        assert_eq!(narrowed, Searcher::new(&stack).find("granite"));
        assert!(!narrowed.is_empty());
        // Deleting a character searches everything again.
        assert_eq!(typed.find("gran"), Searcher::new(&stack).find("gran"));
    }
}
