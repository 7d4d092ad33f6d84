//! Retention's reads and writes: what each child's file of an LA holds that its retention depends on (its deepest
//! involvement, its dates, a legal hold), legal holds placed and lifted (against the version seen, audited), and
//! the deletion of a whole file at the end of its period, which leaves a stub (`retention_deletion`) and an audit
//! entry, and nothing else of the child. The audit log is never touched: its entries carry ids, not names or case
//! text, so the hash chain verifies after any number of deletions.

use std::borrow::Cow;
use std::collections::HashMap;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::{Date, Timestamp, london_date};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use domain::records::Record;
use domain::retention::{self, Disposition, FileFacts, Period, RetentionClass};
use uuid::Uuid;

use crate::audit_log::append_audit;
use crate::casework::la_list;
use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow, Value};
use crate::tables::Table;

/// What one child's file holds that its retention depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionFile {
    pub child_id: PersonId,
    pub la: LaCode,
    /// First and last name, for the officer to know the file.
    pub name: String,
    pub facts: FileFacts,
    /// The legal hold on it now, if any.
    pub hold: Option<LegalHold>,
}

/// A legal hold: a child's file kept whatever its period says, until lifted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegalHold {
    pub id: Uuid,
    pub la: LaCode,
    pub child_id: PersonId,
    pub reason: String,
    pub placed_by: Option<UserId>,
    pub placed_at: Timestamp,
    pub lifted_by: Option<UserId>,
    pub lifted_at: Option<Timestamp>,
    pub lift_reason: Option<String>,
    pub version: i64,
}

/// The stub a deletion leaves: which file went, why and when, with no name or case text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionDeletion {
    pub id: Uuid,
    pub la: LaCode,
    pub child_id: PersonId,
    pub class: RetentionClass,
    pub last_activity: Date,
    pub kept_until: Date,
    pub source: String,
    /// The dry-run report the deletion was decided on ([`retention::report_version`]).
    pub report: String,
    pub rows_deleted: i64,
    pub deleted_by: Option<UserId>,
    pub deleted_at: Timestamp,
}

/// Which files: an LA's, or one child's.
#[derive(Clone, Copy, Debug)]
enum Files<'a> {
    Of(&'a LaCode),
    Child(PersonId),
}

impl Files<'_> {
    fn filter(&self) -> &'static str {
        match self {
            Files::Of(_) => "p.la = $1",
            Files::Child(_) => "p.id = $1",
        }
    }

    fn arg(&self) -> Value<'static> {
        match self {
            Files::Of(la) => Value::Text(Cow::Owned(la.as_ref().to_owned())),
            Files::Child(id) => Value::Uuid(id.uuid()),
        }
    }
}

fn sql(text: String, args: Vec<Value<'static>>) -> Sql<'static> {
    Sql {
        text: Cow::Owned(text),
        args,
    }
}

/// A table's dated columns: the column, and whether it holds an instant rather than a day.
type DatedColumns = &'static [(&'static str, bool)];

