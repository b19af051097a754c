// The relative's home: their case (or cases), and a big tile for each
// thing they can do.
import { get } from "../api";
import { EmptyState, ErrorNote, href, Loading, Notice, PageTitle, useLoad } from "../components";
import { t } from "../i18n";
import { session } from "../session";
import { caseTitle, loadCase, workersOf } from "./common";
import type { CaseView } from "../types";

export function Home() {
  const cases = useLoad(() => get<CaseView[]>("/cases"), []);
  if (cases.loading && !cases.data) return <main id="main"><Loading /></main>;
  if (cases.error || !cases.data)
    return (
      <main id="main">
        <ErrorNote error={cases.error} />
      </main>
    );
  const only = cases.data.length === 1 ? cases.data[0] : undefined;
  if (only) return <CaseHome caseId={only.id} />;
  return (
    <main id="main" class="stack">
      <PageTitle>{t("rel.home.title", { name: session.value?.displayName ?? "" })}</PageTitle>
      {cases.data.length === 0 ? (
        <EmptyState>{t("rel.home.no_case")}</EmptyState>
      ) : (
        <ul class="tiles">
          {cases.data.map((c) => (
            <li key={c.id}>
              <CaseTile view={c} />
            </li>
          ))}
        </ul>
      )}
      <GeneralTiles />
    </main>
  );
}

function CaseTile({ view }: { view: CaseView }) {
  const data = useLoad(() => loadCase(view.id), [view.id]);
  return (
    <a class="tile" href={href(`/case/${view.id}`)}>
      <strong>{data.data ? caseTitle(data.data.parties) : t("rel.case.untitled")}</strong>
      <span>{view.status === "closed" ? t("rel.case.closed_short") : t("rel.case.open_short")}</span>
    </a>
  );
}

function GeneralTiles() {
  return (
    <nav aria-label={t("rel.nav.more")}>
      <ul class="tiles">
        <li>
          <a class="tile" href={href("/access")}>
            <strong>{t("rel.access.tile")}</strong>
            <span>{t("rel.access.tile_text")}</span>
          </a>
        </li>
        <li>
          <a class="tile" href={href("/key")}>
            <strong>{t("rel.key.tile")}</strong>
            <span>{t("rel.key.tile_text")}</span>
          </a>
        </li>
      </ul>
    </nav>
  );
}

export function CaseHome({ caseId }: { caseId: string }) {
  const data = useLoad(() => loadCase(caseId), [caseId]);
  if (data.loading && !data.data) return <main id="main"><Loading /></main>;
  if (data.error || !data.data)
    return (
      <main id="main">
        <ErrorNote error={data.error} />
      </main>
    );
  const { view, parties } = data.data;
  const workers = workersOf(parties);
  const base = `/case/${caseId}`;
  return (
    <main id="main" class="stack">
      <div>
        <PageTitle>{caseTitle(parties)}</PageTitle>
        {workers.length > 0 ? (
          <p class="muted">{t("rel.case.followed_by", { names: workers.map((w) => w.display_name).join(", ") })}</p>
        ) : null}
      </div>
      {view.status === "closed" ? (
        <Notice>
          <p>{t("rel.case.closed")}</p>
        </Notice>
      ) : null}
      <nav aria-label={t("rel.nav.case")}>
        <ul class="tiles">
          <li>
            <a class="tile" href={href(`${base}/messages`)} data-testid="tile-messages">
              <strong>{t("rel.msg.tile")}</strong>
              <span>{t("rel.msg.tile_text")}</span>
            </a>
          </li>
          {view.membership.kind === "relative" ? (
            <li>
              <a class="tile" href={href(`${base}/visits`)} data-testid="tile-visits">
                <strong>{t("rel.visit.tile")}</strong>
                <span>{t("rel.visit.tile_text")}</span>
              </a>
            </li>
          ) : null}
          <li>
            <a class="tile" href={href(`${base}/requests`)} data-testid="tile-requests">
              <strong>{t("rel.req.tile")}</strong>
              <span>{t("rel.req.tile_text")}</span>
            </a>
          </li>
          <li>
            <a class="tile" href={href(`${base}/situation`)} data-testid="tile-situation">
              <strong>{t("rel.sit.tile")}</strong>
              <span>{t("rel.sit.tile_text")}</span>
            </a>
          </li>
        </ul>
      </nav>
      <GeneralTiles />
    </main>
  );
}
