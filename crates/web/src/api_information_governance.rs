//! The JSON API for information governance, and the route table entries of its pages and API: a child's
//! restriction (read, restrict to named users with a reason, lift), break-glass access to a restricted record, and
//! the information governance overview of restricted records and break-glass uses.

use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ids::PersonId;
use domain::information_governance::{ReasonInput, RestrictionInput};
use domain::policy::{Action, Area};
use domain::retention::HoldInput;
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::information_governance as pages;
use crate::pages::retention as retention_pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    let ig = Area::InformationGovernance;
    let case = Area::CaseRecords;
    vec![
        route(
            "information-governance-page",
            Method::GET,
            "/information-governance",
            Grant(ig, Action::View),
            get(pages::overview::<S>),
        ),
        route(
            "restriction-page",
            Method::GET,
            "/children/{id}/restriction",
            Grant(ig, Action::Update),
            get(pages::restriction::<S>),
        ),
        route(
            "restriction-form",
            Method::POST,
            "/children/{id}/restriction",
            Grant(ig, Action::Update),
            post(pages::restrict::<S>),
        ),
        route(
            "restriction-lift-form",
            Method::POST,
            "/children/{id}/restriction/lift",
            Grant(ig, Action::Update),
            post(pages::lift::<S>),
        ),
        route(
            "break-glass-page",
            Method::GET,
            "/children/{id}/break-glass",
            Grant(case, Action::View),
            get(pages::break_glass_form::<S>),
        ),
        route(
            "break-glass-form",
            Method::POST,
            "/children/{id}/break-glass",
            Grant(case, Action::View),
            post(pages::break_glass::<S>),
        ),
        route(
            "subject-access-page",
            Method::GET,
            "/information-governance/subject-access",
            Grant(ig, Action::View),
            get(pages::subject_access::<S>),
        ),
        route(
            "subject-access-bundle",
            Method::GET,
            "/information-governance/subject-access/{id}/bundle.pdf",
            Grant(ig, Action::View),
            get(pages::subject_access_bundle::<S>),
        ),
        route(
            "api-subject-access",
            Method::GET,
            "/api/v1/information-governance/subject-access/{id}",
            Grant(ig, Action::View),
            get(subject_access::<S>),
        ),
        route(
            "api-information-governance",
            Method::GET,
            "/api/v1/information-governance",
            Grant(ig, Action::View),
            get(overview::<S>),
        ),
        route(
            "api-record-access",
            Method::GET,
            "/api/v1/information-governance/access",
            Grant(ig, Action::View),
            get(record_access::<S>),
        ),
        route(
            "api-child-restriction-read",
            Method::GET,
            "/api/v1/children/{id}/restriction",
            Grant(ig, Action::Update),
            get(restriction::<S>),
        ),
        route(
            "api-child-restriction",
            Method::POST,
            "/api/v1/children/{id}/restriction",
            Grant(ig, Action::Update),
            post(restrict::<S>),
        ),
        route(
            "api-child-restriction-lift",
            Method::POST,
            "/api/v1/children/{id}/restriction/lift",
            Grant(ig, Action::Update),
            post(lift::<S>),
        ),
        route(
            "api-break-glass",
            Method::POST,
            "/api/v1/children/{id}/break-glass",
            Grant(case, Action::View),
            post(break_glass::<S>),
        ),
        route(
            "retention-page",
            Method::GET,
            "/information-governance/retention",
            Grant(Area::Retention, Action::View),
            get(retention_pages::retention::<S>),
        ),
        route(
            "legal-hold-form",
            Method::POST,
            "/information-governance/retention/holds",
            Grant(Area::Retention, Action::Update),
            post(retention_pages::place_hold::<S>),
        ),
        route(
            "legal-hold-lift-form",
            Method::POST,
            "/information-governance/retention/holds/{id}/lift",
            Grant(Area::Retention, Action::Update),
            post(retention_pages::lift_hold::<S>),
        ),
        route(
            "retention-deletion-form",
            Method::POST,
            "/information-governance/retention/deletions",
            Grant(Area::Retention, Action::Update),
            post(retention_pages::delete_due::<S>),
        ),
        route(
            "api-retention",
            Method::GET,
            "/api/v1/information-governance/retention",
            Grant(Area::Retention, Action::View),
            get(retention::<S>),
        ),
        route(
            "api-legal-hold-create",
            Method::POST,
            "/api/v1/information-governance/retention/holds",
            Grant(Area::Retention, Action::Update),
            post(place_hold::<S>),
        ),
        route(
            "api-legal-hold",
            Method::GET,
            "/api/v1/information-governance/retention/holds/{id}",
            Grant(Area::Retention, Action::View),
            get(legal_hold::<S>),
        ),
        route(
            "api-legal-hold-lift",
            Method::POST,
            "/api/v1/information-governance/retention/holds/{id}/lift",
            Grant(Area::Retention, Action::Update),
            post(lift_hold::<S>),
        ),
        route(
            "api-retention-deletions",
            Method::POST,
            "/api/v1/information-governance/retention/deletions",
            Grant(Area::Retention, Action::Update),
            post(delete_due::<S>),
        ),
    ]
}

