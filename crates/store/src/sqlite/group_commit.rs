//! Group commit for message inserts. SQLite has one writer and, with
//! `synchronous=FULL`, every commit waits for the disk; one commit per
//! message would cap posting at the disk's flush rate. A single writer task
//! takes every insert queued while the previous batch was committing and
//! commits them together, each under its own savepoint so that one refused
//! insert (a replayed message id) does not fail its neighbours. Nobody is
//! answered before the batch is on disk.
//!
//! A batch is written with a handful of statements, not a few per message:
//! replays are found with one query (and among the batch itself), then every
//! message goes in with one multi-row insert and every recipient with
//! another. Each statement is a round trip to SQLite's worker thread, and
//! the writer is the one place where those trips are serial. Should that
//! fast path fail for any other reason, the batch is rolled back and written
//! again one message at a time, each under its own savepoint, so that the
//! one bad insert gets the error and its neighbours are still stored.

use std::collections::{HashMap, HashSet};

use sqlx::{Connection, Row as _, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::{Result, StoreError};

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
}

struct Job {
    insert: Insert,
    reply: oneshot::Sender<Result<i64>>,
}

/// The queue to the writer task.
#[derive(Debug, Clone)]
pub(super) struct Writer(mpsc::Sender<Job>);

impl Writer {
    /// Starts the writer task on `pool` (the one-connection writer pool).
    pub fn spawn(pool: SqlitePool) -> Self {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, receiver));
        Self(sender)
    }

    /// Inserts, returning the message's `seq` once it is durable.
    pub async fn insert(&self, insert: Insert) -> Result<i64> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job { insert, reply })
            .await
            .map_err(|_| StoreError::Unavailable("the database writer has stopped"))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the database writer has stopped"))?
    }
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let committed = match commit_batched(&pool, &batch).await {
            Ok(outcomes) => Ok(outcomes),
            Err(error) => {
                tracing::warn!(%error, size = batch.len(), "a batch of messages is written again one by one");
                commit(&pool, &batch).await
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

/// The whole batch in five statements: replays are answered as conflicts,
/// everything else is inserted.
async fn commit_batched(pool: &SqlitePool, batch: &[Job]) -> Result<Vec<Result<i64>>> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;

    let mut replayed = HashSet::new();
    for chunk in batch.chunks(MAX_PARAMETERS / 2) {
        let sql = format!(
            "SELECT sender_id, envelope_id FROM messages WHERE (sender_id, envelope_id) IN (VALUES {})",
            vec!["(?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for job in chunk {
            query = query.bind(job.insert.sender).bind(job.insert.envelope_id);
        }
        for row in query.fetch_all(&mut *tx).await? {
            replayed.insert((row.try_get::<Uuid, _>(0)?, row.try_get::<Uuid, _>(1)?));
        }
    }
    // A message is stored once: a second copy in the same batch is a replay
    // too, and so is anything already in the table.
    let mut fresh = Vec::with_capacity(batch.len());
    for job in batch {
        let key = (job.insert.sender, job.insert.envelope_id);
        fresh.push(replayed.insert(key));
    }

    const COLUMNS: usize = 11;
    let mut seqs: HashMap<Uuid, i64> = HashMap::with_capacity(batch.len());
    let inserts: Vec<&Insert> = batch
        .iter()
        .zip(&fresh)
        .filter(|(_, fresh)| **fresh)
        .map(|(job, _)| &job.insert)
        .collect();
    for chunk in inserts.chunks(MAX_PARAMETERS / COLUMNS) {
        let sql = format!(
            "INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of, status,
                                   hold_reason, in_person, created_at, updated_at)
             VALUES {} RETURNING id, seq",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for m in chunk {
            query = query
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
                .bind(m.now);
        }
        // RETURNING gives rows in no promised order: match them by id.
        for row in query.fetch_all(&mut *tx).await? {
            seqs.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }

    let mut links = Vec::new();
    for m in &inserts {
        let seq = *seqs.get(&m.id).ok_or(StoreError::Corrupt(
            "an inserted message has no sequence number",
        ))?;
        links.extend(m.recipients.iter().map(|r| (*r, seq)));
    }
    for chunk in links.chunks(MAX_PARAMETERS / 2) {
        let sql = format!(
            "INSERT INTO message_recipients (account_id, message_seq) VALUES {}",
            vec!["(?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (account, seq) in chunk {
            query = query.bind(account).bind(seq);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;

    batch
        .iter()
        .zip(fresh)
        .map(|(job, fresh)| {
            if !fresh {
                return Ok(Err(StoreError::Conflict(REPLAYED)));
            }
            seqs.get(&job.insert.id)
                .map(|seq| Ok(*seq))
                .ok_or(StoreError::Corrupt(
                    "an inserted message has no sequence number",
                ))
        })
        .collect()
}

/// One message at a time, each under its own savepoint.
async fn commit(pool: &SqlitePool, batch: &[Job]) -> Result<Vec<Result<i64>>> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        sqlx::query("SAVEPOINT one").execute(&mut *tx).await?;
        match insert_one(&mut tx, &job.insert).await {
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
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of, status,
                               hold_reason, in_person, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
    )
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
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(REPLAYED),
        other => other,
    })?;
    for recipient in &m.recipients {
        sqlx::query("INSERT INTO message_recipients (account_id, message_seq) VALUES (?, ?)")
            .bind(recipient)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(seq)
}
