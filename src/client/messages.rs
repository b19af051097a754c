//! Sealing and opening messages on the device. The recipients are chosen
//! here from the case's key directory, and every opened message is checked
//! against that directory: the server relays envelopes it cannot read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{
    CaseId as WireCaseId, ContentType, Context, Envelope, MessageId as WireMessageId,
};
use passerelle_crypto::{Plaintext, PublicKey, SecretKey};
use passerelle_domain::{AccountId, CaseId, Membership};

use super::{Client, ClientError, MessageInfo, Party};

/// A sealed message ready to upload with [`Client::send_message`].
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The case.
    pub case: CaseId,
    /// The envelope's own message id (unique per sender).
    pub message_id: uuid::Uuid,
    /// The sealed envelope.
    pub envelope: Vec<u8>,
    /// The detained person a worker writes for, if so.
    pub on_behalf_of: Option<AccountId>,
    /// Who can open it: the accounts whose keys it is sealed to.
    pub readers: Vec<AccountId>,
    /// Addressees without a device: a worker reads the message to them.
    pub in_person_for: Vec<AccountId>,
}

impl Outgoing {
    /// The envelope as the API takes it.
    pub fn envelope_base64(&self) -> String {
        STANDARD.encode(&self.envelope)
    }
}

/// Seals `plaintext` in `case` for `addressees`, with `secret`, the key
/// registered for this device. The recipients are the addressees' current
/// keys, every worker of the case who has a key (they relay and answer for
/// the case; the server requires it), and the sender's own key, so that the
/// outbox stays readable. An addressee without a device can only be the
/// detained person: a worker delivers it in person. `on_behalf_of` names
/// the detained person a worker writes for.
pub fn seal_message(
    secret: &SecretKey,
    case: CaseId,
    parties: &[Party],
    addressees: &[AccountId],
    plaintext: &[u8],
    on_behalf_of: Option<AccountId>,
) -> Result<Outgoing, ClientError> {
    let mine = secret.public_key();
    let me = parties
        .iter()
        .find(|p| p.public_key() == Some(mine))
        .ok_or_else(|| {
            ClientError::Invalid(
                "this device's key is not your registered key in this case: run `passerelle keys --register`".into(),
            )
        })?;
    if addressees.is_empty() {
        return Err(ClientError::Invalid("name at least one addressee".into()));
    }
    if let Some(detainee) = on_behalf_of {
        let party = parties.iter().find(|p| p.account == detainee);
        if me.membership != Membership::Worker
            || party.map(|p| p.membership) != Some(Membership::Detainee)
        {
            return Err(ClientError::Invalid(
                "only a worker writes on behalf of the case's detained person".into(),
            ));
        }
    }
    let mut keys = vec![mine];
    let mut readers = vec![me.account];
    let mut add = |party: &Party, key: PublicKey| {
        if !keys.contains(&key) {
            keys.push(key);
            readers.push(party.account);
        }
    };
    let workers_with_keys: Vec<&Party> = parties
        .iter()
        .filter(|p| p.membership == Membership::Worker && p.public_key().is_some())
        .collect();
    let mut in_person_for = Vec::new();
    for addressee in addressees {
        let party = parties
            .iter()
            .find(|p| p.account == *addressee)
            .ok_or_else(|| {
                ClientError::Invalid(format!(
                    "{addressee} is not a party of this case that you can see"
                ))
            })?;
        match party.public_key() {
            Some(key) => add(party, key),
            None if party.membership == Membership::Detainee && !workers_with_keys.is_empty() => {
                in_person_for.push(party.account);
            }
            None => {
                return Err(ClientError::Invalid(format!(
                    "{} has no device key yet, so nobody could read this to them",
                    party.display_name
                )));
            }
        }
    }
    for worker in &workers_with_keys {
        if let Some(key) = worker.public_key() {
            add(worker, key);
        }
    }
    let message_id = uuid::Uuid::new_v4();
    let context = Context {
        content_type: ContentType::Message,
        message_id: WireMessageId::from_bytes(*message_id.as_bytes()),
        case_id: WireCaseId::from_bytes(*case.as_uuid().as_bytes()),
    };
    let envelope = passerelle_crypto::seal(secret, &keys, &context, plaintext)?.into_bytes();
    Ok(Outgoing {
        case,
        message_id,
        envelope,
        on_behalf_of,
        readers,
        in_person_for,
    })
}

