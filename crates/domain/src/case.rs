//! The case and the people linked to it.

use serde::{Deserialize, Serialize};

use crate::AccountId;

/// The detained person's legal situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalSituation {
    /// Charged, awaiting trial (inculpé).
    Charged,
    /// Sentenced (condamné).
    Sentenced,
    /// Interned (interné).
    Interned,
    /// On prison leave.
    OnLeave,
    /// Limited detention.
    LimitedDetention,
    /// Under electronic monitoring.
    ElectronicMonitoring,
    /// Released.
    Released,
}

/// Whether a case is being worked on. A closed case can be reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Being worked on.
    Open,
    /// Closed; can be reopened.
    Closed,
}

/// How a relative is related to the detained person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// Mother or father.
    Parent,
    /// Spouse or partner.
    Partner,
    /// Son or daughter.
    Child,
    /// Brother or sister.
    Sibling,
    /// Another family member.
    OtherFamily,
    /// A friend or another close person.
    Friend,
}

/// What an account is to one case. Anyone with no membership is outside
/// the case and must get the same answer as for a case that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Membership {
    /// A worker (or coordinator) assigned to the case.
    Worker,
    /// A relative linked to the case.
    Relative {
        /// Their relationship to the detained person.
        relationship: Relationship,
    },
    /// The detained person of the case.
    Detainee,
}

/// One person linked to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Their account.
    pub account: AccountId,
    /// What they are to the case.
    pub membership: Membership,
}
