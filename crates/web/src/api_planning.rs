//! The JSON API for child and family assessments, CIN and CP plans with actions and reviews, visits; and the route table entries of its pages and API.
//!
//! Every route is about one child (`{id}`); a second id (`{assessment}`, `{plan}`) names one of the child's
//! records, and one that is not the child's answers 404 like a child out of reach. Each handler calls one
//! service function, which reads the child's case file through an audited view first.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ids::{AssessmentId, PersonId, PlanId};
use domain::planning::{
    AssessmentInput, EndPlanInput, PlanActionsInput, PlanInput, ReviewInput, VisitInput,
};
use domain::policy::Action;
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, Ids, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::planning as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::Child;
    vec![
        // Pages.
        route(
            "planning-page",
            Method::GET,
            "/children/{id}/plans",
            Child(Action::View),
            get(pages::overview::<S>),
        ),
        route(
            "new-assessment-page",
            Method::GET,
            "/children/{id}/assessments/new",
            Child(Action::Create),
            get(pages::new_assessment::<S>),
        ),
        route(
            "assessment-form",
            Method::POST,
            "/children/{id}/assessments",
            Child(Action::Create),
            post(pages::record_assessment::<S>),
        ),
        route(
            "edit-assessment-page",
            Method::GET,
            "/children/{id}/assessments/{assessment}",
            Child(Action::Update),
            get(pages::edit_assessment::<S>),
        ),
        route(
            "update-assessment-form",
            Method::POST,
            "/children/{id}/assessments/{assessment}",
            Child(Action::Update),
            post(pages::update_assessment::<S>),
        ),
        route(
            "authorise-assessment-form",
            Method::POST,
            "/children/{id}/assessments/{assessment}/authorisation",
            Child(Action::Approve),
            post(pages::authorise_assessment::<S>),
        ),
        route(
            "new-plan-page",
            Method::GET,
            "/children/{id}/plans/new",
            Child(Action::Create),
            get(pages::new_plan::<S>),
        ),
        route(
            "plan-form",
            Method::POST,
            "/children/{id}/plans",
            Child(Action::Create),
            post(pages::create_plan::<S>),
        ),
        route(
            "plan-actions-page",
            Method::GET,
            "/children/{id}/plans/{plan}/actions",
            Child(Action::Create),
            get(pages::plan_actions_page::<S>),
        ),
        route(
            "plan-actions-form",
            Method::POST,
            "/children/{id}/plans/{plan}/actions",
            Child(Action::Create),
            post(pages::add_plan_actions::<S>),
        ),
        route(
            "plan-review-page",
            Method::GET,
            "/children/{id}/plans/{plan}/review",
            Child(Action::Create),
            get(pages::review_page::<S>),
        ),
        route(
            "plan-review-form",
            Method::POST,
            "/children/{id}/plans/{plan}/reviews",
            Child(Action::Create),
            post(pages::review_plan::<S>),
        ),
        route(
            "end-plan-page",
            Method::GET,
            "/children/{id}/plans/{plan}/end",
            Child(Action::Update),
            get(pages::end_plan_page::<S>),
        ),
        route(
            "end-plan-form",
            Method::POST,
            "/children/{id}/plans/{plan}/end",
            Child(Action::Update),
            post(pages::end_plan::<S>),
        ),
        route(
            "new-visit-page",
            Method::GET,
            "/children/{id}/visits/new",
            Child(Action::Create),
            get(pages::new_visit::<S>),
        ),
        route(
            "visit-form",
            Method::POST,
            "/children/{id}/visits",
            Child(Action::Create),
            post(pages::record_visit::<S>),
        ),
        // The API.
        route(
            "api-planning",
            Method::GET,
            "/api/v1/children/{id}/plans",
            Child(Action::View),
            get(planning::<S>),
        ),
        route(
            "api-record-assessment",
            Method::POST,
            "/api/v1/children/{id}/assessments",
            Child(Action::Create),
            post(record_assessment::<S>),
        ),
        route(
            "api-update-assessment",
            Method::POST,
            "/api/v1/children/{id}/assessments/{assessment}",
            Child(Action::Update),
            post(update_assessment::<S>),
        ),
        route(
            "api-authorise-assessment",
            Method::POST,
            "/api/v1/children/{id}/assessments/{assessment}/authorisation",
            Child(Action::Approve),
            post(authorise_assessment::<S>),
        ),
        route(
            "api-create-plan",
            Method::POST,
            "/api/v1/children/{id}/plans",
            Child(Action::Create),
            post(create_plan::<S>),
        ),
        route(
            "api-plan-actions",
            Method::POST,
            "/api/v1/children/{id}/plans/{plan}/actions",
            Child(Action::Create),
            post(add_plan_actions::<S>),
        ),
        route(
            "api-plan-review",
            Method::POST,
            "/api/v1/children/{id}/plans/{plan}/reviews",
            Child(Action::Create),
            post(review_plan::<S>),
        ),
        route(
            "api-end-plan",
            Method::POST,
            "/api/v1/children/{id}/plans/{plan}/end",
            Child(Action::Update),
            post(end_plan::<S>),
        ),
        route(
            "api-record-visit",
            Method::POST,
            "/api/v1/children/{id}/visits",
            Child(Action::Create),
            post(record_visit::<S>),
        ),
    ]
}

