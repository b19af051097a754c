//! `--seed-messages N`: N delivered messages from the relative to the second
//! worker, written straight into the server's database in one transaction
//! while the server runs, so that the inbox is read over a realistic table.
//! The rows follow migrations/{sqlite,postgres}/0001_relay.sql: UUIDs are
//! 16-byte BLOBs in SQLite and UUIDs in PostgreSQL, times are microseconds
//! since the epoch. Every row carries the same real sealed envelope (the
//! server never opens one), under its own message id and envelope id.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use sqlx::Connection as _;

use crate::server::Engine;

/// Who the seeded messages are between.
#[derive(Debug, Clone, Copy)]
pub struct Parties {
    pub case: uuid::Uuid,
    pub sender: uuid::Uuid,
    pub recipient: uuid::Uuid,
}

/// How long the seeding may take.
const SEED_TIMEOUT: Duration = Duration::from_secs(1800);

/// Inserts `count` messages; returns how long it took.
pub async fn seed(
    engine: Engine,
    database_url: &str,
    parties: Parties,
    envelope: &[u8],
    count: u64,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let count = i64::try_from(count).context("too many messages to seed")?;
    // Older than anything the bench will post, one microsecond apart.
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the clock is before 1970")?
            .as_micros(),
    )
    .context("the clock is too far in the future")?;
    let first = now - count - 1_000_000;
    // Distinct per run, so two seedings never collide on an id.
    let id_prefix = hex8();
    let envelope_prefix = hex8();
    let run = async {
        match engine {
            Engine::Sqlite => {
                seed_sqlite(
                    database_url,
                    parties,
                    envelope,
                    count,
                    first,
                    (&id_prefix, &envelope_prefix),
                )
                .await
            }
            Engine::Postgres => {
                seed_postgres(
                    database_url,
                    parties,
                    envelope,
                    count,
                    first,
                    (&id_prefix, &envelope_prefix),
                )
                .await
            }
        }
    };
    tokio::time::timeout(SEED_TIMEOUT, run)
        .await
        .context("seeding timed out")??;
    Ok(started.elapsed())
}

/// 8 random bytes as 16 hex digits: the first half of every seeded UUID.
fn hex8() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_owned()
}

async fn seed_sqlite(
    database_url: &str,
    parties: Parties,
    envelope: &[u8],
    count: i64,
    first: i64,
    (id_prefix, envelope_prefix): (&str, &str),
) -> anyhow::Result<()> {
    let path = database_url
        .strip_prefix("sqlite://")
        .unwrap_or(database_url);
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(60));
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .context("cannot open the server's SQLite file")?;
    // IMMEDIATE: the write lock first, so the seq range below is ours alone.
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM messages")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of,
                               status, hold_reason, in_person, created_at, updated_at)
         SELECT unhex(?2 || printf('%016x', i)), ?3, ?4, unhex(?5 || printf('%016x', i)), ?6,
                NULL, 'delivered', NULL, 0, ?7 + i, ?7 + i
         FROM n",
    )
    .bind(count)
    .bind(id_prefix)
    .bind(parties.case)
    .bind(parties.sender)
    .bind(envelope_prefix)
    .bind(envelope)
    .bind(first)
    .execute(&mut *tx)
    .await
    .context("inserting the seeded messages")?;
    sqlx::query(
        "INSERT INTO message_recipients (account_id, message_seq)
         SELECT ?1, seq FROM messages WHERE seq > ?2",
    )
    .bind(parties.recipient)
    .bind(before)
    .execute(&mut *tx)
    .await
    .context("inserting the seeded recipients")?;
    tx.commit().await?;
    // Leave the WAL small for the server's readers.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    let _ = conn.close().await;
    Ok(())
}

async fn seed_postgres(
    database_url: &str,
    parties: Parties,
    envelope: &[u8],
    count: i64,
    first: i64,
    (id_prefix, envelope_prefix): (&str, &str),
) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(database_url)
        .await
        .context("cannot connect to the server's database")?;
    let mut tx = conn.begin().await?;
    sqlx::query(
        "WITH inserted AS (
             INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of,
                                   status, hold_reason, in_person, created_at, updated_at)
             SELECT ($2 || lpad(to_hex(i), 16, '0'))::uuid, $3, $4,
                    ($5 || lpad(to_hex(i), 16, '0'))::uuid, $6,
                    NULL, 'delivered', NULL, FALSE, $7 + i, $7 + i
             FROM generate_series(1::bigint, $1::bigint) AS i
             RETURNING seq)
         INSERT INTO message_recipients (account_id, message_seq)
         SELECT $8, seq FROM inserted",
    )
    .bind(count)
    .bind(id_prefix)
    .bind(parties.case)
    .bind(parties.sender)
    .bind(envelope_prefix)
    .bind(envelope)
    .bind(first)
    .bind(parties.recipient)
    .execute(&mut *tx)
    .await
    .context("inserting the seeded messages")?;
    tx.commit().await?;
    // What autovacuum would soon do in production: fresh planner statistics.
    sqlx::query("ANALYZE messages, message_recipients")
        .execute(&mut conn)
        .await?;
    let _ = conn.close().await;
    Ok(())
}
