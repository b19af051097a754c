//! The OpenAPI document, generated from the handlers' annotations and
//! served at `/api/v1/openapi.json` (no viewer is bundled: builds stay
//! offline).

use axum::Json;
use utoipa::OpenApi;

use crate::{
    audit, auth, cases, consent, directory, error, events, keys, messages, notifications, plans,
    queue, reports, requests, visits,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Passerelle",
        description = "A secure relay between detained persons and their families. Message content is end-to-end encrypted: the server stores envelopes it cannot open."
    ),
    paths(
        auth::login,
        auth::logout,
        auth::me,
        auth::create_staff,
        auth::redeem,
        keys::register,
        keys::history,
        cases::open_case,
        cases::my_cases,
        cases::show_case,
        cases::assign_worker,
        cases::invite,
        cases::parties,
        messages::upload,
        messages::show,
        messages::step,
        messages::list,
        consent::record,
        consent::list,
        consent::receipt,
        consent::restrict,
        consent::lift,
        consent::restrictions,
        audit::my_access,
        audit::export,
        events::stream,
    ),
    components(schemas(error::ErrorBody))
)]
struct Document;

/// The document: the core routes, then each module's own part.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    let mut document = Document::openapi();
    document.merge(notifications::Doc::openapi());
    document.merge(visits::Doc::openapi());
    document.merge(requests::Doc::openapi());
    document.merge(directory::Doc::openapi());
    document.merge(reports::Doc::openapi());
    document.merge(queue::Doc::openapi());
    document.merge(plans::Doc::openapi());
    Json(document)
}
