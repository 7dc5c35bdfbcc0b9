//! The matrix's rows and summary on stacks built to show each status, plus the fixtures and the
//! round-trip check that the CSV and xlsx tests share.

use std::collections::BTreeMap;

use super::*;
use crate::analysis::{Report, WhatIf, analyse};

/// A stack analysed on a date, ready to be put in a [`Context`].
pub(crate) struct Analysed {
    pub stack: Stack,
    pub report: Report,
    pub what_if: WhatIf,
}

impl Analysed {
    pub fn new(text: &str, as_of: &str) -> Analysed {
        let stack = crate::stack::load_str(text, "test.toml", None).expect("the stack loads");
        let what_if = WhatIf::new(&stack, Date::parse(as_of).expect("a date"));
        let report = analyse(&stack, &what_if);
        Analysed {
            stack,
            report,
            what_if,
        }
    }

    pub fn ctx(&self) -> Context<'_> {
        Context {
            stack: &self.stack,
            report: &self.report,
            what_if: &self.what_if,
            blast: None,
            fix_first: None,
        }
    }
}

/// One of each status, a shared entry with two findings, documents in force and expired, an
/// accepted risk with a ticket, and a requirement nobody covers.
pub(crate) const REVIEW: &str = r#"
[stack]
name = "review"
catalog = "none"
min_evidence = "attested"

[[control]]
id = "BK"
name = "Backups"
family = "Continuity"
[[control]]
id = "ENC"
name = "Encryption"
[[control]]
id = "IAM"
name = "Access reviews"
[[control]]
id = "LOG"
name = "Logging"
[[control]]
id = "OPEN"
name = "Nobody owns it"
[[control]]
id = "REQ"
name = "Required by the shop"

[[evidence]]
id = "soc2-2026"
level = "attested"
title = "SOC 2 Type II"
expires = 2027-01-15
[[evidence]]
id = "soc2-2025"
level = "attested"
expires = 2026-10-31

[[party]]
id = "shop"
requires = ["REQ"]
[[party]]
id = "saas"
implements = ["ENC", "IAM"]
[[party]]
id = "iaas"

[[handoff]]
consumer = "shop"
provider = "saas"
service = "CRM"
[handoff.controls]
OPEN = { ref = "ticket 12" }
LOG = "shared"
IAM = { agreed = "provider", evidence = "soc2-2025" }
ENC = { agreed = "provider", evidence = "soc2-2026", ref = "MSA §7.2" }
BK = { agreed = "consumer", assumed = "provider" }

[[handoff]]
consumer = "shop"
provider = "saas"
controls = { ENC = { agreed = "provider", evidence = "verified" } }

[[handoff]]
consumer = "saas"
provider = "iaas"
controls = { ENC = { assumed = "provider" } }

[[accept]]
control = "ENC"
kind = "not-delivered"
consumer = "saas"
provider = "iaas"
reason = "moving off iaas"
ticket = "RISK-7"
until = 2027-12-31
"#;

pub(crate) const AS_OF: &str = "2026-11-28";

/// Ids, names and refs that a spreadsheet would run as formulas, that could move a
/// terminal's cursor or hide text, and that hold line breaks.
pub(crate) const HOSTILE: &str = r#"
[stack]
name = "hostile"
catalog = "none"

[[control]]
id = "=SUM(A1)"
name = "line one\nline two"
family = "+family"
[[control]]
id = "@X"
name = "bidi \u202Egnp.exe"
[[control]]
id = "-Y"
name = "tab\tand \u001b[2J clear"

[[evidence]]
id = "=doc"
level = "attested"

[[party]]
id = "-shop"
[[party]]
id = "+saas"
implements = ["@X"]

[[handoff]]
consumer = "-shop"
provider = "+saas"
service = "=svc"
[handoff.controls]
"=SUM(A1)" = { agreed = "provider", evidence = ["=doc", "contract"], expires = 2027-01-01, ref = '=HYPERLINK("http://evil","x")' }
"@X" = { agreed = "provider", assumed = "consumer", ref = "line1\nline2" }
"-Y" = { assumed = "shared", ref = "'quoted" }
"#;

