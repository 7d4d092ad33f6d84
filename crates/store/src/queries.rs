//! The one implementation of [`Store`], written against the SQL facade and run by either back end.

use std::borrow::Cow;
use std::sync::Arc;

use domain::audit::{Actor, AuditEntry, AuditEvent};
use domain::audit_chain::Head;
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::{self, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{ApiTokenId, ContactId, PersonId, TeamId, UserId};
use domain::records::*;
use futures::FutureExt;

use crate::audit_log::{self, append_audit};
use crate::case_files::{CaseFileCache, OwnPart};
use crate::census;
use crate::error::StoreError;
use crate::row::RowExt;
use crate::search_index::SearchIndex;
use crate::sql::{Backend, Job, Sql, SqlConn, SqlRow, ToValue, Value};
use crate::tables::{RecordTable, Table};
use crate::{
    AccessCheck, ApiTokenInfo, AuditFilter, CaseChange, CaseFile, NewApiToken, NewContact,
    NewSession, PartnerQueueQuery, PartnerRequestRow, PersonSearch, Recorded, Session,
    SignInOutcome, SignInQuery, SignInStart, Store, ThrottleCheck, UserCredentials, Viewed,
    WorklistQuery, WorklistRow, access, front_door,
};

/// [`Store`] over any [`Backend`].
#[derive(Clone, Debug)]
pub struct SqlStore<B> {
    backend: B,
    /// Person search's candidates, in memory (kept fresh from the audit log; see [`SearchIndex`]).
    search: std::sync::Arc<SearchIndex>,
    /// Children's case files, the part only their own changes alter ([`CaseFileCache`]).
    case_files: Arc<CaseFileCache>,
}

impl<B: Backend> SqlStore<B> {
    pub fn new(backend: B) -> SqlStore<B> {
        SqlStore {
            backend,
            search: std::sync::Arc::default(),
            case_files: Arc::default(),
        }
    }

    /// What the case-file cache has done ([`crate::case_files`]).
    pub fn case_file_cache_counts(&self) -> crate::case_files::CacheCounts {
        self.case_files.counts()
    }

    /// This store with a case-file cache of at most `records` records ([`CaseFileCache::holding`]; 0: none).
    #[must_use]
    pub fn with_case_file_cache(mut self, records: u64) -> SqlStore<B> {
        self.case_files = Arc::new(CaseFileCache::holding(records));
        self
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Fill in the search columns of people written before those columns existed (databases created before
    /// migration 2). Returns how many were filled; nothing to do on a new database.
    pub async fn backfill_search_keys(&self) -> Result<u64, StoreError> {
        let mut total = 0u64;
        loop {
            let filled = self
                .write(|c| {
                    async move {
                        let people = crate::access::people_without_search_keys(c, 5_000).await?;
                        for (id, first, last) in &people {
                            let first = domain::search::normalise_name(first);
                            let last = domain::search::normalise_name(last);
                            c.execute(
                                Sql::new(
                                    "UPDATE person SET search_first = $2, search_last = $3, \
                                     search_first_key = $4, search_last_key = $5 WHERE id = $1",
                                )
                                .bind(*id)
                                .bind(first.clone())
                                .bind(last.clone())
                                .bind(domain::search::name_key(&first))
                                .bind(domain::search::name_key(&last)),
                            )
                            .await?;
                        }
                        Ok(people.len() as u64)
                    }
                    .boxed()
                })
                .await?;
            total += filled;
            if filled == 0 {
                return Ok(total);
            }
        }
    }

    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut B::Conn) -> futures::future::BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        let job: Job<B::Conn, T> = Box::new(f);
        self.backend.write(job).await
    }

    async fn write_alone<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut B::Conn) -> futures::future::BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        let job: Job<B::Conn, T> = Box::new(f);
        self.backend.write_alone(job).await
    }

    /// An audited read: the reading runs on a reader (off the single writer), then its audit entries are
    /// appended through the writer; only once they are committed is the result handed over (fail closed). Where
    /// the back end prefers ([`Backend::AUDITED_READ_IN_ONE_TRANSACTION`], PostgreSQL), the reading and the
    /// appending are one transaction with one snapshot.
    async fn audited_read<T, F>(&self, actor: &Actor, at: Timestamp, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut B::Conn,
            ) -> futures::future::BoxFuture<
                'c,
                Result<(T, Vec<AuditEvent>), StoreError>,
            > + Send
            + 'static,
    {
        self.audited_read_from(Snapshot::Primary, actor, at, f)
            .await
    }

    /// An audited read from `snapshot`: [`Snapshot::Replica`] for the reads a read replica may serve (searches,
    /// worklists, dashboards, exports), whose reading runs there when the back end has a replica that has caught
    /// up, and whose audit entries are appended on the primary, as every audit entry is, before the result is
    /// handed over.
    async fn audited_read_from<T, F>(
        &self,
        snapshot: Snapshot,
        actor: &Actor,
        at: Timestamp,
        f: F,
    ) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut B::Conn,
            ) -> futures::future::BoxFuture<
                'c,
                Result<(T, Vec<AuditEvent>), StoreError>,
            > + Send
            + 'static,
    {
        if B::AUDITED_READ_IN_ONE_TRANSACTION && matches!(snapshot, Snapshot::Primary) {
            let actor = actor.clone();
            let job: Job<B::Conn, T> = Box::new(move |c| {
                async move {
                    let (value, events) = f(c).await?;
                    append_audit::<B>(c, &actor, at, &events).await?;
                    Ok(value)
                }
                .boxed()
            });
            return self.backend.write_consistent(job).await;
        }
        let job: Job<B::Conn, (T, Vec<AuditEvent>)> = Box::new(f);
        let (value, events) = match snapshot {
            Snapshot::Primary => self.backend.read(job).await?,
            Snapshot::Replica => self.backend.read_replica(job).await?,
        };
        let actor = actor.clone();
        self.write(move |c| async move { append_audit::<B>(c, &actor, at, &events).await }.boxed())
            .await?;
        Ok(value)
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut B::Conn) -> futures::future::BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        let job: Job<B::Conn, T> = Box::new(f);
        self.backend.read(job).await
    }

    /// A read whose statements need not share a snapshot ([`Backend::read_autocommit`]).
    async fn read_autocommit<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut B::Conn) -> futures::future::BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        let job: Job<B::Conn, T> = Box::new(f);
        self.backend.read_autocommit(job).await
    }

    /// A read a replica may serve ([`Backend::read_replica`]).
    async fn read_replica<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut B::Conn) -> futures::future::BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        let job: Job<B::Conn, T> = Box::new(f);
        self.backend.read_replica(job).await
    }
}

/// Where a read may run: on the primary, or on a read replica that has caught up with it.
#[derive(Clone, Copy, Debug)]
enum Snapshot {
    Primary,
    Replica,
}

// --- building blocks -------------------------------------------------------------------------------------------

/// Insert rows of one table, as many per statement as the back end's parameter limit allows. Statements are
/// built one at a time, as the back end asks for them (see [`SqlConn::execute_all`]).
pub(crate) async fn insert_values<'v, C: SqlConn>(
    c: &mut C,
    max_params: usize,
    verb: &str,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Value<'v>>> + Send,
) -> Result<(), StoreError> {
    let ncols = columns.len().max(1);
    let per_statement = (max_params / ncols).clamp(1, 1000);
    let head = format!("{verb} {table} ({}) VALUES ", columns.join(", "));
    let mut rows = rows.peekable();
    let statements =
        std::iter::from_fn(move || statement(&head, ncols, rows.by_ref().take(per_statement)));
    c.execute_all(statements).await?;
    Ok(())
}

