// Invitations: a single-use, expiring code for a relative or the detained
// person, shown large enough to read aloud on the phone or copy.
import { useState } from "preact/hooks";
import { post } from "../api";
import { t } from "../i18n";
import type { CaseProps } from "./case";
import { RELATIONSHIPS, type Relationship } from "../types";
import type { Invitation } from "./types";
import { dateTime, ErrorNote, useSubmit } from "./ui";

function chunks(code: string): string[] {
  return code.match(/.{1,4}/g) ?? [code];
}

export function Invitations({ info, parties }: CaseProps) {
  const hasDetainee = parties.some((p) => p.membership.kind === "detainee");
  const [who, setWho] = useState<"relative" | "detainee">("relative");
  const [relationship, setRelationship] = useState<Relationship>("parent");
  const [code, setCode] = useState<Invitation | null>(null);
  const [copied, setCopied] = useState(false);

  const { busy, error, submit } = useSubmit(async () => {
    setCopied(false);
    const body = who === "relative" ? { role: "relative", relationship } : { role: "detainee" };
    setCode(await post<Invitation>(`/cases/${info.id}/invitations`, body));
  });

  return (
    <section aria-labelledby="w-invite">
      <h2 id="w-invite">{t("work.tab.invitations")}</h2>
      <form
        class="w-form card"
        data-testid="invite-form"
        onSubmit={submit}
      >
        <fieldset>
          <legend>{t("work.invite.who")}</legend>
          <label class="choice">
            <input type="radio" name="w-who" checked={who === "relative"} onChange={() => setWho("relative")} />
            {t("work.invite.relative")}
          </label>
          {!hasDetainee && (
            <label class="choice">
              <input type="radio" name="w-who" checked={who === "detainee"} onChange={() => setWho("detainee")} />
              {t("work.invite.detainee")}
            </label>
          )}
        </fieldset>
        {who === "relative" && (
          <>
            <label for="w-rel">{t("work.invite.relationship")}</label>
            <select id="w-rel" value={relationship} onChange={(e) => setRelationship(e.currentTarget.value as Relationship)}>
              {RELATIONSHIPS.map((r) => (
                <option key={r} value={r}>
                  {t(`work.relationship.${r}`)}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="submit" class="btn" data-testid="invite-submit" disabled={busy}>
          {t("work.invite.create")}
        </button>
        <ErrorNote error={error} />
      </form>
      {code && (
        <div class="w-code-box" role="status">
          <p>{t("work.invite.give")}</p>
          {/* Groups of four to read aloud; drawn apart by CSS only, so the
              text copied or read by a screen reader is the exact code. */}
          <p class="w-code" data-testid="invitation-code">
            {chunks(code.code).map((part, i) => (
              <span key={i}>{part}</span>
            ))}
          </p>
          <p class="muted">{t("work.invite.expires", { when: dateTime(code.expires_at) })}</p>
          <button
            type="button"
            class="btn btn-secondary"
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(code.code);
                setCopied(true);
              } catch {
                setCopied(false);
              }
            }}
          >
            {copied ? t("work.invite.copied") : t("work.invite.copy")}
          </button>
          <p class="w-hint">{t("work.invite.once")}</p>
        </div>
      )}
    </section>
  );
}
