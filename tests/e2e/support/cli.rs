//! The `passerelle` binary as people run it: `passerelle serve` in a child
//! process on a port the system picks, and client commands on a profile
//! folder with the password and passphrase given through the environment.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// The password of every account these tests make.
pub const PASSWORD: &str = "un mot de passe de test";
/// The passphrase every profile's key is wrapped under.
pub const PASSPHRASE: &str = "une phrase de passe assez longue";

/// The binary, logging warnings only.
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    command.env("RUST_LOG", "warn");
    command
}

/// `passerelle serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Server {
    /// Serves `database_url` with the keys in `keys`; returns once it
    /// listens.
    pub fn start(database_url: &str, keys: &Path) -> Self {
        let mut child = binary()
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .arg("--keys-dir")
            .arg(keys)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("Passerelle is serving on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `passerelle admin create-coordinator` for the service `service`.
#[track_caller]
pub fn create_coordinator(
    database_url: &str,
    keys: &Path,
    service: &str,
    login: &str,
    display_name: &str,
) {
    let created = binary()
        .args([
            "admin",
            "create-coordinator",
            "--database-url",
            database_url,
        ])
        .arg("--keys-dir")
        .arg(keys)
        .args([
            "--service-name",
            service,
            "--login",
            login,
            "--display-name",
            display_name,
        ])
        .env("PASSERELLE_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
}

/// Runs a client command on a profile, `stdin` as its input.
pub fn cli(profile: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = binary()
        .args(args)
        .env("PASSERELLE_PROFILE", profile)
        .env("PASSERELLE_PASSWORD", PASSWORD)
        .env("PASSERELLE_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// [`cli`], which must succeed; its standard output.
#[track_caller]
pub fn ok(profile: &Path, args: &[&str], stdin: &str) -> String {
    let out = cli(profile, args, stdin);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The one-line error of a command that must fail.
#[track_caller]
pub fn fails(profile: &Path, args: &[&str]) -> String {
    let out = cli(profile, args, "");
    assert!(!out.status.success(), "{args:?} should have failed");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    stderr
}

/// Karim Benali's case at Haren, in French, as these tests open it.
pub fn karims_case(
    legal_situation: passerelle_domain::LegalSituation,
    prison_number: Option<&str>,
    expected_release: Option<jiff::civil::Date>,
) -> passerelle::client::NewCase {
    passerelle::client::NewCase {
        detainee_name: "Karim Benali".into(),
        prison_number: prison_number.map(Into::into),
        institution: "Prison de Haren".into(),
        legal_situation,
        expected_release,
        languages: vec!["fr".into()],
        interpreter_needed: false,
    }
}

/// A running service with a case: the coordinator Claire signed in with a
/// key (profile `claire`), the case she opened, and its relative Nadia, a
/// parent, joined with the command line and holding a key (profile
/// `nadia`). Fields drop in order: the server before its folder.
pub struct Relay {
    /// A runtime for the library calls the command line has no command for.
    pub runtime: tokio::runtime::Runtime,
    /// Claire's session, through the library.
    pub api: passerelle::client::Client,
    /// The case.
    pub case: passerelle_domain::CaseId,
    /// Claire's profile folder.
    pub claire: std::path::PathBuf,
    /// Nadia's profile folder.
    pub nadia: std::path::PathBuf,
    /// The server, stopped when this drops.
    _server: Server,
    /// Holds the database, the keys and the profiles.
    pub dir: tempfile::TempDir,
}

impl Relay {
    /// Sets it all up on a fresh SQLite database.
    pub fn start(legal_situation: passerelle_domain::LegalSituation) -> Self {
        use passerelle::client::{Client, Invitee, Profile};
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}", dir.path().join("relay.db").display());
        let keys = dir.path().join("keys");
        create_coordinator(&database_url, &keys, "Relais", "claire", "Claire Dubois");
        let server = Server::start(&database_url, &keys);
        let url = server.url.clone();
        let (claire, nadia) = (dir.path().join("claire"), dir.path().join("nadia"));
        ok(
            &claire,
            &["login", "--server", &url, "--login", "claire"],
            "",
        );
        ok(&claire, &["keys", "--generate"], "");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let session = Profile::at(&claire).session().unwrap().unwrap();
        let api = Client::new(&url).unwrap().with_token(&session.token);
        let (case, code) = runtime.block_on(async {
            let case = api
                .open_case(&karims_case(legal_situation, None, None))
                .await
                .unwrap()
                .id;
            let invitation = api.invite(
                case,
                Invitee::Relative(passerelle_domain::Relationship::Parent),
            );
            (case, invitation.await.unwrap().code)
        });
        let join = [
            "join",
            "--server",
            &url,
            "--code",
            &code,
            "--login",
            "nadia",
            "--display-name",
            "Nadia Benali",
        ];
        ok(&nadia, &join, "");
        ok(&nadia, &["keys", "--generate"], "");
        Self {
            runtime,
            api,
            case,
            claire,
            nadia,
            _server: server,
            dir,
        }
    }
}
