//! The small SQL facade the shared store code is written against. Each back end (SQLite, PostgreSQL) implements
//! [`SqlConn`] and [`SqlRow`] with sqlx, and [`Backend`] with its own way of running transactions (SQLite: one
//! writer task with group commit; PostgreSQL: a pool). Queries use `$1`-style placeholders, which both accept.

use std::borrow::Cow;
use std::future::Future;

use domain::datetime::{Date, Timestamp};
use futures::future::BoxFuture;
use uuid::Uuid;

use crate::error::StoreError;

/// A value bound to a query parameter. Text borrows where it can: bulk loads bind millions of them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// NULL of the given type (PostgreSQL needs to know it).
    Null(SqlType),
    Bool(bool),
    Int(i64),
    Text(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
    Uuid(Uuid),
    Date(Date),
    Timestamp(Timestamp),
}

/// The type of a bound NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlType {
    Bool,
    Int,
    Text,
    Bytes,
    Uuid,
    Date,
    Timestamp,
}

/// A statement and its arguments.
#[derive(Clone, Debug)]
pub struct Sql<'a> {
    pub text: Cow<'a, str>,
    pub args: Vec<Value<'a>>,
}

impl<'a> Sql<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>) -> Sql<'a> {
        Sql {
            text: text.into(),
            args: Vec::new(),
        }
    }

    #[must_use]
    pub fn bind(mut self, v: impl ToValue<'a>) -> Sql<'a> {
        self.args.push(v.to_value());
        self
    }

    /// Bind a value already converted.
    #[must_use]
    pub fn bind_value(mut self, v: Value<'a>) -> Sql<'a> {
        self.args.push(v);
        self
    }
}

/// Conversion of a domain value to a bound parameter.
pub trait ToValue<'a> {
    /// The SQL type of this kind of value, for binding a NULL of it.
    const TYPE: SqlType;
    fn to_value(self) -> Value<'a>;
}
impl<'a> ToValue<'a> for bool {
    const TYPE: SqlType = SqlType::Bool;
    fn to_value(self) -> Value<'a> {
        Value::Bool(self)
    }
}
impl<'a> ToValue<'a> for i64 {
    const TYPE: SqlType = SqlType::Int;
    fn to_value(self) -> Value<'a> {
        Value::Int(self)
    }
}
impl<'a> ToValue<'a> for &'a str {
    const TYPE: SqlType = SqlType::Text;
    fn to_value(self) -> Value<'a> {
        Value::Text(Cow::Borrowed(self))
    }
}
impl<'a> ToValue<'a> for &'a String {
    const TYPE: SqlType = SqlType::Text;
    fn to_value(self) -> Value<'a> {
        Value::Text(Cow::Borrowed(self.as_str()))
    }
}
impl<'a> ToValue<'a> for String {
    const TYPE: SqlType = SqlType::Text;
    fn to_value(self) -> Value<'a> {
        Value::Text(Cow::Owned(self))
    }
}
impl<'a> ToValue<'a> for Uuid {
    const TYPE: SqlType = SqlType::Uuid;
    fn to_value(self) -> Value<'a> {
        Value::Uuid(self)
    }
}
impl<'a> ToValue<'a> for Date {
    const TYPE: SqlType = SqlType::Date;
    fn to_value(self) -> Value<'a> {
        Value::Date(self)
    }
}
impl<'a> ToValue<'a> for Timestamp {
    const TYPE: SqlType = SqlType::Timestamp;
    fn to_value(self) -> Value<'a> {
        Value::Timestamp(self)
    }
}
impl<'a, T: ToValue<'a>> ToValue<'a> for Option<T> {
    const TYPE: SqlType = T::TYPE;
    fn to_value(self) -> Value<'a> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::TYPE),
        }
    }
}

/// A row read back, with typed getters by column name. `None` is SQL NULL.
pub trait SqlRow: Send {
    fn bool(&self, col: &str) -> Result<Option<bool>, StoreError>;
    fn int(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn text(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError>;
    fn uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError>;
    fn date(&self, col: &str) -> Result<Option<Date>, StoreError>;
    fn timestamp(&self, col: &str) -> Result<Option<Timestamp>, StoreError>;
}

/// A connection (inside a transaction the back end opened) that runs statements.
pub trait SqlConn: Send {
    type Row: SqlRow + 'static;

    fn execute<'a>(
        &'a mut self,
        q: Sql<'a>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send + 'a;
    fn fetch_all<'a>(
        &'a mut self,
        q: Sql<'a>,
    ) -> impl Future<Output = Result<Vec<Self::Row>, StoreError>> + Send + 'a;

    /// Run statements one after another. A back end may prepare the next while the database runs the current.
    fn execute_all<'a, I>(
        &'a mut self,
        statements: I,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send + 'a
    where
        I: Iterator<Item = Sql<'a>> + Send + 'a,
    {
        async move {
            let mut n = 0;
            for q in statements {
                n += self.execute(q).await?;
            }
            Ok(n)
        }
    }
    fn fetch_optional<'a>(
        &'a mut self,
        q: Sql<'a>,
    ) -> impl Future<Output = Result<Option<Self::Row>, StoreError>> + Send + 'a;

