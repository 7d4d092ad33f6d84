//! The audit log: appending hash-chained entries, and reading them back.
//!
//! An entry is always written inside the caller's transaction: an entry and the change it records commit
//! together or not at all. How it joins the hash chain (`domain::audit_chain`) depends on the back end:
//!
//! - **SQLite** (one writer): the append reads the chain head (`audit_head`), gives each entry the next `seq`,
//!   links it to the previous entry's hash, and moves the head, all in the same transaction; an entry's place in
//!   the chain is its `seq`.
//! - **PostgreSQL** (many writers, perhaps several app servers): the append takes no lock. It writes the entries
//!   unchained (`seq` from the `audit_log_seq` sequence, no hash, no `chain_pos`), and the back end, once the
//!   transaction has committed and before the request is answered, runs [`chain_pending`] in a short
//!   transaction of its own: that locks the head, links every committed entry not yet chained after it in `seq`
//!   order, and gives each its place (`chain_pos`). So requests never hold the head across a commit, and the
//!   chain is in commit order (`docs/architecture.md`, "The audit chain on PostgreSQL").

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

/// The columns of an entry as read, its place in the chain (`position`: `seq` or `chain_pos`) as `chain_pos`.
fn select(position: &str) -> String {
    format!(
        "SELECT seq, at, actor_id, actor_label, action, record_kind, record_id, child_id, la, outcome, request_id, \
         prev_hash, hash, {position} AS chain_pos FROM audit_log"
    )
}

/// The columns an entry is written with when it is chained later (PostgreSQL): `seq` comes from the sequence.
const UNCHAINED_COLUMNS: &[&str] = &[
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
];

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
    if c.chain_after_commit() {
        return append_unchained::<B>(c, actor, at, events).await;
    }
    // Chained here, in this transaction: the head stays locked until it commits (SQLite's one writer, and a
    // PostgreSQL bulk load, which has its transaction to itself).
    let current = head(c, B::FOR_UPDATE).await?;
    let (mut position, mut prev) = current.as_ref().map_or((0, GENESIS), |h| (h.seq, h.hash));
    // Where the chain is in seq order, an entry's seq is its place; elsewhere seqs come from the sequence that
    // every other transaction's entries take theirs from.
    let seqs: Vec<i64> = if B::CHAINS_AFTER_COMMIT {
        let rows = c
            .fetch_all(
                Sql::new("SELECT nextval('audit_log_seq') AS seq FROM generate_series(1, $1)")
                    .bind(events.len() as i64),
            )
            .await?;
        let mut seqs = rows
            .iter()
            .map(|r| r.req_int("seq"))
            .collect::<Result<Vec<_>, _>>()?;
        seqs.sort_unstable();
        seqs
    } else {
        (1..=events.len() as i64).map(|i| position + i).collect()
    };
    let mut rows = Vec::with_capacity(events.len());
    for (e, seq) in events.iter().zip(seqs.iter().copied()) {
        position += 1;
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
        let mut row = vec![
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
        ];
        if B::CHAINS_AFTER_COMMIT {
            row.push(position.to_value());
        }
        rows.push(row);
        prev = hash;
    }
    let mut columns = COLUMNS.to_vec();
    if B::CHAINS_AFTER_COMMIT {
        columns.push("chain_pos");
    }
    insert_values(
        c,
        B::MAX_PARAMS,
        "INSERT INTO",
        "audit_log",
        &columns,
        rows.into_iter(),
    )
    .await?;
    // The children these entries record changes to have their due dates worked out again (case_clocks.rs).
    let last_seq = seqs.last().copied().unwrap_or(position);
    crate::case_clocks::queue_changed(c, B::MAX_PARAMS, events, last_seq).await?;
    crate::case_files::bump_versions(c, B::MAX_PARAMS, events).await?;
    move_head(c, current.is_some(), position, &prev).await
}

/// Point the head at the entry at `position` with `hash` (creating it when the log had none).
async fn move_head<C: SqlConn>(
    c: &mut C,
    existed: bool,
    position: i64,
    hash: &Hash,
) -> Result<(), StoreError> {
    let update = if existed {
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
    } else {
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)"
    };
    c.execute(
        Sql::new(update)
            .bind(position)
            .bind_value(Value::Bytes(Cow::Owned(hash.to_vec()))),
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
        chain_position: r.int("chain_pos")?,
    })
}

