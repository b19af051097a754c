//! Consent, restrictions and the audit trail, over HTTP on every engine:
//! what a revocation, an expiry or a restriction changes from the very
//! next request, and what the trail keeps.

use jiff::{SignedDuration, Timestamp};
use passerelle_server::Clock as _;
use serde_json::{Value, json};

use crate::support::world::{DETAINEE_NAME, INSTITUTION, grant};
use crate::support::{Actor, Resp, World, backends, seal};

/// `worker` revokes `scopes` of `relative`'s consent.
async fn revoke(w: &World, relative: &Actor, scopes: &[&str]) {
    let body = json!({
        "grantee": relative.id,
        "change": "revoke",
        "scopes": scopes,
        "method": "signed_paper",
    });
    w.srv
        .post(
            w.worker.token(),
            &format!("/cases/{}/consents", w.case),
            &body,
        )
        .await
        .ok(201, &w.at("revoke"));
}

/// `worker` records a no-contact restriction on `relative`; its id.
async fn restrict(w: &World, relative: &Actor) -> String {
    let body = json!({ "relative": relative.id, "kind": "court_order" });
    let resp = w
        .srv
        .post(
            w.worker.token(),
            &format!("/cases/{}/restrictions", w.case),
            &body,
        )
        .await;
    resp.ok(201, &w.at("restrict"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An envelope from `sender` to `to` and the case's two workers.
fn envelope(w: &World, sender: &Actor, to: &[&Actor], text: &[u8]) -> String {
    let mut keys = vec![w.coordinator.public(), w.worker.public()];
    keys.extend(to.iter().map(|a| a.public()));
    let keys: Vec<_> = keys.iter().collect();
    seal::seal(&sender.key, &keys, &w.case, text)
}

async fn step(w: &World, who: &Actor, message: &str, action: &str) -> Resp {
    w.srv
        .post(
            who.token(),
            &format!("/messages/{message}/status"),
            &json!({ "action": action }),
        )
        .await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

async fn case_view(w: &World, who: &Actor) -> Value {
    w.srv
        .get(who.token(), &format!("/cases/{}", w.case))
        .await
        .ok(200, &w.at("case view"))
        .clone()
}

async fn party_ids(w: &World, who: &Actor) -> Vec<String> {
    let resp = w
        .srv
        .get(who.token(), &format!("/cases/{}/parties", w.case))
        .await;
    resp.ok(200, &w.at("parties"))
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["account"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_revoked_consent_blocks_the_very_next_request() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let first = id(&w.send(&w.relative, &[&w.detainee], b"avant").await);
        step(&w, &w.worker, &first, "relay")
            .await
            .ok(200, &w.at("relay"));
        let reply = id(&w.send(&w.detainee, &[&w.relative], b"merci maman").await);
        step(&w, &w.worker, &reply, "relay")
            .await
            .ok(200, &w.at("relay the reply"));
        assert_eq!(
            ids(&w.mailbox(&w.relative, "inbox").await),
            vec![reply.clone()]
        );
        assert_eq!(
            ids(&w.mailbox(&w.detainee, "inbox").await),
            vec![first.clone()]
        );
        assert!(party_ids(&w, &w.relative).await.contains(&w.detainee.id));

        revoke(&w, &w.relative, &["messages"]).await;

        // The relative can neither send to nor receive from the detainee.
        let sealed = envelope(&w, &w.relative, &[&w.detainee], b"apres");
        w.upload(&w.relative, &w.case, &sealed).await.err(
            403,
            "not_available",
            &w.at("relative writes after revocation"),
        );
        assert!(w.mailbox(&w.relative, "inbox").await.is_empty());
        w.srv
            .get(w.relative.token(), &format!("/messages/{reply}"))
            .await
            .err(403, "not_available", &w.at("relative opens the reply"));
        let sealed = envelope(&w, &w.detainee, &[&w.relative], b"tu es la ?");
        w.upload(&w.detainee, &w.case, &sealed).await.err(
            403,
            "not_available",
            &w.at("detainee writes after revocation"),
        );
        assert!(w.mailbox(&w.detainee, "inbox").await.is_empty());
        assert!(!party_ids(&w, &w.relative).await.contains(&w.detainee.id));
        // Their own messages stay theirs, and the workers still hear them.
        assert_eq!(ids(&w.mailbox(&w.relative, "outbox").await), vec![first]);
        w.send(&w.relative, &[], b"pour l'assistante").await;
        // The other relative's consent is untouched.
        w.send(&w.relative2, &[&w.detainee], b"toujours la").await;
        // And the worker may not relay the detainee's old reply anew.
        let history = w
            .srv
            .get(w.worker.token(), &format!("/cases/{}/consents", w.case))
            .await;
        let history = history.ok(200, &w.at("history"));
        let mine = history["effective"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["grantee"] == w.relative.id.as_str())
            .unwrap();
        assert_eq!(mine["scopes"], json!([]), "{}", w.at("effective"));
        assert_eq!(
            history["history"].as_array().unwrap().len(),
            3,
            "{}",
            w.at("two grants and a revocation, nothing edited")
        );
    }
}

#[tokio::test]
async fn an_expired_consent_blocks_from_its_end_time_and_a_future_one_waits() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let now = w.srv.clock.now();
        let until = now + SignedDuration::from_hours(1);
        let body = json!({
            "grantee": w.relative2.id,
            "change": "grant",
            "scopes": ["messages", "case_status"],
            "valid_until": until,
            "method": "kiosk",
        });
        w.srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/consents", w.case),
                &body,
            )
            .await
            .ok(201, &w.at("grant for an hour"));
        assert_eq!(
            case_view(&w, &w.relative2).await["institution"],
            INSTITUTION
        );

        w.srv.clock.advance(SignedDuration::from_mins(59));
        assert_eq!(
            case_view(&w, &w.relative2).await["institution"],
            INSTITUTION
        );
        w.send(&w.relative2, &[&w.detainee], b"encore une minute")
            .await;

        w.srv.clock.advance(SignedDuration::from_mins(1));
        assert_eq!(
            case_view(&w, &w.relative2).await["institution"],
            Value::Null
        );
        let sealed = envelope(&w, &w.relative2, &[&w.detainee], b"trop tard");
        w.upload(&w.relative2, &w.case, &sealed).await.err(
            403,
            "not_available",
            &w.at("after the end time"),
        );

        // Not yet valid: nothing until its start.
        let from: Timestamp = w.srv.clock.now() + SignedDuration::from_hours(2);
        let body = json!({
            "grantee": w.relative2.id,
            "change": "grant",
            "scopes": ["messages", "release_plan"],
            "valid_from": from,
            "method": "in_person",
        });
        w.srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/consents", w.case),
                &body,
            )
            .await
            .ok(201, &w.at("grant from in two hours"));
        w.upload(&w.relative2, &w.case, &sealed).await.err(
            403,
            "not_available",
            &w.at("before the start"),
        );
        w.srv.clock.advance(SignedDuration::from_hours(2));
        w.upload(&w.relative2, &w.case, &sealed)
            .await
            .ok(201, &w.at("from the start"));
    }
}

