//! The work queue on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;
use sqlx::Row;

use super::PgStore;
use crate::Result;
use crate::queue::{
    COUNTS, PAGE, QueueCounts, QueueCursor, QueueItem, QueueRow, QueueStore, overdue_cutoffs,
};
use crate::rows::convert;

const MINE: &str =
    "WITH mine AS (SELECT case_id FROM case_parties WHERE account_id = $1 AND kind = 'worker')";

#[async_trait]
impl QueueStore for PgStore {
    async fn work_queue(
        &self,
        worker: AccountId,
        after: Option<QueueCursor>,
        limit: u32,
    ) -> Result<Vec<QueueItem>> {
        let sql = format!(
            "{MINE} {PAGE} WHERE $2::BIGINT IS NULL OR (rank, since, object_id) > ($2, $3, $4)
             ORDER BY rank, since, object_id LIMIT $5"
        );
        let rows: Vec<QueueRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(worker.as_uuid())
            .bind(after.map(|c| c.rank))
            .bind(after.map(|c| c.since))
            .bind(after.map(|c| c.object))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        convert(rows)
    }

    async fn work_queue_counts(&self, worker: AccountId, now: Timestamp) -> Result<QueueCounts> {
        let [urgent, high, normal, low] = overdue_cutoffs(now);
        let counts = COUNTS
            .replace("{urgent}", "$2")
            .replace("{high}", "$3")
            .replace("{normal}", "$4")
            .replace("{low}", "$5");
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{MINE} {counts}")))
            .bind(worker.as_uuid())
            .bind(urgent)
            .bind(high)
            .bind(normal)
            .bind(low)
            .fetch_one(&self.pool)
            .await?;
        let count = |name: &str| -> Result<u64> {
            Ok(u64::try_from(row.try_get::<i64, _>(name)?).unwrap_or(0))
        };
        Ok(QueueCounts {
            messages_pending_relay: count("messages")?,
            new_requests: count("requests")?,
            overdue_acknowledgements: count("overdue")?,
            visits_to_forward: count("visits")?,
        })
    }
}
