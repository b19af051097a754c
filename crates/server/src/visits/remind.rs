//! The reminder of a scheduled visit: one for the relative, the day before
//! at 09:00 in Brussels, kept in line with the appointment through every
//! step (none once the visit is cancelled, refused, done or moved).

use jiff::civil::Date;
use passerelle_domain::Scope;
use passerelle_domain::visit::{VisitStatus, brussels_today, reminder_due};
use passerelle_store::notify::NewReminder;
use passerelle_store::visits::VisitRequest;

use crate::AppState;
use crate::access::CaseAccess;

/// What a step means for the visit's reminders.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// Cancel the pending reminders of the visit first.
    pub cancel: bool,
    /// Then schedule this one.
    pub schedule: Option<NewReminder>,
}

fn due(status: &VisitStatus) -> Option<jiff::Timestamp> {
    match status {
        VisitStatus::Scheduled(a) => reminder_due(a.date),
        _ => None,
    }
}

/// The plan for a step from `before` that left the visit as `after`, on
/// `today` (in Brussels). A visit today gets no reminder: "tomorrow" would
/// be wrong.
pub(super) fn plan(before: &VisitStatus, after: &VisitRequest, today: Date) -> Plan {
    let (old, mut new) = (due(before), due(&after.status));
    if matches!(&after.status, VisitStatus::Scheduled(a) if a.date <= today) {
        new = None;
    }
    let moved = old.is_some() && old != new;
    let ended = matches!(
        after.status,
        VisitStatus::Cancelled { .. } | VisitStatus::Refused { .. }
    );
    let object = after.id.as_uuid();
    let account = after.relative;
    let schedule = new.map(|due_at| NewReminder {
        // The same visit, kind, person and time make the same key, so
        // scheduling twice is harmless.
        key: format!(
            "visit:{object}:visit_tomorrow:{account}:{}",
            due_at.as_microsecond()
        ),
        account,
        case: Some(after.case),
        kind: "reminder.visit_tomorrow".to_owned(),
        object_kind: "visit".to_owned(),
        object_id: object,
        due_at,
    });
    Plan {
        cancel: moved || ended,
        schedule,
    }
}

