//! Scenario fixtures for the gap engine: each `tests/scenarios/NAME.toml` is a small stack and
//! `NAME.expected` lists, derived by hand from SPEC §2–§6, what `stackgap check --format json`
//! must report for it, under one or more sets of options. The real binary is run for every
//! block and its report compared line by line, so a failure reads as a diff of findings.
//!
//! The `.expected` format (blank lines and `#` comments are ignored):
//!
//! ```text
//! $ --without iaas --min-evidence attested     # a block: the options of one run
//! shop>saas BK broken-chain provider roots=iaas
//! shop>saas:crm ENC weak-assurance provider assurance=none expired=2027-03-31
//! shop>saas LOG unassigned accepted
//! party:shop DR unassigned
//! summary parties=3 handoffs=2 gaps=2 warnings=1 accepted=1
//! note cycle a b
//! note layer-inversion iaas>saas
//! note stale-accept BK no-mans-land line=40
//! note evidence-expiring soc2-2026 expires=2026-12-15 days=17 entries=3
//! note evidence-expiring c>p W expires=2027-01-01 days=34 entries=1
//! blast iaas 3
//! fix iaas BK 3
//! ```
//!
//! A finding line is `consumer>provider[:service] CONTROL KIND [SIDE]` or
//! `party:ID CONTROL unassigned`, followed by `roots=a,b` (a broken chain's root causes),
//! `circular`, `accepted`, `assurance=LEVEL` (weak assurance), `expired=DATE` and
//! `expired-evidence=ID` (the document that lapsed) when they apply, and `ref=TEXT` (the
//! entry's `ref`, without spaces in fixtures); anything not written must be absent. `blast
//! PARTY N` lines are the blast radius (`--blast-radius`), `fix PARTY CONTROL N` the fix-first
//! list (`--fix-first`), both in their JSON order; without the option the JSON must not have
//! the field. Findings are compared in order (SPEC §4),
//! notes as a set (SPEC §4 fixes no order for them). Each run gets `--as-of 2026-11-28`
//! unless its block names a date, and its exit code must follow from the expected findings
//! and `--fail-on`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The analysis date of every run that does not name one.
const DEFAULT_AS_OF: &str = "2026-11-28";

const GAP_KINDS: [&str; 4] = [
    "unassigned",
    "no-mans-land",
    "broken-chain",
    "not-delivered",
];
const WARNING_KINDS: [&str; 3] = ["misunderstanding", "unconfirmed", "weak-assurance"];

/// One run of the binary and what it must report.
#[derive(Debug, Default)]
struct Block {
    /// Line of the `$` header in the `.expected` file.
    line: usize,
    args: Vec<String>,
    findings: Vec<String>,
    summary: Vec<String>,
    notes: Vec<String>,
    blast: Vec<String>,
    fix: Vec<String>,
}

