// Public keys as the server's directory writes them (`passerelle-pk:…`),
// read leniently: a key that does not parse is treated as no key.
import { publicKeyFromText, publicKeyToText } from "../crypto";

export const publicKeyText = (key: Uint8Array): string => publicKeyToText(key);

/** The 32 bytes of a key's text form; null if it is not a valid key. */
export function publicKeyBytes(text: string): Uint8Array | null {
  try {
    return publicKeyFromText(text);
  } catch {
    return null;
  }
}

/** Whether two keys are the same (public values: no need for constant time). */
export function sameKey(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((byte, i) => byte === b[i]);
}
