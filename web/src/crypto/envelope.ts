// Sealing and opening version 1 envelopes, byte for byte as the Rust crate
// `passerelle-crypto` does. One fresh content key encrypts the payload
// once; HPKE in auth mode wraps that key for each recipient and proves the
// sender to each. The layout, every label and every check are specified in
// `crates/crypto/README.md`.
import { blake3 } from "@noble/hashes/blake3.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { extract, expand } from "@noble/hashes/hkdf.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { EnvelopeError, guard } from "./errors";
import { bytesToUuid, compareBytes, constantTimeEqual, isBytes, utf8, uuidToBytes } from "./bytes";
import { checkPublicKey, checkSecretKey, publicKeyOf, randomBytes, type KeyPair } from "./keys";
import { MODE_AUTH, decap, encap, keySchedule, openAt, scheduleContext, sealAt } from "./hpke";

/** What an envelope carries; the wire byte is the position in this list plus one. */
export type ContentType = "message" | "request" | "visit" | "plan_note";
export const CONTENT_TYPES: readonly ContentType[] = ["message", "request", "visit", "plan_note"];

export const MAGIC = utf8("PSRL");
export const VERSION = 1;
/** The most recipients one envelope may have. */
export const MAX_RECIPIENTS = 32;
/** The largest plaintext one envelope may carry, in bytes (1 MiB). */
export const MAX_PAYLOAD_LEN = 1 << 20;

export const PAYLOAD_KEY_INFO = utf8("passerelle/v1/payload-key");
export const TAG_KEY_INFO = utf8("passerelle/v1/envelope-tag-key");
export const COMMITMENT_LABEL = utf8("passerelle/v1/key-commitment");
export const WRAP_INFO_LABEL = utf8("passerelle/v1/wrap");

const KEY_LEN = 32;
const TAG_LEN = 16;
const WRAP_CT_LEN = 32 + TAG_LEN;
const WRAP_LEN = KEY_LEN + WRAP_CT_LEN;
const MAC_LEN = 32;
/** Magic, version, content type, message id, case id, sender, count. */
const FIXED_PREFIX_LEN = 4 + 1 + 1 + 16 + 16 + KEY_LEN + 2;
const ZERO_NONCE = new Uint8Array(12);

export interface SealParams {
  sender: KeyPair;
  recipients: Uint8Array[];
  /** Hyphenated UUID text; unique per sender. */
  messageId: string;
  /** Hyphenated UUID text. */
  caseId: string;
  contentType: ContentType;
  plaintext: Uint8Array;
}

export interface OpenParams {
  envelope: Uint8Array;
  recipient: KeyPair;
  /** The sender key the caller expects (from the key directory, or checked in person). */
  sender?: Uint8Array;
}

export interface Opened {
  plaintext: Uint8Array;
  messageId: string;
  caseId: string;
  contentType: ContentType;
  /** The sender, proven by the wrap. */
  sender: Uint8Array;
  /** Everyone who can read this envelope, in ascending byte order. */
  recipients: Uint8Array[];
}

/**
 * The random inputs of one seal. `seal` draws them; fixing them reproduces
 * an envelope byte for byte, which is how the shared vectors are checked.
 * Never reuse one: the same content key twice breaks the payload cipher.
 */
export interface SealRandomness {
  contentKey: Uint8Array;
  /** One 32-byte `ikmE` per recipient, in the recipients' sorted order. */
  ephemeralIkm: Uint8Array[];
}

/**
 * Seals `plaintext` from `sender` to `recipients` (sorted, repeats
 * dropped; the sender may be one of them, to read its own outbox).
 * Refuses a key of the wrong length or an id that is not a UUID
 * (`malformed`), a refused key (`non_contributory_key`), no recipient
 * (`malformed`), more than 32 (`too_many_recipients`) and a plaintext over
 * 1 MiB (`too_large`).
 */
export async function seal(p: SealParams): Promise<Uint8Array> {
  return guard("malformed", () => {
    const count = sortedRecipients(p?.recipients).length;
    const ephemeralIkm = Array.from({ length: count }, () => randomBytes(32));
    return sealWithRandomness(p, { contentKey: randomBytes(32), ephemeralIkm });
  });
}

