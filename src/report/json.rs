//! `--format json`: the machine-readable report of SPEC §4, byte-for-byte stable for the same
//! input and options.

use serde::Serialize;

use super::Context;
use crate::analysis::{Note, Place, message};
use crate::stack::Stack;
use crate::text::needs_escape;

#[derive(Serialize)]
struct JsonReport<'a> {
    stack: &'a str,
    version: &'static str,
    input_sha256: &'a str,
    as_of: String,
    min_evidence: &'static str,
    without: Vec<&'a str>,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    notes: Vec<JsonNote<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blast_radius: Option<Vec<JsonBlast<'a>>>,
}

#[derive(Serialize)]
struct Summary {
    parties: usize,
    handoffs: usize,
    gaps: usize,
    warnings: usize,
    accepted: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: &'static str,
    kind: &'static str,
    control: &'a str,
    consumer: Option<&'a str>,
    provider: Option<&'a str>,
    service: Option<&'a str>,
    party: Option<&'a str>,
    side: Option<&'static str>,
    root_causes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    root_causes_total: Option<usize>,
    circular: bool,
    accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assurance: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expired: Option<String>,
    message: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonNote<'a> {
    Cycle {
        kind: &'static str,
        parties: Vec<&'a str>,
    },
    Handoff {
        kind: &'static str,
        consumer: &'a str,
        provider: &'a str,
        service: Option<&'a str>,
    },
    Accept {
        kind: &'static str,
        control: &'a str,
        finding_kind: &'static str,
        line: u32,
        until: Option<String>,
    },
}

#[derive(Serialize)]
struct JsonBlast<'a> {
    party: &'a str,
    gaps_added: usize,
}

/// Most root causes listed per finding; `root_causes_total` gives the full count.
const MAX_ROOT_CAUSES: usize = 100;

/// Renders the JSON report, pretty-printed, ending in a newline.
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let counts = report.counts();
    let findings = report
        .sorted(stack)
        .into_iter()
        .map(|f| {
            let (consumer, provider, service, party) = match f.place {
                Place::Handoff { handoff, .. } => {
                    let h = stack.handoff(handoff);
                    (
                        Some(id(stack, h.consumer)),
                        Some(id(stack, h.provider)),
                        h.service.as_deref(),
                        None,
                    )
                }
                Place::Party(p) => (None, None, None, Some(id(stack, p))),
            };
            JsonFinding {
                severity: f.severity().as_str(),
                kind: f.kind.as_str(),
                control: &stack.control(f.control).id,
                consumer,
                provider,
                service,
                party,
                side: f.side().map(|s| s.as_str()),
                root_causes: f
                    .root_causes
                    .iter()
                    .take(MAX_ROOT_CAUSES)
                    .map(|&p| id(stack, p))
                    .collect(),
                root_causes_total: (f.kind == crate::analysis::Kind::BrokenChain)
                    .then_some(f.root_causes.len()),
                circular: f.circular,
                accepted: f.accepted.is_some(),
                accepted_reason: f
                    .accepted
                    .map(|a| stack.accepts[a as usize].reason.as_str()),
                assurance: f.assurance.map(|a| a.as_str()),
                expired: f.expired.map(|(_, d)| d.to_string()),
                message: message(stack, f, report.min_evidence),
            }
        })
        .collect();
    let notes = report
        .notes()
        .map(|n| match n {
            Note::Cycle(parties) => JsonNote::Cycle {
                kind: n.kind(),
                parties: parties.iter().map(|&p| id(stack, p)).collect(),
            },
            Note::LayerInversion(h) => {
                let h = stack.handoff(*h);
                JsonNote::Handoff {
                    kind: n.kind(),
                    consumer: id(stack, h.consumer),
                    provider: id(stack, h.provider),
                    service: h.service.as_deref(),
                }
            }
            Note::ExpiredAccept(a) | Note::StaleAccept(a) => {
                let a = &stack.accepts[*a as usize];
                JsonNote::Accept {
                    kind: n.kind(),
                    control: &stack.control(a.control).id,
                    finding_kind: a.kind.as_str(),
                    line: a.line,
                    until: a.until.map(|u| u.to_string()),
                }
            }
        })
        .collect();
    let out = JsonReport {
        stack: &stack.name,
        version: super::VERSION,
        input_sha256: &stack.source.sha256,
        as_of: report.as_of.to_string(),
        min_evidence: report.min_evidence.as_str(),
        without: ctx.without_ids(),
        summary: Summary {
            parties: stack.parties.len(),
            handoffs: stack.handoffs.len(),
            gaps: counts.gaps,
            warnings: counts.warnings,
            accepted: counts.accepted,
        },
        findings,
        notes,
        blast_radius: ctx.blast.map(|b| {
            b.iter()
                .map(|b| JsonBlast {
                    party: id(stack, b.party),
                    gaps_added: b.gaps_added,
                })
                .collect()
        }),
    };
    let mut text =
        serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    escape_invisible(text)
}

fn id(stack: &Stack, p: u32) -> &str {
    &stack.party(p).id
}

/// JSON already escapes C0 controls; escape C1 controls and invisible or bidi characters too,
/// so printing the report on a terminal cannot reorder or hide text. They can only occur inside
/// strings, where `\uXXXX` means the same character.
pub fn escape_invisible(text: String) -> String {
    // Printable ASCII (and newlines) needs nothing: checking bytes first keeps big reports fast.
    if !text.bytes().any(|b| b >= 0x7f || (b < 0x20 && b != b'\n'))
        || !text.chars().any(|c| needs_escape(c) && c != '\n')
    {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) && c != '\n' {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    out
}