impl Block {
    fn render(&self) -> String {
        let mut notes = self.notes.clone();
        notes.sort();
        let mut out = String::new();
        for l in self
            .findings
            .iter()
            .chain(&self.summary)
            .chain(&notes)
            .chain(&self.blast)
            .chain(&self.fix)
        {
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    fn option(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.args.get(i + 1))
            .map(String::as_str)
    }

    fn options(&self, name: &str) -> Vec<&str> {
        self.args
            .windows(2)
            .filter(|w| w[0] == name)
            .map(|w| w[1].as_str())
            .collect()
    }

    /// The exit code SPEC §4 implies: 1 when a finding at or above `--fail-on` is not accepted.
    fn expected_exit(&self) -> i32 {
        let level = self.option("--fail-on").unwrap_or("gap");
        let fails = self.findings.iter().any(|f| {
            let words: Vec<&str> = f.split_whitespace().collect();
            let kind = words.get(2).copied().unwrap_or("");
            let counts = match level {
                "gap" => GAP_KINDS.contains(&kind),
                "warning" => true,
                _ => false,
            };
            counts && !words.contains(&"accepted")
        });
        i32::from(fails)
    }
}

fn parse_expected(text: &str) -> Result<Vec<Block>, String> {
    let mut blocks: Vec<Block> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(args) = line.strip_prefix('$') {
            blocks.push(Block {
                line: i + 1,
                args: args.split_whitespace().map(String::from).collect(),
                ..Block::default()
            });
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            return Err(format!(
                "line {}: expected a `$ OPTIONS` line before the first finding",
                i + 1
            ));
        };
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        match line.split_whitespace().next() {
            Some("summary") => block.summary.push(words),
            Some("note") => block.notes.push(words),
            Some("blast") => block.blast.push(words),
            Some("fix") => block.fix.push(words),
            _ => block.findings.push(words),
        }
    }
    if blocks.is_empty() {
        return Err("no `$ OPTIONS` block".into());
    }
    Ok(blocks)
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn handoff_place(v: &Value) -> String {
    let mut place = format!(
        "{}>{}",
        str_of(v, "consumer").unwrap_or("?"),
        str_of(v, "provider").unwrap_or("?")
    );
    if let Some(service) = str_of(v, "service") {
        let _ = write!(place, ":{service}");
    }
    place
}

/// One finding of the JSON report as an expected-file line.
fn finding_line(f: &Value) -> String {
    let place = match str_of(f, "party") {
        Some(party) => format!("party:{party}"),
        None => handoff_place(f),
    };
    let mut words = vec![
        place,
        str_of(f, "control").unwrap_or("?").to_string(),
        str_of(f, "kind").unwrap_or("?").to_string(),
    ];
    if let Some(side) = str_of(f, "side") {
        words.push(side.into());
    }
    let roots = ids(&f["root_causes"]);
    if !roots.is_empty() {
        words.push(format!("roots={}", roots.join(",")));
    }
    if f["circular"] == Value::Bool(true) {
        words.push("circular".into());
    }
    if f["accepted"] == Value::Bool(true) {
        words.push("accepted".into());
    }
    if let Some(a) = str_of(f, "assurance") {
        words.push(format!("assurance={a}"));
    }
    if let Some(e) = str_of(f, "expired") {
        words.push(format!("expired={e}"));
    }
    if let Some(d) = str_of(f, "expired_evidence") {
        words.push(format!("expired-evidence={d}"));
    }
    if let Some(r) = str_of(f, "ref") {
        words.push(format!("ref={r}"));
    }
    words.join(" ")
}

fn note_line(n: &Value) -> String {
    let kind = str_of(n, "kind").unwrap_or("?");
    match kind {
        "cycle" => format!("note cycle {}", ids(&n["parties"]).join(" ")),
        "layer-inversion" => format!("note layer-inversion {}", handoff_place(n)),
        "evidence-expiring" => {
            let what = match str_of(n, "evidence") {
                Some(doc) => doc.to_string(),
                None => format!(
                    "{} {}",
                    handoff_place(n),
                    str_of(n, "control").unwrap_or("?")
                ),
            };
            format!(
                "note evidence-expiring {what} expires={} days={} entries={}",
                str_of(n, "expires").unwrap_or("?"),
                n["days_left"],
                n["entries"]
            )
        }
        _ => format!(
            "note {kind} {} {} line={}",
            str_of(n, "control").unwrap_or("?"),
            str_of(n, "finding_kind").unwrap_or("?"),
            n["line"]
        ),
    }
}

/// Checks SPEC §4 says hold for every finding, whatever the stack.
fn finding_problems(f: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let kind = str_of(f, "kind").unwrap_or("");
    let severity = str_of(f, "severity").unwrap_or("");
    let want = if GAP_KINDS.contains(&kind) {
        "gap"
    } else if WARNING_KINDS.contains(&kind) {
        "warning"
    } else {
        problems.push(format!("unknown kind {kind:?}"));
        ""
    };
    if severity != want {
        problems.push(format!("severity {severity:?} for kind {kind:?}"));
    }
    let is_party = !f["party"].is_null();
    if is_party == (!f["consumer"].is_null() || !f["provider"].is_null()) {
        problems.push("a finding has either a party or a consumer and provider".into());
    }
    let roots = ids(&f["root_causes"]);
    let mut sorted = roots.clone();
    sorted.sort();
    if roots != sorted {
        problems.push("root_causes not sorted".into());
    }
    if kind == "broken-chain" {
        if f["root_causes_total"].as_u64() != Some(roots.len() as u64) {
            problems.push("root_causes_total differs from the root causes listed".into());
        }
        if (f["circular"] == Value::Bool(true)) != roots.is_empty() {
            problems.push("a broken chain is circular exactly when it has no root cause".into());
        }
    } else if !roots.is_empty() || f["circular"] != Value::Bool(false) {
        problems.push("root_causes / circular set on a finding that is not a broken chain".into());
    }
    let message = str_of(f, "message").unwrap_or("");
    if message.is_empty() {
        problems.push("empty message".into());
    }
    // SPEC §6: the finding says which entry expired and when.
    if let Some(date) = str_of(f, "expired")
        && !message.contains(date)
    {
        problems.push(format!(
            "the message does not say the evidence expired on {date}"
        ));
    }
    problems
}

struct Run {
    exit: i32,
    rendered: String,
    problems: Vec<String>,
}

fn run_block(stack: &Path, block: &Block) -> Result<Run, String> {
    let mut args: Vec<String> = vec![
        "check".into(),
        stack.display().to_string(),
        "--format".into(),
        "json".into(),
    ];
    if block.option("--as-of").is_none() {
        args.extend(["--as-of".into(), DEFAULT_AS_OF.into()]);
    }
    args.extend(block.args.iter().cloned());
    let out = Command::new(env!("CARGO_BIN_EXE_stackgap"))
        .args(&args)
        .output()
        .map_err(|e| format!("cannot run stackgap: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "stdout is not JSON ({e}); exit {:?}; stderr:\n{stderr}",
            out.status.code()
        )
    })?;

