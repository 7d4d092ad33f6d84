//! [`SqlConn`] and [`SqlRow`] over a rusqlite connection. Dates are stored as `YYYY-MM-DD` text and instants
//! as RFC 3339 UTC text with exactly six fractional digits, so that text order is time order.

use std::sync::Arc;

use domain::datetime::{Date, Timestamp};
use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use store::StoreError;
use store::sql::{Sql, SqlConn, SqlRow, Value};
use uuid::Uuid;

/// Format an instant the one way SQLite columns hold it: `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub fn format_timestamp(t: Timestamp) -> String {
    let dt = jiff_utc(t);
    let mut s = String::with_capacity(27);
    push_date(&mut s, dt.year(), dt.month(), dt.day());
    s.push('T');
    push_digits(&mut s, i64::from(dt.hour()), 2);
    s.push(':');
    push_digits(&mut s, i64::from(dt.minute()), 2);
    s.push(':');
    push_digits(&mut s, i64::from(dt.second()), 2);
    s.push('.');
    push_digits(&mut s, i64::from(dt.subsec_nanosecond() / 1000), 6);
    s.push('Z');
    s
}

/// Format a date as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, d.year(), d.month(), d.day());
    s
}

fn push_date(s: &mut String, year: i16, month: i8, day: i8) {
    if year < 0 {
        s.push('-');
    }
    push_digits(s, i64::from(year).abs(), 4);
    s.push('-');
    push_digits(s, i64::from(month), 2);
    s.push('-');
    push_digits(s, i64::from(day), 2);
}

/// `n` in decimal, zero-padded to `width` digits (bulk loads format millions of these).
fn push_digits(s: &mut String, n: i64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut n = n.unsigned_abs();
    let mut i = buf.len();
    while n > 0 && i > 0 {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + u8::try_from(n % 10).unwrap_or(0);
        }
        n /= 10;
    }
    let start = buf.len().saturating_sub(width).min(i);
    for b in buf.get(start..).unwrap_or(&[]) {
        s.push(char::from(*b));
    }
}

fn jiff_utc(t: Timestamp) -> domain::datetime::DateTime {
    domain::datetime::utc().to_datetime(t)
}

/// `$1, $2, … $n` used once each and in order become plain `?`s.
///
/// SQLite finds a named parameter's index by a linear scan of the names, so binding a bulk insert's thousands of
/// `$n` parameters by name would cost time quadratic in their number. Anonymous `?` parameters bind by position
/// in constant time. Statements that repeat a parameter keep `$n` and bind by name.
pub fn anonymous_placeholders(sql: &str) -> Option<String> {
    let mut out = String::with_capacity(sql.len());
    let mut expected = 1u64;
    let mut chars = sql.char_indices().peekable();
    let mut in_quote = false;
    while let Some((_, c)) = chars.next() {
        if c == '\'' {
            in_quote = !in_quote;
            out.push(c);
            continue;
        }
        if c == '$' && !in_quote {
            let mut n: u64 = 0;
            let mut digits = 0;
            while let Some(&(_, d)) = chars.peek() {
                match d.to_digit(10) {
                    Some(v) => {
                        n = n.checked_mul(10)?.checked_add(u64::from(v))?;
                        digits += 1;
                        chars.next();
                    }
                    None => break,
                }
            }
            if digits == 0 || n != expected {
                return None;
            }
            expected += 1;
            out.push('?');
            continue;
        }
        out.push(c);
    }
    Some(out)
}

/// A connection the shared store code runs on: the writer's own connection (inside the group transaction the
/// writer opened), or a reader's connection inside a read transaction. Statements run synchronously on the
/// calling thread (the writer's thread, or a blocking thread for a read), so a read of thirty statements costs
/// no thread hop per statement and rows are not sent across threads one by one.
pub struct LiteConn {
    conn: rusqlite::Connection,
}

impl LiteConn {
    pub(crate) fn new(conn: rusqlite::Connection) -> LiteConn {
        LiteConn { conn }
    }

    /// The underlying connection.
    pub(crate) fn raw(&self) -> &rusqlite::Connection {
        &self.conn
    }

