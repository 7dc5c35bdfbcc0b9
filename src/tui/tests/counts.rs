//! Counts that never mislead: a row's guides tie it to its consumer, its ✗ and ! are open
//! findings with accepted risks counted apart (in the pane, the status bar and the control
//! view too), a collapsed row says what lies below it instead of `✓`, and the control view
//! tells "not in scope" from "covered".

use std::collections::BTreeSet;

use super::*;
use crate::analysis::Severity;

/// The tree pane's part of each line of a screen (left of the hand-off pane, when beside it).
fn tree_lines(screen: &str) -> impl Iterator<Item = &str> {
    screen.lines().map(|l| l.split("││").next().unwrap_or(l))
}

/// The tree pane's first row showing `party`.
fn line_of(screen: &str, party: &str) -> String {
    tree_lines(screen)
        .find(|l| l.contains(&format!(" {party}")))
        .unwrap_or_else(|| panic!("no line for {party}:\n{screen}"))
        .to_string()
}

#[test]
fn a_row_counts_its_open_findings_and_the_accepted_ones_apart() {
    let (_dir, _path, mut app) = healthcare_file();
    select_handoff(&mut app, "aldhelm", "carevault");
    // One accepted risk sits here beside the open ones, as the pane lists them.
    let items = &app.screen().inspect.items;
    let open = |sev: Severity| {
        items
            .iter()
            .filter(|i| i.severity == Some(sev) && !i.accepted)
            .count()
    };
    assert_eq!((open(Severity::Gap), open(Severity::Warning)), (1, 2));
    assert_eq!(items.iter().filter(|i| i.accepted).count(), 1);
    let screen = text_of(&draw(&mut app, 120, 40));
    let row = line_of(&screen, "carevault");
    assert!(row.contains("✗1 !2"), "{row}");
    assert!(row.contains("1 accepted"), "{row}");
    assert!(!row.contains("✗2"), "{row}");
    // The status bar counts what is open, and the accepted apart; the report agrees.
    let counts = app.screen().report.counts();
    let status = screen.lines().rev().nth(1).expect("a status line");
    assert!(
        status.starts_with(&format!(
            "\"✗ {} gaps · ! {} warnings · 1 accepted",
            counts.gaps - 1,
            counts.warnings
        )),
        "{status}"
    );

    // Accepting a gap moves it from the row's ✗ to its accepted count, everywhere at once.
    select_control(&mut app, "BCP-DR");
    send(&mut app, [Msg::Accept]);
    send(&mut app, typed("DR drill booked"));
    send(&mut app, [Msg::Submit]);
    let screen = text_of(&draw(&mut app, 120, 40));
    let row = line_of(&screen, "carevault");
    assert!(row.contains("!2") && !row.contains('✗'), "{row}");
    assert!(row.contains("2 accepted"), "{row}");
    assert!(
        screen.contains("✗ 5 gaps · ! 3 warnings · 2 accepted"),
        "{screen}"
    );
}

#[test]
fn the_control_view_counts_open_findings_and_tells_out_of_scope_from_covered() {
    let (_dir, _path, mut app) = healthcare_file();
    step(&mut app, Msg::Controls);
    let screen = text_of(&draw(&mut app, 120, 40));
    let line = |id: &str| {
        screen
            .lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("no {id}:\n{screen}"))
            .to_string()
    };
    // LOG-ACCESS has one finding, accepted: nothing open, but not covered either.
    let log = line("LOG-ACCESS");
    assert!(log.contains("1 accepted") && !log.contains('✗'), "{log}");
    assert!(!log.contains("covered"), "{log}");
    // Listed at a hand-off with no finding: covered. Listed nowhere, required by nobody: not
    // in scope — which must not read as covered.
    assert!(line("IAM-JML").contains("✓ covered"), "{screen}");
    let mfa = line("IAM-MFA");
    assert!(mfa.contains("not in scope") && !mfa.contains('✓'), "{mfa}");
    // Open findings first, then accepted only, then covered, then out of scope.
    let lines = app.screen().controls;
    let group = |l: &crate::tui::derived::ControlLine| match (l.open, l.counts, l.in_scope) {
        (o, _, _) if o != [0, 0] => 0,
        (_, c, _) if c != [0, 0] => 1,
        (_, _, true) => 2,
        _ => 3,
    };
    assert!(lines.windows(2).all(|w| group(&w[0]) <= group(&w[1])));
    assert_eq!(
        lines.iter().map(group).collect::<BTreeSet<_>>(),
        BTreeSet::from([0, 1, 2, 3])
    );

    // The pane says the same in words.
    let at = |c: &str| {
        let c = app.screen().stack.control_id(c).expect("a control");
        lines.iter().position(|l| l.control == c).expect("listed")
    };
    let (log, mfa) = (at("LOG-ACCESS"), at("IAM-MFA"));
    for _ in 0..log {
        step(&mut app, Msg::Down);
    }
    let facts = app.screen().inspect.facts.join(" ");
    assert!(
        facts.contains("0 gaps and 0 warnings open across the stack, 1 accepted"),
        "{facts}"
    );
    for _ in log..mfa {
        step(&mut app, Msg::Down);
    }
    let facts = app.screen().inspect.facts.join(" ");
    assert!(facts.contains("not in scope anywhere"), "{facts}");
}

