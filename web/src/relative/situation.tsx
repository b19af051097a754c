// What the detained person chose to share: the detention situation, and the
// release plan with its checklist. Without consent the server refuses;
// this screen then says, kindly, that it has not been shared.
import { get } from "../api";
import { ApiError } from "../api";
import { EmptyState, ErrorNote, formatDate, Loading, PageTitle, useLoad } from "../components";
import { t, type Key } from "../i18n";
import { session } from "../session";
import { BackLink, loadCase } from "./common";
import { keyOf } from "../components/sealing";
import { openNote } from "./sealing";
import type { CaseView, ItemOwner, ItemStatus, LegalSituation, PartyView, PlanView, ReleaseKind } from "../types";

const SITUATIONS: Record<LegalSituation, Key> = {
  charged: "rel.sit.legal.charged",
  sentenced: "rel.sit.legal.sentenced",
  interned: "rel.sit.legal.interned",
  on_leave: "rel.sit.legal.on_leave",
  limited_detention: "rel.sit.legal.limited_detention",
  electronic_monitoring: "rel.sit.legal.electronic_monitoring",
  released: "rel.sit.legal.released",
};
const KINDS: Record<ReleaseKind, Key> = {
  end_of_sentence: "rel.plan.kind.end_of_sentence",
  conditional_release: "rel.plan.kind.conditional_release",
  electronic_monitoring: "rel.plan.kind.electronic_monitoring",
  limited_detention: "rel.plan.kind.limited_detention",
  provisional_release: "rel.plan.kind.provisional_release",
  leave: "rel.plan.kind.leave",
};
const ITEM_STATUS: Record<ItemStatus, Key> = {
  todo: "rel.plan.status.todo",
  in_progress: "rel.plan.status.in_progress",
  done: "rel.plan.status.done",
  not_needed: "rel.plan.status.not_needed",
};
const ITEMS: Record<string, Key> = {
  identity_card: "rel.plan.item.identity_card",
  housing: "rel.plan.item.housing",
  cpas: "rel.plan.item.cpas",
  mutualite: "rel.plan.item.mutualite",
  bank_account: "rel.plan.item.bank_account",
  replacement_income: "rel.plan.item.replacement_income",
  treatment_continuity: "rel.plan.item.treatment_continuity",
  first_appointments: "rel.plan.item.first_appointments",
};

/** An item's name: translated for the template's keys; a service's own
 *  keys (`job_search`) shown as words. */
function itemName(key: string): string {
  const known = ITEMS[key];
  if (known) return t(known);
  const words = key.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function Situation({ caseId }: { caseId: string }) {
  const data = useLoad(() => loadCase(caseId), [caseId]);
  return (
    <main id="main" class="stack">
      <BackLink to={`/case/${caseId}`} />
      <PageTitle>{t("rel.sit.title")}</PageTitle>
      {data.error ? <ErrorNote error={data.error} /> : !data.data ? <Loading /> : <CaseStatus view={data.data.view} />}
      <ReleasePlan caseId={caseId} parties={data.data?.parties} />
    </main>
  );
}

function CaseStatus({ view }: { view: CaseView }) {
  const shared = view.legal_situation !== null || view.institution !== null;
  return (
    <section class="card stack-tight" data-testid="case-status" data-shared={shared ? "true" : "false"} aria-labelledby="status-title">
      <h2 id="status-title">{t("rel.sit.status_title")}</h2>
      {shared ? (
        <dl class="facts">
          {view.legal_situation ? (
            <>
              <dt>{t("rel.sit.legal")}</dt>
              <dd>{t(SITUATIONS[view.legal_situation])}</dd>
            </>
          ) : null}
          {view.institution ? (
            <>
              <dt>{t("rel.sit.institution")}</dt>
              <dd>{view.institution}</dd>
            </>
          ) : null}
          {view.prison_number ? (
            <>
              <dt>{t("rel.sit.prison_number")}</dt>
              <dd>{view.prison_number}</dd>
            </>
          ) : null}
          {view.expected_release ? (
            <>
              <dt>{t("rel.sit.expected_release")}</dt>
              <dd>{formatDate(view.expected_release)}</dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p>{t("rel.sit.not_shared")}</p>
      )}
    </section>
  );
}

function owner(o: ItemOwner, parties: PartyView[]): string {
  if (o.kind === "worker") return t("rel.plan.owner.worker");
  if (o.kind === "relative") return o.account === session.value?.account ? t("rel.plan.owner.you") : t("rel.plan.owner.relative");
  const detainee = parties.find((p) => p.membership.kind === "detainee");
  return detainee ? detainee.display_name : t("rel.plan.owner.detainee");
}

function ReleasePlan({ caseId, parties }: { caseId: string; parties: PartyView[] | undefined }) {
  const plan = useLoad(() => get<PlanView>(`/cases/${encodeURIComponent(caseId)}/plan`), [caseId]);
  const refused = plan.error instanceof ApiError && (plan.error.code === "not_available" || plan.error.code === "forbidden");
  const none = plan.error instanceof ApiError && plan.error.code === "not_found";
  return (
    <section class="card stack" data-testid="release-plan" data-shared={plan.data ? "true" : refused ? "false" : undefined} aria-labelledby="plan-title">
      <h2 id="plan-title">{t("rel.plan.title")}</h2>
      {plan.loading && !plan.data ? (
        <Loading />
      ) : refused ? (
        <p>{t("rel.plan.not_shared")}</p>
      ) : none ? (
        <p>{t("rel.plan.none")}</p>
      ) : plan.error || !plan.data ? (
        <ErrorNote error={plan.error} />
      ) : (
        <>
          <dl class="facts">
            <dt>{plan.data.confirmed ? t("rel.plan.date_confirmed") : t("rel.plan.date_expected")}</dt>
            <dd>{formatDate(plan.data.release_date)}</dd>
            <dt>{t("rel.plan.kind")}</dt>
            <dd>{t(KINDS[plan.data.kind])}</dd>
          </dl>
          <h3>{t("rel.plan.checklist")}</h3>
          {plan.data.items.length === 0 ? (
            <EmptyState>{t("rel.plan.empty")}</EmptyState>
          ) : (
            <ul class="list">
              {plan.data.items.map((item) => (
                <li key={item.id} class="stack-tight" data-testid="plan-item" data-status={item.status}>
                  <div class="spread">
                    <strong>{itemName(item.key)}</strong>
                    <span class={`badge ${item.status === "done" ? "badge-ok" : item.status === "not_needed" ? "badge-muted" : item.status === "in_progress" ? "" : "badge-warn"}`}>
                      {t(ITEM_STATUS[item.status])}
                    </span>
                  </div>
                  <p class="small muted">
                    {item.due_date ? t("rel.plan.due", { date: formatDate(item.due_date) }) : null} · {t("rel.plan.by", { who: owner(item.owner, parties ?? []) })}
                  </p>
                  {item.notes.map((n) => (
                    <PlanNote key={n.id} envelope={n.envelope} caseId={caseId} author={parties?.find((p) => p.account === n.author)} />
                  ))}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function PlanNote({ envelope, caseId, author }: { envelope: string; caseId: string; author: PartyView | undefined }) {
  const note = useLoad(() => openNote(envelope, "plan_note", caseId, keyOf(author)), [envelope]);
  if (note.data === undefined) return null;
  return (
    <p class="message-text small">
      {author ? <strong>{author.display_name}: </strong> : null}
      {note.data}
    </p>
  );
}
