//! Storage for Passerelle: one interface, [`Store`], in the domain's words,
//! with one implementation per engine ([`sqlite::SqliteStore`], the embedded
//! default, and [`postgres::PgStore`], for scale). SQL lives only here.
//!
//! Server-readable personal fields (names, phone numbers, prison numbers,
//! logins) are encrypted at rest with the [`AtRest`] key before they reach
//! either engine, so a database dump alone reveals none of them. Envelopes
//! are stored as the opaque bytes they arrive as.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::{
    AccountId, CaseId, CaseStatus, ConsentRecord, LegalSituation, Membership, MessageId,
    MessageStatus, Party, Relationship, Restriction, RestrictionId, Role, ServiceId,
};

use crate::audit::{AuditEntry, AuditFilter, AuditRecord};

mod at_rest;
pub mod audit;
pub mod bus;
mod codec;
pub mod directory;
mod error;
pub mod notify;
pub mod plans;
pub mod postgres;
pub mod queue;
pub mod referrals;
pub mod reports;
pub mod requests;
mod rows;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
pub mod visits;

pub use at_rest::AtRest;
pub use directory::DirectoryStore;
pub use error::StoreError;
pub use notify::NotifyStore;
pub use plans::PlanStore;
pub use queue::QueueStore;
pub use referrals::ReferralStore;
pub use reports::ReportStore;
pub use requests::RequestStore;
pub use visits::VisitStore;

/// The result of every store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A service (organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its id.
    pub id: ServiceId,
    /// Its name.
    pub name: String,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The account's role.
    pub role: Role,
    /// The service of a worker or coordinator.
    pub service: Option<ServiceId>,
    /// The login, compared case-insensitively; unique.
    pub login: String,
    /// The name shown to the people the account deals with.
    pub display_name: String,
    /// A phone number, never shown to a detained person.
    pub phone: Option<String>,
    /// The Argon2id PHC string of the password.
    pub password_hash: String,
}

/// What a live session gives a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub account: Account,
    /// The access generation in the same read: every change to a case,
    /// its parties, consent records, restrictions or device keys moves it
    /// (triggers, in the changing transaction), so facts read while it
    /// held this value are still current as long as it does.
    pub access_generation: i64,
}

/// An account, with its personal fields decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// Its role.
    pub role: Role,
    /// The service of a worker or coordinator.
    pub service: Option<ServiceId>,
    /// The login.
    pub login: String,
    /// The name shown to others.
    pub display_name: String,
    /// The phone number, if given.
    pub phone: Option<String>,
}

/// What a login needs to check a password.
#[derive(Clone)]
pub struct Credentials {
    /// The account.
    pub account: AccountId,
    /// The Argon2id PHC string.
    pub password_hash: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// What is needed to open a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The service that runs it.
    pub service: ServiceId,
    /// The detained person's name (encrypted at rest).
    pub detainee_name: String,
    /// The prison number (encrypted at rest).
    pub prison_number: Option<String>,
    /// The institution.
    pub institution: String,
    /// The legal situation.
    pub legal_situation: LegalSituation,
    /// The expected release date, if known.
    pub expected_release: Option<jiff::civil::Date>,
    /// Languages, as BCP 47 tags.
    pub languages: Vec<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
}

/// A case, with its personal fields decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Its id.
    pub id: CaseId,
    /// The service that runs it.
    pub service: ServiceId,
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
    /// Languages.
    pub languages: Vec<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
    /// Open or closed.
    pub status: CaseStatus,
    /// When it was opened.
    pub created_at: Timestamp,
}

/// A single-use invitation to join a case, stored by the hash of its code.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// SHA-256 of the code; the code itself is never stored.
    pub code_hash: [u8; 32],
    /// The case to join.
    pub case: CaseId,
    /// `Relative` or `Detainee`.
    pub role: Role,
    /// For a relative, the relationship.
    pub relationship: Option<Relationship>,
    /// The worker who made it.
    pub created_by: AccountId,
    /// After this, it is refused.
    pub expires_at: Timestamp,
}

