//! The version 1 envelope on the wire: its layout, its limits, and a parser
//! that checks structure without any secret. The server uses this module
//! alone; it cannot open what it parses.
//!
//! The byte layout is specified in the crate's `README.md`.

use std::fmt;

use crate::{Error, PublicKey};

/// The first four bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"PSRL";
/// The only version this build seals and opens.
pub const VERSION: u8 = 1;
/// The most recipients one envelope may have.
pub const MAX_RECIPIENTS: usize = 32;
/// The largest plaintext one envelope may carry, in bytes (1 MiB).
pub const MAX_PAYLOAD_LEN: usize = 1 << 20;

/// The length of an X25519 public key, and of an HPKE encapsulated key.
pub(crate) const KEY_LEN: usize = 32;
/// The length of a ChaCha20-Poly1305 tag.
pub(crate) const AEAD_TAG_LEN: usize = 16;
/// The length of the content key.
pub(crate) const CONTENT_KEY_LEN: usize = 32;
/// One wrap: the HPKE encapsulated key, then the sealed content key.
pub(crate) const WRAP_CT_LEN: usize = CONTENT_KEY_LEN + AEAD_TAG_LEN;
pub(crate) const WRAP_LEN: usize = KEY_LEN + WRAP_CT_LEN;
/// HMAC-SHA256 outputs: the key commitment and the envelope tag.
pub(crate) const MAC_LEN: usize = 32;
/// BLAKE3-256 of the payload ciphertext.
pub(crate) const DIGEST_LEN: usize = 32;
/// Bytes before the recipient keys: magic, version, content type, message
/// id, case id, sender key, recipient count.
pub(crate) const FIXED_PREFIX_LEN: usize = 4 + 1 + 1 + 16 + 16 + KEY_LEN + 2;

/// What an envelope carries. Bound into every wrap, so a note cannot be
/// replayed as a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ContentType {
    /// A message between a relative and a detained person.
    Message = 1,
    /// The free text of a practical request.
    Request = 2,
    /// The free text of a visit request.
    Visit = 3,
    /// A note on a release-plan item.
    PlanNote = 4,
}

impl ContentType {
    /// The byte that encodes this type on the wire.
    pub fn to_byte(self) -> u8 {
        self as u8
    }

    /// Reads the wire byte; `None` for an unknown type.
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Message),
            2 => Some(Self::Request),
            3 => Some(Self::Visit),
            4 => Some(Self::PlanNote),
            _ => None,
        }
    }

    /// The stable lower-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Request => "request",
            Self::Visit => "visit",
            Self::PlanNote => "plan_note",
        }
    }
}

impl std::str::FromStr for ContentType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        [Self::Message, Self::Request, Self::Visit, Self::PlanNote]
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(Error::Malformed("unknown content type"))
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; 16]);

        impl $name {
            /// Wraps 16 bytes (a UUID in network byte order).
            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(bytes)
            }

            /// The 16 bytes, as they appear on the wire.
            pub const fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            /// The hyphenated UUID form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                for (i, byte) in self.0.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }
    };
}

id_type!(
    /// A message id: unique per sender, so that a replay can be refused.
    MessageId
);
id_type!(
    /// The id of the case an envelope belongs to.
    CaseId
);

/// A structurally valid envelope, borrowed from its bytes.
///
/// Holding one guarantees: the magic and version are right, the content type
/// is known, there are 1 to [`MAX_RECIPIENTS`] recipients in strictly
/// ascending byte order, no key (sender, recipient, or encapsulated) is
/// all-zero or of small order, the payload length is within limits, and the
/// total length is exact. It guarantees nothing about authenticity: only
/// opening does.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub struct Envelope<'a> {
    pub(crate) content_type: ContentType,
    pub(crate) message_id: MessageId,
    pub(crate) case_id: CaseId,
    pub(crate) sender: PublicKey,
    /// The recipient keys, `32 × n` bytes.
    pub(crate) recipients: &'a [u8],
    /// Everything up to and including the recipient keys: the payload's AAD.
    pub(crate) prefix: &'a [u8],
    /// The prefix, the payload length and the payload digest.
    pub(crate) header: &'a [u8],
    pub(crate) payload_digest: &'a [u8; DIGEST_LEN],
    pub(crate) commitment: &'a [u8; MAC_LEN],
    /// The wraps, `80 × n` bytes, in the order of `recipients`.
    pub(crate) wraps: &'a [u8],
    /// The header, the commitment and the wraps: what the tag covers.
    pub(crate) tagged: &'a [u8],
    pub(crate) tag: &'a [u8; MAC_LEN],
    pub(crate) payload: &'a [u8],
}

