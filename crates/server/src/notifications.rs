//! The in-app notification inbox: every account's list of "something
//! changed for you", with live push, and the reminder pump that turns due
//! reminders into notifications.

use axum::Router;
use passerelle_store::bus::{Event, EventKind};
use passerelle_store::notify::{NewNotification, Notification};
use utoipa::OpenApi;

use crate::AppState;

/// The routes of this module, under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
}

/// The part of the OpenAPI document this module serves.
#[derive(OpenApi)]
#[openapi()]
pub struct Doc;

/// Writes `notes` to their accounts' inboxes and pushes a live event to
/// each. The change they announce is already committed, so a failure here is
/// logged rather than answered: the item itself still shows in its list.
pub async fn tell(state: &AppState, notes: Vec<NewNotification>) {
    if notes.is_empty() {
        return;
    }
    match state.store.notify(&notes, state.now()).await {
        Ok(stored) => push(state, &stored).await,
        Err(error) => tracing::error!(%error, "could not write notifications"),
    }
}

/// Pushes one live event per stored notification.
pub async fn push(state: &AppState, stored: &[Notification]) {
    for note in stored {
        let event = Event {
            kind: EventKind::Notification,
            case: note.case,
            object: note.id,
            audience: vec![note.account],
        };
        if let Err(error) = state.bus.publish(&event).await {
            tracing::warn!(%error, "could not publish a notification event");
        }
    }
}
