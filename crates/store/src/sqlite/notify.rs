//! Notifications and reminders on SQLite. Delivering runs in one
//! `BEGIN IMMEDIATE` transaction on the single writer: the claim, the
//! notifications and the mark are committed together or not at all.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;
use sqlx::{Connection, SqliteConnection};
use uuid::Uuid;

use super::SqliteStore;
use crate::Result;
use crate::codec::micros;
use crate::notify::{
    DueRow, NewNotification, NewReminder, Notification, NotificationRow, NotifyStore,
};
use crate::rows::convert;

/// Inserts one notification inside the caller's transaction.
async fn insert(
    conn: &mut SqliteConnection,
    note: &NewNotification,
    now: Timestamp,
) -> Result<Notification> {
    let row: NotificationRow = sqlx::query_as(
        "INSERT INTO notifications (id, account_id, case_id, kind, object_kind, object_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
    )
    .bind(Uuid::new_v4())
    .bind(note.account.as_uuid())
    .bind(note.case.map(|c| c.as_uuid()))
    .bind(&note.kind)
    .bind(&note.object_kind)
    .bind(note.object_id)
    .bind(micros(now))
    .fetch_one(&mut *conn)
    .await?;
    row.try_into()
}

#[async_trait]
impl NotifyStore for SqliteStore {
    async fn notify(&self, notes: &[NewNotification], now: Timestamp) -> Result<Vec<Notification>> {
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut stored = Vec::with_capacity(notes.len());
        for note in notes {
            stored.push(insert(&mut tx, note, now).await?);
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn notifications(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let rows: Vec<NotificationRow> = sqlx::query_as(
            "SELECT * FROM notifications WHERE account_id = ? AND seq < ?
             ORDER BY seq DESC LIMIT ?",
        )
        .bind(account.as_uuid())
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
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
            "UPDATE notifications SET read_at = ?
             WHERE account_id = ? AND seq <= ? AND read_at IS NULL",
        )
        .bind(micros(now))
        .bind(account.as_uuid())
        .bind(up_to)
        .execute(&self.writer)
        .await?
        .rows_affected())
    }

    async fn schedule_reminders(&self, reminders: &[NewReminder], now: Timestamp) -> Result<()> {
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        for r in reminders {
            sqlx::query(
                "INSERT INTO reminders (key, account_id, case_id, kind, object_kind, object_id,
                     due_at, state, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(&r.key)
            .bind(r.account.as_uuid())
            .bind(r.case.map(|c| c.as_uuid()))
            .bind(&r.kind)
            .bind(&r.object_kind)
            .bind(r.object_id)
            .bind(micros(r.due_at))
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn cancel_reminders(&self, object_id: Uuid, now: Timestamp) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE reminders SET state = 'cancelled', settled_at = ?
             WHERE object_id = ? AND state = 'pending'",
        )
        .bind(micros(now))
        .bind(object_id)
        .execute(&self.writer)
        .await?
        .rows_affected())
    }

    async fn deliver_due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<Notification>> {
        let mut conn = self.writer.acquire().await?;
        // Read, then write: IMMEDIATE takes the write lock before the read,
        // so another process on the same file cannot claim the same rows.
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let due: Vec<DueRow> = sqlx::query_as(
            "SELECT seq, account_id, case_id, kind, object_kind, object_id FROM reminders
             WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, seq LIMIT ?",
        )
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut delivered = Vec::with_capacity(due.len());
        for row in &due {
            let note = insert(&mut tx, &row.notification(), now).await?;
            sqlx::query(
                "UPDATE reminders SET state = 'delivered', settled_at = ?, notification_id = ?
                 WHERE seq = ? AND state = 'pending'",
            )
            .bind(micros(now))
            .bind(note.id)
            .bind(row.seq)
            .execute(&mut *tx)
            .await?;
            delivered.push(note);
        }
        tx.commit().await?;
        Ok(delivered)
    }
}
