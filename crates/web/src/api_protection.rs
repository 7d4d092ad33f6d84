//! The JSON API for strategy discussions, section 47 enquiries, conferences and core groups; and the route table entries of its pages and API.
//!
//! Changes may send the version of the child's records the client saw in `If-Match` (the `version` of
//! `GET /api/v1/children/{id}/protection`): with it, a change made meanwhile by someone else answers 409.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ids::{ConferenceId, CoreGroupId, PersonId, Section47Id};
use domain::policy::{Action, Area};
use domain::protection::{ConferenceInput, CoreGroupInput, Section47OutcomeInput, StrategyInput};
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, Ids, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::protection as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::{Child, Grant};
    vec![
        route(
            "protection-page",
            Method::GET,
            "/children/{id}/protection",
            Child(Action::View),
            get(pages::overview::<S>),
        ),
        route(
            "new-strategy-discussion-page",
            Method::GET,
            "/children/{id}/strategy-discussions/new",
            Child(Action::Create),
            get(pages::new_strategy::<S>),
        ),
        route(
            "strategy-discussion-form",
            Method::POST,
            "/children/{id}/strategy-discussions",
            Child(Action::Create),
            post(pages::record_strategy::<S>),
        ),
        route(
            "section47-page",
            Method::GET,
            "/children/{id}/section47s/{s47}",
            Child(Action::Update),
            get(pages::section47::<S>),
        ),
        route(
            "section47-outcome-form",
            Method::POST,
            "/children/{id}/section47s/{s47}/outcome",
            Child(Action::Update),
            post(pages::record_outcome::<S>),
        ),
        route(
            "conference-page",
            Method::GET,
            "/children/{id}/conferences/{conference}",
            Child(Action::Update),
            get(pages::conference::<S>),
        ),
        route(
            "conference-form",
            Method::POST,
            "/children/{id}/conferences/{conference}",
            Child(Action::Update),
            post(pages::record_conference::<S>),
        ),
        route(
            "core-group-page",
            Method::GET,
            "/children/{id}/core-groups/{core_group}",
            Child(Action::Update),
            get(pages::core_group::<S>),
        ),
        route(
            "core-group-form",
            Method::POST,
            "/children/{id}/core-groups/{core_group}",
            Child(Action::Update),
            post(pages::record_core_group::<S>),
        ),
        route(
            "api-protection",
            Method::GET,
            "/api/v1/children/{id}/protection",
            Child(Action::View),
            get(protection::<S>),
        ),
        route(
            "api-record-strategy-discussion",
            Method::POST,
            "/api/v1/strategy-discussions",
            Grant(Area::CaseRecords, Action::Create),
            post(record_strategy_discussion::<S>),
        ),
        route(
            "api-child-strategy-discussion",
            Method::POST,
            "/api/v1/children/{id}/strategy-discussions",
            Child(Action::Create),
            post(record_child_strategy_discussion::<S>),
        ),
        route(
            "api-section47-outcome",
            Method::POST,
            "/api/v1/children/{id}/section47s/{s47}/outcome",
            Child(Action::Update),
            post(record_section47_outcome::<S>),
        ),
        route(
            "api-conference",
            Method::POST,
            "/api/v1/children/{id}/conferences/{conference}",
            Child(Action::Update),
            post(record_conference::<S>),
        ),
        route(
            "api-core-group",
            Method::POST,
            "/api/v1/children/{id}/core-groups/{core_group}",
            Child(Action::Update),
            post(record_core_group::<S>),
        ),
    ]
}

