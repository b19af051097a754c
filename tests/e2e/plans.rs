//! Release plans over HTTP, on SQLite and PostgreSQL: the default
//! checklist and its due dates, the `release_plan` consent gate, item
//! steps and sealed notes, outsiders, and bad input.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::Date;
use passerelle_crypto::{CaseId, ContentType, Context, MessageId, PublicKey};
use passerelle_server::Clock as _;
use serde_json::{Value, json};

use crate::support::world::{grant, grant_until};
use crate::support::{Actor, Resp, World, backends};

mod reminders;
mod templates;

/// The day `days` after today in Brussels, by the server's clock.
fn day(w: &World, days: i64) -> Date {
    let today = passerelle_domain::visit::brussels_today(w.srv.clock.now()).unwrap();
    today.checked_add(jiff::Span::new().days(days)).unwrap()
}

fn release(w: &World, days: i64) -> Value {
    json!({ "release_date": day(w, days).to_string(), "kind": "conditional_release" })
}

async fn put_plan(w: &World, who: &Actor, body: &Value) -> Resp {
    w.srv
        .put(who.token(), &format!("/cases/{}/plan", w.case), body)
        .await
}

async fn get_plan(w: &World, who: &Actor) -> Resp {
    w.srv
        .get(who.token(), &format!("/cases/{}/plan", w.case))
        .await
}

async fn set_status(w: &World, who: &Actor, item: &str, status: &str) -> Resp {
    w.srv
        .post(
            who.token(),
            &format!("/plan-items/{item}/status"),
            &json!({ "status": status }),
        )
        .await
}

/// The id of the item with `key` in a plan view.
fn item(plan: &Value, key: &str) -> String {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A plan note from `sender`, sealed to the case's two workers, the sender
/// and `readers`.
fn plan_note(w: &World, sender: &Actor, readers: &[&Actor], id: uuid::Uuid) -> String {
    let mut keys: Vec<PublicKey> = vec![w.coordinator.public(), w.worker.public(), sender.public()];
    keys.extend(readers.iter().map(|a| a.public()));
    let case = uuid::Uuid::parse_str(&w.case).unwrap();
    let context = Context {
        content_type: ContentType::PlanNote,
        message_id: MessageId::from_bytes(*id.as_bytes()),
        case_id: CaseId::from_bytes(*case.as_bytes()),
    };
    let text = b"Rendez-vous CPAS le 3, apporter la carte d'identite.";
    let sealed = passerelle_crypto::seal(&sender.key, &keys, &context, text).unwrap();
    STANDARD.encode(sealed.as_bytes())
}

#[tokio::test]
async fn a_plan_is_made_from_the_default_template_with_its_due_dates() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let created = put_plan(&w, &w.worker, &release(&w, 100)).await;
        let plan = created.ok(201, &w.at("create the plan")).clone();
        assert_eq!(plan["release_date"], day(&w, 100).to_string());
        assert_eq!(plan["kind"], "conditional_release");
        assert_eq!(plan["confirmed"], false);
        let expected = [
            ("identity_card", -90),
            ("housing", -90),
            ("cpas", -30),
            ("mutualite", -30),
            ("bank_account", -30),
            ("replacement_income", -30),
            ("treatment_continuity", -14),
            ("first_appointments", 1),
        ];
        let items = plan["items"].as_array().unwrap();
        assert_eq!(items.len(), expected.len(), "{}", w.at("items"));
        for (item, (key, offset)) in items.iter().zip(expected) {
            assert_eq!(item["key"], key);
            assert_eq!(item["status"], "todo");
            assert_eq!(item["owner"], json!({ "kind": "worker" }));
            assert_eq!(item["due_date"], day(&w, 100 + offset).to_string(), "{key}");
        }
        // The workers and the detained person see it.
        for who in [&w.worker, &w.coordinator, &w.detainee] {
            let seen = get_plan(&w, who).await;
            assert_eq!(seen.ok(200, &w.at(&who.login))["id"], plan["id"]);
        }
        // A second PUT moves it: 200, the same plan, every date moved.
        let moved = put_plan(&w, &w.coordinator, &release(&w, 120)).await;
        let moved = moved.ok(200, &w.at("move")).clone();
        assert_eq!(moved["id"], plan["id"]);
        assert_eq!(moved["revision"], 1);
        let housing = moved["items"][1].clone();
        assert_eq!(housing["due_date"], day(&w, 30).to_string());
    }
}

