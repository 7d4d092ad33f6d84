//! The JSON API for supervision, extra-familial harm flags and the gangs unit, early help step-down and step-up, allocation, closure; and the route table entries of its pages and API.
//!
//! Changes answer `{"id", "version"}` (201 when they create a record, 200 otherwise); refusals are problem
//! documents naming each field (422), 404 for a child (or a record of the child) the caller may not see.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::case_management::{
    AllocationInput, ClosureInput, EarlyHelpInput, EndEarlyHelpInput, EndInput, FlagInput,
    SpecialistInvolvementInput, StepUpInput, SupervisionInput,
};
use domain::ids::PersonId;
use domain::policy::{Action, Area};
use serde_json::{Value, json};
use service::case_management::Saved;
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, Ids, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::case_management as pages;
use crate::routes::{Access, RouteSpec, route};

fn created(s: Saved) -> Response {
    (StatusCode::CREATED, Json(s)).into_response()
}

fn changed(s: Saved) -> Response {
    Json(s).into_response()
}

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    let case = Area::CaseRecords;
    vec![
        // Pages.
        route(
            "supervision-page",
            Method::GET,
            "/supervision",
            Grant(case, Action::View),
            get(pages::supervision_list::<S>),
        ),
        route(
            "new-supervision-page",
            Method::GET,
            "/supervision/new",
            Grant(case, Action::Create),
            get(pages::new_supervision::<S>),
        ),
        route(
            "supervision-form",
            Method::POST,
            "/supervision",
            Grant(case, Action::Create),
            post(pages::record_supervision::<S>),
        ),
        route(
            "case-management-page",
            Method::GET,
            "/children/{id}/case-management",
            Child(Action::View),
            get(crate::pages::form::child_page::<pages::CaseManagement, S>),
        ),
        route(
            "case-flag-form",
            Method::POST,
            "/children/{id}/flags",
            Child(Action::Create),
            post(pages::raise_flag::<S>),
        ),
        route(
            "case-flag-end-form",
            Method::POST,
            "/children/{id}/flags/{flag}/end",
            Child(Action::Update),
            post(pages::end_flag::<S>),
        ),
        route(
            "case-involvement-form",
            Method::POST,
            "/children/{id}/specialist-involvements",
            Child(Action::Create),
            post(pages::add_involvement::<S>),
        ),
        route(
            "case-involvement-end-form",
            Method::POST,
            "/children/{id}/specialist-involvements/{involvement}/end",
            Child(Action::Update),
            post(pages::end_involvement::<S>),
        ),
        route(
            "case-early-help-form",
            Method::POST,
            "/children/{id}/early-help",
            Child(Action::Create),
            post(pages::step_down::<S>),
        ),
        route(
            "case-early-help-oversight-form",
            Method::POST,
            "/children/{id}/early-help/{episode}/oversight",
            Child(Action::Approve),
            post(pages::oversee_early_help::<S>),
        ),
        route(
            "case-early-help-step-up-form",
            Method::POST,
            "/children/{id}/early-help/{episode}/step-up",
            Child(Action::Create),
            post(pages::step_up::<S>),
        ),
        route(
            "case-early-help-end-form",
            Method::POST,
            "/children/{id}/early-help/{episode}/end",
            Child(Action::Update),
            post(pages::end_early_help::<S>),
        ),
        route(
            "case-allocation-form",
            Method::POST,
            "/children/{id}/allocation",
            Child(Action::Update),
            post(pages::allocate::<S>),
        ),
        route(
            "case-closure-form",
            Method::POST,
            "/children/{id}/closure",
            Child(Action::Update),
            post(pages::close_case::<S>),
        ),
        // API.
        route(
            "api-supervisions",
            Method::GET,
            "/api/v1/supervision",
            Grant(case, Action::View),
            get(supervisions::<S>),
        ),
        route(
            "api-record-supervision",
            Method::POST,
            "/api/v1/supervision",
            Grant(case, Action::Create),
            post(record_supervision::<S>),
        ),
        route(
            "api-case-management",
            Method::GET,
            "/api/v1/children/{id}/case-management",
            Child(Action::View),
            get(case_management::<S>),
        ),
        route(
            "api-raise-flag",
            Method::POST,
            "/api/v1/children/{id}/flags",
            Child(Action::Create),
            post(raise_flag::<S>),
        ),
        route(
            "api-end-flag",
            Method::POST,
            "/api/v1/children/{id}/flags/{flag}/end",
            Child(Action::Update),
            post(end_flag::<S>),
        ),
        route(
            "api-specialist-involvement",
            Method::POST,
            "/api/v1/children/{id}/specialist-involvements",
            Child(Action::Create),
            post(add_involvement::<S>),
        ),
        route(
            "api-end-specialist-involvement",
            Method::POST,
            "/api/v1/children/{id}/specialist-involvements/{involvement}/end",
            Child(Action::Update),
            post(end_involvement::<S>),
        ),
        route(
            "api-early-help",
            Method::POST,
            "/api/v1/children/{id}/early-help",
            Child(Action::Create),
            post(step_down::<S>),
        ),
        route(
            "api-early-help-oversight",
            Method::POST,
            "/api/v1/children/{id}/early-help/{episode}/oversight",
            Child(Action::Approve),
            post(oversee_early_help::<S>),
        ),
        route(
            "api-early-help-step-up",
            Method::POST,
            "/api/v1/children/{id}/early-help/{episode}/step-up",
            Child(Action::Create),
            post(step_up::<S>),
        ),
        route(
            "api-early-help-end",
            Method::POST,
            "/api/v1/children/{id}/early-help/{episode}/end",
            Child(Action::Update),
            post(end_early_help::<S>),
        ),
        route(
            "api-allocation",
            Method::POST,
            "/api/v1/children/{id}/allocation",
            Child(Action::Update),
            post(allocate::<S>),
        ),
        route(
            "api-closure",
            Method::POST,
            "/api/v1/children/{id}/closure",
            Child(Action::Update),
            post(close_case::<S>),
        ),
    ]
}

