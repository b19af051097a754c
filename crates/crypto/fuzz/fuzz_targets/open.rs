//! Arbitrary bytes through the parser and the opener: neither may panic,
//! and nothing that is not a sealed envelope may open.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_crypto::{Envelope, SecretKey, open};

fuzz_target!(|data: &[u8]| {
    let reader = SecretKey::from_bytes(&[7; 32]);
    let sender = SecretKey::from_bytes(&[9; 32]).public_key();
    if let Ok(parsed) = Envelope::parse(data) {
        let _ = parsed.verify_payload_digest();
        let _ = parsed.recipients().count();
    }
    // Random bytes cannot carry a valid wrap from `sender`.
    assert!(open(data, &reader, &sender).is_err());
});
