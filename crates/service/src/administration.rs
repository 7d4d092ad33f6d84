//! Administration: an administrator manages the users, teams and settings of the LAs they administer, and never
//! reads a child's record (the policy gives the role no case records). Every change is based on the version the
//! administrator saw (a stale one is refused with nothing written) and audited with the change. The command line
//! runs as the system, which administers every LA served here.

use domain::administration::{
    self, OrganisationInput, SettingsFile, SettingsInput, TeamChangeInput, TeamInput,
    UserChangeInput, UserInput,
};
use domain::audit::Actor;
use domain::clocks::ClockSettings;
use domain::codes::{Agency, Role, TeamKind};
use domain::datetime::{Date, Timestamp, london_date};
use domain::error::{ValueError, ValueErrors};
use domain::identifiers::LaCode;
use domain::ids::{OrganisationId, TeamId, UserId};
use domain::policy::{Action, Area};
use domain::records::{LaSettings, LocalAuthority, Team, User};
use serde::Serialize;
use store::{AdminChange, AdminTeam, AdminUser, Organisation, Store, StoreError};

use crate::{ServiceError, Services, auth, authorize};

/// A user as administration shows them.
#[derive(Clone, Debug, Serialize)]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: &'static str,
    pub las: Vec<LaCode>,
    pub agency: Option<Agency>,
    pub team_id: Option<TeamId>,
    /// The team's name.
    pub team: Option<String>,
    pub disabled: bool,
    pub created_at: Timestamp,
    /// Whether they have a local password.
    pub has_password: bool,
    /// The email address single sign-on matches them by until their first sign-in through it.
    pub email: Option<String>,
    /// Whether they have signed in through the identity provider (and are matched by its subject from then on).
    pub single_sign_on: bool,
    /// Whether they have set up a second factor (an authenticator app).
    pub second_factor: bool,
    /// The version a change must be based on (`If-Match`).
    pub version: i64,
}

/// An API token as administration shows it (never the token itself).
#[derive(Clone, Debug, Serialize)]
pub struct TokenView {
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// Neither revoked nor expired.
    pub live: bool,
}

/// One user with their tokens and team history.
#[derive(Clone, Debug, Serialize)]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: UserView,
    pub tokens: Vec<TokenView>,
    /// The teams they have been in, newest first.
    pub teams: Vec<SpellView>,
}

/// A spell of someone in a team.
#[derive(Clone, Debug, Serialize)]
pub struct SpellView {
    pub user_id: UserId,
    pub name: String,
    pub team_id: TeamId,
    pub team: String,
    pub joined_on: Date,
    pub left_on: Option<Date>,
}

/// A team as administration shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TeamView {
    pub id: TeamId,
    pub la: LaCode,
    pub name: String,
    pub kind: TeamKind,
    pub kind_label: &'static str,
    pub manager_id: Option<UserId>,
    pub manager: Option<String>,
    pub closed_on: Option<Date>,
    /// Members now.
    pub members: usize,
    /// Everyone who has been in the team and when, those in it now first.
    pub history: Vec<SpellView>,
    pub version: i64,
}

/// An LA's settings as the settings page and the API show them.
#[derive(Clone, Debug, Serialize)]
pub struct SettingsView {
    pub la: LaCode,
    pub name: String,
    pub settings: LaSettings,
    pub version: i64,
}

/// A partner organisation as administration shows it.
#[derive(Clone, Debug, Serialize)]
pub struct OrganisationView {
    pub id: OrganisationId,
    pub la: LaCode,
    pub name: String,
    pub agency: Agency,
    pub agency_label: &'static str,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub version: i64,
}

impl OrganisationView {
    fn of(o: Organisation) -> OrganisationView {
        OrganisationView {
            id: o.id,
            agency_label: o.agency.label(),
            la: o.la,
            name: o.name,
            agency: o.agency,
            email: o.email,
            phone: o.phone,
            active: o.active,
            version: o.version,
        }
    }
}

/// What a user list offers: the LA shown, and the choices a form needs.
#[derive(Clone, Debug)]
pub struct AdminScope {
    /// The LAs the administrator administers, with their names.
    pub las: Vec<(LaCode, String)>,
    /// The LA asked for (the first one when none was).
    pub la: LaCode,
}

