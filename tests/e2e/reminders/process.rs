//! What the process tests share: a database with due reminders for one
//! account, `passerelle serve` as a child process with a short reminder
//! interval, and the counts that prove each reminder became exactly one
//! notification.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use passerelle_domain::{AccountId, Role};
use passerelle_store::notify::NewReminder;
use passerelle_store::{NewAccount, Store};
use sqlx::{PgPool, SqlitePool};
use uuid::Uuid;

use crate::support::backend::Backend;

/// A direct connection to the database the servers run on, for counting.
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    /// Connects to the backend's database.
    pub async fn open(backend: &Backend) -> Self {
        match &backend.sqlite_file {
            Some(file) => {
                let url = format!("sqlite://{}", file.display());
                Self::Sqlite(SqlitePool::connect(&url).await.unwrap())
            }
            None => Self::Postgres(PgPool::connect(&backend.database_url()).await.unwrap()),
        }
    }

    /// The one number a `SELECT COUNT(*) …` answers.
    pub async fn count(&self, sql: &'static str) -> i64 {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
            Self::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        }
    }

    /// Reminders still to deliver.
    pub async fn pending(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM reminders WHERE state = 'pending'")
            .await
    }

    /// Reminders delivered.
    pub async fn delivered(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM reminders WHERE state = 'delivered'")
            .await
    }

    /// Checks that every delivered reminder names a notification of its
    /// own, about its object, that no object was notified twice, and that
    /// no notification exists without its reminder marked delivered: a
    /// claim and its notification are committed together or not at all.
    pub async fn assert_each_delivered_once(&self, what: &str) {
        let delivered = self.delivered().await;
        let notes = self.count("SELECT COUNT(*) FROM notifications").await;
        assert_eq!(notes, delivered, "{what}: one notification per delivery");
        let linked = self
            .count(
                "SELECT COUNT(*) FROM reminders r
                 JOIN notifications n ON n.id = r.notification_id
                     AND n.object_id = r.object_id AND n.account_id = r.account_id
                     AND n.kind = r.kind
                 WHERE r.state = 'delivered'",
            )
            .await;
        assert_eq!(linked, delivered, "{what}: each names its own notification");
        let named = self
            .count(
                "SELECT COUNT(DISTINCT notification_id) FROM reminders
                 WHERE state = 'delivered'",
            )
            .await;
        assert_eq!(named, notes, "{what}: every notification has its reminder");
        let twice = self
            .count(
                "SELECT COUNT(*) FROM (SELECT object_id FROM notifications
                     GROUP BY object_id HAVING COUNT(*) > 1) AS twice",
            )
            .await;
        assert_eq!(twice, 0, "{what}: objects notified more than once");
        let objects = self
            .count("SELECT COUNT(DISTINCT object_id) FROM reminders")
            .await;
        let reminders = self.count("SELECT COUNT(*) FROM reminders").await;
        assert_eq!(objects, reminders, "{what}: one object per reminder");
    }

    /// Waits (bounded) until no reminder is pending.
    pub async fn wait_until_none_pending(&self, within: Duration, servers: &mut [Running]) {
        let deadline = Instant::now() + within;
        loop {
            let pending = self.pending().await;
            if pending == 0 {
                return;
            }
            for server in servers.iter_mut() {
                if let Some(status) = server.child.try_wait().unwrap() {
                    panic!("a server exited with {status}: {}", server.log());
                }
            }
            assert!(
                Instant::now() < deadline,
                "{pending} reminders still pending after {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Creates the account the reminders are for: a worker of a new service.
pub async fn account(store: &dyn Store) -> AccountId {
    let now = Timestamp::now();
    let service = store
        .create_service("Service des rappels", now)
        .await
        .unwrap();
    let account = NewAccount {
        role: Role::Worker,
        service: Some(service.id),
        login: "worker.reminders".to_owned(),
        display_name: "Rappels".to_owned(),
        phone: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
            .to_owned(),
    };
    store.create_account(&account, now).await.unwrap().id
}

/// Schedules `n` reminders for `account`, each about an object of its own,
/// all due at `due_at`.
pub async fn seed(store: &dyn Store, account: AccountId, n: usize, due_at: Timestamp) {
    let reminders: Vec<NewReminder> = (0..n)
        .map(|i| {
            let object = Uuid::new_v4();
            NewReminder {
                key: format!("plan_item:{object}:due_in_1_day:{account}:{i}"),
                account,
                case: None,
                kind: "reminder.item_due_in_1_day".to_owned(),
                object_kind: "plan_item".to_owned(),
                object_id: object,
                due_at,
            }
        })
        .collect();
    for chunk in reminders.chunks(5_000) {
        store
            .schedule_reminders(chunk, Timestamp::now())
            .await
            .unwrap();
    }
}

/// The servers' keys: the data-at-rest key of the test stores, so that the
/// child reads what the test wrote.
pub fn keys_dir(dir: &Path) -> PathBuf {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(keys.join("data-at-rest.key"), [42u8; 32]).unwrap();
    keys
}

/// A running `passerelle serve`.
pub struct Running {
    pub child: tokio::process::Child,
    log: PathBuf,
}

impl Running {
    /// What it printed.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, and wait for it to be gone.
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }
}

/// Starts `passerelle serve` on `database_url`, with the reminder pump
/// waking every second. It delivers what is due before it answers.
pub fn spawn(dir: &Path, keys: &Path, database_url: &str, name: &str) -> (Running, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.join(format!("{name}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .env_remove("PASSERELLE_DATABASE_URL")
        .env_remove("PASSERELLE_KEYS_DIR")
        .env("PASSERELLE_REMINDER_INTERVAL", "1")
        .env("RUST_LOG", "warn")
        .arg("serve")
        .args(["--database-url", database_url])
        .arg("--keys-dir")
        .arg(keys)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    (Running { child, log }, format!("http://127.0.0.1:{port}"))
}

/// Starts `passerelle serve` as [`spawn`] does and waits (bounded) until it
/// answers.
pub async fn serve(dir: &Path, keys: &Path, database_url: &str, name: &str) -> Running {
    let (mut running, base) = spawn(dir, keys, database_url, name);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = running.child.try_wait().unwrap() {
            panic!("the server exited with {status}: {}", running.log());
        }
        let health = http.get(format!("{base}/healthz")).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return running;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not answer within 30 s: {}", running.log());
}
