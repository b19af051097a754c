//! A private key wrapped under a passphrase with Argon2id, for keeping on a
//! client's disk or in a browser's storage.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit};
use zeroize::Zeroizing;

use crate::{Error, PublicKey, SecretKey};

/// The first four bytes of a wrapped key.
pub const WRAPPED_MAGIC: [u8; 4] = *b"PSRK";
/// The prefix of a wrapped key's text form.
pub const WRAPPED_KEY_PREFIX: &str = "PASSERELLE-WRAPPED-KEY:";
const WRAPPED_VERSION: u8 = 1;
/// Argon2id, version 0x13.
const KDF_ARGON2ID: u8 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const AAD_LEN: usize = 4 + 1 + 1 + 4 + 4 + 4 + SALT_LEN + NONCE_LEN + 32;
const WRAPPED_LEN: usize = AAD_LEN + 32 + 16;

/// Argon2id cost parameters, recorded in every wrapped key so that they can
/// be raised for new keys without breaking old ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory, in KiB.
    pub m_cost_kib: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// OWASP's first recommendation for Argon2id: 19 MiB, two passes, one lane.
    pub const OWASP: Self = Self {
        m_cost_kib: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };
    /// The least memory accepted (OWASP's cheapest option, 7 MiB).
    pub const MIN_M_COST_KIB: u32 = 7 * 1024;
    /// The least memory × passes accepted (OWASP's options all reach it).
    pub const MIN_WORK: u64 = 7 * 1024 * 5;
    /// The most memory accepted (1 GiB), so that a hostile file cannot make
    /// the reader allocate without bound.
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// The most passes accepted.
    pub const MAX_T_COST: u32 = 64;
    /// The most lanes accepted.
    pub const MAX_P_COST: u32 = 16;

    fn check(self) -> Result<Params, Error> {
        let work = u64::from(self.m_cost_kib) * u64::from(self.t_cost);
        if self.m_cost_kib < Self::MIN_M_COST_KIB
            || work < Self::MIN_WORK
            || self.m_cost_kib > Self::MAX_M_COST_KIB
            || self.t_cost == 0
            || self.t_cost > Self::MAX_T_COST
            || self.p_cost == 0
            || self.p_cost > Self::MAX_P_COST
        {
            return Err(Error::Malformed(
                "Argon2id parameters out of the accepted range",
            ));
        }
        Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|_| Error::Malformed("Argon2id parameters out of the accepted range"))
    }
}

/// A private key sealed under a passphrase.
///
/// Layout and algorithm are in the crate's `README.md`. The public key is
/// stored in the clear, so a wrapped key shows its fingerprint without the
/// passphrase.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey([u8; WRAPPED_LEN]);

impl WrappedKey {
    /// Seals `key` under `passphrase` with fresh salt and nonce.
    pub fn wrap(key: &SecretKey, passphrase: &[u8], params: KdfParams) -> Result<Self, Error> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut salt).map_err(|_| Error::Randomness)?;
        getrandom::fill(&mut nonce).map_err(|_| Error::Randomness)?;
        let mut out = [0u8; WRAPPED_LEN];
        let mut at = 0;
        for part in [
            &WRAPPED_MAGIC[..],
            &[WRAPPED_VERSION, KDF_ARGON2ID],
            &params.m_cost_kib.to_be_bytes(),
            &params.t_cost.to_be_bytes(),
            &params.p_cost.to_be_bytes(),
            &salt,
            &nonce,
            key.public_key().as_bytes(),
        ] {
            out[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        let kek = derive(passphrase, &salt, params)?;
        let (aad, sealed) = out.split_at_mut(AAD_LEN);
        let (body, tag_out) = sealed.split_at_mut(32);
        body.copy_from_slice(key.to_bytes().as_slice());
        let tag = ChaCha20Poly1305::new(&(*kek).into())
            .encrypt_inout_detached(&nonce.into(), aad, body.into())
            .map_err(|_| Error::Malformed("key wrapping failed"))?;
        tag_out.copy_from_slice(&tag);
        Ok(Self(out))
    }

    /// Opens the wrapped key. A wrong passphrase and a damaged file both give
    /// [`Error::WrongPassphrase`]: the two cannot be told apart.
    pub fn unwrap(&self, passphrase: &[u8]) -> Result<SecretKey, Error> {
        let params = self.params();
        let (aad, sealed) = self.0.split_at(AAD_LEN);
        let salt = &aad[18..18 + SALT_LEN];
        let nonce = <[u8; NONCE_LEN]>::try_from(&aad[34..34 + NONCE_LEN])
            .map_err(|_| Error::Malformed("truncated wrapped key"))?;
        let kek = derive(passphrase, salt, params)?;
        let (body, tag) = sealed.split_at(32);
        let tag =
            <[u8; 16]>::try_from(tag).map_err(|_| Error::Malformed("truncated wrapped key"))?;
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(body);
        ChaCha20Poly1305::new(&(*kek).into())
            .decrypt_inout_detached(
                &nonce.into(),
                aad,
                secret.as_mut_slice().into(),
                &tag.into(),
            )
            .map_err(|_| Error::WrongPassphrase)?;
        let key = SecretKey::from_bytes(&secret);
        if key.public_key() != self.public_key() {
            return Err(Error::WrongPassphrase);
        }
        Ok(key)
    }

    /// The public key stored beside the sealed private key.
    pub fn public_key(&self) -> PublicKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&self.0[46..78]);
        PublicKey::from_validated(bytes)
    }

    /// The Argon2id parameters this key was wrapped with.
    pub fn params(&self) -> KdfParams {
        let word = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&self.0[at..at + 4]);
            u32::from_be_bytes(b)
        };
        KdfParams {
            m_cost_kib: word(6),
            t_cost: word(10),
            p_cost: word(14),
        }
    }

    /// The binary form.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads the binary form, checking its structure and its parameters
    /// (but not the passphrase).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bytes = <[u8; WRAPPED_LEN]>::try_from(bytes)
            .map_err(|_| Error::Malformed("a wrapped key is 126 bytes"))?;
        if bytes[..4] != WRAPPED_MAGIC {
            return Err(Error::Malformed("not a Passerelle wrapped key"));
        }
        if bytes[4] != WRAPPED_VERSION {
            return Err(Error::UnsupportedVersion(bytes[4]));
        }
        if bytes[5] != KDF_ARGON2ID {
            return Err(Error::Malformed("unknown key-derivation function"));
        }
        let wrapped = Self(bytes);
        wrapped.params().check()?;
        let mut public = [0u8; 32];
        public.copy_from_slice(&bytes[46..78]);
        PublicKey::from_bytes(public)?;
        Ok(wrapped)
    }

    /// The text form: `PASSERELLE-WRAPPED-KEY:` then base64url.
    pub fn to_text(&self) -> String {
        format!("{WRAPPED_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(self.0))
    }

    /// Reads the text form.
    pub fn from_text(text: &str) -> Result<Self, Error> {
        let encoded = text
            .trim()
            .strip_prefix(WRAPPED_KEY_PREFIX)
            .ok_or(Error::Malformed("not a Passerelle wrapped key"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| Error::Malformed("a wrapped key is base64url without padding"))?;
        Self::from_bytes(&bytes)
    }
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrappedKey")
            .field("public", &self.public_key())
            .field("params", &self.params())
            .finish_non_exhaustive()
    }
}

fn derive(passphrase: &[u8], salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; 32]>, Error> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.check()?);
    let mut kek = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase, salt, kek.as_mut_slice())
        .map_err(|_| Error::Malformed("Argon2id refused its input"))?;
    Ok(kek)
}
