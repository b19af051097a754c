//! Files, standard streams, key files and passphrases for the commands.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context as _, bail};
use passerelle_crypto::{KdfParams, PublicKey, SecretKey, WrappedKey};
use zeroize::Zeroizing;

/// Where a script gives the passphrase; otherwise it is asked on the terminal.
pub const PASSPHRASE_ENV: &str = "PASSERELLE_PASSPHRASE";

/// Reads a file, or standard input when `path` is `None`.
pub fn read_input(path: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match path {
        Some(path) => {
            bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
        }
    }
    Ok(bytes)
}

/// Writes a file (created, or replaced) or standard output.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .context("cannot write standard output")
        }
    }
}

/// Writes a new private-key file, readable by its owner only, refusing to
/// replace an existing one.
pub fn write_secret_file(path: &Path, text: &str) -> anyhow::Result<()> {
    write_secret_bytes(path, text.as_bytes())
}

/// [`write_secret_file`] for raw bytes.
pub fn write_secret_bytes(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The passphrase from the environment, or asked on the terminal
/// (`confirm` asks twice, for a new key).
pub fn passphrase(confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(value));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("Passphrase: ")
            .with_context(|| format!("no terminal to ask a passphrase; set {PASSPHRASE_ENV}"))?,
    );
    if confirm {
        let second = Zeroizing::new(rpassword::prompt_password("Passphrase again: ")?);
        if first != second {
            bail!("the two passphrases differ");
        }
        if first.chars().count() < 8 {
            bail!("choose a passphrase of at least 8 characters");
        }
    }
    Ok(first)
}

/// A new password from the environment variable `var`, or asked twice on
/// the terminal.
pub fn new_password(var: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(var) {
        return Ok(Zeroizing::new(value));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("New password: ")
            .with_context(|| format!("no terminal to ask a password; set {var}"))?,
    );
    let second = Zeroizing::new(rpassword::prompt_password("New password again: ")?);
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}

/// The key-file text for a new key: comments with the public key and its
/// fingerprint, then the (wrapped or unprotected) private key.
pub fn key_file_text(key: &SecretKey, protect: bool) -> anyhow::Result<Zeroizing<String>> {
    let public = key.public_key();
    let body = if protect {
        let pass = passphrase(true)?;
        Zeroizing::new(WrappedKey::wrap(key, pass.as_bytes(), KdfParams::OWASP)?.to_text())
    } else {
        key.to_text()
    };
    Ok(Zeroizing::new(format!(
        "# Passerelle private key. Keep this file to yourself.\n# public key: {public}\n# fingerprint: {}\n{}\n",
        public.fingerprint(),
        body.as_str()
    )))
}

/// Loads a private key from a key file, asking for the passphrase if it is wrapped.
pub fn load_secret(path: &Path) -> anyhow::Result<SecretKey> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .with_context(|| format!("{} holds no key", path.display()))?;
    if line.starts_with(passerelle_crypto::WRAPPED_KEY_PREFIX) {
        let wrapped = WrappedKey::from_text(line)?;
        let pass = passphrase(false)?;
        Ok(wrapped.unwrap(pass.as_bytes())?)
    } else {
        Ok(SecretKey::from_text(line)
            .with_context(|| format!("{} holds no key", path.display()))?)
    }
}

/// A public key given as text, or read from a key file's `public key:` line.
pub fn load_public(arg: &str) -> anyhow::Result<PublicKey> {
    if let Ok(key) = PublicKey::from_text(arg) {
        return Ok(key);
    }
    let path = Path::new(arg);
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{arg:?} is neither a public key nor a readable key file"))?;
    public_in(&text).with_context(|| format!("{} holds no public key", path.display()))
}

/// The first `passerelle-pk:` key found in a text.
pub fn public_in(text: &str) -> anyhow::Result<PublicKey> {
    let word = text
        .split_whitespace()
        .find(|w| w.starts_with(passerelle_crypto::PUBLIC_KEY_PREFIX))
        .context("no passerelle-pk: key found")?;
    Ok(PublicKey::from_text(word)?)
}
