//! Requests on PostgreSQL.

use async_trait::async_trait;

use super::PgStore;
use crate::requests::RequestStore;

#[async_trait]
impl RequestStore for PgStore {}
