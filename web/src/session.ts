// Who is signed in on this tab, and their unlocked key. The token lives in
// sessionStorage (gone when the tab closes); the private key only in memory,
// after the passphrase unlocks it from IndexedDB (see keystore.ts).
import { signal } from "@preact/signals";

export type Role = "worker" | "coordinator" | "relative" | "detainee";

export interface Session {
  token: string;
  account: string;
  role: Role;
  login: string;
  /** The name others see (absent in sessions saved by older versions). */
  displayName?: string;
}

/** The unlocked device key: raw X25519 secret and public key bytes. */
export interface DeviceKey {
  secret: Uint8Array;
  public: Uint8Array;
}

const STORAGE_KEY = "passerelle.session";

function restore(): Session | null {
  try {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    return saved ? (JSON.parse(saved) as Session) : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(restore());
export const deviceKey = signal<DeviceKey | null>(null);

session.subscribe((value) => {
  if (value) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
  else {
    sessionStorage.removeItem(STORAGE_KEY);
    deviceKey.value?.secret.fill(0);
    deviceKey.value = null;
  }
});
