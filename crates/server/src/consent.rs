//! Consent records and restrictions, recorded by a case's workers, and the
//! consent receipt in the person's language.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use passerelle_domain::policy::Action;
use passerelle_domain::receipt::{Language, Receipt, ReceiptNames};
use passerelle_domain::{
    AccountId, CaseId, ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Membership,
    Restriction, RestrictionId, RestrictionKind, Scope, Scopes, effective_scopes,
};
use passerelle_store::audit::Outcome;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::state::{Json, Path, Query};
use crate::{ApiError, AppState};

/// A grant or a revocation, as a worker records it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordConsent {
    /// The relative it is about.
    #[schema(value_type = String, format = Uuid)]
    pub grantee: AccountId,
    /// `grant` or `revoke`.
    #[schema(value_type = String)]
    pub change: ChangeKind,
    /// The scopes: `messages`, `visits`, `case_status`, `release_plan`,
    /// `requests`, `health`, `legal`.
    #[schema(value_type = Vec<String>)]
    pub scopes: Scopes,
    /// For a grant: from when (default now).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_from: Option<Timestamp>,
    /// For a grant: until when (exclusive; open ended if absent).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_until: Option<Timestamp>,
    /// `in_person`, `signed_paper` or `kiosk`.
    #[schema(value_type = String)]
    pub method: ConsentMethod,
    /// SHA-256 of the evidence (a scanned form), 64 hex digits.
    pub evidence_hash: Option<String>,
}

/// Grant or revoke.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Give the scopes.
    Grant,
    /// Withdraw the scopes.
    Revoke,
}

/// A case's consent: the history and what it adds up to now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentState {
    /// Every record, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<ConsentRecord>,
    /// The scopes each relative holds now.
    pub effective: Vec<Effective>,
}

/// What one relative may see and do now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Effective {
    /// The relative.
    #[schema(value_type = String, format = Uuid)]
    pub grantee: AccountId,
    /// Their scopes now.
    #[schema(value_type = Vec<String>)]
    pub scopes: Scopes,
}

fn hash_from_hex(text: &str) -> Result<[u8; 32], ApiError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| ApiError::BadRequest("evidence_hash is 64 hexadecimal digits".to_owned()))?;
    Ok(out)
}

/// A worker of the case records a grant or a revocation given by the
/// detained person. Nothing is ever edited: a revocation is a new record,
/// and it holds from the very next request.
#[utoipa::path(post, path = "/api/v1/cases/{case}/consents", tag = "consent", request_body = RecordConsent,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 201, body = Object), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(request): Json<RecordConsent>,
) -> Result<(StatusCode, Json<ConsentRecord>), ApiError> {
    let touch = Touch {
        action: "consent.record",
        kind: "consent",
        id: None,
        owner: Some(request.grantee),
    };
    let access = access::gate(&state, &caller, case, Action::Manage, touch).await?;
    if !matches!(
        access.membership(request.grantee),
        Some(Membership::Relative { .. })
    ) {
        return Err(ApiError::BadRequest(
            "the grantee must be a relative linked to the case".to_owned(),
        ));
    }
    if request.scopes.is_empty() {
        return Err(ApiError::BadRequest("name at least one scope".to_owned()));
    }
    let now = state.now();
    let change = match request.change {
        ChangeKind::Grant => {
            let valid_from = request.valid_from.unwrap_or(now);
            if request.valid_until.is_some_and(|until| until <= valid_from) {
                return Err(ApiError::BadRequest(
                    "valid_until must come after valid_from".to_owned(),
                ));
            }
            ConsentChange::Grant {
                scopes: request.scopes,
                valid_from,
                valid_until: request.valid_until,
            }
        }
        ChangeKind::Revoke if request.valid_from.is_some() || request.valid_until.is_some() => {
            return Err(ApiError::BadRequest(
                "a revocation holds from now; it has no validity period".to_owned(),
            ));
        }
        ChangeKind::Revoke => ConsentChange::Revoke {
            scopes: request.scopes,
        },
    };
    let record = ConsentRecord {
        id: ConsentId::random(),
        case,
        grantee: request.grantee,
        change,
        method: request.method,
        evidence_hash: request
            .evidence_hash
            .as_deref()
            .map(hash_from_hex)
            .transpose()?,
        recorded_by: caller.account.id,
        recorded_at: now,
    };
    state.store.record_consent(&record).await?;
    if let ConsentChange::Revoke { scopes } = &record.change {
        let kinds = scopes.iter().flat_map(reminded_kinds).copied();
        forget_reminders(&state, request.grantee, case, kinds).await;
    }
    let touch = Touch {
        id: Some(record.id.as_uuid()),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// The consent history and the scopes each relative holds now. Workers and
/// the detained person see every relative's; a relative sees their own.
#[utoipa::path(get, path = "/api/v1/cases/{case}/consents", tag = "consent",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = ConsentState), (status = 404, body = crate::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<ConsentState>, ApiError> {
    let access = access::gate_read(
        &state,
        &caller,
        case,
        Action::ViewParties,
        Touch::case("consent.list"),
    )
    .await?;
    let now = state.now();
    let shown = |grantee: AccountId| {
        access
            .decide(&caller.account, Action::SeeRelative(grantee), now)
            .is_allowed()
    };
    let history: Vec<ConsentRecord> = access
        .consents
        .iter()
        .filter(|r| shown(r.grantee))
        .cloned()
        .collect();
    let effective = access
        .parties
        .iter()
        .filter(|p| matches!(p.membership, Membership::Relative { .. }) && shown(p.account))
        .map(|p| Effective {
            grantee: p.account,
            scopes: effective_scopes(&access.consents, p.account, now),
        })
        .collect();
    Ok(Json(ConsentState { history, effective }))
}

/// Which receipt.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReceiptQuery {
    /// `fr`, `nl` or `en` (default `fr`).
    pub lang: Option<String>,
    /// `text` (default, printable) or `json` (Kantara consent receipt).
    pub format: Option<String>,
}

