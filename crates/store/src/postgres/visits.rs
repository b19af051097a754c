//! Visit requests on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::visit::{VisitId, VisitStatus};
use passerelle_domain::{AccountId, CaseId};

use super::PgStore;
use crate::codec::micros;
use crate::visits::{
    NewVisit, StatusColumns, VisitRequest, VisitRow, VisitStore, ages_text, dates_text, ids_text,
};
use crate::{Result, StoreError};

#[async_trait]
impl VisitStore for PgStore {
    async fn insert_visit(&self, visit: &NewVisit, now: Timestamp) -> Result<VisitRequest> {
        let id = VisitId::random();
        let status = VisitStatus::Submitted;
        let row: VisitRow = sqlx::query_as(
            "INSERT INTO visits (id, case_id, relative_id, kind, dates, adults, minor_ages,
                 envelope_id, envelope, note_readers, status, revision, updated_by,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $13)
             RETURNING *",
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
        .fetch_one(&self.pool)
        .await?;
        row.into_visit(&self.at_rest)
    }

    async fn visit(&self, id: VisitId) -> Result<Option<VisitRequest>> {
        let row: Option<VisitRow> = sqlx::query_as("SELECT * FROM visits WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.into_visit(&self.at_rest)).transpose()
    }

    async fn case_visits(&self, case: CaseId) -> Result<Vec<VisitRequest>> {
        let rows: Vec<VisitRow> =
            sqlx::query_as("SELECT * FROM visits WHERE case_id = $1 ORDER BY seq DESC")
                .bind(case.as_uuid())
                .fetch_all(&self.pool)
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
        // One statement compares and sets; RETURNING gives the row as this
        // update left it. The revision stops a second worker overwriting
        // the first one's step.
        let row: Option<VisitRow> = sqlx::query_as(
            "UPDATE visits SET status = $1, revision = revision + 1,
                 forwarded_at = COALESCE($2, forwarded_at),
                 forwarded_by = COALESCE($3, forwarded_by),
                 forward_reference = CASE WHEN $2::BIGINT IS NULL THEN forward_reference ELSE $4 END,
                 scheduled_date = COALESCE($5, scheduled_date),
                 scheduled_time = COALESCE($6, scheduled_time),
                 place = COALESCE($7, place),
                 reason = $8, cancelled_side = $9, updated_by = $10, updated_at = $11
             WHERE id = $12 AND revision = $13
             RETURNING *",
        )
        .bind(c.status)
        .bind(c.forwarded_at)
        .bind(c.forwarded_by)
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
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => row.into_visit(&self.at_rest),
            None => Err(match self.visit(id).await? {
                Some(_) => StoreError::Conflict("the visit request changed in the meantime"),
                None => StoreError::NotFound,
            }),
        }
    }
}
