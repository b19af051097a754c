//! Storage of release plans, their checklist items and the items' sealed
//! notes.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use passerelle_domain::plan::{
    ItemOwner, ItemStatus, PlanId, PlanItemId, ReleaseKind, TemplateStep,
};
use passerelle_domain::{AccountId, CaseId, ServiceId};
use uuid::Uuid;

use crate::codec::timestamp;
use crate::{Result, StoreError};

/// A plan to create, or the new release of an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    /// The case.
    pub case: CaseId,
    /// The release date.
    pub release_date: Date,
    /// Whether the date is confirmed (else expected).
    pub confirmed: bool,
    /// How the person leaves.
    pub kind: ReleaseKind,
    /// Who set it.
    pub by: AccountId,
}

/// A checklist item to create with a new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlanItem {
    /// Its stable key, unique in the plan.
    pub key: String,
    /// Days from the release date.
    pub offset_days: i32,
    /// Who carries it out.
    pub owner: ItemOwner,
}

/// A stored plan with its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Its id.
    pub id: PlanId,
    /// The case.
    pub case: CaseId,
    /// The release date.
    pub release_date: Date,
    /// Whether the date is confirmed.
    pub confirmed: bool,
    /// How the person leaves.
    pub kind: ReleaseKind,
    /// 0 when created, one more at every change of the release.
    pub revision: i64,
    /// Who last set the release.
    pub updated_by: AccountId,
    /// When it was created.
    pub created_at: Timestamp,
    /// When the release last changed.
    pub updated_at: Timestamp,
    /// The checklist, in template order.
    pub items: Vec<PlanItem>,
}

/// A stored checklist item with its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    /// Its id.
    pub id: PlanItemId,
    /// Its plan.
    pub plan: PlanId,
    /// The case.
    pub case: CaseId,
    /// Its stable key.
    pub key: String,
    /// Days from the release date.
    pub offset_days: i32,
    /// Who carries it out.
    pub owner: ItemOwner,
    /// Where it stands.
    pub status: ItemStatus,
    /// Who changed it last.
    pub updated_by: AccountId,
    /// When.
    pub updated_at: Timestamp,
    /// Its sealed notes, oldest first.
    pub notes: Vec<PlanNote>,
}

/// A sealed note to store on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlanNote {
    /// The item.
    pub item: PlanItemId,
    /// The item's case.
    pub case: CaseId,
    /// Who wrote it.
    pub author: AccountId,
    /// The id inside the envelope; unique (replays).
    pub envelope_id: Uuid,
    /// The envelope, opaque.
    pub envelope: Vec<u8>,
    /// Everyone it is sealed to.
    pub readers: Vec<AccountId>,
}

/// A stored sealed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNote {
    /// Its id.
    pub id: Uuid,
    /// The item.
    pub item: PlanItemId,
    /// Who wrote it.
    pub author: AccountId,
    /// The id inside the envelope.
    pub envelope_id: Uuid,
    /// The envelope, opaque.
    pub envelope: Vec<u8>,
    /// Everyone it is sealed to.
    pub readers: Vec<AccountId>,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// Release plans; part of [`crate::Store`].
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Creates the case's plan with `items`, or, if it has one, sets its
    /// release (date, confirmation, kind) and bumps its revision, leaving
    /// the items as they are. `NotFound` if the case does not exist.
    async fn put_plan(&self, plan: &NewPlan, items: &[NewPlanItem], now: Timestamp)
    -> Result<Plan>;
    /// The case's plan, if it has one.
    async fn plan(&self, case: CaseId) -> Result<Option<Plan>>;
    /// Cancels the pending reminders of `plan` and of `objects` (its items)
    /// that are still ahead of `now` (one already due is left for the pump
    /// to deliver) and schedules `reminders`, in one transaction, unless the
    /// plan has moved past `revision`: the writer of the later revision
    /// then owns its reminders. Returns whether it replaced them. Two
    /// workers setting the plan at once thus leave one set, not two.
    async fn replace_plan_reminders(
        &self,
        plan: PlanId,
        revision: i64,
        objects: &[Uuid],
        reminders: &[crate::notify::NewReminder],
        now: Timestamp,
    ) -> Result<bool>;
    /// One item, with its notes.
    async fn plan_item(&self, id: PlanItemId) -> Result<Option<PlanItem>>;
    /// Moves an item from `from` to `to`: `Conflict` if it is no longer
    /// `from` (someone changed it first).
    async fn set_item_status(
        &self,
        id: PlanItemId,
        from: ItemStatus,
        to: ItemStatus,
        by: AccountId,
        now: Timestamp,
    ) -> Result<PlanItem>;
    /// Stores a sealed note on an item: `Conflict` for an envelope id
    /// already used.
    async fn add_plan_note(&self, note: &NewPlanNote, now: Timestamp) -> Result<PlanNote>;
    /// The service's own checklist template, if it has one.
    async fn service_template(&self, service: ServiceId) -> Result<Option<Vec<TemplateStep>>>;
    /// Creates or replaces the service's template.
    async fn put_service_template(
        &self,
        service: ServiceId,
        steps: &[TemplateStep],
        by: AccountId,
        now: Timestamp,
    ) -> Result<()>;
}