/// The values of one row, in column order.
fn row_values<T: Table>(r: &T) -> Vec<Value<'_>> {
    let mut v = Vec::with_capacity(T::COLUMNS.len());
    r.values(&mut v);
    v
}

/// One multi-row INSERT of `rows`, or `None` when there are none.
pub(crate) fn statement<'v>(
    head: &str,
    ncols: usize,
    rows: impl Iterator<Item = Vec<Value<'v>>>,
) -> Option<Sql<'v>> {
    let mut text = String::with_capacity(head.len() + 64 * ncols * 8);
    text.push_str(head);
    let mut args = Vec::new();
    for (i, row) in rows.enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('(');
        for (j, value) in row.into_iter().enumerate() {
            if j > 0 {
                text.push(',');
            }
            args.push(value);
            text.push('$');
            text.push_str(&args.len().to_string());
        }
        text.push(')');
    }
    if args.is_empty() {
        return None;
    }
    Some(Sql {
        text: Cow::Owned(text),
        args,
    })
}

pub(crate) async fn insert_rows<T: Table, C: SqlConn>(
    c: &mut C,
    max_params: usize,
    rows: &[T],
) -> Result<(), StoreError> {
    insert_rows_with(c, max_params, "INSERT INTO", rows).await
}

/// [`insert_rows`] with the back end's bulk verb, for [`Backend::write_alone`] jobs.
pub(crate) async fn insert_rows_with<T: Table, C: SqlConn>(
    c: &mut C,
    max_params: usize,
    verb: &str,
    rows: &[T],
) -> Result<(), StoreError> {
    insert_values(
        c,
        max_params,
        verb,
        T::NAME,
        T::COLUMNS,
        rows.iter().map(row_values::<T>),
    )
    .await
}

pub(crate) fn select_sql(table: &str, columns: &[&str], filter: &str) -> String {
    format!("SELECT {} FROM {table} WHERE {filter}", columns.join(", "))
}

pub(crate) async fn select_where<T: Table, C: SqlConn>(
    c: &mut C,
    filter: &str,
    arg: Value<'_>,
) -> Result<Vec<T>, StoreError> {
    let rows = c
        .fetch_all(Sql::new(select_sql(T::NAME, T::COLUMNS, filter)).bind_value(arg))
        .await?;
    rows.iter().map(|r| T::from_row(r)).collect()
}

pub(crate) async fn select_by_child<T: Table, C: SqlConn>(
    c: &mut C,
    child: PersonId,
) -> Result<Vec<T>, StoreError> {
    let Some(col) = T::CHILD_COLUMN else {
        return Ok(Vec::new());
    };
    select_where(c, &format!("{col} = $1 ORDER BY 1"), child.to_value()).await
}

pub(crate) async fn users_with_las<C: SqlConn>(
    c: &mut C,
    mut users: Vec<User>,
) -> Result<Vec<User>, StoreError> {
    if let [u] = users.as_mut_slice() {
        let rows = c
            .fetch_all(Sql::new("SELECT la FROM user_la WHERE user_id = $1 ORDER BY la").bind(u.id))
            .await?;
        u.las = rows.iter().map(|r| r.la("la")).collect::<Result<_, _>>()?;
        return Ok(users);
    }
    // Many users (a worklist's assignees): one query per few hundred.
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let mut las: std::collections::HashMap<UserId, Vec<LaCode>> = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = Sql::new(format!(
            "SELECT user_id, la FROM user_la WHERE user_id IN ({list}) ORDER BY user_id, la"
        ));
        for id in chunk {
            sql = sql.bind(*id);
        }
        for r in c.fetch_all(sql).await? {
            las.entry(r.id("user_id")?).or_default().push(r.la("la")?);
        }
    }
    for u in &mut users {
        u.las = las.remove(&u.id).unwrap_or_default();
    }
    Ok(users)
}

/// Write records of one kind of the registry and the rows of other tables that belong to them.
pub(crate) async fn insert_kind<T: RecordTable, C: SqlConn>(
    c: &mut C,
    max_params: usize,
    verb: &str,
    rows: &[T],
) -> Result<(), StoreError> {
    insert_rows_with(c, max_params, verb, rows).await?;
    if T::HAS_PARTS {
        T::write_parts(c, max_params, verb, rows).await?;
    }
    Ok(())
}

/// The audit entries for writing a whole set at once: one `import` entry per child whose records the set holds
/// (however many records that is), and one `create` entry for each record that belongs to no child (adults,
/// households, teams, users, supervisions, practice weeks). Bulk loads stay fast and the trail still answers
/// "who put this child's records here, and when".
pub(crate) fn bulk_audit_events(s: &RecordSet) -> Vec<AuditEvent> {
    fn add<T: RecordTable>(
        rows: &[T],
        children: &mut Vec<(PersonId, LaCode)>,
        others: &mut Vec<AuditEvent>,
    ) {
        for e in rows.iter().filter_map(RecordTable::created) {
            match (e.child_id, &e.la) {
                (Some(child), Some(la)) => children.push((child, la.clone())),
                _ => others.push(e),
            }
        }
    }
    let mut children = Vec::new();
    let mut others = Vec::new();
    macro_rules! each_kind {
        ($($t:ty),*) => { $( add(<$t as Record>::of(s), &mut children, &mut others); )* };
    }
    domain::record_kinds!(write_order: each_kind);
    children.sort();
    children.dedup_by(|a, b| a.0 == b.0);
    let mut events: Vec<AuditEvent> = children
        .into_iter()
        .map(|(child, la)| AuditEvent {
            action: AuditAction::Import,
            record_kind: RecordKind::Person,
            record_id: Some(child.uuid()),
            child_id: Some(child),
            la: Some(la),
            outcome: AuditOutcome::Allowed,
        })
        .collect();
    events.append(&mut others);
    events
}

/// Write every record of a set, parents before children, and its audit entries ([`bulk_audit_events`]).
async fn insert_record_set<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    at: Timestamp,
    s: &RecordSet,
) -> Result<(), StoreError> {
    if let Some(prologue) = B::BULK_PROLOGUE {
        c.execute(Sql::new(prologue)).await?;
    }
    insert_set_rows::<B>(c, B::BULK_INSERT, s).await?;
    append_audit::<B>(c, actor, at, &bulk_audit_events(s)).await
}

/// Write every record of a set, parents before children, with `v` (`INSERT INTO` or the bulk verb); no audit.
pub(crate) async fn insert_set_rows<B: Backend>(
    c: &mut B::Conn,
    v: &str,
    s: &RecordSet,
) -> Result<(), StoreError> {
    macro_rules! each_kind {
        ($($t:ty),*) => { $( insert_kind(c, B::MAX_PARAMS, v, <$t as Record>::of(s)).await?; )* };
    }
    domain::record_kinds!(write_order: each_kind);
    Ok(())
}

/// Read every record about one child (not through the case-file cache).
pub(crate) async fn read_case_file<C: SqlConn>(
    c: &mut C,
    child: PersonId,
) -> Result<Option<RecordSet>, StoreError> {
    Ok(read_case_file_with(c, child, 0, None, None)
        .await?
        .map(|(s, _)| s))
}

