//! SARIF 2.1.0 for code-scanning tools: each finding located at the line of its entry, hand-off
//! or party in the stack file, so a pull request shows it inline. The file's URI is relative to
//! a root the caller chose (docs/ci.md); each result carries a fingerprint of what it is about,
//! not of its line, so moving an entry does not open a new alert; accepted findings are
//! suppressed with the accept's reason, or left out.

use std::path::{Component, Path};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Context;
use crate::analysis::{Finding, Kind, Place, Severity, message};
use crate::stack::{Accept, Stack};

/// The name `originalUriBaseIds` gives the root, as GitHub code scanning expects it.
pub const SRCROOT: &str = "%SRCROOT%";

/// The key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT: &str = "stackgapFinding/v1";

/// What to do with a finding an `[[accept]]` covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accepted {
    /// A result with a suppression (status `accepted`) that carries the accept.
    #[default]
    Suppress,
    /// No result at all.
    Omit,
}

/// Where the stack file is and what to do with accepted findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The stack file as a URI reference: relative to `root` when there is one.
    pub uri: String,
    /// The absolute `file:` URI (ending in `/`) `uri` is relative to, written as `%SRCROOT%`.
    pub root: Option<String>,
    /// Accepted findings.
    pub accepted: Accepted,
}

impl Options {
    /// The file as named on the command line ([`artifact_uri`]), no root, accepted findings
    /// suppressed.
    pub fn named(name: &str) -> Options {
        Options {
            uri: artifact_uri(name),
            root: None,
            accepted: Accepted::Suppress,
        }
    }
}

/// Renders the SARIF log with the stack file as named on the command line.
pub fn render(ctx: &Context) -> String {
    render_with(ctx, &Options::named(&ctx.stack.source.name))
}

/// Renders the SARIF log, pretty-printed, ending in a newline.
pub fn render_with(ctx: &Context, options: &Options) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let mut artifact = json!({ "uri": options.uri });
    if options.root.is_some() {
        artifact["uriBaseId"] = json!(SRCROOT);
    }
    let location = |line: u32| {
        json!({ "physicalLocation": {
            "artifactLocation": artifact,
            "region": { "startLine": line.max(1) }
        }})
    };
    let rules: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.as_str(),
                "name": k.as_str(),
                "shortDescription": { "text": rule_text(*k) },
                "defaultConfiguration": { "level": level(k.severity()) },
                "properties": { "tags": ["security"] }
            })
        })
        .collect();
    let findings: Vec<&Finding> = report
        .sorted(stack)
        .into_iter()
        .filter(|f| f.accepted.is_none() || options.accepted == Accepted::Suppress)
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let place = place_name(stack, f);
            let control = stack.control(f.control);
            let mut result = json!({
                "ruleId": f.kind.as_str(),
                "level": level(f.severity()),
                "message": { "text": format!("{}: {}", super::text::described_control(control), message(stack, f, report.min_evidence)) },
                "locations": [location(line_of(stack, f))],
                "partialFingerprints": { FINGERPRINT: fingerprint(stack, f) },
                "taxa": [{ "id": control.id, "toolComponent": { "name": TAXONOMY } }],
                "properties": {
                    "control": control.id,
                    "control_name": control.name,
                    "control_family": control.family,
                    "severity": f.severity().as_str()
                }
            });
            result["locations"][0]["logicalLocations"] = json!([{ "name": place, "kind": "module" }]);
            if let Some(r) = super::reference(stack, f) {
                result["properties"]["ref"] = json!(r);
            }
            if let Some(a) = f.accepted {
                let a = &stack.accepts[a as usize];
                result["suppressions"] = json!([suppression(a, location(a.line))]);
            }
            result
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "stackgap",
            "version": super::VERSION,
            "semanticVersion": super::VERSION,
            "rules": rules,
            "supportedTaxonomies": [{ "name": TAXONOMY }]
        }},
        "taxonomies": [taxonomy(stack, &findings)],
        "artifacts": [{ "location": artifact, "hashes": { "sha-256": stack.source.sha256 } }],
        "results": results,
        "properties": {
            "stack": stack.name,
            "input_sha256": stack.source.sha256,
            "as_of": report.as_of.to_string(),
            "min_evidence": report.min_evidence.as_str(),
            "without": ctx.without_ids(),
            "accepted": match options.accepted {
                Accepted::Suppress => "suppress",
                Accepted::Omit => "omit",
            }
        }
    });
    if let Some(root) = &options.root {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": root } });
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run]
    });
    super::json::pretty(&log)
}

