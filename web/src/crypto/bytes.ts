// Byte helpers shared by the envelope, the keys and the wrapped keys: base64
// in both alphabets, ids as UUID text, constant-time comparison. Nothing
// here throws anything but `EnvelopeError`.
import { EnvelopeError } from "./errors";

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// One decoding table for both alphabets: the API sends envelopes in
// standard base64, keys travel in base64url.
const DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) {
    table[STANDARD.charCodeAt(i)] = i;
    table[URL_SAFE.charCodeAt(i)] = i;
  }
  return table;
})();

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  if (!isBytes(bytes)) throw new EnvelopeError("malformed", "base64 encodes bytes");
  const parts: string[] = [];
  let chunk = "";
  const full = bytes.length - (bytes.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunk +=
      alphabet.charAt(n >>> 18) +
      alphabet.charAt((n >>> 12) & 63) +
      alphabet.charAt((n >>> 6) & 63) +
      alphabet.charAt(n & 63);
    // Flushed now and then, so a 1 MiB envelope builds no pathological rope.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = "";
    }
  }
  const rest = bytes.length - full;
  if (rest > 0) {
    const n = ((bytes[full] ?? 0) << 16) | (rest === 2 ? (bytes[full + 1] ?? 0) << 8 : 0);
    chunk += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63);
    if (rest === 2) chunk += alphabet.charAt((n >>> 6) & 63);
    if (pad) chunk += rest === 1 ? "==" : "=";
  }
  parts.push(chunk);
  return parts.join("");
}

/** Standard base64 with padding, as the API carries envelopes. */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, true);
}

/** Base64url without padding, as the text forms of keys use. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/**
 * Reads base64 in either alphabet, padded or not. Refuses (`malformed`)
 * any other character, a wrong padding, an impossible length and non-zero
 * trailing bits, so that one byte string has one accepted text.
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== "string") throw new EnvelopeError("malformed", "not base64");
  let end = text.length;
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === 61) {
    end--;
    if (text.charCodeAt(end - 1) === 61) end--;
  }
  const rest = end % 4;
  if (rest === 1) throw new EnvelopeError("malformed", "not base64");
  const out = new Uint8Array(((end - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let at = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (DECODE[code] ?? -1) : -1;
    if (value < 0) throw new EnvelopeError("malformed", "not base64");
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[at++] = (bits >>> count) & 0xff;
      bits &= (1 << count) - 1;
    }
  }
  if (bits !== 0) throw new EnvelopeError("malformed", "not base64");
  return out;
}

/** Lower-case hexadecimal. */
export function toHex(bytes: Uint8Array): string {
  if (!isBytes(bytes)) throw new EnvelopeError("malformed", "hex encodes bytes");
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Equality in time that depends only on the lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Bytewise order, as Rust orders `[u8; 32]`. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The 16 wire bytes of a message or case id given as hyphenated UUID text,
 * in RFC 9562 (big-endian) byte order. Version and variant bits are not
 * checked: the format treats ids as opaque.
 */
export function uuidToBytes(id: string): Uint8Array {
  if (typeof id !== "string" || !UUID.test(id)) throw new EnvelopeError("malformed", "an id is a UUID");
  const hex = id.replace(/-/g, "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The hyphenated lower-case UUID form, as Rust's `MessageId` displays. */
export function bytesToUuid(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += "-";
    out += (bytes[i] ?? 0).toString(16).padStart(2, "0");
  }
  return out;
}
