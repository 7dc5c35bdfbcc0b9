//! Text shown to a person: one escape function for every string that comes from a stack file,
//! the id rules, and "did you mean" suggestions.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character is invisible or reorders text: bidi controls, zero-width characters and
/// other format characters that could hide or disguise what a stack file says.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Whether a character must never reach a terminal as is.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// A string as it may be shown on a terminal: control characters (C0, DEL, C1) and invisible
/// or bidi characters become visible `\u{…}` escapes (`\n`, `\t` as themselves escaped), so a
/// stack file can never move the cursor, set a title, write the clipboard or hide text.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:04X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Why an id is not acceptable, if it is not.
pub fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("an id must not be empty")
    } else if id.chars().any(char::is_whitespace) {
        Some("an id must not contain whitespace")
    } else if id.chars().any(char::is_control) {
        Some("an id must not contain control characters")
    } else if id.chars().any(is_invisible) {
        Some("an id must not contain invisible or bidirectional format characters")
    } else {
        None
    }
}

/// Levenshtein distance over characters, two rows of memory.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `wanted`, if one is close enough to be a likely typo.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted_lower, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// A count and its noun: `1 party`, `2 parties`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_terminal_controls_visible() {
        let cases = [
            ("plain name", "plain name"),
            ("\u{1b}[2J", "\\u{001B}[2J"),
            ("bell\u{7}", "bell\\u{0007}"),
            ("\u{9b}31m", "\\u{009B}31m"),
            ("abc\u{202E}fed", "abc\\u{202E}fed"),
            ("zero\u{200B}width", "zero\\u{200B}width"),
            ("line\nbreak", "line\\nbreak"),
            ("\u{1b}]52;c;aGk=\u{7}", "\\u{001B}]52;c;aGk=\\u{0007}"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want, "escaping {input:?}");
        }
    }

    #[test]
    fn ids_with_hidden_characters_are_refused() {
        assert_eq!(id_problem("acme"), None);
        assert!(id_problem("").is_some());
        assert!(id_problem("ac me").is_some());
        assert!(id_problem("acme\u{202E}").is_some());
        assert!(id_problem("ac\u{200D}me").is_some());
        assert!(id_problem("ac\u{0}me").is_some());
    }

    #[test]
    fn suggestions_name_the_closest_id() {
        assert_eq!(suggest("BACKUPS", ["BACKUP", "BCP-DR"]), Some("BACKUP"));
        assert_eq!(
            suggest("cloudstor", ["cloudstore", "cloudsec"]),
            Some("cloudstore")
        );
        assert_eq!(suggest("zzzzzz", ["BACKUP"]), None);
    }
}
