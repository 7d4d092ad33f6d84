//! A child's case summary and chronology to print: the pages, and the API's PDF and JSON twins.
//!
//! `GET /api/v1/children/{id}/summary.pdf` (fixed shape) and `…/chronology.pdf` answer `application/pdf`;
//! `GET /api/v1/children/{id}/summary` the same summary as JSON. Each takes the page's filter in its query string
//! (`from`, `to`: `YYYY-MM-DD`; `kind`, repeated: chronology event kinds) and refuses a bad one with 422 naming
//! the field. Every one is an audited read of the child's record.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::chronology::ChronologyFilter;
use domain::ids::PersonId;
use domain::policy::Action;
use service::ServiceError;
use store::Store;

use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::summary as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    vec![
        route(
            "case-summary-page",
            Method::GET,
            "/children/{id}/summary",
            Child(Action::View),
            get(pages::case_summary::<S>),
        ),
        route(
            "chronology-page",
            Method::GET,
            "/children/{id}/chronology",
            Child(Action::View),
            get(pages::chronology::<S>),
        ),
        route(
            "api-case-summary",
            Method::GET,
            "/api/v1/children/{id}/summary",
            Child(Action::View),
            get(summary_json::<S>),
        ),
        route(
            "api-case-summary-pdf",
            Method::GET,
            "/api/v1/children/{id}/summary.pdf",
            Child(Action::View),
            get(summary_pdf::<S>),
        ),
        route(
            "api-chronology-pdf",
            Method::GET,
            "/api/v1/children/{id}/chronology.pdf",
            Child(Action::View),
            get(chronology_pdf::<S>),
        ),
    ]
}

fn filter(query: Option<String>) -> Result<ChronologyFilter, WebError> {
    pages::filter_of(query.as_deref())
        .1
        .map_err(|errors| WebError::Service(ServiceError::Invalid(errors)))
}

/// A PDF answer: shown in the browser, saved under `name` if downloaded; never cached by a shared cache.
pub(crate) fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// `GET /api/v1/children/{id}/summary` → the case summary as JSON (audited).
pub async fn summary_json<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let filter = filter(query)?;
    Ok(Json(state.services.case_summary(&actor, child, filter).await?).into_response())
}

/// `GET /api/v1/children/{id}/summary.pdf` → the case summary as PDF (audited).
pub async fn summary_pdf<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let filter = filter(query)?;
    let bytes = state
        .services
        .case_summary_pdf(&actor, child, filter)
        .await?;
    Ok(pdf(bytes, &format!("case-summary-{child}.pdf")))
}

/// `GET /api/v1/children/{id}/chronology.pdf` → the chronology as PDF (audited).
pub async fn chronology_pdf<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let filter = filter(query)?;
    let bytes = state.services.chronology_pdf(&actor, child, filter).await?;
    Ok(pdf(bytes, &format!("chronology-{child}.pdf")))
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/children/{id}/summary",
        "The child's case summary: identity, family, open episodes, open plans with their open actions, other open actions, the latest assessment and the chronology, filtered by from, to (YYYY-MM-DD) and kind (repeated) in the query (audited)",
        None,
        ("200", "The case summary"),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}/summary.pdf",
        "The case summary as PDF (A4, OFFICIAL-SENSITIVE on every page), with the same query as the summary (audited)",
        None,
        ("200", "application/pdf"),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}/chronology.pdf",
        "The chronology alone as PDF, with the same query as the summary (audited)",
        None,
        ("200", "application/pdf"),
        false,
    ),
];
