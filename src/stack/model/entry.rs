//! What a hand-off entry says and the words it says it in: who owns a control (`Owner`), which
//! side of a hand-off is meant (`Side`), the evidence levels, the `[[evidence]]` documents an
//! entry may cite, its citations, and why its evidence counts for less on a given date. Kept
//! apart from the tables of the stack (`model.rs`), which hold entries but add nothing to what
//! one means.

use std::fmt;

use super::{ControlIdx, PartyIdx};
use crate::date::Date;

/// Who is responsible for a control at a hand-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// The provider of the hand-off.
    Provider,
    /// The consumer of the hand-off.
    Consumer,
    /// Both sides, each on its own.
    Shared,
}

impl Owner {
    /// All owners, in the order the explorer cycles through them.
    pub const ALL: [Owner; 3] = [Owner::Provider, Owner::Consumer, Owner::Shared];

    /// The word used in stack files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Provider => "provider",
            Owner::Consumer => "consumer",
            Owner::Shared => "shared",
        }
    }

    /// Parses the word used in stack files.
    pub fn parse(s: &str) -> Option<Owner> {
        Owner::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether this owner names the given side (`shared` names both).
    pub fn names(self, side: Side) -> bool {
        matches!(
            (self, side),
            (Owner::Shared, _)
                | (Owner::Provider, Side::Provider)
                | (Owner::Consumer, Side::Consumer)
        )
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One side of a hand-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The provider side (sorts first, as SPEC §4 orders findings).
    Provider,
    /// The consumer side.
    Consumer,
}

impl Side {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Provider => "provider",
            Side::Consumer => "consumer",
        }
    }
}

/// The assurance that the provider side delivers a control, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evidence {
    /// No assurance at all.
    None,
    /// Written in the contract.
    Contract,
    /// An audit report or a certification.
    Attested,
    /// Tested by the reviewer.
    Verified,
}

impl Evidence {
    /// All levels, weakest first.
    pub const ALL: [Evidence; 4] = [
        Evidence::None,
        Evidence::Contract,
        Evidence::Attested,
        Evidence::Verified,
    ];

    /// The word used in stack files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::None => "none",
            Evidence::Contract => "contract",
            Evidence::Attested => "attested",
            Evidence::Verified => "verified",
        }
    }

    /// Parses the word used in stack files.
    pub fn parse(s: &str) -> Option<Evidence> {
        Evidence::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of a document in [`Stack::documents`](super::Stack::documents).
pub type DocumentIdx = u32;

/// A document that gives assurance, cited by entries (`[[evidence]]`, SPEC §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Document id (its own namespace; never a level name).
    pub id: String,
    /// The assurance it gives while in force.
    pub level: Evidence,
    /// Title, shown.
    pub title: Option<String>,
    /// Who issued it, shown.
    pub issuer: Option<String>,
    /// Whose report it is, shown.
    pub party: Option<PartyIdx>,
    /// When it was issued, shown.
    pub issued: Option<Date>,
    /// Strictly after this date it counts as `none`.
    pub expires: Option<Date>,
    /// The only controls it may be cited for; `None` when not restricted.
    pub covers: Option<Vec<ControlIdx>>,
    /// Where to find it (shown, never opened).
    pub reference: Option<String>,
    /// 1-based line of its `[[evidence]]` header.
    pub line: u32,
}

impl Document {
    /// Whether the document has lapsed on the analysis date.
    pub fn is_expired(&self, as_of: Date) -> bool {
        self.expires.is_some_and(|e| as_of > e)
    }

    /// The level it gives on the analysis date.
    pub fn level_on(&self, as_of: Date) -> Evidence {
        if self.is_expired(as_of) {
            Evidence::None
        } else {
            self.level
        }
    }

    /// Whether it may be cited for a control.
    pub fn may_cover(&self, control: ControlIdx) -> bool {
        self.covers.as_ref().is_none_or(|c| c.contains(&control))
    }

    /// How findings and notes name it: its id, then its title in parentheses when it has one
    /// (not escaped: each output escapes for its own medium).
    pub fn label(&self) -> String {
        match &self.title {
            Some(title) => format!("{} ({title})", self.id),
            None => self.id.clone(),
        }
    }
}

/// One item an entry cites as evidence: a level as written, or a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cite {
    /// A level, in force as written.
    Level(Evidence),
    /// A document, in force with its level until it expires.
    Document(DocumentIdx),
}

impl Cite {
    /// The level this item gives on the analysis date (`None`: ignoring expiry).
    pub fn level(self, documents: &[Document], as_of: Option<Date>) -> Evidence {
        match self {
            Cite::Level(l) => l,
            Cite::Document(d) => {
                let doc = &documents[d as usize];
                match as_of {
                    Some(date) => doc.level_on(date),
                    None => doc.level,
                }
            }
        }
    }

    /// The word written in a stack file: the level name or the document id.
    pub fn as_str(self, documents: &[Document]) -> &str {
        match self {
            Cite::Level(l) => l.as_str(),
            Cite::Document(d) => &documents[d as usize].id,
        }
    }
}

/// What an entry cites as evidence: nothing written (the default applies), one item, or
/// several (the best in force counts). Kept small: a big stack has hundreds of thousands of
/// entries and nearly all cite one level or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Cites {
    /// `evidence` is not written.
    #[default]
    Default,
    /// One level or document.
    One(Cite),
    /// Several, as an array (never fewer than two).
    Many(Box<[Cite]>),
}

