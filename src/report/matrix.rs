//! The responsibility matrix that `export --format csv|xlsx` sends back to a vendor: one row per
//! hand-off and control listed there, with the entry as written, the evidence in force and the
//! findings, plus the summary a workbook opens with. Data only; each format escapes and lays it
//! out for its own medium.
//!
//! # Decisions where the issue is silent
//!
//! - Rows: every entry of every hand-off, template entries included (their `Why` says so);
//!   hand-offs by (consumer, provider, service — none first), then control, ids as bytes. Party
//!   findings (a requirement nobody covers) have no row: they are listed in the summary.
//! - `Service`, `Agreed`, `Assumed`, `Evidence`, `Expires` and `Ref` are empty when not written,
//!   so a row reads back to the entry exactly (`Evidence` items joined by `", "`, `Expires` as
//!   `YYYY-MM-DD` text, never a spreadsheet date that a locale would reformat). A `service = ""`
//!   reads the same as no service.
//! - `Provider implements` / `Consumer implements` are the parties' own `implements`, whatever
//!   the what-ifs switch off.
//! - `Status` is the worst finding not accepted (`GAP`, `WARNING`), else `ACCEPTED` when there
//!   are findings and all are accepted, else `OK`. `Findings` lists each finding as
//!   `kind (side)`, with `accepted` inside the parentheses when it is. `Why` joins the
//!   findings' sentences with `" | "`; an accepted one adds the reason, then its ticket, who
//!   accepted it and until when.
//! - `Evidence in force`: the level that counts on the analysis date, then the documents in force
//!   it cites, then what lowered it (`— soc2-2025 expired 2026-10-31`, `— entry expired …`);
//!   `(default)` when no evidence is written. An entry whose own date passed says only that.
//! - `Evidence documents` (the last column, added after the others so none moves): each
//!   document the entry cites, once, as its `[[evidence]]` declaration in TOML, one a line
//!   ([`documents_cell`]), so the matrix alone is enough to declare the documents of a stack
//!   printed from it (`import matrix` without `--into`).
//! - Cell text: control, invisible and bidi characters are made visible as the other reports do
//!   ([`cell_text`]), except line breaks, which a spreadsheet cell holds.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Context, VERSION, handoff_label, tally_handoffs, text::expiring_text};
use crate::analysis::{Finding, Note, Place, Severity, message};
use crate::date::Date;
use crate::stack::{Cite, ControlIdx, Entry, Evidence, HandoffIdx, Lapse, Owner, Stack};

/// The matrix's header, in column order. The importer of §8.1 recognises the layout by these
/// names: never rename or reorder them.
pub const COLUMNS: [&str; 18] = [
    "Consumer",
    "Provider",
    "Service",
    "Control",
    "Control name",
    "Family",
    "Agreed",
    "Assumed",
    "Evidence",
    "Expires",
    "Evidence in force",
    "Ref",
    "Provider implements",
    "Consumer implements",
    "Status",
    "Findings",
    "Why",
    "Evidence documents",
];

/// Where each column is in [`COLUMNS`].
pub mod column {
    /// `Consumer`.
    pub const CONSUMER: usize = 0;
    /// `Provider`.
    pub const PROVIDER: usize = 1;
    /// `Service`.
    pub const SERVICE: usize = 2;
    /// `Control`.
    pub const CONTROL: usize = 3;
    /// `Control name`.
    pub const CONTROL_NAME: usize = 4;
    /// `Agreed`.
    pub const AGREED: usize = 6;
    /// `Assumed`.
    pub const ASSUMED: usize = 7;
    /// `Evidence`.
    pub const EVIDENCE: usize = 8;
    /// `Expires`.
    pub const EXPIRES: usize = 9;
    /// `Evidence in force`.
    pub const IN_FORCE: usize = 10;
    /// `Ref`.
    pub const REF: usize = 11;
    /// `Status`.
    pub const STATUS: usize = 14;
    /// `Findings`.
    pub const FINDINGS: usize = 15;
    /// `Why`.
    pub const WHY: usize = 16;
    /// `Evidence documents`.
    pub const DOCUMENTS: usize = 17;
}

