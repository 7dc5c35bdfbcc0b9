//! Each way SPEC §1 allows an entry or an `implements` list to be written, edited: only its
//! line changes, in its own form; and what cannot be written faithfully is refused.

use super::*;
use crate::save::{Fields, SaveError, write_back};

/// (the hand-off up to the entry, the entry as written, the edit, lines removed, lines added)
type FormCase = (
    &'static str,
    &'static str,
    Edit,
    &'static [&'static str],
    &'static [&'static str],
);

/// Each way SPEC §1 allows an entry to be written × each edit: the one line that changes.
#[test]
fn each_entry_form_and_edit_rewrites_only_its_line() {
    let sub =
        "[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n[handoff.controls]\n# why BK\n";
    let inline = "[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n";
    #[rustfmt::skip]
    let cases: &[FormCase] = &[
        (sub, "BK = \"provider\"  # MSA 7", SetAssumed(Some(C)), &["BK = \"provider\"  # MSA 7"], &["BK = { agreed = \"provider\", assumed = \"consumer\" }  # MSA 7"]),
        (sub, "BK = \"provider\"  # MSA 7", SetAgreed(Some(S)), &["BK = \"provider\"  # MSA 7"], &["BK = \"shared\"  # MSA 7"]),
        (sub, "BK = \"provider\"  # MSA 7", SetAgreed(None), &["BK = \"provider\"  # MSA 7"], &["BK = {}  # MSA 7"]),
        (sub, "BK = \"provider\"  # MSA 7", SetEvidence(Some(Ev::Verified)), &["BK = \"provider\"  # MSA 7"], &["BK = { agreed = \"provider\", evidence = \"verified\" }  # MSA 7"]),
        (sub, "BK = \"provider\"", Unset, &["BK = \"provider\""], &["BK = {}"]),
        (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" } # x", SetAssumed(Some(C)), &["BK = { assumed = \"provider\", agreed = \"consumer\" } # x"], &["BK = { assumed = \"consumer\", agreed = \"consumer\" } # x"]),
        (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" }", SetAgreed(None), &["BK = { assumed = \"provider\", agreed = \"consumer\" }"], &["BK = { assumed = \"provider\" }"]),
        (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" }", SetAssumed(None), &["BK = { assumed = \"provider\", agreed = \"consumer\" }"], &["BK = { agreed = \"consumer\" }"]),
        (sub, "BK = { assumed = \"provider\", agreed = \"consumer\" }", SetEvidence(Some(Ev::Attested)), &["BK = { assumed = \"provider\", agreed = \"consumer\" }"], &["BK = { assumed = \"provider\", agreed = \"consumer\", evidence = \"attested\" }"]),
        (sub, "BK = { agreed = \"provider\", evidence = \"attested\" }", SetEvidence(None), &["BK = { agreed = \"provider\", evidence = \"attested\" }"], &["BK = { agreed = \"provider\" }"]),
        (sub, "BK = { agreed = \"provider\", evidence = \"attested\" }", Unset, &["BK = { agreed = \"provider\", evidence = \"attested\" }"], &["BK = {}"]),
        (sub, "BK = {agreed=\"provider\"}", SetAssumed(Some(S)), &["BK = {agreed=\"provider\"}"], &["BK = {agreed=\"provider\", assumed = \"shared\"}"]),
        (sub, "BK = {}", SetAssumed(Some(P)), &["BK = {}"], &["BK = { assumed = \"provider\" }"]),
        (sub, "BK = { }", SetAgreed(Some(C)), &["BK = { }"], &["BK = { agreed = \"consumer\" }"]),
        (sub, "BK = { agreed = \"provider\", expires = 2027-03-31 }", Unset, &["BK = { agreed = \"provider\", expires = 2027-03-31 }"], &["BK = { expires = 2027-03-31 }"]),
        (inline, "controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }", SetAssumed(Some(C)), &["controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }"], &["controls = { BK = { agreed = \"provider\", assumed = \"consumer\" }, ENC = { assumed = \"provider\" } }"]),
        (inline, "controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }", SetAgreed(Some(C)), &["controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }"], &["controls = { BK = \"consumer\", ENC = { assumed = \"provider\" } }"]),
        (inline, "controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }", Unset, &["controls = { BK = \"provider\", ENC = { assumed = \"provider\" } }"], &["controls = { BK = {}, ENC = { assumed = \"provider\" } }"]),
        (inline, "controls = { ENC = \"consumer\", BK = { agreed = \"provider\" } }  # tail", SetEvidence(Some(Ev::None)), &["controls = { ENC = \"consumer\", BK = { agreed = \"provider\" } }  # tail"], &["controls = { ENC = \"consumer\", BK = { agreed = \"provider\", evidence = \"none\" } }  # tail"]),
        (inline, "controls.BK = \"provider\"", SetAssumed(Some(C)), &["controls.BK = \"provider\""], &["controls.BK = { agreed = \"provider\", assumed = \"consumer\" }"]),
    ];
    for (i, (body, line, edit, removed, added)) in cases.iter().enumerate() {
        let text = format!("{HEAD}{body}{line}\n# after\n");
        let original = load(&text);
        let mut current = original.clone();
        let e = entry_at(&original, 0, "BK");
        apply(&mut current, 0, e, *edit);
        let out = write_back(&text, &original, &current)
            .unwrap_or_else(|err| panic!("case {i} ({line:?}, {edit:?}): {err}"));
        let (r, a) = changed(&text, &out);
        assert_eq!(r, *removed, "case {i}: {line:?} {edit:?}");
        assert_eq!(a, *added, "case {i}: {line:?} {edit:?}");
    }
}

