//! Accounts, passwords and sessions: login with rate limits, logout, the
//! `Caller` extractor, coordinators creating staff accounts, and joining a
//! case with an invitation code.

use std::net::SocketAddr;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{Timestamp, ToSpan};
use passerelle_domain::{AccountId, CaseId, Role, ServiceId};
use passerelle_store::{Account, NewAccount};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, SemaphorePermit};
use utoipa::ToSchema;

use crate::state::Json;
use crate::{ApiError, AppState};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The signed-in account behind a request's bearer token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub account: Account,
    token_hash: [u8; 32],
    /// The access generation read with the session (`crate::facts`).
    pub(crate) generation: i64,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        let token_hash = hash_token(token);
        let session = state
            .store
            .session(&token_hash, state.now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self {
            account: session.account,
            token_hash,
            generation: session.access_generation,
        })
    }
}

fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A new random secret (a session token or an invitation code) and the hash
/// that is stored instead of it.
pub fn new_secret() -> Result<(String, [u8; 32]), ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&secret);
    Ok((secret, hash))
}

/// Argon2id for account passwords: m = 7 MiB, t = 5, p = 1, one of the
/// configurations the OWASP Password Storage Cheat Sheet lists as equally
/// strong (with 19 MiB × 2, 12 MiB × 3 and 9 MiB × 4), and the one that
/// holds the least memory: a server on a small machine verifies logins two
/// at a time, and the allocator may keep what a hash used for a while
/// after. A hash records its parameters, so hashes made with others (the
/// 19 MiB × 2 of earlier versions) still verify.
const PASSWORD_M_COST_KIB: u32 = 7 * 1024;
const PASSWORD_T_COST: u32 = 5;
const PASSWORD_P_COST: u32 = 1;

fn password_hasher() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(PASSWORD_M_COST_KIB, PASSWORD_T_COST, PASSWORD_P_COST, None)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Argon2id hashes computed at once. Each takes 7 MiB and a core for tens
/// of milliseconds; a burst of logins waits its turn here instead of taking
/// memory and every blocking thread.
static PASSWORD_WORK: Semaphore = Semaphore::const_new(2);

async fn password_turn() -> Result<SemaphorePermit<'static>, ApiError> {
    PASSWORD_WORK
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Hashes a password with Argon2id (OWASP parameters), off the async threads.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    check_password(&password)?;
    let _turn = password_turn().await?;
    tokio::task::spawn_blocking(move || {
        password_hasher()?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::BadRequest(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// Checks a password against a stored hash, off the async threads. Unknown
/// logins are checked against a fixed hash so that timing does not tell
/// which logins exist.
async fn verify_password(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    let _turn = password_turn().await?;
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DECOY_HASH.to_owned());
        let parsed = PasswordHash::new(&hash).map_err(|e| ApiError::Internal(e.to_string()))?;
        // The parameters come from the stored hash.
        let ok = password_hasher()?
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// An Argon2id hash of a random string (thrown away), with the parameters
/// of [`password_hasher`], so that checking it costs what checking a real
/// password does.
const DECOY_HASH: &str = "$argon2id$v=19$m=7168,t=5,p=1$uV9Dmt29v/3B1pWEjH37cQ$KYjSpk3LyK2dLlx+41CDUmfspjoHJcrNvAGH/E3wt24";

/// Five attempts a minute per address and per login. Forgotten keys are
/// pruned as the tables grow, so that trying many logins cannot grow memory
/// without bound.
fn limit(state: &AppState, peer: SocketAddr, login: &str) -> Result<(), ApiError> {
    prune(&state.login_by_address);
    prune(&state.login_by_account);
    let by_address = state.login_by_address.check_key(&peer.ip()).is_ok();
    let by_login = state
        .login_by_account
        .check_key(&login.to_lowercase())
        .is_ok();
    if by_address && by_login {
        Ok(())
    } else {
        tracing::warn!("login rate limit reached");
        Err(ApiError::RateLimited)
    }
}

fn prune<K: std::hash::Hash + Eq + Clone>(limiter: &governor::DefaultKeyedRateLimiter<K>) {
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
}

/// A session request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The login.
    pub login: String,
    /// The password.
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// The bearer token; shown once, stored only as a hash.
    pub token: String,
    /// When it stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// Who signed in.
    pub account: AccountView,
}

/// An account as shown to its owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: AccountId,
    /// Its role.
    #[schema(value_type = String)]
    pub role: Role,
    /// Its service, for staff.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub service: Option<ServiceId>,
    /// The login.
    pub login: String,
    /// The name shown to others.
    pub display_name: String,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id,
            role: a.role,
            service: a.service,
            login: a.login.clone(),
            display_name: a.display_name.clone(),
        }
    }
}

/// Signs in. Five attempts a minute per login and per address.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "auth", request_body = LoginRequest,
    responses((status = 201, body = SessionResponse), (status = 401, body = crate::ErrorBody), (status = 429, body = crate::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(request): Json<LoginRequest>,
) -> Result<(StatusCode, Json<SessionResponse>), ApiError> {
    limit(&state, peer, &request.login)?;
    let credentials = state.store.credentials(&request.login).await?;
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let account_id = credentials.map(|c| c.account);
    if !verify_password(request.password, stored).await? {
        return Err(ApiError::BadCredentials);
    }
    let account_id = account_id.ok_or(ApiError::BadCredentials)?;
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or(ApiError::BadCredentials)?;
    let (token, token_hash) = new_secret()?;
    let now = state.now();
    let expires_at = now
        .checked_add(state.limits.session_hours.hours())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    state
        .store
        .create_session(&token_hash, account.id, expires_at, now)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionResponse {
            token,
            expires_at,
            account: AccountView::from(&account),
        }),
    ))
}

