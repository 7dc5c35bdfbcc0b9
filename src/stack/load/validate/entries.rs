//! The entries of a hand-off's `controls`: owners, evidence (levels and `[[evidence]]`
//! documents, SPEC §7), expiry and reference of each control listed.

use std::collections::HashSet;

use super::{Ids, LEVELS, Located, Validator};
use crate::stack::raw::{RawControls, RawEvidence, RawItem, Word};
use crate::stack::{Cite, Cites, Control, Document, Entry, Evidence, Owner};
use crate::text::suggest;

impl Validator<'_> {
    /// The entries listed in a hand-off's `controls`, in file order, and the controls they
    /// list. An entry with any error is left out.
    pub(super) fn entries(
        &mut self,
        items: &RawControls,
        (controls, control_ids): (&[Control], &Ids),
        documents: (&[Document], &Ids),
    ) -> (Vec<Entry>, HashSet<u32>) {
        let mut entries = Vec::new();
        let mut listed = HashSet::new();
        for item in &items.0 {
            let control = self.reference("control", &item.control, control_ids);
            let entry_line = self.line(item.control.at());
            let entry = self.entry(item, control, controls, documents);
            if let (Some(control), Some(mut entry)) = (control, entry) {
                listed.insert(control);
                entry.control = control;
                entry.line = entry_line;
                entries.push(entry);
            }
        }
        (entries, listed)
    }

    /// One entry, its control and line still to be filled in; `None` when it has an error.
    fn entry(
        &mut self,
        item: &RawItem,
        control: Option<u32>,
        controls: &[Control],
        documents: (&[Document], &Ids),
    ) -> Option<Entry> {
        let owners = ["provider", "consumer", "shared"];
        let before = self.diags.len();
        let evidence = match &item.evidence {
            None => Cites::Default,
            Some(RawEvidence::One(word)) => self
                .cite(word, control, controls, documents)
                .map_or(Cites::Default, Cites::One),
            Some(RawEvidence::Many(words, at)) => {
                if words.is_empty() {
                    self.error(
                        *at as usize,
                        "`evidence = []` cites nothing".into(),
                        Some(
                            "give a level or a document id, or remove `evidence` for the default"
                                .into(),
                        ),
                    );
                }
                let cites: Vec<Cite> = words
                    .iter()
                    .filter_map(|w| self.cite(w, control, controls, documents))
                    .collect();
                Cites::from_items(cites)
            }
        };
        let entry = Entry {
            control: 0,
            agreed: item
                .agreed
                .as_ref()
                .and_then(|o| self.enumeration(o, "owner", Owner::parse, &owners)),
            assumed: item
                .assumed
                .as_ref()
                .and_then(|o| self.enumeration(o, "owner", Owner::parse, &owners)),
            evidence,
            expires: item.expires.as_ref().and_then(|d| self.date(d, "expires")),
            reference: item.reference.as_ref().map(|r| r.get_ref().as_str().into()),
            from_template: false,
            line: 0,
        };
        (self.diags.len() == before).then_some(entry)
    }

    /// One item an entry cites: a level name exactly as written, else a document that may be
    /// cited for the entry's control.
    fn cite(
        &mut self,
        word: &Word,
        control: Option<u32>,
        controls: &[Control],
        (documents, document_ids): (&[Document], &Ids),
    ) -> Option<Cite> {
        if let Some(level) = Evidence::parse(&word.text) {
            return Some(Cite::Level(level));
        }
        let Some(&d) = document_ids.get(&*word.text) else {
            let candidates = LEVELS
                .iter()
                .copied()
                .chain(document_ids.keys().map(String::as_str));
            let help = suggest(&word.text, candidates)
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some("declare the document as an [[evidence]] table first".into()));
            self.error(
                word.at(),
                format!(
                    "unknown evidence `{}`: expected a level (`none`, `contract`, `attested`, `verified`) or the id of an [[evidence]] document",
                    word.text
                ),
                help,
            );
            return None;
        };
        let doc = &documents[d as usize];
        if let (Some(c), Some(covers)) = (control, &doc.covers)
            && !covers.contains(&c)
        {
            self.error(
                word.at(),
                format!(
                    "evidence document `{}` is cited for a control it does not cover: its `covers` lists {}",
                    doc.id,
                    covers
                        .iter()
                        .map(|&c| format!("`{}`", controls[c as usize].id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some("cite another document or a level here, or add the control to the document's `covers`".into()),
            );
            return None;
        }
        Some(Cite::Document(d))
    }
}
