// Visit requests: ask for a visit (preferred dates and times of day, who
// comes, which kind of visit) with a note sealed on this phone; follow the
// answer; cancel.
import { useState } from "preact/hooks";
import { get, post } from "../api";
import { ApiError } from "../api";
import { brusselsDate, Button, Checkbox, Choices, EmptyState, ErrorNote, Field, formatDate, formatTime, href, Loading, navigate, Notice, PageTitle, SelectField, useLoad, useSubmit } from "../components";
import { t, type Key } from "../i18n";
import { BackLink, detaineeOf, loadCase } from "./common";
import { keyOf } from "../components/sealing";
import { myKey, noteRecipients, openNote, sealText } from "./sealing";
import type { PreferredDate, Slot, VisitKind, VisitStatus, VisitView } from "../types";

const KIND_LABELS: Record<VisitKind, Key> = {
  ordinary: "rel.visit.kind.ordinary",
  extended_family: "rel.visit.kind.extended_family",
  video: "rel.visit.kind.video",
};
const KIND_HINTS: Record<VisitKind, Key> = {
  ordinary: "rel.visit.kind.ordinary_hint",
  extended_family: "rel.visit.kind.extended_family_hint",
  video: "rel.visit.kind.video_hint",
};
const SLOT_LABELS: Record<Slot, Key> = {
  morning: "rel.visit.slot.morning",
  afternoon: "rel.visit.slot.afternoon",
  any: "rel.visit.slot.any",
};
const STATUS_LABELS: Record<VisitStatus["status"], Key> = {
  submitted: "rel.visit.status.submitted",
  under_review: "rel.visit.status.under_review",
  forwarded: "rel.visit.status.forwarded",
  scheduled: "rel.visit.status.scheduled",
  refused: "rel.visit.status.refused",
  done: "rel.visit.status.done",
  cancelled: "rel.visit.status.cancelled",
};
const FINAL = new Set<VisitStatus["status"]>(["refused", "done", "cancelled"]);
const MAX_VISITORS = 6;
const MAX_DATES = 5;

/** A refusal for lack of consent (or a restriction), said kindly. */
function NotShared() {
  return (
    <Notice>
      <p>{t("rel.visit.not_allowed")}</p>
    </Notice>
  );
}

