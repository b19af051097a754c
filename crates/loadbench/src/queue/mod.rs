//! `--queue`: the work queue under load. Starts the release server on
//! SQLite, sets the usual case up through the API, seeds `--queue-cases`
//! cases of the worker's service with the worker assigned to all of them and
//! `--queue-items` messages, practical requests and visits spread over them
//! (a share still waiting: `--queue-waiting-percent`), checks that the
//! server reads the seeded rows, then measures `GET /queue?limit=50` as that
//! worker with `--clients` concurrent clients for `--seconds`, each sending
//! its next request as soon as the last is answered (the most the server
//! gives), then again with the same clients paced at half the throughput
//! measured, latency counted from when each request was due.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use passerelle_crypto::ContentType;
use reqwest::Method;
use serde_json::Value;
use sqlx::Connection as _;

use crate::Args;
use crate::load::{self, MakeRequest};
use crate::seal;
use crate::server::{self, Engine, Server};
use crate::setup::{self, Api, Fixture};

mod items;
mod report;
mod seed;

pub use report::QueueReport;

/// The options of `--queue`.
#[derive(Debug, clap::Args)]
pub struct QueueArgs {
    /// Measure the work queue (`GET /queue`) over a seeded database instead
    /// of the relay phases. SQLite only.
    #[arg(long, conflicts_with_all = ["audit_cost", "seed_messages"])]
    pub queue: bool,
    /// With --queue: the cases the worker is assigned to, the fixture's
    /// case included.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub queue_cases: u32,
    /// With --queue: the items spread over those cases (40 % messages, 40 %
    /// practical requests, 20 % visit requests).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub queue_items: u32,
    /// With --queue: the share of items still waiting for a worker, in
    /// percent; the others are handled (100: the worst case).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub queue_waiting_percent: u8,
    /// With --queue: the page size asked for.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub queue_limit: u32,
    /// With --queue: also copy the seeded database to this new file, to
    /// look at query plans afterwards.
    #[arg(long)]
    pub queue_copy_db: Option<std::path::PathBuf>,
}

/// The latency the work queue must keep under, at the 99th percentile.
pub const TARGET_P99_MS: f64 = 50.0;

/// One whole queue bench on a fresh server; prints the report.
pub async fn run(args: &Args, bin: &Path, progress: &dyn Fn(&str)) -> anyhow::Result<()> {
    if args.engine != Engine::Sqlite {
        bail!("--queue runs on SQLite only");
    }
    progress(&format!("starting {} serve", bin.display()));
    let server = Server::start(bin, args.engine, &args.postgres_url, !args.no_audit).await?;
    let outcome = tokio::select! {
        outcome = bench(args, &server, progress) => outcome,
        _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
    };
    if outcome.is_err() {
        eprintln!("{}", server::tail(&server.log));
    }
    progress("stopping the server");
    let stopped = server.stop().await;
    let report = outcome?;
    stopped?;
    print!("{}", report.markdown());
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

async fn bench(
    args: &Args,
    server: &Server,
    progress: &dyn Fn(&str),
) -> anyhow::Result<QueueReport> {
    let q = &args.queue;
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(usize::MAX)
        .tcp_nodelay(true)
        .build()?;
    let api = Api {
        http: http.clone(),
        base: server.base.clone(),
    };
    progress(&format!(
        "setting up the case through {} (Argon2id logins take a moment)",
        server.base
    ));
    let fixture = setup::fixture(&api).await?;
    let envelopes = envelopes(&fixture)?;
    let template = seed::Template {
        case: fixture.case,
        worker: fixture.worker.id,
        relative: fixture.relative.id,
        detainee: fixture.detainee.id,
    };
    let plan = seed::Plan {
        cases: q.queue_cases,
        items: q.queue_items,
        waiting_percent: q.queue_waiting_percent,
    };
    progress(&format!(
        "seeding {} cases and {} items, {} % waiting",
        plan.cases, plan.items, plan.waiting_percent
    ));
    let seeded = seed::seed(&server.database_url, template, plan, &envelopes).await?;
    progress(&format!(
        "seeded in {:.1} s; reading rows back",
        seeded.seconds
    ));
    if let Some(path) = &q.queue_copy_db {
        seed::copy(&server.database_url, path).await?;
    }
    let checked = verify(&api, &fixture, server, &seeded, q.queue_limit).await?;

    let url = format!("{}/api/v1/queue?limit={}", server.base, q.queue_limit);
    let token = fixture.worker.token.clone();
    let client = http.clone();
    let make: MakeRequest = Arc::new(move || Some(client.get(&url).bearer_auth(&token)));
    let warm_up = Duration::from_secs((args.seconds / 5).clamp(1, 3));
    progress("warm-up: GET /queue");
    let warm = load::closed_loop(args.clients, warm_up, 200, make.clone()).await?;
    if warm.ok == 0 {
        bail!(
            "no queue read succeeded during the warm-up: {:?}",
            warm.errors
        );
    }
    progress(&format!(
        "queue: GET /queue?limit={} as the worker, {} clients, {} s",
        q.queue_limit, args.clients, args.seconds
    ));
    let measured = load::closed_loop(
        args.clients,
        Duration::from_secs(args.seconds),
        200,
        make.clone(),
    )
    .await?;
    let half_rate = measured.throughput() / 2.0;
    progress(&format!(
        "queue at half that rate: {half_rate:.0} req/s from {} clients, {} s",
        args.clients, args.seconds
    ));
    let half = load::open_loop(
        args.clients,
        half_rate,
        Duration::from_secs(args.seconds),
        200,
        make,
    )
    .await?;
    Ok(QueueReport::new(
        args,
        plan,
        seeded,
        checked,
        [&warm, &measured, &half],
        half_rate,
        server.rss_kib()?,
    ))
}

/// One envelope per content type, sealed by the relative to the workers.
fn envelopes(fixture: &Fixture) -> anyhow::Result<seed::Envelopes> {
    let key = &fixture.relative.key;
    let to = fixture.recipients();
    let case = fixture.case;
    Ok(seed::Envelopes {
        message: seal::seal_as(ContentType::Message, key, &to, case)?,
        request: seal::seal_as(ContentType::Request, key, &to, case)?,
        visit: seal::seal_as(ContentType::Visit, key, &to, case)?,
    })
}

/// What the check after seeding found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Checked {
    /// Items on the first page.
    pub first_page: usize,
    /// The page's totals, as the server counted them.
    pub totals: Value,
    /// Seeded rows fetched one by one, as `table status`.
    pub fetched: Vec<String>,
    /// Cases whose request and visit lists were read whole.
    pub cases_listed: usize,
}

