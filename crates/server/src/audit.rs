//! Reading the audit trail: who accessed my items, and a coordinator's
//! export of one case's trail.

use axum::extract::State;
use passerelle_domain::policy::Action;
use passerelle_domain::{AccountId, CaseId, Membership};
use passerelle_store::audit::{AuditFilter, AuditRecord, Outcome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::state::{Json, Path, Query};
use crate::{ApiError, AppState};

/// A page of the trail.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TrailQuery {
    /// The `next` of the previous page.
    pub after: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u32>,
}

impl TrailQuery {
    fn page(&self) -> Result<(i64, u32), ApiError> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(ApiError::BadRequest("limit is 1 to 500".to_owned()));
        }
        Ok((self.after.unwrap_or(0), limit))
    }
}

/// One access to one of my items.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessView {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: jiff::Timestamp,
    /// Who, by name.
    pub actor: String,
    /// What they did, for example `message.view` or `case.view`.
    pub action: String,
    /// The kind of item.
    pub object_kind: String,
    /// The item.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub object_id: Option<uuid::Uuid>,
}

/// Who accessed my items.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessPage {
    /// Oldest first.
    pub items: Vec<AccessView>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next: Option<i64>,
}

/// Who read or acted on the caller's items (their messages, their consent,
/// their case), other than themselves. A relative protected by a
/// restriction never appears to the detained person.
#[utoipa::path(get, path = "/api/v1/me/access", tag = "audit", params(TrailQuery),
    responses((status = 200, body = AccessPage), (status = 400, body = crate::ErrorBody)))]
pub async fn my_access(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<TrailQuery>,
) -> Result<Json<AccessPage>, ApiError> {
    let (after, limit) = query.page()?;
    let rows = state
        .store
        .audit_trail(AuditFilter::Owner(caller.account.id), after, limit)
        .await?;
    let next = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.seq))
        .flatten();
    let now = state.now();
    let allowed = Outcome::Allowed.text();
    let mut cases: std::collections::HashMap<CaseId, Option<CaseAccess>> = Default::default();
    let mut items = Vec::new();
    for row in rows {
        let Some(actor) = row.actor else { continue };
        if actor == caller.account.id || row.outcome != allowed {
            continue;
        }
        if let Some(case) = row.case {
            if let std::collections::hash_map::Entry::Vacant(slot) = cases.entry(case) {
                slot.insert(CaseAccess::load(&state, case).await?);
            }
            let hidden = cases.get(&case).and_then(Option::as_ref).is_some_and(|a| {
                matches!(a.membership(actor), Some(Membership::Relative { .. }))
                    && !a
                        .decide(&caller.account, Action::SeeRelative(actor), now)
                        .is_allowed()
            });
            if hidden {
                continue;
            }
        }
        items.push(AccessView {
            at: row.at,
            actor: display_name(&state, actor).await?,
            action: row.action,
            object_kind: row.object_kind,
            object_id: row.object_id,
        });
    }
    Ok(Json(AccessPage { items, next }))
}

async fn display_name(state: &AppState, account: AccountId) -> Result<String, ApiError> {
    Ok(state
        .store
        .account(account)
        .await?
        .map(|a| a.display_name)
        .unwrap_or_default())
}

/// One row of a case's trail, as exported.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrailRow {
    /// Position in the whole chain.
    pub seq: i64,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: jiff::Timestamp,
    /// Who.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub actor: Option<AccountId>,
    /// What.
    pub action: String,
    /// The kind of object.
    pub object_kind: String,
    /// The object.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub object_id: Option<uuid::Uuid>,
    /// Whose item.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub owner: Option<AccountId>,
    /// `allowed` or `denied:<reason>`.
    pub outcome: String,
    /// The row's chain digest, hexadecimal.
    pub hash: String,
}

impl From<AuditRecord> for TrailRow {
    fn from(r: AuditRecord) -> Self {
        Self {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            object_kind: r.object_kind,
            object_id: r.object_id,
            owner: r.owner,
            outcome: r.outcome,
            hash: hex::encode(r.hash),
        }
    }
}

/// A page of a case's trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrailPage {
    /// In chain order.
    pub items: Vec<TrailRow>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next: Option<i64>,
}

/// The coordinator of the case's service exports its trail.
#[utoipa::path(get, path = "/api/v1/cases/{case}/audit", tag = "audit",
    params(("case" = String, Path, format = Uuid), TrailQuery),
    responses((status = 200, body = TrailPage), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Query(query): Query<TrailQuery>,
) -> Result<Json<TrailPage>, ApiError> {
    let (after, limit) = query.page()?;
    let touch = Touch::case("audit.export");
    access::gate_read(&state, &caller, case, Action::ExportAudit, touch).await?;
    let rows = state
        .store
        .audit_trail(AuditFilter::Case(case), after, limit)
        .await?;
    let next = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.seq))
        .flatten();
    Ok(Json(TrailPage {
        items: rows.into_iter().map(TrailRow::from).collect(),
        next,
    }))
}
