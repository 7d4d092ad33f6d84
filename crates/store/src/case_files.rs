//! The case-file cache: the part of a child's case file that only the child's own audited changes can alter, kept
//! in each app server's memory and used while the child's case-file version is the one it was read at.
//!
//! Opening a child's record reads some thirty kinds of record; on PostgreSQL that read was three quarters of the
//! database's time for each view (issue 17). Most of it cannot change without an audited change naming the child:
//! every record with the child's id in its child column, their parts, and the child's own person row. Each such
//! change appends audit entries naming the child in the transaction that makes it, and [`bump_versions`], called
//! where entries are appended, adds one to the child's row of `case_file_version` in that same transaction. The
//! version is read with the access check that precedes every view (no extra round trip); when the cached part was
//! read at that version it is used, and otherwise read again and kept.
//!
//! What other people's changes alter is never cached, and read each time: households and their members (a move
//! joins or leaves a household without naming everyone in it), relationships and the people at their other end
//! (a sibling's details are changed through the sibling), supervisions (one discusses several children) and
//! practice weeks. Which kinds those are is [`crate::tables::RecordTable::SHARED_BETWEEN_FILES`].
//!
//! Why a hit is never stale:
//! - The version row is written under its row lock (PostgreSQL) or by the one writer (SQLite), so a child's
//!   versions follow the commit order of the changes naming the child: a change committed after another has the
//!   higher version (the audit `seq`, taken from a sequence at insert, does not have this property).
//! - A change and its bump commit together, so a reader that sees the version sees the change, and the part read
//!   after the version was read is at least as new as the version says. An entry may hold a newer state than its
//!   version (a change committed between the two reads); whoever reads that version next gets the newer state,
//!   which is committed, and the next view reads the newer version and reads the part again.
//! - Parts are cached only from reads made before the reading transaction has written anything, so nothing
//!   uncommitted is ever kept.
//! - A deletion under the retention schedule removes the child (a view finds no one to show) and the child's row
//!   of `case_file_version`; a merge names both people, so both versions move.
//!
//! In debug builds (every test) each hit is checked against a fresh read of the same version, and a difference is
//! an error: the whole suite, both databases, checks the rule above on every view it makes.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use domain::audit::AuditEvent;
use domain::codes::AuditAction;
use domain::ids::PersonId;
use domain::records::{Person, RecordSet};
use uuid::Uuid;

use crate::error::StoreError;
use crate::sql::{Sql, SqlConn};

/// How many records (rows) of children's files one app server keeps by default: about 100 MB for files of the
/// demo's sizes, and the files of several thousand children.
pub const DEFAULT_CACHED_RECORDS: u64 = 250_000;

/// Whether an audit action changes what it names (the reads, sign-ins and sign-outs do not; a deletion under the
/// retention schedule removes the version row with the rest of the child, and must not write it back).
fn moves_version(action: AuditAction) -> bool {
    !matches!(
        action,
        AuditAction::View
            | AuditAction::Search
            | AuditAction::Export
            | AuditAction::SignIn
            | AuditAction::SignOut
            | AuditAction::Delete
    )
}