impl Cites {
    /// The items cited, in the order written.
    pub fn items(&self) -> &[Cite] {
        match self {
            Cites::Default => &[],
            Cites::One(c) => std::slice::from_ref(c),
            Cites::Many(all) => all,
        }
    }

    /// The cites of a list of items (`Default` for none).
    pub fn from_items(mut items: Vec<Cite>) -> Cites {
        match items.len() {
            0 => Cites::Default,
            1 => Cites::One(items.remove(0)),
            _ => Cites::Many(items.into_boxed_slice()),
        }
    }

    /// Whether `evidence` is written.
    pub fn is_written(&self) -> bool {
        !matches!(self, Cites::Default)
    }
}

impl From<Option<Evidence>> for Cites {
    fn from(level: Option<Evidence>) -> Cites {
        level.map_or(Cites::Default, |l| Cites::One(Cite::Level(l)))
    }
}

/// One control in scope at a hand-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The control.
    pub control: ControlIdx,
    /// Who the agreement makes responsible.
    pub agreed: Option<Owner>,
    /// Who the consumer believes is responsible.
    pub assumed: Option<Owner>,
    /// Evidence as written; see [`Entry::evidence`] for the value that counts.
    pub evidence: Cites,
    /// After this date the evidence counts as `none`, whatever it cites.
    pub expires: Option<Date>,
    /// `ref`: the clause, the CAIQ row, the ticket (shown, never interpreted).
    pub reference: Option<Box<str>>,
    /// Added by the hand-off's responsibility template, not written in the file.
    pub from_template: bool,
    /// 1-based line where the entry is written (the hand-off's line for template entries).
    pub line: u32,
}

impl Entry {
    /// The effective owner: `agreed` if set, else `assumed`.
    pub fn owner(&self) -> Option<Owner> {
        self.agreed.or(self.assumed)
    }

    /// The default evidence when none is written: `contract` when agreed, else `none`.
    fn default_evidence(&self) -> Evidence {
        if self.agreed.is_some() {
            Evidence::Contract
        } else {
            Evidence::None
        }
    }

    /// The evidence as written or defaulted, ignoring every expiry (the entry's and its
    /// documents').
    pub fn stated_evidence(&self, documents: &[Document]) -> Evidence {
        self.best(documents, None)
    }

    /// The best of the items cited on a date (`None`: ignoring the documents' expiry), or the
    /// default when nothing is cited; the entry's own expiry is not applied.
    fn best(&self, documents: &[Document], as_of: Option<Date>) -> Evidence {
        let items = self.evidence.items();
        if items.is_empty() {
            return self.default_evidence();
        }
        items
            .iter()
            .map(|c| c.level(documents, as_of))
            .max()
            .unwrap_or(Evidence::None)
    }

    /// Whether the entry's own `expires` has passed on the analysis date.
    pub fn is_expired(&self, as_of: Date) -> bool {
        self.expires.is_some_and(|e| as_of > e)
    }

    /// The evidence that counts on the analysis date.
    pub fn evidence(&self, documents: &[Document], as_of: Date) -> Evidence {
        if self.is_expired(as_of) {
            Evidence::None
        } else {
            self.best(documents, Some(as_of))
        }
    }

    /// What lowered this entry's evidence on the analysis date, if anything did: its own
    /// expiry, else the expired document that would otherwise have counted most (the first
    /// cited among equals).
    pub fn lapse(&self, documents: &[Document], as_of: Date) -> Option<Lapse> {
        let now = self.evidence(documents, as_of);
        if self.stated_evidence(documents) <= now {
            return None;
        }
        if let Some(date) = self.expires.filter(|_| self.is_expired(as_of)) {
            return Some(Lapse::Entry(date));
        }
        let mut best: Option<(Evidence, DocumentIdx)> = None;
        for c in self.evidence.items() {
            if let Cite::Document(d) = *c {
                let doc = &documents[d as usize];
                if doc.is_expired(as_of)
                    && doc.level > now
                    && best.is_none_or(|(l, _)| doc.level > l)
                {
                    best = Some((doc.level, d));
                }
            }
        }
        best.and_then(|(_, d)| {
            documents[d as usize]
                .expires
                .map(|date| Lapse::Document(d, date))
        })
    }
}

/// Why an entry's evidence counts for less than it states on the analysis date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lapse {
    /// The entry's own `expires` passed on this date.
    Entry(Date),
    /// A document it cites expired on this date.
    Document(DocumentIdx, Date),
}

impl Lapse {
    /// The date it lapsed.
    pub fn date(self) -> Date {
        match self {
            Lapse::Entry(d) | Lapse::Document(_, d) => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_named_by_its_id_and_title() {
        let mut doc = Document {
            id: "soc2".into(),
            level: Evidence::Attested,
            title: None,
            issuer: None,
            party: None,
            issued: None,
            expires: None,
            covers: None,
            reference: None,
            line: 1,
        };
        assert_eq!(doc.label(), "soc2");
        doc.title = Some("SOC 2 Type II".into());
        assert_eq!(doc.label(), "soc2 (SOC 2 Type II)");
    }
}
