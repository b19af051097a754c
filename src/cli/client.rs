//! `login`, `logout`, `join`, `keys`, `send`, `inbox`, `relay` and `read`:
//! the client side, on the profile folder (server address, session, and the
//! device key wrapped under a passphrase). Everything is sealed and opened
//! here; the server only relays envelopes.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use passerelle::client::{
    Client, Join, KeyInfo, Mailbox, MailboxQuery, OpenedMessage, Party, Profile, find_party,
    membership_text, party_names, role_text, seal_message, status_text,
};
use passerelle_crypto::SecretKey;
use passerelle_domain::{CaseId, Membership, MessageId, MessageStatus};
use zeroize::Zeroizing;

use super::io;

/// Where a script gives the account password; otherwise it is asked.
pub const PASSWORD_ENV: &str = "PASSERELLE_PASSWORD";

/// The profile folder, common to every client command.
#[derive(Debug, Clone, clap::Args)]
pub struct ProfileArg {
    /// The profile folder (default `$PASSERELLE_PROFILE`, else `~/.config/passerelle`).
    #[arg(long, value_name = "DIR")]
    pub profile: Option<PathBuf>,
}

impl ProfileArg {
    pub(super) fn open(&self) -> anyhow::Result<Profile> {
        Ok(Profile::locate(self.profile.clone())?)
    }
}

/// Runs one client command on a small runtime of its own, with no logs: a
/// client's output is for the person at the terminal.
pub(super) fn block_on<T>(future: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(future)
}

fn password() -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return Ok(Zeroizing::new(value));
    }
    Ok(Zeroizing::new(
        rpassword::prompt_password("Password: ")
            .with_context(|| format!("no terminal to ask the password; set {PASSWORD_ENV}"))?,
    ))
}

pub(super) fn unlock(profile: &Profile) -> anyhow::Result<SecretKey> {
    if profile.wrapped_key()?.is_none() {
        bail!("this profile has no key yet: run `passerelle keys --generate`");
    }
    let passphrase = io::passphrase(false)?;
    Ok(profile.unlock(passphrase.as_bytes())?)
}

