//! The SPEC §8.1 rules for one row and one control of a responsibility matrix — ownership values,
//! answers, ids, and how a control's rows combine — kept apart from cell reading so each rule is
//! a small function with its own table of cases.

use crate::stack::Owner;

/// What one row's ownership cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOwner {
    /// Empty: nobody named.
    None,
    /// The provider (`CSP-owned`).
    Provider,
    /// The consumer (`CSC-owned`).
    Consumer,
    /// Both (`Shared CSP and CSC`).
    Shared,
    /// The provider, who hands it on to its own third parties.
    Outsourced,
}

impl RowOwner {
    /// The words `--owner-map` takes, in the order its help lists them.
    pub const TARGETS: [(&'static str, RowOwner); 5] = [
        ("provider", RowOwner::Provider),
        ("consumer", RowOwner::Consumer),
        ("shared", RowOwner::Shared),
        ("outsourced", RowOwner::Outsourced),
        ("none", RowOwner::None),
    ];
}

/// The CAIQ v4 `SSRM Control Ownership` values, as CSA writes them.
pub const CAIQ_OWNERSHIP: [(&str, RowOwner); 5] = [
    ("CSP-owned", RowOwner::Provider),
    ("CSC-owned", RowOwner::Consumer),
    ("Shared CSP and CSC", RowOwner::Shared),
    ("3rd-party outsourced", RowOwner::Outsourced),
    ("Shared CSP and 3rd-party", RowOwner::Outsourced),
];

/// `--owner-map`: the sheet's own ownership values and what each means. It replaces the CAIQ
/// values entirely, so a sheet that also says `CSP-owned` must map it too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerMap {
    /// (value as written, value normalised, meaning), in the order given.
    values: Vec<(String, String, RowOwner)>,
}

impl OwnerMap {
    /// Adds a value, refusing one already mapped to something else.
    pub(super) fn insert(&mut self, value: &str, owner: RowOwner) -> Result<(), String> {
        let key = normalise(value);
        match self.values.iter().find(|(_, k, _)| *k == key) {
            Some((_, _, o)) if *o == owner => Ok(()),
            Some((first, _, _)) => Err(format!("{value:?} is mapped twice (as {first:?} already)")),
            None => {
                self.values.push((value.to_string(), key, owner));
                Ok(())
            }
        }
    }

    /// How many values are mapped.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing is mapped (never true for a map from [`super::parse_owner_map`]).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A header name, answer or ownership value as compared: trimmed, runs of whitespace made one
/// space, lower case.
pub fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Text shown as a name: trimmed, with line breaks and runs of whitespace made one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads an ownership cell. An unknown value is an `Err` with the message of its warning (the
/// row then counts as empty).
pub fn ownership(cell: &str, map: Option<&OwnerMap>) -> Result<RowOwner, String> {
    let key = normalise(cell);
    if key.is_empty() {
        return Ok(RowOwner::None);
    }
    let known: Vec<(&str, RowOwner)> = match map {
        Some(map) => map
            .values
            .iter()
            .map(|(written, _, owner)| (written.as_str(), *owner))
            .collect(),
        None => CAIQ_OWNERSHIP.to_vec(),
    };
    if let Some((_, owner)) = known.iter().find(|(w, _)| normalise(w) == key) {
        return Ok(*owner);
    }
    let names: Vec<&str> = known.iter().map(|(w, _)| *w).collect();
    let mut message = format!(
        "unknown ownership value {:?}, counted as empty; expected {}",
        one_line(cell),
        quoted_list(&names, "or")
    );
    if map.is_none() {
        message.push_str(", or map the sheet's values with --owner-map");
    }
    if let Some(close) = crate::text::suggest(&one_line(cell), names.iter().copied()) {
        message.push_str(&format!(" (did you mean {close:?}?)"));
    }
    Err(message)
}

/// What one row's answer cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `Yes`.
    Yes,
    /// `No`, an empty cell, or an unknown answer.
    No,
    /// `NA` / `N/A`: the row takes no part.
    NotApplicable,
}

/// Reads an answer cell. An unknown answer is an `Err` with the message of its warning (the row
/// then counts as `No`).
pub fn answer(cell: &str) -> Result<Answer, String> {
    match normalise(cell).as_str() {
        "yes" => Ok(Answer::Yes),
        "no" | "" => Ok(Answer::No),
        "na" | "n/a" => Ok(Answer::NotApplicable),
        _ => Err(format!(
            "unknown answer {:?}, counted as \"No\"; expected \"Yes\", \"No\" or \"NA\"",
            one_line(cell)
        )),
    }
}

/// An id cell as an id: trimmed, with every whitespace inside removed (`AC-2 (1)` → `AC-2(1)`).
pub fn clean_id(cell: &str) -> String {
    cell.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The control a CAIQ question id belongs to: the id without its last `.`-separated part
/// (`A&A-01.1` → `A&A-01`); an id without a `.` is the control itself.
pub fn question_control(question_id: &str) -> &str {
    match question_id.rsplit_once('.') {
        Some((control, _)) if !control.is_empty() => control,
        _ => question_id,
    }
}

/// A control's family: its id's part before the first `-`, if there is one.
pub fn family(id: &str) -> Option<String> {
    match id.split_once('-') {
        Some((family, _)) if !family.is_empty() => Some(family.to_string()),
        _ => None,
    }
}

/// What a control's rows add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    provider: bool,
    consumer: bool,
    shared: bool,
    outsourced: bool,
    applicable: bool,
    all_yes: bool,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            provider: false,
            consumer: false,
            shared: false,
            outsourced: false,
            applicable: false,
            all_yes: true,
        }
    }
}