    let mut problems = Vec::new();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    for f in &findings {
        for p in finding_problems(f) {
            problems.push(format!("{}: {p}", finding_line(f)));
        }
    }
    let summary = &json["summary"];
    let count = |pred: &dyn Fn(&Value) -> bool| findings.iter().filter(|f| pred(f)).count();
    let gaps = count(&|f| f["severity"] == "gap");
    let warnings = count(&|f| f["severity"] == "warning");
    let accepted = count(&|f| f["accepted"] == Value::Bool(true));
    if summary["gaps"] != gaps || summary["warnings"] != warnings || summary["accepted"] != accepted
    {
        problems.push(format!(
            "summary {summary} does not count the findings listed ({gaps} gaps, {warnings} warnings, {accepted} accepted)"
        ));
    }
    let as_of = block.option("--as-of").unwrap_or(DEFAULT_AS_OF);
    if json["as_of"] != as_of {
        problems.push(format!("as_of is {}, not {as_of}", json["as_of"]));
    }
    if let Some(level) = block.option("--min-evidence")
        && json["min_evidence"] != level
    {
        problems.push(format!(
            "min_evidence is {}, not {level}",
            json["min_evidence"]
        ));
    }
    let mut without: Vec<&str> = block.options("--without");
    without.sort_unstable();
    without.dedup();
    if ids(&json["without"]) != without {
        problems.push(format!("without is {}, not {without:?}", json["without"]));
    }

    let mut rendered = Block {
        findings: findings.iter().map(finding_line).collect(),
        summary: vec![format!(
            "summary parties={} handoffs={} gaps={} warnings={} accepted={}",
            summary["parties"],
            summary["handoffs"],
            summary["gaps"],
            summary["warnings"],
            summary["accepted"]
        )],
        notes: json["notes"]
            .as_array()
            .map(|n| n.iter().map(note_line).collect())
            .unwrap_or_default(),
        ..Block::default()
    };
    if let Some(blast) = json.get("blast_radius").and_then(Value::as_array) {
        rendered.blast = blast
            .iter()
            .map(|b| {
                format!(
                    "blast {} {}",
                    str_of(b, "party").unwrap_or("?"),
                    b["gaps_added"]
                )
            })
            .collect();
    }
    for (option, field) in [
        ("--blast-radius", "blast_radius"),
        ("--fix-first", "fix_first"),
    ] {
        let asked = block.args.iter().any(|a| a == option);
        if asked != json.get(field).is_some() {
            problems.push(format!(
                "`{field}` is {} with{} {option}",
                if asked { "missing" } else { "present" },
                if asked { "" } else { "out" }
            ));
        }
    }
    if let Some(fix) = json.get("fix_first").and_then(Value::as_array) {
        rendered.fix = fix
            .iter()
            .map(|f| {
                format!(
                    "fix {} {} {}",
                    str_of(f, "party").unwrap_or("?"),
                    str_of(f, "control").unwrap_or("?"),
                    f["gaps_closed"]
                )
            })
            .collect();
    }
    Ok(Run {
        exit: out.status.code().unwrap_or(-1),
        rendered: rendered.render(),
        problems,
    })
}

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

fn fixtures() -> Vec<PathBuf> {
    let mut stacks: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    stacks.sort();
    stacks
}

