//! [`SqlConn`] and [`SqlRow`] over sqlx's SQLite connection. Dates are stored as `YYYY-MM-DD` text and instants
//! as RFC 3339 UTC text with exactly six fractional digits, so that text order is time order.

use domain::datetime::{Date, Timestamp};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{AssertSqlSafe, Row, Sqlite, SqliteConnection, Transaction};
use store::StoreError;
use store::sql::{Sql, SqlConn, SqlRow, Value};
use store::sqlx_errors::from_sqlx;
use uuid::Uuid;

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments>;

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

fn bind<'q>(q: Query<'q>, v: Value<'q>) -> Query<'q> {
    match v {
        Value::Null(_) => q.bind(None::<String>),
        Value::Bool(b) => q.bind(b),
        Value::Int(n) => q.bind(n),
        Value::Text(s) => q.bind(s),
        Value::Bytes(b) => q.bind(b),
        Value::Uuid(u) => q.bind(u),
        Value::Date(d) => q.bind(format_date(d)),
        Value::Timestamp(t) => q.bind(format_timestamp(t)),
    }
}

fn build<'q>(q: Sql<'q>) -> Query<'q> {
    let Sql { text, args } = q;
    let text = anonymous_placeholders(&text).unwrap_or_else(|| text.into_owned());
    args.into_iter()
        .fold(sqlx::query(AssertSqlSafe(text)), bind)
}

/// `$1, $2, … $n` used once each and in order become plain `?`s.
///
/// SQLite looks a named parameter's name up by a linear scan, and sqlx asks for every parameter's name when it
/// binds, so a bulk insert with thousands of `$n` parameters costs time quadratic in their number. Anonymous
/// `?` parameters have no name and bind in constant time. Statements that repeat a parameter keep `$n`.
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
/// writer opened), or a reader's read-only transaction.
pub struct LiteConn {
    inner: Inner,
}

enum Inner {
    Writer(SqliteConnection),
    Reader(Transaction<'static, Sqlite>),
}

impl LiteConn {
    pub(crate) fn writer(conn: SqliteConnection) -> LiteConn {
        LiteConn {
            inner: Inner::Writer(conn),
        }
    }

    pub(crate) fn reader(tx: Transaction<'static, Sqlite>) -> LiteConn {
        LiteConn {
            inner: Inner::Reader(tx),
        }
    }

    /// The underlying connection.
    pub fn raw(&mut self) -> &mut SqliteConnection {
        match &mut self.inner {
            Inner::Writer(c) => c,
            Inner::Reader(tx) => tx,
        }
    }

    /// End a reader's transaction (it only read, so it rolls back).
    pub(crate) async fn finish_read(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Reader(tx) => tx.rollback().await.map_err(from_sqlx),
            Inner::Writer(_) => Ok(()),
        }
    }
}

impl SqlConn for LiteConn {
    type Row = LiteRow;

    async fn execute<'a>(&'a mut self, q: Sql<'a>) -> Result<u64, StoreError> {
        build(q)
            .execute(self.raw())
            .await
            .map(|r| r.rows_affected())
            .map_err(from_sqlx)
    }

    /// Binds the next statement's values while SQLite runs the current one (bulk loads spend as long
    /// converting values as SQLite spends writing them).
    async fn execute_all<'a, I>(&'a mut self, statements: I) -> Result<u64, StoreError>
    where
        I: Iterator<Item = Sql<'a>> + Send + 'a,
    {
        let mut statements = statements;
        let mut n = 0;
        let mut next = statements.next().map(build);
        while let Some(q) = next {
            let (done, following) = futures::join!(q.execute(self.raw()), async {
                statements.next().map(build)
            });
            n += done.map_err(from_sqlx)?.rows_affected();
            next = following;
        }
        Ok(n)
    }

    async fn fetch_all<'a>(&'a mut self, q: Sql<'a>) -> Result<Vec<LiteRow>, StoreError> {
        let rows = build(q).fetch_all(self.raw()).await.map_err(from_sqlx)?;
        Ok(rows.into_iter().map(LiteRow).collect())
    }

    async fn fetch_optional<'a>(&'a mut self, q: Sql<'a>) -> Result<Option<LiteRow>, StoreError> {
        let row = build(q)
            .fetch_optional(self.raw())
            .await
            .map_err(from_sqlx)?;
        Ok(row.map(LiteRow))
    }
}

fn corrupt(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

/// A row read from SQLite.
pub struct LiteRow(SqliteRow);

impl SqlRow for LiteRow {
    fn bool(&self, col: &str) -> Result<Option<bool>, StoreError> {
        self.0.try_get(col).map_err(from_sqlx)
    }
    fn int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        self.0.try_get(col).map_err(from_sqlx)
    }
    fn text(&self, col: &str) -> Result<Option<String>, StoreError> {
        self.0.try_get(col).map_err(from_sqlx)
    }
    fn bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.try_get(col).map_err(from_sqlx)
    }
    fn uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        self.0.try_get(col).map_err(from_sqlx)
    }
    fn date(&self, col: &str) -> Result<Option<Date>, StoreError> {
        let s: Option<String> = self.0.try_get(col).map_err(from_sqlx)?;
        s.map(|s| s.parse::<Date>().map_err(|e| corrupt(col, e)))
            .transpose()
    }
    fn timestamp(&self, col: &str) -> Result<Option<Timestamp>, StoreError> {
        let s: Option<String> = self.0.try_get(col).map_err(from_sqlx)?;
        s.map(|s| s.parse::<Timestamp>().map_err(|e| corrupt(col, e)))
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
