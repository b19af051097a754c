//! Passerelle against `age`, in one criterion run:
//! `cargo bench -p passerelle-crypto-bench`.
//!
//! Runs every case of `passerelle-crypto`'s own `envelope` bench (from the
//! shared `cases.rs`: seal and open, and the bare X25519 and
//! ChaCha20-Poly1305 primitives), and adds to each seal and open group the
//! `age` crate's encrypt and decrypt of the same plaintext to the same number
//! of X25519 recipients, under ids `seal_<size>/age/<n>_recipients` and
//! `open_<size>/age/<n>_recipients`.
//!
//! What each side does per recipient differs by design: age wraps the file
//! key with one ephemeral X25519 (one base-point multiplication and one
//! Diffie-Hellman) and proves nothing about the sender; Passerelle's HPKE
//! auth mode adds a static-static Diffie-Hellman that proves the sender to
//! every recipient. That one is the same for every message between two
//! keys: the `passerelle` cases take it from a warmed `Keyring` (the steady
//! state between established correspondents), the
//! `passerelle_first_contact` cases compute it every time (`seal`/`open`).
//!
//! Passerelle may use a second thread where age uses one: for payloads of
//! 256 KiB and more (ChaCha20 on one thread, Poly1305 and BLAKE3 on the
//! other, which also takes the recipients' key encapsulations when
//! sealing), and when sealing a smaller payload to three recipients or more
//! (or to two, from 32 KiB), whose encapsulations the two threads share.

// Benches may abort on a setup failure: there is nobody to report it to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::{Read, Write};
use std::iter;

use age::x25519;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

#[path = "../../crypto/benches/cases.rs"]
mod cases;

use cases::{Op, Size};

/// age's encryption of `plaintext` to `recipients`, into a buffer sized so
/// that it never grows (age's header is about 100 bytes per X25519
/// recipient, and each 64 KiB chunk adds a 16-byte tag).
fn age_encrypt(recipients: &[x25519::Recipient], plaintext: &[u8]) -> Vec<u8> {
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .expect("age encryptor");
    let capacity =
        256 + 128 * recipients.len() + plaintext.len() + 16 * (plaintext.len() / 65_536 + 2);
    let mut out = Vec::with_capacity(capacity);
    let mut writer = encryptor.wrap_output(&mut out).expect("age header");
    writer.write_all(plaintext).expect("age encrypt");
    writer.finish().expect("age finish");
    out
}

/// age's decryption of `ciphertext` with `identity`.
fn age_decrypt(identity: &x25519::Identity, ciphertext: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new_buffered(ciphertext).expect("age header");
    let mut reader = decryptor
        .decrypt(iter::once(identity as &dyn age::Identity))
        .expect("age unwrap");
    let mut out = Vec::with_capacity(ciphertext.len());
    reader.read_to_end(&mut out).expect("age decrypt");
    out
}

/// Adds age's case for `op`, `size` and `n` recipients to `group`.
fn register_age(op: Op, group: &mut BenchmarkGroup<'_, WallTime>, size: Size, n: usize) {
    let identities: Vec<x25519::Identity> = (0..n).map(|_| x25519::Identity::generate()).collect();
    let recipients: Vec<x25519::Recipient> =
        identities.iter().map(x25519::Identity::to_public).collect();
    let plaintext = cases::payload(size.bytes);
    let ciphertext = age_encrypt(&recipients, &plaintext);
    assert_eq!(age_decrypt(&identities[0], &ciphertext), plaintext);

    match op {
        Op::Seal => group.bench_function(cases::case_id("age", n), |b| {
            b.iter(|| age_encrypt(black_box(&recipients), black_box(&plaintext)));
        }),
        // age tries the stanzas in order, one X25519 each, until one opens:
        // the first recipient is age's fastest case, so the comparison is
        // the least favourable to Passerelle (whose cost does not depend on
        // the position).
        Op::Open => group.bench_function(cases::case_id("age", n), |b| {
            b.iter(|| age_decrypt(&identities[0], black_box(&ciphertext)));
        }),
    };
}

fn envelopes(c: &mut Criterion) {
    cases::bench_envelopes(c, &mut register_age);
}

criterion_group!(benches, envelopes, cases::bench_primitives);
criterion_main!(benches);
