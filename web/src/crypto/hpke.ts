// The one HPKE suite Passerelle uses (RFC 9180): DHKEM(X25519, HKDF-SHA256),
// HKDF-SHA256, ChaCha20Poly1305, in base and auth modes, written out on
// noble's primitives. The envelope uses auth mode, single-shot at sequence
// 0; base mode and sequence numbers are here for the RFC's vectors.
//
// Written out rather than taken from @hpke/core: that library ships its own
// copies of SHA-256, HMAC, ChaCha20 and X25519 (some 14 KB gzipped on top of
// the noble ones the envelope needs anyway) and runs HKDF through
// `crypto.subtle`, which browsers withhold from pages not served over HTTPS
// or from localhost. The tests check this code against the RFC 9180
// Appendix A.2 vectors and against @hpke/core itself.
import { extract, expand } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { concat, utf8 } from "./bytes";
import { diffieHellman, publicKeyOf } from "./keys";

export const MODE_BASE = 0x00;
export const MODE_AUTH = 0x02;
export type Mode = typeof MODE_BASE | typeof MODE_AUTH;

const VERSION_LABEL = utf8("HPKE-v1");
/** `"KEM" || I2OSP(0x0020, 2)`. */
const KEM_SUITE_ID = utf8("KEM\x00\x20");
/** `"HPKE" || kem 0x0020 || kdf 0x0001 || aead 0x0003`. */
const HPKE_SUITE_ID = utf8("HPKE\x00\x20\x00\x01\x00\x03");
const EMPTY = new Uint8Array(0);

function labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return extract(sha256, concat(VERSION_LABEL, suite, utf8(label), ikm), salt);
}

function labeledExpand(suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number) {
  const prefix = new Uint8Array([length >>> 8, length & 0xff]);
  return expand(sha256, prk, concat(prefix, VERSION_LABEL, suite, utf8(label), info), length);
}

/** `DeriveKeyPair(ikm)` (§7.1.3): the private key as derived, and its public key. */
export function deriveKeyPair(ikm: Uint8Array): { secret: Uint8Array; public: Uint8Array } {
  const prk = labeledExtract(KEM_SUITE_ID, EMPTY, "dkp_prk", ikm);
  const secret = labeledExpand(KEM_SUITE_ID, prk, "sk", EMPTY, 32);
  return { secret, public: publicKeyOf(secret) };
}

function extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const prk = labeledExtract(KEM_SUITE_ID, EMPTY, "eae_prk", dh);
  return labeledExpand(KEM_SUITE_ID, prk, "shared_secret", kemContext, 32);
}

/**
 * `Encap(pkR)`, or `AuthEncap(pkR, skS)` when `sender` is given, with the
 * ephemeral key `DeriveKeyPair(ikmE)`. A refused or non-contributory key
 * is `non_contributory_key`.
 */
export function encap(
  recipient: Uint8Array,
  ikmE: Uint8Array,
  sender?: { secret: Uint8Array; public: Uint8Array },
): { enc: Uint8Array; sharedSecret: Uint8Array } {
  const ephemeral = deriveKeyPair(ikmE);
  const dhE = diffieHellman(ephemeral.secret, recipient);
  ephemeral.secret.fill(0);
  const enc = ephemeral.public;
  if (!sender) return { enc, sharedSecret: extractAndExpand(dhE, concat(enc, recipient)) };
  const dhS = diffieHellman(sender.secret, recipient);
  return {
    enc,
    sharedSecret: extractAndExpand(concat(dhE, dhS), concat(enc, recipient, sender.public)),
  };
}

/** `Decap(enc, skR)`, or `AuthDecap(enc, skR, pkS)` when `sender` is given. */
export function decap(
  enc: Uint8Array,
  recipient: { secret: Uint8Array; public: Uint8Array },
  sender?: Uint8Array,
): Uint8Array {
  const dhE = diffieHellman(recipient.secret, enc);
  if (!sender) return extractAndExpand(dhE, concat(enc, recipient.public));
  const dhS = diffieHellman(recipient.secret, sender);
  return extractAndExpand(concat(dhE, dhS), concat(enc, recipient.public, sender));
}

/**
 * `key_schedule_context = mode || psk_id_hash || info_hash` (§5.1, no
 * PSK). It depends only on the mode and the info, so an envelope computes
 * it once for all its wraps.
 */
export function scheduleContext(mode: Mode, info: Uint8Array): Uint8Array {
  const pskIdHash = labeledExtract(HPKE_SUITE_ID, EMPTY, "psk_id_hash", EMPTY);
  const infoHash = labeledExtract(HPKE_SUITE_ID, EMPTY, "info_hash", info);
  return concat(new Uint8Array([mode]), pskIdHash, infoHash);
}

/** An encryption context's AEAD key and base nonce (§5.1). */
export interface Context {
  key: Uint8Array;
  baseNonce: Uint8Array;
}

/** `KeySchedule(mode, shared_secret, info, "", "")` given its schedule context. */
export function keySchedule(sharedSecret: Uint8Array, schedule: Uint8Array): Context {
  const secret = labeledExtract(HPKE_SUITE_ID, sharedSecret, "secret", EMPTY);
  const context = {
    key: labeledExpand(HPKE_SUITE_ID, secret, "key", schedule, 32),
    baseNonce: labeledExpand(HPKE_SUITE_ID, secret, "base_nonce", schedule, 12),
  };
  secret.fill(0);
  return context;
}

/** `ComputeNonce(seq)`: the base nonce XOR the big-endian sequence number. */
function nonce(context: Context, sequence: number): Uint8Array {
  const out = Uint8Array.from(context.baseNonce);
  let seq = sequence;
  for (let i = 11; i >= 4 && seq > 0; i--) {
    out[i] = (out[i] ?? 0) ^ (seq & 0xff);
    seq = Math.floor(seq / 256);
  }
  return out;
}

/** `ContextS.Seal(aad, pt)` at `sequence`. */
export function sealAt(context: Context, sequence: number, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return chacha20poly1305(context.key, nonce(context, sequence), aad).encrypt(plaintext);
}

/** `ContextR.Open(aad, ct)` at `sequence`; throws (untyped) when the tag fails. */
export function openAt(context: Context, sequence: number, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return chacha20poly1305(context.key, nonce(context, sequence), aad).decrypt(ciphertext);
}
