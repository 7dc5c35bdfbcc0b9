//! What the screen shows: previews and explanations, presenter mode, zoom and help, colours
//! and ASCII, escaping of stack text, and drawing at any size without a panic.

use super::*;

#[test]
fn the_broken_chain_screen_names_the_root_cause() {
    let mut app = demo();
    send(&mut app, [Msg::SwitchPane, Msg::Down]);
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(screen.contains("broken-chain"), "{screen}");
    assert!(screen.contains("ends at stratoline"), "{screen}");
    assert!(screen.contains("root cause"), "{screen}");
}

#[test]
fn the_tree_previews_findings_and_tab_brings_their_why() {
    let mut app = demo();
    let preview = text_of(&draw(&mut app, 120, 40));
    assert!(preview.contains("gaps first · Tab: why"), "{preview}");
    assert!(preview.contains("✗ broken-chain"), "{preview}");
    assert!(
        preview.contains("✓ 2 covered: IAM-SSO LOG-AUDIT"),
        "{preview}"
    );
    assert!(!preview.contains("each side thinks the other"), "{preview}");
    send(&mut app, [Msg::SwitchPane]);
    let focused = text_of(&draw(&mut app, 120, 40));
    assert!(focused.contains("each side thinks the other"), "{focused}");
    assert!(focused.contains("✓ covered          IAM-SSO"), "{focused}");
    assert!(!focused.contains("Tab: why"), "{focused}");
    // A pane too short for every finding says how many it leaves out.
    let mut app = demo();
    send(&mut app, [Msg::Resize(80, 24)]);
    let short = text_of(&draw(&mut app, 80, 24));
    assert!(
        short.contains("3 more with findings below (Tab lists them)"),
        "{short}"
    );
}

#[test]
fn a_preview_shows_at_most_twelve_findings_and_counts_the_rest() {
    // One hand-off listing twenty built-in controls that nobody owns: twenty gaps.
    let demo = load_demo();
    let entries: String = (0..20)
        .map(|c| format!("{} = {{}}\n", demo.control(c).id))
        .collect();
    let text = format!(
        "[stack]\nname = \"Unowned\"\n\n[[party]]\nid = \"buyer\"\n\n[[party]]\nid = \"seller\"\n\n\
         [[handoff]]\nconsumer = \"buyer\"\nprovider = \"seller\"\n\n[handoff.controls]\n{entries}"
    );
    let stack = crate::stack::load_str(&text, "unowned.toml", None).expect("a valid stack");
    let mut app = app_on(stack, text, None);
    send(&mut app, [Msg::Down]);
    let preview = text_of(&draw(&mut app, 120, 40));
    assert_eq!(preview.matches("✗ unassigned").count(), 12, "{preview}");
    assert!(
        preview.contains("… 8 more with findings (Tab lists them)"),
        "{preview}"
    );
    // At every height, each gap is either on screen or counted once.
    for h in 12..=40 {
        send(&mut app, [Msg::Resize(120, h)]);
        let screen = text_of(&draw(&mut app, 120, h));
        let counted: usize = screen
            .split("… ")
            .skip(1)
            .filter_map(|s| s.split_once(" more with findings"))
            .filter_map(|(n, _)| n.parse::<usize>().ok())
            .sum();
        assert_eq!(
            screen.matches("✗ unassigned").count() + counted,
            20,
            "at 120x{h}:\n{screen}"
        );
    }
    send(&mut app, [Msg::SwitchPane]);
    assert_eq!(app.screen().inspect.items.len(), 20);
}