/// The open findings at the distinct hand-offs of the rows below row `i` once everything is
/// expanded, and in the own requirements of the distinct parties they show (other than the
/// row's own and those above it, shown on their rows): what the row must say lies below it when
/// collapsed.
fn below_when_expanded(app: &App, i: usize) -> [u32; 2] {
    let rows = app.screen().tree.rows();
    let depth = rows[i].depth;
    let under = rows[i + 1..].iter().take_while(|r| r.depth > depth);
    let handoffs: BTreeSet<u32> = under.clone().filter_map(|r| r.handoff).collect();
    let mut shown_above = BTreeSet::from([rows[i].party]);
    let mut at = rows[i].parent;
    while let Some(p) = at {
        shown_above.insert(rows[p as usize].party);
        at = rows[p as usize].parent;
    }
    let parties: BTreeSet<u32> = under
        .map(|r| r.party)
        .filter(|p| !shown_above.contains(p))
        .collect();
    let mut n = [0, 0];
    let mut count = |f: &crate::analysis::Finding| {
        if f.accepted.is_none() {
            n[f.severity() as usize] += 1;
        }
    };
    for f in app.screen().report.by_control.iter().flatten() {
        match f.place {
            Place::Handoff { handoff, .. } if handoffs.contains(&handoff) => count(f),
            Place::Party(p) if parties.contains(&p) => count(f),
            _ => {}
        }
    }
    n
}

#[test]
fn a_collapsed_row_says_what_lies_below_it_and_never_shows_a_tick_over_it() {
    for stack in ["demo", "fintech-payments", "healthcare-records"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-stacks")
            .join(format!("{stack}.toml"));
        let (stack, text) = crate::stack::read_stack(&path).expect("the sample loads");
        let mut app = app_on(stack, text, None);
        send(&mut app, [Msg::ExpandAll, Msg::Top]);
        let rows = app.screen().tree.rows().len();
        for i in 0..rows {
            send(&mut app, [Msg::ExpandAll, Msg::Top]);
            let row = app.screen().tree.rows()[i].clone();
            if !row.has_children {
                continue;
            }
            let want = below_when_expanded(&app, i);
            let path = app.screen().tree.path(i);
            for _ in 0..i {
                step(&mut app, Msg::Down);
            }
            step(&mut app, Msg::Toggle);
            assert_eq!(app.screen().tree.path(app.screen().row), path);
            let at = app.screen().row;
            let got = app.screen().tally.below_of(at);
            assert_eq!(got.unwrap_or([0, 0]), want, "{path:?}");
            let screen = text_of(&draw(&mut app, 120, 40));
            let line = tree_lines(&screen)
                .find(|l| l.contains('▶'))
                .expect("the selected row")
                .to_string();
            if want != [0, 0] {
                assert!(line.contains(" below"), "{line}");
                assert!(!line.contains('✓'), "{line}");
            } else {
                assert!(!line.contains("below"), "{line}");
            }
        }
    }
}

#[test]
fn below_counts_a_shared_provider_once_and_stops_at_a_cycle() {
    let mut app = demo();
    // Collapse all, then open the root and brightpath: its children are collapsed.
    send(
        &mut app,
        [Msg::CollapseAll, Msg::Expand, Msg::Down, Msg::Expand],
    );
    let screen = text_of(&draw(&mut app, 120, 40));
    // bucketwise reaches granitecloud (shared) and, through it, harborsoc, whose hand-off back
    // to granitecloud is the cycle: three hand-offs, one gap at each of the last two.
    let bucketwise = line_of(&screen, "bucketwise");
    assert!(
        bucketwise.contains("✗1 !1") && bucketwise.contains("✗2 below"),
        "{bucketwise}"
    );
    // harborsoc under brightpath: its own hand-off to granitecloud, then granitecloud's back to
    // it (the cycle, cut): two gaps, each counted once.
    let harborsoc = line_of(&screen, "harborsoc");
    assert!(harborsoc.contains("✗2 below"), "{harborsoc}");
    // A row with nothing below keeps its plain count.
    let edgeward = line_of(&screen, "edgeward");
    assert!(!edgeward.contains("below"), "{edgeward}");
    // At 80×24 too.
    send(&mut app, [Msg::Resize(80, 24)]);
    let small = text_of(&draw(&mut app, 80, 24));
    assert!(
        line_of(&small, "bucketwise").contains("✗2 below"),
        "{small}"
    );
    // An edit of one control follows at once: once harborsoc implements IR-FORENSICS, the
    // circle through granitecloud delivers it, and no gap is left below harborsoc (only the
    // warning of an assumed hand-off).
    select_handoff(&mut app, "brightpath", "harborsoc");
    select_control(&mut app, "IR-FORENSICS");
    step(&mut app, Msg::Implements(Side::Provider));
    let small = text_of(&draw(&mut app, 80, 24));
    let harborsoc = line_of(&small, "harborsoc");
    assert!(
        harborsoc.contains("!1 below") && !harborsoc.contains('✗'),
        "{small}"
    );
    assert_consistent(&app);
}

