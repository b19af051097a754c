// Passerelle's end-to-end envelope in the browser: version 1, byte for byte
// compatible with the Rust crate `passerelle-crypto` (its README is the
// specification). Keys, safety numbers and passphrase-wrapped keys too.
// Every failure is an `EnvelopeError`; nothing here logs, stores or sends.
export { EnvelopeError, type EnvelopeErrorKind } from "./errors";
export { toBase64, fromBase64, toBase64Url, toHex } from "./bytes";
export {
  type KeyPair,
  generateKeyPair,
  publicKeyOf,
  publicKeyToText,
  publicKeyFromText,
  PUBLIC_KEY_PREFIX,
} from "./keys";
export {
  type ContentType,
  type SealParams,
  type OpenParams,
  type Opened,
  CONTENT_TYPES,
  MAX_RECIPIENTS,
  MAX_PAYLOAD_LEN,
  seal,
  open,
  parseEnvelope,
  type ParsedEnvelope,
  envelopeLength,
} from "./envelope";
export {
  fingerprint,
  fingerprintDigits,
  safetyNumber,
  safetyNumberDigits,
  safetyNumberQrPayload,
  sha256Digest,
} from "./fingerprint";
export {
  type KdfParams,
  type KdfOptions,
  OWASP,
  wrapSecret,
  unwrapSecret,
  wrappedPublicKey,
  wrappedKeyToText,
  wrappedKeyFromText,
  WRAPPED_KEY_PREFIX,
} from "./passphrase";
