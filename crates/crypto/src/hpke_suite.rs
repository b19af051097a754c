//! The one HPKE suite Passerelle uses, RFC 9180 DHKEM(X25519, HKDF-SHA256) /
//! HKDF-SHA256 / ChaCha20Poly1305, written out on AWS-LC's X25519, `hkdf`
//! and `chacha20poly1305`: base and auth modes, single-shot at sequence 0 for
//! the envelope, with sequence numbers and the secret export for the tests.
//!
//! Written out rather than taken from the `hpke` crate so that nothing is
//! computed twice: the ephemeral public key once per encapsulation, the
//! recipient's public key never (a [`SecretKey`] carries it), the info hash
//! once per envelope for all its wraps, and the static-static
//! Diffie-Hellman of auth mode, which is the same for every message between
//! two keys, at most once per pair when the caller keeps a
//! [`crate::Keyring`]. The tests check it all against the RFC 9180
//! Appendix A.2 vectors, the `hpke` crate and `x25519-dalek`.

use std::fmt;
use std::sync::OnceLock;

use aws_lc_rs::agreement::{self, PrivateKey, X25519};
use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit};
use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::{Error, PublicKey, SecretKey};

/// `"KEM" || I2OSP(kem_id, 2)`, kem_id `0x0020`.
const KEM_SUITE_ID: &[u8] = b"KEM\x00\x20";
/// `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`.
const HPKE_SUITE_ID: &[u8] = b"HPKE\x00\x20\x00\x01\x00\x03";
const VERSION_LABEL: &[u8] = b"HPKE-v1";

/// Nsecret, Nsk, Nenc, Npk: all 32 for DHKEM(X25519, HKDF-SHA256).
const N_SECRET: usize = 32;
/// Nk and Nn of ChaCha20Poly1305.
const N_K: usize = 32;
const N_N: usize = 12;
/// Nh of HKDF-SHA256.
const N_H: usize = 32;
const TAG_LEN: usize = 16;

/// The HPKE modes Passerelle uses (RFC 9180 §5, table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Used by the tests (RFC 9180 A.2.1); the envelope uses auth mode only.
    #[cfg_attr(not(test), allow(dead_code))]
    Base = 0x00,
    Auth = 0x02,
}

/// Any key-derivation failure. HKDF-Expand fails only for outputs over 255
/// hash lengths, and every length here is fixed and at most 32 bytes.
fn kdf_error<E>(_: E) -> Error {
    Error::Malformed("key derivation failed")
}

/// `LabeledExtract(salt, label, ikm)` with `ikm` given in pieces, so that
/// secrets are never concatenated into a buffer of their own. Returns the
/// PRK (zeroized on drop) and the expander keyed with it.
fn labeled_extract(
    suite_id: &[u8],
    salt: Option<&[u8]>,
    label: &[u8],
    ikm: &[&[u8]],
) -> (Zeroizing<[u8; N_H]>, Hkdf<Sha256>) {
    // An empty salt is HashLen zero bytes (RFC 5869 §2.2), which is what
    // `None` gives; HMAC pads either to the same block.
    let mut extract = HkdfExtract::<Sha256>::new(salt);
    extract.input_ikm(VERSION_LABEL);
    extract.input_ikm(suite_id);
    extract.input_ikm(label);
    for piece in ikm {
        extract.input_ikm(piece);
    }
    let (mut prk, expander) = extract.finalize();
    let mut out = Zeroizing::new([0u8; N_H]);
    out.copy_from_slice(&prk);
    prk.as_mut_slice().zeroize();
    (out, expander)
}

/// `LabeledExpand(prk, label, info, L)` with `L = out.len()`.
fn labeled_expand(
    prk: &Hkdf<Sha256>,
    suite_id: &[u8],
    label: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    let length = u16::try_from(out.len()).map_err(kdf_error)?.to_be_bytes();
    prk.expand_multi_info(&[&length, VERSION_LABEL, suite_id, label, info], out)
        .map_err(kdf_error)
}

