//! Mermaid and DOT (issue 14): labels escaped for their own syntax, emoji sequences whole, and
//! on big stacks every format focused, saying what it leaves out, with Mermaid inside its
//! default limits (500 edges, 50,000 characters).

mod common;
mod diagram_check;

#[path = "../benches/common/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use common::text;
use diagram_check::{mermaid_edges, note_numbers, parse_svg, problems, render_all};

#[test]
fn mermaid_stays_inside_its_default_limits_and_says_what_it_leaves_out_at_30_300_1k_and_10k() {
    for parties in [30, 300, 1_000, 10_000] {
        // The stack `cargo run --example gen-stack -- --parties N --seed 1` prints.
        let toml = synthetic::stack_toml(parties, 1);
        let stack = stackgap::stack::load_str(&toml, "generated.toml", None).expect("loads");
        assert_eq!(stack.parties.len(), parties, "the generator's size");
        let handoffs = stack.handoffs.len();
        let (mermaid, dot, html) = render_all(&toml);
        let edges = mermaid_edges(&mermaid);
        assert!(
            edges.len() <= 500,
            "{parties}: {} edges, Mermaid's maxEdges is 500",
            edges.len()
        );
        assert!(
            mermaid.chars().count() <= 50_000,
            "{parties}: {} characters, Mermaid's maxTextSize is 50,000",
            mermaid.chars().count()
        );
        let Some(title) = mermaid.strip_prefix("---\ntitle: \"Showing ") else {
            // Drawn whole: only a stack of at most 40 parties, every hand-off once.
            assert!(
                parties <= 40,
                "{parties}: over 40 parties the diagram focuses"
            );
            assert_eq!(edges.len(), handoffs, "{parties}: drawn whole");
            assert!(!mermaid.contains(" folded"), "{parties}");
            continue;
        };
        // Focused: the title's counts are those of the drawing, and add up.
        let [
            shown,
            of_parties,
            drawn,
            of_handoffs,
            left_parties,
            left_handoffs,
        ] = note_numbers(title);
        assert_eq!(of_parties, parties, "{parties}: {title}");
        assert_eq!(of_handoffs, handoffs, "{parties}: {title}");
        assert_eq!(shown + left_parties, parties, "{parties}: {title}");
        assert_eq!(drawn + left_handoffs, handoffs, "{parties}: {title}");
        let party_nodes = mermaid
            .lines()
            .filter(|l| l.trim_start().starts_with('p') && l.contains("[\""))
            .count();
        assert_eq!(party_nodes, shown, "{parties}: the parties drawn");
        // An edge to a party is a hand-off; one to a "+N" node (`f…`) stands for what is folded.
        let to_parties = mermaid
            .lines()
            .filter(|l| l.contains(" -->|\""))
            .filter(|l| {
                l.rsplit("\"| ")
                    .next()
                    .is_some_and(|to| to.starts_with('p'))
            })
            .count();
        assert_eq!(to_parties, drawn, "{parties}: hand-offs drawn");
        assert!(
            mermaid.contains("class ") && mermaid.contains(" folded"),
            "{parties}: +N nodes"
        );
        for (label, style) in &edges {
            let colour = if label.ends_with("covered") {
                "#2ca02c"
            } else if label.contains("✖") {
                "#d62728"
            } else if label.contains("⚠") {
                "#e6a700"
            } else {
                "#777777"
            };
            assert!(
                style.contains(&format!("stroke:{colour}")),
                "{label:?}: {style}"
            );
        }
        assert!(
            dot.contains(&format!(" of {parties} parties")),
            "{parties}: DOT says it too"
        );
        assert!(dot.matches(" -> ").count() <= 500);
        assert!(
            html.contains(&format!(" of {parties} parties")),
            "{parties}: HTML says it too"
        );
        let wrong = problems(&parse_svg(&html));
        assert!(wrong.is_empty(), "{parties}:\n{}", wrong.join("\n"));
    }
}

/// Names that mean something to Mermaid, Graphviz or HTML, and emoji sequences held together
/// by joiners and selectors.
const SYNTAX: &str = r##"[stack]
name = "Syntax & <b>stack</b>"
catalog = "none"

[[layer]]
id = "top"
name = "%%{init: {'theme': 'dark'}}%% top \"layer\" \\N"

[[layer]]
id = "bottom"
name = "Bottom #quot; layer"

[[control]]
id = "C"
name = "Control"

[[party]]
id = "init"
name = "%%{init: {\"theme\": \"forest\", \"flowchart\": {\"htmlLabels\": false}}}%% Evil"
layer = "top"

[[party]]
id = "ents"
name = "AT&amp;T #quot;quoted#quot; #35; &lt;b&gt; <i>x</i> \\G \\N \\n [x] {y} | `z`"
layer = "top"

[[party]]
id = "emoji"
name = "👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a‍b"
layer = "bottom"

[[handoff]]
consumer = "init"
provider = "emoji"
service = "%% comment? #amp; \" ; end"
controls = { C = "provider" }

[[handoff]]
consumer = "ents"
provider = "emoji"
service = "svc -->|x| init"
controls = { C = "provider" }
"##;