/// `GET /api/v1/information-governance/retention?la=CODE` → the dry-run report of one of the caller's LAs.
pub async fn retention<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    axum::extract::Query(q): axum::extract::Query<crate::api_admin::LaParams>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .retention_report(&actor, q.la.as_deref())
        .await?;
    Ok(Json(r).into_response())
}

/// `POST /api/v1/information-governance/retention/holds {"child_id", "reason"}` → 201 the hold.
pub async fn place_hold<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<HoldInput>,
) -> Result<Response, WebError> {
    let h = state.services.place_legal_hold(&actor, &input).await?;
    let mut r = with_etag(h.version, Json(h).into_response());
    *r.status_mut() = axum::http::StatusCode::CREATED;
    Ok(r)
}

fn hold_id(id: &str) -> Result<uuid::Uuid, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// `GET /api/v1/information-governance/retention/holds/{id}` → the hold; `ETag` its version.
pub async fn legal_hold<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let h = state.services.legal_hold(&actor, hold_id(&id)?).await?;
    Ok(with_etag(h.version, Json(h).into_response()))
}

/// `POST /api/v1/information-governance/retention/holds/{id}/lift {"reason"}` (`If-Match`) → 200 the hold, lifted.
pub async fn lift_hold<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Response, WebError> {
    let h = state
        .services
        .lift_legal_hold(&actor, hold_id(&id)?, &input, version)
        .await?;
    Ok(with_etag(h.version, Json(h).into_response()))
}

/// A deletion run as sent: the LA and the version of the dry-run report it was decided on.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionInput {
    pub la: Option<String>,
    pub report: Option<String>,
}

/// `POST /api/v1/information-governance/retention/deletions {"la", "report"}` → 200 the stubs of the files
/// deleted; 409 when the files due are no longer those the report listed.
pub async fn delete_due<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<DeletionInput>,
) -> Result<Response, WebError> {
    let run = state
        .services
        .run_retention(
            &actor,
            input.la.as_deref(),
            input.report.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(run).into_response())
}

/// `GET /api/v1/information-governance` → the restricted records and break-glass uses in the caller's LAs.
pub async fn overview<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
) -> Result<Response, WebError> {
    let o = state.services.information_governance(&actor).await?;
    Ok(Json(o).into_response())
}

/// `?from=DATE&to=DATE`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct PeriodParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /api/v1/information-governance/access?from=&to=` → who opened children's records in the period, and how
/// many outside their caseload (unusual ones first).
pub async fn record_access<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    axum::extract::Query(q): axum::extract::Query<PeriodParams>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .record_access(&actor, q.from.as_deref(), q.to.as_deref())
        .await?;
    Ok(Json(r).into_response())
}

/// `GET /api/v1/children/{id}/restriction` → the restriction; `ETag` its version.
pub async fn restriction<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let r = state.services.restriction(&actor, child).await?;
    Ok(with_etag(r.version, Json(r).into_response()))
}

/// `POST /api/v1/children/{id}/restriction {"allowed_users", "reason"}` → 200 the restriction.
pub async fn restrict<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<RestrictionInput>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .restrict_child(&actor, child, &input, version)
        .await?;
    Ok(with_etag(r.version, Json(r).into_response()))
}

/// `POST /api/v1/children/{id}/restriction/lift {"reason"}` → 200 the restriction, lifted.
pub async fn lift<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Response, WebError> {
    let r = state
        .services
        .lift_restriction(&actor, child, &input, version)
        .await?;
    Ok(with_etag(r.version, Json(r).into_response()))
}

/// `POST /api/v1/children/{id}/break-glass {"reason"}` → 200 the child's record, this once.
pub async fn break_glass<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Response, WebError> {
    let r = state.services.break_glass(&actor, child, &input).await?;
    Ok(Json(r).into_response())
}

