//! SARIF 2.1.0 for code-scanning tools: each finding located at the line of its entry, hand-off
//! or party in the stack file, so a pull request shows it inline. Accepted findings carry a
//! suppression with the reviewer's reason.

use serde_json::{Value, json};

use super::Context;
use crate::analysis::{Kind, Place, Severity, message};

/// Renders the SARIF log, pretty-printed, ending in a newline.
pub fn render(ctx: &Context) -> String {
    let stack = ctx.stack;
    let report = ctx.report;
    let uri = artifact_uri(&stack.source.name);
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
    let results: Vec<Value> = report
        .sorted(stack)
        .into_iter()
        .map(|f| {
            let line = match f.place {
                Place::Handoff { handoff, .. } => {
                    let h = stack.handoff(handoff);
                    h.entries.iter().find(|e| e.control == f.control).map_or(h.line, |e| e.line)
                }
                Place::Party(p) => stack.party(p).line,
            };
            let place = match f.place {
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
            };
            let control = &stack.control(f.control).id;
            let mut result = json!({
                "ruleId": f.kind.as_str(),
                "level": level(f.severity()),
                "message": { "text": format!("{control}: {}", message(stack, f, report.min_evidence)) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": line.max(1) }
                    },
                    "logicalLocations": [{ "name": place, "kind": "module" }]
                }],
                "partialFingerprints": { "stackgapPlace/v1": format!("{control}@{place}") },
                "properties": { "control": control, "severity": f.severity().as_str() }
            });
            if let Some(r) = super::reference(stack, f) {
                result["properties"]["ref"] = json!(r);
            }
            if let Some(a) = f.accepted {
                let a = &stack.accepts[a as usize];
                result["suppressions"] = json!([{ "kind": "external", "justification": a.reason }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stackgap",
                "version": super::VERSION,
                "semanticVersion": super::VERSION,
                "rules": rules
            }},
            "artifacts": [{ "location": { "uri": uri }, "hashes": { "sha-256": stack.source.sha256 } }],
            "results": results,
            "properties": {
                "stack": stack.name,
                "input_sha256": stack.source.sha256,
                "as_of": report.as_of.to_string(),
                "min_evidence": report.min_evidence.as_str(),
                "without": ctx.without_ids()
            }
        }]
    });
    super::json::pretty(&log)
}

/// The stack file as a SARIF `uri`, which must be a URI reference: a relative path stays
/// relative (code-scanning tools resolve it against the repository), an absolute one becomes a
/// `file:` URI, and anything outside the unreserved characters is percent-encoded, so a space,
/// `#` or `%` in a file name cannot turn into a fragment or a broken escape.
fn artifact_uri(name: &str) -> String {
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
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (keep_colon && b == b':') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
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
    use super::artifact_uri;

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
}
