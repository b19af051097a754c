//! What the API sends and receives, as the client sees it. The ids, roles,
//! memberships and statuses are the domain's own types, so a client and the
//! server cannot disagree on their spelling.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use passerelle_crypto::PublicKey;
use passerelle_domain::{
    AccountId, CaseId, CaseStatus, LegalSituation, Membership, MessageId, MessageStatus,
    Relationship, Role, ServiceId,
};
use serde::{Deserialize, Serialize};

use super::ClientError;

/// A new session: the bearer token and who signed in.
#[derive(Clone, Deserialize)]
pub struct Session {
    /// The bearer token, shown once by the server.
    pub token: String,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Who signed in.
    pub account: AccountInfo,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("account", &self.account)
            .finish()
    }
}

/// An account as its owner (or a coordinator) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AccountInfo {
    /// Its id.
    pub id: AccountId,
    /// Its role.
    pub role: Role,
    /// Its service, for staff.
    pub service: Option<ServiceId>,
    /// The login.
    pub login: String,
    /// The name shown to others.
    pub display_name: String,
}

/// A case to open.
#[derive(Debug, Clone, Serialize)]
pub struct NewCase {
    /// The detained person's name.
    pub detainee_name: String,
    /// The prison number.
    pub prison_number: Option<String>,
    /// The institution.
    pub institution: String,
    /// The legal situation.
    pub legal_situation: LegalSituation,
    /// The expected release date.
    pub expected_release: Option<jiff::civil::Date>,
    /// Languages (BCP 47 tags).
    pub languages: Vec<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
}

/// A case as the caller may see it (relatives see little of it).
#[derive(Debug, Clone, Deserialize)]
pub struct CaseInfo {
    /// Its id.
    pub id: CaseId,
    /// Open or closed.
    pub status: CaseStatus,
    /// The detained person's name (staff and the detained person only).
    pub detainee_name: Option<String>,
    /// The prison number (staff and the detained person only).
    pub prison_number: Option<String>,
    /// The institution (staff and the detained person only).
    pub institution: Option<String>,
    /// The legal situation (staff and the detained person only).
    pub legal_situation: Option<LegalSituation>,
    /// The expected release date (staff and the detained person only).
    pub expected_release: Option<jiff::civil::Date>,
    /// Languages.
    pub languages: Vec<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
    /// What the caller is to this case.
    pub membership: Membership,
}

/// Whom an invitation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invitee {
    /// A relative, with their relationship to the detained person.
    Relative(Relationship),
    /// The detained person of the case.
    Detainee,
}

/// A single-use invitation code, to give in person or by phone.
#[derive(Clone, Deserialize)]
pub struct Invitation {
    /// The code.
    pub code: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

impl fmt::Debug for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invitation")
            .field("code", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Joining a case with an invitation code.
#[derive(Clone, Serialize)]
pub struct Join {
    /// The code a worker gave.
    pub code: String,
    /// The login to create.
    pub login: String,
    /// The password to set (10 characters or more).
    pub password: String,
    /// The name shown to others.
    pub display_name: String,
    /// A phone number, never shown to the detained person.
    pub phone: Option<String>,
}

impl fmt::Debug for Join {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("login", &self.login)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

/// The account created by joining, and the case joined.
#[derive(Debug, Clone, Deserialize)]
pub struct Joined {
    /// The new account.
    pub account: AccountInfo,
    /// The case.
    pub case: CaseId,
}

/// A device key in the server's directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KeyInfo {
    /// `passerelle-pk:…`.
    pub public_key: String,
    /// The 30-digit fingerprint, grouped.
    pub fingerprint: String,
    /// 1 for the first key; a higher number means the key changed.
    pub version: i64,
    /// When it was registered.
    pub created_at: Timestamp,
}

impl KeyInfo {
    /// The key itself.
    pub fn key(&self) -> Result<PublicKey, ClientError> {
        PublicKey::from_text(&self.public_key).map_err(ClientError::Crypto)
    }
}

/// A person in a case, as the caller sees them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Party {
    /// Their account.
    pub account: AccountId,
    /// Their name.
    pub display_name: String,
    /// What they are to the case.
    pub membership: Membership,
    /// Their current device key, if they have one.
    pub key: Option<KeyInfo>,
}

impl Party {
    /// Their current key, parsed; `None` without a device.
    pub fn public_key(&self) -> Option<PublicKey> {
        self.key.as_ref().and_then(|k| k.key().ok())
    }
}

/// A message as the server holds it: metadata in clear, content sealed.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageInfo {
    /// The server's id.
    pub id: MessageId,
    /// The case.
    pub case: CaseId,
    /// Who uploaded it.
    pub sender: AccountId,
    /// The detained person a worker wrote it for, if so.
    pub on_behalf_of: Option<AccountId>,
    /// Where it stands in the relay flow.
    pub status: MessageStatus,
    /// When the server received it.
    pub created_at: Timestamp,
    /// When its status last changed.
    pub updated_at: Timestamp,
    /// The envelope, standard base64.
    pub envelope: String,
}

