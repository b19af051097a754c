//! Practical requests through the API. The description is sealed and
//! opened here, on the device; the server only keeps the envelope.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use passerelle_crypto::{CaseId as WireCaseId, ContentType, Context, MessageId as WireMessageId};
use passerelle_crypto::{PublicKey, SecretKey};
use passerelle_domain::request::{Category, RequestId, Resolution, Urgency};
use passerelle_domain::{AccountId, CaseId, Membership};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Client, ClientError, Party};

/// A practical request as the server shows it to the caller.
#[derive(Debug, Clone, Deserialize)]
pub struct RequestInfo {
    /// The server's id.
    pub id: RequestId,
    /// The case.
    pub case: CaseId,
    /// Who filed it.
    pub author: AccountId,
    /// Filed by a worker on behalf of the detained person.
    pub on_behalf: bool,
    /// What it is about.
    pub category: Category,
    /// How soon.
    pub urgency: Urgency,
    /// `submitted`, `acknowledged`, `in_progress`, `resolved` or `closed`.
    pub status: String,
    /// The answer, when the caller may see it.
    pub resolution: Option<Resolution>,
    /// The worker handling it.
    pub assigned_to: Option<AccountId>,
    /// When it was filed.
    pub created_at: Timestamp,
    /// Seconds from filing to the first acknowledgement.
    pub seconds_to_acknowledge: Option<i64>,
    /// The sealed description, when the caller is shown it.
    pub envelope: Option<String>,
}

/// A step of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStep {
    /// Submitted → acknowledged.
    Acknowledge,
    /// Acknowledged → in progress.
    Start,
    /// In progress → resolved.
    Resolve(Resolution),
    /// Resolved → closed.
    Close,
    /// Closed → in progress.
    Reopen,
}

/// Seals a request's description in `case` with `secret`, the key
/// registered for this device: to oneself and every worker of the case who
/// has a key and, when a worker writes it, to the detained person if they
/// have one. Nobody else.
pub fn seal_request(
    secret: &SecretKey,
    case: CaseId,
    parties: &[Party],
    plaintext: &[u8],
) -> Result<String, ClientError> {
    let mine = secret.public_key();
    let me = parties
        .iter()
        .find(|p| p.public_key() == Some(mine))
        .ok_or_else(|| {
            ClientError::Invalid(
                "this device's key is not your registered key in this case: run `passerelle keys --register`".into(),
            )
        })?;
    let worker = me.membership == Membership::Worker;
    let mut keys: Vec<PublicKey> = vec![mine];
    for party in parties {
        let reads = party.membership == Membership::Worker
            || (worker && party.membership == Membership::Detainee);
        if let Some(key) = party.public_key().filter(|k| reads && !keys.contains(k)) {
            keys.push(key);
        }
    }
    let context = Context {
        content_type: ContentType::Request,
        message_id: WireMessageId::from_bytes(*uuid::Uuid::new_v4().as_bytes()),
        case_id: WireCaseId::from_bytes(*case.as_uuid().as_bytes()),
    };
    let envelope = passerelle_crypto::seal(secret, &keys, &context, plaintext)?;
    Ok(STANDARD.encode(envelope.as_bytes()))
}

/// Opens a request's description with `secret`, checking that its author
/// (found in `parties`) sealed it with their current key.
pub fn open_request(
    secret: &SecretKey,
    info: &RequestInfo,
    parties: &[Party],
) -> Result<String, ClientError> {
    let envelope = info
        .envelope
        .as_deref()
        .ok_or_else(|| ClientError::Invalid("the description is not shown to you".into()))?;
    let author = parties
        .iter()
        .find(|p| p.account == info.author)
        .and_then(Party::public_key)
        .ok_or_else(|| ClientError::Invalid("the author's key is not known here".into()))?;
    let bytes = STANDARD
        .decode(envelope)
        .map_err(|_| ClientError::Invalid("the envelope is not base64".into()))?;
    let opened = passerelle_crypto::open(&bytes, secret, &author)?;
    Ok(String::from_utf8_lossy(opened.plaintext.as_bytes()).into_owned())
}

impl Client {
    /// Files a practical request with a description sealed by
    /// [`seal_request`].
    pub async fn file_request(
        &self,
        case: CaseId,
        category: Category,
        urgency: Urgency,
        envelope: &str,
    ) -> Result<RequestInfo, ClientError> {
        let body = json!({ "category": category, "urgency": urgency, "envelope": envelope });
        let path = format!("cases/{case}/requests");
        self.call(self.request(Method::POST, &path).json(&body))
            .await
    }

    /// A case's requests the caller may see, newest first.
    pub async fn requests(&self, case: CaseId) -> Result<Vec<RequestInfo>, ClientError> {
        #[derive(Deserialize)]
        struct List {
            items: Vec<RequestInfo>,
        }
        let path = format!("cases/{case}/requests");
        let list: List = self.call(self.request(Method::GET, &path)).await?;
        Ok(list.items)
    }

    /// One request.
    pub async fn practical_request(&self, id: RequestId) -> Result<RequestInfo, ClientError> {
        self.call(self.request(Method::GET, &format!("requests/{id}")))
            .await
    }

    /// (Workers) assigns a request to a worker of its case.
    pub async fn assign_request(
        &self,
        id: RequestId,
        worker: AccountId,
    ) -> Result<RequestInfo, ClientError> {
        let body = json!({ "worker": worker });
        let path = format!("requests/{id}/assign");
        self.call(self.request(Method::POST, &path).json(&body))
            .await
    }

    /// Moves a request along the flow.
    pub async fn request_step(
        &self,
        id: RequestId,
        step: &RequestStep,
    ) -> Result<RequestInfo, ClientError> {
        let body = match step {
            RequestStep::Acknowledge => json!({ "action": "acknowledge" }),
            RequestStep::Start => json!({ "action": "start" }),
            RequestStep::Resolve(resolution) => {
                json!({ "action": "resolve", "resolution": resolution })
            }
            RequestStep::Close => json!({ "action": "close" }),
            RequestStep::Reopen => json!({ "action": "reopen" }),
        };
        let path = format!("requests/{id}/status");
        self.call(self.request(Method::POST, &path).json(&body))
            .await
    }
}
