// A private key wrapped under a passphrase with Argon2id: the format of
// the Rust crate's `WrappedKey` (README section 5), so a key moves between
// the command line and the browser. 126 bytes; the public key is stored in
// the clear, so a wrapped key shows its fingerprint without the passphrase.
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { EnvelopeError, guardAsync, guard } from "./errors";
import { constantTimeEqual, fromBase64, isBytes, toBase64Url, utf8 } from "./bytes";
import { checkPublicKey, checkSecretKey, publicKeyOf, randomBytes } from "./keys";

export const WRAPPED_MAGIC = utf8("PSRK");
/** The prefix of a wrapped key's text form. */
export const WRAPPED_KEY_PREFIX = "PASSERELLE-WRAPPED-KEY:";
const WRAPPED_VERSION = 1;
/** Argon2id, version 0x13. */
const KDF_ARGON2ID = 1;
const AAD_LEN = 78;
export const WRAPPED_LEN = AAD_LEN + 32 + 16;

/** Argon2id costs, stored in every wrapped key so they can be raised later. */
export interface KdfParams {
  /** Memory, in KiB. */
  mCostKib: number;
  /** Passes over memory. */
  tCost: number;
  /** Lanes. */
  pCost: number;
}

/** OWASP's first recommendation for Argon2id, which new keys use: 19 MiB, two passes, one lane. */
export const OWASP: KdfParams = { mCostKib: 19 * 1024, tCost: 2, pCost: 1 };

export interface KdfOptions {
  /** Called with the fraction done (0..1), for a progress bar. */
  onProgress?: (fraction: number) => void;
}

/**
 * Refuses what the Rust reader refuses, so that neither a weak nor a
 * hostile file is accepted: m < 7 MiB, m·t < 35840, m > 1 GiB, t outside
 * 1..64, p outside 1..16.
 */
function checkParams({ mCostKib: m, tCost: t, pCost: p }: KdfParams): void {
  const integers = [m, t, p].every((v) => Number.isInteger(v));
  if (!integers || m < 7 * 1024 || m * t < 7 * 1024 * 5 || m > 1024 * 1024 || t < 1 || t > 64 || p < 1 || p > 16) {
    throw new EnvelopeError("malformed", "Argon2id parameters out of the accepted range");
  }
}