#[test]
fn guides_tie_each_row_to_its_consumer() {
    let mut app = demo();
    let screen = text_of(&draw(&mut app, 120, 40));
    for want in [
        "│ ▾ northwind",
        "│▶├─▾ brightpath · CRM",
        "│ │ ├─▾ stratoline",
        "│ │ │ └─▾ granitecloud (shared)",
        "│ │ │     └── granitecloud ↻ cycle",
        "│ └── keystoneid (shared) · Workf",
    ] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
    // Every row's guide ends (└─) exactly when no sibling follows it.
    let rows = app.screen().tree.rows();
    for (i, r) in rows.iter().enumerate() {
        let next_sibling = rows[i + 1..]
            .iter()
            .take_while(|n| n.depth >= r.depth)
            .any(|n| n.depth == r.depth);
        assert_eq!(r.last, !next_sibling, "row {i}");
    }
    // ASCII: |- `- and |.
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let theme = Theme::new(false, true);
    let mut app = App::new(stack, DEMO.into(), None, what_if, false, theme);
    step(&mut app, Msg::Resize(120, 40));
    let screen = text_of(&draw(&mut app, 120, 40));
    for want in [
        "|>|-- brightpath",
        "| | | `-- granitecloud",
        "| `-  keystoneid",
    ] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
}

/// bolt's own requirement is unassigned; nothing else is wrong. acme is the root, bolt its
/// provider, cask bolt's.
const OWN_BELOW: &str = "[stack]\nname = \"own below\"\n\
    [[party]]\nid = \"acme\"\n[[party]]\nid = \"bolt\"\nrequires = [\"IAM-REVIEW\"]\n\
    [[party]]\nid = \"cask\"\nimplements = [\"BACKUP\"]\n\
    [[handoff]]\nconsumer = \"acme\"\nprovider = \"bolt\"\n[handoff.controls]\n\
    BACKUP = { agreed = \"provider\", evidence = \"verified\" }\n\
    [[handoff]]\nconsumer = \"bolt\"\nprovider = \"cask\"\n[handoff.controls]\n\
    BACKUP = { agreed = \"provider\", evidence = \"verified\" }\n";

#[test]
fn a_providers_own_requirement_gap_shows_on_its_row_and_below_its_consumer() {
    let stack = crate::stack::load_str(OWN_BELOW, "own.toml", None).expect("a valid stack");
    let mut app = app_on(stack, OWN_BELOW.to_string(), None);
    send(&mut app, [Msg::ExpandAll, Msg::Top]);
    let screen = text_of(&draw(&mut app, 120, 40));
    let b = line_of(&screen, "bolt");
    assert!(b.contains("✗1") && !b.contains('✓'), "{b}");
    assert!(
        line_of(&screen, "cask").contains('✓'),
        "cask has nothing open"
    );
    // One of a thing is said in the singular, in the status bar as in the tree's title.
    assert!(screen.contains("✗ 1 gap · ! 0 warnings"), "{screen}");
    assert!(screen.contains("3 rows"), "{screen}");

    // Collapsed, the root says the gap lies below it.
    send(&mut app, [Msg::CollapseAll, Msg::Top]);
    let screen = text_of(&draw(&mut app, 120, 40));
    let a = line_of(&screen, "acme");
    assert!(a.contains("✗1 below") && !a.contains('✓'), "{a}");

    // The filter keeps bolt and shows why, and drops cask.
    send(&mut app, [Msg::ExpandAll, Msg::Filter]);
    let screen = text_of(&draw(&mut app, 120, 40));
    let b = line_of(&screen, "bolt");
    assert!(b.contains("✗1"), "{b}");
    assert!(
        !screen.contains("cask"),
        "cask has nothing to keep it:\n{screen}"
    );
}
