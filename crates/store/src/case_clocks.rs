//! The stored due dates of open cases (`case_clock`, `case_due`), by which the casework worklist's "all cases"
//! scope pages an LA's cases most overdue first in SQL, and the queue of children whose due dates are to be
//! worked out again (`case_clock_stale`).
//!
//! Due dates depend on a child's records and the LA's clock settings and calendar, never on today, so they can
//! be kept: every audited write about a child queues the child, in the same transaction as the write
//! ([`queue_changed`], called where audit entries are appended), and a change of an LA's settings queues all its
//! open cases. The service takes a batch from the queue ([`stale_batch`]), works the clocks out with
//! `domain::casework_clocks`, and stores them ([`store_clocks`]), taking each child off the queue only if it was
//! not queued again meanwhile (its generation is unchanged). The worklist then reads each page's children fresh
//! and works out their clocks' status for today.

use std::borrow::Cow;
use std::collections::BTreeSet;

use domain::audit::AuditEvent;
use domain::casework_clocks::ClockKind;
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::ids::PersonId;
use domain::records::RecordSet;
use uuid::Uuid;

use crate::casework::{casework_records, placeholders};
use crate::error::StoreError;
use crate::queries::insert_values;
use crate::row::RowExt;
use crate::sql::{Sql, SqlConn, ToValue, Value};

/// A child queued for its due dates to be worked out, with the generation it was queued at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuedChild {
    pub child_id: PersonId,
    pub generation: i64,
}

/// One stored due date of a child's open case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueDate {
    pub child_id: PersonId,
    pub la: LaCode,
    pub kind: ClockKind,
    pub due_on: Date,
}

/// Whether an audited event changes records (and so may change a child's due dates). Not a deletion under the
/// retention schedule: the deleted child's due dates and queue place go with the rest of the file
/// (`retention.rs`), and nothing of the child may be left behind.
fn is_change(action: AuditAction) -> bool {
    matches!(
        action,
        AuditAction::Create | AuditAction::Update | AuditAction::Import | AuditAction::Admin
    )
}

const QUEUE: &str = "INSERT INTO case_clock_stale (child_id, generation) VALUES ";
const REQUEUE: &str = " ON CONFLICT (child_id) DO UPDATE SET generation = excluded.generation";

