//! Passerelle's seal and open, and the primitives they are made of, in one
//! criterion run: `cargo bench -p passerelle-crypto`. The cases are in
//! `cases.rs`, shared with the comparison against `age` in
//! `crates/crypto-bench`.

// Benches may abort on a setup failure: there is nobody to report it to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};

mod cases;

fn envelopes(c: &mut Criterion) {
    cases::bench_envelopes(c, &mut |_, _, _, _| {});
}

criterion_group!(benches, envelopes, cases::bench_primitives);
criterion_main!(benches);
