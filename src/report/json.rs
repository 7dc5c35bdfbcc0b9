//! `--format json`: the machine-readable report of SPEC §4, byte-for-byte stable for the same
//! input and options. Beyond SPEC §4, each control id has its name (and a finding its family)
//! beside it; no field of §4 changes.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::ser::{Formatter, PrettyFormatter};

use super::Context;
use crate::analysis::{Expiry, Finding, Note, Place, message};
use crate::stack::{Lapse, Stack};
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
    findings: Lazy<'a>,
    notes: Vec<JsonNote<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blast_radius: Option<Vec<JsonBlast<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix_first: Option<Vec<JsonFix<'a>>>,
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
    control_name: &'a str,
    control_family: Option<&'a str>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_evidence: Option<&'a str>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
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
        control_name: &'a str,
        finding_kind: &'static str,
        line: u32,
        until: Option<String>,
    },
    Expiring {
        kind: &'static str,
        evidence: Option<&'a str>,
        consumer: Option<&'a str>,
        provider: Option<&'a str>,
        service: Option<&'a str>,
        control: Option<&'a str>,
        control_name: Option<&'a str>,
        expires: String,
        days_left: i64,
        entries: usize,
    },
}

#[derive(Serialize)]
struct JsonBlast<'a> {
    party: &'a str,
    gaps_added: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    party: &'a str,
    control: &'a str,
    control_name: &'a str,
    gaps_closed: usize,
}

/// Most root causes listed per finding; `root_causes_total` gives the full count.
const MAX_ROOT_CAUSES: usize = 100;

/// The findings in report order, turned into JSON objects one at a time as they are written
/// (a 10k-party stack has tens of thousands; none are held as JSON at once).
struct Lazy<'a> {
    stack: &'a Stack,
    report: &'a crate::analysis::Report,
    sorted: Vec<&'a Finding>,
}

impl Serialize for Lazy<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.sorted
                .iter()
                .map(|&f| finding(self.stack, self.report, f)),
        )
    }
}

fn finding<'a>(
    stack: &'a Stack,
    report: &crate::analysis::Report,
    f: &'a Finding,
) -> JsonFinding<'a> {
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
    let control = stack.control(f.control);
    JsonFinding {
        severity: f.severity().as_str(),
        kind: f.kind.as_str(),
        control: &control.id,
        control_name: &control.name,
        control_family: control.family.as_deref(),
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
        expired: f.expired.map(|(_, l)| l.date().to_string()),
        expired_evidence: f.expired.and_then(|(_, l)| match l {
            Lapse::Document(d, _) => Some(stack.documents[d as usize].id.as_str()),
            Lapse::Entry(_) => None,
        }),
        reference: super::reference(stack, f),
        message: message(stack, f, report.min_evidence),
    }
}

/// Renders the JSON report, pretty-printed, ending in a newline.
pub fn render(ctx: &Context) -> String {
    let mut out = Vec::new();
    write(ctx, &mut out).expect("stackgap's JSON values always serialise into memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the JSON report, pretty-printed and ending in a newline, as [`render`] returns it.
pub fn write(ctx: &Context, out: &mut impl Write) -> io::Result<()> {
    let stack = ctx.stack;
    let report = ctx.report;
    let counts = report.counts();
    let findings = Lazy {
        stack,
        report,
        sorted: report.sorted(stack),
    };
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
                    control_name: &stack.control(a.control).name,
                    finding_kind: a.kind.as_str(),
                    line: a.line,
                    until: a.until.map(|u| u.to_string()),
                }
            }
            Note::EvidenceExpiring(x) => {
                let (evidence, place) = match x.what {
                    Expiry::Document(d) => (Some(stack.documents[d as usize].id.as_str()), None),
                    Expiry::Entry(h, e) => (None, Some((stack.handoff(h), e))),
                };
                JsonNote::Expiring {
                    kind: n.kind(),
                    evidence,
                    consumer: place.map(|(h, _)| id(stack, h.consumer)),
                    provider: place.map(|(h, _)| id(stack, h.provider)),
                    service: place.and_then(|(h, _)| h.service.as_deref()),
                    control: place
                        .map(|(h, e)| stack.control(h.entries[e as usize].control).id.as_str()),
                    control_name: place
                        .map(|(h, e)| stack.control(h.entries[e as usize].control).name.as_str()),
                    expires: x.expires.to_string(),
                    days_left: x.days_left,
                    entries: x.entries,
                }
            }
        })
        .collect();
    let json = JsonReport {
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
        fix_first: ctx.fix_first.map(|fix| {
            fix.iter()
                .map(|f| JsonFix {
                    party: id(stack, f.party),
                    control: &stack.control(f.control).id,
                    control_name: &stack.control(f.control).name,
                    gaps_closed: f.gaps_closed,
                })
                .collect()
        }),
    };
    write_pretty(&json, out)
}

/// Any value as stackgap writes JSON (the report, SARIF, diff): pretty-printed, ending in a
/// newline, with control, invisible and bidi characters inside strings escaped.
pub fn write_pretty(value: &impl Serialize, out: &mut impl Write) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, Visible(PrettyFormatter::new()));
    // serde_json hands back the writer's own error (a closed pipe stays a BrokenPipe).
    value.serialize(&mut serializer).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// [`write_pretty`] into a string.
pub fn pretty(value: &impl Serialize) -> String {
    let mut out = Vec::new();
    write_pretty(value, &mut out).expect("stackgap's JSON values always serialise into memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// serde_json's pretty printer, except that control, invisible and bidi characters inside
/// strings are written as `\uXXXX` escapes (serde_json escapes only those below U+0020), so the
/// report is safe to show on a terminal.
struct Visible(PrettyFormatter<'static>);

impl Formatter for Visible {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return w.write_all(s.as_bytes());
        }
        let mut from = 0;
        for (i, c) in s.char_indices() {
            if needs_escape(c) {
                w.write_all(&s.as_bytes()[from..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                from = i + c.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[from..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn id(stack: &Stack, p: u32) -> &str {
    &stack.party(p).id
}
