//! The result: one Markdown table and the summary lines under it, and the
//! same as JSON for `--json FILE`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::load::Measured;
use crate::server::Engine;

/// One phase's row.
#[derive(Debug, Serialize)]
pub struct PhaseRow {
    pub phase: String,
    pub requests: u64,
    pub ok: u64,
    pub seconds: f64,
    /// Successful requests per second.
    pub throughput: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub errors_by_kind: BTreeMap<String, u64>,
    /// For the paced phase: the rate it aimed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_rate: Option<f64>,
    /// Anything that qualifies the numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PhaseRow {
    pub fn of(phase: &str, m: &Measured, target_rate: Option<f64>) -> Self {
        let note = m.exhausted.then(|| {
            format!(
                "the pre-sealed envelopes ran out after {:.1} s",
                m.elapsed.as_secs_f64()
            )
        });
        Self {
            phase: phase.to_owned(),
            requests: m.requests,
            ok: m.ok,
            seconds: m.elapsed.as_secs_f64(),
            throughput: m.throughput(),
            p50_ms: m.quantile_ms(0.50),
            p99_ms: m.quantile_ms(0.99),
            max_ms: m.max_ms(),
            errors: m.error_count(),
            errors_by_kind: m.errors.clone(),
            target_rate,
            note,
        }
    }
}

/// Everything a run found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub command: String,
    pub engine: Engine,
    pub clients: u32,
    pub seconds: u64,
    pub seed_messages: u64,
    pub seed_seconds: f64,
    /// Messages in the second worker's first inbox page right after seeding.
    pub inbox_page_after_seed: usize,
    pub sealed_envelopes: usize,
    pub sealing_per_second: f64,
    pub phases: Vec<PhaseRow>,
    pub post_over_ceiling: f64,
    pub inbox_over_ceiling: f64,
    /// The size of the inbox page read (and served by the reference).
    pub inbox_page_bytes: usize,
    /// The bare server's page over its own `/healthz`: the most any
    /// handler answering that page could reach, as a share of a ceiling.
    pub reference_page_over_ceiling: f64,
    /// The relay's inbox over the bare server's page.
    pub inbox_over_reference_page: f64,
    pub half_rate_target: f64,
    pub half_rate_achieved: f64,
    pub half_rate_p50_ms: f64,
    pub half_rate_p99_ms: f64,
    /// Right after the setup's requests (logins among them).
    pub setup_rss_mib: f64,
    /// After the server was then left idle for a few seconds.
    pub idle_rss_mib: f64,
    /// Right after the last phase.
    pub end_rss_mib: f64,
    /// After the server was then left idle for a few seconds.
    pub end_idle_rss_mib: f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

impl Report {
    /// Fills in the ratios from the phases named `ceiling`, `post`, `inbox`
    /// and `post @ 50 %`.
    pub fn derive(&mut self) {
        let throughput = |name: &str| {
            self.phases
                .iter()
                .find(|p| p.phase == name)
                .map_or(0.0, |p| p.throughput)
        };
        self.post_over_ceiling = ratio(throughput("post"), throughput("ceiling"));
        self.inbox_over_ceiling = ratio(throughput("inbox"), throughput("ceiling"));
        self.reference_page_over_ceiling = ratio(
            throughput("reference page"),
            throughput("reference ceiling"),
        );
        self.inbox_over_reference_page = ratio(throughput("inbox"), throughput("reference page"));
        if let Some(half) = self.phases.iter().find(|p| p.target_rate.is_some()) {
            self.half_rate_target = half.target_rate.unwrap_or_default();
            self.half_rate_achieved = half.throughput;
            self.half_rate_p50_ms = half.p50_ms;
            self.half_rate_p99_ms = half.p99_ms;
        }
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Passerelle relay load, {} engine, {} clients, {} s per phase, {} seeded messages\n",
            match self.engine {
                Engine::Sqlite => "SQLite",
                Engine::Postgres => "PostgreSQL",
            },
            self.clients,
            self.seconds,
            self.seed_messages
        );
        let _ = writeln!(
            out,
            "| phase | requests | throughput (req/s) | p50 (ms) | p99 (ms) | errors |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        for p in &self.phases {
            let errors = if p.errors_by_kind.is_empty() {
                "0".to_owned()
            } else {
                let kinds: Vec<String> = p
                    .errors_by_kind
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                format!("{} ({})", p.errors, kinds.join(", "))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {:.2} | {:.2} | {} |",
                p.phase, p.requests, p.throughput, p.p50_ms, p.p99_ms, errors
            );
        }
        let _ = writeln!(out);
        for p in &self.phases {
            if let Some(note) = &p.note {
                let _ = writeln!(out, "- {}: {note}", p.phase);
            }
        }
        let _ = writeln!(
            out,
            "- post / ceiling: {:.3}; inbox / ceiling: {:.3}",
            self.post_over_ceiling, self.inbox_over_ceiling
        );
        if self.inbox_page_bytes > 0 {
            let _ = writeln!(
                out,
                "- an inbox page is {} bytes; a bare axum server answers it prebuilt at {:.3} of its own /healthz rate; the relay's inbox reaches {:.3} of that",
                self.inbox_page_bytes,
                self.reference_page_over_ceiling,
                self.inbox_over_reference_page
            );
        }
        let _ = writeln!(
            out,
            "- p99 at half rate: {:.2} ms (p50 {:.2} ms; {:.0} req/s targeted, {:.0} achieved; latency from when each request was due)",
            self.half_rate_p99_ms,
            self.half_rate_p50_ms,
            self.half_rate_target,
            self.half_rate_achieved
        );
        let _ = writeln!(
            out,
            "- server RSS: {:.1} MiB right after setup, {:.1} MiB idle after it; {:.1} MiB right after the load, {:.1} MiB idle after it",
            self.setup_rss_mib, self.idle_rss_mib, self.end_rss_mib, self.end_idle_rss_mib
        );
        if self.seed_messages > 0 {
            let _ = writeln!(
                out,
                "- seeded {} messages in {:.1} s; the inbox's first page then held {}",
                self.seed_messages, self.seed_seconds, self.inbox_page_after_seed
            );
        }
        let _ = writeln!(
            out,
            "- {} envelopes (1 KiB to 3 recipients) pre-sealed at {:.0}/s",
            self.sealed_envelopes, self.sealing_per_second
        );
        let _ = writeln!(out, "- command: `{}`", self.command);
        out
    }
}

/// This process's command line, quoted where needed.
pub fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