/// How an entry stands, in a word that reads without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// A gap that is not accepted.
    Gap,
    /// A warning that is not accepted (and no open gap).
    Warning,
    /// Findings, every one of them an accepted risk.
    Accepted,
    /// No finding.
    Ok,
}

impl Status {
    /// Every status, worst first (the legend's order).
    pub const ALL: [Status; 4] = [Status::Gap, Status::Warning, Status::Accepted, Status::Ok];

    /// The word in the `Status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Gap => "GAP",
            Status::Warning => "WARNING",
            Status::Accepted => "ACCEPTED",
            Status::Ok => "OK",
        }
    }

    /// What the word means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Gap => "nobody actually covers the control here (a gap not accepted)",
            Status::Warning => {
                "covered, but not as the consumer believes or not assured enough (not accepted)"
            }
            Status::Accepted => "every finding here is a risk the reviewer accepted",
            Status::Ok => "covered as agreed, with enough evidence: no finding",
        }
    }

    /// The status of a place with these findings.
    pub fn of(findings: &[&Finding]) -> Status {
        let open = findings
            .iter()
            .filter(|f| f.accepted.is_none())
            .map(|f| f.severity())
            .min();
        match open {
            Some(Severity::Gap) => Status::Gap,
            Some(Severity::Warning) => Status::Warning,
            None if findings.is_empty() => Status::Ok,
            None => Status::Accepted,
        }
    }
}

/// One row of the matrix: an entry of a hand-off, as written, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'s> {
    /// The hand-off's consumer id.
    pub consumer: &'s str,
    /// The hand-off's provider id.
    pub provider: &'s str,
    /// The hand-off's service.
    pub service: Option<&'s str>,
    /// The control id.
    pub control: &'s str,
    /// The control's name.
    pub control_name: &'s str,
    /// The control's family.
    pub family: Option<&'s str>,
    /// `agreed` as written (or set by a template).
    pub agreed: Option<Owner>,
    /// `assumed` as written.
    pub assumed: Option<Owner>,
    /// The evidence items as written, joined by `", "`; empty when not written.
    pub evidence: String,
    /// The entry's own `expires`.
    pub expires: Option<Date>,
    /// The evidence that counts on the analysis date, and why.
    pub in_force: String,
    /// The entry's `ref`.
    pub reference: Option<&'s str>,
    /// Whether the provider implements the control itself.
    pub provider_implements: bool,
    /// Whether the consumer implements the control itself.
    pub consumer_implements: bool,
    /// The worst finding here.
    pub status: Status,
    /// The findings' kinds and sides.
    pub findings: String,
    /// The findings' sentences.
    pub why: String,
    /// The documents the entry cites, one declaration a line ([`documents_cell`]).
    pub documents: String,
}

impl Row<'_> {
    /// The row's cells in [`COLUMNS`] order, as plain text (not yet escaped).
    pub fn cells(&self) -> [Cow<'_, str>; 18] {
        let owner = |o: Option<Owner>| Cow::Borrowed(o.map_or("", Owner::as_str));
        let yes = |b: bool| Cow::Borrowed(if b { "Yes" } else { "No" });
        [
            Cow::Borrowed(self.consumer),
            Cow::Borrowed(self.provider),
            Cow::Borrowed(self.service.unwrap_or("")),
            Cow::Borrowed(self.control),
            Cow::Borrowed(self.control_name),
            Cow::Borrowed(self.family.unwrap_or("")),
            owner(self.agreed),
            owner(self.assumed),
            Cow::Borrowed(&self.evidence),
            self.expires
                .map_or(Cow::Borrowed(""), |d| Cow::Owned(d.to_string())),
            Cow::Borrowed(&self.in_force),
            Cow::Borrowed(self.reference.unwrap_or("")),
            yes(self.provider_implements),
            yes(self.consumer_implements),
            Cow::Borrowed(self.status.as_str()),
            Cow::Borrowed(&self.findings),
            Cow::Borrowed(&self.why),
            Cow::Borrowed(&self.documents),
        ]
    }
}

/// Text from the stack as a spreadsheet cell may hold it: control, invisible and bidi characters
/// made visible with [`crate::text::escape`], line breaks kept (a cell holds several lines).
pub fn cell_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(crate::text::needs_escape) {
        return Cow::Borrowed(s);
    }
    let lines: Vec<Cow<str>> = s.split('\n').map(crate::text::escape).collect();
    Cow::Owned(lines.join("\n"))
}