fn diff(expected: &str, actual: &str) -> String {
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for l in &exp {
        let mark = if act.contains(l) { ' ' } else { '-' };
        let _ = writeln!(out, "  {mark} {l}");
    }
    for l in act.iter().filter(|l| !exp.contains(l)) {
        let _ = writeln!(out, "  + {l}");
    }
    if exp.len() == act.len() && out.lines().all(|l| l.starts_with("   ")) {
        out.push_str("  (same lines, different order; actual order:)\n");
        for l in act {
            let _ = writeln!(out, "    {l}");
        }
    }
    out
}

/// Every fixture, every block: the binary reports exactly the hand-derived findings.
#[test]
fn every_scenario_reports_its_expected_findings() {
    let stacks = fixtures();
    assert!(
        stacks.len() >= 10,
        "only {} scenario fixtures",
        stacks.len()
    );
    let mut failures = String::new();
    let mut runs = 0;
    for stack in &stacks {
        let expected_path = stack.with_extension("expected");
        let name = stack.file_stem().unwrap_or_default().to_string_lossy();
        let text = match std::fs::read_to_string(&expected_path) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(failures, "{name}: no {}: {e}", expected_path.display());
                continue;
            }
        };
        let blocks = match parse_expected(&text) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(failures, "{name}.expected: {e}");
                continue;
            }
        };
        for block in &blocks {
            runs += 1;
            let title = format!(
                "{name}.expected:{} `$ {}`",
                block.line,
                block.args.join(" ")
            );
            let run = match run_block(stack, block) {
                Ok(r) => r,
                Err(e) => {
                    let _ = writeln!(failures, "{title}: {e}\n");
                    continue;
                }
            };
            let want = block.render();
            if run.rendered != want {
                let _ = writeln!(
                    failures,
                    "{title}: findings differ (- expected, + actual)\n{}",
                    diff(&want, &run.rendered)
                );
            }
            for p in &run.problems {
                let _ = writeln!(failures, "{title}: {p}");
            }
            if run.exit != block.expected_exit() {
                let _ = writeln!(
                    failures,
                    "{title}: exit code {}, expected {}",
                    run.exit,
                    block.expected_exit()
                );
            }
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
    assert!(
        stacks.len() >= 10,
        "only {} scenario fixtures",
        stacks.len()
    );
    assert!(runs > stacks.len(), "only {runs} runs");
}

/// The fixtures together exercise every finding kind, and every `.expected` has its stack.
#[test]
fn scenarios_cover_every_finding_kind() {
    let mut seen = BTreeSet::new();
    for stack in fixtures() {
        let text = std::fs::read_to_string(stack.with_extension("expected")).unwrap_or_default();
        for block in parse_expected(&text).unwrap_or_default() {
            for f in &block.findings {
                if let Some(kind) = f.split_whitespace().nth(2) {
                    let place = f.split_whitespace().next().unwrap_or("");
                    let at = if place.starts_with("party:") {
                        "party"
                    } else {
                        "handoff"
                    };
                    seen.insert(format!("{kind} at {at}"));
                }
            }
        }
    }
    let mut missing: Vec<String> = GAP_KINDS
        .iter()
        .chain(&WARNING_KINDS)
        .map(|k| format!("{k} at handoff"))
        .chain(["unassigned at party".to_string()])
        .filter(|k| !seen.contains(k))
        .collect();
    for entry in std::fs::read_dir(scenario_dir()).expect("tests/scenarios exists") {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|e| e == "expected")
            && !path.with_extension("toml").exists()
        {
            missing.push(format!("the stack of {}", path.display()));
        }
    }
    assert!(missing.is_empty(), "no scenario covers: {missing:?}");
}

#[test]
fn expected_file_format_is_read_as_documented() {
    let blocks = parse_expected(
        "# why\n$ --without x --fail-on warning\nparty:a B unassigned accepted  # comment\n\
         a>b C unconfirmed provider\nsummary parties=2\nnote cycle a b\nfix a B 1\n",
    )
    .expect("valid");
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].options("--without"), ["x"]);
    assert_eq!(blocks[0].findings.len(), 2);
    assert_eq!(blocks[0].notes, ["note cycle a b"]);
    assert_eq!(blocks[0].fix, ["fix a B 1"]);
    // The only unaccepted finding is a warning, and `--fail-on warning` counts it.
    assert_eq!(blocks[0].expected_exit(), 1);
    assert!(parse_expected("a>b C unassigned\n").is_err());
}
