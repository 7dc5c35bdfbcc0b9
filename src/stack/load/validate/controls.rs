//! `[[control]]`: the controls of the catalog the stack names, then the file's own, whose ids
//! must be new.

use std::path::Path;

use toml::Spanned;

use super::{Ids, Validator};
use crate::stack::load::oscal;
use crate::stack::raw::RawControl;
use crate::stack::{CatalogSource, Control, catalog};

impl Validator<'_> {
    /// Every control available to the stack; `catalog_at` is where `catalog` is written, for an
    /// OSCAL catalog that cannot be read.
    pub(super) fn controls(
        &mut self,
        raw: Vec<Spanned<RawControl>>,
        source: &CatalogSource,
        catalog_at: usize,
        base_dir: Option<&Path>,
    ) -> (Vec<Control>, Ids) {
        let mut controls = Vec::new();
        if let CatalogSource::Oscal(path) = source {
            // An unknown control's error then names the catalog it is not in.
            self.oscal = Some(path.clone());
        }
        match source {
            CatalogSource::Builtin => controls.extend(catalog::BUILTIN.iter().map(|b| Control {
                id: b.id.into(),
                name: b.name.into(),
                family: Some(b.family.into()),
                description: Some(b.description.into()),
                refs: b.refs.iter().map(|r| r.to_string()).collect(),
                builtin: true,
            })),
            CatalogSource::None => {}
            CatalogSource::Oscal(path) => match oscal::controls(path, base_dir) {
                Ok(list) => controls.extend(list),
                Err(message) => self.error(
                    catalog_at,
                    message,
                    Some("the catalog path is relative to the stack file's folder and must stay inside it".into()),
                ),
            },
        }
        let mut ids: Ids = controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i as u32))
            .collect();
        for c in raw {
            let c = c.into_inner();
            self.check_id("control", &c.id);
            if let Some(&existing) = ids.get(c.id.get_ref().as_str()) {
                let why = if controls[existing as usize].builtin {
                    "it is already in the built-in catalog (see `stackgap catalog`)"
                } else {
                    "it is declared twice"
                };
                self.error(
                    c.id.span().start,
                    format!("duplicate control id `{}`: {why}", c.id.get_ref()),
                    Some("use the existing control, or give this one another id".into()),
                );
                continue;
            }
            ids.insert(c.id.get_ref().clone(), controls.len() as u32);
            controls.push(Control {
                id: c.id.into_inner(),
                name: c.name.into_inner(),
                family: c.family.map(Spanned::into_inner),
                description: c.description.map(Spanned::into_inner),
                refs: c.refs.into_iter().map(Spanned::into_inner).collect(),
                builtin: false,
            });
        }
        (controls, ids)
    }
}
