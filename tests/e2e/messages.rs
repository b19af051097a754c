//! The relay flow over HTTP: pending until a worker relays, holds the
//! sender sees, reads, refused transitions, replies on behalf of the
//! detained person, paging, and opening what was fetched.

use serde_json::{Value, json};

use crate::support::world::list_all;
use crate::support::{World, backends, seal};

mod at_rest;
mod races;

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(|m| m["id"].as_str().unwrap()).collect()
}

async fn step(
    w: &World,
    who: &crate::support::Actor,
    id: &str,
    action: Value,
) -> crate::support::Resp {
    w.srv
        .post(who.token(), &format!("/messages/{id}/status"), &action)
        .await
}

#[tokio::test]
async fn a_relatives_message_waits_for_a_worker_then_is_held_relayed_and_read() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let sent = w
            .send(
                &w.relative,
                &[&w.detainee],
                b"Bonjour Samir, on pense a toi",
            )
            .await;
        let id = sent["id"].as_str().unwrap().to_owned();
        assert_eq!(
            sent["status"]["status"],
            "pending_relay",
            "{}",
            w.at("first status")
        );
        assert_eq!(
            sent["sender"].as_str(),
            Some(w.relative.id.as_str()),
            "{}",
            w.at("sender")
        );

        // Invisible to the detained person until relayed; workers see it.
        assert!(
            w.mailbox(&w.detainee, "inbox").await.is_empty(),
            "{}",
            w.at("detainee inbox before relay")
        );
        let path = format!("/messages/{id}");
        w.srv.get(w.detainee.token(), &path).await.err(
            404,
            "not_found",
            &w.at("detainee before relay"),
        );
        assert_eq!(
            ids(&w.mailbox(&w.worker, "inbox").await),
            [id.as_str()],
            "{}",
            w.at("worker inbox")
        );
        w.srv
            .get(w.coordinator.token(), &path)
            .await
            .ok(200, &w.at("coordinator sees it"));

        // A hold, with its reason, shows in the sender's outbox.
        let reason = "Merci de ne pas citer le nom du codétenu";
        let held = step(
            &w,
            &w.worker,
            &id,
            json!({"action": "hold", "reason": reason}),
        )
        .await;
        assert_eq!(
            held.ok(200, &w.at("hold"))["status"],
            json!({"status": "held", "reason": reason})
        );
        let outbox = w.mailbox(&w.relative, "outbox").await;
        assert_eq!(ids(&outbox), [id.as_str()], "{}", w.at("relative outbox"));
        assert_eq!(
            outbox[0]["status"]["status"],
            "held",
            "{}",
            w.at("held in the outbox")
        );
        assert_eq!(
            outbox[0]["status"]["reason"],
            reason,
            "{}",
            w.at("the reason in the outbox")
        );
        assert!(
            w.mailbox(&w.detainee, "inbox").await.is_empty(),
            "{}",
            w.at("held stays invisible")
        );
        w.srv.get(w.detainee.token(), &path).await.err(
            404,
            "not_found",
            &w.at("detainee while held"),
        );

        // Relayed after the hold: now the detained person sees and reads it.
        let relayed = step(&w, &w.coordinator, &id, json!({"action": "relay"})).await;
        assert_eq!(
            relayed.ok(200, &w.at("relay"))["status"],
            json!({"status": "delivered", "in_person": false})
        );
        let inbox = w.mailbox(&w.detainee, "inbox").await;
        assert_eq!(
            ids(&inbox),
            [id.as_str()],
            "{}",
            w.at("detainee inbox after relay")
        );
        let text = seal::open(
            inbox[0]["envelope"].as_str().unwrap(),
            &w.detainee.key,
            &w.relative.public(),
        );
        assert_eq!(
            text,
            b"Bonjour Samir, on pense a toi",
            "{}",
            w.at("the detainee opens it")
        );
        let read = step(&w, &w.detainee, &id, json!({"action": "read"})).await;
        assert_eq!(
            read.ok(200, &w.at("read"))["status"],
            json!({"status": "read"})
        );
        let outbox = w.mailbox(&w.relative, "outbox").await;
        assert_eq!(
            outbox[0]["status"]["status"],
            "read",
            "{}",
            w.at("the sender sees it read")
        );

        // Reading twice changes nothing; going back is refused.
        step(&w, &w.detainee, &id, json!({"action": "read"}))
            .await
            .ok(200, &w.at("read twice"));
        for action in [
            json!({"action": "relay"}),
            json!({"action": "hold", "reason": "trop tard"}),
            json!({"action": "deliver_in_person"}),
        ] {
            let resp = step(&w, &w.worker, &id, action.clone()).await;
            resp.err(
                409,
                "invalid_transition",
                &w.at(&format!("{action} on a read message")),
            );
        }
        let after = w.srv.get(w.worker.token(), &path).await;
        assert_eq!(
            after.ok(200, &w.at("still read"))["status"]["status"],
            "read"
        );
    }
}

