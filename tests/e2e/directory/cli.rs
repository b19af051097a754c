//! `passerelle directory …` from the command line, against the real server.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;

use super::{body, monday_morning};
use crate::support::world::PASSWORD;
use crate::support::{World, backends};

fn cli(profile: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(args)
        .env("PASSERELLE_PROFILE", profile)
        .env("PASSERELLE_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

#[track_caller]
fn ok(profile: &Path, args: &[&str]) -> String {
    let out = cli(profile, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

// The server runs on the test's runtime while the command blocks this
// thread: give the runtime other threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_and_relatives_use_the_directory_from_the_command_line() {
    let backend = backends().await.remove(0);
    let w = World::build(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let (coordinator, relative) = (dir.path().join("coord"), dir.path().join("relative"));
    ok(
        &coordinator,
        &[
            "login",
            "--server",
            &w.srv.base,
            "--login",
            &w.coordinator.login,
        ],
    );
    ok(
        &relative,
        &[
            "login",
            "--server",
            &w.srv.base,
            "--login",
            &w.relative.login,
        ],
    );

    let mut shelter = body("Refuge", &["family_ties"], &["fr"], monday_morning());
    shelter["address_confidential"] = json!(true);
    shelter["address"]["street"] = json!("Rue Cachée 3");
    let file = dir.path().join("entry.json");
    std::fs::write(&file, shelter.to_string()).unwrap();
    let added = ok(
        &coordinator,
        &["directory", "add", "--file", file.to_str().unwrap()],
    );
    let id = added
        .trim()
        .strip_prefix("Added ")
        .unwrap()
        .trim_end_matches('.')
        .to_owned();

    let staff_view = ok(&coordinator, &["directory", "show", &id]);
    assert!(staff_view.contains("Rue Cachée 3"), "{staff_view}");
    let found = ok(
        &relative,
        &[
            "directory",
            "search",
            "--domain",
            "family_ties",
            "--language",
            "fr",
        ],
    );
    assert!(
        found.contains("Refuge") && !found.contains("Cachée"),
        "{found}"
    );
    let none = ok(
        &relative,
        &["directory", "search", "--domain", "residence_status"],
    );
    assert_eq!(none.trim(), "No entries.");
    let refused = cli(&relative, &["directory", "delete", &id]);
    assert!(!refused.status.success());

    let export = dir.path().join("hsds.json");
    ok(
        &coordinator,
        &["directory", "export", "--output", export.to_str().unwrap()],
    );
    let page: serde_json::Value = serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(page["contents"][0]["id"], id.as_str());
    let report = ok(
        &coordinator,
        &["directory", "import", export.to_str().unwrap()],
    );
    assert_eq!(report.trim(), "Imported 1 record(s).");

    ok(&coordinator, &["directory", "delete", &id]);
    let gone = ok(&relative, &["directory", "search"]);
    assert_eq!(gone.trim(), "No entries.");
}
