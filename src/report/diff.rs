//! `stackgap diff OLD NEW`: findings added, removed and changed between two versions of a stack,
//! for reviewing a change in a pull request. A place is (control, consumer, provider, service,
//! party, side) by id, as SPEC §6 defines it; a change is the same place with another kind, or
//! the same kind accepted in one version and not in the other: a pull request that adds or drops
//! an `[[accept]]` is exactly what its reviewer must see. A hand-off whose service was renamed —
//! the only hand-off between its pair in each version — is the same hand-off, so renaming a
//! service moves no finding.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde::Serialize;

use super::Context;
use crate::analysis::{Finding, Kind, Place, Severity, message};
use crate::text::escape;

/// A finding's place, by ids, so two versions of a stack can be compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PlaceKey {
    /// Consumer of the hand-off.
    pub consumer: Option<String>,
    /// Provider of the hand-off.
    pub provider: Option<String>,
    /// Service of the hand-off.
    pub service: Option<String>,
    /// Party, for a party finding.
    pub party: Option<String>,
    /// Control id.
    pub control: String,
    /// Side judged.
    pub side: Option<&'static str>,
}

/// One side of a difference.
#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    /// Finding kind.
    pub kind: &'static str,
    /// Gap or warning.
    pub severity: &'static str,
    /// Whether an `[[accept]]` covers it.
    pub accepted: bool,
    /// The reviewer's reason, when accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_reason: Option<String>,
    /// Why.
    pub message: String,
}

impl Seen {
    fn unaccepted_gap(&self) -> bool {
        self.severity == Severity::Gap.as_str() && !self.accepted
    }

    /// `not-delivered (gap, accepted)`: the kind, what it weighs and whether it is accepted.
    fn label(&self) -> String {
        let accepted = if self.accepted { ", accepted" } else { "" };
        format!("{} ({}{accepted})", self.kind, self.severity)
    }
}

/// One difference between the two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// `added`, `removed`, `changed` (another kind), or `accepted` / `unaccepted` (the same
    /// finding, an accept added or dropped).
    pub change: &'static str,
    /// Where.
    #[serde(flatten)]
    pub place: PlaceKey,
    /// The finding in the old version.
    pub old: Option<Seen>,
    /// The finding in the new version.
    pub new: Option<Seen>,
}

impl Change {
    /// Whether this change brings in a gap that is not accepted: a new gap, a place that was a
    /// warning and is now a gap, or a gap whose acceptance was dropped.
    pub fn adds_unaccepted_gap(&self) -> bool {
        self.new.as_ref().is_some_and(Seen::unaccepted_gap)
            && !self.old.as_ref().is_some_and(Seen::unaccepted_gap)
    }
}

/// A (consumer, provider) pair by ids.
type Pair = (String, String);

/// Each pair's services, one per hand-off between them.
fn services(ctx: &Context) -> HashMap<Pair, Vec<Option<String>>> {
    let stack = ctx.stack;
    let mut out: HashMap<Pair, Vec<Option<String>>> = HashMap::new();
    for h in &stack.handoffs {
        let pair = (
            stack.party(h.consumer).id.clone(),
            stack.party(h.provider).id.clone(),
        );
        out.entry(pair).or_default().push(h.service.clone());
    }
    out
}

/// The services renamed between the versions: for each pair with exactly one hand-off in each
/// and another service in the new one, the new service (two hand-offs between a pair are told
/// apart by their services, so a rename there cannot be told from a swap, and is not assumed).
pub fn renamed_services(old: &Context, new: &Context) -> HashMap<Pair, Option<String>> {
    let after = services(new);
    services(old)
        .into_iter()
        .filter_map(
            |(pair, before)| match (before.as_slice(), after.get(&pair)) {
                ([was], Some(now)) if now.len() == 1 && now[0] != *was => {
                    Some((pair, now[0].clone()))
                }
                _ => None,
            },
        )
        .collect()
}

fn key(ctx: &Context, f: &Finding, renamed: &HashMap<Pair, Option<String>>) -> PlaceKey {
    let stack = ctx.stack;
    let control = stack.control(f.control).id.clone();
    match f.place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            let pair = (
                stack.party(h.consumer).id.clone(),
                stack.party(h.provider).id.clone(),
            );
            let service = match renamed.get(&pair) {
                Some(now) => now.clone(),
                None => h.service.clone(),
            };
            PlaceKey {
                consumer: Some(pair.0),
                provider: Some(pair.1),
                service,
                party: None,
                control,
                side: side.map(|s| s.as_str()),
            }
        }
        Place::Party(p) => PlaceKey {
            consumer: None,
            provider: None,
            service: None,
            party: Some(stack.party(p).id.clone()),
            control,
            side: None,
        },
    }
}

