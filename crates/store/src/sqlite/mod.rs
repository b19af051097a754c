//! The embedded default: one SQLite file, WAL, `synchronous=FULL`, one
//! writer connection beside a pool of read-only ones.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::{
    AccountId, CaseId, CaseStatus, Membership, MessageId, MessageStatus, Party, Role, ServiceId,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, Row, SqlitePool};
use uuid::Uuid;

use crate::audit::AuditEntry;
use crate::codec::*;

mod checkpoint;
mod consent;
mod directory;
mod group_commit;
mod notify;
mod plans;
mod queue;
mod referrals;
mod reports;
mod requests;
mod visits;
use crate::{
    Account, AtRest, Case, Credentials, KeyRecord, Mailbox, MailboxQuery, NewAccount, NewCase,
    NewInvitation, NewMessage, Result, Service, Session, Store, StoreError, StoredMessage,
};
use group_commit::{Insert, Writer};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// Passerelle on SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    /// Exactly one connection: SQLite has one writer, and queuing here is
    /// cheaper and clearer than "database is locked" retries.
    writer: SqlitePool,
    reader: SqlitePool,
    /// Message inserts go through one task that commits them in batches.
    messages: Writer,
    at_rest: Arc<AtRest>,
    /// The checkpoint task runs while this lives.
    _checkpoints: Arc<()>,
}

