//! The stack file exactly as written: serde structs of the TOML with spans kept, so that every
//! later error can name a line and column. Unknown keys are refused here.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;
use toml::value::Datetime;

/// A string with the byte range it was written at.
pub type SpannedStr = Spanned<String>;

/// A short string that recurs through a stack file (a control or party id, an owner, an
/// evidence level), stored once per parsing thread and shared: a 15 MB stack repeats a few
/// thousand distinct words about a million times, and one allocation each would be most of the
/// memory it takes to load (docs/performance.md).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Atom(Arc<str>);

thread_local! {
    /// The words met so far by this thread's parse; emptied by [`forget_atoms`].
    static ATOMS: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
}

impl Atom {
    /// The shared copy of `s`.
    pub fn new(s: &str) -> Atom {
        ATOMS.with_borrow_mut(|atoms| match atoms.get(s) {
            Some(a) => Atom(Arc::clone(a)),
            None => {
                let a: Arc<str> = Arc::from(s);
                atoms.insert(Arc::clone(&a));
                Atom(a)
            }
        })
    }
}

/// Lets go of this thread's words (the atoms handed out stay valid); called after each parse,
/// so that nothing outlives the stack it was read for.
pub fn forget_atoms() {
    ATOMS.with_borrow_mut(|atoms| *atoms = HashSet::new());
}

impl Deref for Atom {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Atom {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AtomVisitor;
        impl Visitor<'_> for AtomVisitor {
            type Value = Atom;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Atom, E> {
                Ok(Atom::new(s))
            }
        }
        d.deserialize_str(AtomVisitor)
    }
}

/// An [`Atom`] with the byte offset it was written at (files are at most 64 MiB, so offsets fit
/// in 32 bits).
#[derive(Debug, Clone)]
pub struct Word {
    /// The text, unescaped.
    pub text: Atom,
    /// Where it starts in the file.
    pub at: u32,
}

impl Word {
    fn new(s: Spanned<Atom>) -> Word {
        Word {
            at: offset(s.span().start),
            text: s.into_inner(),
        }
    }
}

/// A byte offset as stored in [`Word`].
pub fn offset(at: usize) -> u32 {
    // The loader refuses texts over 64 MiB before parsing; saturate rather than wrap anyway.
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The whole stack file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStack {
    /// `[stack]`: name and global settings.
    pub stack: Spanned<RawHeader>,
    /// `[[layer]]`, top (closest to the customer) first.
    #[serde(default, rename = "layer")]
    pub layers: Vec<Spanned<RawLayer>>,
    /// `[[control]]`: controls added to the catalog.
    #[serde(default, rename = "control")]
    pub controls: Vec<Spanned<RawControl>>,
    /// `[[party]]`: customers and providers.
    #[serde(default, rename = "party")]
    pub parties: Vec<Spanned<RawParty>>,
    /// `[[handoff]]`: a consumer relying on a provider.
    #[serde(default, rename = "handoff")]
    pub handoffs: Vec<Spanned<RawHandoff>>,
    /// `[[accept]]`: risks accepted by the reviewer.
    #[serde(default, rename = "accept")]
    pub accepts: Vec<Spanned<RawAccept>>,
    /// `[[evidence]]`: documents that give assurance.
    #[serde(default, rename = "evidence")]
    pub documents: Vec<Spanned<RawDocument>>,
}

/// `[[evidence]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocument {
    /// Document id.
    pub id: SpannedStr,
    /// `none`, `contract`, `attested` or `verified`.
    pub level: SpannedStr,
    /// Title, shown.
    pub title: Option<SpannedStr>,
    /// Who issued it, shown.
    pub issuer: Option<SpannedStr>,
    /// Whose report it is (a party id).
    pub party: Option<SpannedStr>,
    /// When it was issued.
    pub issued: Option<Spanned<Datetime>>,
    /// Strictly after this date it counts as `none`.
    pub expires: Option<Spanned<Datetime>>,
    /// The only controls it may be cited for.
    pub covers: Option<Spanned<Vec<Spanned<Atom>>>>,
    /// Where to find it.
    #[serde(rename = "ref")]
    pub reference: Option<SpannedStr>,
}

