//! What the hand-off pane says about the selected row, derived in `update` whenever the row or
//! the findings change: the hand-off's controls with their status and why (gaps first), then the
//! party's own requirements. Every string from the stack is escaped here, once.

use unicode_width::UnicodeWidthStr;

use crate::analysis::{Finding, Kind, Place, Report, Severity, WhatIf, message};
use crate::stack::{ControlIdx, Entry, HandoffIdx, Owner, PartyIdx, Stack};
use crate::text::{count, escape};

use super::theme::Theme;
use super::tree::Row;

/// What a line of the pane lets the user edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A control listed at a hand-off.
    Entry {
        /// The hand-off.
        handoff: HandoffIdx,
        /// The entry's position in it.
        entry: u32,
    },
    /// A control the party itself requires.
    Requirement {
        /// The party.
        party: PartyIdx,
    },
}

/// One control line of the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What editing it changes.
    pub target: Target,
    /// The control.
    pub control: ControlIdx,
    /// The control's id, escaped.
    pub id: String,
    /// The control's name, escaped.
    pub name: String,
    /// The worst finding here; `None` when covered.
    pub severity: Option<Severity>,
    /// Whether there are findings here and every one of them is an accepted risk.
    pub accepted: bool,
    /// The status in words (kind, side, accepted).
    pub status: String,
    /// `agreed`, or the unset mark; followed by ` T` when a responsibility template set it.
    pub agreed: String,
    /// The hand-off's template (`model`), when this entry comes from it rather than the file.
    pub template: Option<&'static str>,
    /// `assumed`, or the unset mark.
    pub assumed: String,
    /// The evidence: as written, `(default)` in parentheses, or `expired`.
    pub evidence: String,
    /// Why: one sentence per finding (or where it is handled), escaped.
    pub why: Vec<String>,
    /// For a requirement handled by the party itself or at its hand-offs (no finding of its
    /// own): where, in a few words for the item's line (`→ provider (service)`, one per
    /// hand-off; empty when the party implements it), which then needs no line of why unless
    /// selected. `None` for everything else.
    pub brief: Option<String>,
}

/// The content of the hand-off pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspect {
    /// The first line: the hand-off or the party.
    pub title: String,
    /// Facts under the title: names and layers, agreement, notes.
    pub facts: Vec<String>,
    /// The controls of the hand-off, then the requirements of the party.
    pub items: Vec<Item>,
    /// Where the requirements start in `items`.
    pub requirements_at: usize,
    /// The heading of the requirements section.
    pub requirements_heading: String,
    /// The heading of the hand-off's controls; empty for a root row.
    pub controls_heading: String,
    /// What the items' id column holds: `CONTROL`, or `HAND-OFF` in the control view.
    pub id_heading: &'static str,
    /// The widest control id of the stack (escaped): the requirements' id column, the same
    /// for every party.
    pub control_id_width: usize,
}

fn owner(o: Option<Owner>, theme: Theme) -> String {
    o.map_or(theme.unset(), Owner::as_str).to_string()
}

fn evidence(stack: &Stack, e: &Entry, as_of: crate::date::Date) -> String {
    // The level it had and the date it expired are in the finding's why; the words alone keep
    // the column narrow enough for the one-line table.
    let written = || {
        let items: Vec<&str> = e
            .evidence
            .items()
            .iter()
            .map(|c| c.as_str(&stack.documents))
            .collect();
        escape(&items.join(", ")).into_owned()
    };
    match e.lapse(&stack.documents, as_of) {
        Some(crate::stack::Lapse::Entry(_)) => "expired".to_string(),
        Some(crate::stack::Lapse::Document(..)) => format!("expired: {}", written()),
        None if e.evidence.is_written() => written(),
        None => format!("({})", e.stated_evidence(&stack.documents)),
    }
}

fn all_accepted(fs: &[&Finding]) -> bool {
    !fs.is_empty() && fs.iter().all(|f| f.accepted.is_some())
}

/// The severity a line shows: the worst open finding's; when every finding is accepted, the
/// worst of those (the line is then marked accepted, not open).
fn worst(fs: &[&Finding]) -> Option<Severity> {
    let open = fs.iter().filter(|f| f.accepted.is_none());
    open.map(|f| f.severity())
        .min()
        .or_else(|| fs.iter().map(|f| f.severity()).min())
}

