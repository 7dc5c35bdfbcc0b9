//! Following a broken chain with `>`: to the row of its root cause under the chain's own row,
//! with the hand-off into it shown and the control selected; several root causes one per `>`,
//! counted; a root cause that keeps the control on itself is explained as such.

use super::*;

/// The id of the party the selected row shows, and of the control selected in the pane.
fn landed(app: &App) -> (String, String) {
    let s = app.screen();
    let party = s.stack.party(s.tree.rows()[s.row].party).id.clone();
    (party, s.inspect.items[s.item].id.clone())
}

/// A stack from its hand-offs (`consumer provider {X entry}`), parties made as named.
fn chains_app(handoffs: &[&str]) -> App {
    let mut text = String::from(
        "[stack]\nname = \"chains\"\ncatalog = \"none\"\n[[control]]\nid = \"X\"\nname = \"x\"\n",
    );
    let mut parties: Vec<&str> = handoffs.iter().flat_map(|h| h.split(' ').take(2)).collect();
    parties.sort_unstable();
    parties.dedup();
    for p in parties {
        text.push_str(&format!("[[party]]\nid = \"{p}\"\n"));
    }
    for h in handoffs {
        let mut parts = h.splitn(3, ' ');
        let (c, p, entry) = (
            parts.next().expect("consumer"),
            parts.next().expect("provider"),
            parts.next().expect("entry"),
        );
        text.push_str(&format!(
            "[[handoff]]\nconsumer = \"{c}\"\nprovider = \"{p}\"\ncontrols = {{ X = {entry} }}\n"
        ));
    }
    let stack = crate::stack::load_str(&text, "chains.toml", None).expect("a valid stack");
    app_on(stack, text, None)
}

#[test]
fn gt_goes_from_a_broken_chain_to_its_root_cause_under_the_chain() {
    let mut app = demo();
    select_control(&mut app, "BREACH-NOTIFY");
    let from = app.screen().tree.path(app.screen().row);
    step(&mut app, Msg::FollowChain);
    assert_eq!(
        landed(&app),
        ("stratoline".to_string(), "BREACH-NOTIFY".to_string())
    );
    assert_eq!(app.screen().focus, Pane::Details);
    // Under the chain's own row: brightpath's row, one hop down.
    let to = app.screen().tree.path(app.screen().row);
    assert_eq!(&to[..from.len()], from.as_slice());
    assert_eq!(to.len(), from.len() + 1);
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(
        screen.contains("root cause: stratoline (chain brightpath → stratoline)"),
        "{screen}"
    );
}

#[test]
fn gt_again_visits_each_root_cause_by_id_and_counts_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/broken-chains.toml");
    let (stack, text) = crate::tui::effect::read_stack(&path).expect("the scenario loads");
    let mut app = app_on(stack, text, None);
    select_handoff(&mut app, "cust", "saas");
    select_control(&mut app, "X");
    let from = app.screen().tree.path(app.screen().row);
    let mut visited = Vec::new();
    for k in 1..=4 {
        step(&mut app, Msg::FollowChain);
        let (party, control) = landed(&app);
        assert_eq!(control, "X");
        let path = app.screen().tree.path(app.screen().row);
        assert_eq!(&path[..from.len()], from.as_slice(), "{party}");
        let screen = text_of(&draw(&mut app, 120, 40));
        let n = (k - 1) % 3 + 1;
        assert!(
            screen.contains(&format!("root cause {n} of 3: {party} (chain saas → ")),
            "{screen}"
        );
        visited.push(party);
    }
    // By id, as bytes ("Zeta" < "apple"), then round again.
    assert_eq!(visited, ["Zeta", "apple", "iaas", "Zeta"]);
    // A move elsewhere starts over from the chain selected there.
    select_handoff(&mut app, "cust", "saas");
    select_control(&mut app, "Y");
    step(&mut app, Msg::FollowChain);
    assert_eq!(landed(&app), ("dc".to_string(), "Y".to_string()));
}

#[test]
fn gt_says_why_when_there_is_no_root_cause_to_go_to() {
    let mut app = demo();
    // From the tree: the chain is chosen in the pane.
    let row = app.screen().row;
    step(&mut app, Msg::FollowChain);
    assert_eq!(app.screen().row, row);
    assert!(
        matches!(app.screen().notice, Some(Notice::Info(i)) if i.contains("Tab to the hand-off pane"))
    );
    // Not a broken chain.
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::FollowChain);
    assert_eq!(app.screen().row, row);
    assert!(matches!(app.screen().notice, Some(Notice::Info(i)) if i.contains("not one here")));
    // A circle has no end.
    select_handoff(&mut app, "brightpath", "harborsoc");
    select_control(&mut app, "IR-FORENSICS");
    let row = app.screen().row;
    step(&mut app, Msg::FollowChain);
    assert_eq!(app.screen().row, row);
    assert!(matches!(app.screen().notice, Some(Notice::Info(i)) if i.contains("circle")));
}

#[test]
fn a_consumer_side_chain_starts_from_the_consumer_and_a_root_cause_keeping_it_is_explained() {
    // a → b shares X: a must deliver it too, and hands it on to c, whose own agreement with d
    // keeps it on c.
    let mut app = chains_app(&["a b \"shared\"", "a c \"provider\"", "c d \"consumer\""]);
    select_handoff(&mut app, "a", "b");
    select_control(&mut app, "X");
    let item = &app.screen().inspect.items[app.screen().item];
    let why = item.why.join(" ");
    assert!(
        why.contains("root cause: c's own agreement with d keeps X on c (consumer), and c does not implement it"),
        "{why}"
    );
    assert!(!why.contains("hands nothing on"), "{why}");
    step(&mut app, Msg::FollowChain);
    assert_eq!(landed(&app), ("c".to_string(), "X".to_string()));
    // The consumer's row (a, the root), then its hand-off to c.
    let path = app.screen().tree.path(app.screen().row);
    assert_eq!(path.len(), 2, "{path:?}");
    assert_consistent(&app);
}