/// The name of the taxonomy of the stack's controls, which each result points into.
const TAXONOMY: &str = "stackgap controls";

/// The controls the results are about, each with its name and family: SARIF's way to say
/// which requirement a result breaks, beside the rule that says how.
fn taxonomy(stack: &Stack, findings: &[&Finding]) -> Value {
    let mut used: Vec<u32> = findings.iter().map(|f| f.control).collect();
    used.sort_unstable_by(|&a, &b| stack.control(a).id.cmp(&stack.control(b).id));
    used.dedup();
    let taxa: Vec<Value> = used
        .iter()
        .map(|&c| {
            let c = stack.control(c);
            let mut taxon = json!({
                "id": c.id,
                "name": c.name,
                "shortDescription": { "text": c.name },
                "properties": { "family": c.family }
            });
            if let Some(d) = &c.description {
                taxon["fullDescription"] = json!({ "text": d });
            }
            taxon
        })
        .collect();
    json!({ "name": TAXONOMY, "version": super::VERSION, "taxa": taxa })
}

/// The suppression of an accepted finding: the reason as justification, the `[[accept]]` as its
/// location, and its until, by and ticket when it gives them.
fn suppression(a: &Accept, at: Value) -> Value {
    let mut properties = serde_json::Map::new();
    if let Some(until) = a.until {
        properties.insert("until".into(), json!(until.to_string()));
    }
    if let Some(by) = &a.by {
        properties.insert("by".into(), json!(by));
    }
    if let Some(ticket) = &a.ticket {
        properties.insert("ticket".into(), json!(ticket));
    }
    // The accept is written in the stack file itself, the artefact analysed: `inSource`.
    json!({
        "kind": "inSource",
        "status": "accepted",
        "justification": a.reason,
        "location": at,
        "properties": properties
    })
}

/// The line a finding points at: its entry, else its hand-off, else its party.
fn line_of(stack: &Stack, f: &Finding) -> u32 {
    match f.place {
        Place::Handoff { handoff, .. } => {
            let h = stack.handoff(handoff);
            h.entries
                .iter()
                .find(|e| e.control == f.control)
                .map_or(h.line, |e| e.line)
        }
        Place::Party(p) => stack.party(p).line,
    }
}

/// `consumer>provider:service:side`, or `party:ID`.
fn place_name(stack: &Stack, f: &Finding) -> String {
    match f.place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            format!(
                "{}>{}:{}:{}",
                stack.party(h.consumer).id,
                stack.party(h.provider).id,
                h.service.as_deref().unwrap_or(""),
                side.map_or("", |s| s.as_str())
            )
        }
        Place::Party(p) => format!("party:{}", stack.party(p).id),
    }
}

