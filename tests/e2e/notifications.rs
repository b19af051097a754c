//! The notification inbox and the reminder pump, over HTTP on every engine:
//! a reminder becomes one notification for its account when it falls due,
//! at start-up if it fell due while the server was down, and never twice.

use jiff::SignedDuration;
use passerelle_domain::AccountId;
use passerelle_server::Clock as _;
use passerelle_store::notify::NewReminder;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Actor, World, backends};

fn reminder(w: &World, to: &Actor, object: Uuid, due_in: SignedDuration) -> NewReminder {
    let due_at = w.srv.clock.now() + due_in;
    NewReminder {
        key: format!("test:{object}:{}", to.id),
        account: to.id.parse::<AccountId>().unwrap(),
        case: Some(w.case.parse().unwrap()),
        kind: "reminder.visit_tomorrow".to_owned(),
        object_kind: "visit".to_owned(),
        object_id: object,
        due_at,
    }
}

async fn inbox(w: &World, who: &Actor) -> Vec<Value> {
    let resp = w.srv.get(who.token(), "/me/notifications").await;
    resp.ok(200, &w.at("notifications"))["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_due_reminder_reaches_its_account_once_and_can_be_marked_read() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let visit = Uuid::new_v4();
        let store = w.srv.backend.store.clone();
        let due = reminder(&w, &w.relative, visit, SignedDuration::from_hours(2));
        store
            .schedule_reminders(std::slice::from_ref(&due), w.srv.clock.now())
            .await
            .unwrap();

        let delivered = passerelle_server::deliver_reminders(&w.srv.state)
            .await
            .unwrap();
        assert_eq!(delivered, 0, "{}: not due yet", w.at(""));
        assert!(inbox(&w, &w.relative).await.is_empty());

        w.srv.clock.advance(SignedDuration::from_hours(3));
        let delivered = passerelle_server::deliver_reminders(&w.srv.state)
            .await
            .unwrap();
        assert_eq!(delivered, 1, "{}", w.at("due"));
        let again = passerelle_server::deliver_reminders(&w.srv.state)
            .await
            .unwrap();
        assert_eq!(again, 0, "{}: never twice", w.at("due"));

        let items = inbox(&w, &w.relative).await;
        assert_eq!(items.len(), 1, "{}", w.at("inbox"));
        let note = &items[0];
        assert_eq!(note["kind"], "reminder.visit_tomorrow");
        assert_eq!(note["object_kind"], "visit");
        assert_eq!(note["object_id"], visit.to_string());
        assert_eq!(note["case"], w.case.as_str());
        assert!(note["read_at"].is_null());
        for other in [&w.relative2, &w.worker, &w.detainee, &w.foreign_relative] {
            assert!(
                inbox(&w, other).await.is_empty(),
                "{}: only its account is told",
                w.at(&other.login)
            );
        }

        let seq = note["seq"].as_i64().unwrap();
        let resp = w
            .srv
            .post(
                w.relative.token(),
                "/me/notifications/read",
                &json!({ "up_to": seq }),
            )
            .await;
        assert_eq!(resp.ok(200, &w.at("mark read"))["marked"], 1);
        let items = inbox(&w, &w.relative).await;
        assert!(items[0]["read_at"].is_string(), "{}", w.at("read"));

        // Someone else's seq marks nothing of theirs.
        let resp = w
            .srv
            .post(
                w.relative2.token(),
                "/me/notifications/read",
                &json!({ "up_to": seq }),
            )
            .await;
        assert_eq!(resp.ok(200, &w.at("foreign mark"))["marked"], 0);
    }
}

#[tokio::test]
async fn reminders_due_while_stopped_are_delivered_at_start() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let store = w.srv.backend.store.clone();
        let missed = reminder(
            &w,
            &w.relative,
            Uuid::new_v4(),
            SignedDuration::from_hours(-3),
        );
        let future = reminder(
            &w,
            &w.relative,
            Uuid::new_v4(),
            SignedDuration::from_hours(3),
        );
        store
            .schedule_reminders(&[missed.clone(), future], w.srv.clock.now())
            .await
            .unwrap();
        // The wake-up interval is long: only the start-up catch-up can
        // deliver within this test.
        let mut scheduler = passerelle_server::start_reminders(
            w.srv.state.clone(),
            std::time::Duration::from_secs(3600),
        )
        .await
        .unwrap();
        let items = inbox(&w, &w.relative).await;
        let objects: Vec<&str> = items
            .iter()
            .map(|n| n["object_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            objects,
            vec![missed.object_id.to_string()],
            "{}",
            w.at("start")
        );
        scheduler.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn the_inbox_refuses_bad_paging_and_bad_bodies() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let token = w.relative.token();
        w.srv.get(token, "/me/notifications?limit=0").await.err(
            400,
            "bad_request",
            &w.at("limit 0"),
        );
        w.srv
            .get(token, "/me/notifications?before=yesterday")
            .await
            .err(400, "bad_request", &w.at("before"));
        w.srv
            .post(token, "/me/notifications/read", &json!({ "up_to": "all" }))
            .await
            .err(400, "bad_request", &w.at("up_to"));
        w.srv
            .get(None, "/me/notifications")
            .await
            .err(401, "unauthenticated", &w.at("anonymous"));
    }
}
