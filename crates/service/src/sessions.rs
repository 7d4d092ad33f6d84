//! Signing in and out, and the sessions in between.
//!
//! A session is a random 256-bit token in a cookie; the database keeps only its SHA-256, with a CSRF token for
//! the session's forms. A session ends at sign-out, after `idle` without a request, `absolute` after sign-in, or
//! when its user is disabled; every request checks all four. Sign-in checks the password with argon2id on a
//! blocking thread, against a dummy hash when the username is unknown (so timing says nothing).
//!
//! # Sign-in throttling
//! Failed sign-ins are counted in three scopes, each over the last `failure_window`:
//! - the **account** (the username tried, whether or not it exists, so the answer says nothing about which
//!   usernames exist): failures since its last success;
//! - the **client address** (the TCP peer: an IPv4 address, or an IPv6 /64; `unknown` when the server does not
//!   know it, and then every such client shares one bucket): failures for any username, not reset by a
//!   success (someone spraying passwords over many usernames may well own an account of their own);
//! - a **known browser**: a browser that has signed in as this user before holds a device token (a cookie,
//!   [`StartedSession::device_token`], valid for `known_device`). Its attempts for that user are counted on
//!   their own and are judged by this scope *instead of* the account's and the client's.
//!
//! In each scope the first `max_failures` failures (`max_client_failures` for a client) cost nothing; after
//! that each further failure starts a wait of `backoff`, doubling with every failure, at most `lockout`, from
//! that failure. An attempt during a wait is refused at once, without checking the password (so a right
//! password is refused too, and the page says so and says how long to wait) and without being recorded: it
//! neither counts as a failure nor extends the wait. Failed sign-ins and every wait they start are in the audit
//! trail (`sign-in-failed`, `locked-out`), with the user's first LA when the username exists; never the
//! password, and the username tried only when it exists (a password typed into the username box stays out).
//! Refused attempts are not audited: they are cheap to make, and each would be a durable write.
//!
//! The trade-off. A per-account lock lets anyone keep a user out by failing on purpose; without one, many
//! clients could guess one user's password together. Known browsers resolve most of this: someone who keeps
//! failing as a user (from anywhere, at any pace) locks the account for browsers that user has never signed in
//! on, but the user's own browsers still get in, each throttled on its own. The cost: a user on a new or
//! cleared browser can be kept waiting by a persistent attacker (at most `lockout` after the attacker's last
//! counted failure, however long the attacker keeps trying), and the audit trail shows who is being targeted.
//! The client scope slows password spraying from one address; behind a reverse proxy every client has the
//! proxy's address, so one sprayer slows everyone's first sign-ins (known browsers are not slowed). An attempt
//! is recorded (as failed) in the same transaction that checks the throttle, before the password is checked,
//! so parallel guesses count one another; only attempts in flight within the same few milliseconds can slip
//! past together.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::{Timestamp, london_date};
use domain::records::User;
use store::{
    FailureRun, NewSession, SignInHistory, SignInOutcome, SignInQuery, SignInStart, Store,
};

use crate::auth::{self, hash_password, new_token, token_hash, verify_password};
use crate::second_factor::SignedIn;
use crate::{ServiceError, Services};

/// Session and sign-in limits (configurable at start-up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute: Duration,
    /// Failed sign-ins for one account (or one known browser) that cost nothing; each further one starts a wait.
    pub max_failures: u32,
    /// Failed sign-ins from one client address (any usernames) that cost nothing.
    pub max_client_failures: u32,
    /// The first wait; it doubles with each further failure.
    pub backoff: Duration,
    /// The longest wait.
    pub lockout: Duration,
    /// Failures older than this are forgotten.
    pub failure_window: Duration,
    /// How long a browser stays known for a user after it last signed in as them.
    pub known_device: Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
            max_failures: 5,
            max_client_failures: 20,
            backoff: Duration::from_secs(60),
            lockout: Duration::from_secs(15 * 60),
            failure_window: Duration::from_secs(24 * 60 * 60),
            known_device: Duration::from_secs(90 * 24 * 60 * 60),
        }
    }
}

/// Why a sign-in did not work. Shown to the user as one message, so as not to say which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Unknown username, wrong password, disabled user, expired access.
    Incorrect,
    /// Too many failures recently (for this account, this browser or this client): try again after `wait`.
    Throttled { wait: Duration },
    /// The deployment signs people in through its identity provider only.
    PasswordsOff,
}

/// Where a sign-in attempt comes from.
#[derive(Clone, Debug, Default)]
pub struct SignInClient {
    /// The TCP peer, when the server knows it.
    pub address: Option<IpAddr>,
    /// The known-device token the browser sent, if any ([`StartedSession::device_token`]).
    pub device_token: Option<String>,
    /// The request's id, for the audit entries.
    pub request_id: Option<String>,
}

impl SignInClient {
    /// The throttling bucket of the address: an IPv4 address, or the /64 of an IPv6 one (which one client
    /// usually has whole); `unknown` when there is no address.
    pub fn bucket(&self) -> String {
        match self.address {
            None => "unknown".to_owned(),
            Some(IpAddr::V4(a)) => a.to_string(),
            Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let [a, b, c, d, ..] = a.segments();
                    format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
                }
            },
        }
    }
}

