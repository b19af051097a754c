//! `Keyring`: the same envelopes as the free functions, byte for byte, with
//! the static Diffie-Hellman results cached; and large payloads, which take
//! the two-thread path, against the reference AEAD.

use passerelle_crypto::{
    Envelope, Error, Keyring, PublicKey, SealRandomness, SecretKey, open, seal,
    seal_with_randomness,
};
use zeroize::Zeroizing;

use crate::support::{context, key, keys, publics};

fn randomness(n: usize, salt: u8) -> SealRandomness {
    SealRandomness {
        content_key: Zeroizing::new([salt; 32]),
        ephemeral_ikm: (0..n)
            .map(|i| Zeroizing::new([salt.wrapping_add(1 + i as u8); 32]))
            .collect(),
    }
}

fn text(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(13) ^ (i >> 10) as u8)
        .collect()
}

/// Payload sizes on both sides of the two-thread threshold.
const SIZES: [usize; 5] = [0, 1000, 256 * 1024 - 1, 256 * 1024, 1 << 20];

#[test]
fn a_keyring_seals_the_bytes_the_free_function_seals_cold_and_warm() {
    let readers = keys("kr-reader", 4);
    let recipients = publics(&readers);
    let mut keyring = Keyring::new(key("kr-sender"));
    let sender = key("kr-sender");
    for (round, len) in SIZES.iter().enumerate() {
        let plaintext = text(*len);
        let salt = round as u8 * 16;
        let expected = seal_with_randomness(
            &sender,
            &recipients,
            &context(),
            &plaintext,
            randomness(4, salt),
        )
        .unwrap();
        // The first round fills the cache, the others use it.
        let got = keyring
            .seal_with_randomness(&recipients, &context(), &plaintext, randomness(4, salt))
            .unwrap();
        assert!(got == expected, "round {round}, {len} bytes");
        assert_eq!(keyring.cached_peers(), 4);
        for reader in &readers {
            let opened = open(got.as_bytes(), reader, &sender.public_key()).unwrap();
            assert!(opened.plaintext.as_bytes() == plaintext.as_slice());
        }
    }
}

#[test]
fn a_keyring_opens_what_the_free_function_opens() {
    let sender = key("ko-sender");
    let readers = keys("ko-reader", 3);
    let mut rings: Vec<Keyring> = keys("ko-reader", 3).into_iter().map(Keyring::new).collect();
    for len in SIZES {
        let plaintext = text(len);
        let sealed = seal(&sender, &publics(&readers), &context(), &plaintext).unwrap();
        for ring in &mut rings {
            for _ in 0..2 {
                let opened = ring.open(sealed.as_bytes(), &sender.public_key()).unwrap();
                assert!(opened.plaintext.as_bytes() == plaintext.as_slice());
                assert_eq!(ring.cached_peers(), 1);
            }
        }
    }
}

#[test]
fn a_failed_open_caches_nothing_and_a_cached_key_still_checks_everything() {
    let sender = key("kf-sender");
    let reader = key("kf-reader");
    let mut ring = Keyring::new(key("kf-reader"));
    let sealed = seal(&sender, &[reader.public_key()], &context(), b"jeudi").unwrap();
    let mut bytes = sealed.into_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    assert_eq!(
        ring.open(&bytes, &sender.public_key()).unwrap_err(),
        Error::Tampered
    );
    assert_eq!(ring.cached_peers(), 0);
    bytes[last] ^= 1;
    ring.open(&bytes, &sender.public_key()).unwrap();
    assert_eq!(ring.cached_peers(), 1);
    // With the sender's result cached, a change is still refused, and an
    // impostor still fails.
    bytes[last] ^= 1;
    assert_eq!(
        ring.open(&bytes, &sender.public_key()).unwrap_err(),
        Error::Tampered
    );
    bytes[last] ^= 1;
    let impostor = key("kf-impostor");
    let forged = seal(&impostor, &[reader.public_key()], &context(), b"jeudi").unwrap();
    let mut relabelled = forged.into_bytes();
    relabelled[38..70].copy_from_slice(sender.public_key().as_bytes());
    assert_eq!(
        ring.open(&relabelled, &sender.public_key()).unwrap_err(),
        Error::Tampered
    );
    ring.forget(&sender.public_key());
    assert_eq!(ring.cached_peers(), 0);
    ring.open(&bytes, &sender.public_key()).unwrap();
    ring.clear();
    assert_eq!(ring.cached_peers(), 0);
}

