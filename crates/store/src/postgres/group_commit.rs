//! The per-instance writer that commits message inserts and audit rows in
//! batches. Every audit row extends the one hash chain under a lock of its
//! head, so committing each message with its row on its own would
//! serialise posting on commits; here, the writes that queue up while a
//! batch commits go together in the next one, under one lock and one
//! commit. A message and its audit row still commit in the same
//! transaction, and each caller is answered once its batch is durable. A
//! message that breaks a unique rule (a replay) or names an account that
//! does not exist is undone to its savepoint and refused alone; the rest of
//! the batch commits.

use std::sync::Arc;

use jiff::Timestamp;
use passerelle_domain::{AccountId, MessageId};
use sqlx::{Acquire, PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};

use super::consent::extend_chain;
use super::{conflict, message_row, uuids};
use crate::audit::AuditEntry;
use crate::codec::{micros, status_columns};
use crate::{AtRest, NewMessage, Result, StoreError, StoredMessage};

/// The most queued writes committed in one transaction.
const MAX_BATCH: usize = 256;

enum Job {
    Audit(Vec<AuditEntry>, oneshot::Sender<Result<()>>),
    Message(
        Box<NewMessage>,
        Timestamp,
        oneshot::Sender<Result<StoredMessage>>,
    ),
}

/// The queue to an instance's writer.
#[derive(Clone)]
pub(super) struct Writer(mpsc::Sender<Job>);

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the writer has stopped")
}

impl Writer {
    pub(super) fn spawn(pool: PgPool, key: Arc<AtRest>) -> Self {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, key, receiver));
        Self(sender)
    }

    /// Appends audit rows; returns once they are committed.
    pub(super) async fn audit(&self, entries: Vec<AuditEntry>) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job::Audit(entries, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Stores a message with its audit row; returns once committed.
    pub(super) async fn message(
        &self,
        message: &NewMessage,
        now: Timestamp,
    ) -> Result<StoredMessage> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job::Message(Box::new(message.clone()), now, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Inserts one message and its recipients on `conn`; its audit row, with
/// the new message's id, for the caller to chain.
async fn insert(
    conn: &mut PgConnection,
    key: &AtRest,
    message: &NewMessage,
    now: Timestamp,
) -> Result<(StoredMessage, Option<AuditEntry>)> {
    let (status, reason, in_person) = status_columns(&message.status);
    let row = sqlx::query(
        "INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of,
                               status, hold_reason, in_person, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING *",
    )
    .bind(MessageId::time_ordered().as_uuid())
    .bind(message.case.as_uuid())
    .bind(message.sender.as_uuid())
    .bind(message.envelope_id)
    .bind(&message.envelope)
    .bind(message.on_behalf_of.map(|a| a.as_uuid()))
    .bind(status)
    .bind(key.seal_opt("messages.hold_reason", reason)?)
    .bind(in_person)
    .bind(micros(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(conflict("this message id was already used"))?;
    let mut recipients: Vec<AccountId> = message.recipients.clone();
    recipients.sort();
    let stored = message_row(key, &row, recipients)?;
    sqlx::query(
        "INSERT INTO message_recipients (account_id, message_seq)
         SELECT r, $2 FROM UNNEST($1::uuid[]) AS r",
    )
    .bind(uuids(&message.recipients))
    .bind(stored.seq)
    .execute(&mut *conn)
    .await?;
    let audit = message.audit.as_ref().map(|entry| AuditEntry {
        object_id: Some(stored.id.as_uuid()),
        ..entry.clone()
    });
    Ok((stored, audit))
}

/// What one job came to inside the batch's transaction.
enum Done {
    Audit(oneshot::Sender<Result<()>>),
    Message(
        oneshot::Sender<Result<StoredMessage>>,
        Result<StoredMessage>,
    ),
}

async fn run(pool: PgPool, key: Arc<AtRest>, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut done = Vec::with_capacity(batch.len());
        let committed = commit(&pool, &key, batch, &mut done).await;
        if let Err(error) = &committed {
            tracing::error!(%error, jobs = done.len(), "a write batch could not be committed");
        }
        let failed = || StoreError::Unavailable("the write could not be committed");
        for job in done {
            match job {
                Done::Audit(reply) => {
                    let _ = reply.send(committed.as_ref().map(|_| ()).map_err(|_| failed()));
                }
                Done::Message(reply, outcome) => {
                    let _ = reply.send(match (&committed, outcome) {
                        (Ok(()), outcome) => outcome,
                        (Err(_), _) => Err(failed()),
                    });
                }
            }
        }
    }
}

/// Writes every job of the batch in one transaction; fills `done` with
/// each job's own outcome, valid only if this returns `Ok`.
async fn commit(pool: &PgPool, key: &AtRest, batch: Vec<Job>, done: &mut Vec<Done>) -> Result<()> {
    let mut tx = pool.begin().await?;
    let mut chain = Vec::new();
    let mut batch = batch.into_iter();
    let result = async {
        for job in batch.by_ref() {
            match job {
                Job::Audit(entries, reply) => {
                    chain.extend(entries);
                    done.push(Done::Audit(reply));
                }
                Job::Message(message, now, reply) => {
                    // A savepoint: a replay undoes this message only.
                    let mut one = tx.begin().await?;
                    match insert(&mut one, key, &message, now).await {
                        Ok((stored, audit)) => {
                            one.commit().await?;
                            chain.extend(audit);
                            done.push(Done::Message(reply, Ok(stored)));
                        }
                        // A replay, or a recipient or case that does not
                        // exist: this message's own fault.
                        Err(refused @ (StoreError::Conflict(_) | StoreError::NotFound)) => {
                            one.rollback().await?;
                            done.push(Done::Message(reply, Err(refused)));
                        }
                        Err(other) => return Err(other),
                    }
                }
            }
        }
        extend_chain(&mut tx, key, &chain).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    // Jobs not reached when a failure cut the batch short still get an
    // answer: the batch failed.
    for job in batch {
        done.push(match job {
            Job::Audit(_, reply) => Done::Audit(reply),
            Job::Message(_, _, reply) => Done::Message(reply, Err(stopped())),
        });
    }
    result
}
