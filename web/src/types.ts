// The API's shapes that both sides read, named after the server's views
// (crates/server/src: cases.rs, messages/, requests/, visits/, plans/) and
// mirroring what the Rust client reads (src/client/). Shapes only one side
// needs live in relative/types.ts and worker/types.ts.

export type Relationship = "parent" | "partner" | "child" | "sibling" | "other_family" | "friend";
export const RELATIONSHIPS: Relationship[] = ["parent", "partner", "child", "sibling", "other_family", "friend"];

export type Membership = { kind: "worker" } | { kind: "detainee" } | { kind: "relative"; relationship: Relationship };

export type LegalSituation =
  | "charged"
  | "sentenced"
  | "interned"
  | "on_leave"
  | "limited_detention"
  | "electronic_monitoring"
  | "released";

export interface CaseView {
  id: string;
  status: "open" | "closed";
  detainee_name: string | null;
  prison_number: string | null;
  institution: string | null;
  legal_situation: LegalSituation | null;
  expected_release: string | null;
  languages: string[];
  interpreter_needed: boolean;
  membership: Membership;
}

/** A device key in the server's directory. */
export interface KeyView {
  public_key: string;
  fingerprint: string;
  version: number;
  created_at: string;
}

export interface PartyView {
  account: string;
  display_name: string;
  membership: Membership;
  key: KeyView | null;
}

export type MessageStatus =
  | { status: "pending_relay" }
  | { status: "held"; reason: string }
  | { status: "delivered"; in_person: boolean }
  | { status: "read" };

export interface MessageView {
  id: string;
  case: string;
  sender: string;
  on_behalf_of: string | null;
  status: MessageStatus;
  created_at: string;
  updated_at: string;
  envelope: string;
}

export interface MessagePage {
  items: MessageView[];
  /** The `before` cursor of the next page; null on the last page. */
  next: number | null;
}

export const CATEGORIES = [
  "clothing_and_linen",
  "money_deposit",
  "documents_and_id",
  "contacting_the_lawyer",
  "cpas_benefits",
  "mutualite",
  "housing",
  "debts",
  "residence_status",
  "children",
  "transport_to_visits",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** From the least to the most pressing: the order a relative chooses in. */
export const URGENCIES = ["low", "normal", "high", "urgent"] as const;
export type Urgency = (typeof URGENCIES)[number];

export type RequestStatus = "submitted" | "acknowledged" | "in_progress" | "resolved" | "closed";
export type Resolution =
  | { kind: "answered_directly" }
  | { kind: "professional_service" }
  | { kind: "solidarity_initiative" }
  | { kind: "not_possible"; reason: string };
export type ResolutionKind = Resolution["kind"];
export const RESOLUTIONS: ResolutionKind[] = [
  "answered_directly",
  "professional_service",
  "solidarity_initiative",
  "not_possible",
];

export interface RequestView {
  id: string;
  case: string;
  author: string;
  on_behalf: boolean;
  category: Category;
  urgency: Urgency;
  status: RequestStatus;
  /** Absent before it is resolved, and for a relative without `requests` consent. */
  resolution?: Resolution;
  assigned_to: string | null;
  created_at: string;
  acknowledged_at: string | null;
  seconds_to_acknowledge: number | null;
  resolved_at: string | null;
  closed_at: string | null;
  updated_at: string;
  envelope?: string;
}

export type VisitKind = "ordinary" | "extended_family" | "video";
export type Slot = "morning" | "afternoon" | "any";
export interface PreferredDate {
  date: string;
  slot: Slot;
}
export interface Forwarding {
  at: string;
  by: string;
  reference: string | null;
}
export interface Appointment {
  date: string;
  time: string;
  place: string;
}
export type VisitStatus =
  | { status: "submitted" }
  | { status: "under_review" }
  | ({ status: "forwarded" } & Forwarding)
  | ({ status: "scheduled" } & Appointment)
  | { status: "refused"; reason: string }
  | { status: "done" }
  | { status: "cancelled"; by: "relative" | "worker"; reason: string | null };

export interface VisitView {
  id: string;
  case: string;
  relative: string;
  kind: VisitKind;
  dates: PreferredDate[];
  adults: number;
  minor_ages: number[];
  status: VisitStatus;
  forwarding: Forwarding | null;
  appointment: Appointment | null;
  created_at: string;
  updated_at: string;
  note: string | null;
}

export type ItemOwner = { kind: "worker" } | { kind: "detainee" } | { kind: "relative"; account: string };
export type ItemStatus = "todo" | "in_progress" | "done" | "not_needed";
export type ReleaseKind =
  | "end_of_sentence"
  | "conditional_release"
  | "electronic_monitoring"
  | "limited_detention"
  | "provisional_release"
  | "leave";
export const RELEASE_KINDS: ReleaseKind[] = [
  "end_of_sentence",
  "conditional_release",
  "electronic_monitoring",
  "limited_detention",
  "provisional_release",
  "leave",
];

export interface PlanNote {
  id: string;
  author: string;
  envelope: string;
  created_at: string;
}

export interface PlanItem {
  id: string;
  key: string;
  offset_days: number;
  due_date: string | null;
  owner: ItemOwner;
  status: ItemStatus;
  updated_at: string;
  notes: PlanNote[];
}

export interface PlanView {
  id: string;
  case: string;
  release_date: string;
  confirmed: boolean;
  kind: ReleaseKind;
  revision: number;
  items: PlanItem[];
}