/// The statuses fetched one row each, where the seed wrote any.
const SAMPLES: [(&str, &str, &str); 10] = [
    ("messages", "pending_relay", "/messages"),
    ("messages", "delivered", "/messages"),
    ("messages", "read", "/messages"),
    ("practical_requests", "submitted", "/requests"),
    ("practical_requests", "in_progress", "/requests"),
    ("practical_requests", "closed", "/requests"),
    ("visits", "submitted", "/visits"),
    ("visits", "under_review", "/visits"),
    ("visits", "done", "/visits"),
    ("visits", "cancelled", "/visits"),
];

/// The server must read what was seeded: the first page and its totals
/// match the seed, one row of every seeded status opens through its own
/// endpoint with that status, and the request and visit lists of a few
/// seeded cases (every row in them) read without error.
async fn verify(
    api: &Api,
    fixture: &Fixture,
    server: &Server,
    seeded: &seed::Seeded,
    limit: u32,
) -> anyhow::Result<Checked> {
    let token = fixture.worker.token.as_str();
    let page = api
        .call(
            Method::GET,
            &format!("/queue?limit={limit}"),
            Some(token),
            None,
            200,
        )
        .await
        .context("reading the seeded queue")?;
    let totals = &page["totals"];
    let expect = [
        ("messages_pending_relay", seeded.messages_pending_relay),
        ("new_requests", seeded.requests_submitted),
        ("visits_to_forward", seeded.visits_to_forward),
    ];
    for (name, seeded) in expect {
        if totals[name].as_u64() != Some(seeded) {
            bail!(
                "the queue counts {name} {}, the seed wrote {seeded}",
                totals[name]
            );
        }
    }
    let waiting =
        seeded.messages_pending_relay + seeded.requests_submitted + seeded.visits_to_forward;
    let first_page = page["items"].as_array().map_or(0, Vec::len);
    let expected = usize::try_from(waiting.min(u64::from(limit)))?;
    if first_page != expected {
        bail!("the queue's first page holds {first_page} items, not {expected}");
    }

    let mut conn = sqlx::SqliteConnection::connect(&server.database_url)
        .await
        .context("cannot open the server's SQLite file to pick rows")?;
    let mut fetched = Vec::new();
    for (table, status, endpoint) in SAMPLES {
        let sql = format!("SELECT id FROM {table} WHERE status = ?1 ORDER BY random() LIMIT 1");
        let id: Option<uuid::Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(status)
            .fetch_optional(&mut conn)
            .await?;
        let Some(id) = id else { continue };
        let row = api
            .call(
                Method::GET,
                &format!("{endpoint}/{id}"),
                Some(token),
                None,
                200,
            )
            .await
            .with_context(|| format!("reading a seeded {table} row ({status})"))?;
        let shown = match &row["status"] {
            Value::Object(inner) => inner.get("status").and_then(Value::as_str),
            other => other.as_str(),
        };
        if shown != Some(status) {
            bail!(
                "a seeded {table} row ({status}) reads back as {:?}",
                row["status"]
            );
        }
        fetched.push(format!("{table} {status}"));
    }
    let cases: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT case_id FROM visits GROUP BY case_id ORDER BY random() LIMIT 3")
            .fetch_all(&mut conn)
            .await?;
    let _ = conn.close().await;
    for case in &cases {
        for list in ["requests", "visits"] {
            api.call(
                Method::GET,
                &format!("/cases/{case}/{list}"),
                Some(token),
                None,
                200,
            )
            .await
            .with_context(|| format!("listing the {list} of a seeded case"))?;
        }
    }
    Ok(Checked {
        first_page,
        totals: totals.clone(),
        fetched,
        cases_listed: cases.len(),
    })
}
