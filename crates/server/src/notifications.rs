//! The in-app notification inbox: every account's list of "something
//! changed for you", pushed live too, and the reminder pump that turns due
//! reminders into notifications. A notification names the kind of change
//! and the object; never a sealed note's content. The client fetches the
//! object, and the policy decides what it may see of it then.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use passerelle_domain::CaseId;
use passerelle_store::StoreError;
use passerelle_store::bus::{Event, EventKind};
use passerelle_store::notify::{NewNotification, Notification};
use serde::{Deserialize, Serialize};
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::Caller;
use crate::state::{Json, Query};
use crate::{ApiError, AppState};

/// How many reminders one transaction delivers.
const BATCH: u32 = 2_000;

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/notifications", get(list))
        .route("/me/notifications/read", post(mark_read))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(paths(list, mark_read))]
pub struct Doc;

/// One notification, as its account sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    /// Its place in the list; `before` and `up_to` take it.
    pub seq: i64,
    /// The case it is about.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub case: Option<CaseId>,
    /// What happened, as a stable dotted name: `visit.scheduled`,
    /// `request.resolved`, `reminder.visit_tomorrow`.
    pub kind: String,
    /// The kind of object: `visit`, `request`.
    pub object_kind: String,
    /// The object, to fetch.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub object_id: Option<uuid::Uuid>,
    /// When it was written.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// When it was marked read; absent while unread.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<jiff::Timestamp>,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            seq: n.seq,
            case: n.case,
            kind: n.kind,
            object_kind: n.object_kind,
            object_id: n.object_id,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// Which page.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// The `next` cursor of the previous page.
    pub before: Option<i64>,
    /// Page size, 1 to 100 (default 50).
    pub limit: Option<u32>,
}

/// A page of notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    /// Newest first.
    pub items: Vec<NotificationView>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next: Option<i64>,
}

/// The caller's notifications, newest first, by cursor.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", params(PageQuery),
    responses((status = 200, body = NotificationPage), (status = 400, body = crate::ErrorBody),
        (status = 401, body = crate::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PageQuery>,
) -> Result<Json<NotificationPage>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::BadRequest("limit is 1 to 100".to_owned()));
    }
    let items = state
        .store
        .notifications(caller.account.id, query.before, limit)
        .await?;
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|n| n.seq))
        .flatten();
    Ok(Json(NotificationPage {
        items: items.into_iter().map(NotificationView::from).collect(),
        next,
    }))
}

/// Up to which notification to mark read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The `seq` of the newest notification seen; it and every older one
    /// are marked read.
    pub up_to: i64,
}

/// How many changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    /// Notifications newly marked read.
    pub marked: u64,
}

/// Marks the caller's notifications read, up to one of them.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notifications",
    request_body = MarkRead,
    responses((status = 200, body = Marked), (status = 400, body = crate::ErrorBody),
        (status = 401, body = crate::ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<MarkRead>,
) -> Result<Json<Marked>, ApiError> {
    let marked = state
        .store
        .mark_notifications_read(caller.account.id, request.up_to, state.now())
        .await?;
    Ok(Json(Marked { marked }))
}

/// Writes `notes` to their accounts' inboxes and pushes a live event to
/// each. The change they announce is already committed, so a failure here is
/// logged rather than answered: the item itself still shows in its list.
pub async fn tell(state: &AppState, notes: Vec<NewNotification>) {
    if notes.is_empty() {
        return;
    }
    match state.store.notify(&notes, state.now()).await {
        Ok(stored) => push(state, &stored).await,
        Err(error) => tracing::error!(%error, "could not write notifications"),
    }
}

/// Pushes one live event per stored notification.
async fn push(state: &AppState, stored: &[Notification]) {
    let events: Vec<Event> = stored
        .iter()
        .map(|note| Event {
            kind: EventKind::Notification,
            case: note.case,
            object: note.id,
            audience: vec![note.account],
        })
        .collect();
    if events.is_empty() {
        return;
    }
    if let Err(error) = state.bus.publish_all(&events).await {
        tracing::warn!(%error, "could not publish notification events");
    }
}

/// Delivers every reminder due now, in batches of one transaction each, and
/// pushes their live events; returns how many were delivered. A batch's
/// events go out while the next batch is claimed: one push at a time, so
/// they never pile up.
pub async fn deliver_reminders(state: &AppState) -> Result<usize, StoreError> {
    let mut total = 0;
    let mut pushing: Option<tokio::task::JoinHandle<()>> = None;
    let outcome = loop {
        let batch = match state.store.deliver_due_reminders(state.now(), BATCH).await {
            Ok(batch) => batch,
            Err(error) => break Err(error),
        };
        total += batch.len();
        let last = batch.len() < BATCH as usize;
        if let Some(previous) = pushing.take() {
            let _ = previous.await;
        }
        let pusher = state.clone();
        pushing = Some(tokio::spawn(async move { push(&pusher, &batch).await }));
        if last {
            break Ok(total);
        }
    };
    if let Some(previous) = pushing {
        let _ = previous.await;
    }
    outcome
}

/// Starts the reminder pump: delivers what fell due while the server was
/// down, then wakes every `every` to deliver what is due. The tick is only a
/// wake-up call; the database claim decides what is delivered, so a doubled
/// or a skipped tick, or several instances, change nothing. A tick that
/// finds this instance's pump still running does nothing: the running pump
/// goes on until nothing is due, and overlapping pumps would only compete
/// for the same rows.
pub async fn start_reminders(
    state: AppState,
    every: Duration,
) -> Result<JobScheduler, JobSchedulerError> {
    let running = Arc::new(tokio::sync::Mutex::new(()));
    match deliver_reminders(&state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(delivered = n, "caught up with reminders due while stopped"),
        Err(error) => tracing::error!(%error, "could not deliver due reminders"),
    }
    let scheduler = JobScheduler::new().await?;
    let job = Job::new_repeated_async(every, move |_, _| {
        let state = state.clone();
        let running = Arc::clone(&running);
        Box::pin(async move {
            let Ok(_pumping) = running.try_lock() else {
                return;
            };
            match deliver_reminders(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(delivered = n, "reminders delivered"),
                Err(error) => tracing::error!(%error, "could not deliver due reminders"),
            }
        })
    })?;
    scheduler.add(job).await?;
    scheduler.start().await?;
    Ok(scheduler)
}
