#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly on broken fixtures.

//! Integration tests of `passerelle-crypto`, built as one binary.

mod envelope;
mod keyring;
mod keys;
mod shared_vectors;
mod support;
