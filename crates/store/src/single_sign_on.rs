//! Single sign-on's reads and writes: sign-ins under way at the identity provider (each taken once), the users a
//! signed-in person may be (by subject or email), and finishing a sign-in in one transaction: the subject
//! recorded on the user at their first sign-in, their role and LAs from the provider's groups, and the session.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind, Role};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::UserId;
use domain::records::User;
use domain::single_sign_on::Candidate;

use crate::audit_log::append_audit;
use crate::error::StoreError;
use crate::queries::users_with_las;
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow};
use crate::tables::Table;
use crate::{NewSession, UserCredentials};

/// A sign-in sent to the identity provider and not yet back: kept by the hash of its `state`, bound to the
/// browser that started it (the hash of a cookie), with the nonce the `id_token` must carry and the PKCE
/// verifier the code must be redeemed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoPending {
    pub state_hash: String,
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go once signed in (a path on this site).
    pub next: String,
    pub created_at: Timestamp,
}

/// How a sign-in through the provider ends well: the user, the subject to record on them (at their first
/// sign-in), the role and LAs their groups give (when groups decide and these differ from what is stored), and the
/// session to start.
#[derive(Clone, Debug)]
pub struct SsoFinish {
    pub user_id: UserId,
    pub link_subject: Option<String>,
    pub grant: Option<(Role, Vec<LaCode>)>,
    pub session: NewSession,
}

pub(crate) async fn begin<C: SqlConn>(
    c: &mut C,
    p: &SsoPending,
    forget_before: Timestamp,
) -> Result<(), StoreError> {
    c.execute(Sql::new("DELETE FROM sso_sign_in WHERE created_at < $1").bind(forget_before))
        .await?;
    c.execute(
        Sql::new(
            "INSERT INTO sso_sign_in (state_hash, browser_hash, nonce, pkce_verifier, next, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(p.state_hash.as_str())
        .bind(p.browser_hash.as_str())
        .bind(p.nonce.as_str())
        .bind(p.pkce_verifier.as_str())
        .bind(p.next.as_str())
        .bind(p.created_at),
    )
    .await?;
    Ok(())
}

/// The sign-in under way with this state, removed so that it can be used only once.
pub(crate) async fn take<C: SqlConn>(
    c: &mut C,
    state_hash: &str,
) -> Result<Option<SsoPending>, StoreError> {
    let Some(row) = c
        .fetch_optional(
            Sql::new(
                "DELETE FROM sso_sign_in WHERE state_hash = $1 \
                 RETURNING state_hash, browser_hash, nonce, pkce_verifier, next, created_at",
            )
            .bind(state_hash),
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(SsoPending {
        state_hash: row.req_text("state_hash")?,
        browser_hash: row.req_text("browser_hash")?,
        nonce: row.req_text("nonce")?,
        pkce_verifier: row.req_text("pkce_verifier")?,
        next: row.req_text("next")?,
        created_at: row.req_timestamp("created_at")?,
    }))
}

/// The users whose recorded subject is `subject` or whose email is `email` (already normalised).
pub(crate) async fn candidates<C: SqlConn>(
    c: &mut C,
    subject: &str,
    email: Option<&str>,
) -> Result<Vec<Candidate<UserCredentials>>, StoreError> {
    let mut cols: Vec<&str> = User::COLUMNS.to_vec();
    cols.extend(["password_hash", "valid_until", "email", "sso_subject"]);
    let rows = c
        .fetch_all(
            Sql::new(format!(
                "SELECT {} FROM app_user WHERE sso_subject = $1 OR email = $2",
                cols.join(", ")
            ))
            .bind(subject)
            .bind(email),
        )
        .await?;
    let mut users = Vec::with_capacity(rows.len());
    let mut extra = Vec::with_capacity(rows.len());
    for row in &rows {
        users.push(User::from_row(row)?);
        extra.push((
            row.text("password_hash")?,
            row.date("valid_until")?,
            row.text("sso_subject")?,
            row.text("email")?,
        ));
    }
    drop(rows);
    let users = users_with_las(c, users).await?;
    Ok(users
        .into_iter()
        .zip(extra)
        .map(
            |(user, (password_hash, valid_until, subject, email))| Candidate {
                user: UserCredentials {
                    user,
                    password_hash,
                    valid_until,
                },
                subject,
                email,
            },
        )
        .collect())
}

/// The user whose email is `email` (normalised), if any.
pub(crate) async fn user_with_email<C: SqlConn>(
    c: &mut C,
    email: &str,
) -> Result<Option<UserId>, StoreError> {
    c.fetch_optional(Sql::new("SELECT id FROM app_user WHERE email = $1").bind(email))
        .await?
        .map(|r| r.id("id"))
        .transpose()
}

fn user_event(action: AuditAction, id: UserId, la: Option<LaCode>) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: RecordKind::User,
        record_id: Some(id.uuid()),
        child_id: None,
        la,
        outcome: AuditOutcome::Allowed,
    }
}

pub(crate) async fn finish<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    f: &SsoFinish,
    at: Timestamp,
) -> Result<(), StoreError> {
    if let Some(subject) = &f.link_subject {
        let n = c
            .execute(
                Sql::new(
                    "UPDATE app_user SET sso_subject = $2, version = version + 1 \
                     WHERE id = $1 AND sso_subject IS NULL",
                )
                .bind(f.user_id)
                .bind(subject.as_str()),
            )
            .await?;
        if n != 1 {
            // Someone linked the account meanwhile: it may be another person's.
            return Err(StoreError::Conflict(
                "the account was linked to another sign-in meanwhile".to_owned(),
            ));
        }
    }
    if let Some((role, las)) = &f.grant {
        c.execute(
            Sql::new("UPDATE app_user SET role = $2, version = version + 1 WHERE id = $1")
                .bind(f.user_id)
                .bind(*role),
        )
        .await?;
        c.execute(Sql::new("DELETE FROM user_la WHERE user_id = $1").bind(f.user_id))
            .await?;
        for la in las {
            c.execute(
                Sql::new("INSERT INTO user_la (user_id, la) VALUES ($1, $2)")
                    .bind(f.user_id)
                    .bind(la),
            )
            .await?;
        }
    }
    if f.link_subject.is_some() || f.grant.is_some() {
        let la = f.grant.as_ref().and_then(|(_, las)| las.first().cloned());
        append_audit::<B>(
            c,
            actor,
            at,
            &[user_event(AuditAction::Update, f.user_id, la)],
        )
        .await?;
    }
    crate::access::create_session::<B>(c, actor, &f.session).await
}
