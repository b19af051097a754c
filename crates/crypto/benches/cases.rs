//! The benchmark cases shared by `passerelle-crypto`'s `envelope` bench and
//! `passerelle-crypto-bench`'s `compare` bench, so that both measure exactly
//! the same thing: the payload sizes, the recipient counts, the fixtures, the
//! criterion settings, and the functions that register Passerelle's seal and
//! open and the bare primitives they are built from.
//!
//! Included as a module (`mod cases;` or `#[path = ...] mod cases;`) by each
//! bench target, never built on its own.
//!
//! Benchmark ids:
//! - `seal_<size>/passerelle/<n>_recipients`, `open_<size>/passerelle/<n>_recipients`:
//!   the steady state between established correspondents, through a
//!   [`Keyring`] that has already sealed to (or opened from) the same keys,
//!   so the static Diffie-Hellman of HPKE's auth mode is cached;
//! - `seal_<size>/passerelle_first_contact/<n>_recipients`,
//!   `open_<size>/passerelle_first_contact/<n>_recipients`: the free
//!   functions `seal` and `open`, which compute every Diffie-Hellman, as for
//!   the first message to or from a new correspondent;
//!   (a caller's [`Hook`] may add its own ids to the same groups);
//! - `x25519/diffie_hellman`, `x25519/base_point_mult` (`x25519-dalek`, the
//!   portable ladder that age also uses), `x25519/aws_lc_diffie_hellman`,
//!   `x25519/aws_lc_key_load` (AWS-LC, the X25519 Passerelle runs);
//! - `chacha20poly1305_encrypt/<size>`.

// Benches may abort on a setup failure: there is nobody to report it to.
// (Repeated here, not only in the including files, for clarity: the crate
// sets `autobenches = false`, so this file is never a bench of its own.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use passerelle_crypto::{
    CaseId, ContentType, Context, Keyring, MessageId, PublicKey, SecretKey, open, seal,
};

/// One payload size and its label in benchmark ids.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// In bytes.
    pub bytes: usize,
    /// As it appears in benchmark ids.
    pub label: &'static str,
}

const KIB: usize = 1024;

/// The plaintext sizes sealed and opened.
pub const PAYLOAD_SIZES: [Size; 3] = [
    Size {
        bytes: KIB,
        label: "1KiB",
    },
    Size {
        bytes: 64 * KIB,
        label: "64KiB",
    },
    Size {
        bytes: 1024 * KIB,
        label: "1MiB",
    },
];

/// The numbers of recipients each payload is sealed to.
pub const RECIPIENT_COUNTS: [usize; 3] = [1, 3, 10];

/// The sizes the bare ChaCha20-Poly1305 is measured over: the 32-byte
/// content key each wrap seals, and the payload sizes.
pub const AEAD_SIZES: [Size; 4] = [
    Size {
        bytes: 32,
        label: "32B",
    },
    PAYLOAD_SIZES[0],
    PAYLOAD_SIZES[1],
    PAYLOAD_SIZES[2],
];

/// A deterministic, non-constant plaintext of `len` bytes.
pub fn payload(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add((i >> 8) as u8))
        .collect()
}

/// Criterion settings for a group over `size`: small cases get the usual 100
/// samples, large ones fewer and a little longer, so that the whole comparison
/// (60 benchmarks) runs in about seven minutes on two cores.
pub fn configure(group: &mut BenchmarkGroup<'_, WallTime>, size: usize) {
    let (samples, seconds) = match size {
        0..=4096 => (100, 3),
        4097..=262_144 => (60, 3),
        _ => (30, 4),
    };
    group
        .sample_size(samples)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(seconds))
        .throughput(Throughput::Bytes(size as u64));
}

/// A sender, `n` recipients, and the header fields of one envelope.
#[derive(Debug)]
pub struct Parties {
    /// The sender's key.
    pub sender: SecretKey,
    /// The recipients' keys, in the order generated.
    pub recipients: Vec<SecretKey>,
    /// Their public halves, in the same order.
    pub recipient_keys: Vec<PublicKey>,
    /// The header fields.
    pub context: Context,
}

