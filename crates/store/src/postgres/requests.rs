//! Practical requests on PostgreSQL. A status change is one `UPDATE ...
//! WHERE status = $from RETURNING *`: the row returned is the one this
//! change left, and a request that moved first is a conflict.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::request::{RequestId, RequestStatus};
use passerelle_domain::{AccountId, CaseId};

use super::PgStore;
use crate::codec::micros;
use crate::requests::{
    NewRequest, PracticalRequest, REASON, RequestRow, RequestStore, readers_text, status_columns,
};
use crate::{Result, StoreError};

#[async_trait]
impl RequestStore for PgStore {
    async fn insert_request(
        &self,
        request: &NewRequest,
        now: Timestamp,
    ) -> Result<PracticalRequest> {
        let row: RequestRow = sqlx::query_as(
            "INSERT INTO practical_requests (id, case_id, service_id, author_id, on_behalf,
                 category, urgency, envelope_id, envelope, readers, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted', $11, $11)
             RETURNING *",
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
        .fetch_one(&self.pool)
        .await?;
        row.into_request(&self.at_rest)
    }

    async fn request(&self, id: RequestId) -> Result<Option<PracticalRequest>> {
        let row: Option<RequestRow> =
            sqlx::query_as("SELECT * FROM practical_requests WHERE id = $1")
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| r.into_request(&self.at_rest)).transpose()
    }

    async fn case_requests(&self, case: CaseId) -> Result<Vec<PracticalRequest>> {
        let rows: Vec<RequestRow> =
            sqlx::query_as("SELECT * FROM practical_requests WHERE case_id = $1 ORDER BY seq DESC")
                .bind(case.as_uuid())
                .fetch_all(&self.pool)
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
        let row: Option<RequestRow> = sqlx::query_as(
            "UPDATE practical_requests SET assigned_to = $1, updated_at = $2 WHERE id = $3
             RETURNING *",
        )
        .bind(worker.as_uuid())
        .bind(micros(now))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound)?.into_request(&self.at_rest)
    }

    async fn set_request_status(
        &self,
        id: RequestId,
        from: &RequestStatus,
        to: &RequestStatus,
        now: Timestamp,
    ) -> Result<PracticalRequest> {
        let (status, resolution, reason) = status_columns(to);
        let row: Option<RequestRow> = sqlx::query_as(
            "UPDATE practical_requests SET status = $1, resolution = $2, resolution_reason = $3,
                 updated_at = $4,
                 acknowledged_at = CASE WHEN $1 = 'acknowledged'
                     THEN coalesce(acknowledged_at, $4) ELSE acknowledged_at END,
                 resolved_at = CASE WHEN $1 = 'resolved' THEN $4 ELSE resolved_at END,
                 closed_at = CASE WHEN $1 = 'closed' THEN $4 ELSE closed_at END
             WHERE id = $5 AND status = $6
             RETURNING *",
        )
        .bind(status)
        .bind(resolution)
        .bind(self.at_rest.seal_opt(REASON, reason)?)
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(from.name())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => row.into_request(&self.at_rest),
            None => Err(match self.request(id).await? {
                Some(_) => StoreError::Conflict("the request changed in the meantime"),
                None => StoreError::NotFound,
            }),
        }
    }
}
