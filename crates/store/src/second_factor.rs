//! The second factor's reads and writes: a user's TOTP secret, last step used and recovery codes left; sign-ins
//! waiting for the second factor; and the changes (set up, new recovery codes, removed), each audited as a change
//! to the user. Finishing a sign-in uses the code (a step after the last, or an unused recovery code), ends the
//! wait and starts the session in one transaction, so a code raced from two browsers works for one.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::ids::UserId;

use crate::NewSession;
use crate::audit_log::append_audit;
use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow};

/// A user's second factor as it stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecondFactor {
    /// The TOTP secret (base32), once set up.
    pub secret: Option<String>,
    /// The step of the last code used.
    pub last_step: Option<u64>,
    /// Recovery codes not yet used.
    pub recovery_left: u32,
    /// Wrong codes since the last right one, over any number of sign-ins, and when the last was.
    pub failures: u32,
    pub failed_at: Option<Timestamp>,
}

/// A sign-in that passed the password and waits for the second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactorPending {
    pub user_id: UserId,
    pub failures: u32,
    pub created_at: Timestamp,
}

/// What passed the second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactorUse {
    /// A TOTP code of this step.
    Code { step: u64 },
    /// A recovery code (its hash).
    Recovery { hash: String },
    /// The first code of a secret being set up now, with the new recovery codes' hashes.
    SetUp {
        secret: String,
        step: u64,
        recovery: Vec<String>,
    },
}

/// A change to a signed-in user's second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactorChange {
    /// Set up (or replace) the secret, whose first code was of `step`, with new recovery codes.
    SetUp {
        secret: String,
        step: u64,
        recovery: Vec<String>,
    },
    /// New recovery codes; the old ones stop working.
    NewRecoveryCodes { recovery: Vec<String> },
    /// No second factor (until they set one up again).
    Remove,
}

pub(crate) async fn second_factor_of<C: SqlConn>(
    c: &mut C,
    user: UserId,
) -> Result<SecondFactor, StoreError> {
    let Some(row) = c
        .fetch_optional(
            Sql::new(
                "SELECT totp_secret, totp_last_step, second_factor_failures, second_factor_failed_at, \
                 (SELECT count(*) FROM recovery_code r WHERE r.user_id = u.id AND r.used_at IS NULL) AS recovery_left \
                 FROM app_user u WHERE u.id = $1",
            )
            .bind(user),
        )
        .await?
    else {
        return Err(StoreError::NotFound);
    };
    Ok(SecondFactor {
        secret: row.text("totp_secret")?,
        last_step: row
            .int("totp_last_step")?
            .and_then(|s| u64::try_from(s).ok()),
        recovery_left: u32::try_from(row.req_int("recovery_left")?).unwrap_or(0),
        failures: u32::try_from(row.req_int("second_factor_failures")?).unwrap_or(u32::MAX),
        failed_at: row.timestamp("second_factor_failed_at")?,
    })
}

pub(crate) async fn begin<C: SqlConn>(
    c: &mut C,
    token_hash: &str,
    user: UserId,
    at: Timestamp,
    forget_before: Timestamp,
) -> Result<(), StoreError> {
    c.execute(
        Sql::new("DELETE FROM second_factor_pending WHERE created_at < $1").bind(forget_before),
    )
    .await?;
    c.execute(
        Sql::new(
            "INSERT INTO second_factor_pending (token_hash, user_id, failures, created_at) VALUES ($1, $2, 0, $3)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(at),
    )
    .await?;
    Ok(())
}

pub(crate) async fn pending<C: SqlConn>(
    c: &mut C,
    token_hash: &str,
) -> Result<Option<SecondFactorPending>, StoreError> {
    let Some(row) = c
        .fetch_optional(
            Sql::new(
                "SELECT user_id, failures, created_at FROM second_factor_pending WHERE token_hash = $1",
            )
            .bind(token_hash),
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(SecondFactorPending {
        user_id: row.id("user_id")?,
        failures: u32::try_from(row.req_int("failures")?).unwrap_or(u32::MAX),
        created_at: row.req_timestamp("created_at")?,
    }))
}

/// An audit entry about the user, under their first LA (so that their LAs' administrators and information
/// governance see it).
async fn user_event<C: SqlConn>(
    c: &mut C,
    action: AuditAction,
    user: UserId,
    outcome: AuditOutcome,
) -> Result<AuditEvent, StoreError> {
    let la = c
        .fetch_optional(
            Sql::new("SELECT la FROM user_la WHERE user_id = $1 ORDER BY la LIMIT 1").bind(user),
        )
        .await?
        .map(|r| r.la("la"))
        .transpose()?;
    Ok(AuditEvent {
        action,
        record_kind: RecordKind::User,
        record_id: Some(user.uuid()),
        child_id: None,
        la,
        outcome,
    })
}

/// A wrong code: counted; at `max` failures the wait ends (the password must be given again). Audited.
pub(crate) async fn failed<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    token_hash: &str,
    user: UserId,
    max: u32,
    at: Timestamp,
) -> Result<(), StoreError> {
    c.execute(
        Sql::new("UPDATE second_factor_pending SET failures = failures + 1 WHERE token_hash = $1")
            .bind(token_hash),
    )
    .await?;
    c.execute(
        Sql::new("DELETE FROM second_factor_pending WHERE token_hash = $1 AND failures >= $2")
            .bind(token_hash)
            .bind(i64::from(max)),
    )
    .await?;
    c.execute(
        Sql::new(
            "UPDATE app_user SET second_factor_failures = second_factor_failures + 1, \
             second_factor_failed_at = $2 WHERE id = $1",
        )
        .bind(user)
        .bind(at),
    )
    .await?;
    let e = user_event(c, AuditAction::SignInFailed, user, AuditOutcome::Denied).await?;
    append_audit::<B>(c, actor, at, &[e]).await
}

