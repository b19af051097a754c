//! Daylight-saving switches: the pump compares instants, so a reminder set
//! for 09:00 in Brussels on the day the clocks move comes once, at 09:00
//! Brussels time of that day, whatever the offset.

use jiff::{SignedDuration, Timestamp};
use passerelle_domain::AccountId;
use passerelle_server::Clock as _;
use passerelle_store::notify::NewReminder;
use uuid::Uuid;

use crate::support::{World, backends};

/// 09:00 in Brussels on that day.
fn nine_in_brussels(year: i16, month: i8, day: i8) -> Timestamp {
    jiff::civil::date(year, month, day)
        .at(9, 0, 0, 0)
        .in_tz("Europe/Brussels")
        .unwrap()
        .timestamp()
}

/// Runs the pump with the clock at `at`; returns the objects delivered.
async fn deliver_at(w: &World, at: Timestamp) -> usize {
    let now = w.srv.clock.now();
    w.srv.clock.advance(at.duration_since(now));
    passerelle_server::deliver_reminders(&w.srv.state)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reminder_at_nine_in_brussels_comes_once_on_both_switch_days() {
    // Summer time starts on Sunday 28 March 2027 (UTC+2 from then) and ends
    // on Sunday 31 October 2027 (UTC+1 from then).
    let march: Timestamp = "2027-03-28T07:00:00Z".parse().unwrap();
    let october: Timestamp = "2027-10-31T08:00:00Z".parse().unwrap();
    assert_eq!(nine_in_brussels(2027, 3, 28), march);
    assert_eq!(nine_in_brussels(2027, 10, 31), october);
    for backend in backends().await {
        let w = World::build(backend).await;
        let account: AccountId = w.relative.id.parse().unwrap();
        let mut objects = Vec::new();
        let mut reminders = Vec::new();
        for due_at in [march, october] {
            let object = Uuid::new_v4();
            objects.push(object);
            reminders.push(NewReminder {
                key: format!("visit:{object}:visit_tomorrow:{account}"),
                account,
                case: Some(w.case.parse().unwrap()),
                kind: "reminder.visit_tomorrow".to_owned(),
                object_kind: "visit".to_owned(),
                object_id: object,
                due_at: nine_in_brussels_of(due_at),
            });
        }
        w.srv
            .backend
            .store
            .schedule_reminders(&reminders, w.srv.clock.now())
            .await
            .unwrap();
        let second = SignedDuration::from_secs(1);
        for (due_at, object) in [march, october].into_iter().zip(&objects) {
            let what = w.at(&format!("due at {due_at}"));
            assert_eq!(deliver_at(&w, due_at - second).await, 0, "{what}: early");
            assert_eq!(deliver_at(&w, due_at).await, 1, "{what}: on time");
            assert_eq!(deliver_at(&w, due_at + second).await, 0, "{what}: once");
            // Sessions do not last months: read the inbox from the store.
            let inbox = w.srv.backend.store.notifications(account, None, 1);
            let newest = inbox.await.unwrap().remove(0);
            assert_eq!(newest.object_id, Some(*object), "{what}");
            assert_eq!(newest.created_at, due_at, "{what}");
        }
    }
}

/// The reminder's due instant is built as the scheduling code builds it:
/// from the Brussels wall-clock time of the day.
fn nine_in_brussels_of(at: Timestamp) -> Timestamp {
    let day = at.in_tz("Europe/Brussels").unwrap().date();
    nine_in_brussels(day.year(), day.month(), day.day())
}