/// What a finding is about, hashed: its control, its place by ids and its kind — never its
/// line, so an entry moved to another line keeps its alert.
fn fingerprint(stack: &Stack, f: &Finding) -> String {
    let (consumer, provider, service, party, side) = match f.place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            (
                Some(stack.party(h.consumer).id.as_str()),
                Some(stack.party(h.provider).id.as_str()),
                h.service.as_deref(),
                None,
                side.map(|s| s.as_str()),
            )
        }
        Place::Party(p) => (None, None, None, Some(stack.party(p).id.as_str()), None),
    };
    // A JSON array keeps the parts apart whatever characters the ids hold.
    let key = json!([
        stack.control(f.control).id,
        consumer,
        provider,
        service,
        party,
        side,
        f.kind.as_str()
    ]);
    Sha256::digest(key.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The stack file as a SARIF `uri`, which must be a URI reference: a relative path stays
/// relative (code-scanning tools resolve it against the repository), an absolute one becomes a
/// `file:` URI, and anything outside the unreserved characters is percent-encoded, so a space,
/// `#` or `%` in a file name cannot turn into a fragment or a broken escape.
pub fn artifact_uri(name: &str) -> String {
    if name == "-" {
        return "stdin.toml".into();
    }
    let path = name.replace('\\', "/");
    let drive =
        path.len() >= 3 && path.as_bytes()[0].is_ascii_alphabetic() && path[1..].starts_with(":/");
    let (prefix, keep_colon) = if path.starts_with('/') {
        ("file://", true)
    } else if drive {
        ("file:///", true)
    } else {
        // In a relative reference, a `:` in the first segment would read as a scheme.
        ("", false)
    };
    let mut uri = String::from(prefix);
    encode(&path, keep_colon, &mut uri);
    uri
}

/// A path below a root (no `..`, no root of its own) as a relative URI reference, its segments
/// percent-encoded and joined by `/`; `None` for any other path.
pub fn relative_uri(path: &Path) -> Option<String> {
    let mut uri = String::new();
    for part in path.components() {
        let Component::Normal(segment) = part else {
            return None;
        };
        if !uri.is_empty() {
            uri.push('/');
        }
        encode(&segment.to_string_lossy(), false, &mut uri);
    }
    (!uri.is_empty()).then_some(uri)
}

/// An absolute folder as a `file:` URI ending in `/`, as `originalUriBaseIds` wants a root.
pub fn folder_uri(folder: &Path) -> String {
    let mut uri = artifact_uri(&folder.display().to_string());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes everything but the unreserved characters and `/` (and `:` when asked).
fn encode(path: &str, keep_colon: bool, uri: &mut String) {
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (keep_colon && b == b':') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Gap => "error",
        Severity::Warning => "warning",
    }
}

fn rule_text(k: Kind) -> &'static str {
    match k {
        Kind::Unassigned => "Nobody is responsible for the control",
        Kind::NoMansLand => "Each side thinks the other one delivers the control",
        Kind::BrokenChain => {
            "The control is handed on, but the chain ends where nobody delivers it"
        }
        Kind::NotDelivered => "The responsible party neither delivers the control nor hands it on",
        Kind::Misunderstanding => "Covered, but not by whom the consumer believes",
        Kind::Unconfirmed => "Covered only by assumption: no agreement says so",
        Kind::WeakAssurance => "Covered, but with assurance below the minimum evidence",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_uri_references() {
        for (name, uri) in [
            ("-", "stdin.toml"),
            ("stacks/demo.toml", "stacks/demo.toml"),
            ("./my stack#2.toml", "./my%20stack%232.toml"),
            ("100%.toml", "100%25.toml"),
            ("a:b.toml", "a%3Ab.toml"),
            ("/srv/stacks/vendor.toml", "file:///srv/stacks/vendor.toml"),
            ("C:\\stacks\\vendor.toml", "file:///C:/stacks/vendor.toml"),
            ("stacks/émile.toml", "stacks/%C3%A9mile.toml"),
        ] {
            assert_eq!(artifact_uri(name), uri, "{name}");
        }
    }

    #[test]
    fn paths_below_a_root_are_relative_references() {
        for (path, uri) in [
            ("stacks/prod.toml", Some("stacks/prod.toml")),
            ("a:b/my stack#2.toml", Some("a%3Ab/my%20stack%232.toml")),
            ("../outside.toml", None),
            ("/etc/stack.toml", None),
            ("", None),
        ] {
            assert_eq!(relative_uri(Path::new(path)).as_deref(), uri, "{path}");
        }
        assert_eq!(folder_uri(Path::new("/srv/repo")), "file:///srv/repo/");
        assert_eq!(folder_uri(Path::new("/")), "file:///");
    }
}
