//! Big stacks with nothing open (issue 14): a stack over 40 parties with no open finding must
//! not draw an empty diagram. Every format (HTML, Mermaid, DOT) shows the consumers at the top
//! of the stack and the parties with accepted findings, folds the rest into "+N covered" nodes
//! whose counts add up to the stack, and says so in its note; a stack whose open findings lie
//! too deep to draw shows its top with the findings counted in the "+N" node. Checked on
//! trees, a chain, a ring, a wide forest and random acyclic stacks.

mod common;
mod diagram_check;

use std::fmt::Write;

use common::{run, text, write};
use diagram_check::{
    AS_OF, mermaid_edges, note_numbers, parse_svg, problems, render_all, with_context,
};

/// A forest of `parties` parties under `roots` consumers at the top: party `i` (past the
/// roots) is consumed by party `(i - roots) / 3`, each party in the layer of its depth. Every
/// party implements the one control its consumer needs, except `gap_at`, whose missing control
/// is accepted when `accepted` is set and left open otherwise.
fn forest(parties: usize, roots: usize, gap_at: Option<usize>, accepted: bool) -> String {
    let parent = |i: usize| (i - roots) / 3;
    let depth = |mut i: usize| {
        let mut d = 0;
        while i >= roots {
            i = parent(i);
            d += 1;
        }
        d
    };
    let layers = (0..parties).map(depth).max().unwrap_or(0) + 1;
    let mut s = String::from(
        "[stack]\nname = \"All covered\"\ncatalog = \"none\"\n\n[[control]]\nid = \"C\"\nname = \"Control\"\n",
    );
    for l in 0..layers {
        let _ = write!(s, "\n[[layer]]\nid = \"l{l}\"\nname = \"Depth {l}\"\n");
    }
    for i in 0..parties {
        let implements = if gap_at == Some(i) {
            ""
        } else {
            "implements = [\"C\"]\n"
        };
        let _ = write!(
            s,
            "\n[[party]]\nid = \"p{i}\"\nname = \"Party {i}\"\nlayer = \"l{}\"\n{implements}",
            depth(i)
        );
    }
    for i in roots..parties {
        let _ = write!(
            s,
            "\n[[handoff]]\nconsumer = \"p{}\"\nprovider = \"p{i}\"\nservice = \"svc{i}\"\ncontrols = {{ C = \"provider\" }}\n",
            parent(i)
        );
    }
    if let (Some(g), true) = (gap_at, accepted) {
        let _ = write!(
            s,
            "\n[[accept]]\ncontrol = \"C\"\nkind = \"not-delivered\"\nconsumer = \"p{}\"\nprovider = \"p{g}\"\nservice = \"svc{g}\"\nreason = \"Compensated by a monthly manual review.\"\nuntil = 2027-06-30\nby = \"Group CISO\"\n",
            parent(g)
        );
    }
    s
}

/// The N of a "+N covered" / "+N not drawn" line.
fn plus(line: &str) -> usize {
    line.trim_start_matches('+')
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a +N line: {line:?}"))
}

/// What a format drew: party ids, and the first line of each "+N" node.
struct Drawn {
    parties: Vec<String>,
    folds: Vec<String>,
    note: String,
}

impl Drawn {
    fn mermaid(src: &str) -> Drawn {
        let note = src
            .strip_prefix("---\ntitle: \"")
            .and_then(|t| t.split("\"\n---").next())
            .expect("a focused diagram's title")
            .to_string();
        let boxes: Vec<(&str, &str)> = src
            .lines()
            .map(str::trim)
            .filter(|l| l.contains("[\"") && !l.starts_with("subgraph"))
            .map(|l| l.split_once("[\"").expect("a box"))
            .collect();
        Drawn {
            parties: boxes
                .iter()
                .filter(|(id, _)| id.starts_with('p'))
                .map(|(id, _)| id.to_string())
                .collect(),
            folds: boxes
                .iter()
                .filter(|(id, _)| id.starts_with('f'))
                .map(|(_, text)| {
                    let text = text.trim_end_matches("\"]");
                    text.split("<br/>").next().unwrap_or("").to_string()
                })
                .collect(),
            note,
        }
    }

