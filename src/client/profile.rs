//! The person's local profile: a folder holding the server's address, the
//! current session, and the device's private key wrapped under a
//! passphrase. The key is never written unwrapped; the session file and the
//! key file are readable by their owner only.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use passerelle_crypto::{KdfParams, SecretKey, WRAPPED_KEY_PREFIX, WrappedKey};
use passerelle_domain::AccountId;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Client, ClientError, Session};

/// Where a profile lives when no folder is given.
pub const PROFILE_ENV: &str = "PASSERELLE_PROFILE";

const SERVER_FILE: &str = "server.txt";
const SESSION_FILE: &str = "session.json";
const KEY_FILE: &str = "key.txt";
const ACCOUNT_LINE: &str = "# account: ";

/// A session as remembered between commands.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredSession {
    /// The bearer token.
    pub token: String,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Who it belongs to.
    pub account: AccountId,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("account", &self.account)
            .finish()
    }
}

/// A profile folder.
#[derive(Debug, Clone)]
pub struct Profile {
    dir: PathBuf,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ClientError + '_ {
    move |source| ClientError::Io {
        path: path.to_owned(),
        source,
    }
}

impl Profile {
    /// The profile in `dir` (created when something is first saved).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `dir` if given, else `$PASSERELLE_PROFILE`, else
    /// `$XDG_CONFIG_HOME/passerelle`, else `~/.config/passerelle`.
    pub fn locate(dir: Option<PathBuf>) -> Result<Self, ClientError> {
        let non_empty = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = dir
            .or_else(|| non_empty(PROFILE_ENV))
            .or_else(|| non_empty("XDG_CONFIG_HOME").map(|d| d.join("passerelle")))
            .or_else(|| non_empty("HOME").map(|d| d.join(".config").join("passerelle")))
            .ok_or_else(|| ClientError::Invalid(format!("no profile folder: set {PROFILE_ENV}")))?;
        Ok(Self::at(dir))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn ensure_dir(&self) -> Result<(), ClientError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&self.dir).map_err(io_error(&self.dir))
    }

    /// Reads a file of the profile; `None` if it does not exist.
    fn read(&self, name: &str) -> Result<Option<Zeroizing<String>>, ClientError> {
        let path = self.path(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path)(e)),
        }
    }

    /// Writes a file readable by its owner only. `replace` swaps it in
    /// atomically; otherwise an existing file is refused.
    fn write_private(&self, name: &str, bytes: &[u8], replace: bool) -> Result<(), ClientError> {
        self.ensure_dir()?;
        let path = self.path(name);
        let temp = self.path(&format!(".{name}.tmp"));
        let target = if replace { &temp } else { &path };
        if replace {
            let _ = std::fs::remove_file(&temp);
        }
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(target).map_err(io_error(target))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(io_error(target))?;
        if replace {
            std::fs::rename(&temp, &path).map_err(io_error(&path))?;
        }
        Ok(())
    }

    /// The server's base URL, if saved.
    pub fn server(&self) -> Result<Option<String>, ClientError> {
        Ok(self
            .read(SERVER_FILE)?
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()))
    }

    /// Saves the server's base URL.
    pub fn save_server(&self, url: &str) -> Result<(), ClientError> {
        self.ensure_dir()?;
        let path = self.path(SERVER_FILE);
        std::fs::write(&path, format!("{}\n", url.trim())).map_err(io_error(&path))
    }

    /// The saved session, if any (expired or not).
    pub fn session(&self) -> Result<Option<StoredSession>, ClientError> {
        let Some(text) = self.read(SESSION_FILE)? else {
            return Ok(None);
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            ClientError::Invalid(format!(
                "{} is unreadable: {e}",
                self.path(SESSION_FILE).display()
            ))
        })
    }

    /// Saves the session (owner-only, replacing the previous one).
    pub fn save_session(&self, session: &StoredSession) -> Result<(), ClientError> {
        let json = Zeroizing::new(
            serde_json::to_vec_pretty(session).map_err(|e| ClientError::Invalid(e.to_string()))?,
        );
        self.write_private(SESSION_FILE, &json, true)
    }

    /// Forgets the session.
    pub fn forget_session(&self) -> Result<(), ClientError> {
        let path = self.path(SESSION_FILE);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(&path)(e)),
            _ => Ok(()),
        }
    }

    /// A client for the saved server, signed in with the saved session.
    pub fn client(&self) -> Result<(Client, StoredSession), ClientError> {
        let server = self.server()?.ok_or_else(|| {
            ClientError::Invalid(format!(
                "no server in {}: run `passerelle login` first",
                self.dir.display()
            ))
        })?;
        let session = self.session()?.ok_or_else(|| {
            ClientError::Invalid("not signed in: run `passerelle login` first".into())
        })?;
        if session.expires_at <= Timestamp::now() {
            return Err(ClientError::Invalid(
                "the session has expired: run `passerelle login` again".into(),
            ));
        }
        let client = Client::new(&server)?.with_token(&session.token);
        Ok((client, session))
    }

    /// The wrapped private key, if this profile has one.
    pub fn wrapped_key(&self) -> Result<Option<WrappedKey>, ClientError> {
        let Some(text) = self.read(KEY_FILE)? else {
            return Ok(None);
        };
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(WRAPPED_KEY_PREFIX))
            .ok_or_else(|| {
                ClientError::Invalid(format!(
                    "{} holds no wrapped key",
                    self.path(KEY_FILE).display()
                ))
            })?;
        Ok(Some(WrappedKey::from_text(line)?))
    }

    /// Signs in to `server`, then saves the server and the session.
    /// Refuses (and signs out again) when this profile holds the key of
    /// another account: one profile, one person.
    pub async fn sign_in(
        &self,
        server: &str,
        login: &str,
        password: &str,
    ) -> Result<Session, ClientError> {
        let mut client = Client::new(server)?;
        let session = client.login(login, password).await?;
        if self.wrapped_key()?.is_some() && self.key_owner()? != Some(session.account.id) {
            let _ = client.logout().await;
            return Err(ClientError::Invalid(format!(
                "{} holds another account's key: use a profile folder of your own",
                self.dir.display()
            )));
        }
        self.save_server(client.base_url())?;
        self.save_session(&StoredSession {
            token: session.token.clone(),
            expires_at: session.expires_at,
            account: session.account.id,
        })?;
        Ok(session)
    }

    /// The account the profile's key was made for, from its key file.
    pub fn key_owner(&self) -> Result<Option<AccountId>, ClientError> {
        let Some(text) = self.read(KEY_FILE)? else {
            return Ok(None);
        };
        Ok(text
            .lines()
            .find_map(|l| l.strip_prefix(ACCOUNT_LINE))
            .and_then(|id| id.trim().parse().ok()))
    }

    /// Wraps `key` under `passphrase` (Argon2id, OWASP parameters) and
    /// saves it as `owner`'s, refusing to replace an existing key.
    pub fn save_key(
        &self,
        key: &SecretKey,
        passphrase: &[u8],
        owner: AccountId,
    ) -> Result<WrappedKey, ClientError> {
        let wrapped = WrappedKey::wrap(key, passphrase, KdfParams::OWASP)?;
        let public = key.public_key();
        let text = format!(
            "# Passerelle device key, wrapped under your passphrase. Keep this file to yourself.\n\
             {ACCOUNT_LINE}{owner}\n# public key: {public}\n# fingerprint: {}\n{}\n",
            public.fingerprint(),
            wrapped.to_text()
        );
        self.write_private(KEY_FILE, text.as_bytes(), false)
            .map_err(|e| match e {
                ClientError::Io { source, path }
                    if source.kind() == std::io::ErrorKind::AlreadyExists =>
                {
                    ClientError::Invalid(format!("{} already holds a key", path.display()))
                }
                other => other,
            })?;
        Ok(wrapped)
    }

    /// Unwraps the private key with the passphrase.
    pub fn unlock(&self, passphrase: &[u8]) -> Result<SecretKey, ClientError> {
        let wrapped = self.wrapped_key()?.ok_or_else(|| {
            ClientError::Invalid(
                "this profile has no key yet: run `passerelle keys --generate`".into(),
            )
        })?;
        Ok(wrapped.unwrap(passphrase)?)
    }
}
