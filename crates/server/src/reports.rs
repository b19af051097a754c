//! Trend reports ("veille"): monthly counts of a service's practical
//! requests by domain, category and response, as JSON or CSV, for the
//! service's coordinators. Numbers only; every count under five is
//! suppressed (`null` in JSON, empty in CSV), and every cell of the grid is
//! present, so an empty cell cannot be told from a small one.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use passerelle_domain::Role;
use passerelle_domain::report::{
    Month, PeriodError, RequestCell, Response as Answer, THRESHOLD, request_grid,
};
use passerelle_store::audit::Outcome;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::state::{Json, Query};
use crate::{ApiError, AppState};

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/reports/requests", get(requests))
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi(paths(requests))]
pub struct Doc;

/// Which months, in which format.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// The first month, `YYYY-MM`.
    pub from: String,
    /// The last month, `YYYY-MM` (at most 36 months after `from`).
    pub to: String,
    /// `json` (the default) or `csv`.
    pub format: Option<String>,
}

/// The report.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestReport {
    /// The service counted.
    #[schema(value_type = String, format = Uuid)]
    pub service: passerelle_domain::ServiceId,
    /// The first month.
    pub from: String,
    /// The last month.
    pub to: String,
    /// Counts under this are `null`.
    pub threshold: u64,
    /// Every month × category × response, with the category's domain;
    /// `count` is a number or `null`.
    #[schema(value_type = Vec<Object>)]
    pub cells: Vec<RequestCell>,
}

fn period(text: &str) -> Result<Month, ApiError> {
    text.parse()
        .map_err(|e: PeriodError| ApiError::BadRequest(e.to_string()))
}

/// Monthly counts of the caller's service's practical requests, by the
/// month they were filed in (Brussels time), category (with its domain of
/// intervention) and response (`open` or the resolution kind). For
/// coordinators, about their own service.
#[utoipa::path(get, path = "/api/v1/reports/requests", tag = "reports", params(ReportQuery),
    responses((status = 200, body = RequestReport, description = "JSON, or text/csv with format=csv"),
        (status = 400, body = crate::ErrorBody), (status = 401, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody)))]
pub async fn requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let service = match (caller.account.role, caller.account.service) {
        (Role::Coordinator, Some(service)) => service,
        _ => {
            return Err(ApiError::Forbidden(
                "reports are for a service's coordinators",
            ));
        }
    };
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError::BadRequest("format is json or csv".to_owned())),
    };
    let (from, to) = (period(&query.from)?, period(&query.to)?);
    let months = Month::through(from, to).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut counted = HashMap::new();
    for month in &months {
        let (start, end) = month.range();
        for count in state.store.request_counts(service, start, end).await? {
            let answer = count.resolution.map_or(Answer::Open, Answer::Resolved);
            *counted.entry((*month, count.category, answer)).or_insert(0) += count.count;
        }
    }
    let touch = Touch {
        action: "report.requests",
        kind: "report",
        id: None,
        owner: None,
    };
    access::record(&state, &caller, None, touch, Outcome::Allowed).await?;
    let report = RequestReport {
        service,
        from: from.to_string(),
        to: to.to_string(),
        threshold: THRESHOLD,
        cells: request_grid(&months, &counted),
    };
    if csv {
        let body = to_csv(&report.cells)?;
        let name = format!("attachment; filename=\"requests-{from}-{to}.csv\"");
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, name),
            ],
            body,
        )
            .into_response())
    } else {
        Ok(Json(report).into_response())
    }
}

/// One line per cell: `month,domain,category,response,count`, the count
/// empty when suppressed.
fn to_csv(cells: &[RequestCell]) -> Result<String, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ApiError::Internal(e.to_string());
    writer
        .write_record(["month", "domain", "category", "response", "count"])
        .map_err(internal)?;
    for cell in cells {
        let count = cell
            .count
            .shown()
            .map(|n| n.to_string())
            .unwrap_or_default();
        writer
            .write_record([
                cell.month.to_string().as_str(),
                cell.domain.as_str(),
                cell.category.name(),
                cell.response.name(),
                count.as_str(),
            ])
            .map_err(internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
}
