//! The audit log: appending hash-chained entries, and reading them back.
//!
//! Every append reads the chain head (`audit_head`, locked on PostgreSQL so that concurrent transactions chain
//! one after another), gives each entry the next `seq`, links it to the previous entry's hash
//! (`domain::audit_chain`), writes the rows and moves the head, all inside the caller's transaction: an entry
//! and the change it records commit together or not at all.

use std::borrow::Cow;

use domain::audit::{Actor, AuditEntry, AuditEvent};
use domain::audit_chain::{self, ChainedFields, GENESIS, Hash, Head};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use uuid::Uuid;

use crate::error::StoreError;
use crate::queries::insert_values;
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow, ToValue, Value};

const COLUMNS: &[&str] = &[
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "record_kind",
    "record_id",
    "child_id",
    "la",
    "outcome",
    "request_id",
    "prev_hash",
    "hash",
];

const SELECT: &str = "SELECT seq, at, actor_id, actor_label, action, record_kind, record_id, child_id, la, \
                      outcome, request_id, prev_hash, hash FROM audit_log";

/// The chain head as stored, or the genesis when the log is empty.
pub(crate) async fn head<C: SqlConn>(c: &mut C, lock: &str) -> Result<Option<Head>, StoreError> {
    let row = c
        .fetch_optional(Sql::new(format!(
            "SELECT seq, hash FROM audit_head WHERE id = 1{lock}"
        )))
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let bytes = r.bytes("hash")?.unwrap_or_default();
            let hash: Hash = bytes
                .try_into()
                .map_err(|_| StoreError::corrupt("audit_head.hash is not 32 bytes"))?;
            Ok(Some(Head {
                seq: r.req_int("seq")?,
                hash,
            }))
        }
    }
}

/// Append entries for `events`, all at `at`, by `actor`, chained to the current head.
pub(crate) async fn append_audit<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    at: Timestamp,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let current = head(c, B::FOR_UPDATE).await?;
    let (mut seq, mut prev) = current.as_ref().map_or((0, GENESIS), |h| (h.seq, h.hash));
    let mut rows = Vec::with_capacity(events.len());
    for e in events {
        seq += 1;
        let fields = ChainedFields {
            seq,
            at,
            actor_id: actor.user_id.map(|u| u.uuid()),
            actor_label: &actor.label,
            action: e.action,
            record_kind: e.record_kind,
            record_id: e.record_id,
            child_id: e.child_id.map(|c| c.uuid()),
            la: e.la.as_ref(),
            outcome: e.outcome,
            request_id: actor.request_id.as_deref(),
        };
        let hash = audit_chain::link(&prev, &fields);
        rows.push(vec![
            seq.to_value(),
            at.to_value(),
            actor.user_id.to_value(),
            actor.label.as_str().to_value(),
            e.action.to_value(),
            e.record_kind.to_value(),
            e.record_id.to_value(),
            e.child_id.to_value(),
            e.la.as_ref().to_value(),
            e.outcome.to_value(),
            actor.request_id.as_deref().to_value(),
            Value::Bytes(Cow::Owned(prev.to_vec())),
            Value::Bytes(Cow::Owned(hash.to_vec())),
        ]);
        prev = hash;
    }
    insert_values(
        c,
        B::MAX_PARAMS,
        "INSERT INTO",
        "audit_log",
        COLUMNS,
        rows.into_iter(),
    )
    .await?;
    // The children these entries record changes to have their due dates worked out again (case_clocks.rs).
    crate::case_clocks::queue_changed(c, B::MAX_PARAMS, events, seq).await?;
    let update = if current.is_some() {
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
    } else {
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)"
    };
    c.execute(
        Sql::new(update)
            .bind(seq)
            .bind_value(Value::Bytes(Cow::Owned(prev.to_vec()))),
    )
    .await?;
    Ok(())
}

