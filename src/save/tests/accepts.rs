//! New `[[accept]]` tables go at the very end of the file, after any closing comments and after
//! the accepts already written; several kinds of edit in one save.

use super::*;
use crate::save::write_back;
use crate::stack::PartyIdx;

#[test]
fn accepts_are_appended_at_the_end() {
    let text = format!(
        "{HEAD}[[handoff]]\nconsumer = \"shop\"\nprovider = \"saas\"\nservice = \"CRM\"\ncontrols = {{ BK = {{ agreed = \"consumer\", assumed = \"provider\" }} }}\n# closing words\n"
    );
    let original = load(&text);
    let mut current = original.clone();
    current.accepts.push(accept(
        &original,
        "BK",
        Kind::NoMansLand,
        AcceptPlace::Handoff(0),
    ));
    let shop: PartyIdx = original.party_id("shop").expect("party");
    let mut second = accept(&original, "ENC", Kind::Unassigned, AcceptPlace::Party(shop));
    second.until = None;
    second.ticket = Some("RISK-1".into());
    current.accepts.push(second);
    let out = write_back(&text, &original, &current).expect("saved");
    let want = format!(
        "{text}\n[[accept]]\ncontrol = \"BK\"\nkind = \"no-mans-land\"\nconsumer = \"shop\"\nprovider = \"saas\"\nservice = \"CRM\"\nreason = \"Compensating \\\"manual\\\" check\\u001B[2J\"\nuntil = 2027-06-30\nby = \"CISO\"\n\n[[accept]]\ncontrol = \"ENC\"\nkind = \"unassigned\"\nparty = \"shop\"\nreason = \"Compensating \\\"manual\\\" check\\u001B[2J\"\nby = \"CISO\"\nticket = \"RISK-1\"\n"
    );
    assert_eq!(out, want);
    assert_eq!(load(&out).accepts.len(), 2);
}

#[test]
fn accepts_follow_existing_ones_in_a_sample() {
    let text = sample("healthcare-records.toml");
    let original = load(&text);
    let mut current = original.clone();
    let shop = original.party_id("aldhelm").expect("party");
    current.accepts.push(accept(
        &original,
        "BACKUP",
        Kind::Unassigned,
        AcceptPlace::Party(shop),
    ));
    let out = write_back(&text, &original, &current).expect("saved");
    assert!(out.starts_with(&text), "nothing before the end changes");
    assert!(out[text.len()..].starts_with("\n[[accept]]\ncontrol = \"BACKUP\"\n"));
}

#[test]
fn several_edits_at_once() {
    let text = sample("demo.toml");
    let original = load(&text);
    let mut current = original.clone();
    apply(&mut current, 0, 0, SetAssumed(Some(C)));
    apply(&mut current, 1, 1, SetEvidence(Some(Ev::Verified)));
    let brightpath = original.party_id("brightpath").expect("party");
    let backup = original.control_id("BACKUP").expect("control");
    current.set_implements(brightpath, backup, true);
    current.accepts.push(accept(
        &original,
        "BACKUP",
        Kind::NoMansLand,
        AcceptPlace::Handoff(0),
    ));
    let out = write_back(&text, &original, &current).expect("saved");
    let (removed, added) = changed(&text, &out);
    assert_eq!(removed.len(), 3, "{removed:?}");
    assert_eq!(added.len(), 3 + 10, "{added:?}");
}