/// The findings of each hand-off entry, keyed by (hand-off, control), in report order.
fn findings_by_entry<'r>(ctx: &Context<'r>) -> HashMap<(HandoffIdx, ControlIdx), Vec<&'r Finding>> {
    let mut by_entry: HashMap<(HandoffIdx, ControlIdx), Vec<&Finding>> = HashMap::new();
    for f in ctx.report.sorted(ctx.stack) {
        if let Some(h) = f.handoff() {
            by_entry.entry((h, f.control)).or_default().push(f);
        }
    }
    by_entry
}

/// The hand-offs in matrix order: consumer, provider, service (none first), ids as bytes.
pub fn handoff_order(stack: &Stack) -> Vec<HandoffIdx> {
    let mut order: Vec<HandoffIdx> = (0..stack.handoffs.len() as HandoffIdx).collect();
    order.sort_by(|&a, &b| {
        let key = |h: HandoffIdx| {
            let h = stack.handoff(h);
            (
                stack.party(h.consumer).id.as_bytes(),
                stack.party(h.provider).id.as_bytes(),
                h.service.as_deref().map(str::as_bytes),
            )
        };
        key(a).cmp(&key(b))
    });
    order
}

/// Every row of the matrix, in order.
pub fn rows<'s>(ctx: &Context<'s>) -> Vec<Row<'s>> {
    let stack = ctx.stack;
    let mut by_entry = findings_by_entry(ctx);
    let mut rows = Vec::new();
    for h in handoff_order(stack) {
        let handoff = stack.handoff(h);
        let mut entries: Vec<&Entry> = handoff.entries.iter().collect();
        entries.sort_by(|a, b| {
            let id = |e: &Entry| stack.control(e.control).id.as_bytes();
            id(a).cmp(id(b))
        });
        for e in entries {
            let findings = by_entry.remove(&(h, e.control)).unwrap_or_default();
            rows.push(row(ctx, h, e, &findings));
        }
    }
    rows
}

fn row<'s>(ctx: &Context<'s>, h: HandoffIdx, e: &'s Entry, findings: &[&Finding]) -> Row<'s> {
    let stack = ctx.stack;
    let handoff = stack.handoff(h);
    let control = stack.control(e.control);
    let mut why: Vec<String> = Vec::new();
    if e.from_template
        && let Some(model) = handoff.model
    {
        why.push(format!(
            "not written in the stack: `agreed` comes from the hand-off's {} template",
            model.as_str()
        ));
    }
    why.extend(findings.iter().map(|f| why_of(ctx, f)));
    Row {
        consumer: &stack.party(handoff.consumer).id,
        provider: &stack.party(handoff.provider).id,
        service: handoff.service.as_deref(),
        control: &control.id,
        control_name: &control.name,
        family: control.family.as_deref(),
        agreed: e.agreed,
        assumed: e.assumed,
        evidence: evidence_written(stack, e),
        expires: e.expires,
        in_force: evidence_in_force(stack, e, ctx.report.as_of),
        reference: e.reference.as_deref(),
        provider_implements: stack.party(handoff.provider).implements_control(e.control),
        consumer_implements: stack.party(handoff.consumer).implements_control(e.control),
        status: Status::of(findings),
        findings: findings
            .iter()
            .map(|f| finding_text(f))
            .collect::<Vec<_>>()
            .join("; "),
        why: why.join(" | "),
        documents: documents_cell(stack, e),
    }
}

/// A finding's kind with its side and whether it is accepted: `no-mans-land (consumer)`,
/// `not-delivered (consumer, accepted)`, `unassigned`.
pub fn finding_text(f: &Finding) -> String {
    let mut inside: Vec<&str> = f.side().map(|s| s.as_str()).into_iter().collect();
    if f.accepted.is_some() {
        inside.push("accepted");
    }
    if inside.is_empty() {
        f.kind.as_str().to_string()
    } else {
        format!("{} ({})", f.kind.as_str(), inside.join(", "))
    }
}

