//! Frontdoor's use cases. Each one checks the permission policy (`domain::policy`), runs one store
//! transaction that writes its own audit rows, and shapes the result. The HTML pages, the JSON API and the
//! CLI all call these functions, so a rule or a permission lives in one place.

pub mod actions;
pub mod administration;
pub mod annex_a;
pub mod audit;
pub mod auth;
pub mod case_management;
pub mod case_notes;
pub mod casework;
pub mod casework_worklist;
pub mod census;
pub mod children;
pub mod demo;
pub mod documents;
mod error;
pub mod front_door;
pub mod information_governance;
pub mod letters;
pub mod people;
pub mod performance;
pub mod planning;
pub mod protection;
pub mod quality;
mod references;
pub mod retention;
pub mod second_factor;
pub mod sessions;
pub mod single_sign_on;
pub mod subject_access;
pub mod summary;
mod views;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::audit::Actor;
use domain::calendar::Calendar;
use domain::clocks;
use domain::codes::{Agency, Role};
use domain::datetime::{self, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{ContactId, PersonId, UserId};
use domain::policy::{self, Action, Area, Decision, Subject, Target};
use domain::records::{Contact, LaSettings, LocalAuthority, Person, Referrer, Screening, User};
use domain::validation::{ChildRef, ContactInput, MAX_NAME, required_text};
use domain::{ValueError, ValueErrors};
use store::{NewContact, Recorded, Store};

pub use error::{FileRefusal, ServiceError};
pub use views::ContactView;

/// The source of "now": the real clock, or one that tests set and move.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(Timestamp),
    /// A clock tests move forward (session timeouts).
    Manual(Arc<Mutex<Timestamp>>),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => datetime::now(),
            Clock::Fixed(t) => *t,
            Clock::Manual(t) => t.lock().map(|t| *t).unwrap_or_else(|_| datetime::now()),
        }
    }

    /// A manual clock starting at `at`.
    pub fn manual(at: Timestamp) -> Clock {
        Clock::Manual(Arc::new(Mutex::new(at)))
    }

    /// Move a manual clock on (no effect on the others).
    pub fn advance(&self, by: std::time::Duration) {
        if let Clock::Manual(t) = self
            && let Ok(mut t) = t.lock()
            && let Ok(span) = jiff::SignedDuration::try_from(by)
        {
            *t = t.checked_add(span).unwrap_or(*t);
        }
    }
}

/// The use cases, over a store.
#[derive(Clone, Debug)]
pub struct Services<S> {
    store: S,
    clock: Clock,
    local_authorities: Arc<Mutex<Option<CachedLas>>>,
    /// Working-day calendars by the closure days they add (building one takes a fraction of a millisecond,
    /// which adds up when every worklist and record needs one).
    calendars: Arc<Mutex<Vec<CachedCalendar>>>,
    sessions: sessions::SessionSettings,
    /// The largest document accepted, in bytes.
    max_upload_bytes: u64,
    /// The dashboard's day tallies, kept between requests.
    performance: performance::Snapshots,
    /// Each LA's last census data-quality check, kept between requests.
    data_quality: census::DataQualityChecks,
    /// Signing in through the council's identity provider, when the deployment has it.
    sso: Option<Arc<single_sign_on::Sso>>,
    /// Whether local passwords may be used to sign in (a deployment with single sign-on may switch them off).
    local_passwords: bool,
    /// The roles that must sign in with a second factor.
    second_factor_roles: Vec<Role>,
}

/// A calendar and the LA closure days it was built with.
type CachedCalendar = (Vec<datetime::Date>, Arc<Calendar>);

/// LA settings as read, and when.
type CachedLas = (Instant, Vec<LocalAuthority>);

/// How long LA settings are cached. Settings change rarely; a change reaches every server within this time.
const LA_CACHE: Duration = Duration::from_secs(10);

/// A user to add.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub las: Vec<LaCode>,
    pub agency: Option<Agency>,
    pub password: Option<String>,
}

/// The actor as the policy sees them; a caller without a role is not signed in.
pub(crate) fn subject(actor: &Actor) -> Result<Subject<'_>, ServiceError> {
    let role = actor.role.ok_or(ServiceError::Unauthenticated)?;
    Ok(Subject {
        role,
        las: &actor.las,
        agency: actor.agency,
        user_id: actor.user_id,
    })
}

