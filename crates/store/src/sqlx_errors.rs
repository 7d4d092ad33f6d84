//! How sqlx errors become [`StoreError`]s (both back ends use sqlx).

use crate::StoreError;

/// Map a driver error to what a caller can act on. Messages carry no bound values.
pub fn from_sqlx(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => {
            let msg = db.message().to_owned();
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => StoreError::Conflict(msg),
                sqlx::error::ErrorKind::ForeignKeyViolation
                | sqlx::error::ErrorKind::NotNullViolation
                | sqlx::error::ErrorKind::CheckViolation => StoreError::Rejected(msg),
                _ => StoreError::Database(msg),
            }
        }
        sqlx::Error::Io(e) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::PoolTimedOut => {
            StoreError::Unavailable("timed out waiting for a database connection".into())
        }
        sqlx::Error::PoolClosed => {
            StoreError::Unavailable("the database connection pool is closed".into())
        }
        sqlx::Error::Tls(e) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::ColumnDecode { index, source } => {
            StoreError::Corrupt(format!("column {index}: {source}"))
        }
        sqlx::Error::Decode(e) => StoreError::Corrupt(e.to_string()),
        sqlx::Error::ColumnNotFound(c) => StoreError::Corrupt(format!("column {c} not found")),
        other => StoreError::Database(other.to_string()),
    }
}
