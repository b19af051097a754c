//! Requests.

use axum::Router;
use utoipa::OpenApi;

use crate::AppState;

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi()]
pub struct Doc;
