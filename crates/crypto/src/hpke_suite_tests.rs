//! RFC 9180 Appendix A.2 vectors (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! ChaCha20Poly1305), base and auth modes, run through the exact functions
//! the envelope uses. Source and transcription notes:
//! `tests/vectors/rfc9180-a2-x25519-sha256-chacha20poly1305.json`.

use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use serde::Deserialize;

use super::*;

#[derive(Deserialize)]
struct File {
    source: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Vector {
    section: String,
    mode: u8,
    info: String,
    ikmE: String,
    ikmR: String,
    ikmS: Option<String>,
    pkEm: String,
    pkRm: String,
    skRm: String,
    pkSm: Option<String>,
    skSm: Option<String>,
    enc: String,
    encryptions: Vec<Encryption>,
    exports: Vec<Export>,
}

#[derive(Deserialize)]
struct Encryption {
    sequence_number: u64,
    pt: String,
    aad: String,
    ct: String,
}

#[derive(Deserialize)]
struct Export {
    exporter_context: String,
    #[serde(rename = "L")]
    length: usize,
    exported_value: String,
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn array(s: &str) -> [u8; 32] {
    hex(s).try_into().unwrap()
}

/// RFC 9180 prints private keys as derived; the `hpke` crate serialises
/// them clamped (RFC 7748 section 5), which is the same X25519 key.
fn clamped(s: &str) -> Vec<u8> {
    let mut key = array(s);
    key[0] &= 248;
    key[31] &= 127;
    key[31] |= 64;
    key.to_vec()
}

fn vectors() -> File {
    let file: File = serde_json::from_str(include_str!(
        "../tests/vectors/rfc9180-a2-x25519-sha256-chacha20poly1305.json"
    ))
    .unwrap();
    assert!(file.source.contains("RFC 9180"));
    let modes: Vec<u8> = file.vectors.iter().map(|v| v.mode).collect();
    assert!(
        modes.contains(&0) && modes.contains(&2),
        "base and auth vectors present"
    );
    file
}

/// Key pairs derived from `ikm*` match the RFC, and our `SecretKey` agrees
/// with HPKE on the public half.
#[test]
fn derived_key_pairs_match_rfc_9180() {
    for v in vectors().vectors {
        let (sk, pk) = Kem::derive_keypair(&hex(&v.ikmR));
        assert_eq!(sk.to_bytes().as_slice(), clamped(&v.skRm), "{}", v.section);
        assert_eq!(pk.to_bytes().as_slice(), hex(&v.pkRm), "{}", v.section);
        let ours = SecretKey::from_bytes(&array(&v.skRm));
        assert_eq!(ours.public_key().as_bytes(), &array(&v.pkRm));
        let (_, eph) = Kem::derive_keypair(&hex(&v.ikmE));
        assert_eq!(eph.to_bytes().as_slice(), hex(&v.pkEm), "{}", v.section);
        if let (Some(ikm), Some(sk_hex), Some(pk_hex)) = (&v.ikmS, &v.skSm, &v.pkSm) {
            let (sk, pk) = Kem::derive_keypair(&hex(ikm));
            assert_eq!(sk.to_bytes().as_slice(), clamped(sk_hex));
            assert_eq!(pk.to_bytes().as_slice(), hex(pk_hex));
        }
    }
}

/// Sealing with the RFC's `ikmE` reproduces `enc` and the first ciphertext
/// exactly: the wrap draws its ephemeral key the way the RFC does.
#[test]
fn seal_wrap_reproduces_rfc_9180_sequence_zero() {
    for v in vectors().vectors {
        let sender = v.skSm.as_deref().map(|s| SecretKey::from_bytes(&array(s)));
        let recipient = PublicKey::from_bytes(array(&v.pkRm)).unwrap();
        let first = &v.encryptions[0];
        assert_eq!(first.sequence_number, 0);
        let (enc, ct) = seal_wrap(
            sender.as_ref(),
            &recipient,
            &hex(&v.info),
            &hex(&first.aad),
            &hex(&first.pt),
            &array(&v.ikmE),
        )
        .unwrap();
        assert_eq!(enc.as_slice(), hex(&v.enc), "{} enc", v.section);
        assert_eq!(ct, hex(&first.ct), "{} ct", v.section);
    }
}

/// Opening the RFC's first ciphertext gives its plaintext; in auth mode a
/// different sender key fails.
#[test]
fn open_wrap_opens_rfc_9180_sequence_zero() {
    for v in vectors().vectors {
        let recipient = SecretKey::from_bytes(&array(&v.skRm));
        let sender = v
            .pkSm
            .as_deref()
            .map(|s| PublicKey::from_bytes(array(s)).unwrap());
        let first = &v.encryptions[0];
        let pt = open_wrap(
            &recipient,
            sender.as_ref(),
            &array(&v.enc),
            &hex(&v.info),
            &hex(&first.aad),
            &hex(&first.ct),
        )
        .unwrap();
        assert_eq!(pt.as_slice(), hex(&first.pt), "{}", v.section);
        if sender.is_some() {
            let impostor = SecretKey::from_bytes(&[7; 32]).public_key();
            let forged = open_wrap(
                &recipient,
                Some(&impostor),
                &array(&v.enc),
                &hex(&v.info),
                &hex(&first.aad),
                &hex(&first.ct),
            );
            assert_eq!(forged.unwrap_err(), Error::Tampered);
        }
    }
}

/// Every listed encryption and export matches, through a multi-shot
/// context of the same crate: the key schedule is right, not only seq 0.
#[test]
fn contexts_match_every_rfc_9180_encryption_and_export() {
    type A = hpke::aead::ChaCha20Poly1305;
    type K = hpke::kdf::HkdfSha256;
    for v in vectors().vectors {
        let (sk_r, pk_r) = Kem::derive_keypair(&hex(&v.ikmR));
        let sender = v.ikmS.as_deref().map(|ikm| Kem::derive_keypair(&hex(ikm)));
        let mode_s = match &sender {
            Some((sk, pk)) => OpModeS::Auth((sk.clone(), pk.clone())),
            None => OpModeS::Base,
        };
        let mode_r = match &sender {
            Some((_, pk)) => OpModeR::Auth(pk.clone()),
            None => OpModeR::Base,
        };
        let ikm_e = array(&v.ikmE);
        let (enc, mut ctx_s) = hpke::setup_sender_with_rng::<A, K, Kem>(
            &mode_s,
            &pk_r,
            &hex(&v.info),
            &mut OneShotRng::new(&ikm_e),
        )
        .unwrap();
        assert_eq!(enc.to_bytes().as_slice(), hex(&v.enc));
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&hex(&v.enc)).unwrap();
        let mut ctx_r =
            hpke::setup_receiver::<A, K, Kem>(&mode_r, &sk_r, &enc, &hex(&v.info)).unwrap();
        let last = v
            .encryptions
            .iter()
            .map(|e| e.sequence_number)
            .max()
            .unwrap();
        let pt = hex(&v.encryptions[0].pt);
        for seq in 0..=last {
            let listed = v.encryptions.iter().find(|e| e.sequence_number == seq);
            let aad = format!("Count-{seq}").into_bytes();
            let ct = ctx_s.seal(&pt, &aad).unwrap();
            if let Some(e) = listed {
                assert_eq!(aad, hex(&e.aad));
                assert_eq!(ct, hex(&e.ct), "{} seq {seq}", v.section);
            }
            assert_eq!(ctx_r.open(&ct, &aad).unwrap(), pt);
        }
        for export in &v.exports {
            let mut out = vec![0u8; export.length];
            ctx_r
                .export(&hex(&export.exporter_context), &mut out)
                .unwrap();
            assert_eq!(out, hex(&export.exported_value), "{} export", v.section);
        }
    }
}

#[test]
fn a_seed_of_the_wrong_size_never_reaches_hpke_silently() {
    let mut rng = OneShotRng::new(&[1; 32]);
    let mut too_much = [9u8; 33];
    rand_core::TryRng::try_fill_bytes(&mut rng, &mut too_much).unwrap();
    assert!(rng.overdrawn);
    assert_eq!(too_much, [0; 33]);
}
