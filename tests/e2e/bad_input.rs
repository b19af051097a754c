//! Bad input is answered with the documented 4xx `{error, message}`, never
//! a 5xx (the harness fails any 5xx), and stores nothing: each case checks
//! with a follow-up read.

use reqwest::Method;
use serde_json::json;

use crate::support::{World, backends, seal};

mod consent;
mod envelopes;
mod sessions;

const JSON: &str = "application/json";

/// A raw body to an `/api/v1` path.
async fn send_raw(
    w: &World,
    token: Option<&str>,
    path: &str,
    content_type: &'static str,
    body: &[u8],
) -> crate::support::Resp {
    let path = format!("/api/v1{path}");
    w.srv
        .raw(
            Method::POST,
            &path,
            token,
            Some((content_type, body.to_vec())),
        )
        .await
}

#[tokio::test]
async fn malformed_json_is_400_and_stores_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let messages = format!("/cases/{}/messages", w.case);
        let table: [(&str, &str, &[u8]); 6] = [
            ("/cases", JSON, b"{\"detainee_name\": \"X\","),
            ("/cases", JSON, b"not json at all"),
            (
                "/cases",
                "text/plain",
                br#"{"detainee_name": "X", "institution": "Y", "legal_situation": "charged"}"#,
            ),
            (&messages, JSON, b"{\"envelope\": "),
            ("/accounts", JSON, b"[1, 2"),
            ("/invitations/redeem", JSON, b"{{}}"),
        ];
        for (path, content_type, body) in table {
            let what = w.at(&format!(
                "POST {path} {content_type} {}",
                String::from_utf8_lossy(body)
            ));
            send_raw(&w, w.coordinator.token(), path, content_type, body)
                .await
                .err(400, "bad_request", &what);
        }
        let cases = w.srv.get(w.coordinator.token(), "/cases").await;
        assert_eq!(
            cases.ok(200, &w.at("cases")).as_array().map(Vec::len),
            Some(1),
            "{}",
            w.at("no case opened")
        );
        assert!(
            w.mailbox(&w.coordinator, "outbox").await.is_empty(),
            "{}",
            w.at("nothing uploaded")
        );
    }
}

