//! What people are told about a visit: a notification at every step, and a
//! reminder the day before at 09:00 Brussels, delivered once, moved with the
//! appointment.

use jiff::Timestamp;
use passerelle_domain::AccountId;
use serde_json::json;

use super::*;
use crate::support::backends;

/// The kinds of the notifications `who` has about `visit`, oldest first
/// (read from the store: the clock moves past the sessions' lifetime).
async fn told(w: &World, who: &Actor, visit: &str) -> Vec<String> {
    let account: AccountId = who.id.parse().unwrap();
    let mut kinds: Vec<String> = w
        .srv
        .backend
        .store
        .notifications(account, None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.object_id.map(|o| o.to_string()) == Some(visit.to_owned()))
        .map(|n| n.kind)
        .collect();
    kinds.reverse();
    kinds
}

/// 09:00 in Brussels, `days` after today by the server's clock.
fn nine_am(w: &World, days: i64) -> Timestamp {
    let date: jiff::civil::Date = day(w, days).parse().unwrap();
    date.at(9, 0, 0, 0)
        .in_tz("Europe/Brussels")
        .unwrap()
        .timestamp()
}

/// Runs the reminder pump once; how many reminders it delivered.
async fn deliver(w: &World) -> usize {
    passerelle_server::deliver_reminders(&w.srv.state)
        .await
        .unwrap()
}

fn move_clock_to(w: &World, at: Timestamp) {
    let by = at.duration_since(w.srv.clock.now());
    w.srv.clock.advance(by);
}

#[tokio::test]
async fn every_step_is_told_and_the_reminder_comes_once_the_day_before() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let visit = id(&request(&w, &w.relative).await);
        assert_eq!(told(&w, &w.worker, &visit).await, ["visit.submitted"]);
        assert_eq!(told(&w, &w.coordinator, &visit).await, ["visit.submitted"]);
        assert!(told(&w, &w.relative, &visit).await.is_empty());
        assert!(told(&w, &w.relative2, &visit).await.is_empty());

        step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;
        step_ok(&w, &w.worker, &visit, json!({ "action": "forward" })).await;
        step_ok(&w, &w.worker, &visit, schedule(&w)).await;
        // Moved from day 12 to day 14: the first reminder must not come.
        let moved =
            json!({ "action": "schedule", "date": day(&w, 14), "time": "09:15", "place": "Haren" });
        step_ok(&w, &w.worker, &visit, moved).await;
        assert_eq!(
            told(&w, &w.relative, &visit).await,
            [
                "visit.under_review",
                "visit.forwarded",
                "visit.scheduled",
                "visit.scheduled"
            ],
            "{}",
            w.at("relative")
        );
        // Nobody else hears of the relative's visit.
        assert!(told(&w, &w.relative2, &visit).await.is_empty());

        // The day before the first date: nothing, it was moved.
        move_clock_to(&w, nine_am(&w, 11) + jiff::SignedDuration::from_mins(1));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("old date"));
        // The clock is now on day 11, so day 2 from here is the day before
        // the new date (day 14). A minute before 09:00: not yet.
        move_clock_to(&w, nine_am(&w, 2) - jiff::SignedDuration::from_mins(1));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("not yet"));
        move_clock_to(&w, nine_am(&w, 1));
        assert_eq!(deliver(&w).await, 1, "{}", w.at("due"));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("once"));
        let kinds = told(&w, &w.relative, &visit).await;
        assert_eq!(
            kinds.last().map(String::as_str),
            Some("reminder.visit_tomorrow")
        );
        assert_eq!(
            kinds
                .iter()
                .filter(|k| *k == "reminder.visit_tomorrow")
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn a_cancelled_visit_sends_no_reminder() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let visit = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;
        step_ok(&w, &w.worker, &visit, json!({ "action": "forward" })).await;
        step_ok(&w, &w.worker, &visit, schedule(&w)).await;
        step_ok(&w, &w.relative, &visit, json!({ "action": "cancel" })).await;
        assert_eq!(
            told(&w, &w.worker, &visit).await,
            ["visit.submitted", "visit.cancelled"],
            "{}",
            w.at("workers told of the cancellation")
        );
        let today = nine_am(&w, 0);
        move_clock_to(&w, today + jiff::SignedDuration::from_hours(24 * 12));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("cancelled"));
    }
}

/// A `visits` consent that ends before the day-before reminder: the visit
/// is arranged while it holds, and no reminder comes after it ended.
#[tokio::test]
async fn no_reminder_comes_after_the_visits_consent_has_ended() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let until = nine_am(&w, 5);
        grant_until(&w.srv, &w.worker, &w.case, &w.relative, &["visits"], until).await;
        let visit = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;
        step_ok(&w, &w.worker, &visit, json!({ "action": "forward" })).await;
        step_ok(&w, &w.worker, &visit, schedule(&w)).await;
        // The day before the visit (day 12): the consent ended on day 5.
        move_clock_to(&w, nine_am(&w, 11) + jiff::SignedDuration::from_mins(1));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("after the consent"));
        let kinds = told(&w, &w.relative, &visit).await;
        assert!(
            !kinds.iter().any(|k| k == "reminder.visit_tomorrow"),
            "{}: {kinds:?}",
            w.at("relative")
        );
    }
}
