// The browser envelope against the Rust crate: the shared vectors (opened
// for every recipient, re-sealed byte for byte, every hostile case), the
// RFC 9180 vectors, an independent HPKE implementation, values printed by
// the Rust command line, and the rules of the README (round trips, bit
// flips, recipient lists, refused keys, wrapped keys).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { extract, expand } from "@noble/hashes/hkdf.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { argon2idAsync } from "@noble/hashes/argon2.js";
import {
  EnvelopeError,
  fingerprint,
  fingerprintDigits,
  fromBase64,
  generateKeyPair,
  open,
  parseEnvelope,
  publicKeyFromText,
  publicKeyOf,
  publicKeyToText,
  safetyNumber,
  safetyNumberDigits,
  safetyNumberQrPayload,
  seal,
  sha256Digest,
  toBase64,
  toBase64Url,
  toHex as hexOf,
  unwrapSecret,
  wrappedKeyFromText,
  wrappedKeyToText,
  wrappedPublicKey,
  wrapSecret,
  type ContentType,
  type EnvelopeErrorKind,
  type KeyPair,
} from "../src/crypto";
import { sealWithRandomness } from "../src/crypto/envelope";
import * as hpke from "../src/crypto/hpke";

// Tests run from web/ (see run.mjs), bundled elsewhere: paths start there.
const vectorsDir = `${process.cwd()}/../crates/crypto/tests/vectors/`;
const shared = JSON.parse(readFileSync(`${vectorsDir}envelope-v1.json`, "utf8"));
const rfc9180 = JSON.parse(readFileSync(`${vectorsDir}rfc9180-a2-x25519-sha256-chacha20poly1305.json`, "utf8"));

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const utf8 = (text: string) => new TextEncoder().encode(text);
const MESSAGE_ID = "0d5e2a9c-3f41-4b7e-9a02-6c1f8e4d7b35";
const CASE_ID = "7b1c9e04-52d3-4f8a-b6e1-0a9d3c2f5e71";

interface VectorKey {
  name: string;
  secret_key: string;
  public_key: string;
  fingerprint: string;
}
const keys: Record<string, KeyPair> = {};
for (const k of shared.keys as VectorKey[]) keys[k.name] = { secret: hex(k.secret_key), public: hex(k.public_key) };
const keyByPublic = (publicHex: string): KeyPair => {
  const found = (shared.keys as VectorKey[]).find((k) => k.public_key === publicHex);
  assert.ok(found, `no key pair for ${publicHex}`);
  return keys[found.name] as KeyPair;
};

async function kindOf(promise: Promise<unknown>): Promise<EnvelopeErrorKind | "opened"> {
  try {
    await promise;
    return "opened";
  } catch (error) {
    assert.ok(error instanceof EnvelopeError, `threw a ${String(error)} instead of an EnvelopeError`);
    return error.kind;
  }
}

function kindOfSync(body: () => unknown): EnvelopeErrorKind | "returned" {
  try {
    body();
    return "returned";
  } catch (error) {
    assert.ok(error instanceof EnvelopeError, `threw a ${String(error)} instead of an EnvelopeError`);
    return error.kind;
  }
}

/** Random bytes of any length (the platform gives at most 64 KiB a call). */
function random(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
  return out;
}

function sealTo(sender: KeyPair, recipients: KeyPair[], plaintext: Uint8Array, contentType: ContentType = "message") {
  return seal({
    sender,
    recipients: recipients.map((r) => r.public),
    messageId: MESSAGE_ID,
    caseId: CASE_ID,
    contentType,
    plaintext,
  });
}

// ---- RFC 9180 ----------------------------------------------------------

test("hpke passes the RFC 9180 A.2.1 (base) and A.2.3 (auth) vectors", () => {
  const seen = new Set<number>();
  for (const v of rfc9180.vectors) {
    seen.add(v.mode);
    const ephemeral = hpke.deriveKeyPair(hex(v.ikmE));
    assert.equal(toHex(ephemeral.secret), v.skEm);
    assert.equal(toHex(ephemeral.public), v.pkEm);
    const recipient = hpke.deriveKeyPair(hex(v.ikmR));
    assert.equal(toHex(recipient.secret), v.skRm);
    assert.equal(toHex(recipient.public), v.pkRm);
    const sender = v.mode === hpke.MODE_AUTH ? { secret: hex(v.skSm), public: hex(v.pkSm) } : undefined;
    if (sender) assert.equal(toHex(publicKeyOf(sender.secret)), v.pkSm);

    const { enc, sharedSecret } = hpke.encap(hex(v.pkRm), hex(v.ikmE), sender);
    assert.equal(toHex(enc), v.enc);
    assert.equal(toHex(sharedSecret), v.shared_secret);
    const opened = hpke.decap(enc, { secret: hex(v.skRm), public: hex(v.pkRm) }, sender?.public);
    assert.equal(toHex(opened), v.shared_secret);

    const schedule = hpke.scheduleContext(v.mode, hex(v.info));
    assert.equal(toHex(schedule), v.key_schedule_context);
    const context = hpke.keySchedule(sharedSecret, schedule);
    assert.equal(toHex(context.key), v.key);
    assert.equal(toHex(context.baseNonce), v.base_nonce);
    for (const e of v.encryptions) {
      assert.equal(toHex(hpke.sealAt(context, e.sequence_number, hex(e.aad), hex(e.pt))), e.ct);
      assert.equal(toHex(hpke.openAt(context, e.sequence_number, hex(e.aad), hex(e.ct))), e.pt);
    }
  }
  assert.deepEqual([...seen].sort(), [hpke.MODE_BASE, hpke.MODE_AUTH]);
});

