//! The JSON API for people and households over time (issue 13, part 3), and the route table entries of the
//! details page and the API.
//!
//! `GET /api/v1/people/{id}` reads a person's details with their history, addresses, relationships,
//! professionals involved and possible duplicates (a merged-away id answers with the record kept, under its
//! own id); `PUT` changes the details (If-Match). `POST …/addresses` records a move, `…/relationships` adds one
//! and `…/relationships/{rel}` changes or ends one, `…/professionals` adds a professional involved and
//! `…/professionals/{p}/end` ends one. `GET …/duplicates` lists possible duplicates; `POST …/merge`
//! `{"into", "reason"}` merges the person into another record of them (managers); `POST
//! /api/v1/merges/{id}/undo` `{"reason"}` undoes it (administrators).

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ids::{PersonId, PersonMergeId, ProfessionalId, RelationshipId};
use domain::people::{
    AddressInput, DetailsInput, ProfessionalEndInput, ProfessionalInput, RelationshipChangeInput,
    RelationshipInput,
};
use domain::policy::{Action, Area};
use serde_json::{Value, json};
use service::people::{MergeInput, UndoMergeInput};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, Ids, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::people as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its page and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    vec![
        route(
            "person-details-page",
            Method::GET,
            "/children/{id}/details",
            Child(Action::View),
            get(crate::pages::form::child_page::<pages::Details, S>),
        ),
        route(
            "person-details-form",
            Method::POST,
            "/children/{id}/details",
            Child(Action::Update),
            post(pages::change_details::<S>),
        ),
        route(
            "person-address-form",
            Method::POST,
            "/children/{id}/details/addresses",
            Child(Action::Update),
            post(pages::move_address::<S>),
        ),
        route(
            "person-relationship-form",
            Method::POST,
            "/children/{id}/details/relationships",
            Child(Action::Update),
            post(pages::add_relationship::<S>),
        ),
        route(
            "person-relationship-change-form",
            Method::POST,
            "/children/{id}/details/relationships/{relationship}",
            Child(Action::Update),
            post(pages::change_relationship::<S>),
        ),
        route(
            "person-professional-form",
            Method::POST,
            "/children/{id}/details/professionals",
            Child(Action::Update),
            post(pages::add_professional::<S>),
        ),
        route(
            "person-professional-end-form",
            Method::POST,
            "/children/{id}/details/professionals/{professional}/end",
            Child(Action::Update),
            post(pages::end_professional::<S>),
        ),
        route(
            "person-merge-form",
            Method::POST,
            "/children/{id}/details/merge",
            Child(Action::Approve),
            post(pages::merge::<S>),
        ),
        route(
            "api-person",
            Method::GET,
            "/api/v1/people/{id}",
            Child(Action::View),
            get(person::<S>),
        ),
        route(
            "api-person-change",
            Method::PUT,
            "/api/v1/people/{id}",
            Child(Action::Update),
            axum::routing::put(change_details::<S>),
        ),
        route(
            "api-person-address",
            Method::POST,
            "/api/v1/people/{id}/addresses",
            Child(Action::Update),
            post(move_address::<S>),
        ),
        route(
            "api-person-relationship",
            Method::POST,
            "/api/v1/people/{id}/relationships",
            Child(Action::Update),
            post(add_relationship::<S>),
        ),
        route(
            "api-person-relationship-change",
            Method::POST,
            "/api/v1/people/{id}/relationships/{relationship}",
            Child(Action::Update),
            post(change_relationship::<S>),
        ),
        route(
            "api-person-professional",
            Method::POST,
            "/api/v1/people/{id}/professionals",
            Child(Action::Update),
            post(add_professional::<S>),
        ),
        route(
            "api-person-professional-end",
            Method::POST,
            "/api/v1/people/{id}/professionals/{professional}/end",
            Child(Action::Update),
            post(end_professional::<S>),
        ),
        route(
            "api-person-duplicates",
            Method::GET,
            "/api/v1/people/{id}/duplicates",
            Child(Action::View),
            get(duplicates::<S>),
        ),
        route(
            "api-person-merge",
            Method::POST,
            "/api/v1/people/{id}/merge",
            Child(Action::Approve),
            post(merge::<S>),
        ),
        route(
            "api-merge",
            Method::GET,
            "/api/v1/merges/{id}",
            Grant(Area::Administration, Action::View),
            get(merge_record::<S>),
        ),
        route(
            "api-merge-undo",
            Method::POST,
            "/api/v1/merges/{id}/undo",
            Grant(Area::Administration, Action::Administer),
            post(undo_merge::<S>),
        ),
    ]
}

