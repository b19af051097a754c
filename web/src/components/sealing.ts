// Sealing and opening on this device, for both sides, as the Rust client
// does it (src/client/messages.rs, requests.rs, visits.rs, plans.rs): the
// recipients come from the case's key directory, and an opened envelope is
// accepted only if its sender sealed it with a key the directory gives
// them. Each side turns a refusal into its own words.
import { get } from "../api";
import { open, seal, toBase64, type ContentType } from "../crypto";
import type { DeviceKey } from "../session";
import type { KeyView, PartyView } from "../types";
import { publicKeyBytes, sameKey } from "./keytext";
import { newUuid } from "./uuid";

/** The bytes of a party's current key, if they have a device. */
export function keyOf(party: PartyView | undefined): Uint8Array | null {
  return party?.key ? publicKeyBytes(party.key.public_key) : null;
}

/** The party whose current key is `key`: a key replaced on another device
 *  no longer matches. */
export function partyWithKey(parties: PartyView[], key: Uint8Array): PartyView | undefined {
  return parties.find((p) => sameKey(keyOf(p), key));
}

/**
 * A message's keys besides the sender's: each addressee's current key, and
 * every worker of the case with a key (the server requires them: they
 * relay). An addressee with no device can only be the detained person, and
 * a worker then reads it to them. Any other addressee is refused with
 * `refuse(account, party)`, `party` undefined when not in the case.
 */
export function messageKeys(
  parties: PartyView[],
  addressees: string[],
  refuse: (account: string, party: PartyView | undefined) => Error,
): Uint8Array[] {
  const keys: Uint8Array[] = [];
  const workers = parties.filter((p) => p.membership.kind === "worker" && keyOf(p));
  for (const account of addressees) {
    const party = parties.find((p) => p.account === account);
    const key = keyOf(party);
    if (key) keys.push(key);
    else if (!party || party.membership.kind !== "detainee" || workers.length === 0) throw refuse(account, party);
  }
  for (const worker of workers) keys.push(keyOf(worker)!);
  return keys;
}

/** Seals `text` from `sender` to `recipients` in `caseId`; standard base64
 *  for the API. Repeated recipients count once. */
export async function sealEnvelope(
  sender: DeviceKey,
  recipients: Uint8Array[],
  caseId: string,
  contentType: ContentType,
  text: string,
): Promise<string> {
  const plaintext = new TextEncoder().encode(text);
  try {
    const envelope = await seal({ sender, recipients, messageId: newUuid(), caseId, contentType, plaintext });
    return toBase64(envelope);
  } finally {
    plaintext.fill(0);
  }
}

/** An envelope's text, and the keys it was sealed by and to. */
export interface OpenedText {
  text: string;
  sender: Uint8Array;
  recipients: Uint8Array[];
}

/**
 * Opens `envelope` for `recipient` (from `sender`, when given: any other
 * sender fails). Null if it was not sealed in `caseId` as `contentType`:
 * binding what the server says to what the sender sealed stops a server
 * moving an envelope into another case or passing one kind as another.
 * The crypto's own failures are thrown as they are.
 */
export async function openText(
  envelope: Uint8Array,
  recipient: DeviceKey,
  caseId: string,
  contentType: ContentType,
  sender?: Uint8Array,
): Promise<OpenedText | null> {
  const opened = await open({ envelope, recipient, sender });
  try {
    if (opened.caseId.toLowerCase() !== caseId.toLowerCase() || opened.contentType !== contentType) return null;
    return { text: new TextDecoder().decode(opened.plaintext), sender: opened.sender, recipients: opened.recipients };
  } finally {
    opened.plaintext.fill(0);
  }
}

/**
 * Whether `sealedBy` is `author`'s key in the directory: their current key,
 * an older one from their history (the caller reports the change), or
 * neither, which could be a key the server slipped in.
 */
export async function senderKey(parties: PartyView[], author: string, sealedBy: Uint8Array): Promise<"current" | "older" | "unknown"> {
  if (sameKey(keyOf(parties.find((p) => p.account === author)), sealedBy)) return "current";
  const history = await get<KeyView[]>(`/accounts/${author}/keys`);
  return history.some((k) => sameKey(publicKeyBytes(k.public_key), sealedBy)) ? "older" : "unknown";
}
