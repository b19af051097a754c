//! Consent, restrictions and outsiders: who is refused what, how, and that
//! every refusal leaves a row in the trail.

use serde_json::json;

use super::*;
use crate::support::backends;

/// The exact body of a refusal for lack of consent or a restriction: it
/// never says which.
#[track_caller]
fn not_available(resp: &Resp, what: &str) {
    resp.err(403, "not_available", what);
    assert_eq!(
        resp.body["message"], "this is not available to you",
        "{what}: no reason given"
    );
}

async fn worker_count(w: &World) -> usize {
    listed(w, &w.worker).await.len()
}

#[tokio::test]
async fn without_visits_consent_a_relative_cannot_ask_and_nothing_is_stored() {
    for backend in backends().await {
        let w = World::build(backend).await;
        // The fixture grants `messages` only.
        let body = body(&w, note(&w, &w.relative, &[]));
        not_available(&post_request(&w, &w.relative, &body).await, &w.at("ask"));
        not_available(&list(&w, &w.relative).await, &w.at("list"));
        assert_eq!(worker_count(&w).await, 0);
        assert!(audited(&w, &w.relative, "visit.request", "denied:no_consent").await);
        assert!(audited(&w, &w.relative, "visit.list", "denied:no_consent").await);
    }
}

#[tokio::test]
async fn a_revocation_blocks_the_very_next_request_and_the_worker_s_next_step() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let visit = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;

        revoke(&w, &w.relative, &["visits"]).await;

        let body = body(&w, note(&w, &w.relative, &[]));
        not_available(
            &post_request(&w, &w.relative, &body).await,
            &w.at("ask again"),
        );
        not_available(&show(&w, &w.relative, &visit).await, &w.at("view"));
        not_available(
            &step(&w, &w.relative, &visit, json!({ "action": "cancel" })).await,
            &w.at("cancel"),
        );
        not_available(
            &step(&w, &w.worker, &visit, json!({ "action": "forward" })).await,
            &w.at("forward"),
        );
        assert_eq!(worker_count(&w).await, 1);
        let kept = show(&w, &w.worker, &visit).await;
        assert_eq!(status(kept.ok(200, &w.at("worker views"))), "under_review");
        assert!(audited(&w, &w.worker, "visit.forward", "denied:no_consent").await);
        // The worker may still refuse or cancel it.
        step_ok(&w, &w.worker, &visit, json!({ "action": "cancel" })).await;
    }
}

#[tokio::test]
async fn a_restriction_blocks_visits_both_ways_and_never_says_so() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let reviewed = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &reviewed, json!({ "action": "review" })).await;
        let forwarded = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &forwarded, json!({ "action": "review" })).await;
        step_ok(&w, &w.worker, &forwarded, json!({ "action": "forward" })).await;
        assert_eq!(listed(&w, &w.detainee).await.len(), 2);

        restrict(&w, &w.relative).await;

        // The restricted relative can neither ask, nor see, nor cancel.
        let body = body(&w, note(&w, &w.relative, &[]));
        not_available(&post_request(&w, &w.relative, &body).await, &w.at("ask"));
        not_available(&list(&w, &w.relative).await, &w.at("list"));
        not_available(&show(&w, &w.relative, &reviewed).await, &w.at("view"));
        not_available(
            &step(&w, &w.relative, &reviewed, json!({ "action": "cancel" })).await,
            &w.at("cancel"),
        );
        // A worker cannot forward or schedule for them.
        not_available(
            &step(&w, &w.worker, &reviewed, json!({ "action": "forward" })).await,
            &w.at("forward"),
        );
        not_available(
            &step(&w, &w.worker, &forwarded, schedule(&w)).await,
            &w.at("schedule"),
        );
        // The detained person no longer sees them, not even that they exist.
        assert!(listed(&w, &w.detainee).await.is_empty());
        show(&w, &w.detainee, &reviewed)
            .await
            .err(404, "not_found", &w.at("detainee views"));
        assert_eq!(worker_count(&w).await, 2);
        assert!(audited(&w, &w.relative, "visit.request", "denied:restricted").await);
        assert!(audited(&w, &w.worker, "visit.schedule", "denied:restricted").await);
        assert!(audited(&w, &w.detainee, "visit.view", "denied:restricted").await);
    }
}

