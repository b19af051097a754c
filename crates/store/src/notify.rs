//! The in-app notification inbox and the reminder table (DESIGN sections 6
//! and 7). A notification says that something changed, never what a sealed
//! note says: the client fetches what it may see. A reminder is a
//! notification due at a time; its unique key makes scheduling it twice
//! harmless, and delivering it claims the row in the same transaction that
//! writes the notification, so it is delivered exactly once.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::{AccountId, CaseId};
use uuid::Uuid;

use crate::Result;

/// A notification to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// Who is told.
    pub account: AccountId,
    /// The case it is about, if any.
    pub case: Option<CaseId>,
    /// A stable dotted name, `visit.scheduled` or `reminder.visit_tomorrow`.
    pub kind: String,
    /// The kind of object it is about: `visit`, `request`, `plan_item`.
    pub object_kind: String,
    /// The object's id.
    pub object_id: Option<Uuid>,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Its id.
    pub id: Uuid,
    /// Position in the global order; cursors are built from it.
    pub seq: i64,
    /// Who is told.
    pub account: AccountId,
    /// The case.
    pub case: Option<CaseId>,
    /// What happened.
    pub kind: String,
    /// The kind of object.
    pub object_kind: String,
    /// The object.
    pub object_id: Option<Uuid>,
    /// When it was written.
    pub created_at: Timestamp,
    /// When its account marked it read.
    pub read_at: Option<Timestamp>,
}

/// A reminder to schedule: a notification that becomes due at `due_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReminder {
    /// Unique across all reminders: scheduling the same key again is a no-op.
    /// Built from the object, the kind, the account and the due time, for
    /// example `visit:<id>:visit_tomorrow:<account>:<due micros>`.
    pub key: String,
    /// Who is reminded.
    pub account: AccountId,
    /// The case.
    pub case: Option<CaseId>,
    /// The notification kind it becomes, `reminder.visit_tomorrow`.
    pub kind: String,
    /// The kind of object.
    pub object_kind: String,
    /// The object; cancelling works by object.
    pub object_id: Uuid,
    /// When it is due.
    pub due_at: Timestamp,
}

/// Notifications and reminders; part of [`crate::Store`].
#[async_trait]
pub trait NotifyStore: Send + Sync {
    /// Writes notifications, in one transaction, and returns them stored.
    async fn notify(&self, notes: &[NewNotification], now: Timestamp) -> Result<Vec<Notification>>;
    /// A page of an account's notifications, newest first, strictly before
    /// `before` (a `seq`) when given.
    async fn notifications(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Notification>>;
    /// Marks the account's unread notifications up to `up_to` (a `seq`,
    /// inclusive) read; returns how many changed.
    async fn mark_notifications_read(
        &self,
        account: AccountId,
        up_to: i64,
        now: Timestamp,
    ) -> Result<u64>;
    /// Schedules reminders; a key already scheduled (pending, delivered or
    /// cancelled) is left as it is.
    async fn schedule_reminders(&self, reminders: &[NewReminder], now: Timestamp) -> Result<()>;
    /// Cancels the pending reminders of an object; returns how many.
    async fn cancel_reminders(&self, object_id: Uuid, now: Timestamp) -> Result<u64>;
    /// Claims up to `limit` reminders due at `now`, writes their
    /// notifications and marks them delivered, all in one transaction: a
    /// reminder is delivered once, even with several instances claiming.
    async fn deliver_due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<Notification>>;
}
