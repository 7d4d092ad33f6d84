//! The JSON API for quality assurance, and the route table entries of its pages and API: case-file audits
//! (record, read, list, moderate, the worker's reflection, the child's audits), random samples of cases to audit,
//! practice weeks with observations, and each practice week's report (JSON and CSV).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ids::{CaseFileAuditId, PersonId, PracticeWeekId};
use domain::policy::{Action, Area};
use domain::quality::{
    AuditInput, ModerationInput, ObservationInput, PracticeWeekInput, ReflectionInput,
};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, Ids, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::quality as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    let qa = Area::QualityAssurance;
    vec![
        route(
            "quality-page",
            Method::GET,
            "/quality",
            Grant(qa, Action::Search),
            get(pages::overview::<S>),
        ),
        route(
            "quality-sample-page",
            Method::GET,
            "/quality/sample",
            Grant(qa, Action::Create),
            get(pages::sample::<S>),
        ),
        route(
            "quality-audit-new-page",
            Method::GET,
            "/quality/audits/new",
            Grant(qa, Action::Create),
            get(pages::new_audit::<S>),
        ),
        route(
            "quality-audit-form",
            Method::POST,
            "/quality/audits",
            Grant(qa, Action::Create),
            post(pages::record_audit::<S>),
        ),
        route(
            "quality-audit-page",
            Method::GET,
            "/quality/audits/{id}",
            Grant(qa, Action::View),
            get(pages::audit::<S>),
        ),
        route(
            "quality-moderation-form",
            Method::POST,
            "/quality/audits/{id}/moderation",
            Grant(qa, Action::Approve),
            post(pages::moderate::<S>),
        ),
        route(
            "quality-weeks-page",
            Method::GET,
            "/quality/practice-weeks",
            Grant(qa, Action::Search),
            get(pages::weeks::<S>),
        ),
        route(
            "quality-week-new-page",
            Method::GET,
            "/quality/practice-weeks/new",
            Grant(qa, Action::Create),
            get(pages::new_week::<S>),
        ),
        route(
            "quality-week-form",
            Method::POST,
            "/quality/practice-weeks",
            Grant(qa, Action::Create),
            post(pages::create_week::<S>),
        ),
        route(
            "quality-week-page",
            Method::GET,
            "/quality/practice-weeks/{id}",
            Grant(qa, Action::View),
            get(pages::report::<S>),
        ),
        route(
            "quality-week-csv",
            Method::GET,
            "/quality/practice-weeks/{id}/report.csv",
            Grant(qa, Action::View),
            get(report_csv::<S>),
        ),
        route(
            "quality-observation-form",
            Method::POST,
            "/quality/practice-weeks/{id}/observations",
            Grant(qa, Action::Create),
            post(pages::add_observation::<S>),
        ),
        route(
            "child-audits-page",
            Method::GET,
            "/children/{id}/case-file-audits",
            Child(Action::View),
            get(pages::child_audits::<S>),
        ),
        route(
            "child-audit-reflection-form",
            Method::POST,
            "/children/{id}/case-file-audits/{audit}/reflection",
            Child(Action::Update),
            post(pages::reflect::<S>),
        ),
        route(
            "api-case-file-audits",
            Method::GET,
            "/api/v1/case-file-audits",
            Grant(qa, Action::Search),
            get(list_audits::<S>),
        ),
        route(
            "api-record-case-file-audit",
            Method::POST,
            "/api/v1/case-file-audits",
            Grant(qa, Action::Create),
            post(record_audit::<S>),
        ),
        route(
            "api-case-file-audit",
            Method::GET,
            "/api/v1/case-file-audits/{id}",
            Grant(qa, Action::View),
            get(get_audit::<S>),
        ),
        route(
            "api-case-file-audit-moderation",
            Method::POST,
            "/api/v1/case-file-audits/{id}/moderation",
            Grant(qa, Action::Approve),
            post(moderate::<S>),
        ),
        route(
            "api-case-file-audit-sample",
            Method::GET,
            "/api/v1/case-file-audit-sample",
            Grant(qa, Action::Create),
            get(sample::<S>),
        ),
        route(
            "api-child-case-file-audits",
            Method::GET,
            "/api/v1/children/{id}/case-file-audits",
            Child(Action::View),
            get(child_audits::<S>),
        ),
        route(
            "api-child-case-file-audit-reflection",
            Method::POST,
            "/api/v1/children/{id}/case-file-audits/{audit}/reflection",
            Child(Action::Update),
            post(reflect::<S>),
        ),
        route(
            "api-practice-weeks",
            Method::GET,
            "/api/v1/practice-weeks",
            Grant(qa, Action::Search),
            get(list_weeks::<S>),
        ),
        route(
            "api-create-practice-week",
            Method::POST,
            "/api/v1/practice-weeks",
            Grant(qa, Action::Create),
            post(create_week::<S>),
        ),
        route(
            "api-practice-week-report",
            Method::GET,
            "/api/v1/practice-weeks/{id}/report",
            Grant(qa, Action::View),
            get(report::<S>),
        ),
        route(
            "api-practice-week-report-csv",
            Method::GET,
            "/api/v1/practice-weeks/{id}/report.csv",
            Grant(qa, Action::View),
            get(report_csv::<S>),
        ),
        route(
            "api-practice-week-observation",
            Method::POST,
            "/api/v1/practice-weeks/{id}/observations",
            Grant(qa, Action::Create),
            post(add_observation::<S>),
        ),
    ]
}

