//! Visit requests: a relative asks for a visit (with `visits` consent and
//! no restriction), the case's workers take it through review, forwarding
//! to the prison's visit service, and the outcome; either side cancels.
//! The relative's note is sealed end to end; the server stores it unopened.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use passerelle_crypto::ContentType;
use passerelle_domain::policy::Action;
use passerelle_domain::visit::{
    PreferredDate, PreferredDates, VisitError, VisitId, VisitKind, VisitTransitionError, Visitors,
    brussels_today,
};
use passerelle_domain::{CaseId, Membership, Scope};
use passerelle_store::StoreError;
use passerelle_store::audit::Outcome;
use passerelle_store::notify::NewNotification;
use passerelle_store::visits::NewVisit;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

mod flow;
mod remind;
mod see;

pub use flow::{__path_step, step};
pub use see::VisitView;

use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::sealed;
use crate::state::{Json, Path};
use crate::{ApiError, AppState, notifications};

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{case}/visits", post(request).get(list))
        .route("/visits/{visit}", get(show))
        .route("/visits/{visit}/status", post(step))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(
    paths(request, list, show, step),
    components(schemas(VisitRequestBody, VisitView, VisitList, flow::Step))
)]
pub struct Doc;

impl From<VisitError> for ApiError {
    fn from(error: VisitError) -> Self {
        Self::BadRequest(error.to_string())
    }
}

impl From<VisitTransitionError> for ApiError {
    fn from(error: VisitTransitionError) -> Self {
        Self::conflict("invalid_transition", error.to_string())
    }
}

/// What a relative asks for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitRequestBody {
    /// `ordinary`, `extended_family` or `video`.
    #[schema(value_type = String)]
    pub kind: VisitKind,
    /// 1 to 5 preferred dates after today, each with a slot (`morning`,
    /// `afternoon` or `any`).
    #[schema(value_type = Vec<Object>)]
    pub dates: Vec<PreferredDate>,
    /// How many adults visit (at least one).
    pub adults: u8,
    /// The age of each visiting minor (0 to 17); at most 6 visitors in all.
    #[serde(default)]
    pub minor_ages: Vec<u8>,
    /// The note (visitors' names, needs), sealed as a `visit` envelope to
    /// the relative, the case's workers and optionally the detained
    /// person; standard base64.
    pub note: String,
}

/// A case's visit requests, as the caller may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitList {
    /// Newest first.
    pub items: Vec<VisitView>,
}

/// A relative asks for a visit. Needs `visits` consent and no restriction
/// (403 `not_available`, never which); the note must be sealed to the
/// relative, the case's workers and at most the detained person.
#[utoipa::path(post, path = "/api/v1/cases/{case}/visits", tag = "visits", request_body = VisitRequestBody,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 201, body = VisitView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn request(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(body): Json<VisitRequestBody>,
) -> Result<(StatusCode, Json<VisitView>), ApiError> {
    let me = caller.account.id;
    let touch = Touch {
        action: "visit.request",
        kind: "visit",
        id: None,
        owner: Some(me),
    };
    let access = access::gate(&state, &caller, case, Action::ViewCase, touch).await?;
    if !matches!(access.membership(me), Some(Membership::Relative { .. })) {
        see::not_permitted(
            &state,
            &access,
            &caller,
            touch,
            "only a relative asks for a visit",
        )
        .await?;
    }
    let contact = Action::Contact {
        relative: me,
        scope: Scope::Visits,
    };
    see::require(&state, &access, &caller, contact, touch).await?;

    let today = brussels_today(state.now())
        .ok_or_else(|| ApiError::Internal("no time zone for Brussels".to_owned()))?;
    let dates = PreferredDates::new(body.dates, today)?;
    let visitors = Visitors::new(body.adults, body.minor_ages)?;
    let readers: Vec<_> = access.detainee().into_iter().collect();
    let note = sealed::note(
        &state,
        &access,
        &caller,
        &body.note,
        ContentType::Visit,
        &readers,
    )
    .await?;
    let new = NewVisit {
        case,
        relative: me,
        kind: body.kind,
        dates,
        visitors,
        envelope_id: note.envelope_id,
        envelope: note.bytes,
        note_readers: note.recipients,
    };
    let stored = state
        .store
        .insert_visit(&new, state.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                ApiError::conflict("replayed", "this note id was already used")
            }
            other => other.into(),
        })?;
    let touch = Touch {
        id: Some(stored.id.as_uuid()),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    tracing::info!(visit = %stored.id, case = %case, "visit requested");
    let workers = access
        .parties
        .iter()
        .filter(|p| p.membership == Membership::Worker)
        .map(|p| NewNotification {
            account: p.account,
            case: Some(case),
            kind: "visit.submitted".to_owned(),
            object_kind: "visit".to_owned(),
            object_id: Some(stored.id.as_uuid()),
        })
        .collect();
    notifications::tell(&state, workers).await;
    Ok((StatusCode::CREATED, Json(VisitView::of(stored, me))))
}

/// The case's visit requests the caller may see: all of them for its
/// workers; their own for a relative (with `visits` consent and no
/// restriction, else 403 `not_available`); for the detained person, those
/// of relatives they may be in contact with.
#[utoipa::path(get, path = "/api/v1/cases/{case}/visits", tag = "visits",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = VisitList), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<VisitList>, ApiError> {
    let me = caller.account.id;
    let touch = Touch {
        action: "visit.list",
        kind: "visit",
        id: None,
        owner: None,
    };
    let access = access::gate(&state, &caller, case, Action::ViewCase, touch).await?;
    let relative = matches!(access.membership(me), Some(Membership::Relative { .. }));
    if relative {
        let contact = Action::Contact {
            relative: me,
            scope: Scope::Visits,
        };
        let touch = Touch {
            owner: Some(me),
            ..touch
        };
        see::require(&state, &access, &caller, contact, touch).await?;
    }
    let items = state
        .store
        .case_visits(case)
        .await?
        .into_iter()
        .filter(|v| see::sees(&state, &access, &caller, v).is_allowed())
        .map(|v| VisitView::of(v, me))
        .collect();
    let touch = Touch {
        owner: relative.then_some(me),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    Ok(Json(VisitList { items }))
}

/// One visit request, if the caller may see it (as for the list); the note
/// only to the parties it is sealed to.
#[utoipa::path(get, path = "/api/v1/visits/{visit}", tag = "visits",
    params(("visit" = String, Path, format = Uuid)),
    responses((status = 200, body = VisitView), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<VisitId>,
) -> Result<Json<VisitView>, ApiError> {
    let (visit, _, touch) = see::visible(&state, &caller, id, "visit.view").await?;
    access::record(&state, &caller, Some(visit.case), touch, Outcome::Allowed).await?;
    Ok(Json(VisitView::of(visit, caller.account.id)))
}
