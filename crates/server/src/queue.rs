//! `GET /api/v1/queue`: everything the calling worker must act on across
//! the cases they are assigned to, most urgent first, then oldest first:
//! messages pending relay, new practical requests (flagged when overdue for
//! acknowledgement), and visit requests to forward. Ids only: the worker
//! opens each item through its own endpoint, which the policy guards.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use passerelle_domain::queue::{QueueKind, overdue};
use passerelle_domain::request::Urgency;
use passerelle_store::audit::Outcome;
use passerelle_store::queue::{QueueCursor, QueueItem, QueueSource};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::state::{Json, Query};
use crate::{ApiError, AppState};

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/queue", get(work_queue))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(paths(work_queue))]
pub struct Doc;

/// Which page.
#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// One item to act on.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueEntry {
    /// `message_pending_relay`, `new_request`, `overdue_acknowledgement` or
    /// `visit_to_forward`.
    #[schema(value_type = String)]
    pub kind: QueueKind,
    /// The case.
    #[schema(value_type = String, format = Uuid)]
    pub case: passerelle_domain::CaseId,
    /// `message`, `request` or `visit`: which endpoint opens it.
    pub object_kind: &'static str,
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    /// `urgent`, `high`, `normal` or `low`.
    #[schema(value_type = String)]
    pub urgency: Urgency,
    /// Since when it waits.
    #[schema(value_type = String, format = DateTime)]
    pub since: jiff::Timestamp,
}

/// How many items of each kind wait, over all pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueTotals {
    /// Messages pending relay.
    pub messages_pending_relay: u64,
    /// Practical requests waiting for acknowledgement, overdue ones included.
    pub new_requests: u64,
    /// Of those, the ones past their acknowledgement time.
    pub overdue_acknowledgements: u64,
    /// Visit requests to review and forward.
    pub visits_to_forward: u64,
}

/// A page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    /// The totals.
    pub totals: QueueTotals,
    /// Most urgent first, then oldest first.
    pub items: Vec<QueueEntry>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

fn entry(item: QueueItem, now: jiff::Timestamp) -> QueueEntry {
    let (kind, object_kind) = match item.source {
        QueueSource::Message => (QueueKind::MessagePendingRelay, "message"),
        QueueSource::Request if overdue(item.urgency, item.since, now) => {
            (QueueKind::OverdueAcknowledgement, "request")
        }
        QueueSource::Request => (QueueKind::NewRequest, "request"),
        QueueSource::Visit => (QueueKind::VisitToForward, "visit"),
    };
    QueueEntry {
        kind,
        case: item.case,
        object_kind,
        id: item.object,
        urgency: item.urgency,
        since: item.since,
    }
}

fn cursor_text(cursor: QueueCursor) -> String {
    format!(
        "{}.{}.{}",
        cursor.rank,
        cursor.since,
        cursor.object.simple()
    )
}

fn cursor_from(text: &str) -> Result<QueueCursor, ApiError> {
    let bad = || ApiError::BadRequest("after must be a cursor from a previous page".to_owned());
    let mut parts = text.split('.');
    let (Some(rank), Some(since), Some(object), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    Ok(QueueCursor {
        rank: rank.parse().map_err(|_| bad())?,
        since: since.parse().map_err(|_| bad())?,
        object: uuid::Uuid::try_parse(object).map_err(|_| bad())?,
    })
}

/// The caller's work queue. Workers and coordinators only; it covers the
/// cases they are assigned to.
#[utoipa::path(get, path = "/api/v1/queue", tag = "queue", params(QueueQuery),
    responses((status = 200, body = QueuePage), (status = 400, body = crate::ErrorBody),
        (status = 401, body = crate::ErrorBody), (status = 403, body = crate::ErrorBody)))]
pub async fn work_queue(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<QueueQuery>,
) -> Result<Json<QueuePage>, ApiError> {
    if !caller.account.role.is_staff() {
        return Err(ApiError::Forbidden("the work queue is for workers"));
    }
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::BadRequest("limit is 1 to 200".to_owned()));
    }
    let after = query.after.as_deref().map(cursor_from).transpose()?;
    let now = state.now();
    let me = caller.account.id;
    // The totals first: they tell the store how to read the page.
    let counts = state.store.work_queue_counts(me, now).await?;
    let items = state.store.work_queue(me, after, limit, &counts).await?;
    let touch = Touch {
        action: "queue.view",
        kind: "queue",
        id: None,
        owner: None,
    };
    access::record(&state, &caller, None, touch, Outcome::Allowed).await?;
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|i| cursor_text(i.cursor())))
        .flatten();
    Ok(Json(QueuePage {
        totals: QueueTotals {
            messages_pending_relay: counts.messages_pending_relay,
            new_requests: counts.new_requests,
            overdue_acknowledgements: counts.overdue_acknowledgements,
            visits_to_forward: counts.visits_to_forward,
        },
        items: items.into_iter().map(|i| entry(i, now)).collect(),
        next,
    }))
}
