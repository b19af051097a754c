//! Properties of sealing and opening: round trips, and every alteration
//! refused.

use passerelle_crypto::{
    CaseId, ContentType, Context, Envelope, Error, MAX_PAYLOAD_LEN, MAX_RECIPIENTS, MessageId,
    PublicKey, SecretKey, open, seal, wire,
};
use proptest::prelude::*;

use crate::support::{context, key, keys, publics};

const KEY: usize = 32;
const WRAP: usize = 80;
/// Offset of the recipient count in the header.
const COUNT_AT: usize = 70;

fn recipients_start() -> usize {
    COUNT_AT + 2
}

fn wraps_start(n: usize) -> usize {
    recipients_start() + n * KEY + 4 + 32 + 32
}

/// A payload length in 0..=1 MiB, with the edges and small sizes likely.
fn payload_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        Just(MAX_PAYLOAD_LEN),
        0usize..=64,
        0usize..=4096,
        0usize..=MAX_PAYLOAD_LEN,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_recipient_reads_what_was_sealed(
        len in payload_len(),
        fill in any::<u8>(),
        n in 1usize..=16,
        content in prop::sample::select(vec![
            ContentType::Message, ContentType::Request, ContentType::Visit, ContentType::PlanNote,
        ]),
    ) {
        let sender = key("sender");
        let readers = keys("reader", n);
        let plaintext: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31) ^ fill).collect();
        let context = Context { content_type: content, ..context() };
        let sealed = seal(&sender, &publics(&readers), &context, &plaintext).unwrap();
        prop_assert_eq!(sealed.as_bytes().len(), wire::envelope_len(n, len));
        let parsed = Envelope::parse(sealed.as_bytes()).unwrap();
        prop_assert_eq!(parsed.recipients().len(), n);
        for reader in &readers {
            let opened = open(sealed.as_bytes(), reader, &sender.public_key()).unwrap();
            prop_assert_eq!(opened.plaintext.as_bytes(), &plaintext[..]);
            prop_assert_eq!(opened.context, context);
            prop_assert_eq!(opened.sender, sender.public_key());
        }
    }
}

fn sealed_to(n: usize, plaintext: &[u8]) -> (SecretKey, Vec<SecretKey>, Vec<u8>) {
    let sender = key("sender");
    let readers = keys("reader", n);
    let sealed = seal(&sender, &publics(&readers), &context(), plaintext).unwrap();
    (sender, readers, sealed.into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any single bit, in the header, the commitment, anybody's wrap, the
    /// tag or the payload: no recipient opens the result.
    #[test]
    fn flipping_any_bit_stops_every_recipient(n in 1usize..=4, bit in any::<prop::sample::Index>()) {
        let (sender, readers, mut bytes) = sealed_to(n, b"Maman, le parloir est jeudi a 14h.");
        let bit = bit.index(bytes.len() * 8);
        bytes[bit / 8] ^= 1 << (bit % 8);
        for reader in &readers {
            prop_assert!(open(&bytes, reader, &sender.public_key()).is_err(), "bit {} opened", bit);
        }
    }

    /// Hostile bytes never panic the parser or the opener.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let reader = key("reader-0");
        let _ = Envelope::parse(&bytes);
        prop_assert!(open(&bytes, &reader, &key("sender").public_key()).is_err());
    }

    /// A valid envelope cut short or extended anywhere is refused.
    #[test]
    fn truncation_or_extension_is_refused(cut in any::<prop::sample::Index>(), extra in 1usize..64) {
        let (sender, readers, bytes) = sealed_to(2, b"des chaussettes et un pull");
        let cut = cut.index(bytes.len());
        prop_assert!(open(&bytes[..cut], &readers[0], &sender.public_key()).is_err());
        let mut longer = bytes.clone();
        longer.extend(std::iter::repeat_n(0u8, extra));
        prop_assert_eq!(
            open(&longer, &readers[0], &sender.public_key()).unwrap_err(),
            Error::Malformed("trailing bytes after the payload")
        );
    }
}