/// What a row of a table says of a child's file: it makes the file a child-in-need one (a referral, assessment,
/// plan, strategy discussion or section 47), or a child protection one (a conference; a plan when this condition
/// holds of it).
#[derive(Clone, Copy)]
enum Involvement {
    None,
    ChildInNeed,
    ChildProtection,
    /// Child in need, and child protection where the SQL condition holds.
    ChildInNeedOrProtection(&'static str),
}

/// The tables of a child's file with their dated columns (`column`, whether it holds an instant rather than a
/// day) and what their rows say of its involvement. The file's last activity is the latest of the dates. One
/// grouped query per table, by the table's own `la` (or `child_id`) index, gives every child's latest dates and
/// involvement at once.
const ACTIVITY: &[(&str, DatedColumns, Involvement)] = &[
    (
        "contact",
        &[("received_at", true), ("decided_at", true)],
        Involvement::None,
    ),
    (
        "referral",
        &[("referral_date", false), ("closure_date", false)],
        Involvement::ChildInNeed,
    ),
    (
        "early_help_episode",
        &[("start_date", false), ("end_date", false)],
        Involvement::None,
    ),
    (
        "strategy_discussion",
        &[("held_at", true)],
        Involvement::ChildInNeed,
    ),
    (
        "section47",
        &[("start_date", false), ("outcome_date", false)],
        Involvement::ChildInNeed,
    ),
    (
        "assessment",
        &[("start_date", false), ("authorised_on", false)],
        Involvement::ChildInNeed,
    ),
    (
        "plan",
        &[("start_date", false), ("end_date", false)],
        Involvement::ChildInNeedOrProtection("t.kind = 'cp'"),
    ),
    (
        "conference",
        &[("held_on", false)],
        Involvement::ChildProtection,
    ),
    ("plan_review", &[("held_on", false)], Involvement::None),
    ("core_group", &[("held_on", false)], Involvement::None),
    ("visit", &[("visited_on", false)], Involvement::None),
    ("case_note", &[("at", true)], Involvement::None),
    ("case_action", &[("completed_on", false)], Involvement::None),
    (
        "allocation",
        &[("from_date", false), ("to_date", false)],
        Involvement::None,
    ),
    ("document", &[("uploaded_at", true)], Involvement::None),
];

fn read_hold<R: SqlRow + ?Sized>(r: &R) -> Result<LegalHold, StoreError> {
    Ok(LegalHold {
        id: r.id("id")?,
        la: r.la("la")?,
        child_id: r.id("person_id")?,
        reason: r.req_text("reason")?,
        placed_by: r.opt_id("placed_by")?,
        placed_at: r.req_timestamp("placed_at")?,
        lifted_by: r.opt_id("lifted_by")?,
        lifted_at: r.timestamp("lifted_at")?,
        lift_reason: r.text("lift_reason")?,
        version: r.req_int("version")?,
    })
}

const HOLD_COLUMNS: &str = "h.id, h.la, h.person_id, h.reason, h.placed_by, h.placed_at, h.lifted_by, h.lifted_at, h.lift_reason, h.version";

/// The files of an LA or one child, with what their retention depends on. A record merged away into another
/// is part of the record kept, not a file of its own.
async fn files<C: SqlConn>(c: &mut C, which: Files<'_>) -> Result<Vec<RetentionFile>, StoreError> {
    let filter = which.filter();
    let mut out: Vec<RetentionFile> = Vec::new();
    let mut at: HashMap<PersonId, usize> = HashMap::new();
    for r in c
        .fetch_all(sql(
            format!(
                "SELECT p.id, p.la, p.first_name, p.last_name, p.date_of_birth, p.date_of_death, p.created_at \
                 FROM person p \
                 WHERE {filter} AND p.is_child = $2 AND NOT EXISTS (SELECT 1 FROM person_merge m \
                 WHERE m.merged_id = p.id AND m.undone_at IS NULL) ORDER BY p.id"
            ),
            vec![which.arg(), Value::Bool(true)],
        ))
        .await?
    {
        let id: PersonId = r.id("id")?;
        at.insert(id, out.len());
        out.push(RetentionFile {
            child_id: id,
            la: r.la("la")?,
            name: format!("{} {}", r.req_text("first_name")?, r.req_text("last_name")?),
            facts: FileFacts {
                class: RetentionClass::ContactOnly,
                date_of_birth: r.date("date_of_birth")?,
                date_of_death: r.date("date_of_death")?,
                last_activity: london_date(r.req_timestamp("created_at")?),
            },
            hold: None,
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    // Each table's rows by child: the latest of its dates, and whether any row makes the file deeper.
    let by = match which {
        Files::Of(_) => "t.la = $1",
        Files::Child(_) => "t.child_id = $1",
    };
    let mut flags: HashMap<PersonId, (bool, bool)> = HashMap::new();
    for (table, columns, involvement) in ACTIVITY {
        let mut select: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, (col, _))| format!("MAX(t.{col}) AS d{i}"))
            .collect();
        if let Involvement::ChildInNeedOrProtection(condition) = involvement {
            select.push(format!("COUNT(CASE WHEN {condition} THEN 1 END) AS cp"));
        }
        let rows = c
            .fetch_all(sql(
                format!(
                    "SELECT t.child_id, {} FROM {table} t WHERE {by} GROUP BY t.child_id",
                    select.join(", ")
                ),
                vec![which.arg()],
            ))
            .await?;
        for r in &rows {
            let Some(child) = r.opt_id::<PersonId>("child_id")? else {
                continue;
            };
            let Some(f) = at.get(&child).and_then(|&i| out.get_mut(i)) else {
                continue;
            };
            for (i, (_, instant)) in columns.iter().enumerate() {
                let col = format!("d{i}");
                let latest = if *instant {
                    r.timestamp(&col)?.map(london_date)
                } else {
                    r.date(&col)?
                };
                if let Some(d) = latest
                    && d > f.facts.last_activity
                {
                    f.facts.last_activity = d;
                }
            }
            let e = flags.entry(child).or_default();
            match involvement {
                Involvement::None => {}
                Involvement::ChildInNeed => e.1 = true,
                Involvement::ChildProtection => e.0 = true,
                Involvement::ChildInNeedOrProtection(_) => {
                    e.1 = true;
                    if r.int("cp")?.unwrap_or(0) > 0 {
                        e.0 = true;
                    }
                }
            }
        }
    }
    for f in &mut out {
        let (cp, cin) = flags.get(&f.child_id).copied().unwrap_or_default();
        f.facts.class = RetentionClass::of(false, cp, cin);
    }
    for r in c
        .fetch_all(sql(
            format!(
                "SELECT {HOLD_COLUMNS} FROM legal_hold h JOIN person p ON p.id = h.person_id \
                 WHERE {filter} AND h.lifted_at IS NULL ORDER BY h.placed_at"
            ),
            vec![which.arg()],
        ))
        .await?
    {
        let hold = read_hold(&r)?;
        if let Some(&i) = at.get(&hold.child_id)
            && let Some(f) = out.get_mut(i)
            && f.hold.is_none()
        {
            f.hold = Some(hold);
        }
    }
    Ok(out)
}

/// See [`crate::Store::retention_files`].
pub(crate) async fn retention_files<C: SqlConn>(
    c: &mut C,
    la: &LaCode,
) -> Result<Vec<RetentionFile>, StoreError> {
    files(c, Files::Of(la)).await
}

/// See [`crate::Store::legal_holds`].
pub(crate) async fn legal_holds<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
) -> Result<Vec<LegalHold>, StoreError> {
    if las.is_empty() {
        return Ok(Vec::new());
    }
    let (list, args) = la_list(las, 1);
    c.fetch_all(sql(
        format!(
            "SELECT {HOLD_COLUMNS} FROM legal_hold h WHERE h.la IN ({list}) \
             ORDER BY h.lifted_at IS NOT NULL, h.placed_at DESC, h.id LIMIT 1000"
        ),
        args,
    ))
    .await?
    .iter()
    .map(read_hold)
    .collect()
}

/// See [`crate::Store::legal_hold`].
pub(crate) async fn legal_hold<C: SqlConn>(
    c: &mut C,
    id: Uuid,
) -> Result<Option<LegalHold>, StoreError> {
    c.fetch_optional(
        Sql::new(format!(
            "SELECT {HOLD_COLUMNS} FROM legal_hold h WHERE h.id = $1"
        ))
        .bind(id),
    )
    .await?
    .as_ref()
    .map(read_hold)
    .transpose()
}

fn hold_event(action: AuditAction, hold: &LegalHold) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: RecordKind::LegalHold,
        record_id: Some(hold.id),
        child_id: Some(hold.child_id),
        la: Some(hold.la.clone()),
        outcome: AuditOutcome::Allowed,
    }
}

