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
    /// Cancels one person's pending reminders in a case about objects of
    /// `object_kind` (when their consent to see such objects ends); returns
    /// how many.
    async fn cancel_reminders_of(
        &self,
        account: AccountId,
        case: CaseId,
        object_kind: &str,
        now: Timestamp,
    ) -> Result<u64>;
    /// Claims up to `limit` reminders due at `now`, writes their
    /// notifications and marks them delivered, all in one transaction: a
    /// reminder is delivered once, even with several instances claiming.
    async fn deliver_due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<Notification>>;
}

/// A `notifications` row, as both engines return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NotificationRow {
    id: Uuid,
    seq: i64,
    account_id: Uuid,
    case_id: Option<Uuid>,
    kind: String,
    object_kind: String,
    object_id: Option<Uuid>,
    created_at: i64,
    read_at: Option<i64>,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = crate::StoreError;

    fn try_from(row: NotificationRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            seq: row.seq,
            account: AccountId::from_uuid(row.account_id),
            case: row.case_id.map(CaseId::from_uuid),
            kind: row.kind,
            object_kind: row.object_kind,
            object_id: row.object_id,
            created_at: crate::codec::timestamp(row.created_at)?,
            read_at: row.read_at.map(crate::codec::timestamp).transpose()?,
        })
    }
}

/// A due `reminders` row, claimed for delivery.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct DueRow {
    pub(crate) seq: i64,
    pub(crate) account_id: Uuid,
    pub(crate) case_id: Option<Uuid>,
    pub(crate) kind: String,
    pub(crate) object_kind: String,
    pub(crate) object_id: Uuid,
}

impl DueRow {
    /// The notification this reminder becomes.
    pub(crate) fn notification(&self) -> NewNotification {
        NewNotification {
            account: AccountId::from_uuid(self.account_id),
            case: self.case_id.map(CaseId::from_uuid),
            kind: self.kind.clone(),
            object_kind: self.object_kind.clone(),
            object_id: Some(self.object_id),
        }
    }
}
