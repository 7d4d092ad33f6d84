//! Signing in and out, and the sessions in between.
//!
//! A session is a random 256-bit token in a cookie; the database keeps only its SHA-256, with a CSRF token for
//! the session's forms. A session ends at sign-out, after `idle` without a request, `absolute` after sign-in, or
//! when its user is disabled; every request checks all four. Sign-in checks the password with argon2id on a
//! blocking thread, against a dummy hash when the username is unknown (so timing says nothing), and refuses
//! everyone for a while after repeated failures for a username.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use domain::audit::Actor;
use domain::datetime::{Timestamp, london_date};
use domain::records::User;
use store::{NewSession, Store};

use crate::auth::{self, hash_password, new_token, token_hash, verify_password};
use crate::{ServiceError, Services};

/// Session and sign-in limits (configurable at start-up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute: Duration,
    /// Failed sign-ins for one username within `lockout` before it is refused for the rest of `lockout`.
    pub max_failures: u32,
    pub lockout: Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
            max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// Why a sign-in did not work. Shown to the user as one message, so as not to say which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Unknown username, wrong password, disabled user, expired access.
    Incorrect,
    /// Too many failures for this username recently.
    Throttled,
}

/// Checks credentials. Passwords today; single sign-on (OIDC) can implement this later.
pub trait Authenticator: Send + Sync {
    fn authenticate<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<User>, ServiceError>> + Send + 'a>>;
}

/// Username and argon2id password, checked against the store.
pub struct PasswordAuthenticator<S> {
    store: S,
}

impl<S> PasswordAuthenticator<S> {
    pub fn new(store: S) -> Self {
        PasswordAuthenticator { store }
    }
}

/// A hash to check passwords against when the username is unknown, so that the answer takes as long.
async fn dummy_hash() -> Result<String, ServiceError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h.clone());
    }
    let h = hash_password(new_token()).await?;
    Ok(DUMMY.get_or_init(|| h).clone())
}

impl<S: Store> Authenticator for PasswordAuthenticator<S> {
    fn authenticate<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<User>, ServiceError>> + Send + 'a>> {
        Box::pin(async move {
            let creds = self.store.user_credentials(username).await?;
            let hash = match creds.as_ref().and_then(|c| c.password_hash.clone()) {
                Some(h) => h,
                None => dummy_hash().await?,
            };
            let ok = verify_password(password.to_owned(), hash).await?;
            Ok(match creds {
                Some(c) if ok && c.password_hash.is_some() => Some(c.user),
                _ => None,
            })
        })
    }
}

/// A session that has just started: the cookie token (shown once) and the user.
#[derive(Clone, Debug)]
pub struct StartedSession {
    pub token: String,
    pub user: User,
}

/// A live session, as each request sees it.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub actor: Actor,
    pub user: User,
    pub csrf_token: String,
    pub id_hash: String,
}

fn elapsed(from: Timestamp, to: Timestamp) -> Duration {
    Duration::from_micros(u64::try_from(to.as_microsecond() - from.as_microsecond()).unwrap_or(0))
}

impl<S: Store> Services<S> {
    /// Sign in with a username and password: a new session (never one that existed before sign-in).
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Result<StartedSession, SignInRefusal>, ServiceError> {
        self.sign_in_with(
            &PasswordAuthenticator::new(self.store.clone()),
            username,
            password,
        )
        .await
    }

