//! Group commit for message inserts. SQLite has one writer and, with
//! `synchronous=FULL`, every commit waits for the disk; one commit per
//! message would cap posting at the disk's flush rate. A single writer task
//! takes every insert queued while the previous batch was committing and
//! commits them together; one refused insert (a replayed message id) does
//! not fail its neighbours. Nobody is answered before the batch is on disk.
//!
//! A batch is written in two round trips to SQLite's worker thread, not a
//! few per message: one multi-row insert puts every message in and skips
//! replays itself; one more puts in their recipients and audit rows and
//! commits. The writer is the one place where such trips are serial, and
//! for the same reason it keeps the write connection while batches follow
//! one another. Should that fast path fail for any reason, the batch is
//! rolled back and written again one message at a time, each under its own
//! savepoint, so that the one bad insert gets the error and its neighbours
//! are still stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Connection, Row as _, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::audit::{AuditEntry, AuditRecord, GENESIS};
use crate::codec::{key_from, micros};
use crate::{AtRest, Result, StoreError};

/// The most inserts committed together.
const MAX_BATCH: usize = 256;

/// One message insert, with every value already encoded.
#[derive(Debug)]
pub(super) struct Insert {
    pub id: Uuid,
    pub case: Uuid,
    pub sender: Uuid,
    pub envelope_id: Uuid,
    pub envelope: Vec<u8>,
    pub on_behalf_of: Option<Uuid>,
    pub status: &'static str,
    pub hold_reason: Option<Vec<u8>>,
    pub in_person: bool,
    pub now: i64,
    pub recipients: Vec<Uuid>,
    /// Its audit row, object id already set.
    pub audit: Option<AuditEntry>,
}

/// What one caller queued: a message, or rows for the audit chain. The
/// audit chain is extended only here, so its rows are numbered and linked
/// by one task in one order.
enum Work {
    Message(Box<Insert>),
    Audit(Vec<AuditEntry>),
}

struct Job {
    work: Work,
    reply: oneshot::Sender<Result<i64>>,
}

/// The queue to the writer task.
#[derive(Clone)]
pub(super) struct Writer(mpsc::Sender<Job>);

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

impl Writer {
    /// Starts the writer task on `pool` (the one-connection writer pool).
    pub fn spawn(pool: SqlitePool, key: Arc<AtRest>) -> Self {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, key, receiver));
        Self(sender)
    }

    /// Inserts, returning the message's `seq` once it is durable.
    pub async fn insert(&self, insert: Insert) -> Result<i64> {
        self.queue(Work::Message(Box::new(insert))).await
    }

    /// Appends to the audit chain, returning the last row's seq once durable.
    pub async fn audit(&self, entries: Vec<AuditEntry>) -> Result<i64> {
        self.queue(Work::Audit(entries)).await
    }

    async fn queue(&self, work: Work) -> Result<i64> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job { work, reply })
            .await
            .map_err(|_| StoreError::Unavailable("the database writer has stopped"))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the database writer has stopped"))?
    }
}

/// The audit chain's last seq and digest, as this task last wrote them:
/// the writer is the chain's only appender, so it need not read them back
/// before every batch. Forgotten whenever a batch fails.
type Head = Option<(i64, [u8; 32])>;

/// How long the writer keeps the one write connection while batches follow
/// one another. Handing it back to the pool and taking it again costs a
/// task hop each way, about as long as a batch's statements under load;
/// other writes (logins, status changes) wait at most this long for it.
const HOLD: Duration = Duration::from_millis(20);

