//! SQLite only: the writer never checkpoints inside a commit, so something
//! else must, or the WAL would grow without end and the database file
//! would never hold what was written.

use std::time::{Duration, Instant};

use crate::backends;
use crate::contract::{case_with_worker, now, numbered_message};

#[tokio::test]
async fn what_is_committed_reaches_the_database_file_without_more_writes() {
    let b = backends::sqlite().await;
    let path = b.path().expect("a SQLite backend has a file");
    let (case, worker) = case_with_worker(&*b.store).await;
    let before = std::fs::metadata(&path).unwrap().len();

    // 2,000 envelopes of 4 KiB: about 2,000 pages, twice the WAL size at
    // which SQLite would checkpoint by itself.
    let mut tasks = Vec::new();
    for i in 0..2_000u32 {
        let store = b.store.clone();
        tasks.push(tokio::spawn(async move {
            let message = numbered_message(case.id, worker.id, i, vec![0x5a; 4096]);
            store.insert_message(&message, now()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    let wanted = before + 2_000 * 4096;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let size = std::fs::metadata(&path).unwrap().len();
        if size >= wanted {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the database file is {size} bytes ten seconds after the writes; \
             at least {wanted} were expected once checkpointed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
