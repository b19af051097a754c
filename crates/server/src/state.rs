//! What every handler shares: the store, the clock, the limits, and the
//! JSON extractors that answer bad input in our error shape.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jiff::Timestamp;
use passerelle_store::Store;
use passerelle_store::bus::{Bus, LocalBus};
use serde::Serialize;

use crate::ApiError;

/// The time, injectable so that tests move it instead of sleeping.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Limits and lifetimes. The defaults suit one machine.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest envelope accepted, in bytes.
    pub max_envelope_bytes: usize,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a session lasts.
    pub session_hours: i64,
    /// How long an invitation code stays valid.
    pub invitation_hours: i64,
    /// Login attempts per minute, per account and per address.
    pub logins_per_minute: NonZeroU32,
    /// Invitation redemptions per minute, per address.
    pub redemptions_per_minute: NonZeroU32,
}

impl Default for Limits {
    fn default() -> Self {
        // An envelope carries at most 1 MiB of plaintext plus its header.
        let max_envelope_bytes = passerelle_crypto::wire::envelope_len(
            passerelle_crypto::MAX_RECIPIENTS,
            passerelle_crypto::MAX_PAYLOAD_LEN,
        );
        Self {
            max_envelope_bytes,
            // Base64 grows by 4/3; leave room for the JSON around it.
            max_body_bytes: max_envelope_bytes / 3 * 4 + 64 * 1024,
            session_hours: 12,
            invitation_hours: 72,
            logins_per_minute: NonZeroU32::MIN.saturating_add(4),
            redemptions_per_minute: NonZeroU32::MIN.saturating_add(29),
        }
    }
}

/// The state of one server.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The limits.
    pub limits: Arc<Limits>,
    /// Live events (in-process unless [`AppState::with_bus`] says otherwise).
    pub bus: Arc<dyn Bus>,
    pub(crate) login_by_account: Arc<DefaultKeyedRateLimiter<String>>,
    pub(crate) login_by_address: Arc<DefaultKeyedRateLimiter<std::net::IpAddr>>,
    pub(crate) redeem_by_address: Arc<DefaultKeyedRateLimiter<std::net::IpAddr>>,
    /// Whether accesses are written to the audit trail (always, but for
    /// measuring what the trail costs).
    pub(crate) audit: bool,
    /// Access facts kept between requests, by access generation.
    pub(crate) facts: Arc<crate::facts::Facts>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over a store, a clock and limits.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, limits: Limits) -> Self {
        let quota = Quota::per_minute(limits.logins_per_minute);
        Self {
            store,
            clock,
            login_by_account: Arc::new(RateLimiter::keyed(quota)),
            login_by_address: Arc::new(RateLimiter::keyed(quota)),
            redeem_by_address: Arc::new(RateLimiter::keyed(Quota::per_minute(
                limits.redemptions_per_minute,
            ))),
            limits: Arc::new(limits),
            bus: Arc::new(LocalBus::default()),
            audit: true,
            facts: Arc::default(),
        }
    }

    /// Writes nothing to the audit trail. Only for measuring what the trail
    /// costs: a service that runs like this keeps no record of access.
    #[must_use]
    pub fn without_audit(mut self) -> Self {
        self.audit = false;
        self
    }

    /// Uses `bus` for live events, for example PostgreSQL's LISTEN/NOTIFY so
    /// that several instances hear each other.
    #[must_use]
    pub fn with_bus(mut self, bus: Arc<dyn Bus>) -> Self {
        self.bus = bus;
        self
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// A JSON body whose rejections (malformed, wrong types, too large) are
/// answered as [`ApiError`].
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters whose rejections are a 404.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters whose rejections are a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);
