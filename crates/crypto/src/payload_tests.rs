//! The payload composition against the `chacha20poly1305` crate, on one
//! thread and on two, across chunk boundaries; and its refusals.

use std::sync::atomic::{AtomicUsize, Ordering};

use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit as _};

use super::*;

/// Counts the side work run; `items` of it in all.
struct Counter {
    items: usize,
    next: AtomicUsize,
    ran: AtomicUsize,
}

impl Counter {
    fn new(items: usize) -> Self {
        Self {
            items,
            next: AtomicUsize::new(0),
            ran: AtomicUsize::new(0),
        }
    }
}

impl SideWork for Counter {
    fn run_one(&self) -> bool {
        if self.next.fetch_add(1, Ordering::Relaxed) >= self.items {
            return false;
        }
        self.ran.fetch_add(1, Ordering::Relaxed);
        true
    }
}

fn lengths_to_try() -> Vec<usize> {
    vec![
        0,
        1,
        15,
        16,
        17,
        63,
        64,
        65,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        3 * CHUNK + 17,
        PARALLEL_MIN_LEN,
        PARALLEL_MIN_LEN + 5,
        crate::MAX_PAYLOAD_LEN,
    ]
}

const AAD_LENGTHS: [usize; 8] = [0, 6, 16, 41, 64, 104, 136, 392];

fn text(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(29) ^ (i >> 9) as u8)
        .collect()
}

/// The crate's ciphertext, tag and BLAKE3(ciphertext || tag).
fn reference(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> (Vec<u8>, [u8; 16], [u8; 32]) {
    let mut ct = plaintext.to_vec();
    let tag: [u8; 16] = ChaCha20Poly1305::new(&(*key).into())
        .encrypt_inout_detached(&[0; 12].into(), aad, ct.as_mut_slice().into())
        .unwrap()
        .into();
    let mut whole = ct.clone();
    whole.extend_from_slice(&tag);
    (ct, tag, *blake3::hash(&whole).as_bytes())
}

#[test]
fn seal_matches_the_chacha20poly1305_crate_on_one_thread_and_two() {
    let key = [0x42; 32];
    // AAD lengths that leave Poly1305 at each alignment: prefixes of 1, 2
    // and 10 recipients, and others.
    for (len, aad) in lengths_to_try()
        .into_iter()
        .flat_map(|len| AAD_LENGTHS.map(|aad| (len, aad)))
    {
        let aad = &text(aad + 1000)[1000..];
        let plaintext = text(len);
        let (ct, tag, digest) = reference(&key, aad, &plaintext);
        for threads in [Threads::One, Threads::SideWorkHelper, Threads::Pipelined] {
            for items in [0, 1, 7] {
                let side = Counter::new(items);
                let mut out = vec![0u8; len];
                let sealed = seal(&key, aad, &plaintext, &mut out, &side, threads).unwrap();
                assert!(out == ct, "ciphertext, len {len}, {threads:?}");
                assert_eq!(sealed.tag, tag, "tag, len {len}, {threads:?}");
                assert_eq!(sealed.digest, digest, "digest, len {len}");
                assert_eq!(side.ran.load(Ordering::Relaxed), items, "side work");
            }
        }
    }
}

#[test]
fn open_matches_the_crate_and_refuses_any_change_on_one_thread_and_two() {
    let key = [0x24; 32];
    let aad = b"prefix".as_slice();
    for len in lengths_to_try() {
        let plaintext = text(len);
        let (ct, tag, digest) = reference(&key, aad, &plaintext);
        let mut payload = ct.clone();
        payload.extend_from_slice(&tag);
        for parallel in [false, true] {
            let opened = open(&key, aad, &payload, &digest, parallel).unwrap();
            assert!(opened.as_bytes() == plaintext.as_slice(), "len {len}");

            // A changed byte at the start, middle and end of the ciphertext,
            // and in the tag, with the digest updated or not.
            let mut spots = vec![len, len + 15];
            if len > 0 {
                spots.extend([0, len / 2, len - 1]);
            }
            for spot in spots {
                let mut changed = payload.clone();
                changed[spot] ^= 0x01;
                let new_digest = *blake3::hash(&changed).as_bytes();
                for d in [&digest, &new_digest] {
                    assert_eq!(
                        open(&key, aad, &changed, d, parallel).unwrap_err(),
                        Error::Tampered,
                        "len {len} spot {spot}"
                    );
                }
            }
            let mut wrong = digest;
            wrong[31] ^= 0x80;
            assert_eq!(
                open(&key, aad, &payload, &wrong, parallel).unwrap_err(),
                Error::Tampered
            );
            assert_eq!(
                open(&key, b"another prefix", &payload, &digest, parallel).unwrap_err(),
                Error::Tampered
            );
        }
    }
}

#[test]
fn a_payload_shorter_than_its_tag_is_refused() {
    for parallel in [false, true] {
        assert_eq!(
            open(&[0; 32], b"", &[0; 15], &[0; 32], parallel).unwrap_err(),
            Error::Tampered
        );
    }
}

#[test]
fn plaintext_debug_is_redacted() {
    let mut plaintext = Plaintext::zeroed(4);
    plaintext.as_mut_slice().copy_from_slice(b"abcd");
    assert_eq!(format!("{plaintext:?}"), "Plaintext(<4 bytes redacted>)");
}