/// This area's API operations, for the OpenAPI document.
pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/children/{id}/plans",
        "A child's assessments (with the 45-working-day clock and authorisation), plans with their actions (owner, due date, status, overdue), reviews with progress, visits, the next visit due (at the LA's frequency for the plan's kind) and the next review due (audited)",
        None,
        ("200", "The planning overview"),
        false,
    ),
    op(
        "post",
        "/api/v1/children/{id}/assessments",
        "Start a child and family assessment on the child's open referral (or `referral_id`); due 45 working days from the referral; the child's wishes and feelings are required",
        Some("AssessmentInput"),
        ("201", "The assessment"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/assessments/{assessment}",
        "Change an assessment (the whole assessment again, same rules); not once authorised",
        Some("AssessmentInput"),
        ("200", "The assessment"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/assessments/{assessment}/authorisation",
        "A team manager authorises an assessment whose outcome is recorded (once)",
        None,
        (
            "200",
            "The assessment, with `authorised_by` and `authorised_on`",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/plans",
        "Make a child in need plan on the open referral, with dated actions (each with an owner and a due date); a child protection plan is made at an initial child protection conference instead",
        Some("PlanInput"),
        ("201", "The plan with its actions"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/plans/{plan}/actions",
        "Add dated actions to an open plan (child in need or child protection)",
        Some("PlanActionsInput"),
        ("201", "The actions added"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/plans/{plan}/reviews",
        "Review a plan: progress (and status) on every open action, the next review date (or `end_plan`), new actions",
        Some("ReviewInput"),
        (
            "201",
            "The review, the plan and the actions changed or added",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/plans/{plan}/end",
        "End a plan (child in need or child protection); its open actions are cancelled",
        Some("EndPlanInput"),
        ("200", "The plan and the actions cancelled"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/visits",
        "Record a visit to the child (under the open plan unless `plan_id` says otherwise); wishes and feelings are required when the child was seen",
        Some("VisitInput"),
        ("201", "The visit, with the next visit due under its plan"),
        true,
    ),
];

/// This area's request body schemas, for the OpenAPI document.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    fn s(d: &str) -> Value {
        json!({"type": "string", "description": d})
    }
    fn b(d: &str) -> Value {
        json!({"type": "boolean", "description": d})
    }
    let (attendance, reports) = crate::api_protection::meeting_schemas();
    let action = json!({
        "type": "object", "additionalProperties": false,
        "properties": {"description": s("Required"), "owner": s("Required: a person or role"), "due_on": s("Required, YYYY-MM-DD")}
    });
    let actions =
        json!({"type": "array", "items": action, "description": "Wholly blank rows are skipped"});
    vec![
        (
            "AssessmentInput",
            json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "referral_id": s("Default: the child's open referral"),
                    "start_date": s("Required, YYYY-MM-DD: not before the referral, not in the future"),
                    "child_seen": b("The child was seen"),
                    "child_seen_alone": b("The child was seen alone (implies seen)"),
                    "wishes_and_feelings": s("Required: the child's wishes and feelings"),
                    "identity_and_culture": s(""), "sources_of_information": s(""),
                    "history_considered": s(""), "risk_factors": s(""), "protective_factors": s(""),
                    "safety_goals": s(""),
                    "scaling": {"type": ["integer", "string"], "minimum": 0, "maximum": 10, "description": "Safety scaling 0-10"},
                    "factors": {"type": "array", "items": {"type": "string"}, "description": "DfE assessment factor codes, e.g. 13A (gangs), 24A (criminal exploitation)"},
                    "outcome": s("nfa | early-help | cin-plan | strategy-discussion | looked-after | other-service; required before authorisation")
                }
            }),
        ),
        (
            "PlanInput",
            json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "kind": s("cin (the default); cp is refused"),
                    "referral_id": s("Default: the child's open referral"),
                    "start_date": s("Required, YYYY-MM-DD"),
                    "needs": s("Required"), "desired_outcomes": s("Required"),
                    "next_review_on": s("Required, after the start"),
                    "actions": actions
                }
            }),
        ),
        (
            "PlanActionsInput",
            json!({"type": "object", "additionalProperties": false, "properties": {"actions": actions}}),
        ),
        (
            "ReviewInput",
            json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "held_on": s("Required, YYYY-MM-DD"),
                    "summary": s("Required"),
                    "progress": {"type": "array", "description": "One entry for every open action of the plan", "items": {
                        "type": "object", "additionalProperties": false,
                        "properties": {"action_id": s("Required"), "progress": s("Required"), "status": s("open | done | cancelled")}
                    }},
                    "next_review_on": s("Required unless end_plan"),
                    "end_plan": b("The plan ends at this review"),
                    "end_reason": s("Required when end_plan"),
                    "actions": actions,
                    "attendance": attendance,
                    "partner_reports": reports
                }
            }),
        ),
        (
            "EndPlanInput",
            json!({"type": "object", "additionalProperties": false, "properties": {"end_date": s("Required, YYYY-MM-DD"), "end_reason": s("Required")}}),
        ),
        (
            "VisitInput",
            json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "visited_on": s("Required, YYYY-MM-DD, not in the future"),
                    "kind": s("cp | cin | assessment | section-47 | other; default from the open plan"),
                    "plan_id": s("Default: the open plan"),
                    "child_seen": b(""), "seen_alone": b("Implies seen"), "bedroom_seen": b(""),
                    "wishes_and_feelings": s("Required when the child was seen"),
                    "observations": s("Required")
                }
            }),
        ),
    ]
}

