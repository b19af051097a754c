//! The store's one error type.

use passerelle_domain::TransitionError;

/// What a store call can fail with. Only [`StoreError::Database`] and
/// [`StoreError::Corrupt`] are server faults; the others are answers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique rule would be broken (a login taken, a replayed message id),
    /// or the row changed under the caller.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The thing exists but is past its time (an invitation).
    #[error("expired")]
    Expired,
    /// A status change the domain refuses.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A stored value could not be read back (bad ciphertext, unknown enum).
    /// Never shown to clients.
    #[error("stored data could not be read: {0}")]
    Corrupt(&'static str),
    /// The database cannot take writes right now (its writer stopped, or a
    /// batch failed to commit). Retrying later may succeed.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// The database failed. Never shown to clients.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    /// Unique and primary-key violations become `Conflict` here, once, so no
    /// caller ever answers them with a 500.
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if db.is_unique_violation() {
                return Self::Conflict("already exists");
            }
            if db.is_foreign_key_violation() {
                return Self::NotFound;
            }
        }
        Self::Database(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Database(sqlx::Error::Migrate(Box::new(error)))
    }
}