#[test]
fn zoom_presenter_and_help_change_the_screen() {
    let mut app = demo();
    step(&mut app, Msg::Presenter);
    let screen = text_of(&draw(&mut app, 120, 40));
    for secret in ["northwind", "brightpath", "Northwind", "MSA 2025"] {
        assert!(
            !screen.contains(secret),
            "{secret} visible in presenter mode:\n{screen}"
        );
    }
    assert!(screen.contains("customer#1"), "{screen}");
    assert!(!screen.contains("? help"), "no key hints in presenter mode");
    // Edits keep working while masked.
    select_control(&mut app, "BACKUP");
    step(&mut app, Msg::Cycle(Field::Agreed));
    assert_eq!(app.screen().unsaved, 1);
    step(&mut app, Msg::Presenter);
    assert_consistent(&app);

    step(&mut app, Msg::Resize(80, 24));
    step(&mut app, Msg::Zoom);
    let zoomed = text_of(&draw(&mut app, 80, 24));
    assert!(
        !zoomed.contains(" rows "),
        "only the focused pane:\n{zoomed}"
    );
    step(&mut app, Msg::Help);
    for _ in 0..100 {
        step(&mut app, Msg::Down);
    }
    let help = text_of(&draw(&mut app, 80, 24));
    assert!(help.contains("kind counts once each way"), "{help}");
    step(&mut app, Msg::Close);
    assert_eq!(*app.mode(), Mode::Browse);
}

#[test]
fn no_color_and_ascii_draw_without_colour_or_unicode_symbols() {
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let theme = Theme::new(false, true);
    let mut app = App::new(stack, DEMO.into(), None, what_if, false, theme);
    step(&mut app, Msg::Resize(120, 40));
    let backend = draw(&mut app, 120, 40);
    for cell in backend.buffer().content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    let mut screens = vec![text_of(&backend)];
    step(&mut app, Msg::Controls);
    screens.push(text_of(&draw(&mut app, 120, 40)));
    step(&mut app, Msg::BlastRadius);
    screens.push(text_of(&draw(&mut app, 120, 40)));
    step(&mut app, Msg::Compute);
    screens.push(text_of(&draw(&mut app, 120, 40)));
    step(&mut app, Msg::FixFirst);
    screens.push(text_of(&draw(&mut app, 120, 40)));
    step(&mut app, Msg::Compute);
    screens.push(text_of(&draw(&mut app, 120, 40)));
    for screen in screens {
        // Stack text (names, agreements) may hold any character; the explorer's own may not.
        for symbol in ["╭", "│", "▾", "▶", "✗", "✓", "·", "→", "█", "…"] {
            assert!(
                !screen.contains(symbol),
                "{symbol} drawn under --ascii:\n{screen}"
            );
        }
    }
}

