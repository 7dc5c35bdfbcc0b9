//! The validated stack: the only form of a stack that the analysis, the reports and the explorer see.

use std::fmt;

use super::kind::Kind;
use crate::date::Date;

/// Index of a party in [`Stack::parties`].
pub type PartyIdx = u32;
/// Index of a control in [`Stack::controls`].
pub type ControlIdx = u32;
/// Index of a hand-off in [`Stack::handoffs`].
pub type HandoffIdx = u32;

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

/// A conventional cloud service model, used by responsibility templates (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceModel {
    /// Infrastructure as a Service.
    Iaas,
    /// Platform as a Service.
    Paas,
    /// Software as a Service.
    Saas,
}

impl ServiceModel {
    /// All models, in the order of the documented table.
    pub const ALL: [ServiceModel; 3] = [ServiceModel::Iaas, ServiceModel::Paas, ServiceModel::Saas];

    /// The word used in stack files.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceModel::Iaas => "iaas",
            ServiceModel::Paas => "paas",
            ServiceModel::Saas => "saas",
        }
    }

    /// Parses the word used in stack files.
    pub fn parse(s: &str) -> Option<ServiceModel> {
        ServiceModel::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Where the stack's controls come from (`[stack] catalog`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogSource {
    /// The built-in catalog plus any `[[control]]`s.
    Builtin,
    /// Only the `[[control]]`s of the file.
    None,
    /// A NIST OSCAL catalog JSON, relative to the stack's folder.
    Oscal(String),
}

/// A layer of the stack; declaration order is top (closest to the customer) to bottom.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Layer id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A security control that parties require, implement or hand off.
#[derive(Debug, Clone)]
pub struct Control {
    /// Control id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Family, if any.
    pub family: Option<String>,
    /// What it asks for.
    pub description: Option<String>,
    /// References to standards.
    pub refs: Vec<String>,
    /// Whether it comes from the built-in catalog (templates only use those).
    pub builtin: bool,
}

/// A customer or a provider.
#[derive(Debug, Clone)]
pub struct Party {
    /// Party id.
    pub id: String,
    /// Display name (the id when none was given).
    pub name: String,
    /// Index into [`Stack::layers`].
    pub layer: Option<u32>,
    /// Controls this party needs covered, without duplicates, in file order.
    pub requires: Vec<ControlIdx>,
    /// Controls this party operates itself, sorted; change it through [`Stack::set_implements`].
    implements: Vec<ControlIdx>,
    /// Free text.
    pub notes: Option<String>,
    /// 1-based line of its `[[party]]` header.
    pub line: u32,
}

impl Party {
    /// A party as the loader builds it.
    pub fn new(id: String, name: String, layer: Option<u32>, line: u32) -> Party {
        Party {
            id,
            name,
            layer,
            requires: Vec::new(),
            implements: Vec::new(),
            notes: None,
            line,
        }
    }

    /// The same party operating these controls itself.
    pub fn with_implements(mut self, mut implements: Vec<ControlIdx>) -> Party {
        implements.sort_unstable();
        implements.dedup();
        self.implements = implements;
        self
    }

    /// The controls this party operates itself, sorted by index.
    pub fn implements(&self) -> &[ControlIdx] {
        &self.implements
    }

    /// Whether this party operates the control itself.
    pub fn implements_control(&self, control: ControlIdx) -> bool {
        self.implements.binary_search(&control).is_ok()
    }
}

/// Index of a document in [`Stack::documents`].
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

/// A consumer relying on a provider.
#[derive(Debug, Clone)]
pub struct Handoff {
    /// The party that relies.
    pub consumer: PartyIdx,
    /// The party relied on.
    pub provider: PartyIdx,
    /// Distinguishes two hand-offs between the same pair.
    pub service: Option<String>,
    /// Reference to the contract.
    pub agreement: Option<String>,
    /// Responsibility template applied.
    pub model: Option<ServiceModel>,
    /// The controls in scope, in file order (template entries after the listed ones).
    pub entries: Vec<Entry>,
    /// 1-based line of its `[[handoff]]` header.
    pub line: u32,
}

/// Where an accepted risk applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AcceptPlace {
    /// A party finding.
    Party(PartyIdx),
    /// A hand-off finding (either side).
    Handoff(HandoffIdx),
}

/// A risk the reviewer knowingly accepts (`[[accept]]`).
#[derive(Debug, Clone)]
pub struct Accept {
    /// The control.
    pub control: ControlIdx,
    /// The finding kind accepted.
    pub kind: Kind,
    /// Where; `None` when the named hand-off does not exist (the accept can then never match).
    pub place: Option<AcceptPlace>,
    /// Why.
    pub reason: String,
    /// Last day it holds (inclusive).
    pub until: Option<Date>,
    /// Who accepted it.
    pub by: Option<String>,
    /// Ticket reference.
    pub ticket: Option<String>,
    /// 1-based line of its `[[accept]]` header.
    pub line: u32,
}

impl Accept {
    /// Whether the acceptance still holds on the analysis date.
    pub fn is_current(&self, as_of: Date) -> bool {
        self.until.is_none_or(|u| as_of <= u)
    }
}

