//! Sessions, sign-in attempts, disabling users, restricted records, and the audited reads that run the
//! permission check inside their transaction.

use std::sync::Arc;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::{ApiTokenId, ContactId, PersonId, UserId};
use domain::policy::Decision;
use domain::records::{Contact, Person, User};

use crate::audit_log::append_audit;
use crate::case_files::CaseFileCache;
use crate::error::StoreError;
use crate::queries::{
    check_cached_part, read_case_file_with, select_where, shared_part_queries, users_with_las,
};
use crate::row::RowExt;
use crate::search_index::SearchIndex;
use crate::sql::{Backend, Sql, SqlConn, SqlRow, ToValue};
use crate::tables::Table;
use crate::{
    AccessCheck, AccessFacts, ApiTokenInfo, CaseFile, FailureRun, NewApiToken, NewSession,
    PersonSearch, RankCandidates, Session, SignInHistory, SignInOutcome, SignInQuery, SignInStart,
    ThrottleCheck, Versioned, Viewed,
};

fn event(
    action: AuditAction,
    kind: RecordKind,
    id: Option<uuid::Uuid>,
    child: Option<PersonId>,
) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: kind,
        record_id: id,
        child_id: child,
        la: None,
        outcome: AuditOutcome::Allowed,
    }
}

pub(crate) async fn create_session<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    s: &NewSession,
) -> Result<(), StoreError> {
    c.execute(
        Sql::new(
            "INSERT INTO session (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.id_hash.as_str())
        .bind(s.user_id)
        .bind(s.csrf_token.as_str())
        .bind(s.at)
        .bind(s.at),
    )
    .await?;
    append_audit::<B>(
        c,
        actor,
        s.at,
        &[event(
            AuditAction::SignIn,
            RecordKind::User,
            Some(s.user_id.uuid()),
            None,
        )],
    )
    .await
}

pub(crate) async fn session<C: SqlConn>(
    c: &mut C,
    id_hash: &str,
) -> Result<Option<Session>, StoreError> {
    let cols: Vec<String> = User::COLUMNS.iter().map(|col| format!("u.{col}")).collect();
    let sql = format!(
        "SELECT {}, u.valid_until AS user_valid_until, s.id_hash, s.csrf_token, s.created_at AS session_created_at, \
         s.last_seen_at, s.ended_at FROM session s JOIN app_user u ON u.id = s.user_id WHERE s.id_hash = $1",
        cols.join(", ")
    );
    // The session, its user and their LAs in one batch (on PostgreSQL, one round trip).
    let las = Sql::new(
        "SELECT l.la FROM user_la l JOIN session s ON s.user_id = l.user_id WHERE s.id_hash = $1 ORDER BY l.la",
    )
    .bind(id_hash);
    let mut results = c
        .fetch_each(vec![Sql::new(sql).bind(id_hash), las])
        .await?
        .into_iter();
    let (sessions, las) = (
        results.next().unwrap_or_default(),
        results.next().unwrap_or_default(),
    );
    let Some(row) = sessions.first() else {
        return Ok(None);
    };
    let mut user = User::from_row(row)?;
    user.las = las.iter().map(|r| r.la("la")).collect::<Result<_, _>>()?;
    Ok(Some(Session {
        id_hash: row.req_text("id_hash")?,
        user,
        user_valid_until: row.date("user_valid_until")?,
        csrf_token: row.req_text("csrf_token")?,
        created_at: row.req_timestamp("session_created_at")?,
        last_seen_at: row.req_timestamp("last_seen_at")?,
        ended_at: row.timestamp("ended_at")?,
    }))
}

pub(crate) async fn end_session<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    id_hash: &str,
    reason: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let n = c
        .execute(
            Sql::new("UPDATE session SET ended_at = $2, end_reason = $3 WHERE id_hash = $1 AND ended_at IS NULL")
                .bind(id_hash)
                .bind(at)
                .bind(reason),
        )
        .await?;
    if n > 0 {
        append_audit::<B>(
            c,
            actor,
            at,
            &[event(
                AuditAction::SignOut,
                RecordKind::User,
                actor.user_id.map(|u| u.uuid()),
                None,
            )],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn set_user_disabled<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    username: &str,
    disabled: bool,
    at: Timestamp,
) -> Result<Option<User>, StoreError> {
    let Some(row) = c
        .fetch_optional(
            Sql::new(format!(
                "SELECT {} FROM app_user WHERE lower(username) = $1",
                User::COLUMNS.join(", ")
            ))
            .bind(normalise_username(username)),
        )
        .await?
    else {
        return Ok(None);
    };
    let mut user = User::from_row(&row)?;
    c.execute(
        Sql::new("UPDATE app_user SET disabled = $2 WHERE id = $1")
            .bind(user.id)
            .bind(disabled),
    )
    .await?;
    let mut events = vec![event(
        AuditAction::Admin,
        RecordKind::User,
        Some(user.id.uuid()),
        None,
    )];
    if disabled {
        c.execute(
            Sql::new("UPDATE session SET ended_at = $2, end_reason = 'user disabled' WHERE user_id = $1 AND ended_at IS NULL")
                .bind(user.id)
                .bind(at),
        )
        .await?;
        // Their API tokens go for good: enabling the user again does not bring them back.
        let revoked = c
            .execute(
                Sql::new(
                    "UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(user.id)
                .bind(at),
            )
            .await?;
        if revoked > 0 {
            events.push(event(
                AuditAction::Admin,
                RecordKind::ApiToken,
                Some(user.id.uuid()),
                None,
            ));
        }
    }
    append_audit::<B>(c, actor, at, &events).await?;
    user.disabled = disabled;
    Ok(users_with_las(c, vec![user]).await?.into_iter().next())
}

pub(crate) async fn revoke_api_tokens<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    user: UserId,
    at: Timestamp,
) -> Result<u32, StoreError> {
    let n = c
        .execute(
            Sql::new(
                "UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            )
            .bind(user)
            .bind(at),
        )
        .await?;
    append_audit::<B>(
        c,
        actor,
        at,
        &[event(
            AuditAction::Admin,
            RecordKind::ApiToken,
            Some(user.uuid()),
            None,
        )],
    )
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Usernames are case-insensitive: compared (and stored) in lower case. Usernames are ASCII (`Services::add_user`
/// checks), and ASCII lower case is what both databases' `lower()` does to them.
pub(crate) fn normalise_username(username: &str) -> String {
    username.trim().to_ascii_lowercase()
}

pub(crate) async fn add_api_token<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    t: &NewApiToken,
) -> Result<ApiTokenId, StoreError> {
    let id = ApiTokenId::new();
    c.execute(
        Sql::new(
            "INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(t.user_id)
        .bind(t.token_hash.as_str())
        .bind(t.created_at)
        .bind(t.expires_at),
    )
    .await?;
    append_audit::<B>(
        c,
        actor,
        t.created_at,
        &[event(
            AuditAction::Create,
            RecordKind::ApiToken,
            Some(id.uuid()),
            None,
        )],
    )
    .await?;
    Ok(id)
}

const TOKEN_COLUMNS: &str = "id, user_id, created_at, expires_at, revoked_at";

fn token_from_row<R: SqlRow + ?Sized>(r: &R) -> Result<ApiTokenInfo, StoreError> {
    Ok(ApiTokenInfo {
        id: r.id("id")?,
        user_id: r.id("user_id")?,
        created_at: r.req_timestamp("created_at")?,
        expires_at: r.timestamp("expires_at")?,
        revoked_at: r.timestamp("revoked_at")?,
    })
}

pub(crate) async fn api_tokens<C: SqlConn>(
    c: &mut C,
    user: UserId,
) -> Result<Vec<ApiTokenInfo>, StoreError> {
    let rows = c
        .fetch_all(
            Sql::new(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
            ))
            .bind(user),
        )
        .await?;
    rows.iter().map(token_from_row).collect()
}

pub(crate) async fn revoke_api_token<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    id: ApiTokenId,
    at: Timestamp,
) -> Result<Option<ApiTokenInfo>, StoreError> {
    let n = c
        .execute(
            Sql::new("UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(at),
        )
        .await?;
    if n > 0 {
        append_audit::<B>(
            c,
            actor,
            at,
            &[event(
                AuditAction::Admin,
                RecordKind::ApiToken,
                Some(id.uuid()),
                None,
            )],
        )
        .await?;
    }
    let row = c
        .fetch_optional(
            Sql::new(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_token WHERE id = $1"
            ))
            .bind(id),
        )
        .await?;
    row.as_ref().map(token_from_row).transpose()
}

/// The count and latest time of the failed attempts a WHERE clause picks (binding `$1`.. as `args` say).
async fn failure_run<C: SqlConn>(c: &mut C, q: Sql<'_>) -> Result<FailureRun, StoreError> {
    let Some(row) = c.fetch_optional(q).await? else {
        return Ok(FailureRun::default());
    };
    Ok(FailureRun {
        failures: u32::try_from(row.req_int("n")?).unwrap_or(u32::MAX),
        last: row.timestamp("last")?,
    })
}

/// The later of `since` and the latest success a query finds.
async fn after_success<C: SqlConn>(
    c: &mut C,
    since: Timestamp,
    q: Sql<'_>,
) -> Result<Timestamp, StoreError> {
    let last = match c.fetch_optional(q).await? {
        Some(row) => row.timestamp("last")?,
        None => None,
    };
    Ok(last.map_or(since, |l| l.max(since)))
}

pub(crate) async fn sign_in_history<C: SqlConn>(
    c: &mut C,
    q: &SignInQuery,
) -> Result<SignInHistory, StoreError> {
    let user = q.username.as_str();
    // The account: attempts not made from a browser known for it, since its last such success.
    let account_since = after_success(
        c,
        q.since,
        Sql::new(
            "SELECT MAX(at) AS last FROM sign_in_attempt WHERE username = $1 AND succeeded = $2 AND via_device = $3",
        )
        .bind(user)
        .bind(true)
        .bind(false),
    )
    .await?;
    let account = failure_run(
        c,
        Sql::new(
            "SELECT COUNT(*) AS n, MAX(at) AS last FROM sign_in_attempt \
             WHERE username = $1 AND succeeded = $2 AND via_device = $2 AND at >= $3",
        )
        .bind(user)
        .bind(false)
        .bind(account_since),
    )
    .await?;
    // The client: every username's failures, success or not (someone spraying names may own an account).
    let client = failure_run(
        c,
        Sql::new(
            "SELECT COUNT(*) AS n, MAX(at) AS last FROM sign_in_attempt \
             WHERE client = $1 AND succeeded = $2 AND via_device = $2 AND at >= $3",
        )
        .bind(q.client.as_str())
        .bind(false)
        .bind(q.since),
    )
    .await?;
    let device = match &q.device_hash {
        None => None,
        Some(hash) => {
            let known = c
                .fetch_optional(
                    Sql::new(
                        "SELECT MAX(at) AS last FROM sign_in_attempt \
                         WHERE username = $1 AND device_hash = $2 AND succeeded = $3 AND at >= $4",
                    )
                    .bind(user)
                    .bind(hash.as_str())
                    .bind(true)
                    .bind(q.device_since),
                )
                .await?
                .map(|r| r.timestamp("last"))
                .transpose()?
                .flatten();
            match known {
                None => None,
                Some(last_success) => Some(
                    failure_run(
                        c,
                        Sql::new(
                            "SELECT COUNT(*) AS n, MAX(at) AS last FROM sign_in_attempt \
                             WHERE username = $1 AND device_hash = $2 AND succeeded = $3 AND via_device = $4 \
                             AND at >= $5",
                        )
                        .bind(user)
                        .bind(hash.as_str())
                        .bind(false)
                        .bind(true)
                        .bind(last_success.max(q.since)),
                    )
                    .await?,
                ),
            }
        }
    };
    Ok(SignInHistory {
        account,
        client,
        device,
    })
}

pub(crate) async fn start_sign_in<C: SqlConn>(
    c: &mut C,
    q: &SignInQuery,
    check: ThrottleCheck,
) -> Result<SignInStart, StoreError> {
    let history = sign_in_history(c, q).await?;
    if let Some(until) = check(&history) {
        return Ok(SignInStart::Refused { until });
    }
    let via_device = history.device.is_some();
    let row = c
        .fetch_optional(
            Sql::new(
                "INSERT INTO sign_in_attempt (username, at, succeeded, client, device_hash, via_device) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(q.username.as_str())
            .bind(q.at)
            .bind(false)
            .bind(q.client.as_str())
            .bind(q.device_hash.as_deref().filter(|_| via_device))
            .bind(via_device),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(SignInStart::Started {
        attempt: row.req_int("id")?,
        history,
    })
}

pub(crate) async fn finish_sign_in<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    attempt: i64,
    outcome: &SignInOutcome,
) -> Result<(), StoreError> {
    let row = c
        .fetch_optional(Sql::new("SELECT at FROM sign_in_attempt WHERE id = $1").bind(attempt))
        .await?
        .ok_or(StoreError::NotFound)?;
    let at = row.req_timestamp("at")?;
    match outcome {
        SignInOutcome::Succeeded { device_hash } => {
            c.execute(
                Sql::new(
                    "UPDATE sign_in_attempt SET succeeded = $2, device_hash = $3 WHERE id = $1",
                )
                .bind(attempt)
                .bind(true)
                .bind(device_hash.as_str()),
            )
            .await?;
            Ok(())
        }
        SignInOutcome::Failed { events } => append_audit::<B>(c, actor, at, events).await,
    }
}

pub(crate) async fn restrict_person<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    person: PersonId,
    named: Option<Vec<UserId>>,
    at: Timestamp,
) -> Result<(), StoreError> {
    let n = c
        .execute(
            Sql::new("UPDATE person SET restricted = $2 WHERE id = $1")
                .bind(person)
                .bind(named.is_some()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    c.execute(Sql::new("DELETE FROM restricted_access WHERE person_id = $1").bind(person))
        .await?;
    for user in named.unwrap_or_default() {
        c.execute(
            Sql::new("INSERT INTO restricted_access (person_id, user_id, granted_at) VALUES ($1, $2, $3)")
                .bind(person)
                .bind(user)
                .bind(at),
        )
        .await?;
    }
    append_audit::<B>(
        c,
        actor,
        at,
        &[event(
            AuditAction::Update,
            RecordKind::Person,
            Some(person.uuid()),
            Some(person),
        )],
    )
    .await
}

/// The facts the permission check needs about a child, or `None` if there is no such child.
pub(crate) async fn access_facts<C: SqlConn>(
    c: &mut C,
    child: PersonId,
) -> Result<Option<AccessFacts>, StoreError> {
    let Some(row) = c
        .fetch_optional(
            Sql::new("SELECT la, restricted FROM person WHERE id = $1 AND is_child = $2")
                .bind(child)
                .bind(true),
        )
        .await?
    else {
        return Ok(None);
    };
    let (la, restricted) = (row.la("la")?, row.req_bool("restricted")?);
    facts(c, child, la, restricted).await.map(Some)
}

/// The query naming the child an id names (the record kept, for a person merged into another:
/// [`crate::people::resolve`]) with what its [`AccessFacts`] need and its case-file version
/// ([`crate::case_files`]); [`resolved_access_from`] reads its rows.
fn resolved_access_sql(id: PersonId) -> Sql<'static> {
    Sql::new(format!(
        "SELECT r.id, p.la, p.restricted, {} AS file_version FROM (SELECT COALESCE((SELECT kept_id \
         FROM person_merge WHERE merged_id = $1 AND undone_at IS NULL LIMIT 1), $1) AS id) r \
         LEFT JOIN person p ON p.id = r.id AND p.is_child = $2",
        crate::case_files::version_sql("r.id")
    ))
    .bind(id)
    .bind(true)
}

/// The child [`resolved_access_sql`] found, its [`access_facts`] (`None`: no such child) and its case-file
/// version.
async fn resolved_access_from<C: SqlConn>(
    c: &mut C,
    id: PersonId,
    rows: Vec<C::Row>,
) -> Result<(PersonId, Option<AccessFacts>, i64), StoreError> {
    let Some(row) = rows.first() else {
        return Ok((id, None, 0));
    };
    let child: PersonId = row.id("id")?;
    let file_version = row.req_int("file_version")?;
    if row.text("la")?.is_none() {
        return Ok((child, None, file_version));
    }
    let (la, restricted) = (row.la("la")?, row.req_bool("restricted")?);
    drop(rows);
    Ok((
        child,
        Some(facts(c, child, la, restricted).await?),
        file_version,
    ))
}

/// A child's [`AccessFacts`], given its LA and whether its record is restricted.
async fn facts<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    la: LaCode,
    restricted: bool,
) -> Result<AccessFacts, StoreError> {
    let restricted_to = if restricted {
        let rows = c
            .fetch_all(
                Sql::new("SELECT user_id FROM restricted_access WHERE person_id = $1").bind(child),
            )
            .await?;
        Some(
            rows.iter()
                .map(|r| r.id::<UserId>("user_id"))
                .collect::<Result<Vec<_>, _>>()?,
        )
    } else {
        None
    };
    Ok(AccessFacts {
        la,
        restricted_to,
        addressed_to: None,
    })
}

fn view_event(
    kind: RecordKind,
    id: uuid::Uuid,
    child: PersonId,
    la: Option<&AccessFacts>,
    allowed: bool,
) -> AuditEvent {
    AuditEvent {
        action: AuditAction::View,
        record_kind: kind,
        record_id: Some(id),
        child_id: Some(child),
        la: la.map(|f| f.la.clone()),
        outcome: if allowed {
            AuditOutcome::Allowed
        } else {
            AuditOutcome::Denied
        },
    }
}

/// A read's result and the audit entries it must leave before the result is handed over.
pub(crate) type Audited<T> = (T, Vec<AuditEvent>);

/// A child's case file if `check` allows. Reads only: the caller writes the audit entry (through the writer)
/// before anything leaves.
///
/// The part of the file that only the child's own changes alter comes from `cache` when it holds it at the
/// child's current version ([`crate::case_files`]); otherwise it is read, and kept there. This runs before the
/// transaction writes anything (its audit entries come after), so what it keeps is committed.
pub(crate) async fn view_child<C: SqlConn>(
    c: &mut C,
    cache: &CaseFileCache,
    child: PersonId,
    check: AccessCheck,
) -> Result<Audited<Viewed<CaseFile>>, StoreError> {
    // Who the id names, with the part of the file that other people's changes alter, in one batch (one round
    // trip on PostgreSQL): that part is used only if the check allows, and read again for the record kept when
    // the id is of a person merged into another.
    let mut queries = vec![resolved_access_sql(child)];
    queries.extend(shared_part_queries(child));
    let mut results = c.fetch_each(queries).await?.into_iter();
    let asked = child;
    let (child, facts, file_version) =
        resolved_access_from(c, asked, results.next().unwrap_or_default()).await?;
    let shared = (child == asked).then_some(results);
    let decision = facts.as_ref().map(check);
    let allowed = decision == Some(Decision::Allow);
    let events = vec![view_event(
        RecordKind::Person,
        child.uuid(),
        child,
        facts.as_ref(),
        allowed,
    )];
    let viewed = match decision {
        None => Viewed::Missing,
        // The version for changes is read with the records it versions (kept with them in the cache): a change
        // made after this read is one the user has not seen.
        Some(Decision::Allow) => {
            let cached = cache.get(child, file_version);
            let hit = cached.is_some();
            match read_case_file_with(c, child, file_version, cached, shared).await? {
                Some((record, own)) => {
                    if !hit {
                        cache.put(child, Arc::clone(&own));
                    } else if cfg!(debug_assertions) {
                        check_cached_part(c, child, &own).await?;
                    }
                    Viewed::Allowed(CaseFile {
                        record,
                        version: own.case_version,
                    })
                }
                None => Viewed::Missing,
            }
        }
        Some(d) => Viewed::Denied(d),
    };
    Ok((viewed, events))
}

/// One contact if `check` (on its child) allows; reads only, like [`view_child`].
/// The child an action is about, to find the record a change to the action reads through its own audited view.
/// An action that does not exist (or is about no child) still leaves one audit entry for the attempt.
pub(crate) async fn action_child<C: SqlConn>(
    c: &mut C,
    id: domain::ids::ActionId,
) -> Result<Audited<Option<PersonId>>, StoreError> {
    let row = c
        .fetch_optional(Sql::new("SELECT child_id FROM case_action WHERE id = $1").bind(id))
        .await?;
    let child: Option<PersonId> = match row {
        Some(r) => r.opt_id("child_id")?,
        None => None,
    };
    let events = if child.is_some() {
        Vec::new()
    } else {
        vec![AuditEvent {
            outcome: AuditOutcome::Denied,
            ..event(
                AuditAction::Update,
                RecordKind::Action,
                Some(id.uuid()),
                None,
            )
        }]
    };
    Ok((child, events))
}

pub(crate) async fn view_contact<C: SqlConn>(
    c: &mut C,
    id: ContactId,
    check: AccessCheck,
) -> Result<Audited<Viewed<Versioned<Contact>>>, StoreError> {
    let contact: Option<Contact> = select_where(c, "id = $1", id.to_value())
        .await?
        .into_iter()
        .next();
    let Some(contact) = contact else {
        // Nothing to see: still one audit entry for the request, about no child.
        let e = AuditEvent {
            outcome: AuditOutcome::Denied,
            ..event(
                AuditAction::View,
                RecordKind::Contact,
                Some(id.uuid()),
                None,
            )
        };
        return Ok((Viewed::Missing, vec![e]));
    };
    let facts = access_facts(c, contact.child_id).await?;
    let decision = facts.as_ref().map(check).unwrap_or(Decision::Hidden);
    let allowed = decision == Decision::Allow;
    let events = vec![view_event(
        RecordKind::Contact,
        id.uuid(),
        contact.child_id,
        facts.as_ref(),
        allowed,
    )];
    let viewed = if allowed {
        let version = crate::front_door::case_version(c, contact.child_id).await?;
        Viewed::Allowed(Versioned {
            record: contact,
            version,
        })
    } else {
        Viewed::Denied(decision)
    };
    Ok((viewed, events))
}

/// People matching a search, within its scope; reads only (the caller audits the search). Candidates come
/// from the in-memory index, brought up to this snapshot first; only the people kept are read in full.
pub(crate) async fn search_people<C: SqlConn>(
    c: &mut C,
    index: &SearchIndex,
    s: &PersonSearch,
    rank: RankCandidates,
    chain_position: &str,
) -> Result<Audited<Vec<Person>>, StoreError> {
    let events = vec![event(AuditAction::Search, RecordKind::Person, None, None)];
    let nothing_to_match = s.keys.is_empty()
        && s.prefixes.is_empty()
        && s.date_of_birth.is_none()
        && s.nhs_number.is_none()
        && s.upn.is_none()
        && s.la_child_id.is_none();
    if s.las.is_empty() || nothing_to_match {
        return Ok((Vec::new(), events));
    }
    index.refresh(c, chain_position).await?;
    // The restricted records named for this user (few, if any).
    let granted: Vec<PersonId> = match s.user_id {
        Some(user) => c
            .fetch_all(
                Sql::new("SELECT person_id FROM restricted_access WHERE user_id = $1").bind(user),
            )
            .await?
            .iter()
            .map(|r| r.id("person_id"))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let keep = index.rank_candidates(s, |id| granted.contains(&id), rank)?;
    let mut people = crate::front_door::people_by_id(c, keep.iter().copied()).await?;
    let people = keep.iter().filter_map(|id| people.remove(id)).collect();
    Ok((people, events))
}

/// The rows of `person` whose search columns are empty (written before they existed): fill them in.
pub(crate) async fn people_without_search_keys<C: SqlConn>(
    c: &mut C,
    limit: u32,
) -> Result<Vec<(PersonId, String, String)>, StoreError> {
    let rows = c
        .fetch_all(Sql::new(format!(
            "SELECT id, first_name, last_name FROM person WHERE search_last IS NULL LIMIT {limit}"
        )))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.id("id")?,
                r.req_text("first_name")?,
                r.req_text("last_name")?,
            ))
        })
        .collect()
}
