//! HSDS 3.0 export and import of a service's directory entries, for its
//! coordinators. The format and how confidential addresses travel are
//! documented in `passerelle_domain::directory::hsds`.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use passerelle_domain::directory::hsds::{self as format, Imported, Maintainer, Page};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::maintainer;
use crate::auth::Caller;
use crate::state::Json;
use crate::{ApiError, AppState};

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// How many records were stored (created or replaced).
    pub imported: usize,
    /// Every record left out, with why.
    pub rejected: Vec<Rejected>,
}

/// One record left out of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rejected {
    /// Its position in the file's list of services, from 0.
    pub index: usize,
    /// Its `id`, if it has a readable one.
    pub id: Option<String>,
    /// Which field, and why.
    pub reason: String,
}

/// Every entry of the coordinator's service as one HSDS 3.0 page.
/// Confidential addresses are withheld.
#[utoipa::path(get, path = "/api/v1/directory/hsds", tag = "directory",
    responses((status = 200, body = Object, description = "an HSDS 3.0 page of services"),
        (status = 403, body = crate::ErrorBody)))]
pub async fn export(State(state): State<AppState>, caller: Caller) -> Result<Json<Page>, ApiError> {
    let service = maintainer(&caller)?;
    let name = state
        .store
        .service(service)
        .await?
        .ok_or_else(|| ApiError::Internal("a coordinator's service is missing".to_owned()))?
        .name;
    let entries = state.store.directory_entries(Some(service)).await?;
    Ok(Json(format::export(
        &Maintainer { id: service, name },
        &entries,
    )))
}

/// Imports an HSDS 3.0 file (a page with `contents`, or a bare array of
/// services) into the coordinator's service: each valid record is created
/// or replaced by id, each invalid one is reported with its reason. A file
/// that is not JSON, or not of that shape, imports nothing (400).
#[utoipa::path(post, path = "/api/v1/directory/hsds", tag = "directory",
    request_body(content = Object, description = "an HSDS 3.0 page of services, or an array of services"),
    responses((status = 200, body = ImportReport), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ApiError> {
    let service = maintainer(&caller)?;
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge("the file is too large".to_owned())
        }
        _ => ApiError::BadRequest(rejection.body_text()),
    })?;
    let file: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("the file is not JSON: {e}")))?;
    let records = match file {
        Value::Array(records) => records,
        Value::Object(mut page) => match page.remove("contents") {
            Some(Value::Array(records)) => records,
            _ => return Err(shape()),
        },
        _ => return Err(shape()),
    };
    let mut rejected = Vec::new();
    let mut valid: Vec<(usize, Imported)> = Vec::new();
    let mut seen = HashSet::new();
    for (index, value) in records.into_iter().enumerate() {
        let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
        let mut reject = |reason: String| {
            rejected.push(Rejected {
                index,
                id: id.clone(),
                reason,
            })
        };
        let record: format::Service = match serde_json::from_value(value) {
            Ok(record) => record,
            Err(e) => {
                reject(format!("not an HSDS service record: {e}"));
                continue;
            }
        };
        match format::import(&record) {
            Err(invalid) => reject(invalid.to_string()),
            Ok(imported) if !seen.insert(imported.id) => {
                reject("id: the same id appears earlier in this file".to_owned())
            }
            Ok(imported) => valid.push((index, imported)),
        }
    }
    let entries: Vec<Imported> = valid.iter().map(|(_, e)| e.clone()).collect();
    let stored = state
        .store
        .import_directory_entries(service, &entries, state.now())
        .await?;
    let mut imported = 0;
    for ((index, entry), stored) in valid.into_iter().zip(stored) {
        if stored {
            imported += 1;
        } else {
            rejected.push(Rejected {
                index,
                id: Some(entry.id.to_string()),
                reason: "id: this id belongs to another service's entry".to_owned(),
            });
        }
    }
    rejected.sort_by_key(|r| r.index);
    Ok(Json(ImportReport { imported, rejected }))
}

fn shape() -> ApiError {
    ApiError::BadRequest(
        "wrong top-level shape: expected an HSDS page with a `contents` array, or an array of services"
            .to_owned(),
    )
}
