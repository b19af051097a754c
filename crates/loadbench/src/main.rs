//! `passerelle-loadbench`: the relay service under load.
//!
//! ```text
//! cargo build --release -p passerelle -p passerelle-loadbench
//! target/release/passerelle-loadbench --engine sqlite|postgres [--clients 32] [--seconds 10] [--seed-messages 0|10000|1000000] [--json FILE]
//! ```
//!
//! Starts the release `passerelle serve` as a child process on 127.0.0.1,
//! sets a case up through the HTTP API, optionally seeds the database with
//! stored messages, then measures, each for `--seconds` with `--clients`
//! concurrent tasks on one keep-alive client: the ceiling (`GET /healthz`),
//! uploads (`POST /cases/{case}/messages`, 1 KiB sealed to 3 recipients,
//! pre-sealed), inbox reads (`GET /messages?limit=50` as a worker), and
//! uploads again paced at half the measured throughput; then a bare axum
//! server's `/healthz` and a copy of an inbox page served by it
//! ([`reference`]), the ceiling for a response that size. Prints a Markdown
//! table; `--json FILE` writes the same as JSON. The run stops by itself and
//! stops the server; every wait is bounded.
//!
//! With `--queue` (SQLite only) it measures the work queue instead
//! (`GET /queue?limit=50` over `--queue-cases` cases and `--queue-items`
//! seeded items, `--queue-waiting-percent` of them waiting): see
//! [`queue`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use clap::Parser;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;

mod load;
mod queue;
mod reference;
mod report;
mod seal;
mod seed;
mod server;
mod setup;

use load::MakeRequest;
use report::{PhaseRow, Report};
use seal::Pool;
use server::{Engine, Server};

