//! Letters: the API and the route table entries of the letters page and the templates page.
//!
//! `POST /api/v1/children/{id}/letters` makes a letter from the LA's template (`{"letter": "referrer-outcome",
//! "contact": id}` or `{"letter": "icpc-invitation", "conference": id, "recipient", "conference_at", "venue"}`)
//! and keeps it as a PDF document on the child's file: 201 with the document's `id`, `sha256`, `content_type`,
//! `size`, the child's new `version`, the `title` and the `subject`. `GET /api/v1/letter-templates?la=CODE`
//! lists an LA's templates; `POST /api/v1/letter-templates/{la}/{kind}` saves an edit (If-Match: its revision).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::codes::LetterKind;
use domain::identifiers::LaCode;
use domain::ids::PersonId;
use domain::letters::{LetterInput, TemplateInput};
use domain::policy::{Action, Area};
use serde::Deserialize;
use serde_json::{Value, json};
use service::ServiceError;
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::form::child_page;
use crate::pages::letters as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    let admin = Area::Administration;
    vec![
        route(
            "letters-page",
            Method::GET,
            "/children/{id}/letters",
            Child(Action::Create),
            get(child_page::<pages::Letters, S>),
        ),
        route(
            "letter-form",
            Method::POST,
            "/children/{id}/letters",
            Child(Action::Create),
            post(pages::make_letter::<S>),
        ),
        route(
            "api-letters",
            Method::POST,
            "/api/v1/children/{id}/letters",
            Child(Action::Create),
            post(make_letter::<S>),
        ),
        route(
            "letter-templates-page",
            Method::GET,
            "/letter-templates",
            Grant(admin, Action::View),
            get(pages::templates::<S>),
        ),
        route(
            "letter-template-form",
            Method::POST,
            "/letter-templates/{la}/{kind}",
            Grant(admin, Action::Update),
            post(pages::save_template::<S>),
        ),
        route(
            "api-letter-templates",
            Method::GET,
            "/api/v1/letter-templates",
            Grant(admin, Action::View),
            get(templates::<S>),
        ),
        route(
            "api-letter-template",
            Method::POST,
            "/api/v1/letter-templates/{la}/{kind}",
            Grant(admin, Action::Update),
            post(save_template::<S>),
        ),
    ]
}

/// `POST /api/v1/children/{id}/letters` → 201 the letter kept as a document.
pub async fn make_letter<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<LetterInput>,
) -> Result<Response, WebError> {
    let made = state
        .services
        .make_letter(&actor, child, &input, version)
        .await?;
    let v = made.document.version;
    Ok(with_etag(
        v,
        (StatusCode::CREATED, Json(made)).into_response(),
    ))
}

#[derive(Deserialize)]
pub struct LaQuery {
    la: Option<String>,
}

/// The LA asked for: its code, or the caller's first when none is named.
pub(crate) fn la_of(asked: Option<&str>, who: &domain::audit::Actor) -> Result<LaCode, WebError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => LaCode::parse(code)
            .map_err(|e| WebError::Service(ServiceError::Invalid(e.for_field("la").into()))),
        None => who
            .las
            .first()
            .cloned()
            .ok_or(WebError::Service(ServiceError::Forbidden)),
    }
}

/// A template's kind in a path: one that does not exist is answered like a missing record.
pub(crate) fn kind_of(code: &str) -> Result<LetterKind, WebError> {
    LetterKind::parse(code).map_err(|_| WebError::NotFound)
}

/// `GET /api/v1/letter-templates?la=CODE` → the LA's templates.
pub async fn templates<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<LaQuery>,
) -> Result<Response, WebError> {
    let la = la_of(q.la.as_deref(), &actor)?;
    Ok(Json(state.services.letter_templates(&actor, &la).await?).into_response())
}

/// `POST /api/v1/letter-templates/{la}/{kind}` → 200 the template as saved (ETag: its revision).
pub async fn save_template<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Path((la, kind)): Path<(String, String)>,
    ApiJson(input): ApiJson<TemplateInput>,
) -> Result<Response, WebError> {
    let la = LaCode::parse(&la).map_err(|_| WebError::NotFound)?;
    let kind = kind_of(&kind)?;
    let saved = state
        .services
        .save_letter_template(&actor, &la, kind, &input, version)
        .await?;
    Ok(with_etag(saved.revision, Json(saved).into_response()))
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "post",
        "/api/v1/children/{id}/letters",
        "Make a letter from the LA's template, filled from the child's record, and keep it as a PDF document on the file: the outcome letter to a contact's referrer (contact: a decided contact of the child; recipient: the referrer unless given) or the invitation to a child protection conference (conference, recipient, conference_at, venue)",
        Some("LetterInput"),
        (
            "201",
            "The document (id, sha256, content_type, size), the child's new version, the title and subject",
        ),
        true,
    ),
    op(
        "get",
        "/api/v1/letter-templates",
        "An LA's letter templates (la=CODE; the caller's first LA if not given): subject, body, revision, who last edited it, and the fields each may use (administrators)",
        None,
        ("200", "The templates"),
        false,
    ),
    op(
        "post",
        "/api/v1/letter-templates/{la}/{kind}",
        "Save an edit of a template (subject, body; fields in double braces, only those its letter fills). If-Match: the revision edited",
        Some("TemplateInput"),
        ("200", "The template as saved"),
        true,
    ),
];

pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "LetterInput",
            json!({"type": "object", "properties": {
                "letter": {"type": "string", "enum": ["referrer-outcome", "icpc-invitation"]},
                "contact": {"type": "string", "format": "uuid"},
                "conference": {"type": "string", "format": "uuid"},
                "recipient": {"type": "string"},
                "conference_at": {"type": "string", "description": "RFC 3339, or London local YYYY-MM-DDTHH:MM"},
                "venue": {"type": "string"}
            }}),
        ),
        (
            "TemplateInput",
            json!({"type": "object", "properties": {
                "subject": {"type": "string"},
                "body": {"type": "string", "description": "Fields in double braces, e.g. {{child_name}}"}
            }}),
        ),
    ]
}
