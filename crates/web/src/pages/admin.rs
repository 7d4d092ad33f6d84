//! Administration pages: users (`/admin/users`, add, each user with their details, access, password and API
//! tokens), teams (`/admin/teams`, each team with its members over time) and each LA's settings
//! (`/admin/settings`). Every form carries the version of what it changes; the service checks it.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use domain::administration::{
    OrganisationInput, SettingsInput, TeamChangeInput, TeamInput, UserChangeInput, UserInput,
    working_duration_text,
};
use domain::chronology::uk_date;
use domain::codes::{Agency, Role, TeamKind};
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{OrganisationId, TeamId, UserId};
use service::ServiceError;
use service::administration::{
    AdminScope, OrganisationView, SettingsView, TeamView, UserDetail, UserView,
};
use store::Store;

use super::form::{Form, FormValues, Forms, after_change, banner, options};
use super::{Layout, render};
use crate::Shared;
use crate::api_admin::LaParams;
use crate::error::WebError;
use crate::extract::{Id, Page, SignedIn};

fn day(d: &Date) -> String {
    uk_date(*d)
}

/// The roles an administrator may give, as options.
fn roles() -> Vec<(String, String)> {
    options(Role::ALL, Role::code, Role::label)
}

/// The partner agencies, as options (children's social care is not a partner).
fn agencies() -> Vec<(String, String)> {
    Agency::ALL
        .iter()
        .filter(|a| **a != Agency::SocialCare)
        .map(|a| (a.code().to_owned(), a.label().to_owned()))
        .collect()
}

fn team_kinds() -> Vec<(String, String)> {
    TeamKind::ALL
        .iter()
        .filter(|k| **k != TeamKind::Partner)
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect()
}

fn la_options(scope: &AdminScope) -> Vec<(String, String)> {
    scope
        .las
        .iter()
        .map(|(code, name)| (code.to_string(), format!("{name} ({code})")))
        .collect()
}

/// Open teams as options, named with their LA where the administrator has several.
fn team_options(teams: &[TeamView], several: bool) -> Vec<(String, String)> {
    teams
        .iter()
        .filter(|t| t.closed_on.is_none())
        .map(|t| {
            let name = if several {
                format!("{} ({})", t.name, t.la)
            } else {
                t.name.clone()
            };
            (t.id.to_string(), name)
        })
        .collect()
}

// --- users -----------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    la: String,
    las: Vec<(String, String)>,
    users: Vec<UserView>,
    saved: Option<&'static str>,
}

/// `GET /admin/users?la=`: the users of one of the administrator's LAs.
pub async fn users<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    let scope = state
        .services
        .admin_scope(&who.actor, q.la.as_deref())
        .await?;
    let users = state
        .services
        .admin_users(&who.actor, Some(&scope.la))
        .await?;
    Ok(render(
        StatusCode::OK,
        UsersPage {
            layout: who.layout("Users", "/admin/users"),
            la: scope.la.to_string(),
            las: la_options(&scope),
            users,
            saved: banner(q.saved.as_deref()),
        },
    ))
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewUserPage {
    layout: Layout,
    form: Form,
    roles: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    las: Vec<(String, String)>,
    teams: Vec<(String, String)>,
}

async fn new_user_form<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    form: Form,
) -> Result<Response, WebError> {
    let scope = state.services.admin_scope(&who.actor, None).await?;
    let teams = state.services.admin_teams(&who.actor, None).await?;
    let form = form.on_page(who, 0);
    Ok(render(
        StatusCode::OK,
        NewUserPage {
            layout: who.layout(&form.title("Add a user"), "/admin/users"),
            form,
            roles: roles(),
            agencies: agencies(),
            teams: team_options(&teams, scope.las.len() > 1),
            las: la_options(&scope),
        },
    ))
}

/// `GET /admin/users/new`.
pub async fn new_user<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    let scope = state
        .services
        .admin_scope(&who.actor, q.la.as_deref())
        .await?;
    let form = Form::new("user").with("las", scope.la.to_string());
    new_user_form(&state, &who, form).await
}

