//! Sealing and opening version 1 envelopes.
//!
//! One fresh content key encrypts the payload once; HPKE in auth mode wraps
//! that key for each recipient and proves the sender to each. The steps and
//! every label are specified in the crate's `README.md`.

use std::fmt;

use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::hpke_suite::{open_wrap, seal_wrap};
use crate::wire::{
    AEAD_TAG_LEN, CONTENT_KEY_LEN, DIGEST_LEN, Envelope, KEY_LEN, MAC_LEN, MAGIC, MAX_PAYLOAD_LEN,
    MAX_RECIPIENTS, VERSION, WRAP_LEN, envelope_len,
};
use crate::{CaseId, ContentType, Error, MessageId, PublicKey, SecretKey};

/// HKDF info for the payload key.
pub const PAYLOAD_KEY_INFO: &[u8] = b"passerelle/v1/payload-key";
/// HKDF info for the envelope-tag key.
pub const TAG_KEY_INFO: &[u8] = b"passerelle/v1/envelope-tag-key";
/// Prefix of the key commitment's HMAC input.
pub const COMMITMENT_LABEL: &[u8] = b"passerelle/v1/key-commitment";
/// Prefix of every wrap's HPKE info.
pub const WRAP_INFO_LABEL: &[u8] = b"passerelle/v1/wrap";

/// The header fields chosen by the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// What the envelope carries.
    pub content_type: ContentType,
    /// Unique per sender.
    pub message_id: MessageId,
    /// The case the envelope belongs to.
    pub case_id: CaseId,
}

/// The random inputs of one seal. [`seal`] draws them from the operating
/// system; fixing them reproduces an envelope byte for byte, which is how
/// the shared test vectors are made.
pub struct SealRandomness {
    /// The content key.
    pub content_key: Zeroizing<[u8; CONTENT_KEY_LEN]>,
    /// The HPKE ephemeral key material (`ikmE`), one per recipient, in the
    /// recipients' sorted order.
    pub ephemeral_ikm: Vec<Zeroizing<[u8; 32]>>,
}

impl SealRandomness {
    /// Fresh randomness for `recipients` wraps.
    pub fn generate(recipients: usize) -> Result<Self, Error> {
        let mut content_key = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
        getrandom::fill(content_key.as_mut_slice()).map_err(|_| Error::Randomness)?;
        let mut ephemeral_ikm = Vec::with_capacity(recipients);
        for _ in 0..recipients {
            let mut ikm = Zeroizing::new([0u8; 32]);
            getrandom::fill(ikm.as_mut_slice()).map_err(|_| Error::Randomness)?;
            ephemeral_ikm.push(ikm);
        }
        Ok(Self {
            content_key,
            ephemeral_ikm,
        })
    }
}

impl fmt::Debug for SealRandomness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealRandomness").finish_non_exhaustive()
    }
}

/// A sealed envelope: opaque bytes, safe to store and to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedEnvelope(Vec<u8>);

impl SealedEnvelope {
    /// The wire bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The wire bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for SealedEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealedEnvelope({} bytes)", self.0.len())
    }
}

/// Decrypted content: zeroized on drop and redacted in `Debug`.
pub struct Plaintext(Zeroizing<Vec<u8>>);

impl Plaintext {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext(<{} bytes redacted>)", self.0.len())
    }
}

/// An opened envelope: its authenticated header and its plaintext.
#[derive(Debug)]
pub struct Opened {
    /// The header fields, now authenticated.
    pub context: Context,
    /// The sender, proven by the wrap.
    pub sender: PublicKey,
    /// Everyone who can read this envelope.
    pub recipients: Vec<PublicKey>,
    /// The content.
    pub plaintext: Plaintext,
}

/// Seals `plaintext` from `sender` to `recipients` with fresh randomness.
///
/// Recipients are sorted and repeats dropped. Refuses an empty recipient
/// list (`Malformed`), more than [`MAX_RECIPIENTS`] (`TooManyRecipients`), and
/// a plaintext over [`MAX_PAYLOAD_LEN`] (`TooLarge`).
pub fn seal(
    sender: &SecretKey,
    recipients: &[PublicKey],
    context: &Context,
    plaintext: &[u8],
) -> Result<SealedEnvelope, Error> {
    let count = sorted_recipients(recipients)?.len();
    seal_with_randomness(
        sender,
        recipients,
        context,
        plaintext,
        SealRandomness::generate(count)?,
    )
}