/// A finding's status word: its kind, its side when the entry is shared, and "accepted".
fn status_of(f: &Finding, both_sides: bool) -> String {
    let mut s = f.kind.as_str().to_string();
    if let (true, Some(side)) = (both_sides, f.side()) {
        s.push_str(&format!(" ({})", side.as_str()));
    }
    if f.accepted.is_some() {
        s.push_str(", accepted");
    }
    s
}

fn why_of(
    stack: &Stack,
    report: &Report,
    f: &Finding,
    both_sides: bool,
    theme: Theme,
) -> Vec<String> {
    // The engine's sentences use → and …; under --ascii they are spelled in ASCII.
    let text = theme
        .plain(&message(stack, f, report.min_evidence))
        .into_owned();
    let mut lines = Vec::new();
    // The reason first: a line cut to one row still says why the risk was accepted.
    if let Some(a) = f.accepted.and_then(|i| stack.accepts.get(i as usize)) {
        let until = a.until.map(|d| format!(" until {d}")).unwrap_or_default();
        lines.push(format!(
            "{} accepted{until}: {}",
            theme.mark(None),
            escape(&a.reason)
        ));
    }
    lines.push(match (both_sides, f.side()) {
        (true, Some(side)) => format!("{} side: {}", side.as_str(), escape(&text)),
        _ => escape(&text).into_owned(),
    });
    lines
}

/// Builds the pane for a row (nothing for no row).
pub fn build(
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    row: Option<&Row>,
    theme: Theme,
) -> Inspect {
    let Some(row) = row else {
        return Inspect::default();
    };
    let mut out = Inspect {
        id_heading: "CONTROL",
        ..Inspect::default()
    };
    let party = row.party;
    let p = stack.party(party);
    if let Some(h) = row.handoff {
        handoff_part(&mut out, stack, report, what_if, h, theme);
    } else {
        out.title = escape(&p.id).into_owned();
        out.facts.push(format!(
            "{} ({})",
            escape(&p.name),
            layer_name(stack, party)
        ));
    }
    if what_if.is_off(party) {
        out.facts.push(format!(
            "{} is switched off (what-if x): it delivers nothing",
            escape(&p.id)
        ));
    }
    if let Some(n) = &p.notes {
        out.facts.push(format!("notes: {}", escape(n)));
    }
    out.requirements_at = out.items.len();
    out.requirements_heading = format!("Requirements of {} ({})", escape(&p.id), p.requires.len());
    out.control_id_width = stack
        .controls
        .iter()
        .map(|c| UnicodeWidthStr::width(escape(&c.id).as_ref()))
        .max()
        .unwrap_or(0);
    for &c in &p.requires {
        out.items
            .push(requirement_item(stack, report, what_if, party, c, theme));
    }
    out
}

/// A party's layer, in words.
fn layer_name(stack: &Stack, p: PartyIdx) -> String {
    stack
        .layer_of(p)
        .map(|l| escape(&stack.layers[l as usize].id).into_owned())
        .unwrap_or_else(|| "no layer".into())
}

