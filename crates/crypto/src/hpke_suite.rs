//! The one HPKE suite Passerelle uses, RFC 9180 DHKEM(X25519, HKDF-SHA256) /
//! HKDF-SHA256 / ChaCha20Poly1305, in single-shot form, on the `hpke` crate.

use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::{Error, PublicKey, SecretKey};

pub(crate) type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::ChaCha20Poly1305;

/// Seals `plaintext` to `recipient`: auth mode when `sender` is given, base
/// mode otherwise. The ephemeral key is `DeriveKeyPair(ikm)`.
pub(crate) fn seal_wrap(
    sender: Option<&SecretKey>,
    recipient: &PublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    ikm: &[u8; 32],
) -> Result<([u8; 32], Vec<u8>), Error> {
    let mode = match sender {
        Some(sender) => OpModeS::Auth((
            sender.hpke_private_key()?,
            hpke_public(&sender.public_key())?,
        )),
        None => OpModeS::Base,
    };
    let mut rng = OneShotRng::new(ikm);
    let (enc, ct) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &mode,
        &hpke_public(recipient)?,
        info,
        plaintext,
        aad,
        &mut rng,
    )
    // The only failure left once keys are valid: an all-zero DH result.
    .map_err(|_| Error::NonContributoryKey)?;
    if rng.overdrawn {
        return Err(Error::Randomness);
    }
    Ok((enc.to_bytes().into(), ct))
}

/// Opens a wrap sealed by [`seal_wrap`]; any failure is `Tampered`.
pub(crate) fn open_wrap(
    recipient: &SecretKey,
    sender: Option<&PublicKey>,
    enc: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mode = match sender {
        Some(sender) => OpModeR::Auth(hpke_public(sender)?),
        None => OpModeR::Base,
    };
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).map_err(|_| Error::Tampered)?;
    hpke::single_shot_open::<Aead, Kdf, Kem>(
        &mode,
        &recipient.hpke_private_key()?,
        &enc,
        info,
        ciphertext,
        aad,
    )
    .map(Zeroizing::new)
    .map_err(|_| Error::Tampered)
}

fn hpke_public(key: &PublicKey) -> Result<<Kem as hpke::Kem>::PublicKey, Error> {
    <Kem as hpke::Kem>::PublicKey::from_bytes(key.as_bytes())
        .map_err(|_| Error::Malformed("a public key is 32 bytes"))
}

/// Hands HPKE exactly the 32 bytes of one ephemeral seed. HPKE draws them
/// once per seal (`DeriveKeyPair(random(Nsk))`), which the RFC vectors below
/// confirm; asking for more is recorded and makes the seal fail.
struct OneShotRng<'a> {
    ikm: &'a [u8; 32],
    used: usize,
    overdrawn: bool,
}

impl<'a> OneShotRng<'a> {
    fn new(ikm: &'a [u8; 32]) -> Self {
        Self {
            ikm,
            used: 0,
            overdrawn: false,
        }
    }
}

impl rand_core::TryRng for OneShotRng<'_> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        match self.ikm.get(self.used..self.used + dst.len()) {
            Some(bytes) => {
                dst.copy_from_slice(bytes);
                self.used += dst.len();
            }
            None => {
                self.overdrawn = true;
                dst.fill(0);
            }
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for OneShotRng<'_> {}

#[cfg(test)]
#[path = "hpke_suite_tests.rs"]
mod tests;
