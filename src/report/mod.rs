//! Report rendering: a [`Report`] and its stack → text, JSON or Markdown. One file per format;
//! each escapes every string from the stack for its own medium.

pub mod json;
pub mod markdown;
pub mod schema;
pub mod text;

use crate::analysis::{BlastRadius, Report, WhatIf};
use crate::stack::{HandoffIdx, Stack};

/// Everything a report needs: the stack, its analysis and the what-ifs it was made under.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The stack analysed.
    pub stack: &'a Stack,
    /// Its findings and notes.
    pub report: &'a Report,
    /// The what-ifs in force.
    pub what_if: &'a WhatIf,
    /// Blast radius, when asked for.
    pub blast: Option<&'a [BlastRadius]>,
}

impl Context<'_> {
    /// The ids of the parties switched off, sorted as bytes.
    pub fn without_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .what_if
            .without()
            .map(|p| self.stack.party(p).id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// `consumer → provider` with ` (service)` when the hand-off has one.
pub fn handoff_label(stack: &Stack, h: HandoffIdx) -> String {
    let h = stack.handoff(h);
    let mut s = format!(
        "{} → {}",
        stack.party(h.consumer).id,
        stack.party(h.provider).id
    );
    if let Some(service) = &h.service {
        s.push_str(&format!(" ({service})"));
    }
    s
}

/// The stackgap version written into every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
