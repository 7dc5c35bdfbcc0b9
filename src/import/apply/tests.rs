//! Imports written into hand-written stacks: exactly which lines change, in every form an entry,
//! a hand-off and a party can be written in, and that a second run changes nothing.

use std::path::Path;

use super::*;
use crate::date::Date;
use crate::import::matrix::{self, MatrixOptions};
use crate::import::print::tests::{control, entry, handoff, party};
use crate::import::{Field, ImportEntry, ImportHandoff, ImportParty, oscal_ssp};
use crate::stack::{Owner, load_str};

fn load(text: &str) -> Stack {
    load_str(text, "stack.toml", None).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Applies an import, checks that a second run gives the same bytes and says so, and returns
/// the text and the counts of the first run.
fn apply_twice(text: &str, import: &Import) -> Applied {
    let first = apply(text, &load(text), import).unwrap_or_else(|e| panic!("{e}"));
    let again = apply(&first.text, &load(&first.text), import).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.text, first.text, "a second run changes the text");
    assert!(again.is_unchanged(), "a second run counts: {again:?}");
    first
}

fn set(control: &str, agreed: Option<Owner>, reference: &str) -> ImportEntry {
    ImportEntry {
        agreed: agreed.map_or(Field::Unset, Field::Set),
        ..entry(control, reference)
    }
}

fn one_handoff(h: ImportHandoff) -> Import {
    Import {
        handoffs: vec![h],
        ..Import::default()
    }
}

const HEAD: &str = "[stack]\nname = \"t\"\ncatalog = \"none\"\n\n[[control]]\nid = \"A\"\nname = \"A\"\n\n[[control]]\nid = \"B\"\nname = \"B\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\n";

#[test]
fn an_odd_hand_written_stack_changes_only_where_the_import_says() {
    let text = r#"# Review of the shop, by hand.
[stack]
name   = "shop"      # aligned on purpose
catalog = "none"

[[control]]
id = "A"
name = "Alpha"
[[control]]   # no blank line above
id = "B"
name = "Beta"

[[party]]
id = "shop"
implements = [
    "A",  # we do A ourselves
    "B",
]
[[party]]
id = "saas"
layer = "cloud"

[[handoff]]
consumer = "shop"
provider = "saas"
service = "CRM"
agreement = "MSA"
[handoff.controls]
# A is theirs
A = "provider"   # shorthand
B = { assumed = "consumer",   evidence = "verified", expires = 2027-01-31 } # odd spacing

# What we still have to ask about.

[[accept]]
control = "A"
kind = "unconfirmed"
consumer = "shop"
provider = "saas"
service = "CRM"
reason = "kept"
"#;
    let import = Import {
        controls: vec![
            control("A", "Renamed", None),
            control("C", "Gamma", Some("G")),
        ],
        parties: vec![
            party("shop", Some("Ignored"), &[("B", false), ("C", true)]),
            ImportParty {
                layer_of: Some("saas".into()),
                ..party("saas-third-parties", Some("Third parties of saas"), &[])
            },
        ],
        handoffs: vec![ImportHandoff {
            agreement: Some("Ignored".into()),
            ..handoff(
                "shop",
                "saas",
                Some("CRM"),
                vec![
                    set("A", Some(Owner::Provider), "row 2"),
                    ImportEntry {
                        assumed: Field::Set(Owner::Provider),
                        ..set("B", None, "row 3")
                    },
                    set("C", Some(Owner::Shared), "row 4"),
                ],
            )
        }],
        ..Import::default()
    };
    let applied = apply_twice(text, &import);
    let want = r#"# Review of the shop, by hand.
[stack]
name   = "shop"      # aligned on purpose
catalog = "none"

[[control]]
id = "A"
name = "Alpha"
[[control]]   # no blank line above
id = "B"
name = "Beta"

[[control]]
id = "C"
name = "Gamma"
family = "G"

[[party]]
id = "shop"
implements = [
    "A",  # we do A ourselves
    "C",
]
[[party]]
id = "saas"
layer = "cloud"

[[party]]
id = "saas-third-parties"
name = "Third parties of saas"
layer = "cloud"

[[handoff]]
consumer = "shop"
provider = "saas"
service = "CRM"
agreement = "MSA"
[handoff.controls]
# A is theirs
A = { agreed = "provider", ref = "row 2" }   # shorthand
B = { assumed = "provider",   evidence = "verified", expires = 2027-01-31, ref = "row 3" } # odd spacing
C = { agreed = "shared", ref = "row 4" }

# What we still have to ask about.

[[accept]]
control = "A"
kind = "unconfirmed"
consumer = "shop"
provider = "saas"
service = "CRM"
reason = "kept"
"#;
    assert_eq!(applied.text, want);
    assert_eq!(
        applied.summary(),
        "added 1 control, 1 party, 1 entry; updated 2 entries; changed the implements of 1 party"
    );
}