/// This area's API operations, for the OpenAPI document.
pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/children/{id}/protection",
        "The child's protection record: strategy discussions (with `partner_flag` and their actions), section 47 enquiries (with the ICPC clock), conferences (unheld ones with their clock), child protection plans with core groups and the next review; `version` is what to send in `If-Match` (audited)",
        None,
        ("200", "The protection record"),
        false,
    ),
    op(
        "post",
        "/api/v1/strategy-discussions",
        "Record a strategy discussion about the child in `child_id`: participants, agencies that did not take part and why (police, health and education are expected), information shared, the decision (a section 47 enquiry starts with its ICPC due 15 working days later) and actions each with an owner and a due date",
        Some("StrategyInput"),
        (
            "201",
            "{id, section47_id?, icpc_due_on?, partner_flag, partner_flag_label, out_of_hours, action_ids, version}",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/strategy-discussions",
        "Record a strategy discussion about this child (the same body without `child_id`)",
        Some("StrategyInput"),
        (
            "201",
            "{id, section47_id?, icpc_due_on?, partner_flag, partner_flag_label, out_of_hours, action_ids, version}",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/section47s/{s47}/outcome",
        "The outcome of a section 47 enquiry; when an initial child protection conference is required, it is scheduled on the enquiry's ICPC date",
        Some("Section47OutcomeInput"),
        (
            "200",
            "{section47_id, conference_id?, icpc_due_on?, version}",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/conferences/{conference}",
        "Record a scheduled conference. Initial: `cp-plan` makes the child protection plan (category, needs, desired outcomes, dated actions) and schedules the first core group (10 working days) and review conference (3 months); `no-plan`. Review: `continue-plan` (latest category; next review within 6 months) or `end-plan` (with `end_reason`)",
        Some("ConferenceInput"),
        (
            "200",
            "{conference_id, plan_id?, action_ids, core_group_id?, core_group_due_on?, next_review_conference_id?, next_review_on?, plan_ended_on?, version}",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/core-groups/{core_group}",
        "Record a scheduled core group meeting; the next is scheduled while the plan is open",
        Some("CoreGroupInput"),
        (
            "200",
            "{core_group_id, next_core_group_id?, next_due_on?, version}",
        ),
        true,
    ),
];

/// The attendance and partner reports of a meeting (conference, core group, plan review), for the OpenAPI
/// document.
pub(crate) fn meeting_schemas() -> (Value, Value) {
    let s = |d: &str| json!({"type": "string", "description": d});
    let attendance = json!({"type": "array", "description": "Who was invited and whether they came (optional)", "items": {"type": "object", "additionalProperties": false, "properties": {
        "name": s("Required"),
        "agency": s("social-care | family | child | police | health | education | probation | housing | youth-justice | other"),
        "role": s("Required: chair, social worker, parent, child, GP, teacher, police officer, health visitor…"),
        "attended": {"type": "boolean", "description": "false: sent apologies (default: true)"},
    }}});
    let reports = json!({"type": "array", "description": "Reports partner agencies sent for the meeting (optional)", "items": {"type": "object", "additionalProperties": false, "properties": {
        "agency": s("police | health | education | probation | housing | youth-justice | social-care | other"),
        "from": s("Required: who sent it"),
        "received_on": s("Required: YYYY-MM-DD, on or before the meeting"),
        "shared_with_family": {"type": "boolean", "description": "Whether it was shared with the family before the meeting"},
    }}});
    (attendance, reports)
}

/// This area's request body schemas, for the OpenAPI document.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let s = |d: &str| json!({"type": "string", "description": d});
    let (attendance, reports) = meeting_schemas();
    let action = json!({"type": "object", "additionalProperties": false, "properties": {
        "description": s("Required"),
        "owner": s("Required: a person or role"),
        "due_on": s("Required: YYYY-MM-DD, on or after the meeting"),
    }});
    vec![
        (
            "StrategyInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "child_id": s("The child (POST /api/v1/strategy-discussions only)"),
                "held_at": s("RFC 3339, or London local YYYY-MM-DDTHH:MM; not in the future"),
                "out_of_hours": {"type": "boolean", "description": "Default: worked out from the LA's working hours"},
                "participants": {"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": {
                    "name": s("Required"),
                    "agency": s("police | health | education | probation | housing | youth-justice | social-care | other"),
                    "role": s(""),
                }}},
                "absent_agencies": {"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": {
                    "agency": s("An agency that did not take part"),
                    "reason": s("Why (required)"),
                }}},
                "information_shared": s("Required"),
                "decision": s("section-47 | no-section-47"),
                "alternative": s("Required with no-section-47: what happens instead"),
                "actions": {"type": "array", "items": action.clone()},
                "review_of": s("A review strategy meeting: the first discussion's id"),
                "progress": {"type": "array", "description": "A review strategy meeting: one entry for every open action of the discussion it reviews", "items": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"action_id": s("Required"), "progress": s("Required"), "status": s("open | done | cancelled")}
                }},
                "referral_id": s("Default: the child's open referral"),
            }}),
        ),
        (
            "Section47OutcomeInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "outcome_date": s("YYYY-MM-DD, not before the enquiry started"),
                "outcome": s("not-substantiated | substantiated-not-at-risk | substantiated-at-risk"),
                "icpc_required": {"type": "boolean", "description": "Required"},
                "findings": s("Required: what the enquiry found"),
                "child_seen": {"type": "boolean", "description": "Required: whether the child was seen"},
                "child_seen_alone": {"type": "boolean", "description": "Required when the child was seen"},
                "seen_on": s("YYYY-MM-DD: when the child was seen (optional), during the enquiry"),
                "not_seen_reason": s("Required when the child was not seen, or not seen alone: why"),
                "analysis": s("Required: the analysis of what was found"),
            }}),
        ),
        (
            "ConferenceInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "held_on": s("YYYY-MM-DD; required, not in the future"),
                "outcome": s("initial: cp-plan | no-plan; review: continue-plan | end-plan"),
                "category": s("NEG | PHY | SAB | EMO | MUL; required for cp-plan and continue-plan"),
                "chair": s("The chair's user id (default: the caller)"),
                "needs": s("cp-plan: required"),
                "desired_outcomes": s("cp-plan: required"),
                "actions": {"type": "array", "items": action},
                "end_reason": s("end-plan: required"),
                "attendance": attendance.clone(),
                "partner_reports": reports.clone(),
            }}),
        ),
        (
            "CoreGroupInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "held_on": s("YYYY-MM-DD; required, not in the future"),
                "attendees": s("Who attended, as written: required unless attendance lists them"),
                "notes": s(""),
                "attendance": attendance,
                "partner_reports": reports,
            }}),
        ),
    ]
}

