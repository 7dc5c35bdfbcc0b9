//! The stack file exactly as written: serde structs of the TOML with spans kept, so that every
//! later error can name a line and column. Unknown keys are refused here.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;
use toml::value::Datetime;

/// A string with the byte range it was written at.
pub type SpannedStr = Spanned<String>;

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
    pub requires: Vec<SpannedStr>,
    /// Controls this party operates itself.
    #[serde(default)]
    pub implements: Vec<SpannedStr>,
    /// Free text.
    pub notes: Option<SpannedStr>,
}

/// `[[handoff]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    /// The party that relies on the provider.
    pub consumer: SpannedStr,
    /// The party relied on.
    pub provider: SpannedStr,
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
pub struct RawControls(pub Vec<(SpannedStr, Spanned<RawEntry>)>);

/// One control at a hand-off: a bare owner or a table.
#[derive(Debug)]
pub enum RawEntry {
    /// `X = "provider"`, shorthand for `{ agreed = "provider" }`.
    Short(String),
    /// `X = { … }`.
    Full(RawEntryFull),
}

/// The table form of a control at a hand-off.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntryFull {
    /// Who the agreement makes responsible.
    pub agreed: Option<SpannedStr>,
    /// Who the consumer believes is responsible.
    pub assumed: Option<SpannedStr>,
    /// Assurance that the provider side delivers it.
    pub evidence: Option<SpannedStr>,
    /// After this date the evidence counts as `none`.
    pub expires: Option<Spanned<Datetime>>,
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
                while let Some(key) = map.next_key::<SpannedStr>()? {
                    entries.push((key, map.next_value()?));
                }
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
                    "an owner (\"provider\", \"consumer\" or \"shared\") or a table { agreed, assumed, evidence, expires }",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawEntry, E> {
                Ok(RawEntry::Short(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEntry, A::Error> {
                RawEntryFull::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawEntry::Full)
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}