/// `POST /admin/users`.
pub async fn create_user<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = UserInput {
        username: v.get("username"),
        display_name: v.get("display_name"),
        role: v.get("role"),
        las: v.all("las"),
        agency: v.get("agency"),
        team_id: v.get("team_id"),
        email: v.get("email"),
    };
    let r = state.services.admin_create_user(&who.actor, &input).await;
    after_change(
        r,
        Form::sent("user", v).link("las", "las"),
        |u| format!("/admin/users/{}?saved=user-added", u.user.id),
        |form| async { new_user_form(&state, &who, form).await },
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    layout: Layout,
    u: UserDetail,
    forms: Forms,
    roles: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    las: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    saved: Option<&'static str>,
    /// A password just made, shown this once.
    password: Option<String>,
}

impl UserPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }
    /// The details form: as sent if it failed, else the user as they are.
    fn details_form(&self) -> Form {
        let u = &self.u.user;
        let mut f = self.forms.get_with(
            "user",
            &[
                ("display_name", u.display_name.clone()),
                ("email", u.email.clone().unwrap_or_default()),
                ("role", u.role.code().to_owned()),
                (
                    "agency",
                    u.agency.map(|a| a.code().to_owned()).unwrap_or_default(),
                ),
                (
                    "team_id",
                    u.team_id.map(|t| t.to_string()).unwrap_or_default(),
                ),
            ],
        );
        if !self.forms.is_open("user") {
            for la in &u.las {
                f.values.push("las", la.to_string());
            }
        }
        f
    }

    fn la_names(&self) -> String {
        self.u
            .user
            .las
            .iter()
            .map(|l| format!("{} ({l})", l.name().unwrap_or("Local authority")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn user_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    id: UserId,
    failed: Option<Form>,
    saved: Option<&'static str>,
    password: Option<String>,
) -> Result<Response, WebError> {
    let u = state.services.admin_user(&who.actor, id).await?;
    let scope = state.services.admin_scope(&who.actor, None).await?;
    let teams = state.services.admin_teams(&who.actor, None).await?;
    let forms = Forms::new(who, u.user.version, failed);
    let title = forms.summary().title(&u.user.display_name);
    Ok(render(
        StatusCode::OK,
        UserPage {
            layout: who.layout(&title, "/admin/users"),
            forms,
            roles: roles(),
            agencies: agencies(),
            las: la_options(&scope),
            teams: team_options(&teams, scope.las.len() > 1),
            saved,
            password,
            u,
        },
    ))
}

/// `GET /admin/users/{id}`.
pub async fn user<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<UserId>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    user_page(&state, &who, id, None, banner(q.saved.as_deref()), None).await
}

/// After a change on a user's page: saved → back to it with a banner; refused → the page with the form as sent.
async fn after_user_change<S: Store, T>(
    state: &Shared<S>,
    who: &SignedIn,
    id: UserId,
    form: Form,
    saved: &'static str,
    r: Result<T, ServiceError>,
) -> Result<Response, WebError> {
    after_change(
        r,
        form,
        |_| format!("/admin/users/{id}?saved={saved}"),
        |form| async move { user_page(state, who, id, Some(form), None, None).await },
    )
    .await
}

/// `POST /admin/users/{id}`: the user's details.
pub async fn update_user<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<UserId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = UserChangeInput {
        display_name: v.get("display_name"),
        role: v.get("role"),
        las: v.all("las"),
        agency: v.get("agency"),
        team_id: v.get("team_id"),
        email: v.get("email"),
    };
    let r = state
        .services
        .admin_update_user(&who.actor, id, &input, v.version())
        .await;
    let form = Form::sent("user", v).link("las", "las");
    after_user_change(&state, &who, id, form, "user-changed", r).await
}