    fn dot(src: &str) -> Drawn {
        let note = src
            .split("<FONT POINT-SIZE=\"10\">")
            .nth(1)
            .and_then(|t| t.split("</FONT>").next())
            .expect("a focused diagram's label")
            .replace("&quot;", "\"");
        let boxes: Vec<(&str, &str)> = src
            .lines()
            .map(str::trim)
            .filter_map(|l| l.split_once(" [label=<"))
            .collect();
        Drawn {
            parties: boxes
                .iter()
                .filter(|(id, _)| id.starts_with('p'))
                .map(|(id, _)| id.to_string())
                .collect(),
            folds: boxes
                .iter()
                .filter(|(id, _)| id.starts_with('f'))
                .map(|(_, text)| text.split(['<', '>']).next().unwrap_or("").to_string())
                .collect(),
            note,
        }
    }

    fn html(page: &str) -> Drawn {
        let note = page
            .split("<p class=\"omitted\">")
            .nth(1)
            .and_then(|t| t.split("</p>").next())
            .expect("a focused diagram's note")
            .replace("&quot;", "\"");
        let svg = parse_svg(page);
        let wrong = problems(&svg);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        Drawn {
            parties: svg
                .nodes
                .iter()
                .filter(|n| !n.folded)
                .map(|n| n.party.clone())
                .collect(),
            folds: svg
                .nodes
                .iter()
                .filter(|n| n.folded)
                .map(|n| n.text[0].clone())
                .collect(),
            note,
        }
    }

    /// Checks the note's counts against the drawing and returns the parties drawn and folded.
    fn check(&self, format: &str, parties: usize, handoffs: usize) -> usize {
        let [
            shown,
            of_parties,
            drawn,
            of_handoffs,
            left_parties,
            left_handoffs,
        ] = note_numbers(&self.note);
        assert_eq!(
            (of_parties, of_handoffs),
            (parties, handoffs),
            "{format}: {}",
            self.note
        );
        assert_eq!(shown, self.parties.len(), "{format}: {}", self.note);
        assert_eq!(shown + left_parties, parties, "{format}: {}", self.note);
        assert_eq!(drawn + left_handoffs, handoffs, "{format}: {}", self.note);
        assert!(!self.parties.is_empty(), "{format}: something is drawn");
        shown + self.folds.iter().map(|f| plus(f)).sum::<usize>()
    }
}

#[test]
fn a_big_all_covered_stack_draws_its_top_consumers_and_folds_the_rest_as_covered_in_every_format() {
    for roots in [1, 3] {
        let toml = forest(56, roots, None, false);
        let handoffs = 56 - roots;
        let (mermaid, dot, html) = render_all(&toml);
        let formats = [
            ("Mermaid", Drawn::mermaid(&mermaid)),
            ("DOT", Drawn::dot(&dot)),
            ("HTML", Drawn::html(&html)),
        ];
        for (format, drawn) in &formats {
            // The roots, each with a "+N covered" node; nothing else, and nothing uncovered.
            let roots_ids: Vec<String> = (0..roots).map(|r| format!("p{r}")).collect();
            assert_eq!(drawn.parties, roots_ids, "{format}: the top consumers");
            assert_eq!(drawn.folds.len(), roots, "{format}: {:?}", drawn.folds);
            assert!(
                drawn.folds.iter().all(|f| f.ends_with(" covered")),
                "{format}: {:?}",
                drawn.folds
            );
            // In a forest every party is drawn or folded under exactly one drawn party.
            assert_eq!(drawn.check(format, 56, handoffs), 56, "{format}");
            assert!(
                drawn
                    .note
                    .contains(": no open findings; the consumers at the top of the stack"),
                "{format}: {}",
                drawn.note
            );
            assert!(!drawn.note.contains("accepted"), "{format}: {}", drawn.note);
        }
        for (label, style) in mermaid_edges(&mermaid) {
            assert_eq!(label, "✓ covered");
            assert!(style.contains("stroke:#2ca02c"), "{style}");
        }
    }
}

