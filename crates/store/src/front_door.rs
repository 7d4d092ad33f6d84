//! The front door's store work: saving a change to a child's records (created and updated rows, audited, with
//! the permission check and the stale-form check in the same transaction), and the worklists of the MASH and of
//! the partner agencies.

use std::borrow::Cow;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::ids::{InformationRequestId, PersonId};
use domain::policy::Decision;
use domain::records::*;

use crate::access::{Audited, access_facts};
use crate::audit_log::append_audit;
use crate::error::StoreError;
use crate::queries::{insert_set_rows, select_where};
use crate::sql::{Backend, Sql, SqlConn, SqlRow, ToValue, Value};
use crate::tables::{RecordTable, Table};
use crate::{
    AccessCheck, CaseChange, PartnerQueueQuery, PartnerRequestRow, Versioned, Viewed,
    WorklistQuery, WorklistRow, WorklistStage,
};

/// Audit actions that change nothing: they do not move a record's version. Migration 0022's partial indexes
/// (`audit_log_child_change`, `audit_log_record_change`) hold the other entries, under this very predicate: change
/// one, change both.
const READS: &str = "('view', 'search', 'export', 'sign-in', 'sign-out')";

pub(crate) async fn case_version<C: SqlConn>(
    c: &mut C,
    child: PersonId,
) -> Result<i64, StoreError> {
    let rows = c.fetch_all(case_version_sql(child)).await?;
    case_version_from(&rows)
}

/// The query [`case_version`] runs, to send in a batch with others.
pub(crate) fn case_version_sql(child: PersonId) -> Sql<'static> {
    Sql::new(format!(
        "SELECT MAX(seq) AS version FROM audit_log WHERE child_id = $1 AND action NOT IN {READS}"
    ))
    .bind(child)
}

/// The version from [`case_version_sql`]'s rows.
pub(crate) fn case_version_from<R: SqlRow>(rows: &[R]) -> Result<i64, StoreError> {
    Ok(match rows.first() {
        Some(r) => r.int("version")?.unwrap_or(0),
        None => 0,
    })
}

/// The version of one record: the audit sequence number of the latest change to it (for a partner, who answers
/// one request and does not see the child's other records).
pub(crate) async fn record_version<C: SqlConn>(
    c: &mut C,
    record: uuid::Uuid,
) -> Result<i64, StoreError> {
    let row = c
        .fetch_optional(
            Sql::new(format!(
                "SELECT MAX(seq) AS version FROM audit_log WHERE record_id = $1 AND action NOT IN {READS}"
            ))
            .bind(record),
        )
        .await?;
    Ok(match row {
        Some(r) => r.int("version")?.unwrap_or(0),
        None => 0,
    })
}

/// One audit event per record in `rows`: created, or updated.
fn events_of<T: RecordTable>(rows: &[T], updated: bool, out: &mut Vec<AuditEvent>) {
    for mut e in rows.iter().filter_map(RecordTable::created) {
        if updated {
            e.action = AuditAction::Update;
        }
        out.push(e);
    }
}

/// The audit events of every record in a set (not its sub-rows, which go with their parents).
fn record_events(s: &RecordSet, updated: bool) -> Vec<AuditEvent> {
    let mut out = Vec::new();
    macro_rules! each_kind {
        ($($t:ty),*) => { $( events_of(<$t as Record>::of(s), updated, &mut out); )* };
    }
    domain::record_kinds!(each_kind);
    out
}