/// `POST /admin/users/{id}/access`: `disabled=yes` disables, anything else enables.
pub async fn set_access<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<UserId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let disabled = v.has("disabled", "yes");
    let r = state
        .services
        .admin_set_disabled(&who.actor, id, disabled, v.version())
        .await;
    let saved = if disabled {
        "user-disabled"
    } else {
        "user-enabled"
    };
    let form = Form::sent("access", v).link("*", "submit");
    after_user_change(&state, &who, id, form, saved, r).await
}

/// `POST /admin/users/{id}/password`: a new password, shown on the page this once (never in an address).
pub async fn reset_password<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<UserId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .admin_reset_password(&who.actor, id, v.version())
        .await;
    match r {
        Ok((_, password)) => user_page(&state, &who, id, None, None, Some(password)).await,
        Err(e) => {
            let form = Form::sent("password", v).link("*", "submit");
            after_user_change(&state, &who, id, form, "", Err::<(), _>(e)).await
        }
    }
}

/// `POST /admin/users/{id}/second-factor/removal`: remove the user's second factor (a lost phone).
pub async fn remove_second_factor<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<UserId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .admin_remove_second_factor(&who.actor, id, v.version())
        .await;
    let form = Form::sent("second-factor", v).link("*", "submit");
    after_user_change(&state, &who, id, form, "second-factor-reset", r).await
}

/// `POST /admin/users/{id}/tokens`: revoke every API token of the user.
pub async fn revoke_tokens<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<UserId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state.services.admin_revoke_tokens(&who.actor, id).await;
    let form = Form::sent("tokens", v).link("*", "submit");
    after_user_change(&state, &who, id, form, "tokens-revoked", r).await
}

// --- teams -----------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin_teams.html")]
struct TeamsPage {
    layout: Layout,
    la: String,
    las: Vec<(String, String)>,
    teams: Vec<TeamView>,
    form: Form,
    kinds: Vec<(String, String)>,
    managers: Vec<(String, String)>,
    saved: Option<&'static str>,
}

impl TeamsPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
}

async fn teams_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    la: Option<&str>,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let scope = state.services.admin_scope(&who.actor, la).await?;
    let teams = state
        .services
        .admin_teams(&who.actor, Some(&scope.la))
        .await?;
    let managers = manager_options(state, who, &scope.la).await?;
    let form = failed
        .unwrap_or_else(|| {
            Form::new("team")
                .with("la", scope.la.to_string())
                .with("kind", TeamKind::Safeguarding.code())
        })
        .on_page(who, 0);
    Ok(render(
        StatusCode::OK,
        TeamsPage {
            layout: who.layout(&form.title("Teams"), "/admin/teams"),
            la: scope.la.to_string(),
            las: la_options(&scope),
            teams,
            form,
            kinds: team_kinds(),
            managers,
            saved,
        },
    ))
}

/// Those who could manage a team of `la`.
async fn manager_options<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    la: &LaCode,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(state
        .services
        .admin_manager_choices(&who.actor)
        .await?
        .into_iter()
        .filter(|m| m.las.contains(la))
        .map(|m| (m.id.to_string(), m.name))
        .collect())
}

/// `GET /admin/teams?la=`: the LA's teams, and a form to create one.
pub async fn teams<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    teams_page(
        &state,
        &who,
        q.la.as_deref(),
        None,
        banner(q.saved.as_deref()),
    )
    .await
}

/// `POST /admin/teams`.
pub async fn create_team<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = TeamInput {
        la: v.get("la"),
        name: v.get("name"),
        kind: v.get("kind"),
        manager_id: v.get("manager_id"),
    };
    let la = v.get("la");
    let r = state.services.admin_create_team(&who.actor, &input).await;
    after_change(
        r,
        Form::sent("team", v),
        |t| format!("/admin/teams/{}?saved=team-created", t.id),
        |form| async { teams_page(&state, &who, la.as_deref(), Some(form), None).await },
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_team.html")]
struct TeamPage {
    layout: Layout,
    t: TeamView,
    forms: Forms,
    kinds: Vec<(String, String)>,
    managers: Vec<(String, String)>,
    saved: Option<&'static str>,
}

impl TeamPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
    fn manager_value(&self) -> String {
        self.t.manager_id.map(|m| m.to_string()).unwrap_or_default()
    }
}

