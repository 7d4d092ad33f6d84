//! [`SqlConn`] and [`SqlRow`] over sqlx's PostgreSQL connection: native uuid, date and timestamptz columns.
//! Several independent queries ([`SqlConn::fetch_each`]) go as one statement, each query's rows coming back as
//! a JSON array in a column of its own, so that a child's record costs a few round trips rather than thirty.

use domain::datetime::{Date, Timestamp};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{AssertSqlSafe, PgConnection, Postgres, Row, Transaction};
use store::StoreError;
use store::sql::{Sql, SqlConn, SqlRow, SqlType, Value};
use store::sqlx_errors::from_sqlx;
use uuid::Uuid;

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, PgArguments>;

fn to_time_date(d: Date) -> Result<time::Date, StoreError> {
    let month = time::Month::try_from(u8::try_from(d.month()).unwrap_or(0))
        .map_err(|e| StoreError::Rejected(format!("date {d}: {e}")))?;
    time::Date::from_calendar_date(
        i32::from(d.year()),
        month,
        u8::try_from(d.day()).unwrap_or(0),
    )
    .map_err(|e| StoreError::Rejected(format!("date {d}: {e}")))
}

fn from_time_date(d: time::Date) -> Result<Date, StoreError> {
    let year =
        i16::try_from(d.year()).map_err(|e| StoreError::Corrupt(format!("date {d}: {e}")))?;
    Date::new(year, u8::from(d.month()) as i8, d.day() as i8)
        .map_err(|e| StoreError::Corrupt(format!("date {d}: {e}")))
}

fn to_offset(t: Timestamp) -> Result<time::OffsetDateTime, StoreError> {
    time::OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond())
        .map_err(|e| StoreError::Rejected(format!("instant {t}: {e}")))
}

fn from_offset(t: time::OffsetDateTime) -> Result<Timestamp, StoreError> {
    Timestamp::from_nanosecond(t.unix_timestamp_nanos())
        .map_err(|e| StoreError::Corrupt(format!("instant: {e}")))
}

fn bind<'q>(q: Query<'q>, v: Value<'q>) -> Result<Query<'q>, StoreError> {
    Ok(match v {
        Value::Null(SqlType::Bool) => q.bind(None::<bool>),
        Value::Null(SqlType::Int) => q.bind(None::<i64>),
        Value::Null(SqlType::Text) => q.bind(None::<String>),
        Value::Null(SqlType::Bytes) => q.bind(None::<Vec<u8>>),
        Value::Null(SqlType::Uuid) => q.bind(None::<Uuid>),
        Value::Null(SqlType::Date) => q.bind(None::<time::Date>),
        Value::Null(SqlType::Timestamp) => q.bind(None::<time::OffsetDateTime>),
        Value::Bool(b) => q.bind(b),
        Value::Int(n) => q.bind(n),
        Value::Text(s) => q.bind(s),
        Value::Bytes(b) => q.bind(b),
        Value::Uuid(u) => q.bind(u),
        Value::Date(d) => q.bind(to_time_date(d)?),
        Value::Timestamp(t) => q.bind(to_offset(t)?),
    })
}

fn build<'q>(q: Sql<'q>) -> Result<Query<'q>, StoreError> {
    let Sql { text, args } = q;
    args.into_iter()
        .try_fold(sqlx::query(AssertSqlSafe(text.into_owned())), bind)
}

/// What a [`PgConn`] runs its statements on.
pub(crate) enum Link {
    /// A transaction on a pooled connection; dropping it unfinished rolls back.
    Tx(Transaction<'static, Postgres>),
    /// A pooled connection outside any transaction (autocommit), each statement its own snapshot: only for reads
    /// that need nothing more ([`store::sql::Backend::read_autocommit`]), sparing them the `BEGIN` and `ROLLBACK`
    /// round trips.
    Autocommit(PoolConnection<Postgres>),
}

impl Link {
    fn conn(&mut self) -> &mut PgConnection {
        match self {
            Link::Tx(tx) => tx,
            Link::Autocommit(c) => c,
        }
    }

    /// Commit the transaction (nothing to do outside one).
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Link::Tx(tx) => tx.commit().await.map_err(from_sqlx),
            Link::Autocommit(_) => Ok(()),
        }
    }

    /// Roll the transaction back (nothing to do outside one).
    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Link::Tx(tx) => tx.rollback().await.map_err(from_sqlx),
            Link::Autocommit(_) => Ok(()),
        }
    }
}

