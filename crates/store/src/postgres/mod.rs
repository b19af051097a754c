//! For scale: PostgreSQL through one connection pool. Same columns, codecs
//! and at-rest labels as [`crate::sqlite`], so both engines hold the same
//! words; where SQLite takes its write lock up front (`BEGIN IMMEDIATE`),
//! this engine locks the row it reads before writing (`SELECT ... FOR
//! UPDATE`). Unlike SQLite's, `seq` can have gaps (a failed insert still
//! consumes one) and transactions may commit out of `seq` order.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::{
    AccountId, CaseId, CaseStatus, Membership, MessageId, MessageStatus, Party, Role, ServiceId,
};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgConnection, PgPool, Postgres, Row};
use uuid::Uuid;

use crate::codec::*;
use crate::{
    Account, AtRest, Case, Credentials, KeyRecord, Mailbox, MailboxQuery, NewAccount, NewCase,
    NewInvitation, NewMessage, Result, Service, Session, Store, StoreError, StoredMessage,
};

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

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

type Query<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// Passerelle on PostgreSQL.
pub struct PgStore {
    pool: PgPool,
    at_rest: Arc<AtRest>,
    /// Audit rows that come alone go through one task per instance, which
    /// extends the chain for many requests under one lock of its head.
    writer: group_commit::Writer,
}

