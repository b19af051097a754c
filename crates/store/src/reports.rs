//! Counts for trend reports: numbers only, never a row about a person.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::ServiceId;
use passerelle_domain::request::{Category, ResolutionKind};

use crate::{Result, StoreError};

/// How many requests of one category got one kind of answer (`None`: not
/// resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestCount {
    /// The category.
    pub category: Category,
    /// The resolution kind, if resolved (or closed after it).
    pub resolution: Option<ResolutionKind>,
    /// How many.
    pub count: u64,
}

/// Trend counts; part of [`crate::Store`].
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The practical requests of `service`'s cases filed in `[from, to)`,
    /// counted by category and resolution kind.
    async fn request_counts(
        &self,
        service: ServiceId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<RequestCount>>;
}

/// The counting query; both engines number their placeholders `$n`/`?n`.
pub(crate) const REQUEST_COUNTS: &str = "
    SELECT category, resolution, count(*) AS n FROM practical_requests
    WHERE service_id = {1} AND created_at >= {2} AND created_at < {3}
    GROUP BY category, resolution";

/// A row of [`REQUEST_COUNTS`].
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CountRow {
    category: String,
    resolution: Option<String>,
    n: i64,
}

impl TryFrom<CountRow> for RequestCount {
    type Error = StoreError;

    fn try_from(row: CountRow) -> Result<Self> {
        Ok(Self {
            category: row
                .category
                .parse()
                .map_err(|_| StoreError::Corrupt("category"))?,
            resolution: row
                .resolution
                .map(|r| r.parse().map_err(|_| StoreError::Corrupt("resolution")))
                .transpose()?,
            count: u64::try_from(row.n).map_err(|_| StoreError::Corrupt("count"))?,
        })
    }
}
