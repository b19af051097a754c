//! Handling a practical request: assigning it to a worker of the case and
//! moving it along the flow, with the people concerned told at each step.
//! A notification names the step, never the outcome.

use axum::extract::State;
use passerelle_domain::policy::{self, Action};
use passerelle_domain::request::{
    NotPossibleReason, RequestId, RequestTransitionError, Resolution,
};
use passerelle_domain::{AccountId, Membership, Role};
use passerelle_store::audit::Outcome;
use passerelle_store::notify::NewNotification;
use passerelle_store::requests::PracticalRequest;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{RequestView, touching, visible};
use crate::access::{self, CaseAccess};
use crate::auth::Caller;
use crate::notifications::tell;
use crate::state::{Json, Path};
use crate::{ApiError, AppState};

impl From<RequestTransitionError> for ApiError {
    fn from(error: RequestTransitionError) -> Self {
        match error {
            RequestTransitionError::InvalidReason => Self::BadRequest(error.to_string()),
            RequestTransitionError::NotAllowed { .. } => {
                Self::conflict("invalid_transition", error.to_string())
            }
        }
    }
}

/// Whom to assign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    /// A worker of the case.
    #[schema(value_type = String, format = Uuid)]
    pub worker: AccountId,
}

/// A step of the flow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Submitted → acknowledged.
    Acknowledge,
    /// Acknowledged → in progress.
    Start,
    /// In progress → resolved, with the answer.
    Resolve {
        /// How.
        resolution: ResolutionInput,
    },
    /// Resolved → closed.
    Close,
    /// Closed → in progress again.
    Reopen,
}

/// One of the four answers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResolutionInput {
    /// The worker answered it.
    AnsweredDirectly,
    /// Referred to a professional service.
    ProfessionalService,
    /// Referred to a solidarity initiative.
    SolidarityInitiative,
    /// Not possible.
    NotPossible {
        /// Why, 1 to 500 characters; the author sees it with consent.
        reason: String,
    },
}

impl ResolutionInput {
    fn resolution(self) -> Result<Resolution, RequestTransitionError> {
        Ok(match self {
            Self::AnsweredDirectly => Resolution::AnsweredDirectly,
            Self::ProfessionalService => Resolution::ProfessionalService,
            Self::SolidarityInitiative => Resolution::SolidarityInitiative,
            Self::NotPossible { reason } => Resolution::NotPossible {
                reason: NotPossibleReason::new(&reason)?,
            },
        })
    }
}

/// Refuses, with a row in the trail, a caller who may see the request but
/// not do this to it.
pub(super) async fn not_yours(
    state: &AppState,
    caller: &Caller,
    request: &PracticalRequest,
    action: &'static str,
    message: &'static str,
) -> ApiError {
    access::forbid(
        state,
        caller,
        request.case,
        touching(action, request),
        message,
    )
    .await
}

