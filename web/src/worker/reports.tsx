// The request trend report for a coordinator's service: monthly counts by
// domain, category and response. Counts under the threshold come back
// empty (suppressed), so no person can be singled out.
import { useState } from "preact/hooks";
import { get } from "../api";
import { PageTitle } from "../components";
import { t } from "../i18n";
import type { InterventionDomain } from "./directory";
import { getBlob, query } from "./net";
import type { Category, ResolutionKind } from "../types";
import { ActionButton, Show, useLoad } from "./ui";

interface Cell {
  month: string;
  domain: InterventionDomain;
  category: Category;
  response: "open" | ResolutionKind;
  count: number | null;
}

interface Report {
  service: string;
  from: string;
  to: string;
  threshold: number;
  cells: Cell[];
}

const RESPONSES: Cell["response"][] = ["open", "answered_directly", "professional_service", "solidarity_initiative", "not_possible"];

function monthOf(offset: number): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

export function Reports() {
  const [from, setFrom] = useState(monthOf(-5));
  const [to, setTo] = useState(monthOf(0));
  const [asked, setAsked] = useState({ from, to });
  const report = useLoad(() => get<Report>(`/reports/requests${query({ from: asked.from, to: asked.to })}`), [asked.from, asked.to]);

  return (
    <section>
      <PageTitle>{t("work.rep.title")}</PageTitle>
      <form
        class="w-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ from, to });
        }}
      >
        <label>
          {t("work.rep.from")}
          <input type="month" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t("work.rep.to")}
          <input type="month" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn">
          {t("work.rep.show")}
        </button>
        <ActionButton
          variant="secondary"
          testid="report-csv"
          onAct={async () => {
            // The CSV needs the bearer token, so it is fetched, then saved.
            const blob = await getBlob(`/reports/requests${query({ from: asked.from, to: asked.to, format: "csv" })}`);
            const url = URL.createObjectURL(blob);
            const a = document.createElement("a");
            a.href = url;
            a.download = `requests-${asked.from}-${asked.to}.csv`;
            a.click();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
          }}
        >
          {t("work.rep.csv")}
        </ActionButton>
      </form>
      <Show loaded={report}>
        {(r) => <ReportView report={r} />}
      </Show>
    </section>
  );
}

function ReportView({ report }: { report: Report }) {
  const months = [...new Set(report.cells.map((c) => c.month))];
  const [month, setMonth] = useState("");
  const cells = month ? report.cells.filter((c) => c.month === month) : report.cells;
  return (
    <>
      <p class="muted small">{t("work.rep.threshold", { n: report.threshold, from: report.from, to: report.to })}</p>
      <label class="w-inline">
        {t("work.rep.month")}
        <select value={month} onChange={(e) => setMonth(e.currentTarget.value)} data-testid="report-month">
          <option value="">{t("work.rep.whole_period")}</option>
          {months.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <ReportTable cells={cells} threshold={report.threshold} />
    </>
  );
}

function ReportTable({ cells, threshold }: { cells: Cell[]; threshold: number }) {
  // One row per category (across the period), one column per response:
  // totals sum the shown cells; a suppressed cell makes its total a floor.
  const rows = new Map<Category, { domain: InterventionDomain; counts: Map<string, { sum: number; hidden: boolean }> }>();
  for (const cell of cells) {
    let row = rows.get(cell.category);
    if (!row) {
      row = { domain: cell.domain, counts: new Map() };
      rows.set(cell.category, row);
    }
    const entry = row.counts.get(cell.response) ?? { sum: 0, hidden: false };
    if (cell.count === null) entry.hidden = true;
    else entry.sum += cell.count;
    row.counts.set(cell.response, entry);
  }
  const show = (e: { sum: number; hidden: boolean } | undefined) => {
    if (!e) return "";
    if (e.hidden && e.sum === 0)
      return (
        <abbr title={t("work.rep.suppressed", { n: threshold })}>
          {"<"} {threshold}
        </abbr>
      );
    return e.hidden ? `≥ ${e.sum}` : String(e.sum);
  };
  return (
    <>
      <div class="w-scroll">
        <table class="w-table" data-testid="report">
          <caption class="visually-hidden">{t("work.rep.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("work.rep.domain")}</th>
              <th scope="col">{t("work.rep.category")}</th>
              {RESPONSES.map((r) => (
                <th scope="col" key={r} class="w-num">
                  {r === "open" ? t("work.rep.open") : t(`work.resolution.${r}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...rows.entries()].map(([category, row]) => (
              <tr key={category}>
                <td>{t(`work.domain.${row.domain}`)}</td>
                <th scope="row">{t(`work.category.${category}`)}</th>
                {RESPONSES.map((r) => (
                  <td key={r} class="w-num">
                    {show(row.counts.get(r))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
