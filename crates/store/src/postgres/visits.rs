//! Visits on PostgreSQL.

use async_trait::async_trait;

use super::PgStore;
use crate::visits::VisitStore;

#[async_trait]
impl VisitStore for PgStore {}