/// A template as stored: `key:offset` pairs joined by commas (keys are
/// `a-z`, `0-9` and `_`).
pub(crate) fn template_text(steps: &[TemplateStep]) -> String {
    steps
        .iter()
        .map(|s| format!("{}:{}", s.key, s.offset_days))
        .collect::<Vec<_>>()
        .join(",")
}

/// The template a stored text holds.
pub(crate) fn template_from(text: &str) -> Result<Vec<TemplateStep>> {
    text.split(',')
        .map(|pair| {
            let (key, offset) = pair.split_once(':').ok_or(corrupt("template item"))?;
            Ok(TemplateStep {
                key: key.to_owned(),
                offset_days: offset.parse().map_err(|_| corrupt("template offset"))?,
            })
        })
        .collect()
}

/// A `plans` row, as both engines return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PlanRow {
    id: Uuid,
    case_id: Uuid,
    release_date: String,
    confirmed: bool,
    kind: String,
    revision: i64,
    updated_by: Uuid,
    created_at: i64,
    updated_at: i64,
}

/// A `plan_items` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ItemRow {
    id: Uuid,
    plan_id: Uuid,
    case_id: Uuid,
    item_key: String,
    offset_days: i32,
    owner_kind: String,
    owner_account: Option<Uuid>,
    status: String,
    updated_by: Uuid,
    updated_at: i64,
}

/// A `plan_notes` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NoteRow {
    id: Uuid,
    item_id: Uuid,
    author_id: Uuid,
    envelope_id: Uuid,
    envelope: Vec<u8>,
    note_readers: String,
    created_at: i64,
}

fn corrupt(what: &'static str) -> StoreError {
    StoreError::Corrupt(what)
}

/// The columns of an owner.
pub(crate) fn owner_columns(owner: ItemOwner) -> (&'static str, Option<Uuid>) {
    match owner {
        ItemOwner::Worker => ("worker", None),
        ItemOwner::Relative(account) => ("relative", Some(account.as_uuid())),
        ItemOwner::Detainee => ("detainee", None),
    }
}

impl TryFrom<NoteRow> for PlanNote {
    type Error = StoreError;

    fn try_from(row: NoteRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            item: PlanItemId::from_uuid(row.item_id),
            author: AccountId::from_uuid(row.author_id),
            envelope_id: row.envelope_id,
            envelope: row.envelope,
            readers: row
                .note_readers
                .split(',')
                .filter(|id| !id.is_empty())
                .map(|id| id.parse().map_err(|_| corrupt("a plan note reader")))
                .collect::<Result<_>>()?,
            created_at: timestamp(row.created_at)?,
        })
    }
}

impl ItemRow {
    /// The item, with those of `notes` that belong to it.
    pub(crate) fn into_item(self, notes: &[PlanNote]) -> Result<PlanItem> {
        let id = PlanItemId::from_uuid(self.id);
        let owner = match (self.owner_kind.as_str(), self.owner_account) {
            ("worker", None) => ItemOwner::Worker,
            ("relative", Some(account)) => ItemOwner::Relative(AccountId::from_uuid(account)),
            ("detainee", None) => ItemOwner::Detainee,
            _ => return Err(corrupt("plan item owner")),
        };
        Ok(PlanItem {
            id,
            plan: PlanId::from_uuid(self.plan_id),
            case: CaseId::from_uuid(self.case_id),
            key: self.item_key,
            offset_days: self.offset_days,
            owner,
            status: ItemStatus::from_name(&self.status).ok_or(corrupt("plan item status"))?,
            updated_by: AccountId::from_uuid(self.updated_by),
            updated_at: timestamp(self.updated_at)?,
            notes: notes.iter().filter(|n| n.item == id).cloned().collect(),
        })
    }
}

/// Puts a plan together from its rows.
pub(crate) fn assemble(row: PlanRow, items: Vec<ItemRow>, notes: Vec<NoteRow>) -> Result<Plan> {
    let notes = notes
        .into_iter()
        .map(PlanNote::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok(Plan {
        id: PlanId::from_uuid(row.id),
        case: CaseId::from_uuid(row.case_id),
        release_date: row.release_date.parse().map_err(|_| corrupt("bad date"))?,
        confirmed: row.confirmed,
        kind: ReleaseKind::from_name(&row.kind).ok_or(corrupt("release kind"))?,
        revision: row.revision,
        updated_by: AccountId::from_uuid(row.updated_by),
        created_at: timestamp(row.created_at)?,
        updated_at: timestamp(row.updated_at)?,
        items: items
            .into_iter()
            .map(|i| i.into_item(&notes))
            .collect::<Result<_>>()?,
    })
}

/// The plan columns both engines select.
pub(crate) const PLAN_COLUMNS: &str =
    "id, case_id, release_date, confirmed, kind, revision, updated_by, created_at, updated_at";
/// The item columns both engines select.
pub(crate) const ITEM_COLUMNS: &str = "id, plan_id, case_id, item_key, offset_days, owner_kind,
    owner_account, status, updated_by, updated_at";
/// The note columns both engines select.
pub(crate) const NOTE_COLUMNS: &str =
    "id, item_id, author_id, envelope_id, envelope, note_readers, created_at";
