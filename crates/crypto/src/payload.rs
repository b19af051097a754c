//! The payload pass: ChaCha20-Poly1305 (RFC 8439 §2.8) of the payload and
//! BLAKE3 of its ciphertext, in one pass over the bytes.
//!
//! The AEAD is composed here from the `chacha20` stream cipher and the
//! `poly1305` MAC, exactly as RFC 8439 §2.8 and the `chacha20poly1305` crate
//! compose them, so that the ciphertext can be produced and authenticated
//! chunk by chunk: the keystream on one thread, Poly1305 and BLAKE3 over each
//! finished chunk on a second one. The bytes are the same either way; the
//! tests check them against RFC 8439 and the `chacha20poly1305` crate.
//!
//! Large payloads use that second thread; small ones do the pass on the
//! caller's thread, where splitting it would cost more than it saves.
//! Sealing also hands the second thread other independent work (the
//! recipients' key encapsulations, see [`SideWork`]): while it waits for a
//! chunk, or, for a small payload with several recipients, as its only
//! work ([`Threads`]).

use std::sync::mpsc::{self, TryRecvError};
use std::thread;

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use poly1305::Poly1305;
use poly1305::universal_hash::{KeyInit, UniversalHash};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::Error;
use crate::envelope::Plaintext;
use crate::wire::{AEAD_TAG_LEN, DIGEST_LEN};

/// The unit of work handed between the two threads: a multiple of the
/// ChaCha20 block and of the Poly1305 block, small enough to stay in cache.
const CHUNK: usize = 64 * 1024;

/// From this payload size on, the payload pass uses a second thread.
/// Starting one costs tens of microseconds; below this size the work it
/// would take over is not much larger.
pub(crate) const PARALLEL_MIN_LEN: usize = 256 * 1024;

/// Independent work that the helper thread may pick up while it waits for
/// the next chunk, and that the caller's thread finishes after its own pass.
pub(crate) trait SideWork: Sync {
    /// Runs one item; `false` when none is left.
    fn run_one(&self) -> bool;
}

/// Poly1305 over `aad || pad16 || ciphertext || pad16 || lengths`, fed so
/// that the crate's four-block AVX2 path stays in use. That path runs only
/// when the blocks absorbed so far are a multiple of four; otherwise every
/// block goes through a one-at-a-time fallback, half again slower. The AAD
/// (an envelope prefix is `5 + 2n` blocks) leaves it misaligned, so the
/// first ciphertext bytes are fed on their own up to the next multiple of
/// four blocks. The result is the same Poly1305; only the speed differs.
struct Mac {
    poly: Poly1305,
    /// Blocks absorbed so far.
    blocks: usize,
}

impl Mac {
    fn new(key: &[u8; 32]) -> Self {
        Self {
            poly: Poly1305::new(&(*key).into()),
            blocks: 0,
        }
    }

    /// Absorbs `data`, zero-padded to a whole block. Every piece but the
    /// last of the AAD or of the ciphertext must be whole blocks.
    fn absorb(&mut self, data: &[u8]) {
        let lead = (4 - self.blocks % 4) % 4 * 16;
        match data.split_at_checked(lead) {
            Some((head, rest)) if lead > 0 && !rest.is_empty() => {
                self.poly.update_padded(head);
                self.poly.update_padded(rest);
            }
            _ => self.poly.update_padded(data),
        }
        self.blocks += data.len().div_ceil(16);
    }

    /// The tag, after the lengths block.
    fn finish(mut self, aad: &[u8], ciphertext_len: usize) -> [u8; AEAD_TAG_LEN] {
        self.absorb(&lengths(aad, ciphertext_len));
        self.poly.finalize().into()
    }

    /// Compares with `tag` in constant time.
    fn verify(mut self, aad: &[u8], ciphertext_len: usize, tag: &[u8; AEAD_TAG_LEN]) -> bool {
        self.absorb(&lengths(aad, ciphertext_len));
        self.poly.verify(&(*tag).into()).is_ok()
    }
}

/// The Poly1305 key is the first 32 bytes of the keystream (block 0); the
/// message is encrypted from block 1 on. The MAC has taken in the AAD.
fn start(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8]) -> Result<(ChaCha20, Mac), Error> {
    let mut cipher = ChaCha20::new(&(*key).into(), &(*nonce).into());
    let mut mac_key = Zeroizing::new([0u8; 32]);
    cipher
        .try_apply_keystream(mac_key.as_mut_slice())
        .map_err(|_| Error::Tampered)?;
    let mut mac = Mac::new(&mac_key);
    cipher.try_seek(64u64).map_err(|_| Error::Tampered)?;
    mac.absorb(aad);
    Ok((cipher, mac))
}

/// The last Poly1305 block: both lengths, little-endian.
fn lengths(aad: &[u8], ciphertext_len: usize) -> [u8; 16] {
    let mut block = [0u8; 16];
    block[..8].copy_from_slice(&(aad.len() as u64).to_le_bytes());
    block[8..].copy_from_slice(&(ciphertext_len as u64).to_le_bytes());
    block
}

