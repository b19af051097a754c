//! The stores a test server runs on: SQLite always, in a temporary
//! directory; PostgreSQL when `PASSERELLE_TEST_POSTGRES_URL` is set, in a
//! database of its own created for the test and dropped after it.

use std::path::PathBuf;
use std::sync::Arc;

use passerelle_store::bus::{Bus, LocalBus, PgBus};
use passerelle_store::postgres::PgStore;
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::testing::TestDatabase;
use passerelle_store::{AtRest, Store};

/// Set to a server URL (`postgres://postgres@127.0.0.1:5432/postgres`) to
/// run every scenario on PostgreSQL too; the role must create databases.
pub const POSTGRES_URL: &str = "PASSERELLE_TEST_POSTGRES_URL";

/// A migrated store and what must outlive it. Fields drop in order: the
/// store before its directory or database.
pub struct Backend {
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The SQLite database file, to look inside it.
    pub sqlite_file: Option<PathBuf>,
    /// Live events: in-process for SQLite, LISTEN/NOTIFY for PostgreSQL, as
    /// `passerelle serve` chooses.
    pub bus: Arc<dyn Bus>,
    /// The PostgreSQL database's URL, for a second instance on it.
    postgres_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
    _database: Option<TestDatabase>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The data-at-rest key of every test store.
pub fn at_rest() -> AtRest {
    AtRest::new(&[42; 32])
}

/// A fresh SQLite store in a temporary directory.
pub async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("passerelle.db");
    let store = SqliteStore::open(&file, at_rest()).await.unwrap();
    store.migrate().await.unwrap();
    Backend {
        name: "sqlite",
        store: Arc::new(store),
        sqlite_file: Some(file),
        bus: Arc::new(LocalBus::default()),
        postgres_url: None,
        _dir: Some(dir),
        _database: None,
    }
}

/// A fresh PostgreSQL store in a new database on the server at
/// `server_url`. Panics when anything fails: a suite asked to run on
/// PostgreSQL must not quietly run on SQLite alone.
pub async fn postgres(server_url: &str) -> Backend {
    let database = TestDatabase::create(server_url, "passerelle_e2e")
        .await
        .unwrap_or_else(|e| {
            panic!("{POSTGRES_URL} is set but no test database could be made: {e}")
        });
    let mut backend = instance(&database.url).await;
    backend.store.migrate().await.unwrap();
    backend._database = Some(database);
    backend
}

/// A store and a LISTEN/NOTIFY bus on an existing PostgreSQL database.
async fn instance(url: &str) -> Backend {
    let store = PgStore::connect(url, at_rest())
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test database: {e}"));
    let bus = PgBus::start(store.pool().clone()).await.unwrap();
    Backend {
        name: "postgres",
        store: Arc::new(store),
        sqlite_file: None,
        bus: Arc::new(bus),
        postgres_url: Some(url.to_owned()),
        _dir: None,
        _database: None,
    }
}

impl Backend {
    /// The URL `passerelle` commands take for this database.
    pub fn database_url(&self) -> String {
        match (&self.sqlite_file, &self.postgres_url) {
            (Some(file), _) => format!("sqlite://{}", file.display()),
            (None, Some(url)) => url.clone(),
            (None, None) => unreachable!("a backend is SQLite or PostgreSQL"),
        }
    }

    /// Another instance on the same PostgreSQL database, as a second
    /// `passerelle serve` would be; `None` on SQLite, which has one.
    pub async fn second_instance(&self) -> Option<Backend> {
        match &self.postgres_url {
            Some(url) => Some(instance(url).await),
            None => None,
        }
    }
}

/// Every engine to run on here: SQLite always, PostgreSQL when
/// `PASSERELLE_TEST_POSTGRES_URL` is set.
pub async fn backends() -> Vec<Backend> {
    let mut all = vec![sqlite().await];
    match std::env::var(POSTGRES_URL) {
        Ok(url) if url.trim().is_empty() => {
            panic!("{POSTGRES_URL} is set but empty; unset it to skip PostgreSQL")
        }
        Ok(url) => all.push(postgres(url.trim()).await),
        Err(std::env::VarError::NotPresent) => {}
        Err(e) => panic!("{POSTGRES_URL}: {e}"),
    }
    all
}
