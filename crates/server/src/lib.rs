//! The Passerelle HTTP service. [`app`] builds the router over an
//! [`AppState`]; [`serve`] runs it on an already-bound listener until a
//! shutdown future resolves, letting in-flight requests finish.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::{delete, get, post, put};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

mod access;
mod audit;
mod auth;
mod cases;
mod consent;
mod directory;
mod error;
mod events;
mod facts;
mod keys;
mod messages;
mod notifications;
mod openapi;
mod plans;
mod queue;
mod reports;
mod requests;
mod sealed;
mod state;
mod visits;
mod web;

pub use auth::{Caller, hash_password};
pub use error::{ApiError, ErrorBody};
pub use notifications::{deliver_reminders, start_reminders};
pub use state::{AppState, Clock, Limits, SystemClock};

/// The router: every route, the body limit, request ids and request logs.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let api = Router::new()
        .route("/sessions", post(auth::login))
        .route("/sessions/current", delete(auth::logout))
        .route("/me", get(auth::me))
        .route("/me/key", put(keys::register))
        .route("/accounts", post(auth::create_staff))
        .route("/accounts/{account}/keys", get(keys::history))
        .route("/invitations/redeem", post(auth::redeem))
        .route("/cases", post(cases::open_case).get(cases::my_cases))
        .route("/cases/{case}", get(cases::show_case))
        .route("/cases/{case}/workers", post(cases::assign_worker))
        .route("/cases/{case}/invitations", post(cases::invite))
        .route("/cases/{case}/parties", get(cases::parties))
        .route("/cases/{case}/messages", post(messages::upload))
        .route(
            "/cases/{case}/consents",
            post(consent::record).get(consent::list),
        )
        .route(
            "/cases/{case}/consents/{consent}/receipt",
            get(consent::receipt),
        )
        .route(
            "/cases/{case}/restrictions",
            post(consent::restrict).get(consent::restrictions),
        )
        .route(
            "/cases/{case}/restrictions/{restriction}/lift",
            post(consent::lift),
        )
        .route("/cases/{case}/audit", get(audit::export))
        .route("/me/access", get(audit::my_access))
        .route("/messages", get(messages::list))
        .route("/messages/{message}", get(messages::show))
        .route("/messages/{message}/status", post(messages::step))
        .route("/events", get(events::stream))
        .route("/openapi.json", get(openapi::document))
        .merge(notifications::routes())
        .merge(visits::routes())
        .merge(requests::routes())
        .merge(directory::routes())
        .merge(reports::routes())
        .merge(queue::routes())
        .merge(plans::routes());
    Router::new()
        .nest("/api/v1", api)
        .merge(web::routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            // Method and path only: bodies, tokens and query strings (which
            // may hold ids) never reach the log.
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Alive: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
async fn readyz(State(state): State<AppState>) -> Result<&'static str, (StatusCode, &'static str)> {
    state
        .store
        .ping()
        .await
        .map(|()| "ready")
        .map_err(|_| (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"))
}

/// Serves on `listener` until `shutdown` resolves; requests in flight then
/// finish before this returns, so every acknowledged write is committed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