#[tokio::test]
async fn a_restriction_blocks_messages_and_views_in_both_directions() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["case_status"]).await;
        assert_eq!(case_view(&w, &w.relative).await["institution"], INSTITUTION);
        let pending = id(&w.send(&w.relative, &[&w.detainee], b"en attente").await);
        // Another relative without consent, for comparing refusals.
        revoke(&w, &w.relative2, &["messages"]).await;
        let to_unconsented = envelope(&w, &w.detainee, &[&w.relative2], b"?");
        let no_consent = w.upload(&w.detainee, &w.case, &to_unconsented).await;

        let restriction = restrict(&w, &w.relative).await;

        // Relative to detained person, and back: refused.
        let sealed = envelope(&w, &w.relative, &[&w.detainee], b"interdit");
        w.upload(&w.relative, &w.case, &sealed).await.err(
            403,
            "not_available",
            &w.at("restricted relative writes"),
        );
        let to_protected = envelope(&w, &w.detainee, &[&w.relative], b"interdit");
        let refused = w.upload(&w.detainee, &w.case, &to_protected).await;
        refused.err(403, "not_available", &w.at("detainee writes"));
        assert_eq!(
            refused.text,
            no_consent.text,
            "{}",
            w.at("a restriction reads exactly like a missing consent")
        );
        step(&w, &w.worker, &pending, "relay").await.err(
            403,
            "not_available",
            &w.at("relaying to a restricted relative"),
        );

        // Views: the relative sees nothing of the detainee, the detainee
        // nothing of the relative.
        let view = case_view(&w, &w.relative).await;
        assert_eq!(
            view["institution"],
            Value::Null,
            "{}",
            w.at("status hidden")
        );
        assert_eq!(view["prison_number"], Value::Null);
        assert!(!party_ids(&w, &w.relative).await.contains(&w.detainee.id));
        assert!(!party_ids(&w, &w.detainee).await.contains(&w.relative.id));
        let consents = w
            .srv
            .get(w.detainee.token(), &format!("/cases/{}/consents", w.case))
            .await;
        assert!(
            !consents.text.contains(&w.relative.id),
            "{}",
            w.at("the detainee's consent list never names the protected relative")
        );
        for who in [&w.relative, &w.detainee] {
            w.srv
                .get(who.token(), &format!("/cases/{}/restrictions", w.case))
                .await
                .err(403, "forbidden", &w.at("restrictions are for workers"));
        }

        // Lifting restores what consent allows; the record stays.
        let lifted = w
            .srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/restrictions/{restriction}/lift", w.case),
                &json!({}),
            )
            .await;
        assert!(lifted.ok(200, &w.at("lift"))["lifted"].is_array());
        w.upload(&w.relative, &w.case, &sealed)
            .await
            .ok(201, &w.at("after lifting"));
        let list = w
            .srv
            .get(w.worker.token(), &format!("/cases/{}/restrictions", w.case))
            .await;
        assert_eq!(list.ok(200, &w.at("history")).as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn denied_attempts_are_in_the_trail_the_coordinator_exports() {
    for backend in backends().await {
        let w = World::build(backend).await;
        revoke(&w, &w.relative, &["messages"]).await;
        let sealed = envelope(&w, &w.relative, &[&w.detainee], b"refuse");
        w.upload(&w.relative, &w.case, &sealed)
            .await
            .err(403, "not_available", &w.at("refused"));
        w.srv
            .get(w.foreign_relative.token(), &format!("/cases/{}", w.case))
            .await
            .err(404, "not_found", &w.at("outsider"));

        let export = w
            .srv
            .get(w.coordinator.token(), &format!("/cases/{}/audit", w.case))
            .await;
        let rows = export.ok(200, &w.at("export"))["items"]
            .as_array()
            .unwrap()
            .clone();
        let has = |actor: &str, action: &str, outcome: &str| {
            rows.iter()
                .any(|r| r["actor"] == actor && r["action"] == action && r["outcome"] == outcome)
        };
        assert!(has(&w.relative.id, "message.send", "denied:no_consent"));
        assert!(has(
            &w.foreign_relative.id,
            "case.view",
            "denied:not_a_party"
        ));
        assert!(has(&w.worker.id, "consent.record", "allowed"));
        let seqs: Vec<i64> = rows.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|p| p[0] < p[1]), "in chain order");

        // Only the service's coordinator exports.
        for who in [&w.worker, &w.relative, &w.detainee] {
            w.srv
                .get(who.token(), &format!("/cases/{}/audit", w.case))
                .await
                .err(403, "forbidden", &w.at("not the coordinator"));
        }
        w.srv
            .get(
                w.foreign_coordinator.token(),
                &format!("/cases/{}/audit", w.case),
            )
            .await
            .err(404, "not_found", &w.at("another service's coordinator"));
    }
}

