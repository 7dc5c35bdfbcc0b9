//! stackgap finds the security gaps at the hand-offs of a provider dependency stack: where the
//! agreement and the consumer's assumption differ, where a provider's promise rests on a
//! sub-provider that never made it, and where coverage rests on nothing stronger than an
//! assumption.
//!
//! ```
//! use stackgap::analysis::{analyse, WhatIf};
//! use stackgap::date::Date;
//!
//! let stack = stackgap::stack::load_str(r#"
//!     [stack]
//!     name = "example"
//!     catalog = "none"
//!     [[control]]
//!     id = "BK"
//!     name = "Backups"
//!     [[party]]
//!     id = "shop"
//!     [[party]]
//!     id = "saas"
//!     [[handoff]]
//!     consumer = "shop"
//!     provider = "saas"
//!     controls = { BK = { assumed = "provider", agreed = "consumer" } }
//! "#, "example.toml", None).expect("a valid stack");
//! let report = analyse(&stack, &WhatIf::new(&stack, Date::today()));
//! let findings = report.sorted(&stack);
//! assert_eq!(findings[0].kind.as_str(), "no-mans-land");
//! assert_eq!(report.counts().gaps, 1);
//! ```

pub mod analysis;
pub mod date;
pub mod import;
pub mod report;
pub mod save;
pub mod stack;
pub mod text;
pub mod tui;

/// Loads bytes as a stack file and, when they load, analyses them and renders every report:
/// the path hostile input takes. Shared by the fuzz target and the bounded fuzz test.
#[doc(hidden)]
pub fn exercise(bytes: &[u8]) {
    let Ok(stack) = stack::load_bytes(bytes, "fuzz.toml", None) else {
        return;
    };
    let what_if = analysis::WhatIf::new(
        &stack,
        date::Date::new(2026, 11, 28).unwrap_or(date::Date::today()),
    );
    let report = analysis::analyse(&stack, &what_if);
    let small = stack.parties.len() <= 64;
    let blast = small.then(|| analysis::blast_radius(&stack, &what_if));
    let fix = small.then(|| analysis::fix_first(&stack, &what_if, &report));
    let ctx = report::Context {
        stack: &stack,
        report: &report,
        what_if: &what_if,
        blast: blast.as_deref(),
        fix_first: fix.as_deref(),
    };
    let _ = report::text::render(&ctx, true);
    let _ = report::json::render(&ctx);
    let _ = report::markdown::render(&ctx);
    let _ = report::sarif::render(&ctx);
    let _ = report::html::render(&ctx);
    let _ = report::dot::render(&ctx);
    let _ = report::csv::render(&ctx);
    let _ = report::xlsx::render(&ctx);
}