/// A finding's sentence; an accepted one adds the reason, ticket, who and until when.
pub fn why_of(ctx: &Context, f: &Finding) -> String {
    let stack = ctx.stack;
    let mut text = message(stack, f, ctx.report.min_evidence);
    if let Some(a) = f.accepted {
        let a = &stack.accepts[a as usize];
        text.push_str(&format!(" — accepted: {}", a.reason));
        let mut about: Vec<String> = Vec::new();
        about.extend(a.ticket.clone());
        about.extend(a.by.as_ref().map(|b| format!("by {b}")));
        about.extend(a.until.map(|u| format!("until {u}")));
        if !about.is_empty() {
            text.push_str(&format!(" ({})", about.join(", ")));
        }
    }
    text
}

/// The entry's evidence items exactly as written, joined by `", "`; empty when not written.
pub fn evidence_written(stack: &Stack, e: &Entry) -> String {
    e.evidence
        .items()
        .iter()
        .map(|c| c.as_str(&stack.documents))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `Evidence documents` cell: each document the entry cites, once, in citation order, as
/// the `[[evidence]]` declaration it has in the stack, written as a TOML key and inline table
/// on a line of its own: `soc2-2026 = { level = "attested", title = "SOC 2", expires =
/// 2027-01-15 }`. Strings are TOML basic strings in which every control, invisible or bidi
/// character is a `\uXXXX` escape, so the cell shows them and reads back exactly.
pub fn documents_cell(stack: &Stack, e: &Entry) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for c in e.evidence.items() {
        let Cite::Document(d) = *c else { continue };
        if seen.contains(&d) {
            continue;
        }
        seen.push(d);
        let doc = &stack.documents[d as usize];
        let mut fields = vec![format!("level = \"{}\"", doc.level)];
        let party = doc.party.map(|p| stack.party(p).id.clone());
        let texts = [
            ("title", &doc.title),
            ("issuer", &doc.issuer),
            ("party", &party),
        ];
        for (key, value) in texts {
            if let Some(v) = value {
                fields.push(format!("{key} = {}", toml_string(v)));
            }
        }
        for (key, date) in [("issued", doc.issued), ("expires", doc.expires)] {
            if let Some(date) = date {
                fields.push(format!("{key} = {date}"));
            }
        }
        if let Some(covers) = &doc.covers {
            let ids: Vec<String> = covers
                .iter()
                .map(|&c| toml_string(&stack.control(c).id))
                .collect();
            fields.push(format!("covers = [{}]", ids.join(", ")));
        }
        if let Some(r) = &doc.reference {
            fields.push(format!("ref = {}", toml_string(r)));
        }
        lines.push(format!(
            "{} = {{ {} }}",
            toml_key(&doc.id),
            fields.join(", ")
        ));
    }
    lines.join("\n")
}

/// A TOML key: bare when it may be, else a basic string.
fn toml_key(id: &str) -> String {
    let bare = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        id.to_string()
    } else {
        toml_string(id)
    }
}

