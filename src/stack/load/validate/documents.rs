//! `[[evidence]]`: the documents entries may cite (SPEC §7), with ids of their own namespace
//! that are never a level name.

use toml::Spanned;

use super::{Ids, LEVELS, Validator};
use crate::stack::raw::RawDocument;
use crate::stack::{Document, Evidence};

impl Validator<'_> {
    /// `[[evidence]]` documents: their own namespace of ids, never a level name.
    pub(super) fn documents(
        &mut self,
        raw: Vec<Spanned<RawDocument>>,
        control_ids: &Ids,
        party_ids: &Ids,
    ) -> (Vec<Document>, Ids) {
        let mut documents = Vec::new();
        let mut ids = Ids::new();
        for d in raw {
            let line = self.line(d.span().start);
            let d = d.into_inner();
            self.check_id("evidence document", &d.id);
            let id = d.id.get_ref();
            if LEVELS.contains(&id.as_str()) {
                self.error(
                    d.id.span().start,
                    format!("evidence document id `{id}` is the name of an evidence level"),
                    Some(format!("give the document its own id, such as `{id}-report`: entries citing `{id}` mean the level")),
                );
                continue;
            }
            if ids.contains_key(id.as_str()) {
                self.error(
                    d.id.span().start,
                    format!("duplicate evidence document id `{id}`"),
                    Some("each [[evidence]] needs its own id".into()),
                );
                continue;
            }
            let level = self.enumeration(&d.level, "evidence level", Evidence::parse, &LEVELS);
            let party = d
                .party
                .as_ref()
                .and_then(|p| self.reference("party", p, party_ids));
            let issued = d.issued.as_ref().and_then(|v| self.date(v, "issued"));
            let expires = d.expires.as_ref().and_then(|v| self.date(v, "expires"));
            let covers = d.covers.as_ref().map(|list| {
                if list.get_ref().is_empty() {
                    self.error(
                        list.span().start,
                        "`covers = []` lets the document be cited for nothing".into(),
                        Some("list the controls it covers, or remove `covers` to allow any".into()),
                    );
                }
                list.get_ref()
                    .iter()
                    .filter_map(|c| self.reference("control", c, control_ids))
                    .collect::<Vec<u32>>()
            });
            let Some(level) = level else { continue };
            ids.insert(id.clone(), documents.len() as u32);
            documents.push(Document {
                id: d.id.into_inner(),
                level,
                title: d.title.map(Spanned::into_inner),
                issuer: d.issuer.map(Spanned::into_inner),
                party,
                issued,
                expires,
                covers,
                reference: d.reference.map(Spanned::into_inner),
                line,
            });
        }
        (documents, ids)
    }
}