/// X25519(k, u) of RFC 7748, `k` loaded into AWS-LC: its formally verified
/// constant-time code (s2n-bignum's on x86-64 and Arm), about twice as fast
/// here as `x25519-dalek`'s portable ladder. Any u-coordinate is taken, on
/// the curve or its twist, canonical or not, top bit ignored.
///
/// `None` when the result is all-zero (RFC 9180 §7.1.4: a small-order `u`),
/// which AWS-LC refuses to hand out. `x25519_agrees_with_x25519_dalek`
/// checks it against `x25519-dalek` on curve, twist, torsion and
/// non-canonical inputs. The result is copied out of AWS-LC's buffer,
/// which is zeroized when dropped, into one that is too.
pub(crate) fn x25519(k: &PrivateKey, u: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
    agreement::agree(
        k,
        agreement::UnparsedPublicKey::new(&X25519, u),
        (),
        |shared| {
            let mut out = Zeroizing::new([0u8; 32]);
            if shared.len() != out.len() {
                return Err(());
            }
            out.copy_from_slice(shared);
            Ok(out)
        },
    )
    .ok()
    .filter(|dh| !is_zero(dh))
}

/// RFC 9180 §7.1.4: an all-zero Diffie-Hellman result must be refused.
fn is_zero(dh: &[u8; 32]) -> bool {
    dh.ct_eq(&[0u8; 32]).into()
}

/// The result of X25519 between two long-term keys: the second half of auth
/// mode's `dh`. Secret: zeroized on drop, redacted in `Debug`, not `Clone`.
pub(crate) struct StaticDh(Zeroizing<[u8; 32]>);

impl StaticDh {
    /// `DH(own, peer)`, which is also `DH(peer's secret, own public key)`:
    /// the sender's `DH(skS, pkR)` on seal equals the recipient's
    /// `DH(skR, pkS)` on open. Refuses an all-zero result.
    pub(crate) fn compute(own: &SecretKey, peer: &PublicKey) -> Result<Self, Error> {
        own.x25519(peer.as_bytes())
            .map(Self)
            .ok_or(Error::NonContributoryKey)
    }

    fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for StaticDh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticDh(<redacted>)")
    }
}

/// The KEM's `shared_secret`. Zeroized on drop.
pub(crate) struct KemSecret(Zeroizing<[u8; N_SECRET]>);

impl fmt::Debug for KemSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KemSecret(<redacted>)")
    }
}

/// The sender's side of auth mode: its public key, and `DH(skS, pkR)`
/// (computed now or taken from a cache).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthSender<'a> {
    pub(crate) public: &'a PublicKey,
    pub(crate) static_dh: &'a StaticDh,
}

/// The recipient's side of auth mode: the sender's public key, and
/// `DH(skR, pkS)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthReceiver<'a> {
    pub(crate) sender: &'a PublicKey,
    pub(crate) static_dh: &'a StaticDh,
}

/// `ExtractAndExpand(dh, kem_context)` (RFC 9180 §4.1), `dh` in pieces.
fn extract_and_expand(dh: &[&[u8]], kem_context: &[&[u8]]) -> Result<KemSecret, Error> {
    let (_prk, eae_prk) = labeled_extract(KEM_SUITE_ID, None, b"eae_prk", dh);
    let mut context = [0u8; 3 * 32];
    let mut used = 0;
    for piece in kem_context {
        let end = used + piece.len();
        context
            .get_mut(used..end)
            .ok_or(Error::Malformed("kem context too long"))?
            .copy_from_slice(piece);
        used = end;
    }
    let mut secret = Zeroizing::new([0u8; N_SECRET]);
    labeled_expand(
        &eae_prk,
        KEM_SUITE_ID,
        b"shared_secret",
        &context[..used],
        secret.as_mut_slice(),
    )?;
    Ok(KemSecret(secret))
}

