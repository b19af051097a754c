//! `serve`, `migrate` and `admin`: running the relay service.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use passerelle_domain::Role;
use passerelle_server::{AppState, Limits, SystemClock};
use passerelle_store::audit::{AuditFilter, ChainCheck};
use passerelle_store::bus::{Bus, LocalBus, PgBus};
use passerelle_store::postgres::PgStore;
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::{AtRest, NewAccount, Store};

/// Where the service keeps its data: from flags or `PASSERELLE_*` variables.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs {
    /// `sqlite://PATH` (the default, created on first start) or `postgres://…`.
    #[arg(
        long,
        env = "PASSERELLE_DATABASE_URL",
        default_value = "sqlite://data/passerelle.db"
    )]
    pub database_url: DatabaseUrl,
    /// The folder holding the server's own keys (created on first start).
    #[arg(long, env = "PASSERELLE_KEYS_DIR", default_value = "keys")]
    pub keys_dir: PathBuf,
}

/// A database URL whose password never reaches a log or `Debug` output.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.starts_with("sqlite:")
            || s.starts_with("postgres://")
            || s.starts_with("postgresql://")
        {
            Ok(Self(s.to_owned()))
        } else {
            Err("use sqlite://PATH or postgres://…".to_owned())
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.split_once("://") {
            Some((scheme, _)) => write!(f, "DatabaseUrl({scheme}://…)"),
            None => f.write_str("DatabaseUrl(…)"),
        }
    }
}

/// Creates a folder readable by its owner only (the database and the keys
/// live in such folders).
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Reads a 32-byte key from `dir/name`, creating it (owner-only) if absent.
fn key_file(dir: &Path, name: &str) -> anyhow::Result<zeroize::Zeroizing<[u8; 32]>> {
    let path = dir.join(name);
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let bytes = zeroize::Zeroizing::new(bytes);
            if bytes.len() != 32 {
                anyhow::bail!("{} must hold exactly 32 bytes", path.display());
            }
            key.copy_from_slice(&bytes);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_private_dir(dir)?;
            getrandom::fill(key.as_mut_slice()).context("no randomness for a new key")?;
            super::io::write_secret_bytes(&path, key.as_slice())?;
            tracing::info!(file = %path.display(), "created a new server key");
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    Ok(key)
}

/// The data-at-rest key, with the audit chain keyed by the checkpoint key.
fn server_keys(args: &ServiceArgs) -> anyhow::Result<AtRest> {
    let checkpoint = key_file(&args.keys_dir, "audit-checkpoint.key")?;
    Ok(AtRest::new(&*key_file(&args.keys_dir, "data-at-rest.key")?).with_audit_key(&checkpoint))
}

/// `passerelle audit verify`: walks the whole chain in order.
pub async fn verify_audit(args: ServiceArgs) -> anyhow::Result<()> {
    let store = open_store(&args).await?;
    store.migrate().await.context("migrations failed")?;
    let key = server_keys(&args)?;
    let checkpoint = super::checkpoint::read(&args.keys_dir, &key)?;
    let mut check = ChainCheck::default();
    let mut digest_at_checkpoint = None;
    loop {
        let page = store
            .audit_trail(AuditFilter::All, check.seq, 5_000)
            .await
            .context("cannot read the audit trail")?;
        if page.is_empty() {
            break;
        }
        for record in &page {
            check.next(&key, record)?;
            if checkpoint.is_some_and(|c| c.seq == record.seq) {
                digest_at_checkpoint = Some(record.hash);
            }
        }
    }
    match checkpoint {
        Some(checkpoint) => checkpoint.confirm(&check, digest_at_checkpoint)?,
        None => println!(
            "No audit checkpoint in {} yet: rows cut from the end of the trail could not be told apart from a shorter trail.",
            args.keys_dir.display()
        ),
    }
    println!(
        "The audit trail is intact: {} rows, last row {} with digest {}.",
        check.rows,
        check.seq,
        hex::encode(check.head)
    );
    Ok(())
}

