//! The public-key directory: register or rotate a device key, and read a
//! counterpart's key history. Public keys only; the server never holds a
//! private key.

use axum::extract::State;
use axum::http::StatusCode;
use passerelle_crypto::PublicKey;
use passerelle_domain::AccountId;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::CaseAccess;
use crate::auth::Caller;
use crate::cases::KeyView;
use crate::state::{Json, Path};
use crate::{ApiError, AppState};

/// A device key to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterKey {
    /// `passerelle-pk:…`, generated on the client.
    pub public_key: String,
}

/// Registers the caller's device key, or rotates it: the old key stays in
/// the history and counterparts see the version go up.
#[utoipa::path(put, path = "/api/v1/me/key", tag = "keys", request_body = RegisterKey,
    responses((status = 201, body = KeyView), (status = 400, body = crate::ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<RegisterKey>,
) -> Result<(StatusCode, Json<KeyView>), ApiError> {
    let key = PublicKey::from_text(&request.public_key)
        .map_err(|e| ApiError::BadRequest(format!("public_key: {e}")))?;
    let current = state.store.current_keys(&[caller.account.id]).await?;
    if current
        .first()
        .is_some_and(|k| k.public_key == *key.as_bytes())
    {
        return Ok((StatusCode::OK, Json(KeyView::of(&current[0])?)));
    }
    let record = state
        .store
        .add_key(caller.account.id, key.as_bytes(), state.now())
        .await
        .map_err(|e| match e {
            // Stops an account claiming a counterpart's public key, which
            // would make the directory name it as that key's owner.
            passerelle_store::StoreError::Conflict(_) => ApiError::conflict(
                "key_in_use",
                "this key is already registered; generate a new one on this device",
            ),
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(KeyView::of(&record)?)))
}

/// Whether `caller` may know of `account`: they share a case whose policy
/// shows that party to the caller (see [`CaseAccess::shows`]).
async fn knows_of(state: &AppState, caller: &Caller, account: AccountId) -> Result<bool, ApiError> {
    if caller.account.id == account {
        return Ok(true);
    }
    let now = state.now();
    for case in state.store.cases_of(caller.account.id).await? {
        let Some(access) = CaseAccess::load(state, case.id).await? else {
            continue;
        };
        let shown = access
            .parties
            .iter()
            .any(|p| p.account == account && access.shows(&caller.account, p, now));
        if shown {
            return Ok(true);
        }
    }
    Ok(false)
}

/// An account's key history, oldest first, for anyone who shares a case
/// with it; 404 for everyone else.
#[utoipa::path(get, path = "/api/v1/accounts/{account}/keys", tag = "keys",
    params(("account" = String, Path, format = Uuid)),
    responses((status = 200, body = Vec<KeyView>), (status = 404, body = crate::ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<AccountId>,
) -> Result<Json<Vec<KeyView>>, ApiError> {
    if !knows_of(&state, &caller, account).await? {
        return Err(ApiError::NotFound);
    }
    let history = state.store.key_history(account).await?;
    Ok(Json(
        history.iter().map(KeyView::of).collect::<Result<_, _>>()?,
    ))
}
