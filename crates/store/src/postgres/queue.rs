//! The work queue on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;
use sqlx::Row;

use super::PgStore;
use crate::Result;
use crate::queue::{
    Dialect, QueueCounts, QueueCursor, QueueItem, QueueRow, QueueStore, counts_sql,
    overdue_cutoffs, page_sql,
};
use crate::rows::convert;

const DIALECT: Dialect = Dialect {
    param: pg_param,
    indexed_by: false,
};

fn pg_param(n: u8) -> String {
    format!("${n}")
}

#[async_trait]
impl QueueStore for PgStore {
    async fn work_queue(
        &self,
        worker: AccountId,
        after: Option<QueueCursor>,
        limit: u32,
    ) -> Result<Vec<QueueItem>> {
        let Some(sql) = page_sql(after, &DIALECT) else {
            return Ok(Vec::new());
        };
        let mut query = sqlx::query_as::<_, QueueRow>(sqlx::AssertSqlSafe(sql))
            .bind(worker.as_uuid())
            .bind(i64::from(limit));
        if let Some(cursor) = after {
            query = query.bind(cursor.since).bind(cursor.object);
        }
        let rows = query.fetch_all(&self.pool).await?;
        convert(rows)
    }

    async fn work_queue_counts(&self, worker: AccountId, now: Timestamp) -> Result<QueueCounts> {
        let [urgent, high, normal, low] = overdue_cutoffs(now);
        let row = sqlx::query(sqlx::AssertSqlSafe(counts_sql(&DIALECT)))
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
        let requests = count("requests")?;
        Ok(QueueCounts {
            messages_pending_relay: count("messages")?,
            new_requests: requests,
            overdue_acknowledgements: requests.saturating_sub(count("recent")?),
            visits_to_forward: count("visits")?,
        })
    }
}
