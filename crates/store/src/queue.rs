//! The work queue across a worker's cases, read in one query per page.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::queue::{acknowledgement_due, rank};
use passerelle_domain::request::Urgency;
use passerelle_domain::{AccountId, CaseId};
use uuid::Uuid;

use crate::codec::micros;
use crate::{Result, StoreError};

/// Which table an item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueSource {
    /// A message pending relay.
    Message,
    /// A practical request not yet acknowledged.
    Request,
    /// A visit request not yet forwarded.
    Visit,
}

/// One item waiting for a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// Where it comes from.
    pub source: QueueSource,
    /// Its case.
    pub case: CaseId,
    /// The message, request or visit.
    pub object: Uuid,
    /// Its urgency (messages and visits count as normal).
    pub urgency: Urgency,
    /// Since when it waits.
    pub since: Timestamp,
}

/// Where a page ends: the next page starts strictly after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueCursor {
    /// The urgency rank ([`passerelle_domain::queue::rank`]).
    pub rank: i64,
    /// The item's `since`, in microseconds.
    pub since: i64,
    /// The item's id.
    pub object: Uuid,
}

impl QueueItem {
    /// The cursor just after this item.
    pub fn cursor(&self) -> QueueCursor {
        QueueCursor {
            rank: rank(self.urgency),
            since: micros(self.since),
            object: self.object,
        }
    }
}

/// How many items of each kind wait.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Messages pending relay.
    pub messages_pending_relay: u64,
    /// Requests waiting for acknowledgement, overdue ones included.
    pub new_requests: u64,
    /// Of those, the overdue ones.
    pub overdue_acknowledgements: u64,
    /// Visit requests to review and forward.
    pub visits_to_forward: u64,
}

/// The work queue; part of [`crate::Store`].
#[async_trait]
pub trait QueueStore: Send + Sync {
    /// A page of what waits in the cases `worker` is assigned to: most
    /// urgent first, then oldest first, strictly after `after`. `counts`
    /// are the worker's, from [`QueueStore::work_queue_counts`]: they say
    /// how best to read each kind.
    async fn work_queue(
        &self,
        worker: AccountId,
        after: Option<QueueCursor>,
        limit: u32,
        counts: &QueueCounts,
    ) -> Result<Vec<QueueItem>>;
    /// How many items of each kind wait for `worker` at `now`.
    async fn work_queue_counts(&self, worker: AccountId, now: Timestamp) -> Result<QueueCounts>;
}

/// One kind of waiting item, walked oldest first: its own branch of the
/// page query, so that each stops after `limit` rows instead of sorting
/// everything that waits.
struct Branch {
    source: &'static str,
    table: &'static str,
    /// The partial index that holds the branch in age order (SQLite is
    /// told which index to use; PostgreSQL's planner chooses).
    index: &'static str,
    /// The partial index that holds it case by case.
    per_case: &'static str,
    filter: &'static str,
    urgency: &'static str,
    rank: i64,
}

/// Messages and visits have no urgency of their own: they rank as normal.
/// Requests take one branch per urgency, each in age order.
const BRANCHES: [Branch; 6] = [
    Branch {
        source: "message",
        table: "messages",
        index: "messages_waiting_by_age",
        per_case: "messages_pending_relay",
        filter: "status = 'pending_relay'",
        urgency: "normal",
        rank: rank(Urgency::Normal),
    },
    request_branch(
        "status = 'submitted' AND urgency = 'urgent'",
        Urgency::Urgent,
    ),
    request_branch("status = 'submitted' AND urgency = 'high'", Urgency::High),
    request_branch(
        "status = 'submitted' AND urgency = 'normal'",
        Urgency::Normal,
    ),
    request_branch("status = 'submitted' AND urgency = 'low'", Urgency::Low),
    Branch {
        source: "visit",
        table: "visits",
        index: "visits_waiting_by_age",
        per_case: "visits_to_forward",
        filter: "status IN ('submitted', 'under_review')",
        urgency: "normal",
        rank: rank(Urgency::Normal),
    },
];

/// The branch of the practical requests of one urgency; `filter` names
/// the same urgency (a `const` cannot format it).
const fn request_branch(filter: &'static str, urgency: Urgency) -> Branch {
    Branch {
        source: "request",
        table: "practical_requests",
        index: "practical_requests_waiting_by_age",
        per_case: "practical_requests_submitted",
        filter,
        urgency: urgency.name(),
        rank: rank(urgency),
    }
}