/// One device key in an account's append-only key history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The owner.
    pub account: AccountId,
    /// The X25519 public key.
    pub public_key: [u8; 32],
    /// 1 for the first key, then +1 at each rotation.
    pub version: i64,
    /// When it was registered.
    pub created_at: Timestamp,
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The case.
    pub case: CaseId,
    /// The account that uploaded it.
    pub sender: AccountId,
    /// The message id inside the envelope; unique per sender (replays).
    pub envelope_id: uuid::Uuid,
    /// The envelope, opaque.
    pub envelope: Vec<u8>,
    /// Everyone who may fetch it: the addressees and the case's workers.
    pub recipients: Vec<AccountId>,
    /// Recorded by a worker for a detained person without a device.
    pub on_behalf_of: Option<AccountId>,
    /// The first status.
    pub status: MessageStatus,
    /// The audit row written with the message, in the same transaction; its
    /// object id becomes the new message's id.
    pub audit: Option<AuditEntry>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// The server's id.
    pub id: MessageId,
    /// Position in the global order; cursors are built from it.
    pub seq: i64,
    /// The case.
    pub case: CaseId,
    /// Who uploaded it.
    pub sender: AccountId,
    /// The envelope's own message id.
    pub envelope_id: uuid::Uuid,
    /// The envelope.
    pub envelope: Vec<u8>,
    /// Who may fetch it.
    pub recipients: Vec<AccountId>,
    /// The detained person on whose behalf a worker recorded it.
    pub on_behalf_of: Option<AccountId>,
    /// Where it stands.
    pub status: MessageStatus,
    /// When it was stored.
    pub created_at: Timestamp,
    /// When its status last changed.
    pub updated_at: Timestamp,
}

/// Which side of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mailbox {
    /// Messages the account may read, sent by someone else.
    Inbox,
    /// Messages the account sent.
    Outbox,
}

/// Which page of a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxQuery {
    /// Only this case, or all the account's cases.
    pub case: Option<CaseId>,
    /// Only messages with a smaller `seq` (the cursor).
    pub before: Option<i64>,
    /// At most this many.
    pub limit: u32,
    /// Leave out inbox messages not yet relayed (pending or held).
    pub relayed_only: bool,
}