/// See [`crate::Store::place_legal_hold`].
pub(crate) async fn place_legal_hold<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    hold: &LegalHold,
) -> Result<(), StoreError> {
    c.execute(
        Sql::new(
            "INSERT INTO legal_hold (id, la, person_id, reason, placed_by, placed_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(hold.id)
        .bind(&hold.la)
        .bind(hold.child_id)
        .bind(hold.reason.as_str())
        .bind(hold.placed_by)
        .bind(hold.placed_at)
        .bind(hold.version),
    )
    .await?;
    append_audit::<B>(
        c,
        actor,
        hold.placed_at,
        &[hold_event(AuditAction::Create, hold)],
    )
    .await
}

/// See [`crate::Store::lift_legal_hold`].
pub(crate) async fn lift_legal_hold<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    id: Uuid,
    reason: String,
    expected: Option<i64>,
    at: Timestamp,
) -> Result<LegalHold, StoreError> {
    let current = c
        .fetch_optional(
            Sql::new(format!(
                "SELECT {HOLD_COLUMNS} FROM legal_hold h WHERE h.id = $1{}",
                B::FOR_UPDATE
            ))
            .bind(id),
        )
        .await?
        .as_ref()
        .map(read_hold)
        .transpose()?
        .ok_or(StoreError::NotFound)?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(StoreError::Stale {
            current: current.version,
        });
    }
    if current.lifted_at.is_some() {
        return Err(StoreError::Conflict(
            "this legal hold has already been lifted".into(),
        ));
    }
    let updated = c
        .execute(
            Sql::new(
                "UPDATE legal_hold SET lifted_by = $2, lifted_at = $3, lift_reason = $4, version = version + 1 \
                 WHERE id = $1 AND version = $5",
            )
            .bind(id)
            .bind(actor.user_id)
            .bind(at)
            .bind(reason.as_str())
            .bind(current.version),
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::Stale {
            current: current.version + 1,
        });
    }
    append_audit::<B>(c, actor, at, &[hold_event(AuditAction::Update, &current)]).await?;
    legal_hold(c, id).await?.ok_or(StoreError::NotFound)
}

