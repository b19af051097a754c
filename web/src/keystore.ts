// This device's keys, one per account, in IndexedDB. Only the wrapped form
// of a private key is ever stored (wrapSecret: Argon2id under the person's
// passphrase); the public key sits beside it so the app knows, before the
// passphrase is typed, which key this browser holds.

const DB = "passerelle";
const STORE = "device-keys";

/** One account's key on this device. */
export interface StoredKey {
  account: string;
  /** The private key, wrapped under the passphrase. */
  wrapped: Uint8Array;
  /** The matching public key. */
  public: Uint8Array;
  /** When it was made (ISO 8601). */
  created: string;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: "account" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = run(tx.objectStore(STORE));
      // Resolve on commit, not on the request: a write is only kept once
      // its transaction completes.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The key stored for `account` on this device, if any. */
export async function loadKey(account: string): Promise<StoredKey | null> {
  const found = await withStore<StoredKey | undefined>("readonly", (s) => s.get(account));
  return found ?? null;
}

/** Stores (or replaces) the key of `key.account`. */
export async function saveKey(key: StoredKey): Promise<void> {
  await withStore("readwrite", (s) => s.put(key));
}

/** Forgets `account`'s key on this device. */
export async function forgetKey(account: string): Promise<void> {
  await withStore("readwrite", (s) => s.delete(account));
}