/// When a run of failures lets the next attempt in: `None` while the run is within its free allowance.
fn wait_ends(run: &FailureRun, free: u32, settings: &SessionSettings) -> Option<Timestamp> {
    let last = run.last?;
    let over = run.failures.checked_sub(free)?;
    let doubled = settings
        .backoff
        .checked_mul(2u32.checked_pow(over.min(31)).unwrap_or(u32::MAX))
        .unwrap_or(settings.lockout);
    let wait = doubled.min(settings.lockout);
    last.checked_add(jiff::SignedDuration::try_from(wait).ok()?)
        .ok()
}

/// Until when an attempt with this history is refused (`None`: let it in). A known browser is judged on its
/// own; anyone else by the account and the client address.
fn refused_until(
    history: &SignInHistory,
    settings: &SessionSettings,
    now: Timestamp,
) -> Option<Timestamp> {
    let ends = match &history.device {
        Some(device) => wait_ends(device, settings.max_failures, settings),
        None => wait_ends(&history.account, settings.max_failures, settings).max(wait_ends(
            &history.client,
            settings.max_client_failures,
            settings,
        )),
    };
    ends.filter(|t| *t > now)
}

/// The same runs with one more failure at `now`.
fn with_failure(history: &SignInHistory, now: Timestamp) -> SignInHistory {
    let add = |r: &FailureRun| FailureRun {
        failures: r.failures.saturating_add(1),
        last: Some(now),
    };
    match &history.device {
        Some(d) => SignInHistory {
            device: Some(add(d)),
            ..*history
        },
        None => SignInHistory {
            account: add(&history.account),
            client: add(&history.client),
            device: None,
        },
    }
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

/// A session that has just started: the cookie token (shown once), the user, and the browser's known-device
/// token (to keep in a long-lived cookie: the browser is known for this user from now on).
#[derive(Clone, Debug)]
pub struct StartedSession {
    pub token: String,
    pub user: User,
    pub device_token: String,
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

fn minutes_ceil(wait: Duration) -> Duration {
    Duration::from_secs(wait.as_secs().div_ceil(60).max(1) * 60)
}

/// The label failed sign-ins are audited under: the username when it exists (never what was typed otherwise,
/// which may be a password typed into the wrong box).
fn attempt_actor(user: Option<&User>, request_id: Option<String>) -> Actor {
    let actor = Actor::unidentified(
        user.map_or_else(|| "unknown username".to_owned(), |u| u.username.clone()),
    );
    match request_id {
        Some(id) => actor.with_request_id(id),
        None => actor,
    }
}

fn attempt_event(action: AuditAction, user: Option<&User>) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: RecordKind::User,
        record_id: user.map(|u| u.id.uuid()),
        child_id: None,
        la: user.and_then(|u| u.las.first().cloned()),
        outcome: AuditOutcome::Denied,
    }
}

impl<S: Store> Services<S> {
    /// Sign in with a username and password from a client the server does not know: a new session (never one
    /// that existed before sign-in).
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Result<SignedIn, SignInRefusal>, ServiceError> {
        self.sign_in_from(&SignInClient::default(), username, password)
            .await
    }

    /// Sign in with a username and password from `client` (throttled by its address and known-device token).
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_from(
        &self,
        client: &SignInClient,
        username: &str,
        password: &str,
    ) -> Result<Result<SignedIn, SignInRefusal>, ServiceError> {
        if !self.local_passwords {
            return Ok(Err(SignInRefusal::PasswordsOff));
        }
        self.sign_in_with(
            &PasswordAuthenticator::new(self.store.clone()),
            client,
            username,
            password,
        )
        .await
    }