/// The private key of `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3) for X25519,
/// as derived (X25519 clamps it when used).
fn derive_private_key(ikm: &[u8]) -> Result<Zeroizing<[u8; 32]>, Error> {
    let (_prk, dkp_prk) = labeled_extract(KEM_SUITE_ID, None, b"dkp_prk", &[ikm]);
    let mut sk = Zeroizing::new([0u8; 32]);
    labeled_expand(&dkp_prk, KEM_SUITE_ID, b"sk", b"", sk.as_mut_slice())?;
    Ok(sk)
}

/// `DeriveKeyPair(ikm)`: the private key as derived, and the public key.
#[cfg(test)]
pub(crate) fn derive_key_pair(ikm: &[u8]) -> Result<(Zeroizing<[u8; 32]>, [u8; 32]), Error> {
    let sk = derive_private_key(ikm)?;
    let pk = x25519_dalek::x25519(*sk, x25519_dalek::X25519_BASEPOINT_BYTES);
    Ok((sk, pk))
}

/// `Encap(pkR)` or, with `auth`, `AuthEncap(pkR, skS)`, with the ephemeral
/// key `DeriveKeyPair(ikm_e)`. Returns `enc` and the shared secret. An
/// all-zero Diffie-Hellman result is `NonContributoryKey`.
pub(crate) fn encap(
    ikm_e: &[u8; 32],
    recipient: &PublicKey,
    auth: Option<AuthSender<'_>>,
) -> Result<([u8; 32], KemSecret), Error> {
    let sk_e = derive_private_key(ikm_e)?;
    // AWS-LC computes pkE as it loads the key (and cleanses its copy of
    // skE when `key_e` is dropped).
    let key_e = PrivateKey::from_private_key(&X25519, sk_e.as_slice())
        .map_err(|_| Error::Malformed("the ephemeral key could not be loaded"))?;
    drop(sk_e);
    let enc: [u8; 32] = key_e
        .compute_public_key()
        .ok()
        .and_then(|pk| pk.as_ref().try_into().ok())
        .ok_or(Error::Malformed(
            "the ephemeral public key could not be read",
        ))?;
    let dh_e = x25519(&key_e, recipient.as_bytes()).ok_or(Error::NonContributoryKey)?;
    drop(key_e);
    let secret = match auth {
        None => extract_and_expand(&[dh_e.as_slice()], &[&enc, recipient.as_bytes()])?,
        Some(auth) => extract_and_expand(
            &[dh_e.as_slice(), auth.static_dh.as_bytes()],
            &[&enc, recipient.as_bytes(), auth.public.as_bytes()],
        )?,
    };
    Ok((enc, secret))
}

/// `Decap(enc, skR)` or, with `auth`, `AuthDecap(enc, skR, pkS)`. Any
/// failure is `Tampered`.
pub(crate) fn decap(
    enc: &[u8; 32],
    recipient: &SecretKey,
    auth: Option<AuthReceiver<'_>>,
) -> Result<KemSecret, Error> {
    let dh_e = recipient.x25519(enc).ok_or(Error::Tampered)?;
    let pk_r = recipient.public_key();
    match auth {
        None => extract_and_expand(&[dh_e.as_slice()], &[enc, pk_r.as_bytes()]),
        Some(auth) => extract_and_expand(
            &[dh_e.as_slice(), auth.static_dh.as_bytes()],
            &[enc, pk_r.as_bytes(), auth.sender.as_bytes()],
        ),
    }
    .map_err(|_| Error::Tampered)
}

/// `key_schedule_context = mode || psk_id_hash || info_hash` (RFC 9180
/// §5.1, no PSK). It depends only on the mode and the info, so an envelope
/// computes it once for all its wraps.
pub(crate) struct ScheduleContext([u8; 1 + 2 * N_H]);