/// ChaCha20-Poly1305 encryption of `plaintext` into `ciphertext` (the same
/// length) with `nonce` and `aad`: returns the tag. (The envelope uses
/// [`seal`]; this is the same composition in one piece, for the tests.)
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn encrypt(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
    ciphertext: &mut [u8],
) -> Result<[u8; AEAD_TAG_LEN], Error> {
    let (mut cipher, mut mac) = start(key, nonce, aad)?;
    cipher
        .try_apply_keystream_b2b(plaintext, ciphertext)
        .map_err(|_| Error::Malformed("ciphertext buffer of the wrong length"))?;
    mac.absorb(ciphertext);
    Ok(mac.finish(aad, ciphertext.len()))
}

/// ChaCha20-Poly1305 decryption of `ciphertext` into `plaintext` (the same
/// length), checking `tag` first. `plaintext` is untouched on failure.
pub(crate) fn decrypt(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8; AEAD_TAG_LEN],
    plaintext: &mut [u8],
) -> Result<(), Error> {
    let (mut cipher, mut mac) = start(key, nonce, aad)?;
    mac.absorb(ciphertext);
    if !mac.verify(aad, ciphertext.len(), tag) {
        return Err(Error::Tampered);
    }
    cipher
        .try_apply_keystream_b2b(ciphertext, plaintext)
        .map_err(|_| Error::Tampered)
}

/// What sealing the payload gives: the AEAD tag, and BLAKE3 of the whole
/// payload (ciphertext, then tag).
pub(crate) struct Sealed {
    pub(crate) tag: [u8; AEAD_TAG_LEN],
    pub(crate) digest: [u8; DIGEST_LEN],
}

/// How a seal shares its work between threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Threads {
    /// Everything on the caller's thread.
    One,
    /// The caller's thread does the payload pass, a second thread the side
    /// work (the caller's joins in once its pass is done): for a payload too
    /// small to be worth splitting, with side work that is.
    SideWorkHelper,
    /// The caller's thread encrypts; a second thread runs Poly1305 and
    /// BLAKE3 over each finished chunk, and side work whenever no chunk is
    /// waiting: for large payloads.
    Pipelined,
}

/// Seals the payload with the zero nonce: encrypts `plaintext` into
/// `ciphertext` (the same length), and hashes the result. `side` work is
/// finished on return, on the threads `threads` says.
pub(crate) fn seal(
    key: &[u8; 32],
    aad: &[u8],
    plaintext: &[u8],
    ciphertext: &mut [u8],
    side: &dyn SideWork,
    threads: Threads,
) -> Result<Sealed, Error> {
    if ciphertext.len() != plaintext.len() {
        return Err(Error::Malformed("ciphertext buffer of the wrong length"));
    }
    let (cipher, mac) = start(key, &[0; 12], aad)?;
    let (mac, hasher) = match threads {
        Threads::One => seal_on_one_thread(cipher, mac, plaintext, ciphertext)?,
        Threads::SideWorkHelper => thread::scope(|scope| {
            // If no thread can be started, the side work is simply done
            // below, on this one.
            let helper = thread::Builder::new()
                .name("passerelle-seal".into())
                .spawn_scoped(scope, || while side.run_one() {});
            let pass = seal_on_one_thread(cipher, mac, plaintext, ciphertext);
            while side.run_one() {}
            if let Ok(helper) = helper {
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            }
            pass
        })?,
        Threads::Pipelined => match seal_pipelined(cipher, mac, plaintext, ciphertext, side)? {
            Ok(done) => done,
            // No thread to be had: the same pass, alone.
            Err(()) => {
                let (cipher, mac) = start(key, &[0; 12], aad)?;
                seal_on_one_thread(cipher, mac, plaintext, ciphertext)?
            }
        },
    };
    while side.run_one() {}
    let tag = mac.finish(aad, ciphertext.len());
    let mut hasher = hasher;
    hasher.update(&tag);
    Ok(Sealed {
        tag,
        digest: *hasher.finalize().as_bytes(),
    })
}

fn seal_on_one_thread(
    mut cipher: ChaCha20,
    mut mac: Mac,
    plaintext: &[u8],
    ciphertext: &mut [u8],
) -> Result<(Mac, blake3::Hasher), Error> {
    let mut hasher = blake3::Hasher::new();
    for (src, dst) in plaintext.chunks(CHUNK).zip(ciphertext.chunks_mut(CHUNK)) {
        cipher
            .try_apply_keystream_b2b(src, dst)
            .map_err(|_| Error::Malformed("payload too long"))?;
        mac.absorb(dst);
        hasher.update(dst);
    }
    Ok((mac, hasher))
}

