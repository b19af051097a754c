// Visit requests of a case: review, forward to the prison's visit service
// (an external step, recorded), schedule with date, time and place, refuse
// with a reason the relative sees, mark done, or cancel.
import { useState } from "preact/hooks";
import { post } from "../api";
import { t } from "../i18n";
import type { CaseProps } from "./case";
import { openFrom } from "./sealing";
import type { VisitView } from "../types";
import { ActionButton, dateTime, day, ErrorNote, ItemList, nameOf, Plaintext, useOpened, useScrollTo } from "./ui";

export function Visits(props: CaseProps) {
  return (
    <ItemList<VisitView>
      headingId="w-visits"
      title="work.tab.visits"
      empty="work.visit.empty"
      url={`/cases/${props.info.id}/visits`}
      row={(v, onChange) => <VisitRow key={v.id} {...props} visit={v} onChange={onChange} />}
    />
  );
}

type Panel = "none" | "forward" | "schedule" | "refuse" | "cancel";

function VisitRow({ visit: v, parties, info, item, onChange }: CaseProps & { visit: VisitView; onChange: (v: VisitView) => void }) {
  const { opened, error: openError, open } = useOpened((key) => openFrom(key, parties, v.relative, v.note ?? "", info.id, "visit"));
  const [panel, setPanel] = useState<Panel>("none");
  const step = async (body: unknown) => {
    onChange(await post<VisitView>(`/visits/${v.id}/status`, body));
    setPanel("none");
  };
  const s = v.status.status;
  const final = s === "refused" || s === "done" || s === "cancelled";
  const highlighted = item === v.id;
  const scrollRef = useScrollTo<HTMLLIElement>(highlighted);
  const toggle = (p: Panel) => setPanel(panel === p ? "none" : p);

  return (
    <li
      class={`w-item${highlighted ? " w-highlight" : ""}`}
      data-testid="visit"
      data-status={s}
      data-id={v.id}
      ref={scrollRef}
    >
      <div class="w-item-head">
        <strong>{t(`work.visit.kind.${v.kind}`)}</strong>
        <span class="badge badge-muted">{t(`work.visit.status.${s}`)}</span>
        <span class="muted">
          {t("work.visit.asked_by", { name: nameOf(parties, v.relative) })} · {dateTime(v.created_at)}
        </span>
      </div>
      <p class="small">
        {t("work.visit.dates", { dates: v.dates.map((d) => `${day(d.date)} (${t(`work.visit.slot.${d.slot}`)})`).join(", ") })}
        <br />
        {t("work.visit.visitors", { adults: v.adults, minors: v.minor_ages.length })}
        {v.minor_ages.length > 0 && ` (${t("work.visit.ages", { ages: v.minor_ages.join(", ") })})`}
      </p>
      {v.forwarding && (
        <p class="small muted">
          {t("work.visit.forwarded_on", { when: dateTime(v.forwarding.at), who: nameOf(parties, v.forwarding.by) })}
          {v.forwarding.reference && ` · ${t("work.visit.reference", { reference: v.forwarding.reference })}`}
        </p>
      )}
      {v.appointment && (
        <p class="note note-ok">
          {t("work.visit.appointment", { date: day(v.appointment.date), time: v.appointment.time.slice(0, 5), place: v.appointment.place })}
        </p>
      )}
      {v.status.status === "refused" && <p class="note note-warn">{t("work.visit.refused_because", { reason: v.status.reason })}</p>}
      {v.status.status === "cancelled" && (
        <p class="note note-warn">
          {v.status.by === "worker" ? t("work.visit.cancelled_by_worker") : t("work.visit.cancelled_by_relative")}
          {v.status.reason && ` — ${v.status.reason}`}
        </p>
      )}
      {opened && <Plaintext opened={opened} />}
      <div class="w-actions">
        {v.note && !opened && (
          <ActionButton variant="secondary" testid="open" onAct={open}>
            {t("work.visit.open_note")}
          </ActionButton>
        )}
        {s === "submitted" && (
          <ActionButton testid="review" onAct={() => step({ action: "review" })}>
            {t("work.visit.review")}
          </ActionButton>
        )}
        {s === "under_review" && (
          <button type="button" class="btn" data-testid="forward" aria-expanded={panel === "forward"} onClick={() => toggle("forward")}>
            {t("work.visit.forward")}
          </button>
        )}
        {(s === "forwarded" || s === "scheduled") && (
          <button type="button" class="btn" data-testid="schedule" aria-expanded={panel === "schedule"} onClick={() => toggle("schedule")}>
            {s === "scheduled" ? t("work.visit.reschedule") : t("work.visit.schedule")}
          </button>
        )}
        {s === "scheduled" && (
          <ActionButton variant="secondary" testid="done" onAct={() => step({ action: "done" })}>
            {t("work.visit.done")}
          </ActionButton>
        )}
        {(s === "under_review" || s === "forwarded") && (
          <button type="button" class="btn btn-secondary" data-testid="refuse" aria-expanded={panel === "refuse"} onClick={() => toggle("refuse")}>
            {t("work.visit.refuse")}
          </button>
        )}
        {!final && (
          <button type="button" class="btn btn-danger" data-testid="cancel" aria-expanded={panel === "cancel"} onClick={() => toggle("cancel")}>
            {t("work.visit.cancel")}
          </button>
        )}
      </div>
      <ErrorNote error={openError} />
      {panel === "forward" && <ForwardForm id={v.id} onStep={step} />}
      {panel === "schedule" && <ScheduleForm visit={v} onStep={step} />}
      {panel === "refuse" && <ReasonForm id={v.id} action="refuse" required onStep={step} />}
      {panel === "cancel" && <ReasonForm id={v.id} action="cancel" required={false} onStep={step} />}
    </li>
  );
}

