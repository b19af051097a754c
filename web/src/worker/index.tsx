// The worker's desk: the work queue, cases, relaying, consent, requests,
// release plans, the directory and reports. Hash routes under #/work/.
import "./worker.css";
import { useEffect } from "preact/hooks";
import { session } from "../session";
import { t } from "../i18n";
import { route, href } from "./route";
import { Queue, CaseList } from "./queue";
import { CaseScreen } from "./case";
import { Receipt } from "./receipt";
import { Directory } from "./directory";
import { Reports } from "./reports";
import { listen } from "./live";

export function WorkerApp() {
  useEffect(() => {
    const abort = new AbortController();
    void listen(abort.signal);
    return () => abort.abort();
  }, []);
  const current = route.value;
  const coordinator = session.value?.role === "coordinator";
  const links: { to: string; label: string; active: boolean }[] = [
    { to: href(), label: t("work.nav.queue"), active: current.screen === "queue" },
    { to: href("cases"), label: t("work.nav.cases"), active: current.screen === "cases" || current.screen === "case" },
    { to: href("directory"), label: t("work.nav.directory"), active: current.screen === "directory" },
  ];
  if (coordinator) links.push({ to: href("reports"), label: t("work.nav.reports"), active: current.screen === "reports" });
  if (current.screen === "receipt") return <Receipt caseId={current.id} consent={current.consent} />;
  return (
    <div class="page page-wide w-desk">
      <nav class="w-nav" aria-label={t("work.nav.label")}>
        <ul>
          {links.map((l) => (
            <li key={l.to}>
              <a href={l.to} aria-current={l.active ? "page" : undefined}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="w-main">
        {current.screen === "queue" && <Queue />}
        {current.screen === "cases" && <CaseList />}
        {current.screen === "case" && <CaseScreen id={current.id} tab={current.tab} item={current.item} />}
        {current.screen === "directory" && <Directory />}
        {current.screen === "reports" && (coordinator ? <Reports /> : <Queue />)}
      </main>
    </div>
  );
}
