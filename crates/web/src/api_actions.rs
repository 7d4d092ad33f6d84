//! The JSON API for carrying actions to completion, and the route table entries of the actions page and the API.
//!
//! `POST /api/v1/actions/{id}/done` marks any action done (of a strategy discussion, a plan, a supervision or a
//! case-file audit); `POST /api/v1/actions/{id}/redate` moves its due date. Both answer 200 `{"id", "version"}`:
//! the action and the new version of its child's records (which `If-Match` takes). `GET
//! /api/v1/children/{id}/actions` lists the child's actions with their history.

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::actions::{DoneInput, RedateInput};
use domain::ids::{ActionId, PersonId};
use domain::policy::Action;
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::actions as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its page and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    vec![
        route(
            "actions-page",
            Method::GET,
            "/children/{id}/actions",
            Child(Action::View),
            get(pages::actions::<S>),
        ),
        route(
            "action-done-form",
            Method::POST,
            "/children/{id}/actions/{action}/done",
            Child(Action::Update),
            post(pages::mark_done::<S>),
        ),
        route(
            "action-redate-form",
            Method::POST,
            "/children/{id}/actions/{action}/redate",
            Child(Action::Update),
            post(pages::redate::<S>),
        ),
        route(
            "api-child-actions",
            Method::GET,
            "/api/v1/children/{id}/actions",
            Child(Action::View),
            get(child_actions::<S>),
        ),
        route(
            "api-action-done",
            Method::POST,
            "/api/v1/actions/{id}/done",
            CaseAction(Action::Update),
            post(mark_done::<S>),
        ),
        route(
            "api-action-redate",
            Method::POST,
            "/api/v1/actions/{id}/redate",
            CaseAction(Action::Update),
            post(redate::<S>),
        ),
    ]
}

/// `GET /api/v1/children/{id}/actions` → the child's actions with their history (audited).
pub async fn child_actions<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let view = state.services.child_actions(&actor, child).await?;
    Ok(with_etag(view.version, Json(view).into_response()))
}

/// `POST /api/v1/actions/{id}/done` → 200 `{"id", "version"}`.
pub async fn mark_done<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(action): Id<ActionId>,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .mark_action_done(&actor, action, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

/// `POST /api/v1/actions/{id}/redate` → 200 `{"id", "version"}`.
pub async fn redate<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(action): Id<ActionId>,
    ApiJson(input): ApiJson<RedateInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .redate_action(&actor, action, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/children/{id}/actions",
        "The child's actions (strategy discussions, plans, supervision, case-file audits): open ones soonest due first, each with who owns it, when it is due, how often it was re-dated (twice: flagged for the manager) and its history (audited)",
        None,
        ("200", "The actions"),
        false,
    ),
    op(
        "post",
        "/api/v1/actions/{id}/done",
        "Mark an action done: what was done (note, required) and when (done_on, today unless given). The version in If-Match is that of the action's child's records",
        Some("DoneInput"),
        ("200", "The action's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/actions/{id}/redate",
        "Move an open action's due date (due_on), with the reason; the second re-dating flags it for the manager",
        Some("RedateInput"),
        ("200", "The action's id and the new version"),
        true,
    ),
];

pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "DoneInput",
            json!({"type": "object", "properties": {
                "note": {"type": "string", "description": "Required: what was done"},
                "done_on": {"type": "string", "format": "date", "description": "YYYY-MM-DD; today if not given"}
            }}),
        ),
        (
            "RedateInput",
            json!({"type": "object", "properties": {
                "due_on": {"type": "string", "format": "date", "description": "Required: the new due date, YYYY-MM-DD"},
                "reason": {"type": "string", "description": "Required: why it moves"}
            }}),
        ),
    ]
}
