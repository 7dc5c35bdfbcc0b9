//! SPEC §7 evidence documents: every bad citation or document field is located and, where a
//! name is misspelt, answered with the closest one.

use super::*;

/// The stack every evidence-document test edits: controls X and Y, a document `soc2` covering
/// only X, and a hand-off `a → b` whose `[handoff.controls]` (line 19 on) is `entries`.
fn with_documents(document: &str, entries: &str) -> String {
    format!(
        "[stack]\nname = \"x\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"X\"\n\
         [[control]]\nid = \"Y\"\nname = \"Y\"\n[[evidence]]\n{document}\n\
         [[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\n[[handoff]]\nconsumer = \"a\"\n\
         provider = \"b\"\n[handoff.controls]\n{entries}\n"
    )
}

const SOC2: &str = "id = \"soc2\"\nlevel = \"attested\"\ncovers = [\"X\"]";

#[test]
fn evidence_citing_an_unknown_document_suggests_the_closest() {
    // Lines 11-13 are the document, 22 the entry; the value starts at column 39.
    load_error(
        &with_documents(SOC2, "X = { agreed = \"provider\", evidence = \"soc3\" }"),
        22,
        39,
        &["unknown evidence `soc3`", "did you mean `soc2`?"],
    );
    // Inside an array, the item itself is located.
    load_error(
        &with_documents(
            SOC2,
            "X = { agreed = \"provider\", evidence = [\"attested\", \"sox2\"] }",
        ),
        22,
        52,
        &["unknown evidence `sox2`", "did you mean `soc2`?"],
    );
}

#[test]
fn evidence_document_cited_for_a_control_it_does_not_cover() {
    load_error(
        &with_documents(SOC2, "Y = { agreed = \"provider\", evidence = \"soc2\" }"),
        22,
        39,
        &["`soc2`", "does not cover", "`X`"],
    );
}

#[test]
fn evidence_as_an_empty_array() {
    load_error(
        &with_documents(SOC2, "X = { agreed = \"provider\", evidence = [] }"),
        22,
        39,
        &["`evidence = []` cites nothing"],
    );
}

#[test]
fn evidence_document_named_like_a_level() {
    load_error(
        &with_documents(
            "id = \"attested\"\nlevel = \"attested\"",
            "X = \"provider\"",
        ),
        11,
        6,
        &["`attested` is the name of an evidence level"],
    );
}

#[test]
fn duplicate_evidence_document() {
    let text = with_documents(SOC2, "X = \"provider\"").replace(
        "[[party]]\nid = \"a\"",
        "[[evidence]]\nid = \"soc2\"\nlevel = \"verified\"\n[[party]]\nid = \"a\"",
    );
    load_error(&text, 15, 6, &["duplicate evidence document id `soc2`"]);
}

#[test]
fn evidence_document_of_an_unknown_party_suggests_the_closest() {
    load_error(
        &with_documents(&format!("{SOC2}\nparty = \"bb\""), "X = \"provider\""),
        14,
        9,
        &["unknown party `bb`", "did you mean `b`?"],
    );
}

#[test]
fn evidence_document_with_bad_fields() {
    // A level outside the enumeration, an empty `covers`, a `covers` naming an unknown control,
    // an `expires` that is not a local date: every problem is listed, each at its own place.
    let stderr = load_error(
        &with_documents(
            "id = \"soc2\"\nlevel = \"atested\"\ncovers = []\nexpires = 2027-01-01T10:00:00",
            "X = \"provider\"",
        ),
        12,
        9,
        &[
            "invalid evidence level \"atested\"",
            "did you mean `attested`?",
        ],
    );
    assert!(
        stderr.contains(":13:10:") && stderr.contains("`covers = []`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":14:11:") && stderr.contains("local date"),
        "{stderr}"
    );
    load_error(
        &with_documents(
            "id = \"soc2\"\nlevel = \"attested\"\ncovers = [\"Z\"]",
            "X = \"provider\"",
        ),
        13,
        11,
        &["unknown control `Z`"],
    );
}

#[test]
fn unknown_key_in_evidence_document() {
    load_error(
        &with_documents(&format!("{SOC2}\nexpiry = 2027-01-01"), "X = \"provider\""),
        14,
        1,
        &["unknown field `expiry`", "did you mean `expires`?"],
    );
}
