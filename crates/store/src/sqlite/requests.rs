//! Requests on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::requests::RequestStore;

#[async_trait]
impl RequestStore for SqliteStore {}