/// The receipt of one consent record, for the detained person and the
/// relative it names, and the case's workers.
#[utoipa::path(get, path = "/api/v1/cases/{case}/consents/{consent}/receipt", tag = "consent",
    params(("case" = String, Path, format = Uuid), ("consent" = String, Path, format = Uuid), ReceiptQuery),
    responses((status = 200, body = String), (status = 400, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path((case, consent)): Path<(CaseId, ConsentId)>,
    Query(query): Query<ReceiptQuery>,
) -> Result<Response, ApiError> {
    let language: Language = query
        .lang
        .as_deref()
        .unwrap_or("fr")
        .parse()
        .map_err(|_| ApiError::BadRequest("lang is fr, nl or en".to_owned()))?;
    let touch = Touch {
        action: "consent.receipt",
        kind: "consent",
        id: Some(consent.as_uuid()),
        owner: None,
    };
    let access = access::gate(&state, &caller, case, Action::ViewParties, touch).await?;
    let record = access
        .consents
        .iter()
        .find(|r| r.id == consent)
        .filter(|r| {
            access
                .decide(&caller.account, Action::SeeRelative(r.grantee), state.now())
                .is_allowed()
        })
        .ok_or(ApiError::NotFound)?;
    let receipt = build(&state, &access, record, language).await?;
    let touch = Touch {
        owner: Some(record.grantee),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    match query.format.as_deref().unwrap_or("text") {
        "text" => Ok((
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            receipt.to_text(),
        )
            .into_response()),
        "json" => Ok(Json(receipt).into_response()),
        _ => Err(ApiError::BadRequest("format is text or json".to_owned())),
    }
}

async fn build(
    state: &AppState,
    access: &CaseAccess,
    record: &ConsentRecord,
    language: Language,
) -> Result<Receipt, ApiError> {
    let name = |account: Option<passerelle_store::Account>| {
        account.map(|a| a.display_name).unwrap_or_default()
    };
    let grantee = name(state.store.account(record.grantee).await?);
    let worker = name(state.store.account(record.recorded_by).await?);
    let service = state
        .store
        .service(access.case.service)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let contact = format!("{service}: {worker}");
    Ok(Receipt::new(
        record,
        ReceiptNames {
            subject: &access.case.detainee_name,
            grantee: &grantee,
            controller: &service,
            controller_contact: &contact,
            recorded_by: &worker,
        },
        language,
    ))
}

/// A restriction to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Restrict {
    /// The relative kept apart from the detained person.
    #[schema(value_type = String, format = Uuid)]
    pub relative: AccountId,
    /// `court_order` or `protection_request`.
    #[schema(value_type = String)]
    pub kind: RestrictionKind,
}

/// The kinds of object a relative is reminded of under `scope`: plan items
/// they own under `release_plan`, their scheduled visits under `visits`.
fn reminded_kinds(scope: Scope) -> &'static [&'static str] {
    match scope {
        Scope::ReleasePlan => &["plan", "plan_item"],
        Scope::Visits => &["visit"],
        _ => &[],
    }
}

