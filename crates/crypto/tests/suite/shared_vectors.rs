//! `tests/vectors/envelope-v1.json`: deterministic envelopes that every
//! implementation (this crate, the browser app) must reproduce and open, and
//! hostile ones that every implementation must refuse with the same error.
//!
//! Regenerate after a deliberate format change with
//! `PASSERELLE_WRITE_VECTORS=1 cargo nextest run -p passerelle-crypto shared_vectors_are_reproduced`.

use passerelle_crypto::{
    CaseId, ContentType, Context, Error, MessageId, PublicKey, SealRandomness, SecretKey, open,
    seal_with_randomness,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/envelope-v1.json"
);

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct File {
    description: String,
    keys: Vec<Key>,
    vectors: Vec<Vector>,
    invalid: Vec<Invalid>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Key {
    name: String,
    secret_key: String,
    public_key: String,
    fingerprint: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Vector {
    name: String,
    sender: String,
    recipients: Vec<String>,
    content_type: String,
    message_id: String,
    case_id: String,
    plaintext: String,
    content_key: String,
    ephemeral_ikm: Vec<String>,
    envelope: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Invalid {
    name: String,
    envelope: String,
    opener: String,
    expected_sender: String,
    error: String,
}

fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("passerelle envelope-v1 vector {label}")).into()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

const NAMES: [&str; 6] = [
    "relative",
    "worker",
    "second-worker",
    "detainee",
    "other-relative",
    "coordinator",
];

fn secret(name: &str) -> SecretKey {
    SecretKey::from_bytes(&seed(&format!("key {name}")))
}

struct Spec {
    name: &'static str,
    sender: &'static str,
    recipients: &'static [&'static str],
    content_type: ContentType,
    plaintext: Vec<u8>,
}

fn specs() -> Vec<Spec> {
    vec![
        Spec {
            name: "one recipient",
            sender: "relative",
            recipients: &["worker"],
            content_type: ContentType::Message,
            plaintext: "Bonjour, pouvez-vous lui dire que tout va bien ?".into(),
        },
        Spec {
            name: "relative to detained person and two workers",
            sender: "relative",
            recipients: &["detainee", "worker", "second-worker"],
            content_type: ContentType::Message,
            plaintext: "Mon fils, on pense à toi. Les enfants t'embrassent. — Maman".into(),
        },
        Spec {
            name: "empty plan note, sender among recipients",
            sender: "worker",
            recipients: &["worker", "detainee"],
            content_type: ContentType::PlanNote,
            plaintext: Vec::new(),
        },
        Spec {
            name: "practical request",
            sender: "relative",
            recipients: &["worker", "second-worker"],
            content_type: ContentType::Request,
            plaintext: "Dépôt d'argent : 50 EUR. Vêtements : deux pulls, taille L.".into(),
        },
        Spec {
            name: "visit request, binary payload, five recipients",
            sender: "other-relative",
            recipients: &[
                "detainee",
                "worker",
                "second-worker",
                "coordinator",
                "relative",
            ],
            content_type: ContentType::Visit,
            plaintext: (0..1000u32).map(|i| (i * 7 % 256) as u8).collect(),
        },
    ]
}

fn context_of(index: usize, content_type: ContentType) -> Context {
    let mut message_id = [0u8; 16];
    message_id.copy_from_slice(&seed(&format!("message id {index}"))[..16]);
    let mut case_id = [0u8; 16];
    case_id.copy_from_slice(&seed("case id")[..16]);
    Context {
        content_type,
        message_id: MessageId::from_bytes(message_id),
        case_id: CaseId::from_bytes(case_id),
    }
}

fn randomness(index: usize, recipients: usize) -> SealRandomness {
    SealRandomness {
        content_key: Zeroizing::new(seed(&format!("content key {index}"))),
        ephemeral_ikm: (0..recipients)
            .map(|i| Zeroizing::new(seed(&format!("ephemeral {index} {i}"))))
            .collect(),
    }
}

fn build() -> File {
    let keys = NAMES
        .iter()
        .map(|name| {
            let key = secret(name);
            Key {
                name: name.to_string(),
                secret_key: hex::encode(key.to_bytes().as_slice()),
                public_key: hex::encode(key.public_key().as_bytes()),
                fingerprint: key.public_key().fingerprint().digits().to_string(),
            }
        })
        .collect();
    let mut vectors = Vec::new();
    for (index, spec) in specs().into_iter().enumerate() {
        let mut recipients: Vec<PublicKey> = spec
            .recipients
            .iter()
            .map(|n| secret(n).public_key())
            .collect();
        recipients.sort();
        let context = context_of(index, spec.content_type);
        let random = randomness(index, recipients.len());
        let content_key = hex::encode(random.content_key.as_slice());
        let ephemeral_ikm = random
            .ephemeral_ikm
            .iter()
            .map(|k| hex::encode(k.as_slice()))
            .collect();
        let sealed = seal_with_randomness(
            &secret(spec.sender),
            &recipients,
            &context,
            &spec.plaintext,
            random,
        )
        .unwrap();
        vectors.push(Vector {
            name: spec.name.to_string(),
            sender: spec.sender.to_string(),
            recipients: recipients
                .iter()
                .map(|k| hex::encode(k.as_bytes()))
                .collect(),
            content_type: spec.content_type.as_str().to_string(),
            message_id: context.message_id.to_string(),
            case_id: context.case_id.to_string(),
            plaintext: hex::encode(&spec.plaintext),
            content_key,
            ephemeral_ikm,
            envelope: b64(sealed.as_bytes()),
        });
    }
    let invalid = invalid_vectors(&vectors);
    File {
        description: "Passerelle envelope version 1 test vectors. Keys are X25519 secret keys (hex) and their public keys. Each vector seals `plaintext` (hex) from `sender` to `recipients` (public keys, hex, sorted) with the given `content_key` and one HPKE `ephemeral_ikm` per recipient in that order (the ephemeral key pair is RFC 9180 DeriveKeyPair(ikm)); `envelope` is the exact result, standard base64. Every recipient must open it to `plaintext`. Each `invalid` entry must fail to open for `opener` expecting `expected_sender`, with `error`. The format is specified in crates/crypto/README.md.".to_string(),
        keys,
        vectors,
        invalid,
    }
}

fn invalid_vectors(vectors: &[Vector]) -> Vec<Invalid> {
    let base = unb64(&vectors[1].envelope);
    let relative = hex::encode(secret("relative").public_key().as_bytes());
    let n = 3;
    let payload_at = base.len() - (vectors[1].plaintext.len() / 2 + 16);
    let wraps_at = 72 + 32 * n + 36 + 32;
    let mut cases: Vec<(&str, Vec<u8>, &str, &str, &str)> = Vec::new();
    let flip = |at: usize| {
        let mut b = base.clone();
        b[at] ^= 0x01;
        b
    };
    cases.push((
        "payload bit flipped",
        flip(payload_at + 3),
        "detainee",
        &relative,
        "tampered",
    ));
    cases.push((
        "another recipient's wrap bit flipped",
        flip(wraps_at + 80 + 40),
        "worker",
        &relative,
        "tampered",
    ));
    cases.push((
        "commitment bit flipped",
        flip(wraps_at - 1),
        "detainee",
        &relative,
        "tampered",
    ));
    cases.push((
        "envelope tag bit flipped",
        flip(wraps_at + 3 * 80),
        "worker",
        &relative,
        "tampered",
    ));
    cases.push((
        "case id changed",
        flip(22),
        "detainee",
        &relative,
        "tampered",
    ));
    let mut version = base.clone();
    version[4] = 2;
    cases.push((
        "version 2",
        version,
        "detainee",
        &relative,
        "unsupported_version",
    ));
    let mut swapped = base.clone();
    let (a, b) = (72, 72 + 32);
    let first: Vec<u8> = swapped[a..b].to_vec();
    swapped.copy_within(b..b + 32, a);
    swapped[b..b + 32].copy_from_slice(&first);
    cases.push((
        "recipient keys out of order",
        swapped,
        "detainee",
        &relative,
        "malformed",
    ));
    let mut small = base.clone();
    small[72..104].fill(0);
    cases.push((
        "all-zero recipient key",
        small,
        "detainee",
        &relative,
        "non_contributory_key",
    ));
    let worker = hex::encode(secret("worker").public_key().as_bytes());
    cases.push((
        "unexpected sender",
        base.clone(),
        "detainee",
        &worker,
        "wrong_sender",
    ));
    cases.push((
        "not a recipient",
        base.clone(),
        "other-relative",
        &relative,
        "not_a_recipient",
    ));
    let mut truncated = base.clone();
    truncated.pop();
    cases.push(("truncated", truncated, "detainee", &relative, "malformed"));
    let mut longer = base.clone();
    longer.push(0);
    cases.push((
        "one trailing byte",
        longer,
        "detainee",
        &relative,
        "malformed",
    ));
    let set = |at: usize, bytes: &[u8]| {
        let mut b = base.clone();
        b[at..at + bytes.len()].copy_from_slice(bytes);
        b
    };
    cases.push((
        "wrong magic",
        set(0, b"PSRX"),
        "detainee",
        &relative,
        "malformed",
    ));
    cases.push((
        "unknown content type",
        set(5, &[9]),
        "detainee",
        &relative,
        "malformed",
    ));
    cases.push((
        "zero recipients",
        set(70, &[0, 0]),
        "detainee",
        &relative,
        "malformed",
    ));
    cases.push((
        "33 recipients",
        set(70, &[0, 33]),
        "detainee",
        &relative,
        "too_many_recipients",
    ));
    cases.push((
        "all-zero sender key",
        set(38, &[0; 32]),
        "detainee",
        &relative,
        "non_contributory_key",
    ));
    let len_at = 72 + 32 * n;
    cases.push((
        "payload length under 16",
        set(len_at, &15u32.to_be_bytes()),
        "detainee",
        &relative,
        "malformed",
    ));
    cases.push((
        "payload length over the limit",
        set(len_at, &((1u32 << 20) + 17).to_be_bytes()),
        "detainee",
        &relative,
        "too_large",
    ));
    let mut small_enc = [0u8; 32];
    small_enc[0] = 1;
    cases.push((
        "small-order enc in another recipient's wrap",
        set(wraps_at + 80, &small_enc),
        "detainee",
        &relative,
        "non_contributory_key",
    ));
    cases
        .into_iter()
        .map(|(name, bytes, opener, sender, error)| Invalid {
            name: name.to_string(),
            envelope: b64(&bytes),
            opener: opener.to_string(),
            expected_sender: sender.to_string(),
            error: error.to_string(),
        })
        .collect()
}

fn code(error: Error) -> &'static str {
    match error {
        Error::NotARecipient => "not_a_recipient",
        Error::Tampered => "tampered",
        Error::WrongSender => "wrong_sender",
        Error::UnsupportedVersion(_) => "unsupported_version",
        Error::Malformed(_) => "malformed",
        Error::NonContributoryKey => "non_contributory_key",
        Error::TooManyRecipients { .. } => "too_many_recipients",
        Error::TooLarge { .. } => "too_large",
        _ => "other",
    }
}

