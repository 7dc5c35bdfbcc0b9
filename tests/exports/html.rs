//! The HTML page: one self-contained file (nothing fetched, the diagram inline, a row per
//! finding), and everything the stack says escaped in HTML, Markdown and Mermaid.

use super::*;

#[test]
fn html_is_one_self_contained_page_with_the_diagram_and_the_tables() {
    let demo = sample("demo.toml");
    let html = run_ok(&["export", &demo, "--format", "html", "--as-of", AS_OF], 0);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for fetch in [
        "<script", "<link", "src=", "@import", "<iframe", "<object", "<img",
    ] {
        assert!(!html.contains(fetch), "the page contains {fetch:?}");
    }
    for scheme in ["http://", "https://"] {
        for (at, _) in html.match_indices(scheme) {
            assert!(
                html[at..].starts_with("http://www.w3.org/2000/svg\""),
                "a URL other than the SVG namespace: {}",
                &html[at..(at + 60).min(html.len())]
            );
        }
    }
    for url in html.split("url(").skip(1) {
        assert!(url.starts_with('#'), "url() not local: {url:.40}");
    }
    assert!(html.contains("<svg"), "the diagram");
    assert!(html.contains("@media print"), "styles for print");

    let report = json(&["check", &demo, "--format", "json", "--as-of", AS_OF], 1);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(
        html.matches("<tr class=").count(),
        findings.len(),
        "one table row per finding"
    );
    assert!(
        html.contains("<th>Severity</th><th>Control</th><th>Kind</th><th>Side</th><th>Why</th>")
    );
    assert_eq!(
        html.matches("<g class=\"link ").count(),
        handoffs_of(&demo).len(),
        "one arrow per hand-off"
    );
}

#[test]
fn html_markdown_and_mermaid_escape_what_the_stack_says() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hostile = write(dir.path(), "hostile.toml", HOSTILE);
    let html = run_ok(
        &["export", &hostile, "--format", "html", "--as-of", AS_OF],
        0,
    );
    for raw in ["<script", "<img", "<b>", "\"quoted\"", "'party'"] {
        assert!(!html.contains(raw), "raw {raw:?} in the HTML");
    }
    // The page's own links only jump within it.
    for (at, _) in html.match_indices("<a ") {
        assert!(
            html[at..].starts_with("<a href=\"#"),
            "a link that leaves the page: {}",
            &html[at..(at + 60).min(html.len())]
        );
    }
    for escaped in [
        "&lt;script&gt;alert(&quot;stack&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;script&gt;svc&lt;/script&gt; &quot;quoted&quot;",
        "&lt;a href=&quot;https://evil.example&quot;&gt;MSA&lt;/a&gt;",
    ] {
        assert!(html.contains(escaped), "{escaped:?} not in the HTML");
    }

    let md = run_ok(&["export", &hostile, "--as-of", AS_OF], 0);
    let (before, rest) = md.split_once("```mermaid\n").expect("mermaid block");
    let (mermaid, after) = rest.split_once("```").expect("the block closes");
    for part in [before, after] {
        for (at, _) in part.match_indices('<') {
            assert!(
                part[..at].ends_with('\\'),
                "an unescaped < in the Markdown: {}",
                &part[at..(at + 30).min(part.len())]
            );
        }
    }
    assert!(
        !mermaid.contains("<script"),
        "raw HTML in the Mermaid block"
    );
    for line in mermaid.lines().filter(|l| l.contains('"')) {
        // A quote inside a label would end it early.
        assert_eq!(line.matches('"').count(), 2, "label quoting in {line:?}");
    }
}
