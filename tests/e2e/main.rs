//! End-to-end tests of the `passerelle` binary, built as one test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly.

mod cli_envelope;
