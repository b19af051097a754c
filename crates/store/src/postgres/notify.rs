//! Notifications and reminders on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;
use uuid::Uuid;

use super::PgStore;
use crate::Result;
use crate::notify::{NewNotification, NewReminder, Notification, NotifyStore};

// Being built: these answer as if nothing were stored.
#[async_trait]
impl NotifyStore for PgStore {
    async fn notify(
        &self,
        _notes: &[NewNotification],
        _now: Timestamp,
    ) -> Result<Vec<Notification>> {
        Ok(Vec::new())
    }

    async fn notifications(
        &self,
        _account: AccountId,
        _before: Option<i64>,
        _limit: u32,
    ) -> Result<Vec<Notification>> {
        Ok(Vec::new())
    }

    async fn mark_notifications_read(
        &self,
        _account: AccountId,
        _up_to: i64,
        _now: Timestamp,
    ) -> Result<u64> {
        Ok(0)
    }

    async fn schedule_reminders(&self, _reminders: &[NewReminder], _now: Timestamp) -> Result<()> {
        Ok(())
    }

    async fn cancel_reminders(&self, _object_id: Uuid, _now: Timestamp) -> Result<u64> {
        Ok(0)
    }

    async fn deliver_due_reminders(
        &self,
        _now: Timestamp,
        _limit: u32,
    ) -> Result<Vec<Notification>> {
        Ok(Vec::new())
    }
}