test("hpke auth mode agrees with @hpke/core both ways", async () => {
  const suite = new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
  for (let round = 0; round < 4; round++) {
    const sender = generateKeyPair();
    const recipient = generateKeyPair();
    const ikmE = crypto.getRandomValues(new Uint8Array(32));
    const info = crypto.getRandomValues(new Uint8Array(1200));
    const aad = crypto.getRandomValues(new Uint8Array(32));
    const pt = crypto.getRandomValues(new Uint8Array(32));
    const theirs = await suite.createSenderContext({
      recipientPublicKey: await suite.kem.deserializePublicKey(recipient.public),
      senderKey: {
        privateKey: await suite.kem.deserializePrivateKey(sender.secret),
        publicKey: await suite.kem.deserializePublicKey(sender.public),
      },
      info,
      ekm: ikmE,
    });
    const theirCt = new Uint8Array(await theirs.seal(pt, aad));

    const ours = hpke.encap(recipient.public, ikmE, sender);
    const context = hpke.keySchedule(ours.sharedSecret, hpke.scheduleContext(hpke.MODE_AUTH, info));
    assert.equal(toHex(ours.enc), toHex(new Uint8Array(theirs.enc)));
    assert.equal(toHex(hpke.sealAt(context, 0, aad, pt)), toHex(theirCt));

    const receiver = await suite.createRecipientContext({
      recipientKey: await suite.kem.deserializePrivateKey(recipient.secret),
      enc: ours.enc,
      senderPublicKey: await suite.kem.deserializePublicKey(sender.public),
      info,
    });
    assert.equal(toHex(new Uint8Array(await receiver.open(hpke.sealAt(context, 0, aad, pt), aad))), toHex(pt));
  }
});

// ---- shared vectors --------------------------------------------------------

test("vector keys give their public keys and the fingerprints the Rust crate wrote", () => {
  for (const k of shared.keys as VectorKey[]) {
    assert.equal(toHex(publicKeyOf(hex(k.secret_key))), k.public_key, k.name);
    assert.equal(fingerprintDigits(hex(k.public_key)), k.fingerprint, k.name);
  }
});

for (const v of shared.vectors) {
  test(`vector "${v.name}" opens for every recipient`, async () => {
    const envelope = fromBase64(v.envelope);
    for (const recipientHex of v.recipients as string[]) {
      const opened = await open({ envelope, recipient: keyByPublic(recipientHex), sender: keys[v.sender]?.public });
      assert.equal(toHex(opened.plaintext), v.plaintext);
      assert.equal(opened.messageId, v.message_id);
      assert.equal(opened.caseId, v.case_id);
      assert.equal(opened.contentType, v.content_type);
      assert.equal(toHex(opened.sender), toHex(keys[v.sender]?.public ?? new Uint8Array()));
      assert.deepEqual(opened.recipients.map(toHex), [...v.recipients].sort());
    }
  });

  test(`vector "${v.name}" re-seals to the exact bytes`, () => {
    const sender = keys[v.sender] as KeyPair;
    // Given unsorted, so the sealer's own sorting is what puts them in order.
    const recipients = [...(v.recipients as string[])].reverse().map(hex);
    const sealed = sealWithRandomness(
      {
        sender,
        recipients,
        messageId: v.message_id,
        caseId: v.case_id,
        contentType: v.content_type,
        plaintext: hex(v.plaintext),
      },
      { contentKey: hex(v.content_key), ephemeralIkm: (v.ephemeral_ikm as string[]).map(hex) },
    );
    assert.equal(toBase64(sealed), v.envelope);
  });
}

test("every hostile vector fails with the kind the Rust crate gives", async () => {
  assert.equal(shared.invalid.length, 20);
  for (const v of shared.invalid) {
    const kind = await kindOf(
      open({ envelope: fromBase64(v.envelope), recipient: keys[v.opener] as KeyPair, sender: hex(v.expected_sender) }),
    );
    assert.equal(kind, v.error, v.name);
  }
});

