//! The printed stack: its exact layout, that it loads and reads back as the import for any
//! string, and how repeats and unlisted parties and controls are handled.

use std::path::Path;

use super::*;
use crate::date::Date;
use crate::import::Problem;
use crate::import::matrix::{self, MatrixOptions};
use crate::stack::{Owner, Stack, load_str};

pub(crate) fn entry(control: &str, reference: &str) -> ImportEntry {
    ImportEntry {
        control: control.into(),
        agreed: Field::Keep,
        assumed: Field::Keep,
        evidence: Field::Keep,
        expires: Field::Keep,
        reference: reference.into(),
    }
}

pub(crate) fn party(id: &str, name: Option<&str>, implements: &[(&str, bool)]) -> ImportParty {
    ImportParty {
        id: id.into(),
        name: name.map(Into::into),
        layer_of: None,
        implements: implements.iter().map(|(c, y)| ((*c).into(), *y)).collect(),
    }
}

pub(crate) fn control(id: &str, name: &str, family: Option<&str>) -> ImportControl {
    ImportControl {
        id: id.into(),
        name: name.into(),
        family: family.map(Into::into),
    }
}

pub(crate) fn handoff(
    consumer: &str,
    provider: &str,
    service: Option<&str>,
    entries: Vec<ImportEntry>,
) -> ImportHandoff {
    ImportHandoff {
        consumer: consumer.into(),
        provider: provider.into(),
        service: service.map(Into::into),
        agreement: None,
        entries,
    }
}

/// A small import that uses every field.
pub(crate) fn sample() -> Import {
    Import {
        name: "Vendor pack".into(),
        controls: vec![
            control("BK", "Backups", Some("Continuity")),
            control("ENC", "ENC", None),
        ],
        parties: vec![
            party("shop", Some("Shop Ltd"), &[("BK", false)]),
            party("vendor", None, &[("ENC", true), ("BK", true)]),
        ],
        handoffs: vec![ImportHandoff {
            agreement: Some("MSA §7".into()),
            ..handoff(
                "shop",
                "vendor",
                Some("CRM"),
                vec![
                    ImportEntry {
                        agreed: Field::Set(Owner::Provider),
                        assumed: Field::Set(Owner::Shared),
                        evidence: Field::Set(vec!["attested".into()]),
                        expires: Field::Set(Date::new(2027, 3, 31).expect("a date")),
                        ..entry("BK", "row 2")
                    },
                    ImportEntry {
                        agreed: Field::Unset,
                        evidence: Field::Set(vec!["contract".into(), "attested".into()]),
                        ..entry("ENC", "rows 3, 4")
                    },
                ],
            )
        }],
        documents: Vec::new(),
        warnings: Vec::new(),
    }
}

fn loads(text: &str) -> Stack {
    load_str(text, "printed.toml", None)
        .unwrap_or_else(|e| panic!("the printed stack does not load: {e}\n{text}"))
}

#[test]
fn a_small_import_prints_as_this_stack() {
    let want = r#"# Written by `stackgap import` from: Vendor pack

[stack]
name = "Vendor pack"
catalog = "none"

[[control]]
id = "BK"
name = "Backups"
family = "Continuity"

[[control]]
id = "ENC"
name = "ENC"

[[party]]
id = "shop"
name = "Shop Ltd"

[[party]]
id = "vendor"
implements = ["ENC", "BK"]

[[handoff]]
consumer = "shop"
provider = "vendor"
service = "CRM"
agreement = "MSA §7"

[handoff.controls]
BK = { agreed = "provider", assumed = "shared", evidence = "attested", expires = 2027-03-31, ref = "row 2" }
ENC = { evidence = ["contract", "attested"], ref = "rows 3, 4" }
"#;
    let text = stack_text(&sample());
    assert_eq!(text, want);
    let stack = loads(&text);
    let vendor = stack.party_id("vendor").expect("vendor");
    assert_eq!(stack.party(vendor).implements().len(), 2);
}

