//! Referrals on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::AccountId;
use passerelle_domain::referral::{ReferralId, ReferralStatus};
use passerelle_domain::request::RequestId;

use super::PgStore;
use crate::codec::micros;
use crate::referrals::{COLUMNS, NewReferral, Referral, ReferralRow, ReferralStore};
use crate::rows::convert;
use crate::{Result, StoreError};

impl PgStore {
    async fn referral_on_pool(&self, id: ReferralId) -> Result<Option<Referral>> {
        let row: Option<ReferralRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM referrals WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?;
        row.map(Referral::try_from).transpose()
    }
}

#[async_trait]
impl ReferralStore for PgStore {
    async fn insert_referral(&self, r: &NewReferral, now: Timestamp) -> Result<Referral> {
        sqlx::query(
            "INSERT INTO referrals (id, request_id, case_id, entry_id, entry_name, status,
                 referred_by, referred_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)",
        )
        .bind(r.id.as_uuid())
        .bind(r.request.as_uuid())
        .bind(r.case.as_uuid())
        .bind(r.entry.as_uuid())
        .bind(&r.entry_name)
        .bind(r.referred_by.as_uuid())
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        self.referral_on_pool(r.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn referral(&self, id: ReferralId) -> Result<Option<Referral>> {
        let row: Option<ReferralRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM referrals WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?;
        row.map(Referral::try_from).transpose()
    }

    async fn request_referrals(&self, request: RequestId) -> Result<Vec<Referral>> {
        let rows: Vec<ReferralRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM referrals WHERE request_id = $1 ORDER BY seq"
        )))
        .bind(request.as_uuid())
        .fetch_all(&self.pool)
        .await?;
        convert(rows)
    }

    async fn answer_referral(
        &self,
        id: ReferralId,
        from: ReferralStatus,
        to: ReferralStatus,
        by: AccountId,
        now: Timestamp,
    ) -> Result<Referral> {
        let changed = sqlx::query(
            "UPDATE referrals SET status = $1, answered_by = $2, answered_at = $3
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
        match (changed, self.referral_on_pool(id).await?) {
            (_, None) => Err(StoreError::NotFound),
            (0, Some(_)) => Err(StoreError::Conflict("the referral was answered meanwhile")),
            (_, Some(referral)) => Ok(referral),
        }
    }
}