/// Someone who could manage a team (for the form's list).
#[derive(Clone, Debug)]
pub struct ManagerChoice {
    pub id: UserId,
    pub name: String,
    pub las: Vec<LaCode>,
}

impl UserView {
    fn of(a: &AdminUser, teams: &[AdminTeam]) -> UserView {
        let u = &a.user;
        UserView {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            role_label: u.role.label(),
            las: u.las.clone(),
            agency: u.agency,
            team_id: u.team_id,
            team: u.team_id.and_then(|id| {
                teams
                    .iter()
                    .find(|t| t.team.id == id)
                    .map(|t| t.team.name.clone())
            }),
            disabled: u.disabled,
            created_at: u.created_at,
            has_password: a.has_password,
            email: a.email.clone(),
            single_sign_on: a.sso_linked,
            second_factor: a.second_factor,
            version: a.version,
        }
    }
}

fn name_of(users: &[AdminUser], id: UserId) -> String {
    users.iter().find(|u| u.user.id == id).map_or_else(
        || "Unknown user".to_owned(),
        |u| u.user.display_name.clone(),
    )
}

fn team_view(t: &AdminTeam, users: &[AdminUser]) -> TeamView {
    TeamView {
        id: t.team.id,
        la: t.team.la.clone(),
        name: t.team.name.clone(),
        kind: t.team.kind,
        kind_label: t.team.kind.label(),
        manager_id: t.manager_id,
        manager: t.manager_id.map(|m| name_of(users, m)),
        closed_on: t.closed_on,
        members: t.spells.iter().filter(|s| s.left_on.is_none()).count(),
        history: t
            .spells
            .iter()
            .map(|s| SpellView {
                user_id: s.user_id,
                name: name_of(users, s.user_id),
                team_id: t.team.id,
                team: t.team.name.clone(),
                joined_on: s.joined_on,
                left_on: s.left_on,
            })
            .collect(),
        version: t.version,
    }
}

/// A store's "someone changed it" or "cannot be done" as the service answers it: a conflict names `field`.
fn refused(field: &'static str) -> impl Fn(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::Conflict(m) => {
            ServiceError::Invalid(ValueErrors::from(ValueError::new(field, m)))
        }
        other => other.into(),
    }
}

impl<S: Store> Services<S> {
    /// The LAs `actor` administers: their own, or (the system, on the command line) every LA served here.
    async fn administered_las(
        &self,
        actor: &Actor,
        action: Action,
    ) -> Result<Vec<LaCode>, ServiceError> {
        if actor.is_system() {
            return Ok(self
                .local_authorities()
                .await?
                .into_iter()
                .map(|la| la.code)
                .collect());
        }
        authorize(actor, Area::Administration, action)?;
        Ok(actor.las.clone())
    }

    /// The administrator's LAs with names, and the one asked for (`la`, which must be one of them: another is
    /// answered as one that does not exist).
    pub async fn admin_scope(
        &self,
        actor: &Actor,
        la: Option<&str>,
    ) -> Result<AdminScope, ServiceError> {
        let mine = self.administered_las(actor, Action::View).await?;
        let served = self.local_authorities().await?;
        let las: Vec<(LaCode, String)> = mine
            .iter()
            .map(|code| {
                let name = served.iter().find(|l| &l.code == code).map_or_else(
                    || code.name().unwrap_or("Local authority").to_owned(),
                    |l| l.name.clone(),
                );
                (code.clone(), name)
            })
            .collect();
        let la = match la.map(str::trim).filter(|s| !s.is_empty()) {
            None => mine.first().cloned().ok_or(ServiceError::NotFound)?,
            Some(code) => {
                let code = LaCode::parse(code).map_err(|_| ServiceError::NotFound)?;
                if !mine.contains(&code) {
                    return Err(ServiceError::NotFound);
                }
                code
            }
        };
        Ok(AdminScope { las, la })
    }

