//! Fresh stores for each test, one per engine.

use std::sync::Arc;
use std::time::Duration;

use passerelle_store::postgres::PgStore;
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::{AtRest, Store};
use sqlx::{Connection, PgConnection};

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

pub fn key() -> AtRest {
    AtRest::new(&[42; 32])
}

pub async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("passerelle.db"), key())
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
    let name = format!("passerelle_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(server_url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_URL} is set but the server cannot be reached: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    admin.close().await.unwrap();
    // From here on the database exists: the guard drops it even if a step
    // below panics.
    let database = TestDatabase {
        server_url: server_url.to_owned(),
        name,
    };
    let store = PgStore::connect(&with_database(server_url, &database.name), key())
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test database {}: {e}", database.name));
    store.migrate().await.unwrap();
    Backend {
        name: "postgres",
        store: Arc::new(store),
        _dir: None,
        _database: Some(database),
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

/// `url` with its path (the database name) replaced by `database`, keeping
/// user, password, host, port and query parameters.
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("{POSTGRES_URL} is not a URL"));
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = before_query
        .split_once('/')
        .map_or(before_query, |(authority, _)| authority);
    let mut out = format!("{scheme}://{authority}/{database}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A database created for one test and dropped after it.
struct TestDatabase {
    server_url: String,
    name: String,
}

impl Drop for TestDatabase {
    /// `Drop` cannot await, and blocking on the test's own runtime could
    /// deadlock it, so the `DROP DATABASE` runs on a thread with a runtime
    /// of its own, which this one joins: the test thread waits (briefly)
    /// but never for anything it would have to drive itself. `WITH (FORCE)`
    /// ends the store's pooled connections, which close in the background.
    /// Never panics (a panic while unwinding would abort the whole suite);
    /// a failure is reported and leaves the database behind.
    fn drop(&mut self) {
        let url = self.server_url.clone();
        let sql = format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name);
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let drop = async {
                    let mut admin = PgConnection::connect(&url).await?;
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await?;
                    admin.close().await
                };
                match tokio::time::timeout(Duration::from_secs(30), drop).await {
                    Ok(result) => result.map_err(|e| e.to_string()),
                    Err(_) => Err("timed out".to_owned()),
                }
            })
        })
        .join();
        let error = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e,
            Err(_) => "the cleanup thread panicked".to_owned(),
        };
        eprintln!(
            "warning: test database {} was not dropped: {error}",
            self.name
        );
    }
}

#[test]
fn the_database_is_replaced_and_the_rest_kept() {
    assert_eq!(
        with_database("postgres://u:p%2Fw@h:5433/postgres?sslmode=disable", "t"),
        "postgres://u:p%2Fw@h:5433/t?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "t"), "postgres://h/t");
    assert_eq!(
        with_database("postgresql://h/?application_name=x", "t"),
        "postgresql://h/t?application_name=x"
    );
}
