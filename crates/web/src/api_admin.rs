//! The JSON API for administration, and the route table entries of its pages and API: users (list, add, read,
//! change, disable and enable, reset a password, revoke API tokens), teams (list, create, read, change, close) and
//! each LA's settings. Only administrators, and only for the LAs they administer: another LA's user, team or
//! settings are answered as ones that do not exist.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::administration::{
    OrganisationInput, SettingsInput, TeamChangeInput, TeamInput, UserChangeInput, UserInput,
};
use domain::identifiers::LaCode;
use domain::ids::{OrganisationId, TeamId, UserId};
use domain::policy::{Action, Area};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::admin as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    let admin = Area::Administration;
    vec![
        route(
            "admin-users-page",
            Method::GET,
            "/admin/users",
            Grant(admin, Action::View),
            get(pages::users::<S>),
        ),
        route(
            "admin-new-user-page",
            Method::GET,
            "/admin/users/new",
            Grant(admin, Action::Create),
            get(pages::new_user::<S>),
        ),
        route(
            "admin-user-create-form",
            Method::POST,
            "/admin/users",
            Grant(admin, Action::Create),
            post(pages::create_user::<S>),
        ),
        route(
            "admin-user-page",
            Method::GET,
            "/admin/users/{id}",
            Grant(admin, Action::View),
            get(pages::user::<S>),
        ),
        route(
            "admin-user-form",
            Method::POST,
            "/admin/users/{id}",
            Grant(admin, Action::Update),
            post(pages::update_user::<S>),
        ),
        route(
            "admin-user-access-form",
            Method::POST,
            "/admin/users/{id}/access",
            Grant(admin, Action::Update),
            post(pages::set_access::<S>),
        ),
        route(
            "admin-user-password-form",
            Method::POST,
            "/admin/users/{id}/password",
            Grant(admin, Action::Update),
            post(pages::reset_password::<S>),
        ),
        route(
            "admin-user-second-factor-form",
            Method::POST,
            "/admin/users/{id}/second-factor/removal",
            Grant(admin, Action::Update),
            post(pages::remove_second_factor::<S>),
        ),
        route(
            "admin-user-tokens-form",
            Method::POST,
            "/admin/users/{id}/tokens",
            Grant(admin, Action::Update),
            post(pages::revoke_tokens::<S>),
        ),
        route(
            "admin-teams-page",
            Method::GET,
            "/admin/teams",
            Grant(admin, Action::View),
            get(pages::teams::<S>),
        ),
        route(
            "admin-team-create-form",
            Method::POST,
            "/admin/teams",
            Grant(admin, Action::Create),
            post(pages::create_team::<S>),
        ),
        route(
            "admin-team-page",
            Method::GET,
            "/admin/teams/{id}",
            Grant(admin, Action::View),
            get(pages::team::<S>),
        ),
        route(
            "admin-team-form",
            Method::POST,
            "/admin/teams/{id}",
            Grant(admin, Action::Update),
            post(pages::update_team::<S>),
        ),
        route(
            "admin-team-closure-form",
            Method::POST,
            "/admin/teams/{id}/closure",
            Grant(admin, Action::Update),
            post(pages::close_team::<S>),
        ),
        route(
            "admin-organisations-page",
            Method::GET,
            "/admin/organisations",
            Grant(admin, Action::View),
            get(pages::organisations::<S>),
        ),
        route(
            "admin-organisation-create-form",
            Method::POST,
            "/admin/organisations",
            Grant(admin, Action::Create),
            post(pages::create_organisation::<S>),
        ),
        route(
            "admin-organisation-page",
            Method::GET,
            "/admin/organisations/{id}",
            Grant(admin, Action::View),
            get(pages::organisation::<S>),
        ),
        route(
            "admin-organisation-form",
            Method::POST,
            "/admin/organisations/{id}",
            Grant(admin, Action::Update),
            post(pages::update_organisation::<S>),
        ),
        route(
            "api-admin-organisations",
            Method::GET,
            "/api/v1/admin/organisations",
            Grant(admin, Action::View),
            get(list_organisations::<S>),
        ),
        route(
            "api-admin-create-organisation",
            Method::POST,
            "/api/v1/admin/organisations",
            Grant(admin, Action::Create),
            post(create_organisation::<S>),
        ),
        route(
            "api-admin-organisation",
            Method::GET,
            "/api/v1/admin/organisations/{id}",
            Grant(admin, Action::View),
            get(get_organisation::<S>),
        ),
        route(
            "api-admin-update-organisation",
            Method::POST,
            "/api/v1/admin/organisations/{id}",
            Grant(admin, Action::Update),
            post(update_organisation::<S>),
        ),
        route(
            "admin-settings-page",
            Method::GET,
            "/admin/settings",
            Grant(admin, Action::View),
            get(pages::settings::<S>),
        ),
        route(
            "admin-settings-form",
            Method::POST,
            "/admin/settings/{la}",
            Grant(admin, Action::Update),
            post(pages::save_settings::<S>),
        ),
        route(
            "api-admin-users",
            Method::GET,
            "/api/v1/admin/users",
            Grant(admin, Action::View),
            get(list_users::<S>),
        ),
        route(
            "api-admin-create-user",
            Method::POST,
            "/api/v1/admin/users",
            Grant(admin, Action::Create),
            post(create_user::<S>),
        ),
        route(
            "api-admin-user",
            Method::GET,
            "/api/v1/admin/users/{id}",
            Grant(admin, Action::View),
            get(get_user::<S>),
        ),
        route(
            "api-admin-update-user",
            Method::POST,
            "/api/v1/admin/users/{id}",
            Grant(admin, Action::Update),
            post(update_user::<S>),
        ),
        route(
            "api-admin-user-disabled",
            Method::POST,
            "/api/v1/admin/users/{id}/disabled",
            Grant(admin, Action::Update),
            post(set_disabled::<S>),
        ),
        route(
            "api-admin-user-password",
            Method::POST,
            "/api/v1/admin/users/{id}/password",
            Grant(admin, Action::Update),
            post(reset_password::<S>),
        ),
        route(
            "api-admin-user-second-factor-removal",
            Method::POST,
            "/api/v1/admin/users/{id}/second-factor/removal",
            Grant(admin, Action::Update),
            post(remove_second_factor::<S>),
        ),
        route(
            "api-admin-user-tokens-revoke",
            Method::POST,
            "/api/v1/admin/users/{id}/tokens/revoke",
            Grant(admin, Action::Update),
            post(revoke_tokens::<S>),
        ),
        route(
            "api-admin-teams",
            Method::GET,
            "/api/v1/admin/teams",
            Grant(admin, Action::View),
            get(list_teams::<S>),
        ),
        route(
            "api-admin-create-team",
            Method::POST,
            "/api/v1/admin/teams",
            Grant(admin, Action::Create),
            post(create_team::<S>),
        ),
        route(
            "api-admin-team",
            Method::GET,
            "/api/v1/admin/teams/{id}",
            Grant(admin, Action::View),
            get(get_team::<S>),
        ),
        route(
            "api-admin-update-team",
            Method::POST,
            "/api/v1/admin/teams/{id}",
            Grant(admin, Action::Update),
            post(update_team::<S>),
        ),
        route(
            "api-admin-close-team",
            Method::POST,
            "/api/v1/admin/teams/{id}/closure",
            Grant(admin, Action::Update),
            post(close_team::<S>),
        ),
        route(
            "api-admin-settings",
            Method::GET,
            "/api/v1/admin/settings/{la}",
            Grant(admin, Action::View),
            get(get_settings::<S>),
        ),
        route(
            "api-admin-save-settings",
            Method::POST,
            "/api/v1/admin/settings/{la}",
            Grant(admin, Action::Update),
            post(save_settings::<S>),
        ),
    ]
}