impl Tally {
    /// Counts one row; an `NA` row takes no part in ownership or answers.
    pub fn add(&mut self, owner: RowOwner, answer: Answer) {
        if answer == Answer::NotApplicable {
            return;
        }
        self.applicable = true;
        self.all_yes &= answer == Answer::Yes;
        match owner {
            RowOwner::None => {}
            RowOwner::Provider => self.provider = true,
            RowOwner::Consumer => self.consumer = true,
            RowOwner::Shared => self.shared = true,
            RowOwner::Outsourced => {
                self.provider = true;
                self.outsourced = true;
            }
        }
    }

    /// Whether the control is kept: some row is not `NA`.
    pub fn kept(&self) -> bool {
        self.applicable
    }

    /// The control's `agreed`: provider and consumer (or shared) among its rows → shared, else
    /// the one value; `None` when every row is empty.
    pub fn owner(&self) -> Option<Owner> {
        match (self.provider, self.consumer, self.shared) {
            (_, _, true) | (true, true, _) => Some(Owner::Shared),
            (true, false, false) => Some(Owner::Provider),
            (false, true, false) => Some(Owner::Consumer),
            (false, false, false) => None,
        }
    }

    /// Whether some row hands the control on to the provider's third parties.
    pub fn outsourced(&self) -> bool {
        self.outsourced
    }

    /// Whether every row that is not `NA` says `Yes`, whoever owns it.
    pub fn all_yes(&self) -> bool {
        self.applicable && self.all_yes
    }

    /// Whether the provider implements the control itself: every row `Yes`, owned by the
    /// provider or shared, and not outsourced.
    pub fn provider_implements(&self) -> bool {
        self.all_yes()
            && matches!(self.owner(), Some(Owner::Provider | Owner::Shared))
            && !self.outsourced
    }
}

