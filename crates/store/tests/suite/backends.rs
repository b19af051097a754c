//! Fresh stores for each test, one per engine.

use std::sync::Arc;

use passerelle_store::postgres::PgStore;
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::testing::TestDatabase;
use passerelle_store::{AtRest, Store};

/// Set to a server URL (`postgres://postgres@127.0.0.1:5432/postgres`) to
/// run the suite on PostgreSQL too; the role must be allowed to create
/// databases.
const POSTGRES_URL: &str = "PASSERELLE_TEST_POSTGRES_URL";

/// A store and whatever must live as long as it (a temporary directory, a
/// temporary database). Fields drop in order: the store before its database.
pub struct Backend {
    pub name: &'static str,
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    _database: Option<TestDatabase>,
}

impl Backend {
    /// The database file, on SQLite.
    pub fn path(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|d| d.path().join(SQLITE_FILE))
    }
}

const SQLITE_FILE: &str = "passerelle.db";

pub fn key() -> AtRest {
    AtRest::new(&[42; 32])
}

pub async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join(SQLITE_FILE), key())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Backend {
        name: "sqlite",
        store: Arc::new(store),
        _dir: Some(dir),
        _database: None,
    }
}

/// A store on a database of its own, created on the server at `server_url`
/// and dropped with the backend. Panics if anything fails: a suite asked to
/// run on PostgreSQL must not quietly run on SQLite alone.
pub async fn postgres(server_url: &str) -> Backend {
    let database = TestDatabase::create(server_url, "passerelle_test")
        .await
        .unwrap_or_else(|e| {
            panic!("{POSTGRES_URL} is set but no test database could be made: {e}")
        });
    let store = PgStore::connect(&database.url, key())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot connect to the test database {}: {e}",
                database.name()
            )
        });
    store.migrate().await.unwrap();
    Backend {
        name: "postgres",
        store: Arc::new(store),
        _dir: None,
        _database: Some(database),
    }
}

impl Backend {
    /// Another store on the same database, as a second `passerelle serve`
    /// would open it; `None` on SQLite, whose file has one writer anyway.
    pub async fn second_handle(&self) -> Option<Arc<dyn Store>> {
        let database = self._database.as_ref()?;
        let store = PgStore::connect(&database.url, key()).await.unwrap();
        Some(Arc::new(store))
    }
}

/// Every engine available here: SQLite always, PostgreSQL when
/// `PASSERELLE_TEST_POSTGRES_URL` is set.
pub async fn all() -> Vec<Backend> {
    let mut backends = vec![sqlite().await];
    match std::env::var(POSTGRES_URL) {
        Ok(url) if url.trim().is_empty() => {
            panic!("{POSTGRES_URL} is set but empty; unset it to skip PostgreSQL")
        }
        Ok(url) => backends.push(postgres(url.trim()).await),
        Err(std::env::VarError::NotPresent) => {}
        Err(e) => panic!("{POSTGRES_URL}: {e}"),
    }
    backends
}
