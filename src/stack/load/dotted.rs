//! An unquoted control id with a dot in it (`ac-2.1 = …` under `[handoff.controls]`) is a
//! dotted key to TOML: a table `ac-2` holding the key `1`. The typed parse then only says that
//! `1` is not a field of an entry, which sends the reader looking for a field; this finds the
//! dotted key in the text and says to quote the id instead. Only on a failed parse, so it may
//! read the file twice.

use crate::stack::catalog;

/// A dotted key under a control map that is meant as one control id.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct DottedId {
    /// Byte offset of the key's first character.
    pub at: usize,
    /// What TOML made of it.
    pub message: String,
    /// How to write it instead.
    pub help: String,
}

/// The dotted key behind the parser's `message` at byte `at`, when the parse failed on an
/// entry's unknown field (`unknown field `1`, expected one of `agreed`, …`) that is the second
/// part of a dotted key, and the whole key looks like a control id: its part after the dot is a
/// number (`ac-2.1`, an enhancement), or it is a control the file declares or the catalog has.
pub(super) fn control_id(text: &str, at: usize, message: &str) -> Option<DottedId> {
    let field = message.strip_prefix("unknown field `")?.split('`').next()?;
    // The fields of an entry: the key is inside a control map, not some other table.
    if !message.contains("`agreed`") || field.is_empty() || !field.bytes().all(bare) {
        return None;
    }
    if !text.get(at..)?.starts_with(field) {
        return None;
    }
    let mut segments = segments(text, at, field)?;
    // `[handoff.controls.ac-2.1]`: the id is what follows `controls`.
    let first = segments.first()?.0;
    let mut header = None;
    if text[..first].trim_end_matches([' ', '\t']).ends_with('[') {
        let controls = segments.iter().position(|&(_, s)| s == "controls")?;
        let table: Vec<&str> = segments.drain(..=controls).map(|(_, s)| s).collect();
        header = Some(table.join("."));
    }
    let split = segments.iter().position(|&(offset, _)| offset == at)?;
    if split == 0 {
        return None;
    }
    let id = joined(&segments);
    let numbered = field.bytes().all(|b| b.is_ascii_digit());
    if !numbered && !known(text, &id) {
        return None;
    }
    let (parent, rest) = (joined(&segments[..split]), joined(&segments[split..]));
    Some(DottedId {
        at: segments[0].0,
        message: format!(
            "`{id}` without quotes is a dotted key: TOML reads a table `{parent}` holding the key `{rest}`, not the control id `{id}`"
        ),
        help: match header {
            Some(table) => format!("write the id in quotes: [{table}.\"{id}\"]"),
            None => format!("write the id in quotes: \"{id}\" = …"),
        },
    })
}

/// A character of a bare TOML key.
fn bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The bare parts of the dotted key that has `field` at `at`, in order, with their offsets;
/// `None` when a part is quoted (the reader already chose where the dots split).
fn segments<'t>(text: &'t str, at: usize, field: &'t str) -> Option<Vec<(usize, &'t str)>> {
    let bytes = text.as_bytes();
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut before = Vec::new();
    let mut start = at;
    loop {
        let mut i = start;
        while i > 0 && blank(bytes[i - 1]) {
            i -= 1;
        }
        if i == 0 || bytes[i - 1] != b'.' {
            break;
        }
        i -= 1;
        while i > 0 && blank(bytes[i - 1]) {
            i -= 1;
        }
        let end = i;
        while i > 0 && bare(bytes[i - 1]) {
            i -= 1;
        }
        if i == end {
            return None;
        }
        before.push((i, &text[i..end]));
        start = i;
    }
    before.reverse();
    before.push((at, field));
    let mut j = at + field.len();
    loop {
        let mut k = j;
        while k < bytes.len() && blank(bytes[k]) {
            k += 1;
        }
        if k >= bytes.len() || bytes[k] != b'.' {
            break;
        }
        k += 1;
        while k < bytes.len() && blank(bytes[k]) {
            k += 1;
        }
        let begin = k;
        while k < bytes.len() && bare(bytes[k]) {
            k += 1;
        }
        if k == begin {
            return None;
        }
        before.push((begin, &text[begin..k]));
        j = k;
    }
    Some(before)
}

