//! Visit requests on SQLite.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::visit::{VisitId, VisitStatus};
use passerelle_domain::{AccountId, CaseId};
use sqlx::SqlitePool;

use super::SqliteStore;
use crate::codec::micros;
use crate::visits::{
    NewVisit, StatusColumns, VisitRequest, VisitRow, VisitStore, ages_text, dates_text, ids_text,
};
use crate::{Result, StoreError};

impl SqliteStore {
    async fn visit_on(&self, pool: &SqlitePool, id: VisitId) -> Result<Option<VisitRequest>> {
        let row: Option<VisitRow> = sqlx::query_as("SELECT * FROM visits WHERE id = ?")
            .bind(id.as_uuid())
            .fetch_optional(pool)
            .await?;
        row.map(|r| r.into_visit(&self.at_rest)).transpose()
    }
}

#[async_trait]
impl VisitStore for SqliteStore {
    async fn insert_visit(&self, visit: &NewVisit, now: Timestamp) -> Result<VisitRequest> {
        let id = VisitId::random();
        let status = VisitStatus::Submitted;
        sqlx::query(
            "INSERT INTO visits (id, case_id, relative_id, kind, dates, adults, minor_ages,
                 envelope_id, envelope, note_readers, status, revision, updated_by,
                 created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
        )
        .bind(id.as_uuid())
        .bind(visit.case.as_uuid())
        .bind(visit.relative.as_uuid())
        .bind(visit.kind.name())
        .bind(dates_text(&visit.dates))
        .bind(i32::from(visit.visitors.adults()))
        .bind(ages_text(&visit.visitors))
        .bind(visit.envelope_id)
        .bind(&visit.envelope)
        .bind(ids_text(&visit.note_readers))
        .bind(status.name())
        .bind(visit.relative.as_uuid())
        .bind(micros(now))
        .bind(micros(now))
        .execute(&self.writer)
        .await?;
        // Read back on the writer: a reader could lag behind this insert.
        self.visit_on(&self.writer, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn visit(&self, id: VisitId) -> Result<Option<VisitRequest>> {
        self.visit_on(&self.reader, id).await
    }

    async fn case_visits(&self, case: CaseId) -> Result<Vec<VisitRequest>> {
        let rows: Vec<VisitRow> =
            sqlx::query_as("SELECT * FROM visits WHERE case_id = ? ORDER BY seq DESC")
                .bind(case.as_uuid())
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter()
            .map(|r| r.into_visit(&self.at_rest))
            .collect()
    }

    async fn set_visit_status(
        &self,
        id: VisitId,
        revision: i64,
        to: &VisitStatus,
        by: AccountId,
        now: Timestamp,
    ) -> Result<VisitRequest> {
        let c = StatusColumns::of(to, &self.at_rest)?;
        // One statement compares and sets, so no transaction is needed: the
        // revision stops a second worker overwriting the first one's step.
        let changed = sqlx::query(
            "UPDATE visits SET status = ?, revision = revision + 1,
                 forwarded_at = COALESCE(?, forwarded_at),
                 forwarded_by = COALESCE(?, forwarded_by),
                 forward_reference = CASE WHEN ? IS NULL THEN forward_reference ELSE ? END,
                 scheduled_date = COALESCE(?, scheduled_date),
                 scheduled_time = COALESCE(?, scheduled_time),
                 place = COALESCE(?, place),
                 reason = ?, cancelled_side = ?, updated_by = ?, updated_at = ?
             WHERE id = ? AND revision = ?",
        )
        .bind(c.status)
        .bind(c.forwarded_at)
        .bind(c.forwarded_by)
        .bind(c.forwarded_at)
        .bind(c.forward_reference)
        .bind(c.scheduled_date)
        .bind(c.scheduled_time)
        .bind(c.place)
        .bind(c.reason)
        .bind(c.cancelled_side)
        .bind(by.as_uuid())
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(revision)
        .execute(&self.writer)
        .await?
        .rows_affected();
        // Read back on the writer: a reader could lag behind this update.
        match (changed, self.visit_on(&self.writer, id).await?) {
            (_, None) => Err(StoreError::NotFound),
            (0, Some(_)) => Err(StoreError::Conflict(
                "the visit request changed in the meantime",
            )),
            (_, Some(visit)) => Ok(visit),
        }
    }
}
