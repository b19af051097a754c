//! Who sees what of a practical request: outcomes follow `requests`
//! consent from the very next read, a restriction shuts a relative out
//! without saying why, and outsiders and the other relative get nothing.

use serde_json::{Value, json};

use super::{file, filed, handle, has, listed, show, step, stored, take, trail};
use crate::support::world::grant;
use crate::support::{Actor, Who, World, backends};

const REASON: &str = "La prison n'accepte plus de dépôt ce mois-ci";

async fn consent(w: &World, relative: &Actor, change: &str) {
    let body = json!({
        "grantee": relative.id, "change": change, "scopes": ["requests"], "method": "in_person",
    });
    w.srv
        .post(
            w.worker.token(),
            &format!("/cases/{}/consents", w.case),
            &body,
        )
        .await
        .ok(201, &w.at(change));
}

async fn restrict(w: &World, relative: &Actor) {
    let body = json!({ "relative": relative.id, "kind": "protection_request" });
    w.srv
        .post(
            w.worker.token(),
            &format!("/cases/{}/restrictions", w.case),
            &body,
        )
        .await
        .ok(201, &w.at("restrict"));
}

fn find<'a>(items: &'a [Value], id: &str) -> Option<&'a Value> {
    items.iter().find(|r| r["id"] == id)
}

#[tokio::test]
async fn the_outcome_follows_requests_consent_from_the_very_next_read() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let id = filed(&w, &w.relative).await;
        handle(&w, &id, json!({ "kind": "not_possible", "reason": REASON })).await;

        let without = show(&w, &w.relative, &id).await;
        let without = without.ok(200, &w.at("without consent"));
        assert_eq!(without["status"], "resolved", "the status is always shown");
        assert!(
            without.get("resolution").is_none(),
            "{}",
            w.at("no outcome")
        );
        assert!(
            !without.to_string().contains(REASON),
            "the reason never leaks"
        );

        consent(&w, &w.relative, "grant").await;
        let with = show(&w, &w.relative, &id).await;
        let with = with.ok(200, &w.at("with consent")).clone();
        assert_eq!(
            with["resolution"],
            json!({ "kind": "not_possible", "reason": REASON })
        );
        let items = listed(&w, &w.relative).await;
        assert_eq!(
            find(&items, &id).unwrap()["resolution"]["kind"],
            "not_possible"
        );

        consent(&w, &w.relative, "revoke").await;
        let after = show(&w, &w.relative, &id).await;
        assert!(after.ok(200, &w.at("revoked")).get("resolution").is_none());
        let items = listed(&w, &w.relative).await;
        let item = find(&items, &id).unwrap();
        assert!(item.get("resolution").is_none(), "{}", w.at("the list too"));
        assert_eq!(item["status"], "resolved");
    }
}

#[tokio::test]
async fn requests_for_the_detained_person_reach_a_relative_only_with_consent_and_sealed() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let resp = file(&w, &w.worker, "housing", "normal").await;
        let id = resp.ok(201, &w.at("on behalf"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        handle(&w, &id, json!({ "kind": "solidarity_initiative" })).await;

        assert!(
            find(&listed(&w, &w.relative).await, &id).is_none(),
            "hidden without consent"
        );
        show(&w, &w.relative, &id)
            .await
            .err(403, "not_available", &w.at("no consent"));
        assert!(has(
            &trail(&w).await,
            &w.relative,
            "request.view",
            "denied:no_consent"
        ));

        consent(&w, &w.relative, "grant").await;
        let seen = show(&w, &w.relative, &id).await;
        let seen = seen.ok(200, &w.at("with consent"));
        assert_eq!(seen["resolution"]["kind"], "solidarity_initiative");
        assert!(seen.get("envelope").is_none(), "never the envelope");
        let items = listed(&w, &w.relative).await;
        assert!(find(&items, &id).unwrap().get("envelope").is_none());
    }
}

#[tokio::test]
async fn a_restricted_relative_can_neither_file_nor_see_and_is_not_told_why() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["requests"]).await;
        let id = filed(&w, &w.relative).await;
        restrict(&w, &w.relative).await;
        let before = stored(&w).await;

        let attempts = [
            file(&w, &w.relative, "debts", "low").await,
            w.srv
                .get(w.relative.token(), &format!("/cases/{}/requests", w.case))
                .await,
            show(&w, &w.relative, &id).await,
            step(&w, &w.relative, &id, json!({ "action": "reopen" })).await,
        ];
        for resp in &attempts {
            resp.err(403, "not_available", &w.at("restricted"));
            assert!(
                !resp.text.contains("restrict"),
                "no reason given: {}",
                resp.text
            );
        }
        assert_eq!(stored(&w).await, before, "nothing filed");
        let rows = trail(&w).await;
        for action in [
            "request.file",
            "request.list",
            "request.view",
            "request.reopen",
        ] {
            assert!(
                has(&rows, &w.relative, action, "denied:restricted"),
                "{action}"
            );
        }
        // The detained person no longer learns of the protected relative's request.
        assert!(find(&listed(&w, &w.detainee).await, &id).is_none());
        show(&w, &w.detainee, &id)
            .await
            .err(404, "not_found", &w.at("hidden"));
        // Workers still handle it.
        take(&w, &w.worker, &id, "acknowledge").await;
    }
}