#[test]
fn implements_gains_and_loses_in_the_array_s_own_layout() {
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        // (the shop's implements as written, after: gains C, loses A)
        ("implements = [\"A\", \"B\"]\n", "implements = [\"B\", \"C\"]\n"),
        ("implements = [\"A\"]\n", "implements = [\"C\"]\n"),
        // A comment on a removed element's line stays, on a line of its own.
        ("implements = [\n    \"B\",  # b\n    \"A\",  # a\n]\n",
         "implements = [\n    \"B\",  # b\n  # a\n    \"C\",\n]\n"),
        ("implements = [\n    \"B\",  # b\n]\n",
         "implements = [\n    \"B\",  # b\n    \"C\",\n]\n"),
        ("implements = [\n    \"A\",  # a\n    \"B\",\n]\n",
         "implements = [\n    \"B\",\n    \"C\",\n]\n"),
        ("notes = \"n\"\n", "notes = \"n\"\nimplements = [\"C\"]\n"),
        ("implements = [\"B\", \"C\"] # already\n", "implements = [\"B\", \"C\"] # already\n"),
    ];
    let import = Import {
        controls: vec![control("C", "C", None)],
        parties: vec![party("shop", None, &[("C", true), ("A", false)])],
        ..Import::default()
    };
    let head = "[stack]\nname = \"t\"\ncatalog = \"none\"\n\n[[control]]\nid = \"A\"\nname = \"A\"\n\n[[control]]\nid = \"B\"\nname = \"B\"\n\n[[control]]\nid = \"C\"\nname = \"C\"\n\n[[party]]\nid = \"shop\"\n";
    let tail = "\n[[party]]\nid = \"saas\"\n";
    for (i, (before, after)) in cases.iter().enumerate() {
        let text = format!("{head}{before}{tail}");
        let applied = apply_twice(&text, &import);
        assert_eq!(applied.text, format!("{head}{after}{tail}"), "case {i}");
        assert_eq!(
            applied.parties_changed,
            usize::from(before != after),
            "case {i}"
        );
    }
}

#[test]
fn an_inline_list_of_parties_gets_its_new_parties_inline() {
    let text = "control = [{ id = \"A\", name = \"A\" }]\nparty = [\n  { id = \"shop\", implements = [\"A\"] },\n]\n\n[stack]\nname = \"t\"\ncatalog = \"none\"\n";
    let import = Import {
        controls: vec![control("B", "B", None)],
        parties: vec![
            party("shop", None, &[("B", true)]),
            party("saas", None, &[]),
        ],
        ..Import::default()
    };
    let applied = apply_twice(text, &import);
    assert_eq!(
        applied.text,
        "control = [{ id = \"A\", name = \"A\" }, { id = \"B\", name = \"B\" }]\nparty = [\n  { id = \"shop\", implements = [\"A\", \"B\"] },\n  { id = \"saas\" },\n]\n\n[stack]\nname = \"t\"\ncatalog = \"none\"\n"
    );
}