/// Rewrites the recipient list: `edit` gets (keys, wraps) and changes them.
fn edit_recipients(
    bytes: &[u8],
    edit: impl FnOnce(&mut Vec<[u8; KEY]>, &mut Vec<[u8; WRAP]>),
) -> Vec<u8> {
    let n = usize::from(u16::from_be_bytes([bytes[COUNT_AT], bytes[COUNT_AT + 1]]));
    let keys_at = recipients_start();
    let mut keys: Vec<[u8; KEY]> = bytes[keys_at..keys_at + n * KEY]
        .chunks(KEY)
        .map(|c| c.try_into().unwrap())
        .collect();
    let wraps_at = wraps_start(n);
    let mut wraps: Vec<[u8; WRAP]> = bytes[wraps_at..wraps_at + n * WRAP]
        .chunks(WRAP)
        .map(|c| c.try_into().unwrap())
        .collect();
    edit(&mut keys, &mut wraps);
    let mut out = bytes[..COUNT_AT].to_vec();
    out.extend_from_slice(&(keys.len() as u16).to_be_bytes());
    out.extend(keys.iter().flatten());
    out.extend_from_slice(&bytes[keys_at + n * KEY..wraps_at]);
    out.extend(wraps.iter().flatten());
    out.extend_from_slice(&bytes[wraps_at + n * WRAP..]);
    out
}

#[test]
fn removing_a_recipient_entry_is_refused() {
    let (sender, readers, bytes) = sealed_to(3, b"papiers d'identite");
    for drop in 0..3 {
        let edited = edit_recipients(&bytes, |keys, wraps| {
            keys.remove(drop);
            wraps.remove(drop);
        });
        for reader in &readers {
            assert!(open(&edited, reader, &sender.public_key()).is_err());
        }
    }
}

#[test]
fn adding_a_recipient_entry_is_refused() {
    let (sender, readers, bytes) = sealed_to(2, b"papiers d'identite");
    let intruder = key("intruder");
    // The intruder copies a wrap from an envelope really sealed to them.
    let (_, _, other) = {
        let sealed = seal(&sender, &[intruder.public_key()], &context(), b"x").unwrap();
        (sender.public_key(), (), sealed.into_bytes())
    };
    let their_wrap: [u8; WRAP] = other[wraps_start(1)..wraps_start(1) + WRAP]
        .try_into()
        .unwrap();
    let edited = edit_recipients(&bytes, |keys, wraps| {
        let at = keys.partition_point(|k| k < intruder.public_key().as_bytes());
        keys.insert(at, *intruder.public_key().as_bytes());
        wraps.insert(at, their_wrap);
    });
    for reader in readers.iter().chain([&intruder]) {
        assert!(open(&edited, reader, &sender.public_key()).is_err());
    }
}

#[test]
fn swapping_or_reordering_recipient_entries_is_refused() {
    let (sender, readers, bytes) = sealed_to(3, b"papiers d'identite");
    let swapped_wraps = edit_recipients(&bytes, |_, wraps| wraps.swap(0, 1));
    let reordered = edit_recipients(&bytes, |keys, wraps| {
        keys.swap(0, 2);
        wraps.swap(0, 2);
    });
    let reversed = edit_recipients(&bytes, |keys, wraps| {
        keys.reverse();
        wraps.reverse();
    });
    for edited in [&swapped_wraps, &reordered, &reversed] {
        for reader in &readers {
            assert!(open(edited, reader, &sender.public_key()).is_err());
        }
    }
    assert_eq!(
        Envelope::parse(&reordered).unwrap_err(),
        Error::Malformed("recipient keys are not sorted and unique")
    );
}

#[test]
fn replacing_a_recipient_key_is_refused() {
    let (sender, readers, bytes) = sealed_to(2, b"papiers d'identite");
    let stranger = key("stranger");
    let edited = edit_recipients(&bytes, |keys, _| {
        keys[0] = *stranger.public_key().as_bytes();
        keys.sort();
    });
    for reader in readers.iter().chain([&stranger]) {
        assert!(open(&edited, reader, &sender.public_key()).is_err());
    }
}

