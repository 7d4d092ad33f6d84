//! The second factor for local accounts (`domain::second_factor`): after the right password, a user who has set up
//! an authenticator app, or whose role the deployment requires one of (`serve --second-factor-roles`), gives a
//! code from it (or a recovery code) before their session starts; a user who must have one and has none sets one
//! up there and then. The wait lasts 10 minutes and five wrong codes end it (the password must be given again);
//! each wrong code is audited. Wrong codes also count across sign-ins until a right one: after ten, each further
//! try waits 15 minutes after the last wrong one, so knowing the password does not buy faster guessing. Signed in, anyone may set one up, get new recovery codes, or remove theirs (unless
//! their role requires one); an administrator may remove a user's (a lost phone), and they set up a new one at
//! their next sign-in if they must have one.
//!
//! Single sign-on leaves the second factor to the identity provider (Entra ID's own multi-factor sign-in).

use std::time::Duration;

use domain::audit::Actor;
use domain::codes::Role;
use domain::ids::UserId;
use domain::records::User;
use domain::second_factor as totp;
use rand::RngCore;
use store::{NewSession, SecondFactor, SecondFactorChange, SecondFactorUse, Store, StoreError};

use crate::auth::{new_token, token_hash};
use crate::sessions::StartedSession;
use crate::{ServiceError, Services};

/// How long a sign-in waits for its second factor.
pub const WAIT_FOR: Duration = Duration::from_secs(10 * 60);
/// Wrong codes before the wait ends.
pub const MAX_FAILURES: u32 = 5;
/// Wrong codes since the last right one (over any number of sign-ins) after which each further try waits
/// [`LOCKOUT`] after the last wrong one: a right password does not reset them, so someone who has the password
/// cannot guess codes faster by signing in again.
pub const LOCK_AFTER: u32 = 10;
/// How long a user with [`LOCK_AFTER`] wrong codes waits after the last.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// A sign-in that passed the password and now needs the second factor: the token the browser keeps (in a
/// cookie) until then, whether the user must first set one up, and the browser's known-device token.
#[derive(Clone, Debug)]
pub struct SecondFactorChallenge {
    pub token: String,
    pub set_up: bool,
    pub device_token: String,
}

/// What signing in with a password led to.
#[derive(Clone, Debug)]
pub enum SignedIn {
    /// A session.
    Session(StartedSession),
    /// The second factor comes next.
    SecondFactor(SecondFactorChallenge),
}

/// A new secret to set up, with what an authenticator app scans.
#[derive(Clone, Debug)]
pub struct SetUpOffer {
    pub secret: String,
    pub uri: String,
}

/// The second-factor step as the page shows it.
#[derive(Clone, Debug)]
pub struct SecondFactorPrompt {
    pub username: String,
    /// When the user must set one up first: the secret offered.
    pub set_up: Option<SetUpOffer>,
}

/// Why a code did not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecondFactorRefusal {
    /// There is no sign-in waiting (never, too long ago, or too many wrong codes): give the password again.
    NotWaiting,
    /// Wrong, too old, or used already; `left` tries remain.
    Wrong { left: u32 },
}

/// What a user sees of their own second factor.
#[derive(Clone, Debug)]
pub struct MySecondFactor {
    pub set_up: bool,
    pub recovery_left: u32,
    /// Their role requires one (so it cannot be removed).
    pub required: bool,
    /// Whether they sign in with a password at all (single sign-on users have the provider's).
    pub has_password: bool,
    /// The user's version, which a change must be based on.
    pub version: i64,
}

fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    totp::encode_secret(&bytes)
}

/// New recovery codes: as shown once, and their hashes to keep.
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rng();
    (0..totp::RECOVERY_CODES)
        .filter_map(|_| {
            let mut bytes = [0u8; 10];
            rng.fill_bytes(&mut bytes);
            let code = totp::recovery_code(&bytes);
            totp::recovery_code_hash(&code).map(|h| (code, h))
        })
        .unzip()
}

fn unix_seconds(t: domain::datetime::Timestamp) -> u64 {
    u64::try_from(t.as_second()).unwrap_or(0)
}

impl<S: Store> Services<S> {
    #[must_use]
    pub fn with_second_factor_roles(mut self, roles: Vec<Role>) -> Services<S> {
        self.second_factor_roles = roles;
        self
    }

    /// Whether the deployment requires a second factor of `role`.
    pub fn second_factor_required(&self, role: Role) -> bool {
        self.second_factor_roles.contains(&role)
    }