    /// Sign in through any [`Authenticator`], throttled as the module documentation says.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_with(
        &self,
        authenticator: &dyn Authenticator,
        client: &SignInClient,
        username: &str,
        password: &str,
    ) -> Result<Result<SignedIn, SignInRefusal>, ServiceError> {
        let username = username.trim().to_ascii_lowercase();
        let now = self.now();
        if username.is_empty() || username.len() > 64 {
            return Ok(Err(SignInRefusal::Incorrect));
        }
        let ago = |d: Duration| {
            jiff::SignedDuration::try_from(d)
                .ok()
                .and_then(|d| now.checked_sub(d).ok())
                .unwrap_or(now)
        };
        let device_hash = client
            .device_token
            .as_deref()
            .filter(|t| t.starts_with(auth::TOKEN_PREFIX) && t.len() <= 200)
            .map(token_hash);
        let settings = self.sessions.clone();
        let start = self
            .store
            .start_sign_in(
                SignInQuery {
                    username: username.clone(),
                    client: client.bucket(),
                    device_hash: device_hash.clone(),
                    at: now,
                    since: ago(self.sessions.failure_window),
                    device_since: ago(self.sessions.known_device),
                },
                Box::new(move |h| refused_until(h, &settings, now)),
            )
            .await?;
        let (attempt, history) = match start {
            SignInStart::Refused { until } => {
                let wait = Duration::try_from(until.duration_since(now)).unwrap_or_default();
                return Ok(Err(SignInRefusal::Throttled {
                    wait: minutes_ceil(wait),
                }));
            }
            SignInStart::Started { attempt, history } => (attempt, history),
        };
        let user = authenticator.authenticate(&username, password).await?;
        let today = london_date(now);
        let user = user.filter(|u| !u.disabled);
        let user = match user {
            Some(u) if self.user_valid_on(&u, today).await? => u,
            _ => {
                let known = self
                    .store
                    .user_credentials(&username)
                    .await?
                    .map(|c| c.user);
                let mut events = vec![attempt_event(AuditAction::SignInFailed, known.as_ref())];
                if refused_until(&with_failure(&history, now), &self.sessions, now).is_some() {
                    events.push(attempt_event(AuditAction::LockedOut, known.as_ref()));
                }
                self.store
                    .finish_sign_in(
                        &attempt_actor(known.as_ref(), client.request_id.clone()),
                        attempt,
                        SignInOutcome::Failed { events },
                    )
                    .await?;
                return Ok(Err(SignInRefusal::Incorrect));
            }
        };
        // A browser already known for this user keeps its token; any other gets a new one (never one it
        // brought, which someone else may have planted).
        let device_token = match (&history.device, &client.device_token) {
            (Some(_), Some(t)) => t.clone(),
            _ => new_token(),
        };
        self.store
            .finish_sign_in(
                &Actor::user(&user),
                attempt,
                SignInOutcome::Succeeded {
                    device_hash: token_hash(&device_token),
                },
            )
            .await?;
        if let Some(challenge) = self.second_factor_challenge(&user, &device_token).await? {
            return Ok(Ok(SignedIn::SecondFactor(challenge)));
        }
        let token = new_token();
        let actor = match &client.request_id {
            Some(id) => Actor::user(&user).with_request_id(id.clone()),
            None => Actor::user(&user),
        };
        self.store
            .create_session(
                &actor,
                NewSession {
                    id_hash: token_hash(&token),
                    user_id: user.id,
                    csrf_token: new_token(),
                    at: now,
                },
            )
            .await?;
        Ok(Ok(SignedIn::Session(StartedSession {
            token,
            user,
            device_token,
        })))
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
    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
    pub async fn sign_out(&self, session: &CurrentSession) -> Result<(), ServiceError> {
        Ok(self
            .store
            .end_session(&session.actor, &session.id_hash, "signed out", self.now())
            .await?)
    }

    /// Disable (or re-enable) a user: their sessions end at once and their tokens stop working.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
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

    /// Revoke every API token of a user (`token revoke --username`).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).unwrap()
    }

    fn run(failures: u32, last: i64) -> FailureRun {
        FailureRun {
            failures,
            last: Some(at(last)),
        }
    }

    #[test]
    fn waits_double_from_the_free_allowance_up_to_the_cap() {
        let s = SessionSettings::default();
        let wait = |failures| {
            wait_ends(&run(failures, 0), s.max_failures, &s)
                .map(|t| t.duration_since(at(0)).as_secs() / 60)
        };
        let waits: Vec<_> = (3..=12).map(wait).collect();
        assert_eq!(
            waits,
            vec![
                None,
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(15),
                Some(15),
                Some(15),
                Some(15)
            ]
        );
        assert_eq!(
            wait_ends(&run(u32::MAX, 0), 5, &s),
            Some(at(15 * 60)),
            "no overflow"
        );
    }

    #[test]
    fn a_known_browser_is_judged_on_its_own() {
        let s = SessionSettings::default();
        let locked = SignInHistory {
            account: run(9, 0),
            client: run(0, 0),
            device: None,
        };
        assert_eq!(refused_until(&locked, &s, at(10)), Some(at(15 * 60)));
        assert_eq!(refused_until(&locked, &s, at(15 * 60)), None, "over");
        let known = SignInHistory {
            device: Some(FailureRun::default()),
            ..locked
        };
        assert_eq!(refused_until(&known, &s, at(10)), None);
        let spraying = SignInHistory {
            account: FailureRun::default(),
            client: run(20, 0),
            device: None,
        };
        assert_eq!(refused_until(&spraying, &s, at(10)), Some(at(60)));
        // One more failure: the counts move on in the scopes that judged the attempt.
        let next = with_failure(&known, at(5));
        assert_eq!(next.device, Some(run(1, 5)));
        assert_eq!(next.account, run(9, 0));
    }

    #[test]
    fn clients_are_bucketed_by_address_or_ipv6_prefix() {
        let c = |a: Option<&str>| {
            SignInClient {
                address: a.map(|a| a.parse().unwrap()),
                ..SignInClient::default()
            }
            .bucket()
        };
        assert_eq!(c(None), "unknown");
        assert_eq!(c(Some("192.0.2.7")), "192.0.2.7");
        assert_eq!(c(Some("::ffff:192.0.2.7")), "192.0.2.7");
        assert_eq!(c(Some("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
        assert_eq!(c(Some("2001:db8:1:2:ffff::1")), "2001:db8:1:2::/64");
    }
}
