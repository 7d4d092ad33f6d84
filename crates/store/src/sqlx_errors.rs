//! How sqlx errors become [`StoreError`]s (both back ends use sqlx).

use crate::StoreError;

/// Whether a PostgreSQL error (a five-character SQLSTATE; SQLite's codes are numbers of at most four digits) says
/// the server cannot do it now rather than that the request is wrong: class 53, insufficient resources (53100
/// disk full, 53200 out of memory, 53300 too many connections); class 57P, the server shutting down or starting
/// up; 58030, an I/O error. Nothing was written, and the same request may succeed later: 503, not 500.
fn unavailable(code: &str) -> bool {
    code.len() == 5 && (code.starts_with("53") || code.starts_with("57P") || code == "58030")
}

/// Map a driver error to what a caller can act on. Messages carry no bound values.
pub fn from_sqlx(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => {
            let msg = db.message().to_owned();
            if db.code().is_some_and(|code| unavailable(&code)) {
                return StoreError::Unavailable(msg);
            }
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

#[cfg(test)]
mod tests {
    use super::unavailable;

    #[test]
    fn running_out_of_room_is_unavailable_and_a_bad_request_is_not() {
        for code in ["53100", "53200", "53300", "57P01", "57P03", "58030"] {
            assert!(unavailable(code), "{code}");
        }
        // A unique violation, a syntax error, a serialisation failure; SQLite's SQLITE_FULL (13) and
        // SQLITE_IOERR_WRITE (778) are mapped by the SQLite back end itself.
        for code in ["23505", "42601", "40001", "13", "778", "5300"] {
            assert!(!unavailable(code), "{code}");
        }
    }
}
