//! Release plans on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::plan::{ItemStatus, PlanId, PlanItemId, TemplateStep};
use passerelle_domain::{AccountId, CaseId, ServiceId};
use sqlx::{PgConnection, PgPool};

use super::PgStore;
use crate::codec::micros;
use crate::notify::NewReminder;
use crate::plans::{
    ITEM_COLUMNS, ItemRow, NOTE_COLUMNS, NewPlan, NewPlanItem, NewPlanNote, NoteRow, PLAN_COLUMNS,
    Plan, PlanItem, PlanNote, PlanRow, PlanStore, assemble, owner_columns, template_from,
    template_text,
};
use crate::visits::ids_text;
use crate::{Result, StoreError};

impl PgStore {
    async fn plan_on(conn: &mut PgConnection, case: CaseId) -> Result<Option<Plan>> {
        let row: Option<PlanRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE case_id = $1"
        )))
        .bind(case.as_uuid())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let items: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM plan_items WHERE case_id = $1 ORDER BY seq"
        )))
        .bind(case.as_uuid())
        .fetch_all(&mut *conn)
        .await?;
        let notes: Vec<NoteRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTE_COLUMNS} FROM plan_notes WHERE case_id = $1 ORDER BY seq"
        )))
        .bind(case.as_uuid())
        .fetch_all(&mut *conn)
        .await?;
        assemble(row, items, notes).map(Some)
    }

    async fn item_on(&self, pool: &PgPool, id: PlanItemId) -> Result<Option<PlanItem>> {
        let row: Option<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM plan_items WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let notes: Vec<NoteRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTE_COLUMNS} FROM plan_notes WHERE item_id = $1 ORDER BY seq"
        )))
        .bind(id.as_uuid())
        .fetch_all(pool)
        .await?;
        let notes = notes
            .into_iter()
            .map(PlanNote::try_from)
            .collect::<Result<Vec<_>>>()?;
        row.into_item(&notes).map(Some)
    }
}

#[async_trait]
impl PlanStore for PgStore {
    async fn put_plan(
        &self,
        plan: &NewPlan,
        items: &[NewPlanItem],
        now: Timestamp,
    ) -> Result<Plan> {
        let mut tx = self.pool.begin().await?;
        let (plan_id, revision): (uuid::Uuid, i64) = sqlx::query_as(
            "INSERT INTO plans (id, case_id, release_date, confirmed, kind, revision, updated_by,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)
             ON CONFLICT (case_id) DO UPDATE SET release_date = excluded.release_date,
                 confirmed = excluded.confirmed, kind = excluded.kind,
                 revision = plans.revision + 1, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at
             RETURNING id, revision",
        )
        .bind(uuid::Uuid::new_v4())
        .bind(plan.case.as_uuid())
        .bind(plan.release_date.to_string())
        .bind(plan.confirmed)
        .bind(plan.kind.name())
        .bind(plan.by.as_uuid())
        .bind(micros(now))
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await?;
        if revision == 0 {
            for item in items {
                let (owner_kind, owner_account) = owner_columns(item.owner);
                sqlx::query(
                    "INSERT INTO plan_items (id, plan_id, case_id, item_key, offset_days,
                         owner_kind, owner_account, status, updated_by, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'todo', $8, $9)",
                )
                .bind(PlanItemId::random().as_uuid())
                .bind(plan_id)
                .bind(plan.case.as_uuid())
                .bind(&item.key)
                .bind(item.offset_days)
                .bind(owner_kind)
                .bind(owner_account)
                .bind(plan.by.as_uuid())
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
            }
        }
        // Read back inside the transaction: a racing writer's update must
        // not be mistaken for this one's (the revision says who created it).
        let stored = Self::plan_on(&mut tx, plan.case).await?;
        tx.commit().await?;
        stored.ok_or(StoreError::NotFound)
    }

    async fn plan(&self, case: CaseId) -> Result<Option<Plan>> {
        let mut conn = self.pool.acquire().await?;
        Self::plan_on(&mut conn, case).await
    }

    async fn replace_plan_reminders(
        &self,
        plan: PlanId,
        revision: i64,
        objects: &[uuid::Uuid],
        reminders: &[NewReminder],
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        // The plan's row lock orders this against a concurrent writer of
        // the plan and of its reminders.
        let current: Option<i64> =
            sqlx::query_scalar("SELECT revision FROM plans WHERE id = $1 FOR UPDATE")
                .bind(plan.as_uuid())
                .fetch_optional(&mut *tx)
                .await?;
        if current != Some(revision) {
            return Ok(false);
        }
        let objects: Vec<uuid::Uuid> = std::iter::once(plan.as_uuid())
            .chain(objects.iter().copied())
            .collect();
        sqlx::query(
            "UPDATE reminders SET state = 'cancelled', settled_at = $1
             WHERE object_id = ANY($2) AND state = 'pending' AND due_at > $1",
        )
        .bind(micros(now))
        .bind(&objects)
        .execute(&mut *tx)
        .await?;
        super::notify::schedule(&mut tx, reminders, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn plan_item(&self, id: PlanItemId) -> Result<Option<PlanItem>> {
        self.item_on(&self.pool, id).await
    }

    async fn set_item_status(
        &self,
        id: PlanItemId,
        from: ItemStatus,
        to: ItemStatus,
        by: AccountId,
        now: Timestamp,
    ) -> Result<PlanItem> {
        let changed = sqlx::query(
            "UPDATE plan_items SET status = $1, updated_by = $2, updated_at = $3
             WHERE id = $4 AND status = $5",
        )
        .bind(to.name())
        .bind(by.as_uuid())
        .bind(micros(now))
        .bind(id.as_uuid())
        .bind(from.name())
        .execute(&self.pool)
        .await?
        .rows_affected();
        match (changed, self.item_on(&self.pool, id).await?) {
            (_, None) => Err(StoreError::NotFound),
            (0, Some(_)) => Err(StoreError::Conflict("the item was changed meanwhile")),
            (_, Some(item)) => Ok(item),
        }
    }

    async fn add_plan_note(&self, note: &NewPlanNote, now: Timestamp) -> Result<PlanNote> {
        let row: NoteRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO plan_notes (id, item_id, case_id, author_id, envelope_id, envelope,
                 note_readers, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             RETURNING {NOTE_COLUMNS}"
        )))
        .bind(uuid::Uuid::new_v4())
        .bind(note.item.as_uuid())
        .bind(note.case.as_uuid())
        .bind(note.author.as_uuid())
        .bind(note.envelope_id)
        .bind(&note.envelope)
        .bind(ids_text(&note.readers))
        .bind(micros(now))
        .fetch_one(&self.pool)
        .await?;
        PlanNote::try_from(row)
    }

    async fn service_template(&self, service: ServiceId) -> Result<Option<Vec<TemplateStep>>> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT items FROM plan_templates WHERE service_id = $1")
                .bind(service.as_uuid())
                .fetch_optional(&self.pool)
                .await?;
        text.as_deref().map(template_from).transpose()
    }

    async fn put_service_template(
        &self,
        service: ServiceId,
        steps: &[TemplateStep],
        by: AccountId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO plan_templates (service_id, items, updated_by, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (service_id) DO UPDATE SET items = excluded.items,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(service.as_uuid())
        .bind(template_text(steps))
        .bind(by.as_uuid())
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