/// Graphviz's SVG of a DOT source, or `None` (saying so) when `dot` is not installed and CI is
/// not set; under CI a missing `dot` fails (`.ci/run` installs it).
fn graphviz(source: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let has_dot = Command::new("dot")
        .arg("-V")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_dot {
        common::missing_tool("graphviz `dot`");
        return None;
    }
    let mut dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot starts");
    dot.stdin
        .take()
        .expect("stdin")
        .write_all(source.as_bytes())
        .expect("feed dot");
    let out = dot.wait_with_output().expect("dot runs");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "dot -Tsvg: {}\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(text(&out.stdout))
}

/// Mermaid's reading of a label: `#name;` and `#123;` back to characters.
fn mermaid_decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').expect("an entity ends with ;");
        let name = &after[..end];
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric()),
            "a # that is not an entity: {rest}"
        );
        out.push(match name {
            "amp" => '&',
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            n => char::from_u32(n.parse().expect("numeric entity")).expect("a character"),
        });
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn mermaid_and_dot_labels_are_escaped_for_their_own_syntax_and_keep_emoji_whole() {
    let (mermaid, dot, html) = render_all(SYNTAX);
    let stack = stackgap::stack::load_str(SYNTAX, "syntax.toml", None).expect("loads");
    let name = |id: &str| stack.party(stack.party_id(id).expect("party")).name.clone();

    // Mermaid: no directive, comment or raw markup can come from the stack.
    assert!(!mermaid.contains('%'), "a % reaches Mermaid:\n{mermaid}");
    assert!(!mermaid.contains("<i>") && !mermaid.contains("<b>"));
    assert!(!mermaid.contains('`'));
    assert!(
        !mermaid.contains('\\'),
        "a backslash Mermaid could read as a line break"
    );
    for line in mermaid
        .lines()
        .filter(|l| l.contains("[\"") || l.contains("|\""))
    {
        let labels: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert!(!labels.is_empty(), "{line}");
        for label in labels {
            // A quote would end the label early; every # must be an entity Mermaid decodes.
            assert!(!label.contains('"'), "{line}");
            mermaid_decode(label);
        }
    }
    for (id, want) in [("init", name("init")), ("ents", name("ents"))] {
        let line = mermaid
            .lines()
            .find(|l| l.contains(&format!("(#{id}")) || l.contains(&format!("({id})")))
            .unwrap_or_else(|| panic!("node {id} in\n{mermaid}"));
        let label = line.split('"').nth(1).expect("label");
        let decoded = mermaid_decode(label);
        assert!(
            decoded.starts_with(&format!("{want}<br/>({id})")),
            "{id}: {decoded:?} is not {want:?}"
        );
    }
    let emoji = mermaid
        .lines()
        .find(|l| l.contains("(emoji)"))
        .expect("emoji node");
    assert!(
        emoji.contains("👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a#92;u{200D}b"),
        "emoji sequences whole, a joiner between letters visible: {emoji}"
    );
    assert_eq!(mermaid_edges(&mermaid).len(), 2);

    // DOT: HTML-like labels hold no markup of the stack's, strings no escape of the stack's.
    for (raw, escaped) in [
        ("<i>x</i>", "&lt;i&gt;x&lt;/i&gt;"),
        ("AT&amp;T", "AT&amp;amp;T"),
        ("#35; &lt;b&gt;", "#35; &amp;lt;b&amp;gt;"),
        (
            "Syntax & <b>stack</b>",
            "Syntax &amp; &lt;b&gt;stack&lt;/b&gt;",
        ),
    ] {
        assert!(!dot.contains(raw), "raw {raw:?} in the DOT");
        assert!(dot.contains(escaped), "{escaped:?} not in the DOT");
    }
    // The visible escape's backslash doubled, as every backslash in a label.
    assert!(dot.contains("👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a\\\\u{200D}b"));
    // A backslash of the stack's never starts an escape: doubled in labels, four in tooltips
    // (which Graphviz unescapes twice).
    assert!(
        dot.contains("&lt;i&gt;x&lt;/i&gt; \\\\G \\\\N \\\\n [x]"),
        "{dot}"
    );
    assert!(
        dot.contains("&lt;i&gt;x&lt;/i&gt; \\\\\\\\G \\\\\\\\N \\\\\\\\n [x]"),
        "{dot}"
    );

    // Graphviz reads it without a warning and shows the stack's text as written.
    if let Some(svg) = graphviz(&dot) {
        for shown in [
            ">AT&amp;amp;T #quot;quoted#quot; #35; &amp;lt;b&amp;gt; &lt;i&gt;x&lt;/i&gt; \\G \\N \\n [x]",
            "xlink:title=\"AT&amp;amp;T #quot;quoted#quot; #35; &amp;lt;b&amp;gt; &lt;i&gt;x&lt;/i&gt; \\G \\N \\n [x]",
            "👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a\\u{200D}b",
            "%%{init:",
        ] {
            assert!(
                svg.contains(shown),
                "Graphviz does not show {shown:?}:\n{svg}"
            );
        }
    }

    // HTML: the same emoji whole, the same joiner visible.
    assert!(html.contains("👩‍💻 DevOps 🏳️‍🌈 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a\\u{200D}b"));
    let wrong = problems(&parse_svg(&html));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