/// The sender sealed the message with a key older than their current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyChange {
    /// The version of the key that sealed the message.
    pub sealed_with: i64,
    /// Their current version, if the directory shows one.
    pub current: Option<i64>,
}

/// A message opened on this device, its sender checked.
#[derive(Debug)]
pub struct OpenedMessage {
    /// The server's view of it (status, dates, sender account).
    pub info: MessageInfo,
    /// The sender's name, from the case's directory.
    pub sender_name: String,
    /// What the sender is to the case, if the caller can see them.
    pub sender_membership: Option<Membership>,
    /// The name of the detained person a worker wrote for, if so.
    pub on_behalf_of_name: Option<String>,
    /// The fingerprint of the key that sealed it.
    pub sender_fingerprint: String,
    /// The version of that key in the sender's history.
    pub key_version: i64,
    /// Set when the sender's key has changed since: compare safety numbers.
    pub key_changed: Option<KeyChange>,
    /// The names of everyone who can open it (a key no party holds any more
    /// shows as "a key not current in this case").
    pub readers: Vec<String>,
    /// The content, zeroized when dropped.
    pub plaintext: Plaintext,
}

impl OpenedMessage {
    /// The content as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.plaintext.as_bytes()).into_owned()
    }
}

impl Client {
    /// Opens a message with this device's key, accepting it only if it was
    /// sealed with a key the directory gives its sender: their current key
    /// (from `parties`, the case's directory) or, reported as a key change,
    /// an older one from their key history.
    pub async fn open_message(
        &self,
        secret: &SecretKey,
        info: MessageInfo,
        parties: &[Party],
    ) -> Result<OpenedMessage, ClientError> {
        let bytes = info.envelope_bytes()?;
        let envelope = Envelope::parse(&bytes)?;
        let sealed_by = envelope.sender();
        let sender = parties.iter().find(|p| p.account == info.sender);
        let current = sender.and_then(|p| p.key.as_ref());
        let (key_version, key_changed) = match current {
            Some(key) if key.key()? == sealed_by => (key.version, None),
            _ => {
                let history = self.key_history(info.sender).await?;
                let mut found = None;
                for key in &history {
                    if key.key()? == sealed_by {
                        found = Some(key.version);
                    }
                }
                let version = found.ok_or_else(|| {
                    ClientError::Invalid(format!(
                        "message {} is sealed with key {}, which its sender never registered: do not trust it",
                        info.id,
                        sealed_by.fingerprint()
                    ))
                })?;
                let latest = current
                    .map(|k| k.version)
                    .or(history.last().map(|k| k.version));
                let change = KeyChange {
                    sealed_with: version,
                    current: latest,
                };
                (version, (latest != Some(version)).then_some(change))
            }
        };
        let opened = passerelle_crypto::open(&bytes, secret, &sealed_by)?;
        if opened.context.case_id.as_bytes() != info.case.as_uuid().as_bytes() {
            return Err(ClientError::Invalid(format!(
                "message {} is sealed for another case than the server says",
                info.id
            )));
        }
        if opened.context.content_type != ContentType::Message {
            return Err(ClientError::Invalid(format!(
                "message {} is not a message envelope",
                info.id
            )));
        }
        let name_of = |account: AccountId| {
            parties.iter().find(|p| p.account == account).map_or_else(
                || "someone outside your view of the case".to_owned(),
                |p| p.display_name.clone(),
            )
        };
        let readers = opened
            .recipients
            .iter()
            .map(|key| {
                parties
                    .iter()
                    .find(|p| p.public_key() == Some(*key))
                    .map_or_else(
                        || "a key not current in this case".to_owned(),
                        |p| p.display_name.clone(),
                    )
            })
            .collect();
        Ok(OpenedMessage {
            sender_name: name_of(info.sender),
            sender_membership: sender.map(|p| p.membership),
            on_behalf_of_name: info.on_behalf_of.map(name_of),
            sender_fingerprint: sealed_by.fingerprint().to_string(),
            key_version,
            key_changed,
            readers,
            plaintext: opened.plaintext,
            info,
        })
    }
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
