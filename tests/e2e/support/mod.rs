//! The harness of the end-to-end suite: stores, the in-process server with
//! its test clock, client-side envelopes, and the fixture.

pub mod backend;
pub mod cli;
pub mod seal;
pub mod server;
pub mod world;

pub use backend::backends;
pub use server::{Resp, TestServer};
pub use world::{Actor, PASSWORD, Who, World};
