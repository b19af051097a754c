//! The inbox and the outbox, by cursor, filtered by the policy.

use std::collections::HashMap;

use axum::extract::State;
use passerelle_domain::CaseId;
use passerelle_domain::policy::Action;
use passerelle_store::audit::Outcome;
use passerelle_store::{Mailbox, MailboxQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::MessageView;
use super::flow::{author_of, flow};
use crate::access::{self, CaseAccess, Touch};
use crate::auth::Caller;
use crate::state::{Json, Query};
use crate::{ApiError, AppState};

/// Which page of which mailbox.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `inbox` (the default) or `outbox`.
    #[serde(default)]
    pub mailbox: MailboxName,
    /// Only this case.
    #[param(value_type = Option<String>, format = Uuid)]
    pub case: Option<CaseId>,
    /// The `next` cursor of the previous page.
    pub before: Option<i64>,
    /// Page size, 1 to 100 (default 50).
    pub limit: Option<u32>,
}

/// Inbox or outbox.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailboxName {
    /// Messages to the caller.
    #[default]
    Inbox,
    /// Messages from the caller.
    Outbox,
}

/// A page of messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page {
    /// Newest first.
    pub items: Vec<MessageView>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next: Option<i64>,
}

/// The caller's inbox or outbox, newest first, by cursor.
#[utoipa::path(get, path = "/api/v1/messages", tag = "messages", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::BadRequest("limit is 1 to 100".to_owned()));
    }
    let touch = Touch {
        action: "message.list",
        kind: "mailbox",
        id: None,
        owner: Some(caller.account.id),
    };
    if let Some(case) = query.case {
        access::gate(&state, &caller, case, Action::ViewCase, touch).await?;
    }
    let mailbox = match query.mailbox {
        MailboxName::Inbox => Mailbox::Inbox,
        MailboxName::Outbox => Mailbox::Outbox,
    };
    // The listing is allowed by now: its trail row is written while the
    // page is read, and the page is answered only once the row is durable.
    let page = state.store.mailbox(
        caller.account.id,
        mailbox,
        MailboxQuery {
            case: query.case,
            before: query.before,
            limit,
            relayed_only: !caller.account.role.is_staff(),
        },
    );
    let recorded = access::record(&state, &caller, query.case, touch, Outcome::Allowed);
    let (items, ()) = tokio::try_join!(async { Ok::<_, ApiError>(page.await?) }, recorded)?;
    // The cursor follows the page as stored; what the policy filters out
    // below does not end the listing early.
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|m| m.seq))
        .flatten();
    let items = if caller.account.role.is_staff() {
        items
    } else {
        let now = state.now();
        let mut cases: HashMap<CaseId, Option<CaseAccess>> = HashMap::new();
        let mut kept = Vec::with_capacity(items.len());
        for message in items {
            if let std::collections::hash_map::Entry::Vacant(slot) = cases.entry(message.case) {
                slot.insert(CaseAccess::load_for(&state, &caller, message.case).await?);
            }
            let allowed = message.sender == caller.account.id
                || cases
                    .get(&message.case)
                    .and_then(Option::as_ref)
                    .is_some_and(|access| {
                        flow(
                            access,
                            &caller.account,
                            author_of(&message),
                            &message.recipients,
                            now,
                        )
                        .is_allowed()
                    });
            if allowed {
                kept.push(message);
            }
        }
        kept
    };
    Ok(Json(Page {
        items: items.into_iter().map(MessageView::of).collect(),
        next,
    }))
}
