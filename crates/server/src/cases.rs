//! Cases: opening them, listing and showing them to their parties, assigning
//! workers, inviting relatives and detained persons, and who is in a case
//! with their current key (the key directory as each party sees it).

use axum::extract::State;
use axum::http::StatusCode;
use jiff::{Timestamp, ToSpan};
use passerelle_crypto::PublicKey;
use passerelle_domain::policy::Action;
use passerelle_domain::{
    AccountId, CaseId, CaseStatus, LegalSituation, Membership, Relationship, Role, Scope,
};
use passerelle_store::audit::Outcome;
use passerelle_store::{Account, NewCase, NewInvitation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, CaseAccess, Touch};
use crate::auth::{Caller, new_secret, non_empty};
use crate::state::{Json, Path};
use crate::{ApiError, AppState};

/// Opening a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpenCase {
    /// The detained person's name.
    pub detainee_name: String,
    /// The prison number.
    pub prison_number: Option<String>,
    /// The institution.
    pub institution: String,
    /// The legal situation.
    #[schema(value_type = String)]
    pub legal_situation: LegalSituation,
    /// The expected release date (YYYY-MM-DD).
    #[schema(value_type = Option<String>, format = Date)]
    pub expected_release: Option<jiff::civil::Date>,
    /// Languages (BCP 47 tags).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Whether an interpreter is needed.
    #[serde(default)]
    pub interpreter_needed: bool,
}

/// A case as shown to its staff and its detained person.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: CaseId,
    /// Open or closed.
    #[schema(value_type = String)]
    pub status: CaseStatus,
    /// The detained person's name (staff and the detained person only).
    pub detainee_name: Option<String>,
    /// The prison number (staff and the detained person only).
    pub prison_number: Option<String>,
    /// The institution (staff and the detained person only).
    pub institution: Option<String>,
    /// The legal situation (staff and the detained person only).
    #[schema(value_type = Option<String>)]
    pub legal_situation: Option<LegalSituation>,
    /// The expected release date (staff and the detained person only).
    #[schema(value_type = Option<String>, format = Date)]
    pub expected_release: Option<jiff::civil::Date>,
    /// Languages.
    pub languages: Vec<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
    /// What the caller is to this case.
    #[schema(value_type = Object)]
    pub membership: Membership,
}

impl CaseView {
    /// Staff and the detained person see the whole case. A relative sees
    /// that it exists and what they are to it, then what the policy lets
    /// them: the detention situation, institution and prison number with
    /// `case_status` consent, the expected release with `release_plan`.
    fn of(access: &CaseAccess, caller: &Account, at: Timestamp) -> Option<Self> {
        let membership = access.membership(caller.id)?;
        let full = matches!(membership, Membership::Worker | Membership::Detainee);
        let sees = |scope| access.decide(caller, Action::See(scope), at).is_allowed();
        let status = sees(Scope::CaseStatus);
        let plan = sees(Scope::ReleasePlan);
        let case = &access.case;
        Some(Self {
            id: case.id,
            status: case.status,
            detainee_name: full.then(|| case.detainee_name.clone()),
            prison_number: if status {
                case.prison_number.clone()
            } else {
                None
            },
            institution: status.then(|| case.institution.clone()),
            legal_situation: status.then_some(case.legal_situation),
            expected_release: if plan { case.expected_release } else { None },
            languages: case.languages.clone(),
            interpreter_needed: case.interpreter_needed,
            membership,
        })
    }
}

/// A worker or coordinator opens a case in their service and is assigned to it.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = OpenCase,
    responses((status = 201, body = CaseView), (status = 403, body = crate::ErrorBody)))]
pub async fn open_case(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<OpenCase>,
) -> Result<(StatusCode, Json<CaseView>), ApiError> {
    let service = match (caller.account.role.is_staff(), caller.account.service) {
        (true, Some(service)) => service,
        _ => {
            return Err(ApiError::Forbidden(
                "only a worker of a service opens a case",
            ));
        }
    };
    if request.languages.len() > 10
        || request
            .languages
            .iter()
            .any(|l| l.is_empty() || l.len() > 35 || l.contains(','))
    {
        return Err(ApiError::BadRequest(
            "languages are up to 10 BCP 47 tags".to_owned(),
        ));
    }
    let case = NewCase {
        service,
        detainee_name: non_empty("detainee_name", &request.detainee_name)?,
        prison_number: request
            .prison_number
            .as_deref()
            .map(|p| non_empty("prison_number", p))
            .transpose()?,
        institution: non_empty("institution", &request.institution)?,
        legal_situation: request.legal_situation,
        expected_release: request.expected_release,
        languages: request.languages,
        interpreter_needed: request.interpreter_needed,
    };
    let created = state
        .store
        .create_case(&case, caller.account.id, state.now())
        .await?;
    let access = CaseAccess::load(&state, created.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    access::record(
        &state,
        &caller,
        Some(created.id),
        Touch::case("case.open"),
        Outcome::Allowed,
    )
    .await?;
    let view = CaseView::of(&access, &caller.account, state.now()).ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The cases the caller is party to.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    responses((status = 200, body = Vec<CaseView>), (status = 401, body = crate::ErrorBody)))]
pub async fn my_cases(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let mut out = Vec::new();
    for case in state.store.cases_of(caller.account.id).await? {
        let access = access::gate_read(
            &state,
            &caller,
            case.id,
            Action::ViewCase,
            Touch::case("case.list"),
        )
        .await?;
        out.extend(CaseView::of(&access, &caller.account, state.now()));
    }
    Ok(Json(out))
}

