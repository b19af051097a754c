// What only the relative's side reads from the API; the shapes both sides
// share are in ../types.

/** One line of the caller's access trail (crates/server/src/audit.rs). */
export interface AccessView {
  at: string;
  actor: string;
  action: string;
  object_kind: string;
  object_id: string | null;
}