#[tokio::test]
async fn people_see_who_accessed_their_items_but_never_a_protected_relative() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative2, &["case_status"]).await;
        let message = id(&w.send(&w.relative, &[&w.detainee], b"coucou").await);
        step(&w, &w.worker, &message, "relay")
            .await
            .ok(200, &w.at("relay"));
        w.srv
            .get(w.detainee.token(), &format!("/messages/{message}"))
            .await
            .ok(200, &w.at("detainee reads"));
        case_view(&w, &w.relative2).await;

        let access = w.srv.get(w.relative.token(), "/me/access").await;
        let items = access.ok(200, &w.at("relative's access"))["items"]
            .as_array()
            .unwrap()
            .clone();
        let seen = |items: &[Value], actor: &str, action: &str| {
            items
                .iter()
                .any(|i| i["actor"] == actor && i["action"] == action)
        };
        assert!(seen(&items, "Travailleur worker.a", "message.relay"));
        assert!(seen(&items, "Personne detainee.a", "message.view"));
        assert!(!items.iter().any(|i| i["actor"] == "Personne relative.a"));

        let mine = w.srv.get(w.detainee.token(), "/me/access").await;
        let mine = mine.ok(200, &w.at("detainee's access"))["items"]
            .as_array()
            .unwrap()
            .clone();
        assert!(seen(&mine, "Personne relative.b", "case.view"));

        restrict(&w, &w.relative2).await;
        let after = w.srv.get(w.detainee.token(), "/me/access").await;
        assert!(
            !after.text.contains("relative.b"),
            "{}",
            w.at("a protected relative vanishes from the detainee's view")
        );
    }
}

