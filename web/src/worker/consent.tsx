// Consent: what each relative may see and do now, the full history
// (append-only: a revocation is a new record), a form to record a grant or
// a revocation, and the receipt to print for the detained person.
import { sha256 } from "@noble/hashes/sha2.js";
import { useRef, useState } from "preact/hooks";
import { get, post } from "../api";
import { t } from "../i18n";
import type { CaseProps } from "./case";
import { href } from "./route";
import { METHODS, SCOPES, type ConsentMethod, type ConsentRecord, type ConsentState, type Restriction, type Scope } from "./types";
import { dateTime, ErrorNote, nameOf, Show, useLoad, useSubmit } from "./ui";

/** Local midnight of a `YYYY-MM-DD` day, as an RFC 3339 instant. */
function startOf(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).toISOString();
}

async function sha256Hex(file: File): Promise<string> {
  // Only the hash leaves the device; the scan itself stays with the service.
  // (noble rather than crypto.subtle, which plain-HTTP intranets lack.)
  const digest = sha256(new Uint8Array(await file.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function ConsentSection(props: CaseProps) {
  const { info, parties } = props;
  const state = useLoad(() => get<ConsentState>(`/cases/${info.id}/consents`), [info.id]);
  // A restriction overrides consent: say so next to the scopes it voids.
  const restrictions = useLoad(() => get<Restriction[]>(`/cases/${info.id}/restrictions`), [info.id]);
  const barred = new Set((restrictions.data ?? []).filter((r) => !r.lifted).map((r) => r.relative));
  const relatives = parties.filter((p) => p.membership.kind === "relative");
  // "Withdraw…" on a relative's row fills the form with a revocation of
  // everything they hold; a new key remounts the form with it.
  const [preset, setPreset] = useState<{ grantee: string; scopes: Scope[]; n: number } | null>(null);
  return (
    <section aria-labelledby="w-consent">
      <h2 id="w-consent">{t("work.tab.consent")}</h2>
      <Show loaded={state}>
        {(s) => (
          <>
            <h3>{t("work.consent.now")}</h3>
            {s.effective.length === 0 ? (
              <p class="empty">{t("work.consent.no_relatives")}</p>
            ) : (
              <table class="w-table">
                <thead>
                  <tr>
                    <th scope="col">{t("work.consent.relative")}</th>
                    <th scope="col">{t("work.consent.scopes")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("work.consent.withdraw")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {s.effective.map((e) => (
                    <tr key={e.grantee} data-testid="effective">
                      <td>{nameOf(parties, e.grantee)}</td>
                      <td>
                        {barred.has(e.grantee) && (
                          <span class="badge badge-danger w-scope" data-testid="barred">
                            {t("work.consent.barred")}
                          </span>
                        )}
                        {e.scopes.length === 0 ? (
                          <span class="muted">{t("work.consent.none")}</span>
                        ) : (
                          e.scopes.map((scope) => (
                            <span class="badge w-scope" key={scope}>
                              {t(`work.scope.${scope}`)}
                            </span>
                          ))
                        )}
                      </td>
                      <td>
                        {e.scopes.length > 0 && (
                          <button
                            type="button"
                            class="btn btn-secondary"
                            data-testid="withdraw"
                            onClick={() => {
                              setPreset({ grantee: e.grantee, scopes: e.scopes, n: (preset?.n ?? 0) + 1 });
                              requestAnimationFrame(() => document.getElementById("w-consent-form")?.focus());
                            }}
                          >
                            {t("work.consent.withdraw")}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {relatives.length > 0 && (
              <ConsentForm key={preset?.n ?? 0} {...props} current={s} preset={preset} onRecorded={state.reload} />
            )}
            <h3>{t("work.consent.history")}</h3>
            {s.history.length === 0 ? (
              <p class="empty">{t("work.consent.no_history")}</p>
            ) : (
              <div class="w-scroll">
              <table class="w-table">
                <thead>
                  <tr>
                    <th scope="col">{t("work.consent.recorded_at")}</th>
                    <th scope="col">{t("work.consent.relative")}</th>
                    <th scope="col">{t("work.consent.change")}</th>
                    <th scope="col">{t("work.consent.scopes")}</th>
                    <th scope="col">{t("work.consent.validity")}</th>
                    <th scope="col">{t("work.consent.method")}</th>
                    <th scope="col">{t("work.consent.recorded_by")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("work.consent.receipt")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...s.history].reverse().map((r) => (
                    <HistoryRow key={r.id} record={r} {...props} />
                  ))}
                </tbody>
              </table>
              </div>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function HistoryRow({ record: r, parties, info }: CaseProps & { record: ConsentRecord }) {
  return (
    <tr data-testid="consent-record">
      <td>{dateTime(r.recorded_at)}</td>
      <td>{nameOf(parties, r.grantee)}</td>
      <td>{r.change === "grant" ? t("work.consent.grant") : t("work.consent.revoke")}</td>
      <td>{r.scopes.map((s) => t(`work.scope.${s}`)).join(", ")}</td>
      <td>
        {r.change === "grant"
          ? r.valid_until
            ? t("work.consent.from_until", { from: dateTime(r.valid_from), until: dateTime(r.valid_until) })
            : t("work.consent.from", { from: dateTime(r.valid_from) })
          : "—"}
      </td>
      <td>{t(`work.method.${r.method}`)}</td>
      <td>{nameOf(parties, r.recorded_by)}</td>
      <td>
        <a href={href("case", info.id, "receipt", r.id)} data-testid="receipt-link">
          {t("work.consent.receipt")}
        </a>
      </td>
    </tr>
  );
}

function ConsentForm({
  info,
  parties,
  current,
  preset,
  onRecorded,
}: CaseProps & { current: ConsentState; preset: { grantee: string; scopes: Scope[] } | null; onRecorded: () => void }) {
  const relatives = parties.filter((p) => p.membership.kind === "relative");
  const [grantee, setGrantee] = useState(preset?.grantee ?? relatives[0]?.account ?? "");
  const [change, setChange] = useState<"grant" | "revoke">(preset ? "revoke" : "grant");
  const [scopes, setScopes] = useState<Scope[]>(preset?.scopes ?? []);
  const [from, setFrom] = useState("");
  const [until, setUntil] = useState("");
  const [method, setMethod] = useState<ConsentMethod>("in_person");
  const [evidence, setEvidence] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const [done, setDone] = useState<ConsentRecord | null>(null);
  const held = current.effective.find((e) => e.grantee === grantee)?.scopes ?? [];

  const { busy, error, submit } = useSubmit(async () => {
    setDone(null);
    const body: Record<string, unknown> = { grantee, change, scopes, method };
    if (change === "grant") {
      if (from) body.valid_from = startOf(from);
      if (until) body.valid_until = startOf(until);
    }
    if (evidence) body.evidence_hash = evidence;
    const record = await post<ConsentRecord>(`/cases/${info.id}/consents`, body);
    setDone(record);
    setScopes([]);
    // The evidence belongs to this record only.
    setEvidence(null);
    if (file.current) file.current.value = "";
    onRecorded();
  }, { ready: () => Boolean(grantee) && scopes.length > 0 });

  return (
    <form
      id="w-consent-form"
      tabIndex={-1}
      class="w-form card"
      data-testid="consent-form"
      onSubmit={submit}
    >
      <h3>{t("work.consent.record")}</h3>
      <p class="w-hint">{t("work.consent.record_hint")}</p>
      <label for="w-grantee">{t("work.consent.relative")}</label>
      <select id="w-grantee" value={grantee} onChange={(e) => setGrantee(e.currentTarget.value)}>
        {relatives.map((p) => (
          <option key={p.account} value={p.account}>
            {p.display_name}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>{t("work.consent.change")}</legend>
        <label class="choice">
          <input type="radio" name="w-change" checked={change === "grant"} onChange={() => setChange("grant")} />
          {t("work.consent.grant")}
        </label>
        <label class="choice">
          <input
            type="radio"
            name="w-change"
            data-testid="consent-revoke"
            checked={change === "revoke"}
            onChange={() => setChange("revoke")}
          />
          {t("work.consent.revoke")}
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("work.consent.scopes")}</legend>
        {/* The label holds the scope's name alone; what is held now sits
            beside it, so the label reads the same whatever the state. */}
        {SCOPES.map((scope) => (
          <div class="w-scope-choice" key={scope}>
            <label class="choice">
              <input
                type="checkbox"
                name="scope"
                value={scope}
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((list) => (e.currentTarget.checked ? [...list, scope] : list.filter((s) => s !== scope)))
                }
              />
              {t(`work.scope.${scope}`)}
            </label>
            {held.includes(scope) && <span class="badge badge-ok">{t("work.consent.held_now")}</span>}
          </div>
        ))}
      </fieldset>
      {change === "grant" && (
        <div class="w-row">
          <div>
            <label for="w-from">{t("work.consent.valid_from")}</label>
            <input id="w-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
            <p class="w-hint">{t("work.consent.valid_from_hint")}</p>
          </div>
          <div>
            <label for="w-until">{t("work.consent.valid_until")}</label>
            <input id="w-until" type="date" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
            <p class="w-hint">{t("work.consent.valid_until_hint")}</p>
          </div>
        </div>
      )}
      <label for="w-method">{t("work.consent.method")}</label>
      <select id="w-method" value={method} onChange={(e) => setMethod(e.currentTarget.value as ConsentMethod)}>
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {t(`work.method.${m}`)}
          </option>
        ))}
      </select>
      <label for="w-evidence">{t("work.consent.evidence")}</label>
      <input
        id="w-evidence"
        ref={file}
        type="file"
        onChange={async (e) => {
          const file = e.currentTarget.files?.[0];
          setEvidence(file ? await sha256Hex(file) : null);
        }}
      />
      <p class="w-hint">{evidence ? t("work.consent.evidence_hash", { hash: evidence.slice(0, 16) }) : t("work.consent.evidence_hint")}</p>
      <button type="submit" class="btn" data-testid="consent-submit" disabled={busy || scopes.length === 0}>
        {change === "grant" ? t("work.consent.submit_grant") : t("work.consent.submit_revoke")}
      </button>
      {done && (
        <p class="note note-ok" role="status">
          {t("work.consent.recorded")}{" "}
          <a href={href("case", info.id, "receipt", done.id)}>{t("work.consent.print_receipt")}</a>
        </p>
      )}
      <ErrorNote error={error} />
    </form>
  );
}
