//! `reminderbench`: how fast due reminders become notifications.
//!
//! ```text
//! cargo build --release -p passerelle -p passerelle-loadbench
//! target/release/reminderbench --engine sqlite [--reminders 100000]
//! target/release/reminderbench --engine postgres --instances 1|3 [--postgres-url postgres://postgres@127.0.0.1:5432]
//! ```
//!
//! Starts `--instances` release `passerelle serve` processes on one fresh
//! database (a SQLite file in a temporary folder, or a new PostgreSQL
//! database dropped at the end), their reminder pumps waking every second.
//! Once they answer, writes `--reminders` due reminders in one statement,
//! then waits until none is pending. The delivery time runs from the first
//! claim (the earliest `settled_at`, written by the pump as it starts a
//! batch) to the moment no reminder is pending any more. Every wait is
//! bounded.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use clap::Parser;
use sqlx::{AssertSqlSafe, Connection as _, PgPool, SqlitePool};
use tokio::process::{Child, Command};

const PASSWORD: &str = "reminderbench mot de passe";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(20);

/// Which database the servers share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Engine {
    /// One SQLite file.
    Sqlite,
    /// A fresh database on PostgreSQL.
    Postgres,
}

/// Delivery benchmark of the reminder pump.
#[derive(Debug, Parser)]
#[command(name = "reminderbench")]
struct Args {
    /// The database the servers run on.
    #[arg(long, value_enum)]
    engine: Engine,
    /// `passerelle serve` processes on the database (one on SQLite).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    instances: u32,
    /// Due reminders to deliver.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(i64).range(1..=10_000_000))]
    reminders: i64,
    /// The PostgreSQL server, without a database name.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres_url: String,
    /// The `passerelle` binary (default: the one next to this binary).
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

/// A direct connection to the shared database.
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    async fn scalar(&self, sql: &str) -> anyhow::Result<Option<i64>> {
        Ok(match self {
            Self::Sqlite(pool) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await?
            }
            Self::Postgres(pool) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    /// Writes `n` reminders, due a minute ago, for the first account.
    async fn seed(&self, n: i64) -> anyhow::Result<()> {
        let now = micros_now();
        match self {
            Self::Sqlite(pool) => {
                sqlx::query(
                    "WITH RECURSIVE i (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?)
                     INSERT INTO reminders (key, account_id, case_id, kind, object_kind,
                         object_id, due_at, state, created_at)
                     SELECT 'bench:' || n, (SELECT id FROM accounts LIMIT 1), NULL,
                         'reminder.item_due_in_1_day', 'plan_item', randomblob(16), ?,
                         'pending', ?
                     FROM i",
                )
                .bind(n)
                .bind(now - 60_000_000)
                .bind(now)
                .execute(pool)
                .await?;
            }
            Self::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO reminders (key, account_id, case_id, kind, object_kind,
                         object_id, due_at, state, created_at)
                     SELECT 'bench:' || n, (SELECT id FROM accounts LIMIT 1), NULL,
                         'reminder.item_due_in_1_day', 'plan_item', gen_random_uuid(), $2,
                         'pending', $3
                     FROM generate_series(1, $1) AS n",
                )
                .bind(n)
                .bind(now - 60_000_000)
                .bind(now)
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }
}

fn micros_now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_micros()).unwrap_or(i64::MAX)
}

/// A `passerelle` command on the shared database and keys.
fn passerelle(bin: &Path, database: &str, keys: &Path) -> Command {
    let mut command = Command::new(bin);
    command
        .env("PASSERELLE_DATABASE_URL", database)
        .env("PASSERELLE_KEYS_DIR", keys)
        .env("PASSERELLE_REMINDER_INTERVAL", "1")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command
}

/// Starts one `passerelle serve` and waits (bounded) until it answers.
async fn serve(bin: &Path, database: &str, keys: &Path, log: &Path) -> anyhow::Result<Child> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let out = std::fs::File::create(log)?;
    let mut child = passerelle(bin, database, keys)
        .arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(out.try_clone()?)
        .stderr(out)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            bail!("the server exited with {status}: see {}", log.display());
        }
        let health = http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return Ok(child);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("the server did not answer in time: see {}", log.display())
}

