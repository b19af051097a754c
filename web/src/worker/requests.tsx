// Practical requests of a case: triage (acknowledge, start, resolve with
// one of the four answers, close, reopen), assignment, referral to a
// directory service, and the sealed description opened on this device.
import { useState } from "preact/hooks";
import { get, post } from "../api";
import { t } from "../i18n";
import type { CaseProps } from "./case";
import type { DirectoryEntry } from "./directory";
import { URGENCY_BADGE } from "./queue";
import { openFrom } from "./sealing";
import { RESOLUTIONS, type RequestView, type Resolution, type ResolutionKind } from "../types";
import type { Referral } from "./types";
import { ActionButton, age, dateTime, ErrorNote, ItemList, nameOf, Plaintext, Show, useLoad, useOpened, useScrollTo, useSubmit } from "./ui";

export function Requests(props: CaseProps) {
  return (
    <ItemList<RequestView>
      headingId="w-reqs"
      title="work.tab.requests"
      empty="work.req.empty"
      url={`/cases/${props.info.id}/requests`}
      row={(r, onChange) => <RequestRow key={r.id} {...props} request={r} onChange={onChange} />}
    />
  );
}

function resolutionText(r: Resolution): string {
  const kind = t(`work.resolution.${r.kind}`);
  return r.kind === "not_possible" ? t("work.resolution.with_reason", { kind, reason: r.reason }) : kind;
}

