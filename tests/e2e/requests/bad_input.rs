//! Bad input to the request endpoints: each is a clear 4xx and stores
//! nothing.

use passerelle_crypto::ContentType;
use serde_json::json;

use super::{description, file_raw, filed, seal_as, show, step, stored, take};
use crate::support::{World, backends, seal};

#[tokio::test]
async fn bad_requests_are_4xx_and_store_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let good = description(&w, &w.relative, &[], b"Des draps");
        let body = |category: &str, urgency: &str, envelope: &str| json!({ "category": category, "urgency": urgency, "envelope": envelope });
        let path = format!("/cases/{}/requests", w.case);

        let malformed = w
            .srv
            .raw(
                reqwest::Method::POST,
                &format!("/api/v1{path}"),
                w.relative.token(),
                Some(("application/json", b"{\"category\": ".to_vec())),
            )
            .await;
        malformed.err(400, "bad_request", &w.at("malformed JSON"));
        file_raw(&w, &w.relative, &body("vetements", "high", &good))
            .await
            .err(400, "bad_request", &w.at("unknown category"));
        file_raw(&w, &w.relative, &body("housing", "asap", &good))
            .await
            .err(400, "bad_request", &w.at("unknown urgency"));
        file_raw(
            &w,
            &w.relative,
            &json!({ "category": "housing", "urgency": "low" }),
        )
        .await
        .err(400, "bad_request", &w.at("no envelope"));
        file_raw(&w, &w.relative, &body("housing", "low", "pas du base64!"))
            .await
            .err(400, "bad_request", &w.at("not base64"));
        file_raw(&w, &w.relative, &body("housing", "low", "AAAAAAAA"))
            .await
            .err(422, "invalid_envelope", &w.at("forged"));
        file_raw(
            &w,
            &w.relative,
            &body("housing", "low", &seal::tamper(&good)),
        )
        .await
        .err(422, "invalid_envelope", &w.at("tampered"));
        let to_other = description(&w, &w.relative, &[&w.relative2], b"x");
        file_raw(&w, &w.relative, &body("housing", "low", &to_other))
            .await
            .err(422, "invalid_envelope", &w.at("sealed to another relative"));
        let to_detainee = description(&w, &w.relative, &[&w.detainee], b"x");
        file_raw(&w, &w.relative, &body("housing", "low", &to_detainee))
            .await
            .err(
                422,
                "invalid_envelope",
                &w.at("a relative's request sealed to the detained person"),
            );
        let keys = [
            w.relative.public(),
            w.coordinator.public(),
            w.worker.public(),
        ];
        let message = seal_as(
            &w,
            &w.relative.key,
            &keys,
            uuid::Uuid::new_v4(),
            ContentType::Message,
            b"x",
        );
        file_raw(&w, &w.relative, &body("housing", "low", &message))
            .await
            .err(422, "invalid_envelope", &w.at("a message, not a request"));
        let no_worker = [w.relative.public(), w.coordinator.public()];
        let partial = seal_as(
            &w,
            &w.relative.key,
            &no_worker,
            uuid::Uuid::new_v4(),
            ContentType::Request,
            b"x",
        );
        file_raw(&w, &w.relative, &body("housing", "low", &partial))
            .await
            .err(422, "invalid_envelope", &w.at("a worker left out"));
        let by_other = description(&w, &w.relative2, &[], b"x");
        file_raw(&w, &w.relative, &body("housing", "low", &by_other))
            .await
            .err(422, "invalid_envelope", &w.at("sealed by someone else"));
        assert_eq!(stored(&w).await, 0, "{}", w.at("nothing stored"));

        file_raw(&w, &w.relative, &body("housing", "low", &good))
            .await
            .ok(201, &w.at("the good one"));
        file_raw(&w, &w.relative, &body("debts", "urgent", &good))
            .await
            .err(409, "replayed", &w.at("replay"));
        assert_eq!(stored(&w).await, 1, "{}", w.at("the replay stored nothing"));
    }
}

#[tokio::test]
async fn bad_steps_and_assignments_are_4xx_and_change_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let id = filed(&w, &w.relative).await;
        take(&w, &w.worker, &id, "acknowledge").await;
        take(&w, &w.worker, &id, "start").await;

        let too_long = json!({ "action": "resolve",
            "resolution": { "kind": "not_possible", "reason": "x".repeat(501) } });
        let cases = [
            (too_long, "a too-long reason"),
            (
                json!({ "action": "resolve", "resolution": { "kind": "not_possible", "reason": "  " } }),
                "a blank reason",
            ),
            (
                json!({ "action": "resolve", "resolution": { "kind": "not_possible" } }),
                "no reason",
            ),
            (
                json!({ "action": "resolve", "resolution": { "kind": "maybe" } }),
                "unknown resolution",
            ),
            (json!({ "action": "resolve" }), "no resolution"),
            (json!({ "action": "archive" }), "unknown action"),
        ];
        for (body, what) in cases {
            step(&w, &w.worker, &id, body)
                .await
                .err(400, "bad_request", &w.at(what));
        }
        let now = show(&w, &w.worker, &id).await;
        assert_eq!(
            now.ok(200, "read")["status"],
            "in_progress",
            "nothing changed"
        );

        for not_a_worker in [
            &w.relative,
            &w.detainee,
            &w.unassigned,
            &w.foreign_coordinator,
        ] {
            let assign = json!({ "worker": not_a_worker.id });
            w.srv
                .post(w.worker.token(), &format!("/requests/{id}/assign"), &assign)
                .await
                .err(
                    400,
                    "bad_request",
                    &w.at(&format!("assign {}", not_a_worker.login)),
                );
        }
        w.srv
            .post(
                w.worker.token(),
                &format!("/requests/{id}/assign"),
                &json!({ "worker": "x" }),
            )
            .await
            .err(400, "bad_request", &w.at("not an id"));
        assert!(show(&w, &w.worker, &id).await.ok(200, "read")["assigned_to"].is_null());
        let assign = json!({ "worker": w.coordinator.id });
        let assigned = w
            .srv
            .post(w.worker.token(), &format!("/requests/{id}/assign"), &assign)
            .await;
        assert_eq!(
            assigned.ok(200, &w.at("assign"))["assigned_to"],
            w.coordinator.id.as_str()
        );

        handle_done(&w, &id).await;
    }
}

/// Resolving with a 500-character reason is fine; it reads back whole.
async fn handle_done(w: &World, id: &str) {
    let reason = "é".repeat(500);
    let body =
        json!({ "action": "resolve", "resolution": { "kind": "not_possible", "reason": reason } });
    let resolved = step(w, &w.worker, id, body).await;
    assert_eq!(
        resolved.ok(200, &w.at("500 characters"))["resolution"]["reason"],
        reason
    );
}