// ---- fingerprints and safety numbers --------------------------------------

test("fingerprints and safety number match the README example", () => {
  // RFC 9180 A.2.1 pkRm and A.2.3 pkSm; the README's values were computed outside Rust.
  const a = hex("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a");
  const b = hex("f0f4f9e96c54aeed3f323de8534fffd7e0577e4ce269896716bcb95643c8712b");
  assert.equal(fingerprint(a), "58931 97679 46404 74624 41754 69790");
  assert.equal(fingerprint(b), "46737 54530 32775 06615 71198 63371");
  assert.equal(safetyNumber(a, b), "46737 54530 32775 06615\n71198 63371 58931 97679\n46404 74624 41754 69790");
});

test("the safety number is symmetric and the one the Rust command line prints", () => {
  const relative = keys.relative as KeyPair;
  const detainee = keys.detainee as KeyPair;
  // Printed by `target/debug/passerelle fingerprint
  //   passerelle-pk:s5Ed4_pyxeQSjIM1XLmPJZiCwTIB8E7ILvfPOzsFuVo
  //   --with passerelle-pk:X1sc5biFAjx0Z5VrdunLc2glQM2xc15kKu7uAiioH3Y`
  // (the vectors' relative and detainee keys), and the same with the two swapped.
  const printed = "27059 79277 44358 12081\n26407 67936 80559 57939\n61354 09714 42975 41116";
  assert.equal(safetyNumber(relative.public, detainee.public), printed);
  assert.equal(safetyNumber(detainee.public, relative.public), printed);
  assert.equal(
    safetyNumberQrPayload(detainee.public, relative.public),
    "PSRL1270597927744358120812640767936805595793961354097144297541116",
  );
  // `passerelle fingerprint passerelle-pk:dqOYDZomEBEOqW-1qXISvS1F5skf3ud7bfmj6e4dWiE` (the worker).
  assert.equal(fingerprint(keys.worker?.public as Uint8Array), "73753 06288 04758 93791 74004 91269");
  for (let i = 0; i < 20; i++) {
    const [x, y] = [generateKeyPair().public, generateKeyPair().public];
    assert.equal(safetyNumberDigits(x, y), safetyNumberDigits(y, x));
    assert.match(safetyNumberDigits(x, y), /^\d{60}$/);
  }
});

test("public keys read and write the text form the API uses", () => {
  const relative = keys.relative as KeyPair;
  assert.equal(publicKeyToText(relative.public), "passerelle-pk:s5Ed4_pyxeQSjIM1XLmPJZiCwTIB8E7ILvfPOzsFuVo");
  assert.deepEqual(publicKeyFromText(" passerelle-pk:s5Ed4_pyxeQSjIM1XLmPJZiCwTIB8E7ILvfPOzsFuVo\n"), relative.public);
  assert.deepEqual(publicKeyFromText("s5Ed4_pyxeQSjIM1XLmPJZiCwTIB8E7ILvfPOzsFuVo"), relative.public);
  assert.equal(kindOfSync(() => publicKeyFromText("passerelle-pk:" + "A".repeat(43))), "non_contributory_key");
  assert.equal(kindOfSync(() => publicKeyFromText("passerelle-pk:s5Ed4_pyxeQSjIM1XLmPJZiCwTIB8E7ILvfPOzsFuV")), "malformed");
  assert.equal(kindOfSync(() => publicKeyFromText("passerelle-pk:s5Ed4/pyxeQSjIM1XLmPJZiCwTIB8E7ILvfPOzsFuVo")), "malformed");
});

// ---- round trips ---------------------------------------------------------

test("round trips to 1..16 recipients, each opening, payloads 0 B to 1 MiB", async () => {
  const sender = generateKeyPair();
  const people = Array.from({ length: 16 }, generateKeyPair);
  const sizes = [0, 1, 15, 16, 17, 255, 1000, 4096, 65_537, 1 << 20];
  for (let n = 1; n <= 16; n++) {
    const size = sizes[n % sizes.length] as number;
    const full = random(size);
    const recipients = people.slice(0, n);
    const types: ContentType[] = ["message", "request", "visit", "plan_note"];
    const contentType = types[n % 4] as ContentType;
    const envelope = await sealTo(sender, recipients, full, contentType);
    assert.equal(envelope.length, 172 + 112 * n + full.length + 16);
    for (const recipient of recipients) {
      const opened = await open({ envelope, recipient, sender: sender.public });
      assert.ok(Buffer.from(opened.plaintext).equals(Buffer.from(full)), `n=${n} size=${size}`);
      assert.equal(opened.contentType, contentType);
      assert.equal(opened.messageId, MESSAGE_ID);
      assert.equal(opened.caseId, CASE_ID);
      assert.deepEqual(opened.sender, sender.public);
      assert.equal(opened.recipients.length, n);
    }
    assert.equal(await kindOf(open({ envelope, recipient: generateKeyPair(), sender: sender.public })), "not_a_recipient");
  }
});

