//! The work queue's data, written straight into the server's SQLite file in
//! one `BEGIN IMMEDIATE` transaction while the server runs. The rows follow
//! migrations/sqlite 0001 (cases, accounts, parties, messages), 0005
//! (visits) and 0006 (practical requests) column by column: UUIDs are
//! 16-byte BLOBs, times microseconds since the epoch, reader lists
//! hyphenated UUIDs joined by commas, preferred dates `YYYY-MM-DD slot`.
//!
//! The fixture's case is case 0; the other cases copy its row, and each gets
//! a relative and a detained person whose accounts copy the fixture's (their
//! encrypted columns too: at-rest ciphertext is bound to its column, not to
//! its row, so the server reads the copies; the login index is random, so
//! nobody can sign in as them). The worker is a party of kind `worker` of
//! every case. Every item carries a real sealed envelope of its content type
//! (the server stores envelopes as they are and never opens them).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use sqlx::{Connection as _, SqliteConnection};

/// One day in microseconds.
const DAY: i64 = 86_400_000_000;
/// One hour in microseconds.
pub(super) const HOUR: i64 = 3_600_000_000;
/// How long the seeding may take.
const SEED_TIMEOUT: Duration = Duration::from_secs(1800);

/// The people and case the seeded ones are copied from.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub case: uuid::Uuid,
    pub worker: uuid::Uuid,
    pub relative: uuid::Uuid,
    pub detainee: uuid::Uuid,
}

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Cases in all, the template's included.
    pub cases: u32,
    /// Items in all: 40 % messages, 40 % practical requests, 20 % visits.
    pub items: u32,
    /// The share of items still waiting for a worker, in percent.
    pub waiting_percent: u8,
}

/// One sealed envelope per content type.
#[derive(Debug)]
pub struct Envelopes {
    pub message: Vec<u8>,
    pub request: Vec<u8>,
    pub visit: Vec<u8>,
}

/// What was written, counted back from the database.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Seeded {
    pub messages: u64,
    pub requests: u64,
    pub visits: u64,
    pub messages_pending_relay: u64,
    pub requests_submitted: u64,
    pub visits_to_forward: u64,
    pub seconds: f64,
}

/// Seeds the plan into the SQLite file at `database_url`.
pub async fn seed(
    database_url: &str,
    template: Template,
    plan: Plan,
    envelopes: &Envelopes,
) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let path = database_url
        .strip_prefix("sqlite://")
        .unwrap_or(database_url);
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(60));
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .context("cannot open the server's SQLite file")?;
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the clock is before 1970")?
            .as_micros(),
    )
    .context("the clock is too far in the future")?;
    let mut seeded = tokio::time::timeout(
        SEED_TIMEOUT,
        write(&mut conn, template, plan, envelopes, now),
    )
    .await
    .context("seeding timed out")??;
    // Leave the WAL small for the server's readers. No ANALYZE: the server
    // never runs one, so its planner works without statistics.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    let _ = conn.close().await;
    seeded.seconds = started.elapsed().as_secs_f64();
    Ok(seeded)
}

/// Copies the database at `database_url` to the new file `to`.
pub async fn copy(database_url: &str, to: &std::path::Path) -> anyhow::Result<()> {
    let mut conn = SqliteConnection::connect(database_url)
        .await
        .context("cannot open the server's SQLite file")?;
    sqlx::query("VACUUM INTO ?1")
        .bind(to.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .with_context(|| format!("cannot copy the database to {}", to.display()))?;
    let _ = conn.close().await;
    Ok(())
}

async fn exec(conn: &mut SqliteConnection, what: &str, sql: &str) -> anyhow::Result<u64> {
    let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await
        .with_context(|| format!("seeding {what}"))?;
    Ok(done.rows_affected())
}

async fn write(
    conn: &mut SqliteConnection,
    t: Template,
    plan: Plan,
    envelopes: &Envelopes,
    now: i64,
) -> anyhow::Result<Seeded> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    cases(&mut tx, t, plan.cases, now).await?;
    items(&mut tx, plan).await?;
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM messages")
        .fetch_one(&mut *tx)
        .await?;
    let messages = super::items::messages(&mut tx, t, &envelopes.message, now, before).await?;
    let requests = super::items::requests(&mut tx, t, &envelopes.request, now).await?;
    let visits = super::items::visits(&mut tx, t, &envelopes.visit, now).await?;
    let waiting =
        |kind: &str| format!("SELECT count(*) FROM bench_items WHERE kind = '{kind}' AND waiting");
    let seeded = Seeded {
        messages,
        requests,
        visits,
        messages_pending_relay: scalar(&mut tx, &waiting("message")).await?,
        requests_submitted: scalar(&mut tx, &waiting("request")).await?,
        visits_to_forward: scalar(&mut tx, &waiting("visit")).await?,
        seconds: 0.0,
    };
    exec(&mut tx, "the scratch tables", "DROP TABLE bench_items").await?;
    exec(&mut tx, "the scratch tables", "DROP TABLE bench_cases").await?;
    tx.commit().await?;
    Ok(seeded)
}

