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
pub mod report;
pub mod save;
pub mod stack;
pub mod text;
pub mod tui;