/// `"a", "b" or "c"` (with `last` = `"or"`).
pub fn quoted_list(items: &[&str], last: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((end, [])) => end.clone(),
        Some((end, rest)) => format!("{} {last} {end}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_caiq_ownership_value_in_any_case_and_spacing() {
        let cases = [
            ("CSP-owned", RowOwner::Provider),
            ("csp-owned", RowOwner::Provider),
            ("  CSP-OWNED ", RowOwner::Provider),
            ("CSC-owned", RowOwner::Consumer),
            ("Csc-Owned", RowOwner::Consumer),
            ("Shared CSP and CSC", RowOwner::Shared),
            ("shared  csp\tand\ncsc", RowOwner::Shared),
            ("3rd-party outsourced", RowOwner::Outsourced),
            ("3RD-PARTY   OUTSOURCED", RowOwner::Outsourced),
            ("Shared CSP and 3rd-party", RowOwner::Outsourced),
            (" shared csp and 3rd-party", RowOwner::Outsourced),
            ("", RowOwner::None),
            ("   ", RowOwner::None),
        ];
        for (cell, want) in cases {
            assert_eq!(ownership(cell, None), Ok(want), "ownership {cell:?}");
        }
    }

    #[test]
    fn unknown_ownership_values_are_refused_with_a_suggestion() {
        let cases = [
            ("CSP owned", Some("\"CSP-owned\"")),
            ("Shared CSP & CSC", Some("\"Shared CSP and CSC\"")),
            ("Provider", None),
        ];
        for (cell, suggestion) in cases {
            let message = ownership(cell, None).expect_err(cell);
            assert!(message.contains(&format!("{cell:?}")), "{message}");
            assert!(
                message.contains("\"CSP-owned\", \"CSC-owned\""),
                "{message}"
            );
            assert!(message.contains("--owner-map"), "{message}");
            match suggestion {
                Some(s) => assert!(message.contains(&format!("did you mean {s}")), "{message}"),
                None => assert!(!message.contains("did you mean"), "{message}"),
            }
        }
    }

    #[test]
    fn an_owner_map_replaces_the_caiq_values() {
        let mut map = OwnerMap::default();
        map.insert("Customer", RowOwner::Consumer).unwrap();
        map.insert("Inherited", RowOwner::Provider).unwrap();
        map.insert("Shared  (Customer and CSP)", RowOwner::Shared)
            .unwrap();
        let cases = [
            ("customer", Ok(RowOwner::Consumer)),
            (" INHERITED ", Ok(RowOwner::Provider)),
            ("shared (customer and\ncsp)", Ok(RowOwner::Shared)),
            ("", Ok(RowOwner::None)),
        ];
        for (cell, want) in cases {
            assert_eq!(ownership(cell, Some(&map)), want, "{cell:?}");
        }
        let message = ownership("CSP-owned", Some(&map)).expect_err("CAIQ values are replaced");
        assert!(message.contains("\"Customer\", \"Inherited\""), "{message}");
        assert!(!message.contains("--owner-map"), "{message}");
        assert!(map.insert("CUSTOMER", RowOwner::Consumer).is_ok());
        assert!(map.insert("customer", RowOwner::Provider).is_err());
    }

    #[test]
    fn answers_in_any_case_and_spacing() {
        let cases = [
            ("Yes", Ok(Answer::Yes)),
            ("yes", Ok(Answer::Yes)),
            ("  YES\n", Ok(Answer::Yes)),
            ("No", Ok(Answer::No)),
            ("no ", Ok(Answer::No)),
            ("", Ok(Answer::No)),
            ("NA", Ok(Answer::NotApplicable)),
            ("na", Ok(Answer::NotApplicable)),
            ("N/A", Ok(Answer::NotApplicable)),
            (" n/a ", Ok(Answer::NotApplicable)),
        ];
        for (cell, want) in cases {
            assert_eq!(answer(cell), want, "{cell:?}");
        }
        for cell in ["Partially", "Y", "N / A", "#N/A", "TRUE"] {
            let message = answer(cell).expect_err(cell);
            assert!(message.contains("counted as \"No\""), "{message}");
        }
    }

    #[test]
    fn ids_lose_their_whitespace_and_questions_their_last_part() {
        let cleaned = [
            (" A&A-01 ", "A&A-01"),
            ("AC-2 (1)", "AC-2(1)"),
            ("AC-2\n(12)", "AC-2(12)"),
            ("", ""),
        ];
        for (cell, want) in cleaned {
            assert_eq!(clean_id(cell), want, "{cell:?}");
        }
        let questions = [
            ("A&A-01.1", "A&A-01"),
            ("IAM-14.12", "IAM-14"),
            ("X.1.2", "X.1"),
            ("BCR-08", "BCR-08"),
            (".1", ".1"),
        ];
        for (question, want) in questions {
            assert_eq!(question_control(question), want, "{question:?}");
        }
        let families = [
            ("A&A-01", Some("A&A")),
            ("AC-2(1)", Some("AC")),
            ("BACKUP", None),
            ("-1", None),
        ];
        for (id, want) in families {
            assert_eq!(family(id).as_deref(), want, "{id:?}");
        }
    }

    #[test]
    fn a_controls_rows_add_up() {
        // Rows: owner P(rovider) C(onsumer) S(hared) O(utsourced) _(none), answer + (Yes) - (No)
        // ~ (NA). Then: kept, agreed ("" = none), outsourced, P implements, every row Yes.
        let cases = [
            ("P+", (true, "provider", false, true, true)),
            ("P+ P-", (true, "provider", false, false, false)),
            ("C+", (true, "consumer", false, false, true)),
            ("S+", (true, "shared", false, true, true)),
            ("P+ C+", (true, "shared", false, true, true)),
            ("P+ C-", (true, "shared", false, false, false)),
            ("P+ _+", (true, "provider", false, true, true)),
            ("_+ _-", (true, "", false, false, false)),
            ("_+", (true, "", false, false, true)),
            ("P+ C~", (true, "provider", false, true, true)),
            ("P~ C~", (false, "", false, false, false)),
            ("O+", (true, "provider", true, false, true)),
            ("O-", (true, "provider", true, false, false)),
            ("O+ C+", (true, "shared", true, false, true)),
            ("P+ O~", (true, "provider", false, true, true)),
        ];
        for (rows, (kept, agreed, outsourced, implements, all_yes)) in cases {
            let mut tally = Tally::default();
            for row in rows.split(' ') {
                let owner = match &row[..1] {
                    "P" => RowOwner::Provider,
                    "C" => RowOwner::Consumer,
                    "S" => RowOwner::Shared,
                    "O" => RowOwner::Outsourced,
                    _ => RowOwner::None,
                };
                let answer = match &row[1..] {
                    "+" => Answer::Yes,
                    "-" => Answer::No,
                    _ => Answer::NotApplicable,
                };
                tally.add(owner, answer);
            }
            let got = (
                tally.kept(),
                tally.owner().map_or("", Owner::as_str),
                tally.outsourced(),
                tally.provider_implements(),
                tally.all_yes(),
            );
            assert_eq!(
                got,
                (kept, agreed, outsourced, implements, all_yes),
                "{rows}"
            );
        }
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(quoted_list(&[], "or"), "");
        assert_eq!(quoted_list(&["a"], "or"), "\"a\"");
        assert_eq!(quoted_list(&["a", "b", "c"], "or"), "\"a\", \"b\" or \"c\"");
        assert_eq!(quoted_list(&["a", "b"], "and"), "\"a\" and \"b\"");
    }
}
