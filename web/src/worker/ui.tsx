// Small pieces the desk's screens share, on top of ../components: showing a
// loaded resource, a case's list of items, a sealed text opened on demand,
// how long something has waited, who someone is.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { get } from "../api";
import { ErrorNote, Loading, formatDate, formatDateTime, useLoad, type Loaded } from "../components";
import { t, type Key } from "../i18n";
import { deviceKey, type DeviceKey } from "../session";
import type { Membership, PartyView } from "../types";
import type { Opened } from "./sealing";

export { ErrorNote, LocalError, errorText, useLoad, useSubmit } from "../components";
export type { Loaded } from "../components";

/** Loading, failure or the content, for one loaded resource. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.data !== undefined) return <>{children(loaded.data)}</>;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  return <Loading />;
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? formatDateTime(iso) : "";
}

/** A civil date (`YYYY-MM-DD`) or an instant, as a day. */
export function day(date: string | null | undefined): string {
  return date ? formatDate(date) : "";
}

/** "3 h", "2 d": how long something has waited. */
export function age(iso: string): string {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 60) return t("work.age.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t("work.age.hours", { n: hours });
  return t("work.age.days", { n: Math.round(hours / 24) });
}

export function membershipText(m: Membership): string {
  switch (m.kind) {
    case "worker":
      return t("work.membership.worker");
    case "detainee":
      return t("work.membership.detainee");
    case "relative":
      return t("work.membership.relative", { relationship: t(`work.relationship.${m.relationship}`) });
  }
}

/** Language codes typed as "fr, nl" or "fr nl". */
export function languageList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A party's name, or a neutral word when the caller cannot see them. */
export function nameOf(parties: PartyView[] | undefined, account: string | null | undefined): string {
  if (!account) return "";
  return parties?.find((p) => p.account === account)?.display_name ?? t("work.someone");
}

/** A button that runs an async action, shows it is busy, and reports failure. */
export function ActionButton({
  onAct,
  children,
  variant = "primary",
  testid,
  disabled,
}: {
  onAct: () => Promise<unknown>;
  children: ComponentChildren;
  variant?: "primary" | "secondary" | "danger";
  testid?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cls = variant === "primary" ? "btn" : `btn btn-${variant}`;
  return (
    <div class="w-action">
      <button
        type="button"
        class={cls}
        data-testid={testid}
        disabled={busy || disabled}
        aria-busy={busy ? "true" : undefined}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await onAct();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {children}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

/** A form's submit button, and the way back without saving. */
export function SubmitOrCancel({ label, disabled, onCancel }: { label: string; disabled: boolean; onCancel: () => void }) {
  return (
    <div class="w-actions">
      <button type="submit" class="btn" disabled={disabled}>
        {label}
      </button>
      <button type="button" class="btn btn-secondary" onClick={onCancel}>
        {t("work.cancel")}
      </button>
    </div>
  );
}

/** A ref that scrolls its element into view once, when `on` (the item a
 *  queue row pointed at). */
export function useScrollTo<T extends HTMLElement>(on: boolean) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (on) ref.current?.scrollIntoView({ block: "center" });
  }, [on]);
  return ref;
}

/**
 * A case's items (`url` answers `{ items }`), with a refresh button; an
 * item an action returned replaces the listed one until the next refresh.
 */
export function ItemList<T extends { id: string }>({
  headingId,
  title,
  empty,
  url,
  row,
}: {
  headingId: string;
  title: Key;
  empty: Key;
  url: string;
  row: (item: T, onChange: (next: T) => void) => ComponentChildren;
}) {
  const list = useLoad(() => get<{ items: T[] }>(url), [url]);
  const [updated, setUpdated] = useState<Record<string, T>>({});
  const onChange = (next: T) => setUpdated((u) => ({ ...u, [next.id]: next }));
  return (
    <section aria-labelledby={headingId}>
      <div class="w-head">
        <h2 id={headingId}>{t(title)}</h2>
        <button
          type="button"
          class="btn btn-secondary"
          onClick={() => {
            setUpdated({});
            list.reload();
          }}
        >
          {t("work.refresh")}
        </button>
      </div>
      <Show loaded={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="empty">{t(empty)}</p>
          ) : (
            <ul class="w-list">{items.map((item) => row(updated[item.id] ?? item, onChange))}</ul>
          )
        }
      </Show>
    </section>
  );
}

/** A sealed text opened on this device when asked (`open`), and why it could not be. */
export function useOpened(openWith: (key: DeviceKey) => Promise<Opened>) {
  const [opened, setOpened] = useState<Opened | null>(null);
  const [error, setError] = useState<unknown>(null);
  const open = async () => {
    const key = deviceKey.value;
    if (!key) return;
    setError(null);
    try {
      setOpened(await openWith(key));
    } catch (e) {
      setError(e);
    }
  };
  return { opened, setOpened, error, open };
}

/** An opened text, warning when its sender's key has changed since. */
export function Plaintext({ opened, children }: { opened: Opened; children?: ComponentChildren }) {
  return (
    <div class="w-plaintext">
      {opened.keyChanged && <p class="note note-warn">{t("work.msg.key_changed")}</p>}
      <p>{opened.text}</p>
      {children}
    </div>
  );
}