#[tokio::test]
async fn relatives_see_the_plan_only_with_release_plan_consent_and_no_restriction() {
    for backend in backends().await {
        let w = World::build(backend).await;
        put_plan(&w, &w.worker, &release(&w, 100))
            .await
            .ok(201, &w.at("create"));
        // The fixture's relatives hold `messages` only.
        get_plan(&w, &w.relative)
            .await
            .err(403, "not_available", &w.at("no consent"));
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["release_plan"]).await;
        get_plan(&w, &w.relative).await.ok(200, &w.at("consent"));
        get_plan(&w, &w.relative2)
            .await
            .err(403, "not_available", &w.at("the other relative"));

        let revoke = json!({
            "grantee": w.relative.id, "change": "revoke",
            "scopes": ["release_plan"], "method": "signed_paper",
        });
        w.srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/consents", w.case),
                &revoke,
            )
            .await
            .ok(201, &w.at("revoke"));
        get_plan(&w, &w.relative)
            .await
            .err(403, "not_available", &w.at("revoked"));

        grant(&w.srv, &w.worker, &w.case, &w.relative, &["release_plan"]).await;
        get_plan(&w, &w.relative).await.ok(200, &w.at("again"));
        let restriction = json!({ "relative": w.relative.id, "kind": "court_order" });
        w.srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/restrictions", w.case),
                &restriction,
            )
            .await
            .ok(201, &w.at("restrict"));
        get_plan(&w, &w.relative)
            .await
            .err(403, "not_available", &w.at("restricted"));
    }
}

#[tokio::test]
async fn outsiders_get_404_and_only_workers_set_the_release() {
    for backend in backends().await {
        let w = World::build(backend).await;
        // No plan yet: 404 for the workers too.
        get_plan(&w, &w.worker)
            .await
            .err(404, "not_found", &w.at("none"));
        let plan = put_plan(&w, &w.worker, &release(&w, 100)).await;
        let housing = item(plan.ok(201, &w.at("create")), "housing");
        for who in [&w.unassigned, &w.foreign_coordinator, &w.foreign_relative] {
            get_plan(&w, who)
                .await
                .err(404, "not_found", &w.at(&who.login));
            put_plan(&w, who, &release(&w, 50))
                .await
                .err(404, "not_found", &w.at(&who.login));
            set_status(&w, who, &housing, "done")
                .await
                .err(404, "not_found", &w.at(&who.login));
        }
        for who in [&w.detainee, &w.relative] {
            put_plan(&w, who, &release(&w, 50))
                .await
                .err(403, "forbidden", &w.at(&who.login));
        }
        // The detained person sees the plan but works only items they own.
        set_status(&w, &w.detainee, &housing, "done").await.err(
            403,
            "forbidden",
            &w.at("not the owner"),
        );
        let unchanged = get_plan(&w, &w.worker).await;
        let unchanged = unchanged.ok(200, &w.at("unchanged"));
        assert_eq!(unchanged["release_date"], day(&w, 100).to_string());
        assert_eq!(unchanged["items"][1]["status"], "todo");
    }
}

