//! Checkpoints of the audit chain's head, kept outside the database.
//!
//! The chain alone shows an edited, inserted, reordered or deleted row, but
//! not rows cut off its end: a shorter chain is still a valid chain. So the
//! server writes the head it last saw (seq and digest) to a small file
//! beside its keys, keyed with the chain key, and `audit verify` checks that
//! the chain still reaches that row with that digest. Someone who can
//! write to the database but not to the server's key folder can then
//! neither cut the tail nor roll the whole chain back past a checkpoint.
//! Rows appended after the last checkpoint are covered once the next one is
//! written.
//!
//! The file is one line of text:
//! `passerelle-audit-checkpoint v1 <seq> <digest hex> <at µs> <mac hex>`,
//! where the MAC is HMAC-SHA256 under the chain key over
//! `"passerelle/audit-checkpoint/v1"`, seq (8 bytes big-endian), the
//! digest, and at (8 bytes big-endian).

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use crate::codec::micros;
use crate::{AtRest, StoreError};

use super::ChainCheck;

const MAGIC: &str = "passerelle-audit-checkpoint";

/// The head of the chain at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// The last row's seq.
    pub seq: i64,
    /// Its digest.
    pub head: [u8; 32],
    /// When the checkpoint was taken.
    pub at: Timestamp,
}

/// Why a checkpoint cannot be trusted, or the chain disagrees with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The file is not a checkpoint, or its MAC does not hold: it was
    /// written with another key, or edited.
    #[error("the audit checkpoint is not valid: {0}")]
    Invalid(&'static str),
    /// The chain ends before the checkpointed row: rows were removed from
    /// its end, or the whole chain was rolled back.
    #[error(
        "the audit trail ends at row {ends_at}, but row {seq} existed at {at}: rows were removed from its end"
    )]
    Truncated {
        /// Where the chain now ends.
        ends_at: i64,
        /// The checkpointed row.
        seq: i64,
        /// When the checkpoint saw it.
        at: Timestamp,
    },
    /// The checkpointed row is there with another digest: the chain was
    /// rebuilt from that point.
    #[error("row {seq} is not the row the checkpoint of {at} saw: the trail was rewritten")]
    Rewritten {
        /// The checkpointed row.
        seq: i64,
        /// When the checkpoint saw it.
        at: Timestamp,
    },
}

impl Checkpoint {
    /// The checkpoint of where `check` stands (the head it verified or read).
    pub fn of(seq: i64, head: [u8; 32], at: Timestamp) -> Self {
        Self { seq, head, at }
    }

    fn mac(&self, key: &AtRest) -> Result<[u8; 32], StoreError> {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key.audit_key())
            .map_err(|_| StoreError::Corrupt("audit key"))?;
        mac.update(b"passerelle/audit-checkpoint/v1");
        mac.update(&self.seq.to_be_bytes());
        mac.update(&self.head);
        mac.update(&micros(self.at).to_be_bytes());
        Ok(mac.finalize().into_bytes().into())
    }

    /// The line to write.
    pub fn to_line(&self, key: &AtRest) -> Result<String, StoreError> {
        Ok(format!(
            "{MAGIC} v1 {} {} {} {}\n",
            self.seq,
            hex::encode(self.head),
            micros(self.at),
            hex::encode(self.mac(key)?)
        ))
    }

    /// Reads a line written by [`Checkpoint::to_line`] and checks its MAC.
    pub fn from_line(line: &str, key: &AtRest) -> Result<Self, CheckpointError> {
        let invalid = CheckpointError::Invalid;
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [magic, version, seq, head, at, mac] = parts.as_slice() else {
            return Err(invalid("it is not one checkpoint line"));
        };
        if *magic != MAGIC || *version != "v1" {
            return Err(invalid("it is not a version 1 checkpoint"));
        }
        let seq: i64 = seq.parse().map_err(|_| invalid("bad seq"))?;
        let head: [u8; 32] = hex::decode(head)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or(invalid("bad digest"))?;
        let at = at
            .parse::<i64>()
            .ok()
            .and_then(|us| Timestamp::from_microsecond(us).ok())
            .ok_or(invalid("bad time"))?;
        let mac: [u8; 32] = hex::decode(mac)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or(invalid("bad MAC"))?;
        let checkpoint = Self { seq, head, at };
        let expected = checkpoint
            .mac(key)
            .map_err(|_| invalid("the key cannot be used"))?;
        // Not secret-dependent timing worth guarding: the MAC is public in
        // the file; only forging one needs the key.
        if expected != mac {
            return Err(invalid("its MAC does not match this server's key"));
        }
        Ok(checkpoint)
    }

    /// Whether a whole-chain check that saw `digest_at_seq` (the digest of
    /// row [`Checkpoint::seq`], if the chain reached it) agrees with this
    /// checkpoint.
    pub fn confirm(
        &self,
        check: &ChainCheck,
        digest_at_seq: Option<[u8; 32]>,
    ) -> Result<(), CheckpointError> {
        match digest_at_seq {
            _ if check.seq < self.seq => Err(CheckpointError::Truncated {
                ends_at: check.seq,
                seq: self.seq,
                at: self.at,
            }),
            Some(digest) if digest == self.head => Ok(()),
            _ if self.seq == 0 && self.head == super::GENESIS => Ok(()),
            _ => Err(CheckpointError::Rewritten {
                seq: self.seq,
                at: self.at,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AtRest {
        AtRest::new(&[7; 32]).with_audit_key(&[9; 32])
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint::of(41, [0xab; 32], "2026-11-23T10:00:00Z".parse().unwrap())
    }

    #[test]
    fn a_line_reads_back_under_its_key_only() {
        let line = checkpoint().to_line(&key()).unwrap();
        assert_eq!(Checkpoint::from_line(&line, &key()).unwrap(), checkpoint());
        let other = AtRest::new(&[7; 32]).with_audit_key(&[10; 32]);
        assert!(matches!(
            Checkpoint::from_line(&line, &other),
            Err(CheckpointError::Invalid(_))
        ));
    }

    #[test]
    fn an_edited_line_is_refused() {
        let line = checkpoint().to_line(&key()).unwrap();
        // Claim an earlier head, as someone rolling the chain back would.
        let edited = line.replacen(" 41 ", " 40 ", 1);
        assert_ne!(edited, line);
        assert!(matches!(
            Checkpoint::from_line(&edited, &key()),
            Err(CheckpointError::Invalid(_))
        ));
        for garbage in ["", "passerelle-audit-checkpoint v2 1 00 0 00", "hello"] {
            assert!(
                Checkpoint::from_line(garbage, &key()).is_err(),
                "{garbage:?}"
            );
        }
    }

    #[test]
    fn the_chain_must_reach_the_checkpointed_row_with_its_digest() {
        let cp = checkpoint();
        let at = |seq| ChainCheck {
            rows: u64::try_from(seq).unwrap(),
            seq,
            head: [1; 32],
        };
        assert_eq!(cp.confirm(&at(41), Some([0xab; 32])), Ok(()));
        assert_eq!(cp.confirm(&at(90), Some([0xab; 32])), Ok(()));
        assert!(matches!(
            cp.confirm(&at(40), None),
            Err(CheckpointError::Truncated {
                ends_at: 40,
                seq: 41,
                ..
            })
        ));
        assert!(matches!(
            cp.confirm(&at(90), Some([0xac; 32])),
            Err(CheckpointError::Rewritten { seq: 41, .. })
        ));
    }
}