#[tokio::test]
async fn wrong_types_and_values_are_400_and_store_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let sent = w.send(&w.relative, &[&w.detainee], b"en attente").await;
        let status = format!("/messages/{}/status", sent["id"].as_str().unwrap());
        let messages = format!("/cases/{}/messages", w.case);
        let table = [
            (
                "/cases",
                json!({"detainee_name": 42, "institution": "Y", "legal_situation": "charged"}),
            ),
            (
                "/cases",
                json!({"detainee_name": "X", "institution": "Y", "legal_situation": "libre"}),
            ),
            (
                "/cases",
                json!({"detainee_name": "X", "institution": "Y", "legal_situation": "charged", "expected_release": "demain"}),
            ),
            (
                "/cases",
                json!({"detainee_name": "   ", "institution": "Y", "legal_situation": "charged"}),
            ),
            (messages.as_str(), json!({"envelope": 12345})),
            (
                messages.as_str(),
                json!({"envelope": "!!! pas du base64 !!!"}),
            ),
            (messages.as_str(), json!({"envelope": null})),
            (status.as_str(), json!({"action": "teleport"})),
            (status.as_str(), json!({"action": "hold"})),
            (status.as_str(), json!("relay")),
            (
                "/accounts",
                json!({"role": "worker", "login": ["a"], "password": "un mot de passe long", "display_name": "N"}),
            ),
            (
                "/accounts",
                json!({"role": "chef", "login": "a.b", "password": "un mot de passe long", "display_name": "N"}),
            ),
        ];
        for (path, body) in table {
            let got = w.srv.post(w.coordinator.token(), path, &body).await;
            got.err(400, "bad_request", &w.at(&format!("POST {path} {body}")));
        }
        let key = w
            .srv
            .put(
                w.worker.token(),
                "/me/key",
                &json!({"public_key": "passerelle-pk:AAAA"}),
            )
            .await;
        key.err(400, "bad_request", &w.at("a public key that is no key"));
        let zero = format!("passerelle-pk:{}", "A".repeat(43));
        let key = w
            .srv
            .put(w.worker.token(), "/me/key", &json!({"public_key": zero}))
            .await;
        key.err(400, "bad_request", &w.at("the all-zero public key"));
        for query in [
            "limit=abc",
            "limit=0",
            "limit=101",
            "mailbox=spam",
            "before=x",
            "case=pas-un-uuid",
        ] {
            let got = w
                .srv
                .get(w.detainee.token(), &format!("/messages?{query}"))
                .await;
            got.err(400, "bad_request", &w.at(&format!("GET /messages?{query}")));
        }

        let cases = w.srv.get(w.coordinator.token(), "/cases").await;
        assert_eq!(
            cases.body.as_array().map(Vec::len),
            Some(1),
            "{}",
            w.at("no case opened")
        );
        assert!(
            w.mailbox(&w.coordinator, "outbox").await.is_empty(),
            "{}",
            w.at("nothing uploaded")
        );
        let keys = w
            .srv
            .get(w.worker.token(), &format!("/accounts/{}/keys", w.worker.id))
            .await;
        assert_eq!(
            keys.body.as_array().map(Vec::len),
            Some(1),
            "{}",
            w.at("no key registered")
        );
        let now = w
            .srv
            .get(w.worker.token(), &status.replace("/status", ""))
            .await;
        assert_eq!(
            now.body["status"]["status"],
            "pending_relay",
            "{}",
            w.at("status unchanged")
        );
        w.srv.login("a.b", "un mot de passe long").await.err(
            401,
            "bad_credentials",
            &w.at("no account"),
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_stores_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let path = format!("/cases/{}/messages", w.case);
        let limit = w.srv.limits.max_body_bytes;
        // A body one byte over the limit, valid JSON otherwise.
        let mut body = br#"{"envelope": ""#.to_vec();
        body.resize(limit - 1, b'A');
        body.extend_from_slice(br#""}"#);
        assert_eq!(body.len(), limit + 1);
        let got = send_raw(&w, w.relative.token(), &path, JSON, &body).await;
        got.err(
            413,
            "payload_too_large",
            &w.at("a body over max_body_bytes"),
        );
        // An envelope over max_envelope_bytes in a body under the limit.
        let envelope = "A".repeat((w.srv.limits.max_envelope_bytes + 3) / 3 * 4);
        let body = serde_json::to_vec(&json!({ "envelope": envelope })).unwrap();
        assert!(body.len() <= limit, "the body itself is under the limit");
        let got = send_raw(&w, w.relative.token(), &path, JSON, &body).await;
        got.err(
            413,
            "payload_too_large",
            &w.at("an envelope over max_envelope_bytes"),
        );
        // Under the limits, the same sender is accepted, up to the largest
        // plaintext an envelope carries.
        let largest = vec![b'x'; passerelle_crypto::MAX_PAYLOAD_LEN];
        let big = w.send(&w.relative, &[&w.detainee], &largest).await;
        let sent = w.send(&w.relative, &[&w.detainee], b"petit").await;
        let outbox = w.mailbox(&w.relative, "outbox").await;
        let text = seal::open(
            outbox[1]["envelope"].as_str().unwrap(),
            &w.worker.key,
            &w.relative.public(),
        );
        assert_eq!(
            outbox[1]["id"],
            big["id"],
            "{}",
            w.at("the largest envelope is stored")
        );
        assert_eq!(text, largest, "{}", w.at("and opens whole"));
        assert_eq!(
            outbox.len(),
            2,
            "{}",
            w.at("only the accepted messages are stored")
        );
        assert_eq!(
            outbox[0]["id"],
            sent["id"],
            "{}",
            w.at("only the accepted messages are stored")
        );
    }
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_and_store_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let random = uuid::Uuid::new_v4().to_string();
        for id in [
            random.as_str(),
            "pas-un-uuid",
            "123",
            "00000000-0000-0000-0000-00000000000g",
        ] {
            let envelope = seal::seal(&w.worker.key, &[&w.worker.public()], &random, b"x");
            let table = [
                (Method::GET, format!("/cases/{id}"), None),
                (Method::GET, format!("/cases/{id}/parties"), None),
                (
                    Method::POST,
                    format!("/cases/{id}/workers"),
                    Some(json!({"worker": w.unassigned.id})),
                ),
                (
                    Method::POST,
                    format!("/cases/{id}/invitations"),
                    Some(json!({"role": "detainee"})),
                ),
                (
                    Method::POST,
                    format!("/cases/{id}/messages"),
                    Some(json!({"envelope": envelope})),
                ),
                (Method::GET, format!("/messages/{id}"), None),
                (
                    Method::POST,
                    format!("/messages/{id}/status"),
                    Some(json!({"action": "relay"})),
                ),
                (Method::GET, format!("/accounts/{id}/keys"), None),
                (Method::GET, format!("/nothing/{id}"), None),
            ];
            for (method, path, body) in table {
                let got = w
                    .srv
                    .call(method.clone(), &path, w.coordinator.token(), body.as_ref())
                    .await;
                got.err(404, "not_found", &w.at(&format!("{method} {path}")));
            }
            let assign = json!({ "worker": id });
            let got = w
                .srv
                .post(
                    w.coordinator.token(),
                    &format!("/cases/{}/workers", w.case),
                    &assign,
                )
                .await;
            let code = if id == random {
                (404, "not_found")
            } else {
                (400, "bad_request")
            };
            got.err(code.0, code.1, &w.at(&format!("assign the worker {id}")));
        }
        assert!(
            w.mailbox(&w.coordinator, "outbox").await.is_empty(),
            "{}",
            w.at("nothing uploaded")
        );
        w.srv
            .get(w.unassigned.token(), &format!("/cases/{}", w.case))
            .await
            .err(404, "not_found", &w.at("not assigned"));
    }
}