#[test]
fn keyring_debug_is_redacted() {
    let secret = key("kd");
    let hex_secret: String = secret
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut ring = Keyring::new(secret);
    let peer = key("kd-peer");
    ring.seal(&[peer.public_key()], &context(), b"x").unwrap();
    let shown = format!("{ring:?}");
    assert!(shown.contains("redacted"), "{shown}");
    assert!(!shown.contains(&hex_secret));
    assert_eq!(ring.public_key(), ring.secret_key().public_key());
    let back: SecretKey = ring.into_secret_key();
    assert_eq!(back.public_key(), key("kd").public_key());
}

/// Large payloads are encrypted on two threads: the payload must still be
/// exactly ChaCha20-Poly1305 (checked with the `chacha20poly1305` crate)
/// under the payload key derived from the content key, and the digest
/// exactly BLAKE3 of it.
#[test]
fn large_payloads_match_the_reference_aead_and_digest() {
    use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit};
    let sender = key("kl-sender");
    let readers = keys("kl-reader", 3);
    for len in SIZES {
        let plaintext = text(len);
        let sealed = seal_with_randomness(
            &sender,
            &publics(&readers),
            &context(),
            &plaintext,
            randomness(3, 0x77),
        )
        .unwrap();
        let parsed = Envelope::parse(sealed.as_bytes()).unwrap();
        parsed.verify_payload_digest().unwrap();
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(None, &[0x77; 32]);
        let mut payload_key = [0u8; 32];
        hk.expand(b"passerelle/v1/payload-key", &mut payload_key)
            .unwrap();
        let n = parsed.recipients().len();
        let prefix = &sealed.as_bytes()[..72 + 32 * n];
        let payload = &sealed.as_bytes()[sealed.as_bytes().len() - parsed.payload_len()..];
        let (body, tag) = payload.split_at(len);
        let mut decrypted = body.to_vec();
        ChaCha20Poly1305::new(&payload_key.into())
            .decrypt_inout_detached(
                &[0; 12].into(),
                prefix,
                decrypted.as_mut_slice().into(),
                tag.try_into().unwrap(),
            )
            .unwrap();
        assert!(decrypted == plaintext, "{len} bytes");
        for reader in &readers {
            let opened = open(sealed.as_bytes(), reader, &sender.public_key()).unwrap();
            assert!(opened.plaintext.as_bytes() == plaintext.as_slice());
        }
    }
}

/// A large envelope changed in its payload (start, middle, end, tag) or its
/// digest is refused on the two-thread path too.
#[test]
fn a_large_envelope_changed_anywhere_in_its_payload_is_refused() {
    let sender = key("kc-sender");
    let readers = keys("kc-reader", 2);
    let plaintext = text(600 * 1024);
    let sealed = seal(&sender, &publics(&readers), &context(), &plaintext)
        .unwrap()
        .into_bytes();
    let parsed = Envelope::parse(&sealed).unwrap();
    let payload_at = sealed.len() - parsed.payload_len();
    let digest_at = 72 + 32 * 2 + 4;
    let spots = [
        digest_at,
        payload_at,
        payload_at + 300 * 1024,
        sealed.len() - 17,
        sealed.len() - 1,
    ];
    let expected: PublicKey = sender.public_key();
    for spot in spots {
        let mut changed = sealed.clone();
        changed[spot] ^= 0x40;
        for reader in &readers {
            assert_eq!(
                open(&changed, reader, &expected).unwrap_err(),
                Error::Tampered,
                "byte {spot}"
            );
        }
    }
}
