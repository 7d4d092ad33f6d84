//! People over time: possible duplicates of a person, and merging two records of one person into one (every
//! record of the merged person moved to the one kept, listed so that an administrator's undo puts back exactly
//! those), both audited. A merged person's id keeps resolving: a view of it reads the record kept.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::ids::{PersonId, PersonMergeId, UserId};
use domain::policy::Decision;
use domain::records::*;
use serde::{Deserialize, Serialize};

use crate::access::{Audited, access_facts};
use crate::audit_log::append_audit;
use crate::error::StoreError;
use crate::front_door::case_version;
use crate::queries::select_sql;
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow};
use crate::tables::{RecordTable, Table};
use crate::{AccessCheck, Viewed};

/// A merge of two records of one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonMerge {
    pub id: PersonMergeId,
    pub la: domain::identifiers::LaCode,
    pub kept_id: PersonId,
    pub merged_id: PersonId,
    pub reason: String,
    pub by: Option<UserId>,
    pub at: Timestamp,
    /// What moved, table by table.
    pub moved: Vec<Moved>,
    pub undone_by: Option<UserId>,
    pub undone_at: Option<Timestamp>,
    pub undo_reason: Option<String>,
    /// The version of the kept person's records when this was read (what an undo's `If-Match` takes).
    pub version: i64,
}

/// The rows of one table whose `column` a merge moved from the merged person to the one kept: by id, or (a
/// household membership) by household and start date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub table: String,
    pub column: String,
    /// The column identifying each row (`id`; a supervision's case: `supervision_id`).
    pub key: String,
    pub rows: Vec<String>,
}

/// A merge to make: `merged` into `kept`.
#[derive(Clone, Debug)]
pub struct NewMerge {
    pub id: PersonMergeId,
    pub kept: PersonId,
    pub merged: PersonId,
    pub reason: String,
    pub by: Option<UserId>,
    /// The version of the merged person's records the user saw.
    pub seen_version: Option<i64>,
}

/// The person a merged person's id resolves to (the record kept), or the id itself.
pub(crate) async fn resolve<C: SqlConn>(c: &mut C, id: PersonId) -> Result<PersonId, StoreError> {
    let row = c
        .fetch_optional(
            Sql::new("SELECT kept_id FROM person_merge WHERE merged_id = $1 AND undone_at IS NULL")
                .bind(id),
        )
        .await?;
    match row {
        Some(r) => r.id("kept_id"),
        None => Ok(id),
    }
}