fn seen(ctx: &Context, f: &Finding) -> Seen {
    Seen {
        kind: f.kind.as_str(),
        severity: f.severity().as_str(),
        accepted: f.accepted.is_some(),
        accepted_reason: f
            .accepted
            .map(|a| ctx.stack.accepts[a as usize].reason.clone()),
        message: message(ctx.stack, f, ctx.report.min_evidence),
    }
}

/// Each finding by its place; `renamed` gives a hand-off the service it has in the new version.
fn findings(
    ctx: &Context,
    renamed: &HashMap<Pair, Option<String>>,
) -> BTreeMap<PlaceKey, (Kind, Seen)> {
    ctx.report
        .by_control
        .iter()
        .flatten()
        .map(|f| (key(ctx, f, renamed), (f.kind, seen(ctx, f))))
        .collect()
}

/// The differences, in place order; a finding at a hand-off whose service was renamed is
/// placed under its new service.
pub fn diff(old: &Context, new: &Context) -> Vec<Change> {
    let before = findings(old, &renamed_services(old, new));
    let mut after = findings(new, &HashMap::new());
    let mut out = Vec::new();
    for (place, was) in before {
        let now = after.remove(&place);
        out.extend(classify(place, Some(was), now));
    }
    out.extend(
        after
            .into_iter()
            .filter_map(|(place, now)| classify(place, None, Some(now))),
    );
    out.sort_by(|a, b| a.place.cmp(&b.place));
    out
}

/// The change at one place between the finding there before and after, if any: SPEC §6: a
/// change is the same place with another kind. An accept added or dropped on an unchanged
/// finding is reported too, under its own name, so a pull request that silences or reopens a
/// risk does not pass unseen.
fn classify(
    place: PlaceKey,
    was: Option<(Kind, Seen)>,
    now: Option<(Kind, Seen)>,
) -> Option<Change> {
    let change = match (&was, &now) {
        (None, None) => return None,
        (Some(_), None) => "removed",
        (None, Some(_)) => "added",
        (Some((k0, _)), Some((k1, _))) if k0 != k1 => "changed",
        (Some((_, s0)), Some((_, s1))) if s0.accepted == s1.accepted => return None,
        (_, Some((_, s1))) if s1.accepted => "accepted",
        _ => "unaccepted",
    };
    Some(Change {
        change,
        place,
        old: was.map(|(_, s)| s),
        new: now.map(|(_, s)| s),
    })
}

/// The change between one finding of one version and the finding at the same place of the
/// other, for two versions with the same parties and hand-offs (an edited stack and the same
/// stack before the edit, as the explorer compares them): `None` when nothing changed there.
pub fn change_at(
    old: Option<(&Context, &Finding)>,
    new: Option<(&Context, &Finding)>,
) -> Option<Change> {
    let place = match (old, new) {
        (_, Some((ctx, f))) | (Some((ctx, f)), None) => key(ctx, f, &HashMap::new()),
        (None, None) => return None,
    };
    let side = |s: Option<(&Context, &Finding)>| s.map(|(ctx, f)| (f.kind, seen(ctx, f)));
    classify(place, side(old), side(new))
}

fn where_(p: &PlaceKey) -> String {
    match (&p.party, &p.consumer, &p.provider) {
        (Some(party), _, _) => format!("{party} (own requirement)"),
        (None, Some(c), Some(pr)) => {
            let service = p
                .service
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let side = p.side.map(|s| format!(", {s} side")).unwrap_or_default();
            format!("{c} → {pr}{service}{side}")
        }
        _ => String::new(),
    }
}

/// Text: one line per difference and a summary.
pub fn text(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let _ = writeln!(out, "{}", line(c));
    }
    let _ = writeln!(out, "{}", summary(changes));
    out
}

/// The sign a change's line starts with: `+` added, `-` removed, `~` otherwise.
pub fn sign(c: &Change) -> &'static str {
    match c.change {
        "added" => "+",
        "removed" => "-",
        _ => "~",
    }
}

/// One difference as the text output words it:
/// `+ added    C-1 not-delivered (gap) at app → db (postgres): why`.
pub fn line(c: &Change) -> String {
    format!(
        "{} at {}: {}",
        brief(c),
        escape(&where_(&c.place)),
        escape(&why(c))
    )
}

/// One difference without its place and why (for a screen that must not name parties):
/// `+ added    C-1 not-delivered (gap)`.
pub fn brief(c: &Change) -> String {
    let kinds = match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!("{} → {}", o.label(), n.label()),
        (Some(o), None) => o.label(),
        (None, Some(n)) => n.label(),
        (None, None) => String::new(),
    };
    format!(
        "{} {:<8} {} {kinds}",
        sign(c),
        c.change,
        escape(&c.place.control)
    )
}

