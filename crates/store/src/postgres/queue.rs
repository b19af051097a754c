//! The work queue on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;

use super::PgStore;
use crate::Result;
use crate::queue::{
    Dialect, QueueCounts, QueueCursor, QueueItem, QueueRow, QueueStore, Waiting, counts_from,
    overdue_cutoffs, page_sql, recent_sql, totals_sql,
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
        counts: &QueueCounts,
    ) -> Result<Vec<QueueItem>> {
        let Some(sql) = page_sql(after, counts, &DIALECT) else {
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
        let waiting: Waiting = sqlx::query_as(sqlx::AssertSqlSafe(totals_sql(&DIALECT)))
            .bind(worker.as_uuid())
            .fetch_one(&self.pool)
            .await?;
        if waiting.requests <= 0 {
            return Ok(counts_from(waiting, None));
        }
        let [urgent, high, normal, low] = overdue_cutoffs(now);
        let recent: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(recent_sql(&DIALECT)))
            .bind(worker.as_uuid())
            .bind(urgent)
            .bind(high)
            .bind(normal)
            .bind(low)
            .fetch_one(&self.pool)
            .await?;
        Ok(counts_from(waiting, Some(recent)))
    }
}