/// `GET /api/v1/supervision` → the caller's supervisions, newest first.
pub async fn supervisions<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
) -> Result<Response, WebError> {
    Ok(Json(state.services.supervisions(&actor).await?).into_response())
}

/// `POST /api/v1/supervision` → 201 `{"id"}`.
pub async fn record_supervision<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<SupervisionInput>,
) -> Result<Response, WebError> {
    let id = state.services.record_supervision(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// `GET /api/v1/children/{id}/case-management`.
pub async fn case_management<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let view = state.services.case_management(&actor, child).await?;
    Ok(with_etag(view.version, Json(view).into_response()))
}

pub async fn raise_flag<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<FlagInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .raise_flag(&actor, child, &input, version)
        .await?;
    Ok(created(s))
}

pub async fn end_flag<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, flag): Ids<PersonId, String>,
    ApiJson(input): ApiJson<EndInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .end_flag(&actor, child, &flag, &input, version)
        .await?;
    Ok(changed(s))
}

pub async fn add_involvement<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<SpecialistInvolvementInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .add_specialist_involvement(&actor, child, &input, version)
        .await?;
    Ok(created(s))
}

pub async fn end_involvement<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, involvement): Ids<PersonId, String>,
    ApiJson(input): ApiJson<EndInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .end_specialist_involvement(&actor, child, &involvement, &input, version)
        .await?;
    Ok(changed(s))
}

pub async fn step_down<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<EarlyHelpInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .step_down(&actor, child, &input, version)
        .await?;
    Ok(created(s))
}

pub async fn oversee_early_help<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, episode): Ids<PersonId, String>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .oversee_early_help(&actor, child, &episode, version)
        .await?;
    Ok(changed(s))
}

pub async fn step_up<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, episode): Ids<PersonId, String>,
    ApiJson(input): ApiJson<StepUpInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .step_up(&actor, child, &episode, &input, version)
        .await?;
    Ok(created(s))
}

pub async fn end_early_help<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, episode): Ids<PersonId, String>,
    ApiJson(input): ApiJson<EndEarlyHelpInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .end_early_help(&actor, child, &episode, &input, version)
        .await?;
    Ok(changed(s))
}

pub async fn allocate<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<AllocationInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .allocate(&actor, child, &input, version)
        .await?;
    Ok(created(s))
}

pub async fn close_case<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<ClosureInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .close_case(&actor, child, &input, version)
        .await?;
    Ok(changed(s))
}