/** `seal` with its random inputs given: for the shared test vectors only. */
export function sealWithRandomness(p: SealParams, randomness: SealRandomness): Uint8Array {
  return guard("malformed", () => {
    const senderSecret = checkSecretKey(p.sender?.secret);
    const senderPublic = publicKeyOf(senderSecret);
    // A key pair whose halves disagree would seal envelopes nobody can open.
    if (p.sender.public !== undefined && !(isBytes(p.sender.public) && constantTimeEqual(p.sender.public, senderPublic))) {
      throw new EnvelopeError("malformed", "the sender's public key does not match its secret");
    }
    const recipients = sortedRecipients(p.recipients);
    if (!isBytes(p.plaintext)) throw new EnvelopeError("malformed", "the plaintext is bytes");
    if (p.plaintext.length > MAX_PAYLOAD_LEN) throw new EnvelopeError("too_large");
    const typeByte = CONTENT_TYPES.indexOf(p.contentType) + 1;
    if (typeByte === 0) throw new EnvelopeError("malformed", "unknown content type");
    const messageId = uuidToBytes(p.messageId);
    const caseId = uuidToBytes(p.caseId);
    const { contentKey, ephemeralIkm } = randomness;
    if (!isBytes(contentKey, 32) || ephemeralIkm.length !== recipients.length || !ephemeralIkm.every((ikm) => isBytes(ikm, 32))) {
      throw new EnvelopeError("malformed", "one ephemeral seed per recipient");
    }

    const n = recipients.length;
    const prefixLen = FIXED_PREFIX_LEN + n * KEY_LEN;
    const headerLen = prefixLen + 4 + 32;
    const taggedLen = headerLen + MAC_LEN + n * WRAP_LEN;
    const payloadLen = p.plaintext.length + TAG_LEN;
    const out = new Uint8Array(taggedLen + MAC_LEN + payloadLen);
    const view = new DataView(out.buffer);
    out.set(MAGIC, 0);
    out[4] = VERSION;
    out[5] = typeByte;
    out.set(messageId, 6);
    out.set(caseId, 22);
    out.set(senderPublic, 38);
    view.setUint16(70, n);
    recipients.forEach((key, i) => out.set(key, FIXED_PREFIX_LEN + i * KEY_LEN));
    view.setUint32(prefixLen, payloadLen);

    const keys = contentKeys(contentKey);
    // The payload is bound to the prefix; its digest then completes the header.
    const payload = chacha20poly1305(keys.payload, ZERO_NONCE, out.subarray(0, prefixLen)).encrypt(p.plaintext);
    out.set(payload, taggedLen + MAC_LEN);
    out.set(blake3(payload), prefixLen + 4);
    const header = out.subarray(0, headerLen);
    const commitment = commit(contentKey, header);
    out.set(commitment, headerLen);

    // Every wrap binds the whole header through its info, and the
    // commitment through its AAD: a relay cannot swap recipients, move the
    // envelope to another case or replay a note as a message.
    const schedule = scheduleContext(MODE_AUTH, concatInfo(header));
    const sender = { secret: senderSecret, public: senderPublic };
    recipients.forEach((recipient, i) => {
      const { enc, sharedSecret } = encap(recipient, ephemeralIkm[i] as Uint8Array, sender);
      const context = keySchedule(sharedSecret, schedule);
      const at = headerLen + MAC_LEN + i * WRAP_LEN;
      out.set(enc, at);
      out.set(sealAt(context, 0, commitment, contentKey), at + KEY_LEN);
      sharedSecret.fill(0);
      context.key.fill(0);
    });
    out.set(hmac(sha256, keys.tag, out.subarray(0, taggedLen)), taggedLen);
    keys.payload.fill(0);
    keys.tag.fill(0);
    return out;
  });
}

/**
 * Opens `envelope` with `recipient`'s key pair. With `sender`, accepts it
 * only from that key (`wrong_sender`); without, the caller must check the
 * returned `sender` against the key directory before trusting it.
 *
 * Checks, in order: structure (see `parseEnvelope`), the sender, that our
 * key is a recipient (`not_a_recipient`), then the wrap, the key
 * commitment (before anything is decrypted), the envelope tag, the payload
 * digest and the payload, any of which fails as `tampered`.
 */
