//! Referrals: a worker sends a practical request on to a service of the
//! directory, then records whether the service confirmed it took the person
//! on, so that no referral is left unanswered without anyone noticing.
//! Workers of the request's case only.

use axum::extract::State;
use axum::http::StatusCode;
use passerelle_domain::directory::EntryId;
use passerelle_domain::referral::{ReferralId, ReferralStatus};
use passerelle_domain::request::{RequestId, RequestStatus};
use passerelle_domain::{AccountId, Membership};
use passerelle_store::audit::Outcome;
use passerelle_store::referrals::{NewReferral, Referral};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::flow::not_yours;
use super::visible;
use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::state::{Json, Path};
use crate::{ApiError, AppState};

/// Where to refer a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Refer {
    /// A directory entry.
    #[schema(value_type = String, format = Uuid)]
    pub entry: EntryId,
}

/// The service's answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// `true`: the service took the person on; `false`: it declined.
    pub confirmed: bool,
}

/// A referral as a worker sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: ReferralId,
    /// The request.
    #[schema(value_type = String, format = Uuid)]
    pub request: RequestId,
    /// The directory entry; absent once the entry was deleted.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub entry: Option<EntryId>,
    /// The service's name when referred.
    pub entry_name: String,
    /// `pending`, `confirmed` or `declined`.
    #[schema(value_type = String)]
    pub status: ReferralStatus,
    /// Who referred.
    #[schema(value_type = String, format = Uuid)]
    pub referred_by: AccountId,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub referred_at: jiff::Timestamp,
    /// Who recorded the answer.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub answered_by: Option<AccountId>,
    /// When.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<jiff::Timestamp>,
}

impl From<Referral> for ReferralView {
    fn from(r: Referral) -> Self {
        Self {
            id: r.id,
            request: r.request,
            entry: r.entry,
            entry_name: r.entry_name,
            status: r.status,
            referred_by: r.referred_by,
            referred_at: r.referred_at,
            answered_by: r.answered_by,
            answered_at: r.answered_at,
        }
    }
}

/// A request's referrals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralList {
    /// Oldest first.
    pub items: Vec<ReferralView>,
}

fn touch(action: &'static str, id: Option<ReferralId>, author: AccountId) -> Touch {
    Touch {
        action,
        kind: "referral",
        id: id.map(|r| r.as_uuid()),
        owner: Some(author),
    }
}

/// The request, checked to be one the caller works on.
async fn worked_on(
    state: &AppState,
    caller: &Caller,
    request: RequestId,
    action: &'static str,
) -> Result<passerelle_store::requests::PracticalRequest, ApiError> {
    let (request, access, _) = visible(state, caller, request, action).await?;
    if access.membership(caller.account.id) != Some(Membership::Worker) {
        let message = "only a worker of the case refers a request";
        return Err(not_yours(state, caller, &request, action, message).await);
    }
    Ok(request)
}

/// Refers a request to a directory service. The request must not be
/// closed (409 `invalid_transition`); an unknown entry is 400.
#[utoipa::path(post, path = "/api/v1/requests/{request}/referrals", tag = "requests", request_body = Refer,
    params(("request" = String, Path, format = Uuid)),
    responses((status = 201, body = ReferralView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody)))]
pub async fn refer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<RequestId>,
    Json(body): Json<Refer>,
) -> Result<(StatusCode, Json<ReferralView>), ApiError> {
    let action = "referral.create";
    let request = worked_on(&state, &caller, id, action).await?;
    if matches!(request.status, RequestStatus::Closed(_)) {
        return Err(ApiError::conflict(
            "invalid_transition",
            "a closed request cannot be referred; reopen it first",
        ));
    }
    let entry = state
        .store
        .directory_entry(body.entry)
        .await?
        .ok_or_else(|| ApiError::BadRequest("no such directory entry".to_owned()))?;
    let new = NewReferral {
        id: ReferralId::random(),
        request: request.id,
        case: request.case,
        entry: body.entry,
        entry_name: entry.details.name.clone(),
        referred_by: caller.account.id,
    };
    let stored = state.store.insert_referral(&new, state.now()).await?;
    let touch = touch(action, Some(stored.id), request.author);
    access::record(&state, &caller, Some(request.case), touch, Outcome::Allowed).await?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

/// A request's referrals, oldest first.
#[utoipa::path(get, path = "/api/v1/requests/{request}/referrals", tag = "requests",
    params(("request" = String, Path, format = Uuid)),
    responses((status = 200, body = ReferralList), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<RequestId>,
) -> Result<Json<ReferralList>, ApiError> {
    let action = "referral.list";
    let request = worked_on(&state, &caller, id, action).await?;
    let items = state.store.request_referrals(id).await?;
    let touch = touch(action, None, request.author);
    access::record(&state, &caller, Some(request.case), touch, Outcome::Allowed).await?;
    Ok(Json(ReferralList {
        items: items.into_iter().map(ReferralView::from).collect(),
    }))
}

/// Records the service's answer to a pending referral; answering twice is
/// 409 `invalid_transition`.
#[utoipa::path(post, path = "/api/v1/referrals/{referral}/answer", tag = "requests", request_body = Answer,
    params(("referral" = String, Path, format = Uuid)),
    responses((status = 200, body = ReferralView), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<ReferralId>,
    Json(body): Json<Answer>,
) -> Result<Json<ReferralView>, ApiError> {
    let action = "referral.answer";
    let Some(referral) = state.store.referral(id).await? else {
        let touch = touch(action, Some(id), caller.account.id);
        let denied = Outcome::Denied(passerelle_domain::policy::Denial::NotAParty);
        access::record(&state, &caller, None, touch, denied).await?;
        return Err(ApiError::NotFound);
    };
    let request = worked_on(&state, &caller, referral.request, action).await?;
    let next = referral
        .status
        .answer(body.confirmed)
        .map_err(|e| ApiError::conflict("invalid_transition", e.to_string()))?;
    let stored = state
        .store
        .answer_referral(id, referral.status, next, caller.account.id, state.now())
        .await?;
    let touch = touch(action, Some(id), request.author);
    access::record(&state, &caller, Some(request.case), touch, Outcome::Allowed).await?;
    Ok(Json(stored.into()))
}