/// The role may take `action` in `area` at all (403 otherwise).
pub(crate) fn authorize(actor: &Actor, area: Area, action: Action) -> Result<(), ServiceError> {
    let s = subject(actor)?;
    match policy::decide(&s, action, &Target::area(area)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(ServiceError::Forbidden),
        Decision::Hidden => Err(ServiceError::NotFound),
    }
}

/// The check an audited read runs on a child's record inside its transaction.
pub(crate) fn case_record_check(actor: &Actor, action: Action) -> store::AccessCheck {
    let role = actor.role;
    let las = actor.las.clone();
    let agency = actor.agency;
    let user_id = actor.user_id;
    Box::new(move |facts: &store::AccessFacts| match role {
        None => Decision::Forbidden,
        Some(role) => policy::decide(
            &Subject {
                role,
                las: &las,
                agency,
                user_id,
            },
            action,
            &Target::case_record(&facts.la, facts.restricted_to.as_deref()),
        ),
    })
}

/// The system itself may administer (the CLI on the server runs as the system).
fn require_admin(actor: &Actor) -> Result<(), ServiceError> {
    if actor.is_system() {
        return Ok(());
    }
    authorize(actor, Area::Administration, Action::Administer)
}

impl<S: Store> Services<S> {
    pub fn new(store: S) -> Services<S> {
        Services {
            store,
            clock: Clock::System,
            local_authorities: Arc::new(Mutex::new(None)),
            calendars: Arc::new(Mutex::new(Vec::new())),
            sessions: sessions::SessionSettings::default(),
            max_upload_bytes: domain::documents::DEFAULT_MAX_UPLOAD_MB * 1024 * 1024,
            performance: performance::Snapshots::default(),
            data_quality: census::DataQualityChecks::default(),
            sso: None,
            local_passwords: true,
            second_factor_roles: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_session_settings(mut self, settings: sessions::SessionSettings) -> Services<S> {
        self.sessions = settings;
        self
    }

    pub fn session_settings(&self) -> &sessions::SessionSettings {
        &self.sessions
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Services<S> {
        self.clock = clock;
        self
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Which database the records are in (`sqlite`, `postgres`), for health checks and the command line.
    pub fn database_name(&self) -> &'static str {
        self.store.backend_name()
    }

    /// Whether the database holds any child or family member yet (the demo seeds only an empty one).
    #[tracing::instrument(skip_all)]
    pub async fn has_records(&self) -> Result<bool, ServiceError> {
        Ok(self.store.has_people(None).await?)
    }

    /// The database answers.
    #[tracing::instrument(skip_all)]
    pub async fn health(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }

    /// Make sure each LA exists, creating any missing one with default settings.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn ensure_local_authorities(
        &self,
        actor: &Actor,
        codes: &[LaCode],
    ) -> Result<(), ServiceError> {
        require_admin(actor)?;
        let existing = self.local_authorities().await?;
        for code in codes {
            if !existing.iter().any(|la| &la.code == code) {
                let la = LocalAuthority {
                    code: code.clone(),
                    name: code.name().unwrap_or("Local authority").to_owned(),
                    settings: LaSettings::default(),
                };
                self.store
                    .save_local_authority(actor, &la, self.now())
                    .await?;
                self.forget_local_authorities();
            }
        }
        Ok(())
    }

    /// The LAs served here, with their settings (cached for a few seconds).
    #[tracing::instrument(skip_all)]
    pub async fn local_authorities(&self) -> Result<Vec<LocalAuthority>, ServiceError> {
        if let Ok(cache) = self.local_authorities.lock()
            && let Some((_, las)) = cache.as_ref().filter(|(at, _)| at.elapsed() < LA_CACHE)
        {
            return Ok(las.clone());
        }
        let las = self.store.local_authorities().await?;
        if let Ok(mut cache) = self.local_authorities.lock() {
            *cache = Some((Instant::now(), las.clone()));
        }
        Ok(las)
    }

    /// An LA as stored now, not as cached (its letter templates, just edited here or on another server); the
    /// cache is refreshed with what is read.
    pub(crate) async fn fresh_local_authority(
        &self,
        code: &LaCode,
    ) -> Result<LocalAuthority, ServiceError> {
        let las = self.store.local_authorities().await?;
        if let Ok(mut cache) = self.local_authorities.lock() {
            *cache = Some((Instant::now(), las.clone()));
        }
        las.into_iter()
            .find(|la| &la.code == code)
            .ok_or(ServiceError::NotFound)
    }

    /// The working-day calendar of an LA's settings (bank holidays and its closure days), built once.
    pub fn calendar(&self, settings: &LaSettings) -> Arc<Calendar> {
        if let Ok(cache) = self.calendars.lock()
            && let Some((_, cal)) = cache
                .iter()
                .find(|(days, _)| *days == settings.closure_days)
        {
            return cal.clone();
        }
        let cal = Arc::new(settings.calendar());
        if let Ok(mut cache) = self.calendars.lock() {
            // A handful of distinct settings at most; keep the cache from growing without bound all the same.
            if cache.len() >= 32 {
                cache.clear();
            }
            cache.push((settings.closure_days.clone(), cal.clone()));
        }
        cal
    }

    fn forget_local_authorities(&self) {
        if let Ok(mut cache) = self.local_authorities.lock() {
            *cache = None;
        }
    }

    async fn local_authority(&self, code: &LaCode) -> Result<LocalAuthority, ServiceError> {
        self.local_authorities()
            .await?
            .into_iter()
            .find(|la| &la.code == code)
            .ok_or_else(|| {
                ServiceError::invalid("la", format!("{code} is not a local authority served here"))
            })
    }

    /// Add a user. Partner-agency practitioners must name their agency; nobody else may.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn add_user(&self, actor: &Actor, new: NewUser) -> Result<User, ServiceError> {
        self.add_user_in_team(actor, new, None).await
    }

    /// Add a user in the open team of one of their LAs called `team` (`frontdoor user add --team`).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn add_user_in_team(
        &self,
        actor: &Actor,
        new: NewUser,
        team: Option<&str>,
    ) -> Result<User, ServiceError> {
        require_admin(actor)?;
        let mut errors = ValueErrors::new();
        // Usernames are case-insensitive: `Asha` and `asha` are one user, kept in lower case.
        let username = errors.take(required_text(
            "username",
            Some(&new.username.trim().to_ascii_lowercase()),
            64,
            "enter a username",
        ));
        if let Some(u) = &username
            && !u
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
        {
            errors.push(ValueError::new(
                "username",
                "use letters, digits and . - _ @ only",
            ));
        }
        if new.las.is_empty() {
            errors.push(ValueError::new("la", "give at least one local authority"));
        }
        match (new.role, new.agency) {
            (Role::Partner, None) => errors.push(ValueError::new(
                "agency",
                "a partner-agency user needs --agency",
            )),
            (Role::Partner, Some(Agency::SocialCare)) => errors.push(ValueError::new(
                "agency",
                "a partner agency cannot be children's social care",
            )),
            (Role::Partner, Some(_)) | (_, None) => {}
            (_, Some(_)) => errors.push(ValueError::new(
                "agency",
                "only partner-agency users have an agency",
            )),
        }
        if let Some(problem) = new
            .password
            .as_deref()
            .and_then(|p| auth::password_problem(p, &new.username))
        {
            errors.push(ValueError::new("password", problem));
        }
        let display_name = errors.take(domain::validation::optional_text(
            "display name",
            new.display_name.as_deref(),
            MAX_NAME,
        ));
        errors.into_result()?;
        let (Some(username), Some(display_name)) = (username, display_name) else {
            return Err(ServiceError::Internal("validated fields missing".into()));
        };
        self.ensure_local_authorities(actor, &new.las).await?;
        let team_id = match team {
            None => None,
            Some(name) => Some(self.open_team_named(&new.las, name).await?),
        };
        let password_hash = match new.password {
            Some(p) => Some(auth::hash_password(p).await?),
            None => None,
        };
        let user = User {
            id: UserId::new(),
            display_name: display_name.unwrap_or_else(|| username.clone()),
            username,
            role: new.role,
            agency: new.agency,
            las: new.las,
            team_id,
            disabled: false,
            created_at: self.now(),
        };
        self.store
            .add_user(actor, &user, password_hash, self.now())
            .await?;
        Ok(user)
    }

