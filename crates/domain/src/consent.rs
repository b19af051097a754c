//! Consent records and restrictions (DESIGN section 3). The history is
//! append-only: a grant or a revocation is a new record, and what a relative
//! may see at a given time is derived from the records made up to then.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AccountId, CaseId, ConsentId, RestrictionId};

/// What a detained person lets one relative see or do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Exchange messages with the detained person.
    Messages,
    /// Request visits.
    Visits,
    /// See the detention situation and the institution.
    CaseStatus,
    /// See the release date and the release plan.
    ReleasePlan,
    /// See the outcome of practical requests about the detained person.
    Requests,
    /// See care and treatment continuity.
    Health,
    /// See procedure information.
    Legal,
}

impl Scope {
    /// Every scope, in a fixed order.
    pub const ALL: [Self; 7] = [
        Self::Messages,
        Self::Visits,
        Self::CaseStatus,
        Self::ReleasePlan,
        Self::Requests,
        Self::Health,
        Self::Legal,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Messages => "messages",
            Self::Visits => "visits",
            Self::CaseStatus => "case_status",
            Self::ReleasePlan => "release_plan",
            Self::Requests => "requests",
            Self::Health => "health",
            Self::Legal => "legal",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the enumeration's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name")]
pub struct UnknownName;

impl FromStr for Scope {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or(UnknownName)
    }
}

/// A set of scopes. Serialised as a sorted list of names.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Scopes(u8);

impl Scopes {
    /// No scope at all.
    pub const NONE: Self = Self(0);

    /// Every scope.
    pub fn all() -> Self {
        Scope::ALL.into_iter().collect()
    }

    /// Whether `scope` is in the set.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set with `scope` added.
    #[must_use]
    pub fn with(self, scope: Scope) -> Self {
        Self(self.0 | scope.bit())
    }

    /// The set with `scope` removed.
    #[must_use]
    pub fn without(self, scope: Scope) -> Self {
        Self(self.0 & !scope.bit())
    }

    /// The scopes, in [`Scope::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// Whether every scope of `self` is in `other`.
    pub fn is_subset(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    /// The bit pattern, for storage.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// From a stored bit pattern; `None` if it names no known scope.
    pub fn from_bits(bits: u8) -> Option<Self> {
        (bits & !Self::all().0 == 0).then_some(Self(bits))
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        iter.into_iter().fold(Self::NONE, Self::with)
    }
}

impl fmt::Debug for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for Scopes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Scopes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Scope>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

/// How a consent was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// Said to a worker in person, during a visit.
    InPerson,
    /// A signed paper form, kept by the service.
    SignedPaper,
    /// At the prison's kiosk.
    Kiosk,
}

impl ConsentMethod {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::SignedPaper => "signed_paper",
            Self::Kiosk => "kiosk",
        }
    }
}

impl FromStr for ConsentMethod {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        [Self::InPerson, Self::SignedPaper, Self::Kiosk]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(UnknownName)
    }
}

/// What one record changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ConsentChange {
    /// The scopes are granted from `valid_from` until `valid_until` (open
    /// ended if absent). It replaces any earlier record for those scopes.
    Grant {
        /// What is granted.
        scopes: Scopes,
        /// From when.
        valid_from: Timestamp,
        /// Until when (exclusive).
        valid_until: Option<Timestamp>,
    },
    /// The scopes are withdrawn from the time of the record on.
    Revoke {
        /// What is withdrawn.
        scopes: Scopes,
    },
}

impl ConsentChange {
    /// The scopes the record speaks of.
    pub fn scopes(&self) -> Scopes {
        match self {
            Self::Grant { scopes, .. } | Self::Revoke { scopes } => *scopes,
        }
    }
}

/// One record of a case's consent history: the detained person of `case`
/// (the subject) grants or withdraws scopes for one relative (the grantee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// The record's id.
    pub id: ConsentId,
    /// The case, and so the subject: its detained person.
    pub case: CaseId,
    /// The relative the record is about.
    pub grantee: AccountId,
    /// The grant or revocation.
    #[serde(flatten)]
    pub change: ConsentChange,
    /// How the detained person expressed it.
    pub method: ConsentMethod,
    /// A SHA-256 hash of the evidence (a scanned form), if any.
    pub evidence_hash: Option<[u8; 32]>,
    /// The worker who collected it.
    pub recorded_by: AccountId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// The scopes `grantee` holds at `at`, derived from `history` (one case's
/// records, oldest first; records of other grantees are ignored). For each
/// scope the latest record made up to `at` that names it decides: a grant
/// counts while `at` is inside its validity period, a revocation never.
/// Nothing else grants anything: the default is deny.
pub fn effective_scopes(history: &[ConsentRecord], grantee: AccountId, at: Timestamp) -> Scopes {
    let mut decided = Scopes::NONE;
    let mut granted = Scopes::NONE;
    for record in history
        .iter()
        .rev()
        .filter(|r| r.grantee == grantee && r.recorded_at <= at)
    {
        let fresh = record
            .change
            .scopes()
            .iter()
            .filter(|s| !decided.contains(*s))
            .collect::<Scopes>();
        if let ConsentChange::Grant {
            valid_from,
            valid_until,
            ..
        } = record.change
        {
            let valid = valid_from <= at && valid_until.is_none_or(|until| at < until);
            if valid {
                granted = fresh.iter().fold(granted, Scopes::with);
            }
        }
        decided = fresh.iter().fold(decided, Scopes::with);
        if decided == Scopes::all() {
            break;
        }
    }
    granted
}

/// Why contact is barred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionKind {
    /// A no-contact order from a court.
    CourtOrder,
    /// The relative asked to be protected.
    ProtectionRequest,
}

impl RestrictionKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CourtOrder => "court_order",
            Self::ProtectionRequest => "protection_request",
        }
    }
}

impl FromStr for RestrictionKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        [Self::CourtOrder, Self::ProtectionRequest]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(UnknownName)
    }
}

/// A bar on all contact between a case's detained person and one relative,
/// whatever the consent says. Lifting it keeps the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// Its id.
    pub id: RestrictionId,
    /// The case.
    pub case: CaseId,
    /// The relative kept apart from the detained person.
    pub relative: AccountId,
    /// Why.
    pub kind: RestrictionKind,
    /// The worker who recorded it.
    pub imposed_by: AccountId,
    /// From when it applies.
    pub imposed_at: Timestamp,
    /// Who lifted it, and when, if it was.
    pub lifted: Option<(AccountId, Timestamp)>,
}

impl Restriction {
    /// Whether it bars contact at `at`.
    pub fn active_at(&self, at: Timestamp) -> bool {
        self.imposed_at <= at && self.lifted.is_none_or(|(_, lifted)| at < lifted)
    }
}
