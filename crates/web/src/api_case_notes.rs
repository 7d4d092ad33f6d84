//! The JSON API for case notes, and the route table entries of the notes page and the API.
//!
//! `POST /api/v1/children/{id}/notes` writes a note (201 `{"id", "version"}`); `GET` lists the child's current
//! notes, newest first, with the version as the `ETag`; a correction is a new version of a note, the earlier
//! kept (`POST /api/v1/children/{id}/notes/{note}/corrections`).

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::case_notes::{CorrectionInput, NoteInput};
use domain::ids::{CaseNoteId, PersonId};
use domain::policy::Action;
use serde_json::{Value, json};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, Ids, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::case_notes as pages;
use crate::pages::form::child_page;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its page and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    vec![
        route(
            "case-notes-page",
            Method::GET,
            "/children/{id}/notes",
            Child(Action::View),
            get(child_page::<pages::CaseNotes, S>),
        ),
        route(
            "case-note-form",
            Method::POST,
            "/children/{id}/notes",
            Child(Action::Create),
            post(pages::add_note::<S>),
        ),
        route(
            "case-note-correction-form",
            Method::POST,
            "/children/{id}/notes/{note}/corrections",
            Child(Action::Update),
            post(pages::correct_note::<S>),
        ),
        route(
            "api-case-notes",
            Method::GET,
            "/api/v1/children/{id}/notes",
            Child(Action::View),
            get(case_notes::<S>),
        ),
        route(
            "api-add-case-note",
            Method::POST,
            "/api/v1/children/{id}/notes",
            Child(Action::Create),
            post(add_note::<S>),
        ),
        route(
            "api-correct-case-note",
            Method::POST,
            "/api/v1/children/{id}/notes/{note}/corrections",
            Child(Action::Update),
            post(correct_note::<S>),
        ),
    ]
}

/// `GET /api/v1/children/{id}/notes` → the current notes, newest first (audited); the `ETag` is the version of
/// the child's records.
pub async fn case_notes<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let view = state.services.case_notes(&actor, child).await?;
    Ok(with_etag(view.version, Json(view.notes).into_response()))
}

/// `POST /api/v1/children/{id}/notes` → 201 `{"id", "version"}`.
pub async fn add_note<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .add_case_note(&actor, child, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `POST /api/v1/children/{id}/notes/{note}/corrections` → 201 `{"id", "version"}`: the id of the new version.
pub async fn correct_note<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, note): Ids<PersonId, CaseNoteId>,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .correct_case_note(&actor, child, note, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/children/{id}/notes",
        "The child's current case notes, newest first: kind, when it happened, the note, who wrote it, who was involved, the other children it is about, and (for auditors and managers) what corrected notes said before (audited)",
        None,
        ("200", "The notes"),
        false,
    ),
    op(
        "post",
        "/api/v1/children/{id}/notes",
        "Write a case note about the child and, with also_about, other children of the household (a note on each record, all or nothing)",
        Some("NoteInput"),
        ("201", "The note's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/children/{id}/notes/{note}/corrections",
        "Correct a case note: a new version with the reason, the earlier kept for auditors (the note's copies on the other children's records too)",
        Some("CorrectionInput"),
        (
            "201",
            "The new version's id and the new version of the record",
        ),
        true,
    ),
];

pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let kinds = "visit | telephone | email | meeting | direct-work | management-oversight (team managers) | other";
    vec![
        (
            "NoteInput",
            json!({
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "description": kinds},
                    "at": {"type": "string", "format": "date-time", "description": "When it happened (not in the future)"},
                    "text": {"type": "string", "description": "Required"},
                    "involved": {"type": "string", "description": "Who was involved: people and agencies"},
                    "also_about": {"type": "array", "items": {"type": "string"}, "description": "Other children of the household, by id"},
                    "about": {"type": "string", "description": "The id of the child's plan, assessment, section 47 enquiry or strategy discussion it is about"}
                }
            }),
        ),
        (
            "CorrectionInput",
            json!({
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "description": kinds},
                    "at": {"type": "string", "format": "date-time"},
                    "text": {"type": "string", "description": "Required: the note as it should read"},
                    "involved": {"type": "string"},
                    "reason": {"type": "string", "description": "Required: why it is corrected"}
                }
            }),
        ),
    ]
}