/// One case, to its parties only.
#[utoipa::path(get, path = "/api/v1/cases/{case}", tag = "cases",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = CaseView), (status = 404, body = crate::ErrorBody)))]
pub async fn show_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<CaseView>, ApiError> {
    let access = access::gate_read(
        &state,
        &caller,
        case,
        Action::ViewCase,
        Touch::case("case.view"),
    )
    .await?;
    let view = CaseView::of(&access, &caller.account, state.now()).ok_or(ApiError::NotFound)?;
    Ok(Json(view))
}

/// Assigning a worker.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignWorker {
    /// The worker's account.
    #[schema(value_type = String, format = Uuid)]
    pub worker: AccountId,
}

/// A coordinator assigned to the case assigns another worker of the same service.
#[utoipa::path(post, path = "/api/v1/cases/{case}/workers", tag = "cases", request_body = AssignWorker,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 204), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn assign_worker(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(request): Json<AssignWorker>,
) -> Result<StatusCode, ApiError> {
    let touch = Touch {
        action: "case.assign_worker",
        kind: "account",
        id: Some(request.worker.as_uuid()),
        owner: None,
    };
    access::gate(&state, &caller, case, Action::Manage, touch).await?;
    if caller.account.role != Role::Coordinator {
        let message = "only a coordinator assigns workers";
        return Err(access::forbid(&state, &caller, case, touch, message).await);
    }
    let worker = state
        .store
        .account(request.worker)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !worker.role.is_staff() || worker.service != caller.account.service {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .assign_worker(case, worker.id, state.now())
        .await?;
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Inviting someone to a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Invite {
    /// `relative` or `detainee`.
    #[schema(value_type = String)]
    pub role: Role,
    /// For a relative, their relationship to the detained person.
    #[schema(value_type = Option<String>)]
    pub relationship: Option<Relationship>,
}

/// A new invitation code, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCode {
    /// The code to give the person, in person or by phone.
    pub code: String,
    /// When it stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: jiff::Timestamp,
}

/// A worker of the case makes a single-use, expiring invitation code.
#[utoipa::path(post, path = "/api/v1/cases/{case}/invitations", tag = "cases", request_body = Invite,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 201, body = InvitationCode), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(request): Json<Invite>,
) -> Result<(StatusCode, Json<InvitationCode>), ApiError> {
    let touch = Touch {
        action: "case.invite",
        kind: "invitation",
        id: None,
        owner: None,
    };
    let access = access::gate(&state, &caller, case, Action::Manage, touch).await?;
    let relationship = match (request.role, request.relationship) {
        (Role::Relative, Some(r)) => Some(r),
        (Role::Relative, None) => {
            return Err(ApiError::BadRequest(
                "a relative's relationship is required".to_owned(),
            ));
        }
        (Role::Detainee, None) => None,
        _ => {
            return Err(ApiError::BadRequest(
                "invite a relative or the detained person".to_owned(),
            ));
        }
    };
    if request.role == Role::Detainee && access.detainee().is_some() {
        return Err(ApiError::conflict(
            "conflict",
            "the detained person already has an account",
        ));
    }
    let (code, code_hash) = new_secret()?;
    let now = state.now();
    let expires_at = now
        .checked_add(state.limits.invitation_hours.hours())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let invitation = NewInvitation {
        code_hash,
        case,
        role: request.role,
        relationship,
        created_by: caller.account.id,
        expires_at,
    };
    state.store.create_invitation(&invitation, now).await?;
    access::record(&state, &caller, Some(case), touch, Outcome::Allowed).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationCode { code, expires_at }),
    ))
}

/// A person in a case, as another party sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyView {
    /// Their account.
    #[schema(value_type = String, format = Uuid)]
    pub account: AccountId,
    /// Their name.
    pub display_name: String,
    /// What they are to the case.
    #[schema(value_type = Object)]
    pub membership: Membership,
    /// Their current device key, if they have one.
    pub key: Option<KeyView>,
}

/// A device key in the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// `passerelle-pk:…`.
    pub public_key: String,
    /// The 30-digit fingerprint, grouped.
    pub fingerprint: String,
    /// 1 for the first key; a higher number means the key changed.
    pub version: i64,
    /// When this key was registered.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
}

impl KeyView {
    /// The view of a stored key.
    pub fn of(record: &passerelle_store::KeyRecord) -> Result<Self, ApiError> {
        let key = PublicKey::from_bytes(record.public_key)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Self {
            public_key: key.to_text(),
            fingerprint: key.fingerprint().to_string(),
            version: record.version,
            created_at: record.created_at,
        })
    }
}

/// Everyone in the case the caller may know of, with their current key. A
/// relative never sees another relative.
#[utoipa::path(get, path = "/api/v1/cases/{case}/parties", tag = "cases",
    params(("case" = String, Path, format = Uuid)),
    responses((status = 200, body = Vec<PartyView>), (status = 404, body = crate::ErrorBody)))]
pub async fn parties(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
) -> Result<Json<Vec<PartyView>>, ApiError> {
    let access = access::gate_read(
        &state,
        &caller,
        case,
        Action::ViewParties,
        Touch::case("case.parties"),
    )
    .await?;
    let now = state.now();
    let visible: Vec<_> = access
        .parties
        .iter()
        .filter(|p| access.shows(&caller.account, p, now))
        .copied()
        .collect();
    let ids: Vec<AccountId> = visible.iter().map(|p| p.account).collect();
    let keys = state.store.current_keys(&ids).await?;
    let mut out = Vec::with_capacity(visible.len());
    for party in visible {
        let account = state
            .store
            .account(party.account)
            .await?
            .ok_or(ApiError::NotFound)?;
        let key = keys
            .iter()
            .find(|k| k.account == party.account)
            .map(KeyView::of)
            .transpose()?;
        out.push(PartyView {
            account: party.account,
            display_name: account.display_name,
            membership: party.membership,
            key,
        });
    }
    Ok(Json(out))
}