/// One transaction on a pooled connection (or, for a one-statement read, the connection alone: [`Link`]).
pub struct PgConn {
    pub(crate) tx: Link,
    /// A transaction with the database to itself (a bulk load): it chains its audit entries as it writes them.
    pub(crate) alone: bool,
    /// Whether it wrote audit entries for the chainer to chain after it commits.
    pub(crate) unchained: bool,
    /// The lowest `seq` of those entries, where the chainer starts looking.
    pub(crate) lowest_unchained: Option<i64>,
}

impl PgConn {
    pub(crate) fn new(tx: Transaction<'static, Postgres>, alone: bool) -> PgConn {
        PgConn::on(Link::Tx(tx), alone)
    }

    pub(crate) fn on(tx: Link, alone: bool) -> PgConn {
        PgConn {
            tx,
            alone,
            unchained: false,
            lowest_unchained: None,
        }
    }
}

impl SqlConn for PgConn {
    type Row = PgRowRef;

    fn chain_after_commit(&mut self) -> bool {
        if self.alone {
            return false;
        }
        self.unchained = true;
        true
    }

    fn appended_unchained(&mut self, lowest_seq: i64) {
        self.lowest_unchained = Some(
            self.lowest_unchained
                .map_or(lowest_seq, |s| s.min(lowest_seq)),
        );
    }

    async fn execute<'a>(&'a mut self, q: Sql<'a>) -> Result<u64, StoreError> {
        build(q)?
            .execute(self.tx.conn())
            .await
            .map(|r| r.rows_affected())
            .map_err(from_sqlx)
    }

    async fn fetch_all<'a>(&'a mut self, q: Sql<'a>) -> Result<Vec<PgRowRef>, StoreError> {
        let rows = build(q)?
            .fetch_all(self.tx.conn())
            .await
            .map_err(from_sqlx)?;
        Ok(rows.into_iter().map(PgRowRef::Row).collect())
    }

    async fn fetch_optional<'a>(&'a mut self, q: Sql<'a>) -> Result<Option<PgRowRef>, StoreError> {
        let row = build(q)?
            .fetch_optional(self.tx.conn())
            .await
            .map_err(from_sqlx)?;
        Ok(row.map(PgRowRef::Row))
    }

    async fn fetch_each<'a>(
        &'a mut self,
        queries: Vec<Sql<'a>>,
    ) -> Result<Vec<Vec<PgRowRef>>, StoreError> {
        if queries.len() < 2 {
            let mut out = Vec::with_capacity(1);
            for q in queries {
                out.push(self.fetch_all(q).await?);
            }
            return Ok(out);
        }
        let n = queries.len();
        let row = build(one_statement(queries))?
            .fetch_one(self.tx.conn())
            .await
            .map_err(from_sqlx)?;
        (0..n)
            .map(|i| {
                let text: String = row.try_get(i).map_err(from_sqlx)?;
                let rows: Vec<serde_json::Map<String, serde_json::Value>> =
                    serde_json::from_str(&text).map_err(|e| {
                        StoreError::Database(format!("reading a batch of queries: {e}"))
                    })?;
                Ok(rows.into_iter().map(PgRowRef::Json).collect())
            })
            .collect()
    }
}

/// `SELECT (rows of query 1 as a JSON array), (rows of query 2 ...), ...`, the queries' placeholders numbered on
/// from one another's. Each array keeps its query's row order (an aggregate over a sorted subquery reads it in
/// that order).
fn one_statement(queries: Vec<Sql<'_>>) -> Sql<'_> {
    let mut text = String::from("SELECT ");
    let mut args = Vec::new();
    for (i, q) in queries.into_iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str("(SELECT COALESCE(json_agg(q), '[]')::text FROM (");
        text.push_str(&renumber(&q.text, args.len()));
        text.push_str(") q)");
        args.extend(q.args);
    }
    Sql {
        text: text.into(),
        args,
    }
}

