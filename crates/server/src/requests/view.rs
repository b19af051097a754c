//! What each party sees of a practical request. Workers see everything. A
//! relative sees the requests they filed, with their status always and
//! their outcome only with `requests` consent (and `legal` or `health`
//! consent for the categories that touch on them); requests filed for the
//! detained person only with that consent, and then without the envelope;
//! never another relative's. The detained person sees every request about
//! them that does not reveal a relative hidden from them, the envelope only
//! when it is sealed to them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use passerelle_domain::policy::{Action, Decision, Denial};
use passerelle_domain::request::{RequestId, Resolution};
use passerelle_domain::{AccountId, CaseId, Membership, Scope};
use passerelle_store::Account;
use passerelle_store::requests::PracticalRequest;
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::CaseAccess;

/// How much of one request a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sight {
    /// The sealed description (the viewer can open it only if sealed to them).
    pub envelope: bool,
    /// The resolution and its reason.
    pub outcome: bool,
}

impl Sight {
    /// Everything.
    pub const FULL: Self = Self {
        envelope: true,
        outcome: true,
    };
}

/// What `viewer` may see of `request`, or why nothing: `NotPermitted` and
/// `NotAParty` are answered as if the request did not exist, `NoConsent`
/// as `not_available`.
pub(super) fn sight(
    access: &CaseAccess,
    viewer: &Account,
    request: &PracticalRequest,
    at: Timestamp,
) -> Result<Sight, Denial> {
    let allowed = |action| access.decide(viewer, action, at).is_allowed();
    // What a relative needs to see how it turned out: `requests`, and for
    // legal or health matters that scope too.
    let outcome_for = |viewer: &Account| {
        let scopes = std::iter::once(Scope::Requests).chain(request.category.sensitive_scope());
        scopes
            .map(|scope| access.decide(viewer, Action::See(scope), at))
            .find(|d| !d.is_allowed())
            .unwrap_or(Decision::Allow)
    };
    let by_relative = matches!(
        access.membership(request.author),
        Some(Membership::Relative { .. })
    );
    match access.membership(viewer.id) {
        None => Err(Denial::NotAParty),
        Some(Membership::Worker) => Ok(Sight::FULL),
        Some(Membership::Detainee) => {
            // A protected relative's existence is never revealed, not even
            // through the requests they filed.
            if by_relative && !allowed(Action::SeeRelative(request.author)) {
                return Err(Denial::NotPermitted);
            }
            Ok(Sight {
                envelope: request.readers.contains(&viewer.id),
                outcome: true,
            })
        }
        Some(Membership::Relative { .. }) if request.author == viewer.id => Ok(Sight {
            envelope: true,
            outcome: outcome_for(viewer).is_allowed(),
        }),
        // Relatives never see one another's requests.
        Some(Membership::Relative { .. }) if by_relative => Err(Denial::NotPermitted),
        Some(Membership::Relative { .. }) => match outcome_for(viewer) {
            Decision::Allow => Ok(Sight {
                envelope: false,
                outcome: true,
            }),
            Decision::Deny(denial) => Err(denial),
        },
    }
}

/// A practical request as one viewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    /// The server's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: RequestId,
    /// The case.
    #[schema(value_type = String, format = Uuid)]
    pub case: CaseId,
    /// Who filed it.
    #[schema(value_type = String, format = Uuid)]
    pub author: AccountId,
    /// Filed by a worker on behalf of the detained person.
    pub on_behalf: bool,
    /// `clothing_and_linen`, `money_deposit`, `documents_and_id`,
    /// `contacting_the_lawyer`, `cpas_benefits`, `mutualite`, `housing`,
    /// `debts`, `residence_status`, `children`, `transport_to_visits` or
    /// `other`.
    pub category: &'static str,
    /// `low`, `normal`, `high` or `urgent`.
    pub urgency: &'static str,
    /// `submitted`, `acknowledged`, `in_progress`, `resolved` or `closed`.
    pub status: &'static str,
    /// How it was resolved (`kind`, and `reason` for `not_possible`); absent
    /// before it is resolved, and for a relative without `requests` consent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub resolution: Option<Resolution>,
    /// The worker handling it.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assigned_to: Option<AccountId>,
    /// When it was filed.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When a worker first acknowledged it.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acknowledged_at: Option<Timestamp>,
    /// Seconds from filing to the first acknowledgement.
    pub seconds_to_acknowledge: Option<i64>,
    /// When it was last resolved.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<Timestamp>,
    /// When it was last closed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    /// When anything about it last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// The sealed description, standard base64; absent for viewers who are
    /// not shown it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envelope: Option<String>,
}

impl RequestView {
    /// `request` cut down to `sight`.
    pub(super) fn of(request: &PracticalRequest, sight: Sight) -> Self {
        let resolution = request.status.resolution().filter(|_| sight.outcome);
        Self {
            id: request.id,
            case: request.case,
            author: request.author,
            on_behalf: request.on_behalf,
            category: request.category.name(),
            urgency: request.urgency.name(),
            status: request.status.name(),
            resolution: resolution.cloned(),
            assigned_to: request.assigned_to,
            created_at: request.created_at,
            acknowledged_at: request.acknowledged_at,
            seconds_to_acknowledge: request
                .acknowledged_at
                .map(|at| at.duration_since(request.created_at).as_secs()),
            resolved_at: request.resolved_at,
            closed_at: request.closed_at,
            updated_at: request.updated_at,
            envelope: sight.envelope.then(|| STANDARD.encode(&request.envelope)),
        }
    }
}
