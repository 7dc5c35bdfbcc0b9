//! The stack model: the TOML as written ([`raw`]), its validation ([`load`]), the built-in
//! controls ([`catalog`]) and the validated [`Stack`] the rest of stackgap works on.

pub mod catalog;
pub mod load;
mod model;
pub mod raw;

pub use load::{Diagnostic, LoadError, load_bytes, load_demo, load_path, load_str};
pub use model::*;