impl Parties {
    /// Fresh keys for a sender and `n` recipients.
    pub fn new(n: usize) -> Self {
        let sender = SecretKey::generate().expect("sender key");
        let recipients: Vec<SecretKey> = (0..n)
            .map(|_| SecretKey::generate().expect("recipient key"))
            .collect();
        let recipient_keys = recipients.iter().map(SecretKey::public_key).collect();
        Self {
            sender,
            recipients,
            recipient_keys,
            context: Context {
                content_type: ContentType::Message,
                message_id: MessageId::from_bytes([0x11; 16]),
                case_id: CaseId::from_bytes([0x22; 16]),
            },
        }
    }
}

/// Which of the two groups a [`Hook`] is called for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Encryption: Passerelle's seal.
    Seal,
    /// Decryption: Passerelle's open.
    Open,
}

/// Called once per (operation, size, recipient count), right after the
/// Passerelle case was registered, to add other cases to the same group
/// (with the same settings and throughput).
pub type Hook<'h> = &'h mut dyn FnMut(Op, &mut BenchmarkGroup<'_, WallTime>, Size, usize);

/// The benchmark id of a case for `n` recipients, under `name`.
pub fn case_id(name: &str, n: usize) -> BenchmarkId {
    BenchmarkId::new(name, format!("{n}_recipients"))
}

/// A keyring holding a copy of `secret`.
fn keyring_of(secret: &SecretKey) -> Keyring {
    Keyring::new(SecretKey::from_bytes(&secret.to_bytes()))
}

/// Registers `seal_<size>/passerelle/<n>_recipients` (a warmed [`Keyring`])
/// and `seal_<size>/passerelle_first_contact/<n>_recipients` (`seal`).
pub fn register_seal(group: &mut BenchmarkGroup<'_, WallTime>, size: Size, n: usize) {
    let parties = Parties::new(n);
    let plaintext = payload(size.bytes);
    // Check the case once, outside the measurement, so that a failure is
    // never what gets timed; the keyring's first seal also fills its cache.
    let mut keyring = keyring_of(&parties.sender);
    for sealed in [
        seal(
            &parties.sender,
            &parties.recipient_keys,
            &parties.context,
            &plaintext,
        )
        .expect("seal"),
        keyring
            .seal(&parties.recipient_keys, &parties.context, &plaintext)
            .expect("keyring seal"),
    ] {
        let opened = open(
            sealed.as_bytes(),
            &parties.recipients[0],
            &parties.sender.public_key(),
        )
        .expect("open what was sealed");
        assert_eq!(opened.plaintext.as_bytes(), plaintext.as_slice());
    }
    assert_eq!(keyring.cached_peers(), n);

    group.bench_function(case_id("passerelle", n), |b| {
        b.iter(|| {
            keyring
                .seal(
                    black_box(&parties.recipient_keys),
                    &parties.context,
                    black_box(&plaintext),
                )
                .expect("seal")
        });
    });
    group.bench_function(case_id("passerelle_first_contact", n), |b| {
        b.iter(|| {
            seal(
                &parties.sender,
                black_box(&parties.recipient_keys),
                &parties.context,
                black_box(&plaintext),
            )
            .expect("seal")
        });
    });
}

/// Registers `open_<size>/passerelle/<n>_recipients` (a warmed [`Keyring`])
/// and `open_<size>/passerelle_first_contact/<n>_recipients` (`open`): the
/// first recipient opens (the position in the list makes no difference to
/// the cost).
pub fn register_open(group: &mut BenchmarkGroup<'_, WallTime>, size: Size, n: usize) {
    let parties = Parties::new(n);
    let plaintext = payload(size.bytes);
    let sealed = seal(
        &parties.sender,
        &parties.recipient_keys,
        &parties.context,
        &plaintext,
    )
    .expect("seal");
    let sender = parties.sender.public_key();
    let opened = open(sealed.as_bytes(), &parties.recipients[0], &sender).expect("open");
    assert_eq!(opened.plaintext.as_bytes(), plaintext.as_slice());
    let mut keyring = keyring_of(&parties.recipients[0]);
    let opened = keyring.open(sealed.as_bytes(), &sender).expect("open");
    assert_eq!(opened.plaintext.as_bytes(), plaintext.as_slice());
    assert_eq!(keyring.cached_peers(), 1);

    group.bench_function(case_id("passerelle", n), |b| {
        b.iter(|| {
            keyring
                .open(black_box(sealed.as_bytes()), &sender)
                .expect("open")
        });
    });
    group.bench_function(case_id("passerelle_first_contact", n), |b| {
        b.iter(|| {
            open(
                black_box(sealed.as_bytes()),
                &parties.recipients[0],
                &sender,
            )
            .expect("open")
        });
    });
}

/// Every seal and open case, 9 of each operation, each measured with and
/// without the cache: groups `seal_<size>` and `open_<size>`.
/// `hook` may add other implementations' cases to each group.
pub fn bench_envelopes(c: &mut Criterion, hook: Hook<'_>) {
    for (op, name) in [(Op::Seal, "seal"), (Op::Open, "open")] {
        for size in PAYLOAD_SIZES {
            let mut group = c.benchmark_group(format!("{name}_{}", size.label));
            configure(&mut group, size.bytes);
            for n in RECIPIENT_COUNTS {
                match op {
                    Op::Seal => register_seal(&mut group, size, n),
                    Op::Open => register_open(&mut group, size, n),
                }
                hook(op, &mut group, size, n);
            }
            group.finish();
        }
    }
}

/// Registers `diffie_hellman` (one variable-base X25519) and
/// `base_point_mult` (one key generation's `PublicKey::from(&StaticSecret)`)
/// with `x25519-dalek`; and the same two with AWS-LC, which Passerelle uses:
/// `aws_lc_diffie_hellman` (one agreement with a loaded key, the result
/// copied out) and `aws_lc_key_load` (loading a private key, which computes
/// its public key: what an ephemeral key costs).
pub fn register_x25519(group: &mut BenchmarkGroup<'_, WallTime>) {
    use aws_lc_rs::agreement::{PrivateKey, UnparsedPublicKey, X25519, agree};

    let ours = x25519_dalek::StaticSecret::from([0x42; 32]);
    let theirs = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from([0x24; 32]));
    group.bench_function("diffie_hellman", |b| {
        b.iter(|| black_box(&ours).diffie_hellman(black_box(&theirs)));
    });
    group.bench_function("base_point_mult", |b| {
        b.iter(|| x25519_dalek::PublicKey::from(black_box(&ours)));
    });
    let loaded = PrivateKey::from_private_key(&X25519, ours.as_bytes()).unwrap();
    group.bench_function("aws_lc_diffie_hellman", |b| {
        b.iter(|| {
            let peer = UnparsedPublicKey::new(&X25519, black_box(theirs.as_bytes()));
            agree(&loaded, peer, (), |shared| {
                let mut out = [0u8; 32];
                out.copy_from_slice(shared);
                Ok(out)
            })
            .unwrap()
        });
    });
    group.bench_function("aws_lc_key_load", |b| {
        b.iter(|| {
            let key = PrivateKey::from_private_key(&X25519, black_box(ours.as_bytes())).unwrap();
            let mut public = [0u8; 32];
            public.copy_from_slice(key.compute_public_key().unwrap().as_ref());
            public
        });
    });
}

/// Registers `<size>`: ChaCha20-Poly1305 encryption of `size` bytes with
/// `Aead::encrypt`, which allocates the ciphertext as a normal caller's would.
pub fn register_chacha20poly1305(group: &mut BenchmarkGroup<'_, WallTime>, size: Size) {
    let cipher = ChaCha20Poly1305::new(&[0x33; 32].into());
    let nonce = Nonce::from([0; 12]);
    let plaintext = payload(size.bytes);
    group.bench_function(size.label, |b| {
        b.iter(|| {
            cipher
                .encrypt(&nonce, black_box(plaintext.as_slice()))
                .expect("encrypt")
        });
    });
}

/// The bare primitives: groups `x25519` and `chacha20poly1305_encrypt`.
pub fn bench_primitives(c: &mut Criterion) {
    let mut group = c.benchmark_group("x25519");
    group
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    register_x25519(&mut group);
    group.finish();

    for size in AEAD_SIZES {
        let mut group = c.benchmark_group("chacha20poly1305_encrypt");
        configure(&mut group, size.bytes);
        register_chacha20poly1305(&mut group, size);
        group.finish();
    }
}