#[test]
fn a_big_stack_with_only_accepted_findings_draws_the_accepted_handoff_marked_accepted() {
    // Party 40 hangs below p0 → p1 → p4 → p13: the path up is drawn, the rest folded.
    let toml = forest(56, 1, Some(40), true);
    let (mermaid, dot, html) = render_all(&toml);
    for (format, drawn) in [
        ("Mermaid", Drawn::mermaid(&mermaid)),
        ("DOT", Drawn::dot(&dot)),
        ("HTML", Drawn::html(&html)),
    ] {
        assert_eq!(
            drawn.parties,
            ["p0", "p1", "p4", "p13", "p40"],
            "{format}: the path to the accepted gap"
        );
        assert_eq!(
            drawn.check(format, 56, 55),
            56,
            "{format}: {:?}",
            drawn.folds
        );
        assert!(drawn.folds.iter().all(|f| f.ends_with(" covered")));
        assert!(
            drawn.note.contains(
                ": no open findings; the parties on paths to accepted findings (drawn as accepted)"
            ),
            "{format}: {}",
            drawn.note
        );
        assert!(
            drawn
                .note
                .contains("The stack has 1 accepted gap and 0 accepted warnings, all drawn."),
            "{format}: {}",
            drawn.note
        );
    }
    // The accepted hand-off is drawn, labelled and styled accepted; every other one covered.
    let edges = mermaid_edges(&mermaid);
    let accepted: Vec<&(String, String)> = edges.iter().filter(|(l, _)| l.contains('○')).collect();
    assert_eq!(accepted.len(), 1, "{edges:?}");
    assert_eq!(accepted[0].0, "svc40<br/>○ 1 accepted gap");
    assert!(
        accepted[0].1.contains("stroke:#777777"),
        "{:?}",
        accepted[0]
    );
    assert!(mermaid.contains("p13 -->|\"svc40<br/>○ 1 accepted gap\"| p40"));
    let dot_edge = dot
        .lines()
        .find(|l| l.trim_start().starts_with("p13 -> p40 [id="))
        .expect("DOT draws the accepted hand-off");
    assert!(dot_edge.contains("○ 1 accepted gap"), "{dot_edge}");
    assert!(dot_edge.contains("color=\"#777777\""), "{dot_edge}");
    let svg = parse_svg(&html);
    let statuses: Vec<&str> = svg.links.iter().map(|l| l.status.as_str()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "accepted").count(), 1);
    assert!(statuses.iter().all(|s| *s == "accepted" || *s == "covered"));
}

#[test]
fn an_accepted_finding_too_deep_to_draw_is_counted_in_its_fold_and_the_note() {
    // A chain of 56: the accepted gap at the bottom needs all 56 parties, more than any budget.
    let mermaid = with_context(&chain(56, true), stackgap::report::mermaid::render);
    let drawn = Drawn::mermaid(&mermaid);
    assert_eq!(drawn.parties, ["p0"]);
    assert_eq!(drawn.folds, ["+55 not drawn"], "accepted is not covered");
    assert!(mermaid.contains("○ 1 accepted gap"), "{mermaid}");
    assert!(
        drawn
            .note
            .contains("The stack has 1 accepted gap and 0 accepted warnings, 1 of them folded."),
        "{}",
        drawn.note
    );
    assert_eq!(drawn.check("Mermaid", 56, 55), 56);
}

/// A chain `p0 → p1 → … → p{n-1}`, the last hand-off's control missing: accepted or open.
fn chain(parties: usize, accepted: bool) -> String {
    let mut s = String::from(
        "[stack]\nname = \"Deep\"\ncatalog = \"none\"\n\n[[control]]\nid = \"C\"\nname = \"Control\"\n",
    );
    for i in 0..parties {
        let implements = if i + 1 == parties {
            ""
        } else {
            "implements = [\"C\"]\n"
        };
        let _ = write!(
            s,
            "\n[[party]]\nid = \"p{i}\"\nname = \"Party {i}\"\n{implements}"
        );
    }
    for i in 1..parties {
        let _ = write!(
            s,
            "\n[[handoff]]\nconsumer = \"p{}\"\nprovider = \"p{i}\"\ncontrols = {{ C = \"provider\" }}\n",
            i - 1
        );
    }
    if accepted {
        let _ = write!(
            s,
            "\n[[accept]]\ncontrol = \"C\"\nkind = \"not-delivered\"\nconsumer = \"p{}\"\nprovider = \"p{}\"\nreason = \"Known.\"\nuntil = 2027-06-30\nby = \"Group CISO\"\n",
            parties - 2,
            parties - 1
        );
    }
    s
}