/// `?la=&practice_week=` of a list.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListParams {
    pub la: Option<String>,
    pub practice_week: Option<String>,
}

/// `?la=&team=&size=&seed=` of a sample.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SampleParams {
    pub la: Option<String>,
    pub team: Option<String>,
    pub size: Option<String>,
    pub seed: Option<String>,
}

/// `GET /api/v1/case-file-audits?la=&practice_week=` → the audits in scope, newest first.
pub async fn list_audits<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<ListParams>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .quality_overview(&actor, q.la.as_deref(), q.practice_week.as_deref())
        .await?;
    Ok(Json(o.audits).into_response())
}

/// `POST /api/v1/case-file-audits` → 201 `{"id", "version"}`.
pub async fn record_audit<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<AuditInput>,
) -> Result<Response, WebError> {
    let s = state.services.record_audit(&actor, &input, version).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `GET /api/v1/case-file-audits/{id}` → the audit; the `ETag` is the version of the child's records.
pub async fn get_audit<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id<CaseFileAuditId>,
) -> Result<Response, WebError> {
    let a = state.services.case_file_audit(&actor, id).await?;
    let version = a.version.unwrap_or_default();
    Ok(with_etag(version, Json(a).into_response()))
}

/// `POST /api/v1/case-file-audits/{id}/moderation` → 200 `{"id", "version"}`.
pub async fn moderate<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<CaseFileAuditId>,
    ApiJson(input): ApiJson<ModerationInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .moderate_audit(&actor, id, &input, version)
        .await?;
    Ok(Json(s).into_response())
}

/// `GET /api/v1/case-file-audit-sample?la=&team=&size=&seed=` → the sample drawn.
pub async fn sample<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<SampleParams>,
) -> Result<Response, WebError> {
    let la =
        q.la.clone()
            .or_else(|| actor.las.first().map(|l| l.to_string()));
    let s = state
        .services
        .audit_sample(
            &actor,
            la.as_deref(),
            q.team.as_deref(),
            Some(q.size.as_deref().unwrap_or("10")),
            q.seed.as_deref(),
        )
        .await?;
    Ok(Json(s).into_response())
}

/// `GET /api/v1/children/{id}/case-file-audits` → the child's audits (audited read of the record).
pub async fn child_audits<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let (_, version, audits) = state.services.child_audits(&actor, child).await?;
    Ok(with_etag(version, Json(audits).into_response()))
}

/// `POST /api/v1/children/{id}/case-file-audits/{audit}/reflection` → 200 `{"id", "version"}`.
pub async fn reflect<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, audit): Ids<PersonId, CaseFileAuditId>,
    ApiJson(input): ApiJson<ReflectionInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .reflect_on_audit(&actor, child, audit, &input, version)
        .await?;
    Ok(Json(s).into_response())
}

/// `GET /api/v1/practice-weeks?la=` → the practice weeks in scope, newest first.
pub async fn list_weeks<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<ListParams>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .quality_overview(&actor, q.la.as_deref(), None)
        .await?;
    Ok(Json(o.practice_weeks).into_response())
}

/// `POST /api/v1/practice-weeks` → 201 `{"id"}`.
pub async fn create_week<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    ApiJson(input): ApiJson<PracticeWeekInput>,
) -> Result<Response, WebError> {
    let s = state.services.create_practice_week(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": s.id}))).into_response())
}

/// `POST /api/v1/practice-weeks/{id}/observations` → 201 `{"id"}`.
pub async fn add_observation<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(week): Id<PracticeWeekId>,
    ApiJson(input): ApiJson<ObservationInput>,
) -> Result<Response, WebError> {
    let s = state.services.add_observation(&actor, week, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": s.id}))).into_response())
}

/// `GET /api/v1/practice-weeks/{id}/report` → the report, compared with the previous practice week.
pub async fn report<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(week): Id<PracticeWeekId>,
) -> Result<Response, WebError> {
    let r = state.services.practice_week_report(&actor, week).await?;
    Ok(Json(r).into_response())
}

