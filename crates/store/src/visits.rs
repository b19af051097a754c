//! Storage of visits, in the domain's words.

use async_trait::async_trait;

/// Storage of visits; part of [`crate::Store`].
#[async_trait]
pub trait VisitStore: Send + Sync {}
