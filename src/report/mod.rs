//! Report rendering: a [`Report`] and its stack → text, JSON, Markdown, diagrams, or the
//! responsibility matrix as CSV or a workbook. One file per format;
//! each escapes every string from the stack for its own medium.

pub mod catalog;
pub mod csv;
pub mod diff;
pub mod dot;
pub mod html;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod matrix;
pub mod mermaid;
pub mod sarif;
pub mod schema;
pub mod text;
pub mod xlsx;

use std::borrow::Cow;
use std::fmt::Write;

use crate::analysis::{BlastRadius, FixFirst, Report, WhatIf};
use crate::stack::{Entry, HandoffIdx, Stack};
use crate::text::needs_escape;

/// Everything a report needs: the stack, its analysis and the what-ifs it was made under.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The stack analysed.
    pub stack: &'a Stack,
    /// Its findings and notes.
    pub report: &'a Report,
    /// The what-ifs in force.
    pub what_if: &'a WhatIf,
    /// Blast radius, when asked for.
    pub blast: Option<&'a [BlastRadius]>,
    /// Fix first (SPEC §9), when asked for: the changes that close the most gaps, best first.
    pub fix_first: Option<&'a [FixFirst]>,
}

impl Context<'_> {
    /// The ids of the parties switched off, sorted as bytes.
    pub fn without_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .what_if
            .without()
            .map(|p| self.stack.party(p).id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// `consumer → provider` with ` (service)` when the hand-off has one.
pub fn handoff_label(stack: &Stack, h: HandoffIdx) -> String {
    let h = stack.handoff(h);
    let mut s = format!(
        "{} → {}",
        stack.party(h.consumer).id,
        stack.party(h.provider).id
    );
    if let Some(service) = &h.service {
        s.push_str(&format!(" ({service})"));
    }
    s
}

/// The entry a hand-off finding is about (`None` for a party finding).
pub fn entry_of<'s>(stack: &'s Stack, f: &crate::analysis::Finding) -> Option<&'s Entry> {
    let h = stack.handoff(f.handoff()?);
    h.entries.iter().find(|e| e.control == f.control)
}

/// The `ref` of the entry a hand-off finding is about, if it has one.
pub fn reference<'s>(stack: &'s Stack, f: &crate::analysis::Finding) -> Option<&'s str> {
    entry_of(stack, f).and_then(|e| e.reference.as_deref())
}

/// The stackgap version written into every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Per hand-off: its gap and warning counts, for diagrams that colour hand-offs by their worst
/// finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandoffTally {
    /// Gaps at the hand-off.
    pub gaps: usize,
    /// Warnings at the hand-off.
    pub warnings: usize,
}

