//! Work on one item of a plan: moving its status and adding sealed notes.
//! Workers of the case do both; so does the item's owner, when the owner is
//! a relative or the detained person who may see the plan.

use axum::extract::State;
use axum::http::StatusCode;
use passerelle_crypto::ContentType;
use passerelle_domain::Scope;
use passerelle_domain::plan::{ItemOwner, ItemStatus, PlanItemId};
use passerelle_domain::policy::Action;
use passerelle_store::StoreError;
use passerelle_store::audit::Outcome;
use passerelle_store::plans::{NewPlanNote, PlanItem};
use serde::Deserialize;
use utoipa::ToSchema;

use super::remind;
use super::view::{ItemView, NoteView};
use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::state::{Json, Path};
use crate::{ApiError, AppState, sealed};

/// A new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// `in_progress`, `done` or `not_needed`.
    #[schema(value_type = String)]
    pub status: ItemStatus,
}

/// A sealed note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// A `plan_note` envelope sealed to the author, the case's workers and
    /// at most the item's owner; standard base64.
    pub note: String,
}

/// Loads an item and checks that `caller` may work on it: a worker of the
/// case, or its owner who may see the plan. Denials are recorded.
async fn workable(
    state: &AppState,
    caller: &Caller,
    id: PlanItemId,
    action: &'static str,
) -> Result<(PlanItem, CaseAccess, Touch), ApiError> {
    let item = state.store.plan_item(id).await?.ok_or(ApiError::NotFound)?;
    let touch = Touch {
        action,
        kind: "plan_item",
        id: Some(id.as_uuid()),
        owner: None,
    };
    let see = Action::See(Scope::ReleasePlan);
    let access = access::gate(state, caller, item.case, see, touch).await?;
    let me = caller.account.id;
    let worker = access.membership(me) == Some(passerelle_domain::Membership::Worker);
    let owner = match item.owner {
        ItemOwner::Worker => false,
        ItemOwner::Relative(account) => account == me,
        ItemOwner::Detainee => access.detainee() == Some(me),
    };
    if !(worker || owner) {
        let message = "this is not yours to do in this case";
        return Err(access::forbid(state, caller, item.case, touch, message).await);
    }
    Ok((item, access, touch))
}

/// Moves an item: from `todo` or `in_progress` to any other status, and
/// reopens a finished one (`done`, `not_needed`) to `todo` or
/// `in_progress`; anything else is 409 `invalid_transition`. A finished
/// item's reminders are cancelled, a reopened one's scheduled again.
#[utoipa::path(post, path = "/api/v1/plan-items/{item}/status", tag = "plans",
    request_body = StatusBody, params(("item" = String, Path, format = Uuid)),
    responses((status = 200, body = ItemView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<PlanItemId>,
    Json(body): Json<StatusBody>,
) -> Result<Json<ItemView>, ApiError> {
    let (item, access, touch) = workable(&state, &caller, id, "plan_item.status").await?;
    let to = item.status.step(body.status)?;
    let changed = state
        .store
        .set_item_status(id, item.status, to, caller.account.id, state.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                ApiError::conflict("invalid_transition", "the item was changed meanwhile")
            }
            other => other.into(),
        })?;
    access::record(&state, &caller, Some(item.case), touch, Outcome::Allowed).await?;
    if changed.status.is_final() {
        remind::stop(&state, &changed).await;
    }
    let plan = state
        .store
        .plan(changed.case)
        .await?
        .ok_or(ApiError::NotFound)?;
    if item.status.is_final() && !changed.status.is_final() {
        remind::resume(&state, &access, &plan, &changed).await;
    }
    Ok(Json(ItemView::of(
        &changed,
        plan.release_date,
        caller.account.id,
    )))
}

/// Adds a sealed note to an item. The envelope must be sealed to the
/// author and every worker of the case, and to nobody else but the item's
/// owner (when a party who may see the plan); a replayed envelope is 409.
#[utoipa::path(post, path = "/api/v1/plan-items/{item}/notes", tag = "plans",
    request_body = NoteBody, params(("item" = String, Path, format = Uuid)),
    responses((status = 201, body = NoteView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<PlanItemId>,
    Json(body): Json<NoteBody>,
) -> Result<(StatusCode, Json<NoteView>), ApiError> {
    let (item, access, touch) = workable(&state, &caller, id, "plan_item.note").await?;
    let readers: Vec<_> = remind::owner_account(&access, &item, state.now())
        .into_iter()
        .collect();
    let sealed = sealed::note(
        &state,
        &access,
        &caller,
        &body.note,
        ContentType::PlanNote,
        &readers,
    )
    .await?;
    let new = NewPlanNote {
        item: id,
        case: item.case,
        author: caller.account.id,
        envelope_id: sealed.envelope_id,
        envelope: sealed.bytes,
        readers: sealed.recipients,
    };
    let stored = state
        .store
        .add_plan_note(&new, state.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                ApiError::conflict("replayed", "this note id was already used")
            }
            other => other.into(),
        })?;
    access::record(&state, &caller, Some(item.case), touch, Outcome::Allowed).await?;
    Ok((StatusCode::CREATED, Json(NoteView::of(&stored))))
}
