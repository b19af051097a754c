//! The case under load, set up through the public HTTP API as people
//! would: the coordinator opens it, invites a relative and the detained
//! person, creates and assigns a second worker; everyone signs in and
//! registers a device key.

use anyhow::{Context as _, bail};
use passerelle_crypto::{PublicKey, SecretKey};
use reqwest::Method;
use serde_json::{Value, json};

use crate::server::{COORDINATOR, PASSWORD};

/// One signed-in person with a registered device key.
#[derive(Debug)]
pub struct Actor {
    /// Their account id.
    pub id: uuid::Uuid,
    /// Their bearer token.
    pub token: String,
    /// Their device key.
    pub key: SecretKey,
}

impl Actor {
    pub fn public(&self) -> PublicKey {
        self.key.public_key()
    }
}

/// The case and its four people.
#[derive(Debug)]
pub struct Fixture {
    pub case: uuid::Uuid,
    pub coordinator: Actor,
    /// The second worker, assigned by the coordinator.
    pub worker: Actor,
    pub relative: Actor,
    pub detainee: Actor,
}

impl Fixture {
    /// Whom the relative's messages are sealed to: the detained person and
    /// every worker with a key (the server insists on all of them).
    pub fn recipients(&self) -> Vec<PublicKey> {
        vec![
            self.detainee.public(),
            self.coordinator.public(),
            self.worker.public(),
        ]
    }
}

/// A thin JSON client for the setup calls.
#[derive(Debug, Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    /// `method` on `/api/v1{path}`; fails unless the status is `expect`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        expect: u16,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .with_context(|| format!("{method} {path}: reading the body"))?;
        if status != expect {
            bail!("{method} {path}: expected {expect}, got {status}: {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn login(&self, login: &str) -> anyhow::Result<(String, uuid::Uuid)> {
        let body = json!({ "login": login, "password": PASSWORD });
        let session = self
            .call(Method::POST, "/sessions", None, Some(body), 201)
            .await?;
        let token = text(&session["token"], "token")?.to_owned();
        Ok((token, uuid_of(&session["account"]["id"])?))
    }

    /// Signs in and registers a new device key.
    async fn actor(&self, login: &str) -> anyhow::Result<Actor> {
        let (token, id) = self.login(login).await?;
        let key = SecretKey::generate().context("cannot generate a device key")?;
        let body = json!({ "public_key": key.public_key().to_text() });
        self.call(Method::PUT, "/me/key", Some(&token), Some(body), 201)
            .await?;
        Ok(Actor { id, token, key })
    }

    /// Invites someone to the case and redeems the code as `login`.
    async fn join(
        &self,
        case: uuid::Uuid,
        token: &str,
        invite: Value,
        login: &str,
    ) -> anyhow::Result<()> {
        let code = self
            .call(
                Method::POST,
                &format!("/cases/{case}/invitations"),
                Some(token),
                Some(invite),
                201,
            )
            .await?;
        let body = json!({
            "code": text(&code["code"], "code")?,
            "login": login,
            "password": PASSWORD,
            "display_name": login,
        });
        self.call(Method::POST, "/invitations/redeem", None, Some(body), 201)
            .await?;
        Ok(())
    }
}

/// Builds the fixture. Four logins in all: under the server's limit of five
/// a minute per address.
pub async fn fixture(api: &Api) -> anyhow::Result<Fixture> {
    let coordinator = api.actor(COORDINATOR).await?;
    let token = coordinator.token.as_str();
    let opened = api
        .call(
            Method::POST,
            "/cases",
            Some(token),
            Some(json!({
                "detainee_name": "Personne Détenue",
                "prison_number": "LB-0001",
                "institution": "Prison de Charge",
                "legal_situation": "sentenced",
                "languages": ["fr"],
            })),
            201,
        )
        .await?;
    let case = uuid_of(&opened["id"])?;

    let relative_invite = json!({ "role": "relative", "relationship": "parent" });
    api.join(case, token, relative_invite, "relative").await?;
    api.join(case, token, json!({ "role": "detainee" }), "detainee")
        .await?;

    let staff = json!({
        "role": "worker",
        "login": "worker",
        "password": PASSWORD,
        "display_name": "Second worker",
    });
    let worker = api
        .call(Method::POST, "/accounts", Some(token), Some(staff), 201)
        .await?;
    let worker_id = uuid_of(&worker["id"])?;
    api.call(
        Method::POST,
        &format!("/cases/{case}/workers"),
        Some(token),
        Some(json!({ "worker": worker_id })),
        204,
    )
    .await?;

    // The detained person agreed that the relative may write to them.
    let relative = api.actor("relative").await?;
    let consent = json!({
        "grantee": relative.id,
        "change": "grant",
        "scopes": ["messages"],
        "method": "in_person",
    });
    api.call(
        Method::POST,
        &format!("/cases/{case}/consents"),
        Some(token),
        Some(consent),
        201,
    )
    .await?;

    Ok(Fixture {
        case,
        worker: api.actor("worker").await?,
        relative,
        detainee: api.actor("detainee").await?,
        coordinator,
    })
}

fn text<'a>(value: &'a Value, what: &str) -> anyhow::Result<&'a str> {
    value
        .as_str()
        .with_context(|| format!("no {what} in the response"))
}

fn uuid_of(value: &Value) -> anyhow::Result<uuid::Uuid> {
    text(value, "id")?
        .parse()
        .context("an id in a response is not a UUID")
}