/// Where the stack was read from and what it was.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The file as named on the command line (`-` for standard input, `<demo>` for the demo).
    pub name: String,
    /// SHA-256 of the bytes read, in lower-case hex.
    pub sha256: String,
}

/// Lookups derived from the stack, kept in step with every edit.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// For each control, every (hand-off, entry) that lists it.
    pub entries_of: Vec<Vec<(HandoffIdx, u32)>>,
    /// For each control, the parties that implement it, sorted.
    pub implementers: Vec<Vec<PartyIdx>>,
    /// For each control, the parties that require it.
    pub requirers: Vec<Vec<PartyIdx>>,
    /// For each party, the hand-offs where it is the consumer.
    pub consumes: Vec<Vec<HandoffIdx>>,
    /// For each party, the hand-offs where it is the provider.
    pub provides: Vec<Vec<HandoffIdx>>,
    /// Party id → index.
    pub party_by_id: std::collections::HashMap<String, PartyIdx>,
    /// Control id → index.
    pub control_by_id: std::collections::HashMap<String, ControlIdx>,
    /// Entries with their own `expires`, by (date, hand-off, entry): evidence about to expire
    /// is a range of this list, not a pass over every entry.
    pub dated: Vec<(Date, HandoffIdx, u32)>,
    /// For each document, the (hand-off, entry) that cite it, each once, sorted.
    pub citing: Vec<Vec<(HandoffIdx, u32)>>,
}

/// A validated stack.
#[derive(Debug, Clone)]
pub struct Stack {
    /// `[stack] name`.
    pub name: String,
    /// `[stack] description`.
    pub description: Option<String>,
    /// Where the controls come from.
    pub catalog: CatalogSource,
    /// The least evidence that counts as assured, unless the command line says otherwise.
    pub min_evidence: Evidence,
    /// Layers, top first.
    pub layers: Vec<Layer>,
    /// Every control available: built-in ones first (when used), then the file's.
    pub controls: Vec<Control>,
    /// Parties in file order.
    pub parties: Vec<Party>,
    /// Hand-offs in file order.
    pub handoffs: Vec<Handoff>,
    /// Accepted risks in file order.
    pub accepts: Vec<Accept>,
    /// Evidence documents in file order.
    pub documents: Vec<Document>,
    /// Where it was read from.
    pub source: Source,
    /// Whether the file declares `[[layer]]`s (otherwise layers are labels and have no order).
    pub layers_declared: bool,
    index: Index,
}

impl Stack {
    /// Assembles a stack and builds its index; the loader is the only caller that validates.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        name: String,
        description: Option<String>,
        catalog: CatalogSource,
        min_evidence: Evidence,
        layers: Vec<Layer>,
        controls: Vec<Control>,
        parties: Vec<Party>,
        handoffs: Vec<Handoff>,
        accepts: Vec<Accept>,
        documents: Vec<Document>,
        source: Source,
    ) -> Stack {
        let mut stack = Stack {
            name,
            description,
            catalog,
            min_evidence,
            layers,
            controls,
            parties,
            handoffs,
            accepts,
            documents,
            source,
            layers_declared: true,
            index: Index::default(),
        };
        stack.reindex();
        stack
    }

    fn reindex(&mut self) {
        let nc = self.controls.len();
        let np = self.parties.len();
        let mut ix = Index {
            entries_of: vec![Vec::new(); nc],
            implementers: vec![Vec::new(); nc],
            requirers: vec![Vec::new(); nc],
            consumes: vec![Vec::new(); np],
            provides: vec![Vec::new(); np],
            party_by_id: self
                .parties
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i as u32))
                .collect(),
            control_by_id: self
                .controls
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i as u32))
                .collect(),
            dated: Vec::new(),
            citing: vec![Vec::new(); self.documents.len()],
        };
        for (pi, p) in self.parties.iter_mut().enumerate() {
            p.implements.sort_unstable();
            p.implements.dedup();
            for &c in &p.implements {
                ix.implementers[c as usize].push(pi as u32);
            }
            for &c in &p.requires {
                ix.requirers[c as usize].push(pi as u32);
            }
        }
        for (hi, h) in self.handoffs.iter().enumerate() {
            ix.consumes[h.consumer as usize].push(hi as u32);
            ix.provides[h.provider as usize].push(hi as u32);
            for (ei, e) in h.entries.iter().enumerate() {
                let at = (hi as u32, ei as u32);
                ix.entries_of[e.control as usize].push(at);
                if let Some(date) = e.expires {
                    ix.dated.push((date, at.0, at.1));
                }
                cite(&mut ix.citing, &e.evidence, at, true);
            }
        }
        ix.dated.sort_unstable();
        self.index = ix;
    }

    /// Lookups derived from the stack.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The party with this id.
    pub fn party_id(&self, id: &str) -> Option<PartyIdx> {
        self.index.party_by_id.get(id).copied()
    }

    /// The control with this id.
    pub fn control_id(&self, id: &str) -> Option<ControlIdx> {
        self.index.control_by_id.get(id).copied()
    }

    /// The party at an index.
    pub fn party(&self, p: PartyIdx) -> &Party {
        &self.parties[p as usize]
    }

    /// The control at an index.
    pub fn control(&self, c: ControlIdx) -> &Control {
        &self.controls[c as usize]
    }

    /// The hand-off at an index.
    pub fn handoff(&self, h: HandoffIdx) -> &Handoff {
        &self.handoffs[h as usize]
    }

    /// Sets whether a party operates a control itself; returns whether anything changed.
    pub fn set_implements(&mut self, party: PartyIdx, control: ControlIdx, on: bool) -> bool {
        let p = &mut self.parties[party as usize];
        let list = &mut self.index.implementers[control as usize];
        match (p.implements.binary_search(&control), on) {
            (Err(at), true) => {
                p.implements.insert(at, control);
                if let Err(i) = list.binary_search(&party) {
                    list.insert(i, party);
                }
                true
            }
            (Ok(at), false) => {
                p.implements.remove(at);
                if let Ok(i) = list.binary_search(&party) {
                    list.remove(i);
                }
                true
            }
            _ => false,
        }
    }

    /// Mutable access to one entry; owners and evidence may change, the control may not.
    pub fn entry_mut(&mut self, handoff: HandoffIdx, entry: u32) -> EntryMut<'_> {
        EntryMut {
            entry: &mut self.handoffs[handoff as usize].entries[entry as usize],
            citing: &mut self.index.citing,
            at: (handoff, entry),
        }
    }

    /// The layer index of a party, if it has one.
    pub fn layer_of(&self, p: PartyIdx) -> Option<u32> {
        self.parties[p as usize].layer
    }
}