export function Visits({ caseId }: { caseId: string }) {
  const data = useLoad(async () => {
    const [c, list] = await Promise.all([loadCase(caseId), get<{ items: VisitView[] }>(`/cases/${encodeURIComponent(caseId)}/visits`)]);
    return { parties: c.parties, items: list.items };
  }, [caseId]);
  const refused = data.error instanceof ApiError && data.error.code === "not_available";
  return (
    <main id="main" class="stack">
      <BackLink to={`/case/${caseId}`} />
      <PageTitle>{t("rel.visit.title")}</PageTitle>
      {refused ? (
        <NotShared />
      ) : (
        <>
          <p>{t("rel.visit.intro")}</p>
          <a class="btn btn-block" href={href(`/case/${caseId}/visits/new`)} data-testid="new-visit">
            {t("rel.visit.new")}
          </a>
          <section class="stack" aria-labelledby="visits-title">
            <h2 id="visits-title">{t("rel.visit.mine")}</h2>
            {data.error ? (
              <ErrorNote error={data.error} />
            ) : !data.data ? (
              <Loading />
            ) : data.data.items.length === 0 ? (
              <EmptyState>{t("rel.visit.none")}</EmptyState>
            ) : (
              <ul class="list">
                {data.data.items.map((v) => (
                  <li key={v.id}>
                    <VisitItem visit={v} onChange={data.reload} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </main>
  );
}

function StatusDetails({ status }: { status: VisitStatus }) {
  switch (status.status) {
    case "scheduled":
      return (
        <Notice kind="ok">
          <p>{t("rel.visit.scheduled_on", { date: formatDate(status.date), time: formatTime(status.time), place: status.place })}</p>
        </Notice>
      );
    case "refused":
      return (
        <Notice kind="warn">
          <p>{t("rel.visit.refused_reason", { reason: status.reason })}</p>
        </Notice>
      );
    case "cancelled":
      return (
        <p class="small muted">
          {status.by === "relative" ? t("rel.visit.cancelled_by_you") : t("rel.visit.cancelled_by_service")}
          {status.reason ? ` — ${status.reason}` : ""}
        </p>
      );
    case "forwarded":
      return <p class="small muted">{t("rel.visit.forwarded_explained")}</p>;
    default:
      return null;
  }
}

function VisitItem({ visit, onChange }: { visit: VisitView; onChange: () => void }) {
  const note = useLoad(() => (visit.note ? openNote(visit.note, "visit", visit.case, myKey().public) : Promise.resolve(null)), [visit.id]);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const final = FINAL.has(visit.status.status);

  const { busy, error, submit: cancel } = useSubmit(async () => {
    await post(`/visits/${visit.id}/status`, { action: "cancel", reason: reason.trim() || null });
    onChange();
  }, { leaves: true });

  const visitors =
    visit.minor_ages.length === 0
      ? t("rel.visit.adults_only", { adults: visit.adults })
      : t("rel.visit.adults_children", { adults: visit.adults, ages: visit.minor_ages.join(", ") });
  return (
    <article class="card stack-tight" data-testid="visit" data-status={visit.status.status}>
      <div class="spread">
        <h3>{t(KIND_LABELS[visit.kind])}</h3>
        <span class={`badge ${visit.status.status === "scheduled" ? "badge-ok" : final ? "badge-muted" : "badge-warn"}`}>{t(STATUS_LABELS[visit.status.status])}</span>
      </div>
      <StatusDetails status={visit.status} />
      <p class="small">
        {t("rel.visit.wished")}{" "}
        {visit.dates.map((d) => `${formatDate(d.date)} (${t(SLOT_LABELS[d.slot])})`).join(" · ")}
      </p>
      <p class="small">{visitors}</p>
      {note.data ? <p class="message-text">{note.data}</p> : null}
      <ErrorNote error={error} />
      {final ? null : confirming ? (
        <div class="stack-tight">
          <Field label={t("rel.visit.cancel_reason")} value={reason} onValue={setReason} maxLength={500} />
          <div class="row">
            <Button variant="danger" busy={busy} onClick={() => cancel()}>
              {t("rel.visit.cancel_confirm")}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              {t("rel.visit.cancel_keep")}
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          {t("rel.visit.cancel")}
        </Button>
      )}
    </article>
  );
}

export function NewVisit({ caseId }: { caseId: string }) {
  const data = useLoad(() => loadCase(caseId), [caseId]);
  const [kind, setKind] = useState<VisitKind>("ordinary");
  const [dates, setDates] = useState<PreferredDate[]>([{ date: brusselsDate(7), slot: "any" }]);
  const [adults, setAdults] = useState("1");
  const [minors, setMinors] = useState<string[]>([]);
  const [note, setNote] = useState("");
  const [forDetainee, setForDetainee] = useState(false);

  const detainee = data.data ? detaineeOf(data.data.parties) : undefined;
  const detaineeHasKey = !!keyOf(detainee);
  const adultCount = Number.parseInt(adults, 10);
  const minorAges = minors.map((a) => Number.parseInt(a, 10));
  const total = (Number.isFinite(adultCount) ? adultCount : 0) + minors.length;
  const tooMany = total > MAX_VISITORS;
  const badAdults = !Number.isInteger(adultCount) || adultCount < 1;
  const badAge = minorAges.some((a) => !Number.isInteger(a) || a < 0 || a > 17);
  const tomorrow = brusselsDate(1);
  const badDate = dates.some((d) => !d.date || d.date < tomorrow);
  const duplicate = new Set(dates.map((d) => d.date)).size !== dates.length;
  const invalid = badAdults || badAge || tooMany || badDate || duplicate;

  function setDate(i: number, change: Partial<PreferredDate>) {
    setDates(dates.map((d, j) => (j === i ? { ...d, ...change } : d)));
  }

  const { busy, error, submit } = useSubmit(async () => {
    const loaded = data.data;
    if (!loaded) return;
    const sealed = await sealText("visit", caseId, noteRecipients(loaded.parties, forDetainee && detaineeHasKey), note);
    await post(`/cases/${encodeURIComponent(caseId)}/visits`, { kind, dates, adults: adultCount, minor_ages: minorAges, note: sealed });
    navigate(`/case/${caseId}/visits`);
  }, { ready: () => Boolean(data.data) && !invalid, leaves: true });

  const refused = error instanceof ApiError && error.code === "not_available";
  return (
    <main id="main" class="stack">
      <BackLink to={`/case/${caseId}/visits`} />
      <PageTitle>{t("rel.visit.new")}</PageTitle>
      <ErrorNote error={data.error} />
      <form class="stack" onSubmit={submit} data-testid="visit-form" noValidate>
        <Choices
          legend={t("rel.visit.kind")}
          name="kind"
          value={kind}
          onValue={setKind}
          options={(Object.keys(KIND_LABELS) as VisitKind[]).map((k) => ({
            value: k,
            label: (
              <>
                {t(KIND_LABELS[k])}
                <br />
                <span class="small muted">{t(KIND_HINTS[k])}</span>
              </>
            ),
          }))}
        />
        <fieldset class="stack">
          <legend>{t("rel.visit.dates")}</legend>
          <p class="small muted">{t("rel.visit.dates_hint", { count: MAX_DATES })}</p>
          {dates.map((d, i) => (
            <div class="card stack-tight" key={i}>
              <Field
                label={t("rel.visit.date_n", { n: i + 1 })}
                type="date"
                min={tomorrow}
                value={d.date}
                onValue={(v) => setDate(i, { date: v })}
                error={!d.date || d.date < tomorrow ? t("rel.visit.date_future") : null}
              />
              <SelectField
                label={t("rel.visit.slot_n", { n: i + 1 })}
                value={d.slot}
                onValue={(v) => setDate(i, { slot: v })}
                options={(Object.keys(SLOT_LABELS) as Slot[]).map((s) => ({ value: s, label: t(SLOT_LABELS[s]) }))}
              />
              {dates.length > 1 ? (
                <Button variant="link" onClick={() => setDates(dates.filter((_, j) => j !== i))}>
                  {t("rel.visit.date_remove", { n: i + 1 })}
                </Button>
              ) : null}
            </div>
          ))}
          {duplicate ? <p class="field-error">{t("rel.visit.date_twice")}</p> : null}
          {dates.length < MAX_DATES ? (
            <Button variant="secondary" onClick={() => setDates([...dates, { date: brusselsDate(7 + dates.length), slot: "any" }])}>
              {t("rel.visit.date_add")}
            </Button>
          ) : null}
        </fieldset>
        <fieldset class="stack">
          <legend>{t("rel.visit.who")}</legend>
          <Field label={t("rel.visit.adults")} type="number" inputMode="numeric" min="1" max="6" value={adults} onValue={setAdults} error={badAdults ? t("rel.visit.adults_error") : null} />
          {minors.map((age, i) => (
            <div class="row" key={i}>
              <Field label={t("rel.visit.child_age", { n: i + 1 })} type="number" inputMode="numeric" min="0" max="17" value={age} onValue={(v) => setMinors(minors.map((a, j) => (j === i ? v : a)))} />
              <Button variant="link" onClick={() => setMinors(minors.filter((_, j) => j !== i))}>
                {t("rel.visit.child_remove", { n: i + 1 })}
              </Button>
            </div>
          ))}
          {badAge ? <p class="field-error">{t("rel.visit.age_error")}</p> : null}
          {tooMany ? <p class="field-error">{t("rel.visit.too_many", { count: MAX_VISITORS })}</p> : null}
          {total < MAX_VISITORS ? (
            <Button variant="secondary" onClick={() => setMinors([...minors, ""])}>
              {t("rel.visit.child_add")}
            </Button>
          ) : null}
        </fieldset>
        <Field label={t("rel.visit.note")} hint={t("rel.visit.note_hint")} multiline value={note} onValue={setNote} maxLength={2000} testId="visit-note" />
        {detainee && detaineeHasKey ? (
          <Checkbox label={t("rel.visit.note_for_detainee", { name: detainee.display_name })} checked={forDetainee} onValue={setForDetainee} />
        ) : null}
        {refused ? <NotShared /> : <ErrorNote error={error} />}
        <Button type="submit" block busy={busy} disabled={!data.data || invalid} data-testid="visit-submit">
          {t("rel.visit.submit")}
        </Button>
      </form>
    </main>
  );
}