async fn team_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    id: TeamId,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let t = state.services.admin_team(&who.actor, id).await?;
    let managers = manager_options(state, who, &t.la).await?;
    let forms = Forms::new(who, t.version, failed);
    let title = forms.summary().title(&t.name);
    Ok(render(
        StatusCode::OK,
        TeamPage {
            layout: who.layout(&title, "/admin/teams"),
            forms,
            kinds: team_kinds(),
            managers,
            saved,
            t,
        },
    ))
}

/// `GET /admin/teams/{id}`.
pub async fn team<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<TeamId>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    team_page(&state, &who, id, None, banner(q.saved.as_deref())).await
}

/// `POST /admin/teams/{id}`: its name, kind and manager.
pub async fn update_team<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<TeamId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = TeamChangeInput {
        name: v.get("name"),
        kind: v.get("kind"),
        manager_id: v.get("manager_id"),
    };
    let r = state
        .services
        .admin_update_team(&who.actor, id, &input, v.version())
        .await;
    after_change(
        r,
        Form::sent("team", v),
        |_| format!("/admin/teams/{id}?saved=team-changed"),
        |form| async { team_page(&state, &who, id, Some(form), None).await },
    )
    .await
}

/// `POST /admin/teams/{id}/closure`.
pub async fn close_team<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<TeamId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .admin_close_team(&who.actor, id, v.version())
        .await;
    after_change(
        r,
        Form::sent("closure", v).link("*", "submit"),
        |_| format!("/admin/teams/{id}?saved=team-closed"),
        |form| async { team_page(&state, &who, id, Some(form), None).await },
    )
    .await
}

// --- partner organisations -------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct OrganisationsPage {
    layout: Layout,
    la: String,
    las: Vec<(String, String)>,
    organisations: Vec<OrganisationView>,
    form: Form,
    agencies: Vec<(String, String)>,
    saved: Option<&'static str>,
}

async fn organisations_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    la: Option<&str>,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let scope = state.services.admin_scope(&who.actor, la).await?;
    let organisations = state
        .services
        .admin_organisations(&who.actor, Some(&scope.la))
        .await?;
    let form = failed
        .unwrap_or_else(|| Form::new("organisation").with("la", scope.la.to_string()))
        .on_page(who, 0);
    Ok(render(
        StatusCode::OK,
        OrganisationsPage {
            layout: who.layout(&form.title("Partner organisations"), "/admin/organisations"),
            la: scope.la.to_string(),
            las: la_options(&scope),
            organisations,
            form,
            agencies: agencies(),
            saved,
        },
    ))
}

/// `GET /admin/organisations?la=`: the LA's partner organisations, and a form to add one.
pub async fn organisations<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    organisations_page(
        &state,
        &who,
        q.la.as_deref(),
        None,
        banner(q.saved.as_deref()),
    )
    .await
}

fn organisation_input(
    v: &FormValues,
    la: Option<String>,
    active: Option<bool>,
) -> OrganisationInput {
    OrganisationInput {
        la,
        name: v.get("name"),
        agency: v.get("agency"),
        email: v.get("email"),
        phone: v.get("phone"),
        active,
    }
}