/// An entry open for editing: its control cannot change, so the index stays true.
pub struct EntryMut<'a> {
    entry: &'a mut Entry,
    /// The index's documents → citing entries, kept true when the evidence changes.
    citing: &'a mut Vec<Vec<(HandoffIdx, u32)>>,
    at: (HandoffIdx, u32),
}

impl EntryMut<'_> {
    /// Sets who the agreement makes responsible.
    pub fn set_agreed(&mut self, owner: Option<Owner>) {
        self.entry.agreed = owner;
        self.entry.from_template = false;
    }
    /// Sets who the consumer believes is responsible.
    pub fn set_assumed(&mut self, owner: Option<Owner>) {
        self.entry.assumed = owner;
        self.entry.from_template = false;
    }
    /// Sets the evidence as written (`Cites::Default`: the default).
    pub fn set_evidence(&mut self, evidence: Cites) {
        cite(self.citing, &self.entry.evidence, self.at, false);
        cite(self.citing, &evidence, self.at, true);
        self.entry.evidence = evidence;
        self.entry.from_template = false;
    }
}

/// Adds an entry to (or removes it from) the citing lists of the documents it cites.
fn cite(citing: &mut [Vec<(HandoffIdx, u32)>], cites: &Cites, at: (HandoffIdx, u32), on: bool) {
    for c in cites.items() {
        if let Cite::Document(d) = *c {
            let list = &mut citing[d as usize];
            match (list.binary_search(&at), on) {
                (Err(i), true) => list.insert(i, at),
                (Ok(i), false) => {
                    list.remove(i);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Editing an entry's evidence keeps the index of citing entries what a fresh index of the
    /// edited stack would be.
    #[test]
    fn citing_lists_follow_evidence_edits() {
        let mut stack = crate::stack::load_str(
            r#"
            [stack]
            name = "docs"
            catalog = "none"
            [[control]]
            id = "X"
            name = "X"
            [[control]]
            id = "Y"
            name = "Y"
            [[evidence]]
            id = "a"
            level = "attested"
            [[evidence]]
            id = "b"
            level = "verified"
            [[party]]
            id = "c"
            [[party]]
            id = "p"
            [[handoff]]
            consumer = "c"
            provider = "p"
            controls = { X = { agreed = "provider", evidence = ["a", "a", "b"] }, Y = { agreed = "provider", expires = 2027-01-01 } }
            "#,
            "docs.toml",
            None,
        )
        .expect("loads");
        assert_eq!(stack.index().citing, [vec![(0, 0)], vec![(0, 0)]]);
        assert_eq!(
            stack.index().dated,
            [(Date::new(2027, 1, 1).unwrap(), 0, 1)]
        );
        let edits = [
            Cites::One(Cite::Document(1)),
            Cites::Default,
            Cites::Many(vec![Cite::Document(0), Cite::Level(Evidence::None)].into()),
        ];
        for (i, cites) in edits.into_iter().enumerate() {
            stack.entry_mut(0, 1).set_evidence(cites.clone());
            stack.entry_mut(0, 0).set_evidence(cites);
            let mut fresh = stack.clone();
            fresh.reindex();
            assert_eq!(stack.index().citing, fresh.index().citing, "edit {i}");
        }
        assert_eq!(stack.index().citing, [vec![(0, 0), (0, 1)], vec![]]);
    }
}