/// [`seal`] with the random inputs given, for reproducible test vectors.
/// Never reuse a [`SealRandomness`]: the same content key twice breaks the
/// payload encryption.
pub fn seal_with_randomness(
    sender: &SecretKey,
    recipients: &[PublicKey],
    context: &Context,
    plaintext: &[u8],
    randomness: SealRandomness,
) -> Result<SealedEnvelope, Error> {
    let recipients = sorted_recipients(recipients)?;
    if plaintext.len() > MAX_PAYLOAD_LEN {
        return Err(Error::TooLarge {
            max: MAX_PAYLOAD_LEN,
        });
    }
    if randomness.ephemeral_ikm.len() != recipients.len() {
        return Err(Error::Malformed("one ephemeral seed per recipient"));
    }
    let count = recipients.len();
    let payload_len = plaintext.len() + AEAD_TAG_LEN;
    let keys = ContentKeys::derive(&randomness.content_key)?;

    let mut out = Vec::with_capacity(envelope_len(count, plaintext.len()));
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(context.content_type.to_byte());
    out.extend_from_slice(context.message_id.as_bytes());
    out.extend_from_slice(context.case_id.as_bytes());
    out.extend_from_slice(sender.public_key().as_bytes());
    out.extend_from_slice(&(count as u16).to_be_bytes());
    for key in &recipients {
        out.extend_from_slice(key.as_bytes());
    }
    let prefix_len = out.len();

    // Encrypt the payload in a buffer of its own, bound to the prefix.
    let mut payload = Vec::with_capacity(payload_len);
    payload.extend_from_slice(plaintext);
    let tag = payload_seal(&keys.payload, &[0; 12], &out[..prefix_len], &mut payload)?;
    payload.extend_from_slice(&tag);

    out.extend_from_slice(&(payload_len as u32).to_be_bytes());
    out.extend_from_slice(blake3::hash(&payload).as_bytes());
    let header_len = out.len();

    let commitment = commit(&randomness.content_key, &out[..header_len])?;
    out.extend_from_slice(&commitment);

    let info = wrap_info(&out[..header_len]);
    for (key, ikm) in recipients.iter().zip(&randomness.ephemeral_ikm) {
        let (enc, ct) = seal_wrap(
            Some(sender),
            key,
            &info,
            &commitment,
            randomness.content_key.as_slice(),
            ikm,
        )?;
        out.extend_from_slice(&enc);
        out.extend_from_slice(&ct);
    }

    let tag = keys.tag(&out)?;
    out.extend_from_slice(&tag);
    out.extend_from_slice(&payload);
    Ok(SealedEnvelope(out))
}

/// Opens `envelope` with `recipient`'s key, accepting it only from
/// `expected_sender`.
///
/// Checks, in order: structure (see [`Envelope::parse`]), the sender
/// (`WrongSender`), membership (`NotARecipient`), then the wrap, the key
/// commitment, the envelope tag, the payload digest and the payload, any of
/// which fails as `Tampered`.
pub fn open(
    envelope: &[u8],
    recipient: &SecretKey,
    expected_sender: &PublicKey,
) -> Result<Opened, Error> {
    let parsed = Envelope::parse(envelope)?;
    if parsed.sender != *expected_sender {
        return Err(Error::WrongSender);
    }
    let index = parsed
        .recipient_index(&recipient.public_key())
        .ok_or(Error::NotARecipient)?;
    let (enc, ct) = parsed.wrap(index)?;

    let content_key = {
        let opened = open_wrap(
            recipient,
            Some(&parsed.sender),
            enc,
            &wrap_info(parsed.header),
            parsed.commitment,
            ct,
        )?;
        let key: [u8; CONTENT_KEY_LEN] =
            opened.as_slice().try_into().map_err(|_| Error::Tampered)?;
        Zeroizing::new(key)
    };

    // The commitment before anything is decrypted: a sender who wrapped
    // different content keys for different recipients (so that the relaying
    // worker and the detained person would read different texts) is caught
    // here, because only one key matches the commitment.
    verify_mac(
        commitment_mac(&content_key)?.chain_update(parsed.header),
        parsed.commitment,
    )?;
    let keys = ContentKeys::derive(&content_key)?;
    verify_mac(keys.tag_mac()?.chain_update(parsed.tagged), parsed.tag)?;
    parsed.verify_payload_digest()?;

    let (body, tag) = parsed
        .payload
        .split_last_chunk::<AEAD_TAG_LEN>()
        .ok_or(Error::Tampered)?;
    let mut plaintext = Zeroizing::new(body.to_vec());
    payload_open(&keys.payload, &[0; 12], parsed.prefix, &mut plaintext, tag)?;

    Ok(Opened {
        context: Context {
            content_type: parsed.content_type,
            message_id: parsed.message_id,
            case_id: parsed.case_id,
        },
        sender: parsed.sender,
        recipients: parsed.recipients().collect(),
        plaintext: Plaintext(plaintext),
    })
}