    /// After the right password: the second factor, when the user has one or must have one.
    pub(crate) async fn second_factor_challenge(
        &self,
        user: &User,
        device_token: &str,
    ) -> Result<Option<SecondFactorChallenge>, ServiceError> {
        let mine = self.store.second_factor_of(user.id).await?;
        let set_up = mine.secret.is_none();
        if set_up && !self.second_factor_required(user.role) {
            return Ok(None);
        }
        let token = new_token();
        let now = self.now();
        let forget_before = jiff::SignedDuration::try_from(WAIT_FOR)
            .ok()
            .and_then(|d| now.checked_sub(d).ok())
            .unwrap_or(now);
        self.store
            .begin_second_factor(token_hash(&token), user.id, now, forget_before)
            .await?;
        Ok(Some(SecondFactorChallenge {
            token,
            set_up,
            device_token: device_token.to_owned(),
        }))
    }

    /// The waiting sign-in (if it is still waiting), its user and second factor.
    async fn waiting(
        &self,
        token: &str,
    ) -> Result<Option<(User, SecondFactor, u32)>, ServiceError> {
        if !token.starts_with(crate::auth::TOKEN_PREFIX) || token.len() > 200 {
            return Ok(None);
        }
        let Some(p) = self.store.second_factor_pending(token_hash(token)).await? else {
            return Ok(None);
        };
        let fresh = jiff::SignedDuration::try_from(WAIT_FOR)
            .ok()
            .and_then(|d| p.created_at.checked_add(d).ok())
            .is_some_and(|until| self.now() <= until);
        if !fresh || p.failures >= MAX_FAILURES {
            return Ok(None);
        }
        let Some(user) = self
            .store
            .admin_user(p.user_id)
            .await?
            .map(|a| a.user)
            .filter(|u| !u.disabled)
        else {
            return Ok(None);
        };
        let mine = self.store.second_factor_of(user.id).await?;
        let locked = mine.failures >= LOCK_AFTER
            && mine.failed_at.is_some_and(|at| {
                jiff::SignedDuration::try_from(LOCKOUT)
                    .ok()
                    .and_then(|d| at.checked_add(d).ok())
                    .is_some_and(|until| self.now() < until)
            });
        if locked {
            return Ok(None);
        }
        Ok(Some((user, mine, p.failures)))
    }

    /// What the second-factor page asks of a waiting sign-in: `None` when none is waiting. `offered`: a secret
    /// offered before (the form sends it back), kept so that the app the user already added still matches.
    pub async fn second_factor_prompt(
        &self,
        token: &str,
        offered: Option<&str>,
    ) -> Result<Option<SecondFactorPrompt>, ServiceError> {
        let Some((user, mine, _)) = self.waiting(token).await? else {
            return Ok(None);
        };
        let set_up = match mine.secret {
            Some(_) => None,
            None => {
                let secret = offered
                    .filter(|s| totp::is_secret(s))
                    .map_or_else(new_secret, str::to_owned);
                let uri = totp::enrolment_uri(&secret, &user.username).unwrap_or_default();
                Some(SetUpOffer { secret, uri })
            }
        };
        Ok(Some(SecondFactorPrompt {
            username: user.username,
            set_up,
        }))
    }