test("limits: 1 MiB and 32 recipients seal; one byte or one recipient more does not", async () => {
  const sender = generateKeyPair();
  const one = [generateKeyPair()];
  const big = await sealTo(sender, one, new Uint8Array(1 << 20));
  assert.equal((await open({ envelope: big, recipient: one[0] as KeyPair })).plaintext.length, 1 << 20);
  assert.equal(await kindOf(sealTo(sender, one, new Uint8Array((1 << 20) + 1))), "too_large");
  const many = Array.from({ length: 33 }, generateKeyPair);
  const env32 = await sealTo(sender, many.slice(0, 32), utf8("à tous"));
  assert.equal(parseEnvelope(env32).recipients.length, 32);
  assert.equal(await kindOf(sealTo(sender, many, utf8("à tous"))), "too_many_recipients");
  assert.equal(await kindOf(sealTo(sender, [], utf8("personne"))), "malformed");
});

test("repeated recipients are sealed once; the sender may read its own envelope", async () => {
  const sender = generateKeyPair();
  const other = generateKeyPair();
  const envelope = await seal({
    sender,
    recipients: [other.public, sender.public, other.public],
    messageId: MESSAGE_ID,
    caseId: CASE_ID,
    contentType: "message",
    plaintext: utf8("Bonjour"),
  });
  assert.equal(parseEnvelope(envelope).recipients.length, 2);
  assert.equal(new TextDecoder().decode((await open({ envelope, recipient: sender, sender: sender.public })).plaintext), "Bonjour");
});

test("open without an expected sender returns the sender for the caller to check", async () => {
  const sender = generateKeyPair();
  const recipient = generateKeyPair();
  const envelope = await sealTo(sender, [recipient], utf8("Goeiedag"));
  const opened = await open({ envelope, recipient });
  assert.deepEqual(opened.sender, sender.public);
  assert.equal(await kindOf(open({ envelope, recipient, sender: generateKeyPair().public })), "wrong_sender");
});

// ---- tampering -----------------------------------------------------------

test("a flipped bit anywhere stops every recipient", async () => {
  const sender = generateKeyPair();
  const recipients = [generateKeyPair(), generateKeyPair()];
  const envelope = await sealTo(sender, recipients, utf8("Rendez-vous jeudi à 14 h."));
  const allowed = new Set([
    "tampered",
    "malformed",
    "unsupported_version",
    "non_contributory_key",
    "too_many_recipients",
    "too_large",
    "wrong_sender",
    "not_a_recipient",
  ]);
  for (let i = 0; i < envelope.length; i++) {
    const flipped = envelope.slice();
    flipped[i] = (flipped[i] ?? 0) ^ (1 << (i % 8));
    const kinds = new Set<string>();
    for (const recipient of recipients) kinds.add(await kindOf(open({ envelope: flipped, recipient, sender: sender.public })));
    assert.ok(!kinds.has("opened"), `byte ${i} flipped still opens`);
    for (const kind of kinds) assert.ok(allowed.has(kind), `byte ${i}: ${kind}`);
  }
  // A flip past the parsed fields (commitment, wraps, tag, payload) is one error for all.
  const payloadByte = envelope.length - 20;
  const flipped = envelope.slice();
  flipped[payloadByte] = (flipped[payloadByte] ?? 0) ^ 0x80;
  assert.equal(await kindOf(open({ envelope: flipped, recipient: recipients[1] as KeyPair, sender: sender.public })), "tampered");
});

/** The envelope with its recipient keys and wraps taken in `order` (indices into the originals). */
function withRecipients(envelope: Uint8Array, order: number[]): Uint8Array {
  const parsed = parseEnvelope(envelope);
  const n = parsed.recipients.length;
  const prefixStart = 72;
  const wrapsStart = 72 + 32 * n + 36 + 32;
  const m = order.length;
  const out = new Uint8Array(envelope.length - 112 * (n - m));
  out.set(envelope.subarray(0, 70));
  new DataView(out.buffer).setUint16(70, m);
  order.forEach((from, i) => out.set(envelope.subarray(prefixStart + 32 * from, prefixStart + 32 * (from + 1)), 72 + 32 * i));
  out.set(envelope.subarray(72 + 32 * n, wrapsStart), 72 + 32 * m);
  const newWraps = 72 + 32 * m + 68;
  order.forEach((from, i) => out.set(envelope.subarray(wrapsStart + 80 * from, wrapsStart + 80 * (from + 1)), newWraps + 80 * i));
  out.set(envelope.subarray(wrapsStart + 80 * n), newWraps + 80 * m);
  return out;
}