async fn run(pool: SqlitePool, key: Arc<AtRest>, mut queue: mpsc::Receiver<Job>) {
    let mut head: Head = None;
    let mut held: Option<(PoolConnection<Sqlite>, Instant)> = None;
    loop {
        let first = match queue.try_recv() {
            Ok(job) => job,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                // Nothing waits: give the connection back until work comes.
                held = None;
                match queue.recv().await {
                    Some(job) => job,
                    None => break,
                }
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if held
            .as_ref()
            .is_some_and(|(_, since)| since.elapsed() >= HOLD)
        {
            held = None;
        }
        let conn = match held.take() {
            Some(kept) => Ok(kept),
            None => pool.acquire().await.map(|conn| (conn, Instant::now())),
        };
        let batched = match conn {
            Ok((mut conn, since)) => {
                let outcome = commit_batched(&mut conn, &key, &batch, &mut head).await;
                if outcome.is_ok() {
                    held = Some((conn, since));
                } else {
                    // It may be inside the batch's transaction: closing it
                    // rolls that back, and the pool opens a fresh one.
                    conn.close_on_drop();
                }
                outcome
            }
            Err(error) => Err(error.into()),
        };
        let committed = match batched {
            Ok(outcomes) => Ok(outcomes),
            Err(error) => {
                head = None;
                tracing::warn!(%error, size = batch.len(), "a batch of messages is written again one by one");
                commit(&pool, &key, &batch)
                    .await
                    .inspect_err(|_| head = None)
            }
        };
        match committed {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(error) => {
                tracing::error!(%error, size = batch.len(), "a batch of messages could not be committed");
                for job in batch {
                    let _ = job.reply.send(Err(StoreError::Unavailable(
                        "the message could not be stored",
                    )));
                }
            }
        }
    }
}

/// Bound parameters per statement, well under SQLite's limit of 32,766.
const MAX_PARAMETERS: usize = 8_000;

const REPLAYED: &str = "this message id was already used";

/// The whole batch in two round trips to SQLite's thread: the transaction
/// opens and the messages go in (replays are answered as conflicts); then
/// their recipients, the audit rows and the commit. The transaction is
/// opened and closed in the SQL itself, not by sqlx, so it cannot ride
/// along with a statement: on any error the caller closes the connection,
/// which rolls back whatever was left open.
async fn commit_batched(
    conn: &mut SqliteConnection,
    key: &AtRest,
    batch: &[Job],
    head: &mut Head,
) -> Result<Vec<Result<i64>>> {
    if let Some(outcomes) = audit_only(conn, key, batch, head).await? {
        return Ok(outcomes);
    }
    let messages: Vec<&Insert> = batch
        .iter()
        .filter_map(|job| match &job.work {
            Work::Message(insert) => Some(&**insert),
            Work::Audit(_) => None,
        })
        .collect();

    // A replay (a message id its sender already used, before or earlier in
    // this batch) is skipped by the insert itself: only the rows it returns
    // were stored, and the first copy in the batch is the one that counts.
    const COLUMNS: usize = 11;
    let mut sql = String::from("BEGIN IMMEDIATE;");
    for chunk in messages.chunks(MAX_PARAMETERS / COLUMNS) {
        sql.push_str(&format!(
            "INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of, status,
                                   hold_reason, in_person, created_at, updated_at)
             VALUES {} ON CONFLICT (sender_id, envelope_id) DO NOTHING RETURNING id, seq;",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        ));
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for m in &messages {
        query = bind_message(query, m);
    }
    // RETURNING gives rows in no promised order: match them by id.
    let mut seqs: HashMap<Uuid, i64> = HashMap::with_capacity(batch.len());
    for row in query.fetch_all(&mut *conn).await? {
        seqs.insert(row.try_get(0)?, row.try_get(1)?);
    }

    let mut links = Vec::new();
    for m in &messages {
        if let Some(&seq) = seqs.get(&m.id) {
            links.extend(m.recipients.iter().map(|r| (*r, seq)));
        }
    }
    // The audit rows of the batch, in queue order, in one chain extension:
    // those queued alone, and those of the messages just inserted.
    let mut entries: Vec<&AuditEntry> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(batch.len());
    for job in batch {
        match &job.work {
            Work::Audit(list) => entries.extend(list.iter()),
            Work::Message(insert) => {
                if seqs.contains_key(&insert.id) {
                    entries.extend(insert.audit.as_ref());
                }
            }
        }
        ends.push(entries.len());
    }
    let (records, last) = chain_rows(conn, key, &entries, *head).await?;

    let mut sql = String::new();
    for chunk in links.chunks(MAX_PARAMETERS / 2) {
        sql.push_str(&format!(
            "INSERT INTO message_recipients (account_id, message_seq) VALUES {};",
            vec!["(?, ?)"; chunk.len()].join(", ")
        ));
    }
    chain_statements(&mut sql, records.len());
    sql.push_str("COMMIT;");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for (account, seq) in &links {
        query = query.bind(account).bind(seq);
    }
    query = bind_chain_rows(query, &records);
    *head = None;
    query.execute(&mut *conn).await?;
    *head = Some(last);

    // Answers, in queue order: an audit job gets the seq of its last row.
    let base = last.0 - i64::try_from(entries.len()).unwrap_or(i64::MAX);
    // Rows the insert did not return were replays.
    Ok(batch
        .iter()
        .zip(ends)
        .map(|(job, end)| match &job.work {
            Work::Audit(_) => Ok(base + i64::try_from(end).unwrap_or(i64::MAX)),
            Work::Message(insert) => seqs
                .get(&insert.id)
                .copied()
                .ok_or(StoreError::Conflict(REPLAYED)),
        })
        .collect())
}

/// Audit rows per statement.
const AUDIT_ROWS: usize = MAX_PARAMETERS / 11;

/// A batch of audit rows only, which fit one statement, is that one
/// statement: atomic and durable on its own, with no transaction around it.
/// `None` for any other batch.
async fn audit_only(
    conn: &mut SqliteConnection,
    key: &AtRest,
    batch: &[Job],
    head: &mut Head,
) -> Result<Option<Vec<Result<i64>>>> {
    let mut entries: Vec<&AuditEntry> = Vec::new();
    let mut ends = Vec::with_capacity(batch.len());
    for job in batch {
        match &job.work {
            Work::Audit(list) => entries.extend(list.iter()),
            Work::Message(_) => return Ok(None),
        }
        ends.push(entries.len());
    }
    if entries.len() > AUDIT_ROWS {
        return Ok(None);
    }
    let last = extend_chain(conn, key, &entries, head).await?;
    let base = last - i64::try_from(entries.len()).unwrap_or(i64::MAX);
    Ok(Some(
        ends.into_iter()
            .map(|end| Ok(base + i64::try_from(end).unwrap_or(i64::MAX)))
            .collect(),
    ))
}

/// Appends `entries` after the chain's head (`head` if known, else read
/// from the table) on `conn`, inside whatever transaction it is in;
/// returns the new head's seq and remembers it in `head`.
pub(super) async fn extend_chain(
    conn: &mut SqliteConnection,
    key: &AtRest,
    entries: &[&AuditEntry],
    head: &mut Head,
) -> Result<i64> {
    let (records, last) = chain_rows(conn, key, entries, *head).await?;
    // Until the rows are in, the head is unknown: a failure below must not
    // leave a head that was never written.
    *head = None;
    if !records.is_empty() {
        let mut sql = String::new();
        chain_statements(&mut sql, records.len());
        bind_chain_rows(
            sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false),
            &records,
        )
        .execute(&mut *conn)
        .await?;
    }
    *head = Some(last);
    Ok(last.0)
}

/// The rows that extend the chain after `head` (read from the table when
/// not known) with `entries`, and the chain's head after them.
async fn chain_rows(
    conn: &mut SqliteConnection,
    key: &AtRest,
    entries: &[&AuditEntry],
    head: Head,
) -> Result<(Vec<AuditRecord>, (i64, [u8; 32]))> {
    let (mut seq, mut hash) = match head {
        Some(known) => known,
        None => {
            let row = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *conn)
                .await?;
            match row {
                Some(row) => (row.try_get::<i64, _>(0)?, key_from(row.try_get(1)?)?),
                None => (0, GENESIS),
            }
        }
    };
    let mut records = Vec::with_capacity(entries.len());
    for entry in entries {
        let record = AuditRecord::chained(key, seq + 1, hash, entry)?;
        seq = record.seq;
        hash = record.hash;
        records.push(record);
    }
    Ok((records, (seq, hash)))
}

/// The statements inserting `count` audit rows, bound by [`bind_chain_rows`].
fn chain_statements(sql: &mut String, count: usize) {
    let mut left = count;
    while left > 0 {
        let rows = left.min(AUDIT_ROWS);
        sql.push_str(&format!(
            "INSERT INTO audit_log (seq, at, actor_id, action, object_kind, object_id, case_id,
                                    owner_id, outcome, prev_hash, hash) VALUES {};",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows].join(", ")
        ));
        left -= rows;
    }
}