    /// Run several independent queries and read all their rows, in the order given. A back end may send them as
    /// one statement (PostgreSQL: one round trip instead of one per query, which is most of what a child's
    /// record costs there); SQLite, in process, runs them one after another.
    fn fetch_each<'a>(
        &'a mut self,
        queries: Vec<Sql<'a>>,
    ) -> impl Future<Output = Result<Vec<Vec<Self::Row>>, StoreError>> + Send + 'a {
        async move {
            let mut out = Vec::with_capacity(queries.len());
            for q in queries {
                out.push(self.fetch_all(q).await?);
            }
            Ok(out)
        }
    }

    /// Called as audit entries are appended: whether to write them unchained, for the back end to chain after
    /// this transaction commits and before it reports the commit ([`Backend::CHAINS_AFTER_COMMIT`], except in a
    /// transaction that has the database to itself, a bulk load, which chains as it writes). The back end notes
    /// that it has chaining to do.
    fn chain_after_commit(&mut self) -> bool {
        false
    }

    /// Called after entries were written unchained, with the lowest `seq` among them: the chainer need look no
    /// lower for them (the chain is long, and its entries not yet chained are few).
    fn appended_unchained(&mut self, lowest_seq: i64) {
        let _ = lowest_seq;
    }
}

/// A unit of work run inside one transaction.
pub type Job<C, T> =
    Box<dyn for<'c> FnOnce(&'c mut C) -> BoxFuture<'c, Result<T, StoreError>> + Send>;

/// A database the shared store code can run on.
pub trait Backend: Clone + Send + Sync + 'static {
    type Conn: SqlConn;

    /// `sqlite` or `postgres`.
    const NAME: &'static str;
    /// The most parameters one statement may bind.
    const MAX_PARAMS: usize;
    /// How a bulk load inserts rows inside [`Backend::write_alone`] (SQLite: `INSERT OR ROLLBACK INTO`, so a
    /// multi-row statement needs no statement journal).
    const BULK_INSERT: &'static str = "INSERT INTO";
    /// A statement to run first in a bulk load (SQLite: defer foreign-key checks to COMMIT).
    const BULK_PROLOGUE: Option<&'static str> = None;
    /// What makes a SELECT lock the rows it reads until the transaction ends (PostgreSQL: ` FOR UPDATE`;
    /// SQLite's one writer needs nothing).
    const FOR_UPDATE: &'static str = "";
    /// Whether audit entries are written unchained and linked into the hash chain just after their transaction
    /// commits (PostgreSQL: many transactions append at once, none holding the chain head across its commit),
    /// rather than in the transaction that writes them (SQLite's one writer). See `audit_log.rs`.
    const CHAINS_AFTER_COMMIT: bool = false;
    /// The column holding an audit entry's place in the chain: `seq` where entries are chained as they are
    /// written, `chain_pos` where they are chained after commit.
    const CHAIN_POSITION: &'static str = "seq";
    /// Whether an audited read on the primary reads and appends its audit entries in one transaction
    /// ([`Backend::write_consistent`]; PostgreSQL, where each transaction costs round trips to the server), or
    /// reads in a read transaction and then appends through a write (SQLite, whose one writer must not wait on
    /// reads).
    const AUDITED_READ_IN_ONE_TRANSACTION: bool = false;

    /// Run `job` in a write transaction. Returns only after COMMIT has returned: an `Ok` is durable.
    fn write<T: Send + 'static>(
        &self,
        job: Job<Self::Conn, T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send;

    /// Run `job` in a write transaction of its own (never grouped with other requests). Bulk loads use this,
    /// with [`Backend::BULK_INSERT`] and [`Backend::BULK_PROLOGUE`]: a failure anywhere rolls back the lot.
    fn write_alone<T: Send + 'static>(
        &self,
        job: Job<Self::Conn, T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send;

    /// Run `job`, which only reads and appends audit entries, in a write transaction whose statements all read
    /// from one snapshot (PostgreSQL: `REPEATABLE READ`). Used for audited reads where
    /// [`Backend::AUDITED_READ_IN_ONE_TRANSACTION`].
    fn write_consistent<T: Send + 'static>(
        &self,
        job: Job<Self::Conn, T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send {
        self.write(job)
    }

    /// Run `job` in a read-only transaction (one consistent snapshot).
    fn read<T: Send + 'static>(
        &self,
        job: Job<Self::Conn, T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send;

    /// Run `job`, which only reads, where the back end reads most cheaply, each statement perhaps in a snapshot
    /// of its own: PostgreSQL outside any transaction (autocommit; `BEGIN` and `ROLLBACK` would double a one-statement
    /// read's round trips), elsewhere [`read`]. For a read of one statement (one [`SqlConn::fetch_each`] batch, say),
    /// or of several that need not agree with one another (names for ids); any other read uses [`read`].
    ///
    /// [`read`]: Backend::read
    fn read_autocommit<T: Send + 'static>(
        &self,
        job: Job<Self::Conn, T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send {
        self.read(job)
    }

    /// Run `job` in a read-only transaction that a read replica may serve (searches, worklists, dashboards,
    /// exports). It sees at least every commit acknowledged before it was called: a back end with a replica uses
    /// the replica only once it has replayed that far, and the primary otherwise. Without a replica, [`read`].
    ///
    /// [`read`]: Backend::read
    fn read_replica<T: Send + 'static>(
        &self,
        job: Job<Self::Conn, T>,
    ) -> impl Future<Output = Result<T, StoreError>> + Send {
        self.read(job)
    }

    /// Check the database's own structures (`PRAGMA integrity_check`, `amcheck`): the problems found.
    fn integrity_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Bring the query planner's statistics up to date after a bulk load (PostgreSQL: `ANALYZE`). SQLite's
    /// planner works from its rules without statistics for all but the audit log, which migration 0022 analyses.
    fn refresh_statistics(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

    /// Chain every committed audit entry not yet chained (where [`Backend::CHAINS_AFTER_COMMIT`]; a write chains
    /// its own entries before it returns, so this finds only those of a server that stopped between its commit
    /// and its chaining, or of a write still in progress). Verification runs it first.
    fn chain_audit(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }
}
