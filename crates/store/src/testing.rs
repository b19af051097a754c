//! Throwaway PostgreSQL databases for test suites (feature `testing`): each
//! test gets a database of its own, dropped when the guard is.

use std::time::Duration;

use sqlx::{Connection, PgConnection};

/// A database created on a server for one test, dropped with this guard.
#[derive(Debug)]
pub struct TestDatabase {
    server_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl TestDatabase {
    /// Creates `<prefix>_<random>` on the server at `server_url`.
    pub async fn create(server_url: &str, prefix: &str) -> Result<Self, sqlx::Error> {
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(server_url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(Self {
            url: with_database(server_url, &name),
            server_url: server_url.to_owned(),
            name,
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    /// `Drop` cannot await, and blocking on the test's own runtime could
    /// deadlock it, so the `DROP DATABASE` runs on a thread with a runtime
    /// of its own, which this one joins. `WITH (FORCE)` ends the pooled
    /// connections still open. Never panics (a panic while unwinding would
    /// abort the suite); a failure is reported and leaves the database.
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

/// `url` with its path (the database name) replaced by `database`, keeping
/// user, password, host, port and query parameters.
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = before_query
        .split_once('/')
        .map_or(before_query, |(authority, _)| authority);
    match query {
        Some(query) => format!("{scheme}://{authority}/{database}?{query}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

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
}
