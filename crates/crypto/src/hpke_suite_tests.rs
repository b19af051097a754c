//! RFC 9180 Appendix A.2 vectors (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! ChaCha20Poly1305), base and auth modes, run through the exact functions
//! the envelope uses, and the same suite cross-checked against the `hpke`
//! crate on other inputs. Source and transcription notes:
//! `tests/vectors/rfc9180-a2-x25519-sha256-chacha20poly1305.json`.

use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use serde::Deserialize;

use super::*;

/// The reference implementation.
type Kem = hpke::kem::X25519HkdfSha256;

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

/// Hands the `hpke` crate exactly the 32 bytes of one ephemeral seed. It
/// draws them once per seal (`DeriveKeyPair(random(Nsk))`), which the RFC
/// vectors confirm; asking for more is recorded.
struct OneShotRng<'a> {
    ikm: &'a [u8; 32],
    used: usize,
    overdrawn: bool,
}

impl<'a> OneShotRng<'a> {
    fn new(ikm: &'a [u8; 32]) -> Self {
        Self {
            ikm,
            used: 0,
            overdrawn: false,
        }
    }
}

impl rand_core::TryRng for OneShotRng<'_> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        match self.ikm.get(self.used..self.used + dst.len()) {
            Some(bytes) => {
                dst.copy_from_slice(bytes);
                self.used += dst.len();
            }
            None => {
                self.overdrawn = true;
                dst.fill(0);
            }
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for OneShotRng<'_> {}

/// Our `DeriveKeyPair` gives the RFC's key pairs (the private keys as
/// printed, unclamped).
#[test]
fn our_derive_key_pair_matches_rfc_9180() {
    for v in vectors().vectors {
        let mut pairs = vec![(&v.ikmR, &v.skRm, &v.pkRm)];
        if let (Some(ikm), Some(sk), Some(pk)) = (&v.ikmS, &v.skSm, &v.pkSm) {
            pairs.push((ikm, sk, pk));
        }
        for (ikm, sk, pk) in pairs {
            let (secret, public) = derive_key_pair(&hex(ikm)).unwrap();
            assert_eq!(*secret, array(sk), "{}", v.section);
            assert_eq!(public, array(pk), "{}", v.section);
        }
        let (_, eph) = derive_key_pair(&hex(&v.ikmE)).unwrap();
        assert_eq!(eph, array(&v.pkEm), "{}", v.section);
    }
}

/// Our encapsulation and key schedule, on both sides, reproduce every
/// listed encryption (any sequence number) and every export of A.2.1
/// (base) and A.2.3 (auth).
#[test]
fn our_contexts_match_every_rfc_9180_encryption_and_export() {
    for v in vectors().vectors {
        let recipient = SecretKey::from_bytes(&array(&v.skRm));
        let sender = v.skSm.as_deref().map(|s| SecretKey::from_bytes(&array(s)));
        let info = hex(&v.info);
        let (mode, sealed, opened) = match &sender {
            Some(sender) => {
                let to = StaticDh::compute(sender, &recipient.public_key()).unwrap();
                let from = StaticDh::compute(&recipient, &sender.public_key()).unwrap();
                assert_eq!(to.as_bytes(), from.as_bytes());
                let pk_s = sender.public_key();
                let (enc, sealed) = encap(
                    &array(&v.ikmE),
                    &recipient.public_key(),
                    Some(AuthSender {
                        public: &pk_s,
                        static_dh: &to,
                    }),
                )
                .unwrap();
                assert_eq!(enc, array(&v.enc), "{} enc", v.section);
                let opened = decap(
                    &enc,
                    &recipient,
                    Some(AuthReceiver {
                        sender: &pk_s,
                        static_dh: &from,
                    }),
                )
                .unwrap();
                (Mode::Auth, sealed, opened)
            }
            None => {
                let (enc, sealed) = encap(&array(&v.ikmE), &recipient.public_key(), None).unwrap();
                assert_eq!(enc, array(&v.enc), "{} enc", v.section);
                (Mode::Base, sealed, decap(&enc, &recipient, None).unwrap())
            }
        };
        assert_eq!(mode as u8, v.mode);
        let schedule = ScheduleContext::new(mode, &[&info]);
        let ctx_s = Context::new(&sealed, &schedule).unwrap();
        let ctx_r = Context::new(&opened, &schedule).unwrap();
        assert!(!v.encryptions.is_empty());
        for e in &v.encryptions {
            let pt = hex(&e.pt);
            let mut ct = vec![0u8; pt.len() + 16];
            ctx_s
                .seal_into(e.sequence_number, &hex(&e.aad), &pt, &mut ct)
                .unwrap();
            assert_eq!(ct, hex(&e.ct), "{} seq {}", v.section, e.sequence_number);
            let mut back = vec![0u8; pt.len()];
            ctx_r
                .open_into(e.sequence_number, &hex(&e.aad), &ct, &mut back)
                .unwrap();
            assert_eq!(back, pt);
            // The wrong sequence number does not open.
            assert_eq!(
                ctx_r.open_into(e.sequence_number + 1, &hex(&e.aad), &ct, &mut back),
                Err(Error::Tampered)
            );
        }
        assert!(!v.exports.is_empty());
        for export in &v.exports {
            for ctx in [&ctx_s, &ctx_r] {
                let mut out = vec![0u8; export.length];
                ctx.export(&hex(&export.exporter_context), &mut out)
                    .unwrap();
                assert_eq!(out, hex(&export.exported_value), "{} export", v.section);
            }
        }
    }
}