#[test]
fn keep_and_unset_write_nothing_and_agreed_alone_is_the_shorthand() {
    let import = Import {
        handoffs: vec![handoff(
            "a",
            "b",
            None,
            vec![
                ImportEntry {
                    agreed: Field::Set(Owner::Consumer),
                    ..entry("X", "")
                },
                ImportEntry {
                    assumed: Field::Unset,
                    evidence: Field::Set(Vec::new()),
                    expires: Field::Unset,
                    ..entry("Y", "")
                },
            ],
        )],
        ..Import::default()
    };
    let text = stack_text(&import);
    assert!(text.contains("\nX = \"consumer\"\n"), "{text}");
    assert!(text.contains("\nY = {}\n"), "{text}");
    let stack = loads(&text);
    let h = &stack.handoffs[0];
    assert_eq!(h.entries[0].agreed, Some(Owner::Consumer));
    let y = &h.entries[1];
    assert_eq!(
        (y.agreed, y.assumed, y.expires, y.reference.as_deref()),
        (None, None, None, None)
    );
    assert!(!y.evidence.is_written());
}

/// Strings a vendor's artefact may hold, each of which breaks naive TOML writing.
pub(crate) const HOSTILE: [&str; 12] = [
    "say \"hi\"",
    "back\\slash \\u0041",
    "two\nlines",
    "crlf\r\nline",
    "triple ''' single and \"\"\" double",
    "# not a comment",
    "tab\there",
    "nul \u{0} bell \u{7} esc \u{1b}[31m del \u{7f}",
    "bidi \u{202e}evil\u{202c} zero\u{200b}width",
    "unicode ✓ 日本語 🦀",
    "trailing backslash \\",
    "]] [[handoff]]\nconsumer = \"x\"",
];

#[test]
fn hostile_strings_load_and_read_back_exactly() {
    for s in HOSTILE {
        let import = Import {
            name: s.into(),
            controls: vec![control("C-1", s, Some(s))],
            parties: vec![
                party("a", Some(s), &[("C-1", true)]),
                party("b", Some(s), &[]),
            ],
            handoffs: vec![ImportHandoff {
                agreement: Some(s.into()),
                ..handoff(
                    "a",
                    "b",
                    Some(s),
                    vec![ImportEntry {
                        agreed: Field::Set(Owner::Provider),
                        ..entry("C-1", s)
                    }],
                )
            }],
            documents: Vec::new(),
            warnings: vec![Problem {
                file: s.into(),
                at: s.into(),
                message: s.into(),
            }],
        };
        let text = stack_text(&import);
        let stack = loads(&text);
        assert_eq!(stack.name, s, "{text}");
        assert_eq!(stack.controls[0].name, s);
        assert_eq!(stack.controls[0].family.as_deref(), Some(s));
        assert_eq!(stack.parties[0].name, s);
        let h = &stack.handoffs[0];
        assert_eq!(h.service.as_deref(), Some(s));
        assert_eq!(h.agreement.as_deref(), Some(s));
        assert_eq!(h.entries[0].reference.as_deref(), Some(s));
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert_eq!(
            header.len(),
            3,
            "name, count and the warning, one line each:\n{text}"
        );
    }
}

#[test]
fn ids_that_need_quotes_are_quoted() {
    let import = Import {
        handoffs: vec![handoff(
            "a",
            "b",
            None,
            vec![entry("A&A-01", "CAIQ A&A-01.1"), entry("ac-2(1)", "x")],
        )],
        ..Import::default()
    };
    let text = stack_text(&import);
    assert!(
        text.contains("\n\"A&A-01\" = { ref = \"CAIQ A&A-01.1\" }\n"),
        "{text}"
    );
    let stack = loads(&text);
    assert_eq!(
        stack.control(stack.handoffs[0].entries[1].control).id,
        "ac-2(1)"
    );
}

#[test]
fn repeats_are_merged_and_what_is_used_is_declared() {
    let import = Import {
        controls: vec![control("X", "First", None), control("X", "Second", None)],
        parties: vec![
            party("a", None, &[("X", true), ("Y", true)]),
            party("a", Some("A"), &[("X", false)]),
        ],
        handoffs: vec![
            handoff(
                "a",
                "b",
                None,
                vec![ImportEntry {
                    agreed: Field::Set(Owner::Provider),
                    assumed: Field::Set(Owner::Provider),
                    ..entry("X", "first")
                }],
            ),
            handoff(
                "a",
                "b",
                None,
                vec![ImportEntry {
                    agreed: Field::Unset,
                    ..entry("X", "second")
                }],
            ),
        ],
        ..Import::default()
    };
    let stack = loads(&stack_text(&import));
    let ids: Vec<&str> = stack.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["X", "Y"], "Y is used by `implements` only");
    assert_eq!(stack.controls[0].name, "First");
    let ids: Vec<&str> = stack.parties.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "b is used by the hand-off only");
    assert_eq!(stack.parties[0].name, "A");
    let a = &stack.parties[0];
    assert_eq!(a.implements(), [1], "the later (X, false) wins; Y stays");
    assert_eq!(stack.handoffs.len(), 1);
    let e = &stack.handoffs[0].entries[0];
    assert_eq!(
        (e.agreed, e.assumed, e.reference.as_deref()),
        (None, Some(Owner::Provider), Some("second"))
    );
}

