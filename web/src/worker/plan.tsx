// The release plan: its date and kind (the checklist comes from the
// service's template, due dates follow the date), each item's owner and
// status, and notes sealed to the workers and the item's owner.
import { useState } from "preact/hooks";
import { ApiError, get, post, put } from "../api";
import { t, type Key } from "../i18n";
import { deviceKey } from "../session";
import type { CaseProps } from "./case";
import { NoKeyInCase, openFrom, sealPlanNote, type Opened } from "./sealing";
import { RELEASE_KINDS, type ItemOwner, type ItemStatus, type PartyView, type PlanView, type PlanItem, type ReleaseKind } from "../types";
import type { Template } from "./types";
import { ActionButton, dateTime, day, ErrorNote, errorText, LocalError, nameOf, Show, useLoad, useSubmit } from "./ui";

const ITEM_NAMES: Record<string, Key> = {
  identity_card: "work.plan.item.identity_card",
  housing: "work.plan.item.housing",
  cpas: "work.plan.item.cpas",
  mutualite: "work.plan.item.mutualite",
  bank_account: "work.plan.item.bank_account",
  replacement_income: "work.plan.item.replacement_income",
  treatment_continuity: "work.plan.item.treatment_continuity",
  first_appointments: "work.plan.item.first_appointments",
};

/** A template item's name: translated when it is one of ours, else its key. */
export function itemName(key: string): string {
  const known = ITEM_NAMES[key];
  return known ? t(known) : key.replace(/_/g, " ");
}

/** The plan, or null when the case has none yet (404). */
async function loadPlan(caseId: string): Promise<PlanView | null> {
  try {
    return await get<PlanView>(`/cases/${caseId}/plan`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.code === "not_found") return null;
    throw e;
  }
}

function ownerText(owner: ItemOwner, parties: PartyView[]): string {
  switch (owner.kind) {
    case "worker":
      return t("work.plan.owner.worker");
    case "detainee":
      return t("work.plan.owner.detainee");
    case "relative":
      return nameOf(parties, owner.account);
  }
}

function ownerAccount(owner: ItemOwner, parties: PartyView[]): string | null {
  if (owner.kind === "relative") return owner.account;
  if (owner.kind === "detainee") return parties.find((p) => p.membership.kind === "detainee")?.account ?? null;
  return null;
}

export function Plan(props: CaseProps) {
  const { info } = props;
  const plan = useLoad(() => loadPlan(info.id), [info.id]);
  return (
    <section aria-labelledby="w-plan" data-testid="plan">
      <h2 id="w-plan">{t("work.tab.plan")}</h2>
      <Show loaded={plan}>
        {(p) => (
          <>
            <PlanForm {...props} plan={p} onSaved={plan.reload} />
            {p && <Checklist {...props} plan={p} onChange={plan.reload} />}
          </>
        )}
      </Show>
    </section>
  );
}