/// Queue the children that `events` change, and every open case of an LA whose settings they change; in the
/// transaction that appends the events. The generation is `seq`, the audit sequence number of the last of the
/// events: it only ever goes up, so a child queued again (even after it left the queue) always has a newer
/// generation than any batch that read it before.
pub(crate) async fn queue_changed<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    events: &[AuditEvent],
    seq: i64,
) -> Result<(), StoreError> {
    let children: BTreeSet<Uuid> = events
        .iter()
        .filter(|e| is_change(e.action) && e.outcome == AuditOutcome::Allowed)
        .filter_map(|e| e.child_id.map(|id| id.uuid()))
        .collect();
    let children: Vec<Uuid> = children.into_iter().collect();
    for chunk in children.chunks(max_params.saturating_sub(1).clamp(1, 1_000)) {
        let values = (2..=chunk.len() + 1)
            .map(|i| format!("(${i}, $1)"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = Sql::new(format!("{QUEUE}{values}{REQUEUE}")).bind(seq);
        for id in chunk {
            sql = sql.bind(*id);
        }
        c.execute(sql).await?;
    }
    let las: BTreeSet<&LaCode> = events
        .iter()
        .filter(|e| e.record_kind == RecordKind::LocalAuthority && is_change(e.action))
        .filter(|e| e.outcome == AuditOutcome::Allowed)
        .filter_map(|e| e.la.as_ref())
        .collect();
    for la in las {
        c.execute(
            Sql::new(
                "INSERT INTO case_clock_stale (child_id, generation) \
                 SELECT DISTINCT child_id, $2 FROM referral WHERE la = $1 AND closure_date IS NULL \
                 ON CONFLICT (child_id) DO UPDATE SET generation = excluded.generation",
            )
            .bind(la.as_ref())
            .bind(seq),
        )
        .await?;
    }
    Ok(())
}

/// Up to `limit` queued children (of `las`, when given) and the open casework their clocks are worked out from.
pub(crate) async fn stale_batch<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    las: Option<&[LaCode]>,
    limit: u32,
) -> Result<(Vec<QueuedChild>, RecordSet), StoreError> {
    let sql = match las {
        None => Sql::new(format!(
            "SELECT child_id, generation FROM case_clock_stale ORDER BY child_id LIMIT {}",
            limit.max(1)
        )),
        Some(las) => {
            let (list, args) = crate::casework::la_list(las, 1);
            Sql {
                text: Cow::Owned(format!(
                    "SELECT s.child_id AS child_id, s.generation AS generation FROM case_clock_stale s \
                     JOIN person p ON p.id = s.child_id WHERE p.la IN ({list}) \
                     ORDER BY s.child_id LIMIT {}",
                    limit.max(1)
                )),
                args,
            }
        }
    };
    let queued = c
        .fetch_all(sql)
        .await?
        .iter()
        .map(|r| {
            Ok(QueuedChild {
                child_id: PersonId::from_uuid(r.id("child_id")?),
                generation: r.req_int("generation")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let ids: Vec<Uuid> = queued.iter().map(|q| q.child_id.uuid()).collect();
    let chunk = max_params.saturating_sub(8).clamp(1, 1_000);
    let set = casework_records(c, chunk, &ids).await?;
    Ok((queued, set))
}

/// Store the due dates worked out for `done` (replacing what was stored for them; a child with none has no
/// open case to order), and take off the queue each child not queued again since.
pub(crate) async fn store_clocks<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    done: &[QueuedChild],
    due: &[DueDate],
) -> Result<(), StoreError> {
    let chunk = max_params.saturating_sub(8).clamp(1, 1_000);
    // Each child's case_due row first: on PostgreSQL its row lock orders two servers storing the same child.
    let firsts = done.iter().map(|q| {
        let mine = due.iter().filter(|d| d.child_id == q.child_id);
        let first = mine.clone().map(|d| d.due_on).min();
        let la = mine.map(|d| d.la.as_ref().to_owned()).next();
        (q.child_id, la, first)
    });
    for (child, la, first) in firsts {
        c.execute(
            Sql::new(
                "INSERT INTO case_due (child_id, la, first_due) VALUES ($1, $2, $3) \
                 ON CONFLICT (child_id) DO UPDATE SET la = excluded.la, first_due = excluded.first_due",
            )
            .bind(child.uuid())
            .bind(la.unwrap_or_default())
            .bind(first),
        )
        .await?;
    }
    let ids: Vec<Uuid> = done.iter().map(|q| q.child_id.uuid()).collect();
    for ids in ids.chunks(chunk) {
        for table in ["case_clock", "case_due"] {
            let only_empty = if table == "case_due" {
                " AND first_due IS NULL"
            } else {
                ""
            };
            let mut sql = Sql::new(format!(
                "DELETE FROM {table} WHERE child_id IN ({}){only_empty}",
                placeholders(1, ids.len())
            ));
            for id in ids {
                sql = sql.bind(*id);
            }
            c.execute(sql).await?;
        }
    }
    insert_values(
        c,
        max_params,
        "INSERT INTO",
        "case_clock",
        &["child_id", "la", "kind", "due_on"],
        due.iter().map(|d| {
            vec![
                d.child_id.uuid().to_value(),
                Value::Text(Cow::Owned(d.la.as_ref().to_owned())),
                Value::Text(Cow::Borrowed(d.kind.code())),
                d.due_on.to_value(),
            ]
        }),
    )
    .await?;
    for batch in done.chunks((chunk / 2).max(1)) {
        let condition = (0..batch.len())
            .map(|i| {
                format!(
                    "(child_id = ${} AND generation = ${})",
                    2 * i + 1,
                    2 * i + 2
                )
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        let mut sql = Sql::new(format!("DELETE FROM case_clock_stale WHERE {condition}"));
        for q in batch {
            sql = sql.bind(q.child_id.uuid()).bind(q.generation);
        }
        c.execute(sql).await?;
    }
    Ok(())
}
