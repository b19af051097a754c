//! Practical requests (DESIGN section 5): a relative, the detained person,
//! or a worker on the detained person's behalf files one with a sealed
//! description; the case's workers take it through the flow to one of four
//! answers. Who sees what is decided in `view`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use passerelle_crypto::ContentType;
use passerelle_domain::policy::{Action, Denial};
use passerelle_domain::request::{Category, RequestId, Urgency};
use passerelle_domain::{AccountId, CaseId, Membership};
use passerelle_store::StoreError;
use passerelle_store::audit::Outcome;
use passerelle_store::requests::{NewRequest, PracticalRequest};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

mod flow;
mod referrals;
mod view;

use flow::{__path_assign, __path_step, assign, step};
pub use view::RequestView;
use view::{Sight, sight};

use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::state::{Json, Path};
use crate::{ApiError, AppState, sealed};

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{case}/requests", post(file).get(list))
        .route("/requests/{request}", get(show))
        .route("/requests/{request}/assign", post(assign))
        .route("/requests/{request}/status", post(step))
        .route(
            "/requests/{request}/referrals",
            post(referrals::refer).get(referrals::list),
        )
        .route("/referrals/{referral}/answer", post(referrals::answer))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(
    paths(
        file,
        list,
        show,
        assign,
        step,
        referrals::refer,
        referrals::list,
        referrals::answer
    ),
    components(schemas(FileRequest, RequestView, RequestList, flow::Assign, flow::Step))
)]
pub struct Doc;

/// A practical request to file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// What it is about (see [`RequestView::category`]).
    #[schema(value_type = String)]
    pub category: Category,
    /// `low`, `normal`, `high` or `urgent`.
    #[schema(value_type = String)]
    pub urgency: Urgency,
    /// The description, an envelope of type `request` sealed to the author
    /// and every worker of the case (and, when a worker files it, to the
    /// detained person if they have a key); standard base64.
    pub envelope: String,
}

/// A case's requests, as the caller sees them, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestList {
    /// The requests.
    pub items: Vec<RequestView>,
}

/// The audit trail's record of touching `request`.
fn touching(action: &'static str, request: &PracticalRequest) -> Touch {
    Touch {
        action,
        kind: "request",
        id: Some(request.id.as_uuid()),
        owner: Some(request.author),
    }
}

/// Files a practical request. A relative files for themselves (unless a
/// restriction bars them: `not_available`), the detained person for
/// themselves, a worker on the detained person's behalf (marked so). No
/// consent scope is needed to ask. A replayed envelope is 409 `replayed`.
#[utoipa::path(post, path = "/api/v1/cases/{case}/requests", tag = "requests", request_body = FileRequest,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 201, body = RequestView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(body): Json<FileRequest>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    let touch = Touch {
        action: "request.file",
        kind: "request",
        id: None,
        owner: Some(caller.account.id),
    };
    let access = access::gate(&state, &caller, case, Action::Ask, touch).await?;
    let on_behalf = access.membership(caller.account.id) == Some(Membership::Worker);
    // The detained person reads what is asked in their name, and nothing a
    // relative asks: relatives' requests are sealed to them and the workers.
    let readers: Vec<AccountId> = match (on_behalf, access.detainee()) {
        (true, Some(detainee)) => vec![detainee],
        _ => Vec::new(),
    };
    let sealed = sealed::note(
        &state,
        &access,
        &caller,
        &body.envelope,
        ContentType::Request,
        &readers,
    )
    .await?;
    let new = NewRequest {
        id: RequestId::random(),
        case,
        service: access.case.service,
        author: caller.account.id,
        on_behalf,
        category: body.category,
        urgency: body.urgency,
        envelope_id: sealed.envelope_id,
        envelope: sealed.bytes,
        readers: sealed.recipients,
    };
    let stored = state
        .store
        .insert_request(&new, state.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::conflict(
                "replayed",
                "this envelope id was already used by its author",
            ),
            other => other.into(),
        })?;
    let touch = touching("request.file", &stored);
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    tracing::info!(request = %stored.id, case = %case, "practical request filed");
    flow::tell_workers(&state, &access, &stored, "request.filed", &caller).await;
    Ok((
        StatusCode::CREATED,
        Json(RequestView::of(&stored, Sight::FULL)),
    ))
}

/// A case's practical requests that the caller may see, each cut down to
/// what they may see of it. A restricted relative gets `not_available`.
#[utoipa::path(get, path = "/api/v1/cases/{case}/requests", tag = "requests",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = RequestList), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<RequestList>, ApiError> {
    let touch = Touch {
        action: "request.list",
        kind: "request",
        id: None,
        owner: None,
    };
    let access = access::gate_read(&state, &caller, case, Action::Ask, touch).await?;
    let now = state.now();
    let items = state
        .store
        .case_requests(case)
        .await?
        .iter()
        .filter_map(|r| {
            let seen = sight(&access, &caller.account, r, now).ok()?;
            Some(RequestView::of(r, seen))
        })
        .collect();
    Ok(Json(RequestList { items }))
}

/// One practical request, as the caller may see it.
#[utoipa::path(get, path = "/api/v1/requests/{request}", tag = "requests",
    params(("request" = String, Path, format = Uuid)),
    responses((status = 200, body = RequestView), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<RequestId>,
) -> Result<Json<RequestView>, ApiError> {
    let (request, _, seen) = visible(&state, &caller, id, "request.view").await?;
    let touch = touching("request.view", &request);
    access::record(&state, &caller, Some(request.case), touch, Outcome::Allowed).await?;
    Ok(Json(RequestView::of(&request, seen)))
}

/// A request the caller may see, with its case and how much they see; a
/// refusal is written to the trail and answered (404 for what is not
/// theirs to know of, `not_available` for lack of consent or a restriction).
async fn visible(
    state: &AppState,
    caller: &Caller,
    id: RequestId,
    action: &'static str,
) -> Result<(PracticalRequest, CaseAccess, Sight), ApiError> {
    let Some(request) = state.store.request(id).await? else {
        let touch = Touch {
            action,
            kind: "request",
            id: Some(id.as_uuid()),
            owner: None,
        };
        access::record(
            state,
            caller,
            None,
            touch,
            Outcome::Denied(Denial::NotAParty),
        )
        .await?;
        return Err(ApiError::NotFound);
    };
    let touch = touching(action, &request);
    let access = access::gate(state, caller, request.case, Action::Ask, touch).await?;
    match sight(&access, &caller.account, &request, state.now()) {
        Ok(seen) => Ok((request, access, seen)),
        Err(denial) => {
            let case = Some(request.case);
            access::record(state, caller, case, touch, Outcome::Denied(denial)).await?;
            Err(match denial {
                // Another relative's request is answered as if it did not exist.
                Denial::NotPermitted | Denial::NotAParty => ApiError::NotFound,
                other => access::refusal(other),
            })
        }
    }
}