/// `GET /api/v1/information-governance/subject-access/{id}` → everything held about the person, other people's
/// information marked for redaction (what `frontdoor sar` writes as `subject.json`).
pub async fn subject_access<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(person): Id<PersonId>,
) -> Result<Response, WebError> {
    Ok(Json(state.services.subject_access(&actor, person).await?).into_response())
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/information-governance/retention",
        "The retention dry run of one of the caller's LAs (`la`, default the first) for today: the schedule (each period with its source), the children's files due for deletion, kept by a legal hold, and falling due within a year; the legal holds and the stubs of deletions so far; `version` names the report for a deletion. Nothing is deleted",
        None,
        (
            "200",
            "{\"la\", \"today\", \"version\", \"schedule\", \"files\", \"due\": [{\"child_id\", \"name\", \"class\", \"last_activity\", \"kept_until\"}], \"held\", \"kept\", \"due_within_a_year\", \"holds\", \"deletions\"}",
        ),
        false,
    ),
    op(
        "post",
        "/api/v1/information-governance/retention/holds",
        "Place a legal hold on a child's file of the caller's LAs, with the reason: the file is kept whatever its retention period says until the hold is lifted; audited",
        Some("HoldInput"),
        ("201", "The hold; the ETag is its version"),
        false,
    ),
    op(
        "get",
        "/api/v1/information-governance/retention/holds/{id}",
        "A legal hold; the ETag is its version",
        None,
        ("200", "The hold"),
        false,
    ),
    op(
        "post",
        "/api/v1/information-governance/retention/holds/{id}/lift",
        "Lift a legal hold, with a reason; audited",
        Some("ReasonInput"),
        ("200", "The hold, lifted"),
        true,
    ),
    op(
        "post",
        "/api/v1/information-governance/retention/deletions",
        "Delete the children's files the dry-run report `report` (its `version`) listed as due in LA `la`: each whole file, with the records merged into it, the family members related to no other child and households left empty; each leaves a stub (no name or case text) and an audit entry, and the audit log keeps every entry. 409 and nothing deleted when the files due are no longer those the report listed",
        Some("DeletionInput"),
        (
            "200",
            "{\"la\", \"report\", \"deleted\": [{\"child_id\", \"class\", \"last_activity\", \"kept_until\", \"source\", \"rows_deleted\", \"deleted_at\"}], \"not_deleted\": [{\"child_id\", \"reason\"}]}",
        ),
        false,
    ),
    op(
        "get",
        "/api/v1/information-governance/subject-access/{id}",
        "A subject access request: everything held about one person of the caller's LAs (identity, relationships, contacts, case notes, documents, chronology, who viewed the record), each item's mentions of other people marked for redaction (`redactions`: start, end, text, reason); audited",
        None,
        (
            "200",
            "{\"person_id\", \"name\", \"items\": [{\"section\", \"record_kind\", \"record_id\", \"at\", \"title\", \"text\", \"redactions\"}], \"documents\", \"viewed\", \"marked\"}",
        ),
        false,
    ),
    op(
        "get",
        "/api/v1/information-governance",
        "Restricted records (who is named, why) and break-glass uses (who, which record, when, why) in the caller's LAs",
        None,
        ("200", "The overview"),
        false,
    ),
    op(
        "get",
        "/api/v1/information-governance/access",
        "Who opened children's records of the caller's LAs from `from` to `to` (default the last 30 days): for each user, records opened in all and outside their caseload, and whether that is unusually many for their role",
        None,
        (
            "200",
            "{\"from\", \"to\", \"users\": [{\"user_id\", \"user\", \"role\", \"outside_caseload\", \"total\", \"unusual\"}]}",
        ),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}/restriction",
        "A child's restriction: whether restricted, the users named, the reason; the ETag is its version",
        None,
        ("200", "The restriction"),
        false,
    ),
    op(
        "post",
        "/api/v1/children/{id}/restriction",
        "Restrict a child's record to named users (each of the child's LA, in a role that reads records), with a reason; whoever restricts it is named too when their role reads records",
        Some("RestrictionInput"),
        ("200", "The restriction"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/restriction/lift",
        "Lift a child's restriction, with a reason",
        Some("ReasonInput"),
        ("200", "The restriction, lifted"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/break-glass",
        "Open a restricted record of the caller's LA in an emergency, with a reason: recorded and audited before the record is read, and shown to information governance; works once (the next time needs a new reason)",
        Some("ReasonInput"),
        ("200", "The child's record"),
        false,
    ),
];

/// The input schemas of this area.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "RestrictionInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "allowed_users": {"type": "array", "items": {"type": "string"}, "description": "User ids"},
                "reason": {"type": "string", "description": "Required"}
            }}),
        ),
        (
            "HoldInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "child_id": {"type": "string", "description": "Required: the child's record id"},
                "reason": {"type": "string", "description": "Required: the inquiry, claim or request the file is held for"}
            }}),
        ),
        (
            "DeletionInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "la": {"type": "string", "description": "The LA's code (default the caller's first)"},
                "report": {"type": "string", "description": "Required: the `version` of the dry-run report the deletion was decided on"}
            }}),
        ),
        (
            "ReasonInput",
            json!({"type": "object", "additionalProperties": false, "properties": {
                "reason": {"type": "string", "description": "Required"}
            }}),
        ),
    ]
}