/// Binds a message's eleven columns, in the order of the inserts above.
fn bind_message<'q>(
    query: Query<'q, Sqlite, SqliteArguments>,
    m: &Insert,
) -> Query<'q, Sqlite, SqliteArguments> {
    query
        .bind(m.id)
        .bind(m.case)
        .bind(m.sender)
        .bind(m.envelope_id)
        .bind(&m.envelope)
        .bind(m.on_behalf_of)
        .bind(m.status)
        .bind(&m.hold_reason)
        .bind(m.in_person)
        .bind(m.now)
        .bind(m.now)
}

fn bind_chain_rows<'q>(
    mut query: Query<'q, Sqlite, SqliteArguments>,
    records: &[AuditRecord],
) -> Query<'q, Sqlite, SqliteArguments> {
    for record in records {
        query = query
            .bind(record.seq)
            .bind(micros(record.at))
            .bind(record.actor.map(|a| a.as_uuid()))
            .bind(&record.action)
            .bind(&record.object_kind)
            .bind(record.object_id)
            .bind(record.case.map(|c| c.as_uuid()))
            .bind(record.owner.map(|o| o.as_uuid()))
            .bind(&record.outcome)
            .bind(record.prev_hash.to_vec())
            .bind(record.hash.to_vec());
    }
    query
}