/// A child's whole case file: the part only the child's own changes alter ([`OwnPart`]) taken from `cached` when
/// given (the cache's, at the version the caller just read), else read here; the shared part from `shared` (the
/// rows of [`shared_part_queries`], when the caller has read them), else read here in one batch with the own part
/// (on PostgreSQL, one round trip). Returns the file and its own part, to keep when it was read here.
pub(crate) async fn read_case_file_with<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    file_version: i64,
    cached: Option<Arc<OwnPart>>,
    shared: Option<std::vec::IntoIter<Vec<C::Row>>>,
) -> Result<Option<(RecordSet, Arc<OwnPart>)>, StoreError> {
    let mut queries = Vec::new();
    if cached.is_none() {
        queries.extend(own_part_queries(child));
    }
    if shared.is_none() {
        queries.extend(shared_part_queries(child));
    }
    let mut results = if queries.is_empty() {
        Vec::new().into_iter()
    } else {
        c.fetch_each(queries).await?.into_iter()
    };
    let own = match cached {
        Some(own) => own,
        None => match own_part_from(c, child, file_version, &mut results).await? {
            Some(own) => Arc::new(own),
            None => return Ok(None),
        },
    };
    let mut s = own.records.clone();
    let mut shared = shared.unwrap_or(results);
    let others = shared_part_into(c, child, &mut shared, &mut s).await?;
    s.people = std::iter::once(own.person.clone()).chain(others).collect();
    Ok(Some((s, own)))
}

/// The queries reading a child's [`OwnPart`] (its version for changes, the child's row, then each kind not shared
/// between files), in the order [`own_part_from`] takes their rows.
fn own_part_queries(child: PersonId) -> Vec<Sql<'static>> {
    let mut queries = vec![
        crate::front_door::case_version_sql(child),
        Sql::new(select_sql(Person::NAME, Person::COLUMNS, "id = $1")).bind(child),
    ];
    macro_rules! each_query {
        ($($t:ty),*) => { $(
            if let Some(filter) = <$t as RecordTable>::case_file_filter()
                && !<$t as RecordTable>::SHARED_BETWEEN_FILES
            {
                queries.push(
                    Sql::new(select_sql(<$t as Table>::NAME, <$t as Table>::COLUMNS, &filter)).bind(child),
                );
            }
        )* };
    }
    domain::record_kinds!(each_query);
    queries
}

/// A child's [`OwnPart`] from the rows of [`own_part_queries`] (and the parts of its records, read here); `None`
/// when there is no such person.
async fn own_part_from<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    file_version: i64,
    results: &mut std::vec::IntoIter<Vec<C::Row>>,
) -> Result<Option<OwnPart>, StoreError> {
    let case_version = crate::front_door::case_version_from(&results.next().unwrap_or_default())?;
    let Some(person) = results
        .next()
        .unwrap_or_default()
        .first()
        .map(Person::from_row)
    else {
        return Ok(None);
    };
    let person = person?;
    let mut records = RecordSet::default();
    macro_rules! each_kind {
        ($($t:ty),*) => { $(
            if <$t as RecordTable>::case_file_filter().is_some() && !<$t as RecordTable>::SHARED_BETWEEN_FILES {
                let rows = results.next().unwrap_or_default();
                let rows = rows.iter().map(|r| <$t as Table>::from_row(r)).collect::<Result<Vec<$t>, _>>()?;
                read_parts_into::<$t, C>(c, child, rows, &mut records).await?;
            }
        )* };
    }
    domain::record_kinds!(each_kind);
    Ok(Some(OwnPart {
        file_version,
        person,
        records,
        case_version,
    }))
}

/// The queries reading the kinds shared between files and the people related to the child, in the order
/// [`shared_part_into`] takes their rows.
pub(crate) fn shared_part_queries(child: PersonId) -> Vec<Sql<'static>> {
    let mut queries = Vec::new();
    macro_rules! each_query {
        ($($t:ty),*) => { $(
            if let Some(filter) = <$t as RecordTable>::case_file_filter()
                && <$t as RecordTable>::SHARED_BETWEEN_FILES
            {
                queries.push(
                    Sql::new(select_sql(<$t as Table>::NAME, <$t as Table>::COLUMNS, &filter)).bind(child),
                );
            }
        )* };
    }
    domain::record_kinds!(each_query);
    queries.push(
        Sql::new(select_sql(
            Person::NAME,
            Person::COLUMNS,
            "id <> $1 AND id IN (SELECT person_id FROM relationship WHERE related_person_id = $1 \
             UNION SELECT related_person_id FROM relationship WHERE person_id = $1)",
        ))
        .bind(child),
    );
    queries
}

/// The shared kinds from the rows of [`shared_part_queries`], put in `s`; returns the people related to the child,
/// in the order their relationships name them.
async fn shared_part_into<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    results: &mut std::vec::IntoIter<Vec<C::Row>>,
    s: &mut RecordSet,
) -> Result<Vec<Person>, StoreError> {
    macro_rules! each_kind {
        ($($t:ty),*) => { $(
            if <$t as RecordTable>::case_file_filter().is_some() && <$t as RecordTable>::SHARED_BETWEEN_FILES {
                let rows = results.next().unwrap_or_default();
                let rows = rows.iter().map(|r| <$t as Table>::from_row(r)).collect::<Result<Vec<$t>, _>>()?;
                read_parts_into::<$t, C>(c, child, rows, s).await?;
            }
        )* };
    }
    domain::record_kinds!(each_kind);
    let mut related: std::collections::HashMap<PersonId, Person> = results
        .next()
        .unwrap_or_default()
        .iter()
        .map(|r| Person::from_row(r).map(|p| (p.id, p)))
        .collect::<Result<_, _>>()?;
    let mut others = Vec::with_capacity(related.len());
    for rel in &s.relationships {
        for other in [rel.person_id, rel.related_person_id] {
            if let Some(p) = related.remove(&other) {
                others.push(p);
            }
        }
    }
    Ok(others)
}

/// In debug builds, check a cached [`OwnPart`] against a fresh read: when the child's version is still the one it
/// was kept at, the records must be the same (`case_files.rs`; every test's views check the cache this way).
pub(crate) async fn check_cached_part<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    cached: &OwnPart,
) -> Result<(), StoreError> {
    let mut queries = vec![
        Sql::new(format!(
            "SELECT {} AS version",
            crate::case_files::version_sql("$1")
        ))
        .bind(child),
    ];
    queries.extend(own_part_queries(child));
    let mut results = c.fetch_each(queries).await?.into_iter();
    let version = match results.next().unwrap_or_default().first() {
        Some(r) => r.req_int("version")?,
        None => 0,
    };
    if version != cached.file_version {
        return Ok(());
    }
    let fresh = own_part_from(c, child, version, &mut results).await?;
    if fresh.as_ref() != Some(cached) {
        let differs: Vec<&str> = match &fresh {
            None => vec!["the child"],
            Some(f) => {
                let mut differs = Vec::new();
                if f.person != cached.person {
                    differs.push("the child's row");
                }
                if f.case_version != cached.case_version {
                    differs.push("the case version");
                }
                macro_rules! each_kind {
                    ($($t:ty),*) => { $(
                        if <$t as Record>::of(&f.records) != <$t as Record>::of(&cached.records) {
                            differs.push(<$t as Record>::FIELD);
                        }
                    )* };
                }
                domain::record_kinds!(each_kind);
                differs
            }
        };
        return Err(StoreError::Database(format!(
            "the case-file cache held child {child}'s file at version {version}, but the database's differs in \
             {}: a change to it did not move its version (case_files.rs)",
            differs.join(", ")
        )));
    }
    Ok(())
}

/// The records of one kind in a child's case file, as read, with their parts read and put in `s`.
async fn read_parts_into<T: RecordTable, C: SqlConn>(
    c: &mut C,
    child: PersonId,
    mut rows: Vec<T>,
    s: &mut RecordSet,
) -> Result<(), StoreError> {
    if T::HAS_PARTS && !rows.is_empty() {
        T::read_parts(c, child, &mut rows).await?;
    }
    *T::of_mut(s) = rows;
    Ok(())
}