impl HandoffTally {
    /// The worst severity at the hand-off, if any finding.
    pub fn worst(&self) -> Option<crate::analysis::Severity> {
        use crate::analysis::Severity;
        if self.gaps > 0 {
            Some(Severity::Gap)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else {
            None
        }
    }

    /// `2 gaps, 1 warning`, or `ok`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.gaps > 0 {
            parts.push(format!(
                "{} gap{}",
                self.gaps,
                if self.gaps == 1 { "" } else { "s" }
            ));
        }
        if self.warnings > 0 {
            parts.push(format!(
                "{} warning{}",
                self.warnings,
                if self.warnings == 1 { "" } else { "s" }
            ));
        }
        if parts.is_empty() {
            "ok".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Gap and warning counts of every hand-off, indexed like `stack.handoffs` (accepted findings
/// are left out: they are no longer what a diagram should draw attention to).
pub fn tally_handoffs(stack: &Stack, report: &Report) -> Vec<HandoffTally> {
    let mut tally = vec![HandoffTally::default(); stack.handoffs.len()];
    for f in report
        .by_control
        .iter()
        .flatten()
        .filter(|f| f.accepted.is_none())
    {
        if let Some(h) = f.handoff() {
            match f.severity() {
                crate::analysis::Severity::Gap => tally[h as usize].gaps += 1,
                crate::analysis::Severity::Warning => tally[h as usize].warnings += 1,
            }
        }
    }
    tally
}

/// Where a group of findings stands in a report: a hand-off, or a party's own requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The findings at one hand-off.
    Handoff(HandoffIdx),
    /// A party's own requirements.
    Party(u32),
}

impl Group {
    /// The group's title, unescaped: `consumer → provider (service)` and the agreement, joined
    /// by `sep`; or `party` and `own`.
    pub fn title(self, stack: &Stack, sep: &str, own: &str) -> (String, Option<String>) {
        match self {
            Group::Handoff(h) => (
                handoff_label(stack, h),
                stack
                    .handoff(h)
                    .agreement
                    .clone()
                    .map(|a| format!("{sep}{a}")),
            ),
            Group::Party(p) => (format!("{}{own}", stack.party(p).id), None),
        }
    }
}

/// The findings in report order, grouped by hand-off, then by party.
pub fn grouped<'r>(
    stack: &Stack,
    report: &'r Report,
) -> Vec<(Group, Vec<&'r crate::analysis::Finding>)> {
    use crate::analysis::Place;
    let mut groups: Vec<(Group, Vec<&crate::analysis::Finding>)> = Vec::new();
    for f in report.sorted(stack) {
        let group = match f.place {
            Place::Handoff { handoff, .. } => Group::Handoff(handoff),
            Place::Party(p) => Group::Party(p),
        };
        match groups.last_mut() {
            Some((g, list)) if *g == group => list.push(f),
            _ => groups.push((group, vec![f])),
        }
    }
    groups
}

/// A string as a diagram label or a page shows it: like [`crate::text::escape`], every control
/// and invisible character becomes a visible `\u{…}`, except the joiners and selectors that
/// hold an emoji sequence together (a zero-width joiner between two emoji, a variation selector
/// after an emoji or inside a keycap, the tags of a subdivision flag), so that 👩‍💻 stays one
/// picture. Each format then escapes the result for its own syntax.
pub fn label_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    // Whether the last character kept belongs to an emoji sequence that may go on.
    let mut in_emoji = false;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let keep = match c {
            '\u{200D}' => in_emoji && next.is_some_and(is_pictographic),
            '\u{FE0F}' => {
                in_emoji
                    || (matches!(
                        i.checked_sub(1).map(|j| chars[j]),
                        Some('0'..='9' | '#' | '*')
                    ) && next == Some('\u{20E3}'))
            }
            '\u{E0020}'..='\u{E007F}' => in_emoji && tag_sequence_open(&chars[..i]),
            c => !needs_escape(c),
        };
        if keep {
            out.push(c);
            in_emoji = match c {
                '\u{200D}' | '\u{FE0F}' | '\u{E0020}'..='\u{E007F}' | '\u{1F3FB}'..='\u{1F3FF}' => {
                    in_emoji
                }
                c => is_pictographic(c),
            };
            continue;
        }
        in_emoji = false;
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => {
                let _ = write!(out, "\\u{{{:04X}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Whether the tags before a tag character follow a black flag (🏴) and are not yet cancelled.
fn tag_sequence_open(before: &[char]) -> bool {
    let tags = before
        .iter()
        .rev()
        .take_while(|c| matches!(c, '\u{E0020}'..='\u{E007E}'))
        .count();
    before.len() > tags && before[before.len() - tags - 1] == '\u{1F3F4}'
}

/// Whether a character is a pictograph that emoji sequences are built of: the blocks of
/// Unicode's Extended_Pictographic property, close enough for deciding whether a joiner sits
/// between two emoji.
pub fn is_pictographic(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21AA}' | '\u{231A}'..='\u{23FF}' | '\u{24C2}' | '\u{25AA}'..='\u{25FE}'
        | '\u{2600}'..='\u{27BF}' | '\u{2934}' | '\u{2935}' | '\u{2B05}'..='\u{2B55}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}' | '\u{1F000}'..='\u{1FAFF}'
        | '\u{1FC00}'..='\u{1FFFD}')
}

#[cfg(test)]
mod tests {
    use super::label_text;

    #[test]
    fn label_text_keeps_emoji_sequences_and_shows_every_other_hidden_character() {
        let cases = [
            ("plain", "plain"),
            // A joiner between two emoji, skin tones and selectors inside the sequence.
            ("👩\u{200D}💻", "👩\u{200D}💻"),
            ("👩🏽\u{200D}🚀", "👩🏽\u{200D}🚀"),
            ("🏳\u{FE0F}\u{200D}🌈", "🏳\u{FE0F}\u{200D}🌈"),
            ("❤\u{FE0F}", "❤\u{FE0F}"),
            ("1\u{FE0F}\u{20E3}", "1\u{FE0F}\u{20E3}"),
            (
                "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
                "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            ),
            // A joiner or selector anywhere else stays visible, as do controls and bidi.
            ("a\u{200D}b", "a\\u{200D}b"),
            ("👩\u{200D}b", "👩\\u{200D}b"),
            ("a\u{200D}💻", "a\\u{200D}💻"),
            ("👩\u{200D}", "👩\\u{200D}"),
            ("a\u{FE0F}", "a\\u{FE0F}"),
            ("1\u{FE0F}", "1\\u{FE0F}"),
            ("x\u{E0067}", "x\\u{E0067}"),
            ("🏴\u{E007F}\u{E0067}", "🏴\u{E007F}\\u{E0067}"),
            ("👩\u{202E}💻", "👩\\u{202E}💻"),
            ("\u{1b}[2J", "\\u{001B}[2J"),
            ("line\nbreak", "line\\nbreak"),
            ("zero\u{200B}width", "zero\\u{200B}width"),
        ];
        for (input, want) in cases {
            assert_eq!(label_text(input), want, "{input:?}");
        }
    }
}