/// The hand-off part of a row's pane: its title, facts and controls, gaps first.
fn handoff_part(
    out: &mut Inspect,
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    h: HandoffIdx,
    theme: Theme,
) {
    let ho = stack.handoff(h);
    // The row shows the hand-off's provider.
    let party = ho.provider;
    let p = stack.party(party);
    let c = stack.party(ho.consumer);
    out.title = format!(
        "{} {} {}{}",
        escape(&c.id),
        theme.arrow(),
        escape(&p.id),
        ho.service
            .as_deref()
            .map(|s| format!(" {} {}", theme.dot(), escape(s)))
            .unwrap_or_default()
    );
    out.facts.push(format!(
        "{} ({}) {} {} ({})",
        escape(&c.name),
        layer_name(stack, ho.consumer),
        theme.arrow(),
        escape(&p.name),
        layer_name(stack, party)
    ));
    if let Some(a) = &ho.agreement {
        out.facts.push(format!("agreement: {}", escape(a)));
    }
    if let Some(m) = ho.model {
        out.facts.push(format!(
            "template: {} (the entries it adds are marked T)",
            m.as_str()
        ));
    }
    if matches!((stack.layer_of(party), stack.layer_of(ho.consumer)), (Some(pl), Some(cl)) if stack.layers_declared && pl < cl)
    {
        out.facts
            .push("note: layer inversion (the provider sits above its consumer)".into());
    }
    out.controls_heading = format!(
        "Controls at this hand-off ({}), gaps first",
        ho.entries.len()
    );
    let mut items: Vec<Item> = ho
        .entries
        .iter()
        .enumerate()
        .map(|(ei, e)| entry_item(stack, report, what_if, h, ei as u32, e, theme))
        .collect();
    // Open gaps, open warnings, accepted ones, then covered.
    items.sort_by_key(|i| i.severity.map_or(4, |s| s as u8 + 2 * u8::from(i.accepted)));
    out.items = items;
}

fn entry_item(
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    h: HandoffIdx,
    ei: u32,
    e: &Entry,
    theme: Theme,
) -> Item {
    let findings: Vec<&Finding> = report.by_control[e.control as usize]
        .iter()
        .filter(|f| f.handoff() == Some(h))
        .collect();
    let both = findings.len() > 1;
    let status = match findings.as_slice() {
        [] => "covered".to_string(),
        fs => fs
            .iter()
            .map(|f| status_of(f, both))
            .collect::<Vec<_>>()
            .join(" + "),
    };
    let control = stack.control(e.control);
    Item {
        target: Target::Entry {
            handoff: h,
            entry: ei,
        },
        control: e.control,
        id: escape(&control.id).into_owned(),
        name: escape(&control.name).into_owned(),
        severity: worst(&findings),
        accepted: all_accepted(&findings),
        status,
        agreed: if e.from_template {
            format!("{} T", owner(e.agreed, theme))
        } else {
            owner(e.agreed, theme)
        },
        template: stack
            .handoff(h)
            .model
            .filter(|_| e.from_template)
            .map(|m| m.as_str()),
        assumed: owner(e.assumed, theme),
        evidence: evidence(stack, e, what_if.as_of),
        brief: None,
        why: findings
            .iter()
            .flat_map(|f| why_of(stack, report, f, both, theme))
            .chain(entry_sources(stack, e, what_if.as_of, theme))
            .collect(),
    }
}

/// Where an entry's word comes from: its `ref`, and each document it cites with its title,
/// level and dates (escaped).
fn entry_sources(stack: &Stack, e: &Entry, as_of: crate::date::Date, theme: Theme) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(r) = &e.reference {
        lines.push(format!("ref: {}", escape(r)));
    }
    for c in e.evidence.items() {
        if let crate::stack::Cite::Document(d) = *c {
            lines.push(document_line(stack, d, as_of, theme));
        }
    }
    lines
}

/// A document in one line: `id: title · attested · SOC 2 issuer · expires 2027-01-15 · ref`.
pub fn document_line(
    stack: &Stack,
    d: crate::stack::DocumentIdx,
    as_of: crate::date::Date,
    theme: Theme,
) -> String {
    let doc = &stack.documents[d as usize];
    let mut parts = vec![format!("evidence {}", escape(&doc.id))];
    parts.extend(doc.title.as_deref().map(|t| escape(t).into_owned()));
    parts.push(doc.level.as_str().to_string());
    parts.extend(doc.issuer.as_deref().map(|i| format!("by {}", escape(i))));
    if let Some(x) = doc.expires {
        parts.push(if doc.is_expired(as_of) {
            format!("expired {x}")
        } else {
            format!("expires {x}")
        });
    }
    parts.extend(doc.reference.as_deref().map(|r| escape(r).into_owned()));
    parts.join(theme.sep())
}