#[tokio::test]
async fn reading_before_relay_and_holding_after_relay_are_refused() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let sent = w.send(&w.relative, &[&w.detainee], b"en attente").await;
        let id = sent["id"].as_str().unwrap();
        // The sender may see it but not mark it read; nor may staff unless in person.
        let resp = step(&w, &w.worker, id, json!({"action": "read"})).await;
        resp.err(403, "forbidden", &w.at("a worker reads a pending message"));
        step(&w, &w.worker, id, json!({"action": "relay"}))
            .await
            .ok(200, &w.at("relay"));
        let resp = step(&w, &w.coordinator, id, json!({"action": "relay"})).await;
        resp.err(409, "invalid_transition", &w.at("relay twice"));
        let resp = step(
            &w,
            &w.worker,
            id,
            json!({"action": "hold", "reason": "après coup"}),
        )
        .await;
        resp.err(409, "invalid_transition", &w.at("hold a delivered message"));
        let resp = step(
            &w,
            &w.worker,
            id,
            json!({"action": "hold", "reason": "   "}),
        )
        .await;
        resp.err(400, "bad_request", &w.at("an empty hold reason"));
        let status = w
            .srv
            .get(w.detainee.token(), &format!("/messages/{id}"))
            .await;
        assert_eq!(
            status.ok(200, &w.at("unchanged"))["status"]["status"],
            "delivered"
        );
    }
}

#[tokio::test]
async fn a_worker_reply_on_behalf_of_the_detainee_reaches_the_relative() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let keys = [
            w.coordinator.public(),
            w.worker.public(),
            w.relative.public(),
        ];
        let keys: Vec<_> = keys.iter().collect();
        let envelope = seal::seal(
            &w.worker.key,
            &keys,
            &w.case,
            b"Samir dit: merci pour la visite",
        );
        let body = json!({ "envelope": envelope, "on_behalf_of": w.detainee.id });
        let resp = w
            .srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/messages", w.case),
                &body,
            )
            .await;
        let sent = resp.ok(201, &w.at("reply on behalf")).clone();
        assert_eq!(
            sent["on_behalf_of"].as_str(),
            Some(w.detainee.id.as_str()),
            "{}",
            w.at("marked")
        );
        assert_eq!(
            sent["status"]["status"],
            "delivered",
            "{}",
            w.at("staff need no relay")
        );

        let inbox = w.mailbox(&w.relative, "inbox").await;
        assert_eq!(
            ids(&inbox),
            [sent["id"].as_str().unwrap()],
            "{}",
            w.at("relative inbox")
        );
        assert_eq!(
            inbox[0]["on_behalf_of"].as_str(),
            Some(w.detainee.id.as_str()),
            "{}",
            w.at("inbox")
        );
        let text = seal::open(
            inbox[0]["envelope"].as_str().unwrap(),
            &w.relative.key,
            &w.worker.public(),
        );
        assert_eq!(
            text,
            b"Samir dit: merci pour la visite",
            "{}",
            w.at("the relative opens it")
        );
        assert!(
            w.mailbox(&w.relative2, "inbox").await.is_empty(),
            "{}",
            w.at("not to the other relative")
        );

        // Only a worker writes on behalf, and only of the case's detained person.
        let envelope = seal::seal(&w.worker.key, &keys, &w.case, b"x");
        let body = json!({ "envelope": envelope, "on_behalf_of": w.relative2.id });
        let resp = w
            .srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/messages", w.case),
                &body,
            )
            .await;
        resp.err(403, "forbidden", &w.at("on behalf of a relative"));
    }
}

