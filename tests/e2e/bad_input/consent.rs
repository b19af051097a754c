//! Consent and restrictions: every malformed or impossible record is a 4xx
//! and leaves the history as it was.

use serde_json::{Value, json};

use super::{JSON, send_raw};
use crate::support::{World, backends};

async fn history_len(w: &World) -> usize {
    let resp = w
        .srv
        .get(w.worker.token(), &format!("/cases/{}/consents", w.case))
        .await;
    resp.ok(200, &w.at("history"))["history"]
        .as_array()
        .unwrap()
        .len()
}

async fn restrictions_len(w: &World) -> usize {
    let resp = w
        .srv
        .get(w.worker.token(), &format!("/cases/{}/restrictions", w.case))
        .await;
    resp.ok(200, &w.at("restrictions"))
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn bad_consent_and_restriction_records_are_4xx_and_store_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let consents = format!("/cases/{}/consents", w.case);
        let restrictions = format!("/cases/{}/restrictions", w.case);
        let before = (history_len(&w).await, restrictions_len(&w).await);
        let grant = |patch: Value| {
            let mut body = json!({
                "grantee": w.relative.id,
                "change": "grant",
                "scopes": ["messages"],
                "method": "in_person",
            });
            for (k, v) in patch.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };
        let table = [
            (
                "an unknown scope",
                grant(json!({ "scopes": ["everything"] })),
            ),
            ("no scope", grant(json!({ "scopes": [] }))),
            ("an unknown method", grant(json!({ "method": "by_pigeon" }))),
            (
                "a short evidence hash",
                grant(json!({ "evidence_hash": "abcd" })),
            ),
            (
                "a non-hex evidence hash",
                grant(json!({ "evidence_hash": "zz".repeat(32) })),
            ),
            (
                "a worker as grantee",
                grant(json!({ "grantee": w.worker.id })),
            ),
            (
                "an unknown grantee",
                grant(json!({ "grantee": uuid::Uuid::new_v4() })),
            ),
            (
                "another case's relative",
                grant(json!({ "grantee": w.foreign_relative.id })),
            ),
            (
                "an end before the start",
                grant(
                    json!({ "valid_from": "2030-01-02T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z" }),
                ),
            ),
            (
                "a revocation with a period",
                grant(json!({ "change": "revoke", "valid_until": "2030-01-01T00:00:00Z" })),
            ),
            ("an unknown change", grant(json!({ "change": "maybe" }))),
        ];
        for (what, body) in table {
            let got = w.srv.post(w.worker.token(), &consents, &body).await;
            got.err(400, "bad_request", &w.at(what));
        }
        send_raw(&w, w.worker.token(), &consents, JSON, b"{\"grantee\":")
            .await
            .err(400, "bad_request", &w.at("malformed consent JSON"));
        for (what, body) in [
            (
                "a worker",
                json!({ "relative": w.worker.id, "kind": "court_order" }),
            ),
            (
                "the detainee",
                json!({ "relative": w.detainee.id, "kind": "court_order" }),
            ),
            (
                "an unknown kind",
                json!({ "relative": w.relative.id, "kind": "vendetta" }),
            ),
        ] {
            w.srv
                .post(w.worker.token(), &restrictions, &body)
                .await
                .err(400, "bad_request", &w.at(&format!("restrict {what}")));
        }
        // A relative records nothing, even about themselves.
        w.srv
            .post(w.relative.token(), &consents, &grant(json!({})))
            .await
            .err(403, "forbidden", &w.at("a relative records consent"));
        let lift = format!(
            "/cases/{}/restrictions/{}/lift",
            w.case,
            uuid::Uuid::new_v4()
        );
        w.srv.post(w.worker.token(), &lift, &json!({})).await.err(
            404,
            "not_found",
            &w.at("lift an unknown restriction"),
        );

        assert_eq!(
            (history_len(&w).await, restrictions_len(&w).await),
            before,
            "{}",
            w.at("nothing stored")
        );
    }
}
