//! Sealing and opening version 1 envelopes.
//!
//! One fresh content key encrypts the payload once; HPKE in auth mode wraps
//! that key for each recipient and proves the sender to each. The steps and
//! every label are specified in the crate's `README.md`.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::hpke_suite::{
    AuthReceiver, AuthSender, Context as HpkeContext, KemSecret, Mode, ScheduleContext, decap,
    encap,
};
use crate::keyring::{Peer, PeerCache};
use crate::payload::{self, SideWork as _};
use crate::wire::{
    AEAD_TAG_LEN, CONTENT_KEY_LEN, DIGEST_LEN, Envelope, FIXED_PREFIX_LEN, KEY_LEN, MAC_LEN, MAGIC,
    MAX_PAYLOAD_LEN, MAX_RECIPIENTS, VERSION, WRAP_CT_LEN, WRAP_LEN, envelope_len,
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
    /// Fresh randomness for `recipients` wraps, drawn in one call.
    pub fn generate(recipients: usize) -> Result<Self, Error> {
        let mut drawn = Zeroizing::new(vec![0u8; CONTENT_KEY_LEN + 32 * recipients]);
        getrandom::fill(drawn.as_mut_slice()).map_err(|_| Error::Randomness)?;
        let (key, seeds) = drawn.split_at(CONTENT_KEY_LEN);
        let mut content_key = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
        content_key.copy_from_slice(key);
        let ephemeral_ikm = seeds
            .chunks_exact(32)
            .map(|seed| {
                let mut ikm = Zeroizing::new([0u8; 32]);
                ikm.copy_from_slice(seed);
                ikm
            })
            .collect();
        Ok(Self {
            content_key,
            ephemeral_ikm,
        })
    }

    /// Fresh randomness for a seal to `recipients` (after sorting and
    /// dropping repeats).
    pub(crate) fn for_recipients(recipients: &[PublicKey]) -> Result<Self, Error> {
        Self::generate(sorted_recipients(recipients)?.len())
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
pub struct Plaintext(Vec<u8>);

impl Plaintext {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `len` zero bytes, to decrypt into.
    pub(crate) fn zeroed(len: usize) -> Self {
        Self(vec![0; len])
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl Drop for Plaintext {
    /// One bulk write and a compiler fence (`zeroize` on the slice), rather
    /// than `Zeroizing<Vec<u8>>`'s byte-by-byte volatile writes. The vector
    /// is allocated at its final length, so it has no spare capacity.
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
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
///
/// Computes every Diffie-Hellman afresh; [`crate::Keyring::seal`] gives the
/// same envelope and keeps the sender-recipient ones for next time.
pub fn seal(
    sender: &SecretKey,
    recipients: &[PublicKey],
    context: &Context,
    plaintext: &[u8],
) -> Result<SealedEnvelope, Error> {
    let randomness = SealRandomness::for_recipients(recipients)?;
    seal_inner(sender, None, recipients, context, plaintext, randomness)
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
    seal_inner(sender, None, recipients, context, plaintext, randomness)
}

/// Where each field of an envelope with `n` recipients starts.
struct Layout {
    /// End of the prefix: start of `L`.
    prefix: usize,
    /// End of the header: start of the commitment.
    header: usize,
    /// End of the tagged part: start of the envelope tag.
    tagged: usize,
}

impl Layout {
    fn new(recipients: usize) -> Self {
        let prefix = FIXED_PREFIX_LEN + recipients * KEY_LEN;
        let header = prefix + 4 + DIGEST_LEN;
        let tagged = header + MAC_LEN + recipients * WRAP_LEN;
        Self {
            prefix,
            header,
            tagged,
        }
    }

    /// Start of the payload.
    fn payload(&self) -> usize {
        self.tagged + MAC_LEN
    }
}

/// Writes `bytes` at `*at` and moves past them.
fn put(out: &mut [u8], at: &mut usize, bytes: &[u8]) -> Result<(), Error> {
    let end = *at + bytes.len();
    out.get_mut(*at..end)
        .ok_or(Error::Malformed("envelope buffer too short"))?
        .copy_from_slice(bytes);
    *at = end;
    Ok(())
}

/// One recipient's encapsulation: `enc`, the KEM shared secret, and what
/// was computed about the recipient here (not cached). Boxed, so that
/// handing it to the cache moves a pointer, not the secret.
struct Encapped {
    enc: [u8; 32],
    secret: KemSecret,
    fresh: Option<Box<Peer>>,
}

/// The recipients' encapsulations, as work items that either thread of the
/// payload pass may take (see [`payload::SideWork`]). Each item is
/// independent of the header, so they can run while the payload is
/// encrypted; only the key schedule, which binds the header, waits.
struct Encapsulations<'a> {
    sender: &'a SecretKey,
    sender_public: PublicKey,
    recipients: &'a [PublicKey],
    seeds: &'a [Zeroizing<[u8; 32]>],
    cached: Vec<Option<&'a Peer>>,
    next: AtomicUsize,
    /// One slot per recipient, filled in place (never collected into
    /// another vector, which would leave copies of the secrets behind).
    done: Mutex<Vec<Option<Encapped>>>,
    /// The first failure, by recipient index.
    failed: Mutex<Option<(usize, Error)>>,
}

impl<'a> Encapsulations<'a> {
    fn new(
        sender: &'a SecretKey,
        recipients: &'a [PublicKey],
        seeds: &'a [Zeroizing<[u8; 32]>],
        cache: Option<&'a PeerCache>,
    ) -> Self {
        Self {
            sender,
            sender_public: sender.public_key(),
            recipients,
            seeds,
            cached: recipients
                .iter()
                .map(|key| cache.and_then(|c| c.get(key)))
                .collect(),
            next: AtomicUsize::new(0),
            done: Mutex::new(recipients.iter().map(|_| None).collect()),
            failed: Mutex::new(None),
        }
    }

    /// How many X25519s the encapsulations do: one each, and one more for
    /// each static Diffie-Hellman not in the cache.
    fn diffie_hellmans(&self) -> usize {
        self.recipients.len() + self.cached.iter().filter(|c| c.is_none()).count()
    }

    fn encap(&self, index: usize) -> Result<Encapped, Error> {
        let recipient = self
            .recipients
            .get(index)
            .ok_or(Error::Malformed("one ephemeral seed per recipient"))?;
        let seed = self
            .seeds
            .get(index)
            .ok_or(Error::Malformed("one ephemeral seed per recipient"))?;
        let cached = self.cached.get(index).copied().flatten();
        let fresh = match cached {
            Some(_) => None,
            None => Some(Peer::compute(self.sender, recipient)?),
        };
        let peer = cached
            .or(fresh.as_deref())
            .ok_or(Error::Malformed("missing static Diffie-Hellman"))?;
        let (enc, secret) = encap(
            seed,
            recipient,
            Some(AuthSender {
                public: &self.sender_public,
                static_dh: &peer.static_dh,
            }),
        )?;
        Ok(Encapped { enc, secret, fresh })
    }

    /// Every encapsulation, one slot per recipient in order, all filled;
    /// the first error (in that order) if any failed.
    fn into_results(self) -> Result<Vec<Option<Encapped>>, Error> {
        while self.run_one() {}
        if let Some((_, error)) = self
            .failed
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            return Err(error);
        }
        let done = self
            .done
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if done.iter().any(Option::is_none) {
            return Err(Error::Malformed("missing encapsulation"));
        }
        Ok(done)
    }
}

impl payload::SideWork for Encapsulations<'_> {
    fn run_one(&self) -> bool {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        if index >= self.recipients.len() {
            return false;
        }
        match self.encap(index) {
            Ok(one) => {
                if let Some(slot) = self
                    .done
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_mut(index)
                {
                    *slot = Some(one);
                }
            }
            Err(error) => {
                let mut failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
                if failed.as_ref().is_none_or(|(first, _)| index < *first) {
                    *failed = Some((index, error));
                }
            }
        }
        true
    }
}

/// How a seal shares its work between threads (the envelope is the same
/// either way). On the benchmark machine, starting a thread costs the
/// caller about 25 µs and the new thread runs some 40 µs later; one X25519
/// costs about 28 µs and an encapsulation does one or two (one when the
/// static Diffie-Hellman is cached) and loads an ephemeral key (8 µs); the
/// payload pass costs about 1 µs per KiB. `diffie_hellmans` counts the
/// X25519s the encapsulations will do.
/// - A large payload (see [`payload::PARALLEL_MIN_LEN`]): the payload pass
///   itself is split, and the encapsulations fill the gaps.
/// - Five Diffie-Hellmans or more (three recipients on a first contact,
///   five between established correspondents), or two recipients and a
///   payload of a few dozen KiB: one thread runs the payload pass, and both
///   share the encapsulations.
/// - Less than that: a thread would cost about what it saves.
fn seal_threads(
    plaintext_len: usize,
    recipients: usize,
    diffie_hellmans: usize,
) -> payload::Threads {
    if plaintext_len >= payload::PARALLEL_MIN_LEN {
        payload::Threads::Pipelined
    } else if diffie_hellmans >= 5 || (recipients >= 2 && plaintext_len >= 32 * 1024) {
        payload::Threads::SideWorkHelper
    } else {
        payload::Threads::One
    }
}

/// Sealing, with or without a cache of static Diffie-Hellman results.
pub(crate) fn seal_inner(
    sender: &SecretKey,
    cache: Option<&mut PeerCache>,
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
    let layout = Layout::new(count);
    let keys = ContentKeys::derive(&randomness.content_key)?;

    // The envelope is written in place, in its one buffer: the prefix now,
    // the payload straight from the plaintext to its final offset, then the
    // slots left for the digest, the commitment, the wraps and the tag.
    let mut out = vec![0u8; envelope_len(count, plaintext.len())];
    let mut at = 0;
    put(&mut out, &mut at, &MAGIC)?;
    put(
        &mut out,
        &mut at,
        &[VERSION, context.content_type.to_byte()],
    )?;
    put(&mut out, &mut at, context.message_id.as_bytes())?;
    put(&mut out, &mut at, context.case_id.as_bytes())?;
    put(&mut out, &mut at, sender.public_key().as_bytes())?;
    put(&mut out, &mut at, &(count as u16).to_be_bytes())?;
    for key in &recipients {
        put(&mut out, &mut at, key.as_bytes())?;
    }
    let payload_len = plaintext.len() + AEAD_TAG_LEN;
    put(&mut out, &mut at, &(payload_len as u32).to_be_bytes())?;

    let encapsulations = Encapsulations::new(
        sender,
        &recipients,
        &randomness.ephemeral_ikm,
        cache.as_deref(),
    );
    let (head, payload) = out.split_at_mut(layout.payload());
    let (ciphertext, payload_tag) = payload.split_at_mut(plaintext.len());
    // The payload is bound to the prefix. The second thread, when there is
    // one, takes encapsulations whenever it is not hashing.
    let sealed = payload::seal(
        &keys.payload,
        &head[..layout.prefix],
        plaintext,
        ciphertext,
        &encapsulations,
        seal_threads(plaintext.len(), count, encapsulations.diffie_hellmans()),
    )?;
    payload_tag.copy_from_slice(&sealed.tag);
    let mut encapped = encapsulations.into_results()?;

    let mut at = layout.prefix + 4;
    put(head, &mut at, &sealed.digest)?;
    let commitment = commit(&randomness.content_key, &head[..layout.header])?;
    put(head, &mut at, &commitment)?;

    // The key schedule binds the header; its info hash is the same for
    // every wrap, so it is computed once.
    let schedule = ScheduleContext::new(Mode::Auth, &[WRAP_INFO_LABEL, &head[..layout.header]]);
    for one in encapped.iter().flatten() {
        let hpke = HpkeContext::new(&one.secret, &schedule)?;
        put(head, &mut at, &one.enc)?;
        let slot = head
            .get_mut(at..at + WRAP_CT_LEN)
            .ok_or(Error::Malformed("envelope buffer too short"))?;
        hpke.seal_into(0, &commitment, randomness.content_key.as_slice(), slot)?;
        at += WRAP_CT_LEN;
    }

    let tag = keys.tag(&head[..layout.tagged])?;
    put(head, &mut at, &tag)?;

    if let Some(cache) = cache {
        for (key, one) in recipients.iter().zip(encapped.iter_mut().flatten()) {
            if let Some(fresh) = one.fresh.take() {
                cache.insert(*key, fresh);
            }
        }
    }
    Ok(SealedEnvelope(out))
}

/// Opens `envelope` with `recipient`'s key, accepting it only from
/// `expected_sender`.
///
/// Checks, in order: structure (see [`Envelope::parse`]), the sender
/// (`WrongSender`), membership (`NotARecipient`), then the wrap, the key
/// commitment, the envelope tag, the payload digest and the payload, any of
/// which fails as `Tampered`.
///
/// Computes every Diffie-Hellman afresh; [`crate::Keyring::open`] gives the
/// same result and keeps the recipient-sender one for next time.
pub fn open(
    envelope: &[u8],
    recipient: &SecretKey,
    expected_sender: &PublicKey,
) -> Result<Opened, Error> {
    open_inner(recipient, None, envelope, expected_sender)
}

/// Opening, with or without a cache of static Diffie-Hellman results.
pub(crate) fn open_inner(
    recipient: &SecretKey,
    cache: Option<&mut PeerCache>,
    envelope: &[u8],
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

    let cached = cache.as_deref().and_then(|c| c.get(&parsed.sender));
    let fresh = match cached {
        Some(_) => None,
        None => Some(Peer::compute(recipient, &parsed.sender).map_err(|_| Error::Tampered)?),
    };
    let content_key = {
        let peer = cached.or(fresh.as_deref()).ok_or(Error::Tampered)?;
        let secret = decap(
            enc,
            recipient,
            Some(AuthReceiver {
                sender: &parsed.sender,
                static_dh: &peer.static_dh,
            }),
        )?;
        let schedule = ScheduleContext::new(Mode::Auth, &[WRAP_INFO_LABEL, parsed.header]);
        let hpke = HpkeContext::new(&secret, &schedule).map_err(|_| Error::Tampered)?;
        let mut key = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
        hpke.open_into(0, parsed.commitment, ct, key.as_mut_slice())?;
        key
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
    // The payload digest, the payload tag, then the plaintext. Large
    // payloads check the first two on a second thread while this one
    // decrypts, and release nothing unless both pass.
    let plaintext = payload::open(
        &keys.payload,
        parsed.prefix,
        parsed.payload,
        parsed.payload_digest,
        parsed.payload.len() >= payload::PARALLEL_MIN_LEN,
    )?;

    if let (Some(cache), Some(fresh)) = (cache, fresh) {
        cache.insert(parsed.sender, fresh);
    }
    Ok(Opened {
        context: Context {
            content_type: parsed.content_type,
            message_id: parsed.message_id,
            case_id: parsed.case_id,
        },
        sender: parsed.sender,
        recipients: parsed.recipients().collect(),
        plaintext,
    })
}

/// ChaCha20-Poly1305 in place: the payload cipher (see [`payload`]), here
/// with any nonce for the RFC 8439 vectors. The payload always uses the zero
/// nonce: its key is derived from a content key drawn fresh for every
/// envelope.
#[cfg(test)]
fn payload_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    buffer: &mut [u8],
) -> Result<[u8; AEAD_TAG_LEN], Error> {
    let plaintext = buffer.to_vec();
    payload::encrypt(key, nonce, aad, &plaintext, buffer)
}

#[cfg(test)]
fn payload_open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8; AEAD_TAG_LEN],
) -> Result<(), Error> {
    let ciphertext = buffer.to_vec();
    payload::decrypt(key, nonce, aad, &ciphertext, tag, buffer)
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
/// the content type or the payload under an existing wrap. (Sealing and
/// opening hash it in these two pieces, without building it.)
#[cfg(test)]
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