impl ScheduleContext {
    /// `info` in pieces, concatenated.
    pub(crate) fn new(mode: Mode, info: &[&[u8]]) -> Self {
        // Without a PSK, `psk_id_hash` is a constant of the suite.
        static PSK_ID_HASH: OnceLock<[u8; N_H]> = OnceLock::new();
        let psk_id_hash = PSK_ID_HASH
            .get_or_init(|| *labeled_extract(HPKE_SUITE_ID, None, b"psk_id_hash", &[b""]).0);
        let (info_hash, _) = labeled_extract(HPKE_SUITE_ID, None, b"info_hash", info);
        let mut context = [0u8; 1 + 2 * N_H];
        context[0] = mode as u8;
        context[1..1 + N_H].copy_from_slice(psk_id_hash);
        context[1 + N_H..].copy_from_slice(info_hash.as_slice());
        Self(context)
    }

    fn mode(&self) -> u8 {
        self.0[0]
    }
}

impl fmt::Debug for ScheduleContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScheduleContext")
            .field("mode", &self.mode())
            .finish_non_exhaustive()
    }
}

/// An HPKE encryption context (RFC 9180 §5.1, §5.2, §5.3): its key, base
/// nonce and exporter, all secret and zeroized on drop.
pub(crate) struct Context {
    key: Zeroizing<[u8; N_K]>,
    base_nonce: Zeroizing<[u8; N_N]>,
    /// `secret`, kept to derive `exporter_secret` only when asked: the
    /// envelope never exports.
    secret: Hkdf<Sha256>,
    schedule: [u8; 1 + 2 * N_H],
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Context(<redacted>)")
    }
}

impl Context {
    /// `KeySchedule<ROLE>(mode, shared_secret, info, "", "")`.
    pub(crate) fn new(
        shared_secret: &KemSecret,
        schedule: &ScheduleContext,
    ) -> Result<Self, Error> {
        let (_prk, secret) = labeled_extract(
            HPKE_SUITE_ID,
            Some(shared_secret.0.as_slice()),
            b"secret",
            &[b""],
        );
        let mut key = Zeroizing::new([0u8; N_K]);
        let mut base_nonce = Zeroizing::new([0u8; N_N]);
        labeled_expand(
            &secret,
            HPKE_SUITE_ID,
            b"key",
            &schedule.0,
            key.as_mut_slice(),
        )?;
        labeled_expand(
            &secret,
            HPKE_SUITE_ID,
            b"base_nonce",
            &schedule.0,
            base_nonce.as_mut_slice(),
        )?;
        Ok(Self {
            key,
            base_nonce,
            secret,
            schedule: schedule.0,
        })
    }

    /// `ComputeNonce(seq)`: the base nonce XOR the big-endian sequence number.
    fn nonce(&self, sequence: u64) -> Zeroizing<[u8; N_N]> {
        let mut nonce = self.base_nonce.clone();
        for (byte, seq) in nonce[N_N - 8..].iter_mut().zip(sequence.to_be_bytes()) {
            *byte ^= seq;
        }
        nonce
    }

    /// `Seal(aad, pt)` at `sequence`: `out` is `pt.len() + 16` bytes.
    pub(crate) fn seal_into(
        &self,
        sequence: u64,
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let (body, tag) = out
            .split_at_mut_checked(plaintext.len())
            .filter(|(_, tag)| tag.len() == TAG_LEN)
            .ok_or(Error::Malformed("wrong ciphertext buffer length"))?;
        body.copy_from_slice(plaintext);
        let computed = ChaCha20Poly1305::new(&(*self.key).into())
            .encrypt_inout_detached(&(*self.nonce(sequence)).into(), aad, body.into())
            .map_err(|_| Error::TooLarge {
                max: crate::MAX_PAYLOAD_LEN,
            })?;
        tag.copy_from_slice(&computed);
        Ok(())
    }

