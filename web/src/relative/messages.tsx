// Messages: write to the detained person (or to the social service alone),
// sealed on this phone; read the conversation, opened on this phone; see
// where each message stands in the relay.
import { useEffect, useState } from "preact/hooks";
import { get, post } from "../api";
import { Button, Choices, EmptyState, ErrorNote, Field, formatDateTime, Loading, Notice, PageTitle, useLoad, useSubmit } from "../components";
import { t } from "../i18n";
import { session } from "../session";
import { BackLink, detaineeOf, loadCase, workersOf } from "./common";
import { messageRecipients, openMessage, sealText, type Opened } from "./sealing";
import type { MessagePage, MessageStatus, MessageView, PartyView } from "../types";

const MAX_CHARS = 5000;

async function page(caseId: string, mailbox: "inbox" | "outbox", before?: number | null): Promise<MessagePage> {
  const query = new URLSearchParams({ mailbox, case: caseId, limit: "50" });
  if (before != null) query.set("before", String(before));
  return get<MessagePage>(`/messages?${query}`);
}

interface Conversation {
  items: MessageView[];
  next: { inbox?: number | null; outbox?: number | null };
}

function merge(items: MessageView[]): MessageView[] {
  const byId = new Map(items.map((m) => [m.id, m]));
  return [...byId.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export function Messages({ caseId }: { caseId: string }) {
  const data = useLoad(() => loadCase(caseId), [caseId]);
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [olderBusy, setOlderBusy] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([page(caseId, "inbox"), page(caseId, "outbox")]).then(
      ([inbox, outbox]) => live && setConversation({ items: merge([...inbox.items, ...outbox.items]), next: { inbox: inbox.next, outbox: outbox.next } }),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [caseId, tick]);

  async function older() {
    if (!conversation) return;
    setOlderBusy(true);
    try {
      const [inbox, outbox] = await Promise.all([
        conversation.next.inbox != null ? page(caseId, "inbox", conversation.next.inbox) : null,
        conversation.next.outbox != null ? page(caseId, "outbox", conversation.next.outbox) : null,
      ]);
      setConversation({
        items: merge([...conversation.items, ...(inbox?.items ?? []), ...(outbox?.items ?? [])]),
        next: { inbox: inbox ? inbox.next : null, outbox: outbox ? outbox.next : null },
      });
    } catch (err) {
      setError(err);
    } finally {
      setOlderBusy(false);
    }
  }

  const parties = data.data?.parties;
  const hasOlder = conversation && (conversation.next.inbox != null || conversation.next.outbox != null);
  return (
    <main id="main" class="stack">
      <BackLink to={`/case/${caseId}`} />
      <PageTitle>{t("rel.msg.title")}</PageTitle>
      <ErrorNote error={data.error} />
      {parties ? <Composer caseId={caseId} parties={parties} onSent={() => setTick((n) => n + 1)} /> : data.loading ? <Loading /> : null}
      <section class="stack" aria-labelledby="conversation-title">
        <h2 id="conversation-title">{t("rel.msg.conversation")}</h2>
        <ErrorNote error={error} />
        {!conversation || !parties ? (
          error ? null : <Loading />
        ) : conversation.items.length === 0 ? (
          <EmptyState>{t("rel.msg.none")}</EmptyState>
        ) : (
          <ul class="list">
            {conversation.items.map((m) => (
              <li key={m.id}>
                <MessageItem message={m} parties={parties} />
              </li>
            ))}
          </ul>
        )}
        {hasOlder ? (
          <Button variant="secondary" block busy={olderBusy} onClick={older}>
            {t("rel.msg.older")}
          </Button>
        ) : null}
      </section>
    </main>
  );
}

function Composer({ caseId, parties, onSent }: { caseId: string; parties: PartyView[]; onSent: () => void }) {
  // A relative writes to the detained person; the detained person (at a
  // kiosk) to the relatives they may see. Either may write to the service.
  const detainee = detaineeOf(parties);
  const iAmDetainee = session.value?.role === "detainee";
  const contacts = iAmDetainee ? parties.filter((p) => p.membership.kind === "relative") : detainee ? [detainee] : [];
  const [to, setTo] = useState<string>(contacts[0]?.account ?? "service");
  const [text, setText] = useState("");
  const [sent, setSent] = useState(false);
  const hasWorkers = workersOf(parties).some((w) => w.key);

  const { busy, error, submit: send } = useSubmit(async () => {
    setSent(false);
    const addressees = to === "service" ? [] : [to];
    const recipients = messageRecipients(parties, addressees);
    const envelope = await sealText("message", caseId, recipients, text);
    await post(`/cases/${encodeURIComponent(caseId)}/messages`, { envelope, on_behalf_of: null });
    setText("");
    setSent(true);
    onSent();
  }, { ready: () => text.trim() !== "" });

  if (!hasWorkers)
    return (
      <Notice>
        <p>{t("rel.msg.no_worker_key")}</p>
      </Notice>
    );

  return (
    <form class="card stack" onSubmit={send} data-testid="composer-form">
      <h2>{t("rel.msg.write")}</h2>
      {contacts.length > 0 ? (
        <Choices
          legend={t("rel.msg.to")}
          name="to"
          value={to}
          onValue={setTo}
          options={[
            ...contacts.map((c) => ({ value: c.account, label: iAmDetainee ? c.display_name : t("rel.msg.to_detainee", { name: c.display_name }) })),
            { value: "service", label: t("rel.msg.to_service") },
          ]}
        />
      ) : (
        <Notice>
          <p>{t("rel.msg.no_consent")}</p>
        </Notice>
      )}
      <Field
        label={t("rel.msg.text")}
        hint={to !== "service" && !iAmDetainee ? t("rel.msg.text_hint") : to === "service" ? t("rel.msg.text_hint_service") : undefined}
        multiline
        rows={6}
        value={text}
        onValue={(v) => {
          setText(v);
          setSent(false);
        }}
        maxLength={MAX_CHARS}
        testId="composer"
      />
      <ErrorNote error={error} />
      {sent ? (
        <Notice kind="ok">
          <p>{t("rel.msg.sent")}</p>
        </Notice>
      ) : null}
      <Button type="submit" busy={busy} block disabled={!text.trim()} data-testid="send">
        {t("rel.msg.send")}
      </Button>
    </form>
  );
}

function statusLabel(status: MessageStatus, mine: boolean): { text: string; tone: string } {
  switch (status.status) {
    case "pending_relay":
      return { text: t("rel.msg.status.pending"), tone: "badge-warn" };
    case "held":
      return { text: t("rel.msg.status.held"), tone: "badge-danger" };
    case "delivered":
      if (!mine) return { text: t("rel.msg.status.new"), tone: "" };
      return { text: status.in_person ? t("rel.msg.status.in_person") : t("rel.msg.status.delivered"), tone: "badge-ok" };
    case "read":
      return { text: t("rel.msg.status.read"), tone: "badge-muted" };
  }
}

function MessageItem({ message, parties }: { message: MessageView; parties: PartyView[] }) {
  const [status, setStatus] = useState<MessageStatus>(message.status);
  const mine = message.sender === session.value?.account;
  const opened = useLoad<Opened>(() => openMessage(message.envelope, message.case, message.sender, parties), [message.id]);

  // Shown on screen is read: tell the sender's side, once.
  useEffect(() => {
    if (!mine && opened.data && status.status === "delivered") {
      post<MessageView>(`/messages/${message.id}/status`, { action: "read" }).then(
        (updated) => setStatus(updated.status),
        () => undefined,
      );
    }
  }, [opened.data]);

  const name = (account: string | null) => parties.find((p) => p.account === account)?.display_name ?? t("rel.msg.someone");
  const from = mine
    ? t("rel.msg.from_me")
    : message.on_behalf_of
      ? t("rel.msg.from_on_behalf", { name: name(message.on_behalf_of), worker: name(message.sender) })
      : name(message.sender);
  const label = statusLabel(status, mine);
  return (
    <article class={mine ? "message message-mine" : "message"} data-testid="message" data-status={status.status} data-direction={mine ? "out" : "in"}>
      <div class="spread">
        <strong>{from}</strong>
        <span class={`badge ${label.tone}`}>{label.text}</span>
      </div>
      {opened.data ? (
        <p class="message-text" data-testid="message-text">
          {opened.data.text}
        </p>
      ) : opened.error ? (
        <ErrorNote error={opened.error} />
      ) : (
        <Loading label={t("rel.msg.opening")} />
      )}
      {opened.data?.olderKey ? <p class="small muted">{t("rel.msg.older_key")}</p> : null}
      {status.status === "held" ? (
        <Notice kind="warn">
          <p>{t("rel.msg.held_reason", { reason: status.reason })}</p>
        </Notice>
      ) : null}
      {mine && status.status === "pending_relay" ? <p class="small muted">{t("rel.msg.pending_explained")}</p> : null}
      <p class="meta">
        <time dateTime={message.created_at}>{formatDateTime(message.created_at)}</time>
      </p>
    </article>
  );
}