/// `?la=CODE`: one of the administrator's LAs (all of them when absent).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LaParams {
    pub la: Option<String>,
    pub saved: Option<String>,
}

/// The LA a list asks for: one of the administrator's (another, or a malformed code, is one that does not exist).
fn asked_la(la: Option<&str>) -> Result<Option<LaCode>, WebError> {
    match la.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(code) => LaCode::parse(code)
            .map(Some)
            .map_err(|_| WebError::NotFound),
    }
}

/// `GET /api/v1/admin/users?la=` → the users working for the administrator's LAs (or one of them), by name.
pub async fn list_users<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    let la = asked_la(q.la.as_deref())?;
    let users = state.services.admin_users(&actor, la.as_ref()).await?;
    Ok(Json(users).into_response())
}

/// `POST /api/v1/admin/users` → 201 the user (no password: set one with `…/password`, or sign in through single
/// sign-on).
pub async fn create_user<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<Response, WebError> {
    let u = state.services.admin_create_user(&actor, &input).await?;
    let version = u.user.version;
    Ok(with_etag(
        version,
        (StatusCode::CREATED, Json(u)).into_response(),
    ))
}

/// `GET /api/v1/admin/users/{id}` → the user, their API tokens and their teams over time; `ETag` the version.
pub async fn get_user<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id<UserId>,
) -> Result<Response, WebError> {
    let u = state.services.admin_user(&actor, id).await?;
    Ok(with_etag(u.user.version, Json(u).into_response()))
}

