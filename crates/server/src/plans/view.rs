//! A release plan as one party sees it: every item with its due date, and
//! the notes sealed to that party.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::Date;
use passerelle_domain::plan::{ItemOwner, ItemStatus, PlanId, PlanItemId, ReleaseKind, due_date};
use passerelle_domain::{AccountId, CaseId};
use passerelle_store::plans::{Plan, PlanItem, PlanNote};
use serde::Serialize;
use utoipa::ToSchema;

/// A release plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PlanId,
    /// The case.
    #[schema(value_type = String, format = Uuid)]
    pub case: CaseId,
    /// The release date, `2027-03-15`.
    #[schema(value_type = String, format = Date)]
    pub release_date: Date,
    /// Whether the date is confirmed (else expected).
    pub confirmed: bool,
    /// `end_of_sentence`, `conditional_release`, `electronic_monitoring`,
    /// `limited_detention`, `provisional_release` or `leave`.
    #[schema(value_type = String)]
    pub kind: ReleaseKind,
    /// 0 when created, one more at every change of the release.
    pub revision: i64,
    /// The checklist, in template order.
    pub items: Vec<ItemView>,
}

/// An item of the checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PlanItemId,
    /// Its stable key (`identity_card`, `housing`, ...), which the
    /// interface translates.
    pub key: String,
    /// Days from the release date.
    pub offset_days: i32,
    /// The release date plus the offset; absent only past the calendar.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Date>,
    /// `{"kind": "worker"}`, `{"kind": "detainee"}` or `{"kind":
    /// "relative", "account": "<id>"}`.
    #[schema(value_type = Object)]
    pub owner: ItemOwner,
    /// `todo`, `in_progress`, `done` or `not_needed`.
    #[schema(value_type = String)]
    pub status: ItemStatus,
    /// When it last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: jiff::Timestamp,
    /// The notes sealed to the viewer, oldest first.
    pub notes: Vec<NoteView>,
}

/// A sealed note on an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    /// Its id.
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    /// Who wrote it.
    #[schema(value_type = String, format = Uuid)]
    pub author: AccountId,
    /// The `plan_note` envelope, standard base64.
    pub envelope: String,
    /// When it was stored.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
}

impl NoteView {
    /// The view of a note.
    pub fn of(note: &PlanNote) -> Self {
        Self {
            id: note.id,
            author: note.author,
            envelope: STANDARD.encode(&note.envelope),
            created_at: note.created_at,
        }
    }
}

impl ItemView {
    /// The view of `item` of a plan released on `release`, for `viewer`.
    pub fn of(item: &PlanItem, release: Date, viewer: AccountId) -> Self {
        Self {
            id: item.id,
            key: item.key.clone(),
            offset_days: item.offset_days,
            due_date: due_date(release, item.offset_days),
            owner: item.owner,
            status: item.status,
            updated_at: item.updated_at,
            notes: item
                .notes
                .iter()
                .filter(|n| n.author == viewer || n.readers.contains(&viewer))
                .map(NoteView::of)
                .collect(),
        }
    }
}

impl PlanView {
    /// The view of `plan` for `viewer`.
    pub fn of(plan: &Plan, viewer: AccountId) -> Self {
        Self {
            id: plan.id,
            case: plan.case,
            release_date: plan.release_date,
            confirmed: plan.confirmed,
            kind: plan.kind,
            revision: plan.revision,
            items: plan
                .items
                .iter()
                .map(|i| ItemView::of(i, plan.release_date, viewer))
                .collect(),
        }
    }
}