/// A TOML basic string with every character a cell would hide escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if crate::text::needs_escape(c) => {
                let code = c as u32;
                if code <= 0xFFFF {
                    out.push_str(&format!("\\u{code:04X}"));
                } else {
                    out.push_str(&format!("\\U{code:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The evidence that counts on the analysis date, in words: `attested (soc2-2026 "SOC 2 Type
/// II", attested, expires 2027-01-15)`, `none — soc2-2025 expired 2026-10-31`, `contract
/// (default)`, `none — entry expired 2026-11-01`.
pub fn evidence_in_force(stack: &Stack, e: &Entry, as_of: Date) -> String {
    let docs = &stack.documents;
    let level = e.evidence(docs, as_of);
    let lapse = e.lapse(docs, as_of);
    if let Some(Lapse::Entry(date)) = lapse {
        return format!("{level} — entry expired {date}");
    }
    let mut text = level.to_string();
    if !e.evidence.is_written() {
        text.push_str(" (default)");
    }
    let in_force: Vec<String> = e
        .evidence
        .items()
        .iter()
        .filter_map(|c| match *c {
            Cite::Document(d) if !docs[d as usize].is_expired(as_of) => {
                Some(document_text(&docs[d as usize]))
            }
            _ => None,
        })
        .collect();
    if !in_force.is_empty() {
        text.push_str(&format!(" ({})", in_force.join("; ")));
    }
    if let Some(Lapse::Document(d, date)) = lapse {
        text.push_str(&format!(" — {} expired {date}", docs[d as usize].id));
    }
    text
}

/// `soc2-2026 "SOC 2 Type II", attested, expires 2027-01-15`.
fn document_text(doc: &crate::stack::Document) -> String {
    let mut text = doc.id.clone();
    if let Some(title) = &doc.title {
        text.push_str(&format!(" \"{title}\""));
    }
    text.push_str(&format!(", {}", doc.level));
    if let Some(date) = doc.expires {
        text.push_str(&format!(", expires {date}"));
    }
    text
}

/// One hand-off in the summary's ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffLine {
    /// `consumer → provider (service)`.
    pub label: String,
    /// The hand-off's `agreement`.
    pub agreement: Option<String>,
    /// The worst open finding (or accepted / OK).
    pub status: Status,
    /// Gaps not accepted.
    pub open_gaps: usize,
    /// Warnings not accepted.
    pub open_warnings: usize,
    /// Accepted findings.
    pub accepted: usize,
    /// Entries (rows) at the hand-off.
    pub controls: usize,
}

/// A party finding: a requirement with no row in the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnLine {
    /// The party.
    pub party: String,
    /// The control it requires.
    pub control: String,
    /// Open gap, or accepted.
    pub status: Status,
    /// The kind, as in `Findings`.
    pub finding: String,
    /// The sentence, as in `Why`.
    pub why: String,
}

/// An evidence document in the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLine<'s> {
    /// The document.
    pub document: &'s crate::stack::Document,
    /// Whose report it is.
    pub party: Option<&'s str>,
    /// Whether it is in force on the analysis date.
    pub in_force: bool,
    /// Entries that cite it (each once).
    pub entries: usize,
}

/// The summary a workbook opens with: provenance, what-ifs, counts, and where to look first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary<'s> {
    /// `[stack] name`.
    pub stack: &'s str,
    /// `[stack] description`.
    pub description: Option<&'s str>,
    /// The stack file as named on the command line.
    pub source: &'s str,
    /// SHA-256 of the stack file.
    pub sha256: &'s str,
    /// The stackgap version.
    pub version: &'static str,
    /// The analysis date.
    pub as_of: Date,
    /// The minimum evidence in force.
    pub min_evidence: Evidence,
    /// Whether the command line set the minimum evidence (else the stack's).
    pub min_evidence_overridden: bool,
    /// Parties switched off, as bytes order.
    pub without: Vec<&'s str>,
    /// The window of the expiring-evidence notes, in days.
    pub expiring_within: u32,
    /// Parties in the stack.
    pub parties: usize,
    /// Hand-offs in the stack.
    pub handoffs: usize,
    /// Rows of the matrix.
    pub entries: usize,
    /// Gaps not accepted.
    pub open_gaps: usize,
    /// Warnings not accepted.
    pub open_warnings: usize,
    /// Accepted findings (gaps and warnings).
    pub accepted: usize,
    /// Every hand-off, most open gaps first.
    pub ranking: Vec<HandoffLine>,
    /// Party findings: requirements nobody covers.
    pub own: Vec<OwnLine>,
    /// Evidence documents, in file order.
    pub documents: Vec<DocumentLine<'s>>,
    /// Evidence about to expire, one sentence each.
    pub expiring: Vec<String>,
    /// The other notes (cycles, layer inversions, accepts), one sentence each.
    pub notes: Vec<String>,
}

