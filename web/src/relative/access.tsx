// Who accessed my items: the audit trail's rows about this person's
// messages, requests, consent and case, read by someone else. Newest first.
import { get } from "../api";
import { EmptyState, ErrorNote, formatDateTime, Loading, PageTitle, useLoad } from "../components";
import { t, type Key } from "../i18n";
import { BackLink } from "./common";
import type { AccessView } from "./types";

const ACTIONS: Record<string, Key> = {
  "message.view": "rel.access.action.message_view",
  "message.list": "rel.access.action.message_list",
  "message.relay": "rel.access.action.message_relay",
  "message.hold": "rel.access.action.message_hold",
  "message.deliver_in_person": "rel.access.action.message_in_person",
  "message.mark_read": "rel.access.action.message_read",
  "case.view": "rel.access.action.case_view",
  "case.parties": "rel.access.action.case_parties",
  "consent.list": "rel.access.action.consent_view",
  "consent.record": "rel.access.action.consent_record",
  "consent.receipt": "rel.access.action.consent_view",
  "request.view": "rel.access.action.request_view",
  "request.list": "rel.access.action.request_view",
  "visit.view": "rel.access.action.visit_view",
  "visit.list": "rel.access.action.visit_view",
  "plan.view": "rel.access.action.plan_view",
  "audit.export": "rel.access.action.audit",
};

function actionText(action: string): string {
  const key = ACTIONS[action];
  if (key) return t(key);
  const [kind] = action.split(".");
  if (kind === "request") return t("rel.access.action.request_work");
  if (kind === "visit") return t("rel.access.action.visit_work");
  if (kind === "plan" || kind === "plan_item") return t("rel.access.action.plan_work");
  return t("rel.access.action.other");
}

interface AccessPage {
  items: AccessView[];
  next?: number | null;
}

/** The whole trail, oldest first from the server, at most `pages` pages. */
async function trail(pages = 10): Promise<{ items: AccessView[]; more: boolean }> {
  const items: AccessView[] = [];
  let after: number | null | undefined = undefined;
  for (let i = 0; i < pages; i++) {
    const query: string = after != null ? `?limit=500&after=${after}` : "?limit=500";
    const page: AccessPage = await get<AccessPage>(`/me/access${query}`);
    items.push(...page.items);
    after = page.next;
    if (after == null) return { items, more: false };
  }
  return { items, more: true };
}

export function AccessLog() {
  const data = useLoad(() => trail(), []);
  const rows = data.data ? [...data.data.items].reverse() : [];
  return (
    <main id="main" class="stack">
      <BackLink to="/" />
      <PageTitle>{t("rel.access.title")}</PageTitle>
      <p>{t("rel.access.intro")}</p>
      {data.error ? (
        <ErrorNote error={data.error} />
      ) : !data.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <EmptyState>{t("rel.access.none")}</EmptyState>
      ) : (
        <ul class="list" data-testid="access-log">
          {rows.map((row, i) => (
            <li key={i} class="card" data-testid="access-row">
              <strong>{row.actor || t("rel.msg.someone")}</strong>
              <span> — {actionText(row.action)}</span>
              <br />
              <time class="small muted" dateTime={row.at}>
                {formatDateTime(row.at)}
              </time>
            </li>
          ))}
        </ul>
      )}
      {data.data?.more ? <p class="small muted">{t("rel.access.more")}</p> : null}
    </main>
  );
}