/// `GET …/practice-weeks/{id}/report.csv` → the report as CSV (measures, grades, themes).
pub async fn report_csv<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(week): Id<PracticeWeekId>,
) -> Result<Response, WebError> {
    let r = state.services.practice_week_report(&actor, week).await?;
    let body = service::quality::report_csv(&r);
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"practice-week-{}.csv\"",
        r.practice_week.starts_on
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/case-file-audits",
        "Case-file audits in the caller's LAs (`la`: one of them; `practice_week`: one practice week's), newest first (audited as a search)",
        None,
        ("200", "The audits"),
        false,
    ),
    op(
        "post",
        "/api/v1/case-file-audits",
        "Record a case-file audit of a child of the auditor's LAs (the case file is read, audited): lived experience and impact required, each action with an owner (text, or a user id of the child's LA) and a due date",
        Some("AuditInput"),
        (
            "201",
            "The audit's id and the new version of the child's records",
        ),
        true,
    ),
    op(
        "get",
        "/api/v1/case-file-audits/{id}",
        "One case-file audit with its actions and moderation (the child's case file read, audited); the ETag is the version of the child's records",
        None,
        ("200", "The audit"),
        false,
    ),
    op(
        "post",
        "/api/v1/case-file-audits/{id}/moderation",
        "Moderate an audit (a second auditor): agree, or disagree with a grade and a reason",
        Some("ModerationInput"),
        (
            "200",
            "The audit's id and the new version of the child's records",
        ),
        true,
    ),
    op(
        "get",
        "/api/v1/case-file-audit-sample",
        "A random sample of children with a case open or closed in the last 90 days (`la`, `team`, `size` 1-100, `seed`): the same for the same user, request and day (audited as a search)",
        None,
        ("200", "The sample and its seed"),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}/case-file-audits",
        "The audits of a child's case file, newest first (audited read of the record)",
        None,
        ("200", "The audits"),
        false,
    ),
    op(
        "post",
        "/api/v1/children/{id}/case-file-audits/{audit}/reflection",
        "The worker's reflection on an audit of the child's case",
        Some("ReflectionInput"),
        (
            "200",
            "The audit's id and the new version of the child's records",
        ),
        true,
    ),
    op(
        "get",
        "/api/v1/practice-weeks",
        "Practice weeks in the caller's LAs, newest first",
        None,
        ("200", "The practice weeks"),
        false,
    ),
    op(
        "post",
        "/api/v1/practice-weeks",
        "Create a practice week: a named period over LAs (and teams) of the caller's",
        Some("PracticeWeekInput"),
        ("201", "The practice week's id"),
        false,
    ),
    op(
        "get",
        "/api/v1/practice-weeks/{id}/report",
        "A practice week's report: grade distribution, themes, lived experience and impact evidenced, moderation, actions and their progress, observations; each measure beside the previous practice week of the same scope (better, same, worse)",
        None,
        ("200", "The report"),
        false,
    ),
    op(
        "get",
        "/api/v1/practice-weeks/{id}/report.csv",
        "The practice week's report as CSV",
        None,
        ("200", "CSV"),
        false,
    ),
    op(
        "post",
        "/api/v1/practice-weeks/{id}/observations",
        "Record a practice observation in a practice week: who was observed, when, what, a grade, strengths and development",
        Some("ObservationInput"),
        ("201", "The observation's id"),
        false,
    ),
];

pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let grade = "outstanding | good | requires-improvement | inadequate";
    let rating = json!({"type": "object", "properties": {"grade": {"type": "string", "description": grade}, "comment": {"type": "string"}}});
    vec![
        (
            "AuditInput",
            json!({
                "type": "object",
                "required": ["child_id", "lived_experience", "impact", "grade"],
                "properties": {
                    "child_id": {"type": "string"},
                    "lived_experience": {"type": "string", "description": "Required: the child's lived experience as the case file shows it"},
                    "impact": {"type": "string", "description": "Required: the impact of practice on the child's outcomes"},
                    "grade": {"type": "string", "description": grade},
                    "strengths": {"type": "string"},
                    "improve": {"type": "string", "description": "What must improve"},
                    "lived_experience_evidenced": {"type": "boolean"},
                    "impact_evidenced": {"type": "boolean"},
                    "assessment": rating, "planning": rating, "oversight": rating, "supervision": rating,
                    "themes": {"type": "array", "items": {"type": "string"}},
                    "practice_week_id": {"type": "string"},
                    "actions": {"type": "array", "items": {"type": "object", "properties": {
                        "description": {"type": "string"}, "owner": {"type": "string"}, "due_on": {"type": "string", "format": "date"}}}}
                }
            }),
        ),
        (
            "ModerationInput",
            json!({"type": "object", "required": ["agree"], "properties": {
                "agree": {"type": "boolean"},
                "grade": {"type": "string", "description": format!("{grade}: required when not agreeing")},
                "reason": {"type": "string", "description": "Required when not agreeing"}}}),
        ),
        (
            "ReflectionInput",
            json!({"type": "object", "required": ["reflection"], "properties": {"reflection": {"type": "string"}}}),
        ),
        (
            "PracticeWeekInput",
            json!({"type": "object", "required": ["title", "starts_on", "ends_on", "las"], "properties": {
                "title": {"type": "string"}, "theme": {"type": "string"},
                "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
                "las": {"type": "array", "items": {"type": "string"}},
                "teams": {"type": "array", "items": {"type": "string"}}}}),
        ),
        (
            "ObservationInput",
            json!({"type": "object", "required": ["observed_id", "observed_on", "observed", "grade"], "properties": {
                "observed_id": {"type": "string"}, "observed_on": {"type": "string", "format": "date"},
                "observed": {"type": "string"}, "grade": {"type": "string", "description": grade},
                "strengths": {"type": "string"}, "development": {"type": "string"}}}),
        ),
    ]
}