fn requirement_item(
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    party: PartyIdx,
    c: ControlIdx,
    theme: Theme,
) -> Item {
    let control = stack.control(c);
    let mut item = Item {
        target: Target::Requirement { party },
        control: c,
        id: escape(&control.id).into_owned(),
        name: escape(&control.name).into_owned(),
        severity: None,
        accepted: false,
        status: String::new(),
        agreed: String::new(),
        template: None,
        assumed: String::new(),
        evidence: String::new(),
        why: Vec::new(),
        brief: None,
    };
    let own: Vec<&Finding> = report.by_control[c as usize]
        .iter()
        .filter(|f| f.place == Place::Party(party))
        .collect();
    if !own.is_empty() {
        item.severity = worst(&own);
        item.accepted = all_accepted(&own);
        item.status = own
            .iter()
            .map(|f| status_of(f, false))
            .collect::<Vec<_>>()
            .join(" + ");
        item.why = own
            .iter()
            .flat_map(|f| match f.kind {
                // The row names the party and the control already: the reason, in words that
                // read the same for every party.
                Kind::Unassigned if f.accepted.is_none() => {
                    vec!["nobody does it: not implemented here, listed at no hand-off".to_string()]
                }
                _ => why_of(stack, report, f, false, theme),
            })
            .collect();
        return item;
    }
    if stack.party(party).implements_control(c) && !what_if.is_off(party) {
        item.status = "implements it".into();
        // The pane is about this party: its id and the control's are on screen already (and
        // a line that reads the same for every party costs nothing to redraw over SSH).
        item.why.push("this party operates it itself".into());
        item.brief = Some(String::new());
        return item;
    }
    at_handoffs(&mut item, stack, report, party, c, theme);
    item
}

/// A requirement the party has no finding of its own for: how it fares at the hand-offs that
/// list it, and where they lead.
fn at_handoffs(
    item: &mut Item,
    stack: &Stack,
    report: &Report,
    party: PartyIdx,
    c: ControlIdx,
    theme: Theme,
) {
    let at: Vec<HandoffIdx> = stack.index().entries_of[c as usize]
        .iter()
        .map(|&(h, _)| h)
        .filter(|&h| stack.handoff(h).consumer == party)
        .collect();
    let findings: Vec<&Finding> = report.by_control[c as usize]
        .iter()
        .filter(|f| f.handoff().is_some_and(|h| at.contains(&h)))
        .collect();
    item.severity = worst(&findings);
    item.accepted = all_accepted(&findings);
    item.status = match (item.severity, item.accepted) {
        (None, _) => "covered".into(),
        (Some(_), true) => "accepted at hand-off".into(),
        (Some(s), false) => format!("{} at hand-off", s.as_str()),
    };
    let mut briefs = Vec::new();
    for h in at {
        let ho = stack.handoff(h);
        let to = format!(
            "{} {}{}",
            theme.arrow(),
            escape(&stack.party(ho.provider).id),
            ho.service
                .as_deref()
                .map(|s| format!(" ({})", escape(s)))
                .unwrap_or_default()
        );
        item.why.push(format!("listed at its hand-off {to}"));
        briefs.push(to);
    }
    item.brief = Some(briefs.join(", "));
}
/// The place of a hand-off in words: `consumer → provider · service`, escaped.
fn handoff_name(stack: &Stack, h: HandoffIdx, theme: Theme) -> String {
    let ho = stack.handoff(h);
    format!(
        "{} {} {}{}",
        escape(&stack.party(ho.consumer).id),
        theme.arrow(),
        escape(&stack.party(ho.provider).id),
        ho.service
            .as_deref()
            .map(|s| format!(" {} {}", theme.dot(), escape(s)))
            .unwrap_or_default()
    )
}

/// What the control view's pane says first of a control: its open gaps and warnings across the
/// stack with the accepted ones apart, or that it is covered wherever it is in scope, or in
/// scope nowhere (which is not covered: nobody asked).
fn control_summary(stack: &Stack, findings: &[Finding], c: ControlIdx) -> String {
    let ix = stack.index();
    let (listed, required) = (
        ix.entries_of[c as usize].len(),
        ix.requirers[c as usize].len(),
    );
    if findings.is_empty() {
        return if listed + required == 0 {
            "not in scope anywhere: no hand-off lists it and no party requires it".to_string()
        } else {
            format!(
                "covered wherever it is in scope: listed at {}, required by {}",
                count(listed, "hand-off", "hand-offs"),
                count(required, "party", "parties")
            )
        };
    }
    let open = |sev: Severity| {
        findings
            .iter()
            .filter(|f| f.accepted.is_none() && f.severity() == sev)
            .count()
    };
    let accepted = findings.iter().filter(|f| f.accepted.is_some()).count();
    let accepted = if accepted > 0 {
        format!(", {accepted} accepted")
    } else {
        String::new()
    };
    format!(
        "{} and {} open across the stack{accepted}; Enter on a place shows it in the tree",
        count(open(Severity::Gap), "gap", "gaps"),
        count(open(Severity::Warning), "warning", "warnings"),
    )
}