fn created(body: impl serde::Serialize, child: PersonId) -> Response {
    let mut r = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/children/{child}/protection")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `GET /api/v1/children/{id}/protection`.
pub async fn protection<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let view = state.services.protection(&actor, child).await?;
    Ok(with_etag(view.version, Json(view).into_response()))
}

/// `POST /api/v1/strategy-discussions` → 201.
pub async fn record_strategy_discussion<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<StrategyInput>,
) -> Result<Response, WebError> {
    let recorded = state
        .services
        .record_strategy_discussion_for_child_in_body(&actor, &input, version)
        .await?;
    let child = recorded.child_id;
    Ok(created(recorded, child))
}

/// `POST /api/v1/children/{id}/strategy-discussions` → 201.
pub async fn record_child_strategy_discussion<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<StrategyInput>,
) -> Result<Response, WebError> {
    let recorded = state
        .services
        .record_strategy_discussion(&actor, child, &input, version)
        .await?;
    Ok(created(recorded, child))
}

/// `POST /api/v1/children/{id}/section47s/{s47}/outcome`.
pub async fn record_section47_outcome<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Ids(child, s47): Ids<PersonId, Option<Section47Id>>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<Section47OutcomeInput>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .record_section47_outcome(&actor, child, s47, &input, version)
        .await?;
    Ok(Json(r).into_response())
}

/// `POST /api/v1/children/{id}/conferences/{conference}`.
pub async fn record_conference<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Ids(child, conference): Ids<PersonId, Option<ConferenceId>>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<ConferenceInput>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .record_conference(&actor, child, conference, &input, version)
        .await?;
    Ok(Json(r).into_response())
}

/// `POST /api/v1/children/{id}/core-groups/{core_group}`.
pub async fn record_core_group<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Ids(child, core_group): Ids<PersonId, Option<CoreGroupId>>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<CoreGroupInput>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .record_core_group(&actor, child, core_group, &input, version)
        .await?;
    Ok(Json(r).into_response())
}
