//! The service directory over HTTP: search for every signed-in account,
//! maintenance by the coordinators of the entry's service, and HSDS export
//! and import ([`hsds`]).
//!
//! Directory data is not case data: no consent is asked and no audit row is
//! written, but only signed-in accounts reach it, and a confidential
//! address (a shelter) reaches workers and coordinators only.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use passerelle_domain::directory::{
    BrusselsTime, Contact, Entry, EntryDetails, EntryId, InterventionDomain, OpeningHours,
    language_matches, language_tag,
};
use passerelle_domain::{Role, ServiceId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::Caller;
use crate::state::{Json, Path, Query};
use crate::{ApiError, AppState};

mod hsds;

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory/services", get(search).post(create))
        .route(
            "/directory/services/{entry}",
            get(show).put(update).delete(remove),
        )
        .route("/directory/hsds", get(hsds::export).post(hsds::import))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(
    paths(search, create, show, update, remove, hsds::export, hsds::import),
    components(schemas(EntryView, hsds::ImportReport, hsds::Rejected))
)]
pub struct Doc;

/// A directory entry as the caller may see it. For a relative or a detained
/// person, a confidential address and its flag are absent.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// The entry.
    #[schema(value_type = String, format = Uuid)]
    pub id: EntryId,
    /// The service that maintains it.
    #[schema(value_type = String, format = Uuid)]
    pub service: ServiceId,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The domains of intervention it serves.
    #[schema(value_type = Vec<String>)]
    pub domains: Vec<InterventionDomain>,
    /// BCP 47 language tags.
    pub languages: Vec<String>,
    /// The week, in Brussels time: `[{day, ranges: [{opens, closes}]}]`.
    #[schema(value_type = Vec<Object>)]
    pub hours: OpeningHours,
    /// Phone, email, website.
    #[schema(value_type = Object)]
    pub contact: Contact,
    /// The address, unless it is confidential and the caller is not staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub address: Option<passerelle_domain::directory::Address>,
    /// Staff only: whether the address is confidential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_confidential: Option<bool>,
    /// Open at the server's current time, read in Brussels.
    pub open_now: bool,
}

impl EntryView {
    fn of(entry: Entry, role: Role, at: &BrusselsTime) -> Self {
        let staff = role.is_staff();
        let entry = entry.seen_by(role);
        let open_now = entry.details.hours.is_open_at(at);
        let d = entry.details;
        Self {
            id: entry.id,
            service: entry.service,
            name: d.name,
            description: d.description,
            domains: d.domains,
            languages: d.languages,
            hours: d.hours,
            contact: d.contact,
            address: d.address,
            address_confidential: staff.then_some(d.address_confidential),
            open_now,
        }
    }
}

/// Search filters; all optional, combined with AND.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Only entries serving this domain of intervention.
    pub domain: Option<String>,
    /// Only entries speaking this language (`fr` also finds `fr-BE`).
    pub language: Option<String>,
    /// `true`: only entries open now.
    pub open_now: Option<bool>,
}

fn brussels_now(state: &AppState) -> Result<BrusselsTime, ApiError> {
    BrusselsTime::at(state.now()).map_err(|e| ApiError::Internal(format!("time zone: {e}")))
}

/// The coordinator's service, or 403 for everyone else.
pub(crate) fn maintainer(caller: &Caller) -> Result<ServiceId, ApiError> {
    match (caller.account.role, caller.account.service) {
        (Role::Coordinator, Some(service)) => Ok(service),
        _ => Err(ApiError::Forbidden(
            "only a coordinator maintains the directory",
        )),
    }
}

fn valid(details: EntryDetails) -> Result<EntryDetails, ApiError> {
    details
        .validated()
        .map_err(|invalid| ApiError::BadRequest(invalid.to_string()))
}

