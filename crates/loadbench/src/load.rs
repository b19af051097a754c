//! The timed phases: `clients` tasks sharing one keep-alive client, either
//! closed-loop (each sends its next request when the last one answered) or
//! open-loop at a fixed rate. Every latency goes into an HDR histogram, in
//! microseconds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use hdrhistogram::Histogram;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

/// Makes the next request of a phase; `None` when there is nothing left to
/// send (the pre-sealed envelopes ran out).
pub type MakeRequest = Arc<dyn Fn() -> Option<reqwest::RequestBuilder> + Send + Sync>;

/// Extra time for requests still in flight when a phase's time is up.
const GRACE: Duration = Duration::from_secs(60);

/// What one phase measured.
#[derive(Debug)]
pub struct Measured {
    /// Every completed request, successful or not.
    pub requests: u64,
    /// Requests answered with the expected status.
    pub ok: u64,
    /// Everything else, by status or transport error.
    pub errors: BTreeMap<String, u64>,
    /// From the first request to the last answer.
    pub elapsed: Duration,
    /// Latencies in microseconds.
    pub histogram: Histogram<u64>,
    /// Whether some task stopped early for want of requests to send.
    pub exhausted: bool,
}

impl Measured {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            requests: 0,
            ok: 0,
            errors: BTreeMap::new(),
            elapsed: Duration::ZERO,
            histogram: Histogram::new_with_bounds(1, 120_000_000, 3)
                .context("cannot make a histogram")?,
            exhausted: false,
        })
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.ok as f64 / seconds
        } else {
            0.0
        }
    }

    /// A quantile in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.histogram.is_empty() {
            return 0.0;
        }
        self.histogram.value_at_quantile(q) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.histogram.max() as f64 / 1000.0
    }

    fn record(&mut self, latency: Duration, outcome: Outcome, expected: u16) {
        self.requests += 1;
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.histogram.saturating_record(micros.max(1));
        match outcome {
            Outcome::Status(s) if s == expected => self.ok += 1,
            Outcome::Status(s) => *self.errors.entry(format!("HTTP {s}")).or_default() += 1,
            Outcome::Failed(kind) => *self.errors.entry(kind).or_default() += 1,
        }
    }

    fn merge(&mut self, other: Self) -> anyhow::Result<()> {
        self.requests += other.requests;
        self.ok += other.ok;
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        self.exhausted |= other.exhausted;
        self.histogram
            .add(&other.histogram)
            .map_err(|e| anyhow!("cannot merge histograms: {e:?}"))
    }
}

/// How one request ended.
#[derive(Debug)]
enum Outcome {
    Status(u16),
    Failed(String),
}

/// Sends a request and reads the whole body, so that the connection goes
/// back to the pool.
async fn send(request: reqwest::RequestBuilder) -> Outcome {
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => Outcome::Status(status),
                Err(e) => Outcome::Failed(kind(&e)),
            }
        }
        Err(e) => Outcome::Failed(kind(&e)),
    }
}

fn kind(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".to_owned()
    } else if e.is_connect() {
        "connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "body".to_owned()
    } else {
        "transport".to_owned()
    }
}

/// Closed loop: each of `clients` tasks sends, waits for the answer, and
/// sends again until `duration` has passed.
pub async fn closed_loop(
    clients: u32,
    duration: Duration,
    expected: u16,
    make: MakeRequest,
) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for _ in 0..clients {
        let make = make.clone();
        tasks.spawn(async move {
            let mut mine = Measured::new()?;
            while Instant::now() < deadline {
                let Some(request) = make() else {
                    mine.exhausted = true;
                    break;
                };
                let sent = Instant::now();
                let outcome = send(request).await;
                mine.record(sent.elapsed(), outcome, expected);
            }
            anyhow::Ok(mine)
        });
    }
    collect(tasks, started, duration).await
}

/// Open loop at `rate` requests per second in all: each client fires on its
/// own interval (staggered) whether or not earlier requests have answered,
/// and latency runs from the moment a request was due, so a stalled server
/// shows up in the tail instead of slowing the load down.
pub async fn open_loop(
    clients: u32,
    rate: f64,
    duration: Duration,
    expected: u16,
    make: MakeRequest,
) -> anyhow::Result<Measured> {
    if !(rate.is_finite() && rate > 0.0) {
        return Err(anyhow!("no rate to pace at ({rate} req/s)"));
    }
    let period = Duration::from_secs_f64(f64::from(clients) / rate);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for client in 0..clients {
        let make = make.clone();
        let offset = period.mul_f64(f64::from(client) / f64::from(clients));
        tasks.spawn(async move {
            let mut mine = Measured::new()?;
            let mut interval = tokio::time::interval_at(started + offset, period);
            interval.set_missed_tick_behavior(MissedTickBehavior::Burst);
            let mut in_flight = JoinSet::new();
            loop {
                let due = interval.tick().await;
                if due >= deadline {
                    break;
                }
                let Some(request) = make() else {
                    mine.exhausted = true;
                    break;
                };
                in_flight.spawn(async move {
                    let outcome = send(request).await;
                    (due.elapsed(), outcome)
                });
                while let Some(done) = in_flight.try_join_next() {
                    let (latency, outcome) = done.context("a request task failed")?;
                    mine.record(latency, outcome, expected);
                }
            }
            while let Some(done) = in_flight.join_next().await {
                let (latency, outcome) = done.context("a request task failed")?;
                mine.record(latency, outcome, expected);
            }
            anyhow::Ok(mine)
        });
    }
    collect(tasks, started, duration).await
}

/// Waits for every task (bounded) and merges what they measured.
async fn collect(
    mut tasks: JoinSet<anyhow::Result<Measured>>,
    started: Instant,
    duration: Duration,
) -> anyhow::Result<Measured> {
    let mut total = Measured::new()?;
    let all = async {
        while let Some(done) = tasks.join_next().await {
            total.merge(done.context("a load task failed")??)?;
        }
        anyhow::Ok(())
    };
    // Dropping the set on a time-out aborts whatever is still running.
    tokio::time::timeout(duration + GRACE, all)
        .await
        .map_err(|_| anyhow!("the phase did not finish within {:?}", duration + GRACE))??;
    total.elapsed = started.elapsed();
    Ok(total)
}