/// Entries written as tables of their own: `[handoff.controls.BK]` and dotted keys.
#[test]
fn table_form_entries_keep_their_form_and_comments() {
    #[rustfmt::skip]
    let cases: &[(&str, Edit, &str)] = &[
        ("[handoff.controls.BK]\n# per MSA\nagreed = \"provider\"\nassumed = \"consumer\"\n", SetAssumed(None),
         "[handoff.controls.BK]\n# per MSA\nagreed = \"provider\"\n"),
        ("[handoff.controls.BK]\nagreed = \"provider\"\n# why\nassumed = \"consumer\"\n", SetAssumed(Some(S)),
         "[handoff.controls.BK]\nagreed = \"provider\"\n# why\nassumed = \"shared\"\n"),
        ("[handoff.controls.BK]\n# per MSA\nagreed = \"provider\"  # §3\n", Unset,
         "[handoff.controls.BK]\n# per MSA\n# §3\n"),
        ("[handoff.controls.BK]\nagreed = \"provider\"\n", SetEvidence(Some(Ev::Attested)),
         "[handoff.controls.BK]\nagreed = \"provider\"\nevidence = \"attested\"\n"),
        ("[handoff.controls]\n# why\nBK.agreed = \"provider\"\n", Unset,
         "[handoff.controls]\n# why\nBK = {}\n"),
        ("[handoff.controls]\nBK.agreed = \"provider\"\n", SetAssumed(Some(C)),
         "[handoff.controls]\nBK.agreed = \"provider\"\nBK.assumed = \"consumer\"\n"),
    ];
    let head = format!("{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\n\n");
    for (i, (tail, edit, want)) in cases.iter().enumerate() {
        let text = format!("{head}{tail}");
        let original = load(&text);
        let mut current = original.clone();
        apply(&mut current, 0, entry_at(&original, 0, "BK"), *edit);
        let out =
            write_back(&text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(out, format!("{head}{want}"), "case {i}");
    }
}

/// A template entry edited in the explorer becomes an explicit entry, in the form the
/// hand-off already uses, or in a new `[handoff.controls]` table.
#[test]
fn template_entries_become_explicit() {
    let head = "[stack]\nname = \"t\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nmodel = \"saas\"\n";
    let next = "\n[[handoff]]\nconsumer = \"saas\"\nprovider = \"shop\"\n";
    #[rustfmt::skip]
    let cases: &[(&str, Edit, &str)] = &[
        // (the hand-off's controls as written, edit of BACKUP, as saved)
        ("", SetAssumed(Some(C)), "\n[handoff.controls]\nBACKUP = { agreed = \"provider\", assumed = \"consumer\" }\n"),
        ("", SetAgreed(Some(C)), "\n[handoff.controls]\nBACKUP = \"consumer\"\n"),
        ("", Unset, "\n[handoff.controls]\nBACKUP = {}\n"),
        ("\n[handoff.controls]\nENC-REST = \"provider\" # kept\n", SetEvidence(Some(Ev::Verified)),
         "\n[handoff.controls]\nENC-REST = \"provider\" # kept\nBACKUP = { agreed = \"provider\", evidence = \"verified\" }\n"),
        ("controls = { ENC-REST = \"provider\" }\n", SetAgreed(Some(S)), "controls = { ENC-REST = \"provider\", BACKUP = \"shared\" }\n"),
    ];
    let backup = |s: &Stack| entry_at(s, 0, "BACKUP");
    for (i, (tail, edit, want)) in cases.iter().enumerate() {
        let text = format!("{head}{tail}{next}");
        let original = load(&text);
        assert!(original.handoffs[0].entries[backup(&original) as usize].from_template);
        let mut current = original.clone();
        apply(&mut current, 0, backup(&original), *edit);
        let out =
            write_back(&text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(out, format!("{head}{want}{next}"), "case {i}");
        let reloaded = load(&out);
        let e = &reloaded.handoffs[0].entries[backup(&reloaded) as usize];
        assert!(
            !e.from_template,
            "case {i}: the entry is written in the file"
        );
    }
}

/// Every entry of every sample stack, every edit: only that entry's line changes, and the
/// saved file re-loads to the edited stack (write_back checks that itself).
#[test]
fn sample_stacks_every_entry_every_edit() {
    let edits = [
        SetAssumed(Some(P)),
        SetAssumed(None),
        SetAgreed(Some(C)),
        SetAgreed(None),
        SetEvidence(Some(Ev::Verified)),
        SetEvidence(None),
        Unset,
    ];
    for name in SAMPLES {
        let text = sample(name);
        let lines: Vec<&str> = text.lines().collect();
        let original = load(&text);
        assert_eq!(
            write_back(&text, &original, &original).ok().as_deref(),
            Some(text.as_str())
        );
        for (h, handoff) in original.handoffs.iter().enumerate() {
            for (e, entry) in handoff.entries.iter().enumerate() {
                for edit in edits {
                    let mut current = original.clone();
                    apply(&mut current, h as u32, e as u32, edit);
                    if Fields::of(&current, &current.handoffs[h].entries[e])
                        == Fields::of(&current, entry)
                    {
                        continue;
                    }
                    let out = write_back(&text, &original, &current).unwrap_or_else(|err| {
                        panic!("{name} line {}: {edit:?}: {err}", entry.line)
                    });
                    let (r, a) = changed(&text, &out);
                    assert_eq!(r, [lines[entry.line as usize - 1]], "{name}: {edit:?}");
                    assert_eq!(a.len(), 1, "{name}: {edit:?} {a:?}");
                }
            }
        }
    }
}

#[test]
fn implements_toggles_edit_the_array_in_place() {
    let party = "[[party]]\nid = \"saas\"\n";
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], &[&str], &str)] = &[
        // (implements as written, turned on, turned off, implements after)
        ("implements = [\"BK\"]  # audited\n", &["ENC"], &[], "implements = [\"BK\", \"ENC\"]  # audited\n"),
        ("implements = []\n", &["ENC"], &[], "implements = [\"ENC\"]\n"),
        ("", &["ENC"], &[], "implements = [\"ENC\"]\n"),
        ("implements = [\"BK\", \"ENC\"]\n", &[], &["BK"], "implements = [\"ENC\"]\n"),
        ("implements = [\"BK\", \"ENC\"]\n", &[], &["ENC"], "implements = [\"BK\"]\n"),
        ("implements = [\"BK\", \"ENC\", \"BK\"]\n", &[], &["BK"], "implements = [\"ENC\"]\n"),
        ("implements = [\"BK\"]\n", &[], &["BK"], "implements = []\n"),
        ("implements = [\"BK\", \"ENC\"]\n", &["IAM"], &["BK"], "implements = [\"ENC\", \"IAM\"]\n"),
        ("implements = [\n  \"BK\",\n  \"ENC\",\n]\n", &["IAM"], &[], "implements = [\n  \"BK\",\n  \"ENC\",\n  \"IAM\",\n]\n"),
        ("implements = [\n  \"BK\",\n  \"ENC\"\n]\n", &["IAM"], &[], "implements = [\n  \"BK\",\n  \"ENC\",\n  \"IAM\"\n]\n"),
        ("implements = [\n  \"BK\",\n  \"ENC\"\n]\n", &[], &["ENC"], "implements = [\n  \"BK\"\n]\n"),
        ("implements = [\n  # ours\n  \"BK\",\n  \"ENC\",\n]\n", &[], &["BK"], "implements = [\n  # ours\n  \"ENC\",\n]\n"),
        // A comment on the last element's line stays on its line.
        ("implements = [\n  \"BK\",  # audited\n]\n", &["IAM"], &[], "implements = [\n  \"BK\",  # audited\n  \"IAM\",\n]\n"),
    ];
    let head = format!("{HEAD}[[control]]\nid = \"IAM\"\nname = \"Identity\"\n\n")
        .replace("[[party]]\nid = \"saas\"\n\n", "");
    for (i, (written, on, off, want)) in cases.iter().enumerate() {
        let text = format!("{head}{party}notes = \"n\"\n{written}");
        let original = load(&text);
        let mut current = original.clone();
        let p = original.party_id("saas").expect("party");
        for (ids, state) in [(on, true), (off, false)] {
            for id in ids.iter() {
                let c = original.control_id(id).expect("control");
                assert!(current.set_implements(p, c, state));
            }
        }
        let out =
            write_back(&text, &original, &current).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(
            out,
            format!("{head}{party}notes = \"n\"\n{want}"),
            "case {i}"
        );
    }
}

