//! The stack model: the TOML as written ([`raw`]), its validation ([`load`]), the built-in
//! controls ([`catalog`]), the finding kinds a file may accept ([`Kind`]) and the validated
//! [`Stack`] the rest of stackgap works on. It depends on nothing of the analysis.

pub mod catalog;
mod kind;
pub mod load;
mod model;
pub mod raw;

pub use kind::{Kind, Severity};
pub use load::{Diagnostic, LoadError, load_bytes, load_demo, load_path, load_str, read_stack};
pub use model::*;
