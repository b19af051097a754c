//! `passerelle demo`: a whole exchange on a throw-away server, told for a
//! newcomer. A mother writes to her son, who is detained and has no device;
//! the social worker reads it to him during a visit and writes down his
//! answer; the mother reads it. Then the demo opens the database file to
//! show what the server kept: envelopes it cannot read, and no plaintext.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail, ensure};
use passerelle::client::{
    Client, Invitee, Join, Mailbox, MailboxQuery, NewCase, Party, membership_text, seal_message,
    status_text,
};
use passerelle_crypto::SecretKey;
use passerelle_domain::{AccountId, ConsentMethod, LegalSituation, Relationship, Role, Scope};
use passerelle_server::{AppState, Limits, SystemClock};
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::{AtRest, NewAccount, Store};
use sqlx::Row as _;

const PASSWORD: &str = "demo password, not for real use";
const TO_SON: &str = "Bonjour mon fils… Nous pensons fort à toi. Inès et moi venons te voir samedi. Je t'embrasse, Maman";
const TO_MOTHER: &str = "Merci maman. Dis à Inès que j'ai hâte de vous voir samedi. Karim";
/// Names the server keeps encrypted at rest: they should not appear either.
const NAMES: [&str; 3] = ["Karim Benali", "Nadia Benali", "Sophie Martin"];

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("passerelle-demo-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run() -> anyhow::Result<()> {
    let dir = TempDir::new()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(demo(&dir.0))
}

async fn demo(dir: &Path) -> anyhow::Result<()> {
    let database = dir.join("passerelle.db");
    let mut master = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(master.as_mut_slice()).context("no randomness")?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&database, AtRest::new(&master)).await?);
    store.migrate().await?;
    let now = jiff::Timestamp::now();
    let service = store
        .create_service("Service d'aide aux justiciables", now)
        .await?;
    let coordinator = NewAccount {
        role: Role::Coordinator,
        service: Some(service.id),
        login: "claire".into(),
        display_name: "Claire Dubois".into(),
        phone: None,
        password_hash: passerelle_server::hash_password(PASSWORD.into()).await?,
    };
    store.create_account(&coordinator, now).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(store, Arc::new(SystemClock), Limits::default());
    let server = tokio::spawn(passerelle_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    println!("Passerelle demo: a throw-away server at {url}, its database in a temporary folder.");
    let played = play(&url).await;
    let _ = stop.send(());
    server.await??;
    let plaintexts = played?;
    println!(
        "\nThe server has stopped. Here is what it stored, read straight from its database file:"
    );
    show_database(dir, &database, &plaintexts).await
}

/// Fresh key for a person's device (kept in memory for the demo; the
/// command line keeps it in a profile, wrapped under a passphrase).
fn device_key() -> anyhow::Result<SecretKey> {
    Ok(SecretKey::generate()?)
}

fn join(code: String, login: &str, name: &str) -> Join {
    Join {
        code,
        login: login.into(),
        password: PASSWORD.into(),
        display_name: name.into(),
        phone: None,
    }
}

fn name(parties: &[Party], id: AccountId) -> String {
    parties
        .iter()
        .find(|p| p.account == id)
        .map_or_else(|| id.to_string(), |p| p.display_name.clone())
}

