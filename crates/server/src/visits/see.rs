//! Who may see a visit request, and what of it: the answer shared by the
//! list, the single view and the flow.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_domain::policy::{Action, Decision, Denial};
use passerelle_domain::visit::{
    Appointment, Forwarding, PreferredDate, VisitId, VisitKind, VisitStatus,
};
use passerelle_domain::{AccountId, CaseId, Membership, Scope};
use passerelle_store::audit::Outcome;
use passerelle_store::visits::VisitRequest;
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// A visit request as one party sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitView {
    /// The server's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: VisitId,
    /// The case.
    #[schema(value_type = String, format = Uuid)]
    pub case: CaseId,
    /// The relative who asked.
    #[schema(value_type = String, format = Uuid)]
    pub relative: AccountId,
    /// `ordinary`, `extended_family` or `video`.
    #[schema(value_type = String)]
    pub kind: VisitKind,
    /// The preferred dates, each with a slot (`morning`, `afternoon`, `any`).
    #[schema(value_type = Vec<Object>)]
    pub dates: Vec<PreferredDate>,
    /// How many adults visit.
    pub adults: u8,
    /// The age of each visiting minor.
    pub minor_ages: Vec<u8>,
    /// `submitted`, `under_review`, `forwarded`, `scheduled`, `refused`,
    /// `done` or `cancelled`, with the details of that step.
    #[schema(value_type = Object)]
    pub status: VisitStatus,
    /// The forwarding to the prison's visit service, once recorded.
    #[schema(value_type = Option<Object>)]
    pub forwarding: Option<Forwarding>,
    /// The last appointment given, once scheduled.
    #[schema(value_type = Option<Object>)]
    pub appointment: Option<Appointment>,
    /// When it was submitted.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// When it last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: jiff::Timestamp,
    /// The sealed note, standard base64; only for the parties it is sealed
    /// to.
    pub note: Option<String>,
}

impl VisitView {
    /// The view of `visit` for `viewer`: the note only if it is sealed to them.
    pub fn of(visit: VisitRequest, viewer: AccountId) -> Self {
        let note = (visit.relative == viewer || visit.note_readers.contains(&viewer))
            .then(|| STANDARD.encode(&visit.envelope));
        Self {
            id: visit.id,
            case: visit.case,
            relative: visit.relative,
            kind: visit.kind,
            dates: visit.dates.as_slice().to_vec(),
            adults: visit.visitors.adults(),
            minor_ages: visit.visitors.minor_ages().to_vec(),
            status: visit.status,
            forwarding: visit.forwarding,
            appointment: visit.appointment,
            created_at: visit.created_at,
            updated_at: visit.updated_at,
            note,
        }
    }
}

/// What `caller`'s place in the case lets them see of one request:
/// `Allow`, or the denial to record. Workers see every request of their
/// cases; a relative their own, with `visits` consent and no restriction;
/// the detained person those of relatives they may be in contact with.
pub fn sees(
    state: &AppState,
    access: &CaseAccess,
    caller: &Caller,
    visit: &VisitRequest,
) -> Decision {
    let me = &caller.account;
    let at = state.now();
    match access.membership(me.id) {
        Some(Membership::Worker) => Decision::Allow,
        Some(Membership::Relative { .. }) if visit.relative != me.id => {
            // Relatives never see one another's requests.
            Decision::Deny(Denial::NotPermitted)
        }
        Some(Membership::Relative { .. } | Membership::Detainee) => {
            let action = Action::Contact {
                relative: visit.relative,
                scope: Scope::Visits,
            };
            access.decide(me, action, at)
        }
        None => Decision::Deny(Denial::NotAParty),
    }
}

/// The answer to a denial of [`sees`]: a relative is told their own
/// request is not available (consent or restriction, never which); for
/// anyone else the request does not exist, so a protected relative's
/// requests are never revealed to the detained person.
pub fn refusal(
    access: &CaseAccess,
    caller: &Caller,
    visit: &VisitRequest,
    denial: Denial,
) -> ApiError {
    let own = visit.relative == caller.account.id
        && matches!(
            access.membership(caller.account.id),
            Some(Membership::Relative { .. })
        );
    match denial {
        Denial::NoConsent(_) | Denial::Restricted if own => ApiError::NotAvailable,
        _ => ApiError::NotFound,
    }
}

/// Loads a request and its case and checks that `caller` may see it; a
/// denial is recorded against `action` and answered as [`refusal`] says.
pub async fn visible(
    state: &AppState,
    caller: &Caller,
    id: VisitId,
    action: &'static str,
) -> Result<(VisitRequest, CaseAccess, Touch), ApiError> {
    let visit = state.store.visit(id).await?.ok_or(ApiError::NotFound)?;
    let touch = Touch {
        action,
        kind: "visit",
        id: Some(id.as_uuid()),
        owner: Some(visit.relative),
    };
    let access = access::gate(state, caller, visit.case, Action::ViewCase, touch).await?;
    if let Decision::Deny(denial) = sees(state, &access, caller, &visit) {
        let case = Some(visit.case);
        access::record(state, caller, case, touch, Outcome::Denied(denial)).await?;
        return Err(refusal(&access, caller, &visit, denial));
    }
    Ok((visit, access, touch))
}

/// Asks the policy whether `caller` may do `action`; a denial is recorded
/// against `touch` and answered (`not_available` for consent and
/// restrictions, never which).
pub async fn require(
    state: &AppState,
    access: &CaseAccess,
    caller: &Caller,
    action: Action,
    touch: Touch,
) -> Result<(), ApiError> {
    if let Decision::Deny(denial) = access.decide(&caller.account, action, state.now()) {
        let case = Some(access.case.id);
        access::record(state, caller, case, touch, Outcome::Denied(denial)).await?;
        return Err(access::refusal(denial));
    }
    Ok(())
}

/// Records a denial of `touch` for a step the caller's role does not take,
/// and answers it.
pub async fn not_permitted(
    state: &AppState,
    access: &CaseAccess,
    caller: &Caller,
    touch: Touch,
    message: &'static str,
) -> Result<(), ApiError> {
    Err(access::forbid(state, caller, access.case.id, touch, message).await)
}