    /// `Open(aad, ct)` at `sequence`: `out` is `ct.len() - 16` bytes. On
    /// failure, `Tampered`, and `out` is left zeroed.
    pub(crate) fn open_into(
        &self,
        sequence: u64,
        aad: &[u8],
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let (body, tag) = ciphertext
            .split_last_chunk::<TAG_LEN>()
            .ok_or(Error::Tampered)?;
        if body.len() != out.len() {
            return Err(Error::Tampered);
        }
        out.copy_from_slice(body);
        let opened = ChaCha20Poly1305::new(&(*self.key).into()).decrypt_inout_detached(
            &(*self.nonce(sequence)).into(),
            aad,
            (&mut *out).into(),
            &(*tag).into(),
        );
        if opened.is_err() {
            out.zeroize();
            return Err(Error::Tampered);
        }
        Ok(())
    }

    /// `Export(exporter_context, L)` with `L = out.len()`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), Error> {
        let mut exporter_secret = Zeroizing::new([0u8; N_H]);
        labeled_expand(
            &self.secret,
            HPKE_SUITE_ID,
            b"exp",
            &self.schedule,
            exporter_secret.as_mut_slice(),
        )?;
        let exporter = Hkdf::<Sha256>::from_prk(exporter_secret.as_slice()).map_err(kdf_error)?;
        labeled_expand(&exporter, HPKE_SUITE_ID, b"sec", exporter_context, out)
    }
}

/// Single-shot `Seal` to `recipient`: `SealAuth` when `sender` is given,
/// `SealBase` otherwise. The ephemeral key is `DeriveKeyPair(ikm)`. Returns
/// `enc` and the ciphertext.
///
/// The envelope calls the pieces ([`encap`], [`ScheduleContext`],
/// [`Context`]) itself, to share the info hash between wraps, take the
/// static Diffie-Hellman from a cache and run encapsulations in parallel
/// with the payload; these single-shot forms, made of the same pieces, are
/// what the RFC vectors and the forged-wrap tests call.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn seal_wrap(
    sender: Option<&SecretKey>,
    recipient: &PublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    ikm: &[u8; 32],
) -> Result<([u8; 32], Vec<u8>), Error> {
    let (enc, secret) = match sender {
        Some(sender) => {
            let static_dh = StaticDh::compute(sender, recipient)?;
            encap(
                ikm,
                recipient,
                Some(AuthSender {
                    public: &sender.public_key(),
                    static_dh: &static_dh,
                }),
            )?
        }
        None => encap(ikm, recipient, None)?,
    };
    let mode = if sender.is_some() {
        Mode::Auth
    } else {
        Mode::Base
    };
    let context = Context::new(&secret, &ScheduleContext::new(mode, &[info]))?;
    let mut ct = vec![0u8; plaintext.len() + TAG_LEN];
    context.seal_into(0, aad, plaintext, &mut ct)?;
    Ok((enc, ct))
}

/// Single-shot `Open` of a ciphertext sealed by [`seal_wrap`]; any failure
/// is `Tampered`.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn open_wrap(
    recipient: &SecretKey,
    sender: Option<&PublicKey>,
    enc: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (secret, mode) = match sender {
        Some(sender) => {
            let static_dh = StaticDh::compute(recipient, sender).map_err(|_| Error::Tampered)?;
            let auth = AuthReceiver {
                sender,
                static_dh: &static_dh,
            };
            (decap(enc, recipient, Some(auth))?, Mode::Auth)
        }
        None => (decap(enc, recipient, None)?, Mode::Base),
    };
    let context =
        Context::new(&secret, &ScheduleContext::new(mode, &[info])).map_err(|_| Error::Tampered)?;
    let len = ciphertext
        .len()
        .checked_sub(TAG_LEN)
        .ok_or(Error::Tampered)?;
    let mut pt = Zeroizing::new(vec![0u8; len]);
    context.open_into(0, aad, ciphertext, &mut pt)?;
    Ok(pt)
}

#[cfg(test)]
#[path = "hpke_suite_tests.rs"]
mod tests;
