//! Directory on PostgreSQL.

use async_trait::async_trait;

use super::PgStore;
use crate::directory::DirectoryStore;

#[async_trait]
impl DirectoryStore for PgStore {}