/// The caller's thread encrypts chunk after chunk and hands each finished
/// one to the helper, which feeds it to Poly1305 and BLAKE3 in order, and
/// picks up side work whenever no chunk is waiting; each thread takes what
/// side work is left once its own part is done. `Ok(Err(()))` when no
/// thread could be started (nothing has been done then).
#[allow(clippy::type_complexity)]
fn seal_pipelined(
    mut cipher: ChaCha20,
    mac: Mac,
    plaintext: &[u8],
    ciphertext: &mut [u8],
    side: &dyn SideWork,
) -> Result<Result<(Mac, blake3::Hasher), ()>, Error> {
    thread::scope(|scope| {
        let (chunks, received) = mpsc::channel::<&[u8]>();
        let helper = thread::Builder::new()
            .name("passerelle-seal".into())
            .spawn_scoped(scope, move || {
                let mut mac = mac;
                let mut hasher = blake3::Hasher::new();
                let mut take = |chunk: &[u8]| {
                    mac.absorb(chunk);
                    hasher.update(chunk);
                };
                loop {
                    match received.try_recv() {
                        Ok(chunk) => take(chunk),
                        Err(TryRecvError::Empty) => {
                            if !side.run_one() {
                                match received.recv() {
                                    Ok(chunk) => take(chunk),
                                    Err(_) => break,
                                }
                            }
                        }
                        Err(TryRecvError::Disconnected) => break,
                    }
                }
                while side.run_one() {}
                (mac, hasher)
            });
        let Ok(helper) = helper else {
            return Ok(Err(()));
        };
        let mut failed = None;
        for (src, dst) in plaintext.chunks(CHUNK).zip(ciphertext.chunks_mut(CHUNK)) {
            if cipher.try_apply_keystream_b2b(src, dst).is_err() {
                failed = Some(Error::Malformed("payload too long"));
                break;
            }
            let done: &[u8] = dst;
            if chunks.send(done).is_err() {
                break;
            }
        }
        drop(chunks);
        while side.run_one() {}
        let joined = helper
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match failed {
            Some(error) => Err(error),
            None => Ok(Ok(joined)),
        }
    })
}

/// Opens the payload (`ciphertext || tag`) with the zero nonce: checks its
/// BLAKE3 against `digest` and its tag, and decrypts it into a new buffer.
/// Any failure is `Tampered`, and no plaintext leaves. With `parallel`, the
/// checks run on a second thread while this one decrypts; the plaintext is
/// returned only once both checks have passed.
pub(crate) fn open(
    key: &[u8; 32],
    aad: &[u8],
    payload: &[u8],
    digest: &[u8; DIGEST_LEN],
    parallel: bool,
) -> Result<Plaintext, Error> {
    let (ciphertext, tag) = payload
        .split_last_chunk::<AEAD_TAG_LEN>()
        .ok_or(Error::Tampered)?;
    let (cipher, mac) = start(key, &[0; 12], aad)?;
    let mut plaintext = Plaintext::zeroed(ciphertext.len());
    if parallel {
        match open_on_two_threads(
            cipher,
            mac,
            aad,
            payload,
            digest,
            tag,
            plaintext.as_mut_slice(),
        ) {
            Ok(true) => return Ok(plaintext),
            Ok(false) => return Err(Error::Tampered),
            // No thread to be had: the same checks, in order, alone.
            Err(()) => {}
        }
    }
    // In the order of the specification: digest, tag, then decryption.
    if !bool::from(blake3::hash(payload).as_bytes().ct_eq(digest)) {
        return Err(Error::Tampered);
    }
    decrypt(
        key,
        &[0; 12],
        aad,
        ciphertext,
        tag,
        plaintext.as_mut_slice(),
    )?;
    Ok(plaintext)
}

/// The helper checks the digest and the tag (both read only the envelope);
/// this thread decrypts meanwhile. `Ok(passed)`, or `Err(())` when no thread
/// could be started (nothing has been written then).
fn open_on_two_threads(
    mut cipher: ChaCha20,
    mac: Mac,
    aad: &[u8],
    payload: &[u8],
    digest: &[u8; DIGEST_LEN],
    tag: &[u8; AEAD_TAG_LEN],
    plaintext: &mut [u8],
) -> Result<bool, ()> {
    let ciphertext = &payload[..plaintext.len()];
    thread::scope(|scope| {
        let checker = thread::Builder::new()
            .name("passerelle-open".into())
            .spawn_scoped(scope, move || {
                let digest_ok = blake3::hash(payload).as_bytes().ct_eq(digest);
                let mut mac = mac;
                mac.absorb(ciphertext);
                let tag_ok = mac.verify(aad, ciphertext.len(), tag);
                bool::from(digest_ok) && tag_ok
            })
            .map_err(|_| ())?;
        let decrypted = cipher
            .try_apply_keystream_b2b(ciphertext, plaintext)
            .is_ok();
        let checked = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(decrypted && checked)
    })
}

#[cfg(test)]
#[path = "payload_tests.rs"]
mod tests;
