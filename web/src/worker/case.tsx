// One case: its parties and a section per kind of work, each a hash route
// (#/work/case/{id}/{tab}) so a queue row lands on the right one.
import { get } from "../api";
import { PageTitle } from "../components";
import { t } from "../i18n";
import { href } from "./route";
import { caseLabel } from "./queue";
import type { CaseView, PartyView } from "../types";
import { day, membershipText, Show, useLoad } from "./ui";
import { Messages } from "./messages";
import { ConsentSection } from "./consent";
import { Restrictions } from "./restrictions";
import { Invitations } from "./invite";
import { Requests } from "./requests";
import { Visits } from "./visits";
import { Plan } from "./plan";

export interface CaseProps {
  info: CaseView;
  parties: PartyView[];
  reloadParties: () => void;
  item?: string;
}

const TABS = ["overview", "messages", "consent", "restrictions", "invitations", "requests", "visits", "plan"] as const;
type Tab = (typeof TABS)[number];

export function CaseScreen({ id, tab, item }: { id: string; tab: string; item?: string }) {
  const info = useLoad(() => get<CaseView>(`/cases/${id}`), [id]);
  const parties = useLoad(() => get<PartyView[]>(`/cases/${id}/parties`), [id]);
  const current: Tab = (TABS as readonly string[]).includes(tab) ? (tab as Tab) : "overview";
  return (
    <Show loaded={info}>
      {(c) => (
        <article class="w-case">
          <header class="w-case-head">
            <PageTitle>{caseLabel(c)}</PageTitle>
            <p class="muted">
              {[
                c.institution,
                c.legal_situation && t(`work.situation.${c.legal_situation}`),
                c.expected_release && t("work.case.release_on", { date: day(c.expected_release) }),
                c.status === "closed" && t("work.case.status.closed"),
              ]
                .filter(Boolean)
                .join(" · ")}
            </p>
          </header>
          <nav class="w-tabs" aria-label={t("work.case.sections")}>
            <ul>
              {TABS.map((name) => (
                <li key={name}>
                  <a href={href("case", id, name)} aria-current={name === current ? "page" : undefined}>
                    {t(`work.tab.${name}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <Show loaded={parties}>
            {(list) => {
              const props: CaseProps = { info: c, parties: list, reloadParties: parties.reload, item };
              switch (current) {
                case "overview":
                  return <Overview {...props} />;
                case "messages":
                  return <Messages {...props} />;
                case "consent":
                  return <ConsentSection {...props} />;
                case "restrictions":
                  return <Restrictions {...props} />;
                case "invitations":
                  return <Invitations {...props} />;
                case "requests":
                  return <Requests {...props} />;
                case "visits":
                  return <Visits {...props} />;
                case "plan":
                  return <Plan {...props} />;
              }
            }}
          </Show>
        </article>
      )}
    </Show>
  );
}

function Overview({ info, parties }: CaseProps) {
  return (
    <section aria-labelledby="w-parties">
      <h2 id="w-parties">{t("work.tab.overview")}</h2>
      <dl class="w-facts">
        <dt>{t("work.case.prison_number")}</dt>
        <dd>{info.prison_number ?? "—"}</dd>
        <dt>{t("work.case.languages")}</dt>
        <dd>{info.languages.join(", ") || "—"}</dd>
        <dt>{t("work.case.interpreter")}</dt>
        <dd>{info.interpreter_needed ? t("work.yes") : t("work.no")}</dd>
      </dl>
      <h3>{t("work.parties.title")}</h3>
      <table class="w-table">
        <thead>
          <tr>
            <th scope="col">{t("work.parties.name")}</th>
            <th scope="col">{t("work.parties.role")}</th>
            <th scope="col">{t("work.parties.key")}</th>
          </tr>
        </thead>
        <tbody>
          {parties.map((p) => (
            <tr key={p.account} data-testid="party">
              <td>{p.display_name}</td>
              <td>{membershipText(p.membership)}</td>
              <td>
                {p.key ? (
                  <>
                    <code class="w-fingerprint">{p.key.fingerprint}</code>
                    {p.key.version > 1 && (
                      <span class="badge badge-warn"> {t("work.parties.key_changed", { version: p.key.version })}</span>
                    )}
                  </>
                ) : (
                  <span class="muted">{t("work.parties.no_key")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
