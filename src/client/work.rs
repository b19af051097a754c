//! A worker's day through the API: the work queue, referrals, the
//! notification inbox and trend reports.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Client, ClientError, checked};

/// One item of the work queue.
#[derive(Debug, Clone, Deserialize)]
pub struct QueueItem {
    /// `message_pending_relay`, `new_request`, `overdue_acknowledgement` or
    /// `visit_to_forward`.
    pub kind: String,
    /// The case.
    pub case: String,
    /// `message`, `request` or `visit`.
    pub object_kind: String,
    /// Its id.
    pub id: String,
    /// `urgent`, `high`, `normal` or `low`.
    pub urgency: String,
    /// Since when it waits (RFC 3339).
    pub since: String,
}

/// How many items of each kind wait.
#[derive(Debug, Clone, Deserialize)]
pub struct QueueTotals {
    /// Messages pending relay.
    pub messages_pending_relay: u64,
    /// Requests waiting for acknowledgement.
    pub new_requests: u64,
    /// Of those, overdue.
    pub overdue_acknowledgements: u64,
    /// Visits to forward.
    pub visits_to_forward: u64,
}

/// A page of the work queue.
#[derive(Debug, Clone, Deserialize)]
pub struct QueuePage {
    /// The totals over all pages.
    pub totals: QueueTotals,
    /// Most urgent first, then oldest.
    pub items: Vec<QueueItem>,
    /// The cursor of the next page.
    pub next: Option<String>,
}

/// A referral.
#[derive(Debug, Clone, Deserialize)]
pub struct ReferralInfo {
    /// Its id.
    pub id: String,
    /// The directory entry, unless deleted since.
    pub entry: Option<String>,
    /// The service's name when referred.
    pub entry_name: String,
    /// `pending`, `confirmed` or `declined`.
    pub status: String,
    /// When it was made.
    pub referred_at: String,
}

/// One notification.
#[derive(Debug, Clone, Deserialize)]
pub struct NotificationInfo {
    /// Its place in the list.
    pub seq: i64,
    /// What happened.
    pub kind: String,
    /// About what.
    pub object_kind: String,
    /// The object's id.
    pub object_id: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
    /// When it was read, if it was.
    pub read_at: Option<String>,
}

impl Client {
    /// (Workers) a page of the work queue.
    pub async fn work_queue(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<QueuePage, ClientError> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(after) = after {
            query.push(("after", after.to_owned()));
        }
        self.call(self.request(Method::GET, "queue").query(&query))
            .await
    }

    /// (Workers) refers a request to a directory entry.
    pub async fn refer(&self, request: &str, entry: &str) -> Result<ReferralInfo, ClientError> {
        let path = format!("requests/{request}/referrals");
        self.call(
            self.request(Method::POST, &path)
                .json(&json!({ "entry": entry })),
        )
        .await
    }

    /// (Workers) a request's referrals.
    pub async fn referrals(&self, request: &str) -> Result<Vec<ReferralInfo>, ClientError> {
        #[derive(Deserialize)]
        struct List {
            items: Vec<ReferralInfo>,
        }
        let path = format!("requests/{request}/referrals");
        let list: List = self.call(self.request(Method::GET, &path)).await?;
        Ok(list.items)
    }

    /// (Workers) records a service's answer to a referral.
    pub async fn answer_referral(
        &self,
        referral: &str,
        confirmed: bool,
    ) -> Result<ReferralInfo, ClientError> {
        let path = format!("referrals/{referral}/answer");
        self.call(
            self.request(Method::POST, &path)
                .json(&json!({ "confirmed": confirmed })),
        )
        .await
    }

    /// The newest notifications.
    pub async fn notifications(&self, limit: u32) -> Result<Vec<NotificationInfo>, ClientError> {
        #[derive(Deserialize)]
        struct Page {
            items: Vec<NotificationInfo>,
        }
        let query = [("limit", limit.to_string())];
        let page: Page = self
            .call(self.request(Method::GET, "me/notifications").query(&query))
            .await?;
        Ok(page.items)
    }

    /// Marks notifications read up to `up_to` (a `seq`); how many changed.
    pub async fn mark_notifications_read(&self, up_to: i64) -> Result<u64, ClientError> {
        #[derive(Deserialize)]
        struct Marked {
            marked: u64,
        }
        let marked: Marked = self
            .call(
                self.request(Method::POST, "me/notifications/read")
                    .json(&json!({ "up_to": up_to })),
            )
            .await?;
        Ok(marked.marked)
    }

    /// (Coordinators) the request report from `from` to `to` (`YYYY-MM`),
    /// as CSV text.
    pub async fn request_report_csv(&self, from: &str, to: &str) -> Result<String, ClientError> {
        let query = [("from", from), ("to", to), ("format", "csv")];
        let response = checked(
            self.request(Method::GET, "reports/requests")
                .query(&query)
                .send()
                .await?,
        )
        .await?;
        Ok(response.text().await?)
    }
}
