//! The one error type of the envelope, the keys and the passphrase wrapping.

/// Everything that can go wrong while reading, sealing or opening.
///
/// The variants say what kind of failure happened and nothing about secret
/// material: an error is safe to log and to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The opening key is not in the envelope's recipient list.
    #[error("this key is not a recipient of the envelope")]
    NotARecipient,
    /// A check failed after parsing: a wrap, the key commitment, the
    /// envelope tag, the payload digest or the payload itself did not verify.
    /// Deliberately one variant, so that a forger learns nothing about which
    /// check stopped them.
    #[error("the envelope was altered or is corrupt")]
    Tampered,
    /// The envelope names a sender other than the one the caller expects.
    #[error("the envelope was not sealed by the expected sender")]
    WrongSender,
    /// The version byte is not one this build can read.
    #[error("unsupported envelope version {0}")]
    UnsupportedVersion(u8),
    /// The bytes do not follow the wire format.
    #[error("malformed: {0}")]
    Malformed(&'static str),
    /// A public key is all-zero or of small order, so a Diffie-Hellman with it
    /// would not depend on the private key.
    #[error("a public key is all-zero or of small order")]
    NonContributoryKey,
    /// More recipients than [`crate::MAX_RECIPIENTS`].
    #[error("too many recipients (at most {max})")]
    TooManyRecipients {
        /// The limit.
        max: usize,
    },
    /// A payload longer than [`crate::MAX_PAYLOAD_LEN`].
    #[error("payload too large (at most {max} bytes)")]
    TooLarge {
        /// The limit, in bytes of plaintext.
        max: usize,
    },
    /// The passphrase does not unwrap the private key.
    #[error("wrong passphrase, or the key file is corrupt")]
    WrongPassphrase,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Randomness,
}