/// `POST /admin/organisations`.
pub async fn create_organisation<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let la = v.get("la");
    let input = organisation_input(&v, la.clone(), None);
    let r = state
        .services
        .admin_create_organisation(&who.actor, &input)
        .await;
    after_change(
        r,
        Form::sent("organisation", v),
        |o| format!("/admin/organisations?la={}&saved=organisation-added", o.la),
        |form| async { organisations_page(&state, &who, la.as_deref(), Some(form), None).await },
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_organisation.html")]
struct OrganisationPage {
    layout: Layout,
    o: OrganisationView,
    form: Form,
    agencies: Vec<(String, String)>,
    saved: Option<&'static str>,
}

async fn organisation_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    id: OrganisationId,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let o = state.services.admin_organisation(&who.actor, id).await?;
    let form = failed
        .unwrap_or_else(|| {
            let f = Form::new("organisation")
                .with("name", o.name.clone())
                .with("agency", o.agency.code())
                .with("email", o.email.clone().unwrap_or_default())
                .with("phone", o.phone.clone().unwrap_or_default());
            if o.active { f.with("active", "yes") } else { f }
        })
        .on_page(who, o.version);
    Ok(render(
        StatusCode::OK,
        OrganisationPage {
            layout: who.layout(&form.title(&o.name), "/admin/organisations"),
            o,
            form,
            agencies: agencies(),
            saved,
        },
    ))
}

/// `GET /admin/organisations/{id}`.
pub async fn organisation<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<OrganisationId>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    organisation_page(&state, &who, id, None, banner(q.saved.as_deref())).await
}

/// `POST /admin/organisations/{id}`: its details, and whether the LA still works with it.
pub async fn update_organisation<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<OrganisationId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = organisation_input(&v, None, v.yes("active"));
    let r = state
        .services
        .admin_update_organisation(&who.actor, id, &input, v.version())
        .await;
    after_change(
        r,
        Form::sent("organisation", v),
        |_| format!("/admin/organisations/{id}?saved=organisation-changed"),
        |form| async { organisation_page(&state, &who, id, Some(form), None).await },
    )
    .await
}

// --- settings --------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin_settings.html")]
struct SettingsPage {
    layout: Layout,
    /// The retention schedule's rows: (row, class).
    retention: Vec<(usize, &'static str)>,
    /// What a period may count from: (code, label).
    from_options: Vec<(String, String)>,
    la: String,
    las: Vec<(String, String)>,
    s: SettingsView,
    form: Form,
    saved: Option<&'static str>,
}

impl SettingsPage {
    /// A field of row `i` of the retention schedule.
    fn period_field(&self, i: &usize, name: &str) -> super::form::Field {
        self.form.field(&format!("retention[{i}].{name}"))
    }

    fn period_value(&self, i: &usize, name: &str) -> String {
        self.form
            .value(&format!("retention[{i}].{name}"))
            .to_owned()
    }
}

/// The settings as the form shows them.
fn settings_form(s: &SettingsView) -> Form {
    let c = &s.settings.clocks;
    let mut form = Form::new("settings");
    for (i, name) in s.settings.threshold_names.iter().enumerate() {
        form = form.with(&format!("threshold_names[{i}]"), name.clone());
    }
    form = form
        .with("rag_red", working_duration_text(c.rag_red))
        .with("rag_amber", working_duration_text(c.rag_amber))
        .with("rag_green", working_duration_text(c.rag_green))
        .with(
            "contact_decision",
            working_duration_text(c.contact_decision),
        )
        .with(
            "referrer_feedback",
            working_duration_text(c.referrer_feedback),
        )
        .with("cp_visit_every_wd", c.cp_visit_every_wd.to_string())
        .with("cin_visit_every_wd", c.cin_visit_every_wd.to_string())
        .with("supervision_every_wd", c.supervision_every_wd.to_string())
        .with("core_group_every_wd", c.core_group_every_wd.to_string())
        .with(
            "office_opens",
            c.working_hours.start.strftime("%H:%M").to_string(),
        )
        .with(
            "office_closes",
            c.working_hours.end.strftime("%H:%M").to_string(),
        )
        .with(
            "closure_days",
            s.settings
                .closure_days
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        );
    if s.settings.decision_needs_manager {
        form = form.with("decision_needs_manager", "yes");
    }
    for (i, p) in domain::retention::schedule_of(&s.settings.retention)
        .iter()
        .enumerate()
    {
        let row = p.input();
        for (name, v) in [
            ("class", row.class),
            ("years", row.years),
            ("from", row.from),
            ("inactive_years", row.inactive_years),
            ("source", row.source),
        ] {
            form = form.with(&format!("retention[{i}].{name}"), v.unwrap_or_default());
        }
    }
    form
}

/// The retention rows of the settings page: (row, the class's label).
fn retention_rows() -> Vec<(usize, &'static str)> {
    domain::retention::schedule_of(&[])
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.class.label()))
        .collect()
}

