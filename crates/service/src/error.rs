use domain::{ValueError, ValueErrors};
use store::StoreError;
use thiserror::Error;

/// What a use case can answer instead of a result. Each maps to one HTTP status (see the web crate).
#[derive(Debug, Error)]
pub enum ServiceError {
    /// The input has problems, each naming its field (HTTP 422).
    #[error("invalid input: {0}")]
    Invalid(ValueErrors),
    /// A file refused for its size (HTTP 413) or its type (HTTP 415), naming the field; nothing was saved.
    #[error("file refused: {1}")]
    FileRefused(FileRefusal, ValueError),
    /// Not signed in, or the token is not valid (HTTP 401).
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but the role may not do this at all (HTTP 403).
    #[error("not allowed")]
    Forbidden,
    /// The record does not exist, or the user may not know it exists (HTTP 404).
    #[error("not found")]
    NotFound,
    /// The change clashes with what is stored (HTTP 409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Someone changed the record since the version the change was based on; nothing was saved (HTTP 409).
    #[error("stale: the record changed since it was read")]
    Stale,
    /// The database cannot be reached (HTTP 503).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else (HTTP 500); the cause (and its causes) go to the log, not the user.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

/// Why a file was refused on its own, before anything else about it is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRefusal {
    /// Larger than the configured limit (HTTP 413).
    TooLarge,
    /// Not a type Frontdoor keeps, judged from its content (HTTP 415).
    UnsupportedType,
}

/// The cause of an internal error, kept whole so that the log shows its chain.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl ServiceError {
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(ValueError::new(field, problem).into())
    }

    /// An internal error: what was being done (`context`), caused by `source`.
    pub fn internal(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> ServiceError {
        ServiceError::Internal(Box::new(Context {
            context: context.into(),
            source: Box::new(source),
        }))
    }
}

/// What was being done when an error happened, with the error as its source.
#[derive(Debug, Error)]
#[error("{context}")]
struct Context {
    context: String,
    #[source]
    source: BoxError,
}

impl From<ValueErrors> for ServiceError {
    fn from(e: ValueErrors) -> Self {
        ServiceError::Invalid(e)
    }
}

impl From<ValueError> for ServiceError {
    fn from(e: ValueError) -> Self {
        ServiceError::Invalid(e.into())
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            StoreError::Stale { .. } => ServiceError::Stale,
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            other => ServiceError::Internal(Box::new(other)),
        }
    }
}