#[test]
fn entries_keep_their_form_shorthand_inline_or_table() {
    let head = format!("{HEAD}\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n");
    #[rustfmt::skip]
    let cases: &[(&str, ImportEntry, &str)] = &[
        // (the hand-off's controls as written, the import's entry for A, as written after)
        // The shorthand stays one while `agreed` is all it says…
        ("controls = { A = \"provider\" }\n", set("A", Some(Owner::Consumer), ""),
         "controls = { A = \"consumer\" }\n"),
        // …and becomes an inline table when another field must be written.
        ("controls = { A = \"provider\" }\n", set("A", Some(Owner::Provider), "r"),
         "controls = { A = { agreed = \"provider\", ref = \"r\" } }\n"),
        ("\n[handoff.controls]\nA = \"provider\" # c\n", ImportEntry { assumed: Field::Set(Owner::Shared), ..entry("A", "") },
         "\n[handoff.controls]\nA = { agreed = \"provider\", assumed = \"shared\" } # c\n"),
        // Unset removes the key, and only that key.
        ("\n[handoff.controls]\nA = { agreed = \"provider\", assumed = \"consumer\", ref = \"old\" }\n", set("A", None, "new"),
         "\n[handoff.controls]\nA = { assumed = \"consumer\", ref = \"new\" }\n"),
        ("\n[handoff.controls]\nA = { agreed = \"provider\" }\n", set("A", None, ""),
         "\n[handoff.controls]\nA = {}\n"),
        // A table-form entry and dotted keys are edited where they are.
        ("\n[handoff.controls.A]\nagreed = \"provider\" # kept\nexpires = 2027-01-01\n", set("A", None, "r"),
         "\n[handoff.controls.A]\n# kept\nexpires = 2027-01-01\nref = \"r\"\n"),
        ("\n[handoff.controls]\nA.agreed = \"consumer\"\n", set("A", Some(Owner::Shared), ""),
         "\n[handoff.controls]\nA.agreed = \"shared\"\n"),
        // Evidence: one item a string, several an array, an empty list removes it.
        ("controls = { A = { evidence = \"none\" } }\n", ImportEntry { evidence: Field::Set(vec!["attested".into(), "verified".into()]), ..entry("A", "") },
         "controls = { A = { evidence = [\"attested\", \"verified\"] } }\n"),
        ("controls = { A = { evidence = \"none\", ref = \"r\" } }\n", ImportEntry { evidence: Field::Set(Vec::new()), ..entry("A", "") },
         "controls = { A = { ref = \"r\" } }\n"),
        ("controls = { A = { ref = \"r\" } }\n", ImportEntry { expires: Field::Set(Date::new(2028, 2, 29).expect("a date")), ..entry("A", "") },
         "controls = { A = { ref = \"r\", expires = 2028-02-29 } }\n"),
    ];
    for (i, (before, e, after)) in cases.iter().enumerate() {
        let text = format!("{head}{before}");
        let import = one_handoff(handoff("shop", "saas", None, vec![e.clone()]));
        let applied = apply_twice(&text, &import);
        assert_eq!(applied.text, format!("{head}{after}"), "case {i}");
        assert_eq!(applied.entries_updated, 1, "case {i}");
    }
}

#[test]
fn new_entries_join_the_controls_in_their_form() {
    let head = format!("{HEAD}\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n");
    let tail = "\n[[handoff]]\nconsumer = \"saas\"\nprovider = \"shop\"\n";
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        // (the hand-off's controls as written, after B is added)
        ("\n[handoff.controls]\nA = \"provider\"\n", "\n[handoff.controls]\nA = \"provider\"\nB = { agreed = \"shared\", ref = \"r\" }\n"),
        ("controls = { A = \"provider\" }\n", "controls = { A = \"provider\", B = { agreed = \"shared\", ref = \"r\" } }\n"),
        ("", "\n[handoff.controls]\nB = { agreed = \"shared\", ref = \"r\" }\n"),
    ];
    let import = one_handoff(handoff(
        "shop",
        "saas",
        None,
        vec![set("B", Some(Owner::Shared), "r")],
    ));
    for (i, (before, after)) in cases.iter().enumerate() {
        let text = format!("{head}{before}{tail}");
        let applied = apply_twice(&text, &import);
        assert_eq!(applied.text, format!("{head}{after}{tail}"), "case {i}");
        assert_eq!(
            (applied.entries_added, applied.entries_updated),
            (1, 0),
            "case {i}"
        );
    }
}

