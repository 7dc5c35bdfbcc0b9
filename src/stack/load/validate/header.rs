//! `[stack]`: where the controls come from and the least evidence that counts as assured (its
//! name and description need no check).

use super::{LEVELS, Validator};
use crate::stack::raw::RawHeader;
use crate::stack::{CatalogSource, Evidence};
use crate::text::suggest;

impl Validator<'_> {
    /// The catalog source and the minimum evidence (`contract` when not given).
    pub(super) fn header(&mut self, header: &RawHeader) -> (CatalogSource, Evidence) {
        let catalog = match &header.catalog {
            None => CatalogSource::Builtin,
            Some(c) if c.get_ref() == "builtin" => CatalogSource::Builtin,
            Some(c) if c.get_ref() == "none" => CatalogSource::None,
            Some(c) if c.get_ref().starts_with("oscal:") => {
                CatalogSource::Oscal(c.get_ref()["oscal:".len()..].to_string())
            }
            Some(c) => {
                self.error(
                    c.span().start,
                    format!(
                        "invalid catalog {:?}: expected `builtin`, `none` or `oscal:PATH`",
                        c.get_ref()
                    ),
                    suggest(c.get_ref(), ["builtin", "none"])
                        .map(|s| format!("did you mean `{s}`?")),
                );
                CatalogSource::Builtin
            }
        };
        let min_evidence = header
            .min_evidence
            .as_ref()
            .and_then(|m| self.enumeration(m, "min_evidence", Evidence::parse, &LEVELS))
            .unwrap_or(Evidence::Contract);
        (catalog, min_evidence)
    }
}
