//! The fixture every scenario starts from, built through the public API
//! (plus the store for each service's first coordinator, as
//! `passerelle admin create-coordinator` does):
//!
//! - service A: coordinator `coordinator` (who opens the case), worker
//!   `worker` (assigned by the coordinator), worker `unassigned` (same
//!   service, not on the case); the case has two relatives (`relative`,
//!   `relative2`) and its detained person (`detainee`), all invited and
//!   joined;
//! - service B: coordinator `foreign_coordinator` runs the foreign case,
//!   whose relative is `foreign_relative`.
//!
//! Everyone is signed in and has registered a device key.

use passerelle_crypto::{PublicKey, SecretKey};
use passerelle_domain::Role;
use passerelle_store::NewAccount;
use serde_json::{Value, json};

use super::backend::Backend;
use super::server::TestServer;

/// Every fixture account's password.
pub const PASSWORD: &str = "un mot de passe assez long";

/// The detained person of the case, as staff see them.
pub const DETAINEE_NAME: &str = "Samir Benali-Verhoeven";
pub const PRISON_NUMBER: &str = "PN-447195";
pub const INSTITUTION: &str = "Prison de Haren";

/// One signed-in person with a device key.
pub struct Actor {
    pub login: String,
    pub id: String,
    pub token: String,
    pub key: SecretKey,
}

impl Actor {
    pub fn public(&self) -> PublicKey {
        self.key.public_key()
    }

    pub fn token(&self) -> Option<&str> {
        Some(&self.token)
    }
}

/// Who makes a request, in the access tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Coordinator,
    Worker,
    Unassigned,
    Relative,
    Relative2,
    Detainee,
    ForeignCoordinator,
    ForeignRelative,
    Anonymous,
}

impl Who {
    /// Everyone, signed in or not.
    pub const ALL: [Who; 9] = [
        Who::Coordinator,
        Who::Worker,
        Who::Unassigned,
        Who::Relative,
        Who::Relative2,
        Who::Detainee,
        Who::ForeignCoordinator,
        Who::ForeignRelative,
        Who::Anonymous,
    ];

    /// Whether they are a party to the case of service A.
    pub fn in_case(self) -> bool {
        matches!(
            self,
            Who::Coordinator | Who::Worker | Who::Relative | Who::Relative2 | Who::Detainee
        )
    }

    /// Whether they are a party to the foreign case.
    pub fn in_foreign_case(self) -> bool {
        matches!(self, Who::ForeignCoordinator | Who::ForeignRelative)
    }
}

/// The fixture.
pub struct World {
    pub srv: TestServer,
    pub case: String,
    pub foreign_case: String,
    pub coordinator: Actor,
    pub worker: Actor,
    pub unassigned: Actor,
    pub relative: Actor,
    pub relative2: Actor,
    pub detainee: Actor,
    pub foreign_coordinator: Actor,
    pub foreign_relative: Actor,
}

impl World {
    /// Starts a server on `backend` and builds the fixture.
    pub async fn build(backend: Backend) -> Self {
        let srv = TestServer::start(backend).await;
        let coordinator = first_coordinator(&srv, "Service A", "coord.a").await;
        let foreign_coordinator = first_coordinator(&srv, "Service B", "coord.b").await;
        let worker = staff(&srv, &coordinator, "worker.a").await;
        let unassigned = staff(&srv, &coordinator, "worker.u").await;

        let case = open_case(&srv, &coordinator, DETAINEE_NAME, Some(PRISON_NUMBER)).await;
        let assign = json!({ "worker": worker.id });
        srv.post(
            coordinator.token(),
            &format!("/cases/{case}/workers"),
            &assign,
        )
        .await
        .ok(204, "assign the worker");
        let relative = join(
            &srv,
            &worker,
            &case,
            "relative",
            Some("parent"),
            "relative.a",
        )
        .await;
        let relative2 = join(
            &srv,
            &worker,
            &case,
            "relative",
            Some("sibling"),
            "relative.b",
        )
        .await;
        let detainee = join(&srv, &worker, &case, "detainee", None, "detainee.a").await;
        // The detained person agreed to exchange messages with both.
        grant(&srv, &worker, &case, &relative, &["messages"]).await;
        grant(&srv, &worker, &case, &relative2, &["messages"]).await;

        let foreign_case = open_case(&srv, &foreign_coordinator, "Autre Personne", None).await;
        let foreign_relative = join(
            &srv,
            &foreign_coordinator,
            &foreign_case,
            "relative",
            Some("partner"),
            "relative.f",
        )
        .await;
        Self {
            srv,
            case,
            foreign_case,
            coordinator,
            worker,
            unassigned,
            relative,
            relative2,
            detainee,
            foreign_coordinator,
            foreign_relative,
        }
    }

