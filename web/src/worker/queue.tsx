// The work queue (the landing screen, most urgent first) and my cases.
import { useEffect, useRef, useState } from "preact/hooks";
import { get } from "../api";
import { PageTitle } from "../components";
import { t } from "../i18n";
import { NewCase } from "./newcase";
import { href } from "./route";
import { lastEvent } from "./live";
import { query } from "./net";
import type { CaseView, Urgency } from "../types";
import type { QueueItem, QueuePage } from "./types";
import { age, day, dateTime, ErrorNote, Show, useLoad } from "./ui";

const PAGE = 50;

export const URGENCY_BADGE: Record<Urgency, string> = {
  urgent: "badge-danger",
  high: "badge-warn",
  normal: "",
  low: "badge-muted",
};

/** Where a queue item is handled: its case's tab, opened on the item. */
function itemHref(item: QueueItem): string {
  const tab = item.object_kind === "message" ? "messages" : item.object_kind === "request" ? "requests" : "visits";
  return href("case", item.case, tab, item.id);
}

export function caseLabel(c: CaseView | undefined): string {
  if (!c) return t("work.case.unnamed");
  return c.detainee_name ?? t("work.case.unnamed");
}

export function Queue() {
  const cases = useLoad(() => get<CaseView[]>("/cases"), []);
  const first = useLoad(() => get<QueuePage>(`/queue${query({ limit: PAGE })}`), []);
  const [more, setMore] = useState<QueueItem[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [moreError, setMoreError] = useState<unknown>(null);
  const byId = new Map((cases.data ?? []).map((c) => [c.id, c]));
  // Something happened in one of my cases: the first page is refetched.
  const event = lastEvent.value;
  const atMount = useRef(lastEvent.peek()?.seq);
  useEffect(() => {
    if (!event || event.seq === atMount.current) return;
    setMore([]);
    setNext(undefined);
    first.reload();
  }, [event?.seq]);

  return (
    <section>
      <div class="w-head">
        <PageTitle>{t("work.queue.title")}</PageTitle>
        <button
          type="button"
          class="btn btn-secondary"
          onClick={() => {
            setMore([]);
            setNext(undefined);
            first.reload();
            cases.reload();
          }}
        >
          {t("work.refresh")}
        </button>
      </div>
      <Show loaded={first}>
        {(page) => {
          const items = [...page.items, ...more];
          const cursor = next === undefined ? page.next : next;
          return (
            <>
              <ul class="w-totals" aria-label={t("work.queue.totals")}>
                <li>
                  <strong>{page.totals.messages_pending_relay}</strong> {t("work.queue.total.messages")}
                </li>
                <li>
                  <strong>{page.totals.new_requests}</strong> {t("work.queue.total.requests")}
                </li>
                <li class={page.totals.overdue_acknowledgements > 0 ? "w-alert" : undefined}>
                  <strong>{page.totals.overdue_acknowledgements}</strong> {t("work.queue.total.overdue")}
                </li>
                <li>
                  <strong>{page.totals.visits_to_forward}</strong> {t("work.queue.total.visits")}
                </li>
              </ul>
              {items.length === 0 ? (
                <p class="empty">{t("work.queue.empty")}</p>
              ) : (
                <table class="w-table">
                  <caption class="visually-hidden">{t("work.queue.caption")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("work.queue.col.urgency")}</th>
                      <th scope="col">{t("work.queue.col.what")}</th>
                      <th scope="col">{t("work.queue.col.case")}</th>
                      <th scope="col">{t("work.queue.col.waiting")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item) => (
                      <tr key={item.kind + item.id} data-testid="queue-item" data-kind={item.kind}>
                        <td>
                          <span class={`badge ${URGENCY_BADGE[item.urgency]}`}>{t(`work.urgency.${item.urgency}`)}</span>
                        </td>
                        <td>
                          <a href={itemHref(item)}>{t(`work.queue.kind.${item.kind}`)}</a>
                        </td>
                        <td>{caseLabel(byId.get(item.case))}</td>
                        <td>
                          <time dateTime={item.since} title={dateTime(item.since)}>
                            {age(item.since)}
                          </time>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {cursor && (
                <button
                  type="button"
                  class="btn btn-secondary"
                  onClick={async () => {
                    setMoreError(null);
                    try {
                      const page = await get<QueuePage>(`/queue${query({ limit: PAGE, after: cursor })}`);
                      setMore((m) => [...m, ...page.items]);
                      setNext(page.next);
                    } catch (e) {
                      setMoreError(e);
                    }
                  }}
                >
                  {t("work.more")}
                </button>
              )}
              <ErrorNote error={moreError} />
            </>
          );
        }}
      </Show>
      <CaseTable title={t("work.cases.mine")} loaded={cases} level={2} />
    </section>
  );
}

export function CaseList() {
  const cases = useLoad(() => get<CaseView[]>("/cases"), []);
  const [opening, setOpening] = useState(false);
  return (
    <section>
      <CaseTable title={t("work.cases.title")} loaded={cases} level={1} />
      {opening ? (
        <NewCase onCancel={() => setOpening(false)} />
      ) : (
        <button type="button" class="btn btn-secondary w-after" data-testid="new-case" onClick={() => setOpening(true)}>
          {t("work.newcase.open")}
        </button>
      )}
    </section>
  );
}

function CaseTable({ title, loaded, level }: { title: string; loaded: ReturnType<typeof useLoad<CaseView[]>>; level: 1 | 2 }) {
  const [filter, setFilter] = useState("");
  const [showClosed, setShowClosed] = useState(false);
  const heading = level === 1 ? <PageTitle>{title}</PageTitle> : <h2>{title}</h2>;
  return (
    <div class="w-cases">
      <div class="w-head">
        {heading}
        <label class="w-inline">
          {t("work.cases.filter")}
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <label class="w-inline">
          <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.currentTarget.checked)} />
          {t("work.cases.show_closed")}
        </label>
      </div>
      <Show loaded={loaded}>
        {(cases) => {
          const needle = filter.trim().toLowerCase();
          const shown = cases
            .filter((c) => showClosed || c.status === "open")
            .filter(
              (c) =>
                !needle ||
                [c.detainee_name, c.institution, c.prison_number].some((v) => v?.toLowerCase().includes(needle)),
            )
            .sort((a, b) => caseLabel(a).localeCompare(caseLabel(b)));
          if (shown.length === 0) return <p class="empty">{t("work.cases.empty")}</p>;
          return (
            <table class="w-table">
              <thead>
                <tr>
                  <th scope="col">{t("work.case.detainee")}</th>
                  <th scope="col">{t("work.case.institution")}</th>
                  <th scope="col">{t("work.case.situation")}</th>
                  <th scope="col">{t("work.case.release")}</th>
                  <th scope="col">{t("work.case.status")}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr key={c.id} data-testid="case-row">
                    <td>
                      <a href={href("case", c.id)}>{caseLabel(c)}</a>
                      {c.prison_number && <span class="muted"> · {c.prison_number}</span>}
                    </td>
                    <td>{c.institution}</td>
                    <td>{c.legal_situation ? t(`work.situation.${c.legal_situation}`) : ""}</td>
                    <td>{day(c.expected_release)}</td>
                    <td>{t(`work.case.status.${c.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Show>
    </div>
  );
}
