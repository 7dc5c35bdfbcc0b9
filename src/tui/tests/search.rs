//! Search finds every place: a control at each hand-off that lists it (and at each party that
//! requires it), each party, each hand-off; `n` / `N` visit each once, in tree order, counted.

use std::collections::BTreeSet;

use super::*;

/// Where the explorer is: the selected row's path, and the control selected in the hand-off
/// pane when it has the focus.
fn at(app: &App) -> (Vec<u32>, Option<String>) {
    let s = app.screen();
    let path = s.tree.path(s.row);
    let item = (s.focus == Pane::Details).then(|| s.inspect.items[s.item].id.clone());
    (path, item)
}

#[test]
fn a_control_is_found_at_every_handoff_that_lists_it_and_n_visits_each_once_in_tree_order() {
    let mut app = demo();
    send(&mut app, [Msg::ExpandAll, Msg::Top]);
    let stack = app.screen().stack;
    let c = stack.control_id("IR-FORENSICS").expect("a demo control");
    let ix = stack.index();
    let listing: Vec<u32> = ix.entries_of[c as usize].iter().map(|&(h, _)| h).collect();
    let places = listing.len() + ix.requirers[c as usize].len();
    assert_eq!(listing.len(), 3);

    send(&mut app, [Msg::Search]);
    send(&mut app, typed("IR-FORENSICS"));
    let n = app.screen().search.1;
    assert_eq!(n, places, "one match per place");
    let screen = text_of(&draw(&mut app, 120, 40));
    let status = screen.lines().last().expect("a status line");
    assert!(
        status.contains(&format!("{}/{n}", app.screen().search.0 + 1)),
        "{status}"
    );
    // The first place of the match: its row, with the pane's cursor on the control.
    assert_eq!(app.screen().focus, Pane::Details);
    assert_eq!(at(&app).1.as_deref(), Some("IR-FORENSICS"));
    send(&mut app, [Msg::Submit]);

    // n from wherever the search landed: every place once, then round to the first again.
    let mut seen = Vec::new();
    for k in 0..n {
        step(&mut app, Msg::NextMatch);
        let (path, item) = at(&app);
        assert_eq!(item.as_deref(), Some("IR-FORENSICS"), "{path:?}");
        let row = app.screen().row;
        let handoff = app.screen().tree.rows()[row]
            .handoff
            .expect("a hand-off row");
        assert!(listing.contains(&handoff), "{path:?}");
        let counter = format!("match {}/{n}", app.screen().search.0 + 1);
        let screen = text_of(&draw(&mut app, 120, 40));
        assert!(screen.contains(&counter), "{counter}:\n{screen}");
        seen.push((app.screen().search.0, row, path));
        if k == n - 1 {
            break;
        }
    }
    let distinct: BTreeSet<_> = seen.iter().map(|(_, _, p)| p.clone()).collect();
    assert_eq!(distinct.len(), n, "{seen:?}");
    // In tree order: sorted by match number, the rows go down the tree.
    seen.sort();
    assert!(seen.windows(2).all(|w| w[0].1 < w[1].1), "{seen:?}");
    // N goes back the same way.
    let before = at(&app);
    send(&mut app, [Msg::NextMatch, Msg::PrevMatch]);
    assert_eq!(at(&app), before);
}

#[test]
fn a_party_and_the_handoff_it_is_first_reached_by_are_one_place() {
    let mut app = demo();
    send(&mut app, [Msg::Search]);
    send(&mut app, typed("keystoneid"));
    // The party's first row is northwind → keystoneid; bucketwise → keystoneid is the other.
    let n = app.screen().search.1;
    let mut rows = BTreeSet::new();
    for _ in 0..n {
        step(&mut app, Msg::NextMatch);
        rows.insert(at(&app).0);
    }
    assert_eq!(rows.len(), n, "n never lands twice on a row");
    let stack = app.screen().stack;
    let keystone = stack.party_id("keystoneid").expect("a demo party");
    let handoffs = stack.index().provides[keystone as usize].len();
    assert_eq!(
        n, handoffs,
        "the party shares the row of its first hand-off"
    );
}

#[test]
fn n_and_n_visit_parties_and_handoffs_in_tree_order_on_every_sample() {
    for sample in [
        "fintech-payments",
        "healthcare-records",
        "public-sector-portal",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-stacks")
            .join(format!("{sample}.toml"));
        let (stack, text) = crate::tui::effect::read_stack(&path).expect("the sample loads");
        let mut app = app_on(stack, text, None);
        send(&mut app, [Msg::ExpandAll, Msg::Top, Msg::Search]);
        // A query with many places of every kind.
        send(&mut app, typed("e"));
        send(&mut app, [Msg::Submit]);
        let n = app.screen().search.1;
        assert!(n > 5, "{sample}: {n}");
        let mut seen = Vec::new();
        for _ in 0..n {
            step(&mut app, Msg::NextMatch);
            let s = app.screen();
            seen.push((s.search.0, s.row, at(&app)));
        }
        let distinct: BTreeSet<_> = seen.iter().map(|(_, _, a)| a.clone()).collect();
        assert_eq!(distinct.len(), n, "{sample}: a place visited twice");
        seen.sort();
        assert!(
            seen.windows(2).all(|w| w[0].1 <= w[1].1),
            "{sample}: not in tree order: {seen:?}"
        );
    }
}
