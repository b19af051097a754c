//! Storage of requests, in the domain's words.

use async_trait::async_trait;

/// Storage of requests; part of [`crate::Store`].
#[async_trait]
pub trait RequestStore: Send + Sync {}