/// Write entries for `events` unchained, for the back end to chain after the transaction commits (PostgreSQL:
/// see the module documentation). No lock is taken: many transactions append at once.
async fn append_unchained<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    at: Timestamp,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    let mut rows: Vec<Vec<Value<'_>>> = Vec::with_capacity(events.len());
    for e in events {
        rows.push(vec![
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
        ]);
    }
    let head = format!(
        "INSERT INTO audit_log ({}) VALUES ",
        UNCHAINED_COLUMNS.join(", ")
    );
    let per_statement = (B::MAX_PARAMS / UNCHAINED_COLUMNS.len()).clamp(1, 1000);
    let mut rows = rows.into_iter();
    let mut last_seq = 0;
    let mut first_seq = i64::MAX;
    while let Some(mut sql) = crate::queries::statement(
        &head,
        UNCHAINED_COLUMNS.len(),
        rows.by_ref().take(per_statement),
    ) {
        sql.text.to_mut().push_str(" RETURNING seq");
        for r in c.fetch_all(sql).await? {
            let seq = r.req_int("seq")?;
            last_seq = last_seq.max(seq);
            first_seq = first_seq.min(seq);
        }
    }
    c.appended_unchained(first_seq);
    // The sequence only goes up, so the generation does too (case_clocks.rs).
    crate::case_clocks::queue_changed(c, B::MAX_PARAMS, events, last_seq).await?;
    crate::case_files::bump_versions(c, B::MAX_PARAMS, events).await
}

/// The most entries one [`chain_pending`] reads and links at a time.
pub const CHAIN_BATCH: u32 = 5_000;

/// Chain committed entries not yet chained (PostgreSQL): lock the head, link up to `limit` of them after it in
/// `seq` order (only those with `seq` after `after`, so that a caller chaining a bulk load in its own
/// transaction moves on rather than re-reading rows it has just chained), give each its place, and move the
/// head. Run in a transaction of its own (or at the end of a bulk load's): the head stays locked until it
/// commits, so two app servers chaining at once take turns, and the second, reading after the first has
/// committed, finds only what is left. Returns how many entries were chained and the last one's `seq`.
pub async fn chain_pending<B: Backend>(
    c: &mut B::Conn,
    after: i64,
    limit: u32,
) -> Result<(usize, i64), StoreError> {
    let current = head(c, B::FOR_UPDATE).await?;
    let rows = c
        .fetch_all(
            Sql::new(format!(
                "{} WHERE chain_pos IS NULL AND seq > $1 ORDER BY seq LIMIT {}",
                select("chain_pos"),
                limit.max(1)
            ))
            .bind(after),
        )
        .await?;
    if rows.is_empty() {
        return Ok((0, after));
    }
    let entries = rows
        .iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let (mut position, mut prev) = current.as_ref().map_or((0, GENESIS), |h| (h.seq, h.hash));
    let mut links = Vec::with_capacity(entries.len());
    for e in &entries {
        position += 1;
        let hash = audit_chain::link(&prev, &ChainedFields::of(e));
        links.push((e.seq, position, prev, hash));
        prev = hash;
    }
    for chunk in links.chunks((B::MAX_PARAMS / 4).clamp(1, 1000)) {
        let mut text = String::from(
            "UPDATE audit_log AS a SET chain_pos = v.pos, prev_hash = v.prev, hash = v.hash FROM (VALUES ",
        );
        let mut sql_args: Vec<Value<'static>> = Vec::with_capacity(chunk.len() * 4);
        for (i, (seq, pos, prev, hash)) in chunk.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let n = i * 4;
            text.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            sql_args.push(Value::Int(*seq));
            sql_args.push(Value::Int(*pos));
            sql_args.push(Value::Bytes(Cow::Owned(prev.to_vec())));
            sql_args.push(Value::Bytes(Cow::Owned(hash.to_vec())));
        }
        text.push_str(") AS v (seq, pos, prev, hash) WHERE a.seq = v.seq");
        c.execute(Sql {
            text: Cow::Owned(text),
            args: sql_args,
        })
        .await?;
    }
    move_head(c, current.is_some(), position, &prev).await?;
    let last = entries.last().map_or(after, |e| e.seq);
    Ok((entries.len(), last))
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

pub(crate) async fn read<B: Backend>(
    c: &mut B::Conn,
    f: &AuditFilter,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut sql = format!("{} WHERE 1 = 1", select(B::CHAIN_POSITION));
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

/// A page of the chain, in chain order, after the place `after` (entries not yet chained are left out).
pub(crate) async fn chain_page<B: Backend>(
    c: &mut B::Conn,
    after: i64,
    limit: u32,
) -> Result<Vec<AuditEntry>, StoreError> {
    let position = B::CHAIN_POSITION;
    let rows = c
        .fetch_all(
            Sql::new(format!(
                "{} WHERE {position} > $1 ORDER BY {position} LIMIT {limit}",
                select(position)
            ))
            .bind(after),
        )
        .await?;
    rows.iter().map(entry_from_row).collect()
}