#[test]
fn a_wrong_sender_key_is_refused() {
    let (sender, readers, bytes) = sealed_to(2, b"bonjour");
    let other = key("other-sender");
    assert_eq!(
        open(&bytes, &readers[0], &other.public_key()).unwrap_err(),
        Error::WrongSender
    );
    // Rewriting the sender field to the expected key does not help: the
    // wraps were authenticated with the real sender's key.
    let mut forged = bytes.clone();
    forged[38..70].copy_from_slice(other.public_key().as_bytes());
    assert_eq!(
        open(&forged, &readers[0], &other.public_key()).unwrap_err(),
        Error::Tampered
    );
    // A key the sender never sealed to can be no one's sender either.
    let forged_by_reader = seal(&readers[0], &publics(&readers), &context(), b"bonjour").unwrap();
    assert_eq!(
        open(
            forged_by_reader.as_bytes(),
            &readers[1],
            &sender.public_key()
        )
        .unwrap_err(),
        Error::WrongSender
    );
}

/// A recipient who knows the content key encrypts a new payload under it:
/// the others refuse it, whether the header keeps the old digest or not.
#[test]
fn a_payload_reencrypted_by_a_recipient_fails_for_the_others() {
    use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit};
    let (sender, readers, bytes) = sealed_to(3, b"le vrai message");
    let parsed = Envelope::parse(&bytes).unwrap();
    let n = parsed.recipients().len();
    let content_key = content_key_of(&bytes, &readers[0], &sender.public_key());
    let hk = hkdf::Hkdf::<sha2::Sha256>::new(None, &content_key);
    let mut payload_key = [0u8; 32];
    hk.expand(b"passerelle/v1/payload-key", &mut payload_key)
        .unwrap();
    let prefix_len = recipients_start() + n * KEY;
    let mut forged_payload = b"un faux message".to_vec();
    assert_eq!(forged_payload.len(), b"le vrai message".len());
    let tag = ChaCha20Poly1305::new(&payload_key.into())
        .encrypt_inout_detached(
            &[0; 12].into(),
            &bytes[..prefix_len],
            forged_payload.as_mut_slice().into(),
        )
        .unwrap();
    forged_payload.extend_from_slice(&tag);
    let payload_at = bytes.len() - parsed.payload_len();
    // Keep the header: the digest no longer matches.
    let mut kept = bytes[..payload_at].to_vec();
    kept.extend_from_slice(&forged_payload);
    // Update the digest too: the wraps no longer match the header.
    let mut updated = kept.clone();
    updated[prefix_len + 4..prefix_len + 36]
        .copy_from_slice(blake3::hash(&forged_payload).as_bytes());
    for forged in [&kept, &updated] {
        for reader in &readers[1..] {
            assert_eq!(
                open(forged, reader, &sender.public_key()).unwrap_err(),
                Error::Tampered
            );
        }
    }
}

/// The content key, recovered the way a recipient's own software could.
fn content_key_of(bytes: &[u8], reader: &SecretKey, sender: &PublicKey) -> [u8; 32] {
    use hpke::{Deserializable, OpModeR};
    type Kem = hpke::kem::X25519HkdfSha256;
    let parsed = Envelope::parse(bytes).unwrap();
    let n = parsed.recipients().len();
    let index = parsed.recipient_index(&reader.public_key()).unwrap();
    let header_len = recipients_start() + n * KEY + 36;
    let commitment = &bytes[header_len..header_len + 32];
    let wrap = &bytes[wraps_start(n) + index * WRAP..wraps_start(n) + (index + 1) * WRAP];
    let mut info = b"passerelle/v1/wrap".to_vec();
    info.extend_from_slice(&bytes[..header_len]);
    let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(reader.to_bytes().as_slice()).unwrap();
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(sender.as_bytes()).unwrap();
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&wrap[..32]).unwrap();
    let key = hpke::single_shot_open::<hpke::aead::ChaCha20Poly1305, hpke::kdf::HkdfSha256, Kem>(
        &OpModeR::Auth(pk),
        &sk,
        &enc,
        &info,
        &wrap[32..],
        commitment,
    )
    .unwrap();
    key.try_into().unwrap()
}

#[test]
fn only_recipients_open() {
    let (sender, _, bytes) = sealed_to(3, b"bonjour");
    assert_eq!(
        open(&bytes, &key("outsider"), &sender.public_key()).unwrap_err(),
        Error::NotARecipient
    );
}