function PlanForm({ info, parties, plan, onSaved }: CaseProps & { plan: PlanView | null; onSaved: () => void }) {
  const [date, setDate] = useState(plan?.release_date ?? info.expected_release ?? "");
  const [confirmed, setConfirmed] = useState(plan?.confirmed ?? false);
  const [kind, setKind] = useState<ReleaseKind>(plan?.kind ?? "end_of_sentence");
  const [owners, setOwners] = useState<Record<string, string>>({});
  const template = useLoad(() => (plan ? Promise.resolve(null) : get<Template>("/templates")), [plan?.id]);
  const relatives = parties.filter((p) => p.membership.kind === "relative");
  const hasDetainee = parties.some((p) => p.membership.kind === "detainee");

  const ownerBody = () =>
    Object.entries(owners)
      .filter(([, v]) => v && v !== "worker")
      .map(([item, v]) => ({
        item,
        owner: v === "detainee" ? { kind: "detainee" } : { kind: "relative", account: v },
      }));

  const { busy, error, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { release_date: date, confirmed, kind };
    if (!plan) body.owners = ownerBody();
    await put<PlanView>(`/cases/${info.id}/plan`, body);
    onSaved();
  });

  return (
    <form
      class="w-form card"
      data-testid="plan-form"
      onSubmit={submit}
    >
      <h3>{plan ? t("work.plan.release") : t("work.plan.create")}</h3>
      {plan && <p class="muted small">{t("work.plan.move_hint")}</p>}
      <div class="w-row">
        <div>
          <label for="w-release">{t("work.plan.release_date")}</label>
          <input id="w-release" type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div>
          <label for="w-kind">{t("work.plan.kind")}</label>
          <select id="w-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as ReleaseKind)}>
            {RELEASE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`work.release.${k}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label class="choice">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
        {t("work.plan.confirmed")}
      </label>
      {!plan && template.data && (relatives.length > 0 || hasDetainee) && (
        <fieldset>
          <legend>{t("work.plan.owners")}</legend>
          <p class="muted small">{t("work.plan.owners_hint")}</p>
          {template.data.items.map((item) => (
            <div class="w-row" key={item.key}>
              <label for={`w-owner-${item.key}`}>
                {itemName(item.key)} ({t("work.plan.offset", { days: item.offset_days })})
              </label>
              <select
                id={`w-owner-${item.key}`}
                value={owners[item.key] ?? "worker"}
                onChange={(e) => setOwners((o) => ({ ...o, [item.key]: e.currentTarget.value }))}
              >
                <option value="worker">{t("work.plan.owner.worker")}</option>
                {hasDetainee && <option value="detainee">{t("work.plan.owner.detainee")}</option>}
                {relatives.map((r) => (
                  <option key={r.account} value={r.account}>
                    {r.display_name}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </fieldset>
      )}
      <button type="submit" class="btn" data-testid="plan-submit" disabled={busy || !date}>
        {plan ? t("work.plan.save") : t("work.plan.create_submit")}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

// The steps the server allows from each status; a finished item can be
// reopened, in case it was ticked by mistake or fell through.
const NEXT: Record<ItemStatus, ItemStatus[]> = {
  todo: ["in_progress", "done", "not_needed"],
  in_progress: ["done", "not_needed", "todo"],
  done: ["todo"],
  not_needed: ["todo"],
};

function Checklist({ plan, parties, info, onChange }: CaseProps & { plan: PlanView; onChange: () => void }) {
  const today = new Date().toISOString().slice(0, 10);
  return (
    <>
      <h3>{t("work.plan.checklist")}</h3>
      <p class="muted small">
        {t(plan.confirmed ? "work.plan.summary_confirmed" : "work.plan.summary_expected", {
          date: day(plan.release_date),
          kind: t(`work.release.${plan.kind}`),
        })}
      </p>
      <ul class="w-list">
        {[...plan.items]
          .sort((a, b) => a.offset_days - b.offset_days)
          .map((item) => (
            <PlanRow key={item.id} item={item} parties={parties} caseId={info.id} overdue={!!item.due_date && item.due_date < today} onChange={onChange} />
          ))}
      </ul>
    </>
  );
}

function PlanRow({
  item,
  parties,
  caseId,
  overdue,
  onChange,
}: {
  item: PlanItem;
  parties: PartyView[];
  caseId: string;
  overdue: boolean;
  onChange: () => void;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [opened, setOpened] = useState<Record<string, Opened | { error: unknown }>>({});
  const final = item.status === "done" || item.status === "not_needed";
  const noteId = `w-note-${item.id}`;
  return (
    <li class="w-item" data-testid="plan-item" data-key={item.key} data-status={item.status}>
      <div class="w-item-head">
        <strong>{itemName(item.key)}</strong>
        <span class={`badge ${final ? "badge-ok" : overdue ? "badge-danger" : ""}`}>{t(`work.plan.status.${item.status}`)}</span>
        <span class="muted">
          {item.due_date ? t("work.plan.due", { date: day(item.due_date) }) : ""} · {ownerText(item.owner, parties)}
        </span>
      </div>
      {item.notes.length > 0 && (
        <ul class="w-plain">
          {item.notes.map((n) => {
            const o = opened[n.id];
            return (
              <li key={n.id}>
                <span class="muted small">
                  {nameOf(parties, n.author)} · {dateTime(n.created_at)}
                </span>{" "}
                {o === undefined ? (
                  <button
                    type="button"
                    class="button-link"
                    onClick={async () => {
                      const key = deviceKey.value;
                      if (!key) return;
                      try {
                        const result = await openFrom(key, parties, n.author, n.envelope, caseId, "plan_note");
                        setOpened((m) => ({ ...m, [n.id]: result }));
                      } catch (error) {
                        setOpened((m) => ({ ...m, [n.id]: { error } }));
                      }
                    }}
                  >
                    {t("work.plan.open_note")}
                  </button>
                ) : "error" in o ? (
                  <span class="muted">{errorText(o.error)}</span>
                ) : (
                  <span class="w-plaintext-inline">{o.text}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div class="w-plan-tools">
        <div class="w-actions">
          {NEXT[item.status].map((to) => (
            <ActionButton
              key={to}
              variant={to === "done" ? "primary" : "secondary"}
              testid={`plan-${to}`}
              onAct={async () => {
                await post(`/plan-items/${item.id}/status`, { status: to });
                onChange();
              }}
            >
              {final ? t("work.plan.reopen") : t(`work.plan.to.${to}`)}
            </ActionButton>
          ))}
        </div>
        <form
          class="w-note-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const key = deviceKey.value;
            if (!key || !note.trim()) return;
            setError(null);
            try {
              const envelope = await sealPlanNote(key, caseId, parties, ownerAccount(item.owner, parties), note);
              await post(`/plan-items/${item.id}/notes`, { note: envelope });
              setNote("");
              onChange();
            } catch (err) {
              setError(err instanceof NoKeyInCase ? new LocalError("work.msg.no_key_in_case") : err);
            }
          }}
        >
          <label for={noteId} class="visually-hidden">
            {t("work.plan.note_label", { item: itemName(item.key) })}
          </label>
          <input id={noteId} placeholder={t("work.plan.note_placeholder")} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <button type="submit" class="btn btn-secondary" disabled={!note.trim()}>
            {t("work.plan.add_note")}
          </button>
        </form>
      </div>
      <ErrorNote error={error} />
    </li>
  );
}