#[tokio::test]
async fn receipts_print_in_three_languages_and_as_a_kantara_record() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let record = grant(&w.srv, &w.worker, &w.case, &w.relative, &["visits"]).await;
        let path = |query: &str| format!("/cases/{}/consents/{record}/receipt?{query}", w.case);
        for (lang, title) in [
            ("fr", "Reçu de consentement"),
            ("nl", "Ontvangstbewijs van toestemming"),
            ("en", "Consent receipt"),
        ] {
            let text = w
                .srv
                .get(w.relative.token(), &path(&format!("lang={lang}")))
                .await;
            assert_eq!(text.status, 200, "{}", w.at(lang));
            assert!(text.text.contains(title), "{}: {}", w.at(lang), text.text);
            assert!(text.text.contains(DETAINEE_NAME), "{}", w.at(lang));
            assert!(text.text.contains("Personne relative.a"), "{}", w.at(lang));
        }
        let json = w
            .srv
            .get(w.detainee.token(), &path("lang=nl&format=json"))
            .await;
        let json = json.ok(200, &w.at("json"));
        assert_eq!(json["version"], "KI-CR-v1.1.0");
        assert_eq!(json["language"], "nl");
        assert_eq!(json["pii_principal"], DETAINEE_NAME);
        assert_eq!(json["collection_method"], "in_person");
        w.srv.get(w.relative.token(), &path("lang=de")).await.err(
            400,
            "bad_request",
            &w.at("unknown language"),
        );
        w.srv.get(w.relative2.token(), &path("lang=fr")).await.err(
            404,
            "not_found",
            &w.at("another relative's receipt"),
        );
    }
}

#[tokio::test]
async fn a_revoked_or_restricted_relative_gets_nothing_of_the_detainee_anywhere() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let every = [
            "messages",
            "visits",
            "case_status",
            "release_plan",
            "requests",
            "health",
            "legal",
        ];
        grant(&w.srv, &w.worker, &w.case, &w.relative, &every).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative2, &every).await;
        let message = id(&w
            .send(&w.detainee, &[&w.relative, &w.relative2], b"secret")
            .await);
        step(&w, &w.worker, &message, "relay")
            .await
            .ok(200, &w.at("relay"));
        assert!(case_view(&w, &w.relative).await["institution"] == INSTITUTION);

        // The relative's own visit, request and its referral, then the
        // detained person's message.
        let mut own = crate::access::made_in(
            &w,
            &w.case,
            &w.relative,
            &w.worker,
            &[&w.coordinator, &w.worker],
            None,
        )
        .await;
        own.message = message.clone();
        revoke(&w, &w.relative, &every).await;
        restrict(&w, &w.relative2).await;
        let markers = [
            w.detainee.id.as_str(),
            DETAINEE_NAME,
            INSTITUTION,
            crate::support::world::PRISON_NUMBER,
            message.as_str(),
        ];
        for who in [
            crate::support::Who::Relative,
            crate::support::Who::Relative2,
        ] {
            // Nor the detained person's keys from the directory.
            w.srv
                .get(w.token(who), &format!("/accounts/{}/keys", w.detainee.id))
                .await
                .err(
                    404,
                    "not_found",
                    &w.at(&format!("{who:?} reads the detainee's keys")),
                );
            for route in crate::access::case_routes() {
                let got = crate::access::call(&w, who, &route, &own).await;
                let what = w.at(&format!("{who:?} {} {}", route.method, route.path));
                assert!(got.status < 500, "{what}: {}", got.text);
                if got.status < 300 {
                    for marker in markers {
                        assert!(
                            !got.text.contains(marker),
                            "{what} shows {marker}: {}",
                            got.text
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_relatives_phone_never_reaches_the_detained_person() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["visits"]).await;
        let message = id(&w.send(&w.relative, &[&w.detainee], b"mon numero").await);
        step(&w, &w.worker, &message, "relay")
            .await
            .ok(200, &w.at("relay"));
        for path in [
            format!("/cases/{}", w.case),
            format!("/cases/{}/parties", w.case),
            format!("/cases/{}/consents", w.case),
            format!("/accounts/{}/keys", w.relative.id),
            format!("/messages/{message}"),
            "/messages".to_owned(),
            "/me/access".to_owned(),
        ] {
            let got = w.srv.get(w.detainee.token(), &path).await;
            got.ok(200, &w.at(&path));
            assert!(
                !got.text.contains("+32 470") && !got.text.contains("phone"),
                "{}: {}",
                w.at(&path),
                got.text
            );
        }
    }
}