    /// The actor behind `who`; `None` for the anonymous caller.
    pub fn actor(&self, who: Who) -> Option<&Actor> {
        Some(match who {
            Who::Coordinator => &self.coordinator,
            Who::Worker => &self.worker,
            Who::Unassigned => &self.unassigned,
            Who::Relative => &self.relative,
            Who::Relative2 => &self.relative2,
            Who::Detainee => &self.detainee,
            Who::ForeignCoordinator => &self.foreign_coordinator,
            Who::ForeignRelative => &self.foreign_relative,
            Who::Anonymous => return None,
        })
    }

    /// `who`'s token, if signed in.
    pub fn token(&self, who: Who) -> Option<&str> {
        self.actor(who).map(|a| a.token.as_str())
    }

    /// A context prefix for assertion messages.
    pub fn at(&self, what: &str) -> String {
        format!("[{}] {what}", self.srv.name)
    }

    /// Uploads `envelope` to `case` as `sender`.
    pub async fn upload(&self, sender: &Actor, case: &str, envelope: &str) -> super::server::Resp {
        let body = json!({ "envelope": envelope });
        self.srv
            .post(sender.token(), &format!("/cases/{case}/messages"), &body)
            .await
    }

    /// Seals `plaintext` from `sender` to `to` plus both workers of the case
    /// (coordinator and worker), uploads it and returns the stored message.
    pub async fn send(&self, sender: &Actor, to: &[&Actor], plaintext: &[u8]) -> Value {
        let mut keys = vec![self.coordinator.public(), self.worker.public()];
        keys.extend(to.iter().map(|a| a.public()));
        let keys: Vec<&PublicKey> = keys.iter().collect();
        let envelope = super::seal::seal(&sender.key, &keys, &self.case, plaintext);
        let resp = self.upload(sender, &self.case, &envelope).await;
        resp.ok(201, &self.at(&format!("{} sends", sender.login)))
            .clone()
    }

    /// Every item of `who`'s mailbox (`inbox` or `outbox`), across pages.
    pub async fn mailbox(&self, who: &Actor, mailbox: &str) -> Vec<Value> {
        list_all(&self.srv, who.token(), mailbox, 100).await
    }
}

/// Every item of a mailbox, following cursors, pages of `limit`.
pub async fn list_all(
    srv: &TestServer,
    token: Option<&str>,
    mailbox: &str,
    limit: u32,
) -> Vec<Value> {
    let mut items = Vec::new();
    let mut before: Option<i64> = None;
    for _ in 0..10_000 {
        let cursor = before.map(|b| format!("&before={b}")).unwrap_or_default();
        let path = format!("/messages?mailbox={mailbox}&limit={limit}{cursor}");
        let page = srv.get(token, &path).await;
        let page = page.ok(200, &format!("[{}] list {mailbox}", srv.name));
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next"].as_i64() {
            Some(next) => before = Some(next),
            None => return items,
        }
    }
    panic!("[{}] the {mailbox} never ends", srv.name);
}

/// A service and its first coordinator, through the store; then signed in
/// and with a key.
pub async fn first_coordinator(srv: &TestServer, service: &str, login: &str) -> Actor {
    let store = &srv.backend.store;
    let now = jiff::Timestamp::now();
    let service = store.create_service(service, now).await.unwrap();
    let account = NewAccount {
        role: Role::Coordinator,
        service: Some(service.id),
        login: login.to_owned(),
        display_name: format!("Coordination {login}"),
        phone: None,
        password_hash: passerelle_server::hash_password(PASSWORD.to_owned())
            .await
            .unwrap(),
    };
    let created = store.create_account(&account, now).await.unwrap();
    signed_in(srv, login, created.id.to_string()).await
}