/// Cancels the relative's pending reminders about `kinds` in the case: once
/// consent is withdrawn or contact restricted, not even a reminder that an
/// item falls due may reach them. The change is already committed, so a
/// failure is logged, not answered.
async fn forget_reminders(
    state: &AppState,
    relative: AccountId,
    case: CaseId,
    kinds: impl Iterator<Item = &'static str>,
) {
    for kind in kinds {
        let now = state.now();
        if let Err(error) = state
            .store
            .cancel_reminders_of(relative, case, kind, now)
            .await
        {
            tracing::error!(%error, kind, "could not cancel reminders after consent ended");
        }
    }
}

/// A worker records a no-contact restriction. It overrides consent from the
/// next request on, in both directions.
#[utoipa::path(post, path = "/api/v1/cases/{case}/restrictions", tag = "consent", request_body = Restrict,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 201, body = Object), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn restrict(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(request): Json<Restrict>,
) -> Result<(StatusCode, Json<Restriction>), ApiError> {
    let touch = Touch {
        action: "restriction.impose",
        kind: "restriction",
        id: None,
        owner: Some(request.relative),
    };
    let access = access::gate(&state, &caller, case, Action::Manage, touch).await?;
    if !matches!(
        access.membership(request.relative),
        Some(Membership::Relative { .. })
    ) {
        return Err(ApiError::BadRequest(
            "the restriction must name a relative linked to the case".to_owned(),
        ));
    }
    let restriction = Restriction {
        id: RestrictionId::random(),
        case,
        relative: request.relative,
        kind: request.kind,
        imposed_by: caller.account.id,
        imposed_at: state.now(),
        lifted: None,
    };
    state.store.impose_restriction(&restriction).await?;
    let kinds = [Scope::ReleasePlan, Scope::Visits]
        .into_iter()
        .flat_map(reminded_kinds)
        .copied();
    forget_reminders(&state, request.relative, case, kinds).await;
    let touch = Touch {
        id: Some(restriction.id.as_uuid()),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    Ok((StatusCode::CREATED, Json(restriction)))
}

/// A worker lifts a restriction; its record stays.
#[utoipa::path(post, path = "/api/v1/cases/{case}/restrictions/{restriction}/lift", tag = "consent",
    params(("case" = String, Path, format = Uuid), ("restriction" = String, Path, format = Uuid)),
    responses((status = 200, body = Object), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn lift(
    State(state): State<AppState>,
    caller: Caller,
    Path((case, id)): Path<(CaseId, RestrictionId)>,
) -> Result<Json<Restriction>, ApiError> {
    let touch = Touch {
        action: "restriction.lift",
        kind: "restriction",
        id: Some(id.as_uuid()),
        owner: None,
    };
    access::gate(&state, &caller, case, Action::Manage, touch).await?;
    let lifted = state
        .store
        .lift_restriction(case, id, caller.account.id, state.now())
        .await?;
    let touch = Touch {
        owner: Some(lifted.relative),
        ..touch
    };
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    Ok(Json(lifted))
}

/// A case's restrictions, lifted ones included: for its workers only.
#[utoipa::path(get, path = "/api/v1/cases/{case}/restrictions", tag = "consent",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = Vec<Object>), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn restrictions(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<Vec<Restriction>>, ApiError> {
    let touch = Touch::case("restriction.list");
    let access = access::gate_read(&state, &caller, case, Action::Manage, touch).await?;
    Ok(Json(access.restrictions))
}
