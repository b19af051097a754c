//! The gate in front of case data: it gathers a case's facts, asks the one
//! policy function (`passerelle_domain::policy::decide`), and writes the
//! attempt to the audit trail, denials included. No handler decides access
//! by itself.

use std::sync::Arc;

use jiff::Timestamp;
use passerelle_domain::policy::{self, Action, Actor, CaseFacts, Decision, Denial};
use passerelle_domain::{AccountId, CaseId, ConsentRecord, Membership, Party, Restriction, Scope};
use passerelle_store::audit::{AuditEntry, Outcome};
use passerelle_store::{Account, Case};
use uuid::Uuid;

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// What the trail says was touched.
#[derive(Debug, Clone, Copy)]
pub struct Touch {
    /// A dotted action name, `case.view` or `message.relay`.
    pub action: &'static str,
    /// The kind of object.
    pub kind: &'static str,
    /// The object, when it has an id.
    pub id: Option<Uuid>,
    /// Whose item it is, when someone's.
    pub owner: Option<AccountId>,
}

impl Touch {
    /// Something of the case itself, owned by its detained person.
    pub fn case(action: &'static str) -> Self {
        Self {
            action,
            kind: "case",
            id: None,
            owner: None,
        }
    }
}

/// A case with everything the policy needs to answer about it.
#[derive(Debug, Clone)]
pub struct CaseAccess {
    /// The case.
    pub case: Case,
    /// Its parties.
    pub parties: Vec<Party>,
    /// Its consent history, oldest first.
    pub consents: Vec<ConsentRecord>,
    /// Its restrictions, lifted ones included.
    pub restrictions: Vec<Restriction>,
}

impl CaseAccess {
    /// The case's facts, or `None` if there is no such case.
    pub async fn load(state: &AppState, case: CaseId) -> Result<Option<Self>, ApiError> {
        let Some(found) = state.store.case(case).await? else {
            return Ok(None);
        };
        let (parties, consents, restrictions) = tokio::try_join!(
            state.store.parties(case),
            state.store.consents(case),
            state.store.restrictions(case),
        )?;
        Ok(Some(Self {
            case: found,
            parties,
            consents,
            restrictions,
        }))
    }

    /// [`CaseAccess::load`] for `caller`'s request: kept facts when the
    /// access generation read with its session has not moved since they
    /// were read (`crate::facts`).
    pub async fn load_for(
        state: &AppState,
        caller: &Caller,
        case: CaseId,
    ) -> Result<Option<Self>, ApiError> {
        if let Some(kept) = state.facts.access.get(caller.generation, &case) {
            return Ok(Some((*kept).clone()));
        }
        let loaded = Self::load(state, case).await?;
        if let Some(access) = &loaded {
            state
                .facts
                .access
                .put(caller.generation, case, Arc::new(access.clone()));
        }
        Ok(loaded)
    }

    /// What `account` is to the case.
    pub fn membership(&self, account: AccountId) -> Option<Membership> {
        self.parties
            .iter()
            .find(|p| p.account == account)
            .map(|p| p.membership)
    }

    /// The detained person's account, if they have one.
    pub fn detainee(&self) -> Option<AccountId> {
        self.parties
            .iter()
            .find(|p| p.membership == Membership::Detainee)
            .map(|p| p.account)
    }

    /// Whether `viewer` may know of `party`: relatives never see one
    /// another, a protected relative is hidden from the detained person, and
    /// the detained person from a relative who may not write to them (no
    /// consent, or a restriction).
    pub fn shows(&self, viewer: &Account, party: &Party, at: Timestamp) -> bool {
        match party.membership {
            Membership::Relative { .. } => self
                .decide(viewer, Action::SeeRelative(party.account), at)
                .is_allowed(),
            Membership::Detainee
                if matches!(
                    self.membership(viewer.id),
                    Some(Membership::Relative { .. })
                ) =>
            {
                let action = Action::Contact {
                    relative: viewer.id,
                    scope: Scope::Messages,
                };
                self.decide(viewer, action, at).is_allowed()
            }
            Membership::Worker | Membership::Detainee => true,
        }
    }

