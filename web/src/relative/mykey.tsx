// My key: this phone's fingerprint, and the safety number shared with each
// social worker of my case(s), to compare in person. If the digits match,
// nobody stands between us.
import { get } from "../api";
import { fingerprint, safetyNumber } from "../crypto";
import { EmptyState, ErrorNote, groupDigits, Loading, PageTitle, useLoad } from "../components";
import { t } from "../i18n";
import { deviceKey } from "../session";
import { BackLink, caseTitle, workersOf } from "./common";
import { keyOf } from "../components/sealing";
import type { CaseView, PartyView } from "../types";

export function MyKey() {
  const mine = deviceKey.value?.public;
  const cases = useLoad(async () => {
    const list = await get<CaseView[]>("/cases");
    return Promise.all(list.map(async (c) => ({ id: c.id, parties: await get<PartyView[]>(`/cases/${encodeURIComponent(c.id)}/parties`) })));
  }, []);
  if (!mine) return null;
  return (
    <main id="main" class="stack">
      <BackLink to="/" />
      <PageTitle>{t("rel.key.title")}</PageTitle>
      <p>{t("rel.key.intro")}</p>
      <section class="card stack-tight" aria-labelledby="fingerprint-title">
        <h2 id="fingerprint-title">{t("rel.key.fingerprint")}</h2>
        <p class="digits" data-testid="fingerprint">
          {groupDigits(fingerprint(mine))}
        </p>
      </section>
      <section class="stack" aria-labelledby="safety-title">
        <h2 id="safety-title">{t("rel.key.safety_title")}</h2>
        <p>{t("rel.key.safety_intro")}</p>
        {cases.error ? (
          <ErrorNote error={cases.error} />
        ) : !cases.data ? (
          <Loading />
        ) : (
          cases.data.map((c) => {
            const workers = workersOf(c.parties).filter((w) => keyOf(w));
            return (
              <div class="stack-tight" key={c.id}>
                {cases.data!.length > 1 ? <h3>{caseTitle(c.parties)}</h3> : null}
                {workers.length === 0 ? (
                  <EmptyState>{t("rel.key.no_workers")}</EmptyState>
                ) : (
                  workers.map((w) => (
                    <div class="card stack-tight" key={w.account} data-testid="safety-number">
                      <h3>{w.display_name}</h3>
                      <p class="digits digits-lines">{safetyNumber(mine, keyOf(w)!)}</p>
                      {w.key && w.key.version > 1 ? <p class="small muted">{t("rel.key.changed", { version: w.key.version })}</p> : null}
                    </div>
                  ))
                )}
              </div>
            );
          })
        )}
      </section>
    </main>
  );
}