/// How an engine writes the queue's queries.
pub(crate) struct Dialect {
    /// The n-th placeholder (`?n` or `$n`).
    pub param: fn(u8) -> String,
    /// Whether to name each branch's index (`INDEXED BY`, SQLite only).
    pub indexed_by: bool,
}

/// From how many waiting items of a kind a worker's page walks that kind
/// oldest first across the whole service, checking each item's case, rather
/// than reading all of the worker's items case by case and sorting them.
/// Case by case costs what the worker has waiting; the walk costs a page
/// divided by the worker's share of what waits, so it wins once a worker
/// has much waiting, and only then.
pub const WALK_FROM: u64 = 1_000;

/// Whether an item's case is the worker's is one probe of the covering
/// index `(account_id, kind, case_id)`; SQLite otherwise takes the primary
/// key and then reads the row for `kind`.
fn party_hint(dialect: &Dialect) -> &'static str {
    if dialect.indexed_by {
        " INDEXED BY case_parties_worker"
    } else {
        ""
    }
}

/// The worker's own waiting items of the branch's kind.
fn waiting(source: &str, counts: &QueueCounts) -> u64 {
    match source {
        "message" => counts.messages_pending_relay,
        "request" => counts.new_requests,
        _ => counts.visits_to_forward,
    }
}

/// The page query after `after`, most urgent then oldest first, given the
/// worker's totals (which choose how each kind is read). Binds: 1 the
/// worker, 2 the limit, and with a cursor 3 its `since` and 4 its id.
/// Branches wholly before the cursor, or with nothing waiting, are left
/// out; the cursor's own rank resumes strictly after it; later ranks start
/// from their beginning. `None` when no branch is left.
pub(crate) fn page_sql(
    after: Option<QueueCursor>,
    counts: &QueueCounts,
    dialect: &Dialect,
) -> Option<String> {
    let p = dialect.param;
    let mut branches = Vec::new();
    for b in &BRANCHES {
        let resume = match after {
            Some(c) if b.rank < c.rank => continue,
            Some(c) if b.rank == c.rank => format!(" AND (created_at, id) > ({}, {})", p(3), p(4)),
            _ => String::new(),
        };
        let many = match waiting(b.source, counts) {
            0 => continue,
            n => n >= WALK_FROM,
        };
        let (index, mine) = if many {
            let party = format!(
                "EXISTS (SELECT 1 FROM case_parties p{}
                         WHERE p.case_id = x.case_id AND p.account_id = {} AND p.kind = 'worker')",
                party_hint(dialect),
                p(1)
            );
            (b.index, party)
        } else {
            let cases = format!(
                "x.case_id IN (SELECT case_id FROM case_parties
                               WHERE account_id = {} AND kind = 'worker')",
                p(1)
            );
            (b.per_case, cases)
        };
        let hint = if dialect.indexed_by {
            format!(" INDEXED BY {index}")
        } else {
            String::new()
        };
        branches.push(format!(
            "SELECT * FROM (SELECT '{source}' AS source, case_id, id AS object_id,
                 '{urgency}' AS urgency, {rank} AS rank, created_at AS since
             FROM {table} AS x{hint}
             WHERE {filter} AND {mine}{resume}
             ORDER BY created_at, id LIMIT {limit}) AS b{n}",
            source = b.source,
            urgency = b.urgency,
            rank = b.rank,
            table = b.table,
            filter = b.filter,
            limit = p(2),
            n = branches.len(),
        ));
    }
    if branches.is_empty() {
        return None;
    }
    Some(format!(
        "SELECT source, case_id, object_id, urgency, rank, since FROM ({}) AS q
         ORDER BY rank, since, object_id LIMIT {}",
        branches.join(" UNION ALL "),
        p(2)
    ))
}

