//! Release-preparation plans (DESIGN section 6): a case's release date and
//! kind, and a checklist made from the default template, each item due at
//! an offset from the release. Workers set and move the release and work
//! the checklist; the detained person sees their plan; a relative sees it
//! with `release_plan` consent and no restriction. Reminders follow the
//! dates: moving the release reschedules them, finishing an item cancels
//! its own.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use jiff::ToSpan;
use jiff::civil::Date;
use passerelle_domain::plan::{ItemOwner, ItemTransitionError, ReleaseKind, TemplateStep};
use passerelle_domain::policy::Action;
use passerelle_domain::visit::brussels_today;
use passerelle_domain::{CaseId, Membership, Scope};
use passerelle_store::audit::Outcome;
use passerelle_store::plans::{NewPlan, NewPlanItem};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

mod items;
mod remind;
mod templates;
mod view;

pub use items::{__path_note, __path_status, note, status};
pub use templates::{__path_set_template, __path_show_template, set_template, show_template};
pub use view::{ItemView, NoteView, PlanView};

use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::state::{Json, Path};
use crate::{ApiError, AppState};

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{case}/plan", put(set).get(show))
        .route("/plan-items/{item}/status", post(status))
        .route("/plan-items/{item}/notes", post(note))
        .route("/templates", get(show_template).put(set_template))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(
    paths(set, show, status, note, show_template, set_template),
    components(schemas(
        PlanBody,
        OwnerBody,
        PlanView,
        ItemView,
        NoteView,
        items::StatusBody,
        items::NoteBody
    ))
)]
pub struct Doc;

impl From<ItemTransitionError> for ApiError {
    fn from(error: ItemTransitionError) -> Self {
        Self::conflict("invalid_transition", error.to_string())
    }
}

/// The release of a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// The release date, `2027-03-15`: at most a year past, at most ten
    /// years ahead.
    #[schema(value_type = String, format = Date)]
    pub release_date: Date,
    /// Whether the date is confirmed (else expected).
    #[serde(default)]
    pub confirmed: bool,
    /// `end_of_sentence`, `conditional_release`, `electronic_monitoring`,
    /// `limited_detention`, `provisional_release` or `leave`.
    #[schema(value_type = String)]
    pub kind: ReleaseKind,
    /// Owners of items other than the workers, only when the plan is
    /// created.
    #[serde(default)]
    pub owners: Vec<OwnerBody>,
}

/// Who carries out one item of the template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    /// The item's key.
    pub item: String,
    /// `{"kind": "worker"}`, `{"kind": "detainee"}` or `{"kind":
    /// "relative", "account": "<id>"}` for a relative of the case.
    #[schema(value_type = Object)]
    pub owner: ItemOwner,
}

fn checked_release(date: Date, today: Date) -> Result<(), ApiError> {
    let earliest = today.checked_sub(1.year()).ok();
    let latest = today.checked_add(10.years()).ok();
    if earliest.is_some_and(|e| date < e) || latest.is_some_and(|l| date > l) {
        return Err(ApiError::BadRequest(
            "the release date must lie between a year ago and ten years ahead".to_owned(),
        ));
    }
    Ok(())
}

fn checklist(
    template: Vec<TemplateStep>,
    owners: &[OwnerBody],
    access: &access::CaseAccess,
) -> Result<Vec<NewPlanItem>, ApiError> {
    let mut items: Vec<NewPlanItem> = template
        .into_iter()
        .map(|t| NewPlanItem {
            key: t.key,
            offset_days: t.offset_days,
            owner: ItemOwner::Worker,
        })
        .collect();
    for (n, body) in owners.iter().enumerate() {
        if owners[..n].iter().any(|o| o.item == body.item) {
            return Err(ApiError::BadRequest(
                "an item is given two owners".to_owned(),
            ));
        }
        let item = items
            .iter_mut()
            .find(|i| i.key == body.item)
            .ok_or_else(|| ApiError::BadRequest("no such item in the template".to_owned()))?;
        let party = match body.owner {
            ItemOwner::Worker => true,
            ItemOwner::Relative(account) => matches!(
                access.membership(account),
                Some(Membership::Relative { .. })
            ),
            ItemOwner::Detainee => access.detainee().is_some(),
        };
        if !party {
            return Err(ApiError::BadRequest(
                "an item's owner must be a party of the case".to_owned(),
            ));
        }
        item.owner = body.owner;
    }
    Ok(items)
}

/// Creates the case's plan from its service's template, or the default
/// one (201), or moves its
/// release (200): due dates follow, and pending reminders are cancelled
/// and scheduled again for the new dates. Workers of the case only.
#[utoipa::path(put, path = "/api/v1/cases/{case}/plan", tag = "plans", request_body = PlanBody,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = PlanView), (status = 201, body = PlanView),
        (status = 400, body = crate::ErrorBody), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(body): Json<PlanBody>,
) -> Result<(StatusCode, Json<PlanView>), ApiError> {
    let touch = Touch {
        action: "plan.set",
        kind: "plan",
        id: None,
        owner: None,
    };
    let access = access::gate(&state, &caller, case, Action::Manage, touch).await?;
    let today = brussels_today(state.now())
        .ok_or_else(|| ApiError::Internal("no time zone for Brussels".to_owned()))?;
    checked_release(body.release_date, today)?;
    let before = state.store.plan(case).await?;
    if before.is_some() && !body.owners.is_empty() {
        return Err(ApiError::BadRequest(
            "owners are given when the plan is created".to_owned(),
        ));
    }
    let (_, template) = templates::of_service(&state, access.case.service).await?;
    let items = checklist(template, &body.owners, &access)?;
    let new = NewPlan {
        case,
        release_date: body.release_date,
        confirmed: body.confirmed,
        kind: body.kind,
        by: caller.account.id,
    };
    let plan = state.store.put_plan(&new, &items, state.now()).await?;
    let touch = Touch {
        id: Some(plan.id.as_uuid()),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    // The store says who created the plan (revision 0): two workers who
    // both found no plan may race, and only one of them created it.
    let created = plan.revision == 0;
    remind::follow(&state, &access, &plan).await;
    tracing::info!(plan = %plan.id, case = %case, "release plan set");
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(PlanView::of(&plan, caller.account.id))))
}

/// The case's plan: to its workers and detained person, and to a relative
/// with `release_plan` consent and no restriction (else 403
/// `not_available`). Notes only to the parties they are sealed to.
#[utoipa::path(get, path = "/api/v1/cases/{case}/plan", tag = "plans",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = PlanView), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<PlanView>, ApiError> {
    let touch = Touch {
        action: "plan.view",
        kind: "plan",
        id: None,
        owner: None,
    };
    let action = Action::See(Scope::ReleasePlan);
    access::gate_read(&state, &caller, case, action, touch).await?;
    let plan = state.store.plan(case).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(PlanView::of(&plan, caller.account.id)))
}
