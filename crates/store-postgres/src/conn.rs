//! [`SqlConn`] and [`SqlRow`] over sqlx's PostgreSQL connection: native uuid, date and timestamptz columns.

use domain::datetime::{Date, Timestamp};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{AssertSqlSafe, Postgres, Row, Transaction};
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

/// One transaction on a pooled connection; dropping it unfinished rolls back.
pub struct PgConn {
    pub(crate) tx: Transaction<'static, Postgres>,
    /// A transaction with the database to itself (a bulk load): it chains its audit entries as it writes them.
    pub(crate) alone: bool,
    /// Whether it wrote audit entries for the chainer to chain after it commits.
    pub(crate) unchained: bool,
}

impl PgConn {
    pub(crate) fn new(tx: Transaction<'static, Postgres>, alone: bool) -> PgConn {
        PgConn {
            tx,
            alone,
            unchained: false,
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

    async fn execute<'a>(&'a mut self, q: Sql<'a>) -> Result<u64, StoreError> {
        build(q)?
            .execute(&mut *self.tx)
            .await
            .map(|r| r.rows_affected())
            .map_err(from_sqlx)
    }

    async fn fetch_all<'a>(&'a mut self, q: Sql<'a>) -> Result<Vec<PgRowRef>, StoreError> {
        let rows = build(q)?.fetch_all(&mut *self.tx).await.map_err(from_sqlx)?;
        Ok(rows.into_iter().map(PgRowRef).collect())
    }

    async fn fetch_optional<'a>(&'a mut self, q: Sql<'a>) -> Result<Option<PgRowRef>, StoreError> {
        let row = build(q)?
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(from_sqlx)?;
        Ok(row.map(PgRowRef))
    }
}

/// A row read from PostgreSQL.
pub struct PgRowRef(PgRow);

impl SqlRow for PgRowRef {
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
        let d: Option<time::Date> = self.0.try_get(col).map_err(from_sqlx)?;
        d.map(from_time_date).transpose()
    }
    fn timestamp(&self, col: &str) -> Result<Option<Timestamp>, StoreError> {
        let t: Option<time::OffsetDateTime> = self.0.try_get(col).map_err(from_sqlx)?;
        t.map(from_offset).transpose()
    }
}