#[test]
fn limits_are_enforced_when_sealing() {
    let sender = key("sender");
    let many = publics(&keys("many", MAX_RECIPIENTS + 1));
    assert_eq!(
        seal(&sender, &many, &context(), b"x").unwrap_err(),
        Error::TooManyRecipients {
            max: MAX_RECIPIENTS
        }
    );
    assert!(seal(&sender, &many[..MAX_RECIPIENTS], &context(), b"x").is_ok());
    let big = vec![0u8; MAX_PAYLOAD_LEN + 1];
    assert_eq!(
        seal(&sender, &many[..1], &context(), &big).unwrap_err(),
        Error::TooLarge {
            max: MAX_PAYLOAD_LEN
        }
    );
    assert_eq!(
        seal(&sender, &[], &context(), b"x").unwrap_err(),
        Error::Malformed("an envelope needs at least one recipient")
    );
}

#[test]
fn repeated_recipients_are_sealed_once() {
    let sender = key("sender");
    let reader = key("reader");
    let sealed = seal(
        &sender,
        &[reader.public_key(), reader.public_key()],
        &context(),
        b"x",
    )
    .unwrap();
    assert_eq!(
        Envelope::parse(sealed.as_bytes())
            .unwrap()
            .recipients()
            .len(),
        1
    );
}

#[test]
fn the_parser_names_what_is_wrong() {
    let (_, _, bytes) = sealed_to(2, b"bonjour");
    let mut v = bytes.clone();
    v[4] = 2;
    assert_eq!(
        Envelope::parse(&v).unwrap_err(),
        Error::UnsupportedVersion(2)
    );
    let mut m = bytes.clone();
    m[0] = b'X';
    assert_eq!(
        Envelope::parse(&m).unwrap_err(),
        Error::Malformed("not a Passerelle envelope")
    );
    let mut t = bytes.clone();
    t[5] = 9;
    assert_eq!(
        Envelope::parse(&t).unwrap_err(),
        Error::Malformed("unknown content type")
    );
    let mut c = bytes.clone();
    c[COUNT_AT..COUNT_AT + 2].copy_from_slice(&(MAX_RECIPIENTS as u16 + 1).to_be_bytes());
    assert_eq!(
        Envelope::parse(&c).unwrap_err(),
        Error::TooManyRecipients {
            max: MAX_RECIPIENTS
        }
    );
    let mut z = bytes.clone();
    z[COUNT_AT..COUNT_AT + 2].copy_from_slice(&0u16.to_be_bytes());
    assert!(matches!(
        Envelope::parse(&z).unwrap_err(),
        Error::Malformed(_)
    ));
    let n = 2;
    let len_at = recipients_start() + n * KEY;
    let mut l = bytes.clone();
    l[len_at..len_at + 4].copy_from_slice(&((MAX_PAYLOAD_LEN + 17) as u32).to_be_bytes());
    assert_eq!(
        Envelope::parse(&l).unwrap_err(),
        Error::TooLarge {
            max: MAX_PAYLOAD_LEN
        }
    );
    assert_eq!(
        Envelope::parse(&[]).unwrap_err(),
        Error::Malformed("truncated envelope")
    );
}

#[test]
fn envelope_debug_shows_metadata_only() {
    let (_, _, bytes) = sealed_to(2, b"secret-word-xyzzy");
    let parsed = Envelope::parse(&bytes).unwrap();
    let shown = format!("{parsed:?}");
    assert!(shown.contains("recipients: 2"));
    assert!(!shown.contains("xyzzy"));
    let opened = open(&bytes, &key("reader-0"), &key("sender").public_key()).unwrap();
    let shown = format!("{opened:?}");
    assert!(
        !shown.contains("xyzzy") && shown.contains("redacted"),
        "{shown}"
    );
}

#[test]
fn ids_display_as_uuids() {
    let id = MessageId::from_bytes([
        0x67, 0xe5, 0x50, 0x44, 0x10, 0xb1, 0x42, 0x6f, 0x92, 0x47, 0xbb, 0x68, 0x0e, 0x5f, 0xe0,
        0xc8,
    ]);
    assert_eq!(id.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
    assert_eq!(
        CaseId::from_bytes([0; 16]).to_string(),
        "00000000-0000-0000-0000-000000000000"
    );
}