#[tokio::test]
async fn outsiders_and_other_relatives_get_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        allow_visits(&w, &w.relative2).await;
        let visit = id(&request(&w, &w.relative).await);
        let cancel = json!({ "action": "cancel" });

        for outsider in [&w.foreign_relative, &w.foreign_coordinator, &w.unassigned] {
            let what = |s: &str| w.at(&format!("{} {s}", outsider.login));
            let body = body(&w, note(&w, outsider, &[]));
            post_request(&w, outsider, &body)
                .await
                .err(404, "not_found", &what("asks"));
            list(&w, outsider)
                .await
                .err(404, "not_found", &what("lists"));
            show(&w, outsider, &visit)
                .await
                .err(404, "not_found", &what("views"));
            step(&w, outsider, &visit, cancel.clone()).await.err(
                404,
                "not_found",
                &what("cancels"),
            );
            assert!(audited(&w, outsider, "visit.view", "denied:not_a_party").await);
        }
        // Another relative of the case neither sees nor touches it.
        show(&w, &w.relative2, &visit)
            .await
            .err(404, "not_found", &w.at("relative2 views"));
        step(&w, &w.relative2, &visit, cancel.clone()).await.err(
            404,
            "not_found",
            &w.at("relative2 cancels"),
        );
        assert!(listed(&w, &w.relative2).await.is_empty());
        assert!(audited(&w, &w.relative2, "visit.view", "denied:not_permitted").await);
        // A case id they cannot reach answers as one that does not exist.
        let foreign = format!("/cases/{}/visits", w.foreign_case);
        w.srv
            .get(w.relative.token(), &foreign)
            .await
            .err(404, "not_found", &w.at("foreign case"));
        show(&w, &w.relative, &uuid::Uuid::new_v4().to_string())
            .await
            .err(404, "not_found", &w.at("unknown visit"));
        w.srv.get(None, &format!("/visits/{visit}")).await.err(
            401,
            "unauthenticated",
            &w.at("anonymous"),
        );

        // Parties of the case do only their own part of the flow.
        for (who, body) in [
            (&w.relative, json!({ "action": "review" })),
            (&w.detainee, json!({ "action": "review" })),
            (&w.detainee, cancel.clone()),
        ] {
            step(&w, who, &visit, body).await.err(
                403,
                "forbidden",
                &w.at(&format!("{} steps", who.login)),
            );
        }
        let body = body(&w, note(&w, &w.worker, &[]));
        post_request(&w, &w.worker, &body)
            .await
            .err(403, "forbidden", &w.at("a worker asks"));
        assert_eq!(worker_count(&w).await, 1);
        assert!(audited(&w, &w.detainee, "visit.review", "denied:not_permitted").await);
    }
}

#[tokio::test]
async fn the_detained_person_reads_a_note_only_when_it_is_sealed_to_them() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let body = body(&w, note(&w, &w.relative, &[]));
        let private = post_request(&w, &w.relative, &body).await;
        let private = id(private.ok(201, &w.at("ask with a note for the workers")));
        let seen = show(&w, &w.detainee, &private).await;
        let seen = seen.ok(200, &w.at("detainee views"));
        assert!(seen["note"].is_null(), "not sealed to them: {seen}");
        let by_worker = show(&w, &w.worker, &private).await;
        assert!(by_worker.ok(200, &w.at("worker views"))["note"].is_string());
    }
}

#[tokio::test]
async fn an_expired_visits_consent_blocks_from_its_end_time() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let until = w.srv.clock.now() + jiff::SignedDuration::from_hours(1);
        let grant = json!({
            "grantee": w.relative.id,
            "change": "grant",
            "scopes": ["visits"],
            "valid_until": until,
            "method": "kiosk",
        });
        w.srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/consents", w.case),
                &grant,
            )
            .await
            .ok(201, &w.at("grant for an hour"));
        w.srv.clock.advance(jiff::SignedDuration::from_mins(59));
        let visit = id(&request(&w, &w.relative).await);

        w.srv.clock.advance(jiff::SignedDuration::from_mins(1));
        let body = body(&w, note(&w, &w.relative, &[]));
        not_available(&post_request(&w, &w.relative, &body).await, &w.at("ask"));
        not_available(&show(&w, &w.relative, &visit).await, &w.at("view"));
        step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;
        not_available(
            &step(&w, &w.worker, &visit, json!({ "action": "forward" })).await,
            &w.at("forward"),
        );
        assert!(listed(&w, &w.detainee).await.is_empty());
    }
}