#[test]
fn an_unnamed_import_gets_a_name() {
    let stack = loads(&stack_text(&Import::default()));
    assert_eq!(stack.name, "Imported stack");
}

#[test]
fn many_warnings_are_counted_not_all_listed() {
    let import = Import {
        warnings: (0..25)
            .map(|i| Problem {
                file: "f.csv".into(),
                at: format!("row {i}"),
                message: "unknown".into(),
            })
            .collect(),
        ..Import::default()
    };
    let text = stack_text(&import);
    assert!(text.contains("# 25 warnings when imported:\n"), "{text}");
    assert!(text.contains("#   f.csv: row 19: unknown\n"), "{text}");
    assert!(!text.contains("row 20"), "{text}");
    assert!(text.contains("#   … and 5 more\n"), "{text}");
    loads(&text);
}

#[test]
fn a_caiq_workbook_prints_as_a_stack_that_loads() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/caiq-v4-openpyxl.xlsx");
    let options = MatrixOptions {
        consumer: "acme".into(),
        provider: "cloudco".into(),
        evidence: Some("attested".into()),
        ..MatrixOptions::default()
    };
    let import = matrix::read(&path, &options).expect("the workbook imports");
    let stack = loads(&stack_text(&import));
    assert!(stack.party_id("cloudco-third-parties").is_some());
    let outsourced = stack
        .handoffs
        .iter()
        .find(|h| h.service.as_deref() == Some("outsourced"))
        .expect("the outsourced hand-off");
    assert_eq!(stack.party(outsourced.consumer).id, "cloudco");
    let entries: usize = import.handoffs.iter().map(|h| h.entries.len()).sum();
    let loaded: usize = stack.handoffs.iter().map(|h| h.entries.len()).sum();
    assert_eq!(loaded, entries);
    assert!(stack.handoffs[0].entries.iter().all(|e| {
        e.reference
            .as_deref()
            .is_some_and(|r| r.starts_with("CAIQ "))
    }));
}

/// What a printed stack cannot hold of a described document is left out with a warning, so
/// the stack still loads: a party it does not have, `covers` naming controls it does not
/// declare, `covers` that leaves out a control the document is cited for.
#[test]
fn documents_keep_what_the_printed_stack_can_hold_and_say_what_they_lose() {
    let cite = |control: &str, doc: &str| ImportEntry {
        agreed: Field::Set(Owner::Provider),
        evidence: Field::Set(vec![doc.into(), "contract".into()]),
        ..entry(control, "r")
    };
    let described = |id: &str, covers: &[&str]| ImportDocument {
        level: Some(crate::stack::Evidence::Attested),
        party: Some("auditor-co".into()),
        covers: Some(covers.iter().map(|c| (*c).into()).collect()),
        ..ImportDocument::bare(id)
    };
    let mut import = Import {
        handoffs: vec![handoff(
            "shop",
            "saas",
            None,
            vec![cite("A", "soc2"), cite("B", "soc2"), cite("C", "iso")],
        )],
        documents: vec![
            described("soc2", &["A", "B", "Z"]),
            described("iso", &["B"]),
        ],
        ..Import::default()
    };
    settle_documents(&mut import, None, "m.csv");
    let messages: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "m.csv: evidence document soc2: its party \"auditor-co\" is not in the stack; `party` is left out",
            "m.csv: evidence document soc2: `covers` names controls the stack does not have (Z); they are left out",
            "m.csv: evidence document iso: its party \"auditor-co\" is not in the stack; `party` is left out",
            "m.csv: evidence document iso: cited for C, which its `covers` does not name; `covers` is left out",
        ]
    );
    let text = stack_text(&import);
    assert!(
        text.contains("[[evidence]]\nid = \"soc2\"\nlevel = \"attested\"\ncovers = [\"A\", \"B\"]\n\n[[evidence]]\nid = \"iso\"\nlevel = \"attested\"\n\n[[handoff]]"),
        "{text}"
    );
    load_str(&text, "printed.toml", None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // Settled once, settling again says nothing more.
    let settled_once = import.clone();
    settle_documents(&mut import, None, "m.csv");
    assert_eq!(import, settled_once);
}
