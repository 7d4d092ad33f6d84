//! Information governance's reads and writes: a child's restriction (the users named, the reason, its version),
//! restricting and lifting (checked against the version seen, audited with the change), break-glass access
//! records, and the restricted records and break-glass uses of some LAs for information governance to review.

use std::borrow::Cow;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use uuid::Uuid;

use crate::audit_log::append_audit;
use crate::casework::la_list;
use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow, Value};

/// A child's restriction as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restriction {
    pub child_id: PersonId,
    pub la: LaCode,
    pub child_name: String,
    /// Whether the record is restricted now.
    pub restricted: bool,
    /// The users named on it.
    pub allowed: Vec<UserId>,
    /// Why, by whom and since when (absent for a restriction made before reasons were kept).
    pub reason: Option<String>,
    pub restricted_by: Option<UserId>,
    pub restricted_at: Option<Timestamp>,
    /// The version a change must be based on (0 before the first).
    pub version: i64,
}

/// One break-glass access.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlass {
    pub id: Uuid,
    pub child_id: PersonId,
    pub la: LaCode,
    pub user_id: UserId,
    pub reason: String,
    pub at: Timestamp,
}

fn with_args(text: String, args: Vec<Value<'static>>) -> Sql<'static> {
    Sql {
        text: Cow::Owned(text),
        args,
    }
}

fn event(action: AuditAction, child: PersonId, la: &LaCode) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: RecordKind::Person,
        record_id: Some(child.uuid()),
        child_id: Some(child),
        la: Some(la.clone()),
        outcome: AuditOutcome::Allowed,
    }
}

async fn allowed_of<C: SqlConn>(c: &mut C, child: PersonId) -> Result<Vec<UserId>, StoreError> {
    c.fetch_all(
        Sql::new("SELECT user_id FROM restricted_access WHERE person_id = $1 ORDER BY granted_at, user_id")
            .bind(child),
    )
    .await?
    .iter()
    .map(|r| r.id::<UserId>("user_id"))
    .collect()
}

fn restriction_from<R: SqlRow + ?Sized>(r: &R) -> Result<Restriction, StoreError> {
    Ok(Restriction {
        child_id: r.id("id")?,
        la: r.la("la")?,
        child_name: format!("{} {}", r.req_text("first_name")?, r.req_text("last_name")?),
        restricted: r.req_bool("restricted")?,
        allowed: Vec::new(),
        reason: r.text("reason")?,
        restricted_by: r.opt_id("restricted_by")?,
        restricted_at: r.timestamp("restricted_at")?,
        version: r.int("version")?.unwrap_or(0),
    })
}

const RESTRICTION_SELECT: &str = "SELECT p.id, p.la, p.first_name, p.last_name, p.restricted, r.reason, \
     r.restricted_by, r.restricted_at, r.version FROM person p LEFT JOIN restriction r ON r.person_id = p.id";

/// See [`crate::Store::restriction_of`].
pub(crate) async fn restriction_of<C: SqlConn>(
    c: &mut C,
    child: PersonId,
) -> Result<Option<Restriction>, StoreError> {
    let Some(row) = c
        .fetch_optional(
            Sql::new(format!(
                "{RESTRICTION_SELECT} WHERE p.id = $1 AND p.is_child = $2"
            ))
            .bind(child)
            .bind(true),
        )
        .await?
    else {
        return Ok(None);
    };
    let mut r = restriction_from(&row)?;
    r.allowed = allowed_of(c, child).await?;
    Ok(Some(r))
}

/// See [`crate::Store::set_restriction`].
pub(crate) async fn set_restriction<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    child: PersonId,
    allowed: Option<Vec<UserId>>,
    reason: String,
    expected: Option<i64>,
    at: Timestamp,
) -> Result<i64, StoreError> {
    let current = restriction_of(c, child)
        .await?
        .ok_or(StoreError::NotFound)?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(StoreError::Stale {
            current: current.version,
        });
    }
    let version = current.version + 1;
    let updated = c
        .execute(
            Sql::new("UPDATE restriction SET reason = $2, restricted_by = $3, restricted_at = $4, version = $5 WHERE person_id = $1 AND version = $6")
                .bind(child)
                .bind(reason.as_str())
                .bind(actor.user_id)
                .bind(at)
                .bind(version)
                .bind(current.version),
        )
        .await?;
    if updated == 0 {
        if current.version > 0 {
            // Someone changed it between the read and the write.
            return Err(StoreError::Stale { current: version });
        }
        c.execute(
            Sql::new("INSERT INTO restriction (person_id, reason, restricted_by, restricted_at, version) VALUES ($1, $2, $3, $4, $5)")
                .bind(child)
                .bind(reason.as_str())
                .bind(actor.user_id)
                .bind(at)
                .bind(version),
        )
        .await?;
    }
    c.execute(
        Sql::new("UPDATE person SET restricted = $2 WHERE id = $1")
            .bind(child)
            .bind(allowed.is_some()),
    )
    .await?;
    c.execute(Sql::new("DELETE FROM restricted_access WHERE person_id = $1").bind(child))
        .await?;
    for user in allowed.unwrap_or_default() {
        c.execute(
            Sql::new("INSERT INTO restricted_access (person_id, user_id, granted_at) VALUES ($1, $2, $3)")
                .bind(child)
                .bind(user)
                .bind(at),
        )
        .await?;
    }
    append_audit::<B>(
        c,
        actor,
        at,
        &[event(AuditAction::Update, child, &current.la)],
    )
    .await?;
    Ok(version)
}

