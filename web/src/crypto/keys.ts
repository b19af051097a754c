// X25519 keys, their text forms, and the refusal of keys that would make a
// Diffie-Hellman result independent of the private key.
import { x25519 } from "@noble/curves/ed25519.js";
import { EnvelopeError, guard } from "./errors";
import { constantTimeEqual, fromBase64, isBytes, toBase64Url } from "./bytes";

export interface KeyPair {
  secret: Uint8Array;
  public: Uint8Array;
}

/** The prefix of a public key's text form. */
export const PUBLIC_KEY_PREFIX = "passerelle-pk:";

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));

// The seven u-coordinates of the crate's README, section 2 (libsodium's
// list): points of order 1, 2, 4 and 8 on the curve and its twist, and the
// non-canonical p and p + 1. X25519 with any of them gives zero whatever
// the private key, which would let an attacker fix the shared secret.
const SMALL_ORDER = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
].map(hex);

/** True for a u-coordinate on the list, compared with bit 255 cleared (X25519 ignores it). */
export function isSmallOrder(key: Uint8Array): boolean {
  const masked = Uint8Array.from(key);
  masked[31] = (masked[31] ?? 0) & 0x7f;
  let found = false;
  for (const bad of SMALL_ORDER) found = constantTimeEqual(masked, bad) || found;
  return found;
}

/**
 * Accepts a public key: 32 bytes (`malformed` otherwise), not all-zero or
 * of small order (`non_contributory_key`).
 */
export function checkPublicKey(key: unknown): Uint8Array {
  if (!isBytes(key, 32)) throw new EnvelopeError("malformed", "a public key is 32 bytes");
  if (isSmallOrder(key)) throw new EnvelopeError("non_contributory_key");
  return key;
}

export function checkSecretKey(secret: unknown): Uint8Array {
  if (!isBytes(secret, 32)) throw new EnvelopeError("malformed", "a secret key is 32 bytes");
  return secret;
}

/** 32 bytes from the platform's generator; `randomness` if it fails. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  try {
    globalThis.crypto.getRandomValues(out);
  } catch {
    throw new EnvelopeError("randomness");
  }
  return out;
}

/** The public key of a 32-byte secret (clamped when used, as in RFC 7748). */
export function publicKeyOf(secret: Uint8Array): Uint8Array {
  checkSecretKey(secret);
  // A clamped scalar times the base point is never of small order, so
  // noble cannot refuse it; the guard only types an impossible failure.
  return guard("malformed", () => x25519.getPublicKey(secret));
}

/** A new key pair: 32 random bytes, as the Rust crate draws them. */
export function generateKeyPair(): KeyPair {
  const secret = randomBytes(32);
  return { secret, public: publicKeyOf(secret) };
}

/**
 * X25519(secret, peer). The peer key is checked first; noble also refuses
 * a zero result, which `non_contributory_key` reports (RFC 9180 §7.1.4).
 */
export function diffieHellman(secret: Uint8Array, peer: Uint8Array): Uint8Array {
  checkPublicKey(peer);
  return guard("non_contributory_key", () => {
    const shared = x25519.getSharedSecret(secret, peer);
    if (shared.every((b) => b === 0)) throw new EnvelopeError("non_contributory_key");
    return shared;
  });
}

/** `passerelle-pk:` then base64url without padding, as the API and the CLI show keys. */
export function publicKeyToText(key: Uint8Array): string {
  return PUBLIC_KEY_PREFIX + toBase64Url(checkPublicKey(key));
}

/** Reads the text form, with or without its prefix, and checks the key. */
export function publicKeyFromText(text: string): Uint8Array {
  if (typeof text !== "string") throw new EnvelopeError("malformed", "not a public key");
  const trimmed = text.trim();
  const encoded = trimmed.startsWith(PUBLIC_KEY_PREFIX) ? trimmed.slice(PUBLIC_KEY_PREFIX.length) : trimmed;
  if (/[+/=]/.test(encoded)) throw new EnvelopeError("malformed", "a public key is base64url without padding");
  return checkPublicKey(fromBase64(encoded));
}