#[test]
fn rows_come_in_handoff_then_control_order_with_their_status_and_findings() {
    let a = Analysed::new(REVIEW, AS_OF);
    let rows = rows(&a.ctx());
    type Seen<'r> = (&'r str, &'r str, Option<&'r str>, &'r str, Status, &'r str);
    let got: Vec<Seen> = rows
        .iter()
        .map(|r| {
            (
                r.consumer,
                r.provider,
                r.service,
                r.control,
                r.status,
                r.findings.as_str(),
            )
        })
        .collect();
    let crm = Some("CRM");
    let want = [
        (
            "saas",
            "iaas",
            None,
            "ENC",
            Status::Accepted,
            "not-delivered (provider, accepted)",
        ),
        ("shop", "saas", None, "ENC", Status::Ok, ""),
        (
            "shop",
            "saas",
            crm,
            "BK",
            Status::Gap,
            "no-mans-land (consumer)",
        ),
        ("shop", "saas", crm, "ENC", Status::Ok, ""),
        (
            "shop",
            "saas",
            crm,
            "IAM",
            Status::Warning,
            "weak-assurance (provider)",
        ),
        (
            "shop",
            "saas",
            crm,
            "LOG",
            Status::Gap,
            "not-delivered (provider); not-delivered (consumer)",
        ),
        ("shop", "saas", crm, "OPEN", Status::Gap, "unassigned"),
    ];
    assert_eq!(got, want);
}

#[test]
fn status_is_the_worst_open_finding_else_accepted_else_ok() {
    use crate::analysis::Kind;
    let finding = |kind: Kind, accepted: bool| Finding {
        kind,
        control: 0,
        place: Place::Party(0),
        root_causes: Vec::new(),
        circular: false,
        chain: Vec::new(),
        chain_len: 0,
        assurance: None,
        cover_assurance: None,
        weakest: None,
        expired: None,
        also_lapsed: 0,
        accepted: accepted.then_some(0),
    };
    let (gap, open_gap) = (Kind::NotDelivered, false);
    let (warning, accepted) = (Kind::WeakAssurance, true);
    let cases = [
        (vec![], Status::Ok),
        (vec![(gap, open_gap)], Status::Gap),
        (vec![(warning, open_gap)], Status::Warning),
        (vec![(warning, open_gap), (gap, open_gap)], Status::Gap),
        (vec![(gap, accepted), (warning, open_gap)], Status::Warning),
        (vec![(gap, accepted), (warning, accepted)], Status::Accepted),
    ];
    for (kinds, want) in cases {
        let findings: Vec<Finding> = kinds.iter().map(|&(k, a)| finding(k, a)).collect();
        let refs: Vec<&Finding> = findings.iter().collect();
        assert_eq!(Status::of(&refs), want, "{kinds:?}");
    }
}

#[test]
fn a_shared_entry_with_two_findings_gives_both_sentences() {
    let a = Analysed::new(REVIEW, AS_OF);
    let rows = rows(&a.ctx());
    let log = rows.iter().find(|r| r.control == "LOG").expect("LOG row");
    let why: Vec<&str> = log.why.split(" | ").collect();
    assert_eq!(why.len(), 2, "{}", log.why);
    assert!(why[0].contains("the provider (saas)"), "{}", why[0]);
    assert!(why[1].contains("the consumer (shop)"), "{}", why[1]);
    assert_eq!(log.agreed, Some(Owner::Shared));
    assert_eq!(
        (log.provider_implements, log.consumer_implements),
        (false, false)
    );
}

#[test]
fn an_accepted_row_says_why_it_was_accepted_and_until_when() {
    let a = Analysed::new(REVIEW, AS_OF);
    let rows = rows(&a.ctx());
    let accepted = &rows[0];
    assert_eq!(accepted.status.as_str(), "ACCEPTED");
    assert!(
        accepted
            .why
            .ends_with(" — accepted: moving off iaas (RISK-7, until 2027-12-31)"),
        "{}",
        accepted.why
    );
    // The day after `until`, the same finding is open again.
    let later = Analysed::new(REVIEW, "2028-01-01");
    assert_eq!(rows_of(&later)[0].status, Status::Gap);
}

