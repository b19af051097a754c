// Sealing and opening on the relative's phone, with the recipients chosen
// exactly as the Rust client chooses them (src/client/messages.rs,
// requests.rs, visits.rs), so the server's recipient checks pass and
// nobody else can read. The pieces both sides share are in
// ../components/sealing.
import { fromBase64, type ContentType } from "../crypto";
import { LocalError } from "../components";
import { keyOf, messageKeys, openText, partyWithKey, sealEnvelope, senderKey } from "../components/sealing";
import { deviceKey, type DeviceKey } from "../session";
import type { PartyView } from "../types";

/** The unlocked key; the shell shows the app only once there is one. */
export function myKey(): DeviceKey {
  const key = deviceKey.value;
  if (!key) throw new LocalError("error.locked");
  return key;
}

/** This device's party in the case: the one whose current key is ours. A
 *  key replaced on another device no longer seals here. */
function me(parties: PartyView[]): PartyView {
  const found = partyWithKey(parties, myKey().public);
  if (!found) throw new LocalError("error.key_not_current");
  return found;
}

/** A message's keys: mine, and those `messageKeys` chooses. */
export function messageRecipients(parties: PartyView[], addressees: string[]): Uint8Array[] {
  me(parties);
  const refuse = (_: string, party: PartyView | undefined) => new LocalError(party ? "rel.msg.nobody_reads" : "error.not_available");
  return [myKey().public, ...messageKeys(parties, addressees, refuse)];
}

/** A note's keys (a practical request, a visit request): mine and every
 *  worker's with a key; the detained person's too when asked and possible. */
export function noteRecipients(parties: PartyView[], forDetainee = false): Uint8Array[] {
  me(parties);
  const keys = [myKey().public];
  for (const party of parties) {
    const wanted = party.membership.kind === "worker" || (forDetainee && party.membership.kind === "detainee");
    const key = wanted ? keyOf(party) : null;
    if (key) keys.push(key);
  }
  return keys;
}

/** Seals `text` in `caseId` for `recipients`; standard base64 for the API. */
export function sealText(contentType: ContentType, caseId: string, recipients: Uint8Array[], text: string): Promise<string> {
  return sealEnvelope(myKey(), recipients, caseId, contentType, text);
}

/** Opens a note whose author's key is known, checking case and type. */
export async function openNote(envelope: string, contentType: ContentType, caseId: string, author: Uint8Array | null): Promise<string> {
  if (!author) throw new LocalError("error.unreadable");
  const opened = await openText(fromBase64(envelope), myKey(), caseId, contentType, author);
  if (!opened) throw new LocalError("error.unreadable");
  return opened.text;
}

/** A message opened on this phone, its sender checked. */
export interface Opened {
  text: string;
  /** The sender sealed it with a key they have since replaced. */
  olderKey: boolean;
}

/** Opens a message and accepts it only if it was sealed with a key the
 *  directory gives its sender: their current key, or (reported) an older
 *  one from their history. Anything else is refused: it could be forged. */
export async function openMessage(envelope: string, caseId: string, sender: string, parties: PartyView[]): Promise<Opened> {
  const opened = await openText(fromBase64(envelope), myKey(), caseId, "message");
  if (!opened) throw new LocalError("error.unreadable");
  const known = await senderKey(parties, sender, opened.sender);
  if (known === "unknown") throw new LocalError("rel.msg.unverified");
  return { text: opened.text, olderKey: known === "older" };
}