fn when(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Passwords and tokens cross plain HTTP in the clear: say so, except on
/// this machine.
fn warn_if_cleartext(server: &str) {
    let Ok(url) = reqwest::Url::parse(server) else {
        return;
    };
    let local = ["127.0.0.1", "localhost", "[::1]"];
    if url.scheme() == "http" && !local.contains(&url.host_str().unwrap_or_default()) {
        eprintln!(
            "warning: {server} is plain HTTP; your password and session cross the network unencrypted"
        );
    }
}

async fn sign_in(
    profile: &Profile,
    server: &str,
    login: &str,
    password: &str,
) -> anyhow::Result<()> {
    let session = profile.sign_in(server, login, password).await?;
    let (name, role) = (
        session.account.display_name,
        role_text(session.account.role),
    );
    println!(
        "Signed in as {name} ({role}) until {}.",
        when(session.expires_at)
    );
    if profile.wrapped_key()?.is_none() {
        println!("This profile has no key yet: run `passerelle keys --generate`.");
    }
    Ok(())
}

pub fn login(profile: &ProfileArg, server: Option<String>, login: &str) -> anyhow::Result<()> {
    let profile = profile.open()?;
    let server = match server {
        Some(server) => server,
        None => profile
            .server()?
            .context("give the server with --server URL")?,
    };
    warn_if_cleartext(&server);
    let password = password()?;
    block_on(sign_in(&profile, &server, login, &password))
}

pub fn logout(profile: &ProfileArg) -> anyhow::Result<()> {
    let profile = profile.open()?;
    let (mut client, _) = profile.client()?;
    block_on(async { Ok(client.logout().await?) })?;
    profile.forget_session()?;
    println!("Signed out.");
    Ok(())
}

pub fn join(
    profile: &ProfileArg,
    server: &str,
    code: String,
    login: &str,
    display_name: String,
    phone: Option<String>,
) -> anyhow::Result<()> {
    let profile = profile.open()?;
    warn_if_cleartext(server);
    let password = io::new_password(PASSWORD_ENV)?;
    let join = Join {
        code,
        login: login.to_owned(),
        password: password.to_string(),
        display_name,
        phone,
    };
    block_on(async {
        let joined = Client::new(server)?.redeem(&join).await?;
        println!(
            "Joined case {} as {}.",
            joined.case,
            role_text(joined.account.role)
        );
        sign_in(&profile, server, login, &password).await
    })
}

pub fn keys(
    profile: &ProfileArg,
    generate: bool,
    register: bool,
    case: Option<CaseId>,
) -> anyhow::Result<()> {
    let profile = profile.open()?;
    if let Some(case) = case {
        let (client, session) = profile.client()?;
        let parties = block_on(async { Ok(client.parties(case).await?) })?;
        println!("People of case {case}:");
        for party in &parties {
            let you = if party.account == session.account {
                " (you)"
            } else {
                ""
            };
            let key = party.key.as_ref().map_or("no device key".to_owned(), |k| {
                format!("key v{}, fingerprint {}", k.version, k.fingerprint)
            });
            let membership = membership_text(&party.membership);
            println!(
                "  {}{you}, {membership}: {key}\n    account {}",
                party.display_name, party.account
            );
        }
        return Ok(());
    }
    let registered = |info: KeyInfo| {
        println!(
            "Registered as your key version {}. Fingerprint: {}",
            info.version, info.fingerprint
        );
    };
    if generate {
        if let Some(existing) = profile.wrapped_key()? {
            bail!(
                "this profile already has a key (fingerprint {}); `passerelle keys --register` registers it again",
                existing.public_key().fingerprint()
            );
        }
        let (client, session) = profile.client()?;
        let key = SecretKey::generate()?;
        let passphrase = io::passphrase(true)?;
        profile.save_key(&key, passphrase.as_bytes(), session.account)?;
        println!(
            "New key, wrapped under your passphrase in {}.",
            profile.dir().display()
        );
        let info = block_on(async { Ok(client.register_key(&key.public_key()).await?) })
            .context("the key is saved but not registered; run `passerelle keys --register`")?;
        registered(info);
        return Ok(());
    }
    let public = profile
        .wrapped_key()?
        .context("this profile has no key yet: run `passerelle keys --generate`")?
        .public_key();
    if register {
        let (client, _) = profile.client()?;
        registered(block_on(async { Ok(client.register_key(&public).await?) })?);
        return Ok(());
    }
    println!(
        "Public key: {public}\nFingerprint: {}",
        public.fingerprint()
    );
    if let Ok((client, session)) = profile.client() {
        let history = block_on(async { Ok(client.key_history(session.account).await?) })?;
        match history.last() {
            Some(k) if k.key()? == public => println!("Registered: yes, version {}.", k.version),
            Some(k) => println!(
                "Registered: NO. The server has version {} (fingerprint {}); `passerelle keys --register` if this device is yours.",
                k.version, k.fingerprint
            ),
            None => println!("Registered: no; run `passerelle keys --register`."),
        }
    }
    Ok(())
}

pub fn send(
    profile: &ProfileArg,
    case: CaseId,
    to: &[String],
    on_behalf_of: Option<&str>,
    input: Option<&Path>,
) -> anyhow::Result<()> {
    let profile = profile.open()?;
    let (client, _) = profile.client()?;
    let plaintext = Zeroizing::new(io::read_input(input)?);
    if plaintext.is_empty() {
        bail!("the message is empty");
    }
    let secret = unlock(&profile)?;
    block_on(async {
        let parties = client.parties(case).await?;
        let find = |who: &str| {
            find_party(&parties, who)
                .map_err(|e| anyhow::anyhow!("{e}; `passerelle keys --case {case}` lists them"))
        };
        let to = to
            .iter()
            .map(|t| find(t))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let on_behalf_of = on_behalf_of.map(find).transpose()?;
        let outgoing = seal_message(&secret, case, &parties, &to, &plaintext, on_behalf_of)?;
        let info = client.send_message(&outgoing).await?;
        println!("Sent message {} ({}).", info.id, status_text(&info.status));
        println!("Sealed for: {}.", party_names(&parties, &outgoing.readers));
        for id in &outgoing.in_person_for {
            let name = party_names(&parties, &[*id]);
            println!("{name} has no device: a worker will read it to them in person.");
        }
        Ok(())
    })
}

fn print_message(message: &OpenedMessage) {
    let info = &message.info;
    println!(
        "Message {} [{}] {}",
        info.id,
        status_text(&info.status),
        when(info.created_at)
    );
    let role = message
        .sender_membership
        .map(|m| format!(", {}", membership_text(&m)));
    let behalf = message
        .on_behalf_of_name
        .as_ref()
        .map(|n| format!(", on behalf of {n}"));
    println!(
        "  From {}{}{} (key v{}, {})",
        message.sender_name,
        role.unwrap_or_default(),
        behalf.unwrap_or_default(),
        message.key_version,
        message.sender_fingerprint
    );
    if let Some(change) = message.key_changed {
        let now = change
            .current
            .map_or("none".to_owned(), |v| format!("v{v}"));
        println!(
            "  Note: sealed with their key v{}, their current key is {now}: their key changed; compare safety numbers in person.",
            change.sealed_with
        );
    }
    println!("  Readable by {}", message.readers.join(", "));
    for line in message.text().lines() {
        println!("  | {line}");
    }
}

pub fn inbox(
    profile: &ProfileArg,
    case: Option<CaseId>,
    outbox: bool,
    before: Option<i64>,
) -> anyhow::Result<()> {
    let profile = profile.open()?;
    let (client, _) = profile.client()?;
    let mailbox = if outbox {
        Mailbox::Outbox
    } else {
        Mailbox::Inbox
    };
    let query = MailboxQuery {
        mailbox,
        case,
        before,
        limit: None,
    };
    let page = block_on(async { Ok(client.mailbox(&query).await?) })?;
    if page.items.is_empty() {
        println!("No messages.");
        return Ok(());
    }
    let secret = unlock(&profile)?;
    block_on(async {
        let mut directory: HashMap<CaseId, Vec<Party>> = HashMap::new();
        for info in page.items {
            let parties = match directory.entry(info.case) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(client.parties(info.case).await?),
            };
            let (id, status) = (info.id, status_text(&info.status));
            match client.open_message(&secret, info, parties).await {
                Ok(opened) => print_message(&opened),
                Err(error) => println!("Message {id} [{status}]\n  cannot be opened here: {error}"),
            }
        }
        Ok(())
    })?;
    if let Some(next) = page.next {
        let flag = if outbox { " --outbox" } else { "" };
        println!("Older messages: passerelle inbox{flag} --before {next}");
    }
    Ok(())
}