#[test]
fn colours_never_set_a_background() {
    let stack = load_demo();
    let what_if = WhatIf::new(&stack, as_of());
    let theme = Theme::new(true, false);
    let mut app = App::new(stack, DEMO.into(), None, what_if, false, theme);
    send(&mut app, [Msg::Resize(120, 40), Msg::Help]);
    for cell in draw(&mut app, 120, 40).buffer().content() {
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
}

#[test]
fn stack_text_cannot_reach_the_terminal_unescaped() {
    // TOML escapes, so the loaded names hold the raw control characters.
    let text = DEMO
        .replace(
            "name = \"Brightpath CRM\"",
            r#"name = "Bright\u001b]0;pwned\u0007path\u202e""#,
        )
        .replace("service = \"CRM\"", r#"service = "C\u001b[2JRM""#);
    let stack = crate::stack::load_str(&text, "evil.toml", None).expect("names may hold anything");
    let mut app = app_on(stack, text, None);
    step(&mut app, Msg::Search);
    send(&mut app, typed("brightpath"));
    send(&mut app, [Msg::Submit]);
    let screen = text_of(&draw(&mut app, 120, 40));
    for c in screen.chars() {
        assert!(
            !crate::text::needs_escape(c) || c == '\n',
            "{c:?} reached the screen"
        );
    }
    assert!(screen.contains("\\u{001B}"), "{screen}");
}

#[test]
fn every_tiny_size_renders_without_panic() {
    let mut app = demo();
    for w in 0..=20 {
        for h in 0..=5 {
            step(&mut app, Msg::Resize(w, h));
            let backend = draw(&mut app, w, h);
            // TestBackend cannot print a zero-width buffer; drawing into it is what is tested.
            let screen = if w > 0 {
                text_of(&backend)
            } else {
                String::new()
            };
            if w >= 20 && h >= 5 {
                assert!(screen.contains("too small"), "{screen}");
            }
        }
    }
    for mode in [Msg::Help, Msg::Close, Msg::Search] {
        step(&mut app, mode);
        for (w, h) in [(0, 0), (1, 1), (20, 5), (39, 11), (40, 12)] {
            step(&mut app, Msg::Resize(w, h));
            draw(&mut app, w, h);
        }
    }
    // The other listings, the "computing" frame and the accept prompt, at the smallest sizes.
    let steps = [
        vec![Msg::Close, Msg::Close, Msg::Controls],
        vec![Msg::Toggle, Msg::Down],
        vec![Msg::Controls, Msg::BlastRadius],
        vec![Msg::Compute, Msg::Down],
        vec![Msg::BlastRadius, Msg::SwitchPane, Msg::Accept],
        // The tour's box, then the zoomed pane under it.
        vec![Msg::Close, Msg::Close, Msg::Tour, Msg::Tour],
        vec![Msg::Zoom, Msg::Tour],
        vec![Msg::Close, Msg::Close, Msg::FixFirst],
        vec![Msg::Compute, Msg::Down, Msg::SwitchPane, Msg::Toggle],
    ];
    for msgs in steps {
        for m in msgs {
            step(&mut app, m);
        }
        for (w, h) in [(1, 1), (20, 5), (40, 12), (41, 13)] {
            step(&mut app, Msg::Resize(w, h));
            draw(&mut app, w, h);
        }
    }
}

#[test]
fn a_resize_storm_with_keys_in_between_never_panics() {
    let mut app = demo();
    let mut terminal = Terminal::new(TestBackend::new(1, 1)).expect("a test terminal");
    let keys = [
        Msg::Down,
        Msg::SwitchPane,
        Msg::Down,
        Msg::Zoom,
        Msg::Help,
        Msg::Close,
        Msg::ExpandAll,
        Msg::Bottom,
        Msg::Filter,
    ];
    // A deterministic walk through sizes, small and large, including the layout thresholds.
    let mut seed: u32 = 7;
    for n in 0..400 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let w = ((seed >> 8) % 220) as u16;
        let h = ((seed >> 20) % 70) as u16;
        terminal.backend_mut().resize(w, h);
        step(&mut app, Msg::Resize(w, h));
        step(&mut app, keys[n % keys.len()].clone());
        terminal.draw(|f| draw_into(f, &mut app)).expect("drawing");
    }
    for (w, h) in [(99, 30), (100, 30), (40, 12), (39, 12), (40, 11)] {
        terminal.backend_mut().resize(w, h);
        step(&mut app, Msg::Resize(w, h));
        terminal.draw(|f| draw_into(f, &mut app)).expect("drawing");
    }
}

#[test]
fn entries_from_a_template_are_marked_and_listed_ones_are_not() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/templates.toml");
    let (stack, text) = crate::stack::read_stack(&path).expect("the fixture loads");
    let mut app = app_on(stack, text, None);
    select_handoff(&mut app, "cust", "cloud");
    let items = &app.screen().inspect.items[..app.screen().inspect.requirements_at];
    let by_id = |id: &str| items.iter().find(|i| i.id == id).expect("listed");
    assert_eq!(by_id("BACKUP-TEST").template, None);
    assert!(!by_id("BACKUP-TEST").agreed.ends_with(" T"));
    let templated = by_id("PHYS-ACCESS");
    assert_eq!(templated.template, Some("iaas"));
    assert_eq!(templated.agreed, "provider T");
    select_control(&mut app, "PHYS-ACCESS");
    let screen = text_of(&draw(&mut app, 120, 40));
    assert!(screen.contains("provider T"), "{screen}");
    assert!(screen.contains("iaas responsibility template"), "{screen}");
}
