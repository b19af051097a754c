//! The request flow over HTTP: every step, each of the four resolutions,
//! reopening, every invalid step, and the time to acknowledgement.

use jiff::SignedDuration;
use serde_json::{Value, json};

use super::{file, filed, handle, resolve, show, step, take};
use crate::support::{World, backends, seal};

fn resolutions() -> Vec<Value> {
    vec![
        json!({ "kind": "answered_directly" }),
        json!({ "kind": "professional_service" }),
        json!({ "kind": "solidarity_initiative" }),
        json!({ "kind": "not_possible", "reason": "Le colis dépasse le poids autorisé" }),
    ]
}

#[tokio::test]
async fn a_relatives_request_goes_through_every_step_with_each_resolution() {
    for backend in backends().await {
        let w = World::build(backend).await;
        for resolution in resolutions() {
            let filed = file(&w, &w.relative, "money_deposit", "urgent").await;
            let filed = filed.ok(201, &w.at("file")).clone();
            assert_eq!(filed["status"], "submitted");
            assert_eq!(filed["on_behalf"], false);
            assert_eq!(filed["author"], w.relative.id.as_str());
            assert_eq!(
                (filed["category"].as_str(), filed["urgency"].as_str()),
                (Some("money_deposit"), Some("urgent"))
            );
            let id = filed["id"].as_str().unwrap().to_owned();

            assert_eq!(
                take(&w, &w.worker, &id, "acknowledge").await["status"],
                "acknowledged"
            );
            assert_eq!(
                take(&w, &w.worker, &id, "start").await["status"],
                "in_progress"
            );
            let resolved = resolve(&w, &id, resolution.clone()).await;
            assert_eq!(resolved["status"], "resolved");
            assert_eq!(
                resolved["resolution"],
                resolution,
                "{}",
                w.at("the worker sees the answer")
            );
            let closed = take(&w, &w.worker, &id, "close").await;
            assert_eq!(
                (closed["status"].as_str(), &closed["resolution"]),
                (Some("closed"), &resolution)
            );
            let reopened = take(&w, &w.worker, &id, "reopen").await;
            assert_eq!(reopened["status"], "in_progress");
            assert!(
                reopened.get("resolution").is_none(),
                "reopening drops the old answer"
            );
            let again = resolve(&w, &id, json!({ "kind": "answered_directly" })).await;
            assert_eq!(again["resolution"], json!({ "kind": "answered_directly" }));
            let closed = take(&w, &w.worker, &id, "close").await;
            assert_eq!(closed["status"], "closed");
            assert!(closed["closed_at"].is_string() && closed["resolved_at"].is_string());

            // The relative follows it: status always (no requests consent here).
            let seen = show(&w, &w.relative, &id).await;
            let seen = seen.ok(200, &w.at("the author reads"));
            assert_eq!(seen["status"], "closed");
            assert!(
                seen["envelope"].is_string(),
                "the author sees their own envelope"
            );
        }
    }
}

#[tokio::test]
async fn a_worker_files_on_behalf_of_the_detained_person_who_can_open_it() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let filed = file(&w, &w.worker, "documents_and_id", "normal").await;
        let filed = filed.ok(201, &w.at("worker files")).clone();
        assert_eq!(filed["on_behalf"], true, "marked as filed on behalf");
        let id = filed["id"].as_str().unwrap();
        let seen = show(&w, &w.detainee, id).await;
        let envelope = seen.ok(200, &w.at("the detained person reads"))["envelope"]
            .as_str()
            .unwrap()
            .to_owned();
        let text = seal::open(&envelope, &w.detainee.key, &w.worker.public());
        assert_eq!(text, b"Il lui faut des vetements chauds");
        handle(&w, id, json!({ "kind": "professional_service" })).await;
        let seen = show(&w, &w.detainee, id).await;
        assert_eq!(
            seen.ok(200, &w.at("outcome"))["resolution"]["kind"],
            "professional_service"
        );

        // The detained person may file for themselves too.
        let own = file(&w, &w.detainee, "contacting_the_lawyer", "high").await;
        assert_eq!(own.ok(201, &w.at("detainee files"))["on_behalf"], false);
    }
}