/// Searches the whole directory, by domain, language and open now.
#[utoipa::path(get, path = "/api/v1/directory/services", tag = "directory", params(SearchQuery),
    responses((status = 200, body = Vec<EntryView>), (status = 400, body = crate::ErrorBody),
        (status = 401, body = crate::ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<EntryView>>, ApiError> {
    let domain = query
        .domain
        .as_deref()
        .map(|d| {
            d.parse::<InterventionDomain>()
                .map_err(|_| ApiError::BadRequest(format!("`{d}` is not a domain of intervention")))
        })
        .transpose()?;
    let language = query
        .language
        .as_deref()
        .map(|l| language_tag(l).map_err(ApiError::BadRequest))
        .transpose()?;
    let at = brussels_now(&state)?;
    let entries = state.store.directory_entries(None).await?;
    let views = entries
        .into_iter()
        .filter(|e| domain.is_none_or(|d| e.details.domains.contains(&d)))
        .filter(|e| {
            language
                .as_deref()
                .is_none_or(|l| e.details.languages.iter().any(|t| language_matches(t, l)))
        })
        .filter(|e| query.open_now != Some(true) || e.details.hours.is_open_at(&at))
        .map(|e| EntryView::of(e, caller.account.role, &at))
        .collect();
    Ok(Json(views))
}

/// A coordinator adds an entry for their service.
#[utoipa::path(post, path = "/api/v1/directory/services", tag = "directory",
    request_body(content = Object, description = "name, description, domains, languages, hours, contact, address, address_confidential"),
    responses((status = 201, body = EntryView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(details): Json<EntryDetails>,
) -> Result<(StatusCode, Json<EntryView>), ApiError> {
    let service = maintainer(&caller)?;
    let entry = Entry {
        id: EntryId::random(),
        service,
        details: valid(details)?,
    };
    state
        .store
        .create_directory_entry(&entry, state.now())
        .await?;
    let view = EntryView::of(entry, caller.account.role, &brussels_now(&state)?);
    Ok((StatusCode::CREATED, Json(view)))
}

/// One entry, for any signed-in account.
#[utoipa::path(get, path = "/api/v1/directory/services/{entry}", tag = "directory",
    params(("entry" = String, Path, format = Uuid)),
    responses((status = 200, body = EntryView), (status = 404, body = crate::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EntryId>,
) -> Result<Json<EntryView>, ApiError> {
    let entry = state
        .store
        .directory_entry(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(EntryView::of(
        entry,
        caller.account.role,
        &brussels_now(&state)?,
    )))
}

/// The entry `id` if the caller's service maintains it: 404 if there is
/// none, 403 if it is another service's.
async fn own_entry(state: &AppState, caller: &Caller, id: EntryId) -> Result<Entry, ApiError> {
    let service = maintainer(caller)?;
    let entry = state
        .store
        .directory_entry(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if entry.service != service {
        return Err(ApiError::Forbidden(
            "this entry is maintained by another service",
        ));
    }
    Ok(entry)
}

/// A coordinator replaces an entry of their service.
#[utoipa::path(put, path = "/api/v1/directory/services/{entry}", tag = "directory",
    params(("entry" = String, Path, format = Uuid)), request_body = Object,
    responses((status = 200, body = EntryView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EntryId>,
    Json(details): Json<EntryDetails>,
) -> Result<Json<EntryView>, ApiError> {
    let current = own_entry(&state, &caller, id).await?;
    let entry = Entry {
        details: valid(details)?,
        ..current
    };
    state
        .store
        .update_directory_entry(&entry, state.now())
        .await?;
    Ok(Json(EntryView::of(
        entry,
        caller.account.role,
        &brussels_now(&state)?,
    )))
}

/// A coordinator deletes an entry of their service for good.
#[utoipa::path(delete, path = "/api/v1/directory/services/{entry}", tag = "directory",
    params(("entry" = String, Path, format = Uuid)),
    responses((status = 204), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<EntryId>,
) -> Result<StatusCode, ApiError> {
    let entry = own_entry(&state, &caller, id).await?;
    state
        .store
        .delete_directory_entry(entry.service, entry.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