/// This area's API operations, for the OpenAPI document.
pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/supervision",
        "The caller's supervisions (as supervisor or supervisee), newest first, with the cases and actions of children the caller may see and each case's next supervision due (audited)",
        None,
        ("200", "Supervisions"),
        false,
    ),
    op(
        "post",
        "/api/v1/supervision",
        "Record a supervision held by the caller: supervisee, date, reflection, and the cases discussed with their case direction and dated actions (each child checked; all or nothing)",
        Some("SupervisionInput"),
        ("201", "The supervision's id"),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}/case-management",
        "The child's allocation history, extra-familial harm flags, specialist involvements (integrated gangs unit), early help episodes, CIN episodes and closures, and the supervision clock (audited)",
        None,
        ("200", "The case-management view"),
        false,
    ),
    op(
        "post",
        "/api/v1/children/{id}/flags",
        "Raise an extra-familial harm flag (one open flag of each kind)",
        Some("FlagInput"),
        ("201", "The flag's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/flags/{flag}/end",
        "End a flag",
        Some("EndInput"),
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/specialist-involvements",
        "Record a specialist unit's involvement (the integrated gangs unit unless named) with its own worker",
        Some("SpecialistInvolvementInput"),
        ("201", "The involvement's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/specialist-involvements/{involvement}/end",
        "End a specialist unit's involvement",
        Some("EndInput"),
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/early-help",
        "Start an early help episode, perhaps stepped down from a CIN case (next steps required; the CIN episode closed with RC9 if asked, under the closure rule); it waits for management oversight",
        Some("EarlyHelpInput"),
        ("201", "The episode's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/early-help/{episode}/oversight",
        "A manager's oversight of an early help episode",
        None,
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/early-help/{episode}/step-up",
        "Step up to children's social care: a new referral (CIN episode), the episode ended as stepped up, and a case note carrying its history; refused while the child has an open referral",
        Some("StepUpInput"),
        ("201", "The referral's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/early-help/{episode}/end",
        "End an early help episode",
        Some("EndEarlyHelpInput"),
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/allocation",
        "Allocate the case to a worker (a case-holding role of the child's LA), ending the current allocation",
        Some("AllocationInput"),
        ("201", "The allocation's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/closure",
        "Close a CIN episode with its DfE reason (RC1–RC9): refused while a plan is open (`plans`) or a section 47 enquiry has no outcome (`section47`); the open allocation ends on the closure date",
        Some("ClosureInput"),
        ("200", "The closed referral's id and the new version"),
        true,
    ),
];

fn strings(fields: &[(&str, &str)]) -> Value {
    let props: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(f, d)| ((*f).to_owned(), json!({"type": "string", "description": d})))
        .collect();
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

/// This area's request body schemas, for the OpenAPI document.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let action = strings(&[
        ("description", "Required"),
        ("owner", "Required: a person or role"),
        ("due_on", "Required: YYYY-MM-DD"),
    ]);
    let mut case = strings(&[
        ("child_id", "Required: a child the caller may update"),
        ("discussion", "Required"),
        ("direction", "Required: the case direction"),
    ]);
    if let Some(p) = case.get_mut("properties").and_then(Value::as_object_mut) {
        p.insert("actions".into(), json!({"type": "array", "items": action}));
    }
    let mut supervision = strings(&[
        ("supervisee", "Required: a user id of the caller's LA"),
        ("held_on", "YYYY-MM-DD, not in the future; blank for today"),
        ("reflection", "Required"),
    ]);
    if let Some(p) = supervision
        .get_mut("properties")
        .and_then(Value::as_object_mut)
    {
        p.insert("cases".into(), json!({"type": "array", "items": case}));
    }
    let mut early_help = strings(&[
        ("lead_practitioner", "Required"),
        (
            "lead_agency",
            "Required: police | health | education | probation | housing | youth-justice | social-care | other",
        ),
        ("reason", "Required"),
        ("start_date", "YYYY-MM-DD; blank for today"),
        ("next_steps", "Required when stepping down from a CIN case"),
        ("stepped_down_from", "The CIN episode's referral id"),
    ]);
    if let Some(p) = early_help
        .get_mut("properties")
        .and_then(Value::as_object_mut)
    {
        p.insert("close_episode".into(), json!({"type": "boolean", "description": "Close the CIN episode stepped down from (RC9)"}));
    }
    vec![
        ("SupervisionInput", supervision),
        (
            "FlagInput",
            strings(&[
                (
                    "kind",
                    "Required: gang-involvement | criminal-exploitation | sexual-exploitation | missing-episodes",
                ),
                ("from", "YYYY-MM-DD; blank for today"),
                ("notes", ""),
            ]),
        ),
        (
            "EndInput",
            strings(&[("to", "YYYY-MM-DD; blank for today")]),
        ),
        (
            "SpecialistInvolvementInput",
            strings(&[
                ("unit", "Blank for the Integrated gangs unit"),
                ("worker_name", "Required"),
                ("worker_id", "The worker's user id, if they use Frontdoor"),
                ("from", "YYYY-MM-DD; blank for today"),
            ]),
        ),
        ("EarlyHelpInput", early_help),
        (
            "StepUpInput",
            strings(&[
                ("referral_date", "YYYY-MM-DD; blank for today"),
                ("source", "Required: DfE referral source code, e.g. 5D"),
                ("reason", "Required"),
                ("primary_need", "DfE N-code"),
            ]),
        ),
        (
            "EndEarlyHelpInput",
            strings(&[
                ("end_date", "YYYY-MM-DD; blank for today"),
                (
                    "end_reason",
                    "Required: needs-met | declined | moved | other",
                ),
            ]),
        ),
        (
            "AllocationInput",
            strings(&[
                ("worker", "Required: a user id"),
                ("team", "A team id; blank for the worker's team"),
                ("from", "YYYY-MM-DD; blank for today"),
            ]),
        ),
        (
            "ClosureInput",
            strings(&[
                ("referral_id", "Blank for the open CIN episode"),
                ("date", "YYYY-MM-DD; blank for today"),
                ("reason", "Required: RC1–RC9"),
            ]),
        ),
    ]
}