/// `[stack]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// The stack's name.
    pub name: SpannedStr,
    /// Why the stack is reviewed.
    pub description: Option<SpannedStr>,
    /// `builtin`, `none` or `oscal:PATH`.
    pub catalog: Option<SpannedStr>,
    /// The least evidence that counts as assured.
    pub min_evidence: Option<SpannedStr>,
}

/// `[[layer]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLayer {
    /// Layer id.
    pub id: SpannedStr,
    /// Display name.
    pub name: Option<SpannedStr>,
}

/// `[[control]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawControl {
    /// Control id.
    pub id: SpannedStr,
    /// Display name.
    pub name: SpannedStr,
    /// Family the control belongs to.
    pub family: Option<SpannedStr>,
    /// What the control asks for.
    pub description: Option<SpannedStr>,
    /// References to standards.
    #[serde(default)]
    pub refs: Vec<SpannedStr>,
}

/// `[[party]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParty {
    /// Party id.
    pub id: SpannedStr,
    /// Display name.
    pub name: Option<SpannedStr>,
    /// Layer id.
    pub layer: Option<SpannedStr>,
    /// Controls this party needs covered.
    #[serde(default)]
    pub requires: Vec<Spanned<Atom>>,
    /// Controls this party operates itself.
    #[serde(default)]
    pub implements: Vec<Spanned<Atom>>,
    /// Free text.
    pub notes: Option<SpannedStr>,
}

/// `[[handoff]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    /// The party that relies on the provider.
    pub consumer: Spanned<Atom>,
    /// The party relied on.
    pub provider: Spanned<Atom>,
    /// Distinguishes two hand-offs between the same pair.
    pub service: Option<SpannedStr>,
    /// Reference to the contract.
    pub agreement: Option<SpannedStr>,
    /// `iaas`, `paas` or `saas`: a responsibility template.
    pub model: Option<SpannedStr>,
    /// The controls in scope, in file order.
    #[serde(default)]
    pub controls: RawControls,
}

/// The `controls` table of a hand-off, in file order.
#[derive(Debug, Default)]
pub struct RawControls(pub Vec<RawItem>);

/// One control at a hand-off, kept compact: a 15 MB stack has about 200,000 of them.
#[derive(Debug, Clone)]
pub struct RawItem {
    /// The control id (the key).
    pub control: Word,
    /// Who the agreement makes responsible (also the bare owner of the shorthand
    /// `X = "provider"`, which means `{ agreed = "provider" }`).
    pub agreed: Option<Word>,
    /// Who the consumer believes is responsible.
    pub assumed: Option<Word>,
    /// Assurance that the provider side delivers it: levels and document ids.
    pub evidence: Option<RawEvidence>,
    /// After this date the evidence counts as `none` (rare, hence boxed).
    pub expires: Option<Box<Spanned<Datetime>>>,
    /// `ref`: the clause, the CAIQ row, the ticket.
    pub reference: Option<Box<SpannedStr>>,
}

/// An entry's `evidence` as written: one word, or an array of them.
#[derive(Debug, Clone)]
pub enum RawEvidence {
    /// `evidence = "attested"` or `evidence = "soc2-2025"`.
    One(Word),
    /// `evidence = ["soc2-2025", "attested"]`, with the offset of the `[`.
    Many(Box<[Word]>, u32),
}

impl RawEvidence {
    /// Where it starts in the file.
    pub fn at(&self) -> u32 {
        match self {
            RawEvidence::One(w) => w.at,
            RawEvidence::Many(_, at) => *at,
        }
    }
}

