//! One suite, run against every engine: SQLite always, PostgreSQL when
//! `PASSERELLE_TEST_POSTGRES_URL` is set (each test in a fresh database).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly.

mod backends;
mod consent;
mod contract;
mod directory;
mod generation;
mod notify;
mod plans;
mod queue;
mod requests;
mod sqlite_wal;
mod visits;