    /// The users working for `las` (all the administrator's when `None`), by name.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_users(
        &self,
        actor: &Actor,
        la: Option<&LaCode>,
    ) -> Result<Vec<UserView>, ServiceError> {
        let mine = self.administered_las(actor, Action::View).await?;
        let las = match la {
            Some(la) if mine.contains(la) => vec![la.clone()],
            Some(_) => return Err(ServiceError::NotFound),
            None => mine.clone(),
        };
        let users = self.store.admin_users(las).await?;
        let teams = self.store.admin_teams(mine).await?;
        Ok(users.iter().map(|u| UserView::of(u, &teams)).collect())
    }

    /// A user the administrator may manage (one working for one of their LAs), with the versions and teams.
    pub(crate) async fn managed_user(
        &self,
        actor: &Actor,
        id: UserId,
        action: Action,
    ) -> Result<(AdminUser, Vec<LaCode>, Vec<AdminTeam>), ServiceError> {
        let mine = self.administered_las(actor, action).await?;
        let user = self
            .store
            .admin_user(id)
            .await?
            .filter(|u| u.user.las.iter().any(|la| mine.contains(la)))
            .ok_or(ServiceError::NotFound)?;
        let teams = self.store.admin_teams(mine.clone()).await?;
        Ok((user, mine, teams))
    }

    /// One user, with their API tokens and team history.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_user(&self, actor: &Actor, id: UserId) -> Result<UserDetail, ServiceError> {
        let (user, _, teams) = self.managed_user(actor, id, Action::View).await?;
        let now = self.now();
        let tokens = self
            .store
            .api_tokens(id)
            .await?
            .into_iter()
            .map(|t| TokenView {
                live: t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now),
                created_at: t.created_at,
                expires_at: t.expires_at,
                revoked_at: t.revoked_at,
            })
            .collect();
        let name = user.user.display_name.clone();
        let mut history: Vec<SpellView> = teams
            .iter()
            .flat_map(|t| {
                t.spells
                    .iter()
                    .filter(|s| s.user_id == id)
                    .map(|s| SpellView {
                        user_id: id,
                        name: name.clone(),
                        team_id: t.team.id,
                        team: t.team.name.clone(),
                        joined_on: s.joined_on,
                        left_on: s.left_on,
                    })
            })
            .collect();
        history.sort_by_key(|s| (s.left_on.is_some(), std::cmp::Reverse(s.joined_on)));
        Ok(UserDetail {
            user: UserView::of(&user, &teams),
            tokens,
            teams: history,
        })
    }

    /// Add a user to the administrator's LAs, optionally in a team. They sign in once a password is set for
    /// them (or through single sign-on).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_create_user(
        &self,
        actor: &Actor,
        input: &UserInput,
    ) -> Result<UserDetail, ServiceError> {
        let mine = self.administered_las(actor, Action::Create).await?;
        let teams = self.store.admin_teams(mine.clone()).await?;
        let choices = team_choices(&teams);
        let (username, d) = administration::new_user(input, &mine, &choices)?;
        if self.store.user_credentials(&username).await?.is_some() {
            return Err(ServiceError::invalid(
                "username",
                format!("The username {username} is already taken"),
            ));
        }
        self.email_free(d.email.as_deref(), None).await?;
        let user = User {
            id: UserId::new(),
            username,
            display_name: d.display_name,
            role: d.role,
            agency: d.agency,
            las: d.las,
            team_id: d.team_id,
            disabled: false,
            created_at: self.now(),
        };
        self.store
            .add_user(actor, &user, None, self.now())
            .await
            .map_err(refused("username"))?;
        if let Some(email) = d.email {
            self.store
                .administer(
                    actor,
                    AdminChange::SetEmail { id: user.id, email },
                    self.now(),
                )
                .await
                .map_err(refused("email"))?;
        }
        self.admin_user(actor, user.id).await
    }

    /// Check an email for a user (`None`: a new one): in the right form and no other user's. In lower case.
    pub async fn check_user_email(
        &self,
        email: &str,
        of: Option<UserId>,
    ) -> Result<String, ServiceError> {
        let email = domain::single_sign_on::normalise_email(email).ok_or_else(|| {
            ServiceError::invalid(
                "email",
                "Enter an email address in the right format, like name@council.gov.uk",
            )
        })?;
        self.email_free(Some(&email), of).await?;
        Ok(email)
    }

    /// Record the email single sign-on matches a user by (`frontdoor user add --email`), checked as
    /// [`Self::check_user_email`] does.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn set_user_email(
        &self,
        actor: &Actor,
        id: UserId,
        email: &str,
    ) -> Result<(), ServiceError> {
        crate::require_admin(actor)?;
        let email = self.check_user_email(email, Some(id)).await?;
        self.store
            .administer(actor, AdminChange::SetEmail { id, email }, self.now())
            .await
            .map_err(refused("email"))?;
        Ok(())
    }

    /// Refuse an email another user has (single sign-on would not know which of them someone is).
    async fn email_free(
        &self,
        email: Option<&str>,
        of: Option<UserId>,
    ) -> Result<(), ServiceError> {
        let Some(email) = email else { return Ok(()) };
        match self.store.user_with_email(email.to_owned()).await? {
            Some(other) if Some(other) != of => Err(ServiceError::invalid(
                "email",
                format!("Another user has the email address {email}"),
            )),
            _ => Ok(()),
        }
    }

    /// Change a user's name, role, LAs, agency and team. LAs the administrator does not administer that the user
    /// works for are kept.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_update_user(
        &self,
        actor: &Actor,
        id: UserId,
        input: &UserChangeInput,
        version: Option<i64>,
    ) -> Result<UserDetail, ServiceError> {
        let (user, mine, teams) = self.managed_user(actor, id, Action::Update).await?;
        if version.is_some_and(|v| v != user.version) {
            return Err(ServiceError::Stale);
        }
        let choices = team_choices(&teams);
        let d = administration::user_details(input, &mine, &choices, user.user.team_id)?;
        self.email_free(d.email.as_deref(), Some(id)).await?;
        let mut las: Vec<LaCode> = user
            .user
            .las
            .iter()
            .filter(|la| !mine.contains(la))
            .cloned()
            .collect();
        las.extend(d.las);
        las.sort();
        if actor.user_id == Some(id) && d.role != Role::Admin {
            return Err(ServiceError::invalid(
                "role",
                "You cannot take the administrator role from yourself: ask another administrator",
            ));
        }
        self.store
            .administer(
                actor,
                AdminChange::UpdateUser {
                    id,
                    expected: Some(user.version),
                    display_name: d.display_name,
                    role: d.role,
                    las,
                    agency: d.agency,
                    team_id: d.team_id,
                    // A change that does not mention the email keeps it (clients older than the field); a blank
                    // one removes it.
                    email: if input.email.is_some() {
                        d.email
                    } else {
                        user.email.clone()
                    },
                    today: london_date(self.now()),
                },
                self.now(),
            )
            .await?;
        self.admin_user(actor, id).await
    }

    /// Disable a user (their sessions end and their API tokens are revoked at once) or enable them again.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_set_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
        version: Option<i64>,
    ) -> Result<UserDetail, ServiceError> {
        let (user, ..) = self.managed_user(actor, id, Action::Update).await?;
        if version.is_some_and(|v| v != user.version) {
            return Err(ServiceError::Stale);
        }
        if disabled && actor.user_id == Some(id) {
            return Err(ServiceError::invalid(
                "disabled",
                "You cannot disable your own account",
            ));
        }
        self.store
            .administer(
                actor,
                AdminChange::SetDisabled {
                    id,
                    expected: Some(user.version),
                    disabled,
                },
                self.now(),
            )
            .await?;
        self.admin_user(actor, id).await
    }

    /// Give a user a new password, made here and shown once: their sessions end; they sign in with it and should
    /// change it. Returns the user and the password.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_reset_password(
        &self,
        actor: &Actor,
        id: UserId,
        version: Option<i64>,
    ) -> Result<(UserDetail, String), ServiceError> {
        let (user, ..) = self.managed_user(actor, id, Action::Update).await?;
        if version.is_some_and(|v| v != user.version) {
            return Err(ServiceError::Stale);
        }
        let password = auth::new_password();
        let hash = auth::hash_password(password.clone()).await?;
        self.store
            .administer(
                actor,
                AdminChange::SetPassword {
                    id,
                    expected: Some(user.version),
                    hash,
                },
                self.now(),
            )
            .await?;
        Ok((self.admin_user(actor, id).await?, password))
    }

    /// Revoke every API token of a user; how many were live.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_revoke_tokens(
        &self,
        actor: &Actor,
        id: UserId,
    ) -> Result<(UserDetail, u32), ServiceError> {
        self.managed_user(actor, id, Action::Update).await?;
        let done = self
            .store
            .administer(actor, AdminChange::RevokeTokens { id }, self.now())
            .await?;
        Ok((self.admin_user(actor, id).await?, done.count))
    }

    /// The teams of `la` (all the administrator's LAs when `None`), open ones first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_teams(
        &self,
        actor: &Actor,
        la: Option<&LaCode>,
    ) -> Result<Vec<TeamView>, ServiceError> {
        let mine = self.administered_las(actor, Action::View).await?;
        let las = match la {
            Some(la) if mine.contains(la) => vec![la.clone()],
            Some(_) => return Err(ServiceError::NotFound),
            None => mine.clone(),
        };
        let teams = self.store.admin_teams(las).await?;
        let users = self.store.admin_users(mine).await?;
        let mut views: Vec<TeamView> = teams.iter().map(|t| team_view(t, &users)).collect();
        views.sort_by(|a, b| {
            (a.closed_on.is_some(), &a.la, &a.name).cmp(&(b.closed_on.is_some(), &b.la, &b.name))
        });
        Ok(views)
    }

    /// One team, with everyone who has been in it.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_team(&self, actor: &Actor, id: TeamId) -> Result<TeamView, ServiceError> {
        self.admin_teams(actor, None)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(ServiceError::NotFound)
    }

    /// Those who could manage a team of the administrator's LAs: enabled team managers and senior leaders.
    pub async fn admin_manager_choices(
        &self,
        actor: &Actor,
    ) -> Result<Vec<ManagerChoice>, ServiceError> {
        let mine = self.administered_las(actor, Action::View).await?;
        Ok(self
            .store
            .admin_users(mine)
            .await?
            .into_iter()
            .filter(|u| !u.user.disabled && administration::may_manage_team(u.user.role))
            .map(|u| ManagerChoice {
                id: u.user.id,
                name: u.user.display_name,
                las: u.user.las,
            })
            .collect())
    }

    async fn team_context(
        &self,
        mine: &[LaCode],
    ) -> Result<(Vec<AdminTeam>, Vec<AdminUser>), ServiceError> {
        Ok((
            self.store.admin_teams(mine.to_vec()).await?,
            self.store.admin_users(mine.to_vec()).await?,
        ))
    }

    /// Create a team in one of the administrator's LAs.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_create_team(
        &self,
        actor: &Actor,
        input: &TeamInput,
    ) -> Result<TeamView, ServiceError> {
        let mine = self.administered_las(actor, Action::Create).await?;
        let (teams, users) = self.team_context(&mine).await?;
        let la =
            domain::validation::present(input.la.as_deref()).and_then(|l| LaCode::parse(l).ok());
        let others = open_names(&teams, la.as_ref(), None);
        let d = administration::new_team(input, &mine, &others, &candidates(&users))?;
        let team = Team {
            id: TeamId::new(),
            la: d.la,
            name: d.name,
            kind: d.kind,
        };
        let id = team.id;
        self.store
            .administer(
                actor,
                AdminChange::CreateTeam {
                    team,
                    manager_id: d.manager_id,
                },
                self.now(),
            )
            .await?;
        self.admin_team(actor, id).await
    }

    /// Rename a team, change what it does or its manager.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_update_team(
        &self,
        actor: &Actor,
        id: TeamId,
        input: &TeamChangeInput,
        version: Option<i64>,
    ) -> Result<TeamView, ServiceError> {
        let mine = self.administered_las(actor, Action::Update).await?;
        let (teams, users) = self.team_context(&mine).await?;
        let team = teams
            .iter()
            .find(|t| t.team.id == id)
            .ok_or(ServiceError::NotFound)?;
        if version.is_some_and(|v| v != team.version) {
            return Err(ServiceError::Stale);
        }
        let others = open_names(&teams, Some(&team.team.la), Some(id));
        let (name, kind, manager_id) =
            administration::team_change(input, Some(&team.team.la), &others, &candidates(&users))?;
        self.store
            .administer(
                actor,
                AdminChange::UpdateTeam {
                    id,
                    expected: Some(team.version),
                    name,
                    kind,
                    manager_id,
                },
                self.now(),
            )
            .await?;
        self.admin_team(actor, id).await
    }

    /// Close a team from today: it must have no members left (its history stays).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_close_team(
        &self,
        actor: &Actor,
        id: TeamId,
        version: Option<i64>,
    ) -> Result<TeamView, ServiceError> {
        let team = self.admin_team(actor, id).await?;
        self.administered_las(actor, Action::Update).await?;
        if version.is_some_and(|v| v != team.version) {
            return Err(ServiceError::Stale);
        }
        if team.closed_on.is_some() {
            return Err(ServiceError::invalid(
                "closed_on",
                "The team has already closed",
            ));
        }
        if team.members > 0 {
            return Err(ServiceError::invalid(
                "closed_on",
                format!(
                    "{} still has {} member{}: move them to another team first",
                    team.name,
                    team.members,
                    if team.members == 1 { "" } else { "s" }
                ),
            ));
        }
        self.store
            .administer(
                actor,
                AdminChange::CloseTeam {
                    id,
                    expected: Some(team.version),
                    on: london_date(self.now()),
                },
                self.now(),
            )
            .await
            .map_err(refused("closed_on"))?;
        self.admin_team(actor, id).await
    }

    /// The open team of one of `las` called `name` (case aside): exactly one, or a problem naming `team`.
    pub(crate) async fn open_team_named(
        &self,
        las: &[LaCode],
        name: &str,
    ) -> Result<TeamId, ServiceError> {
        let teams = self.store.admin_teams(las.to_vec()).await?;
        let found: Vec<&AdminTeam> = teams
            .iter()
            .filter(|t| t.closed_on.is_none() && t.team.name.eq_ignore_ascii_case(name.trim()))
            .collect();
        match found.as_slice() {
            [one] => Ok(one.team.id),
            [] => Err(ServiceError::invalid(
                "team",
                format!(
                    "there is no open team called '{}' in the user's local authorities",
                    name.trim()
                ),
            )),
            _ => Err(ServiceError::invalid(
                "team",
                format!(
                    "several open teams are called '{}': give the user one local authority",
                    name.trim()
                ),
            )),
        }
    }

    /// The id of the user with this username (the command line names users by username).
    pub async fn user_id_of(&self, actor: &Actor, username: &str) -> Result<UserId, ServiceError> {
        self.administered_las(actor, Action::View).await?;
        self.store
            .user_credentials(username)
            .await?
            .map(|c| c.user.id)
            .ok_or_else(|| {
                ServiceError::invalid("manager", format!("there is no user '{}'", username.trim()))
            })
    }

    /// The partner organisations of `la` (all the administrator's LAs when `None`), active ones first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_organisations(
        &self,
        actor: &Actor,
        la: Option<&LaCode>,
    ) -> Result<Vec<OrganisationView>, ServiceError> {
        let mine = self.administered_las(actor, Action::View).await?;
        let las = match la {
            Some(la) if mine.contains(la) => vec![la.clone()],
            Some(_) => return Err(ServiceError::NotFound),
            None => mine,
        };
        let mut all: Vec<OrganisationView> = self
            .store
            .admin_organisations(las)
            .await?
            .into_iter()
            .map(OrganisationView::of)
            .collect();
        all.sort_by(|a, b| (!a.active, &a.la, &a.name).cmp(&(!b.active, &b.la, &b.name)));
        Ok(all)
    }

    /// One partner organisation of the administrator's LAs.
    pub async fn admin_organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
    ) -> Result<OrganisationView, ServiceError> {
        self.admin_organisations(actor, None)
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .ok_or(ServiceError::NotFound)
    }

    /// The names of the active organisations of `la`, but `except`.
    async fn organisation_names(
        &self,
        la: &LaCode,
        except: Option<OrganisationId>,
    ) -> Result<Vec<String>, ServiceError> {
        Ok(self
            .store
            .admin_organisations(vec![la.clone()])
            .await?
            .into_iter()
            .filter(|o| o.active && Some(o.id) != except)
            .map(|o| o.name)
            .collect())
    }

    /// Add a partner organisation to one of the administrator's LAs.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_create_organisation(
        &self,
        actor: &Actor,
        input: &OrganisationInput,
    ) -> Result<OrganisationView, ServiceError> {
        let mine = self.administered_las(actor, Action::Create).await?;
        let la = match domain::validation::present(input.la.as_deref()) {
            None => Err(ValueError::new(
                "la",
                "Choose the local authority whose directory it is in",
            )),
            Some(code) => match LaCode::parse(code) {
                Ok(la) if mine.contains(&la) => Ok(la),
                _ => Err(ValueError::new(
                    "la",
                    format!("{} is not a local authority you administer", code.trim()),
                )),
            },
        };
        let others = match &la {
            Ok(la) => self.organisation_names(la, None).await?,
            Err(_) => Vec::new(),
        };
        let mut errors = ValueErrors::new();
        let la = errors.take(la);
        let d = errors.take_all(administration::organisation(input, &others));
        errors.into_result()?;
        let (Some(la), Some(d)) = (la, d) else {
            return Err(ServiceError::invalid(
                "name",
                "Check the organisation's details",
            ));
        };
        let organisation = Organisation {
            id: OrganisationId::new(),
            la,
            name: d.name,
            agency: d.agency,
            email: d.email,
            phone: d.phone,
            active: d.active,
            version: 0,
        };
        let id = organisation.id;
        self.store
            .administer(
                actor,
                AdminChange::CreateOrganisation { organisation },
                self.now(),
            )
            .await?;
        self.admin_organisation(actor, id).await
    }

    /// Change a partner organisation (or make it inactive: it stays on records that name it).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_update_organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
        input: &OrganisationInput,
        version: Option<i64>,
    ) -> Result<OrganisationView, ServiceError> {
        self.administered_las(actor, Action::Update).await?;
        let current = self.admin_organisation(actor, id).await?;
        if version.is_some_and(|v| v != current.version) {
            return Err(ServiceError::Stale);
        }
        let others = self.organisation_names(&current.la, Some(id)).await?;
        let d = administration::organisation(input, &others)?;
        self.store
            .administer(
                actor,
                AdminChange::UpdateOrganisation {
                    organisation: Organisation {
                        id,
                        la: current.la.clone(),
                        name: d.name,
                        agency: d.agency,
                        email: d.email,
                        phone: d.phone,
                        active: d.active,
                        version: current.version,
                    },
                    expected: Some(current.version),
                },
                self.now(),
            )
            .await?;
        self.admin_organisation(actor, id).await
    }

    /// An LA's settings and their version.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_settings(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<SettingsView, ServiceError> {
        let mine = self.administered_las(actor, Action::View).await?;
        if !mine.contains(la) {
            return Err(ServiceError::NotFound);
        }
        let (authority, version) = self
            .store
            .admin_local_authority(la.clone())
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(SettingsView {
            la: authority.code,
            name: authority.name,
            settings: authority.settings,
            version,
        })
    }

    /// Change an LA's settings (a field left out keeps its value). The LA's clocks run on the new settings at
    /// once on this server, within seconds on others.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn admin_save_settings(
        &self,
        actor: &Actor,
        la: &LaCode,
        input: &SettingsInput,
        version: Option<i64>,
    ) -> Result<SettingsView, ServiceError> {
        self.administered_las(actor, Action::Update).await?;
        let current = self.admin_settings(actor, la).await?;
        if version.is_some_and(|v| v != current.version) {
            return Err(ServiceError::Stale);
        }
        let settings = administration::settings(input, &current.settings, london_date(self.now()))?;
        if settings == current.settings {
            return Ok(current);
        }
        self.store
            .administer(
                actor,
                AdminChange::SaveSettings {
                    la: la.clone(),
                    expected: Some(current.version),
                    settings,
                },
                self.now(),
            )
            .await?;
        self.forget_local_authorities();
        self.admin_settings(actor, la).await
    }

    /// An LA's settings as a file to keep under version control (`frontdoor settings export`).
    pub async fn export_settings(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<String, ServiceError> {
        let s = self.admin_settings(actor, la).await?;
        Ok(SettingsFile::new(s.la, s.name, s.settings).to_text())
    }

    /// Apply a settings file (`frontdoor settings import`): the whole file or nothing. An LA not yet served here
    /// is added. Returns the LA and whether anything changed.
    pub async fn import_settings(
        &self,
        actor: &Actor,
        text: &str,
    ) -> Result<(LaCode, bool), ServiceError> {
        let file = SettingsFile::parse(text).map_err(|e| ServiceError::Invalid(e.into()))?;
        check_imported_clocks(&file.settings.clocks)?;
        domain::retention::check_schedule(&file.settings.retention)
            .map_err(|e| ServiceError::Invalid(e.prefixed("settings.")))?;
        let mine = self.administered_las(actor, Action::Update).await?;
        if !actor.is_system() && !mine.contains(&file.la) {
            return Err(ServiceError::NotFound);
        }
        let existing = self.store.admin_local_authority(file.la.clone()).await?;
        match existing {
            None => {
                let la = LocalAuthority {
                    code: file.la.clone(),
                    name: file.name.trim().to_owned(),
                    settings: file.settings,
                };
                self.store
                    .save_local_authority(actor, &la, self.now())
                    .await?;
                self.forget_local_authorities();
                Ok((file.la, true))
            }
            Some((la, version)) => {
                let mut wanted = file.settings;
                wanted.letters = la.settings.letters.clone();
                if la.name == file.name.trim() && la.settings == wanted {
                    return Ok((file.la, false));
                }
                if la.name != file.name.trim() {
                    let renamed = LocalAuthority {
                        code: la.code.clone(),
                        name: file.name.trim().to_owned(),
                        settings: la.settings.clone(),
                    };
                    self.store
                        .save_local_authority(actor, &renamed, self.now())
                        .await?;
                }
                if la.settings != wanted {
                    self.store
                        .administer(
                            actor,
                            AdminChange::SaveSettings {
                                la: la.code.clone(),
                                expected: Some(version),
                                settings: wanted,
                            },
                            self.now(),
                        )
                        .await?;
                }
                self.forget_local_authorities();
                Ok((file.la, true))
            }
        }
    }
}