/// `GET /api/v1/people/{id}` → the person's details and history (audited); `ETag` the version.
pub async fn person<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let view = state.services.person_details(&actor, child).await?;
    Ok(with_etag(view.version, Json(view).into_response()))
}

/// `PUT /api/v1/people/{id}` → 200 `{"id", "version"}` (the revision's id).
pub async fn change_details<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<DetailsInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .change_details(&actor, child, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

/// `POST /api/v1/people/{id}/addresses` → 201 `{"id", "version"}` (the household joined).
pub async fn move_address<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<AddressInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .move_address(&actor, child, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `POST /api/v1/people/{id}/relationships` → 201 `{"id", "version"}`.
pub async fn add_relationship<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<RelationshipInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .add_relationship(&actor, child, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `POST /api/v1/people/{id}/relationships/{relationship}` → 200 `{"id", "version"}`.
pub async fn change_relationship<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, relationship): Ids<PersonId, RelationshipId>,
    ApiJson(input): ApiJson<RelationshipChangeInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .change_relationship(&actor, child, relationship, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

/// `POST /api/v1/people/{id}/professionals` → 201 `{"id", "version"}`.
pub async fn add_professional<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<ProfessionalInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .add_professional(&actor, child, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `POST /api/v1/people/{id}/professionals/{professional}/end` → 200 `{"id", "version"}`.
pub async fn end_professional<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Ids(child, professional): Ids<PersonId, ProfessionalId>,
    ApiJson(input): ApiJson<ProfessionalEndInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .end_professional(&actor, child, professional, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

/// `GET /api/v1/people/{id}/duplicates` → the records that may be the same person.
pub async fn duplicates<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let d = state.services.possible_duplicates(&actor, child).await?;
    Ok(Json(d).into_response())
}

/// `POST /api/v1/people/{id}/merge` `{"into", "reason"}` → 201 the merge.
pub async fn merge<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    ApiJson(input): ApiJson<MergeInput>,
) -> Result<Response, WebError> {
    let m = state
        .services
        .merge_person(&actor, child, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// `GET /api/v1/merges/{id}` → the merge (administrators of its LA); `ETag` the kept person's version.
pub async fn merge_record<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(merge): Id<PersonMergeId>,
) -> Result<Response, WebError> {
    let m = state.services.person_merge(&actor, merge).await?;
    Ok(with_etag(m.version, Json(m).into_response()))
}

/// `POST /api/v1/merges/{id}/undo` `{"reason"}` → 200 the merge, undone (If-Match: the kept person's version).
pub async fn undo_merge<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(merge): Id<PersonMergeId>,
    ApiJson(input): ApiJson<UndoMergeInput>,
) -> Result<Response, WebError> {
    let m = state
        .services
        .undo_merge(&actor, merge, &input, version)
        .await?;
    Ok(with_etag(m.version, Json(m).into_response()))
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/people/{id}",
        "A person's details as they are now, with each change (who, when, why, what it said before), addresses over time, relationships (with parental responsibility), professionals involved and possible duplicates (audited). A record merged into another answers with the record kept, under its id",
        None,
        ("200", "The person"),
        false,
    ),
    op(
        "put",
        "/api/v1/people/{id}",
        "Change a person's details (the whole set: names, date of birth, sex, ethnicity, language, religion, disabilities, NHS number, UPN) with the reason: a new revision, the earlier kept and on the chronology",
        Some("DetailsInput"),
        ("200", "The revision's id and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/people/{id}/addresses",
        "A move: the household lived in is left on moved_on and a new address (line1, line2, town, postcode) or a household on the record (household_id) joined",
        Some("AddressInput"),
        ("201", "The household joined and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/people/{id}/relationships",
        "A relationship of the child: to someone on the record (person_id) or a new adult (first_name, last_name, date_of_birth), what they are to the child (kind) and whether they have parental responsibility",
        Some("RelationshipInput"),
        ("201", "The relationship and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/people/{id}/relationships/{relationship}",
        "Change a relationship (kind, parental_responsibility) or end it (ended_on)",
        Some("RelationshipChangeInput"),
        ("200", "The relationship and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/people/{id}/professionals",
        "A professional involved with the child: role (gp, school, health-visitor, school-nurse, other), name, organisation, phone, email, address, from",
        Some("ProfessionalInput"),
        ("201", "The professional and the new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/people/{id}/professionals/{professional}/end",
        "A professional no longer involved (to: the last day, today unless given)",
        Some("ProfessionalEndInput"),
        ("200", "The professional and the new version"),
        true,
    ),
    op(
        "get",
        "/api/v1/people/{id}/duplicates",
        "Records in the person's LA that may be the same person: the same NHS number, or the same name and date of birth (audited as a search)",
        None,
        ("200", "The possible duplicates"),
        false,
    ),
    op(
        "post",
        "/api/v1/people/{id}/merge",
        "Merge this record into another of the same person (into, reason): every record moves to the one kept, and this id keeps answering with it. Team managers only; within one LA",
        Some("MergeInput"),
        ("201", "The merge, with what moved"),
        true,
    ),
    op(
        "get",
        "/api/v1/merges/{id}",
        "A merge: who was kept and who merged into them, by whom, when, why, what moved, and any undo. Administrators of the LA only; the ETag is the kept person's version",
        None,
        ("200", "The merge"),
        false,
    ),
    op(
        "post",
        "/api/v1/merges/{id}/undo",
        "Undo a merge (reason): both records and every record moved restored. Administrators of the LA only; If-Match: the kept person's version as the merge's ETag gave it",
        Some("UndoMergeInput"),
        ("200", "The merge, undone"),
        true,
    ),
];

pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let text = json!({"type": "string"});
    let date = json!({"type": "string", "format": "date"});
    vec![
        (
            "DetailsInput",
            json!({"type": "object", "properties": {
                "first_name": text, "last_name": text, "other_names": text, "date_of_birth": date,
                "sex": {"type": "string", "description": "M, F or U"}, "gender_identity": text,
                "ethnicity": {"type": "string", "description": "A CIN census ethnicity code (WBRI, …)"},
                "first_language": text, "religion": text,
                "disabilities": {"type": "array", "items": {"type": "string"}, "description": "CIN census disability codes"},
                "nhs_number": {"type": "string", "description": "Ten digits with a valid check digit"},
                "upn": {"type": "string", "description": "Thirteen characters with a valid check letter"},
                "reason": text
            }}),
        ),
        (
            "AddressInput",
            json!({"type": "object", "properties": {
                "household_id": text, "line1": text, "line2": text, "town": text, "postcode": text,
                "moved_on": date, "reason": text
            }}),
        ),
        (
            "RelationshipInput",
            json!({"type": "object", "properties": {
                "person_id": text, "first_name": text, "last_name": text, "date_of_birth": date,
                "kind": text, "parental_responsibility": {"type": "boolean"}, "reason": text
            }}),
        ),
        (
            "RelationshipChangeInput",
            json!({"type": "object", "properties": {
                "kind": text, "parental_responsibility": {"type": "boolean"}, "ended_on": date, "reason": text
            }}),
        ),
        (
            "ProfessionalInput",
            json!({"type": "object", "properties": {
                "role": text, "name": text, "organisation": text, "phone": text, "email": text,
                "address": text, "from": date
            }}),
        ),
        (
            "ProfessionalEndInput",
            json!({"type": "object", "properties": {"to": date}}),
        ),
        (
            "MergeInput",
            json!({"type": "object", "properties": {"into": text, "reason": text}}),
        ),
        (
            "UndoMergeInput",
            json!({"type": "object", "properties": {"reason": text}}),
        ),
    ]
}