test("removing or reordering a recipient fails", async () => {
  const sender = generateKeyPair();
  const recipients = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
  const envelope = await sealTo(sender, recipients, utf8("Le colis est arrivé."));
  const sorted = parseEnvelope(envelope).recipients;
  const pairOf = (key: Uint8Array) => recipients.find((r) => toHex(r.public) === toHex(key)) as KeyPair;
  // Untouched, the rebuild gives the same bytes: the edits below are the only change.
  assert.deepEqual(withRecipients(envelope, [0, 1, 2]), envelope);

  const swapped = withRecipients(envelope, [1, 0, 2]);
  for (const r of recipients) assert.equal(await kindOf(open({ envelope: swapped, recipient: r, sender: sender.public })), "malformed");

  for (let dropped = 0; dropped < 3; dropped++) {
    const kept = [0, 1, 2].filter((i) => i !== dropped);
    const shorter = withRecipients(envelope, kept);
    for (const i of kept) {
      const kind = await kindOf(open({ envelope: shorter, recipient: pairOf(sorted[i] as Uint8Array), sender: sender.public }));
      assert.equal(kind, "tampered", `recipient ${i} after dropping ${dropped}`);
    }
    const gone = pairOf(sorted[dropped] as Uint8Array);
    assert.equal(await kindOf(open({ envelope: shorter, recipient: gone, sender: sender.public })), "not_a_recipient");
  }
});

/** Tag key of a content key, as README 4.3 step 3 derives it. */
const tagKeyOf = (contentKey: Uint8Array) => expand(sha256, extract(sha256, contentKey), utf8("passerelle/v1/envelope-tag-key"), 32);

/** An honest seal with its randomness kept, so a test can play a dishonest party that knows K. */
function sealKnown(sender: KeyPair, recipients: KeyPair[], plaintext: Uint8Array) {
  const contentKey = crypto.getRandomValues(new Uint8Array(32));
  const ephemeralIkm = recipients.map(() => crypto.getRandomValues(new Uint8Array(32)));
  const envelope = sealWithRandomness(
    { sender, recipients: recipients.map((r) => r.public), messageId: MESSAGE_ID, caseId: CASE_ID, contentType: "message", plaintext },
    { contentKey, ephemeralIkm },
  );
  return { envelope, contentKey, parsed: parseEnvelope(envelope) };
}

test("wraps carrying different content keys are refused by the recipient they differ for", async () => {
  // A dishonest sender wraps K for one recipient and K' for the other, and
  // recomputes the envelope tag with K's tag key so the first opens: the
  // second must refuse it (K' fails the commitment, and the tag).
  const sender = generateKeyPair();
  const recipients = [generateKeyPair(), generateKeyPair()];
  const { envelope, contentKey, parsed } = sealKnown(sender, recipients, utf8("Tout va bien."));
  const headerLen = parsed.header.length;
  const second = recipients.find((r) => toHex(r.public) === toHex(parsed.recipients[1] as Uint8Array)) as KeyPair;
  const first = recipients.find((r) => r !== second) as KeyPair;

  const forged = envelope.slice();
  const info = new Uint8Array([...utf8("passerelle/v1/wrap"), ...parsed.header]);
  const { enc, sharedSecret } = hpke.encap(second.public, crypto.getRandomValues(new Uint8Array(32)), sender);
  const context = hpke.keySchedule(sharedSecret, hpke.scheduleContext(hpke.MODE_AUTH, info));
  const otherKey = crypto.getRandomValues(new Uint8Array(32));
  const at = headerLen + 32 + 80;
  forged.set(enc, at);
  forged.set(hpke.sealAt(context, 0, parsed.commitment, otherKey), at + 32);
  const taggedLen = parsed.tagged.length;
  forged.set(hmac(sha256, tagKeyOf(contentKey), forged.subarray(0, taggedLen)), taggedLen);

  assert.equal(new TextDecoder().decode((await open({ envelope: forged, recipient: first, sender: sender.public })).plaintext), "Tout va bien.");
  assert.equal(await kindOf(open({ envelope: forged, recipient: second, sender: sender.public })), "tampered");
});

