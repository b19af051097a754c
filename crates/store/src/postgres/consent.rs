//! Consent records, restrictions and the audit trail on PostgreSQL. Audit
//! rows are appended through the instance's writer (`group_commit`).

use jiff::Timestamp;
use passerelle_domain::{AccountId, CaseId, ConsentRecord, Restriction, RestrictionId};
use sqlx::{PgConnection, Row};

use super::PgStore;
use crate::audit::{AuditEntry, AuditFilter, AuditRecord};
use crate::codec::{consent_columns, key_from, micros};
use crate::rows::{AuditRow, ConsentRow, RestrictionRow, convert};
use crate::{AtRest, Result, StoreError};

impl PgStore {
    pub(super) async fn insert_consent(&self, record: &ConsentRecord) -> Result<()> {
        let (change, scopes, valid_from, valid_until) = consent_columns(&record.change);
        sqlx::query(
            "INSERT INTO consent_records (id, case_id, grantee_id, change, scopes, valid_from,
                 valid_until, method, evidence_hash, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(record.id.as_uuid())
        .bind(record.case.as_uuid())
        .bind(record.grantee.as_uuid())
        .bind(change)
        .bind(i32::try_from(scopes).map_err(|_| StoreError::Corrupt("scopes"))?)
        .bind(valid_from)
        .bind(valid_until)
        .bind(record.method.as_str())
        .bind(record.evidence_hash.map(|h| h.to_vec()))
        .bind(record.recorded_by.as_uuid())
        .bind(micros(record.recorded_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn select_consents(&self, case: CaseId) -> Result<Vec<ConsentRecord>> {
        let rows: Vec<ConsentRow> = sqlx::query_as(
            "SELECT id, case_id, grantee_id, change, scopes::BIGINT AS scopes, valid_from,
                    valid_until, method, evidence_hash, recorded_by, recorded_at
             FROM consent_records WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case.as_uuid())
        .fetch_all(&self.pool)
        .await?;
        convert(rows)
    }

    pub(super) async fn insert_restriction(&self, r: &Restriction) -> Result<()> {
        sqlx::query(
            "INSERT INTO restrictions (id, case_id, relative_id, kind, imposed_by, imposed_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.id.as_uuid())
        .bind(r.case.as_uuid())
        .bind(r.relative.as_uuid())
        .bind(r.kind.as_str())
        .bind(r.imposed_by.as_uuid())
        .bind(micros(r.imposed_at))
        .execute(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        let row: Option<RestrictionRow> = sqlx::query_as(
            "SELECT id, case_id, relative_id, kind, imposed_by, imposed_at, lifted_by, lifted_at
             FROM restrictions WHERE id = $1 AND case_id = $2 FOR UPDATE",
        )
        .bind(id.as_uuid())
        .bind(case.as_uuid())
        .fetch_optional(&mut *tx)
        .await?;
        let mut restriction: Restriction = row.ok_or(StoreError::NotFound)?.try_into()?;
        if restriction.lifted.is_some() {
            return Err(StoreError::Conflict("the restriction is already lifted"));
        }
        sqlx::query("UPDATE restrictions SET lifted_by = $1, lifted_at = $2 WHERE id = $3")
            .bind(by.as_uuid())
            .bind(micros(now))
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        restriction.lifted = Some((by, crate::codec::timestamp(micros(now))?));
        Ok(restriction)
    }

    pub(super) async fn select_restrictions(&self, case: CaseId) -> Result<Vec<Restriction>> {
        let rows: Vec<RestrictionRow> = sqlx::query_as(
            "SELECT id, case_id, relative_id, kind, imposed_by, imposed_at, lifted_by, lifted_at
             FROM restrictions WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case.as_uuid())
        .fetch_all(&self.pool)
        .await?;
        convert(rows)
    }

    /// Appends through the instance's writer task.
    pub(super) async fn append(&self, entries: &[AuditEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.writer.audit(entries.to_vec()).await
    }

    pub(super) async fn select_audit(
        &self,
        filter: AuditFilter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        let (clause, id) = match filter {
            AuditFilter::All => ("$1::UUID IS NULL", None),
            AuditFilter::Case(case) => ("case_id = $1", Some(case.as_uuid())),
            AuditFilter::Owner(owner) => ("owner_id = $1", Some(owner.as_uuid())),
        };
        let sql =
            format!("SELECT * FROM audit_log WHERE {clause} AND seq > $2 ORDER BY seq LIMIT $3");
        let rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        convert(rows)
    }
}

/// Extends the chain under the head row's lock, so that instances
/// sharing the database append one after the other.
pub(super) async fn extend_chain(
    tx: &mut PgConnection,
    key: &AtRest,
    entries: &[AuditEntry],
) -> Result<()> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head FOR UPDATE")
        .fetch_one(&mut *tx)
        .await?;
    let mut seq: i64 = head.try_get(0)?;
    let mut hash = key_from(head.try_get(1)?)?;
    let (mut seqs, mut ats, mut actors, mut actions, mut kinds) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut objects, mut cases, mut owners, mut outcomes, mut prevs, mut hashes) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for entry in entries {
        let record = AuditRecord::chained(key, seq + 1, hash, entry)?;
        seq = record.seq;
        hash = record.hash;
        seqs.push(record.seq);
        ats.push(micros(record.at));
        actors.push(record.actor.map(|a| a.as_uuid()));
        actions.push(record.action);
        kinds.push(record.object_kind);
        objects.push(record.object_id);
        cases.push(record.case.map(|c| c.as_uuid()));
        owners.push(record.owner.map(|o| o.as_uuid()));
        outcomes.push(record.outcome);
        prevs.push(record.prev_hash.to_vec());
        hashes.push(record.hash.to_vec());
    }
    // One statement for the lot, whatever its size.
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, action, object_kind, object_id, case_id,
                                owner_id, outcome, prev_hash, hash)
         SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::UUID[], $4::TEXT[], $5::TEXT[],
                              $6::UUID[], $7::UUID[], $8::UUID[], $9::TEXT[], $10::BYTEA[],
                              $11::BYTEA[])",
    )
    .bind(seqs)
    .bind(ats)
    .bind(actors)
    .bind(actions)
    .bind(kinds)
    .bind(objects)
    .bind(cases)
    .bind(owners)
    .bind(outcomes)
    .bind(prevs)
    .bind(hashes)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2")
        .bind(seq)
        .bind(hash.to_vec())
        .execute(&mut *tx)
        .await?;
    Ok(())
}