/// Replace whole rows, found by their key columns ([`Table::KEY`], the id for most).
async fn update_rows<T: Table, C: SqlConn>(c: &mut C, rows: &[T]) -> Result<(), StoreError> {
    if T::KEY.is_empty() || !T::KEY.iter().all(|k| T::COLUMNS.contains(k)) {
        return Err(StoreError::Rejected(format!(
            "records of {} cannot be updated one by one",
            T::NAME
        )));
    }
    let mut sets = Vec::new();
    let mut keys = Vec::new();
    for (i, col) in T::COLUMNS.iter().enumerate() {
        if T::KEY.contains(col) {
            keys.push(format!("{col} = ${}", i + 1));
        } else {
            sets.push(format!("{col} = ${}", i + 1));
        }
    }
    let text = format!(
        "UPDATE {} SET {} WHERE {}",
        T::NAME,
        sets.join(", "),
        keys.join(" AND ")
    );
    for r in rows {
        let mut args = Vec::with_capacity(T::COLUMNS.len());
        r.values(&mut args);
        let n = c
            .execute(Sql {
                text: Cow::Owned(text.clone()),
                args,
            })
            .await?;
        if n != 1 {
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

/// Whether a case change may update records of this kind one by one: not when rows of other tables belong to
/// them, nor when nothing identifies one.
fn updatable<T: RecordTable>() -> bool {
    !T::HAS_PARTS && !T::KEY.is_empty() && T::KEY.iter().all(|k| T::COLUMNS.contains(k))
}

/// Update every record of a set that can be updated by id; records with sub-rows cannot (yet).
async fn update_set_rows<C: SqlConn>(c: &mut C, s: &RecordSet) -> Result<(), StoreError> {
    let mut refused: Option<&str> = None;
    macro_rules! check_kind {
        ($($t:ty),*) => { $(
            if refused.is_none() && !<$t as Record>::of(s).is_empty() && !updatable::<$t>() {
                refused = Some(<$t as Record>::COUNTED_AS);
            }
        )* };
    }
    domain::record_kinds!(check_kind);
    if let Some(what) = refused {
        return Err(StoreError::Rejected(format!(
            "{what} cannot be updated through a case change"
        )));
    }
    macro_rules! each_kind {
        ($($t:ty),*) => { $(
            if updatable::<$t>() {
                update_rows(c, <$t as Record>::of(s)).await?;
            }
        )* };
    }
    domain::record_kinds!(each_kind);
    Ok(())
}

pub(crate) async fn save_case_change<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    change: CaseChange,
    check: AccessCheck,
    now: domain::datetime::Timestamp,
) -> Result<Viewed<i64>, StoreError> {
    Ok(
        match save_case_changes::<B>(c, actor, vec![(change, check)], now).await? {
            Viewed::Allowed(versions) => Viewed::Allowed(versions.into_iter().next().unwrap_or(0)),
            Viewed::Denied(d) => Viewed::Denied(d),
            Viewed::Missing => Viewed::Missing,
        },
    )
}

/// Changes to several children's records, all or nothing (one entry about a household's children): every
/// child is locked (in id order, so that two such changes take turns without deadlock) and checked before
/// anything is written; if any check refuses, one audit entry says so and nothing is written. The new versions,
/// in the order of `changes`.
pub(crate) async fn save_case_changes<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    changes: Vec<(CaseChange, AccessCheck)>,
    now: domain::datetime::Timestamp,
) -> Result<Viewed<Vec<i64>>, StoreError> {
    // Lock the children's rows first (PostgreSQL), so that two changes to one child take turns and the second
    // sees the first's version.
    let mut children: Vec<PersonId> = changes.iter().map(|(ch, _)| ch.child).collect();
    children.sort();
    children.dedup();
    for child in &children {
        c.fetch_optional(
            Sql::new(format!(
                "SELECT id FROM person WHERE id = $1{}",
                B::FOR_UPDATE
            ))
            .bind(*child),
        )
        .await?;
    }
    let mut checked = Vec::with_capacity(changes.len());
    for (change, check) in changes {
        let child = change.child;
        let facts = access_facts(c, child).await?;
        let decision = facts.as_ref().map(check);
        let created = record_events(&change.created, false);
        let updated = record_events(&change.updated, true);
        if decision != Some(Decision::Allow) {
            // Refused: one entry saying who tried to change which child, and nothing written.
            let kind = created
                .first()
                .or(updated.first())
                .map_or(RecordKind::Person, |e| e.record_kind);
            append_audit::<B>(
                c,
                actor,
                now,
                &[AuditEvent {
                    action: if updated.is_empty() {
                        AuditAction::Create
                    } else {
                        AuditAction::Update
                    },
                    record_kind: kind,
                    record_id: None,
                    child_id: Some(child),
                    la: facts.as_ref().map(|f| f.la.clone()),
                    outcome: AuditOutcome::Denied,
                }],
            )
            .await?;
            return Ok(match decision {
                None => Viewed::Missing,
                Some(d) => Viewed::Denied(d),
            });
        }
        let la = facts.map(|f| f.la);
        // Every record must be about this child and in its LA: one permission check cannot cover another's.
        for e in created.iter().chain(updated.iter()) {
            if e.child_id.is_some_and(|c| c != child) || (e.la.is_some() && e.la != la) {
                return Err(StoreError::Rejected(format!(
                    "a {} in a change to one child's records is about another child or LA",
                    e.record_kind.label().to_lowercase()
                )));
            }
        }
        if let Some(seen) = change.seen_version {
            let current = case_version(c, child).await?;
            if current != seen {
                return Err(StoreError::Stale { current });
            }
        }
        if let Some((record, seen)) = change.seen_record {
            let current = record_version(c, record).await?;
            if current != seen {
                return Err(StoreError::Stale { current });
            }
        }
        checked.push((change, created, updated));
    }
    let order: Vec<PersonId> = checked.iter().map(|(ch, _, _)| ch.child).collect();
    for (change, created, updated) in checked {
        insert_set_rows::<B>(c, "INSERT INTO", &change.created).await?;
        update_set_rows(c, &change.updated).await?;
        let mut events = created;
        events.extend(updated);
        append_audit::<B>(c, actor, now, &events).await?;
    }
    let mut versions = Vec::with_capacity(order.len());
    for child in order {
        versions.push(case_version(c, child).await?);
    }
    Ok(Viewed::Allowed(versions))
}

/// Positional parameters, numbered as they are added.
#[derive(Default)]
struct Params<'a> {
    args: Vec<Value<'a>>,
}

