//! The work queue on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;

use super::PgStore;
use crate::Result;
use crate::queue::{
    Dialect, QueueCounts, QueueCursor, QueueItem, QueueRow, QueueStore, TOTALS, overdue_cutoffs,
    page_sql, recent_sql,
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
        let totals = TOTALS
            .replace("{hint}", "")
            .replace("{worker}", &(DIALECT.param)(1));
        let waiting: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(totals))
            .bind(worker.as_uuid())
            .fetch_all(&self.pool)
            .await?;
        let of = |source: &str| {
            waiting
                .iter()
                .find(|(s, _)| s == source)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
        };
        let requests = of("request");
        let mut overdue = 0;
        if requests > 0 {
            let [urgent, high, normal, low] = overdue_cutoffs(now);
            let recent: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(recent_sql(&DIALECT)))
                .bind(worker.as_uuid())
                .bind(urgent)
                .bind(high)
                .bind(normal)
                .bind(low)
                .fetch_one(&self.pool)
                .await?;
            overdue = requests.saturating_sub(u64::try_from(recent).unwrap_or(0));
        }
        Ok(QueueCounts {
            messages_pending_relay: of("message"),
            new_requests: requests,
            overdue_acknowledgements: overdue,
            visits_to_forward: of("visit"),
        })
    }
}
