//! Storage of practical requests, in the domain's words. The description is
//! an envelope stored as the opaque bytes it arrives as; the `not_possible`
//! reason, which the server reads, is encrypted at rest. Each row also keeps
//! what trend reports need and nothing personal: the service, the category,
//! the urgency, the resolution kind and the times of each step.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::request::{
    Category, RequestId, RequestStatus, Resolution, ResolutionKind, Urgency,
};
use passerelle_domain::{AccountId, CaseId, ServiceId};
use uuid::Uuid;

use crate::codec::timestamp;
use crate::{AtRest, Result, StoreError};

/// A practical request to store.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The server's id for it.
    pub id: RequestId,
    /// The case.
    pub case: CaseId,
    /// The service that runs the case, kept for trend reports.
    pub service: ServiceId,
    /// Who filed it: a relative, the detained person, or a worker.
    pub author: AccountId,
    /// Filed by a worker on behalf of the detained person.
    pub on_behalf: bool,
    /// What it is about.
    pub category: Category,
    /// How soon.
    pub urgency: Urgency,
    /// The envelope's own id; unique per author, so a replay is refused.
    pub envelope_id: Uuid,
    /// The sealed description, opaque.
    pub envelope: Vec<u8>,
    /// The accounts the envelope is sealed to.
    pub readers: Vec<AccountId>,
}

/// A stored practical request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticalRequest {
    /// Its id.
    pub id: RequestId,
    /// The case.
    pub case: CaseId,
    /// The service that runs the case.
    pub service: ServiceId,
    /// Who filed it.
    pub author: AccountId,
    /// Filed by a worker on behalf of the detained person.
    pub on_behalf: bool,
    /// What it is about.
    pub category: Category,
    /// How soon.
    pub urgency: Urgency,
    /// The envelope's own id.
    pub envelope_id: Uuid,
    /// The sealed description.
    pub envelope: Vec<u8>,
    /// The accounts the envelope is sealed to, sorted.
    pub readers: Vec<AccountId>,
    /// Where it stands, with its resolution once resolved.
    pub status: RequestStatus,
    /// The worker handling it.
    pub assigned_to: Option<AccountId>,
    /// When it was filed.
    pub created_at: Timestamp,
    /// When it was first acknowledged.
    pub acknowledged_at: Option<Timestamp>,
    /// When it was last resolved.
    pub resolved_at: Option<Timestamp>,
    /// When it was last closed.
    pub closed_at: Option<Timestamp>,
    /// When anything about it last changed.
    pub updated_at: Timestamp,
}

/// Practical requests; part of [`crate::Store`]. Status changes are
/// compare-and-set: the caller names the status it saw, and a request that
/// has moved since is a [`StoreError::Conflict`], never overwritten.
#[async_trait]
pub trait RequestStore: Send + Sync {
    /// Stores a request as `submitted`; `Conflict` if the author already
    /// used its envelope id, `NotFound` if the case or an account is unknown.
    async fn insert_request(
        &self,
        request: &NewRequest,
        now: Timestamp,
    ) -> Result<PracticalRequest>;
    /// A request by id.
    async fn request(&self, id: RequestId) -> Result<Option<PracticalRequest>>;
    /// Every request of a case, newest first.
    async fn case_requests(&self, case: CaseId) -> Result<Vec<PracticalRequest>>;
    /// Assigns the request to `worker` (callers check that they work on
    /// the case); `NotFound` if there is no such request.
    async fn assign_request(
        &self,
        id: RequestId,
        worker: AccountId,
        now: Timestamp,
    ) -> Result<PracticalRequest>;
    /// Moves a request from `from` to `to` and stamps the step's time (the
    /// first acknowledgement is kept); `Conflict` if its status is no longer
    /// `from`, `NotFound` if there is no such request.
    async fn set_request_status(
        &self,
        id: RequestId,
        from: &RequestStatus,
        to: &RequestStatus,
        now: Timestamp,
    ) -> Result<PracticalRequest>;
}

/// The at-rest label of the `not_possible` reason.
pub(crate) const REASON: &str = "practical_requests.resolution_reason";

/// The columns a status is stored as: (status, resolution kind, reason).
pub(crate) fn status_columns(
    status: &RequestStatus,
) -> (&'static str, Option<&'static str>, Option<&str>) {
    let resolution = status.resolution();
    (
        status.name(),
        resolution.map(|r| r.kind().name()),
        resolution.and_then(Resolution::reason),
    )
}

/// A `practical_requests` row as both engines return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RequestRow {
    id: Uuid,
    case_id: Uuid,
    service_id: Uuid,
    author_id: Uuid,
    on_behalf: bool,
    category: String,
    urgency: String,
    envelope_id: Uuid,
    envelope: Vec<u8>,
    readers: String,
    status: String,
    resolution: Option<String>,
    resolution_reason: Option<Vec<u8>>,
    assigned_to: Option<Uuid>,
    created_at: i64,
    acknowledged_at: Option<i64>,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    updated_at: i64,
}

/// The readers as stored: hyphenated ids joined by commas.
pub(crate) fn readers_text(readers: &[AccountId]) -> String {
    let mut ids: Vec<String> = readers.iter().map(ToString::to_string).collect();
    ids.sort();
    ids.dedup();
    ids.join(",")
}

impl RequestRow {
    /// The domain value, the reason opened with `at_rest`.
    pub(crate) fn into_request(self, at_rest: &AtRest) -> Result<PracticalRequest> {
        fn corrupt<E>(what: &'static str) -> impl Fn(E) -> StoreError {
            move |_| StoreError::Corrupt(what)
        }
        let reason = at_rest.open_opt(REASON, self.resolution_reason.as_deref())?;
        let resolution = self
            .resolution
            .as_deref()
            .map(|kind| {
                let kind = kind
                    .parse::<ResolutionKind>()
                    .map_err(corrupt("unknown resolution kind"))?;
                Resolution::from_parts(kind, reason.as_deref())
                    .map_err(corrupt("a resolution and its reason disagree"))
            })
            .transpose()?;
        let status = RequestStatus::from_parts(&self.status, resolution).ok_or(
            StoreError::Corrupt("a request status and its resolution disagree"),
        )?;
        let mut readers = self
            .readers
            .split(',')
            .filter(|id| !id.is_empty())
            .map(|id| {
                id.parse::<AccountId>()
                    .map_err(corrupt("a reader id is not a UUID"))
            })
            .collect::<Result<Vec<AccountId>>>()?;
        readers.sort();
        Ok(PracticalRequest {
            id: RequestId::from_uuid(self.id),
            case: CaseId::from_uuid(self.case_id),
            service: ServiceId::from_uuid(self.service_id),
            author: AccountId::from_uuid(self.author_id),
            on_behalf: self.on_behalf,
            category: self
                .category
                .parse::<Category>()
                .map_err(corrupt("unknown category"))?,
            urgency: self
                .urgency
                .parse::<Urgency>()
                .map_err(corrupt("unknown urgency"))?,
            envelope_id: self.envelope_id,
            envelope: self.envelope,
            readers,
            status,
            assigned_to: self.assigned_to.map(AccountId::from_uuid),
            created_at: timestamp(self.created_at)?,
            acknowledged_at: self.acknowledged_at.map(timestamp).transpose()?,
            resolved_at: self.resolved_at.map(timestamp).transpose()?,
            closed_at: self.closed_at.map(timestamp).transpose()?,
            updated_at: timestamp(self.updated_at)?,
        })
    }
}
