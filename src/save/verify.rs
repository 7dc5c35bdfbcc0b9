//! Checking the result before it reaches the disk: the rewritten text is loaded like any stack
//! file and must say what the screen shows — the same parties, hand-offs, entries, `implements`
//! and accepts, and the same findings — or nothing is written.

use std::collections::BTreeMap;
use std::path::Path;

use super::edits::{Fields, handoff_name, same_accept};
use crate::analysis::{WhatIf, analyse};
use crate::date::Date;
use crate::stack::load::DEMO_NAME;
use crate::stack::{Stack, load_str};

/// Loads the new text and checks it says what `current` says: same entries, implements and
/// accepts, and the same findings.
pub(super) fn verify(text: &str, original: &Stack, current: &Stack) -> Result<(), String> {
    let name = &original.source.name;
    let base = (name != "-" && name != DEMO_NAME).then(|| {
        Path::new(name)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf()
    });
    let loaded =
        load_str(text, name, base.as_deref()).map_err(|e| format!("it does not load: {e}"))?;
    if loaded.parties.len() != current.parties.len()
        || loaded.handoffs.len() != current.handoffs.len()
        || loaded.controls.len() != current.controls.len()
        || loaded.accepts.len() != current.accepts.len()
    {
        return Err("it has other parties, hand-offs, controls or accepts".into());
    }
    for (i, (l, c)) in loaded.controls.iter().zip(&current.controls).enumerate() {
        if l.id != c.id {
            return Err(format!("control number {} differs", i + 1));
        }
    }
    for (l, c) in loaded.parties.iter().zip(&current.parties) {
        if l.id != c.id || l.implements() != c.implements() || l.requires != c.requires {
            return Err(format!("party `{}` differs", c.id));
        }
    }
    for (i, (l, c)) in loaded.handoffs.iter().zip(&current.handoffs).enumerate() {
        let entries = |st: &Stack, h: &crate::stack::Handoff| -> BTreeMap<u32, Fields> {
            h.entries
                .iter()
                .map(|e| (e.control, Fields::of(st, e)))
                .collect()
        };
        if l.consumer != c.consumer
            || l.provider != c.provider
            || l.service != c.service
            || l.model != c.model
            || l.entries.len() != c.entries.len()
            || entries(&loaded, l) != entries(current, c)
        {
            return Err(format!("hand-off {} differs", handoff_name(current, i)));
        }
    }
    for (l, c) in loaded.accepts.iter().zip(&current.accepts) {
        if !same_accept(l, c) {
            return Err(format!(
                "the [[accept]] for `{}` differs",
                current.control(c.control).id
            ));
        }
    }
    let today = Date::today();
    if analyse(&loaded, &WhatIf::new(&loaded, today))
        != analyse(current, &WhatIf::new(current, today))
    {
        return Err("it analyses to other findings".into());
    }
    Ok(())
}
