//! WAL checkpoints off the commit path. By default SQLite checkpoints
//! inside the commit that takes the WAL past 1,000 pages: that commit then
//! also copies the pages into the database file and waits for its flush,
//! and every message in its group waits with it. The writer connection
//! turns that off (`wal_autocheckpoint = 0`) and this task checkpoints
//! from a connection of its own, `PASSIVE` (it never waits for, nor
//! blocks, the writer or a reader), a few times a second. Durability does
//! not depend on it: a commit is on disk once the WAL is flushed.

use std::sync::Weak;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, SqliteConnection};

/// How often the WAL is copied back into the database file.
const EVERY: Duration = Duration::from_millis(250);

/// Checkpoints the database of `options` until `store` is gone.
pub(super) fn spawn(options: SqliteConnectOptions, store: Weak<()>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut connection: Option<SqliteConnection> = None;
        loop {
            ticks.tick().await;
            if store.upgrade().is_none() {
                break;
            }
            let conn = match connection.as_mut() {
                Some(conn) => conn,
                None => match options.connect().await {
                    Ok(conn) => connection.insert(conn),
                    Err(error) => {
                        tracing::warn!(%error, "cannot open the checkpoint connection");
                        continue;
                    }
                },
            };
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut *conn)
                .await
            {
                tracing::warn!(%error, "a WAL checkpoint failed");
                connection = None;
            }
        }
        if let Some(conn) = connection {
            let _ = conn.close().await;
        }
    });
}