test("an envelope whose commitment does not match its content key is refused", async () => {
  // The sender writes any commitment, wraps K under it and tags it all
  // with K: only the commitment check itself can notice.
  const sender = generateKeyPair();
  const recipients = [generateKeyPair(), generateKeyPair()];
  const { envelope, contentKey, parsed } = sealKnown(sender, recipients, utf8("Tout va bien."));
  const forged = envelope.slice();
  const headerLen = parsed.header.length;
  const commitment = crypto.getRandomValues(new Uint8Array(32));
  forged.set(commitment, headerLen);
  const info = new Uint8Array([...utf8("passerelle/v1/wrap"), ...parsed.header]);
  parsed.recipients.forEach((key, i) => {
    const { enc, sharedSecret } = hpke.encap(key, crypto.getRandomValues(new Uint8Array(32)), sender);
    const context = hpke.keySchedule(sharedSecret, hpke.scheduleContext(hpke.MODE_AUTH, info));
    forged.set(enc, headerLen + 32 + 80 * i);
    forged.set(hpke.sealAt(context, 0, commitment, contentKey), headerLen + 32 + 80 * i + 32);
  });
  const taggedLen = parsed.tagged.length;
  forged.set(hmac(sha256, tagKeyOf(contentKey), forged.subarray(0, taggedLen)), taggedLen);
  for (const recipient of recipients) {
    assert.equal(await kindOf(open({ envelope: forged, recipient, sender: sender.public })), "tampered");
  }
});

test("a recipient who knows the content key cannot swap the payload for the others", async () => {
  // The payload digest in the header is what stops this: the wraps, the
  // commitment, the re-computed tag and the payload's own AEAD tag all pass.
  const sender = generateKeyPair();
  const recipients = [generateKeyPair(), generateKeyPair()];
  const { envelope, contentKey, parsed } = sealKnown(sender, recipients, utf8("Je viens samedi."));
  const prk = extract(sha256, contentKey);
  const payloadKey = expand(sha256, prk, utf8("passerelle/v1/payload-key"), 32);
  const other = chacha20poly1305(payloadKey, new Uint8Array(12), parsed.prefix).encrypt(utf8("Ne viens jamais!"));
  assert.equal(other.length, parsed.payload.length);
  const forged = envelope.slice();
  forged.set(other, envelope.length - other.length);
  const taggedLen = parsed.tagged.length;
  forged.set(hmac(sha256, tagKeyOf(contentKey), forged.subarray(0, taggedLen)), taggedLen);
  for (const recipient of recipients) {
    assert.equal(await kindOf(open({ envelope: forged, recipient, sender: sender.public })), "tampered");
  }
});

test("a recipient key listed twice is malformed", async () => {
  const sender = generateKeyPair();
  const recipients = [generateKeyPair(), generateKeyPair()];
  const envelope = await sealTo(sender, recipients, utf8("x"));
  const doubled = withRecipients(envelope, [0, 0, 1]);
  for (const recipient of recipients) {
    assert.equal(await kindOf(open({ envelope: doubled, recipient, sender: sender.public })), "malformed");
  }
});

test("all-zero and small-order public keys are refused everywhere", async () => {
  const sender = generateKeyPair();
  const recipient = generateKeyPair();
  const smallOrder = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  ].map(hex);
  for (const bad of smallOrder) {
    for (const key of [bad, Uint8Array.from(bad, (b, i) => (i === 31 ? b | 0x80 : b))]) {
      assert.equal(await kindOf(sealTo(sender, [recipient, { secret: new Uint8Array(32), public: key }], utf8("x"))), "non_contributory_key");
      assert.equal(kindOfSync(() => publicKeyToText(key)), "non_contributory_key");
      assert.equal(kindOfSync(() => fingerprint(key)), "non_contributory_key");
    }
  }
  // The sender field of an honest envelope replaced by zeros.
  const envelope = await sealTo(sender, [recipient], utf8("x"));
  envelope.fill(0, 38, 70);
  assert.equal(await kindOf(open({ envelope, recipient })), "non_contributory_key");
});

