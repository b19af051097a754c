//! The one error type of the client.

use std::fmt;
use std::path::PathBuf;

/// What can go wrong on the client side. Never carries a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The server answered with an error: its HTTP status and its stable
    /// code (`not_found`, `replayed`, `invalid_envelope`…) and sentence.
    Api {
        /// The HTTP status.
        status: u16,
        /// The stable code.
        code: String,
        /// The server's sentence.
        message: String,
    },
    /// The server could not be reached, or answered something unreadable.
    Transport(reqwest::Error),
    /// Sealing, opening, or unwrapping a key failed.
    Crypto(passerelle_crypto::Error),
    /// A profile file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
    /// Something the client refuses on its own: no session, an unknown
    /// party, a sender key the directory does not know…
    Invalid(String),
}

impl ClientError {
    /// The server's error code, for an [`ClientError::Api`] error.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api {
                status,
                code,
                message,
            } => write!(f, "{message} (server said {status} {code})"),
            Self::Transport(_) => f.write_str("cannot talk to the server"),
            Self::Crypto(error) => write!(f, "{error}"),
            Self::Io { path, .. } => write!(f, "cannot use {}", path.display()),
            Self::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(error) => Some(error),
            Self::Io { source, .. } => Some(source),
            // Displayed in full above: no source, or it would print twice.
            Self::Crypto(_) | Self::Api { .. } | Self::Invalid(_) => None,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(error: reqwest::Error) -> Self {
        Self::Transport(error)
    }
}

impl From<passerelle_crypto::Error> for ClientError {
    fn from(error: passerelle_crypto::Error) -> Self {
        Self::Crypto(error)
    }
}