fn created(v: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// `GET /api/v1/children/{id}/plans`.
pub async fn planning<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let o = state.services.planning(&actor, child).await?;
    Ok(with_etag(o.version, Json(o).into_response()))
}

/// `POST /api/v1/children/{id}/assessments` → 201.
pub async fn record_assessment<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<AssessmentInput>,
) -> Result<Response, WebError> {
    let a = state
        .services
        .record_assessment(&actor, child, &input, version)
        .await?;
    Ok(created(a))
}

/// `POST /api/v1/children/{id}/assessments/{assessment}`.
pub async fn update_assessment<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, assessment): Ids<PersonId, Option<AssessmentId>>,
    ApiJson(input): ApiJson<AssessmentInput>,
) -> Result<Response, WebError> {
    let a = state
        .services
        .update_assessment(&actor, child, assessment, &input, version)
        .await?;
    Ok(Json(a).into_response())
}

/// `POST /api/v1/children/{id}/assessments/{assessment}/authorisation`.
pub async fn authorise_assessment<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, assessment): Ids<PersonId, Option<AssessmentId>>,
) -> Result<Response, WebError> {
    let a = state
        .services
        .authorise_assessment(&actor, child, assessment, version)
        .await?;
    Ok(Json(a).into_response())
}

/// `POST /api/v1/children/{id}/plans` → 201 with the plan and its actions.
pub async fn create_plan<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<PlanInput>,
) -> Result<Response, WebError> {
    let made = state
        .services
        .create_plan(&actor, child, &input, version)
        .await?;
    let mut body = serde_json::to_value(&made.plan).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut body {
        m.insert("actions".into(), json!(made.actions));
    }
    Ok(created(body))
}

/// `POST /api/v1/children/{id}/plans/{plan}/actions` → 201 with the actions added.
pub async fn add_plan_actions<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
    ApiJson(input): ApiJson<PlanActionsInput>,
) -> Result<Response, WebError> {
    let actions = state
        .services
        .add_plan_actions(&actor, child, plan, &input, version)
        .await?;
    Ok(created(json!({ "actions": actions })))
}

/// `POST /api/v1/children/{id}/plans/{plan}/reviews` → 201.
pub async fn review_plan<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Response, WebError> {
    let c = state
        .services
        .review_plan(&actor, child, plan, &input, version)
        .await?;
    Ok(created(json!({
        "review": c.review,
        "plan": c.plan,
        "updated_actions": c.updated_actions,
        "new_actions": c.new_actions,
    })))
}

/// `POST /api/v1/children/{id}/plans/{plan}/end`.
pub async fn end_plan<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
    ApiJson(input): ApiJson<EndPlanInput>,
) -> Result<Response, WebError> {
    let e = state
        .services
        .end_plan(&actor, child, plan, &input, version)
        .await?;
    Ok(Json(json!({ "plan": e.plan, "cancelled_actions": e.cancelled })).into_response())
}

/// `POST /api/v1/children/{id}/visits` → 201 with the next visit due.
pub async fn record_visit<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<VisitInput>,
) -> Result<Response, WebError> {
    let v = state
        .services
        .record_visit(&actor, child, &input, version)
        .await?;
    Ok(created(v))
}
