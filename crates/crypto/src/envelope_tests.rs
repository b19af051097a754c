//! RFC 8439 AEAD vectors through the payload cipher calls, and the
//! key-commitment rule with forged wraps.

use serde::Deserialize;

use super::*;
use crate::hpke_suite::seal_wrap;

#[derive(Deserialize)]
struct File {
    source: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    section: String,
    key: String,
    nonce: String,
    aad: String,
    plaintext: String,
    ciphertext: String,
    tag: String,
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn payload_cipher_passes_rfc_8439_aead_vectors() {
    let file: File = serde_json::from_str(include_str!(
        "../tests/vectors/rfc8439-chacha20poly1305.json"
    ))
    .unwrap();
    assert!(file.source.contains("RFC 8439"));
    assert_eq!(file.vectors.len(), 2);
    for v in file.vectors {
        let key: [u8; 32] = hex(&v.key).try_into().unwrap();
        let nonce: [u8; 12] = hex(&v.nonce).try_into().unwrap();
        let mut buffer = hex(&v.plaintext);
        let tag = payload_seal(&key, &nonce, &hex(&v.aad), &mut buffer).unwrap();
        assert_eq!(buffer, hex(&v.ciphertext), "{}", v.section);
        assert_eq!(tag.to_vec(), hex(&v.tag), "{}", v.section);
        payload_open(&key, &nonce, &hex(&v.aad), &mut buffer, &tag).unwrap();
        assert_eq!(buffer, hex(&v.plaintext), "{}", v.section);
        let mut bad = tag;
        bad[0] ^= 1;
        let mut buffer = hex(&v.ciphertext);
        assert_eq!(
            payload_open(&key, &nonce, &hex(&v.aad), &mut buffer, &bad),
            Err(Error::Tampered)
        );
    }
}

/// A malicious sender seals one envelope, then re-wraps a *different*
/// content key for some recipients under the same header and commitment,
/// recomputing the envelope tag with `tag_key_from`. Returns the bytes.
fn forge_with_per_recipient_keys(
    sender: &SecretKey,
    recipients: &[PublicKey],
    keys_for: impl Fn(usize) -> [u8; 32],
    committed: [u8; 32],
    tag_key_from: [u8; 32],
) -> Vec<u8> {
    let context = Context {
        content_type: ContentType::Message,
        message_id: MessageId::from_bytes([1; 16]),
        case_id: CaseId::from_bytes([2; 16]),
    };
    let honest = seal(sender, recipients, &context, b"rendez-vous jeudi").unwrap();
    let parsed = Envelope::parse(honest.as_bytes()).unwrap();
    let header = parsed.header.to_vec();
    let commitment = commit(&committed, &header).unwrap();
    let mut out = header.clone();
    out.extend_from_slice(&commitment);
    for (i, key) in parsed.recipients().enumerate() {
        let (enc, ct) = seal_wrap(
            Some(sender),
            &key,
            &wrap_info(&header),
            &commitment,
            &keys_for(i),
            &[i as u8 + 1; 32],
        )
        .unwrap();
        out.extend_from_slice(&enc);
        out.extend_from_slice(&ct);
    }
    let tag = ContentKeys::derive(&tag_key_from)
        .unwrap()
        .tag(&out)
        .unwrap();
    out.extend_from_slice(&tag);
    out.extend_from_slice(parsed.payload);
    out
}

#[test]
fn wraps_with_different_content_keys_are_refused_by_every_recipient() {
    let sender = SecretKey::from_bytes(&[10; 32]);
    let readers: Vec<SecretKey> = (0..3)
        .map(|i| SecretKey::from_bytes(&[20 + i; 32]))
        .collect();
    let publics: Vec<PublicKey> = readers.iter().map(SecretKey::public_key).collect();
    // Each recipient gets its own key; the commitment names none of them.
    let forged = forge_with_per_recipient_keys(
        &sender,
        &publics,
        |i| [100 + i as u8; 32],
        [99; 32],
        [99; 32],
    );
    for reader in &readers {
        assert_eq!(
            open(&forged, reader, &sender.public_key()).unwrap_err(),
            Error::Tampered
        );
    }
}

#[test]
fn a_recipient_whose_wrap_disagrees_with_the_commitment_reads_nothing() {
    let sender = SecretKey::from_bytes(&[10; 32]);
    let readers: Vec<SecretKey> = (0..2)
        .map(|i| SecretKey::from_bytes(&[30 + i; 32]))
        .collect();
    let mut publics: Vec<PublicKey> = readers.iter().map(SecretKey::public_key).collect();
    publics.sort();
    // Sorted position 0 gets the committed key, position 1 another one.
    let forged = forge_with_per_recipient_keys(
        &sender,
        &publics,
        |i| [40 + i as u8; 32],
        [40; 32],
        [41; 32],
    );
    for reader in &readers {
        // The tag was made with the second key, the commitment with the
        // first: no recipient can pass both, so nobody opens it.
        assert_eq!(
            open(&forged, reader, &sender.public_key()).unwrap_err(),
            Error::Tampered
        );
    }
    let odd_one = readers
        .iter()
        .find(|r| r.public_key() == publics[1])
        .unwrap();
    let consistent_tag = forge_with_per_recipient_keys(
        &sender,
        &publics,
        |i| [40 + i as u8; 32],
        [40; 32],
        [40; 32],
    );
    // With tag and commitment both on the first key, the second recipient
    // unwraps a key that fails the commitment.
    assert_eq!(
        open(&consistent_tag, odd_one, &sender.public_key()).unwrap_err(),
        Error::Tampered
    );
}