export async function open(p: OpenParams): Promise<Opened> {
  return guard("malformed", () => {
    const secret = checkSecretKey(p?.recipient?.secret);
    const ownPublic = publicKeyOf(secret);
    if (p.recipient.public !== undefined && !(isBytes(p.recipient.public) && constantTimeEqual(p.recipient.public, ownPublic))) {
      throw new EnvelopeError("malformed", "the recipient's public key does not match its secret");
    }
    if (p.sender !== undefined && !isBytes(p.sender, KEY_LEN)) {
      throw new EnvelopeError("malformed", "a public key is 32 bytes");
    }
    const parsed = parseEnvelope(p.envelope);
    if (p.sender !== undefined && !constantTimeEqual(parsed.sender, p.sender)) {
      throw new EnvelopeError("wrong_sender");
    }
    const index = parsed.recipients.findIndex((key) => constantTimeEqual(key, ownPublic));
    if (index < 0) throw new EnvelopeError("not_a_recipient");
    const wrap = parsed.wraps.subarray(index * WRAP_LEN, (index + 1) * WRAP_LEN);
    // The layout fixes this length; checked again at the point of use.
    if (wrap.length !== WRAP_LEN) throw new EnvelopeError("malformed", "wrap of the wrong length");

    const plaintext = guard("tampered", () => {
      const shared = decap(wrap.subarray(0, KEY_LEN), { secret, public: ownPublic }, parsed.sender);
      const context = keySchedule(shared, scheduleContext(MODE_AUTH, concatInfo(parsed.header)));
      shared.fill(0);
      const contentKey = openAt(context, 0, parsed.commitment, wrap.subarray(KEY_LEN));
      context.key.fill(0);
      if (contentKey.length !== 32) throw new EnvelopeError("tampered");
      // The commitment before anything is decrypted: a sender who wrapped
      // different content keys for different recipients (so that the
      // relaying worker and the detained person would read different texts)
      // is caught here, because only one key matches it.
      if (!constantTimeEqual(commit(contentKey, parsed.header), parsed.commitment)) throw new EnvelopeError("tampered");
      const keys = contentKeys(contentKey);
      contentKey.fill(0);
      // The tag covers every wrap: a change to anybody's wrap stops everyone.
      if (!constantTimeEqual(hmac(sha256, keys.tag, parsed.tagged), parsed.tag)) throw new EnvelopeError("tampered");
      // The digest stops a recipient who knows the content key from
      // re-encrypting another payload "from" the sender to the others.
      if (!constantTimeEqual(blake3(parsed.payload), parsed.digest)) throw new EnvelopeError("tampered");
      const opened = chacha20poly1305(keys.payload, ZERO_NONCE, parsed.prefix).decrypt(parsed.payload);
      keys.payload.fill(0);
      keys.tag.fill(0);
      return opened;
    });
    return {
      plaintext,
      messageId: bytesToUuid(parsed.messageId),
      caseId: bytesToUuid(parsed.caseId),
      contentType: parsed.contentType,
      sender: parsed.sender.slice(),
      recipients: parsed.recipients.map((key) => key.slice()),
    };
  });
}

/** A structurally valid envelope: views into its bytes. Says nothing about authenticity. */
export interface ParsedEnvelope {
  contentType: ContentType;
  messageId: Uint8Array;
  caseId: Uint8Array;
  sender: Uint8Array;
  recipients: Uint8Array[];
  /** Everything up to and including the recipient keys: the payload's AAD. */
  prefix: Uint8Array;
  /** The prefix, the payload length and the payload digest. */
  header: Uint8Array;
  digest: Uint8Array;
  commitment: Uint8Array;
  /** The wraps, 80 bytes each, in the order of `recipients`. */
  wraps: Uint8Array;
  /** The header, the commitment and the wraps: what the tag covers. */
  tagged: Uint8Array;
  tag: Uint8Array;
  payload: Uint8Array;
}