/// The control view's pane: every place where a control is a gap or warning, with the why,
/// gaps first; then the parties whose own requirement of it is a finding.
pub fn build_control(
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    c: ControlIdx,
    theme: Theme,
) -> Inspect {
    let control = stack.control(c);
    let findings = &report.by_control[c as usize];
    let mut out = Inspect {
        title: format!(
            "{} {} {}",
            escape(&control.id),
            theme.dot(),
            escape(&control.name)
        ),
        id_heading: "HAND-OFF",
        ..Inspect::default()
    };
    out.facts.push(control_summary(stack, findings, c));
    let mut handoffs: Vec<HandoffIdx> = Vec::new();
    let mut parties: Vec<PartyIdx> = Vec::new();
    for f in findings {
        match f.place {
            Place::Handoff { handoff, .. } if !handoffs.contains(&handoff) => {
                handoffs.push(handoff)
            }
            Place::Party(p) if !parties.contains(&p) => parties.push(p),
            _ => {}
        }
    }
    let ix = stack.index();
    let mut items: Vec<Item> = handoffs
        .iter()
        .filter_map(|&h| {
            let &(_, ei) = ix.entries_of[c as usize].iter().find(|&&(eh, _)| eh == h)?;
            let e = &stack.handoff(h).entries[ei as usize];
            let mut item = entry_item(stack, report, what_if, h, ei, e, theme);
            item.id = handoff_name(stack, h, theme);
            Some(item)
        })
        .collect();
    items.sort_by_key(|i| i.severity.map_or(4, |s| s as u8 + 2 * u8::from(i.accepted)));
    out.controls_heading = format!("Hand-offs where it is a gap or warning ({})", items.len());
    out.items = items;
    out.requirements_at = out.items.len();
    out.requirements_heading = format!(
        "Parties whose own requirement of it is a gap or warning ({})",
        parties.len()
    );
    for p in parties {
        let mut item = requirement_item(stack, report, what_if, p, c, theme);
        item.id = escape(&stack.party(p).id).into_owned();
        out.items.push(item);
    }
    out
}

