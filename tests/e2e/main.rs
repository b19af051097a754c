//! End-to-end tests of the `passerelle` binary, built as one test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly.

mod access;
mod audit_verify;
mod bad_input;
mod cli_envelope;
mod client_demo;
mod consent;
mod directory;
mod durability;
mod events;
mod messages;
mod notifications;
mod plans;
mod queue;
mod regressions;
mod reminders;
mod reports;
mod requests;
mod support;
mod visits;
mod web;
mod web_assets;