/// Assigns a request to a worker of its case. Workers of the case only; an
/// assignee who is not a worker of the case is refused (400).
#[utoipa::path(post, path = "/api/v1/requests/{request}/assign", tag = "requests", request_body = Assign,
    params(("request" = String, Path, format = Uuid)),
    responses((status = 200, body = RequestView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<RequestId>,
    Json(body): Json<Assign>,
) -> Result<Json<RequestView>, ApiError> {
    let action = "request.assign";
    let (request, access, seen) = visible(&state, &caller, id, action).await?;
    if access.membership(caller.account.id) != Some(Membership::Worker) {
        let message = "only a worker of the case assigns a request";
        return Err(not_yours(&state, &caller, &request, action, message).await);
    }
    if access.membership(body.worker) != Some(Membership::Worker) {
        return Err(ApiError::BadRequest(
            "the assignee must be a worker of the case".to_owned(),
        ));
    }
    let updated = state
        .store
        .assign_request(id, body.worker, state.now())
        .await?;
    let touch = touching(action, &updated);
    access::record(&state, &caller, Some(updated.case), touch, Outcome::Allowed).await?;
    if body.worker != caller.account.id {
        let note = notification(body.worker, &updated, "request.assigned");
        tell(&state, vec![note]).await;
    }
    Ok(Json(RequestView::of(&updated, seen)))
}

/// Moves a request along the flow. Workers of the case take every step;
/// the author may also reopen their own closed request. An impossible step
/// is 409 `invalid_transition`; a request that moved meanwhile is 409
/// `conflict`.
#[utoipa::path(post, path = "/api/v1/requests/{request}/status", tag = "requests", request_body = Step,
    params(("request" = String, Path, format = Uuid)),
    responses((status = 200, body = RequestView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<RequestId>,
    Json(step): Json<Step>,
) -> Result<Json<RequestView>, ApiError> {
    let (action, kind) = match step {
        Step::Acknowledge => ("request.acknowledge", "request.acknowledged"),
        Step::Start => ("request.start", "request.started"),
        Step::Resolve { .. } => ("request.resolve", "request.resolved"),
        Step::Close => ("request.close", "request.closed"),
        Step::Reopen => ("request.reopen", "request.reopened"),
    };
    let (request, access, seen) = visible(&state, &caller, id, action).await?;
    let worker = access.membership(caller.account.id) == Some(Membership::Worker);
    let author = request.author == caller.account.id;
    let allowed = worker || (author && matches!(step, Step::Reopen));
    if !allowed {
        let message = "only a worker of the case handles a request";
        return Err(not_yours(&state, &caller, &request, action, message).await);
    }
    let next = match step {
        Step::Acknowledge => request.status.acknowledge()?,
        Step::Start => request.status.start()?,
        Step::Resolve { resolution } => request.status.resolve(resolution.resolution()?)?,
        Step::Close => request.status.close()?,
        Step::Reopen => request.status.reopen()?,
    };
    let updated = state
        .store
        .set_request_status(id, &request.status, &next, state.now())
        .await?;
    let touch = touching(action, &updated);
    access::record(&state, &caller, Some(updated.case), touch, Outcome::Allowed).await?;
    tracing::info!(request = %id, status = updated.status.name(), "practical request moved");
    tell_author(&state, &access, &updated, kind, &caller).await;
    if kind == "request.reopened" {
        tell_workers(&state, &access, &updated, kind, &caller).await;
    }
    Ok(Json(RequestView::of(&updated, seen)))
}

fn notification(account: AccountId, request: &PracticalRequest, kind: &str) -> NewNotification {
    NewNotification {
        account,
        case: Some(request.case),
        kind: kind.to_owned(),
        object_kind: "request".to_owned(),
        object_id: Some(request.id.as_uuid()),
    }
}

/// Tells every worker of the case but the caller.
pub(super) async fn tell_workers(
    state: &AppState,
    access: &CaseAccess,
    request: &PracticalRequest,
    kind: &str,
    caller: &Caller,
) {
    let notes = access
        .parties
        .iter()
        .filter(|p| p.membership == Membership::Worker && p.account != caller.account.id)
        .map(|p| notification(p.account, request, kind))
        .collect();
    tell(state, notes).await;
}

/// Tells the author, unless they took the step themselves or a restriction
/// now bars them from the request.
async fn tell_author(
    state: &AppState,
    access: &CaseAccess,
    request: &PracticalRequest,
    kind: &str,
    caller: &Caller,
) {
    if request.author == caller.account.id {
        return;
    }
    let membership = access.membership(request.author);
    if let Some(relative @ Membership::Relative { .. }) = membership {
        let actor = policy::Actor {
            account: request.author,
            role: Role::Relative,
            service: None,
            membership: Some(relative),
        };
        if !policy::decide(&actor, Action::Ask, &access.facts(), state.now()).is_allowed() {
            return;
        }
    }
    tell(state, vec![notification(request.author, request, kind)]).await;
}
