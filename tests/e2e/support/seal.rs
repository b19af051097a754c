//! Envelopes made and opened the way a client does, with
//! `passerelle_crypto` and keys generated in the test.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{CaseId, ContentType, Context, MessageId, PublicKey, SecretKey};

/// Seals `plaintext` from `sender` to `recipients` for the case `case` (a
/// UUID string) under the envelope message id `message_id`; standard base64.
pub fn seal_with_id(
    sender: &SecretKey,
    recipients: &[&PublicKey],
    case: &str,
    message_id: uuid::Uuid,
    plaintext: &[u8],
) -> String {
    let case = uuid::Uuid::parse_str(case).unwrap();
    let context = Context {
        content_type: ContentType::Message,
        message_id: MessageId::from_bytes(*message_id.as_bytes()),
        case_id: CaseId::from_bytes(*case.as_bytes()),
    };
    let recipients: Vec<PublicKey> = recipients.iter().map(|k| **k).collect();
    let sealed = passerelle_crypto::seal(sender, &recipients, &context, plaintext).unwrap();
    STANDARD.encode(sealed.as_bytes())
}

/// Seals a note of `content_type` (a visit or practical request's free
/// text) under a fresh id; standard base64.
pub fn seal_note(
    sender: &SecretKey,
    recipients: &[&PublicKey],
    case: &str,
    content_type: ContentType,
    plaintext: &[u8],
) -> String {
    let case = uuid::Uuid::parse_str(case).unwrap();
    let context = Context {
        content_type,
        message_id: MessageId::from_bytes(*uuid::Uuid::new_v4().as_bytes()),
        case_id: CaseId::from_bytes(*case.as_bytes()),
    };
    let recipients: Vec<PublicKey> = recipients.iter().map(|k| **k).collect();
    let sealed = passerelle_crypto::seal(sender, &recipients, &context, plaintext).unwrap();
    STANDARD.encode(sealed.as_bytes())
}

/// [`seal_with_id`] under a fresh message id.
pub fn seal(sender: &SecretKey, recipients: &[&PublicKey], case: &str, plaintext: &[u8]) -> String {
    seal_with_id(sender, recipients, case, uuid::Uuid::new_v4(), plaintext)
}

/// Opens a base64 envelope as `recipient`, from `sender`.
pub fn open(envelope: &str, recipient: &SecretKey, sender: &PublicKey) -> Vec<u8> {
    let bytes = STANDARD.decode(envelope).unwrap();
    let opened = passerelle_crypto::open(&bytes, recipient, sender).unwrap();
    opened.plaintext.as_bytes().to_vec()
}

/// The same envelope with one payload byte flipped (the payload is last).
pub fn tamper(envelope: &str) -> String {
    let mut bytes = STANDARD.decode(envelope).unwrap();
    let last = bytes.last_mut().unwrap();
    *last ^= 0x01;
    STANDARD.encode(bytes)
}
