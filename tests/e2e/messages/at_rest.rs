//! On SQLite, the database files hold no plaintext and no personal field
//! in clear: envelopes are opaque and personal fields are encrypted at rest.

use serde_json::json;

use super::step;
use crate::support::World;

/// Every file of the SQLite database: the main file, its WAL and shared memory.
fn database_bytes(file: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(bytes) = std::fs::read(&name) {
            all.extend(bytes);
        }
    }
    assert!(!all.is_empty(), "the database is somewhere");
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn plaintexts_and_personal_fields_never_reach_the_sqlite_files() {
    let backend = crate::support::backend::sqlite().await;
    let file = backend.sqlite_file.clone().unwrap();
    let w = World::build(backend).await;
    let secrets = [
        "CONFIDENTIEL-7f3a-avocat-mardi",
        "CONFIDENTIEL-91bc-adresse-rue-haute",
    ];
    w.send(&w.relative, &[&w.detainee], secrets[0].as_bytes())
        .await;
    w.send(
        &w.worker,
        &[&w.detainee, &w.relative],
        secrets[1].as_bytes(),
    )
    .await;
    let hold = json!({"action": "hold", "reason": "RAISON-CONFIDENTIELLE-42"});
    let pending = w.send(&w.relative, &[&w.detainee], b"zz").await;
    step(&w, &w.worker, pending["id"].as_str().unwrap(), hold)
        .await
        .ok(200, "hold");
    // The worker's message is delivered; the relative's waits for a relay.
    let inbox = w.mailbox(&w.detainee, "inbox").await;
    assert_eq!(inbox.len(), 1, "one relayed so far");

    let bytes = database_bytes(&file);
    for secret in secrets {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "plaintext {secret:?} is in the database files"
        );
    }
    // Personal fields are encrypted at rest (the institution is not personal).
    for field in [
        crate::support::world::DETAINEE_NAME,
        crate::support::world::PRISON_NUMBER,
        "relative.a",
        "Personne relative.a",
        "+32 470 00 00 00",
        "RAISON-CONFIDENTIELLE-42",
    ] {
        assert!(
            !contains(&bytes, field.as_bytes()),
            "{field:?} is in clear in the database files"
        );
    }
}
