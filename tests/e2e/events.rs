//! Live push over server-sent events: ids only, to the right people, and
//! across instances on PostgreSQL.

use std::time::Duration;

use serde_json::json;

use crate::support::{TestServer, World, backends, seal};

/// An open `/api/v1/events` stream and everything read from it so far.
struct Stream {
    response: reqwest::Response,
    seen: String,
}

impl Stream {
    async fn open(srv: &TestServer, token: Option<&str>) -> Self {
        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/events", srv.base))
            .bearer_auth(token.unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Self {
            response,
            seen: String::new(),
        }
    }

    /// Reads until `needle` has been seen, or `wait` has passed.
    async fn saw(&mut self, needle: &str, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        while !self.seen.contains(needle) {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(bytes))) => self.seen.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return false,
            }
        }
        true
    }
}

const LONG: Duration = Duration::from_secs(10);
const SHORT: Duration = Duration::from_millis(500);

#[tokio::test]
async fn events_reach_workers_at_once_and_the_detainee_only_after_relay() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let mut worker = Stream::open(&w.srv, w.worker.token()).await;
        let mut detainee = Stream::open(&w.srv, w.detainee.token()).await;
        let mut outsider = Stream::open(&w.srv, w.foreign_relative.token()).await;
        let keys = [
            w.coordinator.public(),
            w.worker.public(),
            w.detainee.public(),
        ];
        let envelope = seal::seal(
            &w.relative.key,
            &keys.iter().collect::<Vec<_>>(),
            &w.case,
            b"coucou",
        );
        let stored = w.upload(&w.relative, &w.case, &envelope).await;
        let id = stored.ok(201, &w.at("upload"))["id"]
            .as_str()
            .unwrap()
            .to_owned();

        assert!(
            worker.saw(&id, LONG).await,
            "{}",
            w.at("the worker hears of it")
        );
        assert!(
            worker.seen.contains("event: message_new"),
            "{}",
            w.at("as message_new")
        );
        assert!(!worker.seen.contains("coucou") && !worker.seen.contains(&envelope[..40]));
        assert!(
            !detainee.saw(&id, SHORT).await,
            "{}",
            w.at("not before relay")
        );

        w.srv
            .post(
                w.worker.token(),
                &format!("/messages/{id}/status"),
                &json!({"action": "relay"}),
            )
            .await
            .ok(200, &w.at("relay"));
        assert!(
            detainee.saw(&id, LONG).await,
            "{}",
            w.at("the detainee hears of the relay")
        );
        assert!(detainee.seen.contains("event: message_status"));
        assert!(
            !outsider.saw(&id, SHORT).await,
            "{}",
            w.at("never outside the case")
        );
    }
}

#[tokio::test]
async fn events_cross_instances_through_postgres() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let Some(second) = w.srv.backend.second_instance().await else {
            continue; // SQLite serves from one instance.
        };
        let other = TestServer::start(second).await;
        // Listening on the second instance, writing through the first.
        let mut worker = Stream::open(&other, w.worker.token()).await;
        let keys = [
            w.coordinator.public(),
            w.worker.public(),
            w.detainee.public(),
        ];
        let envelope = seal::seal(
            &w.relative.key,
            &keys.iter().collect::<Vec<_>>(),
            &w.case,
            b"salut",
        );
        let stored = w.upload(&w.relative, &w.case, &envelope).await;
        let id = stored.ok(201, &w.at("upload"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            worker.saw(&id, LONG).await,
            "{}",
            w.at("heard on the other instance")
        );
    }
}

#[tokio::test]
async fn the_event_stream_needs_a_session() {
    for backend in backends().await {
        let w = World::build(backend).await;
        w.srv
            .get(None, "/events")
            .await
            .err(401, "unauthenticated", &w.at("anonymous"));
    }
}

/// A burst of reminders delivered by one instance reaches a worker
/// listening on another: the events travel packed several to a
/// notification, and none is lost on the way.
#[tokio::test]
async fn reminder_events_cross_instances_in_packets() {
    use jiff::ToSpan as _;
    use passerelle_domain::AccountId;
    use passerelle_store::notify::NewReminder;

    for backend in backends().await {
        let w = World::build(backend).await;
        let Some(second) = w.srv.backend.second_instance().await else {
            continue; // SQLite serves from one instance.
        };
        let other = TestServer::start(second).await;
        let mut worker = Stream::open(&other, w.worker.token()).await;
        let account: AccountId = w.worker.id.parse().unwrap();
        let now = w.srv.state.now();
        let due: Vec<NewReminder> = (0..150)
            .map(|n| NewReminder {
                key: format!("events-test:{n}"),
                account,
                case: None,
                kind: "reminder.item_due_1d".to_owned(),
                object_kind: "plan_item".to_owned(),
                object_id: uuid::Uuid::new_v4(),
                due_at: now - 1.minute(),
            })
            .collect();
        let store = &w.srv.backend.store;
        store.schedule_reminders(&due, now).await.unwrap();
        let delivered = passerelle_server::deliver_reminders(&w.srv.state)
            .await
            .unwrap();
        assert_eq!(delivered, 150, "{}", w.at("delivered"));
        let notes = store.notifications(account, None, 200).await.unwrap();
        assert_eq!(notes.len(), 150, "{}", w.at("stored"));
        for note in &notes {
            let id = note.id.to_string();
            assert!(worker.saw(&id, LONG).await, "{}: {id}", w.at("heard"));
        }
    }
}