#[test]
fn an_existing_entry_keeps_its_expires_and_what_the_import_does_not_state() {
    let text = format!(
        "{HEAD}\n[[evidence]]\nid = \"soc2\"\nlevel = \"attested\"\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n[handoff.controls]\nA = {{ agreed = \"consumer\", evidence = \"soc2\", expires = 2027-06-30, ref = \"MSA §7\" }}\n"
    );
    let import = one_handoff(handoff(
        "shop",
        "saas",
        None,
        vec![set("A", Some(Owner::Provider), "CAIQ A-01.1")],
    ));
    let applied = apply_twice(&text, &import);
    assert!(
        applied.text.ends_with(
            "A = { agreed = \"provider\", evidence = \"soc2\", expires = 2027-06-30, ref = \"CAIQ A-01.1\" }\n"
        ),
        "{}",
        applied.text
    );
}

#[test]
fn hand_offs_are_matched_by_consumer_provider_and_service() {
    let text = format!(
        "{HEAD}\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nservice = \"CRM\"\nagreement = \"MSA\"\ncontrols = {{ A = \"provider\" }}\n"
    );
    let with_service = ImportHandoff {
        agreement: Some("Other".into()),
        ..handoff(
            "shop",
            "saas",
            Some("CRM"),
            vec![set("A", Some(Owner::Shared), "")],
        )
    };
    let applied = apply_twice(&text, &one_handoff(with_service));
    assert_eq!(applied.handoffs_added, 0);
    assert!(
        applied
            .text
            .ends_with("agreement = \"MSA\"\ncontrols = { A = \"shared\" }\n"),
        "{}",
        applied.text
    );
    let without = handoff(
        "shop",
        "saas",
        None,
        vec![set("A", Some(Owner::Shared), "")],
    );
    let applied = apply_twice(&text, &one_handoff(without));
    assert_eq!((applied.handoffs_added, applied.entries_added), (1, 1));
    assert!(
        applied.text.ends_with(
            "controls = { A = \"provider\" }\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n[handoff.controls]\nA = \"shared\"\n"
        ),
        "{}",
        applied.text
    );
}

#[test]
fn a_template_entry_the_import_changes_becomes_explicit() {
    let text = "[stack]\nname = \"t\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nmodel = \"saas\"\n";
    let import = one_handoff(handoff(
        "shop",
        "saas",
        None,
        vec![ImportEntry {
            assumed: Field::Set(Owner::Consumer),
            ..entry("BACKUP", "r")
        }],
    ));
    let stack = load(text);
    let backup = stack.control_id("BACKUP").expect("built in");
    let template = stack.handoffs[0]
        .entries
        .iter()
        .find(|e| e.control == backup)
        .expect("the template lists BACKUP");
    let agreed = template.agreed.expect("the template agrees").as_str();
    let applied = apply_twice(text, &import);
    assert_eq!(
        applied.text,
        format!(
            "{text}\n[handoff.controls]\nBACKUP = {{ agreed = \"{agreed}\", assumed = \"consumer\", ref = \"r\" }}\n"
        )
    );
    assert_eq!(
        (
            applied.controls_added,
            applied.entries_added,
            applied.entries_updated
        ),
        (0, 1, 0)
    );
    assert_eq!(applied.summary(), "added 1 entry");
}

#[test]
fn new_tables_go_after_their_kind_and_comments_stay_where_they_belong() {
    let text = "[stack]\nname = \"t\"\ncatalog = \"none\"\n\n[[party]]\nid = \"shop\"\n# about the shop\n\n# about saas\n[[party]]\nid = \"saas\"\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n# commented out: A = \"provider\"\n";
    let import = Import {
        controls: vec![control("A", "A", None)],
        parties: vec![party("idp", None, &[])],
        handoffs: vec![handoff(
            "saas",
            "idp",
            None,
            vec![set("A", Some(Owner::Provider), "")],
        )],
        ..Import::default()
    };
    let applied = apply_twice(text, &import);
    assert_eq!(
        applied.text,
        "[stack]\nname = \"t\"\ncatalog = \"none\"\n\n[[control]]\nid = \"A\"\nname = \"A\"\n\n[[party]]\nid = \"shop\"\n# about the shop\n\n# about saas\n[[party]]\nid = \"saas\"\n\n[[party]]\nid = \"idp\"\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n# commented out: A = \"provider\"\n\n[[handoff]]\nconsumer = \"saas\"\nprovider = \"idp\"\n\n[handoff.controls]\nA = \"provider\"\n"
    );
    assert_eq!(
        applied.summary(),
        "added 1 control, 1 party, 1 hand-off, 1 entry"
    );
}

