//! What the engine reports, as comparable text: places, findings, notes and gap places, the
//! SPEC §4 sort key of a finding, and the weak-assurance findings apart from the others.

use super::*;

pub(super) fn side_word(side: Option<Side>) -> &'static str {
    side.map_or("-", Side::as_str)
}

/// A place as text: `consumer>provider[:service] SIDE` or `party:ID -`.
pub(super) fn place_key(stack: &Stack, place: Place) -> String {
    match place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            let service = h
                .service
                .as_deref()
                .map(|s| format!(":{s}"))
                .unwrap_or_default();
            format!(
                "{}>{}{service} {}",
                stack.party(h.consumer).id,
                stack.party(h.provider).id,
                side_word(side)
            )
        }
        Place::Party(p) => format!("party:{} -", stack.party(p).id),
    }
}

/// Everything SPEC §2 determines about a finding, as text.
pub(super) fn finding_key(stack: &Stack, f: &Finding) -> String {
    let roots: Vec<&str> = f
        .root_causes
        .iter()
        .map(|&p| stack.party(p).id.as_str())
        .collect();
    format!(
        "{} {} {} roots=[{}] circular={} assurance={} accepted={}",
        f.kind.as_str(),
        stack.control(f.control).id,
        place_key(stack, f.place),
        roots.join(","),
        f.circular,
        f.assurance.map_or("-", Evidence::as_str),
        f.accepted.is_some()
    )
}

/// Notes as text: `cycle a b`, `layer-inversion c>p[:service]`, `expired-accept N`, ….
pub(super) fn note_keys(stack: &Stack, report: &Report) -> BTreeSet<String> {
    report
        .notes()
        .map(|n| match n {
            Note::Cycle(ps) => {
                let ids: Vec<&str> = ps.iter().map(|&p| stack.party(p).id.as_str()).collect();
                format!("cycle {}", ids.join(" "))
            }
            Note::LayerInversion(h) => {
                let place = place_key(
                    stack,
                    Place::Handoff {
                        handoff: *h,
                        side: None,
                    },
                );
                format!("layer-inversion {}", place.trim_end_matches(" -"))
            }
            Note::ExpiredAccept(a) => format!("expired-accept {a}"),
            Note::StaleAccept(a) => format!("stale-accept {a}"),
            Note::EvidenceExpiring(x) => match x.what {
                stackgap::analysis::Expiry::Document(d) => format!(
                    "evidence-expiring {} {} entries={}",
                    stack.documents[d as usize].id, x.expires, x.entries
                ),
                stackgap::analysis::Expiry::Entry(h, e) => {
                    let place = place_key(
                        stack,
                        Place::Handoff {
                            handoff: h,
                            side: None,
                        },
                    );
                    let control = stack.handoff(h).entries[e as usize].control;
                    format!(
                        "evidence-expiring {} {} {} entries={}",
                        stack.control(control).id,
                        place.trim_end_matches(" -"),
                        x.expires,
                        x.entries
                    )
                }
            },
        })
        .collect()
}

pub(super) fn all_findings(report: &Report) -> impl Iterator<Item = &Finding> {
    report.by_control.iter().flatten()
}

/// The places (control + place) that are gaps.
pub(super) fn gap_places(stack: &Stack, report: &Report) -> BTreeSet<String> {
    all_findings(report)
        .filter(|f| f.kind.severity() == stackgap::analysis::Severity::Gap)
        .map(|f| {
            format!(
                "{} {}",
                stack.control(f.control).id,
                place_key(stack, f.place)
            )
        })
        .collect()
}

/// The SPEC §4 sort key of a finding: (group, consumer or party, provider, service, control, side).
pub(super) type OrderKey = (u8, Vec<u8>, Vec<u8>, Option<Vec<u8>>, Vec<u8>, u8);

/// The SPEC §4 sort key of a finding, from its ids.
pub(super) fn order_key(stack: &Stack, f: &Finding) -> OrderKey {
    let control = stack.control(f.control).id.as_bytes().to_vec();
    match f.place {
        Place::Handoff { handoff, side } => {
            let h = stack.handoff(handoff);
            let side = match side {
                None => 0,
                Some(Side::Provider) => 1,
                Some(Side::Consumer) => 2,
            };
            (
                0,
                stack.party(h.consumer).id.as_bytes().to_vec(),
                stack.party(h.provider).id.as_bytes().to_vec(),
                h.service.as_ref().map(|s| s.as_bytes().to_vec()),
                control,
                side,
            )
        }
        Place::Party(p) => (
            1,
            stack.party(p).id.as_bytes().to_vec(),
            vec![],
            None,
            control,
            0,
        ),
    }
}

/// The keys of the weak-assurance findings (without their assurance), and of all the others.
pub(super) fn split_weak(stack: &Stack, report: &Report) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut weak = BTreeSet::new();
    let mut other = BTreeSet::new();
    for f in all_findings(report) {
        let key = finding_key(stack, f);
        if f.kind == Kind::WeakAssurance {
            weak.insert(key.split(" assurance=").next().unwrap_or("").to_string());
        } else {
            other.insert(key);
        }
    }
    (weak, other)
}