async fn use_code<C: SqlConn>(c: &mut C, user: UserId, step: u64) -> Result<(), StoreError> {
    let step = i64::try_from(step).map_err(|_| StoreError::Conflict("step out of range".into()))?;
    let n = c
        .execute(
            Sql::new(
                "UPDATE app_user SET totp_last_step = $2 WHERE id = $1 \
                 AND (totp_last_step IS NULL OR totp_last_step < $2)",
            )
            .bind(user)
            .bind(step),
        )
        .await?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(
            "the code has been used already".into(),
        ))
    }
}

async fn set_recovery<C: SqlConn>(
    c: &mut C,
    user: UserId,
    hashes: &[String],
) -> Result<(), StoreError> {
    c.execute(Sql::new("DELETE FROM recovery_code WHERE user_id = $1").bind(user))
        .await?;
    for h in hashes {
        c.execute(
            Sql::new("INSERT INTO recovery_code (user_id, code_hash) VALUES ($1, $2)")
                .bind(user)
                .bind(h.as_str()),
        )
        .await?;
    }
    Ok(())
}

async fn set_up<C: SqlConn>(
    c: &mut C,
    user: UserId,
    secret: &str,
    step: u64,
    recovery: &[String],
) -> Result<(), StoreError> {
    let step = i64::try_from(step).map_err(|_| StoreError::Conflict("step out of range".into()))?;
    c.execute(
        Sql::new("UPDATE app_user SET totp_secret = $2, totp_last_step = $3, version = version + 1 WHERE id = $1")
            .bind(user)
            .bind(secret)
            .bind(step),
    )
    .await?;
    set_recovery(c, user, recovery).await
}

/// Pass the second factor: end the wait (it must still be there), use the code, start the session.
pub(crate) async fn finish<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    token_hash: &str,
    user: UserId,
    used: &SecondFactorUse,
    session: &NewSession,
) -> Result<(), StoreError> {
    let n = c
        .execute(
            Sql::new("DELETE FROM second_factor_pending WHERE token_hash = $1 AND user_id = $2")
                .bind(token_hash)
                .bind(user),
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Conflict(
            "the sign-in is no longer waiting".into(),
        ));
    }
    c.execute(Sql::new("UPDATE app_user SET second_factor_failures = 0 WHERE id = $1").bind(user))
        .await?;
    match used {
        SecondFactorUse::Code { step } => use_code(c, user, *step).await?,
        SecondFactorUse::Recovery { hash } => {
            let n = c
                .execute(
                    Sql::new(
                        "UPDATE recovery_code SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 \
                         AND used_at IS NULL",
                    )
                    .bind(user)
                    .bind(hash.as_str())
                    .bind(session.at),
                )
                .await?;
            if n != 1 {
                return Err(StoreError::Conflict(
                    "the recovery code has been used already".into(),
                ));
            }
            let e = user_event(c, AuditAction::Update, user, AuditOutcome::Allowed).await?;
            append_audit::<B>(c, actor, session.at, &[e]).await?;
        }
        SecondFactorUse::SetUp {
            secret,
            step,
            recovery,
        } => {
            set_up(c, user, secret, *step, recovery).await?;
            let e = user_event(c, AuditAction::Update, user, AuditOutcome::Allowed).await?;
            append_audit::<B>(c, actor, session.at, &[e]).await?;
        }
    }
    crate::access::create_session::<B>(c, actor, session).await
}

/// Change a user's second factor (by themselves, or removed by an administrator) if the user is still at the
/// version `expected` (when given); audited, and the user's version moves on.
pub(crate) async fn change<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    user: UserId,
    change: &SecondFactorChange,
    expected: Option<i64>,
    at: Timestamp,
) -> Result<(), StoreError> {
    let current = c
        .fetch_optional(Sql::new("SELECT version FROM app_user WHERE id = $1").bind(user))
        .await?
        .ok_or(StoreError::NotFound)?
        .req_int("version")?;
    if expected.is_some_and(|v| v != current) {
        return Err(StoreError::Stale { current });
    }
    match change {
        SecondFactorChange::SetUp {
            secret,
            step,
            recovery,
        } => set_up(c, user, secret, *step, recovery).await?,
        SecondFactorChange::NewRecoveryCodes { recovery } => {
            set_recovery(c, user, recovery).await?;
            c.execute(
                Sql::new("UPDATE app_user SET version = version + 1 WHERE id = $1").bind(user),
            )
            .await?;
        }
        SecondFactorChange::Remove => {
            let n = c
                .execute(
                    Sql::new(
                        "UPDATE app_user SET totp_secret = NULL, totp_last_step = NULL, version = version + 1 \
                         WHERE id = $1",
                    )
                    .bind(user),
                )
                .await?;
            if n != 1 {
                return Err(StoreError::NotFound);
            }
            set_recovery(c, user, &[]).await?;
        }
    }
    let e = user_event(c, AuditAction::Update, user, AuditOutcome::Allowed).await?;
    append_audit::<B>(c, actor, at, &[e]).await
}