#[test]
fn open_findings_too_deep_to_draw_still_show_the_top_and_count_them_in_the_fold() {
    let (mermaid, dot, html) = render_all(&chain(56, false));
    for (format, drawn) in [
        ("Mermaid", Drawn::mermaid(&mermaid)),
        ("DOT", Drawn::dot(&dot)),
        ("HTML", Drawn::html(&html)),
    ] {
        assert_eq!(drawn.parties, ["p0"], "{format}");
        assert_eq!(drawn.folds, ["+55 not drawn"], "{format}");
        assert_eq!(drawn.check(format, 56, 55), 56, "{format}");
        assert!(
            drawn.note.contains(
                ": no path to an open finding fits the diagram; the consumers at the top"
            ),
            "{format}: {}",
            drawn.note
        );
        assert!(
            drawn.note.contains("with 1 open gap and 0 open warnings."),
            "{format}: {}",
            drawn.note
        );
    }
    let edges = mermaid_edges(&mermaid);
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0].0, "✖ 1 gap");
    assert!(edges[0].1.contains("stroke:#d62728"));
}

#[test]
fn a_ring_with_no_top_consumer_draws_its_first_party_and_folds_the_rest() {
    // Every party consumed by another: no party is at the top, so the first one is drawn.
    let mut toml = chain(50, false).replace("implements = [\"C\"]\n", "");
    toml = toml.replace("[[party]]\nid", "[[party]]\nimplements = [\"C\"]\nid");
    toml.push_str(
        "\n[[handoff]]\nconsumer = \"p49\"\nprovider = \"p0\"\ncontrols = { C = \"provider\" }\n",
    );
    let (mermaid, _, html) = render_all(&toml);
    let drawn = Drawn::mermaid(&mermaid);
    assert_eq!(drawn.parties, ["p0"]);
    assert_eq!(drawn.folds, ["+49 covered"]);
    assert_eq!(drawn.check("Mermaid", 50, 50), 50);
    assert_eq!(Drawn::html(&html).parties, ["p0"]);
}

#[test]
fn a_wide_all_covered_stack_stays_inside_mermaid_limits_and_says_what_it_leaves_out() {
    // 1,000 parties under 60 top consumers: more roots than any budget.
    let toml = forest(1_000, 60, None, false);
    let (mermaid, dot, html) = render_all(&toml);
    let edges = mermaid_edges(&mermaid);
    assert!(edges.len() <= 500, "{} edges", edges.len());
    assert!(mermaid.chars().count() <= 50_000);
    for (format, drawn) in [
        ("Mermaid", Drawn::mermaid(&mermaid)),
        ("DOT", Drawn::dot(&dot)),
        ("HTML", Drawn::html(&html)),
    ] {
        // The first top consumers while the budget lasts, each with its covered subtree.
        let shown = drawn.parties.len();
        let first: Vec<String> = (0..shown).map(|r| format!("p{r}")).collect();
        assert_eq!(drawn.parties, first, "{format}");
        assert!(shown >= 6, "{format}: at least the least budget");
        assert_eq!(drawn.folds.len(), shown, "{format}");
        assert!(drawn.folds.iter().all(|f| f.ends_with(" covered")));
        // Drawn and folded: the subtrees of the drawn roots; the other roots are not drawn.
        assert!(drawn.check(format, 1_000, 940) < 1_000, "{format}");
        assert!(drawn.note.contains("no open findings; "), "{format}");
    }
}

#[test]
fn the_cli_exports_of_an_all_covered_stack_are_not_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "allcov.toml", &forest(56, 1, None, false));
    for format in ["mermaid", "dot", "html"] {
        let out = run(&["export", &path, "--format", format, "--as-of", AS_OF]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let body = text(&out.stdout);
        assert!(body.contains("Showing 1 of 56 parties"), "{format}");
        assert!(body.contains("+55 covered"), "{format}");
    }
}