async fn settings_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    la: Option<&str>,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let scope = state.services.admin_scope(&who.actor, la).await?;
    let s = state.services.admin_settings(&who.actor, &scope.la).await?;
    let form = failed
        .unwrap_or_else(|| settings_form(&s))
        .on_page(who, s.version);
    let title = form.title(&format!("Settings: {}", s.name));
    Ok(render(
        StatusCode::OK,
        SettingsPage {
            layout: who.layout(&title, "/admin/settings"),
            retention: retention_rows(),
            from_options: [
                domain::retention::From::Birth,
                domain::retention::From::LastActivity,
            ]
            .iter()
            .map(|f| (f.code().to_owned(), f.label().to_owned()))
            .collect(),
            la: scope.la.to_string(),
            las: la_options(&scope),
            s,
            form,
            saved,
        },
    ))
}

/// `GET /admin/settings?la=`: the LA's settings as a form.
pub async fn settings<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    settings_page(
        &state,
        &who,
        q.la.as_deref(),
        None,
        banner(q.saved.as_deref()),
    )
    .await
}

/// `POST /admin/settings/{la}`: every field as the page shows it (a blank one is a problem, not "unchanged").
pub async fn save_settings<S: Store>(
    Page { state, who }: Page<S>,
    Path(la): Path<String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let code = LaCode::parse(&la).map_err(|_| WebError::NotFound)?;
    // The LA must be the administrator's before anything sent is looked at.
    state.services.admin_settings(&who.actor, &code).await?;
    let field = |name: &str| Some(v.raw(name).trim().to_owned());
    let input = SettingsInput {
        threshold_names: Some(
            (0..4)
                .map(|i| v.raw(&format!("threshold_names[{i}]")).trim().to_owned())
                .collect(),
        ),
        rag_red: field("rag_red"),
        rag_amber: field("rag_amber"),
        rag_green: field("rag_green"),
        contact_decision: field("contact_decision"),
        referrer_feedback: field("referrer_feedback"),
        cp_visit_every_wd: field("cp_visit_every_wd"),
        cin_visit_every_wd: field("cin_visit_every_wd"),
        supervision_every_wd: field("supervision_every_wd"),
        core_group_every_wd: field("core_group_every_wd"),
        office_opens: field("office_opens"),
        office_closes: field("office_closes"),
        closure_days: Some(
            v.raw("closure_days")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(ToOwned::to_owned)
                .collect(),
        ),
        decision_needs_manager: v.yes("decision_needs_manager"),
        retention: Some(
            retention_rows()
                .into_iter()
                .map(|(i, _)| {
                    let f = |name: &str| {
                        Some(v.raw(&format!("retention[{i}].{name}")).trim().to_owned())
                    };
                    domain::retention::PeriodInput {
                        class: f("class"),
                        years: f("years"),
                        from: f("from"),
                        inactive_years: f("inactive_years"),
                        source: f("source"),
                    }
                })
                .collect(),
        ),
    };
    let r = state
        .services
        .admin_save_settings(&who.actor, &code, &input, v.version())
        .await;
    let la_text = code.to_string();
    after_change(
        r,
        Form::sent("settings", v).link("closure_days", "closure_days"),
        |_| format!("/admin/settings?la={code}&saved=settings-saved"),
        |form| async { settings_page(&state, &who, Some(&la_text), Some(form), None).await },
    )
    .await
}
