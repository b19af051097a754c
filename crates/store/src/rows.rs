//! Rows of the consent, restriction and audit tables as both engines return
//! them (`sqlx::FromRow`), and their one conversion into domain values.

use passerelle_domain::{AccountId, CaseId, ConsentId, ConsentRecord, Restriction, RestrictionId};
use uuid::Uuid;

use crate::audit::AuditRecord;
use crate::codec::*;
use crate::{Result, StoreError};

/// A `consent_records` row.
#[derive(Debug, sqlx::FromRow)]
pub struct ConsentRow {
    id: Uuid,
    case_id: Uuid,
    grantee_id: Uuid,
    change: String,
    scopes: i64,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
    method: String,
    evidence_hash: Option<Vec<u8>>,
    recorded_by: Uuid,
    recorded_at: i64,
}

impl TryFrom<ConsentRow> for ConsentRecord {
    type Error = StoreError;

    fn try_from(row: ConsentRow) -> Result<Self> {
        Ok(Self {
            id: ConsentId::from_uuid(row.id),
            case: CaseId::from_uuid(row.case_id),
            grantee: AccountId::from_uuid(row.grantee_id),
            change: consent_change_from(&row.change, row.scopes, row.valid_from, row.valid_until)?,
            method: method_from(&row.method)?,
            evidence_hash: hash32_from(row.evidence_hash)?,
            recorded_by: AccountId::from_uuid(row.recorded_by),
            recorded_at: timestamp(row.recorded_at)?,
        })
    }
}

/// A `restrictions` row.
#[derive(Debug, sqlx::FromRow)]
pub struct RestrictionRow {
    id: Uuid,
    case_id: Uuid,
    relative_id: Uuid,
    kind: String,
    imposed_by: Uuid,
    imposed_at: i64,
    lifted_by: Option<Uuid>,
    lifted_at: Option<i64>,
}

impl TryFrom<RestrictionRow> for Restriction {
    type Error = StoreError;

    fn try_from(row: RestrictionRow) -> Result<Self> {
        Ok(Self {
            id: RestrictionId::from_uuid(row.id),
            case: CaseId::from_uuid(row.case_id),
            relative: AccountId::from_uuid(row.relative_id),
            kind: restriction_kind_from(&row.kind)?,
            imposed_by: AccountId::from_uuid(row.imposed_by),
            imposed_at: timestamp(row.imposed_at)?,
            lifted: match (row.lifted_by, row.lifted_at) {
                (Some(by), Some(at)) => Some((AccountId::from_uuid(by), timestamp(at)?)),
                (None, None) => None,
                _ => return Err(StoreError::Corrupt("a restriction is half lifted")),
            },
        })
    }
}

/// An `audit_log` row.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    seq: i64,
    at: i64,
    actor_id: Option<Uuid>,
    action: String,
    object_kind: String,
    object_id: Option<Uuid>,
    case_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    outcome: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self> {
        Ok(Self {
            seq: row.seq,
            at: timestamp(row.at)?,
            actor: row.actor_id.map(AccountId::from_uuid),
            action: row.action,
            object_kind: row.object_kind,
            object_id: row.object_id,
            case: row.case_id.map(CaseId::from_uuid),
            owner: row.owner_id.map(AccountId::from_uuid),
            outcome: row.outcome,
            prev_hash: key_from(row.prev_hash)?,
            hash: key_from(row.hash)?,
        })
    }
}

/// Converts every row, failing on the first that does not read back.
pub fn convert<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}
