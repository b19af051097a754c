//! The built binary on SQLite, killed with SIGKILL while sends are in
//! flight: every message it acknowledged (201) is there after a restart.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use passerelle_crypto::SecretKey;
use serde_json::{Value, json};

use crate::support::seal;

const PASSWORD: &str = "un mot de passe assez long";
/// How many acknowledged sends to wait for before each kill.
const ACKS_BEFORE_KILL: usize = 40;
const SENDERS: usize = 4;

fn passerelle() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
    command
        .env_remove("PASSERELLE_DATABASE_URL")
        .env_remove("PASSERELLE_KEYS_DIR")
        .env("RUST_LOG", "warn");
    command
}

fn service_args(dir: &Path) -> Vec<String> {
    let database = format!("sqlite://{}", dir.join("p.db").display());
    let keys = dir.join("keys").display().to_string();
    vec!["--database-url".into(), database, "--keys-dir".into(), keys]
}

/// A running `passerelle serve`.
struct Running {
    child: tokio::process::Child,
    base: String,
    log: PathBuf,
}

impl Running {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Starts `passerelle serve` on a free port and waits (bounded) for healthz.
async fn serve(dir: &Path, http: &reqwest::Client, round: usize) -> Running {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.join(format!("serve-{round}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let child = passerelle()
        .arg("serve")
        .args(service_args(dir))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut running = Running {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = running.child.try_wait().unwrap() {
            panic!("the server exited with {status}: {}", running.log());
        }
        let health = http.get(format!("{}/healthz", running.base)).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return running;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not answer within 30 s: {}", running.log());
}

async fn call(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn sign_in(http: &reqwest::Client, server: &Running) -> String {
    let body = json!({"login": "coord.durable", "password": PASSWORD});
    let (status, body) = call(
        http.post(format!("{}/api/v1/sessions", server.base))
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "login: {body}");
    body["token"].as_str().unwrap().to_owned()
}

/// Every message in the outbox, across pages: its id and its envelope.
async fn outbox(http: &reqwest::Client, server: &Running, token: &str) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    let mut before: Option<i64> = None;
    for _ in 0..1000 {
        let mut query = vec![
            ("mailbox", "outbox".to_owned()),
            ("limit", "100".to_owned()),
        ];
        query.extend(before.map(|b| ("before", b.to_string())));
        let request = http
            .get(format!("{}/api/v1/messages", server.base))
            .bearer_auth(token)
            .query(&query);
        let (status, page) = call(request).await;
        assert_eq!(status, 200, "outbox: {page}");
        ids.extend(page["items"].as_array().unwrap().iter().map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["envelope"].as_str().unwrap().to_owned(),
            )
        }));
        match page["next"].as_i64() {
            Some(next) => before = Some(next),
            None => return ids,
        }
    }
    panic!("the outbox never ends");
}

/// What one sending task needs.
#[derive(Clone)]
struct Stream {
    http: reqwest::Client,
    url: String,
    token: String,
    key: Arc<SecretKey>,
    case: String,
    acked: Arc<Mutex<Vec<String>>>,
    progress: tokio::sync::watch::Sender<usize>,
}

/// How one sending task ended.
#[derive(Debug)]
struct Outcome {
    /// Answers that were neither a 201 nor a lost connection.
    unexpected: Vec<String>,
    /// Whether it stopped because the server went away mid-stream.
    cut_off: bool,
}

/// Sends until the server stops answering (or a bound is hit); the ids it
/// acknowledged are pushed to `acked`, and `progress` counts them.
async fn sender(stream: Stream) -> Outcome {
    let Stream {
        http,
        url,
        token,
        key,
        case,
        acked,
        progress,
    } = stream;
    let mut unexpected = Vec::new();
    let mut cut_off = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    for i in 0..5_000 {
        if Instant::now() > deadline {
            break;
        }
        let text = format!("durable {} {i}", uuid::Uuid::new_v4());
        let envelope = seal::seal(&key, &[&key.public_key()], &case, text.as_bytes());
        let sent = http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({"envelope": envelope}))
            .send()
            .await;
        let Ok(response) = sent else {
            cut_off = true;
            break;
        };
        let status = response.status().as_u16();
        let Ok(body) = response.json::<Value>().await else {
            cut_off = true;
            break;
        };
        if status == 201 {
            acked
                .lock()
                .unwrap()
                .push(body["id"].as_str().unwrap().to_owned());
            progress.send_modify(|n| *n += 1);
        } else {
            unexpected.push(format!("{status} {body}"));
            break;
        }
    }
    Outcome {
        unexpected,
        cut_off,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_message_survives_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let admin = passerelle()
        .args(["admin", "create-coordinator"])
        .args(service_args(dir.path()))
        .args([
            "--service-name",
            "Service durable",
            "--login",
            "coord.durable",
            "--display-name",
            "Coordination",
        ])
        .env("PASSERELLE_ADMIN_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(
        admin.status.success(),
        "create-coordinator: {}",
        String::from_utf8_lossy(&admin.stderr)
    );

    let mut server = serve(dir.path(), &http, 0).await;
    let token = sign_in(&http, &server).await;
    let key = Arc::new(SecretKey::generate().unwrap());
    let body = json!({"public_key": key.public_key().to_text()});
    let (status, _) = call(
        http.put(format!("{}/api/v1/me/key", server.base))
            .bearer_auth(&token)
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "register the key");
    let body = json!({"detainee_name": "D", "institution": "Prison de Marche", "legal_situation": "charged"});
    let (status, case) = call(
        http.post(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&token)
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "open the case: {case}");
    let case = case["id"].as_str().unwrap().to_owned();

    let acked = Arc::new(Mutex::new(Vec::new()));
    for round in 1..=2 {
        let token = sign_in(&http, &server).await;
        let (progress, mut watch) = tokio::sync::watch::channel(0usize);
        let url = format!("{}/api/v1/cases/{case}/messages", server.base);
        let stream = Stream {
            http: http.clone(),
            url,
            token,
            key: key.clone(),
            case: case.clone(),
            acked: acked.clone(),
            progress,
        };
        let tasks: Vec<_> = (0..SENDERS)
            .map(|_| tokio::spawn(sender(stream.clone())))
            .collect();
        drop(stream);
        // The watch's guard is dropped at once: holding it would block the
        // senders' next `send_modify`, and their runtime threads with it.
        let enough = tokio::time::timeout(
            Duration::from_secs(60),
            watch.wait_for(|n| *n >= ACKS_BEFORE_KILL),
        )
        .await
        .is_ok_and(|seen| seen.is_ok());
        assert!(
            enough,
            "round {round}: too few acknowledgements: {}",
            server.log()
        );
        // SIGKILL, while the senders are still sending.
        server.child.kill().await.unwrap();
        for task in tasks {
            let outcome = tokio::time::timeout(Duration::from_secs(60), task)
                .await
                .unwrap()
                .unwrap();
            assert!(
                outcome.unexpected.is_empty() && outcome.cut_off,
                "round {round}: every sender is cut off by the kill, mid-stream: {outcome:?}"
            );
        }

        server = serve(dir.path(), &http, round).await;
        let token = sign_in(&http, &server).await;
        let stored = outbox(&http, &server, &token).await;
        for (id, envelope) in &stored {
            let text = seal::open(envelope, &key, &key.public_key());
            assert!(text.starts_with(b"durable "), "round {round}: {id} opens");
        }
        let stored: Vec<String> = stored.into_iter().map(|(id, _)| id).collect();
        let acked = acked.lock().unwrap().clone();
        assert!(
            acked.len() >= ACKS_BEFORE_KILL * round,
            "round {round}: {} acknowledged",
            acked.len()
        );
        let mut unique = stored.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            stored.len(),
            "round {round}: a message is listed twice"
        );
        let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(id)).collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} of {} acknowledged messages lost: {lost:?}",
            lost.len(),
            acked.len()
        );
    }
    server.child.kill().await.unwrap();
}
