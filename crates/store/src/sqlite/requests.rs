//! Practical requests on SQLite. Writes run on the one writer connection;
//! a status change and its read-back share one `BEGIN IMMEDIATE`
//! transaction, so the row returned is the one this change left.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::request::{RequestId, RequestStatus};
use passerelle_domain::{AccountId, CaseId};
use sqlx::{Connection, SqliteConnection};

use super::SqliteStore;
use crate::codec::micros;
use crate::requests::{
    NewRequest, PracticalRequest, REASON, RequestRow, RequestStore, readers_text, status_columns,
};
use crate::{Result, StoreError};

impl SqliteStore {
    async fn request_on(
        &self,
        conn: &mut SqliteConnection,
        id: RequestId,
    ) -> Result<Option<PracticalRequest>> {
        let row: Option<RequestRow> =
            sqlx::query_as("SELECT * FROM practical_requests WHERE id = ?")
                .bind(id.as_uuid())
                .fetch_optional(conn)
                .await?;
        row.map(|r| r.into_request(&self.at_rest)).transpose()
    }
}

#[async_trait]
impl RequestStore for SqliteStore {
    async fn insert_request(
        &self,
        request: &NewRequest,
        now: Timestamp,
    ) -> Result<PracticalRequest> {
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO practical_requests (id, case_id, service_id, author_id, on_behalf,
                 category, urgency, envelope_id, envelope, readers, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?)",
        )
        .bind(request.id.as_uuid())
        .bind(request.case.as_uuid())
        .bind(request.service.as_uuid())
        .bind(request.author.as_uuid())
        .bind(request.on_behalf)
        .bind(request.category.name())
        .bind(request.urgency.name())
        .bind(request.envelope_id)
        .bind(&request.envelope)
        .bind(readers_text(&request.readers))
        .bind(micros(now))
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let stored = self.request_on(&mut tx, request.id).await?;
        tx.commit().await?;
        stored.ok_or(StoreError::NotFound)
    }

    async fn request(&self, id: RequestId) -> Result<Option<PracticalRequest>> {
        let mut conn = self.reader.acquire().await?;
        self.request_on(&mut conn, id).await
    }

    async fn case_requests(&self, case: CaseId) -> Result<Vec<PracticalRequest>> {
        let rows: Vec<RequestRow> =
            sqlx::query_as("SELECT * FROM practical_requests WHERE case_id = ? ORDER BY seq DESC")
                .bind(case.as_uuid())
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter()
            .map(|r| r.into_request(&self.at_rest))
            .collect()
    }

    async fn assign_request(
        &self,
        id: RequestId,
        worker: AccountId,
        now: Timestamp,
    ) -> Result<PracticalRequest> {
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("UPDATE practical_requests SET assigned_to = ?, updated_at = ? WHERE id = ?")
            .bind(worker.as_uuid())
            .bind(micros(now))
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await?;
        let stored = self.request_on(&mut tx, id).await?;
        tx.commit().await?;
        stored.ok_or(StoreError::NotFound)
    }

    async fn set_request_status(
        &self,
        id: RequestId,
        from: &RequestStatus,
        to: &RequestStatus,
        now: Timestamp,
    ) -> Result<PracticalRequest> {
        let (status, resolution, reason) = status_columns(to);
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let changed = sqlx::query(
            "UPDATE practical_requests SET status = ?1, resolution = ?2, resolution_reason = ?3,
                 updated_at = ?4,
                 acknowledged_at = CASE WHEN ?1 = 'acknowledged'
                     THEN coalesce(acknowledged_at, ?4) ELSE acknowledged_at END,
                 resolved_at = CASE WHEN ?1 = 'resolved' THEN ?4 ELSE resolved_at END,
                 closed_at = CASE WHEN ?1 = 'closed' THEN ?4 ELSE closed_at END
             WHERE id = ?5 AND status = ?6",
        )
        .bind(status)
        .bind(resolution)
        .bind(self.at_rest.seal_opt(REASON, reason)?)
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(from.name())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let stored = self.request_on(&mut tx, id).await?;
        tx.commit().await?;
        match (changed, stored) {
            (_, None) => Err(StoreError::NotFound),
            (0, Some(_)) => Err(StoreError::Conflict("the request changed in the meantime")),
            (_, Some(request)) => Ok(request),
        }
    }
}