fn rows_of(a: &Analysed) -> Vec<Row<'_>> {
    rows(&a.ctx())
}

#[test]
fn evidence_in_force_names_documents_their_dates_and_what_lapsed() {
    let a = Analysed::new(REVIEW, AS_OF);
    let rows = rows(&a.ctx());
    let cell = |service: Option<&str>, control: &str| {
        let r = rows
            .iter()
            .find(|r| r.consumer == "shop" && r.service == service && r.control == control)
            .expect("row");
        (r.evidence.as_str(), r.in_force.as_str())
    };
    let crm = Some("CRM");
    assert_eq!(
        cell(crm, "ENC"),
        (
            "soc2-2026",
            "attested (soc2-2026 \"SOC 2 Type II\", attested, expires 2027-01-15)"
        )
    );
    assert_eq!(
        cell(crm, "IAM"),
        ("soc2-2025", "none — soc2-2025 expired 2026-10-31")
    );
    assert_eq!(cell(crm, "BK"), ("", "contract (default)"));
    assert_eq!(cell(crm, "OPEN"), ("", "none (default)"));
    assert_eq!(cell(None, "ENC"), ("verified", "verified"));
    // After its own expiry, the document in force is gone too.
    let later = Analysed::new(REVIEW, "2027-01-16");
    let enc = rows_of(&later)
        .into_iter()
        .find(|r| r.service == crm && r.control == "ENC")
        .expect("row");
    assert_eq!(enc.in_force, "none — soc2-2026 expired 2027-01-15");
    assert_eq!(enc.status, Status::Warning);
}

#[test]
fn evidence_in_force_covers_several_items_and_an_entry_that_lapsed() {
    let text = REVIEW.replace(
        "IAM = { agreed = \"provider\", evidence = \"soc2-2025\" }",
        "IAM = { agreed = \"provider\", evidence = [\"soc2-2025\", \"contract\", \"soc2-2026\"], expires = 2026-11-01 }",
    );
    let a = Analysed::new(&text, AS_OF);
    let iam = rows_of(&a)
        .into_iter()
        .find(|r| r.control == "IAM")
        .expect("row");
    assert_eq!(iam.evidence, "soc2-2025, contract, soc2-2026");
    assert_eq!(
        iam.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-11-01")
    );
    assert_eq!(iam.in_force, "none — entry expired 2026-11-01");
    let before = Analysed::new(&text, "2026-10-01");
    let iam = rows_of(&before)
        .into_iter()
        .find(|r| r.control == "IAM")
        .expect("row");
    assert_eq!(
        iam.in_force,
        "attested (soc2-2025, attested, expires 2026-10-31; soc2-2026 \"SOC 2 Type II\", attested, expires 2027-01-15)"
    );
}

#[test]
fn template_entries_have_rows_and_say_where_their_owner_came_from() {
    let text = r#"
[stack]
name = "templated"
[[party]]
id = "shop"
[[party]]
id = "crm"
[[handoff]]
consumer = "shop"
provider = "crm"
model = "saas"
controls = { BACKUP = { agreed = "consumer", ref = "MSA 4" } }
"#;
    let a = Analysed::new(text, AS_OF);
    let rows = rows_of(&a);
    let entries = a.stack.handoffs[0].entries.len();
    assert!(entries > 10, "the saas template adds entries");
    assert_eq!(rows.len(), entries);
    let ids: Vec<&str> = rows.iter().map(|r| r.control).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "controls in id order");
    for r in &rows {
        let templated = r.why.contains("from the hand-off's saas template");
        assert_eq!(templated, r.control != "BACKUP", "{}: {}", r.control, r.why);
        assert!(r.agreed.is_some() && r.evidence.is_empty(), "{r:?}");
    }
    let backup = rows.iter().find(|r| r.control == "BACKUP").expect("row");
    assert_eq!(backup.reference, Some("MSA 4"));
}