    /// A code for a waiting sign-in: a session (and, when the user has just set up their second factor, their
    /// recovery codes, to show once), or why not. `secret`: the secret being set up, for a user who has none.
    #[tracing::instrument(skip_all)]
    pub async fn second_factor_submit(
        &self,
        token: &str,
        code: &str,
        secret: Option<&str>,
        request_id: Option<String>,
    ) -> Result<Result<(StartedSession, Vec<String>), SecondFactorRefusal>, ServiceError> {
        let Some((user, mine, failures)) = self.waiting(token).await? else {
            return Ok(Err(SecondFactorRefusal::NotWaiting));
        };
        let now = self.now();
        let at = unix_seconds(now);
        let mut shown = Vec::new();
        let used = match &mine.secret {
            Some(s) => match totp::accepted_step(s, code, at, mine.last_step) {
                Some(step) => Some(SecondFactorUse::Code { step }),
                None => {
                    totp::recovery_code_hash(code).map(|hash| SecondFactorUse::Recovery { hash })
                }
            },
            None => match secret.filter(|s| totp::is_secret(s)) {
                Some(s) => totp::accepted_step(s, code, at, None).map(|step| {
                    let (codes, hashes) = new_recovery_codes();
                    shown = codes;
                    SecondFactorUse::SetUp {
                        secret: s.to_owned(),
                        step,
                        recovery: hashes,
                    }
                }),
                None => None,
            },
        };
        let actor = match &request_id {
            Some(id) => Actor::user(&user).with_request_id(id.clone()),
            None => Actor::user(&user),
        };
        let session_token = new_token();
        let finished = match used {
            None => Err(StoreError::Conflict("wrong code".into())),
            Some(used) => {
                self.store
                    .finish_second_factor(
                        &actor,
                        token_hash(token),
                        user.id,
                        used,
                        NewSession {
                            id_hash: token_hash(&session_token),
                            user_id: user.id,
                            csrf_token: new_token(),
                            at: now,
                        },
                    )
                    .await
            }
        };
        match finished {
            Ok(()) => Ok(Ok((
                StartedSession {
                    token: session_token,
                    user,
                    device_token: new_token(),
                },
                shown,
            ))),
            Err(StoreError::Conflict(_)) => {
                let attempt = Actor::unidentified(user.username.clone());
                let attempt = match request_id {
                    Some(id) => attempt.with_request_id(id),
                    None => attempt,
                };
                self.store
                    .second_factor_failed(&attempt, token_hash(token), user.id, MAX_FAILURES, now)
                    .await?;
                let left = MAX_FAILURES.saturating_sub(failures + 1);
                Ok(Err(if left == 0 {
                    SecondFactorRefusal::NotWaiting
                } else {
                    SecondFactorRefusal::Wrong { left }
                }))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The signed-in user's own second factor.
    pub async fn my_second_factor(&self, actor: &Actor) -> Result<MySecondFactor, ServiceError> {
        let id = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
        let role = actor.role.ok_or(ServiceError::Unauthenticated)?;
        let mine = self.store.second_factor_of(id).await?;
        let me = self
            .store
            .admin_user(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(MySecondFactor {
            set_up: mine.secret.is_some(),
            recovery_left: mine.recovery_left,
            required: self.second_factor_required(role),
            has_password: me.has_password,
            version: me.version,
        })
    }

    /// A secret for the signed-in user to set up (`offered`: one offered before, kept when it is one).
    pub fn second_factor_offer(&self, actor: &Actor, offered: Option<&str>) -> SetUpOffer {
        let secret = offered
            .filter(|s| totp::is_secret(s))
            .map_or_else(new_secret, str::to_owned);
        let account = actor.log_id();
        let uri = totp::enrolment_uri(&secret, &account).unwrap_or_default();
        SetUpOffer { secret, uri }
    }

    /// The signed-in user sets up (or replaces) their second factor with its first code: their new recovery codes.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn set_up_second_factor(
        &self,
        actor: &Actor,
        secret: &str,
        code: &str,
        version: Option<i64>,
    ) -> Result<Vec<String>, ServiceError> {
        let id = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
        if !totp::is_secret(secret) {
            return Err(ServiceError::invalid("code", "Start setting it up again"));
        }
        let step =
            totp::accepted_step(secret, code, unix_seconds(self.now()), None).ok_or_else(|| {
                ServiceError::invalid(
                    "code",
                    "Enter the 6-digit code your authenticator app shows now for Frontdoor",
                )
            })?;
        let (codes, hashes) = new_recovery_codes();
        self.store
            .change_second_factor(
                actor,
                id,
                SecondFactorChange::SetUp {
                    secret: secret.to_owned(),
                    step,
                    recovery: hashes,
                },
                version,
                self.now(),
            )
            .await?;
        Ok(codes)
    }

    /// New recovery codes for the signed-in user (the old ones stop working).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn new_recovery_codes(
        &self,
        actor: &Actor,
        version: Option<i64>,
    ) -> Result<Vec<String>, ServiceError> {
        let id = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
        if self.store.second_factor_of(id).await?.secret.is_none() {
            return Err(ServiceError::invalid(
                "recovery",
                "Set up a second factor first",
            ));
        }
        let (codes, hashes) = new_recovery_codes();
        self.store
            .change_second_factor(
                actor,
                id,
                SecondFactorChange::NewRecoveryCodes { recovery: hashes },
                version,
                self.now(),
            )
            .await?;
        Ok(codes)
    }

    /// The signed-in user removes their second factor (not when their role requires one).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn remove_own_second_factor(
        &self,
        actor: &Actor,
        version: Option<i64>,
    ) -> Result<(), ServiceError> {
        let id = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
        let role = actor.role.ok_or(ServiceError::Unauthenticated)?;
        if self.second_factor_required(role) {
            return Err(ServiceError::invalid(
                "removal",
                "Your role must sign in with a second factor: set up a new one instead",
            ));
        }
        Ok(self
            .store
            .change_second_factor(actor, id, SecondFactorChange::Remove, version, self.now())
            .await?)
    }

    /// An administrator removes a user's second factor (a lost phone), against the user's version.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_remove_second_factor(
        &self,
        actor: &Actor,
        id: UserId,
        version: Option<i64>,
    ) -> Result<crate::administration::UserDetail, ServiceError> {
        self.managed_user(actor, id, domain::policy::Action::Update)
            .await?;
        self.store
            .change_second_factor(actor, id, SecondFactorChange::Remove, version, self.now())
            .await?;
        self.admin_user(actor, id).await
    }
}