/// People in `person`'s LA who may be the same person: the same NHS number, or the same name (as search
/// normalises it) and date of birth; not restricted records, nor records merged away. One audit entry (a
/// search about the person).
pub(crate) async fn possible_duplicates<C: SqlConn>(
    c: &mut C,
    person: &Person,
) -> Result<Audited<Vec<Person>>, StoreError> {
    let events = vec![AuditEvent {
        action: AuditAction::Search,
        record_kind: RecordKind::Person,
        record_id: Some(person.id.uuid()),
        child_id: Some(person.id),
        la: Some(person.la.clone()),
        outcome: AuditOutcome::Allowed,
    }];
    let first = domain::search::normalise_name(&person.first_name);
    let last = domain::search::normalise_name(&person.last_name);
    let filter = "la = $1 AND id <> $2 AND restricted = $3 \
         AND id NOT IN (SELECT merged_id FROM person_merge WHERE undone_at IS NULL) \
         AND (nhs_number = $4 OR (date_of_birth = $5 AND search_first = $6 AND search_last = $7)) \
         ORDER BY id LIMIT 20";
    let rows = c
        .fetch_all(
            Sql::new(select_sql(Person::NAME, Person::COLUMNS, filter))
                .bind(&person.la)
                .bind(person.id)
                .bind(false)
                .bind(person.nhs_number.as_ref())
                .bind(person.date_of_birth)
                .bind(first.as_str())
                .bind(last.as_str()),
        )
        .await?;
    let people = rows
        .iter()
        .map(Person::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((people, events))
}

/// What a kind of record of the registry needs moved: `(table, column, key)` for each column naming a person.
fn columns_of<T: RecordTable>(out: &mut Vec<(&'static str, &'static str, &'static str)>) {
    if T::NAME == Person::NAME {
        return;
    }
    let key = match T::KEY {
        ["id"] => "id",
        _ => "",
    };
    for col in T::CHILD_COLUMN
        .into_iter()
        .chain(T::OTHER_PERSON_COLUMNS.iter().copied())
    {
        out.push((T::NAME, col, key));
    }
    for (table, col, key) in T::PERSON_PARTS {
        out.push((table, col, key));
    }
}

/// Every column of the registry's tables that names a person, with the column identifying the rows.
fn person_columns() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    macro_rules! each_kind {
        ($($t:ty),*) => { $( columns_of::<$t>(&mut out); )* };
    }
    domain::record_kinds!(each_kind);
    out
}

fn read_merge<R: SqlRow + ?Sized>(r: &R) -> Result<PersonMerge, StoreError> {
    let moved: Vec<Moved> = serde_json::from_str(&r.req_text("moved")?)
        .map_err(|e| StoreError::corrupt(format_args!("person_merge.moved: {e}")))?;
    Ok(PersonMerge {
        id: r.id("id")?,
        la: r.la("la")?,
        kept_id: r.id("kept_id")?,
        merged_id: r.id("merged_id")?,
        reason: r.req_text("reason")?,
        by: r.opt_id("by_user_id")?,
        at: r.req_timestamp("at")?,
        moved,
        undone_by: r.opt_id("undone_by")?,
        undone_at: r.timestamp("undone_at")?,
        undo_reason: r.text("undo_reason")?,
        version: 0,
    })
}

const MERGE_COLUMNS: &str = "id, la, kept_id, merged_id, reason, by_user_id, at, moved, undone_by, undone_at, \
                             undo_reason";

pub(crate) async fn merge<C: SqlConn>(
    c: &mut C,
    id: PersonMergeId,
) -> Result<Option<PersonMerge>, StoreError> {
    let row = c
        .fetch_optional(
            Sql::new(format!(
                "SELECT {MERGE_COLUMNS} FROM person_merge WHERE id = $1"
            ))
            .bind(id),
        )
        .await?;
    let Some(mut m) = row.as_ref().map(read_merge).transpose()? else {
        return Ok(None);
    };
    m.version = case_version(c, m.kept_id).await?;
    Ok(Some(m))
}

/// The merges that kept or merged away `person`, newest first.
pub(crate) async fn merges_of<C: SqlConn>(
    c: &mut C,
    person: PersonId,
) -> Result<Vec<PersonMerge>, StoreError> {
    let rows = c
        .fetch_all(
            Sql::new(format!(
                "SELECT {MERGE_COLUMNS} FROM person_merge WHERE kept_id = $1 OR merged_id = $1 ORDER BY at DESC, id DESC"
            ))
            .bind(person),
        )
        .await?;
    rows.iter().map(read_merge).collect()
}

fn merge_event(
    merge: PersonMergeId,
    child: PersonId,
    la: &domain::identifiers::LaCode,
    outcome: AuditOutcome,
) -> AuditEvent {
    AuditEvent {
        action: AuditAction::Update,
        record_kind: RecordKind::PersonMerge,
        record_id: Some(merge.uuid()),
        child_id: Some(child),
        la: Some(la.clone()),
        outcome,
    }
}

/// Merge `m.merged` into `m.kept`: both locked and checked (`checks`: the kept, then the merged), the merged
/// person's version checked against what the user saw, every record moved, the merge written with what moved,
/// and an audit entry on each person. Refused with [`StoreError::Conflict`] if either is already merged away.
pub(crate) async fn merge_people<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    m: NewMerge,
    checks: (AccessCheck, AccessCheck),
    at: Timestamp,
) -> Result<Viewed<PersonMerge>, StoreError> {
    let mut ids = [m.kept, m.merged];
    ids.sort();
    for id in ids {
        c.fetch_optional(
            Sql::new(format!(
                "SELECT id FROM person WHERE id = $1{}",
                B::FOR_UPDATE
            ))
            .bind(id),
        )
        .await?;
    }
    let (kept_check, merged_check) = checks;
    let kept_facts = access_facts(c, m.kept).await?;
    let merged_facts = access_facts(c, m.merged).await?;
    let decisions = [
        kept_facts.as_ref().map(kept_check),
        merged_facts.as_ref().map(merged_check),
    ];
    for (d, facts, who) in [
        (decisions[0], kept_facts.as_ref(), m.kept),
        (decisions[1], merged_facts.as_ref(), m.merged),
    ] {
        if d != Some(Decision::Allow) {
            append_audit::<B>(
                c,
                actor,
                at,
                &[AuditEvent {
                    action: AuditAction::Update,
                    record_kind: RecordKind::PersonMerge,
                    record_id: None,
                    child_id: Some(who),
                    la: facts.map(|f| f.la.clone()),
                    outcome: AuditOutcome::Denied,
                }],
            )
            .await?;
            return Ok(match d {
                None => Viewed::Missing,
                Some(d) => Viewed::Denied(d),
            });
        }
    }
    let (Some(kept_facts), Some(merged_facts)) = (kept_facts, merged_facts) else {
        return Ok(Viewed::Missing);
    };
    if kept_facts.la != merged_facts.la {
        return Err(StoreError::Rejected(
            "people in different local authorities cannot be merged".into(),
        ));
    }
    for id in [m.kept, m.merged] {
        if resolve(c, id).await? != id {
            return Err(StoreError::Conflict(
                "one of these records has already been merged into another".into(),
            ));
        }
    }
    if let Some(seen) = m.seen_version {
        let current = case_version(c, m.merged).await?;
        if current != seen {
            return Err(StoreError::Stale { current });
        }
    }
    let mut moved = Vec::new();
    for (table, column, key) in person_columns() {
        if key.is_empty() {
            // A household membership (no id): by household and start, leaving any the kept person has too.
            let rows = c
                .fetch_all(
                    Sql::new(format!(
                        "SELECT household_id, from_date FROM {table} WHERE {column} = $1 AND NOT EXISTS \
                         (SELECT 1 FROM {table} k WHERE k.{column} = $2 AND k.household_id = {table}.household_id \
                          AND k.from_date = {table}.from_date)"
                    ))
                    .bind(m.merged)
                    .bind(m.kept),
                )
                .await?;
            let mut found = Vec::with_capacity(rows.len());
            for r in &rows {
                let h: domain::ids::HouseholdId = r.id("household_id")?;
                found.push((h, r.req_date("from_date")?));
            }
            drop(rows);
            let mut keys = Vec::new();
            for (h, from) in found {
                c.execute(
                    Sql::new(format!(
                        "UPDATE {table} SET {column} = $1 WHERE {column} = $2 AND household_id = $3 AND from_date = $4"
                    ))
                    .bind(m.kept)
                    .bind(m.merged)
                    .bind(h)
                    .bind(from),
                )
                .await?;
                keys.push(format!("{h} {from}"));
            }
            if !keys.is_empty() {
                moved.push(Moved {
                    table: table.into(),
                    column: column.into(),
                    key: "household_id from_date".into(),
                    rows: keys,
                });
            }
            continue;
        }
        let rows = c
            .fetch_all(
                Sql::new(format!("SELECT {key} FROM {table} WHERE {column} = $1")).bind(m.merged),
            )
            .await?;
        if rows.is_empty() {
            continue;
        }
        let mut keys = Vec::with_capacity(rows.len());
        for r in &rows {
            let k: uuid::Uuid = r.id(key)?;
            keys.push(k.to_string());
        }
        drop(rows);
        c.execute(
            Sql::new(format!(
                "UPDATE {table} SET {column} = $1 WHERE {column} = $2"
            ))
            .bind(m.kept)
            .bind(m.merged),
        )
        .await?;
        moved.push(Moved {
            table: table.into(),
            column: column.into(),
            key: key.into(),
            rows: keys,
        });
    }
    let moved_text = serde_json::to_string(&moved)
        .map_err(|e| StoreError::Database(format!("the moved records: {e}")))?;
    c.execute(
        Sql::new(
            "INSERT INTO person_merge (id, la, kept_id, merged_id, reason, by_user_id, at, moved) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(m.id)
        .bind(&kept_facts.la)
        .bind(m.kept)
        .bind(m.merged)
        .bind(m.reason.as_str())
        .bind(m.by)
        .bind(at)
        .bind(moved_text.as_str()),
    )
    .await?;
    append_audit::<B>(
        c,
        actor,
        at,
        &[
            merge_event(m.id, m.kept, &kept_facts.la, AuditOutcome::Allowed),
            merge_event(m.id, m.merged, &kept_facts.la, AuditOutcome::Allowed),
        ],
    )
    .await?;
    let merge = merge(c, m.id).await?.ok_or(StoreError::NotFound)?;
    Ok(Viewed::Allowed(merge))
}

/// Undo a merge: every record it moved put back on the merged person, the merge marked undone (kept, with who
/// and why), an audit entry on each person. A merge already undone is a [`StoreError::Conflict`].
pub(crate) async fn undo_merge<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    id: PersonMergeId,
    reason: String,
    seen_version: Option<i64>,
    at: Timestamp,
) -> Result<PersonMerge, StoreError> {
    let Some(m) = merge(c, id).await? else {
        return Err(StoreError::NotFound);
    };
    let mut ids = [m.kept_id, m.merged_id];
    ids.sort();
    for pid in ids {
        c.fetch_optional(
            Sql::new(format!(
                "SELECT id FROM person WHERE id = $1{}",
                B::FOR_UPDATE
            ))
            .bind(pid),
        )
        .await?;
    }
    if m.undone_at.is_some() {
        return Err(StoreError::Conflict(
            "this merge has already been undone".into(),
        ));
    }
    // The version of the kept person's records the administrator saw: a change since (a record moved in, a
    // note written) is a 409, nothing undone.
    let current = case_version(c, m.kept_id).await?;
    if seen_version.is_some_and(|seen| seen != current) {
        return Err(StoreError::Stale { current });
    }
    for mv in &m.moved {
        let known = person_columns()
            .into_iter()
            .any(|(t, col, _)| t == mv.table && col == mv.column);
        if !known {
            return Err(StoreError::corrupt(format_args!(
                "a merge moved {}.{}, which is not a column naming a person",
                mv.table, mv.column
            )));
        }
        let (table, column) = (mv.table.as_str(), mv.column.as_str());
        for row in &mv.rows {
            if mv.key == "household_id from_date" {
                let (h, from) = row
                    .split_once(' ')
                    .ok_or_else(|| StoreError::corrupt("a moved household membership"))?;
                let h: domain::ids::HouseholdId = h
                    .parse()
                    .map_err(|e| StoreError::corrupt(format_args!("{e}")))?;
                let from: domain::datetime::Date = from
                    .parse()
                    .map_err(|e| StoreError::corrupt(format_args!("{e}")))?;
                c.execute(
                    Sql::new(format!(
                        "UPDATE {table} SET {column} = $1 WHERE {column} = $2 AND household_id = $3 AND from_date = $4"
                    ))
                    .bind(m.merged_id)
                    .bind(m.kept_id)
                    .bind(h)
                    .bind(from),
                )
                .await?;
            } else {
                let key = if mv.key == "id" || mv.key == "supervision_id" {
                    mv.key.as_str()
                } else {
                    return Err(StoreError::corrupt("a moved row's key"));
                };
                let k: uuid::Uuid = row
                    .parse()
                    .map_err(|e| StoreError::corrupt(format_args!("{e}")))?;
                c.execute(
                    Sql::new(format!(
                        "UPDATE {table} SET {column} = $1 WHERE {column} = $2 AND {key} = $3"
                    ))
                    .bind(m.merged_id)
                    .bind(m.kept_id)
                    .bind(k),
                )
                .await?;
            }
        }
    }
    c.execute(
        Sql::new(
            "UPDATE person_merge SET undone_by = $2, undone_at = $3, undo_reason = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(actor.user_id)
        .bind(at)
        .bind(reason.as_str()),
    )
    .await?;
    append_audit::<B>(
        c,
        actor,
        at,
        &[
            merge_event(id, m.kept_id, &m.la, AuditOutcome::Allowed),
            merge_event(id, m.merged_id, &m.la, AuditOutcome::Allowed),
        ],
    )
    .await?;
    merge(c, id).await?.ok_or(StoreError::NotFound)
}