#[test]
fn the_summary_counts_open_findings_apart_from_accepted_and_ranks_handoffs() {
    let a = Analysed::new(REVIEW, AS_OF);
    let s = summary(&a.ctx());
    assert_eq!((s.open_gaps, s.open_warnings, s.accepted), (5, 1, 1));
    assert_eq!((s.parties, s.handoffs, s.entries), (3, 3, 7));
    let ranking: Vec<(&str, Status, usize, usize)> = s
        .ranking
        .iter()
        .map(|l| (l.label.as_str(), l.status, l.open_gaps, l.accepted))
        .collect();
    assert_eq!(
        ranking,
        [
            ("shop → saas (CRM)", Status::Gap, 4, 0),
            ("saas → iaas", Status::Accepted, 0, 1),
            ("shop → saas", Status::Ok, 0, 0),
        ]
    );
    let own: Vec<(&str, &str, Status, &str)> = s
        .own
        .iter()
        .map(|o| {
            (
                o.party.as_str(),
                o.control.as_str(),
                o.status,
                o.finding.as_str(),
            )
        })
        .collect();
    assert_eq!(own, [("shop", "REQ", Status::Gap, "unassigned")]);
    let docs: Vec<(&str, bool, usize)> = s
        .documents
        .iter()
        .map(|d| (d.document.id.as_str(), d.in_force, d.entries))
        .collect();
    assert_eq!(docs, [("soc2-2026", true, 1), ("soc2-2025", false, 1)]);
    assert_eq!(s.expiring.len(), 1);
    assert!(
        s.expiring[0].starts_with("document soc2-2026"),
        "{:?}",
        s.expiring
    );
    assert_eq!(
        (s.as_of.to_string(), s.min_evidence),
        (AS_OF.to_string(), Evidence::Attested)
    );
}

#[test]
fn cell_text_keeps_line_breaks_and_shows_what_could_hide_text() {
    for (input, want) in [
        ("plain", "plain"),
        ("two\nlines", "two\nlines"),
        ("tab\there", "tab\\there"),
        ("cr\rhere", "cr\\rhere"),
        ("\u{1b}[2J\nnext", "\\u{001B}[2J\nnext"),
        ("abc\u{202E}fed", "abc\\u{202E}fed"),
    ] {
        assert_eq!(cell_text(input), want, "{input:?}");
    }
}

/// The entry fields a matrix row carries: (control, agreed, assumed, evidence, expires, ref).
type Fields = (String, String, String, String, String, String);

/// Checks that `records` (a header, then the rows, as read back from a file) carry, for every
/// hand-off, exactly the fields of the stack's entries, read by the column names in [`COLUMNS`].
pub(crate) fn assert_carries_entries(stack: &Stack, records: &[Vec<String>]) {
    let (header, rows) = records.split_first().expect("a header row");
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name:?} in {header:?}"))
    };
    let place = [at("Consumer"), at("Provider"), at("Service")];
    let fields = [
        at("Control"),
        at("Agreed"),
        at("Assumed"),
        at("Evidence"),
        at("Expires"),
        at("Ref"),
    ];
    type Place = (String, String, String);
    let mut read: BTreeMap<Place, Vec<Fields>> = BTreeMap::new();
    for row in rows {
        let cell = |c: usize| row.get(c).cloned().unwrap_or_default();
        let [c, p, s] = place.map(cell);
        let [control, agreed, assumed, evidence, expires, reference] = fields.map(cell);
        read.entry((c, p, s))
            .or_default()
            .push((control, agreed, assumed, evidence, expires, reference));
    }
    let mut stated: BTreeMap<Place, Vec<Fields>> = BTreeMap::new();
    for h in &stack.handoffs {
        let key = (
            stack.party(h.consumer).id.clone(),
            stack.party(h.provider).id.clone(),
            h.service.clone().unwrap_or_default(),
        );
        let owner = |o: Option<Owner>| o.map_or(String::new(), |o| o.as_str().to_string());
        let list = stated.entry(key).or_default();
        for e in &h.entries {
            list.push((
                stack.control(e.control).id.clone(),
                owner(e.agreed),
                owner(e.assumed),
                evidence_written(stack, e),
                e.expires.map(|d| d.to_string()).unwrap_or_default(),
                e.reference.as_deref().unwrap_or("").to_string(),
            ));
        }
        list.sort();
    }
    for list in read.values_mut() {
        list.sort();
    }
    assert_eq!(read, stated);
}