#[test]
fn refuses_what_it_cannot_write_faithfully() {
    let text = format!(
        "{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\ncontrols = {{ BK = \"provider\", ENC = \"consumer\" }}\n"
    );
    let original = load(&text);
    let mut current = original.clone();
    apply(&mut current, 0, 0, SetAssumed(Some(C)));
    // The text is not the stack that was loaded: its ENC says something else.
    let other = text.replace("ENC = \"consumer\"", "ENC = \"shared\"");
    let err = write_back(&other, &original, &current).expect_err("must refuse");
    assert!(matches!(err, SaveError::Verify { .. }), "{err}");
    assert!(err.to_string().contains("test.toml"), "{err}");
    // A file with the hand-off gone.
    let gone = text.replace("controls = { BK = \"provider\", ENC = \"consumer\" }\n", "");
    let err = write_back(&gone, &original, &current).expect_err("must refuse");
    assert!(matches!(err, SaveError::Mismatch { .. }), "{err}");
    // Not TOML any more.
    let err = write_back("[[[", &original, &current).expect_err("must refuse");
    assert!(matches!(err, SaveError::Mismatch { .. }), "{err}");
    // Removing an accept is not an edit the explorer makes.
    let mut with = original.clone();
    with.accepts.push(accept(
        &original,
        "BK",
        Kind::Unconfirmed,
        AcceptPlace::Handoff(0),
    ));
    let err = write_back(&text, &with, &original).expect_err("must refuse");
    assert!(matches!(err, SaveError::Unsupported { .. }), "{err}");
}

