use thiserror::Error;

/// What went wrong in the store, in terms a caller can act on.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum StoreError {
    /// The record does not exist.
    #[error("not found")]
    NotFound,
    /// The change clashes with what is stored (a duplicate username).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Someone changed the child's records since the version the change was based on; nothing was written.
    #[error("the records have changed since version {current} was read")]
    Stale { current: i64 },
    /// The change breaks a rule the database enforces (a missing parent record, a check constraint).
    #[error("rejected by the database: {0}")]
    Rejected(String),
    /// The database cannot be reached or refused the connection.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back into a record (a bug or a hand-edited database).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// The database is not safe to use as configured (durability settings, a newer schema).
    #[error("{0}")]
    Unsafe(String),
    /// Anything else from the database driver.
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(what.to_string())
    }
}
