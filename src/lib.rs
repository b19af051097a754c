//! Passerelle as a library: the client of the relay service. The
//! `passerelle` command is built on it, and so can other tools be.

pub mod client;
