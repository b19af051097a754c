//! Group commit for message inserts. SQLite has one writer and, with
//! `synchronous=FULL`, every commit waits for the disk; one commit per
//! message would cap posting at the disk's flush rate. A single writer task
//! takes every insert queued while the previous batch was committing and
//! commits them together, each under its own savepoint so that one refused
//! insert (a replayed message id) does not fail its neighbours. Nobody is
//! answered before the batch is on disk.

use sqlx::{Connection, SqliteConnection, SqlitePool};
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
        match commit(&pool, &batch).await {
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
        StoreError::Conflict(_) => StoreError::Conflict("this message id was already used"),
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