pub(crate) fn entry_from_row<R: SqlRow + ?Sized>(r: &R) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: r.req_int("seq")?,
        at: r.req_timestamp("at")?,
        actor_id: r.opt_id("actor_id")?,
        actor_label: r.req_text("actor_label")?,
        event: AuditEvent {
            action: r.parsed::<AuditAction>("action")?,
            record_kind: r.parsed::<RecordKind>("record_kind")?,
            record_id: r.uuid("record_id")?,
            child_id: r.opt_id("child_id")?,
            la: r.opt_parsed("la")?,
            outcome: r.parsed::<AuditOutcome>("outcome")?,
        },
        request_id: r.text("request_id")?,
        prev_hash: r.bytes("prev_hash")?,
        hash: r.bytes("hash")?,
    })
}

/// Which entries to read, newest first unless `oldest_first`.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// The LAs whose entries may be read: `None` reads the whole log (the system's own tools and tests only);
    /// the service always sets the caller's LAs. An entry is in scope when
    /// - its `la` is one of them; or, with no `la`,
    /// - it is about a child (`child_id`) of one of them; or, about no child that exists,
    /// - its actor is a user who works for one of them (searches, sign-ins, exports...).
    ///
    /// So another LA's entries, and the system's entries about no child, are never in scope. Filtered in the
    /// database (the person and user-LA lookups are by key), so a limit counts entries in scope only.
    pub las: Option<Vec<domain::identifiers::LaCode>>,
    pub record_id: Option<Uuid>,
    pub child_id: Option<domain::ids::PersonId>,
    pub actor_id: Option<domain::ids::UserId>,
    pub action: Option<AuditAction>,
    pub la: Option<domain::identifiers::LaCode>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub oldest_first: bool,
    pub limit: Option<u32>,
}

pub(crate) async fn read<C: SqlConn>(
    c: &mut C,
    f: &AuditFilter,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut args: Vec<Value<'static>> = Vec::new();
    if let Some(las) = &f.las {
        if las.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let list = las
                .iter()
                .map(|la| {
                    args.push(Value::Text(Cow::Owned(la.as_ref().to_owned())));
                    format!("${}", args.len())
                })
                .collect::<Vec<_>>()
                .join(", ");
            sql.push_str(&format!(
                " AND (la IN ({list}) \
                 OR (la IS NULL AND child_id IS NOT NULL AND EXISTS \
                     (SELECT 1 FROM person p WHERE p.id = audit_log.child_id AND p.la IN ({list}))) \
                 OR (la IS NULL AND actor_id IN \
                     (SELECT ul.user_id FROM user_la ul WHERE ul.la IN ({list})) \
                     AND (child_id IS NULL OR NOT EXISTS \
                         (SELECT 1 FROM person p WHERE p.id = audit_log.child_id))))"
            ));
        }
    }
    let mut add = |sql: &mut String, clause: &str, v: Value<'static>| {
        args.push(v);
        sql.push_str(&format!(" AND {clause} ${}", args.len()));
    };
    if let Some(id) = f.record_id {
        add(&mut sql, "record_id =", id.to_value());
    }
    if let Some(id) = f.child_id {
        add(&mut sql, "child_id =", id.to_value());
    }
    if let Some(id) = f.actor_id {
        add(&mut sql, "actor_id =", id.to_value());
    }
    if let Some(a) = f.action {
        add(&mut sql, "action =", a.to_value());
    }
    if let Some(la) = &f.la {
        add(
            &mut sql,
            "la =",
            Value::Text(Cow::Owned(la.as_ref().to_owned())),
        );
    }
    if let Some(t) = f.from {
        add(&mut sql, "at >=", t.to_value());
    }
    if let Some(t) = f.to {
        add(&mut sql, "at <", t.to_value());
    }
    sql.push_str(if f.oldest_first {
        " ORDER BY seq"
    } else {
        " ORDER BY seq DESC"
    });
    sql.push_str(&format!(" LIMIT {}", f.limit.unwrap_or(1000).min(100_000)));
    let rows = c
        .fetch_all(Sql {
            text: Cow::Owned(sql),
            args,
        })
        .await?;
    rows.iter().map(entry_from_row).collect()
}

/// A page of the chain, in seq order, after `after_seq`.
pub(crate) async fn chain_page<C: SqlConn>(
    c: &mut C,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = c
        .fetch_all(
            Sql::new(format!(
                "{SELECT} WHERE seq > $1 ORDER BY seq LIMIT {limit}"
            ))
            .bind(after_seq),
        )
        .await?;
    rows.iter().map(entry_from_row).collect()
}
