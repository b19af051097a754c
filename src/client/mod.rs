//! A typed client of the Passerelle API, with everything that must happen
//! on the person's own device: keys ([`Profile`]), sealing
//! ([`seal_message`]) and opening ([`Client::open_message`]). The server
//! only ever receives sealed envelopes and public keys.
//!
//! ```no_run
//! # async fn demo() -> Result<(), passerelle::client::ClientError> {
//! use passerelle::client::{Client, MailboxQuery};
//! let mut client = Client::new("http://127.0.0.1:8080")?;
//! client.login("sophie.martin", "a long password").await?;
//! let page = client.mailbox(&MailboxQuery::default()).await?;
//! println!("{} messages", page.items.len());
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use passerelle_crypto::PublicKey;
use passerelle_domain::{AccountId, CaseId, ConsentMethod, ConsentRecord, MessageId, Role, Scope};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::json;
use zeroize::Zeroizing;

pub mod directory;
mod error;
mod messages;
pub mod plans;
mod profile;
pub mod requests;
mod types;
pub mod visits;
pub mod work;

pub use error::ClientError;
pub use messages::{KeyChange, OpenedMessage, Outgoing, seal_message};
pub use profile::{PROFILE_ENV, Profile, StoredSession};
pub use types::{
    AccountInfo, CaseInfo, Invitation, Invitee, Join, Joined, KeyInfo, Mailbox, MailboxQuery,
    MessageInfo, NewCase, Page, Party, Session, find_party, membership_text, party_names,
    role_text, status_text,
};

/// The HTTP client of one person: a server and, once signed in, a session.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// The server's base URL, without a trailing slash.
    base: String,
    token: Option<Zeroizing<String>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("signed_in", &self.token.is_some())
            .finish()
    }
}

