// A case's messages: relay, hold with a reason, deliver in person, open
// with this device's key, and write one (also on behalf of the detained
// person, who may have no device: the worker types their words).
import { useEffect, useRef, useState } from "preact/hooks";
import { get, post } from "../api";
import { t } from "../i18n";
import { deviceKey } from "../session";
import type { CaseProps } from "./case";
import { lastEvent } from "./live";
import { query } from "./net";
import { NoDevice, NoKeyInCase, openFrom, sealMessage } from "./sealing";
import type { MessageView, MessagePage, PartyView } from "../types";
import { ActionButton, dateTime, ErrorNote, errorText, nameOf, Plaintext, Show, useLoad, useOpened, useScrollTo, useSubmit } from "./ui";

interface Both {
  items: MessageView[];
  inbox: number | null;
  outbox: number | null;
}

async function page(caseId: string, inbox: number | null | undefined, outbox: number | null | undefined): Promise<Both> {
  // Workers are recipients of every message of their cases (inbox) and
  // senders of their own (outbox): the case's thread is both, merged.
  const load = (mailbox: string, before: number | null | undefined) =>
    before === null
      ? Promise.resolve<MessagePage>({ items: [], next: null })
      : get<MessagePage>(`/messages${query({ mailbox, case: caseId, limit: 50, before })}`);
  const [a, b] = await Promise.all([load("inbox", inbox), load("outbox", outbox)]);
  return { items: [...a.items, ...b.items], inbox: a.next, outbox: b.next };
}

function byNewest(a: MessageView, b: MessageView) {
  return Date.parse(b.created_at) - Date.parse(a.created_at);
}

const STATUS_BADGE: Record<MessageView["status"]["status"], string> = {
  pending_relay: "badge-warn",
  held: "badge-danger",
  delivered: "badge-ok",
  read: "badge-muted",
};

function statusText(m: MessageView): string {
  switch (m.status.status) {
    case "pending_relay":
      return t("work.msg.status.pending_relay");
    case "held":
      return t("work.msg.status.held");
    case "delivered":
      return m.status.in_person ? t("work.msg.status.delivered_in_person") : t("work.msg.status.delivered");
    case "read":
      return t("work.msg.status.read");
  }
}

