//! Keys, their text forms, safety numbers and passphrase wrapping.

use passerelle_crypto::{Error, KdfParams, PublicKey, SafetyNumber, SecretKey, WrappedKey};
use proptest::prelude::*;

use crate::support::key;

fn pk(hex_str: &str) -> PublicKey {
    PublicKey::from_bytes(hex::decode(hex_str).unwrap().try_into().unwrap()).unwrap()
}

/// Expected digits computed outside Rust, from the README's definition
/// (Python: sha256(label + key), six 5-byte big-endian groups mod 100000).
#[test]
fn fingerprints_follow_the_documented_definition() {
    let r = pk("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a");
    let s = pk("f0f4f9e96c54aeed3f323de8534fffd7e0577e4ce269896716bcb95643c8712b");
    assert_eq!(r.fingerprint().digits(), "589319767946404746244175469790");
    assert_eq!(s.fingerprint().digits(), "467375453032775066157119863371");
    assert_eq!(
        r.fingerprint().to_string(),
        "58931 97679 46404 74624 41754 69790"
    );
    let number = SafetyNumber::between(&r, &s);
    assert_eq!(
        number.digits(),
        "467375453032775066157119863371589319767946404746244175469790"
    );
    assert_eq!(
        number.to_string(),
        "46737 54530 32775 06615\n71198 63371 58931 97679\n46404 74624 41754 69790"
    );
    assert_eq!(
        number.qr_payload(),
        "PSRL1467375453032775066157119863371589319767946404746244175469790"
    );
}

proptest! {
    #[test]
    fn both_sides_of_a_pair_see_the_same_safety_number(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
        let (a, b) = (SecretKey::from_bytes(&a).public_key(), SecretKey::from_bytes(&b).public_key());
        prop_assert_eq!(SafetyNumber::between(&a, &b), SafetyNumber::between(&b, &a));
        prop_assert_eq!(SafetyNumber::between(&a, &b).digits().len(), 60);
    }

    #[test]
    fn public_keys_round_trip_through_text(seed in any::<[u8; 32]>()) {
        let public = SecretKey::from_bytes(&seed).public_key();
        let text = public.to_text();
        prop_assert!(text.starts_with("passerelle-pk:"));
        prop_assert_eq!(PublicKey::from_text(&text).unwrap(), public);
        prop_assert_eq!(text.parse::<PublicKey>().unwrap(), public);
    }

    #[test]
    fn secret_keys_round_trip_through_text(seed in any::<[u8; 32]>()) {
        let secret = SecretKey::from_bytes(&seed);
        let back = SecretKey::from_text(&secret.to_text()).unwrap();
        prop_assert_eq!(back.public_key(), secret.public_key());
    }
}

/// The small-order u-coordinates, each also with bit 255 set, and the
/// all-zero key: every one gives an all-zero shared secret, and every one
/// is refused.
#[test]
fn all_zero_and_small_order_public_keys_are_rejected() {
    let order_8 = "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800";
    let mut bad: Vec<[u8; 32]> = vec![[0; 32]];
    let mut one = [0u8; 32];
    one[0] = 1;
    bad.push(one);
    bad.push(hex::decode(order_8).unwrap().try_into().unwrap());
    bad.push(
        hex::decode("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")
            .unwrap()
            .try_into()
            .unwrap(),
    );
    for low in [0xec, 0xed, 0xee] {
        let mut p = [0xff; 32];
        p[0] = low;
        p[31] = 0x7f;
        bad.push(p);
    }
    let with_high_bit: Vec<[u8; 32]> = bad
        .iter()
        .map(|k| {
            let mut k = *k;
            k[31] |= 0x80;
            k
        })
        .collect();
    let probe = x25519_dalek::StaticSecret::from([0x5a; 32]);
    for key in bad.iter().chain(&with_high_bit) {
        let shared = probe.diffie_hellman(&x25519_dalek::PublicKey::from(*key));
        assert!(
            !shared.was_contributory(),
            "{} is not small order",
            hex::encode(key)
        );
        assert_eq!(
            PublicKey::from_bytes(*key).unwrap_err(),
            Error::NonContributoryKey
        );
    }
    // Sealing to one is refused before anything is produced.
    let sealed = passerelle_crypto::seal(
        &key("sender"),
        &[PublicKey::from_bytes([9; 32]).unwrap()],
        &crate::support::context(),
        b"x",
    );
    assert!(sealed.is_ok(), "an ordinary key is accepted");
}

