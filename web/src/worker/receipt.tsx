// A consent receipt, printable: the server writes it in the person's
// language (fr, nl or en). It starts in the first of the case's languages
// the receipt exists in; the worker may pick another, then prints.
import { useState } from "preact/hooks";
import { get } from "../api";
import { lang, t, type Lang } from "../i18n";
import { getText, query } from "./net";
import { href } from "./route";
import type { CaseView } from "../types";
import { Show, useLoad } from "./ui";

function caseLanguage(info: CaseView | undefined): Lang | undefined {
  for (const tag of info?.languages ?? []) {
    const code = tag.slice(0, 2).toLowerCase();
    if (code === "fr" || code === "nl" || code === "en") return code;
  }
  return undefined;
}

export function Receipt({ caseId, consent }: { caseId: string; consent: string }) {
  const info = useLoad(() => get<CaseView>(`/cases/${caseId}`), [caseId]);
  const [chosen, setChosen] = useState<Lang | null>(null);
  const ready = info.data !== undefined || info.error !== undefined;
  const language = chosen ?? caseLanguage(info.data) ?? lang.value;
  const text = useLoad(
    () =>
      ready
        ? getText(`/cases/${caseId}/consents/${consent}/receipt${query({ lang: language, format: "text" })}`)
        : new Promise<string>(() => {}),
    [caseId, consent, language, ready],
  );
  return (
    <main id="main" class="page w-receipt">
      <div class="w-no-print w-head">
        <a href={href("case", caseId, "consent")}>{t("work.receipt.back")}</a>
        <label class="w-inline">
          {t("work.receipt.language")}
          <select value={language} onChange={(e) => setChosen(e.currentTarget.value as Lang)}>
            <option value="fr">Français</option>
            <option value="nl">Nederlands</option>
            <option value="en">English</option>
          </select>
        </label>
        <button type="button" class="btn" data-testid="print" onClick={() => window.print()}>
          {t("work.receipt.print")}
        </button>
      </div>
      <h1 class="w-no-print">{t("work.receipt.title")}</h1>
      <Show loaded={text}>
        {(body) => (
          <pre class="w-receipt-text" lang={language} data-testid="receipt">
            {body}
          </pre>
        )}
      </Show>
    </main>
  );
}