fn load() -> File {
    serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap()
}

/// Re-seals every vector from its recorded inputs alone and compares bytes.
#[test]
fn shared_vectors_are_reproduced_byte_for_byte() {
    if std::env::var_os("PASSERELLE_WRITE_VECTORS").is_some() {
        let text = serde_json::to_string_pretty(&build()).unwrap() + "\n";
        let tmp = format!("{PATH}.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(tmp, PATH).unwrap();
    }
    let file = load();
    assert_eq!(file.vectors.len(), 5);
    for (key, name) in file.keys.iter().zip(NAMES) {
        let secret =
            SecretKey::from_bytes(&hex::decode(&key.secret_key).unwrap().try_into().unwrap());
        assert_eq!(key.name, name);
        assert_eq!(hex::encode(secret.public_key().as_bytes()), key.public_key);
        assert_eq!(secret.public_key().fingerprint().digits(), key.fingerprint);
    }
    let by_name = |name: &str| {
        let k = file.keys.iter().find(|k| k.name == name).unwrap();
        SecretKey::from_bytes(&hex::decode(&k.secret_key).unwrap().try_into().unwrap())
    };
    for v in &file.vectors {
        let recipients: Vec<PublicKey> = v
            .recipients
            .iter()
            .map(|h| PublicKey::from_slice(&hex::decode(h).unwrap()).unwrap())
            .collect();
        let uuid =
            |s: &str| -> [u8; 16] { hex::decode(s.replace('-', "")).unwrap().try_into().unwrap() };
        let context = Context {
            content_type: v.content_type.parse().unwrap(),
            message_id: MessageId::from_bytes(uuid(&v.message_id)),
            case_id: CaseId::from_bytes(uuid(&v.case_id)),
        };
        let random = SealRandomness {
            content_key: Zeroizing::new(hex::decode(&v.content_key).unwrap().try_into().unwrap()),
            ephemeral_ikm: v
                .ephemeral_ikm
                .iter()
                .map(|h| Zeroizing::new(hex::decode(h).unwrap().try_into().unwrap()))
                .collect(),
        };
        let sealed = seal_with_randomness(
            &by_name(&v.sender),
            &recipients,
            &context,
            &hex::decode(&v.plaintext).unwrap(),
            random,
        )
        .unwrap();
        assert_eq!(b64(sealed.as_bytes()), v.envelope, "{}", v.name);
    }
}

/// Every recipient named in a vector opens it to its plaintext.
#[test]
fn shared_vectors_open_for_every_recipient() {
    let file = load();
    for v in &file.vectors {
        let bytes = unb64(&v.envelope);
        let sender = secret(&v.sender).public_key();
        let mut opened_by = 0;
        for name in NAMES {
            let key = secret(name);
            if v.recipients
                .contains(&hex::encode(key.public_key().as_bytes()))
            {
                let opened = open(&bytes, &key, &sender).unwrap();
                assert_eq!(
                    hex::encode(opened.plaintext.as_bytes()),
                    v.plaintext,
                    "{}",
                    v.name
                );
                assert_eq!(opened.context.content_type.as_str(), v.content_type);
                assert_eq!(opened.context.message_id.to_string(), v.message_id);
                opened_by += 1;
            } else {
                assert_eq!(
                    open(&bytes, &key, &sender).unwrap_err(),
                    Error::NotARecipient
                );
            }
        }
        assert_eq!(opened_by, v.recipients.len(), "{}", v.name);
    }
}

#[test]
fn shared_invalid_vectors_fail_with_their_error() {
    let file = load();
    assert!(file.invalid.len() >= 20);
    for case in &file.invalid {
        let sender = PublicKey::from_slice(&hex::decode(&case.expected_sender).unwrap()).unwrap();
        let error = open(&unb64(&case.envelope), &secret(&case.opener), &sender).unwrap_err();
        assert_eq!(code(error), case.error, "{}", case.name);
    }
}