#[test]
fn control_ids_that_need_quotes_are_quoted() {
    let text = "[stack]\nname = \"t\"\ncatalog = \"none\"\n[[control]]\nid = \"ac-2.1\"\nname = \"x\"\n[[party]]\nid = \"a\"\n[[party]]\nid = \"b\"\nimplements = []\n[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n[handoff.controls]\n\"ac-2.1\" = \"provider\"\n";
    let original = load(text);
    let mut current = original.clone();
    apply(&mut current, 0, 0, SetAssumed(Some(C)));
    current.set_implements(1, 0, true);
    let out = write_back(text, &original, &current).expect("saved");
    assert!(
        out.contains("\"ac-2.1\" = { agreed = \"provider\", assumed = \"consumer\" }"),
        "{out}"
    );
    assert!(out.contains("implements = [\"ac-2.1\"]"), "{out}");
}

/// Forms TOML allows beyond the usual ones: arrays of inline tables, dotted keys inside an
/// inline table, a `controls` table that only has sub-tables, accepts before the hand-offs.
#[test]
fn unusual_but_valid_forms() {
    let text = "[stack]\nname = \"t\"\n\n[[accept]]\ncontrol = \"ENC-REST\"\nkind = \"unassigned\"\nparty = \"shop\"\nreason = \"r\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\nimplements = [\"BACKUP\"]\n\n[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nmodel = \"iaas\"\n\n[handoff.controls.BACKUP]\nagreed = \"consumer\"\n\n[[handoff]]\nconsumer = \"saas\"\nprovider = \"shop\"\ncontrols = { BACKUP.agreed = \"provider\", ENC-REST.assumed = \"consumer\" }\n";
    let original = load(text);
    let mut current = original.clone();
    apply(
        &mut current,
        0,
        entry_at(&original, 0, "ENC-REST"),
        SetAssumed(Some(C)),
    );
    apply(&mut current, 1, entry_at(&original, 1, "BACKUP"), Unset);
    apply(
        &mut current,
        1,
        entry_at(&original, 1, "ENC-REST"),
        SetAgreed(Some(S)),
    );
    let shop = original.party_id("shop").expect("party");
    current.set_implements(shop, original.control_id("BACKUP").expect("control"), true);
    current.accepts.push(accept(
        &original,
        "BACKUP",
        Kind::NotDelivered,
        AcceptPlace::Handoff(1),
    ));
    let out = write_back(text, &original, &current).expect("saved");
    let (removed, added) = changed(text, &out);
    assert_eq!(
        removed,
        ["controls = { BACKUP.agreed = \"provider\", ENC-REST.assumed = \"consumer\" }"]
    );
    assert!(added.contains(&"controls = { BACKUP = {}, ENC-REST.assumed = \"consumer\", ENC-REST.agreed = \"shared\" }".to_owned()), "{out}");
    assert!(
        out.contains("id = \"shop\"\nimplements = [\"BACKUP\"]\n"),
        "{out}"
    );
    assert!(out.rfind("[[accept]]") > out.rfind("[[handoff]]"), "{out}");

    let inline = "control = [{ id = \"BK\", name = \"Backups\" }]\nparty = [{ id = \"a\" }, { id = \"b\", implements = [\"BK\"] }]\nhandoff = [{ consumer = \"a\", provider = \"b\", controls = { BK = \"provider\" } }]\naccept = [{ control = \"BK\", kind = \"unconfirmed\", consumer = \"a\", provider = \"b\", reason = \"r\" }]\n\n[stack]\nname = \"t\"\ncatalog = \"none\"\n";
    let original = load(inline);
    let mut current = original.clone();
    apply(&mut current, 0, 0, SetAssumed(Some(P)));
    current.set_implements(1, 0, false);
    current.set_implements(0, 0, true);
    current.accepts.push(accept(
        &original,
        "BK",
        Kind::Misunderstanding,
        AcceptPlace::Handoff(0),
    ));
    let out = write_back(inline, &original, &current).expect("saved");
    assert!(
        out.contains(
            "party = [{ id = \"a\", implements = [\"BK\"] }, { id = \"b\", implements = [] }]"
        ),
        "{out}"
    );
    assert!(
        out.contains("controls = { BK = { agreed = \"provider\", assumed = \"provider\" } }"),
        "{out}"
    );
    assert_eq!(load(&out).accepts.len(), 2);
}