/// `sql` with each placeholder `$n` (outside quoted literals) made `$(n + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut quoted = false;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\'') => quoted = !quoted,
            Some(b'$') if !quoted => {
                let digits = bytes
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits > 0 {
                    let number: usize = sql
                        .get(i + 1..i + 1 + digits)
                        .and_then(|d| d.parse().ok())
                        .unwrap_or(0);
                    out.push_str(sql.get(copied..i).unwrap_or_default());
                    out.push('$');
                    out.push_str(&(number + offset).to_string());
                    i += 1 + digits;
                    copied = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(sql.get(copied..).unwrap_or_default());
    out
}

/// A row read from PostgreSQL: as the server sent it, or (from [`SqlConn::fetch_each`]) as a JSON object.
pub enum PgRowRef {
    Row(PgRow),
    Json(serde_json::Map<String, serde_json::Value>),
}

impl PgRowRef {
    /// A JSON field: `None` for SQL NULL (or a column the query did not select, which a typed row would refuse:
    /// said as an error below when it is missing altogether).
    fn json(&self, col: &str) -> Result<Option<&serde_json::Value>, StoreError> {
        match self {
            PgRowRef::Json(m) => match m.get(col) {
                None => Err(StoreError::Database(format!("no column {col} in the row"))),
                Some(serde_json::Value::Null) => Ok(None),
                Some(v) => Ok(Some(v)),
            },
            PgRowRef::Row(_) => Ok(None),
        }
    }
}

fn json_error(col: &str, what: &str, v: &serde_json::Value) -> StoreError {
    StoreError::Corrupt(format!("column {col}: expected {what}, found {v}"))
}

fn json_str<'v>(col: &str, what: &str, v: &'v serde_json::Value) -> Result<&'v str, StoreError> {
    v.as_str().ok_or_else(|| json_error(col, what, v))
}

impl SqlRow for PgRowRef {
    fn bool(&self, col: &str) -> Result<Option<bool>, StoreError> {
        match self {
            PgRowRef::Row(r) => r.try_get(col).map_err(from_sqlx),
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| v.as_bool().ok_or_else(|| json_error(col, "a boolean", v)))
                .transpose(),
        }
    }
    fn int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        match self {
            PgRowRef::Row(r) => r.try_get(col).map_err(from_sqlx),
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| {
                    v.as_i64()
                        .ok_or_else(|| json_error(col, "a whole number", v))
                })
                .transpose(),
        }
    }
    fn text(&self, col: &str) -> Result<Option<String>, StoreError> {
        match self {
            PgRowRef::Row(r) => r.try_get(col).map_err(from_sqlx),
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| json_str(col, "text", v).map(str::to_owned))
                .transpose(),
        }
    }
    fn bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            PgRowRef::Row(r) => r.try_get(col).map_err(from_sqlx),
            // bytea in JSON is its hex form: \x0a1b...
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| {
                    let s = json_str(col, "bytes", v)?;
                    let hex = s
                        .strip_prefix("\\x")
                        .ok_or_else(|| json_error(col, "bytes", v))?;
                    hex.as_bytes()
                        .chunks(2)
                        .map(|pair| {
                            std::str::from_utf8(pair)
                                .ok()
                                .and_then(|p| u8::from_str_radix(p, 16).ok())
                                .ok_or_else(|| json_error(col, "bytes", v))
                        })
                        .collect()
                })
                .transpose(),
        }
    }
    fn uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        match self {
            PgRowRef::Row(r) => r.try_get(col).map_err(from_sqlx),
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| {
                    json_str(col, "a uuid", v)?
                        .parse()
                        .map_err(|_| json_error(col, "a uuid", v))
                })
                .transpose(),
        }
    }
    fn date(&self, col: &str) -> Result<Option<Date>, StoreError> {
        match self {
            PgRowRef::Row(r) => {
                let d: Option<time::Date> = r.try_get(col).map_err(from_sqlx)?;
                d.map(from_time_date).transpose()
            }
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| {
                    json_str(col, "a date", v)?
                        .parse()
                        .map_err(|_| json_error(col, "a date", v))
                })
                .transpose(),
        }
    }
    fn timestamp(&self, col: &str) -> Result<Option<Timestamp>, StoreError> {
        match self {
            PgRowRef::Row(r) => {
                let t: Option<time::OffsetDateTime> = r.try_get(col).map_err(from_sqlx)?;
                t.map(from_offset).transpose()
            }
            // timestamptz in JSON: ISO 8601 with the session's offset, e.g. 2024-05-03T16:55:00.123456+01:00.
            PgRowRef::Json(_) => self
                .json(col)?
                .map(|v| {
                    json_str(col, "an instant", v)?
                        .parse()
                        .map_err(|_| json_error(col, "an instant", v))
                })
                .transpose(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::renumber;

    #[test]
    fn placeholders_are_numbered_on_outside_quoted_text() {
        assert_eq!(
            renumber(
                "SELECT a FROM t WHERE b = $1 AND c IN ($2, $10) AND d = '$1'",
                3
            ),
            "SELECT a FROM t WHERE b = $4 AND c IN ($5, $13) AND d = '$1'"
        );
        assert_eq!(renumber("SELECT 'Zoë' || $1", 0), "SELECT 'Zoë' || $1");
        assert_eq!(renumber("SELECT $", 2), "SELECT $");
    }
}
