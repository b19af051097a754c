//! Notifications and reminders on SQLite. Delivering runs in one
//! `BEGIN IMMEDIATE` transaction on the single writer: the claim, the
//! notifications and the mark are committed together or not at all.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::{AccountId, CaseId};
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use uuid::Uuid;

use super::SqliteStore;
use crate::Result;
use crate::codec::micros;
use crate::notify::{NewNotification, NewReminder, Notification, NotificationRow, NotifyStore};
use crate::rows::convert;

/// Inserts reminders inside the caller's transaction; a key already
/// present (pending, delivered or cancelled) is left alone.
pub(super) async fn schedule(
    conn: &mut SqliteConnection,
    reminders: &[NewReminder],
    now: Timestamp,
) -> Result<()> {
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
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

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

/// Reminders delivered per statement: two bound values each, well under
/// SQLite's limit on bound values.
const CHUNK: usize = 1_000;

/// `(?, ?), (?, ?), …`: one pair per claimed reminder, its `seq` and the id
/// of the notification it becomes.
fn pairs(n: usize) -> String {
    let mut values = String::with_capacity(n * 8);
    for i in 0..n {
        values.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
    }
    values
}

/// Writes the notifications of claimed reminders and marks them delivered,
/// in two statements inside the caller's transaction.
async fn deliver_chunk(
    conn: &mut SqliteConnection,
    seqs: &[i64],
    now: Timestamp,
) -> Result<Vec<Notification>> {
    let ids: Vec<Uuid> = seqs.iter().map(|_| Uuid::new_v4()).collect();
    // Only placeholders are formatted in; every value is bound.
    let claimed = format!("WITH d (seq, id) AS (VALUES {})", pairs(seqs.len()));
    let insert = format!(
        "{claimed}
         INSERT INTO notifications (id, account_id, case_id, kind, object_kind, object_id, created_at)
         SELECT d.id, r.account_id, r.case_id, r.kind, r.object_kind, r.object_id, ?
         FROM d JOIN reminders r ON r.seq = d.seq
         RETURNING *"
    );
    let mut query = sqlx::query_as::<_, NotificationRow>(AssertSqlSafe(insert));
    for (seq, id) in seqs.iter().zip(&ids) {
        query = query.bind(seq).bind(id);
    }
    let rows = query.bind(micros(now)).fetch_all(&mut *conn).await?;
    let mut stored: Vec<Notification> = convert(rows)?;
    stored.sort_by_key(|n| n.seq);
    let update = format!(
        "{claimed}
         UPDATE reminders SET state = 'delivered', settled_at = ?, notification_id = d.id
         FROM d WHERE reminders.seq = d.seq AND reminders.state = 'pending'"
    );
    let mut query = sqlx::query(AssertSqlSafe(update));
    for (seq, id) in seqs.iter().zip(&ids) {
        query = query.bind(seq).bind(id);
    }
    let marked = query.bind(micros(now)).execute(&mut *conn).await?;
    if marked.rows_affected() != seqs.len() as u64 || stored.len() != seqs.len() {
        // The write lock is held since the claim: this cannot happen, and
        // if it did the transaction is dropped, so nothing is delivered.
        return Err(crate::StoreError::Corrupt("reminder claim"));
    }
    Ok(stored)
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
        schedule(&mut tx, reminders, now).await?;
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

    async fn cancel_reminders_of(
        &self,
        account: AccountId,
        case: CaseId,
        object_kind: &str,
        now: Timestamp,
    ) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE reminders SET state = 'cancelled', settled_at = ?
             WHERE account_id = ? AND case_id = ? AND object_kind = ?
               AND state = 'pending'",
        )
        .bind(micros(now))
        .bind(account.as_uuid())
        .bind(case.as_uuid())
        .bind(object_kind)
        .execute(&self.writer)
        .await?
        .rows_affected())
    }

    async fn deliver_due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<Notification>> {
        let mut conn = self.writer.acquire().await?;
        // Read, then write: IMMEDIATE takes the write lock before the read,
        // so another process on the same file cannot claim the same rows.
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let due: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM reminders
             WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, seq LIMIT ?",
        )
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut delivered = Vec::with_capacity(due.len());
        for chunk in due.chunks(CHUNK) {
            delivered.extend(deliver_chunk(&mut tx, chunk, now).await?);
        }
        tx.commit().await?;
        Ok(delivered)
    }
}