/// A worker account created by `coordinator`, signed in, with a key.
pub async fn staff(srv: &TestServer, coordinator: &Actor, login: &str) -> Actor {
    let body = json!({
        "role": "worker",
        "login": login,
        "password": PASSWORD,
        "display_name": format!("Travailleur {login}"),
    });
    let resp = srv.post(coordinator.token(), "/accounts", &body).await;
    let id = resp.ok(201, &format!("[{}] create {login}", srv.name))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    signed_in(srv, login, id).await
}

/// Opens a case as `worker`; its id.
pub async fn open_case(
    srv: &TestServer,
    worker: &Actor,
    name: &str,
    prison_number: Option<&str>,
) -> String {
    let body = json!({
        "detainee_name": name,
        "prison_number": prison_number,
        "institution": INSTITUTION,
        "legal_situation": "sentenced",
        "languages": ["fr", "ar"],
    });
    let resp = srv.post(worker.token(), "/cases", &body).await;
    resp.ok(201, &format!("[{}] open a case", srv.name))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `worker` records the detained person's consent for `relative`, from now
/// on, with no end; returns the record's id.
pub async fn grant(
    srv: &TestServer,
    worker: &Actor,
    case: &str,
    relative: &Actor,
    scopes: &[&str],
) -> String {
    record_grant(srv, worker, case, relative, scopes, None).await
}

/// As [`grant`], with the consent ending at `until`.
pub async fn grant_until(
    srv: &TestServer,
    worker: &Actor,
    case: &str,
    relative: &Actor,
    scopes: &[&str],
    until: jiff::Timestamp,
) -> String {
    record_grant(srv, worker, case, relative, scopes, Some(until)).await
}

async fn record_grant(
    srv: &TestServer,
    worker: &Actor,
    case: &str,
    relative: &Actor,
    scopes: &[&str],
    until: Option<jiff::Timestamp>,
) -> String {
    let mut body = json!({
        "grantee": relative.id,
        "change": "grant",
        "scopes": scopes,
        "method": "in_person",
    });
    if let Some(until) = until {
        body["valid_until"] = json!(until);
    }
    let resp = srv
        .post(worker.token(), &format!("/cases/{case}/consents"), &body)
        .await;
    resp.ok(
        201,
        &format!("[{}] grant {scopes:?} until {until:?}", srv.name),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An invitation code made by `worker` for `case`.
pub async fn invite(
    srv: &TestServer,
    worker: &Actor,
    case: &str,
    role: &str,
    relationship: Option<&str>,
) -> String {
    let body = json!({ "role": role, "relationship": relationship });
    let resp = srv
        .post(worker.token(), &format!("/cases/{case}/invitations"), &body)
        .await;
    resp.ok(201, &format!("[{}] invite a {role}", srv.name))["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The body of a redemption of `code` as `login`.
pub fn redemption(code: &str, login: &str, password: &str) -> Value {
    json!({
        "code": code,
        "login": login,
        "password": password,
        "display_name": format!("Personne {login}"),
        "phone": "+32 470 00 00 00",
    })
}

/// Invited by `worker`, joined, signed in, with a key.
async fn join(
    srv: &TestServer,
    worker: &Actor,
    case: &str,
    role: &str,
    relationship: Option<&str>,
    login: &str,
) -> Actor {
    let code = invite(srv, worker, case, role, relationship).await;
    let resp = srv
        .post(
            None,
            "/invitations/redeem",
            &redemption(&code, login, PASSWORD),
        )
        .await;
    let body = resp.ok(201, &format!("[{}] redeem as {login}", srv.name));
    assert_eq!(
        body["case"].as_str(),
        Some(case),
        "[{}] joined the right case",
        srv.name
    );
    assert_eq!(
        body["account"]["role"].as_str(),
        Some(role),
        "[{}] joined as a {role}",
        srv.name
    );
    let id = body["account"]["id"].as_str().unwrap().to_owned();
    signed_in(srv, login, id).await
}

/// Signs in and registers a new device key.
async fn signed_in(srv: &TestServer, login: &str, id: String) -> Actor {
    let token = srv.token(login, PASSWORD).await;
    let key = SecretKey::generate().unwrap();
    let body = json!({ "public_key": key.public_key().to_text() });
    let resp = srv.put(Some(&token), "/me/key", &body).await;
    assert_eq!(
        resp.ok(201, &format!("[{}] register {login}'s key", srv.name))["version"],
        1
    );
    Actor {
        login: login.to_owned(),
        id,
        token,
        key,
    }
}
