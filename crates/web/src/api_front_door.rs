//! The front door's JSON API: the worklist, a contact's case, screening, consent approval, information
//! requests, the decision, oversight and referrer feedback; and the partner agencies' queue. Each is a twin of
//! a page over the same service function.
//!
//! Changes take the version the client saw in `If-Match` (from the `ETag` of `GET /api/v1/contacts/{id}/case`):
//! with it, a change made meanwhile by someone else answers 409 instead of being overwritten.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::clocks::Rag;
use domain::front_door::WorklistStage;
use domain::front_door::{
    DecisionInput, FeedbackInput, InformationRequestInput, ResponseInput, ScreeningInput,
};
use domain::ids::{ContactId, InformationRequestId};
use serde::Deserialize;
use serde_json::json;
use service::ServiceError;
use service::front_door::WorklistFilter;
use store::Store;

use crate::Shared;
use crate::error::WebError;
use crate::extract::{ApiJson, Id, IfMatch, SignedIn};

/// A response with the version it shows as its `ETag` (what a change sends back in `If-Match`).
pub(crate) fn with_etag(version: i64, mut r: Response) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// A change's answer: the new version, also as the `ETag`.
fn changed(version: i64) -> Response {
    with_etag(version, Json(json!({ "version": version })).into_response())
}

#[derive(Deserialize)]
pub struct WorklistQueryParams {
    stage: Option<String>,
    la: Option<String>,
    rag: Option<String>,
    overdue: Option<bool>,
}

/// Parse a worklist stage as the API and the pages name it.
pub fn stage(s: Option<&str>) -> Result<WorklistStage, WebError> {
    match s.unwrap_or("awaiting-decision") {
        "" | "awaiting-decision" => Ok(WorklistStage::AwaitingDecision),
        "awaiting-feedback" => Ok(WorklistStage::AwaitingFeedback),
        "awaiting-oversight" => Ok(WorklistStage::AwaitingOversight),
        _ => Err(WebError::Service(ServiceError::invalid(
            "stage",
            "must be awaiting-decision, awaiting-feedback or awaiting-oversight",
        ))),
    }
}

/// Parse an optional RAG filter.
pub fn rag(s: Option<&str>) -> Result<Option<Rag>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(r) => Rag::parse(r)
            .map(Some)
            .map_err(|e| WebError::Service(ServiceError::Invalid(e.for_field("rag").into()))),
    }
}

/// `GET /api/v1/front-door?stage=&la=&rag=&overdue=` → the worklist, most overdue first.
pub async fn worklist<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<WorklistQueryParams>,
) -> Result<Response, WebError> {
    let filter = WorklistFilter {
        stage: stage(q.stage.as_deref())?,
        la: q.la,
        rag: rag(q.rag.as_deref())?,
        overdue_only: q.overdue.unwrap_or(false),
    };
    Ok(Json(state.services.worklist(&actor, filter).await?).into_response())
}

/// One row of `GET /api/v1/worklists/mash`, in the shape DESIGN.md fixes for outside scripts: the contact, its
/// child, its RAG rating, when the decision is due and whether that has passed (and the rest of the item).
#[derive(serde::Serialize)]
struct MashRow {
    contact_id: domain::ids::ContactId,
    child_id: domain::ids::PersonId,
    la: String,
    child_name: String,
    received_at: domain::datetime::Timestamp,
    rag: Option<Rag>,
    decision_due_at: domain::datetime::Timestamp,
    overdue: bool,
    due_label: String,
    out_of_hours: bool,
    source: &'static str,
    assigned_to: Option<String>,
}

