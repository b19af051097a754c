//! Encryption at rest of the personal fields the server must be able to
//! read (names, phone numbers, prison numbers, logins), so that a stolen
//! database dump reveals none of them without the key in `keys/`.

use std::fmt;

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::StoreError;

const NONCE_LEN: usize = 12;

/// The data-at-rest key, split by HKDF into a field-encryption key and a
/// lookup key. Not `Clone`, redacted in `Debug`, zeroized on drop.
pub struct AtRest {
    cipher: ChaCha20Poly1305,
    lookup: Zeroizing<[u8; 32]>,
    audit: Zeroizing<[u8; 32]>,
}

impl AtRest {
    /// From the 32-byte master key kept in `keys/data-at-rest.key`.
    pub fn new(master: &[u8; 32]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"passerelle/at-rest"), master);
        let mut field = Zeroizing::new([0u8; 32]);
        let mut lookup = Zeroizing::new([0u8; 32]);
        // 32-byte outputs are always within HKDF-SHA256's limit.
        let _ = hkdf.expand(b"field-encryption", field.as_mut_slice());
        let _ = hkdf.expand(b"lookup-index", lookup.as_mut_slice());
        let mut audit = Zeroizing::new([0u8; 32]);
        let _ = hkdf.expand(b"audit-chain", audit.as_mut_slice());
        Self {
            cipher: ChaCha20Poly1305::new(&(*field).into()),
            lookup,
            audit,
        }
    }

    /// Keys the audit chain with `keys/audit-checkpoint.key` instead of a
    /// key derived from the data-at-rest key.
    #[must_use]
    pub fn with_audit_key(mut self, checkpoint: &[u8; 32]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"passerelle/audit"), checkpoint);
        let _ = hkdf.expand(b"audit-chain", self.audit.as_mut_slice());
        self
    }

    /// The audit chain's HMAC key.
    pub(crate) fn audit_key(&self) -> &[u8] {
        self.audit.as_slice()
    }

    /// Encrypts one field. `column` (for example `accounts.display_name`) is
    /// bound as associated data, so a ciphertext cannot be moved to another
    /// column and decrypt there.
    pub fn seal(&self, column: &str, plaintext: &str) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| StoreError::Corrupt("no randomness"))?;
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce.into(),
                chacha20poly1305::aead::Payload {
                    msg: plaintext.as_bytes(),
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Corrupt("field too large"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Decrypts one field sealed for the same column.
    pub fn open(&self, column: &str, sealed: &[u8]) -> Result<String, StoreError> {
        let (nonce, ciphertext) = sealed
            .split_first_chunk::<NONCE_LEN>()
            .ok_or(StoreError::Corrupt("encrypted field too short"))?;
        let plaintext = self
            .cipher
            .decrypt(
                &(*nonce).into(),
                chacha20poly1305::aead::Payload {
                    msg: ciphertext,
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Corrupt("encrypted field does not open with this key"))?;
        String::from_utf8(plaintext).map_err(|_| StoreError::Corrupt("encrypted field is not text"))
    }

    /// `seal` for an optional field.
    pub fn seal_opt(
        &self,
        column: &str,
        plaintext: Option<&str>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        plaintext.map(|p| self.seal(column, p)).transpose()
    }

    /// `open` for an optional field.
    pub fn open_opt(
        &self,
        column: &str,
        sealed: Option<&[u8]>,
    ) -> Result<Option<String>, StoreError> {
        sealed.map(|s| self.open(column, s)).transpose()
    }

    /// A keyed digest of a lookup value (a login, lower-cased), so that
    /// equality lookups work without storing the value in clear.
    pub fn lookup_index(&self, value: &str) -> Result<Vec<u8>, StoreError> {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(self.lookup.as_slice())
            .map_err(|_| StoreError::Corrupt("lookup key"))?;
        mac.update(value.to_lowercase().as_bytes());
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl fmt::Debug for AtRest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtRest(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_stay_bound_to_their_column() {
        let key = AtRest::new(&[7; 32]);
        let sealed = key
            .seal("accounts.display_name", "Fatima El Amrani")
            .unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"Fatima"));
        assert_eq!(
            key.open("accounts.display_name", &sealed).unwrap(),
            "Fatima El Amrani"
        );
        assert!(key.open("accounts.phone", &sealed).is_err());
        assert!(
            AtRest::new(&[8; 32])
                .open("accounts.display_name", &sealed)
                .is_err()
        );
        assert_ne!(
            sealed,
            key.seal("accounts.display_name", "Fatima El Amrani")
                .unwrap()
        );
    }

    #[test]
    fn lookups_ignore_case_and_depend_on_the_key() {
        let key = AtRest::new(&[7; 32]);
        assert_eq!(
            key.lookup_index("Marie.Dubois").unwrap(),
            key.lookup_index("marie.dubois").unwrap()
        );
        assert_ne!(
            key.lookup_index("marie").unwrap(),
            AtRest::new(&[9; 32]).lookup_index("marie").unwrap()
        );
        assert!(format!("{key:?}").contains("redacted"));
    }
}
