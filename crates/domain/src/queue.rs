//! The work queue: everything a worker must act on across their cases,
//! most urgent first, then oldest first (issue: messages pending relay, new
//! requests, visits to forward, overdue acknowledgements).

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::request::Urgency;

/// What the worker must do about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// A message waits to be relayed or held.
    MessagePendingRelay,
    /// A practical request waits to be acknowledged.
    NewRequest,
    /// A practical request has waited for acknowledgement longer than its
    /// urgency allows.
    OverdueAcknowledgement,
    /// A visit request waits to be reviewed and forwarded to the prison.
    VisitToForward,
}

/// How long a request may wait for acknowledgement, by urgency: an urgent
/// one within 4 hours, a high one within a day, a normal one within three
/// days, a low one within a week.
pub fn acknowledgement_due(urgency: Urgency) -> SignedDuration {
    match urgency {
        Urgency::Urgent => SignedDuration::from_hours(4),
        Urgency::High => SignedDuration::from_hours(24),
        Urgency::Normal => SignedDuration::from_hours(72),
        Urgency::Low => SignedDuration::from_hours(168),
    }
}

/// Whether a request filed at `since` with `urgency` is overdue for
/// acknowledgement at `now`.
pub fn overdue(urgency: Urgency, since: Timestamp, now: Timestamp) -> bool {
    since
        .checked_add(acknowledgement_due(urgency))
        .is_ok_and(|due| due < now)
}

/// The place of an item in the queue: urgency (most urgent first), then age
/// (oldest first), then id, so the order is total and pages never overlap.
pub const fn rank(urgency: Urgency) -> i64 {
    match urgency {
        Urgency::Urgent => 0,
        Urgency::High => 1,
        Urgency::Normal => 2,
        Urgency::Low => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_overdue_only_after_its_urgency_allows() {
        let filed: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        let at = |h: i64| filed + SignedDuration::from_hours(h);
        assert!(!overdue(Urgency::Urgent, filed, at(4)));
        assert!(overdue(Urgency::Urgent, filed, at(5)));
        assert!(!overdue(Urgency::High, filed, at(24)));
        assert!(overdue(Urgency::High, filed, at(25)));
        assert!(!overdue(Urgency::Normal, filed, at(72)));
        assert!(overdue(Urgency::Normal, filed, at(73)));
        assert!(!overdue(Urgency::Low, filed, at(168)));
        assert!(overdue(Urgency::Low, filed, at(169)));
    }

    #[test]
    fn more_urgent_ranks_first() {
        let order: Vec<i64> = [
            Urgency::Urgent,
            Urgency::High,
            Urgency::Normal,
            Urgency::Low,
        ]
        .into_iter()
        .map(rank)
        .collect();
        assert_eq!(order, vec![0, 1, 2, 3]);
    }
}
