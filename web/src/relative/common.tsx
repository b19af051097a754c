// Pieces the relative's screens share: the way back, the case's people,
// and the words for who is who.
import type { ComponentChildren } from "preact";
import { get } from "../api";
import { href } from "../components";
import { t } from "../i18n";
import { session } from "../session";
import type { CaseView, PartyView } from "../types";

/** The case and its people as this relative may see them. */
export interface CaseData {
  view: CaseView;
  parties: PartyView[];
}

export async function loadCase(caseId: string): Promise<CaseData> {
  const id = encodeURIComponent(caseId);
  const [view, parties] = await Promise.all([get<CaseView>(`/cases/${id}`), get<PartyView[]>(`/cases/${id}/parties`)]);
  return { view, parties };
}

/** The detained person, when this relative may know of them (they are
 *  hidden without consent to exchange messages). */
export const detaineeOf = (parties: PartyView[]) => parties.find((p) => p.membership.kind === "detainee");
export const workersOf = (parties: PartyView[]) => parties.filter((p) => p.membership.kind === "worker");

/** What to call the case: the detained person's name when it is shown. */
export function caseTitle(parties: PartyView[]): string {
  const detainee = session.value?.role === "detainee" ? undefined : detaineeOf(parties);
  return detainee ? t("rel.case.with", { name: detainee.display_name }) : t("rel.case.untitled");
}

export function BackLink({ to, children }: { to: string; children?: ComponentChildren }) {
  return (
    <a class="back-link" href={href(to)}>
      <span aria-hidden="true">←&nbsp;</span>
      {children ?? t("rel.back")}
    </a>
  );
}
