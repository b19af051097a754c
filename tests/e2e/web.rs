//! The web app in headless Chromium against a real `passerelle serve`: the
//! JavaScript unit tests first, then `web/e2e/run.mjs` on a world made here
//! with the command line and the client library (a coordinator with a key in
//! a CLI profile, a worker without one yet, a case with its detained person
//! and its release plan, an invitation code for a relative). The browser
//! side joins, relays, reads and checks its budgets; see `web/e2e/README.md`.
//!
//! Node, `web/node_modules` and Chromium are optional on a developer's
//! machine, the way PostgreSQL is: missing, the test says why and passes.
//! With `CI=true` or `PASSERELLE_TEST_BROWSER=1` it fails instead, so CI
//! never passes without having looked at a browser.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use passerelle::client::{Client, Invitee, Join, Profile};
use passerelle_domain::{LegalSituation, Relationship, Role};
use serde_json::json;

use crate::support::cli::{PASSPHRASE, PASSWORD, Server, create_coordinator, karims_case, ok};

const WEB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/web");
const CHROMIUM: &str = "/usr/bin/chromium";
/// Set to `1` to fail, not skip, when the browser tools are missing.
const REQUIRED: &str = "PASSERELLE_TEST_BROWSER";

/// What the browser tests need, found on this machine.
struct Tools {
    node: PathBuf,
    npm: PathBuf,
}

/// Looks for `name` on the `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The tools, or `None` after saying why the test is skipped; panics
/// instead when the environment requires the browser tests.
fn tools() -> Option<Tools> {
    let node = on_path("node");
    let npm = on_path("npm");
    let mut missing = Vec::new();
    if node.is_none() {
        missing.push("`node` is not on the PATH".to_owned());
    }
    if npm.is_none() {
        missing.push("`npm` is not on the PATH".to_owned());
    }
    for package in ["playwright-core", "axe-core", "esbuild"] {
        if !Path::new(WEB).join("node_modules").join(package).is_dir() {
            missing.push(format!(
                "web/node_modules/{package} is missing (run `npm ci` in web/)"
            ));
        }
    }
    if !Path::new(CHROMIUM).is_file() {
        missing.push(format!(
            "{CHROMIUM} is missing (Debian's `chromium` package)"
        ));
    }
    if missing.is_empty() {
        return Some(Tools {
            node: node?,
            npm: npm?,
        });
    }
    let required = std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var(REQUIRED).is_ok_and(|v| v == "1");
    let why = missing.join("; ");
    assert!(!required, "the browser tests must run here, but {why}");
    eprintln!("skipped, the browser tools are missing: {why} (set {REQUIRED}=1 to fail instead)");
    None
}

/// Prints a command's whole output (nextest shows it on failure, or with
/// --no-capture); a line for the final report if it failed.
fn report(what: &str, out: &Output) -> Option<String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{what}:\n{stdout}");
    eprintln!("{stderr}");
    (!out.status.success()).then(|| format!("{what} failed ({}), output above", out.status))
}

/// The world the browser meets. The relative's account does not exist yet:
/// the browser makes it with `relative_code`, so the consent for it is
/// recorded by `run.mjs` (through the API, as the coordinator) once it has.
fn world(url: &str, dir: &Path) -> serde_json::Value {
    let claire = dir.join("claire");
    ok(
        &claire,
        &["login", "--server", url, "--login", "claire"],
        "",
    );
    ok(&claire, &["keys", "--generate"], "");
    let session = Profile::at(&claire).session().unwrap().unwrap();
    let api = Client::new(url).unwrap().with_token(&session.token);
    let today = passerelle_domain::visit::brussels_today(jiff::Timestamp::now()).unwrap();
    let release = today.checked_add(jiff::Span::new().days(120)).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (case, sophie, karim, code) = runtime.block_on(async {
        let sophie = api
            .create_staff(Role::Worker, "sophie", PASSWORD, "Sophie Martin")
            .await
            .unwrap()
            .id;
        let case = api
            .open_case(&karims_case(
                LegalSituation::Sentenced,
                Some("12345"),
                Some(release),
            ))
            .await
            .unwrap()
            .id;
        api.assign_worker(case, sophie).await.unwrap();
        // Karim has an account but no device: Sophie and Claire read to him
        // and write down his answers.
        let karim_code = api.invite(case, Invitee::Detainee).await.unwrap().code;
        let karim = Client::new(url)
            .unwrap()
            .redeem(&Join {
                code: karim_code,
                login: "karim".into(),
                password: PASSWORD.into(),
                display_name: "Karim Benali".into(),
                phone: None,
            })
            .await
            .unwrap()
            .account
            .id;
        let code = api
            .invite(case, Invitee::Relative(Relationship::Parent))
            .await
            .unwrap()
            .code;
        (case, sophie, karim, code)
    });
    let case = case.to_string();
    let date = release.to_string();
    let plan = [
        "plan",
        "set",
        "--case",
        &case,
        "--date",
        &date,
        "--kind",
        "conditional_release",
    ];
    ok(&claire, &plan, "");
    json!({
        "url": url,
        "case": case,
        "password": PASSWORD,
        "passphrase": PASSPHRASE,
        "coordinator": {
            "login": "claire",
            "display_name": "Claire Dubois",
            "account": session.account.to_string(),
            "profile": claire,
        },
        "worker": {
            "login": "sophie",
            "display_name": "Sophie Martin",
            "account": sophie.to_string(),
        },
        "detainee": { "display_name": "Karim Benali", "account": karim.to_string() },
        "relative": {
            "code": code,
            "login": "nadia",
            "display_name": "Nadia Benali",
        },
        "plan": { "release_date": date, "kind": "conditional_release" },
    })
}

#[test]
fn the_web_app_carries_messages_both_ways_within_its_budgets() {
    let Some(tools) = tools() else { return };
    let started = Instant::now();
    let unit = Command::new(&tools.npm)
        .arg("test")
        .current_dir(WEB)
        .output()
        .unwrap();
    // Reported at the end, with the browser's findings: one run tells all.
    let mut failed: Vec<String> = report("npm test (web/)", &unit).into_iter().collect();
    let unit_time = started.elapsed();

    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("relay.db").display());
    let keys = dir.path().join("keys");
    create_coordinator(&database_url, &keys, "Relais", "claire", "Claire Dubois");
    let server = Server::start(&database_url, &keys);
    let fixture = dir.path().join("fixture.json");
    let world = world(&server.url, dir.path());
    std::fs::write(&fixture, serde_json::to_vec_pretty(&world).unwrap()).unwrap();
    let screenshots = Path::new(WEB).join("screenshots");
    let browser_started = Instant::now();
    let out = Command::new(&tools.node)
        .arg("e2e/run.mjs")
        .current_dir(WEB)
        .env("PASSERELLE_URL", &server.url)
        .env("PASSERELLE_BIN", env!("CARGO_BIN_EXE_passerelle"))
        .env("PASSERELLE_E2E_FIXTURE", &fixture)
        .env("PASSERELLE_E2E_SCREENSHOTS", &screenshots)
        .env("PASSERELLE_E2E_CHROMIUM", CHROMIUM)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    failed.extend(report("node web/e2e/run.mjs", &out));
    println!(
        "web tests: npm test {:.1} s, browser {:.1} s, total {:.1} s; screenshots in {}",
        unit_time.as_secs_f64(),
        browser_started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64(),
        screenshots.display(),
    );
    drop(server);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
