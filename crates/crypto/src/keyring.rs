//! [`Keyring`]: a secret key with a cache of its static Diffie-Hellman
//! results, one per correspondent.
//!
//! HPKE's auth mode costs one Diffie-Hellman between the two long-term keys
//! per wrap: `DH(skS, pkR)` when sealing, `DH(skR, pkS)` when opening. It is
//! the same value for every message between the same two keys (and the same
//! in both directions), so a client that keeps a `Keyring` computes it once
//! per correspondent. Nothing changes on the wire: an envelope sealed with a
//! `Keyring` is byte for byte the one [`crate::seal_with_randomness`] makes
//! from the same randomness, and it opens with [`crate::open`] as well.

use std::collections::HashMap;
use std::fmt;

use crate::envelope::{Context, Opened, SealRandomness, SealedEnvelope, open_inner, seal_inner};
use crate::hpke_suite::StaticDh;
use crate::{Error, PublicKey, SecretKey};

/// What is kept about one correspondent: the static Diffie-Hellman result
/// (secret).
pub(crate) struct Peer {
    pub(crate) static_dh: StaticDh,
}

impl Peer {
    /// Computes it for `peer`, from `own`, straight into the box the cache
    /// will keep.
    pub(crate) fn compute(own: &SecretKey, peer: &PublicKey) -> Result<Box<Self>, Error> {
        Ok(Box::new(Self {
            static_dh: StaticDh::compute(own, peer)?,
        }))
    }
}

/// Correspondents by public key. Each value is boxed so that growing the
/// map moves pointers, never the secrets (which would leave copies behind
/// in freed memory); each secret is zeroized when dropped.
#[derive(Default)]
pub(crate) struct PeerCache(HashMap<PublicKey, Box<Peer>>);

impl PeerCache {
    pub(crate) fn get(&self, peer: &PublicKey) -> Option<&Peer> {
        self.0.get(peer).map(|p| &**p)
    }

    pub(crate) fn insert(&mut self, key: PublicKey, peer: Box<Peer>) {
        self.0.insert(key, peer);
    }
}

/// A secret key and the static Diffie-Hellman results it has computed with
/// each correspondent, for sealing and opening without paying for them
/// again.
///
/// [`Keyring::seal`] and [`Keyring::open`] give exactly what [`crate::seal`]
/// and [`crate::open`] give; the first message to or from a new
/// correspondent costs the same as with them, later ones one X25519 less
/// per recipient (seal) or per envelope (open). A result is kept only once
/// the seal or open that computed it has succeeded.
///
/// The cached values are secret (anyone holding one can impersonate either
/// key to the other): they are zeroized when forgotten and when the
/// `Keyring` is dropped, never shown by `Debug`, and the type is not
/// `Clone`. The cache grows by 32 bytes and a map entry per correspondent;
/// [`Keyring::forget`] and [`Keyring::clear`] drop entries.
pub struct Keyring {
    secret: SecretKey,
    peers: PeerCache,
}

impl Keyring {
    /// A keyring for `secret`, with an empty cache.
    pub fn new(secret: SecretKey) -> Self {
        Self {
            secret,
            peers: PeerCache::default(),
        }
    }

    /// The secret key.
    pub fn secret_key(&self) -> &SecretKey {
        &self.secret
    }

    /// The public half of the secret key.
    pub fn public_key(&self) -> PublicKey {
        self.secret.public_key()
    }

    /// Gives the secret key back, dropping (and zeroizing) the cache.
    pub fn into_secret_key(self) -> SecretKey {
        self.secret
    }

    /// How many correspondents have a cached result.
    pub fn cached_peers(&self) -> usize {
        self.peers.0.len()
    }

    /// Drops the cached result for `peer`, if any (for example when its key
    /// is revoked).
    pub fn forget(&mut self, peer: &PublicKey) {
        self.peers.0.remove(peer);
    }

    /// Drops every cached result.
    pub fn clear(&mut self) {
        self.peers.0.clear();
    }

    /// [`crate::seal`] from this key, with the cache.
    pub fn seal(
        &mut self,
        recipients: &[PublicKey],
        context: &Context,
        plaintext: &[u8],
    ) -> Result<SealedEnvelope, Error> {
        let randomness = SealRandomness::for_recipients(recipients)?;
        self.seal_with_randomness(recipients, context, plaintext, randomness)
    }

    /// [`crate::seal_with_randomness`] from this key, with the cache.
    pub fn seal_with_randomness(
        &mut self,
        recipients: &[PublicKey],
        context: &Context,
        plaintext: &[u8],
        randomness: SealRandomness,
    ) -> Result<SealedEnvelope, Error> {
        seal_inner(
            &self.secret,
            Some(&mut self.peers),
            recipients,
            context,
            plaintext,
            randomness,
        )
    }

    /// [`crate::open`] with this key, with the cache.
    pub fn open(&mut self, envelope: &[u8], expected_sender: &PublicKey) -> Result<Opened, Error> {
        open_inner(
            &self.secret,
            Some(&mut self.peers),
            envelope,
            expected_sender,
        )
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("public", &self.secret.public_key())
            .field("peers", &"<redacted>")
            .finish()
    }
}