/// On inputs other than the RFC's (keys, seeds, info and AAD of several
/// lengths), our single-shot seal gives the `hpke` crate's bytes, and each
/// side opens the other's.
#[test]
fn seal_wrap_agrees_with_the_hpke_crate_on_other_inputs() {
    type A = hpke::aead::ChaCha20Poly1305;
    type K = hpke::kdf::HkdfSha256;
    for i in 0u8..12 {
        let recipient = SecretKey::from_bytes(&[i.wrapping_mul(37).wrapping_add(1); 32]);
        let sender = SecretKey::from_bytes(&[i.wrapping_mul(11).wrapping_add(200); 32]);
        let ikm = [i ^ 0x5a; 32];
        let info = vec![i; usize::from(i) * 23];
        let aad = vec![i.wrapping_add(1); usize::from(i) * 7];
        let pt = vec![i.wrapping_add(2); 32 + usize::from(i)];
        let sk_r = <Kem as hpke::Kem>::PrivateKey::from_bytes(&*recipient.to_bytes()).unwrap();
        let pk_r =
            <Kem as hpke::Kem>::PublicKey::from_bytes(recipient.public_key().as_bytes()).unwrap();
        let sk_s = <Kem as hpke::Kem>::PrivateKey::from_bytes(&*sender.to_bytes()).unwrap();
        let pk_s =
            <Kem as hpke::Kem>::PublicKey::from_bytes(sender.public_key().as_bytes()).unwrap();
        for auth in [false, true] {
            let (mode_s, mode_r) = if auth {
                (
                    OpModeS::Auth((sk_s.clone(), pk_s.clone())),
                    OpModeR::Auth(pk_s.clone()),
                )
            } else {
                (OpModeS::Base, OpModeR::Base)
            };
            let (enc, ct) = seal_wrap(
                auth.then_some(&sender),
                &recipient.public_key(),
                &info,
                &aad,
                &pt,
                &ikm,
            )
            .unwrap();
            let mut rng = OneShotRng::new(&ikm);
            let (ref_enc, ref_ct) = hpke::single_shot_seal_with_rng::<A, K, Kem>(
                &mode_s, &pk_r, &info, &pt, &aad, &mut rng,
            )
            .unwrap();
            assert!(!rng.overdrawn);
            assert_eq!(enc.as_slice(), ref_enc.to_bytes().as_slice(), "{i} {auth}");
            assert_eq!(ct, ref_ct, "{i} {auth}");
            let opened = hpke::single_shot_open::<A, K, Kem>(
                &mode_r,
                &sk_r,
                &<Kem as hpke::Kem>::EncappedKey::from_bytes(&enc).unwrap(),
                &info,
                &ct,
                &aad,
            )
            .unwrap();
            assert_eq!(opened, pt);
            let ours = open_wrap(
                &recipient,
                auth.then(|| sender.public_key()).as_ref(),
                &enc,
                &info,
                &aad,
                &ref_ct,
            )
            .unwrap();
            assert_eq!(ours.as_slice(), pt.as_slice());
        }
    }
}

