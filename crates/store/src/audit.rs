//! The audit trail (DESIGN section 7): every read and write of case data,
//! and every denial, appends one row. Each row carries a keyed digest of
//! the previous row's digest and its own fields, so an edited, deleted,
//! inserted or reordered row breaks the chain at that point. The key is
//! derived from `keys/audit-checkpoint.key`: without it, someone who can
//! write to the database cannot forge a consistent chain.
//!
//! A row's digest is HMAC-SHA256 under the chain key over:
//! `"passerelle/audit/v1"`, the previous digest (32 zero bytes for row 1),
//! then each field as a 4-byte big-endian length and its bytes, in order:
//! seq (8 bytes, big-endian), at (8 bytes, microseconds, big-endian),
//! actor, action, object kind, object id, case, owner (ids as 16 bytes,
//! absent as zero length) and outcome.

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use passerelle_domain::policy::Denial;
use passerelle_domain::{AccountId, CaseId};
use sha2::Sha256;
use uuid::Uuid;

use crate::{AtRest, StoreError, codec::micros};

pub mod checkpoint;

/// The digest before the first row.
pub const GENESIS: [u8; 32] = [0; 32];

/// What happened, with the policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Allowed,
    /// Refused by the policy, for this reason.
    Denied(Denial),
}

impl Outcome {
    /// The stored text: `allowed`, or `denied:` and the reason's code.
    pub fn text(self) -> String {
        match self {
            Self::Allowed => "allowed".to_owned(),
            Self::Denied(denial) => format!("denied:{}", denial.code()),
        }
    }
}

/// One row to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// Who (absent for an anonymous attempt).
    pub actor: Option<AccountId>,
    /// What, as a stable dotted name (`message.relay`, `consent.record`).
    pub action: &'static str,
    /// The kind of object (`message`, `case`, `consent`).
    pub object_kind: &'static str,
    /// The object's id, when it has one.
    pub object_id: Option<Uuid>,
    /// The case the object belongs to.
    pub case: Option<CaseId>,
    /// The person whose item it is: they can see who accessed it.
    pub owner: Option<AccountId>,
    /// Allowed, or denied with the reason.
    pub outcome: Outcome,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Option<AccountId>,
    /// What.
    pub action: String,
    /// The kind of object.
    pub object_kind: String,
    /// The object.
    pub object_id: Option<Uuid>,
    /// The case.
    pub case: Option<CaseId>,
    /// Whose item.
    pub owner: Option<AccountId>,
    /// `allowed` or `denied:<reason>`.
    pub outcome: String,
    /// The previous row's digest.
    pub prev_hash: [u8; 32],
    /// This row's digest.
    pub hash: [u8; 32],
}

/// Which rows to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFilter {
    /// The whole chain, for verification.
    All,
    /// One case's rows.
    Case(CaseId),
    /// The rows about one person's items.
    Owner(AccountId),
}

impl AuditRecord {
    /// The row that appending `entry` after `prev_hash` at `seq` makes.
    pub fn chained(
        key: &AtRest,
        seq: i64,
        prev_hash: [u8; 32],
        entry: &AuditEntry,
    ) -> Result<Self, StoreError> {
        let mut record = Self {
            seq,
            at: Timestamp::from_microsecond(micros(entry.at))
                .map_err(|_| StoreError::Corrupt("audit time out of range"))?,
            actor: entry.actor,
            action: entry.action.to_owned(),
            object_kind: entry.object_kind.to_owned(),
            object_id: entry.object_id,
            case: entry.case,
            owner: entry.owner,
            outcome: entry.outcome.text(),
            prev_hash,
            hash: GENESIS,
        };
        record.hash = record.digest(key)?;
        Ok(record)
    }

    /// The digest this row should carry, given its `prev_hash`.
    pub fn digest(&self, key: &AtRest) -> Result<[u8; 32], StoreError> {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key.audit_key())
            .map_err(|_| StoreError::Corrupt("audit key"))?;
        mac.update(b"passerelle/audit/v1");
        mac.update(&self.prev_hash);
        let id = |id: Option<Uuid>| id.map(|u| u.into_bytes().to_vec()).unwrap_or_default();
        let fields: [Vec<u8>; 9] = [
            self.seq.to_be_bytes().to_vec(),
            micros(self.at).to_be_bytes().to_vec(),
            id(self.actor.map(|a| a.as_uuid())),
            self.action.as_bytes().to_vec(),
            self.object_kind.as_bytes().to_vec(),
            id(self.object_id),
            id(self.case.map(|c| c.as_uuid())),
            id(self.owner.map(|o| o.as_uuid())),
            self.outcome.as_bytes().to_vec(),
        ];
        for field in fields {
            let len = u32::try_from(field.len())
                .map_err(|_| StoreError::Corrupt("audit field too long"))?;
            mac.update(&len.to_be_bytes());
            mac.update(&field);
        }
        Ok(mac.finalize().into_bytes().into())
    }
}

/// Where a chain check stands after some rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Rows checked so far.
    pub rows: u64,
    /// The last row's seq (0 before any).
    pub seq: i64,
    /// The last row's digest.
    pub head: [u8; 32],
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the audit trail breaks at row {seq}: {why}")]
pub struct ChainBroken {
    /// The first row that does not follow.
    pub seq: i64,
    /// What is wrong.
    pub why: &'static str,
}

impl Default for ChainCheck {
    fn default() -> Self {
        Self {
            rows: 0,
            seq: 0,
            head: GENESIS,
        }
    }
}

impl ChainCheck {
    /// Checks the next row, in seq order.
    pub fn next(&mut self, key: &AtRest, record: &AuditRecord) -> Result<(), ChainBroken> {
        let broken = |why| ChainBroken {
            seq: record.seq,
            why,
        };
        if record.seq != self.seq + 1 {
            return Err(broken("a row is missing or out of order"));
        }
        if record.prev_hash != self.head {
            return Err(broken("it does not follow the row before it"));
        }
        let digest = record
            .digest(key)
            .map_err(|_| broken("its digest cannot be computed"))?;
        if digest != record.hash {
            return Err(broken("its content was changed"));
        }
        self.rows += 1;
        self.seq = record.seq;
        self.head = record.hash;
        Ok(())
    }
}
