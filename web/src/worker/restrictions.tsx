// No-contact restrictions: they override consent in both directions from
// the next request on. Lifting one keeps its record.
import { useState } from "preact/hooks";
import { get, post } from "../api";
import { t } from "../i18n";
import type { CaseProps } from "./case";
import type { Restriction, RestrictionKind } from "./types";
import { ActionButton, dateTime, ErrorNote, nameOf, Show, useLoad, useSubmit } from "./ui";

const KINDS: RestrictionKind[] = ["court_order", "protection_request"];

export function Restrictions({ info, parties }: CaseProps) {
  const list = useLoad(() => get<Restriction[]>(`/cases/${info.id}/restrictions`), [info.id]);
  const relatives = parties.filter((p) => p.membership.kind === "relative");
  const [relative, setRelative] = useState(relatives[0]?.account ?? "");
  const [kind, setKind] = useState<RestrictionKind>("court_order");

  const { busy, error, submit } = useSubmit(async () => {
    await post(`/cases/${info.id}/restrictions`, { relative, kind });
    list.reload();
  });

  return (
    <section aria-labelledby="w-restr">
      <h2 id="w-restr">{t("work.tab.restrictions")}</h2>
      <p class="w-hint">{t("work.restr.explain")}</p>
      <Show loaded={list}>
        {(items) =>
          items.length === 0 ? (
            <p class="empty">{t("work.restr.empty")}</p>
          ) : (
            <div class="w-scroll">
            <table class="w-table">
              <thead>
                <tr>
                  <th scope="col">{t("work.consent.relative")}</th>
                  <th scope="col">{t("work.restr.kind")}</th>
                  <th scope="col">{t("work.restr.imposed")}</th>
                  <th scope="col">{t("work.restr.state")}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t("work.restr.lift")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id} data-testid="restriction">
                    <td>{nameOf(parties, r.relative)}</td>
                    <td>{t(`work.restr.kind.${r.kind}`)}</td>
                    <td>
                      {dateTime(r.imposed_at)} · {nameOf(parties, r.imposed_by)}
                    </td>
                    <td>
                      {r.lifted
                        ? t("work.restr.lifted", { when: dateTime(r.lifted[1]), who: nameOf(parties, r.lifted[0]) })
                        : <span class="badge badge-danger">{t("work.restr.active")}</span>}
                    </td>
                    <td>
                      {!r.lifted && (
                        <ActionButton
                          variant="secondary"
                          testid="lift"
                          onAct={async () => {
                            if (!confirm(t("work.restr.lift_confirm", { name: nameOf(parties, r.relative) }))) return;
                            await post(`/cases/${info.id}/restrictions/${r.id}/lift`);
                            list.reload();
                          }}
                        >
                          {t("work.restr.lift")}
                        </ActionButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )
        }
      </Show>
      {relatives.length > 0 && (
        <form
          class="w-form card"
          data-testid="restriction-form"
          onSubmit={submit}
        >
          <h3>{t("work.restr.add")}</h3>
          <label for="w-restr-rel">{t("work.consent.relative")}</label>
          <select id="w-restr-rel" value={relative} onChange={(e) => setRelative(e.currentTarget.value)}>
            {relatives.map((p) => (
              <option key={p.account} value={p.account}>
                {p.display_name}
              </option>
            ))}
          </select>
          <label for="w-restr-kind">{t("work.restr.kind")}</label>
          <select id="w-restr-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as RestrictionKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`work.restr.kind.${k}`)}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-danger" disabled={busy || !relative}>
            {t("work.restr.submit")}
          </button>
          <ErrorNote error={error} />
        </form>
      )}
    </section>
  );
}