    /// Create an API bearer token for a user, valid for [`auth::DEFAULT_TOKEN_DAYS`]; the token is shown once and
    /// only its hash is kept.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
    ) -> Result<String, ServiceError> {
        self.create_api_token_for_days(actor, username, auth::DEFAULT_TOKEN_DAYS)
            .await
    }

    /// Create an API bearer token for a user, valid for `days` (1 to [`auth::MAX_TOKEN_DAYS`]).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn create_api_token_for_days(
        &self,
        actor: &Actor,
        username: &str,
        days: u32,
    ) -> Result<String, ServiceError> {
        require_admin(actor)?;
        if !(1..=auth::MAX_TOKEN_DAYS).contains(&days) {
            return Err(ServiceError::invalid(
                "days",
                format!("must be from 1 to {}", auth::MAX_TOKEN_DAYS),
            ));
        }
        let creds = self.user_named(username).await?;
        if creds.user.disabled {
            return Err(ServiceError::invalid(
                "username",
                format!("the user '{username}' is disabled"),
            ));
        }
        let token = auth::new_token();
        let now = self.now();
        let expires_at = now
            .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .map_err(|e| ServiceError::internal("token expiry", e))?;
        self.store
            .add_api_token(
                actor,
                store::NewApiToken {
                    user_id: creds.user.id,
                    token_hash: auth::token_hash(&token),
                    created_at: now,
                    expires_at,
                },
            )
            .await?;
        Ok(token)
    }

    /// A user's API tokens, newest first (never the tokens themselves).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn api_tokens(
        &self,
        actor: &Actor,
        username: &str,
    ) -> Result<Vec<store::ApiTokenInfo>, ServiceError> {
        require_admin(actor)?;
        let creds = self.user_named(username).await?;
        Ok(self.store.api_tokens(creds.user.id).await?)
    }

    /// Revoke one API token by its id.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<store::ApiTokenInfo, ServiceError> {
        require_admin(actor)?;
        let no_such = || ServiceError::invalid("id", format!("there is no API token '{id}'"));
        let id = domain::ids::ApiTokenId::parse(id).map_err(|_| no_such())?;
        self.store
            .revoke_api_token(actor, id, self.now())
            .await?
            .ok_or_else(no_such)
    }

    /// A user by username (any case), or a 422 naming `username`.
    async fn user_named(&self, username: &str) -> Result<store::UserCredentials, ServiceError> {
        self.store.user_credentials(username).await?.ok_or_else(|| {
            ServiceError::invalid("username", format!("there is no user '{username}'"))
        })
    }

    /// The actor a bearer token stands for (a live token: not revoked, not expired).
    #[tracing::instrument(skip_all)]
    pub async fn actor_for_token(&self, token: &str) -> Result<Actor, ServiceError> {
        if !token.starts_with(auth::TOKEN_PREFIX) || token.len() > 200 {
            return Err(ServiceError::Unauthenticated);
        }
        let user = self
            .store
            .user_for_api_token(&auth::token_hash(token), self.now())
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        Ok(Actor::user(&user))
    }

    /// Record a contact about a child (new or known), with its decision clock.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn record_contact(
        &self,
        actor: &Actor,
        input: ContactInput,
        idempotency_key: Option<String>,
    ) -> Result<Recorded<ContactView>, ServiceError> {
        self.record_sibling_contact(actor, input, idempotency_key, None)
            .await
    }

    /// Check a contact as [`Services::record_contact`] would, without recording it (a form about several
    /// children checks them all before recording any).
    pub fn check_contact(&self, actor: &Actor, input: &ContactInput) -> Result<(), ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Create)?;
        let valid = input.validate(self.now())?;
        if !policy::in_scope(&actor.las, &valid.la) {
            return Err(ServiceError::invalid(
                "la",
                format!("you do not work for local authority {}", valid.la),
            ));
        }
        Ok(())
    }

    /// Record a contact about one of several siblings: `sibling_group` is the first sibling's contact.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), sibling_group = sibling_group.map(tracing::field::display)))]
    pub async fn record_sibling_contact(
        &self,
        actor: &Actor,
        input: ContactInput,
        idempotency_key: Option<String>,
        sibling_group: Option<ContactId>,
    ) -> Result<Recorded<ContactView>, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Create)?;
        let now = self.now();
        let valid = input.validate(now)?;
        if !policy::in_scope(&actor.las, &valid.la) {
            return Err(ServiceError::invalid(
                "la",
                format!("you do not work for local authority {}", valid.la),
            ));
        }
        if let Some(key) = &idempotency_key
            && (key.is_empty() || key.len() > 200)
        {
            return Err(ServiceError::invalid(
                "Idempotency-Key",
                "must be 1 to 200 characters",
            ));
        }
        let la = self.local_authority(&valid.la).await?;
        let (child_id, new_child) = match valid.child {
            ChildRef::Existing(id) => {
                let known = self.store.person(id).await?;
                match known {
                    Some(p) if p.is_child && p.la == valid.la && !p.restricted => (id, None),
                    _ => {
                        return Err(ServiceError::invalid(
                            "child.id",
                            "there is no such child in this local authority",
                        ));
                    }
                }
            }
            ChildRef::New {
                first_name,
                last_name,
                date_of_birth,
                sex,
            } => {
                let person = Person {
                    id: PersonId::new(),
                    la: valid.la.clone(),
                    is_child: true,
                    la_child_id: None,
                    first_name,
                    last_name,
                    other_names: None,
                    date_of_birth,
                    expected_date_of_birth: None,
                    date_of_death: None,
                    sex,
                    gender_identity: None,
                    ethnicity: None,
                    disabilities: Vec::new(),
                    upn: None,
                    former_upn: None,
                    upn_unknown: None,
                    nhs_number: None,
                    first_language: None,
                    religion: None,
                    restricted: false,
                    created_at: now,
                };
                (person.id, Some(person))
            }
        };
        let calendar = self.calendar(&la.settings);
        let out_of_hours = clocks::clock_starts_at(
            &calendar,
            &la.settings.clocks.working_hours,
            valid.received_at,
        ) != valid.received_at;
        let contact = Contact {
            id: ContactId::new(),
            la: valid.la,
            child_id,
            sibling_group,
            received_at: valid.received_at,
            out_of_hours,
            source: valid.source,
            referrer: Referrer {
                name: valid.referrer_name,
                role: valid.referrer_role,
                agency: valid.referrer_agency,
                organisation: valid.referrer_organisation,
                contact_details: valid.referrer_contact_details,
            },
            concerns: valid.concerns,
            immediate_risk: valid.immediate_risk,
            recorded_by: actor.user_id,
            recorded_at: now,
            assigned_to: None,
            screening: Screening::default(),
            decision: None,
            feedback: None,
        };
        let recorded = self
            .store
            .record_contact(
                actor,
                NewContact {
                    contact,
                    new_child,
                    idempotency_key,
                },
                self.now(),
            )
            .await?;
        Ok(Recorded {
            record: ContactView::new(&recorded.record, &la.settings, &calendar, now),
            replayed: recorded.replayed,
        })
    }

    /// One contact, if the actor may see it (otherwise the same `NotFound` as for a missing one). The view is
    /// audited, allowed or not.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn contact(&self, actor: &Actor, id: ContactId) -> Result<ContactView, ServiceError> {
        subject(actor)?;
        let viewed = self
            .store
            .view_contact(
                actor,
                id,
                case_record_check(actor, Action::View),
                self.now(),
            )
            .await?;
        let contact = children::viewed(actor, viewed)?.record;
        let la = self.local_authority(&contact.la).await?;
        let calendar = self.calendar(&la.settings);
        Ok(ContactView::new(
            &contact,
            &la.settings,
            &calendar,
            self.now(),
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// An actor that carries the system's label but was not made by `Actor::system`: a user named
    /// `system:cli` with no id and no role, say.
    fn label_only() -> Actor {
        let user = User {
            id: UserId::new(),
            username: "system:cli".to_owned(),
            display_name: "Not the system".to_owned(),
            role: Role::SocialWorker,
            agency: None,
            las: Vec::new(),
            team_id: None,
            disabled: false,
            created_at: datetime::now(),
        };
        let mut actor = Actor::user(&user);
        actor.user_id = None;
        actor.role = None;
        actor
    }

    #[test]
    fn only_the_system_itself_passes_for_the_system() {
        assert!(require_admin(&Actor::system("cli")).is_ok());
        let forged = label_only();
        assert_eq!(forged.label, "system:cli");
        assert!(matches!(
            require_admin(&forged),
            Err(ServiceError::Unauthenticated)
        ));
        let la = LaCode::parse("205").unwrap();
        assert!(
            census::require_returns(&Actor::system("cli"), &la, Area::Returns, Action::Export)
                .is_ok()
        );
        assert!(matches!(
            census::require_returns(&forged, &la, Area::Returns, Action::Export),
            Err(ServiceError::Unauthenticated)
        ));
    }
}
