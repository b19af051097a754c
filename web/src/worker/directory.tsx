// The service directory: search by domain, language and "open now"; a
// coordinator adds and edits their own service's entries. A confidential
// address (a shelter) is shown to staff only, and marked as such.
import { useState } from "preact/hooks";
import { del, get, post, put } from "../api";
import { t } from "../i18n";
import { session } from "../session";
import { query } from "./net";
import { Field, PageTitle } from "../components";
import { ActionButton, ErrorNote, languageList, Show, SubmitOrCancel, useLoad, useSubmit } from "./ui";

export type InterventionDomain =
  | "listening_support"
  | "procedure_information"
  | "money_and_debt"
  | "residence_status"
  | "practical_requests"
  | "administrative_help"
  | "family_ties"
  | "referral_coordination";
export const DOMAINS: InterventionDomain[] = [
  "listening_support",
  "procedure_information",
  "money_and_debt",
  "residence_status",
  "practical_requests",
  "administrative_help",
  "family_ties",
  "referral_coordination",
];

type Day = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

interface Address {
  street: string;
  postal_code: string;
  city: string;
  country: string;
}

export interface DirectoryEntry {
  id: string;
  service: string;
  name: string;
  description: string;
  domains: InterventionDomain[];
  languages: string[];
  hours: { day: Day; ranges: { opens: string; closes: string }[] }[];
  contact: { phone?: string; email?: string; website?: string };
  address?: Address;
  address_confidential?: boolean;
  open_now: boolean;
}

