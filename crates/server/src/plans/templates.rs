//! A service's checklist template: its coordinator replaces it; its staff
//! read it. Plans are made from it when the service has one, else from the
//! default template.

use axum::extract::State;
use passerelle_domain::plan::{TemplateStep, check_template, default_steps};
use passerelle_domain::{Role, ServiceId};
use passerelle_store::audit::Outcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::state::Json;
use crate::{ApiError, AppState};

/// A checklist template.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    /// 1 to 40 items, each `{"key": "housing", "offset_days": -90}`: keys
    /// of 1 to 40 characters among `a-z`, `0-9` and `_`, unique; offsets
    /// within 730 days of the release.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<TemplateStep>,
}

/// A service's template, and whether it is the default.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// True when the service has no template of its own.
    pub default: bool,
    /// The items.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<TemplateStep>,
}

/// The template plans of `service` are made from.
pub(super) async fn of_service(
    state: &AppState,
    service: ServiceId,
) -> Result<(bool, Vec<TemplateStep>), ApiError> {
    Ok(match state.store.service_template(service).await? {
        Some(steps) => (false, steps),
        None => (true, default_steps()),
    })
}

fn touch(action: &'static str, service: ServiceId) -> Touch {
    Touch {
        action,
        kind: "plan_template",
        id: Some(service.as_uuid()),
        owner: None,
    }
}

/// The template of the caller's service; staff only.
#[utoipa::path(get, path = "/api/v1/templates", tag = "plans",
    responses((status = 200, body = TemplateView), (status = 403, body = crate::ErrorBody)))]
pub async fn show_template(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TemplateView>, ApiError> {
    let Some(service) = caller.account.service else {
        return Err(ApiError::Forbidden(
            "only a service's staff read its template",
        ));
    };
    let (default, items) = of_service(&state, service).await?;
    let touch = touch("plan_template.view", service);
    access::record(&state, &caller, None, touch, Outcome::Allowed).await?;
    Ok(Json(TemplateView { default, items }))
}

/// Creates or replaces the template of the caller's service; its
/// coordinator only. Plans already made keep their items.
#[utoipa::path(put, path = "/api/v1/templates", tag = "plans", request_body = TemplateBody,
    responses((status = 200, body = TemplateView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody)))]
pub async fn set_template(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<TemplateBody>,
) -> Result<Json<TemplateView>, ApiError> {
    let (Role::Coordinator, Some(service)) = (caller.account.role, caller.account.service) else {
        return Err(ApiError::Forbidden("only a coordinator edits the template"));
    };
    check_template(&body.items).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    state
        .store
        .put_service_template(service, &body.items, caller.account.id, state.now())
        .await?;
    let touch = touch("plan_template.set", service);
    access::record(&state, &caller, None, touch, Outcome::Allowed).await?;
    Ok(Json(TemplateView {
        default: false,
        items: body.items,
    }))
}