/// Carries out [`plan`], leaving out a reminder the relative's `visits`
/// consent will no longer allow when it falls due (a consent that ends
/// before, or a restriction that begins before). The step is already
/// committed, so a failure is logged, not answered.
pub(super) async fn follow(
    state: &AppState,
    access: &CaseAccess,
    before: &VisitStatus,
    after: &VisitRequest,
) {
    let Some(today) = brussels_today(state.now()) else {
        tracing::error!(visit = %after.id, "no time zone for Brussels: no reminder");
        return;
    };
    let mut plan = plan(before, after, today);
    plan.schedule = plan.schedule.filter(|r| {
        access
            .facts()
            .contact(r.account, Scope::Visits, r.due_at)
            .is_allowed()
    });
    if plan.cancel
        && let Err(error) = state
            .store
            .cancel_reminders(after.id.as_uuid(), state.now())
            .await
    {
        tracing::error!(%error, visit = %after.id, "could not cancel a visit reminder");
    }
    if let Some(reminder) = plan.schedule
        && let Err(error) = state
            .store
            .schedule_reminders(&[reminder], state.now())
            .await
    {
        tracing::error!(%error, visit = %after.id, "could not schedule a visit reminder");
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};
    use passerelle_domain::visit::{
        Appointment, Place, PreferredDate, PreferredDates, Reason, Side, Slot, VisitId, VisitKind,
        Visitors,
    };
    use passerelle_domain::{AccountId, CaseId};

    use super::*;

    const TODAY: Date = date(2026, 7, 1);

    fn scheduled(on: Date) -> VisitStatus {
        VisitStatus::Scheduled(Appointment {
            date: on,
            time: time(14, 0, 0, 0),
            place: Place::new("Haren").unwrap(),
        })
    }

    fn visit(status: VisitStatus) -> VisitRequest {
        let relative = AccountId::random();
        VisitRequest {
            id: VisitId::random(),
            case: CaseId::random(),
            relative,
            kind: VisitKind::Ordinary,
            dates: PreferredDates::stored(vec![PreferredDate {
                date: date(2026, 7, 15),
                slot: Slot::Any,
            }]),
            visitors: Visitors::new(1, vec![]).unwrap(),
            envelope_id: uuid::Uuid::new_v4(),
            envelope: vec![],
            note_readers: vec![],
            status,
            forwarding: None,
            appointment: None,
            updated_by: relative,
            revision: 3,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    fn forwarded() -> VisitStatus {
        VisitStatus::Forwarded(passerelle_domain::visit::Forwarding {
            at: jiff::Timestamp::UNIX_EPOCH,
            by: AccountId::random(),
            reference: None,
        })
    }

    #[test]
    fn scheduling_plans_one_reminder_the_day_before_at_nine_in_brussels() {
        let after = visit(scheduled(date(2026, 7, 15)));
        let plan = plan(&forwarded(), &after, TODAY);
        assert!(!plan.cancel);
        let reminder = plan.schedule.unwrap();
        let due: jiff::Timestamp = "2026-07-14T07:00:00Z".parse().unwrap();
        assert_eq!(reminder.due_at, due);
        assert_eq!(reminder.account, after.relative);
        assert_eq!(reminder.kind, "reminder.visit_tomorrow");
        assert_eq!(reminder.object_id, after.id.as_uuid());
        assert_eq!(
            reminder.key,
            format!(
                "visit:{}:visit_tomorrow:{}:{}",
                after.id,
                after.relative,
                due.as_microsecond()
            )
        );
    }

    #[test]
    fn the_same_appointment_again_keeps_the_reminder_and_its_key() {
        let after = visit(scheduled(date(2026, 7, 15)));
        let first = plan(&forwarded(), &after, TODAY).schedule;
        let again = plan(&scheduled(date(2026, 7, 15)), &after, TODAY);
        assert!(!again.cancel, "nothing to cancel");
        assert_eq!(again.schedule, first);
    }

    #[test]
    fn a_moved_visit_cancels_the_old_reminder_and_plans_a_new_one() {
        let after = visit(scheduled(date(2026, 7, 20)));
        let moved = plan(&scheduled(date(2026, 7, 15)), &after, TODAY);
        assert!(moved.cancel);
        let due: jiff::Timestamp = "2026-07-19T07:00:00Z".parse().unwrap();
        assert_eq!(moved.schedule.unwrap().due_at, due);
    }

    #[test]
    fn ending_a_visit_cancels_its_reminder_and_earlier_steps_leave_reminders_alone() {
        let cancelled = VisitStatus::Cancelled {
            by: Side::Relative,
            reason: None,
        };
        let refused = VisitStatus::Refused {
            reason: Reason::new("non").unwrap(),
        };
        let table = [
            (scheduled(date(2026, 7, 15)), cancelled.clone(), true),
            (VisitStatus::Submitted, cancelled, true),
            (forwarded(), refused, true),
            (VisitStatus::Submitted, VisitStatus::UnderReview, false),
            (VisitStatus::UnderReview, forwarded(), false),
            // Marked done before the reminder was sent: it is no longer due.
            (scheduled(date(2026, 7, 15)), VisitStatus::Done, true),
        ];
        for (before, after, cancel) in table {
            let plan = plan(&before, &visit(after.clone()), TODAY);
            assert_eq!(plan.cancel, cancel, "{before:?} → {after:?}");
            assert_eq!(plan.schedule, None, "{before:?} → {after:?}");
        }
    }

    #[test]
    fn a_visit_today_gets_no_reminder_and_tomorrow_s_still_does() {
        let today = date(2026, 7, 15);
        assert_eq!(
            plan(&forwarded(), &visit(scheduled(today)), today).schedule,
            None
        );
        let tomorrow = visit(scheduled(date(2026, 7, 16)));
        assert!(plan(&forwarded(), &tomorrow, today).schedule.is_some());
    }
}
