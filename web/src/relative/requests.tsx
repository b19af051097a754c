// Practical requests: ask the social service for help (clothes, money, papers,
// the CPAS…), with a description sealed on this phone to the case's
// workers; follow where each one stands.
import { useState } from "preact/hooks";
import { get, post } from "../api";
import { Button, Choices, EmptyState, ErrorNote, Field, formatDate, href, Loading, navigate, Notice, PageTitle, SelectField, useLoad, useSubmit } from "../components";
import { t, type Key } from "../i18n";
import { session } from "../session";
import { BackLink, loadCase } from "./common";
import { keyOf } from "../components/sealing";
import { myKey, noteRecipients, openNote, sealText } from "./sealing";
import { CATEGORIES, URGENCIES, type Category, type PartyView, type RequestStatus, type RequestView, type Resolution, type Urgency } from "../types";

export const CATEGORY_LABELS: Record<Category, Key> = {
  clothing_and_linen: "rel.req.cat.clothing_and_linen",
  money_deposit: "rel.req.cat.money_deposit",
  documents_and_id: "rel.req.cat.documents_and_id",
  contacting_the_lawyer: "rel.req.cat.contacting_the_lawyer",
  cpas_benefits: "rel.req.cat.cpas_benefits",
  mutualite: "rel.req.cat.mutualite",
  housing: "rel.req.cat.housing",
  debts: "rel.req.cat.debts",
  residence_status: "rel.req.cat.residence_status",
  children: "rel.req.cat.children",
  transport_to_visits: "rel.req.cat.transport_to_visits",
  other: "rel.req.cat.other",
};

const URGENCY_LABELS: Record<Urgency, Key> = {
  low: "rel.req.urg.low",
  normal: "rel.req.urg.normal",
  high: "rel.req.urg.high",
  urgent: "rel.req.urg.urgent",
};

const STATUS_LABELS: Record<RequestStatus, Key> = {
  submitted: "rel.req.status.submitted",
  acknowledged: "rel.req.status.acknowledged",
  in_progress: "rel.req.status.in_progress",
  resolved: "rel.req.status.resolved",
  closed: "rel.req.status.closed",
};

const RESOLUTION_LABELS: Record<Resolution["kind"], Key> = {
  answered_directly: "rel.req.res.answered_directly",
  professional_service: "rel.req.res.professional_service",
  solidarity_initiative: "rel.req.res.solidarity_initiative",
  not_possible: "rel.req.res.not_possible",
};

export function Requests({ caseId }: { caseId: string }) {
  const data = useLoad(async () => {
    const [c, list] = await Promise.all([loadCase(caseId), get<{ items: RequestView[] }>(`/cases/${encodeURIComponent(caseId)}/requests`)]);
    return { parties: c.parties, items: list.items };
  }, [caseId]);
  return (
    <main id="main" class="stack">
      <BackLink to={`/case/${caseId}`} />
      <PageTitle>{t("rel.req.title")}</PageTitle>
      <p>{t("rel.req.intro")}</p>
      <a class="btn btn-block" href={href(`/case/${caseId}/requests/new`)} data-testid="new-request">
        {t("rel.req.new")}
      </a>
      <section class="stack" aria-labelledby="requests-title">
        <h2 id="requests-title">{t("rel.req.mine")}</h2>
        {data.error ? (
          <ErrorNote error={data.error} />
        ) : !data.data ? (
          <Loading />
        ) : data.data.items.length === 0 ? (
          <EmptyState>{t("rel.req.none")}</EmptyState>
        ) : (
          <ul class="list">
            {data.data.items.map((r) => (
              <li key={r.id}>
                <RequestItem request={r} parties={data.data!.parties} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}

function RequestItem({ request, parties }: { request: RequestView; parties: PartyView[] }) {
  const author = parties.find((p) => p.account === request.author);
  const description = useLoad(
    () => (request.envelope ? openNote(request.envelope, "request", request.case, request.author === session.value?.account ? myKey().public : keyOf(author)) : Promise.resolve(null)),
    [request.id],
  );
  const done = request.status === "resolved" || request.status === "closed";
  return (
    <article class="card stack-tight" data-testid="request" data-status={request.status}>
      <div class="spread">
        <h3>{t(CATEGORY_LABELS[request.category])}</h3>
        <span class={`badge ${done ? "badge-ok" : request.status === "submitted" ? "badge-warn" : ""}`}>{t(STATUS_LABELS[request.status])}</span>
      </div>
      <p class="small muted">
        {t("rel.req.sent_on", { date: formatDate(request.created_at) })} · {t(URGENCY_LABELS[request.urgency])}
      </p>
      {description.data ? <p class="message-text">{description.data}</p> : description.error ? <p class="small muted">{t("error.unreadable")}</p> : null}
      {request.resolution ? (
        <Notice kind={request.resolution.kind === "not_possible" ? "warn" : "ok"}>
          <p>{t(RESOLUTION_LABELS[request.resolution.kind])}</p>
          {request.resolution.kind === "not_possible" ? <p>{t("rel.req.reason", { reason: request.resolution.reason })}</p> : null}
        </Notice>
      ) : null}
    </article>
  );
}

export function NewRequest({ caseId }: { caseId: string }) {
  const data = useLoad(() => loadCase(caseId), [caseId]);
  const [category, setCategory] = useState<Category>("other");
  const [urgency, setUrgency] = useState<Urgency>("normal");
  const [text, setText] = useState("");

  const { busy, error, submit } = useSubmit(async () => {
    const loaded = data.data;
    if (!loaded) return;
    const envelope = await sealText("request", caseId, noteRecipients(loaded.parties), text);
    await post(`/cases/${encodeURIComponent(caseId)}/requests`, { category, urgency, envelope });
    navigate(`/case/${caseId}/requests`);
  }, { ready: () => Boolean(data.data && text.trim()), leaves: true });

  return (
    <main id="main" class="stack">
      <BackLink to={`/case/${caseId}/requests`} />
      <PageTitle>{t("rel.req.new")}</PageTitle>
      <ErrorNote error={data.error} />
      <form class="card stack" onSubmit={submit} data-testid="request-form">
        <SelectField
          label={t("rel.req.category")}
          value={category}
          onValue={setCategory}
          options={CATEGORIES.map((c) => ({ value: c, label: t(CATEGORY_LABELS[c]) }))}
        />
        <Choices
          legend={t("rel.req.urgency")}
          name="urgency"
          value={urgency}
          onValue={setUrgency}
          options={URGENCIES.map((u) => ({ value: u, label: t(URGENCY_LABELS[u]) }))}
        />
        <Field label={t("rel.req.description")} hint={t("rel.req.description_hint")} multiline value={text} onValue={setText} maxLength={5000} required testId="request-description" />
        <ErrorNote error={error} />
        <Button type="submit" block busy={busy} disabled={!data.data || !text.trim()} data-testid="request-submit">
          {t("rel.req.submit")}
        </Button>
      </form>
    </main>
  );
}