/// One message at a time, each under its own savepoint.
async fn commit(pool: &SqlitePool, key: &AtRest, batch: &[Job]) -> Result<Vec<Result<i64>>> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        sqlx::query("SAVEPOINT one").execute(&mut *tx).await?;
        let done = match &job.work {
            Work::Message(insert) => match insert_one(&mut tx, insert).await {
                Ok(seq) => {
                    let audit: Vec<&AuditEntry> = insert.audit.iter().collect();
                    extend_chain(&mut tx, key, &audit, &mut None)
                        .await
                        .map(|_| seq)
                }
                Err(error) => Err(error),
            },
            Work::Audit(entries) => {
                let entries: Vec<&AuditEntry> = entries.iter().collect();
                extend_chain(&mut tx, key, &entries, &mut None).await
            }
        };
        match done {
            Ok(seq) => outcomes.push(Ok(seq)),
            Err(error) => {
                sqlx::query("ROLLBACK TO one").execute(&mut *tx).await?;
                outcomes.push(Err(error));
            }
        }
        sqlx::query("RELEASE one").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn insert_one(conn: &mut SqliteConnection, m: &Insert) -> Result<i64> {
    let query = sqlx::query(
        "INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of, status,
                               hold_reason, in_person, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
    );
    let seq: i64 = bind_message(query, m)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(REPLAYED),
            other => other,
        })?
        .try_get(0)?;
    for recipient in &m.recipients {
        sqlx::query("INSERT INTO message_recipients (account_id, message_seq) VALUES (?, ?)")
            .bind(recipient)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(seq)
}
