//! Live push: `GET /api/v1/events` streams server-sent events telling the
//! caller that something changed for them. Ids only, never content; the
//! client then fetches what it may see.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use jiff::Timestamp;
use passerelle_domain::{AccountId, Membership, MessageStatus, Scope};
use passerelle_store::StoredMessage;
use passerelle_store::bus::{Event, EventKind};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt};

use crate::AppState;
use crate::access::CaseAccess;
use crate::auth::Caller;
use crate::messages::contacts;

/// The caller's events from now on, as `event: message_new` or
/// `event: message_status` with `{"case", "message"}`, or
/// `event: notification` with `{"case", "notification"}`; `event: resync`
/// when the stream fell behind and the client should refetch.
#[utoipa::path(get, path = "/api/v1/events", tag = "messages",
    responses((status = 200, description = "text/event-stream"), (status = 401, body = crate::ErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let me = caller.account.id;
    let events = BroadcastStream::new(state.bus.subscribe()).filter_map(move |item| match item {
        Ok(event) if event.audience.contains(&me) => {
            let (name, object) = match event.kind {
                EventKind::MessageNew => ("message_new", "message"),
                EventKind::MessageStatus => ("message_status", "message"),
                EventKind::Notification => ("notification", "notification"),
            };
            let data = serde_json::json!({ "case": event.case, object: event.object });
            Some(Ok(SseEvent::default().event(name).data(data.to_string())))
        }
        Ok(_) => None,
        Err(BroadcastStreamRecvError::Lagged(_)) => {
            Some(Ok(SseEvent::default().event("resync").data("{}")))
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}

/// Who may hear of `message` in its current state: its sender, the workers
/// among its recipients, and the other recipients once it is relayed, so a
/// detained person does not learn of a message a worker has not relayed.
/// Between the detained person and a relative, the policy decides too: a
/// relative without consent, or under a restriction, hears nothing of it,
/// and neither does the detained person of such a relative's message.
pub fn audience(message: &StoredMessage, access: &CaseAccess, at: Timestamp) -> Vec<AccountId> {
    let relayed = matches!(
        message.status,
        MessageStatus::Delivered { .. } | MessageStatus::Read
    );
    let author = message.on_behalf_of.unwrap_or(message.sender);
    let facts = access.facts();
    let barred: Vec<AccountId> = contacts(access, author, &message.recipients)
        .into_iter()
        .filter(|r| !facts.contact(*r, Scope::Messages, at).is_allowed())
        .collect();
    let mut audience = vec![message.sender];
    for recipient in &message.recipients {
        let hears = match access.membership(*recipient) {
            Some(Membership::Worker) => true,
            Some(Membership::Detainee) => relayed && !barred.contains(&author),
            Some(Membership::Relative { .. }) => relayed && !barred.contains(recipient),
            None => false,
        };
        if hears && !audience.contains(recipient) {
            audience.push(*recipient);
        }
    }
    audience
}

/// Publishes, logging rather than failing the request: the write is already
/// committed, and a missed push is repaired by the client's next fetch.
pub async fn publish(
    state: &AppState,
    kind: EventKind,
    message: &StoredMessage,
    access: &CaseAccess,
) {
    let event = Event {
        kind,
        case: Some(message.case),
        object: message.id.as_uuid(),
        audience: audience(message, access, state.now()),
    };
    if let Err(error) = state.bus.publish(&event).await {
        tracing::warn!(%error, "could not publish an event");
    }
}