/// Ends the caller's session.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "auth",
    responses((status = 204), (status = 401, body = crate::ErrorBody)))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    state
        .store
        .end_session(&caller.token_hash, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = AccountView), (status = 401, body = crate::ErrorBody)))]
pub async fn me(caller: Caller) -> Json<AccountView> {
    Json(AccountView::from(&caller.account))
}

/// A new staff account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStaff {
    /// `worker` or `coordinator`.
    #[schema(value_type = String)]
    pub role: Role,
    /// The login.
    pub login: String,
    /// The initial password.
    pub password: String,
    /// The name shown to others.
    pub display_name: String,
}

/// A coordinator creates a worker or coordinator account in their service.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "auth", request_body = NewStaff,
    responses((status = 201, body = AccountView), (status = 403, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn create_staff(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<NewStaff>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    if caller.account.role != Role::Coordinator {
        return Err(ApiError::Forbidden("only a coordinator creates accounts"));
    }
    if !request.role.is_staff() {
        return Err(ApiError::BadRequest(
            "relatives and detained persons join with an invitation code".to_owned(),
        ));
    }
    let account = NewAccount {
        role: request.role,
        service: caller.account.service,
        login: non_empty("login", &request.login)?,
        display_name: non_empty("display_name", &request.display_name)?,
        phone: None,
        password_hash: hash_password(request.password).await?,
    };
    let created = state.store.create_account(&account, state.now()).await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&created))))
}

/// Trims a required text field, refusing it empty or over 200 characters.
pub fn non_empty(field: &str, value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 200 {
        return Err(ApiError::BadRequest(format!(
            "{field} must be 1 to 200 characters"
        )));
    }
    Ok(value.to_owned())
}

/// Joining a case with an invitation code.
#[derive(Debug, Deserialize, ToSchema)]
pub struct JoinRequest {
    /// The code the worker gave.
    pub code: String,
    /// The login to create.
    pub login: String,
    /// The password to set.
    pub password: String,
    /// The name shown to others.
    pub display_name: String,
    /// A phone number, never shown to the detained person.
    pub phone: Option<String>,
}

/// The account created by joining, and the case joined.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinResponse {
    /// The new account.
    pub account: AccountView,
    /// The case.
    #[schema(value_type = String, format = Uuid)]
    pub case: CaseId,
}

/// Redeems a single-use, expiring invitation: creates the account and links
/// it to the case. Unknown and already-used codes are both 404. Thirty
/// attempts a minute per address.
#[utoipa::path(post, path = "/api/v1/invitations/redeem", tag = "auth", request_body = JoinRequest,
    responses((status = 201, body = JoinResponse), (status = 404, body = crate::ErrorBody), (status = 410, body = crate::ErrorBody), (status = 429, body = crate::ErrorBody)))]
pub async fn redeem(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(request): Json<JoinRequest>,
) -> Result<(StatusCode, Json<JoinResponse>), ApiError> {
    // Guessing codes, or making the server hash passwords for nothing, costs
    // attempts like a login does.
    prune(&state.redeem_by_address);
    if state.redeem_by_address.check_key(&peer.ip()).is_err() {
        tracing::warn!("invitation rate limit reached");
        return Err(ApiError::RateLimited);
    }
    let account = NewAccount {
        role: Role::Relative,
        service: None,
        login: non_empty("login", &request.login)?,
        display_name: non_empty("display_name", &request.display_name)?,
        phone: request
            .phone
            .as_deref()
            .map(|p| non_empty("phone", p))
            .transpose()?,
        password_hash: hash_password(request.password).await?,
    };
    let code_hash = hash_token(request.code.trim());
    let (created, case) = state
        .store
        .redeem_invitation(&code_hash, &account, state.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(JoinResponse {
            account: AccountView::from(&created),
            case,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_decoy_hash_parses_and_refuses() {
        assert!(
            !verify_password("anything at all".into(), None)
                .await
                .unwrap()
        );
        let real = hash_password("correct horse battery".into()).await.unwrap();
        assert!(
            verify_password("correct horse battery".into(), Some(real.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".into(), Some(real))
                .await
                .unwrap()
        );
    }

    /// New hashes use OWASP's 7 MiB × 5 configuration, and so does the
    /// decoy, or an unknown login would answer faster than a known one.
    #[tokio::test]
    async fn new_hashes_and_the_decoy_use_the_same_owasp_parameters() {
        let real = hash_password("correct horse battery".into()).await.unwrap();
        for hash in [real.as_str(), DECOY_HASH] {
            let parsed = PasswordHash::new(hash).unwrap();
            assert_eq!(parsed.algorithm.as_str(), "argon2id", "{hash}");
            let params = Params::try_from(&parsed).unwrap();
            assert_eq!(
                (params.m_cost(), params.t_cost(), params.p_cost()),
                (7168, 5, 1),
                "{hash}"
            );
        }
    }

    /// A password hashed with the parameters of earlier versions (19 MiB ×
    /// 2, Argon2's defaults) still signs in: a hash carries its own.
    #[tokio::test]
    async fn hashes_made_with_earlier_parameters_still_verify() {
        let earlier = Argon2::default()
            .hash_password(b"an older password")
            .unwrap()
            .to_string();
        assert!(earlier.contains("m=19456,t=2,p=1"), "{earlier}");
        assert!(
            verify_password("an older password".into(), Some(earlier.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("another password".into(), Some(earlier))
                .await
                .unwrap()
        );
    }

    #[test]
    fn secrets_are_stored_as_hashes() {
        let (secret, hash) = new_secret().unwrap();
        assert_eq!(hash, hash_token(&secret));
        assert_eq!(secret.len(), 43);
    }
}