/// Whether `id` is a control of the built-in catalog or one the file declares in a
/// `[[control]]`.
fn known(text: &str, id: &str) -> bool {
    if catalog::find(id).is_some() {
        return true;
    }
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    table
        .get("control")
        .and_then(|c| c.as_array())
        .is_some_and(|controls| {
            controls
                .iter()
                .any(|c| c.get("id").and_then(|i| i.as_str()) == Some(id))
        })
}

/// Key segments (offset, text) written back as a dotted key.
fn joined(segments: &[(usize, &str)]) -> String {
    segments
        .iter()
        .map(|&(_, s)| s)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNKNOWN_1: &str =
        "unknown field `1`, expected one of `agreed`, `assumed`, `evidence`, `expires`, `ref`";

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).expect("needle in text")
    }

    #[test]
    fn an_enhancement_id_is_found_whole_and_located_at_its_start() {
        for (text, key, field) in [
            ("ac-2.1 = { agreed = \"provider\" }\n", "ac-2.1", ".1"),
            ("controls = { ac-2.1 = \"provider\" }", "ac-2.1", ".1"),
            ("  ac-2 . 1 = \"provider\"", "ac-2 . 1", " 1"),
            ("ac-2.1.3 = \"provider\"", "ac-2.1.3", ".1"),
        ] {
            let found = control_id(text, at(text, field) + 1, UNKNOWN_1)
                .unwrap_or_else(|| panic!("{text}"));
            assert_eq!(found.at, at(text, key), "{text}");
            assert!(
                found.help.starts_with("write the id in quotes: \"ac-2."),
                "{found:?}"
            );
        }
        let text = "ac-2.1 = \"provider\"";
        let found = control_id(text, 5, UNKNOWN_1).expect("ac-2.1");
        assert_eq!(found.help, "write the id in quotes: \"ac-2.1\" = …");
        assert_eq!(
            found.message,
            "`ac-2.1` without quotes is a dotted key: TOML reads a table `ac-2` holding the key `1`, not the control id `ac-2.1`"
        );
    }

    #[test]
    fn a_table_header_quotes_the_id_after_controls() {
        let text = "[[handoff]]\n[handoff.controls.ac-2.1]\nagreed = \"provider\"\n";
        let found = control_id(text, at(text, "1]"), UNKNOWN_1).expect("header");
        assert_eq!(found.at, at(text, "ac-2.1"));
        assert_eq!(
            found.help,
            "write the id in quotes: [handoff.controls.\"ac-2.1\"]"
        );
    }

    #[test]
    fn a_declared_id_with_a_dot_is_found_an_unknown_word_is_not() {
        let message = UNKNOWN_1.replace("`1`", "`dss`");
        let declared = "[[control]]\nid = \"pci.dss\"\nname = \"x\"\n[[handoff]]\ncontrols = { pci.dss = \"provider\" }\n";
        let found = control_id(declared, at(declared, "dss ="), &message).expect("declared");
        assert_eq!(found.at, at(declared, "pci.dss ="));
        let undeclared = declared.replace("id = \"pci.dss\"", "id = \"pci\"");
        assert_eq!(
            control_id(&undeclared, at(&undeclared, "dss ="), &message),
            None
        );
    }

    #[test]
    fn other_errors_are_left_to_the_parser_message() {
        let text = "ac-2.1 = \"provider\"";
        // Another table's unknown field, another error, a quoted part, no dot.
        let other = "unknown field `1`, expected one of `id`, `name`";
        assert_eq!(control_id(text, 5, other), None);
        assert_eq!(control_id(text, 5, "missing field `name`"), None);
        let quoted = "\"ac-2\".1 = \"provider\"";
        assert_eq!(control_id(quoted, 7, UNKNOWN_1), None);
        assert_eq!(control_id("1 = \"provider\"", 0, UNKNOWN_1), None);
        // An offset that does not hold the field, or is past the end, or inside a character.
        assert_eq!(control_id(text, 0, UNKNOWN_1), None);
        assert_eq!(control_id(text, 99, UNKNOWN_1), None);
        assert_eq!(control_id("é.1", 1, UNKNOWN_1), None);
    }
}
