//! The service directory on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::ServiceId;
use passerelle_domain::directory::hsds::Imported;
use passerelle_domain::directory::{Entry, EntryId};

use super::PgStore;
use crate::codec::micros;
use crate::directory::{DirectoryStore, EntryColumns, EntryRow, by_name};
use crate::{Result, StoreError};

const COLUMNS: &str = "id, service_id, details, address, address_confidential";

#[async_trait]
impl DirectoryStore for PgStore {
    async fn create_directory_entry(&self, entry: &Entry, now: Timestamp) -> Result<()> {
        let c = EntryColumns::of(&entry.details, &self.at_rest)?;
        sqlx::query(
            "INSERT INTO directory_entries (id, service_id, name, details, address,
                 address_confidential, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(entry.id.as_uuid())
        .bind(entry.service.as_uuid())
        .bind(&c.name)
        .bind(&c.details)
        .bind(&c.address)
        .bind(c.address_confidential)
        .bind(micros(now))
        .bind(micros(now))
        .execute(&self.pool)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("this directory entry id is taken"),
            other => other,
        })?;
        Ok(())
    }

    async fn directory_entry(&self, id: EntryId) -> Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM directory_entries WHERE id = $1");
        let row: Option<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.into_entry(&self.at_rest)).transpose()
    }

    async fn directory_entries(&self, service: Option<ServiceId>) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM directory_entries WHERE $1::UUID IS NULL OR service_id = $1"
        );
        let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(service.map(|s| s.as_uuid()))
            .fetch_all(&self.pool)
            .await?;
        let mut entries = rows
            .into_iter()
            .map(|r| r.into_entry(&self.at_rest))
            .collect::<Result<Vec<_>>>()?;
        by_name(&mut entries);
        Ok(entries)
    }

    async fn update_directory_entry(&self, entry: &Entry, now: Timestamp) -> Result<()> {
        let c = EntryColumns::of(&entry.details, &self.at_rest)?;
        let changed = sqlx::query(
            "UPDATE directory_entries SET name = $1, details = $2, address = $3,
                 address_confidential = $4, updated_at = $5
             WHERE id = $6 AND service_id = $7",
        )
        .bind(&c.name)
        .bind(&c.details)
        .bind(&c.address)
        .bind(c.address_confidential)
        .bind(micros(now))
        .bind(entry.id.as_uuid())
        .bind(entry.service.as_uuid())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_directory_entry(&self, service: ServiceId, id: EntryId) -> Result<()> {
        let deleted =
            sqlx::query("DELETE FROM directory_entries WHERE id = $1 AND service_id = $2")
                .bind(id.as_uuid())
                .bind(service.as_uuid())
                .execute(&self.pool)
                .await?
                .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn import_directory_entries(
        &self,
        service: ServiceId,
        entries: &[Imported],
        now: Timestamp,
    ) -> Result<Vec<bool>> {
        let mut tx = self.pool.begin().await?;
        let mut stored = Vec::with_capacity(entries.len());
        for imported in entries {
            let c = EntryColumns::of(&imported.details, &self.at_rest)?;
            // The WHERE clause leaves another service's entry untouched:
            // an import cannot take over an id it does not own.
            let changed = sqlx::query(
                "INSERT INTO directory_entries (id, service_id, name, details, address,
                     address_confidential, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
                     details = EXCLUDED.details,
                     address = CASE WHEN $8 THEN directory_entries.address ELSE EXCLUDED.address END,
                     address_confidential = EXCLUDED.address_confidential,
                     updated_at = EXCLUDED.updated_at
                 WHERE directory_entries.service_id = EXCLUDED.service_id",
            )
            .bind(imported.id.as_uuid())
            .bind(service.as_uuid())
            .bind(&c.name)
            .bind(&c.details)
            .bind(&c.address)
            .bind(c.address_confidential)
            .bind(micros(now))
            .bind(imported.address_withheld)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            stored.push(changed == 1);
        }
        tx.commit().await?;
        Ok(stored)
    }
}
