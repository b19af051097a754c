// Opening a case: the worker who opens it is assigned to it. The detained
// person's name and prison number are stored encrypted at rest by the
// server, and shown only to the case's staff and the person.
import { useState } from "preact/hooks";
import { post } from "../api";
import { Field } from "../components";
import { t } from "../i18n";
import { href } from "./route";
import type { CaseView, LegalSituation } from "../types";
import { ErrorNote, languageList, SubmitOrCancel, useSubmit } from "./ui";

const SITUATIONS: LegalSituation[] = [
  "charged",
  "sentenced",
  "interned",
  "on_leave",
  "limited_detention",
  "electronic_monitoring",
  "released",
];

export function NewCase({ onCancel }: { onCancel: () => void }) {
  const [name, setName] = useState("");
  const [number, setNumber] = useState("");
  const [institution, setInstitution] = useState("");
  const [situation, setSituation] = useState<LegalSituation>("charged");
  const [release, setRelease] = useState("");
  const [languages, setLanguages] = useState("");
  const [interpreter, setInterpreter] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    const opened = await post<CaseView>("/cases", {
      detainee_name: name.trim(),
      prison_number: number.trim() || null,
      institution: institution.trim(),
      legal_situation: situation,
      expected_release: release || null,
      languages: languageList(languages),
      interpreter_needed: interpreter,
    });
    location.hash = href("case", opened.id, "invitations");
  }, { leaves: true });

  return (
    <form
      class="w-form card"
      data-testid="new-case-form"
      onSubmit={submit}
    >
      <h2>{t("work.newcase.title")}</h2>
      <Field label={t("work.case.detainee")} value={name} onValue={setName} required />
      <Field label={t("work.newcase.prison_number")} value={number} onValue={setNumber} />
      <Field label={t("work.case.institution")} value={institution} onValue={setInstitution} required />
      <label for="w-nc-situation">{t("work.case.situation")}</label>
      <select id="w-nc-situation" value={situation} onChange={(e) => setSituation(e.currentTarget.value as LegalSituation)}>
        {SITUATIONS.map((s) => (
          <option key={s} value={s}>
            {t(`work.situation.${s}`)}
          </option>
        ))}
      </select>
      <Field label={t("work.newcase.release")} type="date" value={release} onValue={setRelease} />
      <Field label={t("work.dir.languages_hint")} value={languages} onValue={setLanguages} />
      <label class="choice">
        <input type="checkbox" checked={interpreter} onChange={(e) => setInterpreter(e.currentTarget.checked)} />
        {t("work.case.interpreter")}
      </label>
      <SubmitOrCancel label={t("work.newcase.submit")} disabled={busy || !name.trim() || !institution.trim()} onCancel={onCancel} />
      <ErrorNote error={error} />
    </form>
  );
}
