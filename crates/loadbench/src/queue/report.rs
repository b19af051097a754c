//! What a `--queue` run found, as Markdown and as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::seed::{Plan, Seeded};
use super::{Checked, TARGET_P99_MS};
use crate::Args;
use crate::load::Measured;
use crate::report::command_line;

/// One timed phase of the queue bench.
#[derive(Debug, Serialize)]
pub struct QueuePhase {
    pub phase: &'static str,
    pub requests: u64,
    pub ok: u64,
    pub seconds: f64,
    /// Successful requests per second.
    pub throughput: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    /// The pace asked for, for a paced phase.
    pub target_rate: Option<f64>,
}

impl QueuePhase {
    fn of(phase: &'static str, m: &Measured, target_rate: Option<f64>) -> Self {
        Self {
            phase,
            target_rate,
            requests: m.requests,
            ok: m.ok,
            seconds: m.elapsed.as_secs_f64(),
            throughput: m.throughput(),
            p50_ms: m.quantile_ms(0.50),
            p90_ms: m.quantile_ms(0.90),
            p99_ms: m.quantile_ms(0.99),
            max_ms: m.max_ms(),
            errors: m.error_count(),
        }
    }
}

/// Everything a queue run found.
#[derive(Debug, Serialize)]
pub struct QueueReport {
    pub command: String,
    pub clients: u32,
    pub seconds: u64,
    pub page_size: u32,
    pub cases: u32,
    pub items: u32,
    pub waiting_percent: u8,
    pub seeded: Seeded,
    pub checked: Checked,
    pub phases: Vec<QueuePhase>,
    /// Whether the timed phase's p99 is under [`TARGET_P99_MS`] with no
    /// errors: as fast as the clients can go.
    pub target_met: bool,
    /// The same, paced at half the throughput of the timed phase.
    pub half_rate_target_met: bool,
    pub end_rss_mib: f64,
}

impl QueueReport {
    pub fn new(
        args: &Args,
        plan: Plan,
        seeded: Seeded,
        checked: Checked,
        [warm, measured, half]: [&Measured; 3],
        half_rate: f64,
        rss_kib: u64,
    ) -> Self {
        let met = |p: &QueuePhase| p.errors == 0 && p.ok > 0 && p.p99_ms < TARGET_P99_MS;
        let timed = QueuePhase::of("queue", measured, None);
        let paced = QueuePhase::of("queue @ 50 %", half, Some(half_rate));
        let target_met = met(&timed);
        let half_rate_target_met = met(&paced);
        Self {
            command: command_line(),
            clients: args.clients,
            seconds: args.seconds,
            page_size: args.queue.queue_limit,
            cases: plan.cases,
            items: plan.items,
            waiting_percent: plan.waiting_percent,
            seeded,
            checked,
            phases: vec![QueuePhase::of("warm-up", warm, None), timed, paced],
            target_met,
            half_rate_target_met,
            end_rss_mib: rss_kib as f64 / 1024.0,
        }
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Passerelle work queue, SQLite, {} cases, {} items ({} % waiting), {} clients, {} s\n",
            self.cases, self.items, self.waiting_percent, self.clients, self.seconds
        );
        let _ = writeln!(
            out,
            "| phase | requests | throughput (req/s) | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | errors |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
        for p in &self.phases {
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
                p.phase, p.requests, p.throughput, p.p50_ms, p.p90_ms, p.p99_ms, p.max_ms, p.errors
            );
        }
        let _ = writeln!(out);
        let verdict = |met| if met { "met" } else { "MISSED" };
        let _ = writeln!(
            out,
            "- p99 < {TARGET_P99_MS} ms: {} as fast as {} clients go; {} at half that rate",
            verdict(self.target_met),
            self.clients,
            verdict(self.half_rate_target_met)
        );
        if let Some(paced) = self.phases.iter().find(|p| p.target_rate.is_some()) {
            let _ = writeln!(
                out,
                "- half rate: {:.0} req/s asked, {:.0} achieved; its latency counts from when each request was due",
                paced.target_rate.unwrap_or_default(),
                paced.throughput
            );
        }
        let s = &self.seeded;
        let _ = writeln!(
            out,
            "- seeded in {:.1} s: {} messages ({} pending relay), {} practical requests ({} submitted), {} visits ({} to forward)",
            s.seconds,
            s.messages,
            s.messages_pending_relay,
            s.requests,
            s.requests_submitted,
            s.visits,
            s.visits_to_forward
        );
        let _ = writeln!(
            out,
            "- read back: first page {} items, totals {}; one row each of {}; the request and visit lists of {} cases",
            self.checked.first_page,
            self.checked.totals,
            self.checked.fetched.join(", "),
            self.checked.cases_listed
        );
        let _ = writeln!(out, "- server RSS at the end: {:.1} MiB", self.end_rss_mib);
        let _ = writeln!(out, "- command: `{}`", self.command);
        out
    }
}
