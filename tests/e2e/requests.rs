//! Practical requests over HTTP, on SQLite and PostgreSQL: the flow, who
//! sees what (consent, restrictions, outsiders), and bad input. Helpers
//! shared by the three parts live here.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{CaseId, ContentType, Context, MessageId, PublicKey, SecretKey};
use passerelle_store::audit::{AuditFilter, AuditRecord};
use serde_json::{Value, json};

use crate::support::{Actor, Resp, World};

mod access;
mod bad_input;
mod cli;
mod flow;
mod referrals;

/// Seals `text` from `sender` to `to` as a practical request's
/// description, under the envelope id `id`, with content type `content`.
pub fn seal_as(
    w: &World,
    sender: &SecretKey,
    to: &[PublicKey],
    id: uuid::Uuid,
    content: ContentType,
    text: &[u8],
) -> String {
    let case = uuid::Uuid::parse_str(&w.case).unwrap();
    let context = Context {
        content_type: content,
        message_id: MessageId::from_bytes(*id.as_bytes()),
        case_id: CaseId::from_bytes(*case.as_bytes()),
    };
    let sealed = passerelle_crypto::seal(sender, to, &context, text).unwrap();
    STANDARD.encode(sealed.as_bytes())
}

/// A description from `author` sealed to them, the case's two workers and
/// `extra`.
pub fn description(w: &World, author: &Actor, extra: &[&Actor], text: &[u8]) -> String {
    let mut to = vec![author.public(), w.coordinator.public(), w.worker.public()];
    to.extend(extra.iter().map(|a| a.public()));
    to.dedup();
    let id = uuid::Uuid::new_v4();
    seal_as(w, &author.key, &to, id, ContentType::Request, text)
}

/// Posts a request body as `who`.
pub async fn file_raw(w: &World, who: &Actor, body: &Value) -> Resp {
    w.srv
        .post(who.token(), &format!("/cases/{}/requests", w.case), body)
        .await
}

/// `author` files a request in `category` with `urgency`; the response.
pub async fn file(w: &World, author: &Actor, category: &str, urgency: &str) -> Resp {
    let extra: Vec<&Actor> = if author.id == w.worker.id || author.id == w.coordinator.id {
        vec![&w.detainee]
    } else {
        vec![]
    };
    let envelope = description(w, author, &extra, b"Il lui faut des vetements chauds");
    let body = json!({ "category": category, "urgency": urgency, "envelope": envelope });
    file_raw(w, author, &body).await
}

/// `author` files a request; its id.
pub async fn filed(w: &World, author: &Actor) -> String {
    let resp = file(w, author, "clothing_and_linen", "high").await;
    resp.ok(201, &w.at(&format!("{} files", author.login)))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Posts a step as `who`.
pub async fn step(w: &World, who: &Actor, request: &str, body: Value) -> Resp {
    w.srv
        .post(who.token(), &format!("/requests/{request}/status"), &body)
        .await
}

/// `who` takes the step named `action` (no resolution), expecting 200.
pub async fn take(w: &World, who: &Actor, request: &str, action: &str) -> Value {
    step(w, who, request, json!({ "action": action }))
        .await
        .ok(200, &w.at(action))
        .clone()
}

/// The worker resolves `request` with `resolution`, expecting 200.
pub async fn resolve(w: &World, request: &str, resolution: Value) -> Value {
    let body = json!({ "action": "resolve", "resolution": resolution });
    step(w, &w.worker, request, body)
        .await
        .ok(200, &w.at("resolve"))
        .clone()
}

/// Acknowledges, starts and resolves `request` as the worker.
pub async fn handle(w: &World, request: &str, resolution: Value) -> Value {
    take(w, &w.worker, request, "acknowledge").await;
    take(w, &w.worker, request, "start").await;
    resolve(w, request, resolution).await
}

/// `who` reads one request.
pub async fn show(w: &World, who: &Actor, request: &str) -> Resp {
    w.srv
        .get(who.token(), &format!("/requests/{request}"))
        .await
}

/// `who` lists the case's requests, expecting 200.
pub async fn listed(w: &World, who: &Actor) -> Vec<Value> {
    let resp = w
        .srv
        .get(who.token(), &format!("/cases/{}/requests", w.case))
        .await;
    resp.ok(200, &w.at(&format!("{} lists", who.login)))["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// How many requests the case has in the store, whoever may see them.
pub async fn stored(w: &World) -> usize {
    let case = w.case.parse().unwrap();
    w.srv.backend.store.case_requests(case).await.unwrap().len()
}

/// The case's audit trail, straight from the store.
pub async fn trail(w: &World) -> Vec<AuditRecord> {
    let case = w.case.parse().unwrap();
    let store = &w.srv.backend.store;
    store
        .audit_trail(AuditFilter::Case(case), 0, 100_000)
        .await
        .unwrap()
}

/// Whether the trail has a row of `actor` doing `action` with `outcome`.
pub fn has(rows: &[AuditRecord], actor: &Actor, action: &str, outcome: &str) -> bool {
    rows.iter().any(|r| {
        r.actor.map(|a| a.to_string()) == Some(actor.id.clone())
            && r.action == action
            && r.outcome == outcome
    })
}