/// The summary line: how many of each change, and the new unaccepted gaps.
pub fn summary(changes: &[Change]) -> String {
    let count = |w: &str| changes.iter().filter(|c| c.change == w).count();
    format!(
        "{} added, {} removed, {} changed, {} newly accepted, {} no longer accepted; {} new unaccepted gap(s)",
        count("added"),
        count("removed"),
        count("changed"),
        count("accepted"),
        count("unaccepted"),
        changes.iter().filter(|c| c.adds_unaccepted_gap()).count()
    )
}

/// The finding's message, in its newest version, with the reason when it is accepted.
fn why(c: &Change) -> String {
    let Some(s) = c.new.as_ref().or(c.old.as_ref()) else {
        return String::new();
    };
    match &s.accepted_reason {
        Some(reason) => format!("{} — accepted: {reason}", s.message),
        None => s.message.clone(),
    }
}

/// `no new gaps`, `1 new gap`, `2 new gaps`: the changes that bring in an unaccepted gap.
pub fn verdict(changes: &[Change]) -> String {
    match changes.iter().filter(|c| c.adds_unaccepted_gap()).count() {
        0 => "no new gaps".into(),
        1 => "1 new gap".into(),
        n => format!("{n} new gaps"),
    }
}

/// Markdown: a heading, the verdict, one table of changes, then where both versions came from
/// (a pull request comment must say which files, which date and which what-ifs it compared).
pub fn markdown(old: &Context, new: &Context, changes: &[Change]) -> String {
    let md = super::markdown::md;
    let mut out = format!("## stackgap diff: {}\n\n", md(&new.stack.name));
    let verdict = verdict(changes);
    let mut first = verdict.chars();
    let verdict: String = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect())
        .unwrap_or_default();
    let _ = writeln!(out, "**{verdict}.**\n");
    out.push_str(
        "| Change | Control | Where | Before | After | Why |\n|---|---|---|---|---|---|\n",
    );
    for c in changes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            c.change,
            md(&c.place.control),
            md(&where_(&c.place)),
            c.old.as_ref().map_or("—".into(), Seen::label),
            c.new.as_ref().map_or("—".into(), Seen::label),
            md(&why(c))
        );
    }
    if changes.is_empty() {
        out.push_str("\nNo findings added, removed or changed.\n");
    }
    let without = |c: &Context| {
        let ids = c.without_ids();
        if ids.is_empty() {
            "none".to_string()
        } else {
            md(&ids.join(", "))
        }
    };
    let _ = writeln!(out, "\n| | Before | After |\n|---|---|---|");
    let rows = [
        ("Stack", md(&old.stack.name), md(&new.stack.name)),
        (
            "Input SHA-256",
            format!("`{}`", old.stack.source.sha256),
            format!("`{}`", new.stack.source.sha256),
        ),
        (
            "Analysis date",
            old.report.as_of.to_string(),
            new.report.as_of.to_string(),
        ),
        (
            "Minimum evidence",
            old.report.min_evidence.to_string(),
            new.report.min_evidence.to_string(),
        ),
        ("Switched off", without(old), without(new)),
    ];
    for (k, before, after) in rows {
        let _ = writeln!(out, "| {k} | {before} | {after} |");
    }
    let _ = writeln!(out, "\nstackgap {}", super::VERSION);
    out
}

/// JSON: provenance of both sides and the list of changes.
pub fn json(old: &Context, new: &Context, changes: &[Change]) -> String {
    let side = |c: &Context| {
        serde_json::json!({
            "stack": c.stack.name,
            "input_sha256": c.stack.source.sha256,
            "as_of": c.report.as_of.to_string(),
            "min_evidence": c.report.min_evidence.as_str(),
            "without": c.without_ids(),
        })
    };
    let doc = serde_json::json!({
        "version": super::VERSION,
        "old": side(old),
        "new": side(new),
        "summary": {
            "added": changes.iter().filter(|c| c.change == "added").count(),
            "removed": changes.iter().filter(|c| c.change == "removed").count(),
            "changed": changes.iter().filter(|c| c.change == "changed").count(),
            "accepted": changes.iter().filter(|c| c.change == "accepted").count(),
            "unaccepted": changes.iter().filter(|c| c.change == "unaccepted").count(),
            "new_unaccepted_gaps": changes.iter().filter(|c| c.adds_unaccepted_gap()).count(),
        },
        "changes": changes,
    });
    super::json::pretty(&doc)
}
