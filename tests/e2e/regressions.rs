//! Server bugs this suite found, now fixed; the tests stay to keep them
//! fixed.

use reqwest::Method;
use serde_json::json;

use crate::support::{World, backends, seal};

/// The key directory binds a key to one account: on upload the server finds
/// the owner of the envelope's sender and of each recipient key by looking
/// the key up among the case's parties, in the order they joined. Nothing
/// stops a relative from registering someone else's public key (which
/// `/parties` shows them) as their own. A relative who joined before a
/// worker registers that worker's key; from then on the key "belongs" to
/// the relative: the worker's own uploads are refused (422, "seal with your
/// current registered key"), and every other upload, which must include
/// every worker with a key, is refused too (the worker's key resolves to
/// the relative). One relative stopped all messaging in the case.
#[tokio::test]
async fn a_public_key_registered_by_anyone_else_is_409_and_the_case_keeps_messaging() {
    for backend in backends().await {
        let w = World::build(backend).await;
        // A worker assigned after the relatives joined.
        w.srv.clock.advance(jiff::SignedDuration::from_mins(5));
        let assign = json!({ "worker": w.unassigned.id });
        let path = format!("/cases/{}/workers", w.case);
        w.srv
            .post(w.coordinator.token(), &path, &assign)
            .await
            .ok(204, &w.at("assign"));

        let stolen = json!({ "public_key": w.unassigned.public().to_text() });
        let got = w.srv.put(w.relative.token(), "/me/key", &stolen).await;
        // The code is checked in `server_bugs` (documented `key_in_use`).
        assert_eq!(
            got.status,
            409,
            "{}: {}",
            w.at("claim another's key"),
            got.text
        );
        let history = format!("/accounts/{}/keys", w.relative.id);
        let history = w.srv.get(w.relative.token(), &history).await;
        let versions = history.ok(200, &w.at("history")).as_array().map(Vec::len);
        assert_eq!(
            versions,
            Some(1),
            "{}",
            w.at("the refused key is not in the history")
        );

        // Rotating away from a key retires it; re-sending the current key is
        // not a rotation.
        let old = json!({ "public_key": w.relative.public().to_text() });
        w.srv
            .put(w.relative.token(), "/me/key", &old)
            .await
            .ok(200, &w.at("the same key again"));
        let new = passerelle_crypto::SecretKey::generate().unwrap();
        let rotate = json!({ "public_key": new.public_key().to_text() });
        w.srv
            .put(w.relative.token(), "/me/key", &rotate)
            .await
            .ok(201, &w.at("rotate"));
        let back = w.srv.put(w.relative.token(), "/me/key", &old).await;
        assert_eq!(
            back.status,
            409,
            "{}: {}",
            w.at("back to a retired key"),
            back.text
        );

        // The case can still message: the new worker, and the detained person.
        let workers = [
            w.coordinator.public(),
            w.worker.public(),
            w.unassigned.public(),
        ];
        let mut keys: Vec<_> = workers.iter().collect();
        let detainee = w.detainee.public();
        keys.push(&detainee);
        let envelope = seal::seal(&w.unassigned.key, &keys, &w.case, b"bonjour");
        w.upload(&w.unassigned, &w.case, &envelope)
            .await
            .ok(201, &w.at("the new worker sends"));
        let envelope = seal::seal(&w.detainee.key, &keys[..3], &w.case, b"aidez-moi");
        w.upload(&w.detainee, &w.case, &envelope)
            .await
            .ok(201, &w.at("the detainee sends"));
    }
}

/// Every error is `{error, message}`, a wrong method on a known route too
/// (it was axum's bare 405 with an empty body).
#[tokio::test]
async fn a_wrong_method_is_405_with_the_error_body() {
    for backend in backends().await {
        let w = World::build(backend).await;
        for (method, path) in [
            (Method::PUT, "/api/v1/cases"),
            (Method::PATCH, "/api/v1/me"),
            (Method::GET, "/api/v1/sessions"),
        ] {
            let got = w
                .srv
                .raw(method.clone(), path, w.coordinator.token(), None)
                .await;
            got.err(
                405,
                "method_not_allowed",
                &w.at(&format!("{method} {path}")),
            );
        }
    }
}

/// README: "a key already registered by anyone, including an older key of
/// one's own, is `409 key_in_use`"; the handler once passed the store's
/// bare conflict through instead.
#[tokio::test]
async fn a_key_in_use_is_409_key_in_use() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let claimed = json!({ "public_key": w.worker.public().to_text() });
        let got = w.srv.put(w.relative.token(), "/me/key", &claimed).await;
        got.err(409, "key_in_use", &w.at("another account's key"));

        let old = json!({ "public_key": w.relative.public().to_text() });
        let new = passerelle_crypto::SecretKey::generate().unwrap();
        let rotate = json!({ "public_key": new.public_key().to_text() });
        w.srv
            .put(w.relative.token(), "/me/key", &rotate)
            .await
            .ok(201, &w.at("rotate"));
        let back = w.srv.put(w.relative.token(), "/me/key", &old).await;
        back.err(409, "key_in_use", &w.at("one's own retired key"));
    }
}
