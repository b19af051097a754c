//! Directory on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::directory::DirectoryStore;

#[async_trait]
impl DirectoryStore for SqliteStore {}
