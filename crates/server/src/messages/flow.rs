//! Who a message passes between, and whether the policy lets it: the
//! consent and restriction checks shared by upload, relay and reading.

use passerelle_domain::policy::{Action, Decision};
use passerelle_domain::{AccountId, Membership, MessageId, MessageStatus, Scope};
use passerelle_store::audit::Outcome;
use passerelle_store::{Account, StoredMessage};

use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// The relatives a message passes between the detained person and: every
/// relative it is addressed to when the detained person wrote it (or a
/// worker for them), or its relative author when it is addressed to the
/// detained person.
pub(crate) fn contacts(
    access: &CaseAccess,
    author: AccountId,
    recipients: &[AccountId],
) -> Vec<AccountId> {
    match access.membership(author) {
        Some(Membership::Detainee) => recipients
            .iter()
            .copied()
            .filter(|r| matches!(access.membership(*r), Some(Membership::Relative { .. })))
            .collect(),
        Some(Membership::Relative { .. })
            if access.detainee().is_some_and(|d| recipients.contains(&d)) =>
        {
            vec![author]
        }
        _ => Vec::new(),
    }
}

/// Whether `actor` may send, relay or see a message from `author` to
/// `recipients`: the policy's `Contact` answer for every relative the
/// message passes between, as far as the actor is concerned (a relative
/// answers only for themselves).
pub(super) fn flow(
    access: &CaseAccess,
    actor: &Account,
    author: AccountId,
    recipients: &[AccountId],
    at: jiff::Timestamp,
) -> Decision {
    let relative_actor = matches!(
        access.membership(actor.id),
        Some(Membership::Relative { .. })
    );
    contacts(access, author, recipients)
        .into_iter()
        .filter(|relative| !relative_actor || *relative == actor.id)
        .map(|relative| {
            let action = Action::Contact {
                relative,
                scope: Scope::Messages,
            };
            access.decide(actor, action, at)
        })
        .find(|decision| !decision.is_allowed())
        .unwrap_or(Decision::Allow)
}

/// [`flow`] for `caller`, answered: a denial is recorded against `touch`
/// in the case's trail and refused as `not_available`.
pub(super) async fn require_flow(
    state: &AppState,
    caller: &Caller,
    access: &CaseAccess,
    author: AccountId,
    recipients: &[AccountId],
    touch: Touch,
) -> Result<(), ApiError> {
    let decision = flow(access, &caller.account, author, recipients, state.now());
    if let Decision::Deny(denial) = decision {
        let case = Some(access.case.id);
        access::record(state, caller, case, touch, Outcome::Denied(denial)).await?;
        return Err(access::refusal(denial));
    }
    Ok(())
}

/// Who wrote a message, for the policy: the detained person when a worker
/// recorded it for them.
pub(super) fn author_of(message: &StoredMessage) -> AccountId {
    message.on_behalf_of.unwrap_or(message.sender)
}

/// A message the caller may see: its sender, or a recipient (relatives and
/// detained persons once it is relayed, and while consent and restrictions
/// allow the contact). Otherwise 404, or 403 `not_available`.
pub(super) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: MessageId,
    action: &'static str,
) -> Result<(StoredMessage, Membership, CaseAccess), ApiError> {
    let message = state.store.message(id).await?.ok_or(ApiError::NotFound)?;
    let touch = Touch {
        action,
        kind: "message",
        id: Some(id.as_uuid()),
        owner: Some(message.sender),
    };
    let access = access::gate(state, caller, message.case, Action::ViewCase, touch).await?;
    let membership = access
        .membership(caller.account.id)
        .ok_or(ApiError::NotFound)?;
    let is_sender = message.sender == caller.account.id;
    let is_recipient = message.recipients.contains(&caller.account.id);
    let relayed = matches!(
        message.status,
        MessageStatus::Delivered { .. } | MessageStatus::Read
    );
    let staff = membership == Membership::Worker;
    if !(is_sender || (is_recipient && (staff || relayed))) {
        return Err(ApiError::NotFound);
    }
    if !is_sender && !staff {
        let author = author_of(&message);
        require_flow(state, caller, &access, author, &message.recipients, touch).await?;
    }
    Ok((message, membership, access))
}
