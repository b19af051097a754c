//! The steps of a visit request, who takes each, and what follows: the
//! relative is told, and a scheduled visit gets its reminder the day before.

use axum::extract::State;
use jiff::civil::{Date, Time};
use passerelle_domain::policy::Action;
use passerelle_domain::visit::{
    Appointment, Forwarding, Place, Reason, Reference, Side, VisitId, VisitStatus, brussels_today,
};
use passerelle_domain::{Membership, Scope};
use passerelle_store::StoreError;
use passerelle_store::audit::Outcome;
use passerelle_store::notify::NewNotification;
use passerelle_store::visits::VisitRequest;
use serde::Deserialize;
use utoipa::ToSchema;

use super::see::{self, VisitView};
use crate::access::{self, CaseAccess};
use crate::auth::Caller;
use crate::state::{Json, Path};
use crate::{ApiError, AppState, notifications};

/// A step of the visit flow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// A worker takes up a submitted request.
    Review,
    /// A worker forwards it to the prison's visit service.
    Forward {
        /// The visit service's reference, if it gave one (up to 100
        /// characters).
        #[serde(default)]
        reference: Option<String>,
    },
    /// A worker records the appointment the visit service gave (again, to
    /// reschedule).
    Schedule {
        /// The day, `2026-12-09`.
        #[schema(value_type = String, format = Date)]
        date: Date,
        /// The time it starts, Brussels time, `14:30`.
        #[schema(value_type = String)]
        time: Time,
        /// Where (up to 200 characters).
        place: String,
    },
    /// A worker records a refusal, with a reason the relative sees (up to
    /// 500 characters).
    Refuse {
        /// Why.
        reason: String,
    },
    /// A worker records that the visit took place.
    Done,
    /// The relative or a worker cancels.
    Cancel {
        /// Why, if they say (up to 500 characters).
        #[serde(default)]
        reason: Option<String>,
    },
}

fn action_name(step: &Step) -> &'static str {
    match step {
        Step::Review => "visit.review",
        Step::Forward { .. } => "visit.forward",
        Step::Schedule { .. } => "visit.schedule",
        Step::Refuse { .. } => "visit.refuse",
        Step::Done => "visit.done",
        Step::Cancel { .. } => "visit.cancel",
    }
}

/// Moves a visit request along its flow. Workers of the case review,
/// forward, schedule, refuse and mark done; forwarding and scheduling need
/// the relative's `visits` consent and no restriction (403
/// `not_available`). The relative who asked, or a worker, cancels. An
/// impossible step is 409 `invalid_transition`; a step that lost a race
/// with another is 409 `conflict`.
#[utoipa::path(post, path = "/api/v1/visits/{visit}/status", tag = "visits", request_body = Step,
    params(("visit" = String, Path, format = Uuid)),
    responses((status = 200, body = VisitView), (status = 400, body = crate::ErrorBody),
        (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody),
        (status = 409, body = crate::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<VisitId>,
    Json(step): Json<Step>,
) -> Result<Json<VisitView>, ApiError> {
    let action = action_name(&step);
    let (visit, access, touch) = see::visible(&state, &caller, id, action).await?;
    let me = caller.account.id;
    let worker = access.membership(me) == Some(Membership::Worker);
    let own_relative = visit.relative == me;
    let allowed_role = match step {
        Step::Cancel { .. } => worker || own_relative,
        _ => worker,
    };
    if !allowed_role {
        see::not_permitted(
            &state,
            &access,
            &caller,
            touch,
            "only a worker of the case does this",
        )
        .await?;
    }
    if matches!(step, Step::Forward { .. } | Step::Schedule { .. }) {
        // A worker does not arrange a visit the detained person's consent or
        // a restriction no longer allows.
        let contact = Action::Contact {
            relative: visit.relative,
            scope: Scope::Visits,
        };
        see::require(&state, &access, &caller, contact, touch).await?;
    }
    let next = next_status(&state, &caller, &visit, step, worker)?;
    let updated = state
        .store
        .set_visit_status(id, visit.revision, &next, me, state.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::conflict(
                "conflict",
                "the visit request changed in the meantime; reload it",
            ),
            other => other.into(),
        })?;
    access::record(&state, &caller, Some(updated.case), touch, Outcome::Allowed).await?;
    tracing::info!(visit = %id, status = updated.status.name(), "visit status changed");
    super::remind::follow(&state, &access, &visit.status, &updated).await;
    tell(&state, &access, &caller, &updated).await;
    Ok(Json(VisitView::of(updated, me)))
}

fn next_status(
    state: &AppState,
    caller: &Caller,
    visit: &VisitRequest,
    step: Step,
    worker: bool,
) -> Result<VisitStatus, ApiError> {
    let from = &visit.status;
    let next = match step {
        Step::Review => from.review(),
        Step::Forward { reference } => {
            let reference = reference.as_deref().map(Reference::new).transpose()?;
            from.forward(Forwarding {
                at: state.now(),
                by: caller.account.id,
                reference,
            })
        }
        Step::Schedule { date, time, place } => {
            let today = brussels_today(state.now())
                .ok_or_else(|| ApiError::Internal("no time zone for Brussels".to_owned()))?;
            if date < today {
                return Err(ApiError::BadRequest(
                    "a visit is scheduled for today or later".to_owned(),
                ));
            }
            from.schedule(Appointment {
                date,
                time,
                place: Place::new(&place)?,
            })
        }
        Step::Refuse { reason } => from.refuse(Reason::new(&reason)?),
        Step::Done => from.done(),
        Step::Cancel { reason } => {
            let side = if worker { Side::Worker } else { Side::Relative };
            from.cancel(side, reason.as_deref().map(Reason::new).transpose()?)
        }
    };
    Ok(next?)
}

/// Tells the relative of every step a worker takes, and the case's workers
/// when the relative cancels. Notifications name the step, never the note.
async fn tell(state: &AppState, access: &CaseAccess, caller: &Caller, visit: &VisitRequest) {
    let kind = format!("visit.{}", visit.status.name());
    let note = |account| NewNotification {
        account,
        case: Some(visit.case),
        kind: kind.clone(),
        object_kind: "visit".to_owned(),
        object_id: Some(visit.id.as_uuid()),
    };
    let notes = if caller.account.id == visit.relative {
        access
            .parties
            .iter()
            .filter(|p| p.membership == Membership::Worker)
            .map(|p| note(p.account))
            .collect()
    } else {
        vec![note(visit.relative)]
    };
    notifications::tell(state, notes).await;
}
