//! The JSON API under `/api/v1` (shapes fixed by DESIGN.md; extend, never rename).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ids::ContactId;
use domain::validation::ContactInput;
use serde_json::json;
use service::ContactView;
use store::Store;

use crate::Shared;
use crate::error::WebError;
use crate::extract::{ApiJson, SignedIn};

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz<S: Store>(State(state): State<Shared<S>>) -> Response {
    let backend = state.services.database_name();
    match state.services.health().await {
        Ok(()) => Json(json!({"status": "ok", "database": backend})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": backend})),
            )
                .into_response()
        }
    }
}

/// The header a client sets so that a retried create is recorded once.
static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// `POST /api/v1/contacts` → 201 with the contact and its decision clock, or 422 naming each bad field.
pub async fn record_contact<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<Response, WebError> {
    let key = headers
        .get(&IDEMPOTENCY_KEY)
        .map(|v| v.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| {
            WebError::Service(service::ServiceError::invalid(
                "Idempotency-Key",
                "must be plain text",
            ))
        })?;
    let recorded = state.services.record_contact(&actor, input, key).await?;
    let location = format!("/api/v1/contacts/{}", recorded.record.id);
    let mut response = (StatusCode::CREATED, Json(recorded.record)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    if recorded.replayed {
        response.headers_mut().insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// `GET /api/v1/contacts/{id}` → 200, or 404 for a missing contact and for one the caller may not see alike.
pub async fn get_contact<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, WebError> {
    let id = ContactId::parse(&id).map_err(|_| WebError::NotFound)?;
    Ok(Json(state.services.contact(&actor, id).await?))
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// `GET /api/v1/children?q=TEXT` → the children the caller may see that match, best first.
pub async fn search_children<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    axum::extract::Query(query): axum::extract::Query<SearchQuery>,
) -> Result<Json<Vec<service::children::ChildSummary>>, WebError> {
    let q = query.q.unwrap_or_default();
    Ok(Json(state.services.search_children(&actor, &q).await?))
}

/// `GET /api/v1/children/{id}` → the child record (audited), or 404 for a missing child and for one the caller
/// may not see alike.
pub async fn get_child<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<service::children::ChildRecord>, WebError> {
    let id = domain::ids::PersonId::parse(&id).map_err(|_| WebError::NotFound)?;
    Ok(Json(state.services.child_record(&actor, id).await?))
}

/// `GET /api/v1/children/{id}/chronology` → every event on the child's records, newest first (audited).
pub async fn get_chronology<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Vec<domain::chronology::ChronologyEntry>>, WebError> {
    let id = domain::ids::PersonId::parse(&id).map_err(|_| WebError::NotFound)?;
    Ok(Json(state.services.child_chronology(&actor, id).await?))
}

#[derive(serde::Deserialize)]
pub struct DataQualityQuery {
    la: String,
}

/// `GET /api/v1/data-quality?la=CODE` → the census rules over the LA's records for the year so far: counts,
/// problems by team and by rule, and each child's problems, as last checked (`checked_at`; rechecked at most
/// every two minutes).
pub async fn data_quality<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    axum::extract::Query(q): axum::extract::Query<DataQualityQuery>,
) -> Result<Response, WebError> {
    let la = domain::identifiers::LaCode::parse(&q.la)
        .map_err(|e| WebError::Service(service::ServiceError::Invalid(e.for_field("la").into())))?;
    let dq = state.services.data_quality(&actor, &la).await?;
    Ok(Json(dq.as_ref()).into_response())
}

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    child: Option<String>,
    user: Option<String>,
    limit: Option<u32>,
}

/// `GET /api/v1/audit?child=ID&user=USERNAME` → audit entries of the caller's LAs, newest first (administrators
/// and information governance); 404 for a child outside them, as for a missing one; 422 naming `user` for a
/// user outside them, as for one that does not exist.
pub async fn audit_entries<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> Result<Json<Vec<domain::audit::AuditEntry>>, WebError> {
    let child = match q.child.as_deref() {
        Some(c) => Some(domain::ids::PersonId::parse(c).map_err(|e| {
            WebError::Service(service::ServiceError::Invalid(e.for_field("child").into()))
        })?),
        None => None,
    };
    let query = service::audit::AuditQuery {
        child,
        user: q.user,
        limit: q.limit.unwrap_or(100),
        ..service::audit::AuditQuery::default()
    };
    Ok(Json(state.services.audit_entries(&actor, query).await?))
}
