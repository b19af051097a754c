//! Storage of referrals.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::directory::EntryId;
use passerelle_domain::referral::{ReferralId, ReferralStatus};
use passerelle_domain::request::RequestId;
use passerelle_domain::{AccountId, CaseId};
use uuid::Uuid;

use crate::codec::timestamp;
use crate::{Result, StoreError};

/// A referral to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    /// Its id.
    pub id: ReferralId,
    /// The request referred.
    pub request: RequestId,
    /// The request's case.
    pub case: CaseId,
    /// The directory entry it goes to.
    pub entry: EntryId,
    /// The entry's name now, kept with the referral.
    pub entry_name: String,
    /// The worker who referred it.
    pub referred_by: AccountId,
}

/// A stored referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// Its id.
    pub id: ReferralId,
    /// The request referred.
    pub request: RequestId,
    /// The request's case.
    pub case: CaseId,
    /// The directory entry, unless it was deleted since.
    pub entry: Option<EntryId>,
    /// The entry's name when referred.
    pub entry_name: String,
    /// Pending, confirmed or declined.
    pub status: ReferralStatus,
    /// Who referred it.
    pub referred_by: AccountId,
    /// When.
    pub referred_at: Timestamp,
    /// Who recorded the service's answer.
    pub answered_by: Option<AccountId>,
    /// When.
    pub answered_at: Option<Timestamp>,
}

/// Referrals; part of [`crate::Store`].
#[async_trait]
pub trait ReferralStore: Send + Sync {
    /// Stores a referral, pending; `NotFound` if the request or the entry
    /// does not exist.
    async fn insert_referral(&self, referral: &NewReferral, now: Timestamp) -> Result<Referral>;
    /// A referral by id.
    async fn referral(&self, id: ReferralId) -> Result<Option<Referral>>;
    /// A request's referrals, oldest first.
    async fn request_referrals(&self, request: RequestId) -> Result<Vec<Referral>>;
    /// Records the service's answer: `Conflict` if the referral is no
    /// longer `from` (someone answered first).
    async fn answer_referral(
        &self,
        id: ReferralId,
        from: ReferralStatus,
        to: ReferralStatus,
        by: AccountId,
        now: Timestamp,
    ) -> Result<Referral>;
}

/// A `referrals` row, as both engines return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ReferralRow {
    id: Uuid,
    request_id: Uuid,
    case_id: Uuid,
    entry_id: Option<Uuid>,
    entry_name: String,
    status: String,
    referred_by: Uuid,
    referred_at: i64,
    answered_by: Option<Uuid>,
    answered_at: Option<i64>,
}

impl TryFrom<ReferralRow> for Referral {
    type Error = StoreError;

    fn try_from(row: ReferralRow) -> Result<Self> {
        Ok(Self {
            id: ReferralId::from_uuid(row.id),
            request: RequestId::from_uuid(row.request_id),
            case: CaseId::from_uuid(row.case_id),
            entry: row.entry_id.map(EntryId::from_uuid),
            entry_name: row.entry_name,
            status: ReferralStatus::from_name(&row.status)
                .ok_or(StoreError::Corrupt("referral status"))?,
            referred_by: AccountId::from_uuid(row.referred_by),
            referred_at: timestamp(row.referred_at)?,
            answered_by: row.answered_by.map(AccountId::from_uuid),
            answered_at: row.answered_at.map(timestamp).transpose()?,
        })
    }
}

/// The columns every engine selects.
pub(crate) const COLUMNS: &str = "id, request_id, case_id, entry_id, entry_name, status,
    referred_by, referred_at, answered_by, answered_at";