/**
 * Checks the structure of `bytes` without any key, reading the fields in
 * byte order; the first failed check decides the error (README 4.4 step 1).
 */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  return guard("malformed", () => {
    if (!isBytes(bytes)) throw new EnvelopeError("malformed", "an envelope is bytes");
    let at = 0;
    const take = (len: number): Uint8Array => {
      if (at + len > bytes.length) throw new EnvelopeError("malformed", "truncated envelope");
      const part = bytes.subarray(at, at + len);
      at += len;
      return part;
    };
    const word = (len: 2 | 4): number => take(len).reduce((acc, b) => acc * 256 + b, 0);

    if (!constantTimeEqual(take(4), MAGIC)) throw new EnvelopeError("malformed", "not a Passerelle envelope");
    if (take(1)[0] !== VERSION) throw new EnvelopeError("unsupported_version");
    const contentType = CONTENT_TYPES[(take(1)[0] ?? 0) - 1];
    if (contentType === undefined) throw new EnvelopeError("malformed", "unknown content type");
    const messageId = take(16);
    const caseId = take(16);
    const sender = checkPublicKey(take(KEY_LEN));
    const count = word(2);
    if (count === 0) throw new EnvelopeError("malformed", "an envelope needs at least one recipient");
    if (count > MAX_RECIPIENTS) throw new EnvelopeError("too_many_recipients");
    const recipientBytes = take(count * KEY_LEN);
    const recipients: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const key = recipientBytes.subarray(i * KEY_LEN, (i + 1) * KEY_LEN);
      // Sorted and unique makes the list canonical: one recipient set has
      // exactly one encoding, so nobody can re-order it unseen.
      const previous = recipients[i - 1];
      if (previous && compareBytes(previous, key) >= 0) {
        throw new EnvelopeError("malformed", "recipient keys are not sorted and unique");
      }
      recipients.push(checkPublicKey(key));
    }
    const prefixLen = at;
    const payloadLen = word(4);
    if (payloadLen < TAG_LEN) throw new EnvelopeError("malformed", "payload shorter than its tag");
    if (payloadLen > MAX_PAYLOAD_LEN + TAG_LEN) throw new EnvelopeError("too_large");
    const digest = take(32);
    const headerLen = at;
    const commitment = take(MAC_LEN);
    const wraps = take(count * WRAP_LEN);
    for (let i = 0; i < count; i++) checkPublicKey(wraps.subarray(i * WRAP_LEN, i * WRAP_LEN + KEY_LEN));
    const taggedLen = at;
    const tag = take(MAC_LEN);
    const payload = take(payloadLen);
    if (at !== bytes.length) throw new EnvelopeError("malformed", "trailing bytes after the payload");
    return {
      contentType,
      messageId,
      caseId,
      sender,
      recipients,
      prefix: bytes.subarray(0, prefixLen),
      header: bytes.subarray(0, headerLen),
      digest,
      commitment,
      wraps,
      tagged: bytes.subarray(0, taggedLen),
      tag,
      payload,
    };
  });
}

/** The exact length of an envelope to `recipients` keys carrying `plaintextLen` bytes. */
export function envelopeLength(recipients: number, plaintextLen: number): number {
  return 172 + 112 * recipients + plaintextLen + TAG_LEN;
}

function sortedRecipients(recipients: unknown): Uint8Array[] {
  if (!Array.isArray(recipients)) throw new EnvelopeError("malformed", "recipients are a list of keys");
  const sorted = recipients.map((key: unknown) => checkPublicKey(key)).sort(compareBytes);
  const unique = sorted.filter((key, i) => i === 0 || compareBytes(sorted[i - 1] as Uint8Array, key) !== 0);
  if (unique.length === 0) throw new EnvelopeError("malformed", "an envelope needs at least one recipient");
  if (unique.length > MAX_RECIPIENTS) throw new EnvelopeError("too_many_recipients");
  return unique;
}

/**
 * The payload key and the tag key, derived from the content key with
 * HKDF-SHA256 and an empty salt, so that the content key itself is never
 * used under two algorithms.
 */
function contentKeys(contentKey: Uint8Array): { payload: Uint8Array; tag: Uint8Array } {
  const prk = extract(sha256, contentKey);
  const keys = { payload: expand(sha256, prk, PAYLOAD_KEY_INFO, 32), tag: expand(sha256, prk, TAG_KEY_INFO, 32) };
  prk.fill(0);
  return keys;
}

/** `HMAC(K, "passerelle/v1/key-commitment" || header)`. */
function commit(contentKey: Uint8Array, header: Uint8Array): Uint8Array {
  return hmac.create(sha256, contentKey).update(COMMITMENT_LABEL).update(header).digest();
}

/** The wraps' HPKE info: the label, then the whole header. */
function concatInfo(header: Uint8Array): Uint8Array {
  const info = new Uint8Array(WRAP_INFO_LABEL.length + header.length);
  info.set(WRAP_INFO_LABEL);
  info.set(header, WRAP_INFO_LABEL.length);
  return info;
}