    /// Run statements with no arguments and no rows (`BEGIN`, `COMMIT`, `SAVEPOINT`, ...).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql).map_err(from_rusqlite)
    }

    /// Prepare (from the connection's statement cache) and bind.
    fn prepare<'c>(&'c self, q: &Sql<'_>) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
        let anonymous = anonymous_placeholders(&q.text);
        let mut stmt = self
            .conn
            .prepare_cached(anonymous.as_deref().unwrap_or(&q.text))
            .map_err(from_rusqlite)?;
        for (i, v) in q.args.iter().enumerate() {
            let index = if anonymous.is_some() {
                Some(i + 1)
            } else {
                stmt.parameter_index(&format!("${}", i + 1))
                    .map_err(from_rusqlite)?
            };
            if let Some(index) = index {
                stmt.raw_bind_parameter(index, Bound(v))
                    .map_err(from_rusqlite)?;
            }
        }
        Ok(stmt)
    }

    fn run(&self, q: &Sql<'_>) -> Result<u64, StoreError> {
        let mut stmt = self.prepare(q)?;
        if stmt.column_count() > 0 {
            // A statement that answers rows (a PRAGMA, say): step through them.
            let mut rows = stmt.raw_query();
            while rows.next().map_err(from_rusqlite)?.is_some() {}
            return Ok(0);
        }
        stmt.raw_execute().map(|n| n as u64).map_err(from_rusqlite)
    }

    fn rows(&self, q: &Sql<'_>, most: Option<usize>) -> Result<Vec<LiteRow>, StoreError> {
        let mut stmt = self.prepare(q)?;
        let columns: Arc<[String]> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let width = columns.len();
        let mut out = Vec::new();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(from_rusqlite)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(owned(row.get_ref(i).map_err(from_rusqlite)?)?);
            }
            out.push(LiteRow {
                columns: columns.clone(),
                values,
            });
            if most.is_some_and(|m| out.len() >= m) {
                break;
            }
        }
        Ok(out)
    }
}

fn owned(v: ValueRef<'_>) -> Result<SqlValue, StoreError> {
    Ok(match v {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(n) => SqlValue::Integer(n),
        ValueRef::Real(x) => SqlValue::Real(x),
        ValueRef::Text(t) => SqlValue::Text(
            String::from_utf8(t.to_vec()).map_err(|e| StoreError::Corrupt(format!("text: {e}")))?,
        ),
        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
    })
}

/// A bound value as SQLite takes it: booleans as 0/1, UUIDs as 16-byte blobs, dates and instants as text.
struct Bound<'v, 'a>(&'v Value<'a>);

impl ToSql for Bound<'_, '_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null(_) => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Bool(b) => ToSqlOutput::Owned(SqlValue::Integer(i64::from(*b))),
            Value::Int(n) => ToSqlOutput::Owned(SqlValue::Integer(*n)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Uuid(u) => ToSqlOutput::Borrowed(ValueRef::Blob(u.as_bytes())),
            Value::Date(d) => ToSqlOutput::Owned(SqlValue::Text(format_date(*d))),
            Value::Timestamp(t) => ToSqlOutput::Owned(SqlValue::Text(format_timestamp(*t))),
        })
    }
}

/// Map a driver error to what a caller can act on. Messages carry no bound values.
pub(crate) fn from_rusqlite(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi;
    match e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        rusqlite::Error::SqliteFailure(f, message) => {
            let msg = message.unwrap_or_else(|| f.to_string());
            match f.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    StoreError::Conflict(msg)
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY
                | ffi::SQLITE_CONSTRAINT_NOTNULL
                | ffi::SQLITE_CONSTRAINT_CHECK => StoreError::Rejected(msg),
                _ => match f.code {
                    ffi::ErrorCode::DatabaseBusy
                    | ffi::ErrorCode::DatabaseLocked
                    | ffi::ErrorCode::CannotOpen
                    | ffi::ErrorCode::SystemIoFailure
                    | ffi::ErrorCode::DiskFull => StoreError::Unavailable(msg),
                    _ => StoreError::Database(msg),
                },
            }
        }
        rusqlite::Error::FromSqlConversionFailure(i, _, e) => {
            StoreError::Corrupt(format!("column {i}: {e}"))
        }
        rusqlite::Error::InvalidColumnType(i, name, t) => {
            StoreError::Corrupt(format!("column {i} ({name}): unexpected {t}"))
        }
        other => StoreError::Database(other.to_string()),
    }
}

impl SqlConn for LiteConn {
    type Row = LiteRow;

    async fn execute<'a>(&'a mut self, q: Sql<'a>) -> Result<u64, StoreError> {
        self.run(&q)
    }

    async fn fetch_all<'a>(&'a mut self, q: Sql<'a>) -> Result<Vec<LiteRow>, StoreError> {
        self.rows(&q, None)
    }

    async fn fetch_optional<'a>(&'a mut self, q: Sql<'a>) -> Result<Option<LiteRow>, StoreError> {
        Ok(self.rows(&q, Some(1))?.into_iter().next())
    }
}