/// SplitMix64: the same stacks on every run and platform.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// A random acyclic stack of `parties` (over 40): each party past the first is consumed by one
/// to three earlier parties, or by none (another consumer at the top); every control is
/// delivered, except by the `accepted` parties (which consume nothing), whose every hand-off is
/// an accepted gap.
fn random_covered(seed: u64, parties: usize, accepted: usize) -> String {
    let mut rng = Rng(seed);
    let lacking: Vec<usize> = (0..accepted).map(|_| 1 + rng.below(parties - 1)).collect();
    let mut s = String::from(
        "[stack]\nname = \"Random\"\ncatalog = \"none\"\n\n[[control]]\nid = \"C\"\nname = \"Control\"\n",
    );
    for i in 0..parties {
        let implements = if lacking.contains(&i) {
            ""
        } else {
            "implements = [\"C\"]\n"
        };
        let _ = write!(
            s,
            "\n[[party]]\nid = \"p{i}\"\nname = \"Party {i}\"\n{implements}"
        );
    }
    let mut accepts = String::new();
    for i in 1..parties {
        if rng.below(10) == 0 {
            continue;
        }
        let mut consumers: Vec<usize> = (0..1 + rng.below(3)).map(|_| rng.below(i)).collect();
        // A party that lacks the control consumes nothing: handing it on would deliver it.
        consumers.retain(|c| !lacking.contains(c));
        consumers.sort_unstable();
        consumers.dedup();
        for c in consumers {
            let _ = write!(
                s,
                "\n[[handoff]]\nconsumer = \"p{c}\"\nprovider = \"p{i}\"\ncontrols = {{ C = \"provider\" }}\n"
            );
            if lacking.contains(&i) {
                let _ = write!(
                    accepts,
                    "\n[[accept]]\ncontrol = \"C\"\nkind = \"not-delivered\"\nconsumer = \"p{c}\"\nprovider = \"p{i}\"\nreason = \"Known.\"\nuntil = 2027-06-30\nby = \"Group CISO\"\n"
                );
            }
        }
    }
    s + &accepts
}

#[test]
fn random_big_stacks_without_open_findings_always_draw_something_true() {
    use stackgap::report::layout::{Diagram, Focus, Node, Status};
    for seed in 0..24u64 {
        let parties = 41 + (seed as usize * 7) % 80;
        let accepted = (seed % 3) as usize;
        let toml = random_covered(seed, parties, accepted);
        let (d, handoffs, mermaid, html) = with_context(&toml, |ctx| {
            (
                Diagram::of(ctx),
                ctx.stack.handoffs.len(),
                stackgap::report::mermaid::render(ctx),
                stackgap::report::html::render(ctx),
            )
        });
        let omitted = d.omitted.expect("over 40 parties: focused");
        let case = format!("seed {seed}, {parties} parties: {}", omitted.caption());
        assert_eq!(omitted.focus, Focus::Covered, "{case}");
        assert_eq!(omitted.gaps + omitted.warnings, 0, "{case}");
        let drawn = d
            .nodes
            .iter()
            .filter(|n| matches!(n, Node::Party(_)))
            .count();
        assert!(drawn >= 1, "{case}");
        assert_eq!(drawn, parties - omitted.parties, "{case}");
        // Accepted findings come first: one of them is drawn as an accepted hand-off.
        let accepted_links = d
            .links
            .iter()
            .filter(|l| l.handoff.is_some() && l.tally.status() == Status::Accepted)
            .count();
        assert_eq!(accepted_links > 0, accepted > 0, "{case}");
        assert_eq!(omitted.accepted.0 > 0, accepted > 0, "{case}");
        // Nothing drawn or folded is called anything but covered or accepted.
        assert!(
            d.links.iter().all(|l| l.tally.open() == 0),
            "{case}: no open status"
        );
        assert!(mermaid_edges(&mermaid).len() <= 500, "{case}");
        Drawn::html(&html).check("HTML", parties, handoffs);
    }
}