impl<'a> Params<'a> {
    fn add(&mut self, v: Value<'a>) -> String {
        self.args.push(v);
        format!("${}", self.args.len())
    }

    /// A condition on the joined `person p`: not restricted, or restricted and naming `user`.
    fn visible_to(&mut self, user: Option<domain::ids::UserId>) -> String {
        let not_restricted = self.add(false.to_value());
        let user = self.add(user.map(|u| u.uuid()).to_value());
        format!(
            "(p.restricted = {not_restricted} OR p.id IN \
              (SELECT person_id FROM restricted_access WHERE user_id = {user}))"
        )
    }

    fn list(&mut self, las: &[domain::identifiers::LaCode]) -> String {
        las.iter()
            .map(|la| self.add(Value::Text(Cow::Owned(la.as_ref().to_owned()))))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The records `sql` reads (all of a `T`'s columns), each with the child it is about, in the order read.
async fn with_their_children<C: SqlConn, T: Table>(
    c: &mut C,
    sql: String,
    p: Params<'_>,
    child_of: impl Fn(&T) -> PersonId,
) -> Result<Vec<(T, Person)>, StoreError> {
    let records = c
        .fetch_all(Sql {
            text: Cow::Owned(sql),
            args: p.args,
        })
        .await?
        .iter()
        .map(T::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let people = people_by_id(c, records.iter().map(&child_of)).await?;
    records
        .into_iter()
        .map(|record| {
            let child = people
                .get(&child_of(&record))
                .cloned()
                .ok_or(StoreError::NotFound)?;
            Ok((record, child))
        })
        .collect()
}

fn listing_event(kind: RecordKind) -> AuditEvent {
    AuditEvent {
        action: AuditAction::Search,
        record_kind: kind,
        record_id: None,
        child_id: None,
        la: None,
        outcome: AuditOutcome::Allowed,
    }
}

/// Columns of a table qualified with `alias`.
fn qualified(alias: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The people with these ids, by id.
pub(crate) async fn people_by_id<C: SqlConn>(
    c: &mut C,
    ids: impl Iterator<Item = PersonId>,
) -> Result<std::collections::HashMap<PersonId, Person>, StoreError> {
    let mut ids: Vec<PersonId> = ids.collect();
    ids.sort();
    ids.dedup();
    let rows = rows_by_id(c, "person", &Person::COLUMNS.join(", "), &ids).await?;
    let mut out = std::collections::HashMap::with_capacity(rows.len());
    for r in &rows {
        let person = Person::from_row(r)?;
        out.insert(person.id, person);
    }
    Ok(out)
}

/// The rows of `table` (the `columns` given) whose `id` is one of `ids`, read 500 ids to a statement.
pub(crate) async fn rows_by_id<C: SqlConn>(
    c: &mut C,
    table: &str,
    columns: &str,
    ids: &[PersonId],
) -> Result<Vec<C::Row>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut p = Params::default();
        let list = chunk
            .iter()
            .map(|id| p.add(id.to_value()))
            .collect::<Vec<_>>()
            .join(", ");
        out.extend(
            c.fetch_all(Sql {
                text: Cow::Owned(format!(
                    "SELECT {columns} FROM {table} WHERE id IN ({list})"
                )),
                args: p.args,
            })
            .await?,
        );
    }
    Ok(out)
}

pub(crate) async fn front_door_worklist<C: SqlConn>(
    c: &mut C,
    q: &WorklistQuery,
) -> Result<Audited<Vec<WorklistRow>>, StoreError> {
    let events = vec![listing_event(RecordKind::Contact)];
    if q.las.is_empty() {
        return Ok((Vec::new(), events));
    }
    let mut p = Params::default();
    let las = p.list(&q.las);
    let visible = p.visible_to(q.user_id);
    let stage = match q.stage {
        WorklistStage::AwaitingDecision => "c.decision_outcome IS NULL".to_owned(),
        WorklistStage::AwaitingFeedback => {
            "c.decision_outcome IS NOT NULL AND c.feedback_method IS NULL".to_owned()
        }
        WorklistStage::AwaitingOversight => {
            "c.decision_outcome IS NOT NULL AND c.manager_oversight_at IS NULL".to_owned()
        }
    };
    let order = match q.stage {
        WorklistStage::AwaitingDecision => "c.received_at",
        _ => "c.decided_at",
    };
    let sql = format!(
        "SELECT {} FROM contact c JOIN person p ON p.id = c.child_id \
         WHERE c.la IN ({las}) AND {stage} AND {visible} \
         ORDER BY {order}, c.id LIMIT {}",
        qualified("c", Contact::COLUMNS),
        q.limit.clamp(1, 5000)
    );
    let rows = with_their_children(c, sql, p, |x: &Contact| x.child_id)
        .await?
        .into_iter()
        .map(|(contact, child)| WorklistRow { contact, child })
        .collect();
    Ok((rows, events))
}

pub(crate) async fn partner_queue<C: SqlConn>(
    c: &mut C,
    q: &PartnerQueueQuery,
) -> Result<Audited<Vec<PartnerRequestRow>>, StoreError> {
    let events = vec![listing_event(RecordKind::InformationRequest)];
    if q.las.is_empty() {
        return Ok((Vec::new(), events));
    }
    let mut p = Params::default();
    let las = p.list(&q.las);
    let agency = p.add(q.agency.to_value());
    let visible = p.visible_to(q.user_id);
    let open = if q.open_only {
        "AND r.responded_at IS NULL"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} FROM information_request r JOIN person p ON p.id = r.child_id \
         WHERE r.la IN ({las}) AND r.agency = {agency} {open} AND {visible} \
         ORDER BY r.responded_at IS NOT NULL, r.due_at, r.id LIMIT {}",
        qualified("r", InformationRequest::COLUMNS),
        q.limit.clamp(1, 5000)
    );
    let rows = with_their_children(c, sql, p, |x: &InformationRequest| x.child_id)
        .await?
        .into_iter()
        .map(|(request, child)| PartnerRequestRow { request, child })
        .collect();
    Ok((rows, events))
}

pub(crate) async fn view_information_request<C: SqlConn>(
    c: &mut C,
    id: InformationRequestId,
    check: AccessCheck,
) -> Result<Audited<Viewed<Versioned<InformationRequest>>>, StoreError> {
    let request: Option<InformationRequest> = select_where(c, "id = $1", id.to_value())
        .await?
        .into_iter()
        .next();
    let facts = match &request {
        Some(r) => access_facts(c, r.child_id)
            .await?
            .map(|f| crate::AccessFacts {
                addressed_to: Some(r.agency),
                ..f
            }),
        None => None,
    };
    let decision = facts.as_ref().map(check);
    let allowed = decision == Some(Decision::Allow);
    let events = vec![AuditEvent {
        action: AuditAction::View,
        record_kind: RecordKind::InformationRequest,
        record_id: Some(id.uuid()),
        child_id: request.as_ref().map(|r| r.child_id),
        la: facts.as_ref().map(|f| f.la.clone()),
        outcome: if allowed {
            AuditOutcome::Allowed
        } else {
            AuditOutcome::Denied
        },
    }];
    let viewed = match (request, decision) {
        (Some(r), Some(Decision::Allow)) => Viewed::Allowed(Versioned {
            version: record_version(c, id.uuid()).await?,
            record: r,
        }),
        (Some(_), Some(d)) => Viewed::Denied(d),
        _ => Viewed::Missing,
    };
    Ok((viewed, events))
}