#[test]
fn comments_after_the_last_table_of_a_kind_stay_above_the_new_ones() {
    let text = format!(
        "{HEAD}# saas is new to us\n\n# The hand-offs.\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n"
    );
    let import = Import {
        parties: vec![party("idp", None, &[])],
        ..Import::default()
    };
    let applied = apply_twice(&text, &import);
    assert_eq!(
        applied.text,
        format!(
            "{HEAD}# saas is new to us\n\n[[party]]\nid = \"idp\"\n\n# The hand-offs.\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n"
        )
    );
}

#[test]
fn line_ends_byte_order_mark_and_missing_final_newline_survive() {
    let text = format!("\u{feff}{}", HEAD.replace('\n', "\r\n"));
    let text = text.trim_end_matches("\r\n");
    let import = Import {
        parties: vec![party("idp", None, &[])],
        ..Import::default()
    };
    let applied = apply_twice(text, &import);
    assert!(
        applied.text.starts_with("\u{feff}[stack]\r\n"),
        "{:?}",
        applied.text
    );
    assert!(
        applied
            .text
            .ends_with("id = \"saas\"\r\n\r\n[[party]]\r\nid = \"idp\""),
        "{:?}",
        applied.text
    );
    assert!(
        !applied.text.replace("\r\n", "").contains('\n'),
        "{:?}",
        applied.text
    );
}

#[test]
fn nothing_to_change_gives_the_original_bytes() {
    let text = format!(
        "{HEAD}[[handoff]]\nconsumer=\"shop\"\nprovider=\"saas\"\ncontrols={{A={{agreed=\"provider\",ref=\"r\"}}}}"
    );
    let import = one_handoff(handoff(
        "shop",
        "saas",
        None,
        vec![set("A", Some(Owner::Provider), "r")],
    ));
    let applied = apply(&text, &load(&text), &import).expect("applies");
    assert!(applied.is_unchanged());
    assert_eq!(applied.summary(), "unchanged");
    assert_eq!(applied.text, text);
}