#[tokio::test]
async fn items_move_by_the_rules_and_carry_sealed_notes() {
    for backend in backends().await {
        let w = World::build(backend).await;
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["release_plan"]).await;
        let body = json!({
            "release_date": day(&w, 100).to_string(), "kind": "leave",
            "owners": [
                { "item": "housing", "owner": { "kind": "relative", "account": w.relative.id } },
                { "item": "first_appointments", "owner": { "kind": "detainee" } },
            ],
        });
        let plan = put_plan(&w, &w.worker, &body)
            .await
            .ok(201, &w.at("create"))
            .clone();
        let housing = item(&plan, "housing");
        let cpas = item(&plan, "cpas");
        let first = item(&plan, "first_appointments");

        let step = set_status(&w, &w.relative, &housing, "in_progress").await;
        assert_eq!(step.ok(200, &w.at("owner steps"))["status"], "in_progress");
        set_status(&w, &w.relative, &housing, "in_progress")
            .await
            .err(409, "invalid_transition", &w.at("staying put"));
        set_status(&w, &w.relative, &cpas, "done").await.err(
            403,
            "forbidden",
            &w.at("not the relative's item"),
        );
        let done = set_status(&w, &w.detainee, &first, "not_needed").await;
        assert_eq!(
            done.ok(200, &w.at("detainee steps"))["status"],
            "not_needed"
        );
        set_status(&w, &w.worker, &first, "done").await.err(
            409,
            "invalid_transition",
            &w.at("final"),
        );
        set_status(&w, &w.worker, &cpas, "done")
            .await
            .ok(200, &w.at("worker"));
        set_status(&w, &w.worker, &cpas, "not_needed").await.err(
            409,
            "invalid_transition",
            &w.at("finished to finished"),
        );
        let reopened = set_status(&w, &w.worker, &cpas, "in_progress").await;
        assert_eq!(reopened.ok(200, &w.at("reopen"))["status"], "in_progress");

        // A note sealed to the workers and the owner; replay refused.
        let id = uuid::Uuid::new_v4();
        let note = json!({ "note": plan_note(&w, &w.worker, &[&w.relative], id) });
        let path = format!("/plan-items/{housing}/notes");
        w.srv
            .post(w.worker.token(), &path, &note)
            .await
            .ok(201, &w.at("note"));
        w.srv
            .post(w.worker.token(), &path, &note)
            .await
            .err(409, "replayed", &w.at("replay"));
        // Sealed to someone who is not the owner: refused, nothing stored.
        let stray =
            json!({ "note": plan_note(&w, &w.worker, &[&w.relative2], uuid::Uuid::new_v4()) });
        let refused = w.srv.post(w.worker.token(), &path, &stray).await;
        assert!(
            refused.status == 400 || refused.status == 422,
            "{}",
            refused.text
        );
        // Sealed to the detained person, who does not own this item.
        let cpas_note = format!("/plan-items/{cpas}/notes");
        let sealed =
            json!({ "note": plan_note(&w, &w.worker, &[&w.detainee], uuid::Uuid::new_v4()) });
        let refused = w.srv.post(w.worker.token(), &cpas_note, &sealed).await;
        assert!(
            refused.status == 400 || refused.status == 422,
            "{}",
            refused.text
        );

        let relative = get_plan(&w, &w.relative).await;
        let relative = relative.ok(200, &w.at("relative view")).clone();
        let notes = |plan: &Value, key: &str| {
            plan["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["key"] == key)
                .unwrap()["notes"]
                .as_array()
                .unwrap()
                .len()
        };
        assert_eq!(notes(&relative, "housing"), 1, "{}", w.at("owner reads"));
        assert_eq!(notes(&relative, "cpas"), 0);
        let detainee = get_plan(&w, &w.detainee).await;
        let detainee = detainee.ok(200, &w.at("detainee view")).clone();
        assert_eq!(
            notes(&detainee, "housing"),
            0,
            "{}",
            w.at("not sealed to them")
        );
        let worker = get_plan(&w, &w.coordinator).await;
        assert_eq!(notes(worker.ok(200, &w.at("worker view")), "housing"), 1);
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_stored() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let relative2 = &w.relative2.id;
        let bad = [
            json!({ "release_date": day(&w, 100).to_string(), "kind": "escape" }),
            json!({ "release_date": "2027-02-30", "kind": "leave" }),
            json!({ "release_date": day(&w, 4000).to_string(), "kind": "leave" }),
            json!({ "release_date": day(&w, -400).to_string(), "kind": "leave" }),
            json!({ "kind": "leave" }),
            json!({ "release_date": day(&w, 100).to_string(), "kind": "leave", "extra": 1 }),
            json!({ "release_date": day(&w, 100).to_string(), "kind": "leave",
                    "owners": [{ "item": "yacht", "owner": { "kind": "worker" } }] }),
            json!({ "release_date": day(&w, 100).to_string(), "kind": "leave",
                    "owners": [{ "item": "cpas", "owner": { "kind": "relative", "account": w.foreign_relative.id } }] }),
            json!({ "release_date": day(&w, 100).to_string(), "kind": "leave",
                    "owners": [{ "item": "cpas", "owner": { "kind": "relative", "account": w.worker.id } }] }),
            json!({ "release_date": day(&w, 100).to_string(), "kind": "leave",
                    "owners": [{ "item": "cpas", "owner": { "kind": "detainee" } },
                               { "item": "cpas", "owner": { "kind": "relative", "account": relative2 } }] }),
        ];
        for body in &bad {
            let resp = put_plan(&w, &w.worker, body).await;
            assert!(
                resp.status == 400 || resp.status == 422,
                "{} {body}: {} {}",
                w.at("bad plan"),
                resp.status,
                resp.text
            );
            assert!(resp.body["error"].is_string(), "{}", resp.text);
        }
        get_plan(&w, &w.worker)
            .await
            .err(404, "not_found", &w.at("nothing stored"));

        let plan = put_plan(&w, &w.worker, &release(&w, 100)).await;
        let housing = item(plan.ok(201, &w.at("create")), "housing");
        // Owners are given once, at creation.
        let late = json!({ "release_date": day(&w, 90).to_string(), "kind": "leave",
                           "owners": [{ "item": "cpas", "owner": { "kind": "detainee" } }] });
        put_plan(&w, &w.worker, &late)
            .await
            .err(400, "bad_request", &w.at("late owners"));
        for status in ["finished", "", "TODO"] {
            let resp = set_status(&w, &w.worker, &housing, status).await;
            assert_eq!(resp.status, 400, "{status}: {}", resp.text);
        }
        set_status(&w, &w.worker, &uuid::Uuid::new_v4().to_string(), "done")
            .await
            .err(404, "not_found", &w.at("unknown item"));
        set_status(&w, &w.worker, "not-a-uuid", "done").await.err(
            404,
            "not_found",
            &w.at("a bad id"),
        );
        let garbage = json!({ "note": "%%%" });
        let resp = w
            .srv
            .post(
                w.worker.token(),
                &format!("/plan-items/{housing}/notes"),
                &garbage,
            )
            .await;
        assert!(resp.status == 400 || resp.status == 422, "{}", resp.text);
        let after = get_plan(&w, &w.worker).await;
        let after = after.ok(200, &w.at("after"));
        assert_eq!(after["release_date"], day(&w, 100).to_string());
        assert_eq!(after["revision"], 0);
        assert!(
            after["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["status"] == "todo" && i["notes"].as_array().unwrap().is_empty())
        );
    }
}