impl fmt::Debug for Envelope<'_> {
    /// Metadata only: never the wraps or the payload bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("content_type", &self.content_type)
            .field("message_id", &self.message_id)
            .field("case_id", &self.case_id)
            .field("sender", &self.sender)
            .field("recipients", &self.recipients().count())
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

fn take<'a>(input: &mut &'a [u8], len: usize) -> Result<&'a [u8], Error> {
    let (head, rest) = input
        .split_at_checked(len)
        .ok_or(Error::Malformed("truncated envelope"))?;
    *input = rest;
    Ok(head)
}

fn take_array<'a, const N: usize>(input: &mut &'a [u8]) -> Result<&'a [u8; N], Error> {
    let (head, rest) = input
        .split_first_chunk::<N>()
        .ok_or(Error::Malformed("truncated envelope"))?;
    *input = rest;
    Ok(head)
}

impl<'a> Envelope<'a> {
    /// Checks the structure of `bytes`, without any key.
    ///
    /// Refuses, in this order: a wrong magic (`Malformed`), an unknown
    /// version (`UnsupportedVersion`), an unknown content type, a recipient
    /// count of zero (`Malformed`) or over the limit (`TooManyRecipients`),
    /// recipients out of order or repeated (`Malformed`), a small-order key
    /// (`NonContributoryKey`), a payload over the limit (`TooLarge`), and any
    /// missing or trailing byte (`Malformed`).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut rest = bytes;
        let magic = take_array::<4>(&mut rest)?;
        if *magic != MAGIC {
            return Err(Error::Malformed("not a Passerelle envelope"));
        }
        let [version] = *take_array::<1>(&mut rest)?;
        if version != VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let [content_type] = *take_array::<1>(&mut rest)?;
        let content_type =
            ContentType::from_byte(content_type).ok_or(Error::Malformed("unknown content type"))?;
        let message_id = MessageId(*take_array::<16>(&mut rest)?);
        let case_id = CaseId(*take_array::<16>(&mut rest)?);
        let sender = PublicKey::from_bytes(*take_array::<KEY_LEN>(&mut rest)?)?;
        let count = usize::from(u16::from_be_bytes(*take_array::<2>(&mut rest)?));
        if count == 0 {
            return Err(Error::Malformed("an envelope needs at least one recipient"));
        }
        if count > MAX_RECIPIENTS {
            return Err(Error::TooManyRecipients {
                max: MAX_RECIPIENTS,
            });
        }
        let recipients = take(&mut rest, count * KEY_LEN)?;
        let mut previous: Option<&[u8; KEY_LEN]> = None;
        for key in recipients.as_chunks::<KEY_LEN>().0 {
            // Sorted and unique makes the list canonical: one recipient set
            // has exactly one encoding, so nobody can re-order it unseen.
            if previous.is_some_and(|p| p >= key) {
                return Err(Error::Malformed("recipient keys are not sorted and unique"));
            }
            PublicKey::from_bytes(*key)?;
            previous = Some(key);
        }
        let prefix_len = bytes.len() - rest.len();
        let payload_len = u32::from_be_bytes(*take_array::<4>(&mut rest)?) as usize;
        if payload_len < AEAD_TAG_LEN {
            return Err(Error::Malformed("payload shorter than its tag"));
        }
        if payload_len > MAX_PAYLOAD_LEN + AEAD_TAG_LEN {
            return Err(Error::TooLarge {
                max: MAX_PAYLOAD_LEN,
            });
        }
        let payload_digest = take_array::<DIGEST_LEN>(&mut rest)?;
        let header_len = bytes.len() - rest.len();
        let commitment = take_array::<MAC_LEN>(&mut rest)?;
        let wraps = take(&mut rest, count * WRAP_LEN)?;
        for wrap in wraps.as_chunks::<WRAP_LEN>().0 {
            let enc = wrap
                .first_chunk::<KEY_LEN>()
                .ok_or(Error::Malformed("truncated envelope"))?;
            PublicKey::from_bytes(*enc)?;
        }
        let tagged_len = bytes.len() - rest.len();
        let tag = take_array::<MAC_LEN>(&mut rest)?;
        let payload = take(&mut rest, payload_len)?;
        if !rest.is_empty() {
            return Err(Error::Malformed("trailing bytes after the payload"));
        }
        let prefix = bytes
            .get(..prefix_len)
            .ok_or(Error::Malformed("truncated envelope"))?;
        let header = bytes
            .get(..header_len)
            .ok_or(Error::Malformed("truncated envelope"))?;
        let tagged = bytes
            .get(..tagged_len)
            .ok_or(Error::Malformed("truncated envelope"))?;
        Ok(Self {
            content_type,
            message_id,
            case_id,
            sender,
            recipients,
            prefix,
            header,
            payload_digest,
            commitment,
            wraps,
            tagged,
            tag,
            payload,
        })
    }

    /// What the envelope carries.
    pub fn content_type(&self) -> ContentType {
        self.content_type
    }

    /// The message id.
    pub fn message_id(&self) -> MessageId {
        self.message_id
    }

    /// The case id.
    pub fn case_id(&self) -> CaseId {
        self.case_id
    }

    /// The key the envelope claims as sender. Only opening proves it.
    pub fn sender(&self) -> PublicKey {
        self.sender
    }

    /// The recipient keys, in ascending byte order.
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = PublicKey> + '_ {
        self.recipients
            .as_chunks::<KEY_LEN>()
            .0
            .iter()
            .map(|key| PublicKey::from_validated(*key))
    }

    /// Where `key` stands in the recipient list, if it does.
    pub fn recipient_index(&self, key: &PublicKey) -> Option<usize> {
        self.recipients
            .chunks_exact(KEY_LEN)
            .position(|c| c == key.as_bytes())
    }

    /// The length of the payload ciphertext, tag included.
    pub fn payload_len(&self) -> usize {
        self.payload.len()
    }

    /// Checks that the payload matches the digest in the header. A server may
    /// use it to refuse a corrupted upload; a recipient's open does it anyway.
    pub fn verify_payload_digest(&self) -> Result<(), Error> {
        use subtle::ConstantTimeEq;
        let digest = blake3::hash(self.payload);
        if bool::from(digest.as_bytes().ct_eq(self.payload_digest)) {
            Ok(())
        } else {
            Err(Error::Tampered)
        }
    }

    #[cfg(feature = "client")]
    /// The wrap for the recipient at `index`: encapsulated key, sealed content key.
    pub(crate) fn wrap(&self, index: usize) -> Result<(&'a [u8; KEY_LEN], &'a [u8]), Error> {
        let wrap = self
            .wraps
            .chunks_exact(WRAP_LEN)
            .nth(index)
            .ok_or(Error::NotARecipient)?;
        let (enc, ct) = wrap
            .split_first_chunk::<KEY_LEN>()
            .ok_or(Error::Malformed("truncated envelope"))?;
        // The format fixes this length; checked again at the point of use.
        if ct.len() != WRAP_CT_LEN {
            return Err(Error::Malformed("wrap of the wrong length"));
        }
        Ok((enc, ct))
    }
}

/// The exact length of an envelope with `recipients` recipients and a
/// plaintext of `plaintext_len` bytes.
pub fn envelope_len(recipients: usize, plaintext_len: usize) -> usize {
    FIXED_PREFIX_LEN
        + recipients * KEY_LEN
        + 4
        + DIGEST_LEN
        + MAC_LEN
        + recipients * WRAP_LEN
        + MAC_LEN
        + plaintext_len
        + AEAD_TAG_LEN
}