async function deriveKek(passphrase: string, salt: Uint8Array, params: KdfParams, options?: KdfOptions) {
  checkParams(params);
  // The passphrase's UTF-8 bytes as typed, without normalisation, as the
  // command line hashes them.
  return argon2idAsync(utf8(passphrase), salt, {
    m: params.mCostKib,
    t: params.tCost,
    p: params.pCost,
    dkLen: 32,
    // The checked maximum, 1 GiB of blocks, plus room for noble's own accounting.
    maxmem: 2 ** 31,
    ...(options?.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/**
 * Seals a 32-byte secret key under `passphrase` with fresh salt and nonce.
 * Takes about a second: Argon2id is slow on purpose. Yields to the event
 * loop while it works, so the page stays responsive.
 */
export async function wrapSecret(
  secret: Uint8Array,
  passphrase: string,
  params: KdfParams = OWASP,
  options?: KdfOptions,
): Promise<Uint8Array> {
  return guardAsync("malformed", async () => {
    checkSecretKey(secret);
    if (typeof passphrase !== "string") throw new EnvelopeError("malformed", "the passphrase is text");
    checkParams(params);
    const salt = randomBytes(16);
    const nonce = randomBytes(12);
    const out = new Uint8Array(WRAPPED_LEN);
    const view = new DataView(out.buffer);
    out.set(WRAPPED_MAGIC, 0);
    out[4] = WRAPPED_VERSION;
    out[5] = KDF_ARGON2ID;
    view.setUint32(6, params.mCostKib);
    view.setUint32(10, params.tCost);
    view.setUint32(14, params.pCost);
    out.set(salt, 18);
    out.set(nonce, 34);
    out.set(publicKeyOf(secret), 46);
    const kek = await deriveKek(passphrase, salt, params, options);
    out.set(chacha20poly1305(kek, nonce, out.subarray(0, AAD_LEN)).encrypt(secret), AAD_LEN);
    kek.fill(0);
    return out;
  });
}

/** Reads a wrapped key's structure and parameters, not the passphrase. */
function parseWrapped(wrapped: Uint8Array): KdfParams {
  if (!isBytes(wrapped, WRAPPED_LEN)) throw new EnvelopeError("malformed", "a wrapped key is 126 bytes");
  if (!constantTimeEqual(wrapped.subarray(0, 4), WRAPPED_MAGIC)) {
    throw new EnvelopeError("malformed", "not a Passerelle wrapped key");
  }
  if (wrapped[4] !== WRAPPED_VERSION) throw new EnvelopeError("unsupported_version");
  if (wrapped[5] !== KDF_ARGON2ID) throw new EnvelopeError("malformed", "unknown key-derivation function");
  const view = new DataView(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
  const params = { mCostKib: view.getUint32(6), tCost: view.getUint32(10), pCost: view.getUint32(14) };
  checkParams(params);
  checkPublicKey(wrapped.subarray(46, 78));
  return params;
}

/**
 * Opens a wrapped key and returns its 32 secret bytes. A wrong passphrase
 * and a damaged file both give `wrong_passphrase`: the two cannot be told
 * apart. A file that is not a wrapped key is `malformed` (or
 * `unsupported_version`, `non_contributory_key`).
 */
export async function unwrapSecret(wrapped: Uint8Array, passphrase: string, options?: KdfOptions): Promise<Uint8Array> {
  return guardAsync("wrong_passphrase", async () => {
    const params = guard("malformed", () => parseWrapped(wrapped));
    if (typeof passphrase !== "string") throw new EnvelopeError("malformed", "the passphrase is text");
    const aad = wrapped.subarray(0, AAD_LEN);
    const kek = await guardAsync("malformed", () => deriveKek(passphrase, wrapped.slice(18, 34), params, options));
    let secret: Uint8Array;
    try {
      secret = chacha20poly1305(kek, wrapped.slice(34, 46), aad).decrypt(wrapped.subarray(AAD_LEN));
    } catch {
      throw new EnvelopeError("wrong_passphrase");
    } finally {
      kek.fill(0);
    }
    if (!constantTimeEqual(publicKeyOf(secret), wrapped.subarray(46, 78))) {
      secret.fill(0);
      throw new EnvelopeError("wrong_passphrase");
    }
    return secret;
  });
}

/** The public key stored beside the sealed private key, readable without the passphrase. */
export function wrappedPublicKey(wrapped: Uint8Array): Uint8Array {
  return guard("malformed", () => {
    parseWrapped(wrapped);
    return wrapped.slice(46, 78);
  });
}

/** The text form the command line writes: `PASSERELLE-WRAPPED-KEY:` then base64url. */
export function wrappedKeyToText(wrapped: Uint8Array): string {
  return guard("malformed", () => {
    parseWrapped(wrapped);
    return WRAPPED_KEY_PREFIX + toBase64Url(wrapped);
  });
}

/**
 * Reads the text form, also from a whole key file as `passerelle keygen`
 * writes it (its `#` comment lines are skipped), and checks its structure.
 */
export function wrappedKeyFromText(text: string): Uint8Array {
  return guard("malformed", () => {
    const line = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.startsWith(WRAPPED_KEY_PREFIX));
    if (line === undefined) throw new EnvelopeError("malformed", "not a Passerelle wrapped key");
    const encoded = line.slice(WRAPPED_KEY_PREFIX.length);
    if (/[+/=]/.test(encoded)) throw new EnvelopeError("malformed", "a wrapped key is base64url without padding");
    const wrapped = fromBase64(encoded);
    parseWrapped(wrapped);
    return wrapped;
  });
}
