//! Exactly-once reminders with the real binary: a server killed with
//! SIGKILL while it delivers thousands of due reminders, then restarted;
//! three servers on one PostgreSQL database delivering together. Each
//! reminder must end with exactly one notification: none lost, none twice.
//! And the pump works on instants, right across daylight-saving switches.

mod dst;
mod process;

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use crate::support::backend::{self, POSTGRES_URL, backends};
use process::Db;

/// Enough due reminders that delivering them takes several transactions.
const DUE: usize = 10_000;
/// What the three instances share.
const SHARED: usize = 6_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_delivering_delivers_each_reminder_once_after_restart() {
    for backend in backends().await {
        let name = backend.name;
        let dir = tempfile::tempdir().unwrap();
        let keys = process::keys_dir(dir.path());
        let account = process::account(&*backend.store).await;
        let due_at = Timestamp::now() - SignedDuration::from_mins(5);
        process::seed(&*backend.store, account, DUE, due_at).await;
        let db = Db::open(&backend).await;
        let url = backend.database_url();

        // The start-up catch-up delivers batch after batch; kill the server
        // as soon as the first batch is committed, while the next ones run.
        let (first, _) = process::spawn(dir.path(), &keys, &url, "first");
        let deadline = Instant::now() + Duration::from_secs(60);
        while db.delivered().await == 0 {
            assert!(
                Instant::now() < deadline,
                "[{name}] nothing delivered within 60 s: {}",
                first.log()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        first.kill().await;
        let delivered = db.delivered().await;
        assert!(
            0 < delivered && delivered < DUE as i64,
            "[{name}] killed mid-way: {delivered} of {DUE} delivered"
        );
        db.assert_each_delivered_once(&format!("[{name}] after the kill"))
            .await;

        let second = process::serve(dir.path(), &keys, &url, "second").await;
        let mut servers = [second];
        db.wait_until_none_pending(Duration::from_secs(60), &mut servers)
            .await;
        assert_eq!(db.delivered().await, DUE as i64, "[{name}] none lost");
        db.assert_each_delivered_once(&format!("[{name}] after the restart"))
            .await;
        for server in servers {
            server.kill().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_on_one_postgres_deliver_each_reminder_once() {
    let Ok(url) = std::env::var(POSTGRES_URL) else {
        eprintln!("{POSTGRES_URL} is not set: three instances need PostgreSQL");
        return;
    };
    let backend = backend::postgres(url.trim()).await;
    let dir = tempfile::tempdir().unwrap();
    let keys = process::keys_dir(dir.path());
    let account = process::account(&*backend.store).await;
    let db = Db::open(&backend).await;
    let url = backend.database_url();
    let mut servers = Vec::new();
    for name in ["one", "two", "three"] {
        servers.push(process::serve(dir.path(), &keys, &url, name).await);
    }
    // Due now: the three pumps, each waking every second, claim together.
    process::seed(&*backend.store, account, SHARED, Timestamp::now()).await;
    db.wait_until_none_pending(Duration::from_secs(30), &mut servers)
        .await;
    assert_eq!(db.delivered().await, SHARED as i64, "none lost");
    db.assert_each_delivered_once("three instances").await;
    for server in servers {
        server.kill().await;
    }
}
