// Sealing and opening at the worker's desk, as the Rust client does it
// (src/client/messages.rs, plans.rs), on the pieces both sides share in
// ../components/sealing; here, the desk's own refusals and what it shows
// of an opened envelope.
import { keyOf, messageKeys, openText, partyWithKey, sealEnvelope, senderKey, type OpenedText } from "../components/sealing";
import { sameKey } from "../components/keytext";
import * as crypto from "../crypto";
import type { DeviceKey } from "../session";
import type { PartyView } from "../types";
import { LocalError } from "./ui";

const unreadable = () => new LocalError("work.error.crypto");

/** The party whose current key is this device's key, if any. */
export function me(parties: PartyView[], key: DeviceKey): PartyView | undefined {
  return partyWithKey(parties, key.public);
}

/** This device's key is not the caller's registered key in this case. */
export class NoKeyInCase extends Error {
  constructor() {
    super("no key in case");
    this.name = "NoKeyInCase";
  }
}

/** An addressee has no device, and nobody could read the message to them. */
export class NoDevice extends Error {
  constructor(readonly who: string) {
    super("no device");
    this.name = "NoDevice";
  }
}

/** Seals `text` to this device and `keys`; standard base64. */
async function sealTo(key: DeviceKey, caseId: string, contentType: crypto.ContentType, keys: Uint8Array[], text: string) {
  try {
    return await sealEnvelope(key, [key.public, ...keys], caseId, contentType, text);
  } catch {
    throw new LocalError("work.error.seal");
  }
}

/** Seals a message from a worker of the case to `addressees`, to the keys
 *  `messageKeys` chooses and this device. */
export async function sealMessage(key: DeviceKey, caseId: string, parties: PartyView[], addressees: string[], text: string) {
  if (!me(parties, key)) throw new NoKeyInCase();
  const keys = messageKeys(parties, addressees, (account, party) => new NoDevice(party ? party.display_name : account));
  return sealTo(key, caseId, "message", keys, text);
}

/**
 * Seals a plan note to this device, every worker of the case with a key,
 * and the item's owner when that is a party (`owner`, an account id).
 */
export async function sealPlanNote(key: DeviceKey, caseId: string, parties: PartyView[], owner: string | null, text: string) {
  if (!me(parties, key)) throw new NoKeyInCase();
  const keys = parties
    .filter((p) => p.membership.kind === "worker" || p.account === owner)
    .map(keyOf)
    .filter((k): k is Uint8Array => k !== null);
  return sealTo(key, caseId, "plan_note", keys, text);
}

/** What an opened envelope says, and whether its sender's key has changed since. */
export interface Opened {
  text: string;
  /** The envelope was sealed with an older key of its sender. */
  keyChanged: boolean;
  /** Who can open it: party names, or null for a key no party holds now. */
  readers: (string | null)[];
}

/**
 * Opens `envelope` (standard base64) written by `author`. It is accepted
 * only if sealed with the author's current key or, reported as a key
 * change, one from their key history: a key the server slipped in is
 * refused. Its case and kind must be the ones the server claims.
 */
export async function openFrom(
  key: DeviceKey,
  parties: PartyView[],
  author: string,
  envelope: string,
  caseId: string,
  contentType: crypto.ContentType,
): Promise<Opened> {
  let bytes: Uint8Array;
  let parsed: crypto.ParsedEnvelope;
  try {
    bytes = crypto.fromBase64(envelope);
    parsed = crypto.parseEnvelope(bytes);
  } catch {
    throw unreadable();
  }
  const sealedBy = parsed.sender;
  // Sealed before this device's key was registered (or to other keys): say
  // so plainly rather than raise a false alarm about the sender.
  if (!parsed.recipients.some((r) => sameKey(r, key.public))) throw new LocalError("work.error.not_for_this_key");
  const known = await senderKey(parties, author, sealedBy);
  if (known === "unknown") throw unreadable();
  let opened: OpenedText | null;
  try {
    opened = await openText(bytes, key, caseId, contentType, sealedBy);
  } catch {
    throw unreadable();
  }
  if (!opened) throw unreadable();
  const readers = opened.recipients.map((k) => partyWithKey(parties, k)?.display_name ?? null);
  return { text: opened.text, keyChanged: known === "older", readers };
}
