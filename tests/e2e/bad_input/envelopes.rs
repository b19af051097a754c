//! Envelopes the server must refuse by their structure and recipients
//! (422 `invalid_envelope`), replays (409 `replayed`), and the proof that
//! a refused envelope reaches nobody.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{PublicKey, SecretKey};

use crate::support::{Actor, World, backends, seal};

/// An envelope sealed by `sender` for `case` to these keys.
fn to(sender: &Actor, case: &str, keys: &[PublicKey]) -> String {
    let keys: Vec<&PublicKey> = keys.iter().collect();
    seal::seal(&sender.key, &keys, case, b"refuse-moi")
}

#[tokio::test]
async fn envelopes_breaking_the_case_rules_are_422_and_reach_nobody() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let (c, wk) = (w.coordinator.public(), w.worker.public());
        let (r, r2, d) = (
            w.relative.public(),
            w.relative2.public(),
            w.detainee.public(),
        );
        let stranger = SecretKey::generate().unwrap();
        let good = to(&w.relative, &w.case, &[c, wk, d]);
        let table: Vec<(&str, &Actor, String)> = vec![
            (
                "a key of the foreign case",
                &w.relative,
                to(
                    &w.relative,
                    &w.case,
                    &[c, wk, d, w.foreign_relative.public()],
                ),
            ),
            (
                "a key of the unassigned worker",
                &w.relative,
                to(&w.relative, &w.case, &[c, wk, d, w.unassigned.public()]),
            ),
            (
                "a key nobody registered",
                &w.relative,
                to(&w.relative, &w.case, &[c, wk, d, stranger.public_key()]),
            ),
            (
                "a worker of the case missing",
                &w.relative,
                to(&w.relative, &w.case, &[c, d]),
            ),
            (
                "the coordinator missing",
                &w.detainee,
                to(&w.detainee, &w.case, &[wk, r]),
            ),
            (
                "a relative to another relative",
                &w.relative,
                to(&w.relative, &w.case, &[c, wk, r2]),
            ),
            (
                "another case id",
                &w.relative,
                to(&w.relative, &w.foreign_case, &[c, wk, d]),
            ),
            ("a tampered payload", &w.relative, seal::tamper(&good)),
            (
                "a key the sender never registered",
                &w.relative,
                seal::seal(&stranger, &[&c, &wk, &d], &w.case, b"x"),
            ),
            (
                "another party's sender key",
                &w.relative,
                to(&w.relative2, &w.case, &[c, wk, d]),
            ),
            (
                "not an envelope",
                &w.relative,
                STANDARD.encode(b"PSRL bonjour"),
            ),
            (
                "a truncated envelope",
                &w.relative,
                STANDARD.encode(&STANDARD.decode(&good).unwrap()[..200]),
            ),
        ];
        for (label, sender, envelope) in &table {
            let got = w.upload(sender, &w.case, envelope).await;
            got.err(422, "invalid_envelope", &w.at(label));
        }
        for actor in [
            &w.coordinator,
            &w.worker,
            &w.relative,
            &w.relative2,
            &w.detainee,
            &w.unassigned,
            &w.foreign_relative,
        ] {
            for mailbox in ["inbox", "outbox"] {
                let items = w.mailbox(actor, mailbox).await;
                assert!(
                    items.is_empty(),
                    "{}",
                    w.at(&format!("{}'s {mailbox} stays empty", actor.login))
                );
            }
        }
        // The untampered original is accepted: the refusals were about the rule.
        w.upload(&w.relative, &w.case, &good)
            .await
            .ok(201, &w.at("the good envelope"));
    }
}

#[tokio::test]
async fn a_replayed_message_id_is_409_and_stored_once() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let keys = [
            w.coordinator.public(),
            w.worker.public(),
            w.detainee.public(),
        ];
        let keys: Vec<&PublicKey> = keys.iter().collect();
        let id = uuid::Uuid::new_v4();
        let first = seal::seal_with_id(&w.relative.key, &keys, &w.case, id, b"premier");
        w.upload(&w.relative, &w.case, &first)
            .await
            .ok(201, &w.at("first upload"));
        w.upload(&w.relative, &w.case, &first).await.err(
            409,
            "replayed",
            &w.at("the same envelope again"),
        );
        let other = seal::seal_with_id(&w.relative.key, &keys, &w.case, id, b"autre contenu");
        w.upload(&w.relative, &w.case, &other).await.err(
            409,
            "replayed",
            &w.at("a new envelope, same id"),
        );
        let outbox = w.mailbox(&w.relative, "outbox").await;
        assert_eq!(outbox.len(), 1, "{}", w.at("stored once"));
        let text = seal::open(
            outbox[0]["envelope"].as_str().unwrap(),
            &w.worker.key,
            &w.relative.public(),
        );
        assert_eq!(text, b"premier", "{}", w.at("the first one is kept"));
        assert_eq!(
            w.mailbox(&w.worker, "inbox").await.len(),
            1,
            "{}",
            w.at("the worker has one")
        );
        // Message ids are unique per sender: another sender may use the same.
        let keys = [
            w.coordinator.public(),
            w.worker.public(),
            w.relative.public(),
        ];
        let keys: Vec<&PublicKey> = keys.iter().collect();
        let theirs = seal::seal_with_id(&w.detainee.key, &keys, &w.case, id, b"du detenu");
        w.upload(&w.detainee, &w.case, &theirs)
            .await
            .ok(201, &w.at("another sender, the same id"));
    }
}
