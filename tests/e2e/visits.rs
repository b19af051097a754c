//! Visits over HTTP, on SQLite and PostgreSQL: every flow, every invalid
//! step, the consent and restriction denials, outsiders, and bad input.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{CaseId, ContentType, Context, MessageId, PublicKey};
use passerelle_server::Clock as _;
use serde_json::{Value, json};

use crate::support::world::{grant, grant_until};
use crate::support::{Actor, Resp, World};

mod bad_input;
mod cli;
mod denials;
mod flows;
mod told;

/// Seals a visit note from `sender` to the case's two workers, the sender
/// and `readers`, under `id`; standard base64.
fn seal_note_with(
    w: &World,
    sender: &Actor,
    readers: &[&Actor],
    content_type: ContentType,
    id: uuid::Uuid,
) -> String {
    let mut keys: Vec<PublicKey> = vec![w.coordinator.public(), w.worker.public(), sender.public()];
    keys.extend(readers.iter().map(|a| a.public()));
    let case = uuid::Uuid::parse_str(&w.case).unwrap();
    let context = Context {
        content_type,
        message_id: MessageId::from_bytes(*id.as_bytes()),
        case_id: CaseId::from_bytes(*case.as_bytes()),
    };
    let text = b"Visiteurs : Nadia et Yanis (7 ans). Fauteuil roulant.";
    let sealed = passerelle_crypto::seal(&sender.key, &keys, &context, text).unwrap();
    STANDARD.encode(sealed.as_bytes())
}

/// A visit note from `sender`, also readable by `readers`.
fn note(w: &World, sender: &Actor, readers: &[&Actor]) -> String {
    seal_note_with(w, sender, readers, ContentType::Visit, uuid::Uuid::new_v4())
}

/// The day `days` after today in Brussels, by the server's clock.
fn day(w: &World, days: i64) -> String {
    let today = passerelle_domain::visit::brussels_today(w.srv.clock.now()).unwrap();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

/// A valid request body carrying `note`.
fn body(w: &World, note: String) -> Value {
    json!({
        "kind": "ordinary",
        "dates": [
            { "date": day(w, 10), "slot": "morning" },
            { "date": day(w, 12), "slot": "any" },
        ],
        "adults": 1,
        "minor_ages": [7],
        "note": note,
    })
}

/// Lets `relative` request visits (on top of the fixture's `messages`).
pub(crate) async fn allow_visits(w: &World, relative: &Actor) {
    grant(&w.srv, &w.worker, &w.case, relative, &["visits"]).await;
}

async fn post_request(w: &World, who: &Actor, body: &Value) -> Resp {
    w.srv
        .post(who.token(), &format!("/cases/{}/visits", w.case), body)
        .await
}

/// `who` asks for a visit with a note also sealed to the detained person;
/// the stored request.
pub(crate) async fn request(w: &World, who: &Actor) -> Value {
    let body = body(w, note(w, who, &[&w.detainee]));
    post_request(w, who, &body)
        .await
        .ok(201, &w.at(&format!("{} asks for a visit", who.login)))
        .clone()
}

async fn step(w: &World, who: &Actor, visit: &str, step: Value) -> Resp {
    w.srv
        .post(who.token(), &format!("/visits/{visit}/status"), &step)
        .await
}

/// `who` takes `step`, which must succeed; the request after it.
async fn step_ok(w: &World, who: &Actor, visit: &str, body: Value) -> Value {
    let what = w.at(&format!("{} {}", who.login, body["action"]));
    step(w, who, visit, body).await.ok(200, &what).clone()
}

fn schedule(w: &World) -> Value {
    json!({ "action": "schedule", "date": day(w, 12), "time": "14:30", "place": "Haren, parloir 2" })
}

async fn show(w: &World, who: &Actor, visit: &str) -> Resp {
    w.srv.get(who.token(), &format!("/visits/{visit}")).await
}

async fn list(w: &World, who: &Actor) -> Resp {
    w.srv
        .get(who.token(), &format!("/cases/{}/visits", w.case))
        .await
}

/// The ids of the requests `who` lists.
async fn listed(w: &World, who: &Actor) -> Vec<String> {
    list(w, who).await.ok(200, &w.at("list visits"))["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn status(v: &Value) -> &str {
    v["status"]["status"].as_str().unwrap()
}

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

/// `worker` records a no-contact restriction on `relative`.
async fn restrict(w: &World, relative: &Actor) {
    let body = json!({ "relative": relative.id, "kind": "court_order" });
    w.srv
        .post(
            w.worker.token(),
            &format!("/cases/{}/restrictions", w.case),
            &body,
        )
        .await
        .ok(201, &w.at("restrict"));
}

/// The case's audit trail, as its coordinator exports it.
async fn trail(w: &World) -> Vec<Value> {
    let export = w
        .srv
        .get(
            w.coordinator.token(),
            &format!("/cases/{}/audit?limit=500", w.case),
        )
        .await;
    export.ok(200, &w.at("export"))["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// Whether the trail holds a row of `actor` doing `action` with `outcome`.
async fn audited(w: &World, actor: &Actor, action: &str, outcome: &str) -> bool {
    trail(w).await.iter().any(|r| {
        r["actor"] == actor.id.as_str() && r["action"] == action && r["outcome"] == outcome
    })
}
