// The device key, between signing in and the app: make one (the passphrase
// chosen twice, the key generated here, wrapped, stored in IndexedDB, and
// its public half registered), or unlock the one this browser holds. The
// passphrase and the private key never leave this page.
import { useEffect, useState } from "preact/hooks";
import { generateKeyPair, publicKeyOf, unwrapSecret, wrapSecret } from "../crypto";
import { get, put } from "../api";
import { t } from "../i18n";
import { forgetKey, loadKey, saveKey, type StoredKey } from "../keystore";
import { deviceKey, session } from "../session";
import type { KeyView } from "../types";
import { publicKeyBytes, publicKeyText, sameKey } from "./keytext";
import { Button, ErrorNote, Field, LocalError, Loading, Notice, PageTitle, useSubmit } from "./ui";

const MIN_PASSPHRASE = 8;

type Stage =
  | { kind: "checking" }
  | { kind: "failed"; error: unknown }
  | { kind: "create"; elsewhere: boolean }
  | { kind: "unlock"; stored: StoredKey; current: Uint8Array | null };

export function KeyGate() {
  const account = session.value?.account ?? "";
  const [stage, setStage] = useState<Stage>({ kind: "checking" });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    (async () => {
      // The server's history says whether a key is registered elsewhere
      // (another phone, the command line), and which one is current.
      const [stored, history] = await Promise.all([loadKey(account), get<KeyView[]>(`/accounts/${account}/keys`)]);
      const last = history[history.length - 1];
      const current = last ? publicKeyBytes(last.public_key) : null;
      if (!live) return;
      setStage(stored ? { kind: "unlock", stored, current } : { kind: "create", elsewhere: history.length > 0 });
    })().catch((error: unknown) => live && setStage({ kind: "failed", error }));
    return () => {
      live = false;
    };
  }, [account, tick]);

  if (stage.kind === "checking") return <main id="main"><Loading /></main>;
  if (stage.kind === "failed")
    return (
      <main id="main" class="stack">
        <PageTitle>{t("key.title_unlock")}</PageTitle>
        <ErrorNote error={stage.error} />
        <Button onClick={() => setTick((n) => n + 1)}>{t("action.retry")}</Button>
      </main>
    );
  if (stage.kind === "create") return <CreateKey account={account} elsewhere={stage.elsewhere} />;
  return (
    <UnlockKey
      stored={stage.stored}
      current={stage.current}
      onReplace={async () => {
        await forgetKey(account);
        setStage({ kind: "create", elsewhere: true });
      }}
    />
  );
}

function CreateKey({ account, elsewhere }: { account: string; elsewhere: boolean }) {
  const [first, setFirst] = useState("");
  const [second, setSecond] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);

  const tooShort = first.length < MIN_PASSPHRASE;
  const differ = second.length > 0 && first !== second;

  async function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    if (tooShort || first !== second) {
      setError(new LocalError(tooShort ? "key.passphrase_short" : "key.passphrase_differ"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const pair = generateKeyPair();
      const wrapped = await wrapSecret(pair.secret, first);
      // Registered before it is stored: a key the server refused is never
      // kept, so this browser holds only keys the case can seal to.
      await put<KeyView>("/me/key", { public_key: publicKeyText(pair.public) });
      await saveKey({ account, wrapped, public: pair.public, created: new Date().toISOString() });
      deviceKey.value = { secret: pair.secret, public: pair.public };
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <main id="main" class="stack">
      <PageTitle>{t("key.title_create")}</PageTitle>
      <p>{t("key.create_intro")}</p>
      <Notice kind="warn">
        <p>{t("key.create_warning")}</p>
      </Notice>
      {elsewhere ? (
        <Notice>
          <p>{t("key.create_elsewhere")}</p>
        </Notice>
      ) : null}
      <form class="card stack" onSubmit={submit} data-testid="passphrase-form" noValidate>
        {/* Tells password managers whose passphrase this is. */}
        <input type="text" autoComplete="username" value={session.value?.login ?? ""} hidden readOnly />
        <Field
          label={t("key.passphrase")}
          hint={t("key.passphrase_hint", { count: MIN_PASSPHRASE })}
          type="password"
          value={first}
          onValue={setFirst}
          autoComplete="new-password"
          required
          error={tried && tooShort ? t("key.passphrase_short") : null}
        />
        <Field
          label={t("key.passphrase_again")}
          type="password"
          value={second}
          onValue={setSecond}
          autoComplete="new-password"
          required
          error={differ ? t("key.passphrase_differ") : null}
        />
        <ErrorNote error={error} />
        <Button type="submit" busy={busy} block>
          {busy ? t("key.creating") : t("key.create")}
        </Button>
      </form>
    </main>
  );
}

function UnlockKey({ stored, current, onReplace }: { stored: StoredKey; current: Uint8Array | null; onReplace: () => Promise<void> }) {
  const [passphrase, setPassphrase] = useState("");
  const [forgot, setForgot] = useState(false);
  // Another device registered a newer key: this one can still read what
  // was sealed to it, but the case now seals to the new one.
  const replaced = current !== null && !sameKey(current, stored.public);

  const { busy, error, submit } = useSubmit(async () => {
    const secret = await unwrapSecret(stored.wrapped, passphrase).catch(() => {
      throw new LocalError("key.wrong_passphrase");
    });
    const pub = publicKeyOf(secret);
    if (!sameKey(pub, stored.public)) throw new LocalError("key.wrong_passphrase");
    deviceKey.value = { secret, public: pub };
  }, { ready: () => passphrase !== "", leaves: true });

  return (
    <main id="main" class="stack">
      <PageTitle focus={false}>{t("key.title_unlock")}</PageTitle>
      <p>{t("key.unlock_intro")}</p>
      {replaced ? (
        <Notice kind="warn">
          <p>{t("key.replaced_elsewhere")}</p>
          <Button variant="secondary" onClick={onReplace}>
            {t("key.forgot_replace")}
          </Button>
        </Notice>
      ) : null}
      <form class="card stack" onSubmit={submit} data-testid="passphrase-form" noValidate>
        {/* Tells password managers whose passphrase this is. */}
        <input type="text" autoComplete="username" value={session.value?.login ?? ""} hidden readOnly />
        <Field label={t("key.passphrase")} type="password" value={passphrase} onValue={setPassphrase} autoComplete="current-password" required autoFocus />
        <ErrorNote error={error} />
        <Button type="submit" busy={busy} block>
          {busy ? t("key.unlocking") : t("key.unlock")}
        </Button>
      </form>
      {forgot ? (
        <div class="card stack">
          <h2>{t("key.forgot_title")}</h2>
          <p>{t("key.forgot_text")}</p>
          <Button variant="danger" block onClick={onReplace}>
            {t("key.forgot_replace")}
          </Button>
        </div>
      ) : (
        <Button variant="link" onClick={() => setForgot(true)}>
          {t("key.forgot")}
        </Button>
      )}
    </main>
  );
}