/// The pane for evidence about to expire: the document (or the entry's own date) and every
/// entry that rests on it, those delivering assurance first.
pub fn build_expiring(
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    x: &crate::analysis::Expiring,
    theme: Theme,
) -> Inspect {
    use crate::analysis::Expiry;
    let mut out = Inspect {
        id_heading: "CONTROL AT",
        ..Inspect::default()
    };
    let when = format!(
        "expires on {}, in {} day{}",
        x.expires,
        x.days_left,
        if x.days_left == 1 { "" } else { "s" }
    );
    let mut places: Vec<(HandoffIdx, u32)> = Vec::new();
    match x.what {
        Expiry::Document(d) => {
            let doc = &stack.documents[d as usize];
            out.title = match &doc.title {
                Some(t) => format!("evidence {}{}{}", escape(&doc.id), theme.sep(), escape(t)),
                None => format!("evidence {}", escape(&doc.id)),
            };
            let mut about = vec![doc.level.as_str().to_string()];
            about.extend(doc.issuer.as_deref().map(|i| format!("by {}", escape(i))));
            about.extend(doc.issued.map(|i| format!("issued {i}")));
            about.extend(
                doc.party
                    .map(|p| format!("report of {}", escape(&stack.party(p).id))),
            );
            out.facts.push(about.join(theme.sep()));
            if let Some(r) = &doc.reference {
                out.facts.push(format!("ref: {}", escape(r)));
            }
            out.facts.push(format!(
                "{when}; {} delivering assurance {} on it; Enter on one shows it in the tree",
                count(x.entries, "entry", "entries"),
                if x.entries == 1 { "rests" } else { "rest" }
            ));
            places.extend_from_slice(&stack.index().citing[d as usize]);
        }
        Expiry::Entry(h, e) => {
            let control = stack.handoff(h).entries[e as usize].control;
            out.title = format!(
                "{} at {}",
                escape(&stack.control(control).id),
                handoff_name(stack, h, theme)
            );
            out.facts.push(format!("the entry's own evidence {when}"));
            places.push((h, e));
        }
    }
    let delivers = |&(h, e): &(HandoffIdx, u32)| {
        matches!(
            stack.handoff(h).entries[e as usize].owner(),
            Some(Owner::Provider | Owner::Shared)
        )
    };
    places.sort_by_key(|p| !delivers(p));
    out.controls_heading = format!("Entries resting on it ({})", places.len());
    out.items = places
        .into_iter()
        .map(|(h, e)| {
            let entry = &stack.handoff(h).entries[e as usize];
            let mut item = entry_item(stack, report, what_if, h, e, entry, theme);
            // The control varies from entry to entry here: it leads, the hand-off follows.
            item.id = format!("{} {}", item.id, handoff_name(stack, h, theme));
            item
        })
        .collect();
    out.requirements_at = out.items.len();
    out
}

/// The lines for places listed by control (what a party's failure would break): each place's
/// control at its hand-off (with the side when the entry is shared, as both sides can break),
/// or as its party requires it.
pub fn place_items(
    stack: &Stack,
    report: &Report,
    what_if: &WhatIf,
    places: &[(ControlIdx, Place)],
    theme: Theme,
) -> Vec<Item> {
    let ix = stack.index();
    places
        .iter()
        .filter_map(|&(c, place)| match place {
            Place::Handoff { handoff: h, side } => {
                let &(_, ei) = ix.entries_of[c as usize].iter().find(|&&(eh, _)| eh == h)?;
                let e = &stack.handoff(h).entries[ei as usize];
                let mut item = entry_item(stack, report, what_if, h, ei, e, theme);
                let side = match (e.owner(), side) {
                    (Some(Owner::Shared), Some(s)) => format!(" ({} side)", s.as_str()),
                    _ => String::new(),
                };
                item.id = format!("{} {}{side}", item.id, handoff_name(stack, h, theme));
                Some(item)
            }
            Place::Party(p) => {
                let mut item = requirement_item(stack, report, what_if, p, c, theme);
                item.id = format!(
                    "{} of {}",
                    escape(&stack.control(c).id),
                    escape(&stack.party(p).id)
                );
                Some(item)
            }
        })
        .collect()
}

/// A finding as one line of Markdown, for pasting into a review (`y`): severity, kind, control,
/// place and why; every string from the stack escaped for Markdown.
pub fn finding_markdown(stack: &Stack, report: &Report, f: &Finding) -> String {
    use crate::report::markdown::md;
    let control = stack.control(f.control);
    let place = match f.place {
        Place::Handoff { handoff, side } => {
            let ho = stack.handoff(handoff);
            format!(
                "{} → {}{}{}",
                md(&stack.party(ho.consumer).id),
                md(&stack.party(ho.provider).id),
                ho.service
                    .as_deref()
                    .map(|s| format!(" ({})", md(s)))
                    .unwrap_or_default(),
                side.map(|s| format!(", {} side", s.as_str()))
                    .unwrap_or_default()
            )
        }
        Place::Party(p) => format!("{} (its own requirement)", md(&stack.party(p).id)),
    };
    let mut line = format!(
        "**{}** {} {} ({}) at {}: {}",
        f.severity().as_str(),
        f.kind.as_str(),
        md(&control.id),
        md(&control.name),
        place,
        md(&message(stack, f, report.min_evidence))
    );
    if let Some(a) = f.accepted.and_then(|i| stack.accepts.get(i as usize)) {
        line.push_str(&format!(" — accepted: {}", md(&a.reason)));
    }
    line
}
