//! End-to-end tests: a real sim on an ephemeral loopback port, driven over
//! HTTP with requests signed by a tiny test-only signer. One test binary
//! (modules, not files under tests/) so the RSA key is generated once.
#![allow(clippy::unwrap_used)]

mod auth;
mod books;
mod client;
mod scenarios;