    /// Sign in through any [`Authenticator`].
    pub async fn sign_in_with(
        &self,
        authenticator: &dyn Authenticator,
        username: &str,
        password: &str,
    ) -> Result<Result<StartedSession, SignInRefusal>, ServiceError> {
        let username = username.trim();
        let now = self.now();
        let window = jiff::SignedDuration::try_from(self.sessions.lockout).unwrap_or_default();
        let since = now.checked_sub(window).unwrap_or(now);
        if username.is_empty() || username.len() > 64 {
            return Ok(Err(SignInRefusal::Incorrect));
        }
        if self.store.failed_sign_ins_since(username, since).await? >= self.sessions.max_failures {
            self.store
                .record_sign_in_attempt(username, now, false)
                .await?;
            return Ok(Err(SignInRefusal::Throttled));
        }
        let user = authenticator.authenticate(username, password).await?;
        let today = london_date(now);
        let user = user.filter(|u| !u.disabled);
        let user = match user {
            Some(u) if self.user_valid_on(&u, today).await? => u,
            _ => {
                self.store
                    .record_sign_in_attempt(username, now, false)
                    .await?;
                return Ok(Err(SignInRefusal::Incorrect));
            }
        };
        self.store
            .record_sign_in_attempt(username, now, true)
            .await?;
        let token = new_token();
        self.store
            .create_session(
                &Actor::user(&user),
                NewSession {
                    id_hash: token_hash(&token),
                    user_id: user.id,
                    csrf_token: new_token(),
                    at: now,
                },
            )
            .await?;
        Ok(Ok(StartedSession { token, user }))
    }

    /// Whether the user's access (if time-limited) still runs on `today`.
    async fn user_valid_on(
        &self,
        user: &User,
        today: domain::datetime::Date,
    ) -> Result<bool, ServiceError> {
        let creds = self.store.user_credentials(&user.username).await?;
        Ok(creds.is_some_and(|c| c.valid_until.is_none_or(|until| today <= until)))
    }

    /// The live session a cookie token stands for, or `Unauthenticated`. Ends sessions that have timed out.
    pub async fn current_session(&self, token: &str) -> Result<CurrentSession, ServiceError> {
        if !token.starts_with(auth::TOKEN_PREFIX) || token.len() > 200 {
            return Err(ServiceError::Unauthenticated);
        }
        let id_hash = token_hash(token);
        let session = self
            .store
            .session(&id_hash)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if session.ended_at.is_some() || session.user.disabled {
            return Err(ServiceError::Unauthenticated);
        }
        let now = self.now();
        let actor = Actor::user(&session.user);
        let expired_user = session
            .user_valid_until
            .is_some_and(|d| london_date(now) > d);
        let reason = if expired_user {
            Some("access expired")
        } else if elapsed(session.created_at, now) > self.sessions.absolute {
            Some("absolute timeout")
        } else if elapsed(session.last_seen_at, now) > self.sessions.idle {
            Some("idle timeout")
        } else {
            None
        };
        if let Some(reason) = reason {
            self.store
                .end_session(&actor, &id_hash, reason, now)
                .await?;
            return Err(ServiceError::Unauthenticated);
        }
        // Record activity, at most once a minute per session (each is a durable write).
        if elapsed(session.last_seen_at, now) > Duration::from_secs(60) {
            self.store.touch_session(&id_hash, now).await?;
        }
        Ok(CurrentSession {
            actor,
            user: session.user,
            csrf_token: session.csrf_token,
            id_hash,
        })
    }

    /// End the session (sign-out).
    pub async fn sign_out(&self, session: &CurrentSession) -> Result<(), ServiceError> {
        Ok(self
            .store
            .end_session(&session.actor, &session.id_hash, "signed out", self.now())
            .await?)
    }

    /// Disable (or re-enable) a user: their sessions end at once and their tokens stop working.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
    ) -> Result<User, ServiceError> {
        crate::require_admin(actor)?;
        self.store
            .set_user_disabled(actor, username, disabled, self.now())
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("username", format!("there is no user '{username}'"))
            })
    }

    /// Revoke every API token of a user.
    pub async fn revoke_api_tokens(
        &self,
        actor: &Actor,
        username: &str,
    ) -> Result<u32, ServiceError> {
        crate::require_admin(actor)?;
        let creds = self
            .store
            .user_credentials(username)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("username", format!("there is no user '{username}'"))
            })?;
        Ok(self
            .store
            .revoke_api_tokens(actor, creds.user.id, self.now())
            .await?)
    }
}