/// How many records of each kind of the registry the database holds, named as [`RecordSet::counts`] names them.
async fn count_kinds<C: SqlConn>(c: &mut C) -> Result<RecordCounts, StoreError> {
    let mut counts = Vec::new();
    macro_rules! each_kind {
        ($($t:ty),*) => { $( counts.push((<$t as Record>::COUNTED_AS, count(c, <$t as Table>::NAME).await?)); )* };
    }
    domain::record_kinds!(each_kind);
    Ok(RecordCounts(counts))
}

async fn count<C: SqlConn>(c: &mut C, table: &str) -> Result<u64, StoreError> {
    let row = c
        .fetch_optional(Sql::new(format!("SELECT COUNT(*) AS n FROM {table}")))
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(u64::try_from(row.req_int("n")?).unwrap_or(0))
}

fn la_from_row<R: SqlRow + ?Sized>(r: &R) -> Result<LocalAuthority, StoreError> {
    let settings: LaSettings = serde_json::from_str(&r.req_text("settings")?)
        .map_err(|e| StoreError::corrupt(format_args!("column settings: {e}")))?;
    Ok(LocalAuthority {
        code: r.la("code")?,
        name: r.req_text("name")?,
        settings,
    })
}

// --- the use cases ---------------------------------------------------------------------------------------------