export function Messages(props: CaseProps) {
  const { info } = props;
  const loaded = useLoad(() => page(info.id, undefined, undefined), [info.id]);
  const [older, setOlder] = useState<Both | null>(null);
  const [updated, setUpdated] = useState<Record<string, MessageView>>({});
  const [olderError, setOlderError] = useState<unknown>(null);

  // Rows changed here are kept until the list catches up with them, so a
  // refetch that races a relay never shows the old status again.
  const reload = () => {
    setOlder(null);
    loaded.reload();
  };
  const event = lastEvent.value;
  const atMount = useRef(lastEvent.peek()?.seq);
  useEffect(() => {
    if (event && event.seq !== atMount.current && event.case === info.id && event.kind.startsWith("message")) reload();
  }, [event?.seq]);

  return (
    <section aria-labelledby="w-msgs">
      <div class="w-head">
        <h2 id="w-msgs">{t("work.tab.messages")}</h2>
        <button type="button" class="btn btn-secondary" onClick={reload}>
          {t("work.refresh")}
        </button>
      </div>
      <Compose {...props} onSent={reload} />
      <Show loaded={loaded}>
        {(first) => {
          const seen = new Set<string>();
          const all = [...first.items, ...(older?.items ?? [])]
            .filter((m) => !seen.has(m.id) && seen.add(m.id))
            .map((m) => {
              const mine = updated[m.id];
              return mine && Date.parse(mine.updated_at) >= Date.parse(m.updated_at) ? mine : m;
            })
            .sort(byNewest);
          const cursor = older ?? first;
          return (
            <>
              {all.length === 0 ? (
                <p class="empty">{t("work.msg.empty")}</p>
              ) : (
                <ul class="w-list">
                  {all.map((m) => (
                    <MessageRow
                      key={m.id}
                      message={m}
                      {...props}
                      highlighted={props.item === m.id}
                      onChange={(next) => setUpdated((u) => ({ ...u, [next.id]: next }))}
                    />
                  ))}
                </ul>
              )}
              {(cursor.inbox !== null || cursor.outbox !== null) && (
                <button
                  type="button"
                  class="btn btn-secondary"
                  onClick={async () => {
                    setOlderError(null);
                    try {
                      const next = await page(info.id, cursor.inbox, cursor.outbox);
                      setOlder((o) => ({ items: [...(o?.items ?? []), ...next.items], inbox: next.inbox, outbox: next.outbox }));
                    } catch (e) {
                      setOlderError(e);
                    }
                  }}
                >
                  {t("work.more")}
                </button>
              )}
              <ErrorNote error={olderError} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

function MessageRow({
  message: m,
  parties,
  info,
  highlighted,
  onChange,
}: CaseProps & { message: MessageView; highlighted: boolean; onChange: (m: MessageView) => void }) {
  const { opened, setOpened, error: openError, open } = useOpened((key) => openFrom(key, parties, m.sender, m.envelope, info.id, "message"));
  const [holding, setHolding] = useState(false);
  const [reason, setReason] = useState("");
  const [holdError, setHoldError] = useState<unknown>(null);
  const waiting = m.status.status === "pending_relay" || m.status.status === "held";
  const step = async (body: unknown) => onChange(await post<MessageView>(`/messages/${m.id}/status`, body));
  const reasonId = `w-hold-${m.id}`;
  const scrollRef = useScrollTo<HTMLLIElement>(highlighted);

  return (
    <li
      class={`w-item${highlighted ? " w-highlight" : ""}`}
      data-testid="message"
      data-status={m.status.status}
      data-id={m.id}
      ref={scrollRef}
    >
      <div class="w-item-head">
        <span>
          <strong>{nameOf(parties, m.sender)}</strong>
          {m.on_behalf_of && <> {t("work.msg.on_behalf", { name: nameOf(parties, m.on_behalf_of) })}</>}
        </span>
        <span class={`badge ${STATUS_BADGE[m.status.status]}`}>{statusText(m)}</span>
        <time class="muted" dateTime={m.created_at}>
          {dateTime(m.created_at)}
        </time>
      </div>
      {m.status.status === "held" && <p class="w-note">{t("work.msg.held_reason", { reason: m.status.reason })}</p>}
      {opened && (
        <Plaintext opened={opened}>
          <p class="muted small">
            {t("work.msg.readers", {
              names: opened.readers.map((name) => name ?? t("work.msg.old_key")).join(", "),
            })}
          </p>
        </Plaintext>
      )}
      <div class="w-actions">
        {!opened && (
          <ActionButton variant="secondary" testid="open" onAct={open}>
            {t("work.msg.open")}
          </ActionButton>
        )}
        {opened && (
          <button type="button" class="btn btn-secondary" onClick={() => setOpened(null)}>
            {t("work.msg.close")}
          </button>
        )}
        {waiting && (
          <>
            <ActionButton testid="relay" onAct={() => step({ action: "relay" })}>
              {t("work.msg.relay")}
            </ActionButton>
            <button type="button" class="btn btn-secondary" data-testid="hold" aria-expanded={holding} onClick={() => setHolding(!holding)}>
              {t("work.msg.hold")}
            </button>
            <ActionButton variant="secondary" testid="deliver-in-person" onAct={() => step({ action: "deliver_in_person" })}>
              {t("work.msg.deliver_in_person")}
            </ActionButton>
          </>
        )}
        {m.status.status === "delivered" && m.status.in_person && (
          <ActionButton variant="secondary" testid="mark-read" onAct={() => step({ action: "read" })}>
            {t("work.msg.mark_read")}
          </ActionButton>
        )}
      </div>
      <ErrorNote error={openError} />
      {holding && waiting && (
        <form
          class="w-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setHoldError(null);
            try {
              await step({ action: "hold", reason: reason.trim() });
              setHolding(false);
              setReason("");
            } catch (err) {
              setHoldError(err);
            }
          }}
        >
          <label for={reasonId}>{t("work.msg.hold_reason")}</label>
          <input id={reasonId} required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <p class="w-hint">{t("work.msg.hold_hint")}</p>
          <button type="submit" class="btn" data-testid="hold-submit">
            {t("work.msg.hold_submit")}
          </button>
          <ErrorNote error={holdError} />
        </form>
      )}
    </li>
  );
}

function Compose({ info, parties, onSent }: CaseProps & { onSent: () => void }) {
  const detainee = parties.find((p) => p.membership.kind === "detainee");
  // Writing "on behalf of" is for a detained person without a device.
  const behalfOf = detainee && !detainee.key ? detainee : undefined;
  const relatives = parties.filter((p) => p.membership.kind === "relative");
  const [behalf, setBehalf] = useState(false);
  const [to, setTo] = useState<string[]>([]);
  const [text, setText] = useState("");
  const [sent, setSent] = useState(false);
  // On behalf of the detained person, the message goes to relatives; from
  // the worker, to the detained person or relatives.
  const choices: PartyView[] = behalf ? relatives : [...(detainee ? [detainee] : []), ...relatives];
  const { busy, error, submit } = useSubmit(
    async () => {
      const key = deviceKey.value;
      if (!key) return;
      setSent(false);
      const addressees = to.filter((a) => choices.some((p) => p.account === a));
      const envelope = await sealMessage(key, info.id, parties, addressees, text);
      await post(`/cases/${info.id}/messages`, {
        envelope,
        on_behalf_of: behalf && behalfOf ? behalfOf.account : null,
      });
      setText("");
      setSent(true);
      onSent();
    },
    { ready: () => Boolean(deviceKey.value) && to.length > 0 && text.trim() !== "" },
  );

  const failure = (e: unknown) => {
    if (e instanceof NoKeyInCase) return t("work.msg.no_key_in_case");
    if (e instanceof NoDevice) return t("work.msg.no_device", { name: e.who });
    return errorText(e);
  };

  return (
    <details class="w-compose">
      <summary>{t("work.msg.write")}</summary>
      <form
        class="w-form"
        data-testid="compose"
        onSubmit={submit}
      >
        {behalfOf && (
          <label class="choice">
            <input
              type="checkbox"
              data-testid="on-behalf"
              checked={behalf}
              onChange={(e) => {
                setBehalf(e.currentTarget.checked);
                setTo([]);
              }}
            />
            {t("work.msg.behalf_of", { name: behalfOf.display_name })}
          </label>
        )}
        <fieldset>
          <legend>{t("work.msg.to")}</legend>
          {choices.length === 0 && <p class="muted">{t("work.msg.nobody")}</p>}
          {choices.map((p) => (
            <label class="choice" key={p.account}>
              <input
                type="checkbox"
                checked={to.includes(p.account)}
                onChange={(e) =>
                  setTo((list) => (e.currentTarget.checked ? [...list, p.account] : list.filter((a) => a !== p.account)))
                }
              />
              {p.display_name}
              {!p.key && <span class="muted"> — {t("work.msg.in_person_only")}</span>}
            </label>
          ))}
        </fieldset>
        <label for="w-compose-text">{t("work.msg.text")}</label>
        <textarea id="w-compose-text" rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} required />
        <p class="w-hint">{t("work.msg.encrypted_hint")}</p>
        <button type="submit" class="btn" data-testid="send" disabled={busy || to.length === 0 || !text.trim()}>
          {t("work.msg.send")}
        </button>
        {sent && (
          <p class="note note-ok" role="status">
            {t("work.msg.sent")}
          </p>
        )}
        {error ? (
          <p class="note note-error" role="alert">
            {failure(error)}
          </p>
        ) : null}
      </form>
    </details>
  );
}