/// ChaCha20-Poly1305 in place. The payload always uses the zero nonce: its
/// key is derived from a content key drawn fresh for every envelope.
fn payload_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    buffer: &mut [u8],
) -> Result<[u8; AEAD_TAG_LEN], Error> {
    ChaCha20Poly1305::new(&(*key).into())
        .encrypt_inout_detached(&(*nonce).into(), aad, buffer.into())
        .map(Into::into)
        .map_err(|_| Error::TooLarge {
            max: MAX_PAYLOAD_LEN,
        })
}

fn payload_open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8; AEAD_TAG_LEN],
) -> Result<(), Error> {
    ChaCha20Poly1305::new(&(*key).into())
        .decrypt_inout_detached(&(*nonce).into(), aad, buffer.into(), &(*tag).into())
        .map_err(|_| Error::Tampered)
}

fn sorted_recipients(recipients: &[PublicKey]) -> Result<Vec<PublicKey>, Error> {
    let mut sorted = recipients.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.is_empty() {
        return Err(Error::Malformed("an envelope needs at least one recipient"));
    }
    if sorted.len() > MAX_RECIPIENTS {
        return Err(Error::TooManyRecipients {
            max: MAX_RECIPIENTS,
        });
    }
    Ok(sorted)
}

/// The keys derived from one content key.
struct ContentKeys {
    payload: Zeroizing<[u8; 32]>,
    tag: Zeroizing<[u8; 32]>,
}

impl ContentKeys {
    /// The payload key is derived, never the content key itself, so the one
    /// key is never used under two algorithms.
    fn derive(content_key: &[u8; CONTENT_KEY_LEN]) -> Result<Self, Error> {
        let hkdf = Hkdf::<Sha256>::new(None, content_key);
        let mut payload = Zeroizing::new([0u8; 32]);
        let mut tag = Zeroizing::new([0u8; 32]);
        hkdf.expand(PAYLOAD_KEY_INFO, payload.as_mut_slice())
            .and_then(|()| hkdf.expand(TAG_KEY_INFO, tag.as_mut_slice()))
            .map_err(|_| Error::Malformed("key derivation failed"))?;
        Ok(Self { payload, tag })
    }

    fn tag_mac(&self) -> Result<Hmac<Sha256>, Error> {
        <Hmac<Sha256>>::new_from_slice(self.tag.as_slice())
            .map_err(|_| Error::Malformed("key derivation failed"))
    }

    /// The envelope tag covers every byte before it, wraps included, so that
    /// each recipient notices a change to anybody's wrap.
    fn tag(&self, tagged: &[u8]) -> Result<[u8; MAC_LEN], Error> {
        Ok(self
            .tag_mac()?
            .chain_update(tagged)
            .finalize()
            .into_bytes()
            .into())
    }
}

fn commitment_mac(content_key: &[u8; CONTENT_KEY_LEN]) -> Result<Hmac<Sha256>, Error> {
    Ok(<Hmac<Sha256>>::new_from_slice(content_key)
        .map_err(|_| Error::Malformed("key derivation failed"))?
        .chain_update(COMMITMENT_LABEL))
}

fn commit(content_key: &[u8; CONTENT_KEY_LEN], header: &[u8]) -> Result<[u8; MAC_LEN], Error> {
    Ok(commitment_mac(content_key)?
        .chain_update(header)
        .finalize()
        .into_bytes()
        .into())
}

fn verify_mac(mac: Hmac<Sha256>, expected: &[u8; MAC_LEN]) -> Result<(), Error> {
    mac.verify_slice(expected).map_err(|_| Error::Tampered)
}

/// The wrap's HPKE info: the label, then the whole header. Binding the
/// header in every wrap stops anyone swapping the recipient list, the case,
/// the content type or the payload under an existing wrap.
fn wrap_info(header: &[u8]) -> Vec<u8> {
    let mut info = Vec::with_capacity(WRAP_INFO_LABEL.len() + header.len());
    info.extend_from_slice(WRAP_INFO_LABEL);
    info.extend_from_slice(header);
    info
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;

// Compile-time checks of the lengths the format relies on.
const _: () = assert!(WRAP_LEN == KEY_LEN + CONTENT_KEY_LEN + AEAD_TAG_LEN);
const _: () = assert!(DIGEST_LEN == 32);