test("hostile inputs give only EnvelopeError", async () => {
  const sender = generateKeyPair();
  const recipient = generateKeyPair();
  const envelope = await sealTo(sender, [recipient], utf8("Courage."));
  for (let len = 0; len < envelope.length; len += 7) {
    assert.notEqual(await kindOf(open({ envelope: envelope.subarray(0, len), recipient })), "opened");
  }
  for (let i = 0; i < 200; i++) {
    const junk = crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 600)));
    if (i % 2) junk.set(envelope.subarray(0, Math.min(72, junk.length)));
    assert.notEqual(await kindOf(open({ envelope: junk, recipient })), "opened");
  }
  const hostile: unknown[] = [null, undefined, "PSRL", 42, {}, [1, 2, 3], new Uint16Array(4)];
  for (const value of hostile) {
    assert.equal(await kindOf(open({ envelope: value as Uint8Array, recipient })), "malformed");
    assert.equal(await kindOf(open({ envelope, recipient: value as KeyPair })), "malformed");
    assert.equal(await kindOf(open(value as never)), "malformed");
    assert.equal(await kindOf(seal(value as never)), "malformed");
    assert.equal(await kindOf(sealTo(sender, [recipient], value as Uint8Array)), "malformed");
    assert.equal(await kindOf(unwrapSecret(value as Uint8Array, "x")), "malformed");
    assert.equal(await kindOf(wrapSecret(value as Uint8Array, "x")), "malformed");
    for (const call of [toBase64, toBase64Url, fromBase64, publicKeyOf, fingerprint, publicKeyToText, publicKeyFromText, wrappedKeyFromText]) {
      if (call === fromBase64 && value === "PSRL") continue; // valid base64
      assert.equal(kindOfSync(() => call(value as never)), "malformed", `${call.name}(${String(value)})`);
    }
    assert.equal(kindOfSync(() => safetyNumber(value as Uint8Array, sender.public)), "malformed");
    assert.equal(kindOfSync(() => parseEnvelope(value as Uint8Array)), "malformed");
  }
  for (const id of ["", "not-a-uuid", "0d5e2a9c3f414b7e9a026c1f8e4d7b35", "0d5e2a9c-3f41-4b7e-9a02-6c1f8e4d7b3g"]) {
    const p = { sender, recipients: [recipient.public], messageId: id, caseId: CASE_ID, contentType: "message" as const, plaintext: utf8("x") };
    assert.equal(await kindOf(seal(p)), "malformed");
    assert.equal(await kindOf(seal({ ...p, messageId: MESSAGE_ID, caseId: id })), "malformed");
  }
  assert.equal(
    await kindOf(
      seal({ sender, recipients: [recipient.public], messageId: MESSAGE_ID, caseId: CASE_ID, contentType: "letter" as ContentType, plaintext: utf8("x") }),
    ),
    "malformed",
  );
  // A key pair whose halves disagree.
  assert.equal(await kindOf(sealTo({ secret: sender.secret, public: recipient.public }, [recipient], utf8("x"))), "malformed");
  assert.equal(await kindOf(open({ envelope, recipient: { secret: recipient.secret, public: sender.public } })), "malformed");
});

test("upper-case ids are read and come back in lower case", async () => {
  const sender = generateKeyPair();
  const envelope = await seal({
    sender,
    recipients: [sender.public],
    messageId: MESSAGE_ID.toUpperCase(),
    caseId: CASE_ID,
    contentType: "visit",
    plaintext: utf8("samedi"),
  });
  assert.equal(toHex(envelope.subarray(6, 22)), MESSAGE_ID.replace(/-/g, ""));
  assert.equal((await open({ envelope, recipient: sender })).messageId, MESSAGE_ID);
});

// ---- base64 ----------------------------------------------------------------

test("base64 round trips and refuses what is not canonical", () => {
  for (let len = 0; len < 70; len++) {
    const bytes = crypto.getRandomValues(new Uint8Array(len));
    assert.equal(toBase64(bytes), Buffer.from(bytes).toString("base64"));
    assert.equal(toBase64Url(bytes), Buffer.from(bytes).toString("base64url"));
    assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
    assert.deepEqual(fromBase64(toBase64Url(bytes)), bytes);
  }
  for (const bad of ["A", "AB=", "A===", "AB==C", "AB!C", "AB C", "QR==", "QUI=x", "é"]) {
    assert.equal(kindOfSync(() => fromBase64(bad)), "malformed", bad);
  }
});

