//! Referrals over HTTP, on every engine: a worker sends a request on to a
//! directory service and records the service's answer once; nobody else
//! touches referrals, and a deleted entry leaves the record readable.

use serde_json::{Value, json};

use super::{filed, handle, take, trail};
use crate::support::{Who, World, backends};

async fn entry(w: &World, name: &str) -> String {
    let body = json!({ "name": name, "domains": ["administrative_help"] });
    let resp = w
        .srv
        .post(w.coordinator.token(), "/directory/services", &body)
        .await;
    resp.ok(201, &w.at("entry"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn refer(w: &World, who: Who, request: &str, entry: &str) -> crate::support::Resp {
    w.srv
        .post(
            w.token(who),
            &format!("/requests/{request}/referrals"),
            &json!({ "entry": entry }),
        )
        .await
}

async fn answer(w: &World, who: Who, referral: &str, confirmed: bool) -> crate::support::Resp {
    w.srv
        .post(
            w.token(who),
            &format!("/referrals/{referral}/answer"),
            &json!({ "confirmed": confirmed }),
        )
        .await
}

#[tokio::test]
async fn a_referral_is_made_answered_once_and_outlives_its_entry() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let cpas = entry(&w, "CPAS de Haren").await;
        let request = filed(&w, &w.relative).await;
        take(&w, &w.worker, &request, "acknowledge").await;

        let made = refer(&w, Who::Worker, &request, &cpas).await;
        let made = made.ok(201, &w.at("refer")).clone();
        assert_eq!(made["status"], "pending");
        assert_eq!(made["entry"], cpas.as_str());
        assert_eq!(made["entry_name"], "CPAS de Haren");
        assert_eq!(made["referred_by"], w.worker.id.as_str());
        assert!(made["answered_at"].is_null());
        let referral = made["id"].as_str().unwrap().to_owned();

        let confirmed = answer(&w, Who::Coordinator, &referral, true).await;
        let confirmed = confirmed.ok(200, &w.at("confirm")).clone();
        assert_eq!(confirmed["status"], "confirmed");
        assert_eq!(confirmed["answered_by"], w.coordinator.id.as_str());
        answer(&w, Who::Worker, &referral, false).await.err(
            409,
            "invalid_transition",
            &w.at("answered twice"),
        );

        // A second referral for the same request, declined.
        let other = entry(&w, "Epicerie solidaire").await;
        let second = refer(&w, Who::Worker, &request, &other).await;
        let second = second.ok(201, &w.at("second")).clone();
        let second = second["id"].as_str().unwrap().to_owned();
        let declined = answer(&w, Who::Worker, &second, false).await;
        assert_eq!(declined.ok(200, &w.at("decline"))["status"], "declined");

        // The first entry is deleted; the referral keeps where it went.
        w.srv
            .delete(
                w.coordinator.token(),
                &format!("/directory/services/{cpas}"),
            )
            .await
            .ok(204, &w.at("delete entry"));
        let listed = w
            .srv
            .get(w.worker.token(), &format!("/requests/{request}/referrals"))
            .await;
        let items: Vec<Value> = listed.ok(200, &w.at("list"))["items"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(items.len(), 2, "{}", w.at("both"));
        assert!(items[0]["entry"].is_null(), "{}", w.at("entry gone"));
        assert_eq!(items[0]["entry_name"], "CPAS de Haren");
        assert_eq!(items[0]["status"], "confirmed");
        assert_eq!(items[1]["status"], "declined");

        let rows = trail(&w).await;
        let made_rows = rows
            .iter()
            .filter(|r| r.action == "referral.create" && r.outcome == "allowed")
            .count();
        assert_eq!(made_rows, 2, "{}", w.at("audited"));
    }
}

#[tokio::test]
async fn only_the_cases_workers_refer_and_bad_referrals_are_refused() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let cpas = entry(&w, "CPAS de Haren").await;
        let request = filed(&w, &w.relative).await;
        let referral = refer(&w, Who::Worker, &request, &cpas).await;
        let referral = referral.ok(201, &w.at("refer"))["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // The author sees the request but does not handle referrals.
        refer(&w, Who::Relative, &request, &cpas).await.err(
            403,
            "forbidden",
            &w.at("relative refers"),
        );
        answer(&w, Who::Relative, &referral, true).await.err(
            403,
            "forbidden",
            &w.at("relative answers"),
        );
        for who in [
            Who::Unassigned,
            Who::ForeignCoordinator,
            Who::ForeignRelative,
            Who::Relative2,
        ] {
            refer(&w, who, &request, &cpas).await.err(
                404,
                "not_found",
                &w.at(&format!("{who:?} refers")),
            );
            answer(&w, who, &referral, true).await.err(
                404,
                "not_found",
                &w.at(&format!("{who:?} answers")),
            );
            w.srv
                .get(w.token(who), &format!("/requests/{request}/referrals"))
                .await
                .err(404, "not_found", &w.at(&format!("{who:?} lists")));
        }
        let unknown = uuid::Uuid::new_v4().to_string();
        refer(&w, Who::Worker, &request, &unknown).await.err(
            400,
            "bad_request",
            &w.at("unknown entry"),
        );
        answer(&w, Who::Worker, &unknown, true).await.err(
            404,
            "not_found",
            &w.at("unknown referral"),
        );
        w.srv
            .post(
                w.worker.token(),
                &format!("/requests/{request}/referrals"),
                &json!({ "entry": "a shelter" }),
            )
            .await
            .err(400, "bad_request", &w.at("not an id"));

        handle(&w, &request, json!({ "kind": "professional_service" })).await;
        take(&w, &w.worker, &request, "close").await;
        refer(&w, Who::Worker, &request, &cpas).await.err(
            409,
            "invalid_transition",
            &w.at("closed"),
        );
        // Only the first referral was stored.
        let listed = w
            .srv
            .get(w.worker.token(), &format!("/requests/{request}/referrals"))
            .await;
        assert_eq!(
            listed.ok(200, &w.at("list"))["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