    /// The case's facts, as the policy reads them.
    pub fn facts(&self) -> CaseFacts<'_> {
        CaseFacts {
            service: self.case.service,
            consents: &self.consents,
            restrictions: &self.restrictions,
        }
    }

    /// The policy's answer for `account` doing `action` at `at`.
    pub fn decide(&self, account: &Account, action: Action, at: Timestamp) -> Decision {
        let actor = Actor {
            account: account.id,
            role: account.role,
            service: account.service,
            membership: self.membership(account.id),
        };
        policy::decide(&actor, action, &self.facts(), at)
    }
}

/// The error a denial is answered with.
pub fn refusal(denial: Denial) -> ApiError {
    match denial {
        Denial::NotAParty => ApiError::NotFound,
        Denial::NotPermitted => ApiError::Forbidden("this is not yours to do in this case"),
        Denial::NoConsent(_) | Denial::Restricted => ApiError::NotAvailable,
    }
}

/// Records that `caller` was refused `touch` in `case` because their part
/// in the case does not take this step, and gives the answer: 403 with
/// `message`. Fails only if the trail cannot be written.
pub async fn forbid(
    state: &AppState,
    caller: &Caller,
    case: CaseId,
    touch: Touch,
    message: &'static str,
) -> ApiError {
    let denied = Outcome::Denied(Denial::NotPermitted);
    match record(state, caller, Some(case), touch, denied).await {
        Ok(()) => ApiError::Forbidden(message),
        Err(error) => error,
    }
}

/// Appends one row for `caller` touching `touch` in `case`.
pub async fn record(
    state: &AppState,
    caller: &Caller,
    case: Option<CaseId>,
    touch: Touch,
    outcome: Outcome,
) -> Result<(), ApiError> {
    if let Some(entry) = entry(state, caller, case, touch, outcome) {
        state.store.append_audit(&[entry]).await?;
    }
    Ok(())
}

/// The row [`record`] would append, for a store call that writes it in the
/// same transaction as the change; `None` when the trail is off.
pub fn entry(
    state: &AppState,
    caller: &Caller,
    case: Option<CaseId>,
    touch: Touch,
    outcome: Outcome,
) -> Option<AuditEntry> {
    state.audit.then(|| AuditEntry {
        at: state.now(),
        actor: Some(caller.account.id),
        action: touch.action,
        object_kind: touch.kind,
        object_id: touch.id,
        case,
        owner: touch.owner,
        outcome,
    })
}

/// Loads `case`, asks the policy whether `caller` may do `action`, and on a
/// denial records it and answers with the matching error. An allowed
/// action is recorded by the caller once it has happened ([`record`]).
pub async fn gate(
    state: &AppState,
    caller: &Caller,
    case: CaseId,
    action: Action,
    touch: Touch,
) -> Result<CaseAccess, ApiError> {
    let access = CaseAccess::load_for(state, caller, case).await?;
    let decision = match &access {
        None => Decision::Deny(Denial::NotAParty),
        Some(access) => access.decide(&caller.account, action, state.now()),
    };
    match (decision, access) {
        (Decision::Allow, Some(access)) => Ok(access),
        (decision, _) => {
            let denial = match decision {
                Decision::Deny(denial) => denial,
                Decision::Allow => Denial::NotAParty,
            };
            record(state, caller, Some(case), touch, Outcome::Denied(denial)).await?;
            Err(refusal(denial))
        }
    }
}

/// [`gate`], then records the allowed access at once: for reads, where
/// answering is the access.
pub async fn gate_read(
    state: &AppState,
    caller: &Caller,
    case: CaseId,
    action: Action,
    mut touch: Touch,
) -> Result<CaseAccess, ApiError> {
    let access = gate(state, caller, case, action, touch).await?;
    if touch.owner.is_none() && touch.kind == "case" {
        touch.owner = access.detainee();
    }
    record(state, caller, Some(case), touch, Outcome::Allowed).await?;
    Ok(access)
}
