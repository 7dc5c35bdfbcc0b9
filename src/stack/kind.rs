//! The words for what the analysis finds — the finding kinds of SPEC §2 and their severity —
//! kept in the stack's own vocabulary because a stack file names them too (`[[accept]] kind`).
//! The analysis re-exports both, so they read as `analysis::Kind` wherever findings are made.

/// What kind of gap or warning a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Nobody owns the control.
    Unassigned,
    /// The agreement puts it on a side that does not deliver it, and the consumer believed otherwise.
    NoMansLand,
    /// The responsible party hands it on, but the chain ends where nobody delivers it.
    BrokenChain,
    /// The responsible party neither delivers it nor hands it on.
    NotDelivered,
    /// Covered, but not by whom the consumer believes.
    Misunderstanding,
    /// Covered, but resting on an assumption only.
    Unconfirmed,
    /// Covered, with assurance below the minimum.
    WeakAssurance,
}

impl Kind {
    /// Every kind, gaps first.
    pub const ALL: [Kind; 7] = [
        Kind::Unassigned,
        Kind::NoMansLand,
        Kind::BrokenChain,
        Kind::NotDelivered,
        Kind::Misunderstanding,
        Kind::Unconfirmed,
        Kind::WeakAssurance,
    ];

    /// The word used in reports and `[[accept]] kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Unassigned => "unassigned",
            Kind::NoMansLand => "no-mans-land",
            Kind::BrokenChain => "broken-chain",
            Kind::NotDelivered => "not-delivered",
            Kind::Misunderstanding => "misunderstanding",
            Kind::Unconfirmed => "unconfirmed",
            Kind::WeakAssurance => "weak-assurance",
        }
    }

    /// Parses the word used in reports.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Gap or warning.
    pub fn severity(self) -> Severity {
        match self {
            Kind::Unassigned | Kind::NoMansLand | Kind::BrokenChain | Kind::NotDelivered => {
                Severity::Gap
            }
            Kind::Misunderstanding | Kind::Unconfirmed | Kind::WeakAssurance => Severity::Warning,
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Nobody actually covers the control.
    Gap,
    /// Covered, but not as believed or not assured enough.
    Warning,
}

impl Severity {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Gap => "gap",
            Severity::Warning => "warning",
        }
    }
}
