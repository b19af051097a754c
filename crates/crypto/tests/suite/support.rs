//! Fixtures shared by the tests: keys from fixed seeds and a context.

use passerelle_crypto::{CaseId, ContentType, Context, MessageId, PublicKey, SecretKey};
use sha2::{Digest, Sha256};

/// A key pair derived from a label, so tests and vectors are reproducible.
pub fn key(label: &str) -> SecretKey {
    let seed: [u8; 32] = Sha256::digest(format!("passerelle test key {label}")).into();
    SecretKey::from_bytes(&seed)
}

pub fn keys(prefix: &str, n: usize) -> Vec<SecretKey> {
    (0..n).map(|i| key(&format!("{prefix}-{i}"))).collect()
}

pub fn publics(keys: &[SecretKey]) -> Vec<PublicKey> {
    keys.iter().map(SecretKey::public_key).collect()
}

pub fn context() -> Context {
    Context {
        content_type: ContentType::Message,
        message_id: MessageId::from_bytes(*b"message-id-00001"),
        case_id: CaseId::from_bytes(*b"case-id-00000001"),
    }
}
