//! Passerelle's end-to-end encryption.
//!
//! - [`wire`]: the version 1 envelope format and a parser that checks its
//!   structure without any key. This is all the server builds.
//! - [`seal`] and [`open`] (feature `client`): sealing to 1 to
//!   [`MAX_RECIPIENTS`] recipients with HPKE (RFC 9180) in auth mode, suite
//!   DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305, and opening
//!   by any recipient; [`Keyring`] does the same with a cache of the
//!   sender-recipient Diffie-Hellman results, for established correspondents.
//! - [`SecretKey`], [`PublicKey`], [`WrappedKey`]: keys, their text forms,
//!   and passphrase wrapping with Argon2id.
//! - [`Fingerprint`] and [`SafetyNumber`]: what people compare in person.
//!
//! The byte layout, every label, and every info and AAD string are in this
//! crate's `README.md`. Nothing here touches the disk or the network.

mod error;
mod fingerprint;
mod keys;
pub mod wire;

#[cfg(feature = "client")]
mod envelope;
#[cfg(feature = "client")]
mod hpke_suite;
#[cfg(feature = "client")]
mod keyring;
#[cfg(feature = "client")]
mod passphrase;
#[cfg(feature = "client")]
mod payload;

pub use error::Error;
pub use fingerprint::{FINGERPRINT_LABEL, Fingerprint, QR_PREFIX, SafetyNumber};
pub use keys::{PUBLIC_KEY_PREFIX, PublicKey};
pub use wire::{CaseId, ContentType, Envelope, MAX_PAYLOAD_LEN, MAX_RECIPIENTS, MessageId};

#[cfg(feature = "client")]
pub use envelope::{
    COMMITMENT_LABEL, Context, Opened, PAYLOAD_KEY_INFO, Plaintext, SealRandomness, SealedEnvelope,
    TAG_KEY_INFO, WRAP_INFO_LABEL, open, seal, seal_with_randomness,
};
#[cfg(feature = "client")]
pub use keyring::Keyring;
#[cfg(feature = "client")]
pub use keys::SecretKey;
#[cfg(feature = "client")]
pub use passphrase::{KdfParams, WRAPPED_KEY_PREFIX, WrappedKey};
