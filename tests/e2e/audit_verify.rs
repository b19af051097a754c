//! `passerelle audit verify` against a database tampered with directly:
//! an edited, a deleted and a reordered row are each caught, on every
//! engine, and an intact chain passes.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use passerelle_domain::policy::Denial;
use passerelle_domain::{AccountId, CaseId, Scope};
use passerelle_store::audit::{AuditEntry, Outcome};
use passerelle_store::postgres::PgStore;
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::{AtRest, Store};

use crate::support::backend::Backend;
use crate::support::backends;

const DATA_KEY: [u8; 32] = [42; 32];
const CHECKPOINT_KEY: [u8; 32] = [7; 32];

/// The keys `passerelle` reads from `dir`, as the server would have them.
fn write_keys(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("data-at-rest.key"), DATA_KEY).unwrap();
    std::fs::write(dir.join("audit-checkpoint.key"), CHECKPOINT_KEY).unwrap();
}

/// A store on the backend's database keyed as `passerelle serve` keys it.
async fn keyed(backend: &Backend) -> Arc<dyn Store> {
    let key = AtRest::new(&DATA_KEY).with_audit_key(&CHECKPOINT_KEY);
    match &backend.sqlite_file {
        Some(file) => Arc::new(SqliteStore::open(file, key).await.unwrap()),
        None => Arc::new(
            PgStore::connect(&backend.database_url(), key)
                .await
                .unwrap(),
        ),
    }
}

/// Twelve rows, every third a denial.
async fn fill(store: &dyn Store) {
    let case = CaseId::random();
    let actor = AccountId::random();
    for _ in 0..4 {
        let entries: Vec<AuditEntry> = (0..3u32)
            .map(|i| AuditEntry {
                at: jiff::Timestamp::now(),
                actor: Some(actor),
                action: "case.view",
                object_kind: "case",
                object_id: Some(case.as_uuid()),
                case: Some(case),
                owner: None,
                outcome: if i == 1 {
                    Outcome::Denied(Denial::NoConsent(Scope::CaseStatus))
                } else {
                    Outcome::Allowed
                },
            })
            .collect();
        store.append_audit(&entries).await.unwrap();
    }
}

fn verify(url: &str, keys: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["audit", "verify", "--database-url", url, "--keys-dir"])
        .arg(keys)
        .env_remove("PASSERELLE_DATABASE_URL")
        .output()
        .unwrap()
}

/// Runs `sql` straight on the database, as someone with a copy of it would.
async fn tamper(backend: &Backend, sql: &[&str]) {
    let url = backend.database_url();
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        for statement in sql {
            sqlx::query(sqlx::AssertSqlSafe(*statement))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        for statement in sql {
            sqlx::query(sqlx::AssertSqlSafe(*statement))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
}

#[tokio::test]
async fn an_intact_trail_passes_and_each_kind_of_tampering_is_caught() {
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "an edited outcome",
            &["UPDATE audit_log SET outcome = 'allowed' WHERE seq = 5"],
            "breaks at row 5: its content was changed",
        ),
        (
            "a deleted row",
            &["DELETE FROM audit_log WHERE seq = 6"],
            "breaks at row 7: a row is missing or out of order",
        ),
        (
            "two rows swapped",
            &[
                "UPDATE audit_log SET seq = -1 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = -1",
            ],
            "breaks at row 3",
        ),
    ];
    for (what, sql, expected) in cases {
        for backend in backends().await {
            let dir = tempfile::tempdir().unwrap();
            let keys = dir.path().join("keys");
            write_keys(&keys);
            let store = keyed(&backend).await;
            fill(&*store).await;
            drop(store);
            let url = backend.database_url();
            let at = |s: &str| format!("[{}] {what}: {s}", backend.name);

            let out = verify(&url, &keys);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}",
                at(&String::from_utf8_lossy(&out.stderr))
            );
            assert!(stdout.contains("intact: 12 rows"), "{}", at(&stdout));

            tamper(&backend, sql).await;
            let out = verify(&url, &keys);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{}", at("verify must fail"));
            assert!(stderr.contains(expected), "{}", at(&stderr));
        }
    }
}

#[tokio::test]
async fn a_chain_checked_with_another_key_does_not_verify() {
    for backend in backends().await {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        write_keys(&keys);
        fill(&*keyed(&backend).await).await;
        std::fs::write(keys.join("audit-checkpoint.key"), [8u8; 32]).unwrap();
        let out = verify(&backend.database_url(), &keys);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "[{}] another key", backend.name);
        assert!(
            stderr.contains("breaks at row 1"),
            "[{}] {stderr}",
            backend.name
        );
    }
}

fn checkpoint(url: &str, keys: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["audit", "checkpoint", "--database-url", url, "--keys-dir"])
        .arg(keys)
        .env_remove("PASSERELLE_DATABASE_URL")
        .output()
        .unwrap()
}

#[tokio::test]
async fn rows_cut_from_the_end_are_caught_once_a_checkpoint_saw_them() {
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "the last two rows deleted",
            &["DELETE FROM audit_log WHERE seq > 10"],
            "ends at row 10, but row 12 existed",
        ),
        (
            "the whole trail deleted",
            &["DELETE FROM audit_log"],
            "ends at row 0, but row 12 existed",
        ),
        (
            "the last row rewritten in place",
            &["UPDATE audit_log SET hash = prev_hash WHERE seq = 12"],
            "breaks at row 12",
        ),
    ];
    for (what, sql, expected) in cases {
        for backend in backends().await {
            let dir = tempfile::tempdir().unwrap();
            let keys = dir.path().join("keys");
            write_keys(&keys);
            let store = keyed(&backend).await;
            fill(&*store).await;
            drop(store);
            let url = backend.database_url();
            let at = |s: &str| format!("[{}] {what}: {s}", backend.name);

            let out = checkpoint(&url, &keys);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{}", at(&stdout));
            assert!(stdout.contains("at row 12"), "{}", at(&stdout));
            let out = verify(&url, &keys);
            assert!(out.status.success(), "{}", at("intact before"));

            tamper(&backend, sql).await;
            let out = verify(&url, &keys);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{}", at("verify must fail"));
            assert!(stderr.contains(expected), "{}", at(&stderr));
        }
    }
}

#[tokio::test]
async fn an_edited_checkpoint_is_refused_rather_than_trusted() {
    for backend in backends().await {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        write_keys(&keys);
        fill(&*keyed(&backend).await).await;
        let url = backend.database_url();
        assert!(checkpoint(&url, &keys).status.success());
        // Someone rolls the chain back two rows and edits the checkpoint to
        // match; without the key the MAC cannot follow.
        tamper(&backend, &["DELETE FROM audit_log WHERE seq > 10"]).await;
        let file = keys.join("audit.checkpoint");
        let line = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, line.replacen(" 12 ", " 10 ", 1)).unwrap();
        let out = verify(&url, &keys);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "[{}]", backend.name);
        assert!(
            stderr.contains("checkpoint is not valid"),
            "[{}] {stderr}",
            backend.name
        );
    }
}
