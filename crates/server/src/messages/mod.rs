//! End-to-end encrypted messages: upload (structure and recipients checked,
//! content never seen), the relay flow, and the inbox and outbox.

use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::ContentType;
use passerelle_domain::policy::Action;
use passerelle_domain::{AccountId, CaseId, HoldReason, Membership, MessageId, MessageStatus};
use passerelle_store::audit::Outcome;
use passerelle_store::{NewMessage, StoredMessage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod flow;
mod list;

pub(crate) use flow::contacts;
use flow::{author_of, require_flow, visible};
pub use list::{__path_list, list};

use crate::access::{self, Touch};
use crate::auth::Caller;
use crate::events;
use crate::sealed;
use crate::state::{Json, Path};
use crate::{ApiError, AppState};
use passerelle_store::bus::EventKind;

/// An envelope to relay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Upload {
    /// The sealed envelope, standard base64.
    pub envelope: String,
    /// A worker recording a reply for a detained person without a device
    /// names that person here; the message is marked as written on their behalf.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub on_behalf_of: Option<AccountId>,
}

/// A message as its parties see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// The server's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: MessageId,
    /// The case.
    #[schema(value_type = String, format = Uuid)]
    pub case: CaseId,
    /// Who uploaded it.
    #[schema(value_type = String, format = Uuid)]
    pub sender: AccountId,
    /// The detained person a worker wrote it for, if so.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub on_behalf_of: Option<AccountId>,
    /// `pending_relay`, `held`, `delivered` or `read`, with the hold reason
    /// or whether it was delivered in person.
    #[schema(value_type = Object)]
    pub status: MessageStatus,
    /// When it was received.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// When its status last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: jiff::Timestamp,
    /// The envelope, standard base64.
    pub envelope: String,
}