/// `passerelle audit checkpoint`: records the chain's head now.
pub async fn checkpoint_audit(args: ServiceArgs) -> anyhow::Result<()> {
    let store = open_store(&args).await?;
    store.migrate().await.context("migrations failed")?;
    let key = server_keys(&args)?;
    super::checkpoint::take(&*store, &args.keys_dir, &key).await?;
    let (seq, _) = store.audit_head().await?;
    println!("The audit checkpoint is at row {seq}.");
    Ok(())
}

/// Opens the store the arguments name, creating what a first start needs.
pub async fn open_store(args: &ServiceArgs) -> anyhow::Result<Arc<dyn Store>> {
    Ok(open_store_and_bus(args).await?.0)
}

/// The store, and the event bus that matches it: in-process for SQLite,
/// LISTEN/NOTIFY for PostgreSQL so that instances hear each other.
pub async fn open_store_and_bus(
    args: &ServiceArgs,
) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn Bus>)> {
    let at_rest = server_keys(args)?;
    let url = &args.database_url.0;
    if url.starts_with("sqlite:") {
        let path = passerelle_store::sqlite::path_from_url(url);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent)?;
        }
        let store = SqliteStore::open(path, at_rest)
            .await
            .context("cannot open the SQLite database")?;
        Ok((Arc::new(store), Arc::new(LocalBus::default())))
    } else {
        let store = PgStore::connect(url, at_rest)
            .await
            .context("cannot connect to PostgreSQL")?;
        let bus = PgBus::start(store.pool().clone())
            .await
            .context("cannot listen for events")?;
        Ok((Arc::new(store), Arc::new(bus)))
    }
}

pub async fn serve(
    args: ServiceArgs,
    listen: std::net::SocketAddr,
    audit: bool,
    reminder_interval: std::time::Duration,
) -> anyhow::Result<()> {
    let (store, bus) = open_store_and_bus(&args).await?;
    store.migrate().await.context("migrations failed")?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    println!("Passerelle is serving on http://{address}");
    tracing::info!(%address, database = ?args.database_url, "serving");
    let mut state = AppState::new(store, Arc::new(SystemClock), Limits::default()).with_bus(bus);
    if !audit {
        tracing::warn!("serving WITHOUT an audit trail: no access is recorded");
        state = state.without_audit();
    }
    let checkpoints = super::checkpoint::spawn(
        state.store.clone(),
        args.keys_dir.clone(),
        server_keys(&args)?,
        std::time::Duration::from_secs(60),
    );
    let mut reminders = passerelle_server::start_reminders(state.clone(), reminder_interval)
        .await
        .context("the reminder scheduler did not start")?;
    let state_store = state.store.clone();
    passerelle_server::serve(listener, state, shutdown_signal()).await?;
    if let Err(error) = reminders.shutdown().await {
        tracing::warn!(%error, "the reminder scheduler did not stop cleanly");
    }
    checkpoints.abort();
    // The last word: the head as the server leaves it.
    super::checkpoint::take(&*state_store, &args.keys_dir, &server_keys(&args)?)
        .await
        .context("could not write the audit checkpoint")?;
    tracing::info!("stopped; every acknowledged request was completed");
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

pub async fn migrate(args: ServiceArgs) -> anyhow::Result<()> {
    let store = open_store(&args).await?;
    store.migrate().await.context("migrations failed")?;
    println!("The database is up to date.");
    Ok(())
}

pub async fn create_coordinator(
    args: ServiceArgs,
    service_name: &str,
    login: &str,
    display_name: &str,
) -> anyhow::Result<()> {
    let password = super::io::new_password("PASSERELLE_ADMIN_PASSWORD")?;
    let store = open_store(&args).await?;
    store.migrate().await.context("migrations failed")?;
    let now = jiff::Timestamp::now();
    let password_hash = passerelle_server::hash_password(password.to_string()).await?;
    let service = store.create_service(service_name, now).await?;
    let account = NewAccount {
        role: Role::Coordinator,
        service: Some(service.id),
        login: login.to_owned(),
        display_name: display_name.to_owned(),
        phone: None,
        password_hash,
    };
    let created = store
        .create_account(&account, now)
        .await
        .with_context(|| format!("cannot create the coordinator {login:?}"))?;
    println!(
        "Coordinator {} created for the service {} ({}).",
        created.login, service.name, service.id
    );
    Ok(())
}