/// `POST /api/v1/admin/users/{id}` → the user as changed.
pub async fn update_user<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<UserId>,
    ApiJson(input): ApiJson<UserChangeInput>,
) -> Result<Response, WebError> {
    let u = state
        .services
        .admin_update_user(&actor, id, &input, version)
        .await?;
    Ok(with_etag(u.user.version, Json(u).into_response()))
}

/// `{"disabled": true|false}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisabledInput {
    pub disabled: Option<bool>,
}

/// `POST /api/v1/admin/users/{id}/disabled` → the user; disabling ends their sessions and revokes their tokens.
pub async fn set_disabled<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<UserId>,
    ApiJson(input): ApiJson<DisabledInput>,
) -> Result<Response, WebError> {
    // The user is found (or not) before the body is looked at, so another LA's user is a 404 whatever is sent.
    state.services.admin_user(&actor, id).await?;
    let disabled = input.disabled.ok_or_else(|| {
        WebError::Service(service::ServiceError::invalid(
            "disabled",
            "Say whether the user is disabled (true) or enabled (false)",
        ))
    })?;
    let u = state
        .services
        .admin_set_disabled(&actor, id, disabled, version)
        .await?;
    Ok(with_etag(u.user.version, Json(u).into_response()))
}

/// `POST /api/v1/admin/users/{id}/password` → `{"password", "user"}`: a new password, shown this once.
pub async fn reset_password<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<UserId>,
) -> Result<Response, WebError> {
    let (u, password) = state
        .services
        .admin_reset_password(&actor, id, version)
        .await?;
    let v = u.user.version;
    Ok(with_etag(
        v,
        Json(json!({"password": password, "user": u})).into_response(),
    ))
}

/// `POST /api/v1/admin/users/{id}/second-factor/removal` → the user: their second factor removed (a lost phone).
pub async fn remove_second_factor<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<UserId>,
) -> Result<Response, WebError> {
    let u = state
        .services
        .admin_remove_second_factor(&actor, id, version)
        .await?;
    Ok(with_etag(u.user.version, Json(u).into_response()))
}

/// `POST /api/v1/admin/users/{id}/tokens/revoke` → `{"revoked": N, "user"}`.
pub async fn revoke_tokens<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id<UserId>,
) -> Result<Response, WebError> {
    let (u, n) = state.services.admin_revoke_tokens(&actor, id).await?;
    Ok(Json(json!({"revoked": n, "user": u})).into_response())
}

/// `GET /api/v1/admin/teams?la=` → the teams, open ones first, each with its members over time.
pub async fn list_teams<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    let la = asked_la(q.la.as_deref())?;
    let teams = state.services.admin_teams(&actor, la.as_ref()).await?;
    Ok(Json(teams).into_response())
}

/// `POST /api/v1/admin/teams` → 201 the team.
pub async fn create_team<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<TeamInput>,
) -> Result<Response, WebError> {
    let t = state.services.admin_create_team(&actor, &input).await?;
    Ok(with_etag(
        t.version,
        (StatusCode::CREATED, Json(t)).into_response(),
    ))
}

/// `GET /api/v1/admin/teams/{id}` → the team; `ETag` its version.
pub async fn get_team<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id<TeamId>,
) -> Result<Response, WebError> {
    let t = state.services.admin_team(&actor, id).await?;
    Ok(with_etag(t.version, Json(t).into_response()))
}

/// `POST /api/v1/admin/teams/{id}` → the team as changed.
pub async fn update_team<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<TeamId>,
    ApiJson(input): ApiJson<TeamChangeInput>,
) -> Result<Response, WebError> {
    let t = state
        .services
        .admin_update_team(&actor, id, &input, version)
        .await?;
    Ok(with_etag(t.version, Json(t).into_response()))
}

/// `POST /api/v1/admin/teams/{id}/closure` → the team, closed from today (it must have no members).
pub async fn close_team<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<TeamId>,
) -> Result<Response, WebError> {
    let t = state.services.admin_close_team(&actor, id, version).await?;
    Ok(with_etag(t.version, Json(t).into_response()))
}