/// `evidence` in the table form of an entry: a string or an array of strings.
enum RawEvidenceValue {
    One(Atom),
    Many(Vec<Spanned<Atom>>),
}

impl<'de> Deserialize<'de> for RawEvidenceValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EvidenceVisitor;
        impl<'de> Visitor<'de> for EvidenceVisitor {
            type Value = RawEvidenceValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a level (\"none\", \"contract\", \"attested\", \"verified\"), the id of an [[evidence]] document, or an array of them",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawEvidenceValue, E> {
                Ok(RawEvidenceValue::One(Atom::new(s)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawEvidenceValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Atom>>()? {
                    items.push(item);
                }
                Ok(RawEvidenceValue::Many(items))
            }
        }
        d.deserialize_any(EvidenceVisitor)
    }
}

/// One control at a hand-off as written: a bare owner or a table.
enum RawEntry {
    Short(Atom),
    Full(RawEntryFull),
}

/// The table form of a control at a hand-off.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntryFull {
    agreed: Option<Spanned<Atom>>,
    assumed: Option<Spanned<Atom>>,
    evidence: Option<Spanned<RawEvidenceValue>>,
    expires: Option<Spanned<Datetime>>,
    #[serde(rename = "ref")]
    reference: Option<SpannedStr>,
}

impl RawItem {
    fn new(key: Spanned<Atom>, value: Spanned<RawEntry>) -> RawItem {
        let at = offset(value.span().start);
        let control = Word::new(key);
        match value.into_inner() {
            RawEntry::Short(owner) => RawItem {
                control,
                agreed: Some(Word { text: owner, at }),
                assumed: None,
                evidence: None,
                expires: None,
                reference: None,
            },
            RawEntry::Full(f) => RawItem {
                control,
                agreed: f.agreed.map(Word::new),
                assumed: f.assumed.map(Word::new),
                evidence: f.evidence.map(|e| {
                    let at = offset(e.span().start);
                    match e.into_inner() {
                        RawEvidenceValue::One(text) => RawEvidence::One(Word { text, at }),
                        RawEvidenceValue::Many(items) => {
                            RawEvidence::Many(items.into_iter().map(Word::new).collect(), at)
                        }
                    }
                }),
                expires: f.expires.map(Box::new),
                reference: f.reference.map(Box::new),
            },
        }
    }
}

/// `[[accept]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccept {
    /// Control id.
    pub control: SpannedStr,
    /// Finding kind accepted.
    pub kind: SpannedStr,
    /// Why the risk is accepted.
    pub reason: SpannedStr,
    /// Last day the acceptance holds.
    pub until: Option<Spanned<Datetime>>,
    /// Who accepted it.
    pub by: Option<SpannedStr>,
    /// Ticket reference.
    pub ticket: Option<SpannedStr>,
    /// Party, for a party finding.
    pub party: Option<SpannedStr>,
    /// Consumer, for a hand-off finding.
    pub consumer: Option<SpannedStr>,
    /// Provider, for a hand-off finding.
    pub provider: Option<SpannedStr>,
    /// Service of the hand-off.
    pub service: Option<SpannedStr>,
}

impl<'de> Deserialize<'de> for RawControls {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ControlsVisitor;
        impl<'de> Visitor<'de> for ControlsVisitor {
            type Value = RawControls;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of control ids")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawControls, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Atom>>()? {
                    entries.push(RawItem::new(key, map.next_value()?));
                }
                // Kept until the whole file is validated: no room to spare.
                entries.shrink_to_fit();
                Ok(RawControls(entries))
            }
        }
        d.deserialize_map(ControlsVisitor)
    }
}

impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = RawEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an owner (\"provider\", \"consumer\" or \"shared\") or a table { agreed, assumed, evidence, expires, ref }",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawEntry, E> {
                Ok(RawEntry::Short(Atom::new(s)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEntry, A::Error> {
                RawEntryFull::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawEntry::Full)
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}