/// See [`crate::Store::retention_deletions`].
pub(crate) async fn retention_deletions<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
) -> Result<Vec<RetentionDeletion>, StoreError> {
    if las.is_empty() {
        return Ok(Vec::new());
    }
    let (list, args) = la_list(las, 1);
    let rows = c
        .fetch_all(sql(
            format!(
                "SELECT id, la, person_id, class, last_activity, kept_until, source, report, rows_deleted, \
                 deleted_by, deleted_at FROM retention_deletion WHERE la IN ({list}) \
                 ORDER BY deleted_at DESC, id LIMIT 1000"
            ),
            args,
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let class = r.req_text("class")?;
            Ok(RetentionDeletion {
                id: r.id("id")?,
                la: r.la("la")?,
                child_id: r.id("person_id")?,
                class: RetentionClass::ALL
                    .into_iter()
                    .find(|k| k.code() == class)
                    .ok_or_else(|| StoreError::corrupt(format_args!("retention class {class}")))?,
                last_activity: r.req_date("last_activity")?,
                kept_until: r.req_date("kept_until")?,
                source: r.req_text("source")?,
                report: r.req_text("report")?,
                rows_deleted: r.req_int("rows_deleted")?,
                deleted_by: r.opt_id("deleted_by")?,
                deleted_at: r.req_timestamp("deleted_at")?,
            })
        })
        .collect()
}

/// Tables that hold rows belonging to a child's other records, by `child_id` (deleted before those records).
const PARTS: &[&str] = &[
    "plan_review_action",
    "supervision_case",
    "strategy_participant",
    "strategy_absent_agency",
    "strategy_action_progress",
];

/// The registry's columns naming a person, children's records before the records they refer to (the reverse of
/// the write order), without the person itself, households and their members (handled with the family).
fn file_columns() -> Vec<(&'static str, &'static str)> {
    fn add<T: Table + Record>(out: &mut Vec<(&'static str, &'static str)>) {
        if matches!(
            T::NAME,
            "person" | "household" | "household_member" | "document_content"
        ) {
            return;
        }
        for col in T::CHILD_COLUMN
            .into_iter()
            .chain(T::OTHER_PERSON_COLUMNS.iter().copied())
        {
            out.push((T::NAME, col));
        }
    }
    let mut out = Vec::new();
    macro_rules! each_kind {
        ($($t:ty),*) => { $( add::<$t>(&mut out); )* };
    }
    domain::record_kinds!(write_order: each_kind);
    out.reverse();
    out
}

async fn delete_where<C: SqlConn>(
    c: &mut C,
    table: &str,
    column: &str,
    id: PersonId,
) -> Result<u64, StoreError> {
    c.execute(Sql::new(format!("DELETE FROM {table} WHERE {column} = $1")).bind(id))
        .await
}