/// Storage, in the domain's words. Implementations must uphold:
///
/// - every write is durable when the call returns `Ok` (SQLite runs with
///   `synchronous=FULL`; PostgreSQL commits);
/// - a failed call stores nothing (each call is one transaction);
/// - a unique-key violation is [`StoreError::Conflict`], never a database
///   error, so callers can answer 409;
/// - personal fields are encrypted with the store's [`AtRest`] key before
///   they are written and decrypted when read.
///
/// The parts of the interface for notifications, visits, practical
/// requests and the directory live in their own traits, which every store
/// implements too.
#[async_trait]
pub trait Store:
    NotifyStore
    + VisitStore
    + RequestStore
    + DirectoryStore
    + ReportStore
    + QueueStore
    + ReferralStore
    + PlanStore
    + Send
    + Sync
    + 'static
{
    /// Applies the pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// Succeeds when the database answers.
    async fn ping(&self) -> Result<()>;

    /// Creates a service.
    async fn create_service(&self, name: &str, now: Timestamp) -> Result<Service>;
    /// A service by id.
    async fn service(&self, id: ServiceId) -> Result<Option<Service>>;

    /// Creates an account; `Conflict` if the login is taken.
    async fn create_account(&self, account: &NewAccount, now: Timestamp) -> Result<Account>;
    /// An account by id.
    async fn account(&self, id: AccountId) -> Result<Option<Account>>;
    /// The password hash for a login, if the login exists.
    async fn credentials(&self, login: &str) -> Result<Option<Credentials>>;

    /// Records a session under the hash of its token.
    async fn create_session(
        &self,
        token_hash: &[u8; 32],
        account: AccountId,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// A live session's account and the access generation read with it:
    /// `None` when unknown, ended or expired.
    async fn session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<Session>>;
    /// Ends a session; ending an unknown one is not an error.
    async fn end_session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<()>;

    /// Opens a case and assigns its creator.
    async fn create_case(&self, case: &NewCase, creator: AccountId, now: Timestamp)
    -> Result<Case>;
    /// A case by id, whoever asks: callers check membership first.
    async fn case(&self, id: CaseId) -> Result<Option<Case>>;
    /// The cases an account is party to, newest first.
    async fn cases_of(&self, account: AccountId) -> Result<Vec<Case>>;
    /// Assigns a worker; assigning twice is not an error.
    async fn assign_worker(&self, case: CaseId, worker: AccountId, now: Timestamp) -> Result<()>;
    /// What `account` is to `case`, or `None` if nothing.
    async fn membership(&self, case: CaseId, account: AccountId) -> Result<Option<Membership>>;
    /// Everyone linked to a case.
    async fn parties(&self, case: CaseId) -> Result<Vec<Party>>;

    /// Stores an invitation.
    async fn create_invitation(&self, invitation: &NewInvitation, now: Timestamp) -> Result<()>;
    /// In one transaction: checks the invitation is unused and unexpired
    /// (else `NotFound` or `Expired`), creates the account, links it to the
    /// case and marks the invitation used. A code works once.
    async fn redeem_invitation(
        &self,
        code_hash: &[u8; 32],
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<(Account, CaseId)>;

    /// Appends a device key to the account's history and makes it current.
    async fn add_key(
        &self,
        account: AccountId,
        public_key: &[u8; 32],
        now: Timestamp,
    ) -> Result<KeyRecord>;
    /// The whole key history, oldest first.
    async fn key_history(&self, account: AccountId) -> Result<Vec<KeyRecord>>;
    /// The current key of each account that has one.
    async fn current_keys(&self, accounts: &[AccountId]) -> Result<Vec<KeyRecord>>;

    /// Stores a message; `Conflict` if the sender already used its envelope id.
    async fn insert_message(&self, message: &NewMessage, now: Timestamp) -> Result<StoredMessage>;
    /// A message by id.
    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>>;
    /// Moves a message from `from` to `to`; `Conflict` if its status is no
    /// longer `from` (another worker acted first).
    async fn set_message_status(
        &self,
        id: MessageId,
        from: &MessageStatus,
        to: &MessageStatus,
        now: Timestamp,
    ) -> Result<StoredMessage>;
    /// A page of an account's inbox or outbox in one case or all, newest
    /// first, strictly before `before` (a `seq`) when given. With
    /// `relayed_only`, inbox messages still pending relay or held are left
    /// out: a relative or detained person sees a message once it is relayed.
    async fn mailbox(
        &self,
        account: AccountId,
        mailbox: Mailbox,
        query: MailboxQuery,
    ) -> Result<Vec<StoredMessage>>;

    /// Appends a consent record; records are never changed afterwards.
    async fn record_consent(&self, record: &ConsentRecord) -> Result<()>;
    /// A case's consent history, oldest first.
    async fn consents(&self, case: CaseId) -> Result<Vec<ConsentRecord>>;
    /// Records a restriction.
    async fn impose_restriction(&self, restriction: &Restriction) -> Result<()>;
    /// Lifts a restriction of `case`: `NotFound` if it has no such one,
    /// `Conflict` if it is already lifted.
    async fn lift_restriction(
        &self,
        case: CaseId,
        id: RestrictionId,
        by: AccountId,
        now: Timestamp,
    ) -> Result<Restriction>;
    /// A case's restrictions, lifted ones included, oldest first.
    async fn restrictions(&self, case: CaseId) -> Result<Vec<Restriction>>;

    /// Appends rows to the audit chain, in order, durably.
    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<()>;
    /// The last row of the audit chain: its seq and digest (`0` and the
    /// genesis digest when the chain is empty).
    async fn audit_head(&self) -> Result<(i64, [u8; 32])>;
    /// Audit rows in seq order, after `after` (a seq), at most `limit`.
    async fn audit_trail(
        &self,
        filter: AuditFilter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>>;
}
