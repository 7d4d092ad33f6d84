//! Supervision: a session between a supervisor and a worker about several children's cases, saved in one
//! transaction that checks every child (a supervision belongs to no one child, so the one-child case change
//! does not fit), and read back for the people who took part.

use std::borrow::Cow;
use std::collections::BTreeMap;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use domain::policy::Decision;
use domain::records::{Action, Person, RecordSet, Supervision, User};

use crate::access::{Audited, access_facts};
use crate::audit_log::append_audit;
use crate::error::StoreError;
use crate::queries::{insert_set_rows, select_where, users_with_las};
use crate::sql::{Backend, Sql, SqlConn, ToValue, Value};
use crate::tables::{RecordTable, SupervisionCaseRow};
use crate::{AccessCheckFactory, AccessFacts, Viewed};

fn child_event(
    action: AuditAction,
    supervision: &Supervision,
    child: PersonId,
    la: Option<LaCode>,
    allowed: bool,
) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: RecordKind::Supervision,
        record_id: Some(supervision.id.uuid()),
        child_id: Some(child),
        la,
        outcome: if allowed {
            AuditOutcome::Allowed
        } else {
            AuditOutcome::Denied
        },
    }
}

/// See [`crate::Store::save_supervision`].
pub(crate) async fn save_supervision<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    supervision: Supervision,
    mut actions: Vec<Action>,
    check: AccessCheckFactory,
    now: domain::datetime::Timestamp,
) -> Result<Viewed<()>, StoreError> {
    let mut facts: BTreeMap<PersonId, Option<AccessFacts>> = BTreeMap::new();
    let mut refused: Option<Viewed<()>> = None;
    let mut denied_events = Vec::new();
    for case in &supervision.cases {
        let child = case.child_id;
        // Lock the child's row (PostgreSQL), as a change to one child's records does.
        c.fetch_optional(
            Sql::new(format!(
                "SELECT id FROM person WHERE id = $1{}",
                B::FOR_UPDATE
            ))
            .bind(child),
        )
        .await?;
        let f = access_facts(c, child).await?;
        let decision = f.as_ref().map(|f| check()(f));
        if decision != Some(Decision::Allow) {
            denied_events.push(child_event(
                AuditAction::Create,
                &supervision,
                child,
                f.as_ref().map(|f| f.la.clone()),
                false,
            ));
            refused = match (refused, decision) {
                (Some(Viewed::Missing), _) | (_, None) => Some(Viewed::Missing),
                (Some(r), _) => Some(r),
                (None, Some(d)) => Some(Viewed::Denied(d)),
            };
        }
        facts.insert(child, f);
    }
    if let Some(r) = refused {
        append_audit::<B>(c, actor, now, &denied_events).await?;
        return Ok(r);
    }
    for a in &mut actions {
        match a
            .child_id
            .and_then(|id| facts.get(&id))
            .and_then(Option::as_ref)
        {
            Some(f) => a.la = f.la.clone(),
            None => {
                return Err(StoreError::Rejected(
                    "a supervision action is about a child whose case was not discussed".to_owned(),
                ));
            }
        }
    }
    let mut events: Vec<AuditEvent> = supervision.created().into_iter().collect();
    for case in &supervision.cases {
        let la = facts
            .get(&case.child_id)
            .and_then(Option::as_ref)
            .map(|f| f.la.clone());
        events.push(child_event(
            AuditAction::Create,
            &supervision,
            case.child_id,
            la,
            true,
        ));
    }
    events.extend(actions.iter().filter_map(RecordTable::created));
    let set = RecordSet {
        supervisions: vec![supervision],
        actions,
        ..RecordSet::default()
    };
    insert_set_rows::<B>(c, "INSERT INTO", &set).await?;
    append_audit::<B>(c, actor, now, &events).await?;
    Ok(Viewed::Allowed(()))
}

/// See [`crate::Store::supervisions_of`]. Reads only; the caller writes the audit entries.
pub(crate) async fn supervisions_of<C: SqlConn>(
    c: &mut C,
    user: UserId,
    check: AccessCheckFactory,
) -> Result<Audited<RecordSet>, StoreError> {
    let mut supervisions: Vec<Supervision> = select_where(
        c,
        "supervisor_id = $1 OR supervisee_id = $1 ORDER BY held_on DESC, created_at DESC",
        user.to_value(),
    )
    .await?;
    let mut allowed: BTreeMap<PersonId, bool> = BTreeMap::new();
    let mut people: Vec<Person> = Vec::new();
    let mut actions: Vec<Action> = Vec::new();
    let mut events = vec![AuditEvent {
        action: AuditAction::Search,
        record_kind: RecordKind::Supervision,
        record_id: None,
        child_id: None,
        la: None,
        outcome: AuditOutcome::Allowed,
    }];
    for sup in &mut supervisions {
        let rows: Vec<SupervisionCaseRow> = select_where(
            c,
            "supervision_id = $1 ORDER BY child_id",
            sup.id.to_value(),
        )
        .await?;
        for row in rows {
            let child = row.case.child_id;
            let ok = match allowed.get(&child) {
                Some(ok) => *ok,
                None => {
                    let f = access_facts(c, child).await?;
                    let ok = f.as_ref().map(|f| check()(f)) == Some(Decision::Allow);
                    if ok {
                        people.extend(
                            select_where::<Person, C>(c, "id = $1", child.to_value()).await?,
                        );
                        events.push(AuditEvent {
                            action: AuditAction::View,
                            record_kind: RecordKind::Supervision,
                            record_id: Some(sup.id.uuid()),
                            child_id: Some(child),
                            la: f.map(|f| f.la),
                            outcome: AuditOutcome::Allowed,
                        });
                    }
                    allowed.insert(child, ok);
                    ok
                }
            };
            if ok {
                sup.cases.push(row.case);
            }
        }
        let mut these: Vec<Action> = select_where(
            c,
            "supervision_id = $1 ORDER BY due_on, id",
            sup.id.to_value(),
        )
        .await?;
        these.retain(|a| a.child_id.is_some_and(|id| allowed.get(&id) == Some(&true)));
        actions.extend(these);
    }
    Ok((
        RecordSet {
            supervisions,
            actions,
            people,
            ..RecordSet::default()
        },
        events,
    ))
}

/// See [`crate::Store::users_of_la`].
pub(crate) async fn users_of_la<C: SqlConn>(
    c: &mut C,
    la: LaCode,
) -> Result<Vec<User>, StoreError> {
    let users: Vec<User> = select_where(
        c,
        "id IN (SELECT user_id FROM user_la WHERE la = $1) ORDER BY display_name, username",
        Value::Text(Cow::Owned(la.as_ref().to_owned())),
    )
    .await?;
    let users = users.into_iter().filter(|u| !u.disabled).collect();
    users_with_las(c, users).await
}