impl<B: Backend> Store for SqlStore<B> {
    fn backend_name(&self) -> &'static str {
        B::NAME
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| {
            async move {
                c.fetch_optional(Sql::new("SELECT 1 AS one")).await?;
                Ok(())
            }
            .boxed()
        })
        .await
    }

    async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        self.backend.integrity_check().await
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        self.backend.refresh_statistics().await
    }

    async fn save_local_authority(
        &self,
        actor: &Actor,
        la: &LocalAuthority,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        let la = la.clone();
        let settings =
            serde_json::to_string(&la.settings).map_err(|e| StoreError::Database(e.to_string()))?;
        self.write(move |c| {
            async move {
                let existing = c
                    .fetch_optional(Sql::new("SELECT code FROM local_authority WHERE code = $1").bind(&la.code))
                    .await?;
                let action = if existing.is_some() {
                    c.execute(
                        Sql::new("UPDATE local_authority SET name = $2, settings = $3 WHERE code = $1")
                            .bind(&la.code)
                            .bind(&la.name)
                            .bind(&settings),
                    )
                    .await?;
                    AuditAction::Update
                } else {
                    c.execute(
                        Sql::new("INSERT INTO local_authority (code, name, settings) VALUES ($1, $2, $3)")
                            .bind(&la.code)
                            .bind(&la.name)
                            .bind(&settings),
                    )
                    .await?;
                    AuditAction::Create
                };
                let event = AuditEvent {
                    action,
                    record_kind: RecordKind::LocalAuthority,
                    record_id: None,
                    child_id: None,
                    la: Some(la.code.clone()),
                    outcome: AuditOutcome::Allowed,
                };
                append_audit::<B>(c, &actor, at, &[event]).await
            }
            .boxed()
        })
        .await
    }

    async fn save_letter_template(
        &self,
        actor: &Actor,
        la: &LaCode,
        template: &domain::letters::LetterTemplate,
        expected_revision: i64,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        let la = la.clone();
        let template = template.clone();
        self.write(move |c| {
            async move {
                let row = c
                    .fetch_optional(Sql::new("SELECT settings FROM local_authority WHERE code = $1").bind(&la))
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let stored = row.req_text("settings")?;
                let settings: LaSettings = serde_json::from_str(&stored)
                    .map_err(|e| StoreError::corrupt(format_args!("column settings: {e}")))?;
                let current = settings.letter_template(template.kind).revision;
                if current != expected_revision {
                    return Err(StoreError::Stale { current });
                }
                let changed = serde_json::to_string(&settings.with_letter_template(template))
                    .map_err(|e| StoreError::Database(e.to_string()))?;
                // Only if no one wrote the settings since they were read here (a second writer's update finds
                // other text, changes nothing, and is told its version is stale).
                let updated = c
                    .execute(
                        Sql::new("UPDATE local_authority SET settings = $2, version = version + 1 WHERE code = $1 AND settings = $3")
                            .bind(&la)
                            .bind(&changed)
                            .bind(&stored),
                    )
                    .await?;
                if updated != 1 {
                    return Err(StoreError::Stale { current: current + 1 });
                }
                let event = AuditEvent {
                    action: AuditAction::Update,
                    record_kind: RecordKind::LocalAuthority,
                    record_id: None,
                    child_id: None,
                    la: Some(la.clone()),
                    outcome: AuditOutcome::Allowed,
                };
                append_audit::<B>(c, &actor, at, &[event]).await
            }
            .boxed()
        })
        .await
    }

    async fn local_authorities(&self) -> Result<Vec<LocalAuthority>, StoreError> {
        // One statement (most pages make it): no transaction around it.
        self.read_autocommit(|c| {
            async move {
                let rows = c
                    .fetch_all(Sql::new(
                        "SELECT code, name, settings FROM local_authority ORDER BY code",
                    ))
                    .await?;
                rows.iter().map(la_from_row).collect()
            }
            .boxed()
        })
        .await
    }

    async fn add_user(
        &self,
        actor: &Actor,
        user: &User,
        password_hash: Option<String>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        let user = user.clone();
        self.write(move |c| {
            async move {
                let taken = c
                    .fetch_optional(
                        Sql::new("SELECT id FROM app_user WHERE lower(username) = $1")
                            .bind(access::normalise_username(&user.username)),
                    )
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict(format!(
                        "username '{}' is already taken",
                        user.username
                    )));
                }
                insert_kind(c, B::MAX_PARAMS, "INSERT INTO", std::slice::from_ref(&user)).await?;
                append_audit::<B>(c, &actor, at, user.created().as_slice()).await?;
                if let Some(hash) = password_hash {
                    c.execute(
                        Sql::new("UPDATE app_user SET password_hash = $2 WHERE id = $1")
                            .bind(user.id)
                            .bind(hash),
                    )
                    .await?;
                }
                Ok(())
            }
            .boxed()
        })
        .await
    }

    async fn user_credentials(
        &self,
        username: &str,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let username = access::normalise_username(username);
        self.read(move |c| {
            async move {
                let mut cols: Vec<&str> = User::COLUMNS.to_vec();
                cols.push("password_hash");
                cols.push("valid_until");
                let Some(row) = c
                    .fetch_optional(
                        Sql::new(select_sql("app_user", &cols, "lower(username) = $1"))
                            .bind(&username),
                    )
                    .await?
                else {
                    return Ok(None);
                };
                let password_hash = row.text("password_hash")?;
                let valid_until = row.date("valid_until")?;
                let user = users_with_las(c, vec![User::from_row(&row)?]).await?;
                Ok(user.into_iter().next().map(|user| UserCredentials {
                    user,
                    password_hash,
                    valid_until,
                }))
            }
            .boxed()
        })
        .await
    }

    async fn add_api_token(
        &self,
        actor: &Actor,
        token: NewApiToken,
    ) -> Result<ApiTokenId, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { access::add_api_token::<B>(c, &actor, &token).await }.boxed()
        })
        .await
    }

    async fn api_tokens(&self, user_id: UserId) -> Result<Vec<ApiTokenInfo>, StoreError> {
        self.read(move |c| async move { access::api_tokens(c, user_id).await }.boxed())
            .await
    }

    async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: ApiTokenId,
        at: Timestamp,
    ) -> Result<Option<ApiTokenInfo>, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { access::revoke_api_token::<B>(c, &actor, id, at).await }.boxed()
        })
        .await
    }

    async fn user_for_api_token(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let token_hash = token_hash.to_owned();
        let today = datetime::london_date(now);
        // One statement (every API request makes it): no transaction around it.
        self.read_autocommit(move |c| {
            async move {
                let cols: Vec<String> = User::COLUMNS.iter().map(|c| format!("u.{c}")).collect();
                // A token without an expiry (none should be left after migration 0006) counts as expired.
                let sql = format!(
                    "SELECT {} FROM api_token t JOIN app_user u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $4 AND u.disabled = $2 \
                     AND (u.valid_until IS NULL OR u.valid_until >= $3)",
                    cols.join(", ")
                );
                // The user and their LAs in one batch (on PostgreSQL, one round trip).
                let las = Sql::new(
                    "SELECT l.la FROM user_la l JOIN api_token t ON t.user_id = l.user_id \
                     WHERE t.token_hash = $1 ORDER BY l.la",
                )
                .bind(&token_hash);
                let user = Sql::new(sql)
                    .bind(&token_hash)
                    .bind(false)
                    .bind(today)
                    .bind(now);
                let mut results = c.fetch_each(vec![user, las]).await?.into_iter();
                let (users, las) = (
                    results.next().unwrap_or_default(),
                    results.next().unwrap_or_default(),
                );
                let Some(row) = users.first() else {
                    return Ok(None);
                };
                let mut user = User::from_row(row)?;
                user.las = las.iter().map(|r| r.la("la")).collect::<Result<_, _>>()?;
                Ok(Some(user))
            }
            .boxed()
        })
        .await
    }

    async fn record_contact(
        &self,
        actor: &Actor,
        new: NewContact,
        at: Timestamp,
    ) -> Result<Recorded<Contact>, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                let scope = actor
                    .user_id
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| actor.label.clone());
                let now = at;
                if let Some(key) = &new.idempotency_key {
                    // Claim the key first. A request with the same key still in flight (a retry racing the
                    // original after a crash, a double click) makes this wait for it; if that one committed,
                    // this answers with its contact.
                    let claimed = c
                        .execute(
                            Sql::new(
                                "INSERT INTO idempotency_key (actor, key, record_kind, record_id, created_at) \
                                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                            )
                            .bind(&scope)
                            .bind(key)
                            .bind(RecordKind::Contact)
                            .bind(new.contact.id)
                            .bind(now),
                        )
                        .await?;
                    if claimed == 0 {
                        let row = c
                            .fetch_optional(
                                Sql::new(
                                    "SELECT record_id FROM idempotency_key \
                                     WHERE actor = $1 AND key = $2 AND record_kind = $3",
                                )
                                .bind(&scope)
                                .bind(key)
                                .bind(RecordKind::Contact),
                            )
                            .await?
                            .ok_or(StoreError::NotFound)?;
                        let id: ContactId = row.id("record_id")?;
                        let contact = select_where::<Contact, _>(c, "id = $1", id.to_value())
                            .await?
                            .into_iter()
                            .next()
                            .ok_or(StoreError::NotFound)?;
                        return Ok(Recorded {
                            record: contact,
                            replayed: true,
                        });
                    }
                }
                let mut events = Vec::with_capacity(2);
                if let Some(child) = &new.new_child {
                    insert_rows(c, B::MAX_PARAMS, std::slice::from_ref(child)).await?;
                    events.extend(child.created());
                }
                insert_rows(c, B::MAX_PARAMS, std::slice::from_ref(&new.contact)).await?;
                events.extend(new.contact.created());
                append_audit::<B>(c, &actor, now, &events).await?;
                Ok(Recorded {
                    record: new.contact,
                    replayed: false,
                })
            }
            .boxed()
        })
        .await
    }

    async fn contact(&self, id: ContactId) -> Result<Option<Contact>, StoreError> {
        self.read(move |c| {
            async move {
                Ok(select_where::<Contact, _>(c, "id = $1", id.to_value())
                    .await?
                    .into_iter()
                    .next())
            }
            .boxed()
        })
        .await
    }

    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError> {
        self.read(move |c| {
            async move {
                Ok(select_where::<Person, _>(c, "id = $1", id.to_value())
                    .await?
                    .into_iter()
                    .next())
            }
            .boxed()
        })
        .await
    }

    async fn insert_records(
        &self,
        actor: &Actor,
        set: RecordSet,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write_alone(move |c| {
            async move { insert_record_set::<B>(c, &actor, at, &set).await }.boxed()
        })
        .await
    }

    async fn census_records(
        &self,
        actor: &Actor,
        action: domain::codes::AuditAction,
        la: LaCode,
        from: domain::datetime::Date,
        to: domain::datetime::Date,
        at: Timestamp,
    ) -> Result<RecordSet, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { census::census_records(c, action, la, from, to).await }.boxed()
        })
        .await
    }

    async fn taken_la_child_ids(
        &self,
        la: LaCode,
        ids: Vec<String>,
    ) -> Result<Vec<String>, StoreError> {
        self.read(move |c| async move { census::taken_la_child_ids(c, la, ids).await }.boxed())
            .await
    }

    async fn case_file(&self, child: PersonId) -> Result<Option<RecordSet>, StoreError> {
        self.read(move |c| async move { read_case_file(c, child).await }.boxed())
            .await
    }

    async fn annex_a_records(
        &self,
        la: LaCode,
        from: datetime::Date,
        to: datetime::Date,
    ) -> Result<RecordSet, StoreError> {
        self.read_replica(move |c| {
            async move { crate::annex_a::read(c, B::MAX_PARAMS, la, from, to).await }.boxed()
        })
        .await
    }

    async fn counts(&self) -> Result<(RecordCounts, u64), StoreError> {
        self.read(|c| {
            async move {
                let counts = count_kinds(c).await?;
                let audit = count(c, "audit_log").await?;
                Ok((counts, audit))
            }
            .boxed()
        })
        .await
    }

    async fn audit_entries(&self, filter: AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(move |c| async move { audit_log::read::<B>(c, &filter).await }.boxed())
            .await
    }

    async fn has_people(&self, la: Option<LaCode>) -> Result<bool, StoreError> {
        self.read(move |c| {
            async move {
                let row = match &la {
                    Some(la) => {
                        c.fetch_optional(
                            Sql::new("SELECT id FROM person WHERE la = $1 LIMIT 1").bind(la),
                        )
                        .await?
                    }
                    None => {
                        c.fetch_optional(Sql::new("SELECT id FROM person LIMIT 1"))
                            .await?
                    }
                };
                Ok(row.is_some())
            }
            .boxed()
        })
        .await
    }
    async fn create_session(&self, actor: &Actor, session: NewSession) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { access::create_session::<B>(c, &actor, &session).await }.boxed()
        })
        .await
    }

    async fn session(&self, id_hash: &str) -> Result<Option<Session>, StoreError> {
        let id_hash = id_hash.to_owned();
        // One statement (every signed-in page makes it): no transaction around it.
        self.read_autocommit(move |c| async move { access::session(c, &id_hash).await }.boxed())
            .await
    }

    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        let id_hash = id_hash.to_owned();
        self.write(move |c| {
            async move {
                c.execute(
                    Sql::new("UPDATE session SET last_seen_at = $2 WHERE id_hash = $1 AND ended_at IS NULL")
                        .bind(&id_hash)
                        .bind(at),
                )
                .await
                .map(|_| ())
            }
            .boxed()
        })
        .await
    }

    async fn end_session(
        &self,
        actor: &Actor,
        id_hash: &str,
        reason: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        let id_hash = id_hash.to_owned();
        let reason = reason.to_owned();
        self.write(move |c| {
            async move { access::end_session::<B>(c, &actor, &id_hash, &reason, at).await }.boxed()
        })
        .await
    }

    async fn start_sign_in(
        &self,
        query: SignInQuery,
        check: ThrottleCheck,
    ) -> Result<SignInStart, StoreError> {
        self.write(move |c| async move { access::start_sign_in(c, &query, check).await }.boxed())
            .await
    }

    async fn finish_sign_in(
        &self,
        actor: &Actor,
        attempt: i64,
        outcome: SignInOutcome,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { access::finish_sign_in::<B>(c, &actor, attempt, &outcome).await }.boxed()
        })
        .await
    }

    async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
        at: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let actor = actor.clone();
        let username = username.to_owned();
        self.write(move |c| {
            async move { access::set_user_disabled::<B>(c, &actor, &username, disabled, at).await }
                .boxed()
        })
        .await
    }

    async fn revoke_api_tokens(
        &self,
        actor: &Actor,
        user_id: UserId,
        at: Timestamp,
    ) -> Result<u32, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { access::revoke_api_tokens::<B>(c, &actor, user_id, at).await }.boxed()
        })
        .await
    }

    async fn restrict_person(
        &self,
        actor: &Actor,
        person: PersonId,
        named: Option<Vec<UserId>>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { access::restrict_person::<B>(c, &actor, person, named, at).await }.boxed()
        })
        .await
    }

    async fn view_child(
        &self,
        actor: &Actor,
        child: PersonId,
        check: AccessCheck,
        at: Timestamp,
    ) -> Result<Viewed<CaseFile>, StoreError> {
        let cache = Arc::clone(&self.case_files);
        self.audited_read(actor, at, move |c| {
            async move { access::view_child(c, &cache, child, check).await }.boxed()
        })
        .await
    }

    async fn view_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        check: AccessCheck,
        at: Timestamp,
    ) -> Result<Viewed<crate::Versioned<Contact>>, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { access::view_contact(c, id, check).await }.boxed()
        })
        .await
    }

    async fn save_case_change(
        &self,
        actor: &Actor,
        change: CaseChange,
        check: AccessCheck,
        at: Timestamp,
    ) -> Result<Viewed<i64>, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { front_door::save_case_change::<B>(c, &actor, change, check, at).await }
                .boxed()
        })
        .await
    }

    async fn save_case_changes(
        &self,
        actor: &Actor,
        changes: Vec<(CaseChange, AccessCheck)>,
        at: Timestamp,
    ) -> Result<Viewed<Vec<i64>>, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { front_door::save_case_changes::<B>(c, &actor, changes, at).await }.boxed()
        })
        .await
    }

    async fn possible_duplicates(
        &self,
        actor: &Actor,
        person: Person,
        at: Timestamp,
    ) -> Result<Vec<Person>, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { crate::people::possible_duplicates(c, &person).await }.boxed()
        })
        .await
    }

    async fn merge_people(
        &self,
        actor: &Actor,
        merge: crate::people::NewMerge,
        checks: (AccessCheck, AccessCheck),
        at: Timestamp,
    ) -> Result<Viewed<crate::people::PersonMerge>, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { crate::people::merge_people::<B>(c, &actor, merge, checks, at).await }
                .boxed()
        })
        .await
    }

    async fn undo_merge(
        &self,
        actor: &Actor,
        merge: domain::ids::PersonMergeId,
        reason: String,
        seen_version: Option<i64>,
        at: Timestamp,
    ) -> Result<crate::people::PersonMerge, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::people::undo_merge::<B>(c, &actor, merge, reason, seen_version, at).await
            }
            .boxed()
        })
        .await
    }

    async fn person_merge(
        &self,
        merge: domain::ids::PersonMergeId,
    ) -> Result<Option<crate::people::PersonMerge>, StoreError> {
        self.read(move |c| async move { crate::people::merge(c, merge).await }.boxed())
            .await
    }

    async fn merges_of(
        &self,
        person: PersonId,
    ) -> Result<Vec<crate::people::PersonMerge>, StoreError> {
        self.read(move |c| async move { crate::people::merges_of(c, person).await }.boxed())
            .await
    }

    async fn front_door_worklist(
        &self,
        actor: &Actor,
        query: WorklistQuery,
        at: Timestamp,
    ) -> Result<Vec<WorklistRow>, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { front_door::front_door_worklist(c, &query).await }.boxed()
        })
        .await
    }

    async fn partner_queue(
        &self,
        actor: &Actor,
        query: PartnerQueueQuery,
        at: Timestamp,
    ) -> Result<Vec<PartnerRequestRow>, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { front_door::partner_queue(c, &query).await }.boxed()
        })
        .await
    }

    async fn view_information_request(
        &self,
        actor: &Actor,
        id: domain::ids::InformationRequestId,
        check: AccessCheck,
        at: Timestamp,
    ) -> Result<Viewed<crate::Versioned<InformationRequest>>, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { front_door::view_information_request(c, id, check).await }.boxed()
        })
        .await
    }

    async fn search_people(
        &self,
        actor: &Actor,
        search: PersonSearch,
        rank: crate::RankCandidates,
        at: Timestamp,
    ) -> Result<Vec<Person>, StoreError> {
        let index = self.search.clone();
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { access::search_people(c, &index, &search, rank, B::CHAIN_POSITION).await }
                .boxed()
        })
        .await
    }

    async fn second_factor_of(&self, user: UserId) -> Result<crate::SecondFactor, StoreError> {
        self.read(move |c| {
            async move { crate::second_factor::second_factor_of(c, user).await }.boxed()
        })
        .await
    }

    async fn begin_second_factor(
        &self,
        token_hash: String,
        user: UserId,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |c| {
            async move {
                crate::second_factor::begin(c, &token_hash, user, at, forget_before).await
            }
            .boxed()
        })
        .await
    }

    async fn second_factor_pending(
        &self,
        token_hash: String,
    ) -> Result<Option<crate::SecondFactorPending>, StoreError> {
        self.read(move |c| {
            async move { crate::second_factor::pending(c, &token_hash).await }.boxed()
        })
        .await
    }

    async fn second_factor_failed(
        &self,
        actor: &Actor,
        token_hash: String,
        user: UserId,
        max: u32,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::second_factor::failed::<B>(c, &actor, &token_hash, user, max, at).await
            }
            .boxed()
        })
        .await
    }

    async fn finish_second_factor(
        &self,
        actor: &Actor,
        token_hash: String,
        user: UserId,
        used: crate::SecondFactorUse,
        session: NewSession,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::second_factor::finish::<B>(c, &actor, &token_hash, user, &used, &session)
                    .await
            }
            .boxed()
        })
        .await
    }

    async fn change_second_factor(
        &self,
        actor: &Actor,
        user: UserId,
        change: crate::SecondFactorChange,
        expected: Option<i64>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::second_factor::change::<B>(c, &actor, user, &change, expected, at).await
            }
            .boxed()
        })
        .await
    }

    async fn begin_sso_sign_in(
        &self,
        pending: crate::SsoPending,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |c| {
            async move { crate::single_sign_on::begin(c, &pending, forget_before).await }.boxed()
        })
        .await
    }

    async fn take_sso_sign_in(
        &self,
        state_hash: String,
    ) -> Result<Option<crate::SsoPending>, StoreError> {
        self.write(move |c| {
            async move { crate::single_sign_on::take(c, &state_hash).await }.boxed()
        })
        .await
    }

    async fn sso_candidates(
        &self,
        subject: String,
        email: Option<String>,
    ) -> Result<Vec<domain::single_sign_on::Candidate<UserCredentials>>, StoreError> {
        self.read(move |c| {
            async move { crate::single_sign_on::candidates(c, &subject, email.as_deref()).await }
                .boxed()
        })
        .await
    }

    async fn user_with_email(&self, email: String) -> Result<Option<UserId>, StoreError> {
        self.read(move |c| {
            async move { crate::single_sign_on::user_with_email(c, &email).await }.boxed()
        })
        .await
    }

    async fn finish_sso_sign_in(
        &self,
        actor: &Actor,
        finish: crate::SsoFinish,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { crate::single_sign_on::finish::<B>(c, &actor, &finish, at).await }.boxed()
        })
        .await
    }

    async fn record_audit(
        &self,
        actor: &Actor,
        events: Vec<AuditEvent>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| async move { append_audit::<B>(c, &actor, at, &events).await }.boxed())
            .await
    }

    async fn audit_chain_page(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(move |c| {
            async move { audit_log::chain_page::<B>(c, after_seq, limit).await }.boxed()
        })
        .await
    }

    async fn audit_head(&self) -> Result<Option<Head>, StoreError> {
        self.read(move |c| async move { audit_log::head(c, "").await }.boxed())
            .await
    }

    async fn chain_audit(&self) -> Result<(), StoreError> {
        self.backend.chain_audit().await
    }

    async fn directory(
        &self,
        users: Vec<UserId>,
        teams: Vec<TeamId>,
    ) -> Result<(Vec<User>, Vec<Team>), StoreError> {
        // Names for ids, which need not come from one snapshot: no transaction around them.
        self.read_autocommit(move |c| {
            async move {
                let mut users = users;
                users.sort();
                users.dedup();
                let mut team_ids = teams.clone();
                team_ids.sort();
                team_ids.dedup();
                // Up to 500 users, their LAs and up to 500 teams a batch (on PostgreSQL, one round trip).
                let list = |n: usize| {
                    (1..=n)
                        .map(|i| format!("${i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let (mut found_users, mut las, mut found) = (Vec::new(), Vec::new(), Vec::new());
                let (mut user_chunks, mut team_chunks) = (users.chunks(500), team_ids.chunks(500));
                loop {
                    let (u, t) = (user_chunks.next(), team_chunks.next());
                    if u.is_none() && t.is_none() {
                        break;
                    }
                    let mut queries = Vec::new();
                    if let Some(u) = u {
                        let mut people = Sql::new(format!(
                            "SELECT {} FROM app_user WHERE id IN ({}) ORDER BY id",
                            User::COLUMNS.join(", "),
                            list(u.len())
                        ));
                        let mut their_las = Sql::new(format!(
                            "SELECT user_id, la FROM user_la WHERE user_id IN ({}) ORDER BY user_id, la",
                            list(u.len())
                        ));
                        for id in u {
                            people = people.bind(*id);
                            their_las = their_las.bind(*id);
                        }
                        queries.extend([people, their_las]);
                    }
                    if let Some(t) = t {
                        let mut sql = Sql::new(format!(
                            "SELECT {} FROM team WHERE id IN ({})",
                            Team::COLUMNS.join(", "),
                            list(t.len())
                        ));
                        for id in t {
                            sql = sql.bind(*id);
                        }
                        queries.push(sql);
                    }
                    let mut results = c.fetch_each(queries).await?.into_iter();
                    if u.is_some() {
                        for row in results.next().unwrap_or_default() {
                            found_users.push(User::from_row(&row)?);
                        }
                        for row in results.next().unwrap_or_default() {
                            las.push((row.id::<UserId>("user_id")?, row.la("la")?));
                        }
                    }
                    if t.is_some() {
                        for row in results.next().unwrap_or_default() {
                            found.push(Team::from_row(&row)?);
                        }
                    }
                }
                for u in &mut found_users {
                    u.las = las
                        .iter()
                        .filter(|(id, _)| *id == u.id)
                        .map(|(_, la)| la.clone())
                        .collect();
                }
                // The teams in the order asked for, as before.
                let found_teams: Vec<Team> = teams
                    .iter()
                    .filter_map(|id| found.iter().find(|t| t.id == *id).cloned())
                    .collect();
                Ok((found_users, found_teams))
            }
            .boxed()
        })
        .await
    }

    async fn access_facts(
        &self,
        children: Vec<PersonId>,
    ) -> Result<Vec<(PersonId, crate::AccessFacts)>, StoreError> {
        self.read(move |c| {
            async move {
                let mut found = Vec::new();
                for child in children {
                    if let Some(f) = crate::access::access_facts(c, child).await? {
                        found.push((child, f));
                    }
                }
                Ok(found)
            }
            .boxed()
        })
        .await
    }

    async fn view_document(
        &self,
        actor: &Actor,
        id: domain::ids::DocumentId,
        content: bool,
        check: crate::DocumentCheck,
        at: Timestamp,
    ) -> Result<crate::Viewed<(Document, Option<Vec<u8>>)>, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { crate::documents::view_document(c, id, content, check).await }.boxed()
        })
        .await
    }

    async fn document_child(
        &self,
        actor: &Actor,
        id: domain::ids::DocumentId,
        at: Timestamp,
    ) -> Result<Option<PersonId>, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { crate::documents::document_child(c, id).await }.boxed()
        })
        .await
    }

    async fn shared_documents(
        &self,
        child: PersonId,
        agency: domain::codes::Agency,
    ) -> Result<Vec<Document>, StoreError> {
        self.read(move |c| {
            async move { crate::documents::shared_documents(c, child, agency).await }.boxed()
        })
        .await
    }

    async fn action_child(
        &self,
        actor: &Actor,
        action: domain::ids::ActionId,
        at: Timestamp,
    ) -> Result<Option<PersonId>, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { crate::access::action_child(c, action).await }.boxed()
        })
        .await
    }

    // --- supervision ------------------------------------------------------------------------------------------

    async fn save_supervision(
        &self,
        actor: &Actor,
        supervision: Supervision,
        actions: Vec<Action>,
        check: crate::AccessCheckFactory,
        at: Timestamp,
    ) -> Result<crate::Viewed<()>, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::supervision::save_supervision::<B>(
                    c,
                    &actor,
                    supervision,
                    actions,
                    check,
                    at,
                )
                .await
            }
            .boxed()
        })
        .await
    }

    async fn supervisions_of(
        &self,
        actor: &Actor,
        user: UserId,
        check: crate::AccessCheckFactory,
        at: Timestamp,
    ) -> Result<RecordSet, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { crate::supervision::supervisions_of(c, user, check).await }.boxed()
        })
        .await
    }

    async fn users_of_la(&self, la: LaCode) -> Result<Vec<User>, StoreError> {
        self.read(move |c| async move { crate::supervision::users_of_la(c, la).await }.boxed())
            .await
    }

    // --- casework worklists and caseloads ---

    async fn casework_worklist(
        &self,
        actor: &Actor,
        query: crate::CaseworkQuery,
        at: Timestamp,
    ) -> Result<crate::CaseworkRecords, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { crate::casework::casework_worklist(c, B::MAX_PARAMS, &query).await }
                .boxed()
        })
        .await
    }

    async fn stale_case_clocks(
        &self,
        las: Option<Vec<LaCode>>,
        limit: u32,
    ) -> Result<(Vec<crate::QueuedChild>, RecordSet), StoreError> {
        self.read(move |c| {
            async move {
                crate::case_clocks::stale_batch(c, B::MAX_PARAMS, las.as_deref(), limit).await
            }
            .boxed()
        })
        .await
    }

    async fn store_case_clocks(
        &self,
        done: Vec<crate::QueuedChild>,
        due: Vec<crate::DueDate>,
    ) -> Result<(), StoreError> {
        if done.is_empty() {
            return Ok(());
        }
        self.write(move |c| {
            async move { crate::case_clocks::store_clocks(c, B::MAX_PARAMS, &done, &due).await }
                .boxed()
        })
        .await
    }

    async fn caseloads(
        &self,
        actor: &Actor,
        las: Vec<LaCode>,
        since: datetime::Date,
        today: datetime::Date,
        at: Timestamp,
    ) -> Result<RecordSet, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { crate::casework::caseloads(c, B::MAX_PARAMS, &las, since, today).await }
                .boxed()
        })
        .await
    }

    async fn performance_facts(
        &self,
        actor: &Actor,
        las: Vec<LaCode>,
        window: domain::performance::FactWindow,
        at: Timestamp,
    ) -> Result<domain::performance::Facts, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { crate::performance::facts(c, &las, window).await }.boxed()
        })
        .await
    }

    // --- quality assurance ---

    async fn quality_records(
        &self,
        actor: &Actor,
        query: crate::QualityQuery,
        at: Timestamp,
    ) -> Result<crate::QualityRecords, StoreError> {
        self.audited_read_from(Snapshot::Replica, actor, at, move |c| {
            async move { crate::quality::quality_records(c, B::MAX_PARAMS, &query).await }.boxed()
        })
        .await
    }

    async fn listed_people(
        &self,
        actor: &Actor,
        las: Vec<LaCode>,
        user: Option<UserId>,
        ids: Vec<PersonId>,
        at: Timestamp,
    ) -> Result<Vec<Person>, StoreError> {
        self.audited_read(actor, at, move |c| {
            async move { crate::performance::people(c, B::MAX_PARAMS, &las, user, &ids).await }
                .boxed()
        })
        .await
    }

    async fn audit_sample(
        &self,
        actor: &Actor,
        la: LaCode,
        team: Option<domain::ids::TeamId>,
        closed_since: datetime::Date,
        pick: crate::SamplePick,
        at: Timestamp,
    ) -> Result<Vec<Person>, StoreError> {
        let user = actor.user_id;
        self.audited_read(actor, at, move |c| {
            async move {
                let (ids, events) =
                    crate::quality::sample_candidates(c, &la, team, user, closed_since).await?;
                let picked = pick(&ids);
                let mut people = crate::quality::people_by_id(c, B::MAX_PARAMS, &picked).await?;
                people.sort_by_key(|p| picked.iter().position(|x| *x == p.id.uuid()));
                Ok((people, events))
            }
            .boxed()
        })
        .await
    }

    async fn save_quality(
        &self,
        actor: &Actor,
        weeks: Vec<domain::records::PracticeWeek>,
        observations: Vec<domain::records::PracticeObservation>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::quality::save_quality::<B>(c, &actor, weeks, observations, at).await
            }
            .boxed()
        })
        .await
    }

    async fn admin_users(&self, las: Vec<LaCode>) -> Result<Vec<crate::AdminUser>, StoreError> {
        self.read(move |c| async move { crate::administration::admin_users(c, &las).await }.boxed())
            .await
    }

    async fn admin_user(&self, id: UserId) -> Result<Option<crate::AdminUser>, StoreError> {
        self.read(move |c| async move { crate::administration::admin_user(c, id).await }.boxed())
            .await
    }

    async fn admin_teams(&self, las: Vec<LaCode>) -> Result<Vec<crate::AdminTeam>, StoreError> {
        self.read(move |c| async move { crate::administration::admin_teams(c, &las).await }.boxed())
            .await
    }

    async fn admin_organisations(
        &self,
        las: Vec<LaCode>,
    ) -> Result<Vec<crate::Organisation>, StoreError> {
        self.read(move |c| {
            async move { crate::administration::admin_organisations(c, &las).await }.boxed()
        })
        .await
    }

    async fn admin_local_authority(
        &self,
        la: LaCode,
    ) -> Result<Option<(LocalAuthority, i64)>, StoreError> {
        self.read(move |c| {
            async move { crate::administration::admin_local_authority(c, &la).await }.boxed()
        })
        .await
    }

    async fn retention_files(&self, la: LaCode) -> Result<Vec<crate::RetentionFile>, StoreError> {
        self.read(move |c| async move { crate::retention::retention_files(c, &la).await }.boxed())
            .await
    }

    async fn legal_holds(&self, las: Vec<LaCode>) -> Result<Vec<crate::LegalHold>, StoreError> {
        self.read(move |c| async move { crate::retention::legal_holds(c, &las).await }.boxed())
            .await
    }

    async fn legal_hold(&self, id: uuid::Uuid) -> Result<Option<crate::LegalHold>, StoreError> {
        self.read(move |c| async move { crate::retention::legal_hold(c, id).await }.boxed())
            .await
    }

    async fn place_legal_hold(
        &self,
        actor: &Actor,
        hold: crate::LegalHold,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { crate::retention::place_legal_hold::<B>(c, &actor, &hold).await }.boxed()
        })
        .await
    }

    async fn lift_legal_hold(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
        reason: String,
        expected: Option<i64>,
        at: Timestamp,
    ) -> Result<crate::LegalHold, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::retention::lift_legal_hold::<B>(c, &actor, id, reason, expected, at).await
            }
            .boxed()
        })
        .await
    }

    async fn retention_deletions(
        &self,
        las: Vec<LaCode>,
    ) -> Result<Vec<crate::RetentionDeletion>, StoreError> {
        self.read(move |c| {
            async move { crate::retention::retention_deletions(c, &las).await }.boxed()
        })
        .await
    }

    async fn delete_due_file(
        &self,
        actor: &Actor,
        child: PersonId,
        schedule: Vec<domain::retention::Period>,
        today: datetime::Date,
        report: String,
        at: Timestamp,
    ) -> Result<crate::RetentionDeletion, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::retention::delete_due_file::<B>(
                    c, &actor, child, &schedule, today, &report, at,
                )
                .await
            }
            .boxed()
        })
        .await
    }

    async fn restriction_of(
        &self,
        child: PersonId,
    ) -> Result<Option<crate::Restriction>, StoreError> {
        self.read(move |c| {
            async move { crate::information_governance::restriction_of(c, child).await }.boxed()
        })
        .await
    }

    async fn set_restriction(
        &self,
        actor: &Actor,
        child: PersonId,
        allowed: Option<Vec<UserId>>,
        reason: String,
        expected: Option<i64>,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::information_governance::set_restriction::<B>(
                    c, &actor, child, allowed, reason, expected, at,
                )
                .await
            }
            .boxed()
        })
        .await
    }

    async fn record_break_glass(
        &self,
        actor: &Actor,
        access: crate::BreakGlass,
    ) -> Result<(), StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move {
                crate::information_governance::record_break_glass::<B>(c, &actor, &access).await
            }
            .boxed()
        })
        .await
    }

    async fn record_access(
        &self,
        las: Vec<LaCode>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(UserId, u32, u32)>, StoreError> {
        self.read(move |c| {
            async move { crate::information_governance::record_access(c, &las, from, to).await }
                .boxed()
        })
        .await
    }

    async fn information_governance(
        &self,
        las: Vec<LaCode>,
    ) -> Result<(Vec<crate::Restriction>, Vec<crate::BreakGlass>), StoreError> {
        self.read(move |c| {
            async move { crate::information_governance::information_governance(c, &las).await }
                .boxed()
        })
        .await
    }

    async fn administer(
        &self,
        actor: &Actor,
        change: crate::AdminChange,
        at: Timestamp,
    ) -> Result<crate::Administered, StoreError> {
        let actor = actor.clone();
        self.write(move |c| {
            async move { crate::administration::administer::<B>(c, &actor, change, at).await }
                .boxed()
        })
        .await
    }
}