/// Every refused key gives an all-zero Diffie-Hellman, which X25519 does
/// not hand out, and which encapsulation refuses (`NonContributoryKey`) and
/// decapsulation too (`Tampered`).
#[test]
fn all_zero_diffie_hellman_results_are_refused() {
    let ours = SecretKey::from_bytes(&[3; 32]);
    let mut one = [0u8; 32];
    one[0] = 1;
    for bad in [[0u8; 32], one] {
        assert_eq!(x25519_dalek::x25519([3; 32], bad), [0; 32]);
        assert!(ours.x25519(&bad).is_none());
        assert_eq!(decap(&bad, &ours, None).unwrap_err(), Error::Tampered);
        let key = PublicKey::from_validated(bad);
        assert_eq!(
            encap(&[5; 32], &key, None).unwrap_err(),
            Error::NonContributoryKey
        );
        assert_eq!(
            StaticDh::compute(&ours, &key).unwrap_err(),
            Error::NonContributoryKey
        );
    }
}

/// X25519 gives RFC 7748's value (as computed by `x25519-dalek`'s ladder)
/// on every kind of u-coordinate: honest keys, points with a small-order
/// component, points of small order (no value: the result is all-zero),
/// points on the twist, non-canonical encodings (`u + p`), and the ignored
/// top bit set.
#[test]
fn x25519_agrees_with_x25519_dalek() {
    use curve25519_dalek::constants::EIGHT_TORSION;
    use curve25519_dalek::{EdwardsPoint, MontgomeryPoint};
    let scalars: Vec<[u8; 32]> = (0u8..24)
        .map(|i| {
            let mut k = [0u8; 32];
            for (j, b) in k.iter_mut().enumerate() {
                *b = i.wrapping_mul(97).wrapping_add(j as u8).wrapping_mul(13) ^ 0x5c;
            }
            k
        })
        .collect();
    let mut inputs: Vec<[u8; 32]> = Vec::new();
    for k in &scalars {
        let honest = EdwardsPoint::mul_base_clamped(*k);
        inputs.push(honest.to_montgomery().to_bytes());
        for torsion in EIGHT_TORSION.iter() {
            inputs.push((honest + torsion).to_montgomery().to_bytes());
            inputs.push(torsion.to_montgomery().to_bytes());
        }
        // Arbitrary bytes: about half are on the twist.
        inputs.push(*k);
        let mut high = honest.to_montgomery().to_bytes();
        high[31] |= 0x80;
        inputs.push(high);
    }
    // u + p for small u: 2^255 - 19 + u.
    for u in 0u8..19 {
        let mut bytes = [0xffu8; 32];
        bytes[31] = 0x7f;
        bytes[0] = 0xed + u;
        inputs.push(bytes);
    }
    let (mut twist, mut zero) = (0, 0);
    for u in &inputs {
        if MontgomeryPoint(*u).to_edwards(0).is_none() {
            twist += 1;
        }
        for k in &scalars {
            let expected = x25519_dalek::x25519(*k, *u);
            let ours = SecretKey::from_bytes(k).x25519(u);
            if expected == [0; 32] {
                zero += 1;
                assert!(ours.is_none(), "u {u:02x?}");
            } else {
                assert_eq!(ours.as_deref(), Some(&expected), "u {u:02x?}");
            }
        }
    }
    assert!(twist > 5, "twist points were tried");
    assert!(twist < inputs.len() / 2, "curve points were tried");
    assert!(zero > 0, "small-order points were tried");
}