/// `GET /api/v1/worklists/mash?la=&rag=&overdue=` → the MASH worklist (contacts awaiting a decision), most
/// overdue first: `[{"contact_id","child_id","rag","decision_due_at","overdue",…}]` (DESIGN.md).
pub async fn mash_worklist<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<WorklistQueryParams>,
) -> Result<Response, WebError> {
    let filter = WorklistFilter {
        stage: WorklistStage::AwaitingDecision,
        la: q.la,
        rag: rag(q.rag.as_deref())?,
        overdue_only: q.overdue.unwrap_or(false),
    };
    let rows: Vec<MashRow> = state
        .services
        .worklist(&actor, filter)
        .await?
        .into_iter()
        .map(|i| MashRow {
            contact_id: i.contact_id,
            child_id: i.child_id,
            la: i.la,
            child_name: i.child_name,
            received_at: i.received_at,
            rag: i.rag,
            decision_due_at: i.clock.due,
            overdue: i.clock.overdue,
            due_label: i.clock.label,
            out_of_hours: i.out_of_hours,
            source: i.source_label,
            assigned_to: i.assigned_to,
        })
        .collect();
    Ok(Json(rows).into_response())
}

/// `GET /api/v1/contacts/{id}/case` → the contact with its screening, requests, family history and clocks;
/// its `ETag` is the version to send back in `If-Match`.
pub async fn contact_case<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
) -> Result<Response, WebError> {
    let case = state.services.contact_case(&actor, contact).await?;
    Ok(with_etag(case.version, Json(case).into_response()))
}

/// `POST /api/v1/contacts/{id}/screening` → threshold, RAG (with its reason) and consent.
pub async fn screen<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<ScreeningInput>,
) -> Result<Response, WebError> {
    let v = state
        .services
        .screen_contact(&actor, contact, &input, version)
        .await?;
    Ok(changed(v))
}

/// `POST /api/v1/contacts/{id}/consent-approval` → a manager approves going ahead without consent.
pub async fn approve_consent<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
    IfMatch(version): IfMatch,
) -> Result<Response, WebError> {
    let v = state
        .services
        .approve_consent(&actor, contact, version)
        .await?;
    Ok(changed(v))
}

/// `POST /api/v1/contacts/{id}/information-requests` → 201: a partner agency is asked.
pub async fn request_information<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<InformationRequestInput>,
) -> Result<Response, WebError> {
    let request = state
        .services
        .request_information(&actor, contact, &input, version)
        .await?;
    let location = format!("/api/v1/information-requests/{request}");
    let mut r = (StatusCode::CREATED, Json(json!({ "id": request }))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

/// `POST /api/v1/contacts/{id}/decision` → the decision on next steps, with its rationale.
pub async fn decide<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Response, WebError> {
    let v = state
        .services
        .decide_contact(&actor, contact, &input, version)
        .await?;
    Ok(changed(v))
}

/// `POST /api/v1/contacts/{id}/oversight` → a manager's oversight of the decision.
pub async fn oversee<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
    IfMatch(version): IfMatch,
) -> Result<Response, WebError> {
    let v = state
        .services
        .oversee_decision(&actor, contact, version)
        .await?;
    Ok(changed(v))
}

/// `POST /api/v1/contacts/{id}/feedback` → how and when the referrer was told.
pub async fn feedback<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(contact): Id<ContactId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<FeedbackInput>,
) -> Result<Response, WebError> {
    let v = state
        .services
        .record_feedback(&actor, contact, &input, version)
        .await?;
    Ok(changed(v))
}

#[derive(Deserialize)]
pub struct QueueParams {
    open: Option<bool>,
}

/// `GET /api/v1/information-requests?open=true` → a partner agency's queue (its own requests only).
pub async fn partner_queue<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<QueueParams>,
) -> Result<Response, WebError> {
    let items = state
        .services
        .partner_queue(&actor, q.open.unwrap_or(false))
        .await?;
    Ok(Json(items).into_response())
}

/// `GET /api/v1/information-requests/{id}` → one request, to its agency or the MASH.
pub async fn information_request<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(request): Id<InformationRequestId>,
) -> Result<Response, WebError> {
    let item = state.services.information_request(&actor, request).await?;
    Ok(with_etag(
        item.version.unwrap_or(0),
        Json(item).into_response(),
    ))
}

/// `POST /api/v1/information-requests/{id}/response` → the partner's answer (once).
pub async fn respond<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(request): Id<InformationRequestId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<ResponseInput>,
) -> Result<Response, WebError> {
    state
        .services
        .respond_to_request(&actor, request, &input, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