#[test]
fn a_document_the_stack_does_not_declare_is_a_load_error() {
    let import = one_handoff(handoff(
        "shop",
        "saas",
        None,
        vec![ImportEntry {
            evidence: Field::Set(vec!["soc2-2025".into()]),
            ..entry("A", "r")
        }],
    ));
    let err = into_text(HEAD, &load(HEAD), &import).expect_err("soc2-2025 is not declared");
    assert!(matches!(err, ApplyError::Load { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with("cannot import into stack.toml: "),
        "{message}"
    );
    assert!(message.contains("soc2-2025"), "{message}");
}

#[test]
fn built_in_controls_are_not_declared_again() {
    let text = "[stack]\nname = \"t\"\n\n[[party]]\nid = \"shop\"\n";
    let import = Import {
        controls: vec![
            control("BACKUP", "Backups", None),
            control("X-1", "X", None),
        ],
        parties: vec![party("shop", None, &[("BACKUP", true), ("X-1", true)])],
        ..Import::default()
    };
    let applied = apply_twice(text, &import);
    assert_eq!(
        applied.text,
        "[stack]\nname = \"t\"\n\n[[control]]\nid = \"X-1\"\nname = \"X\"\n\n[[party]]\nid = \"shop\"\nimplements = [\"BACKUP\", \"X-1\"]\n"
    );
}

/// A stack the NIST pair goes into: the leveraged system is already known, in a layer, with
/// a comment; the leveraging one is new.
const NIST_STACK: &str = "[stack]\nname = \"agency\"\ncatalog = \"none\"\n\n[[layer]]\nid = \"saas\"\nname = \"SaaS\"\n\n[[layer]]\nid = \"iaas\"\nname = \"IaaS\"\n\n[[control]]\nid = \"ac-2\"\nname = \"Account Management\"\nfamily = \"AC\"\n\n# Known since the 2018 authorization.\n[[party]]\nid = \"csp_iaas_system\"\nname = \"Our IaaS\"\nlayer = \"iaas\"\n";

#[test]
fn the_nist_pair_goes_into_a_stack_once() {
    let fixture = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/oscal-ssp")
            .join(name)
    };
    let import = oscal_ssp::read(
        &fixture("oscal_leveraging-example_ssp.json"),
        &[fixture("oscal_leveraged-example_ssp.json")],
    )
    .expect("NIST's pair imports");
    let applied = apply_twice(NIST_STACK, &import);
    assert!(applied.text.starts_with(NIST_STACK), "{}", applied.text);
    assert_eq!(
        applied.summary(),
        "added 1 party, 1 hand-off, 1 entry; changed the implements of 1 party"
    );
    let stack = load(&applied.text);
    let iaas = stack.party_id("csp_iaas_system").expect("kept");
    assert_eq!(
        stack.party(iaas).name,
        "Our IaaS",
        "an existing party keeps its name"
    );
    assert_eq!(stack.control(stack.party(iaas).implements()[0]).id, "ac-2");
    assert_eq!(stack.controls.len(), 1, "ac-2 was already declared");
}

#[test]
fn a_caiq_workbook_goes_into_a_stack_once_with_its_third_parties_in_the_provider_s_layer() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/caiq-v4-openpyxl.xlsx");
    let options = MatrixOptions {
        consumer: "acme".into(),
        provider: "cloudco".into(),
        assumed: Some(Owner::Provider),
        ..MatrixOptions::default()
    };
    let import = matrix::read(&path, &options).expect("the workbook imports");
    let text = "[stack]\nname = \"acme\"\n\n[[layer]]\nid = \"customer\"\nname = \"Customer\"\n\n[[layer]]\nid = \"cloud\"\nname = \"Cloud\"\n\n[[party]]\nid = \"acme\"\nlayer = \"customer\"\n\n[[party]]\nid = \"cloudco\"\nlayer = \"cloud\"\n";
    let applied = apply_twice(text, &import);
    let stack = load(&applied.text);
    let third = stack.party_id("cloudco-third-parties").expect("created");
    let layer = stack.layer_of(third).expect("in a layer");
    assert_eq!(stack.layers[layer as usize].id, "cloud");
    assert_eq!(applied.parties_added, 1);
    assert_eq!(applied.handoffs_added, 2);
    assert_eq!(applied.controls_added, import.controls.len());
}

#[test]
fn hostile_strings_go_into_a_stack_and_read_back_exactly() {
    let text = format!(
        "{HEAD}\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\ncontrols = {{ A = \"provider\" }}\n"
    );
    for s in crate::import::print::tests::HOSTILE {
        let import = Import {
            controls: vec![control("N", s, Some(s))],
            parties: vec![party("idp", Some(s), &[])],
            handoffs: vec![
                handoff("shop", "saas", None, vec![set("A", Some(Owner::Shared), s)]),
                ImportHandoff {
                    agreement: Some(s.into()),
                    ..handoff("saas", "idp", Some(s), vec![set("N", None, s)])
                },
            ],
            ..Import::default()
        };
        let applied = apply_twice(&text, &import);
        let stack = load(&applied.text);
        let n = stack.control_id("N").expect("declared");
        assert_eq!(stack.control(n).name, s);
        assert_eq!(stack.control(n).family.as_deref(), Some(s));
        let idp = stack.party_id("idp").expect("created");
        assert_eq!(stack.party(idp).name, s);
        assert_eq!(stack.handoffs[0].entries[0].reference.as_deref(), Some(s));
        let new = &stack.handoffs[1];
        assert_eq!(new.service.as_deref(), Some(s));
        assert_eq!(new.agreement.as_deref(), Some(s));
        assert_eq!(new.entries[0].reference.as_deref(), Some(s));
    }
}