#[tokio::test]
async fn every_step_the_flow_does_not_allow_is_409_and_changes_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let answered = json!({ "kind": "answered_directly" });
        let steps = |name: &str| -> Value {
            match name {
                "resolve" => json!({ "action": "resolve", "resolution": answered }),
                other => json!({ "action": other }),
            }
        };
        // (status, the steps it refuses), written from DESIGN section 5.
        let table: [(&str, &[&str]); 5] = [
            ("submitted", &["start", "resolve", "close", "reopen"]),
            (
                "acknowledged",
                &["acknowledge", "resolve", "close", "reopen"],
            ),
            ("in_progress", &["acknowledge", "start", "close", "reopen"]),
            ("resolved", &["acknowledge", "start", "resolve", "reopen"]),
            ("closed", &["acknowledge", "start", "resolve", "close"]),
        ];
        let id = filed(&w, &w.relative).await;
        let forward = ["acknowledge", "start", "resolve", "close"];
        for (i, (status, refused)) in table.iter().enumerate() {
            for action in *refused {
                step(&w, &w.worker, &id, steps(action)).await.err(
                    409,
                    "invalid_transition",
                    &w.at(&format!("{action} from {status}")),
                );
                let now = show(&w, &w.worker, &id).await;
                assert_eq!(
                    now.ok(200, "read")["status"],
                    *status,
                    "{action} changed nothing"
                );
            }
            if let Some(next) = forward.get(i) {
                step(&w, &w.worker, &id, steps(next))
                    .await
                    .ok(200, &w.at(next));
            }
        }
    }
}

#[tokio::test]
async fn the_time_to_acknowledgement_is_counted_from_filing_by_the_server_clock() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let id = filed(&w, &w.relative).await;
        let before = show(&w, &w.worker, &id).await;
        let before = before.ok(200, &w.at("read"));
        assert!(before["seconds_to_acknowledge"].is_null() && before["acknowledged_at"].is_null());
        w.srv.clock.advance(SignedDuration::from_mins(95));
        let acked = take(&w, &w.worker, &id, "acknowledge").await;
        assert_eq!(acked["seconds_to_acknowledge"], 95 * 60);
        // Later steps and a reopening leave the first acknowledgement alone.
        w.srv.clock.advance(SignedDuration::from_hours(10));
        take(&w, &w.worker, &id, "start").await;
        resolve(&w, &id, json!({ "kind": "solidarity_initiative" })).await;
        take(&w, &w.worker, &id, "close").await;
        let reopened = take(&w, &w.worker, &id, "reopen").await;
        assert_eq!(reopened["seconds_to_acknowledge"], 95 * 60);
        assert_eq!(reopened["acknowledged_at"], acked["acknowledged_at"]);
    }
}

#[tokio::test]
async fn the_author_may_reopen_their_closed_request_but_take_no_other_step() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let id = filed(&w, &w.relative).await;
        handle(&w, &id, json!({ "kind": "answered_directly" })).await;
        // Only workers take the other steps; the author only reopens.
        step(&w, &w.relative, &id, json!({ "action": "close" }))
            .await
            .err(403, "forbidden", &w.at("the author closes"));
        take(&w, &w.worker, &id, "close").await;
        step(&w, &w.detainee, &id, json!({ "action": "reopen" }))
            .await
            .err(403, "forbidden", &w.at("not the author"));
        let reopened = take(&w, &w.relative, &id, "reopen").await;
        assert_eq!(reopened["status"], "in_progress");
        let rows = super::trail(&w).await;
        assert!(super::has(
            &rows,
            &w.relative,
            "request.close",
            "denied:not_permitted"
        ));
        assert!(super::has(&rows, &w.relative, "request.reopen", "allowed"));
    }
}