impl MessageInfo {
    /// The envelope bytes.
    pub fn envelope_bytes(&self) -> Result<Vec<u8>, ClientError> {
        STANDARD.decode(self.envelope.trim()).map_err(|_| {
            ClientError::Invalid("the server sent an envelope that is not base64".into())
        })
    }
}

/// One page of a mailbox, newest first.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// The messages.
    pub items: Vec<MessageInfo>,
    /// The cursor for the next (older) page; `None` on the last one.
    pub next: Option<i64>,
}

/// Which side of the mailbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mailbox {
    /// Messages to the caller.
    #[default]
    Inbox,
    /// Messages from the caller.
    Outbox,
}

/// Which page of which mailbox.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct MailboxQuery {
    /// Inbox or outbox.
    pub mailbox: Mailbox,
    /// Only this case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
    /// The `next` cursor of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// Page size, 1 to 100 (the server's default is 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A status in words: "pending relay", "held (reason)", "delivered in person"…
pub fn status_text(status: &MessageStatus) -> String {
    match status {
        MessageStatus::PendingRelay => "pending relay".to_owned(),
        MessageStatus::Held { reason } => format!("held ({})", reason.as_str()),
        MessageStatus::Delivered { in_person: false } => "delivered".to_owned(),
        MessageStatus::Delivered { in_person: true } => "delivered in person".to_owned(),
        MessageStatus::Read => "read".to_owned(),
    }
}

/// A role in words: "worker", "coordinator", "relative", "detained person".
pub fn role_text(role: Role) -> &'static str {
    match role {
        Role::Worker => "worker",
        Role::Coordinator => "coordinator",
        Role::Relative => "relative",
        Role::Detainee => "detained person",
    }
}

/// The account named `who` in a case: an account id, or the display name
/// (any case) of exactly one party.
pub fn find_party(parties: &[Party], who: &str) -> Result<AccountId, ClientError> {
    if let Ok(id) = who.trim().parse::<AccountId>() {
        return Ok(id);
    }
    let mut matches = parties
        .iter()
        .filter(|p| p.display_name.trim().eq_ignore_ascii_case(who.trim()));
    match (matches.next(), matches.next()) {
        (Some(one), None) => Ok(one.account),
        (None, _) => Err(ClientError::Invalid(format!(
            "nobody called {who:?} in this case"
        ))),
        (Some(_), Some(_)) => Err(ClientError::Invalid(format!(
            "several people are called {who:?}: use their account id"
        ))),
    }
}

/// The display names of `ids` in a case, joined with ", " (an id when the
/// caller cannot see that person).
pub fn party_names(parties: &[Party], ids: &[AccountId]) -> String {
    ids.iter()
        .map(|id| {
            parties
                .iter()
                .find(|p| p.account == *id)
                .map_or_else(|| id.to_string(), |p| p.display_name.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A membership in words: "worker", "relative (parent)", "detained person".
pub fn membership_text(membership: &Membership) -> String {
    match membership {
        Membership::Worker => "worker".to_owned(),
        Membership::Detainee => "detained person".to_owned(),
        Membership::Relative { relationship } => {
            let word = match relationship {
                Relationship::Parent => "parent",
                Relationship::Partner => "partner",
                Relationship::Child => "child",
                Relationship::Sibling => "sibling",
                Relationship::OtherFamily => "family",
                Relationship::Friend => "friend",
            };
            format!("relative ({word})")
        }
    }
}
