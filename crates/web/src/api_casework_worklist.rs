//! The JSON API for the casework worklist (every statutory clock of the cases in scope) and caseloads; and the
//! route table entries of its pages and API.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::casework_clocks::ClockKind;
use domain::identifiers::LaCode;
use domain::policy::{Action, Area};
use serde::Deserialize;
use serde_json::Value;
use service::ServiceError;
use service::casework_worklist::{Caseloads, CaseworkFilter, CaseworkScope};
use store::Store;

use crate::Shared;
use crate::error::WebError;
use crate::extract::SignedIn;
use crate::openapi::{Operation, op};
use crate::pages::casework_worklist as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    vec![
        route(
            "casework-page",
            Method::GET,
            "/casework",
            Access::Grant(Area::CaseRecords, Action::Search),
            get(pages::casework::<S>),
        ),
        route(
            "api-casework-worklist",
            Method::GET,
            "/api/v1/worklists/casework",
            Access::Grant(Area::CaseRecords, Action::Search),
            get(casework::<S>),
        ),
        route(
            "caseloads-page",
            Method::GET,
            "/caseloads",
            Access::Grant(Area::Performance, Action::View),
            get(pages::caseloads::<S>),
        ),
        route(
            "api-caseloads",
            Method::GET,
            "/api/v1/caseloads",
            Access::Grant(Area::Performance, Action::View),
            get(caseloads::<S>),
        ),
    ]
}

/// This area's API operations, for the OpenAPI document.
pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/worklists/casework",
        "The casework worklist: every statutory clock (ICPC, core group, review conference, assessment, action, visit, CIN plan review, supervision) of the cases in scope, most overdue first. `scope`: mine (allocated to the caller; the default), team (the caller's team) or la (all in the caller's LAs, 200 children a page in order of their earliest due date, `page` from 1; `X-Total-Count` is the cases on all pages and `Link` the next and previous pages); `la`: one of the caller's LAs; `kind`: a clock kind; `overdue`: true for overdue clocks only. Each row: child_id, child_name, la, kind, label, due_on, overdue, working_days (overdue by, or left), status, link, worker",
        None,
        ("200", "Clocks, most overdue first"),
        false,
    ),
    op(
        "get",
        "/api/v1/caseloads",
        "An LA's caseloads (`la`; the caller's first LA when left out): per team, each worker's open cases with how many children are on child protection plans, child in need plans or neither; and practice counts (strategy discussions held with the police alone or without any partner agency in the last 3 months, open actions overdue, children whose visit is overdue). Another LA's answers 404",
        None,
        ("200", "The caseloads"),
        false,
    ),
];

/// This area's request body schemas, for the OpenAPI document.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    Vec::new()
}

fn invalid(field: &'static str, problem: &str) -> WebError {
    WebError::Service(ServiceError::invalid(field, problem.to_owned()))
}

/// Parse an optional clock kind.
pub(crate) fn kind(s: Option<&str>) -> Result<Option<ClockKind>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(k) => ClockKind::parse(k)
            .map(Some)
            .map_err(|e| WebError::Service(ServiceError::Invalid(e.into()))),
    }
}

/// Parse `overdue` (true/false, 1/0, yes/no; empty: false).
pub(crate) fn overdue(s: Option<&str>) -> Result<bool, WebError> {
    match s.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some(_) => Err(invalid("overdue", "must be true or false")),
    }
}

/// Parse `page` (a whole number from 1; empty: 1).
pub(crate) fn page(s: Option<&str>) -> Result<u32, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| invalid("page", "must be a whole number from 1")),
    }
}

#[derive(Deserialize, Default)]
pub struct CaseworkParams {
    pub(crate) scope: Option<String>,
    pub(crate) la: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) overdue: Option<String>,
    /// The page of "all cases" (from 1).
    pub(crate) page: Option<String>,
    /// After a change made from the worklist: the banner to show.
    pub(crate) saved: Option<String>,
}

impl CaseworkParams {
    pub(crate) fn filter(&self) -> Result<CaseworkFilter, WebError> {
        Ok(CaseworkFilter {
            scope: CaseworkScope::parse(self.scope.as_deref())?,
            la: self.la.clone(),
            kind: kind(self.kind.as_deref())?,
            overdue_only: overdue(self.overdue.as_deref())?,
            page: page(self.page.as_deref())?,
        })
    }
}

/// `GET /api/v1/worklists/casework?scope=&la=&kind=&overdue=&page=` → the clocks of the cases in scope, most
/// overdue first. "All cases" comes a page of children at a time: `X-Total-Count` is how many cases there are on
/// all pages, and `Link` (RFC 8288) gives the `next` and `prev` pages.
pub async fn casework<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<CaseworkParams>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let scope = filter.scope;
    let list = state.services.casework_worklist(&actor, filter).await?;
    let mut response = Json(&list.items).into_response();
    if let Some(cases) = list.cases {
        let mut query = format!("scope={}", scope.code());
        for (name, value) in [("la", &q.la), ("kind", &q.kind), ("overdue", &q.overdue)] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                query.push_str(&format!("&{name}={}", crate::pages::urlencoding(v)));
            }
        }
        let link = |page: u32, rel: &str| {
            format!("</api/v1/worklists/casework?{query}&page={page}>; rel=\"{rel}\"")
        };
        let mut links = Vec::new();
        if list.page > 1 {
            links.push(link(list.page - 1, "prev"));
        }
        if list.page < list.pages {
            links.push(link(list.page + 1, "next"));
        }
        let headers = response.headers_mut();
        headers.insert("x-total-count", HeaderValue::from(cases));
        if let Ok(v) = HeaderValue::from_str(&links.join(", "))
            && !links.is_empty()
        {
            headers.insert(header::LINK, v);
        }
    }
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct CaseloadsParams {
    pub(crate) la: Option<String>,
}

/// The LA asked for, or the caller's first; a code that is not an LA code answers 404 like another LA's.
pub(crate) fn caseloads_la(
    actor: &domain::audit::Actor,
    la: Option<&str>,
) -> Result<LaCode, WebError> {
    match la.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => LaCode::parse(code).map_err(|_| WebError::NotFound),
        None => actor
            .las
            .first()
            .cloned()
            .ok_or(WebError::Service(ServiceError::NotFound)),
    }
}

/// `GET /api/v1/caseloads?la=` → each team's workers' caseloads and the LA's practice counts.
pub async fn caseloads<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<CaseloadsParams>,
) -> Result<Json<Caseloads>, WebError> {
    let la = caseloads_la(&actor, q.la.as_deref())?;
    Ok(Json(state.services.caseloads(&actor, &la).await?))
}