impl Client {
    /// A client of the server at `base_url` (for example
    /// `http://127.0.0.1:8080`), not signed in.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let url = reqwest::Url::parse(base_url.trim())
            .map_err(|e| ClientError::Invalid(format!("{base_url:?} is not a URL: {e}")))?;
        match url.scheme() {
            "http" => {}
            // reqwest is built without a TLS backend (see the root Cargo.toml).
            "https" => {
                return Err(ClientError::Invalid(
                    "this build speaks plain HTTP only; reach HTTPS servers through a local TLS proxy"
                        .into(),
                ));
            }
            other => {
                return Err(ClientError::Invalid(format!(
                    "unsupported scheme {other:?}"
                )));
            }
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("passerelle/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ClientError::Transport)?;
        Ok(Self {
            http,
            base: url.as_str().trim_end_matches('/').to_owned(),
            token: None,
        })
    }

    /// The same client with a session token (from [`Profile::session`]).
    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(Zeroizing::new(token.to_owned()));
        self
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}/api/v1/{path}", self.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token.as_str()),
            None => builder,
        }
    }

    /// Sends a request and decodes a JSON answer, or the server's error.
    async fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        let response = checked(request.send().await?).await?;
        Ok(response.json().await?)
    }

    /// Sends a request whose answer has no body (204).
    async fn call_empty(&self, request: RequestBuilder) -> Result<(), ClientError> {
        checked(request.send().await?).await.map(drop)
    }

    /// Signs in; the client keeps the session token.
    pub async fn login(&mut self, login: &str, password: &str) -> Result<Session, ClientError> {
        let body = json!({ "login": login, "password": password });
        let session: Session = self
            .call(self.request(Method::POST, "sessions").json(&body))
            .await?;
        self.token = Some(Zeroizing::new(session.token.clone()));
        Ok(session)
    }

    /// Ends the session on the server and forgets the token.
    pub async fn logout(&mut self) -> Result<(), ClientError> {
        self.call_empty(self.request(Method::DELETE, "sessions/current"))
            .await?;
        self.token = None;
        Ok(())
    }

    /// The signed-in account.
    pub async fn me(&self) -> Result<AccountInfo, ClientError> {
        self.call(self.request(Method::GET, "me")).await
    }

    /// Registers (or rotates to) this device's public key.
    pub async fn register_key(&self, key: &PublicKey) -> Result<KeyInfo, ClientError> {
        let body = json!({ "public_key": key.to_text() });
        self.call(self.request(Method::PUT, "me/key").json(&body))
            .await
    }

    /// An account's key history, oldest first (for anyone sharing a case).
    pub async fn key_history(&self, account: AccountId) -> Result<Vec<KeyInfo>, ClientError> {
        self.call(self.request(Method::GET, &format!("accounts/{account}/keys")))
            .await
    }

    /// A coordinator creates a worker or coordinator account in their service.
    pub async fn create_staff(
        &self,
        role: Role,
        login: &str,
        password: &str,
        display_name: &str,
    ) -> Result<AccountInfo, ClientError> {
        let body = json!({ "role": role, "login": login, "password": password, "display_name": display_name });
        self.call(self.request(Method::POST, "accounts").json(&body))
            .await
    }

    /// A worker opens a case (and is assigned to it).
    pub async fn open_case(&self, case: &NewCase) -> Result<CaseInfo, ClientError> {
        self.call(self.request(Method::POST, "cases").json(case))
            .await
    }

    /// The cases the caller is party to.
    pub async fn cases(&self) -> Result<Vec<CaseInfo>, ClientError> {
        self.call(self.request(Method::GET, "cases")).await
    }

    /// One case.
    pub async fn case(&self, case: CaseId) -> Result<CaseInfo, ClientError> {
        self.call(self.request(Method::GET, &format!("cases/{case}")))
            .await
    }

    /// A coordinator of the case assigns another worker of the service.
    pub async fn assign_worker(&self, case: CaseId, worker: AccountId) -> Result<(), ClientError> {
        let body = json!({ "worker": worker });
        self.call_empty(
            self.request(Method::POST, &format!("cases/{case}/workers"))
                .json(&body),
        )
        .await
    }

    /// A worker of the case makes an invitation code.
    pub async fn invite(&self, case: CaseId, invitee: Invitee) -> Result<Invitation, ClientError> {
        let body = match invitee {
            Invitee::Relative(relationship) => {
                json!({ "role": "relative", "relationship": relationship })
            }
            Invitee::Detainee => json!({ "role": "detainee" }),
        };
        self.call(
            self.request(Method::POST, &format!("cases/{case}/invitations"))
                .json(&body),
        )
        .await
    }

    /// A worker of the case records the detained person's consent for a
    /// relative: `scopes` from now on, with no end date.
    pub async fn grant_consent(
        &self,
        case: CaseId,
        grantee: AccountId,
        scopes: &[Scope],
        method: ConsentMethod,
    ) -> Result<ConsentRecord, ClientError> {
        let body = json!({
            "grantee": grantee,
            "change": "grant",
            "scopes": scopes,
            "method": method,
        });
        self.call(
            self.request(Method::POST, &format!("cases/{case}/consents"))
                .json(&body),
        )
        .await
    }

    /// Redeems an invitation: creates the account and links it to the case.
    /// Needs no session; the client stays signed out.
    pub async fn redeem(&self, join: &Join) -> Result<Joined, ClientError> {
        self.call(self.request(Method::POST, "invitations/redeem").json(join))
            .await
    }

    /// Everyone in the case the caller may know of, with their current key.
    pub async fn parties(&self, case: CaseId) -> Result<Vec<Party>, ClientError> {
        self.call(self.request(Method::GET, &format!("cases/{case}/parties")))
            .await
    }

    /// Uploads a sealed message.
    pub async fn send_message(&self, message: &Outgoing) -> Result<MessageInfo, ClientError> {
        let body =
            json!({ "envelope": message.envelope_base64(), "on_behalf_of": message.on_behalf_of });
        self.call(
            self.request(Method::POST, &format!("cases/{}/messages", message.case))
                .json(&body),
        )
        .await
    }

    /// One page of the inbox or outbox, newest first; pass `page.next` as
    /// `before` for the next one.
    pub async fn mailbox(&self, query: &MailboxQuery) -> Result<Page, ClientError> {
        self.call(self.request(Method::GET, "messages").query(query))
            .await
    }

    /// One message.
    pub async fn message(&self, id: MessageId) -> Result<MessageInfo, ClientError> {
        self.call(self.request(Method::GET, &format!("messages/{id}")))
            .await
    }

    async fn step(
        &self,
        id: MessageId,
        body: serde_json::Value,
    ) -> Result<MessageInfo, ClientError> {
        self.call(
            self.request(Method::POST, &format!("messages/{id}/status"))
                .json(&body),
        )
        .await
    }

    /// A worker makes a pending (or held) message available to its addressee.
    pub async fn relay(&self, id: MessageId) -> Result<MessageInfo, ClientError> {
        self.step(id, json!({ "action": "relay" })).await
    }

    /// A worker holds a message, with a reason its sender sees.
    pub async fn hold(&self, id: MessageId, reason: &str) -> Result<MessageInfo, ClientError> {
        self.step(id, json!({ "action": "hold", "reason": reason }))
            .await
    }

    /// A worker hands a message over, or reads it out, during a visit.
    pub async fn deliver_in_person(&self, id: MessageId) -> Result<MessageInfo, ClientError> {
        self.step(id, json!({ "action": "deliver_in_person" }))
            .await
    }

    /// The addressee has read the message (or a worker, after delivering it
    /// in person).
    pub async fn mark_read(&self, id: MessageId) -> Result<MessageInfo, ClientError> {
        self.step(id, json!({ "action": "read" })).await
    }
}

/// The response if successful, else the server's error as [`ClientError::Api`].
async fn checked(response: reqwest::Response) -> Result<reqwest::Response, ClientError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    #[derive(serde::Deserialize)]
    struct Body {
        error: String,
        message: String,
    }
    let text = response.text().await.unwrap_or_default();
    let (code, message) = match serde_json::from_str::<Body>(&text) {
        Ok(body) => (body.error, body.message),
        Err(_) => (
            format!("http_{}", status.as_u16()),
            format!(
                "unexpected answer \"{}\": is this a Passerelle server?",
                status.canonical_reason().unwrap_or("error")
            ),
        ),
    };
    Err(ClientError::Api {
        status: status.as_u16(),
        code,
        message,
    })
}
