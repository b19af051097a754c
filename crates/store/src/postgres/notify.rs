//! Notifications and reminders on PostgreSQL. Delivering claims due rows
//! with `FOR UPDATE SKIP LOCKED` in the transaction that writes their
//! notifications: instances never wait for one another, and never deliver a
//! reminder twice.

use std::collections::HashMap;

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::{AccountId, CaseId};
use sqlx::PgConnection;
use uuid::Uuid;

use super::PgStore;
use crate::Result;
use crate::codec::micros;
use crate::notify::{
    DueRow, NewNotification, NewReminder, Notification, NotificationRow, NotifyStore,
};
use crate::rows::convert;

/// Inserts reminders in one statement, on the caller's connection or
/// transaction; a key already present (pending, delivered or cancelled) is
/// left alone.
pub(super) async fn schedule(
    conn: &mut PgConnection,
    reminders: &[NewReminder],
    now: Timestamp,
) -> Result<()> {
    if reminders.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = reminders.iter().map(|r| r.key.as_str()).collect();
    let accounts: Vec<Uuid> = reminders.iter().map(|r| r.account.as_uuid()).collect();
    let cases: Vec<Option<Uuid>> = reminders
        .iter()
        .map(|r| r.case.map(|c| c.as_uuid()))
        .collect();
    let kinds: Vec<&str> = reminders.iter().map(|r| r.kind.as_str()).collect();
    let object_kinds: Vec<&str> = reminders.iter().map(|r| r.object_kind.as_str()).collect();
    let objects: Vec<Uuid> = reminders.iter().map(|r| r.object_id).collect();
    let due: Vec<i64> = reminders.iter().map(|r| micros(r.due_at)).collect();
    sqlx::query(
        "INSERT INTO reminders (key, account_id, case_id, kind, object_kind, object_id,
             due_at, state, created_at)
         SELECT key, account_id, case_id, kind, object_kind, object_id, due_at, 'pending', $8
         FROM UNNEST($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[],
                     $7::bigint[])
              AS r (key, account_id, case_id, kind, object_kind, object_id, due_at)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(&keys)
    .bind(&accounts)
    .bind(&cases)
    .bind(&kinds)
    .bind(&object_kinds)
    .bind(&objects)
    .bind(&due)
    .bind(micros(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts notifications inside the caller's transaction, in one statement.
async fn insert(
    conn: &mut PgConnection,
    notes: &[NewNotification],
    now: Timestamp,
) -> Result<Vec<Notification>> {
    if notes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = notes.iter().map(|_| Uuid::new_v4()).collect();
    let accounts: Vec<Uuid> = notes.iter().map(|n| n.account.as_uuid()).collect();
    let cases: Vec<Option<Uuid>> = notes.iter().map(|n| n.case.map(|c| c.as_uuid())).collect();
    let kinds: Vec<&str> = notes.iter().map(|n| n.kind.as_str()).collect();
    let object_kinds: Vec<&str> = notes.iter().map(|n| n.object_kind.as_str()).collect();
    let objects: Vec<Option<Uuid>> = notes.iter().map(|n| n.object_id).collect();
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "INSERT INTO notifications (id, account_id, case_id, kind, object_kind, object_id, created_at)
         SELECT id, account_id, case_id, kind, object_kind, object_id, $7
         FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[])
              AS n (id, account_id, case_id, kind, object_kind, object_id)
         RETURNING *",
    )
    .bind(&ids)
    .bind(&accounts)
    .bind(&cases)
    .bind(&kinds)
    .bind(&object_kinds)
    .bind(&objects)
    .bind(micros(now))
    .fetch_all(&mut *conn)
    .await?;
    let mut stored: Vec<Notification> = convert(rows)?;
    // RETURNING follows no promised order; give the callers the input's.
    let order: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    stored.sort_by_key(|n| order.get(&n.id).copied());
    Ok(stored)
}

#[async_trait]
impl NotifyStore for PgStore {
    async fn notify(&self, notes: &[NewNotification], now: Timestamp) -> Result<Vec<Notification>> {
        let mut conn = self.pool.acquire().await?;
        insert(&mut conn, notes, now).await
    }

    async fn notifications(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let rows: Vec<NotificationRow> = sqlx::query_as(
            "SELECT * FROM notifications WHERE account_id = $1 AND seq < $2
             ORDER BY seq DESC LIMIT $3",
        )
        .bind(account.as_uuid())
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        convert(rows)
    }

    async fn mark_notifications_read(
        &self,
        account: AccountId,
        up_to: i64,
        now: Timestamp,
    ) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE notifications SET read_at = $1
             WHERE account_id = $2 AND seq <= $3 AND read_at IS NULL",
        )
        .bind(micros(now))
        .bind(account.as_uuid())
        .bind(up_to)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn schedule_reminders(&self, reminders: &[NewReminder], now: Timestamp) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        schedule(&mut conn, reminders, now).await
    }

    async fn cancel_reminders(&self, object_id: Uuid, now: Timestamp) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE reminders SET state = 'cancelled', settled_at = $1
             WHERE object_id = $2 AND state = 'pending'",
        )
        .bind(micros(now))
        .bind(object_id)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn cancel_reminders_of(
        &self,
        account: AccountId,
        case: CaseId,
        object_kind: &str,
        now: Timestamp,
    ) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE reminders SET state = 'cancelled', settled_at = $1
             WHERE account_id = $2 AND case_id = $3 AND object_kind = $4
               AND state = 'pending'",
        )
        .bind(micros(now))
        .bind(account.as_uuid())
        .bind(case.as_uuid())
        .bind(object_kind)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn deliver_due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<Notification>> {
        let mut tx = self.pool.begin().await?;
        let due: Vec<DueRow> = sqlx::query_as(
            "SELECT seq, account_id, case_id, kind, object_kind, object_id FROM reminders
             WHERE state = 'pending' AND due_at <= $1
             ORDER BY due_at, seq LIMIT $2
             FOR UPDATE SKIP LOCKED",
        )
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let notes: Vec<NewNotification> = due.iter().map(DueRow::notification).collect();
        let delivered = insert(&mut tx, &notes, now).await?;
        let seqs: Vec<i64> = due.iter().map(|r| r.seq).collect();
        let ids: Vec<Uuid> = delivered.iter().map(|n| n.id).collect();
        sqlx::query(
            "UPDATE reminders SET state = 'delivered', settled_at = $1, notification_id = d.id
             FROM UNNEST($2::bigint[], $3::uuid[]) AS d (seq, id)
             WHERE reminders.seq = d.seq",
        )
        .bind(micros(now))
        .bind(&seqs)
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(delivered)
    }
}