/// A message's columns with its recipients folded in, as hexadecimal ids
/// joined by commas: one query gives a whole page, recipients included.
macro_rules! message_columns {
    () => {
        "m.*, (SELECT group_concat(hex(account_id)) FROM message_recipients WHERE message_seq = m.seq) AS recipients"
    };
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub async fn open(path: &Path, at_rest: AtRest) -> Result<Self> {
        let at_rest = Arc::new(at_rest);
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged write is on disk, not only in the WAL's page cache.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // A connection to a local file does not go stale: no ping before
        // each use, which would be one more hop to SQLite's thread.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            // Checkpoints run beside the writer (`checkpoint`), not in a commit.
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.clone().read_only(true))
            .await?;
        let alive = Arc::new(());
        checkpoint::spawn(options, Arc::downgrade(&alive));
        Ok(Self {
            messages: Writer::spawn(writer.clone(), at_rest.clone()),
            writer,
            reader,
            at_rest,
            _checkpoints: alive,
        })
    }

    fn account_from(&self, row: &SqliteRow) -> Result<Account> {
        Ok(Account {
            id: AccountId::from_uuid(row.try_get("id")?),
            role: role_from(row.try_get("role")?)?,
            service: row
                .try_get::<Option<Uuid>, _>("service_id")?
                .map(ServiceId::from_uuid),
            login: self.at_rest.open("accounts.login", row.try_get("login")?)?,
            display_name: self
                .at_rest
                .open("accounts.display_name", row.try_get("display_name")?)?,
            phone: self
                .at_rest
                .open_opt("accounts.phone", row.try_get("phone")?)?,
        })
    }

    fn case_from(&self, row: &SqliteRow) -> Result<Case> {
        Ok(Case {
            id: CaseId::from_uuid(row.try_get("id")?),
            service: ServiceId::from_uuid(row.try_get("service_id")?),
            detainee_name: self
                .at_rest
                .open("cases.detainee_name", row.try_get("detainee_name")?)?,
            prison_number: self
                .at_rest
                .open_opt("cases.prison_number", row.try_get("prison_number")?)?,
            institution: row.try_get("institution")?,
            legal_situation: situation_from(row.try_get("legal_situation")?)?,
            expected_release: date_from(row.try_get("expected_release")?)?,
            languages: languages_from(row.try_get("languages")?),
            interpreter_needed: row.try_get("interpreter_needed")?,
            status: case_status_from(row.try_get("status")?)?,
            created_at: timestamp(row.try_get("created_at")?)?,
        })
    }

    /// A message row selected with [`message_columns`].
    fn message_from(&self, row: &SqliteRow) -> Result<StoredMessage> {
        let reason = self
            .at_rest
            .open_opt("messages.hold_reason", row.try_get("hold_reason")?)?;
        let mut recipients = row
            .try_get::<Option<String>, _>("recipients")?
            .unwrap_or_default()
            .split(',')
            .filter(|hex| !hex.is_empty())
            .map(|hex| {
                Uuid::try_parse(hex)
                    .map(AccountId::from_uuid)
                    .map_err(|_| StoreError::Corrupt("a recipient id is not a UUID"))
            })
            .collect::<Result<Vec<_>>>()?;
        recipients.sort();
        Ok(StoredMessage {
            id: MessageId::from_uuid(row.try_get("id")?),
            seq: row.try_get("seq")?,
            case: CaseId::from_uuid(row.try_get("case_id")?),
            sender: AccountId::from_uuid(row.try_get("sender_id")?),
            envelope_id: row.try_get("envelope_id")?,
            envelope: row.try_get("envelope")?,
            recipients,
            on_behalf_of: row
                .try_get::<Option<Uuid>, _>("on_behalf_of")?
                .map(AccountId::from_uuid),
            status: status_from(row.try_get("status")?, reason, row.try_get("in_person")?)?,
            created_at: timestamp(row.try_get("created_at")?)?,
            updated_at: timestamp(row.try_get("updated_at")?)?,
        })
    }

    async fn message_on(&self, pool: &SqlitePool, id: MessageId) -> Result<Option<StoredMessage>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages m WHERE m.id = ?"
        ))
        .bind(id.as_uuid())
        .fetch_all(pool)
        .await?;
        rows.first().map(|row| self.message_from(row)).transpose()
    }

    async fn link(
        conn: &mut sqlx::SqliteConnection,
        case: CaseId,
        account: AccountId,
        membership: Membership,
        now: Timestamp,
    ) -> Result<()> {
        let (kind, relationship) = membership_columns(membership);
        sqlx::query(
            "INSERT INTO case_parties (case_id, account_id, kind, relationship, linked_at)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, account_id) DO NOTHING",
        )
        .bind(case.as_uuid())
        .bind(account.as_uuid())
        .bind(kind)
        .bind(relationship)
        .bind(micros(now))
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn insert_account(
        &self,
        conn: &mut sqlx::SqliteConnection,
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Account> {
        let id = AccountId::random();
        sqlx::query(
            "INSERT INTO accounts (id, role, service_id, login_index, login, display_name, phone, password_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_uuid())
        .bind(role_text(account.role))
        .bind(account.service.map(|s| s.as_uuid()))
        .bind(self.at_rest.lookup_index(&account.login)?)
        .bind(self.at_rest.seal("accounts.login", &account.login)?)
        .bind(self.at_rest.seal("accounts.display_name", &account.display_name)?)
        .bind(self.at_rest.seal_opt("accounts.phone", account.phone.as_deref())?)
        .bind(&account.password_hash)
        .bind(micros(now))
        .execute(conn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("this login is taken"),
            other => other,
        })?;
        Ok(Account {
            id,
            role: account.role,
            service: account.service,
            login: account.login.clone(),
            display_name: account.display_name.clone(),
            phone: account.phone.clone(),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.writer).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn create_service(&self, name: &str, now: Timestamp) -> Result<Service> {
        let id = ServiceId::random();
        sqlx::query("INSERT INTO services (id, name, created_at) VALUES (?, ?, ?)")
            .bind(id.as_uuid())
            .bind(self.at_rest.seal("services.name", name)?)
            .bind(micros(now))
            .execute(&self.writer)
            .await?;
        Ok(Service {
            id,
            name: name.to_owned(),
        })
    }

    async fn service(&self, id: ServiceId) -> Result<Option<Service>> {
        let row = sqlx::query("SELECT name FROM services WHERE id = ?")
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| {
            Ok(Service {
                id,
                name: self.at_rest.open("services.name", r.try_get("name")?)?,
            })
        })
        .transpose()
    }

    async fn create_account(&self, account: &NewAccount, now: Timestamp) -> Result<Account> {
        let mut conn = self.writer.acquire().await?;
        self.insert_account(&mut conn, account, now).await
    }

    async fn account(&self, id: AccountId) -> Result<Option<Account>> {
        let row = sqlx::query("SELECT * FROM accounts WHERE id = ?")
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| self.account_from(&r)).transpose()
    }

    async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let row = sqlx::query("SELECT id, password_hash FROM accounts WHERE login_index = ?")
            .bind(self.at_rest.lookup_index(login)?)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| {
            Ok(Credentials {
                account: AccountId::from_uuid(r.try_get("id")?),
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn create_session(
        &self,
        token_hash: &[u8; 32],
        account: AccountId,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(hash_from(token_hash))
            .bind(account.as_uuid())
            .bind(micros(now))
            .bind(micros(expires_at))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT a.*, (SELECT value FROM access_generation) AS access_generation
             FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?",
        )
        .bind(hash_from(token_hash))
        .bind(micros(now))
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| {
            Ok(Session {
                account: self.account_from(&r)?,
                access_generation: r.try_get("access_generation")?,
            })
        })
        .transpose()
    }

    async fn end_session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL")
            .bind(micros(now))
            .bind(hash_from(token_hash))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn create_case(
        &self,
        case: &NewCase,
        creator: AccountId,
        now: Timestamp,
    ) -> Result<Case> {
        let id = CaseId::random();
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO cases (id, service_id, detainee_name, prison_number, institution, legal_situation,
                                expected_release, languages, interpreter_needed, status, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_uuid())
        .bind(case.service.as_uuid())
        .bind(self.at_rest.seal("cases.detainee_name", &case.detainee_name)?)
        .bind(self.at_rest.seal_opt("cases.prison_number", case.prison_number.as_deref())?)
        .bind(&case.institution)
        .bind(situation_text(case.legal_situation))
        .bind(case.expected_release.map(|d| d.to_string()))
        .bind(languages_text(&case.languages))
        .bind(case.interpreter_needed)
        .bind(case_status_text(CaseStatus::Open))
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        Self::link(&mut tx, id, creator, Membership::Worker, now).await?;
        tx.commit().await?;
        Ok(Case {
            id,
            service: case.service,
            detainee_name: case.detainee_name.clone(),
            prison_number: case.prison_number.clone(),
            institution: case.institution.clone(),
            legal_situation: case.legal_situation,
            expected_release: case.expected_release,
            languages: case.languages.clone(),
            interpreter_needed: case.interpreter_needed,
            status: CaseStatus::Open,
            created_at: timestamp(micros(now))?,
        })
    }

    async fn case(&self, id: CaseId) -> Result<Option<Case>> {
        let row = sqlx::query("SELECT * FROM cases WHERE id = ?")
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| self.case_from(&r)).transpose()
    }

    async fn cases_of(&self, account: AccountId) -> Result<Vec<Case>> {
        let rows = sqlx::query(
            "SELECT c.* FROM case_parties p JOIN cases c ON c.id = p.case_id
             WHERE p.account_id = ? ORDER BY c.created_at DESC, c.id",
        )
        .bind(account.as_uuid())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(|r| self.case_from(r)).collect()
    }

    async fn assign_worker(&self, case: CaseId, worker: AccountId, now: Timestamp) -> Result<()> {
        let mut conn = self.writer.acquire().await?;
        Self::link(&mut conn, case, worker, Membership::Worker, now).await
    }

    async fn membership(&self, case: CaseId, account: AccountId) -> Result<Option<Membership>> {
        let row = sqlx::query(
            "SELECT kind, relationship FROM case_parties WHERE case_id = ? AND account_id = ?",
        )
        .bind(case.as_uuid())
        .bind(account.as_uuid())
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| membership_from(r.try_get("kind")?, r.try_get("relationship")?))
            .transpose()
    }

    async fn parties(&self, case: CaseId) -> Result<Vec<Party>> {
        let rows = sqlx::query(
            "SELECT account_id, kind, relationship FROM case_parties WHERE case_id = ? ORDER BY linked_at, account_id",
        )
        .bind(case.as_uuid())
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Party {
                    account: AccountId::from_uuid(r.try_get("account_id")?),
                    membership: membership_from(r.try_get("kind")?, r.try_get("relationship")?)?,
                })
            })
            .collect()
    }

    async fn create_invitation(&self, invitation: &NewInvitation, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (code_hash, case_id, role, relationship, created_by, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(hash_from(&invitation.code_hash))
        .bind(invitation.case.as_uuid())
        .bind(role_text(invitation.role))
        .bind(invitation.relationship.map(relationship_text))
        .bind(invitation.created_by.as_uuid())
        .bind(micros(now))
        .bind(micros(invitation.expires_at))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn redeem_invitation(
        &self,
        code_hash: &[u8; 32],
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<(Account, CaseId)> {
        let mut conn = self.writer.acquire().await?;
        // Read, then write: IMMEDIATE takes the write lock first, so another
        // process cannot slip in between and redeem the same code.
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(
            "SELECT case_id, role, relationship, expires_at FROM invitations WHERE code_hash = ? AND used_at IS NULL",
        )
        .bind(hash_from(code_hash))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<i64, _>("expires_at")? <= micros(now) {
            return Err(StoreError::Expired);
        }
        let case = CaseId::from_uuid(row.try_get("case_id")?);
        let role = role_from(row.try_get("role")?)?;
        let membership = match role {
            Role::Detainee => Membership::Detainee,
            _ => membership_from("relative", row.try_get("relationship")?)?,
        };
        let new = NewAccount {
            role,
            service: None,
            ..account.clone()
        };
        let created = self.insert_account(&mut tx, &new, now).await?;
        Self::link(&mut tx, case, created.id, membership, now).await?;
        sqlx::query("UPDATE invitations SET used_at = ?, used_by = ? WHERE code_hash = ?")
            .bind(micros(now))
            .bind(created.id.as_uuid())
            .bind(hash_from(code_hash))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((created, case))
    }

    async fn add_key(
        &self,
        account: AccountId,
        public_key: &[u8; 32],
        now: Timestamp,
    ) -> Result<KeyRecord> {
        let mut conn = self.writer.acquire().await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM device_keys WHERE account_id = ?",
        )
        .bind(account.as_uuid())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO device_keys (account_id, version, public_key, created_at) VALUES (?, ?, ?, ?)")
            .bind(account.as_uuid())
            .bind(version)
            .bind(public_key.as_slice())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(KeyRecord {
            account,
            public_key: *public_key,
            version,
            created_at: timestamp(micros(now))?,
        })
    }

    async fn key_history(&self, account: AccountId) -> Result<Vec<KeyRecord>> {
        let rows = sqlx::query("SELECT * FROM device_keys WHERE account_id = ? ORDER BY version")
            .bind(account.as_uuid())
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(key_from_row).collect()
    }

    async fn current_keys(&self, accounts: &[AccountId]) -> Result<Vec<KeyRecord>> {
        // One query for them all: a case has a handful of parties, far under
        // SQLite's limit on bound parameters, and chunks keep it so.
        let mut current = std::collections::HashMap::with_capacity(accounts.len());
        for chunk in accounts.chunks(500) {
            let sql = format!(
                "SELECT k.* FROM device_keys k
                 WHERE k.account_id IN ({})
                   AND k.version = (SELECT MAX(version) FROM device_keys WHERE account_id = k.account_id)",
                vec!["?"; chunk.len()].join(",")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for account in chunk {
                query = query.bind(account.as_uuid());
            }
            for row in query.fetch_all(&self.reader).await? {
                let key = key_from_row(&row)?;
                current.insert(key.account, key);
            }
        }
        // In the order asked for.
        Ok(accounts.iter().filter_map(|a| current.remove(a)).collect())
    }

    async fn insert_message(&self, message: &NewMessage, now: Timestamp) -> Result<StoredMessage> {
        let id = MessageId::time_ordered();
        let (status, reason, in_person) = status_columns(&message.status);
        let seq = self
            .messages
            .insert(Insert {
                id: id.as_uuid(),
                case: message.case.as_uuid(),
                sender: message.sender.as_uuid(),
                envelope_id: message.envelope_id,
                envelope: message.envelope.clone(),
                on_behalf_of: message.on_behalf_of.map(|a| a.as_uuid()),
                status,
                hold_reason: self.at_rest.seal_opt("messages.hold_reason", reason)?,
                in_person,
                now: micros(now),
                recipients: message.recipients.iter().map(|r| r.as_uuid()).collect(),
                audit: message.audit.clone().map(|entry| AuditEntry {
                    object_id: Some(id.as_uuid()),
                    ..entry
                }),
            })
            .await?;
        Ok(StoredMessage {
            id,
            seq,
            case: message.case,
            sender: message.sender,
            envelope_id: message.envelope_id,
            envelope: message.envelope.clone(),
            recipients: sorted(&message.recipients),
            on_behalf_of: message.on_behalf_of,
            status: message.status.clone(),
            created_at: timestamp(micros(now))?,
            updated_at: timestamp(micros(now))?,
        })
    }

    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>> {
        self.message_on(&self.reader, id).await
    }

    async fn set_message_status(
        &self,
        id: MessageId,
        from: &MessageStatus,
        to: &MessageStatus,
        now: Timestamp,
    ) -> Result<StoredMessage> {
        let (from_status, _, _) = status_columns(from);
        let (status, reason, in_person) = status_columns(to);
        let changed = sqlx::query(
            "UPDATE messages SET status = ?, hold_reason = ?, in_person = ?, updated_at = ?
             WHERE id = ? AND status = ?",
        )
        .bind(status)
        .bind(self.at_rest.seal_opt("messages.hold_reason", reason)?)
        .bind(in_person)
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(from_status)
        .execute(&self.writer)
        .await?
        .rows_affected();
        // Read back on the writer: a reader could lag behind this very update.
        let current = self.message_on(&self.writer, id).await?;
        match (changed, current) {
            (0, Some(_)) => Err(StoreError::Conflict("the message changed in the meantime")),
            (_, Some(message)) => Ok(message),
            (_, None) => Err(StoreError::NotFound),
        }
    }

    async fn mailbox(
        &self,
        account: AccountId,
        mailbox: Mailbox,
        query: MailboxQuery,
    ) -> Result<Vec<StoredMessage>> {
        let rows = match mailbox {
            Mailbox::Inbox => sqlx::query(concat!(
                "SELECT ",
                message_columns!(),
                " FROM message_recipients r JOIN messages m ON m.seq = r.message_seq
                 WHERE r.account_id = ?1 AND m.sender_id != ?1
                   AND (?2 IS NULL OR m.case_id = ?2) AND (?3 IS NULL OR r.message_seq < ?3)
                   AND (NOT ?5 OR m.status IN ('delivered', 'read'))
                 ORDER BY r.message_seq DESC LIMIT ?4"
            )),
            Mailbox::Outbox => sqlx::query(concat!(
                "SELECT ",
                message_columns!(),
                " FROM messages m
                 WHERE m.sender_id = ?1
                   AND (?2 IS NULL OR m.case_id = ?2) AND (?3 IS NULL OR m.seq < ?3)
                 ORDER BY m.seq DESC LIMIT ?4"
            )),
        };
        let rows = rows
            .bind(account.as_uuid())
            .bind(query.case.map(|c| c.as_uuid()))
            .bind(query.before)
            .bind(i64::from(query.limit));
        let rows = match mailbox {
            Mailbox::Inbox => rows.bind(query.relayed_only),
            Mailbox::Outbox => rows,
        };
        rows.fetch_all(&self.reader)
            .await?
            .iter()
            .map(|row| self.message_from(row))
            .collect()
    }

    async fn record_consent(&self, record: &passerelle_domain::ConsentRecord) -> Result<()> {
        self.insert_consent(record).await
    }

    async fn consents(&self, case: CaseId) -> Result<Vec<passerelle_domain::ConsentRecord>> {
        self.select_consents(case).await
    }

    async fn impose_restriction(&self, restriction: &passerelle_domain::Restriction) -> Result<()> {
        self.insert_restriction(restriction).await
    }

    async fn lift_restriction(
        &self,
        case: CaseId,
        id: passerelle_domain::RestrictionId,
        by: AccountId,
        now: Timestamp,
    ) -> Result<passerelle_domain::Restriction> {
        self.update_lift(case, id, by, now).await
    }

    async fn restrictions(&self, case: CaseId) -> Result<Vec<passerelle_domain::Restriction>> {
        self.select_restrictions(case).await
    }

    async fn append_audit(&self, entries: &[crate::audit::AuditEntry]) -> Result<()> {
        self.append(entries).await
    }

    async fn audit_head(&self) -> Result<(i64, [u8; 32])> {
        let row: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&self.writer)
                .await?;
        match row {
            None => Ok((0, crate::audit::GENESIS)),
            Some((seq, hash)) => Ok((seq, crate::codec::key_from(hash)?)),
        }
    }

    async fn audit_trail(
        &self,
        filter: crate::audit::AuditFilter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        self.select_audit(filter, after, limit).await
    }
}

fn sorted(accounts: &[AccountId]) -> Vec<AccountId> {
    let mut accounts = accounts.to_vec();
    accounts.sort();
    accounts
}

fn key_from_row(row: &SqliteRow) -> Result<KeyRecord> {
    Ok(KeyRecord {
        account: AccountId::from_uuid(row.try_get("account_id")?),
        public_key: key_from(row.try_get("public_key")?)?,
        version: row.try_get("version")?,
        created_at: timestamp(row.try_get("created_at")?)?,
    })
}

/// Parses `sqlite://path` or a bare path.
pub fn path_from_url(url: &str) -> &Path {
    Path::new(
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url),
    )
}
