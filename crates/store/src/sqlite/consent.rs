//! Consent records, restrictions and the audit trail on SQLite.

use jiff::Timestamp;
use passerelle_domain::{AccountId, CaseId, ConsentRecord, Restriction, RestrictionId};

use super::SqliteStore;
use crate::audit::{AuditEntry, AuditFilter, AuditRecord};
use crate::codec::{consent_columns, micros};
use crate::rows::{AuditRow, ConsentRow, RestrictionRow, convert};
use crate::{Result, StoreError};

impl SqliteStore {
    pub(super) async fn insert_consent(&self, record: &ConsentRecord) -> Result<()> {
        let (change, scopes, valid_from, valid_until) = consent_columns(&record.change);
        sqlx::query(
            "INSERT INTO consent_records (id, case_id, grantee_id, change, scopes, valid_from,
                 valid_until, method, evidence_hash, recorded_by, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(record.id.as_uuid())
        .bind(record.case.as_uuid())
        .bind(record.grantee.as_uuid())
        .bind(change)
        .bind(scopes)
        .bind(valid_from)
        .bind(valid_until)
        .bind(record.method.as_str())
        .bind(record.evidence_hash.map(|h| h.to_vec()))
        .bind(record.recorded_by.as_uuid())
        .bind(micros(record.recorded_at))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(super) async fn select_consents(&self, case: CaseId) -> Result<Vec<ConsentRecord>> {
        let rows: Vec<ConsentRow> =
            sqlx::query_as("SELECT * FROM consent_records WHERE case_id = ? ORDER BY seq")
                .bind(case.as_uuid())
                .fetch_all(&self.reader)
                .await?;
        convert(rows)
    }

    pub(super) async fn insert_restriction(&self, r: &Restriction) -> Result<()> {
        sqlx::query(
            "INSERT INTO restrictions (id, case_id, relative_id, kind, imposed_by, imposed_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(r.id.as_uuid())
        .bind(r.case.as_uuid())
        .bind(r.relative.as_uuid())
        .bind(r.kind.as_str())
        .bind(r.imposed_by.as_uuid())
        .bind(micros(r.imposed_at))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(super) async fn update_lift(
        &self,
        case: CaseId,
        id: RestrictionId,
        by: AccountId,
        now: Timestamp,
    ) -> Result<Restriction> {
        let changed = sqlx::query(
            "UPDATE restrictions SET lifted_by = ?, lifted_at = ?
             WHERE id = ? AND case_id = ? AND lifted_at IS NULL",
        )
        .bind(by.as_uuid())
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(case.as_uuid())
        .execute(&self.writer)
        .await?
        .rows_affected();
        // Read back on the writer: a reader could lag behind this update.
        let row: Option<RestrictionRow> =
            sqlx::query_as("SELECT * FROM restrictions WHERE id = ? AND case_id = ?")
                .bind(id.as_uuid())
                .bind(case.as_uuid())
                .fetch_optional(&self.writer)
                .await?;
        match (changed, row) {
            (_, None) => Err(StoreError::NotFound),
            (0, Some(_)) => Err(StoreError::Conflict("the restriction is already lifted")),
            (_, Some(row)) => row.try_into(),
        }
    }

    pub(super) async fn select_restrictions(&self, case: CaseId) -> Result<Vec<Restriction>> {
        let rows: Vec<RestrictionRow> =
            sqlx::query_as("SELECT * FROM restrictions WHERE case_id = ? ORDER BY seq")
                .bind(case.as_uuid())
                .fetch_all(&self.reader)
                .await?;
        convert(rows)
    }

    pub(super) async fn append(&self, entries: &[AuditEntry]) -> Result<()> {
        if !entries.is_empty() {
            self.messages.audit(entries.to_vec()).await?;
        }
        Ok(())
    }

    pub(super) async fn select_audit(
        &self,
        filter: AuditFilter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        let (clause, id) = match filter {
            AuditFilter::All => ("?1 IS NULL", None),
            AuditFilter::Case(case) => ("case_id = ?1", Some(case.as_uuid())),
            AuditFilter::Owner(owner) => ("owner_id = ?1", Some(owner.as_uuid())),
        };
        let sql =
            format!("SELECT * FROM audit_log WHERE {clause} AND seq > ?2 ORDER BY seq LIMIT ?3");
        let rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
        convert(rows)
    }
}
