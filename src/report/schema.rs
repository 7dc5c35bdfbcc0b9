//! `stackgap schema`: a JSON Schema (draft 2020-12) of the stack format, so editors (taplo,
//! Even Better TOML with a `#:schema` line) flag unknown keys and bad values as the user types.

/// The schema, as printed by `stackgap schema`.
pub const SCHEMA: &str = include_str!("stack.schema.json");