type OnStep = (body: unknown) => Promise<void>;

function useSubmit(onStep: OnStep) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (body: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await onStep(body);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function ForwardForm({ id, onStep }: { id: string; onStep: OnStep }) {
  const [reference, setReference] = useState("");
  const { error, busy, submit } = useSubmit(onStep);
  return (
    <form
      class="w-form card"
      onSubmit={(e) => {
        e.preventDefault();
        void submit({ action: "forward", reference: reference.trim() || null });
      }}
    >
      <p class="muted small">{t("work.visit.forward_hint")}</p>
      <label for={`w-ref-${id}`}>{t("work.visit.reference_optional")}</label>
      <input id={`w-ref-${id}`} maxLength={100} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
      <button type="submit" class="btn" disabled={busy}>
        {t("work.visit.forward_submit")}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function ScheduleForm({ visit, onStep }: { visit: VisitView; onStep: OnStep }) {
  const first = visit.appointment ?? null;
  const [date, setDate] = useState(first?.date ?? visit.dates[0]?.date ?? "");
  const [time, setTime] = useState(first?.time.slice(0, 5) ?? "");
  const [place, setPlace] = useState(first?.place ?? "");
  const { error, busy, submit } = useSubmit(onStep);
  const id = visit.id;
  return (
    <form
      class="w-form card"
      data-testid="schedule-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit({ action: "schedule", date, time: `${time}:00`, place: place.trim() });
      }}
    >
      <div class="w-row">
        <div>
          <label for={`w-date-${id}`}>{t("work.visit.date")}</label>
          <input id={`w-date-${id}`} type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div>
          <label for={`w-time-${id}`}>{t("work.visit.time")}</label>
          <input id={`w-time-${id}`} type="time" required value={time} onInput={(e) => setTime(e.currentTarget.value)} />
        </div>
      </div>
      <label for={`w-place-${id}`}>{t("work.visit.place")}</label>
      <input id={`w-place-${id}`} required maxLength={200} value={place} onInput={(e) => setPlace(e.currentTarget.value)} />
      <button type="submit" class="btn" disabled={busy}>
        {t("work.visit.schedule_submit")}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function ReasonForm({ id, action, required, onStep }: { id: string; action: "refuse" | "cancel"; required: boolean; onStep: OnStep }) {
  const [reason, setReason] = useState("");
  const { error, busy, submit } = useSubmit(onStep);
  const inputId = `w-${action}-${id}`;
  return (
    <form
      class="w-form card"
      onSubmit={(e) => {
        e.preventDefault();
        void submit({ action, reason: reason.trim() || (required ? reason : null) });
      }}
    >
      <label for={inputId}>{required ? t("work.visit.reason") : t("work.visit.reason_optional")}</label>
      <input id={inputId} required={required} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <p class="muted small">{t("work.visit.reason_hint")}</p>
      <button type="submit" class={action === "cancel" ? "btn btn-danger" : "btn"} disabled={busy}>
        {action === "cancel" ? t("work.visit.cancel_submit") : t("work.visit.refuse_submit")}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}