/// The totals query: one row, with what waits for the worker of each kind,
/// summed from `queue_totals` (per-case counts kept by triggers) in one
/// pass over the worker's cases (a `GROUP BY` of the kinds would sort
/// every row again, which cost more than the sums). Binds: 1 the worker.
pub(crate) fn totals_sql(dialect: &Dialect) -> String {
    let sum = |source: &str| {
        format!(
            "CAST(COALESCE(SUM(CASE WHEN t.source = '{source}' THEN t.waiting ELSE 0 END), 0) AS BIGINT)"
        )
    };
    format!(
        "SELECT {} AS messages, {} AS requests, {} AS visits
         FROM case_parties p{} JOIN queue_totals t ON t.case_id = p.case_id
         WHERE p.account_id = {} AND p.kind = 'worker'",
        sum("message"),
        sum("request"),
        sum("visit"),
        party_hint(dialect),
        (dialect.param)(1)
    )
}

/// The row of [`totals_sql`].
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub(crate) struct Waiting {
    pub(crate) messages: i64,
    pub(crate) requests: i64,
    pub(crate) visits: i64,
}

/// The counts from the row of [`totals_sql`], and from the count of
/// [`recent_sql`] when requests wait (`None` otherwise).
pub(crate) fn counts_from(waiting: Waiting, recent: Option<i64>) -> QueueCounts {
    let of = |n: i64| u64::try_from(n).unwrap_or(0);
    let requests = of(waiting.requests);
    let recent = recent.map_or(requests, of);
    QueueCounts {
        messages_pending_relay: of(waiting.messages),
        new_requests: requests,
        overdue_acknowledgements: requests.saturating_sub(recent),
        visits_to_forward: of(waiting.visits),
    }
}

/// The requests still within their acknowledgement time. Binds: 1 the
/// worker, then per urgency (urgent, high, normal, low) the latest filing
/// time that is overdue. The overdue ones are those waiting less these,
/// which the age-ordered index finds without reading the old ones.
pub(crate) fn recent_sql(dialect: &Dialect) -> String {
    let p = dialect.param;
    let hint = if dialect.indexed_by {
        " INDEXED BY practical_requests_waiting_by_age"
    } else {
        ""
    };
    let recent: Vec<String> = ["urgent", "high", "normal", "low"]
        .iter()
        .zip(2..)
        .map(|(urgency, n)| {
            format!(
                "(SELECT count(*) FROM practical_requests AS x{hint}
                  WHERE status = 'submitted' AND urgency = '{urgency}' AND created_at >= {}
                    AND EXISTS (SELECT 1 FROM case_parties p{} WHERE p.case_id = x.case_id
                                AND p.account_id = {} AND p.kind = 'worker'))",
                p(n),
                party_hint(dialect),
                p(1)
            )
        })
        .collect();
    format!("SELECT {} AS recent", recent.join(" + "))
}

/// The latest filing time that is overdue at `now`, per urgency: urgent,
/// high, normal, low.
pub(crate) fn overdue_cutoffs(now: Timestamp) -> [i64; 4] {
    [
        Urgency::Urgent,
        Urgency::High,
        Urgency::Normal,
        Urgency::Low,
    ]
    .map(|u| micros(now) - acknowledgement_due(u).as_micros() as i64)
}

/// A row of the page query ([`page_sql`]).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct QueueRow {
    source: String,
    case_id: Uuid,
    object_id: Uuid,
    urgency: String,
    since: i64,
}

impl TryFrom<QueueRow> for QueueItem {
    type Error = StoreError;

    fn try_from(row: QueueRow) -> Result<Self> {
        Ok(Self {
            source: match row.source.as_str() {
                "message" => QueueSource::Message,
                "request" => QueueSource::Request,
                "visit" => QueueSource::Visit,
                _ => return Err(StoreError::Corrupt("queue source")),
            },
            case: CaseId::from_uuid(row.case_id),
            object: row.object_id,
            urgency: row
                .urgency
                .parse()
                .map_err(|_| StoreError::Corrupt("urgency"))?,
            since: crate::codec::timestamp(row.since)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each request branch's filter picks the urgency it is ranked as.
    #[test]
    fn each_request_branch_filters_on_its_own_urgency() {
        let requests: Vec<&Branch> = BRANCHES.iter().filter(|b| b.source == "request").collect();
        assert_eq!(requests.len(), 4);
        for branch in requests {
            assert!(
                branch
                    .filter
                    .ends_with(&format!("urgency = '{}'", branch.urgency)),
                "{}",
                branch.filter
            );
        }
    }
}
