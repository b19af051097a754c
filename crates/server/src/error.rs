//! The one error type of the HTTP layer, answered once as
//! `{"error": code, "message": text}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every error a handler can return. The code is stable; clients match on it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is well-formed JSON but says something impossible.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no session, or a session that ended or expired.
    #[error("sign in first")]
    Unauthenticated,
    /// 401: the login or the password is wrong (never which one).
    #[error("wrong login or password")]
    BadCredentials,
    /// 403: the caller is known but this is not theirs to do.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 403: the person on the other side is not available to the caller:
    /// no consent, or a restriction. Never which: a protected person's
    /// existence is not revealed.
    #[error("this is not available to you")]
    NotAvailable,
    /// 404: unknown, or outside the caller's reach (the same answer, so ids
    /// cannot be probed).
    #[error("not found")]
    NotFound,
    /// 405: a known path with a method it does not take.
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    /// 409: a conflict with what is stored (a taken login, a replay, a
    /// status that changed, an invalid transition).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Human text.
        message: String,
    },
    /// 410: an invitation past its time.
    #[error("this invitation has expired")]
    Expired,
    /// 413: too big.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 422: an envelope that fails the structural checks.
    #[error("{0}")]
    InvalidEnvelope(String),
    /// 429: too many attempts.
    #[error("too many attempts; wait a minute and try again")]
    RateLimited,
    /// 503: the database cannot take the write now; nothing was stored.
    #[error("the service is busy; nothing was stored, try again")]
    Unavailable,
    /// 500: logged, never described to the client.
    #[error("internal error")]
    Internal(String),
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code, for example `not_found` or `payload_too_large`.
    pub error: String,
    /// A sentence for people.
    pub message: String,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotAvailable => (StatusCode::FORBIDDEN, "not_available"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            Self::Expired => (StatusCode::GONE, "expired"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::InvalidEnvelope(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_envelope"),
            Self::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// A 409 with its code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let Self::Internal(detail) = &self {
            // The detail is for the operator; the client learns nothing.
            tracing::error!(error = %detail, "internal error");
        }
        let body = ErrorBody {
            error: code.to_owned(),
            message: self.to_string(),
        };
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(message) => Self::conflict("conflict", message),
            StoreError::Expired => Self::Expired,
            StoreError::Transition(t) => Self::conflict("invalid_transition", t.to_string()),
            StoreError::Unavailable(_) => Self::Unavailable,
            StoreError::Corrupt(_) | StoreError::Database(_) => Self::Internal(error.to_string()),
        }
    }
}

impl From<passerelle_domain::TransitionError> for ApiError {
    fn from(error: passerelle_domain::TransitionError) -> Self {
        match error {
            passerelle_domain::TransitionError::InvalidReason => {
                Self::BadRequest(error.to_string())
            }
            passerelle_domain::TransitionError::NotAllowed { .. } => {
                Self::conflict("invalid_transition", error.to_string())
            }
        }
    }
}

/// JSON body rejections (malformed JSON, wrong types, wrong content type,
/// too large) as our error shape instead of axum's plain text.
impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        use axum::extract::rejection::JsonRejection;
        match &rejection {
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Self::PayloadTooLarge("the request body is too large".to_owned())
            }
            _ => Self::BadRequest(rejection.body_text()),
        }
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        Self::NotFound
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}