/// See [`crate::Store::record_break_glass`].
pub(crate) async fn record_break_glass<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    b: &BreakGlass,
) -> Result<(), StoreError> {
    c.execute(
        Sql::new("INSERT INTO break_glass (id, person_id, la, user_id, reason, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(b.id)
            .bind(b.child_id)
            .bind(&b.la)
            .bind(b.user_id)
            .bind(b.reason.as_str())
            .bind(b.at),
    )
    .await?;
    append_audit::<B>(
        c,
        actor,
        b.at,
        &[event(AuditAction::BreakGlass, b.child_id, &b.la)],
    )
    .await
}

/// See [`crate::Store::information_governance`].
pub(crate) async fn information_governance<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
) -> Result<(Vec<Restriction>, Vec<BreakGlass>), StoreError> {
    if las.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (list, args) = la_list(las, 1);
    let mut restricted = Vec::new();
    for r in c
        .fetch_all(with_args(
            format!(
                "{RESTRICTION_SELECT} WHERE p.la IN ({list}) AND p.restricted = ${} ORDER BY p.last_name, p.first_name",
                args.len() + 1
            ),
            args.iter()
                .cloned()
                .chain(std::iter::once(Value::Bool(true)))
                .collect(),
        ))
        .await?
    {
        restricted.push(restriction_from(&r)?);
    }
    for r in &mut restricted {
        r.allowed = allowed_of(c, r.child_id).await?;
    }
    let mut uses = Vec::new();
    for r in c
        .fetch_all(with_args(
            format!(
                "SELECT id, person_id, la, user_id, reason, at FROM break_glass WHERE la IN ({list}) ORDER BY at DESC, id DESC LIMIT 500"
            ),
            args,
        ))
        .await?
    {
        uses.push(BreakGlass {
            id: r.id("id")?,
            child_id: r.id("person_id")?,
            la: r.la("la")?,
            user_id: r.id("user_id")?,
            reason: r.req_text("reason")?,
            at: r.req_timestamp("at")?,
        });
    }
    Ok((restricted, uses))
}

/// See [`crate::Store::record_access`].
pub(crate) async fn record_access<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(UserId, u32, u32)>, StoreError> {
    if las.is_empty() {
        return Ok(Vec::new());
    }
    let (list, mut args) = la_list(las, 1);
    let n = args.len();
    args.push(Value::Text(Cow::Borrowed("view")));
    args.push(Value::Text(Cow::Borrowed("allowed")));
    args.push(Value::Timestamp(from));
    args.push(Value::Timestamp(to));
    let rows = c
        .fetch_all(with_args(
            format!(
                "SELECT a.actor_id, COUNT(DISTINCT a.child_id) AS total, \
                 COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM allocation al WHERE al.child_id = a.child_id \
                   AND al.worker_id = a.actor_id) THEN a.child_id END) AS outside \
                 FROM audit_log a JOIN person p ON p.id = a.child_id \
                 WHERE a.action = ${} AND a.outcome = ${} AND a.at >= ${} AND a.at < ${} \
                   AND a.actor_id IS NOT NULL AND p.la IN ({list}) \
                 GROUP BY a.actor_id",
                n + 1,
                n + 2,
                n + 3,
                n + 4
            ),
            args,
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let count = |col: &str| -> Result<u32, StoreError> {
                Ok(u32::try_from(r.req_int(col)?).unwrap_or(u32::MAX))
            };
            Ok((r.id("actor_id")?, count("outside")?, count("total")?))
        })
        .collect()
}
