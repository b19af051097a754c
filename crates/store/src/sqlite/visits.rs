//! Visits on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::visits::VisitStore;

#[async_trait]
impl VisitStore for SqliteStore {}