proptest! {
    /// Random keys are almost never small order; when the check says a key
    /// is fine, X25519 agrees that the secret is contributory.
    #[test]
    fn accepted_keys_give_contributory_secrets(bytes in any::<[u8; 32]>()) {
        if PublicKey::from_bytes(bytes).is_ok() {
            let probe = x25519_dalek::StaticSecret::from([0x5a; 32]);
            prop_assert!(probe.diffie_hellman(&x25519_dalek::PublicKey::from(bytes)).was_contributory());
        }
    }
}

#[test]
fn a_small_order_key_inside_an_envelope_is_rejected_by_the_parser() {
    let sender = key("sender");
    let sealed = passerelle_crypto::seal(
        &sender,
        &[key("r").public_key()],
        &crate::support::context(),
        b"x",
    )
    .unwrap()
    .into_bytes();
    let mut zero_sender = sealed.clone();
    zero_sender[38..70].fill(0);
    assert_eq!(
        passerelle_crypto::Envelope::parse(&zero_sender).unwrap_err(),
        Error::NonContributoryKey
    );
    let mut zero_recipient = sealed.clone();
    zero_recipient[72..104].fill(0);
    assert_eq!(
        passerelle_crypto::Envelope::parse(&zero_recipient).unwrap_err(),
        Error::NonContributoryKey
    );
}

#[test]
fn a_wrapped_key_opens_with_its_passphrase_only() {
    let secret = key("wrapped");
    let wrapped =
        WrappedKey::wrap(&secret, b"correct horse battery staple", KdfParams::OWASP).unwrap();
    assert_eq!(wrapped.params(), KdfParams::OWASP);
    assert_eq!(wrapped.public_key(), secret.public_key());
    let back = WrappedKey::from_text(&wrapped.to_text()).unwrap();
    assert_eq!(back, wrapped);
    let opened = back.unwrap(b"correct horse battery staple").unwrap();
    assert_eq!(opened.public_key(), secret.public_key());
    assert_eq!(opened.to_bytes(), secret.to_bytes());
    assert_eq!(back.unwrap(b"wrong").unwrap_err(), Error::WrongPassphrase);
}

#[test]
fn raised_parameters_are_recorded_and_still_open() {
    let secret = key("raised");
    let stronger = KdfParams {
        m_cost_kib: 32 * 1024,
        t_cost: 3,
        p_cost: 2,
    };
    let wrapped = WrappedKey::wrap(&secret, b"pass", stronger).unwrap();
    let back = WrappedKey::from_bytes(wrapped.as_bytes()).unwrap();
    assert_eq!(back.params(), stronger);
    assert_eq!(
        back.unwrap(b"pass").unwrap().public_key(),
        secret.public_key()
    );
}

#[test]
fn weak_or_hostile_parameters_are_refused() {
    let secret = key("weak");
    let weak = KdfParams {
        m_cost_kib: 1024,
        t_cost: 1,
        p_cost: 1,
    };
    assert!(matches!(
        WrappedKey::wrap(&secret, b"p", weak),
        Err(Error::Malformed(_))
    ));
    // A file claiming 4 GiB of memory is refused before any allocation.
    let wrapped = WrappedKey::wrap(&secret, b"p", KdfParams::OWASP).unwrap();
    let mut bytes = wrapped.as_bytes().to_vec();
    bytes[6..10].copy_from_slice(&(4u32 * 1024 * 1024).to_be_bytes());
    assert!(matches!(
        WrappedKey::from_bytes(&bytes),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn any_change_to_a_wrapped_key_is_refused() {
    let secret = key("tamper");
    let wrapped = WrappedKey::wrap(&secret, b"pass", KdfParams::OWASP).unwrap();
    // Salt, nonce, public key and sealed secret (the parameters are covered
    // by the range check and the AAD alike).
    for at in [20, 36, 50, 80, 125] {
        let mut bytes = wrapped.as_bytes().to_vec();
        bytes[at] ^= 0x01;
        let outcome = WrappedKey::from_bytes(&bytes).and_then(|w| w.unwrap(b"pass"));
        assert!(outcome.is_err(), "byte {at}");
    }
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let secret = key("debug");
    let text = secret.to_text();
    let encoded = text.trim_start_matches("PASSERELLE-SECRET-KEY:");
    let shown = format!("{secret:?}");
    assert!(!shown.contains(encoded), "{shown}");
    assert!(shown.contains("redacted"));
    let hex_secret = hex::encode(secret.to_bytes().as_slice());
    assert!(!shown.contains(&hex_secret));
    let wrapped = WrappedKey::wrap(&secret, b"pass", KdfParams::OWASP).unwrap();
    let shown = format!("{wrapped:?}");
    assert!(!shown.contains(&wrapped.to_text()[25..60]), "{shown}");
}
