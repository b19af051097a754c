//! Trend counts on SQLite.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::ServiceId;

use super::SqliteStore;
use crate::Result;
use crate::codec::micros;
use crate::reports::{CountRow, REQUEST_COUNTS, ReportStore, RequestCount};
use crate::rows::convert;

#[async_trait]
impl ReportStore for SqliteStore {
    async fn request_counts(
        &self,
        service: ServiceId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<RequestCount>> {
        let sql = REQUEST_COUNTS
            .replace("{1}", "?1")
            .replace("{2}", "?2")
            .replace("{3}", "?3");
        let rows: Vec<CountRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(service.as_uuid())
            .bind(micros(from))
            .bind(micros(to))
            .fetch_all(&self.reader)
            .await?;
        convert(rows)
    }
}