/// Delete one person's rows: their records (children's records first), what information governance keeps on
/// them, and the person.
async fn delete_person<C: SqlConn>(c: &mut C, id: PersonId) -> Result<u64, StoreError> {
    let mut n = c
        .execute(
            Sql::new("DELETE FROM document_content WHERE document_id IN (SELECT id FROM document WHERE child_id = $1)")
                .bind(id),
        )
        .await?;
    for table in PARTS {
        n += delete_where(c, table, "child_id", id).await?;
    }
    for (table, column) in file_columns() {
        n += delete_where(c, table, column, id).await?;
    }
    n += delete_where(c, "household_member", "person_id", id).await?;
    // The stored due dates of the case, its place in their queue (case_clocks.rs) and its case-file version
    // (case_files.rs).
    for table in [
        "case_clock",
        "case_due",
        "case_clock_stale",
        "case_file_version",
    ] {
        n += delete_where(c, table, "child_id", id).await?;
    }
    for table in [
        "restricted_access",
        "restriction",
        "break_glass",
        "legal_hold",
    ] {
        n += delete_where(c, table, "person_id", id).await?;
    }
    n += c
        .execute(Sql::new("DELETE FROM person_merge WHERE kept_id = $1 OR merged_id = $1").bind(id))
        .await?;
    n += delete_where(c, "person", "id", id).await?;
    Ok(n)
}

fn person_event(id: PersonId, child: Option<PersonId>, la: &LaCode) -> AuditEvent {
    AuditEvent {
        action: AuditAction::Delete,
        record_kind: RecordKind::Person,
        record_id: Some(id.uuid()),
        child_id: child,
        la: Some(la.clone()),
        outcome: AuditOutcome::Allowed,
    }
}