/// Add one to the case-file version of every child `events` change, in the transaction that appends them (see the
/// module's documentation). Ids are taken in order, so two transactions lock their rows in the same order.
pub(crate) async fn bump_versions<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    let children: BTreeSet<Uuid> = events
        .iter()
        .filter(|e| moves_version(e.action))
        .filter_map(|e| e.child_id.map(|id| id.uuid()))
        .collect();
    let children: Vec<Uuid> = children.into_iter().collect();
    for chunk in children.chunks(max_params.clamp(1, 1_000)) {
        let values = (1..=chunk.len())
            .map(|i| format!("(${i}, 1)"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = Sql::new(format!(
            "INSERT INTO case_file_version (child_id, version) VALUES {values} \
             ON CONFLICT (child_id) DO UPDATE SET version = case_file_version.version + 1"
        ));
        for id in chunk {
            sql = sql.bind(*id);
        }
        c.execute(sql).await?;
    }
    Ok(())
}

/// The SQL expression for a child's case-file version (0 before any change), with the child's id as `id_expr`.
pub(crate) fn version_sql(id_expr: &str) -> String {
    format!("COALESCE((SELECT version FROM case_file_version WHERE child_id = {id_expr}), 0)")
}

/// The part of a child's case file that only the child's own changes alter, as read at one version.
#[derive(Debug, PartialEq)]
pub(crate) struct OwnPart {
    /// The case-file version it was read at (or a later state of it; see the module's documentation).
    pub file_version: i64,
    /// The child's row.
    pub person: Person,
    /// The records of the kinds not shared between files ([`crate::tables::RecordTable::SHARED_BETWEEN_FILES`]);
    /// the shared kinds and `people` are empty.
    pub records: RecordSet,
    /// The version a user who saw these records carries into a change ([`crate::front_door::case_version`]).
    pub case_version: i64,
}

impl OwnPart {
    /// Its weight in the cache: one for each record it holds, and one for the child.
    fn weight(&self) -> u64 {
        let mut rows = 1u64;
        macro_rules! each_kind {
            ($($t:ty),*) => { $( rows += <$t as domain::records::Record>::of(&self.records).len() as u64; )* };
        }
        domain::record_kinds!(each_kind);
        rows
    }
}

#[derive(Clone)]
struct RecordWeighter;

impl quick_cache::Weighter<PersonId, Arc<OwnPart>> for RecordWeighter {
    fn weight(&self, _child: &PersonId, part: &Arc<OwnPart>) -> u64 {
        part.weight()
    }
}

/// Children's [`OwnPart`]s, at most a given number of records in all (the least used go first).
pub struct CaseFileCache {
    parts: Option<quick_cache::sync::Cache<PersonId, Arc<OwnPart>, RecordWeighter>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// What a [`CaseFileCache`] has done since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Views that used a kept part.
    pub hits: u64,
    /// Views that read the part (and kept it).
    pub misses: u64,
    /// Files kept now.
    pub files: u64,
    /// Records kept now.
    pub records: u64,
}

impl std::fmt::Debug for CaseFileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.parts {
            Some(p) => write!(
                f,
                "CaseFileCache({} files, {} records)",
                p.len(),
                p.weight()
            ),
            None => write!(f, "CaseFileCache(off)"),
        }
    }
}

impl Default for CaseFileCache {
    fn default() -> Self {
        CaseFileCache::holding(DEFAULT_CACHED_RECORDS)
    }
}

impl CaseFileCache {
    /// A cache of at most `records` records; 0 keeps nothing.
    pub fn holding(records: u64) -> CaseFileCache {
        let parts = (records > 0).then(|| {
            // About forty records to a file, for the table's first size.
            let files = usize::try_from(records / 40).unwrap_or(usize::MAX).max(16);
            quick_cache::sync::Cache::with_weighter(files, records, RecordWeighter)
        });
        CaseFileCache {
            parts,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The child's part, if it was read at `file_version`.
    pub(crate) fn get(&self, child: PersonId, file_version: i64) -> Option<Arc<OwnPart>> {
        let part = self
            .parts
            .as_ref()?
            .get(&child)
            .filter(|p| p.file_version == file_version);
        let counter = if part.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        part
    }

    /// Hits, misses and what is kept now.
    pub fn counts(&self) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            files: self.parts.as_ref().map_or(0, |p| p.len() as u64),
            records: self.parts.as_ref().map_or(0, |p| p.weight()),
        }
    }

    /// Keep a part just read (replacing any the child had).
    pub(crate) fn put(&self, child: PersonId, part: Arc<OwnPart>) {
        if let Some(parts) = &self.parts {
            parts.insert(child, part);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tables::RecordTable;

    /// A kind that a child's file selects other than by its child column is shared between files: its rows can
    /// change without a change naming the child, so it must never be cached.
    #[test]
    fn kinds_read_other_than_by_their_child_are_shared() {
        fn check<T: RecordTable>(shared: &mut Vec<&'static str>) {
            let by_child = T::CHILD_COLUMN.map(|col| format!("{col} = $1 ORDER BY 1"));
            if let Some(filter) = T::case_file_filter()
                && Some(filter.as_ref()) != by_child.as_deref()
            {
                assert!(
                    T::SHARED_BETWEEN_FILES,
                    "{}: read by `{filter}`, so it must say SHARED_BETWEEN_FILES",
                    T::NAME
                );
            }
            if T::SHARED_BETWEEN_FILES {
                shared.push(T::NAME);
            }
        }
        let mut shared = Vec::new();
        macro_rules! each_kind {
            ($($t:ty),*) => { $( check::<$t>(&mut shared); )* };
        }
        domain::record_kinds!(each_kind);
        assert_eq!(
            shared,
            [
                "household",
                "household_member",
                "relationship",
                "supervision",
                "practice_week"
            ]
        );
    }
}
