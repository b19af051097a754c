// What only the worker's desk reads from the API, mirroring the server's
// views (crates/server/src) and the Rust client (src/client); the shapes both
// sides share are in ../types.
import type { Urgency } from "../types";

export type Scope = "messages" | "visits" | "case_status" | "release_plan" | "requests" | "health" | "legal";
export const SCOPES: Scope[] = ["messages", "visits", "case_status", "release_plan", "requests", "health", "legal"];

export interface QueueItem {
  kind: "message_pending_relay" | "new_request" | "overdue_acknowledgement" | "visit_to_forward";
  case: string;
  object_kind: "message" | "request" | "visit";
  id: string;
  urgency: Urgency;
  since: string;
}

export interface QueuePage {
  totals: {
    messages_pending_relay: number;
    new_requests: number;
    overdue_acknowledgements: number;
    visits_to_forward: number;
  };
  items: QueueItem[];
  next: string | null;
}

export type ConsentMethod = "in_person" | "signed_paper" | "kiosk";
export const METHODS: ConsentMethod[] = ["in_person", "signed_paper", "kiosk"];

export type ConsentRecord = {
  id: string;
  case: string;
  grantee: string;
  method: ConsentMethod;
  evidence_hash: number[] | null;
  recorded_by: string;
  recorded_at: string;
  scopes: Scope[];
} & ({ change: "grant"; valid_from: string; valid_until: string | null } | { change: "revoke" });

export interface ConsentState {
  history: ConsentRecord[];
  effective: { grantee: string; scopes: Scope[] }[];
}

export type RestrictionKind = "court_order" | "protection_request";

export interface Restriction {
  id: string;
  case: string;
  relative: string;
  kind: RestrictionKind;
  imposed_by: string;
  imposed_at: string;
  /** [who, when] once lifted. */
  lifted: [string, string] | null;
}

export interface Invitation {
  code: string;
  expires_at: string;
}

export interface Referral {
  id: string;
  request: string;
  entry: string | null;
  entry_name: string;
  status: "pending" | "confirmed" | "declined";
  referred_by: string;
  referred_at: string;
  answered_by: string | null;
  answered_at: string | null;
}

export interface Template {
  default: boolean;
  items: { key: string; offset_days: number }[];
}