async fn scalar(conn: &mut SqliteConnection, sql: &str) -> anyhow::Result<u64> {
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut *conn)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Cases 1.. copy case 0, each with its own relative and detained person.
async fn cases(
    conn: &mut SqliteConnection,
    t: Template,
    cases: u32,
    now: i64,
) -> anyhow::Result<()> {
    exec(
        conn,
        "the case list",
        "CREATE TEMP TABLE bench_cases (n INTEGER PRIMARY KEY, id BLOB NOT NULL,
             relative BLOB NOT NULL, detainee BLOB NOT NULL)",
    )
    .await?;
    sqlx::query("INSERT INTO temp.bench_cases VALUES (0, ?1, ?2, ?3)")
        .bind(t.case)
        .bind(t.relative)
        .bind(t.detainee)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ?1 - 1)
         INSERT INTO temp.bench_cases SELECT n, randomblob(16), randomblob(16), randomblob(16)
         FROM k WHERE n < ?1",
    )
    .bind(i64::from(cases))
    .execute(&mut *conn)
    .await
    .context("seeding the case list")?;
    for (column, from) in [("relative", t.relative), ("detainee", t.detainee)] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO accounts (id, role, service_id, login_index, login, display_name, phone,
                                   password_hash, created_at)
             SELECT b.{column}, a.role, a.service_id, randomblob(32), a.login, a.display_name,
                    a.phone, a.password_hash, a.created_at
             FROM temp.bench_cases b, accounts a WHERE b.n > 0 AND a.id = ?1"
        )))
        .bind(from)
        .execute(&mut *conn)
        .await
        .with_context(|| format!("seeding the {column} accounts"))?;
    }
    sqlx::query(
        "INSERT INTO cases (id, service_id, detainee_name, prison_number, institution,
                            legal_situation, expected_release, languages, interpreter_needed,
                            status, created_at)
         SELECT b.id, c.service_id, c.detainee_name, c.prison_number, c.institution,
                c.legal_situation, c.expected_release, c.languages, c.interpreter_needed,
                c.status, c.created_at - b.n * 1000000
         FROM temp.bench_cases b, cases c WHERE b.n > 0 AND c.id = ?1",
    )
    .bind(t.case)
    .execute(&mut *conn)
    .await
    .context("seeding the cases")?;
    sqlx::query(
        "INSERT INTO case_parties (case_id, account_id, kind, relationship, linked_at)
         SELECT b.id, ?2, 'worker', NULL, ?3 FROM temp.bench_cases b WHERE b.n > 0
         UNION ALL
         SELECT b.id, b.relative, 'relative',
                (SELECT relationship FROM case_parties WHERE case_id = ?1 AND account_id = ?4), ?3
         FROM temp.bench_cases b WHERE b.n > 0
         UNION ALL
         SELECT b.id, b.detainee, 'detainee', NULL, ?3 FROM temp.bench_cases b WHERE b.n > 0",
    )
    .bind(t.case)
    .bind(t.worker)
    .bind(now)
    .bind(t.relative)
    .execute(&mut *conn)
    .await
    .context("seeding the case parties")?;
    Ok(())
}

/// The item list: kind by position (40/40/20), case, waiting or not and
/// age at random, kept in a table so that each is drawn once.
async fn items(conn: &mut SqliteConnection, plan: Plan) -> anyhow::Result<()> {
    exec(
        conn,
        "the item list",
        "CREATE TEMP TABLE bench_items (i INTEGER PRIMARY KEY, kind TEXT NOT NULL,
             k INTEGER NOT NULL, waiting INTEGER NOT NULL, age INTEGER NOT NULL,
             r1 INTEGER NOT NULL, r2 INTEGER NOT NULL)",
    )
    .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
         INSERT INTO temp.bench_items
         SELECT i, CASE WHEN i % 5 < 2 THEN 'message' WHEN i % 5 < 4 THEN 'request' ELSE 'visit' END,
                abs(random() % ?2), abs(random() % 100) < ?3, 0,
                abs(random() % 1000000), abs(random() % 1000000)
         FROM n",
    )
    .bind(i64::from(plan.items))
    .bind(i64::from(plan.cases))
    .bind(i64::from(plan.waiting_percent))
    .execute(&mut *conn)
    .await
    .context("seeding the item list")?;
    // Waiting items arrived in the last 30 days; handled ones between two
    // weeks and a year ago, so that every step they went through is past.
    sqlx::query(
        "UPDATE temp.bench_items SET age = CASE WHEN waiting THEN 2 * ?2 + abs(random() % (30 * ?1))
                                          ELSE 14 * ?1 + abs(random() % (351 * ?1)) END",
    )
    .bind(DAY)
    .bind(HOUR)
    .execute(&mut *conn)
    .await
    .context("ageing the items")?;
    Ok(())
}