/// Load benchmark of the Passerelle relay service.
#[derive(Debug, Parser)]
#[command(name = "passerelle-loadbench", version)]
struct Args {
    /// The database the server runs on.
    #[arg(long, value_enum)]
    engine: Engine,
    /// Concurrent client tasks.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    clients: u32,
    /// Length of each timed phase.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Delivered messages written into the database before measuring.
    #[arg(long, default_value_t = 0)]
    seed_messages: u64,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// The `passerelle` binary (default: the one next to this binary).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Where to create (and drop) the PostgreSQL database.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres_url: String,
    /// Run the server without its audit trail, to measure what the trail
    /// costs (compare with a run without this flag).
    #[arg(long)]
    no_audit: bool,
    /// After the run, run it five more times, alternately without and with
    /// the audit trail, and print the median cost of the trail to posting
    /// and inbox reads.
    #[arg(long, conflicts_with = "no_audit")]
    audit_cost: bool,
    /// The most envelopes sealed ahead of one phase.
    #[arg(long, default_value_t = 300_000)]
    max_envelopes: usize,
    #[command(flatten)]
    queue: queue::QueueArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("passerelle-loadbench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let bin = server::server_binary(args.server_bin.as_deref())?;
    let clock = Instant::now();
    let progress = |what: &str| eprintln!("[{:6.1} s] {what}", clock.elapsed().as_secs_f64());
    if args.queue.queue {
        return queue::run(&args, &bin, &progress).await;
    }
    let report = measure(&args, &bin, !args.no_audit, &progress).await?;
    print!("{}", report.markdown());
    if args.audit_cost {
        audit_cost(&args, &bin, &report, &progress).await?;
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// What the audit trail costs: more whole runs, alternating servers with
/// and without the trail (the first run with it is `first`), and the median
/// throughput of each side, since one pair of runs on a shared machine
/// differs by more than the trail costs.
async fn audit_cost(
    args: &Args,
    bin: &std::path::Path,
    first: &Report,
    progress: &impl Fn(&str),
) -> anyhow::Result<()> {
    const ROUNDS: usize = 3;
    let throughput = |report: &Report, name: &str| {
        report
            .phases
            .iter()
            .find(|p| p.phase == name)
            .map_or(0.0, |p| p.throughput)
    };
    let mut with = vec![(throughput(first, "post"), throughput(first, "inbox"))];
    let mut without = Vec::new();
    for round in 0..(2 * ROUNDS - 1) {
        // Without, with, without, with, without: alternating after `first`.
        let audit = round % 2 == 1;
        let report = measure(args, bin, audit, progress).await?;
        let pair = (throughput(&report, "post"), throughput(&report, "inbox"));
        if audit {
            with.push(pair);
        } else {
            without.push(pair);
        }
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or_default()
    };
    println!("\nThe audit trail's cost, {ROUNDS} runs each way, alternating:\n");
    println!(
        "| phase | with the trail (req/s, each run) | without (req/s, each run) | median with | median without | cost |"
    );
    println!("|---|---|---|---:|---:|---:|");
    for (name, pick) in [("post", 0), ("inbox", 1)] {
        let side = |runs: &[(f64, f64)]| -> Vec<f64> {
            runs.iter()
                .map(|p| if pick == 0 { p.0 } else { p.1 })
                .collect()
        };
        let list = |values: &[f64]| {
            values
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (a, b) = (side(&with), side(&without));
        let (ma, mb) = (median(a.clone()), median(b.clone()));
        let cost = if mb > 0.0 {
            (1.0 - ma / mb) * 100.0
        } else {
            0.0
        };
        println!(
            "| {name} | {} | {} | {ma:.0} | {mb:.0} | {cost:.1} % |",
            list(&a),
            list(&b)
        );
    }
    Ok(())
}

/// One whole bench on a fresh server.
async fn measure(
    args: &Args,
    bin: &std::path::Path,
    audit: bool,
    progress: &impl Fn(&str),
) -> anyhow::Result<Report> {
    progress(&format!("starting {} serve", bin.display()));
    let server = Server::start(bin, args.engine, &args.postgres_url, audit).await?;
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
    Ok(report)
}

/// Seals `count` upload bodies from the relative, off the async threads.
fn pre_seal(
    fixture: &setup::Fixture,
    count: usize,
    sealed: &mut (usize, Duration),
) -> anyhow::Result<Arc<Pool>> {
    let recipients = fixture.recipients();
    let (bodies, took) = tokio::task::block_in_place(|| {
        seal::seal_bodies(&fixture.relative.key, &recipients, fixture.case, count)
    })?;
    sealed.0 += bodies.len();
    sealed.1 += took;
    Ok(Arc::new(Pool::new(bodies)))
}

/// How long the server is left without requests before its idle RSS is
/// read: long enough for blocking threads to end and the allocator to give
/// back what it no longer uses.
const SETTLE: Duration = Duration::from_secs(3);

async fn bench(args: &Args, server: &Server, progress: &dyn Fn(&str)) -> anyhow::Result<Report> {
    let clients = args.clients;
    let duration = Duration::from_secs(args.seconds);
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(usize::MAX)
        .tcp_nodelay(true)
        .build()?;
    let api = setup::Api {
        http: http.clone(),
        base: server.base.clone(),
    };
    progress(&format!(
        "setting up the case through {} (Argon2id logins take a moment)",
        server.base
    ));
    let fixture = setup::fixture(&api).await?;
    let setup_rss = server.rss_kib()?;
    tokio::time::sleep(SETTLE).await;
    let idle_rss = server.rss_kib()?;

    let mut seed_seconds = 0.0;
    let mut inbox_page_after_seed = 0;
    if args.seed_messages > 0 {
        progress(&format!(
            "seeding {} messages into the database",
            args.seed_messages
        ));
        let envelope = seal::seal_one(&fixture.relative.key, &fixture.recipients(), fixture.case)?;
        let parties = seed::Parties {
            case: fixture.case,
            sender: fixture.relative.id,
            recipient: fixture.worker.id,
        };
        let took = seed::seed(
            args.engine,
            &server.database_url,
            parties,
            &envelope,
            args.seed_messages,
        )
        .await?;
        seed_seconds = took.as_secs_f64();
        // The server must read the seeded rows back as the worker's inbox.
        let page = api
            .call(
                Method::GET,
                "/messages?limit=50",
                Some(&fixture.worker.token),
                None,
                200,
            )
            .await
            .context("reading the seeded inbox")?;
        inbox_page_after_seed = page["items"].as_array().map_or(0, Vec::len);
        let expected = usize::try_from(args.seed_messages.min(50))?;
        if inbox_page_after_seed != expected {
            bail!("the seeded inbox shows {inbox_page_after_seed} messages, not {expected}");
        }
    }

    let base = server.base.clone();
    let healthz = format!("{base}/healthz");
    let ceiling_client = http.clone();
    let ceiling: MakeRequest = Arc::new(move || Some(ceiling_client.get(&healthz)));
    progress("ceiling: GET /healthz");
    let ceiling = load::closed_loop(clients, duration, 200, ceiling).await?;

    let post_url = format!("{base}/api/v1/cases/{}/messages", fixture.case);
    let poster = |pool: Arc<Pool>| -> MakeRequest {
        let http = http.clone();
        let url = post_url.clone();
        let token = fixture.relative.token.clone();
        Arc::new(move || {
            let body = pool.take()?;
            Some(
                http.post(&url)
                    .bearer_auth(&token)
                    .header(CONTENT_TYPE, "application/json")
                    .body(body),
            )
        })
    };
    let mut sealed = (0, Duration::ZERO);

    // A short warm-up tells how many envelopes the timed phase may need.
    let warm_count = (clients as usize * 64).clamp(2_000, args.max_envelopes.max(2_000));
    progress(&format!("sealing {warm_count} envelopes for the warm-up"));
    let pool = pre_seal(&fixture, warm_count, &mut sealed)?;
    let warm_up = Duration::from_secs((args.seconds / 5).clamp(1, 3));
    progress("warm-up: POST /cases/{case}/messages");
    let warm = load::closed_loop(clients, warm_up, 201, poster(pool)).await?;
    if warm.ok == 0 {
        bail!("no upload succeeded during the warm-up: {:?}", warm.errors);
    }
    // Generous: the warm-up includes the ramp, and running out only shortens
    // the phase (the report says so).
    let estimate = warm.throughput() * args.seconds as f64 * 2.5;
    let count = (estimate as usize + clients as usize * 16).clamp(1_000, args.max_envelopes);
    progress(&format!(
        "sealing {count} envelopes ({:.0} uploads/s in the warm-up)",
        warm.throughput()
    ));
    let pool = pre_seal(&fixture, count, &mut sealed)?;
    progress("post: POST /cases/{case}/messages");
    let post = load::closed_loop(clients, duration, 201, poster(pool.clone())).await?;
    drop(pool);

    let inbox_url = format!("{base}/api/v1/messages?limit=50");
    let inbox_client = http.clone();
    let worker_token = fixture.worker.token.clone();
    let inbox: MakeRequest = {
        let (url, token) = (inbox_url.clone(), worker_token.clone());
        Arc::new(move || Some(inbox_client.get(&url).bearer_auth(&token)))
    };
    progress("inbox: GET /messages?limit=50 as the second worker");
    let inbox = load::closed_loop(clients, duration, 200, inbox).await?;

    // The page just read, from a bare server: the ceiling for its size.
    let page = http
        .get(&inbox_url)
        .bearer_auth(&worker_token)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let page_bytes = page.len();
    let reference = reference::Reference::start(page).await?;
    let get = |path: &str| -> MakeRequest {
        let (http, url) = (http.clone(), format!("{}{path}", reference.base));
        Arc::new(move || Some(http.get(&url)))
    };
    progress("reference ceiling: GET /healthz of a bare axum server");
    let reference_ceiling = load::closed_loop(clients, duration, 200, get("/healthz")).await?;
    progress(&format!(
        "reference page: the same {page_bytes}-byte inbox page, prebuilt, from that server"
    ));
    let reference_page = load::closed_loop(clients, duration, 200, get("/page")).await?;
    drop(reference);

    let target = post.throughput() / 2.0;
    if target < 1.0 {
        bail!(
            "the upload throughput ({:.1} req/s) is too low to pace at half of it",
            post.throughput()
        );
    }
    let count = (target * args.seconds as f64 * 1.2) as usize + clients as usize * 4;
    let count = count.min(args.max_envelopes);
    progress(&format!("sealing {count} envelopes for the paced phase"));
    let pool = pre_seal(&fixture, count, &mut sealed)?;
    progress(&format!("post @ 50 %: {target:.0} uploads/s, open loop"));
    let half = load::open_loop(clients, target, duration, 201, poster(pool)).await?;
    let end_rss = server.rss_kib()?;
    tokio::time::sleep(SETTLE).await;
    let end_idle_rss = server.rss_kib()?;

    let mut report = Report {
        command: report::command_line(),
        engine: args.engine,
        clients,
        seconds: args.seconds,
        seed_messages: args.seed_messages,
        seed_seconds,
        inbox_page_after_seed,
        sealed_envelopes: sealed.0,
        sealing_per_second: sealed.0 as f64 / sealed.1.as_secs_f64().max(1e-9),
        phases: vec![
            PhaseRow::of("ceiling", &ceiling, None),
            PhaseRow::of("post", &post, None),
            PhaseRow::of("inbox", &inbox, None),
            PhaseRow::of("reference ceiling", &reference_ceiling, None),
            PhaseRow::of("reference page", &reference_page, None),
            PhaseRow::of("post @ 50 %", &half, Some(target)),
        ],
        post_over_ceiling: 0.0,
        inbox_over_ceiling: 0.0,
        inbox_page_bytes: page_bytes,
        reference_page_over_ceiling: 0.0,
        inbox_over_reference_page: 0.0,
        half_rate_target: 0.0,
        half_rate_achieved: 0.0,
        half_rate_p50_ms: 0.0,
        half_rate_p99_ms: 0.0,
        setup_rss_mib: setup_rss as f64 / 1024.0,
        idle_rss_mib: idle_rss as f64 / 1024.0,
        end_rss_mib: end_rss as f64 / 1024.0,
        end_idle_rss_mib: end_idle_rss as f64 / 1024.0,
    };
    report.derive();
    Ok(report)
}
