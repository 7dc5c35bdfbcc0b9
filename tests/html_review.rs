//! The HTML review leads with what matters (issue 14): the summary before anything else, open
//! findings counted by severity with accepted ones apart, hand-offs ranked by open gaps and
//! named by their parties' names, each hand-off's findings worst first with control names, and
//! the "Fix first" section only when a list is given.

use stackgap::analysis::{WhatIf, analyse};
use stackgap::date::Date;
use stackgap::report::Context;
use stackgap::report::html::{FixFirstLine, render, render_with_fix_first};

const AS_OF: &str = "2026-06-01";

/// A gap and an accepted gap at shop → saas, a warning at shop → iaas, one own-requirement gap
/// of shop's, and a covered hand-off; names differ from ids.
const STACK: &str = r#"[stack]
name = "review"
catalog = "none"

[[control]]
id = "BK"
name = "Backups"
family = "Continuity"

[[control]]
id = "ENC"
name = "Encryption at rest"

[[control]]
id = "IAM"
name = "Access reviews"

[[control]]
id = "LOG"
name = "Logging"

[[party]]
id = "shop"
name = "Corner Shop Ltd"
requires = ["LOG"]

[[party]]
id = "saas"
name = "Tillroll SaaS"

[[party]]
id = "iaas"
name = "Rackspace of Doom"
implements = ["ENC"]

[[handoff]]
consumer = "shop"
provider = "iaas"
controls = { ENC = { assumed = "provider" } }

[[handoff]]
consumer = "shop"
provider = "saas"
service = "Till"
controls = { IAM = "provider", BK = "provider" }

[[handoff]]
consumer = "saas"
provider = "iaas"
controls = { ENC = { agreed = "provider", evidence = "attested" } }

[[accept]]
control = "BK"
kind = "not-delivered"
reason = "backups move to the new vendor in Q3"
consumer = "shop"
provider = "saas"
service = "Till"
by = "CISO"
ticket = "RISK-7"
"#;

fn page(fix_first: Option<&[FixFirstLine]>) -> (String, stackgap::stack::Stack) {
    let stack = stackgap::stack::load_str(STACK, "review.toml", None).expect("a valid stack");
    let what_if = WhatIf::new(&stack, Date::parse(AS_OF).expect("a date"));
    let report = analyse(&stack, &what_if);
    let ctx = Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: None,
        fix_first: None,
    };
    let html = match fix_first {
        Some(lines) => render_with_fix_first(&ctx, lines),
        None => render(&ctx),
    };
    (html, stack)
}

/// The text of the page with tags removed and entities of ours decoded.
fn words(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

fn at(html: &str, what: &str) -> usize {
    html.find(what)
        .unwrap_or_else(|| panic!("{what:?} not in the page"))
}

#[test]
fn the_summary_comes_first_and_counts_accepted_findings_apart() {
    let (html, _) = page(None);
    let text = words(&html);
    assert!(
        text.contains("✖ 2 gaps, ⚠ 1 warning, ○ 1 accepted gap"),
        "{text}"
    );
    let summary = at(&html, "<section id=\"summary\">");
    for later in [
        "<section id=\"diagram\">",
        "<section id=\"findings\">",
        "<section id=\"provenance\">",
    ] {
        assert!(
            summary < at(&html, later),
            "the summary comes before {later}"
        );
    }
    assert!(!html.contains("Fix first"), "no fix-first list was given");
}

#[test]
fn hand_offs_are_ranked_by_open_gaps_and_named_by_their_parties() {
    let (html, _) = page(None);
    let ranking = &html[at(&html, "<table class=\"ranking")..];
    let ranking = &ranking[..at(ranking, "</table>")];
    let rows: Vec<String> = ranking
        .split("<tr data-status=")
        .skip(1)
        .map(words)
        .collect();
    // Till: 1 open gap (+1 accepted); shop's own LOG: 1 open gap; shop → iaas: 1 warning.
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows[0].contains("Corner Shop Ltd → Tillroll SaaS (Till)"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("Corner Shop Ltd — own requirements"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].contains("Corner Shop Ltd → Rackspace of Doom"),
        "{}",
        rows[2]
    );
    assert!(rows[2].contains("warning"));
    // The covered hand-off is listed apart, by name.
    assert!(words(&html).contains("1 hand-off without findings"));
    assert!(words(&html).contains("Tillroll SaaS → Rackspace of Doom"));

    // Sections follow the same order, open findings before accepted ones, controls by name.
    let till = at(&html, "<h3>Corner Shop Ltd → Tillroll SaaS (Till)</h3>");
    let own = at(&html, "<h3>Corner Shop Ltd — own requirements</h3>");
    let iaas = at(&html, "<h3>Corner Shop Ltd → Rackspace of Doom</h3>");
    assert!(till < own && own < iaas);
    let section = &html[till..own];
    assert!(
        at(section, "<code>IAM</code> Access reviews") < at(section, "<code>BK</code> Backups")
    );
    assert!(
        section.contains("(Continuity)"),
        "the family beside the name"
    );
    let bk_row = &section[section[..at(section, "<code>BK</code>")]
        .rfind("<tr")
        .expect("row")..];
    let accepted = words(&bk_row[..at(bk_row, "</tr>")]);
    for said in [
        "○ gap, accepted",
        "backups move to the new vendor in Q3",
        "by CISO",
        "RISK-7",
    ] {
        assert!(accepted.contains(said), "{said:?} in {accepted}");
    }
}

#[test]
fn the_fix_first_section_renders_only_when_a_list_is_given() {
    let (_, stack) = page(None);
    let line = |party: &str, control: &str, gaps_closed| FixFirstLine {
        party: stack.party_id(party).expect("party"),
        control: stack.control_id(control).expect("control"),
        gaps_closed,
    };
    let lines = [line("saas", "IAM", 1), line("shop", "LOG", 1)];
    let (html, _) = page(Some(&lines));
    let fix = &html[at(&html, "<h3 id=\"fix-first\">Fix first</h3>")..];
    let fix = words(&fix[..at(fix, "</ol>")]);
    assert!(
        fix.contains("Tillroll SaaS (saas) implements IAM Access reviews — closes 1 gap"),
        "{fix}"
    );
    assert!(at(&html, "id=\"fix-first\"") < at(&html, "<table class=\"ranking"));

    let (html, _) = page(Some(&[]));
    assert!(words(&html).contains("No single control implemented by one party closes a gap."));
}

#[test]
fn every_status_reads_without_colour() {
    let (html, _) = page(None);
    for row in html.split("<tr class=\"").skip(1) {
        let first = &row[at(row, "<td")..];
        let cell = words(&first[..at(first, "</td>")]);
        assert!(
            [
                "✖ gap",
                "⚠ warning",
                "○ gap, accepted",
                "○ warning, accepted"
            ]
            .contains(&cell.trim()),
            "{cell:?}"
        );
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(html.contains("@media screen and (max-width: 40em)"));
}