/// By hand, so that nothing of the connection URL (which may hold a
/// password) can reach a log.
impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("connections", &self.pool.size())
            .field("at_rest", &self.at_rest)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host/db`).
    pub async fn connect(url: &str, at_rest: AtRest) -> Result<Self> {
        // Plan every statement for its own parameters. A generic plan made
        // once for a prepared statement reads the `$n IS NULL OR ...` filters
        // as if they kept almost nothing, and walks every message of an inbox
        // to return fifty: 80 ms instead of 0.2 ms at 50,000 messages.
        let options =
            PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await?;
        let at_rest = Arc::new(at_rest);
        let writer = group_commit::Writer::spawn(pool.clone(), at_rest.clone());
        Ok(Self {
            pool,
            at_rest,
            writer,
        })
    }

    /// The connection pool, for the LISTEN/NOTIFY event bus.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Decrypts the column named by `label` (`table.column`, also the
    /// associated data), so a label and its column cannot drift apart.
    fn open(&self, row: &PgRow, label: &str) -> Result<String> {
        self.at_rest.open(label, row.try_get(column(label))?)
    }

    fn open_opt(&self, row: &PgRow, label: &str) -> Result<Option<String>> {
        self.at_rest.open_opt(label, row.try_get(column(label))?)
    }

    fn account_from(&self, row: &PgRow) -> Result<Account> {
        Ok(Account {
            id: AccountId::from_uuid(row.try_get("id")?),
            role: role_from(row.try_get("role")?)?,
            service: row
                .try_get::<Option<Uuid>, _>("service_id")?
                .map(ServiceId::from_uuid),
            login: self.open(row, "accounts.login")?,
            display_name: self.open(row, "accounts.display_name")?,
            phone: self.open_opt(row, "accounts.phone")?,
        })
    }

    fn case_from(&self, row: &PgRow) -> Result<Case> {
        Ok(Case {
            id: CaseId::from_uuid(row.try_get("id")?),
            service: ServiceId::from_uuid(row.try_get("service_id")?),
            detainee_name: self.open(row, "cases.detainee_name")?,
            prison_number: self.open_opt(row, "cases.prison_number")?,
            institution: row.try_get("institution")?,
            legal_situation: situation_from(row.try_get("legal_situation")?)?,
            expected_release: date_from(row.try_get("expected_release")?)?,
            languages: languages_from(row.try_get("languages")?),
            interpreter_needed: row.try_get("interpreter_needed")?,
            status: case_status_from(row.try_get("status")?)?,
            created_at: timestamp(row.try_get("created_at")?)?,
        })
    }

    fn message_from(&self, row: &PgRow, recipients: Vec<AccountId>) -> Result<StoredMessage> {
        message_row(&self.at_rest, row, recipients)
    }

    /// At most one row, mapped.
    async fn optional<T>(
        &self,
        query: Query<'_>,
        map: impl FnOnce(&PgRow) -> Result<T>,
    ) -> Result<Option<T>> {
        query
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(map)
            .transpose()
    }

    /// Every row, mapped.
    async fn all<T>(
        &self,
        query: Query<'_>,
        map: impl FnMut(&PgRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        query.fetch_all(&self.pool).await?.iter().map(map).collect()
    }

    /// The messages of `rows` with their recipients, fetched in one query
    /// and listed in account-id order (SQLite's primary-key order).
    async fn messages_from(&self, rows: Vec<PgRow>) -> Result<Vec<StoredMessage>> {
        let seqs = rows
            .iter()
            .map(|r| r.try_get("seq"))
            .collect::<Result<Vec<i64>, _>>()?;
        let mut recipients: HashMap<i64, Vec<AccountId>> = HashMap::new();
        if !seqs.is_empty() {
            let found = sqlx::query(
                "SELECT message_seq, account_id FROM message_recipients
                 WHERE message_seq = ANY($1) ORDER BY message_seq, account_id",
            )
            .bind(&seqs)
            .fetch_all(&self.pool)
            .await?;
            for r in &found {
                let account = AccountId::from_uuid(r.try_get("account_id")?);
                recipients
                    .entry(r.try_get("message_seq")?)
                    .or_default()
                    .push(account);
            }
        }
        rows.iter()
            .zip(&seqs)
            .map(|(row, seq)| self.message_from(row, recipients.remove(seq).unwrap_or_default()))
            .collect()
    }

    async fn link(
        conn: &mut PgConnection,
        case: CaseId,
        account: AccountId,
        membership: Membership,
        now: Timestamp,
    ) -> Result<()> {
        let (kind, relationship) = membership_columns(membership);
        sqlx::query(
            "INSERT INTO case_parties (case_id, account_id, kind, relationship, linked_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, account_id) DO NOTHING",
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
        conn: &mut PgConnection,
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Account> {
        let at_rest = &self.at_rest;
        let row = sqlx::query(
            "INSERT INTO accounts (id, role, service_id, login_index, login, display_name, phone,
                                   password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
        )
        .bind(AccountId::random().as_uuid())
        .bind(role_text(account.role))
        .bind(account.service.map(|s| s.as_uuid()))
        .bind(at_rest.lookup_index(&account.login)?)
        .bind(at_rest.seal("accounts.login", &account.login)?)
        .bind(at_rest.seal("accounts.display_name", &account.display_name)?)
        .bind(at_rest.seal_opt("accounts.phone", account.phone.as_deref())?)
        .bind(&account.password_hash)
        .bind(micros(now))
        .fetch_one(conn)
        .await
        .map_err(conflict("this login is taken"))?;
        self.account_from(&row)
    }
}

#[async_trait]
impl Store for PgStore {
    async fn migrate(&self) -> Result<()> {
        Ok(MIGRATOR.run(&self.pool).await?)
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_service(&self, name: &str, now: Timestamp) -> Result<Service> {
        let id = ServiceId::random();
        sqlx::query("INSERT INTO services (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.as_uuid())
            .bind(self.at_rest.seal("services.name", name)?)
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        Ok(Service {
            id,
            name: name.to_owned(),
        })
    }

    async fn service(&self, id: ServiceId) -> Result<Option<Service>> {
        let query = sqlx::query("SELECT name FROM services WHERE id = $1").bind(id.as_uuid());
        self.optional(query, |r| {
            Ok(Service {
                id,
                name: self.open(r, "services.name")?,
            })
        })
        .await
    }

    async fn create_account(&self, account: &NewAccount, now: Timestamp) -> Result<Account> {
        let mut conn = self.pool.acquire().await?;
        self.insert_account(&mut conn, account, now).await
    }

    async fn account(&self, id: AccountId) -> Result<Option<Account>> {
        let query = sqlx::query("SELECT * FROM accounts WHERE id = $1").bind(id.as_uuid());
        self.optional(query, |r| self.account_from(r)).await
    }

    async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let query = sqlx::query("SELECT id, password_hash FROM accounts WHERE login_index = $1")
            .bind(self.at_rest.lookup_index(login)?);
        self.optional(query, |r| {
            let account = AccountId::from_uuid(r.try_get("id")?);
            Ok(Credentials {
                account,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: &[u8; 32],
        account: AccountId,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_from(token_hash))
        .bind(account.as_uuid())
        .bind(micros(now))
        .bind(micros(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, token: &[u8; 32], now: Timestamp) -> Result<Option<Session>> {
        let query = sqlx::query(
            "SELECT a.*, (SELECT value FROM access_generation) AS access_generation
             FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2",
        )
        .bind(hash_from(token))
        .bind(micros(now));
        self.optional(query, |r| {
            Ok(Session {
                account: self.account_from(r)?,
                access_generation: r.try_get("access_generation")?,
            })
        })
        .await
    }

    async fn end_session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL")
            .bind(micros(now))
            .bind(hash_from(token_hash))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_case(
        &self,
        case: &NewCase,
        creator: AccountId,
        now: Timestamp,
    ) -> Result<Case> {
        let at_rest = &self.at_rest;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO cases (id, service_id, detainee_name, prison_number, institution,
                                legal_situation, expected_release, languages, interpreter_needed,
                                status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
        )
        .bind(CaseId::random().as_uuid())
        .bind(case.service.as_uuid())
        .bind(at_rest.seal("cases.detainee_name", &case.detainee_name)?)
        .bind(at_rest.seal_opt("cases.prison_number", case.prison_number.as_deref())?)
        .bind(&case.institution)
        .bind(situation_text(case.legal_situation))
        .bind(case.expected_release.map(|d| d.to_string()))
        .bind(languages_text(&case.languages))
        .bind(case.interpreter_needed)
        .bind(case_status_text(CaseStatus::Open))
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?;
        let created = self.case_from(&row)?;
        Self::link(&mut tx, created.id, creator, Membership::Worker, now).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn case(&self, id: CaseId) -> Result<Option<Case>> {
        let query = sqlx::query("SELECT * FROM cases WHERE id = $1").bind(id.as_uuid());
        self.optional(query, |r| self.case_from(r)).await
    }

    async fn cases_of(&self, account: AccountId) -> Result<Vec<Case>> {
        let query = sqlx::query(
            "SELECT c.* FROM case_parties p JOIN cases c ON c.id = p.case_id
             WHERE p.account_id = $1 ORDER BY c.created_at DESC, c.id",
        )
        .bind(account.as_uuid());
        self.all(query, |r| self.case_from(r)).await
    }

    async fn assign_worker(&self, case: CaseId, worker: AccountId, now: Timestamp) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        Self::link(&mut conn, case, worker, Membership::Worker, now).await
    }

    async fn membership(&self, case: CaseId, account: AccountId) -> Result<Option<Membership>> {
        let query = sqlx::query(
            "SELECT kind, relationship FROM case_parties WHERE case_id = $1 AND account_id = $2",
        )
        .bind(case.as_uuid())
        .bind(account.as_uuid());
        self.optional(query, membership_of).await
    }

    async fn parties(&self, case: CaseId) -> Result<Vec<Party>> {
        let query = sqlx::query(
            "SELECT account_id, kind, relationship FROM case_parties
             WHERE case_id = $1 ORDER BY linked_at, account_id",
        )
        .bind(case.as_uuid());
        self.all(query, |r| {
            let account = AccountId::from_uuid(r.try_get("account_id")?);
            Ok(Party {
                account,
                membership: membership_of(r)?,
            })
        })
        .await
    }

    async fn create_invitation(&self, invitation: &NewInvitation, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (code_hash, case_id, role, relationship, created_by,
                                      created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(hash_from(&invitation.code_hash))
        .bind(invitation.case.as_uuid())
        .bind(role_text(invitation.role))
        .bind(invitation.relationship.map(relationship_text))
        .bind(invitation.created_by.as_uuid())
        .bind(micros(now))
        .bind(micros(invitation.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_invitation(
        &self,
        code_hash: &[u8; 32],
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<(Account, CaseId)> {
        let mut tx = self.pool.begin().await?;
        // Read, then write: the row lock makes a concurrent redemption of the
        // same code wait for this one, then re-check `used_at` and find none.
        let row = sqlx::query(
            "SELECT case_id, role, relationship, expires_at FROM invitations
             WHERE code_hash = $1 AND used_at IS NULL FOR UPDATE",
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
        sqlx::query("UPDATE invitations SET used_at = $1, used_by = $2 WHERE code_hash = $3")
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
        key: &[u8; 32],
        now: Timestamp,
    ) -> Result<KeyRecord> {
        let mut tx = self.pool.begin().await?;
        // One rotation at a time per account, so two cannot both take the
        // next version. NO KEY UPDATE still lets rows that merely reference
        // the account (sessions, messages) be inserted meanwhile.
        sqlx::query("SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE")
            .bind(account.as_uuid())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let row = sqlx::query(
            "INSERT INTO device_keys (account_id, version, public_key, created_at)
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM device_keys WHERE account_id = $1
             RETURNING *",
        )
        .bind(account.as_uuid())
        .bind(key.as_slice())
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        key_from_row(&row)
    }

    async fn key_history(&self, account: AccountId) -> Result<Vec<KeyRecord>> {
        let query = sqlx::query("SELECT * FROM device_keys WHERE account_id = $1 ORDER BY version")
            .bind(account.as_uuid());
        self.all(query, key_from_row).await
    }

    async fn current_keys(&self, accounts: &[AccountId]) -> Result<Vec<KeyRecord>> {
        let query = sqlx::query(
            "SELECT DISTINCT ON (account_id) * FROM device_keys
             WHERE account_id = ANY($1) ORDER BY account_id, version DESC",
        )
        .bind(uuids(accounts));
        let current: HashMap<_, _> = self
            .all(query, |r| key_from_row(r).map(|k| (k.account, k)))
            .await?
            .into_iter()
            .collect();
        // In the order asked for, as SQLite answers.
        Ok(accounts
            .iter()
            .filter_map(|a| current.get(a).cloned())
            .collect())
    }

    async fn insert_message(&self, message: &NewMessage, now: Timestamp) -> Result<StoredMessage> {
        self.writer.message(message, now).await
    }

    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>> {
        let row = sqlx::query("SELECT * FROM messages WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await?;
        Ok(self.messages_from(row.into_iter().collect()).await?.pop())
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
        // RETURNING gives the row as this update left it, even if another
        // worker moves it again right after.
        let row = sqlx::query(
            "UPDATE messages SET status = $1, hold_reason = $2, in_person = $3, updated_at = $4
             WHERE id = $5 AND status = $6 RETURNING *",
        )
        .bind(status)
        .bind(self.at_rest.seal_opt("messages.hold_reason", reason)?)
        .bind(in_person)
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(from_status)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => self
                .messages_from(vec![row])
                .await?
                .pop()
                .ok_or(StoreError::NotFound),
            None => Err(match self.message(id).await? {
                Some(_) => StoreError::Conflict("the message changed in the meantime"),
                None => StoreError::NotFound,
            }),
        }
    }

    async fn mailbox(
        &self,
        account: AccountId,
        mailbox: Mailbox,
        query: MailboxQuery,
    ) -> Result<Vec<StoredMessage>> {
        let rows = match mailbox {
            Mailbox::Inbox => sqlx::query(
                "SELECT m.* FROM message_recipients r JOIN messages m ON m.seq = r.message_seq
                 WHERE r.account_id = $1 AND m.sender_id != $1
                   AND ($2::uuid IS NULL OR m.case_id = $2)
                   AND ($3::bigint IS NULL OR r.message_seq < $3)
                   AND (NOT $5 OR m.status IN ('delivered', 'read'))
                 ORDER BY r.message_seq DESC LIMIT $4",
            ),
            Mailbox::Outbox => sqlx::query(
                "SELECT m.* FROM messages m
                 WHERE m.sender_id = $1
                   AND ($2::uuid IS NULL OR m.case_id = $2) AND ($3::bigint IS NULL OR m.seq < $3)
                 ORDER BY m.seq DESC LIMIT $4",
            ),
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
        self.messages_from(rows.fetch_all(&self.pool).await?).await
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
                .fetch_optional(&self.pool)
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

/// The column part of a `table.column` label.
fn column(label: &str) -> &str {
    label.split_once('.').map_or(label, |(_, column)| column)
}

/// Turns a unique violation into a `Conflict` that says which rule broke.
fn conflict(message: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| match StoreError::from(error) {
        StoreError::Conflict(_) => StoreError::Conflict(message),
        other => other,
    }
}

fn uuids(accounts: &[AccountId]) -> Vec<Uuid> {
    accounts.iter().map(|a| a.as_uuid()).collect()
}

fn membership_of(row: &PgRow) -> Result<Membership> {
    membership_from(row.try_get("kind")?, row.try_get("relationship")?)
}

fn key_from_row(row: &PgRow) -> Result<KeyRecord> {
    Ok(KeyRecord {
        account: AccountId::from_uuid(row.try_get("account_id")?),
        public_key: key_from(row.try_get("public_key")?)?,
        version: row.try_get("version")?,
        created_at: timestamp(row.try_get("created_at")?)?,
    })
}

/// A message row (selected with `*`) as the domain's message.
fn message_row(key: &AtRest, row: &PgRow, recipients: Vec<AccountId>) -> Result<StoredMessage> {
    let reason = key.open_opt(
        "messages.hold_reason",
        row.try_get(column("messages.hold_reason"))?,
    )?;
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