test("sha256Digest and toHex give the FIPS 180-2 value for \"abc\"", () => {
  const digest = sha256Digest(utf8("abc"));
  assert.equal(hexOf(digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(kindOfSync(() => sha256Digest("abc" as never)), "malformed");
});

// ---- wrapped keys ---------------------------------------------------------

test("a key wrapped by the Rust command line unwraps here", async (t) => {
  // Made by `PASSERELLE_PASSPHRASE='Fleur de lys, 1999 — été' passerelle keygen -o key.txt`;
  // the public key is the one that command printed in the file's comment.
  const file = [
    "# Passerelle private key. Keep this file to yourself.",
    "# public key: passerelle-pk:yeOQHpV4bE8k4ZPJobBeCMmBcL7F-kdEVY_U7ljS2Tw",
    "# fingerprint: 13046 35569 36984 85800 12358 27521",
    "PASSERELLE-WRAPPED-KEY:UFNSSwEBAABMAAAAAAIAAAAB2L8FSBe3r96bHrDjhjnb9p9JHlcza1I4VK3eGMnjkB6VeGxPJOGTyaGwXgjJgXC-xfpHRFWP1O5Y0tk8FXNCxvk4opUHiWIGz1uay6GeXKy8FGgORHkRlBrCWh2X82EGHBQPg5WM-XkmPqk_",
    "",
  ].join("\n");
  const wrapped = wrappedKeyFromText(file);
  const expected = publicKeyFromText("passerelle-pk:yeOQHpV4bE8k4ZPJobBeCMmBcL7F-kdEVY_U7ljS2Tw");
  assert.deepEqual(wrappedPublicKey(wrapped), expected);
  assert.equal(fingerprint(wrappedPublicKey(wrapped)), "13046 35569 36984 85800 12358 27521");
  const started = performance.now();
  const secret = await unwrapSecret(wrapped, "Fleur de lys, 1999 — été");
  const elapsed = performance.now() - started;
  assert.deepEqual(publicKeyOf(secret), expected);
  t.diagnostic(`one unwrap (Argon2id m=19456 KiB, t=2, p=1): ${elapsed.toFixed(0)} ms`);
  // Same letters, decomposed: a different passphrase, as on the command line.
  assert.equal(await kindOf(unwrapSecret(wrapped, "Fleur de lys, 1999 — e\u0301te\u0301")), "wrong_passphrase");
});

test("wrap and unwrap round trip; a wrong passphrase or a damaged file fails", async () => {
  const pair = generateKeyPair();
  const progress: number[] = [];
  const wrapped = await wrapSecret(pair.secret, "Notre maison à Charleroi", undefined, { onProgress: (f) => progress.push(f) });
  assert.equal(wrapped.length, 126);
  assert.ok(progress.length > 0);
  // The layout of README section 5, with OWASP's parameters.
  assert.equal(new TextDecoder().decode(wrapped.subarray(0, 4)), "PSRK");
  assert.equal(toHex(wrapped.subarray(4, 18)), "0101" + "00004c00" + "00000002" + "00000001");
  assert.deepEqual(wrapped.subarray(46, 78), pair.public);
  assert.deepEqual(await unwrapSecret(wrapped, "Notre maison à Charleroi"), pair.secret);
  assert.deepEqual(wrappedKeyFromText(wrappedKeyToText(wrapped)), wrapped);
  assert.equal(await kindOf(unwrapSecret(wrapped, "Notre maison a Charleroi")), "wrong_passphrase");
  const damaged = wrapped.slice();
  damaged[100] = (damaged[100] ?? 0) ^ 1;
  assert.equal(await kindOf(unwrapSecret(damaged, "Notre maison à Charleroi")), "wrong_passphrase");
});

test("a wrapped key whose secret does not give its stored public key is refused", async () => {
  // Built here from the README's layout, with someone else's public key
  // in the (authenticated) header: the seal itself verifies.
  const [pair, other] = [generateKeyPair(), generateKeyPair()];
  const wrapped = new Uint8Array(126);
  wrapped.set(utf8("PSRK"));
  wrapped.set([1, 1, 0, 0, 0x4c, 0, 0, 0, 0, 2, 0, 0, 0, 1], 4);
  wrapped.set(crypto.getRandomValues(new Uint8Array(28)), 18);
  wrapped.set(other.public, 46);
  const kek = await argon2idAsync(utf8("passphrase"), wrapped.slice(18, 34), { m: 19456, t: 2, p: 1, dkLen: 32 });
  wrapped.set(chacha20poly1305(kek, wrapped.slice(34, 46), wrapped.slice(0, 78)).encrypt(pair.secret), 78);
  assert.equal(await kindOf(unwrapSecret(wrapped, "passphrase")), "wrong_passphrase");
});

test("wrapped keys with a bad structure or parameters are refused before any work", async () => {
  const pair = generateKeyPair();
  const base = new Uint8Array(126);
  base.set(utf8("PSRK"));
  base.set([1, 1, 0, 0, 0x4c, 0, 0, 0, 0, 2, 0, 0, 0, 1], 4);
  base.set(pair.public, 46);
  const edit = (at: number, bytes: number[]) => {
    const copy = base.slice();
    copy.set(bytes, at);
    return copy;
  };
  const cases: [Uint8Array, EnvelopeErrorKind][] = [
    [base.subarray(0, 125), "malformed"],
    [edit(0, [0x50, 0x53, 0x52, 0x4c]), "malformed"],
    [edit(4, [2]), "unsupported_version"],
    [edit(5, [2]), "malformed"],
    [edit(6, [0, 0, 0x1b, 0xff]), "malformed"], // m just under 7 MiB
    [edit(6, [0, 0, 0x1c, 0x00, 0, 0, 0, 4]), "malformed"], // m·t under 35840
    [edit(6, [0, 0x10, 0, 1]), "malformed"], // m over 1 GiB
    [edit(10, [0, 0, 0, 65]), "malformed"],
    [edit(14, [0, 0, 0, 0]), "malformed"],
    [edit(14, [0, 0, 0, 17]), "malformed"],
    [edit(46, new Array(32).fill(0)), "non_contributory_key"],
  ];
  for (const [wrapped, kind] of cases) {
    const started = performance.now();
    assert.equal(await kindOf(unwrapSecret(wrapped, "x")), kind);
    assert.ok(performance.now() - started < 200, "refused without running Argon2id");
  }
  assert.equal(kindOfSync(() => wrappedKeyFromText("PASSERELLE-SECRET-KEY:abc")), "malformed");
});
