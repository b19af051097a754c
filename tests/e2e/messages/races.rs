//! Requests that race: exactly one wins, the others get a documented 4xx,
//! and what is stored is what the winner did.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::support::world::{invite, redemption};
use crate::support::{PASSWORD, Resp, World, backends, seal};

const RACERS: usize = 8;

/// Runs `RACERS` copies of a request at once; their answers.
async fn race<F, Fut>(w: &Arc<World>, request: F) -> Vec<Resp>
where
    F: Fn(Arc<World>, usize) -> Fut,
    Fut: Future<Output = Resp> + Send + 'static,
{
    let mut set = JoinSet::new();
    for i in 0..RACERS {
        set.spawn(request(w.clone(), i));
    }
    let mut answers = Vec::new();
    while let Some(answer) = set.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

/// The statuses and error codes of the answers, sorted, for messages.
fn tally(answers: &[Resp]) -> Vec<(u16, String)> {
    let mut out: Vec<_> = answers
        .iter()
        .map(|a| (a.status, a.body["error"].as_str().unwrap_or("").to_owned()))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_relays_and_holds_of_one_message_let_exactly_one_win() {
    for backend in backends().await {
        let w = Arc::new(World::build(backend).await);
        let sent = w.send(&w.relative, &[&w.detainee], b"course").await;
        let id = sent["id"].as_str().unwrap().to_owned();
        let answers = race(&w, |w, i| {
            let id = id.clone();
            async move {
                let (who, action) = match i % 2 {
                    0 => (&w.worker, json!({"action": "relay"})),
                    _ => (&w.coordinator, json!({"action": "deliver_in_person"})),
                };
                w.srv
                    .post(who.token(), &format!("/messages/{id}/status"), &action)
                    .await
            }
        })
        .await;
        let won: Vec<&Resp> = answers.iter().filter(|a| a.status == 200).collect();
        assert_eq!(
            won.len(),
            1,
            "{}: {:?}",
            w.at("one winner"),
            tally(&answers)
        );
        for lost in answers.iter().filter(|a| a.status != 200) {
            let code = lost.body["error"].as_str().unwrap_or_default();
            assert!(
                lost.status == 409 && ["conflict", "invalid_transition"].contains(&code),
                "{}: {} {}",
                w.at("a loser gets a 409"),
                lost.status,
                lost.text
            );
        }
        let now = w
            .srv
            .get(w.worker.token(), &format!("/messages/{id}"))
            .await;
        assert_eq!(
            now.ok(200, &w.at("after the race"))["status"],
            won[0].body["status"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_uploads_of_one_message_id_store_it_once() {
    for backend in backends().await {
        let w = Arc::new(World::build(backend).await);
        let keys = [
            w.coordinator.public(),
            w.worker.public(),
            w.detainee.public(),
        ];
        let keys: Vec<_> = keys.iter().collect();
        let id = uuid::Uuid::new_v4();
        let envelopes: Vec<String> = (0..RACERS)
            .map(|i| {
                seal::seal_with_id(
                    &w.relative.key,
                    &keys,
                    &w.case,
                    id,
                    format!("copie {i}").as_bytes(),
                )
            })
            .collect();
        let envelopes = Arc::new(envelopes);
        let answers = race(&w, |w, i| {
            let envelopes = envelopes.clone();
            async move { w.upload(&w.relative, &w.case, &envelopes[i]).await }
        })
        .await;
        let mut expected = vec![(409, "replayed".to_owned()); RACERS - 1];
        expected.insert(0, (201, String::new()));
        assert_eq!(
            tally(&answers),
            expected,
            "{}",
            w.at("one stored, the rest replays")
        );
        let outbox: Vec<Value> = w.mailbox(&w.relative, "outbox").await;
        assert_eq!(outbox.len(), 1, "{}", w.at("stored once"));
        assert_eq!(
            w.mailbox(&w.worker, "inbox").await.len(),
            1,
            "{}",
            w.at("delivered once")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_redemptions_of_one_code_join_once() {
    for backend in backends().await {
        let w = Arc::new(World::build(backend).await);
        let code = Arc::new(invite(&w.srv, &w.worker, &w.case, "relative", Some("friend")).await);
        let answers = race(&w, |w, i| {
            let code = code.clone();
            async move {
                let body = redemption(&code, &format!("course.{i}"), PASSWORD);
                w.srv.post(None, "/invitations/redeem", &body).await
            }
        })
        .await;
        let mut expected = vec![(404, "not_found".to_owned()); RACERS - 1];
        expected.insert(0, (201, String::new()));
        assert_eq!(
            tally(&answers),
            expected,
            "{}",
            w.at("one joins, the rest find no code")
        );
        let parties = w
            .srv
            .get(w.worker.token(), &format!("/cases/{}/parties", w.case))
            .await;
        let count = parties.ok(200, &w.at("parties")).as_array().map(Vec::len);
        assert_eq!(
            count,
            Some(6),
            "{}",
            w.at("five parties and the one who joined")
        );
    }
}