fn corrupt(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

/// A row read from SQLite: its values, and the statement's column names to find them by.
pub struct LiteRow {
    columns: Arc<[String]>,
    values: Vec<SqlValue>,
}

impl LiteRow {
    fn get(&self, col: &str) -> Result<&SqlValue, StoreError> {
        let i = self
            .columns
            .iter()
            .position(|c| c == col)
            .or_else(|| {
                self.columns
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(col))
            })
            .ok_or_else(|| StoreError::Corrupt(format!("column {col} not found")))?;
        self.values
            .get(i)
            .ok_or_else(|| StoreError::Corrupt(format!("column {col} not found")))
    }

    fn text_ref(&self, col: &str) -> Result<Option<&str>, StoreError> {
        match self.get(col)? {
            SqlValue::Null => Ok(None),
            SqlValue::Text(s) => Ok(Some(s)),
            SqlValue::Blob(b) => std::str::from_utf8(b)
                .map(Some)
                .map_err(|e| corrupt(col, e)),
            other => Err(corrupt(
                col,
                format!("expected text, found {:?}", other.data_type()),
            )),
        }
    }
}

impl SqlRow for LiteRow {
    fn bool(&self, col: &str) -> Result<Option<bool>, StoreError> {
        Ok(self.int(col)?.map(|n| n != 0))
    }
    fn int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        match self.get(col)? {
            SqlValue::Null => Ok(None),
            SqlValue::Integer(n) => Ok(Some(*n)),
            other => Err(corrupt(
                col,
                format!("expected an integer, found {:?}", other.data_type()),
            )),
        }
    }
    fn text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.text_ref(col)?.map(str::to_owned))
    }
    fn bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.get(col)? {
            SqlValue::Null => Ok(None),
            SqlValue::Blob(b) => Ok(Some(b.clone())),
            SqlValue::Text(s) => Ok(Some(s.as_bytes().to_vec())),
            other => Err(corrupt(
                col,
                format!("expected bytes, found {:?}", other.data_type()),
            )),
        }
    }
    fn uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        match self.get(col)? {
            SqlValue::Null => Ok(None),
            SqlValue::Blob(b) => Uuid::from_slice(b).map(Some).map_err(|e| corrupt(col, e)),
            SqlValue::Text(s) => s.parse().map(Some).map_err(|e| corrupt(col, e)),
            other => Err(corrupt(
                col,
                format!("expected a UUID, found {:?}", other.data_type()),
            )),
        }
    }
    fn date(&self, col: &str) -> Result<Option<Date>, StoreError> {
        self.text_ref(col)?
            .map(|s| s.parse::<Date>().map_err(|e| corrupt(col, e)))
            .transpose()
    }
    fn timestamp(&self, col: &str) -> Result<Option<Timestamp>, StoreError> {
        self.text_ref(col)?
            .map(|s| s.parse::<Timestamp>().map_err(|e| corrupt(col, e)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_placeholders_become_anonymous() {
        assert_eq!(
            anonymous_placeholders("INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)").as_deref(),
            Some("INSERT INTO t (a, b) VALUES (?,?),(?,?)")
        );
        assert_eq!(
            anonymous_placeholders("SELECT 1 WHERE a = $1 OR b = $1"),
            None
        );
        assert_eq!(
            anonymous_placeholders("SELECT 1 WHERE a = $2 AND b = $1"),
            None
        );
        assert_eq!(
            anonymous_placeholders("SELECT '$5' WHERE a = $1").as_deref(),
            Some("SELECT '$5' WHERE a = ?")
        );
    }

    #[test]
    fn dates_format_like_jiff() {
        for d in ["2024-02-29", "0999-01-01", "2035-12-31"] {
            let date: Date = d.parse().unwrap();
            assert_eq!(format_date(date), date.to_string());
        }
    }

    #[test]
    fn timestamps_have_a_fixed_width_so_text_order_is_time_order() {
        let a: Timestamp = "2024-03-01T16:55:00Z".parse().unwrap();
        let b: Timestamp = "2024-03-01T16:55:00.5Z".parse().unwrap();
        assert_eq!(format_timestamp(a), "2024-03-01T16:55:00.000000Z");
        assert_eq!(format_timestamp(b), "2024-03-01T16:55:00.500000Z");
        assert!(format_timestamp(a) < format_timestamp(b));
        assert_eq!(format_timestamp(b).parse::<Timestamp>().unwrap(), b);
    }
}
