//! The server under test: the release `passerelle` binary as a child
//! process, on 127.0.0.1 with a port it picks itself, its keys and SQLite
//! file in a temporary folder, or a fresh PostgreSQL database that is
//! dropped again at the end. Every wait is bounded.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use sqlx::{AssertSqlSafe, Connection as _};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

/// The password of every account the bench creates.
pub const PASSWORD: &str = "loadbench mot de passe";
/// The first coordinator's login.
pub const COORDINATOR: &str = "coordinator";

const ADMIN_TIMEOUT: Duration = Duration::from_secs(120);
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// Which database the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// One SQLite file in the temporary folder.
    Sqlite,
    /// A fresh database on the local PostgreSQL.
    Postgres,
}

/// A database created for this run, dropped by [`Server::stop`].
#[derive(Debug)]
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    async fn create(base_url: &str) -> anyhow::Result<Self> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let name = format!("passerelle_loadbench_{}", uuid::Uuid::new_v4().simple());
        let admin_url = format!("{base_url}/postgres");
        let mut conn = tokio::time::timeout(
            Duration::from_secs(15),
            sqlx::PgConnection::connect(&admin_url),
        )
        .await
        .context("timed out connecting to PostgreSQL")?
        .with_context(|| format!("cannot connect to {admin_url}"))?;
        // The name is ours: a fixed prefix and hex digits.
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .with_context(|| format!("cannot create the database {name}"))?;
        let _ = conn.close().await;
        Ok(Self { admin_url, name })
    }

    fn url(&self) -> String {
        let base = self.admin_url.trim_end_matches("/postgres");
        format!("{base}/{}", self.name)
    }

    async fn drop_database(&self) -> anyhow::Result<()> {
        let run = async {
            let mut conn = sqlx::PgConnection::connect(&self.admin_url).await?;
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await?;
            let _ = conn.close().await;
            anyhow::Ok(())
        };
        tokio::time::timeout(Duration::from_secs(30), run)
            .await
            .context("timed out dropping the database")?
            .with_context(|| format!("cannot drop the database {}", self.name))
    }
}

/// A running `passerelle serve`.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Its process id, for `/proc/<pid>/status`.
    pub pid: u32,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The URL the server was given (`sqlite://…` or `postgres://…`).
    pub database_url: String,
    /// Where the server's standard error goes.
    pub log: PathBuf,
    pg: Option<PgDatabase>,
    // Last: removed once the child is gone.
    _dir: tempfile::TempDir,
}

/// The release `passerelle` next to this binary, unless told otherwise.
pub fn server_binary(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    let path = match explicit {
        Some(path) => path.to_owned(),
        None => {
            let me = std::env::current_exe().context("cannot locate this binary")?;
            let dir = me.parent().context("this binary has no folder")?;
            if dir.file_name().and_then(|n| n.to_str()) != Some("release") {
                eprintln!(
                    "warning: {} is not a release build; the server next to it may not be either",
                    me.display()
                );
            }
            dir.join("passerelle")
        }
    };
    if !path.is_file() {
        bail!(
            "{} not found: run `cargo build --release -p passerelle -p passerelle-loadbench` first",
            path.display()
        );
    }
    Ok(path)
}

impl Server {
    /// Creates the first coordinator, then starts `serve` and waits until
    /// `/readyz` answers.
    pub async fn start(
        bin: &Path,
        engine: Engine,
        postgres_url: &str,
        audit: bool,
    ) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("passerelle-loadbench-")
            .tempdir()
            .context("cannot create a temporary folder")?;
        let pg = match engine {
            Engine::Sqlite => None,
            Engine::Postgres => Some(PgDatabase::create(postgres_url).await?),
        };
        let database_url = match &pg {
            None => format!("sqlite://{}", dir.path().join("passerelle.db").display()),
            Some(pg) => pg.url(),
        };
        match Self::spawn(bin, &dir, &database_url, audit).await {
            Ok((child, pid, base, log)) => Ok(Self {
                child,
                pid,
                base,
                database_url,
                log,
                pg,
                _dir: dir,
            }),
            Err(error) => {
                if let Some(pg) = &pg {
                    let _ = pg.drop_database().await;
                }
                Err(error)
            }
        }
    }

    async fn spawn(
        bin: &Path,
        dir: &tempfile::TempDir,
        database_url: &str,
        audit: bool,
    ) -> anyhow::Result<(Child, u32, String, PathBuf)> {
        let keys = dir.path().join("keys");
        let service = |command: &mut Command| {
            command
                .arg("--database-url")
                .arg(database_url)
                .arg("--keys-dir")
                .arg(&keys)
                .stdin(Stdio::null())
                .kill_on_drop(true);
        };

        let mut admin = Command::new(bin);
        admin.args(["admin", "create-coordinator"]);
        service(&mut admin);
        admin
            .args(["--service-name", "Loadbench", "--login", COORDINATOR])
            .args(["--display-name", "Coordination"])
            .env("PASSERELLE_ADMIN_PASSWORD", PASSWORD);
        let output = tokio::time::timeout(ADMIN_TIMEOUT, admin.output())
            .await
            .context("`passerelle admin create-coordinator` timed out")?
            .context("cannot run `passerelle admin create-coordinator`")?;
        if !output.status.success() {
            bail!(
                "`passerelle admin create-coordinator` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }

        let log = dir.path().join("server.log");
        let log_file = std::fs::File::create(&log).context("cannot create the server log")?;
        let mut serve = Command::new(bin);
        serve.arg("serve");
        service(&mut serve);
        if !audit {
            serve.arg("--no-audit");
        }
        serve
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log_file);
        let mut child = serve.spawn().context("cannot start `passerelle serve`")?;
        let pid = child.id().context("the server exited at once")?;
        let stdout = child.stdout.take().context("no standard output")?;

        // The server prints its address once it listens.
        let mut lines = BufReader::new(stdout).lines();
        let announced = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(base) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                    return anyhow::Ok(base.to_owned());
                }
            }
            Err(anyhow!("the server exited before listening"))
        })
        .await;
        let base = match announced {
            Ok(Ok(base)) => base,
            Ok(Err(e)) => return Err(e.context(tail(&log))),
            Err(_) => bail!("the server did not start within {START_TIMEOUT:?}"),
        };
        // Keep draining its standard output so that it never blocks on it.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()?;
        let ready = tokio::time::timeout(START_TIMEOUT, async {
            loop {
                if let Ok(r) = client.get(format!("{base}/readyz")).send().await
                    && r.status().is_success()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
        .await;
        if ready.is_err() {
            bail!("the server was not ready within {START_TIMEOUT:?}");
        }
        Ok((child, pid, base, log))
    }

    /// The server's resident set size in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .context("cannot read the server's /proc status")?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS in the server's /proc status")
    }

    /// Stops the server (SIGTERM, then SIGKILL after a bounded wait), drops
    /// the PostgreSQL database and removes the temporary folder.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let term = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .stdin(Stdio::null())
            .status();
        let graceful = matches!(
            tokio::time::timeout(Duration::from_secs(5), term).await,
            Ok(Ok(s)) if s.success()
        );
        let exited = graceful
            && tokio::time::timeout(STOP_TIMEOUT, self.child.wait())
                .await
                .is_ok();
        if !exited {
            let _ = self.child.start_kill();
            let _ = tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await;
        }
        match &self.pg {
            Some(pg) => pg.drop_database().await,
            None => Ok(()),
        }
    }
}

/// The last lines of the server's log, to explain a failure.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(10);
    format!("server log tail:\n{}", lines[start..].join("\n"))
}
