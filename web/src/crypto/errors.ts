// The one error type of the envelope, the keys and the passphrase wrapping,
// mirroring `passerelle_crypto::Error` variant for variant. An error says
// what kind of failure happened and nothing about secret material, so it is
// safe to log and to show.

/** The Rust enum's variants, in the snake_case the shared vectors use. */
export type EnvelopeErrorKind =
  | "not_a_recipient"
  | "tampered"
  | "wrong_sender"
  | "unsupported_version"
  | "malformed"
  | "non_contributory_key"
  | "too_many_recipients"
  | "too_large"
  | "wrong_passphrase"
  | "randomness";

const MESSAGES: Record<EnvelopeErrorKind, string> = {
  not_a_recipient: "this key is not a recipient of the envelope",
  tampered: "the envelope was altered or is corrupt",
  wrong_sender: "the envelope was not sealed by the expected sender",
  unsupported_version: "unsupported envelope version",
  malformed: "malformed",
  non_contributory_key: "a public key is all-zero or of small order",
  too_many_recipients: "too many recipients (at most 32)",
  too_large: "payload too large (at most 1048576 bytes)",
  wrong_passphrase: "wrong passphrase, or the key file is corrupt",
  randomness: "the system random number generator failed",
};

export class EnvelopeError extends Error {
  readonly kind: EnvelopeErrorKind;

  /** `detail` is a fixed phrase from this module, never data. */
  constructor(kind: EnvelopeErrorKind, detail?: string) {
    super(detail ? `${MESSAGES[kind]}: ${detail}` : MESSAGES[kind]);
    this.name = "EnvelopeError";
    this.kind = kind;
  }
}

/**
 * Runs `body`; anything it throws that is not already an `EnvelopeError`
 * (a library's own error, a TypeError on a hostile argument) becomes
 * `fallback`, so callers only ever see the typed error and never a message
 * that might echo an input.
 */
export function guard<T>(fallback: EnvelopeErrorKind, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw error instanceof EnvelopeError ? error : new EnvelopeError(fallback);
  }
}

export async function guardAsync<T>(fallback: EnvelopeErrorKind, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw error instanceof EnvelopeError ? error : new EnvelopeError(fallback);
  }
}