/// See [`crate::Store::delete_due_file`]: the child locked, its file read again and decided again under
/// `schedule` on `today` (a hold placed or a record added since the report refuses it with `Conflict`), then
/// every row of the file deleted, with the records merged into it, the adults related to no one else, the
/// households left empty, the child's id taken out of other children's case notes and their sibling groups led
/// by another sibling's contact; the stub and the audit
/// entries written. Returns the stub.
pub(crate) async fn delete_due_file<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    child: PersonId,
    schedule: &[Period],
    today: Date,
    report: &str,
    at: Timestamp,
) -> Result<RetentionDeletion, StoreError> {
    c.fetch_optional(
        Sql::new(format!(
            "SELECT id FROM person WHERE id = $1{}",
            B::FOR_UPDATE
        ))
        .bind(child),
    )
    .await?;
    let file = files(c, Files::Child(child))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)?;
    let hold = file.hold.as_ref().map(|h| h.reason.as_str());
    let Disposition::Due { .. } = retention::disposition(schedule, &file.facts, hold, today) else {
        return Err(StoreError::Conflict(
            "this file is no longer due for deletion: it is held, or something was recorded on it since".into(),
        ));
    };
    let kept_until = retention::kept_until(schedule, &file.facts).unwrap_or(today);
    let source = schedule
        .iter()
        .find(|p| p.class == file.facts.class)
        .map(|p| p.source.clone())
        .unwrap_or_default();
    // The records merged into this one (and into those), which are the same child's.
    let mut people = vec![child];
    let mut i = 0;
    while let Some(&p) = people.get(i) {
        for r in c
            .fetch_all(Sql::new("SELECT merged_id FROM person_merge WHERE kept_id = $1").bind(p))
            .await?
        {
            let m: PersonId = r.id("merged_id")?;
            if !people.contains(&m) {
                people.push(m);
            }
        }
        i += 1;
    }
    // The family: adults related to the child, and the households they lived in.
    let mut adults: Vec<PersonId> = Vec::new();
    let mut households: Vec<Uuid> = Vec::new();
    for &p in &people {
        for r in c
            .fetch_all(
                Sql::new(
                    "SELECT o.id FROM relationship r JOIN person o ON o.id = \
                     CASE WHEN r.person_id = $1 THEN r.related_person_id ELSE r.person_id END \
                     WHERE (r.person_id = $1 OR r.related_person_id = $1) AND o.is_child = $2",
                )
                .bind(p)
                .bind(false),
            )
            .await?
        {
            let a: PersonId = r.id("id")?;
            if !adults.contains(&a) && !people.contains(&a) {
                adults.push(a);
            }
        }
    }
    for &p in people.iter().chain(adults.iter()) {
        for r in c
            .fetch_all(
                Sql::new("SELECT household_id FROM household_member WHERE person_id = $1").bind(p),
            )
            .await?
        {
            let h: Uuid = r.id("household_id")?;
            if !households.contains(&h) {
                households.push(h);
            }
        }
    }
    let mut rows: u64 = 0;
    // Notes on other children that were also about this one keep their text, not this child's id.
    for &p in &people {
        let needle = format!("%{}%", p.uuid());
        let notes = c
            .fetch_all(
                Sql::new("SELECT id, also_about FROM case_note WHERE also_about LIKE $1")
                    .bind(needle.as_str()),
            )
            .await?;
        let mut changes: Vec<(Uuid, Option<String>)> = Vec::new();
        for r in &notes {
            let ids: Vec<String> = r.json_list("also_about")?;
            let kept: Vec<String> = ids
                .into_iter()
                .filter(|s| *s != p.uuid().to_string())
                .collect();
            let text =
                if kept.is_empty() {
                    None
                } else {
                    Some(serde_json::to_string(&kept).map_err(|e| {
                        StoreError::Database(format!("a case note's children: {e}"))
                    })?)
                };
            changes.push((r.id("id")?, text));
        }
        for (note, text) in changes {
            rows += c
                .execute(
                    Sql::new("UPDATE case_note SET also_about = $2 WHERE id = $1")
                        .bind(note)
                        .bind(text.as_deref()),
                )
                .await?;
        }
    }
    // Contacts about siblings name the first sibling's contact as their group: a group whose first contact goes
    // is led by the next one left (or is no group, when one contact is left).
    for &p in &people {
        let leads: Vec<Uuid> = c
            .fetch_all(
                Sql::new(
                    "SELECT DISTINCT o.sibling_group FROM contact o JOIN contact mine ON mine.id = o.sibling_group \
                     WHERE mine.child_id = $1 AND o.child_id <> $1",
                )
                .bind(p),
            )
            .await?
            .iter()
            .map(|r| r.id::<Uuid>("sibling_group"))
            .collect::<Result<_, _>>()?;
        for lead in leads {
            let members: Vec<Uuid> = c
                .fetch_all(
                    Sql::new("SELECT id FROM contact WHERE sibling_group = $1 AND child_id <> $2 ORDER BY id")
                        .bind(lead)
                        .bind(p),
                )
                .await?
                .iter()
                .map(|r| r.id::<Uuid>("id"))
                .collect::<Result<_, _>>()?;
            let next = members.first().copied().filter(|_| members.len() > 1);
            rows += c
                .execute(
                    Sql::new("UPDATE contact SET sibling_group = $1 WHERE sibling_group = $2 AND child_id <> $3")
                        .bind(next)
                        .bind(lead)
                        .bind(p),
                )
                .await?;
        }
    }
    // Merged-away records first: the merges name the kept one.
    for &p in people.iter().rev() {
        rows += delete_person(c, p).await?;
    }
    let mut events = vec![person_event(child, Some(child), &file.la)];
    for a in adults {
        let still_related = c
            .fetch_optional(
                Sql::new("SELECT 1 AS x FROM relationship WHERE person_id = $1 OR related_person_id = $1")
                    .bind(a),
            )
            .await?
            .is_some();
        if still_related {
            continue;
        }
        rows += delete_person(c, a).await?;
        events.push(person_event(a, None, &file.la));
    }
    for h in households {
        rows += c
            .execute(
                Sql::new(
                    "DELETE FROM household WHERE id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM household_member m WHERE m.household_id = $1)",
                )
                .bind(h),
            )
            .await?;
    }
    let stub = RetentionDeletion {
        id: Uuid::now_v7(),
        la: file.la.clone(),
        child_id: child,
        class: file.facts.class,
        last_activity: file.facts.last_activity,
        kept_until,
        source,
        report: report.to_owned(),
        rows_deleted: i64::try_from(rows).unwrap_or(i64::MAX),
        deleted_by: actor.user_id,
        deleted_at: at,
    };
    c.execute(
        Sql::new(
            "INSERT INTO retention_deletion (id, la, person_id, class, last_activity, kept_until, source, report, \
             rows_deleted, deleted_by, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(stub.id)
        .bind(&stub.la)
        .bind(child)
        .bind(stub.class.code())
        .bind(stub.last_activity)
        .bind(stub.kept_until)
        .bind(stub.source.as_str())
        .bind(stub.report.as_str())
        .bind(stub.rows_deleted)
        .bind(stub.deleted_by)
        .bind(at),
    )
    .await?;
    append_audit::<B>(c, actor, at, &events).await?;
    Ok(stub)
}