pub fn relay(
    profile: &ProfileArg,
    message: MessageId,
    hold: Option<&str>,
    in_person: bool,
) -> anyhow::Result<()> {
    let profile = profile.open()?;
    let (client, _) = profile.client()?;
    let info = block_on(async {
        Ok(match (hold, in_person) {
            (Some(reason), _) => client.hold(message, reason).await?,
            (None, true) => client.deliver_in_person(message).await?,
            (None, false) => client.relay(message).await?,
        })
    })?;
    println!("Message {} is now {}.", info.id, status_text(&info.status));
    Ok(())
}

pub fn read(profile: &ProfileArg, message: MessageId) -> anyhow::Result<()> {
    let profile = profile.open()?;
    let (client, session) = profile.client()?;
    let secret = unlock(&profile)?;
    block_on(async {
        let info = client.message(message).await?;
        let parties = client.parties(info.case).await?;
        let opened = client.open_message(&secret, info, &parties).await?;
        print_message(&opened);
        let info = &opened.info;
        let staff = parties
            .iter()
            .any(|p| p.account == session.account && p.membership == Membership::Worker);
        // The addressee marks a relayed message read; a worker only one
        // they delivered in person. Anything else is left as it is.
        let note = match info.status {
            _ if info.sender == session.account => "your own message; its status is unchanged",
            MessageStatus::Read => "already read",
            MessageStatus::Delivered { in_person } if in_person || !staff => {
                client.mark_read(info.id).await?;
                "marked as read"
            }
            MessageStatus::PendingRelay | MessageStatus::Held { .. } if staff => {
                "not relayed yet: `passerelle relay` it, or hold it with a reason"
            }
            _ => "left unread: only its addressee marks it read",
        };
        println!("({note})");
        Ok(())
    })
}
