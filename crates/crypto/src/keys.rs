//! X25519 keys and their text forms.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use crate::Error;

/// The prefix of a public key's text form.
pub const PUBLIC_KEY_PREFIX: &str = "passerelle-pk:";

/// u-coordinates whose X25519 product with any clamped scalar is zero: the
/// points of order 1, 2, 4 and 8 on the curve and its twist, and the
/// non-canonical encodings `p` and `p + 1`. Compared with bit 255 cleared,
/// since X25519 ignores it. This is libsodium's list; the tests check that
/// each entry yields an all-zero shared secret.
const SMALL_ORDER: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// True when a Diffie-Hellman with this u-coordinate would give the all-zero
/// secret whatever the private key: such a key would let an attacker fix the
/// shared secret, so it is refused everywhere a key is read.
pub(crate) fn is_small_order(bytes: &[u8; 32]) -> bool {
    let mut masked = *bytes;
    masked[31] &= 0x7f;
    let mut found = subtle::Choice::from(0);
    for bad in &SMALL_ORDER {
        found |= masked.ct_eq(bad);
    }
    found.into()
}

/// An X25519 public key that is not all-zero and not of small order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Accepts 32 bytes, refusing a small-order or all-zero key with
    /// [`Error::NonContributoryKey`].
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, Error> {
        if is_small_order(&bytes) {
            return Err(Error::NonContributoryKey);
        }
        Ok(Self(bytes))
    }

    /// Accepts a slice, refusing any length but 32 with [`Error::Malformed`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let bytes = <[u8; 32]>::try_from(bytes)
            .map_err(|_| Error::Malformed("a public key is 32 bytes"))?;
        Self::from_bytes(bytes)
    }

    /// For bytes already checked by the parser.
    pub(crate) fn from_validated(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The text form: `passerelle-pk:` then base64url without padding.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(self.0))
    }

    /// Reads the text form, with or without its prefix.
    pub fn from_text(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let encoded = text.strip_prefix(PUBLIC_KEY_PREFIX).unwrap_or(text);
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| Error::Malformed("a public key is base64url without padding"))?;
        Self::from_slice(&bytes)
    }

    /// This key's half of a safety number.
    pub fn fingerprint(&self) -> crate::Fingerprint {
        crate::Fingerprint::of(self)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_text())
    }
}

impl FromStr for PublicKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_text(s)
    }
}

#[cfg(feature = "client")]
pub use secret::SecretKey;

#[cfg(feature = "client")]
mod secret {
    use std::fmt;

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use zeroize::Zeroizing;

    use super::PublicKey;
    use crate::Error;

    /// The prefix of an unprotected secret key's text form.
    pub const SECRET_KEY_PREFIX: &str = "PASSERELLE-SECRET-KEY:";

    /// An X25519 private key with its public key.
    ///
    /// Not `Clone`, not serialisable, redacted in `Debug`, and zeroized on
    /// drop: a copy of a private key is a leak waiting to happen.
    pub struct SecretKey {
        secret: x25519_dalek::StaticSecret,
        public: PublicKey,
        /// The same key, loaded once into AWS-LC for its Diffie-Hellmans
        /// (see [`crate::hpke_suite::x25519`]); freed with its memory
        /// cleansed. `None` only if AWS-LC could not take it (out of
        /// memory), and then every Diffie-Hellman with it fails.
        agreement: Option<aws_lc_rs::agreement::PrivateKey>,
    }

    impl SecretKey {
        /// A new key from the operating system's random number generator.
        pub fn generate() -> Result<Self, Error> {
            let mut bytes = Zeroizing::new([0u8; 32]);
            getrandom::fill(bytes.as_mut_slice()).map_err(|_| Error::Randomness)?;
            Ok(Self::from_bytes(&bytes))
        }

        /// The key with these 32 secret bytes. Every 32-byte string is a valid
        /// X25519 private key (it is clamped when used).
        pub fn from_bytes(bytes: &[u8; 32]) -> Self {
            let secret = x25519_dalek::StaticSecret::from(*bytes);
            // A clamped scalar times the base point is never of small order.
            let public =
                PublicKey::from_validated(x25519_dalek::PublicKey::from(&secret).to_bytes());
            let agreement = aws_lc_rs::agreement::PrivateKey::from_private_key(
                &aws_lc_rs::agreement::X25519,
                secret.as_bytes(),
            )
            .ok();
            Self {
                secret,
                public,
                agreement,
            }
        }

        /// The public half.
        pub fn public_key(&self) -> PublicKey {
            self.public
        }

        /// The 32 secret bytes, zeroized when dropped.
        pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
            Zeroizing::new(self.secret.to_bytes())
        }

        /// The unprotected text form: `PASSERELLE-SECRET-KEY:` then base64url.
        /// Prefer [`crate::WrappedKey`] for anything written to disk.
        pub fn to_text(&self) -> Zeroizing<String> {
            let bytes = self.to_bytes();
            Zeroizing::new(format!(
                "{SECRET_KEY_PREFIX}{}",
                URL_SAFE_NO_PAD.encode(bytes.as_slice())
            ))
        }

        /// Reads the unprotected text form.
        pub fn from_text(text: &str) -> Result<Self, Error> {
            let encoded = text
                .trim()
                .strip_prefix(SECRET_KEY_PREFIX)
                .ok_or(Error::Malformed("not an unprotected Passerelle secret key"))?;
            let decoded = Zeroizing::new(
                URL_SAFE_NO_PAD
                    .decode(encoded)
                    .map_err(|_| Error::Malformed("a secret key is base64url without padding"))?,
            );
            let bytes = Zeroizing::new(
                <[u8; 32]>::try_from(decoded.as_slice())
                    .map_err(|_| Error::Malformed("a secret key is 32 bytes"))?,
            );
            Ok(Self::from_bytes(&bytes))
        }

        /// X25519 of this key with the u-coordinate `peer`; `None` if the
        /// result is all-zero (see [`crate::hpke_suite::x25519`]).
        pub(crate) fn x25519(&self, peer: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
            crate::hpke_suite::x25519(self.agreement.as_ref()?, peer)
        }
    }

    impl fmt::Debug for SecretKey {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SecretKey")
                .field("public", &self.public)
                .field("secret", &"<redacted>")
                .finish()
        }
    }
}
