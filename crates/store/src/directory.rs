//! Storage of directory, in the domain's words.

use async_trait::async_trait;

/// Storage of directory; part of [`crate::Store`].
#[async_trait]
pub trait DirectoryStore: Send + Sync {}