/// The summary of a matrix.
pub fn summary<'s>(ctx: &Context<'s>) -> Summary<'s> {
    let stack = ctx.stack;
    let report = ctx.report;
    let (mut open_gaps, mut open_warnings, mut accepted) = (0, 0, 0);
    for f in report.by_control.iter().flatten() {
        match (f.accepted.is_some(), f.severity()) {
            (true, _) => accepted += 1,
            (false, Severity::Gap) => open_gaps += 1,
            (false, Severity::Warning) => open_warnings += 1,
        }
    }
    let (expiring, notes): (Vec<&Note>, Vec<&Note>) = report
        .notes()
        .partition(|n| matches!(n, Note::EvidenceExpiring(_)));
    Summary {
        stack: &stack.name,
        description: stack.description.as_deref(),
        source: &stack.source.name,
        sha256: &stack.source.sha256,
        version: VERSION,
        as_of: report.as_of,
        min_evidence: report.min_evidence,
        min_evidence_overridden: ctx.what_if.min_evidence.is_some(),
        without: {
            let mut ids: Vec<&str> = ctx
                .what_if
                .without()
                .map(|p| stack.party(p).id.as_str())
                .collect();
            ids.sort_unstable();
            ids
        },
        expiring_within: ctx.what_if.expiring_within,
        parties: stack.parties.len(),
        handoffs: stack.handoffs.len(),
        entries: stack.handoffs.iter().map(|h| h.entries.len()).sum(),
        open_gaps,
        open_warnings,
        accepted,
        ranking: ranking(ctx),
        own: own_lines(ctx),
        documents: documents(ctx),
        expiring: expiring
            .into_iter()
            .filter_map(|n| match n {
                Note::EvidenceExpiring(x) => Some(expiring_text(stack, x)),
                _ => None,
            })
            .collect(),
        notes: notes
            .into_iter()
            .map(|n| super::text::note_text(ctx, n))
            .collect(),
    }
}

/// Every hand-off, most open gaps first, then most open warnings, then matrix order.
fn ranking(ctx: &Context) -> Vec<HandoffLine> {
    let stack = ctx.stack;
    let tally = tally_handoffs(stack, ctx.report);
    let mut accepted = vec![0usize; stack.handoffs.len()];
    for f in ctx.report.by_control.iter().flatten() {
        if let (Some(h), Some(_)) = (f.handoff(), f.accepted) {
            accepted[h as usize] += 1;
        }
    }
    let mut lines: Vec<HandoffLine> = handoff_order(stack)
        .into_iter()
        .map(|h| {
            let t = tally[h as usize];
            let status = match (t.worst(), accepted[h as usize]) {
                (Some(Severity::Gap), _) => Status::Gap,
                (Some(Severity::Warning), _) => Status::Warning,
                (None, 0) => Status::Ok,
                (None, _) => Status::Accepted,
            };
            HandoffLine {
                label: handoff_label(stack, h),
                agreement: stack.handoff(h).agreement.clone(),
                status,
                open_gaps: t.gaps,
                open_warnings: t.warnings,
                accepted: accepted[h as usize],
                controls: stack.handoff(h).entries.len(),
            }
        })
        .collect();
    // A stable sort keeps matrix order among equals.
    lines.sort_by_key(|l| std::cmp::Reverse((l.open_gaps, l.open_warnings)));
    lines
}

fn own_lines(ctx: &Context) -> Vec<OwnLine> {
    let stack = ctx.stack;
    ctx.report
        .sorted(stack)
        .into_iter()
        .filter_map(|f| match f.place {
            Place::Party(p) => Some(OwnLine {
                party: stack.party(p).id.clone(),
                control: stack.control(f.control).id.clone(),
                status: Status::of(&[f]),
                finding: finding_text(f),
                why: why_of(ctx, f),
            }),
            Place::Handoff { .. } => None,
        })
        .collect()
}

fn documents<'s>(ctx: &Context<'s>) -> Vec<DocumentLine<'s>> {
    let stack = ctx.stack;
    let mut citing = vec![0usize; stack.documents.len()];
    for e in stack.handoffs.iter().flat_map(|h| &h.entries) {
        let mut cited: Vec<u32> = e
            .evidence
            .items()
            .iter()
            .filter_map(|c| match *c {
                Cite::Document(d) => Some(d),
                Cite::Level(_) => None,
            })
            .collect();
        cited.sort_unstable();
        cited.dedup();
        for d in cited {
            citing[d as usize] += 1;
        }
    }
    stack
        .documents
        .iter()
        .zip(citing)
        .map(|(document, entries)| DocumentLine {
            document,
            party: document.party.map(|p| stack.party(p).id.as_str()),
            in_force: !document.is_expired(ctx.report.as_of),
            entries,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