impl MessageView {
    fn of(m: StoredMessage) -> Self {
        Self {
            id: m.id,
            case: m.case,
            sender: m.sender,
            on_behalf_of: m.on_behalf_of,
            status: m.status,
            created_at: m.created_at,
            updated_at: m.updated_at,
            envelope: STANDARD.encode(&m.envelope),
        }
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::InvalidEnvelope(message.into())
}

/// Uploads a message to a case. The server checks the envelope's structure,
/// that it is sealed with the sender's current key, and that its recipients
/// are exactly the addressees plus every worker of the case who has a key:
/// nobody outside the case, no relative to another relative.
#[utoipa::path(post, path = "/api/v1/cases/{case}/messages", tag = "messages", request_body = Upload,
    params(("case" = String, Path, format = Uuid)),
    responses((status = 201, body = MessageView), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody), (status = 413, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(case): Path<CaseId>,
    Json(request): Json<Upload>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let touch = Touch {
        action: "message.send",
        kind: "message",
        id: None,
        owner: Some(caller.account.id),
    };
    let access = access::gate(&state, &caller, case, Action::ViewCase, touch).await?;
    let parties = &access.parties;
    let mine = access
        .membership(caller.account.id)
        .ok_or(ApiError::NotFound)?;
    let sealed = sealed::check(
        &state,
        &access,
        &caller,
        &request.envelope,
        ContentType::Message,
    )
    .await?;
    let membership_of_party = |account: AccountId| {
        parties
            .iter()
            .find(|p| p.account == account)
            .map(|p| p.membership)
    };

    let on_behalf_of = match request.on_behalf_of {
        None => None,
        Some(detainee)
            if mine == Membership::Worker
                && membership_of_party(detainee) == Some(Membership::Detainee) =>
        {
            Some(detainee)
        }
        Some(_) => {
            return Err(ApiError::Forbidden(
                "only a worker of the case writes on behalf of its detained person",
            ));
        }
    };
    // Who the message speaks for decides whom it may address.
    let author = if on_behalf_of.is_some() {
        Membership::Detainee
    } else {
        mine
    };

    for account in &sealed.recipients {
        let theirs = membership_of_party(*account)
            .ok_or_else(|| invalid("the envelope names a key outside the case"))?;
        let allowed = *account == caller.account.id
            || matches!(
                (author, theirs),
                (_, Membership::Worker)
                    | (Membership::Worker, _)
                    | (Membership::Relative { .. }, Membership::Detainee)
                    | (Membership::Detainee, Membership::Relative { .. })
            );
        if !allowed {
            return Err(invalid(
                "a relative writes to the detained person and the workers only",
            ));
        }
    }
    let recipients = sealed.recipients;

    // Between the detained person and a relative, consent and restrictions
    // decide; a refusal never says which.
    let author = on_behalf_of.unwrap_or(caller.account.id);
    require_flow(&state, &caller, &access, author, &recipients, touch).await?;

    // Staff need no relay; relatives and detained persons go through one.
    let status = if mine == Membership::Worker {
        MessageStatus::Delivered { in_person: false }
    } else {
        MessageStatus::PendingRelay
    };
    let message = NewMessage {
        case,
        sender: caller.account.id,
        envelope_id: sealed.envelope_id,
        envelope: sealed.bytes,
        recipients,
        on_behalf_of,
        status,
        // Recorded with the message, in the same transaction.
        audit: access::entry(&state, &caller, Some(case), touch, Outcome::Allowed),
    };
    let stored = state
        .store
        .insert_message(&message, state.now())
        .await
        .map_err(|e| match e {
            passerelle_store::StoreError::Conflict(_) => ApiError::conflict(
                "replayed",
                "this message id was already used by this sender",
            ),
            other => other.into(),
        })?;
    tracing::info!(message = %stored.id, case = %case, bytes = stored.envelope.len(), "message stored");
    events::publish(&state, EventKind::MessageNew, &stored, &access).await;
    Ok((StatusCode::CREATED, Json(MessageView::of(stored))))
}

/// One message.
#[utoipa::path(get, path = "/api/v1/messages/{message}", tag = "messages",
    params(("message" = String, Path, format = Uuid)),
    responses((status = 200, body = MessageView), (status = 404, body = crate::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<MessageId>,
) -> Result<Json<MessageView>, ApiError> {
    let (message, _, _) = visible(&state, &caller, id, "message.view").await?;
    let touch = Touch {
        action: "message.view",
        kind: "message",
        id: Some(id.as_uuid()),
        owner: Some(message.sender),
    };
    access::record(&state, &caller, Some(message.case), touch, Outcome::Allowed).await?;
    Ok(Json(MessageView::of(message)))
}

/// A relay step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    /// Make it available to its addressee.
    Relay,
    /// Hand it over or read it out during a visit.
    DeliverInPerson,
    /// Hold it, with a reason the sender sees.
    Hold {
        /// Why.
        reason: String,
    },
    /// The addressee has read it.
    Read,
}

/// Moves a message along the relay flow. Workers of the case relay, hold and
/// deliver in person; the addressee marks it read (a worker may, after
/// delivering in person). An impossible step is 409 `invalid_transition`.
#[utoipa::path(post, path = "/api/v1/messages/{message}/status", tag = "messages", request_body = Step,
    params(("message" = String, Path, format = Uuid)),
    responses((status = 200, body = MessageView), (status = 403, body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<MessageId>,
    Json(step): Json<Step>,
) -> Result<Json<MessageView>, ApiError> {
    let action = match step {
        Step::Relay => "message.relay",
        Step::DeliverInPerson => "message.deliver_in_person",
        Step::Hold { .. } => "message.hold",
        Step::Read => "message.mark_read",
    };
    let (message, membership, access) = visible(&state, &caller, id, action).await?;
    let touch = Touch {
        action,
        kind: "message",
        id: Some(id.as_uuid()),
        owner: Some(message.sender),
    };
    let staff = membership == Membership::Worker;
    if staff && matches!(step, Step::Relay | Step::DeliverInPerson) {
        // Relaying to a restricted relative, or one without consent, is refused.
        let author = author_of(&message);
        require_flow(&state, &caller, &access, author, &message.recipients, touch).await?;
    }
    let next = match step {
        Step::Relay | Step::DeliverInPerson | Step::Hold { .. } if !staff => {
            return Err(ApiError::Forbidden("only a worker of the case relays"));
        }
        Step::Relay => message.status.relay()?,
        Step::DeliverInPerson => message.status.deliver_in_person()?,
        Step::Hold { reason } => message.status.hold(HoldReason::new(&reason)?)?,
        Step::Read => {
            let in_person = matches!(message.status, MessageStatus::Delivered { in_person: true });
            let addressee = !staff && message.sender != caller.account.id;
            if !(addressee || (staff && in_person)) {
                return Err(ApiError::Forbidden(
                    "only the addressee marks a message read",
                ));
            }
            message.status.read()?
        }
    };
    if next == message.status {
        return Ok(Json(MessageView::of(message)));
    }
    let updated = state
        .store
        .set_message_status(id, &message.status, &next, state.now())
        .await?;
    access::record(&state, &caller, Some(updated.case), touch, Outcome::Allowed).await?;
    tracing::info!(message = %id, status = updated.status.name(), "message status changed");
    events::publish(&state, EventKind::MessageStatus, &updated, &access).await;
    Ok(Json(MessageView::of(updated)))
}
