//! Fingerprints and safety numbers: what two people compare, aloud or by QR
//! code, to know that the keys on their screens are each other's.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::PublicKey;

/// The label hashed before the key, so that these digits mean nothing else.
pub const FINGERPRINT_LABEL: &[u8] = b"passerelle/v1/fingerprint";
/// The prefix of a safety number's QR code payload.
pub const QR_PREFIX: &str = "PSRL1";

/// One key's 30 digits: six groups of five.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 30]);

impl Fingerprint {
    /// Computes the digits of `key`: SHA-256 over the label and the key; each
    /// of the first six 5-byte groups, read big-endian, modulo 100000.
    pub fn of(key: &PublicKey) -> Self {
        let digest = Sha256::new()
            .chain_update(FINGERPRINT_LABEL)
            .chain_update(key.as_bytes())
            .finalize();
        let mut digits = [b'0'; 30];
        for (group, out) in digest.chunks_exact(5).zip(digits.chunks_exact_mut(5)) {
            let mut value = group.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)) % 100_000;
            for slot in out.iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        Self(digits)
    }

    /// The 30 digits, without spaces.
    pub fn digits(&self) -> &str {
        // Only ASCII digits are ever written into the array.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Fingerprint {
    /// Six groups of five digits separated by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_groups(f, self.digits())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// The safety number of a pair of keys: both fingerprints, lower first, so
/// that both people see the same 60 digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SafetyNumber(String);

impl SafetyNumber {
    /// The number shared by `a` and `b`; symmetric in its arguments.
    pub fn between(a: &PublicKey, b: &PublicKey) -> Self {
        let (fa, fb) = (a.fingerprint(), b.fingerprint());
        let (low, high) = if fa <= fb { (fa, fb) } else { (fb, fa) };
        Self(format!("{}{}", low.digits(), high.digits()))
    }

    /// The 60 digits, without spaces.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// What a QR code encodes: `PSRL1` then the 60 digits. Upper-case
    /// letters and digits only, so it fits QR's compact alphanumeric mode.
    pub fn qr_payload(&self) -> String {
        format!("{QR_PREFIX}{}", self.0)
    }
}

impl fmt::Display for SafetyNumber {
    /// Twelve groups of five digits, four to a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.as_bytes().chunks(20).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write_groups(f, std::str::from_utf8(line).unwrap_or_default())?;
        }
        Ok(())
    }
}

impl fmt::Debug for SafetyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SafetyNumber({})", self.0)
    }
}

fn write_groups(f: &mut fmt::Formatter<'_>, digits: &str) -> fmt::Result {
    for (i, group) in digits.as_bytes().chunks(5).enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        f.write_str(std::str::from_utf8(group).unwrap_or_default())?;
    }
    Ok(())
}
