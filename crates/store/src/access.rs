//! Sessions, sign-in attempts, disabling users, restricted records, and the audited reads that run the
//! permission check inside their transaction.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::ids::{ContactId, PersonId, UserId};
use domain::policy::Decision;
use domain::records::{Contact, Person, User};

use crate::audit_log::append_audit;
use crate::error::StoreError;
use crate::queries::{read_case_file, select_where, users_with_las};
use crate::row::RowExt;
use crate::search_index::SearchIndex;
use crate::sql::{Backend, Sql, SqlConn, SqlRow, ToValue};
use crate::tables::Table;
use crate::{
    AccessCheck, AccessFacts, CaseFile, NewSession, PersonSearch, RankCandidates, Session,
    Versioned, Viewed,
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
    let Some(row) = c.fetch_optional(Sql::new(sql).bind(id_hash)).await? else {
        return Ok(None);
    };
    let user = User::from_row(&row)?;
    let user = users_with_las(c, vec![user])
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
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
                "SELECT {} FROM app_user WHERE username = $1",
                User::COLUMNS.join(", ")
            ))
            .bind(username),
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
    if disabled {
        c.execute(
            Sql::new("UPDATE session SET ended_at = $2, end_reason = 'user disabled' WHERE user_id = $1 AND ended_at IS NULL")
                .bind(user.id)
                .bind(at),
        )
        .await?;
    }
    append_audit::<B>(
        c,
        actor,
        at,
        &[event(
            AuditAction::Admin,
            RecordKind::User,
            Some(user.id.uuid()),
            None,
        )],
    )
    .await?;
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
    let restricted_to = if row.req_bool("restricted")? {
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
    Ok(Some(AccessFacts {
        la: row.la("la")?,
        restricted_to,
        addressed_to: None,
    }))
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
pub(crate) async fn view_child<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    check: AccessCheck,
) -> Result<Audited<Viewed<CaseFile>>, StoreError> {
    let facts = access_facts(c, child).await?;
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
        Some(Decision::Allow) => match read_case_file(c, child).await? {
            // The version in the same snapshot as the records: a change made after this read is one the user
            // has not seen.
            Some(record) => Viewed::Allowed(CaseFile {
                record,
                version: crate::front_door::case_version(c, child).await?,
            }),
            None => Viewed::Missing,
        },
        Some(d) => Viewed::Denied(d),
    };
    Ok((viewed, events))
}

/// One contact if `check` (on its child) allows; reads only, like [`view_child`].
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
    index.refresh(c).await?;
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
    let candidates = index.candidates(s, |id| granted.contains(&id))?;
    let keep = rank(candidates);
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