async fn run(args: &Args, dir: &Path, database: &str, db: &Db) -> anyhow::Result<()> {
    let bin = match &args.server_bin {
        Some(bin) => bin.clone(),
        None => std::env::current_exe()?
            .parent()
            .ok_or_else(|| anyhow!("no folder for this binary"))?
            .join("passerelle"),
    };
    let keys = dir.join("keys");
    let admin = passerelle(&bin, database, &keys)
        .args(["admin", "create-coordinator", "--service-name", "Bench"])
        .args(["--login", "coordinator", "--display-name", "Bench"])
        .env("PASSERELLE_ADMIN_PASSWORD", PASSWORD)
        .output()
        .await
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !admin.status.success() {
        bail!(
            "create-coordinator failed: {}",
            String::from_utf8_lossy(&admin.stderr)
        );
    }
    let mut servers = Vec::new();
    for i in 0..args.instances {
        let log = dir.join(format!("serve-{i}.log"));
        servers.push(serve(&bin, database, &keys, &log).await?);
    }
    db.seed(args.reminders).await.context("cannot seed")?;
    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    // Whether any is left, not how many: counting every pending row each
    // 20 ms took a fair share of the database's CPU from the servers.
    let pending =
        "SELECT COUNT(*) FROM (SELECT 1 FROM reminders WHERE state = 'pending' LIMIT 1) AS p";
    while db.scalar(pending).await?.unwrap_or(0) > 0 {
        if Instant::now() > deadline {
            bail!("reminders still pending after {DELIVERY_TIMEOUT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
    let done = micros_now();
    for server in &mut servers {
        server.kill().await?;
    }
    let first = db
        .scalar("SELECT MIN(settled_at) FROM reminders")
        .await?
        .ok_or_else(|| anyhow!("nothing was delivered"))?;
    let notes = db.scalar("SELECT COUNT(*) FROM notifications").await?;
    let delivered = db
        .scalar("SELECT COUNT(*) FROM reminders WHERE state = 'delivered'")
        .await?;
    if notes != Some(args.reminders) || delivered != Some(args.reminders) {
        bail!(
            "{delivered:?} delivered, {notes:?} notifications for {} reminders",
            args.reminders
        );
    }
    let seconds = (done - first) as f64 / 1e6;
    println!(
        "| {:?} | {} | {} | {seconds:.2} s | {:.0} /s |",
        args.engine,
        args.instances,
        args.reminders,
        args.reminders as f64 / seconds
    );
    Ok(())
}

async fn main_async(args: Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    match args.engine {
        Engine::Sqlite => {
            if args.instances != 1 {
                bail!("SQLite has one writer: use --instances 1");
            }
            let database = format!("sqlite://{}", dir.path().join("bench.db").display());
            passerelle_migrate(&args, dir.path(), &database).await?;
            let db = Db::Sqlite(SqlitePool::connect(&database).await?);
            run(&args, dir.path(), &database, &db).await
        }
        Engine::Postgres => {
            let base = args.postgres_url.trim_end_matches('/');
            let name = format!("passerelle_reminderbench_{}", uuid::Uuid::new_v4().simple());
            let admin_url = format!("{base}/postgres");
            let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
            // The name is ours: a fixed prefix and hex digits.
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await?;
            let database = format!("{base}/{name}");
            let outcome = async {
                passerelle_migrate(&args, dir.path(), &database).await?;
                let db = Db::Postgres(PgPool::connect(&database).await?);
                let outcome = run(&args, dir.path(), &database, &db).await;
                if let Db::Postgres(pool) = db {
                    pool.close().await;
                }
                outcome
            }
            .await;
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await?;
            outcome
        }
    }
}

/// Creates the tables before anything connects to them.
async fn passerelle_migrate(args: &Args, dir: &Path, database: &str) -> anyhow::Result<()> {
    let bin = match &args.server_bin {
        Some(bin) => bin.clone(),
        None => std::env::current_exe()?
            .parent()
            .ok_or_else(|| anyhow!("no folder for this binary"))?
            .join("passerelle"),
    };
    let out = passerelle(&bin, database, &dir.join("keys"))
        .arg("migrate")
        .output()
        .await
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !out.status.success() {
        bail!("migrate failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("reminderbench: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(main_async(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("reminderbench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