function RequestRow({
  request: r,
  parties,
  info,
  item,
  onChange,
}: CaseProps & { request: RequestView; onChange: (r: RequestView) => void }) {
  const { opened, error: openError, open } = useOpened((key) => openFrom(key, parties, r.author, r.envelope ?? "", info.id, "request"));
  const [resolving, setResolving] = useState(false);
  const [showReferrals, setShowReferrals] = useState(false);
  const [assignError, setAssignError] = useState<unknown>(null);
  const step = async (body: unknown) => onChange(await post<RequestView>(`/requests/${r.id}/status`, body));
  const workers = parties.filter((p) => p.membership.kind === "worker");
  const highlighted = item === r.id;
  const scrollRef = useScrollTo<HTMLLIElement>(highlighted);
  const assignId = `w-assign-${r.id}`;

  return (
    <li
      class={`w-item${highlighted ? " w-highlight" : ""}`}
      data-testid="request"
      data-status={r.status}
      data-id={r.id}
      ref={scrollRef}
    >
      <div class="w-item-head">
        <strong>{t(`work.category.${r.category}`)}</strong>
        <span class={`badge ${URGENCY_BADGE[r.urgency]}`}>{t(`work.urgency.${r.urgency}`)}</span>
        <span class="badge badge-muted" data-testid="request-status">
          {t(`work.req.status.${r.status}`)}
        </span>
        <span class="muted">
          {r.on_behalf
            ? t("work.req.by_on_behalf", { name: nameOf(parties, r.author) })
            : t("work.req.by", { name: nameOf(parties, r.author) })}{" "}
          · <time dateTime={r.created_at}>{dateTime(r.created_at)}</time>
        </span>
      </div>
      <p class="muted small">
        {r.seconds_to_acknowledge !== null
          ? t("work.req.acknowledged_after", { time: duration(r.seconds_to_acknowledge) })
          : r.status === "submitted"
            ? t("work.req.waiting_since", { time: age(r.created_at) })
            : ""}
        {r.resolution && <> · {resolutionText(r.resolution)}</>}
      </p>
      {opened && <Plaintext opened={opened} />}
      <div class="w-actions">
        {r.envelope && !opened && (
          <ActionButton variant="secondary" testid="open" onAct={open}>
            {t("work.req.open")}
          </ActionButton>
        )}
        {r.status === "submitted" && (
          <ActionButton testid="acknowledge" onAct={() => step({ action: "acknowledge" })}>
            {t("work.req.acknowledge")}
          </ActionButton>
        )}
        {r.status === "acknowledged" && (
          <ActionButton testid="start" onAct={() => step({ action: "start" })}>
            {t("work.req.start")}
          </ActionButton>
        )}
        {r.status === "in_progress" && (
          <button type="button" class="btn" data-testid="resolve" aria-expanded={resolving} onClick={() => setResolving(!resolving)}>
            {t("work.req.resolve")}
          </button>
        )}
        {r.status === "resolved" && (
          <ActionButton testid="close" onAct={() => step({ action: "close" })}>
            {t("work.req.close")}
          </ActionButton>
        )}
        {r.status === "closed" && (
          <ActionButton variant="secondary" testid="reopen" onAct={() => step({ action: "reopen" })}>
            {t("work.req.reopen")}
          </ActionButton>
        )}
        <button type="button" class="btn btn-secondary" aria-expanded={showReferrals} onClick={() => setShowReferrals(!showReferrals)}>
          {t("work.req.referrals")}
        </button>
      </div>
      <ErrorNote error={openError} />
      <div class="w-row">
        <label for={assignId}>{t("work.req.assigned_to")}</label>
        <select
          id={assignId}
          value={r.assigned_to ?? ""}
          onChange={async (e) => {
            const worker = e.currentTarget.value;
            if (!worker) return;
            setAssignError(null);
            try {
              onChange(await post<RequestView>(`/requests/${r.id}/assign`, { worker }));
            } catch (err) {
              setAssignError(err);
            }
          }}
        >
          <option value="">{t("work.req.nobody")}</option>
          {workers.map((w) => (
            <option key={w.account} value={w.account}>
              {w.display_name}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={assignError} />
      {resolving && r.status === "in_progress" && (
        <ResolveForm
          onResolve={async (resolution) => {
            await step({ action: "resolve", resolution });
            setResolving(false);
          }}
          id={r.id}
        />
      )}
      {showReferrals && <Referrals request={r} />}
    </li>
  );
}

function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t("work.age.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t("work.age.hours", { n: hours });
  return t("work.age.days", { n: Math.round(hours / 24) });
}

function ResolveForm({ id, onResolve }: { id: string; onResolve: (r: Resolution) => Promise<void> }) {
  const [kind, setKind] = useState<ResolutionKind>("answered_directly");
  const [reason, setReason] = useState("");
  const { busy, error, submit } = useSubmit(async () => {
    await onResolve(kind === "not_possible" ? { kind, reason: reason.trim() } : { kind });
  });

  return (
    <form
      class="w-form card"
      data-testid="resolve-form"
      onSubmit={submit}
    >
      <fieldset>
        <legend>{t("work.req.outcome")}</legend>
        {RESOLUTIONS.map((k) => (
          <label class="choice" key={k}>
            <input type="radio" name={`w-res-${id}`} checked={kind === k} onChange={() => setKind(k)} />
            {t(`work.resolution.${k}`)}
          </label>
        ))}
      </fieldset>
      {kind === "not_possible" && (
        <>
          <label for={`w-res-reason-${id}`}>{t("work.req.reason")}</label>
          <input id={`w-res-reason-${id}`} required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <p class="muted small">{t("work.req.reason_hint")}</p>
        </>
      )}
      <button type="submit" class="btn" disabled={busy}>
        {t("work.req.resolve_submit")}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function Referrals({ request }: { request: RequestView }) {
  const list = useLoad(() => get<{ items: Referral[] }>(`/requests/${request.id}/referrals`), [request.id]);
  const entries = useLoad(() => get<DirectoryEntry[]>("/directory/services"), []);
  const [entry, setEntry] = useState("");
  const [error, setError] = useState<unknown>(null);
  const selectId = `w-refer-${request.id}`;
  return (
    <div class="w-sub">
      <h3>{t("work.req.referrals")}</h3>
      <Show loaded={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="muted">{t("work.req.no_referrals")}</p>
          ) : (
            <ul class="w-plain">
              {items.map((ref) => (
                <li key={ref.id} data-testid="referral">
                  <strong>{ref.entry_name}</strong> · {dateTime(ref.referred_at)} ·{" "}
                  <span class="badge">{t(`work.referral.${ref.status}`)}</span>
                  {ref.status === "pending" && (
                    <>
                      {" "}
                      <ActionButton
                        variant="secondary"
                        onAct={async () => {
                          await post(`/referrals/${ref.id}/answer`, { confirmed: true });
                          list.reload();
                        }}
                      >
                        {t("work.referral.confirm")}
                      </ActionButton>
                      <ActionButton
                        variant="secondary"
                        onAct={async () => {
                          await post(`/referrals/${ref.id}/answer`, { confirmed: false });
                          list.reload();
                        }}
                      >
                        {t("work.referral.decline")}
                      </ActionButton>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      <form
        class="w-row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!entry) return;
          setError(null);
          try {
            await post(`/requests/${request.id}/referrals`, { entry });
            setEntry("");
            list.reload();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <label for={selectId}>{t("work.req.refer_to")}</label>
        <select id={selectId} value={entry} onChange={(e) => setEntry(e.currentTarget.value)}>
          <option value="">—</option>
          {(entries.data ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
              {d.open_now ? ` (${t("work.dir.open_now")})` : ""}
            </option>
          ))}
        </select>
        <button type="submit" class="btn btn-secondary" disabled={!entry}>
          {t("work.req.refer")}
        </button>
      </form>
      <ErrorNote error={error} />
    </div>
  );
}