export function Directory() {
  const [domain, setDomain] = useState("");
  const [language, setLanguage] = useState("");
  const [openNow, setOpenNow] = useState(false);
  const [editing, setEditing] = useState<DirectoryEntry | "new" | null>(null);
  const results = useLoad(
    () => get<DirectoryEntry[]>(`/directory/services${query({ domain, language: language.trim(), open_now: openNow ? "true" : undefined })}`),
    [domain, language, openNow],
  );
  const me = session.value;
  const coordinator = me?.role === "coordinator";

  return (
    <section>
      <div class="w-head">
        <PageTitle>{t("work.dir.title")}</PageTitle>
        {coordinator && (
          <button type="button" class="btn" data-testid="dir-new" onClick={() => setEditing("new")}>
            {t("work.dir.new")}
          </button>
        )}
      </div>
      <form class="w-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("work.dir.domain")}
          <select value={domain} onChange={(e) => setDomain(e.currentTarget.value)}>
            <option value="">{t("work.dir.any")}</option>
            {DOMAINS.map((d) => (
              <option key={d} value={d}>
                {t(`work.domain.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("work.dir.language")}
          <input type="search" value={language} placeholder="fr, nl, ar…" onInput={(e) => setLanguage(e.currentTarget.value)} />
        </label>
        <label class="choice">
          <input type="checkbox" checked={openNow} onChange={(e) => setOpenNow(e.currentTarget.checked)} />
          {t("work.dir.open_now_only")}
        </label>
      </form>
      {editing && (
        <EntryForm
          entry={editing === "new" ? null : editing}
          onDone={() => {
            setEditing(null);
            results.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <Show loaded={results}>
        {(entries) =>
          entries.length === 0 ? (
            <p class="empty">{t("work.dir.empty")}</p>
          ) : (
            <ul class="w-list">
              {entries.map((e) => (
                <li key={e.id} class="w-item" data-testid="directory-entry">
                  <div class="w-item-head">
                    <strong>{e.name}</strong>
                    <span class={`badge ${e.open_now ? "badge-ok" : "badge-muted"}`}>
                      {e.open_now ? t("work.dir.open_now") : t("work.dir.closed_now")}
                    </span>
                    <span class="muted small">{e.domains.map((d) => t(`work.domain.${d}`)).join(", ")}</span>
                  </div>
                  {e.description && <p>{e.description}</p>}
                  <p class="small w-dots">
                    {e.languages.length > 0 && <span>{t("work.dir.languages", { languages: e.languages.join(", ") })}</span>}
                    {e.contact.phone && <span>{t("work.dir.phone_is", { phone: e.contact.phone })}</span>}
                    {e.contact.email && <span>{e.contact.email}</span>}
                    {e.contact.website && (
                      <span>
                        <a href={e.contact.website} rel="noopener noreferrer" target="_blank">
                          {e.contact.website}
                        </a>
                      </span>
                    )}
                  </p>
                  {e.address && (
                    <p class="small">
                      {e.address.street}, {e.address.postal_code} {e.address.city}
                      {e.address_confidential && (
                        <>
                          {" "}
                          <span class="badge badge-warn">{t("work.dir.confidential")}</span>
                        </>
                      )}
                    </p>
                  )}
                  {e.hours.length > 0 && (
                    <p class="small muted">
                      {e.hours
                        .map((h) => `${t(`work.day.${h.day}`)} ${h.ranges.map((r) => `${r.opens}–${r.closes}`).join(", ")}`)
                        .join(" · ")}
                    </p>
                  )}
                  {coordinator && (
                    <div class="w-actions">
                      <button type="button" class="btn btn-secondary" onClick={() => setEditing(e)}>
                        {t("work.dir.edit")}
                      </button>
                      <ActionButton
                        variant="danger"
                        onAct={async () => {
                          if (!confirm(t("work.dir.delete_confirm", { name: e.name }))) return;
                          await del(`/directory/services/${e.id}`);
                          results.reload();
                        }}
                      >
                        {t("work.dir.delete")}
                      </ActionButton>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function EntryForm({ entry, onDone, onCancel }: { entry: DirectoryEntry | null; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(entry?.name ?? "");
  const [description, setDescription] = useState(entry?.description ?? "");
  const [domains, setDomains] = useState<InterventionDomain[]>(entry?.domains ?? []);
  const [languages, setLanguages] = useState(entry?.languages.join(", ") ?? "");
  const [phone, setPhone] = useState(entry?.contact.phone ?? "");
  const [email, setEmail] = useState(entry?.contact.email ?? "");
  const [website, setWebsite] = useState(entry?.contact.website ?? "");
  const [street, setStreet] = useState(entry?.address?.street ?? "");
  const [postal, setPostal] = useState(entry?.address?.postal_code ?? "");
  const [city, setCity] = useState(entry?.address?.city ?? "");
  const [confidential, setConfidential] = useState(entry?.address_confidential ?? false);
  const field = (label: string, value: string, set: (v: string) => void, type: "text" | "tel" = "text") => (
    <Field label={label} value={value} onValue={set} type={type} />
  );

  const { busy, error, submit } = useSubmit(async () => {
    const opt = (v: string) => (v.trim() ? v.trim() : undefined);
    const body = {
      name: name.trim(),
      description: description.trim(),
      domains,
      languages: languageList(languages),
      // Hours are kept as they are: this form does not edit them.
      hours: entry?.hours ?? [],
      contact: { phone: opt(phone), email: opt(email), website: opt(website) },
      address: street.trim() ? { street: street.trim(), postal_code: postal.trim(), city: city.trim(), country: "BE" } : undefined,
      address_confidential: confidential,
    };
    if (entry) await put(`/directory/services/${entry.id}`, body);
    else await post(`/directory/services`, body);
    onDone();
  });

  return (
    <form
      class="w-form card"
      data-testid="directory-form"
      onSubmit={submit}
    >
      <h2>{entry ? t("work.dir.edit_title", { name: entry.name }) : t("work.dir.new")}</h2>
      {field(t("work.dir.name"), name, setName)}
      <label for="w-dir-desc">{t("work.dir.description")}</label>
      <textarea id="w-dir-desc" rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <fieldset>
        <legend>{t("work.dir.domains")}</legend>
        {DOMAINS.map((d) => (
          <label class="choice" key={d}>
            <input
              type="checkbox"
              checked={domains.includes(d)}
              onChange={(e) => setDomains((list) => (e.currentTarget.checked ? [...list, d] : list.filter((x) => x !== d)))}
            />
            {t(`work.domain.${d}`)}
          </label>
        ))}
      </fieldset>
      {field(t("work.dir.languages_hint"), languages, setLanguages)}
      <div class="w-row">
        {field(t("work.dir.phone"), phone, setPhone, "tel")}
        {field(t("work.dir.email"), email, setEmail)}
        {field(t("work.dir.website"), website, setWebsite)}
      </div>
      <div class="w-row">
        {field(t("work.dir.street"), street, setStreet)}
        {field(t("work.dir.postal_code"), postal, setPostal)}
        {field(t("work.dir.city"), city, setCity)}
      </div>
      <label class="choice">
        <input type="checkbox" checked={confidential} onChange={(e) => setConfidential(e.currentTarget.checked)} />
        {t("work.dir.confidential_label")}
      </label>
      <SubmitOrCancel label={t("work.dir.save")} disabled={busy || !name.trim() || domains.length === 0} onCancel={onCancel} />
      <ErrorNote error={error} />
    </form>
  );
}