/// A settings file's clocks go through the same bounds as the settings page.
fn check_imported_clocks(c: &ClockSettings) -> Result<(), ServiceError> {
    let mut errors = ValueErrors::new();
    for (field, d) in [
        ("settings.clocks.rag_red", c.rag_red),
        ("settings.clocks.rag_amber", c.rag_amber),
        ("settings.clocks.rag_green", c.rag_green),
        ("settings.clocks.contact_decision", c.contact_decision),
        ("settings.clocks.referrer_feedback", c.referrer_feedback),
    ] {
        errors.take(administration::parse_working_duration(
            field,
            &administration::working_duration_text(d),
        ));
    }
    for (field, n) in [
        ("settings.clocks.cp_visit_every_wd", c.cp_visit_every_wd),
        ("settings.clocks.cin_visit_every_wd", c.cin_visit_every_wd),
        (
            "settings.clocks.supervision_every_wd",
            c.supervision_every_wd,
        ),
        ("settings.clocks.core_group_every_wd", c.core_group_every_wd),
    ] {
        if !(1..=administration::MAX_EVERY_WORKING_DAYS).contains(&n) {
            errors.push(ValueError::new(
                field,
                format!(
                    "give a number of working days from 1 to {}",
                    administration::MAX_EVERY_WORKING_DAYS
                ),
            ));
        }
    }
    errors.into_result().map_err(ServiceError::Invalid)
}

fn team_choices(teams: &[AdminTeam]) -> Vec<(Team, bool)> {
    teams
        .iter()
        .map(|t| (t.team.clone(), t.closed_on.is_some()))
        .collect()
}

/// The names of the open teams of `la`, but `except`.
fn open_names(teams: &[AdminTeam], la: Option<&LaCode>, except: Option<TeamId>) -> Vec<String> {
    teams
        .iter()
        .filter(|t| t.closed_on.is_none() && Some(&t.team.la) == la && Some(t.team.id) != except)
        .map(|t| t.team.name.clone())
        .collect()
}

fn candidates(users: &[AdminUser]) -> Vec<administration::Candidate<'_>> {
    users
        .iter()
        .map(|u| {
            (
                u.user.id,
                u.user.role,
                u.user.las.as_slice(),
                u.user.disabled,
            )
        })
        .collect()
}