fn names(parties: &[Party], ids: &[AccountId]) -> String {
    ids.iter()
        .map(|id| name(parties, *id))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The exchange, through the client library only. Returns the plaintexts.
async fn play(url: &str) -> anyhow::Result<Vec<&'static str>> {
    println!("\nSetting up");
    let mut claire = Client::new(url)?;
    claire.login("claire", PASSWORD).await?;
    let case = claire
        .open_case(&NewCase {
            detainee_name: "Karim Benali".into(),
            prison_number: None,
            institution: "Prison de Haren".into(),
            legal_situation: LegalSituation::Charged,
            expected_release: None,
            languages: vec!["fr".into(), "ar".into()],
            interpreter_needed: false,
        })
        .await?
        .id;
    let sophie_account = claire
        .create_staff(Role::Worker, "sophie", PASSWORD, "Sophie Martin")
        .await?;
    claire.assign_worker(case, sophie_account.id).await?;
    println!(
        "  Claire (coordinator) opens a case for Karim Benali and assigns Sophie Martin, social worker."
    );
    let mother_code = claire
        .invite(case, Invitee::Relative(Relationship::Parent))
        .await?
        .code;
    let karim_code = claire.invite(case, Invitee::Detainee).await?.code;
    let anonymous = Client::new(url)?;
    let karim = anonymous
        .redeem(&join(karim_code, "karim", "Karim Benali"))
        .await?
        .account
        .id;
    println!("  Karim gets an account with his own invitation, but he has no device: no key.");
    let nadia_account = anonymous
        .redeem(&join(mother_code, "nadia", "Nadia Benali"))
        .await?
        .account;
    claire
        .grant_consent(
            case,
            nadia_account.id,
            &[Scope::Messages, Scope::Visits],
            ConsentMethod::InPerson,
        )
        .await?;
    println!(
        "  During a visit Karim agrees, in person, that his mother may exchange messages and ask for visits; Claire records it."
    );
    let mut nadia = Client::new(url)?;
    nadia.login("nadia", PASSWORD).await?;
    let nadia_key = device_key()?;
    nadia.register_key(&nadia_key.public_key()).await?;
    let mut sophie = Client::new(url)?;
    sophie.login("sophie", PASSWORD).await?;
    let sophie_key = device_key()?;
    sophie.register_key(&sophie_key.public_key()).await?;
    println!(
        "  Nadia, his mother, joins with her code. She and Sophie each make a key on their device;"
    );
    println!("  the server only receives the public halves:");
    for party in sophie.parties(case).await? {
        let key = party.key.map_or("no key".to_owned(), |k| {
            format!("key v{}, fingerprint {}", k.version, k.fingerprint)
        });
        println!(
            "    {:<14} {:<19} {key}",
            party.display_name,
            membership_text(&party.membership)
        );
    }

    println!("\n(1) Nadia writes to her son");
    let parties = nadia.parties(case).await?;
    let outgoing = seal_message(
        &nadia_key,
        case,
        &parties,
        &[karim],
        TO_SON.as_bytes(),
        None,
    )?;
    let sent = nadia.send_message(&outgoing).await?;
    println!("  Nadia types: \"{TO_SON}\"");
    println!(
        "  Her phone seals it for {}: Karim has no key, so a worker will read it to him.",
        names(&parties, &outgoing.readers)
    );
    println!(
        "  The server receives {} bytes it cannot open and files them as \"{}\".",
        outgoing.envelope.len(),
        status_text(&sent.status)
    );

    println!("\n(2) Sophie delivers it in person");
    let parties = sophie.parties(case).await?;
    let inbox = sophie
        .mailbox(&MailboxQuery {
            case: Some(case),
            ..Default::default()
        })
        .await?;
    let first = inbox
        .items
        .into_iter()
        .find(|m| m.id == sent.id)
        .context("Sophie's inbox lacks the message")?;
    let opened = sophie.open_message(&sophie_key, first, &parties).await?;
    println!(
        "  Sophie's inbox: a message from {}, sender key v{} checked.",
        opened.sender_name, opened.key_version
    );
    println!("  She opens it on her computer: \"{}\"", opened.text());
    let delivered = sophie.deliver_in_person(sent.id).await?;
    let after = sophie.mark_read(sent.id).await?;
    println!(
        "  During her visit she reads it to Karim and records it: \"{}\", then \"{}\".",
        status_text(&delivered.status),
        status_text(&after.status)
    );
    let outbox = nadia
        .mailbox(&MailboxQuery {
            mailbox: Mailbox::Outbox,
            ..Default::default()
        })
        .await?;
    let seen = outbox
        .items
        .first()
        .map(|m| status_text(&m.status))
        .unwrap_or_default();
    println!("  Nadia's outbox shows her message as \"{seen}\".");

    println!("\n(3) Karim answers; Sophie writes it down for him");
    let mother = nadia_account.id;
    let reply = seal_message(
        &sophie_key,
        case,
        &parties,
        &[mother],
        TO_MOTHER.as_bytes(),
        Some(karim),
    )?;
    let answer = sophie.send_message(&reply).await?;
    println!("  Sophie types Karim's words, sent on behalf of Karim: \"{TO_MOTHER}\"");
    println!(
        "  Sealed for {}; a worker's message needs no relay: \"{}\".",
        names(&parties, &reply.readers),
        status_text(&answer.status)
    );

    println!("\n(4) Nadia reads the answer");
    let parties = nadia.parties(case).await?;
    let inbox = nadia.mailbox(&MailboxQuery::default()).await?;
    let item = inbox
        .items
        .into_iter()
        .find(|m| m.id == answer.id)
        .context("Nadia's inbox lacks the answer")?;
    let opened = nadia.open_message(&nadia_key, item, &parties).await?;
    let behalf = opened.on_behalf_of_name.clone().unwrap_or_default();
    println!(
        "  Nadia's inbox: from {} on behalf of {behalf}, sender key v{} checked.",
        opened.sender_name, opened.key_version
    );
    println!("  Her phone opens it: \"{}\"", opened.text());
    let done = nadia.mark_read(answer.id).await?;
    println!(
        "  She has read it: the server now says \"{}\".",
        status_text(&done.status)
    );
    ensure!(opened.text() == TO_MOTHER, "the answer did not round-trip");
    for client in [&mut claire, &mut sophie, &mut nadia] {
        client.logout().await?;
    }
    Ok(vec![TO_SON, TO_MOTHER])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Dumps the `messages` table and searches every database file for the
/// plaintexts.
async fn show_database(dir: &Path, database: &Path, plaintexts: &[&str]) -> anyhow::Result<()> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(database);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    // Everything into the main file, so that the search below sees it all.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await?;
    let rows = sqlx::query("SELECT id, case_id, status, envelope FROM messages ORDER BY seq")
        .fetch_all(&pool)
        .await?;
    println!(
        "  id                                    status     bytes  envelope, first 32 bytes (hex)"
    );
    for row in &rows {
        let id: uuid::Uuid = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let envelope: Vec<u8> = row.try_get("envelope")?;
        let head = &envelope[..envelope.len().min(32)];
        println!("  {id}  {status:<9} {:>6}  {}", envelope.len(), hex(head));
        let case: uuid::Uuid = row.try_get("case_id")?;
        ensure!(
            envelope.get(22..38) == Some(case.as_bytes().as_slice()),
            "envelope and case disagree"
        );
    }
    pool.close().await;
    println!("  Each envelope starts with \"PSRL\" (50 53 52 4c), version 01, type 01 (message),");
    println!("  then the message id and the case id: routing data only. The words are sealed.");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        files.push(std::fs::read(entry?.path())?);
    }
    let found = |needle: &[u8]| {
        files
            .iter()
            .any(|f| f.windows(needle.len()).any(|w| w == needle))
    };
    let searched: usize = files.iter().map(Vec::len).sum();
    ensure!(
        searched > 0 && rows.len() == plaintexts.len(),
        "nothing to search"
    );
    for text in plaintexts {
        // The whole text, and its first 16 bytes in case it were cut up.
        let start = text.as_bytes().get(..16).unwrap_or_default();
        if found(text.as_bytes()) || found(start) {
            bail!("PLAINTEXT FOUND in the database: {text:?}");
        }
    }
    println!(
        "No plaintext in the database: neither message (nor its first 16 bytes) appears in {searched} bytes of database files."
    );
    let in_clear: Vec<&str> = NAMES.into_iter().filter(|n| found(n.as_bytes())).collect();
    if in_clear.is_empty() {
        println!(
            "Nor are the names there in clear: the server encrypts them at rest with its own key."
        );
    } else {
        println!("Names stored in clear: {}.", in_clear.join(", "));
    }
    Ok(())
}
