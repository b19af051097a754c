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
    /// urgent first, then oldest first, strictly after `after`.
    async fn work_queue(
        &self,
        worker: AccountId,
        after: Option<QueueCursor>,
        limit: u32,
    ) -> Result<Vec<QueueItem>>;
    /// How many items of each kind wait for `worker` at `now`.
    async fn work_queue_counts(&self, worker: AccountId, now: Timestamp) -> Result<QueueCounts>;
}

/// The page query; `?` placeholders are numbered by the engine's file.
/// Messages and visits have no urgency of their own: they rank as normal.
pub(crate) const PAGE: &str = "
    SELECT source, case_id, object_id, urgency, rank, since FROM (
        SELECT 'message' AS source, m.case_id, m.id AS object_id, 'normal' AS urgency,
               2 AS rank, m.created_at AS since
        FROM messages m
        WHERE m.status = 'pending_relay' AND m.case_id IN (SELECT case_id FROM mine)
        UNION ALL
        SELECT 'request', r.case_id, r.id, r.urgency,
               CASE r.urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
               r.created_at
        FROM practical_requests r
        WHERE r.status = 'submitted' AND r.case_id IN (SELECT case_id FROM mine)
        UNION ALL
        SELECT 'visit', v.case_id, v.id, 'normal', 2, v.created_at
        FROM visits v
        WHERE v.status IN ('submitted', 'under_review') AND v.case_id IN (SELECT case_id FROM mine)
    ) AS q
";

/// The counts query's select list, after `WITH mine AS (...)`.
pub(crate) const COUNTS: &str = "
    SELECT
        (SELECT count(*) FROM messages m
         WHERE m.status = 'pending_relay' AND m.case_id IN (SELECT case_id FROM mine)) AS messages,
        (SELECT count(*) FROM practical_requests r
         WHERE r.status = 'submitted' AND r.case_id IN (SELECT case_id FROM mine)) AS requests,
        (SELECT count(*) FROM practical_requests r
         WHERE r.status = 'submitted' AND r.case_id IN (SELECT case_id FROM mine)
           AND r.created_at < CASE r.urgency WHEN 'urgent' THEN {urgent} WHEN 'high' THEN {high}
                                             WHEN 'normal' THEN {normal} ELSE {low} END) AS overdue,
        (SELECT count(*) FROM visits v
         WHERE v.status IN ('submitted', 'under_review')
           AND v.case_id IN (SELECT case_id FROM mine)) AS visits
";

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

/// A row of [`PAGE`].
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