#[tokio::test]
async fn inbox_pages_return_every_message_exactly_once_and_open_to_their_plaintexts() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let mut sent = Vec::new();
        for i in 0..23 {
            let text = format!("message numero {i:02} pour Samir");
            let message = w.send(&w.worker, &[&w.detainee], text.as_bytes()).await;
            sent.push((message["id"].as_str().unwrap().to_owned(), text));
        }
        // A message to someone else does not show up.
        w.send(&w.worker, &[&w.relative], b"pour le parent").await;

        for limit in [1, 5, 23, 100] {
            let items = list_all(&w.srv, w.detainee.token(), "inbox", limit).await;
            let got = ids(&items);
            let mut expected: Vec<&str> = sent.iter().rev().map(|(id, _)| id.as_str()).collect();
            assert_eq!(
                got,
                expected,
                "{}",
                w.at(&format!("newest first, pages of {limit}"))
            );
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(expected.len(), 23, "{}", w.at("distinct"));
            for item in &items {
                let id = item["id"].as_str().unwrap();
                let (_, text) = sent.iter().find(|(s, _)| s == id).unwrap();
                let opened = seal::open(
                    item["envelope"].as_str().unwrap(),
                    &w.detainee.key,
                    &w.worker.public(),
                );
                assert_eq!(
                    opened,
                    text.as_bytes(),
                    "{}",
                    w.at("opens to its plaintext")
                );
            }
        }
        let page = w.srv.get(w.detainee.token(), "/messages?limit=23").await;
        assert!(
            page.ok(200, &w.at("exact page"))["next"].is_i64(),
            "{}",
            w.at("a full page has a cursor")
        );
        let by_case = list_all(&w.srv, w.worker.token(), "outbox", 7).await;
        assert_eq!(by_case.len(), 24, "{}", w.at("the worker's outbox"));
    }
}

/// The server keeps a case's keys between uploads; a rotation must still
/// count from the very next one, both for what the rotating person seals
/// and for what is sealed to them.
#[tokio::test]
async fn a_rotated_key_counts_from_the_very_next_upload() {
    for backend in backends().await {
        let w = World::build(backend).await;
        // Both directions go through once, so the keys are known.
        w.send(&w.relative, &[&w.detainee], b"avant").await;
        w.send(&w.worker, &[&w.relative], b"bien recu").await;

        let new = passerelle_crypto::SecretKey::generate().unwrap();
        w.srv
            .put(
                w.relative.token(),
                "/me/key",
                &json!({ "public_key": new.public_key().to_text() }),
            )
            .await
            .ok(201, &w.at("rotate"));

        let workers = [w.coordinator.public(), w.worker.public()];
        let to_detainee = [&workers[0], &workers[1], &w.detainee.public()];
        let old = seal::seal(&w.relative.key, &to_detainee, &w.case, b"ancienne cle");
        w.upload(&w.relative, &w.case, &old).await.err(
            422,
            "invalid_envelope",
            &w.at("sealed with the retired key"),
        );
        let fresh = seal::seal(&new, &to_detainee, &w.case, b"nouvelle cle");
        w.upload(&w.relative, &w.case, &fresh)
            .await
            .ok(201, &w.at("sealed with the new key"));

        let to_old = [&workers[0], &workers[1], &w.relative.public()];
        let stale = seal::seal(&w.worker.key, &to_old, &w.case, b"pour l'ancienne cle");
        w.upload(&w.worker, &w.case, &stale).await.err(
            422,
            "invalid_envelope",
            &w.at("sealed to the retired key"),
        );
        let new_public = new.public_key();
        let to_new = [&workers[0], &workers[1], &new_public];
        let current = seal::seal(&w.worker.key, &to_new, &w.case, b"pour la nouvelle cle");
        w.upload(&w.worker, &w.case, &current)
            .await
            .ok(201, &w.at("sealed to the new key"));
    }
}