/// `GET /api/v1/admin/organisations?la=` → the partner organisations, active ones first.
pub async fn list_organisations<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    let la = asked_la(q.la.as_deref())?;
    let all = state
        .services
        .admin_organisations(&actor, la.as_ref())
        .await?;
    Ok(Json(all).into_response())
}

/// `POST /api/v1/admin/organisations` → 201 the organisation.
pub async fn create_organisation<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .admin_create_organisation(&actor, &input)
        .await?;
    Ok(with_etag(
        o.version,
        (StatusCode::CREATED, Json(o)).into_response(),
    ))
}

/// `GET /api/v1/admin/organisations/{id}` → the organisation; `ETag` its version.
pub async fn get_organisation<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id<OrganisationId>,
) -> Result<Response, WebError> {
    let o = state.services.admin_organisation(&actor, id).await?;
    Ok(with_etag(o.version, Json(o).into_response()))
}

/// `POST /api/v1/admin/organisations/{id}` → the organisation as changed.
pub async fn update_organisation<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<OrganisationId>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .admin_update_organisation(&actor, id, &input, version)
        .await?;
    Ok(with_etag(o.version, Json(o).into_response()))
}

/// `GET /api/v1/admin/settings/{la}` → the LA's settings; `ETag` their version.
pub async fn get_settings<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(la): Id<LaCode>,
) -> Result<Response, WebError> {
    let s = state.services.admin_settings(&actor, &la).await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

/// `POST /api/v1/admin/settings/{la}` → the settings as changed (a field left out keeps its value).
pub async fn save_settings<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(la): Id<LaCode>,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .admin_save_settings(&actor, &la, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/admin/users",
        "The users working for the administrator's LAs (`la`: one of them), by name, each with its version",
        None,
        ("200", "The users"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/users",
        "Add a user: username, display name, role, LAs (each one the administrator's), agency (partners only), team (an open team of one of the user's LAs)",
        Some("AdminUserInput"),
        ("201", "The user"),
        false,
    ),
    op(
        "get",
        "/api/v1/admin/users/{id}",
        "One user with their API tokens (never the tokens themselves) and their teams over time; the ETag is the user's version",
        None,
        ("200", "The user"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/users/{id}",
        "Change a user's name, role, LAs, agency and team (LAs the administrator does not administer are kept)",
        Some("AdminUserChangeInput"),
        ("200", "The user as changed"),
        true,
    ),
    op(
        "post",
        "/api/v1/admin/users/{id}/disabled",
        "Disable a user (their sessions end and their API tokens are revoked) or enable them: {\"disabled\": true|false}",
        Some("AdminDisabledInput"),
        ("200", "The user"),
        true,
    ),
    op(
        "post",
        "/api/v1/admin/users/{id}/password",
        "Reset a user's password: a new one is made and answered this once; their sessions end",
        None,
        ("200", "{\"password\", \"user\"}"),
        true,
    ),
    op(
        "post",
        "/api/v1/admin/users/{id}/second-factor/removal",
        "Remove a user's second factor (a lost phone): they set up a new one at their next sign-in if their role must have one",
        None,
        ("200", "The user"),
        true,
    ),
    op(
        "post",
        "/api/v1/admin/users/{id}/tokens/revoke",
        "Revoke every API token of a user",
        None,
        ("200", "{\"revoked\", \"user\"}"),
        true,
    ),
    op(
        "get",
        "/api/v1/admin/teams",
        "The teams of the administrator's LAs (`la`: one of them), open ones first, each with its manager and members over time",
        None,
        ("200", "The teams"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/teams",
        "Create a team: LA, name (not one of the LA's open teams'), kind, manager (a team manager or senior leader of the LA)",
        Some("AdminTeamInput"),
        ("201", "The team"),
        false,
    ),
    op(
        "get",
        "/api/v1/admin/teams/{id}",
        "One team with its members over time; the ETag is the team's version",
        None,
        ("200", "The team"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/teams/{id}",
        "Rename a team, or change its kind or manager",
        Some("AdminTeamChangeInput"),
        ("200", "The team as changed"),
        true,
    ),
    op(
        "post",
        "/api/v1/admin/teams/{id}/closure",
        "Close a team from today; it must have no members left",
        None,
        ("200", "The team"),
        true,
    ),
    op(
        "get",
        "/api/v1/admin/organisations",
        "The partner organisations of the administrator's LAs (`la`: one of them), active ones first",
        None,
        ("200", "The organisations"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/organisations",
        "Add a partner organisation to an LA's directory: LA, name (not one of the LA's active organisations'), agency (a partner agency), email and telephone",
        Some("AdminOrganisationInput"),
        ("201", "The organisation"),
        false,
    ),
    op(
        "get",
        "/api/v1/admin/organisations/{id}",
        "One partner organisation; the ETag is its version",
        None,
        ("200", "The organisation"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/organisations/{id}",
        "Change a partner organisation, or make it inactive (`active`: false)",
        Some("AdminOrganisationInput"),
        ("200", "The organisation as changed"),
        true,
    ),
    op(
        "get",
        "/api/v1/admin/settings/{la}",
        "An LA's settings (threshold names, timescales, visit, core group and supervision frequencies, office hours, closure days, manager oversight of decisions); the ETag is their version",
        None,
        ("200", "The settings"),
        false,
    ),
    op(
        "post",
        "/api/v1/admin/settings/{la}",
        "Change an LA's settings; a field left out keeps its value. Its clocks run on the new settings at once",
        Some("AdminSettingsInput"),
        ("200", "The settings as changed"),
        true,
    ),
];

/// The input schemas of this area.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let text = |d: &str| json!({"type": "string", "description": d});
    let list = |d: &str| json!({"type": "array", "items": {"type": "string"}, "description": d});
    vec![
        (
            "AdminUserInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "username": text("Letters, digits and . - _ @; kept in lower case"),
                "display_name": text("Required: the name colleagues know"),
                "role": text("mash-worker | social-worker | team-manager | partner | edt | early-help | reviewing-officer | auditor | senior-leader | admin | inspector | information-governance"),
                "las": list("LA codes, each one the administrator's"),
                "agency": text("Partners only: police | health | education | probation | housing | youth-justice | other"),
                "team_id": text("An open team of one of the user's LAs"),
                "email": text("Optional: the email address the council's identity provider knows them by (single sign-on matches on it); unique")
            }}),
        ),
        (
            "AdminUserChangeInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "display_name": text("Required"),
                "role": text("Required"),
                "las": list("LA codes, each one the administrator's"),
                "agency": text("Partners only"),
                "team_id": text("An open team of one of the user's LAs; blank: no team"),
                "email": text("The email address single sign-on matches them by; blank: none")
            }}),
        ),
        (
            "AdminDisabledInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "disabled": {"type": "boolean"}
            }}),
        ),
        (
            "AdminTeamInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "la": text("Required: one of the administrator's LAs"),
                "name": text("Required"),
                "kind": text("mash | assessment | safeguarding | early-help | edt | gangs-unit | conference-review | quality-assurance (safeguarding if blank)"),
                "manager_id": text("A team manager or senior leader of the LA")
            }}),
        ),
        (
            "AdminTeamChangeInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "name": text("Required"),
                "kind": text(""),
                "manager_id": text("Blank: no manager")
            }}),
        ),
        (
            "AdminOrganisationInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "la": text("When adding: one of the administrator's LAs"),
                "name": text("Required"),
                "agency": text("police | health | education | probation | housing | youth-justice | other"),
                "email": text(""),
                "phone": text(""),
                "active": {"type": "boolean", "description": "When changing: false when the LA no longer works with it"}
            }}),
        ),
        (
            "AdminSettingsInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "threshold_names": list("The names of threshold levels 1 to 4"),
                "rag_red": text("A working timescale: 4 hours, 1 day"),
                "rag_amber": text(""),
                "rag_green": text(""),
                "contact_decision": text(""),
                "referrer_feedback": text(""),
                "cp_visit_every_wd": text("Working days, 1 to 260"),
                "cin_visit_every_wd": text(""),
                "supervision_every_wd": text(""),
                "core_group_every_wd": text(""),
                "office_opens": text("HH:MM, London time"),
                "office_closes": text("HH:MM, London time"),
                "closure_days": list("YYYY-MM-DD: days the offices close besides bank holidays"),
                "decision_needs_manager": {"type": "boolean"},
                "retention": {"type": "array", "description": "Retention periods to change, a row per class (a class left out keeps its period)", "items": {"type": "object", "additionalProperties": false, "properties": {
                    "class": {"type": "string", "enum": ["contact-only", "child-in-need", "child-protection", "looked-after"]},
                    "years": {"type": "string", "description": "Whole years, 1 to 120"},
                    "from": {"type": "string", "enum": ["birth", "last-activity"]},
                    "inactive_years": {"type": "string", "description": "And at least this many years after the last activity (0 to 120)"},
                    "source": {"type": "string", "description": "Required: the regulation or published schedule the period follows"}
                }}}
            }}),
        ),
    ]
}