#[tokio::test]
async fn outsiders_and_the_other_relative_get_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative2, &["requests"]).await;
        let id = filed(&w, &w.relative).await;
        let list = format!("/cases/{}/requests", w.case);
        for who in [
            Who::Unassigned,
            Who::ForeignCoordinator,
            Who::ForeignRelative,
            Who::Relative2,
        ] {
            let actor = w.actor(who).unwrap();
            show(&w, actor, &id)
                .await
                .err(404, "not_found", &w.at(&format!("{who:?} reads")));
            step(&w, actor, &id, json!({ "action": "acknowledge" }))
                .await
                .err(404, "not_found", &w.at(&format!("{who:?} steps")));
            let assign = json!({ "worker": actor.id });
            w.srv
                .post(actor.token(), &format!("/requests/{id}/assign"), &assign)
                .await
                .err(404, "not_found", &w.at(&format!("{who:?} assigns")));
            if who == Who::Relative2 {
                assert!(
                    find(&listed(&w, actor).await, &id).is_none(),
                    "not another's"
                );
            } else {
                w.srv
                    .get(actor.token(), &list)
                    .await
                    .err(404, "not_found", &w.at("list"));
                file(&w, actor, "other", "low")
                    .await
                    .err(404, "not_found", &w.at("file"));
            }
        }
        w.srv
            .get(None, &list)
            .await
            .err(401, "unauthenticated", &w.at("anonymous"));
        show(&w, &w.relative, &uuid::Uuid::new_v4().to_string())
            .await
            .err(404, "not_found", &w.at("unknown id"));
        let rows = trail(&w).await;
        assert!(has(
            &rows,
            &w.foreign_relative,
            "request.view",
            "denied:not_a_party"
        ));
        assert!(has(
            &rows,
            &w.relative2,
            "request.view",
            "denied:not_permitted"
        ));
        assert_eq!(
            show(&w, &w.worker, &id).await.ok(200, "read")["status"],
            "submitted"
        );
    }
}

#[tokio::test]
async fn the_detained_person_sees_relatives_requests_without_their_envelope() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let id = filed(&w, &w.relative).await;
        handle(&w, &id, json!({ "kind": "answered_directly" })).await;
        let items = listed(&w, &w.detainee).await;
        let item = find(&items, &id).unwrap();
        assert_eq!(item["resolution"]["kind"], "answered_directly");
        assert!(item.get("envelope").is_none(), "not sealed to them");
        let workers = listed(&w, &w.worker).await;
        assert!(find(&workers, &id).unwrap()["envelope"].is_string());
        // Only workers handle; a relative or the detained person is refused.
        step(&w, &w.detainee, &id, json!({ "action": "close" }))
            .await
            .err(403, "forbidden", &w.at("detainee steps"));
        let assign = json!({ "worker": w.worker.id });
        w.srv
            .post(
                w.relative.token(),
                &format!("/requests/{id}/assign"),
                &assign,
            )
            .await
            .err(403, "forbidden", &w.at("relative assigns"));
        assert!(has(
            &trail(&w).await,
            &w.relative,
            "request.assign",
            "denied:not_permitted"
        ));
    }
}

#[tokio::test]
async fn legal_and_health_outcomes_also_need_their_own_scope() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["requests"]).await;
        let answer = json!({ "kind": "answered_directly" });
        let mut mine = Vec::new();
        for category in ["contacting_the_lawyer", "mutualite", "clothing_and_linen"] {
            let id = file(&w, &w.relative, category, "normal").await;
            let id = id.ok(201, &w.at(category))["id"]
                .as_str()
                .unwrap()
                .to_owned();
            handle(&w, &id, answer.clone()).await;
            mine.push(id);
        }
        // Filed by the worker for the detained person: care matters.
        let care = file(&w, &w.worker, "mutualite", "high").await;
        let care = care.ok(201, &w.at("care"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        handle(&w, &care, answer.clone()).await;

        let outcome = |v: &Value| v.get("resolution").is_some();
        let lawyer = show(&w, &w.relative, &mine[0]).await;
        assert!(!outcome(lawyer.ok(200, "lawyer")), "{}", w.at("legal"));
        let health = show(&w, &w.relative, &mine[1]).await;
        assert!(!outcome(health.ok(200, "mutualite")), "{}", w.at("health"));
        let clothes = show(&w, &w.relative, &mine[2]).await;
        assert!(outcome(clothes.ok(200, "clothes")), "{}", w.at("plain"));
        show(&w, &w.relative, &care)
            .await
            .err(403, "not_available", &w.at("care without health"));
        assert!(find(&listed(&w, &w.relative).await, &care).is_none());

        grant(&w.srv, &w.worker, &w.case, &w.relative, &["legal"]).await;
        let lawyer = show(&w, &w.relative, &mine[0]).await;
        assert!(outcome(lawyer.ok(200, "lawyer")), "{}", w.at("with legal"));
        let health = show(&w, &w.relative, &mine[1]).await;
        assert!(
            !outcome(health.ok(200, "mutualite")),
            "{}",
            w.at("legal is not health")
        );

        grant(&w.srv, &w.worker, &w.case, &w.relative, &["health"]).await;
        let health = show(&w, &w.relative, &mine[1]).await;
        assert!(
            outcome(health.ok(200, "mutualite")),
            "{}",
            w.at("with health")
        );
        let seen = show(&w, &w.relative, &care).await;
        assert!(
            outcome(seen.ok(200, "care")),
            "{}",
            w.at("care with health")
        );
        assert!(find(&listed(&w, &w.relative).await, &care).is_some());
    }
}
