//! The validated stack: the only form of a stack that the analysis, the reports and the explorer see.
//! Its tables (layers, controls, parties, hand-offs, accepted risks), the lookups kept in step
//! with every edit, and the one way to edit an entry; what an entry itself says is in
//! `model/entry.rs`.

use super::kind::Kind;
use crate::date::Date;

mod entry;

pub use entry::*;

/// Index of a party in [`Stack::parties`].
pub type PartyIdx = u32;
/// Index of a control in [`Stack::controls`].
pub type ControlIdx = u32;
/// Index of a hand-off in [`Stack::handoffs`].
pub type HandoffIdx = u32;

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

    /// The hand-off from `consumer` to `provider` (ids) for `service`, if the stack has it.
    pub fn handoff_by_ids(
        &self,
        consumer: &str,
        provider: &str,
        service: Option<&str>,
    ) -> Option<HandoffIdx> {
        let c = self.party_id(consumer)?;
        let p = self.party_id(provider)?;
        self.index.consumes[c as usize].iter().copied().find(|&h| {
            let h = self.handoff(h);
            h.provider == p && h.service.as_deref() == service
        })
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
