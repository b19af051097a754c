//! Bad input: a clear 4xx, and nothing stored.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::ContentType;
use serde_json::{Value, json};

use super::*;
use crate::support::{backends, seal};

#[tokio::test]
async fn bad_requests_are_4xx_and_store_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        allow_visits(&w, &w.relative2).await;
        let good = || body(&w, note(&w, &w.relative, &[]));
        let with = |key: &str, value: Value| {
            let mut b = good();
            b[key] = value;
            b
        };
        let path = format!("/api/v1/cases/{}/visits", w.case);
        let malformed = b"{\"kind\": \"ordinary\", \"dates\": [".to_vec();
        let raw = w
            .srv
            .raw(
                reqwest::Method::POST,
                &path,
                w.relative.token(),
                Some(("application/json", malformed)),
            )
            .await;
        raw.err(400, "bad_request", &w.at("malformed JSON"));

        let tampered = seal::tamper(&note(&w, &w.relative, &[]));
        let message_type = seal_note_with(
            &w,
            &w.relative,
            &[],
            ContentType::Message,
            uuid::Uuid::new_v4(),
        );
        let cases: Vec<(&str, Value, u16, &str)> = vec![
            (
                "unknown kind",
                with("kind", json!("conjugal")),
                400,
                "bad_request",
            ),
            (
                "a minor aged 25",
                with("minor_ages", json!([25])),
                400,
                "bad_request",
            ),
            (
                "a negative age",
                with("minor_ages", json!([-1])),
                400,
                "bad_request",
            ),
            ("no adult", with("adults", json!(0)), 400, "bad_request"),
            (
                "too many visitors",
                with("minor_ages", json!([1, 2, 3, 4, 5, 6])),
                400,
                "bad_request",
            ),
            (
                "an empty date list",
                with("dates", json!([])),
                400,
                "bad_request",
            ),
            (
                "a date in the past",
                with("dates", json!([{ "date": day(&w, -1), "slot": "any" }])),
                400,
                "bad_request",
            ),
            (
                "today",
                with("dates", json!([{ "date": day(&w, 0), "slot": "any" }])),
                400,
                "bad_request",
            ),
            (
                "an unknown slot",
                with("dates", json!([{ "date": day(&w, 3), "slot": "night" }])),
                400,
                "bad_request",
            ),
            (
                "a date that is not one",
                with("dates", json!([{ "date": "2026-02-30", "slot": "any" }])),
                400,
                "bad_request",
            ),
            (
                "an unknown field",
                with("names", json!(["Nadia"])),
                400,
                "bad_request",
            ),
            (
                "no note",
                {
                    let mut b = good();
                    b.as_object_mut().unwrap().remove("note");
                    b
                },
                400,
                "bad_request",
            ),
            (
                "a note that is not base64",
                with("note", json!("pas du base64 !")),
                400,
                "bad_request",
            ),
            (
                "a forged note",
                with("note", json!(STANDARD.encode(b"not an envelope at all"))),
                422,
                "invalid_envelope",
            ),
            (
                "a tampered note",
                with("note", json!(tampered)),
                422,
                "invalid_envelope",
            ),
            (
                "a message envelope",
                with("note", json!(message_type)),
                422,
                "invalid_envelope",
            ),
            (
                "a note sealed to another relative",
                with("note", json!(note(&w, &w.relative, &[&w.relative2]))),
                422,
                "invalid_envelope",
            ),
            (
                "a note sealed by someone else",
                with("note", json!(note(&w, &w.relative2, &[]))),
                422,
                "invalid_envelope",
            ),
        ];
        for (what, body, code, error) in cases {
            post_request(&w, &w.relative, &body)
                .await
                .err(code, error, &w.at(what));
        }
        assert_eq!(listed(&w, &w.worker).await, Vec::<String>::new());

        // A replayed note id is refused, and the first request stays alone.
        let replayed = good();
        post_request(&w, &w.relative, &replayed)
            .await
            .ok(201, &w.at("first"));
        post_request(&w, &w.relative, &replayed)
            .await
            .err(409, "replayed", &w.at("replay"));
        let visits = listed(&w, &w.worker).await;
        assert_eq!(visits.len(), 1);
        let visit = &visits[0];

        let long = "é".repeat(501);
        let steps: Vec<(&str, Value)> = vec![
            ("an unknown action", json!({ "action": "approve" })),
            ("no action", json!({ "reason": "x" })),
            (
                "a too-long cancel reason",
                json!({ "action": "cancel", "reason": long }),
            ),
            (
                "an empty refusal reason",
                json!({ "action": "refuse", "reason": "   " }),
            ),
            (
                "a too-long reference",
                json!({ "action": "forward", "reference": "x".repeat(101) }),
            ),
            (
                "a schedule without a place",
                json!({ "action": "schedule", "date": day(&w, 5), "time": "10:00" }),
            ),
            (
                "a visit in the past",
                json!({ "action": "schedule", "date": day(&w, -1), "time": "10:00", "place": "Haren" }),
            ),
            (
                "a bad time",
                json!({ "action": "schedule", "date": day(&w, 5), "time": "25:00", "place": "Haren" }),
            ),
        ];
        for (what, body) in steps {
            step(&w, &w.worker, visit, body)
                .await
                .err(400, "bad_request", &w.at(what));
        }
        step_ok(&w, &w.worker, visit, json!({ "action": "review" })).await;
        step(
            &w,
            &w.worker,
            visit,
            json!({ "action": "refuse", "reason": long }),
        )
        .await
        .err(400, "bad_request", &w.at("a too-long refusal reason"));
        let after = show(&w, &w.worker, visit).await;
        assert_eq!(status(after.ok(200, &w.at("unchanged"))), "under_review");
        step(&w, &w.worker, "not-a-uuid", json!({ "action": "review" }))
            .await
            .err(404, "not_found", &w.at("a bad id"));
    }
}
