// Fingerprints and safety numbers: what two people compare, aloud or by QR
// code, to know that the keys on their screens are each other's.
import { sha256 } from "@noble/hashes/sha2.js";
import { isBytes, utf8 } from "./bytes";
import { EnvelopeError } from "./errors";
import { checkPublicKey } from "./keys";

/** Hashed before the key, so that these digits mean nothing else. */
export const FINGERPRINT_LABEL = utf8("passerelle/v1/fingerprint");
/** The prefix of a safety number's QR code payload. */
export const QR_PREFIX = "PSRL1";

/**
 * A key's 30 digits, without spaces: SHA-256 over the label and the key;
 * each of the first six 5-byte groups, read big-endian, modulo 100000.
 */
export function fingerprintDigits(publicKey: Uint8Array): string {
  checkPublicKey(publicKey);
  const digest = sha256.create().update(FINGERPRINT_LABEL).update(publicKey).digest();
  let digits = "";
  for (let group = 0; group < 6; group++) {
    // 40 bits fit exactly in a double's 53-bit mantissa.
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + (digest[5 * group + i] ?? 0);
    digits += String(value % 100000).padStart(5, "0");
  }
  return digits;
}

/** Six groups of five digits separated by spaces, as the Rust crate shows one key. */
export function fingerprint(publicKey: Uint8Array): string {
  return groups(fingerprintDigits(publicKey));
}

/** The 60 digits of the pair: both fingerprints, the smaller first, the same on both sides. */
export function safetyNumberDigits(a: Uint8Array, b: Uint8Array): string {
  const [fa, fb] = [fingerprintDigits(a), fingerprintDigits(b)];
  return fa <= fb ? fa + fb : fb + fa;
}

/**
 * Twelve groups of five digits, four to a line (lines joined by "\n"),
 * exactly as `passerelle fingerprint KEY --with OTHER` prints it.
 */
export function safetyNumber(a: Uint8Array, b: Uint8Array): string {
  const digits = safetyNumberDigits(a, b);
  return [0, 20, 40].map((at) => groups(digits.slice(at, at + 20))).join("\n");
}

/** What a QR code encodes: `PSRL1` then the 60 digits (QR alphanumeric mode). */
export function safetyNumberQrPayload(a: Uint8Array, b: Uint8Array): string {
  return QR_PREFIX + safetyNumberDigits(a, b);
}

function groups(digits: string): string {
  return (digits.match(/\d{5}/g) ?? []).join(" ");
}

/**
 * SHA-256 of `bytes`, for a caller that needs a plain digest (an evidence
 * file's hash, say) without `crypto.subtle`, which browsers withhold from
 * pages not served over HTTPS or from localhost.
 */
export function sha256Digest(bytes: Uint8Array): Uint8Array {
  if (!isBytes(bytes)) throw new EnvelopeError("malformed", "a digest is of bytes");
  return sha256(bytes);
}
