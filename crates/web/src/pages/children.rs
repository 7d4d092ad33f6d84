//! The start page, person search and the child record.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::chronology::ChronologyEntry;
use domain::ids::PersonId;
use domain::policy::{self, Action, Area};
use serde::Deserialize;
use service::ServiceError;
use service::children::{ChildRecord, ChildSummary};
use store::Store;

use super::{Layout, date, render, time};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;

fn signed_in(caller: &Caller) -> Result<&domain::audit::Actor, WebError> {
    caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    role: String,
    las: String,
    can_search: bool,
    can_audit: bool,
}

/// `GET /`: the start page for a signed-in user.
pub async fn home(Extension(caller): Extension<Caller>) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let role = actor
        .role
        .ok_or(WebError::Service(ServiceError::Unauthenticated))?;
    let name = caller
        .session()
        .map(|s| s.user.display_name.clone())
        .unwrap_or_else(|| actor.label.clone());
    let las = actor
        .las
        .iter()
        .map(|l| format!("{} ({})", l.name().unwrap_or("Local authority"), l))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(render(
        StatusCode::OK,
        HomePage {
            layout: Layout::new("Home", &caller, "/"),
            name,
            role: role.label().to_owned(),
            las,
            can_search: policy::grants(role, Area::CaseRecords, Action::Search),
            can_audit: policy::grants(role, Area::Audit, Action::View),
        },
    ))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    error: Option<String>,
    searched: bool,
    results: Vec<ChildSummary>,
}

/// `GET /search?q=`: find a child by name (typos allowed), date of birth, NHS number, UPN or LA child ID.
pub async fn search<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let q = query.q.unwrap_or_default();
    let mut page = SearchPage {
        layout: Layout::new("Find a child", &caller, "/search"),
        q: q.clone(),
        error: None,
        searched: false,
        results: Vec::new(),
    };
    if q.trim().is_empty() {
        // Nothing asked yet: just the form (still checks the role may search).
        if let Some(role) = actor.role
            && !policy::grants(role, Area::CaseRecords, Action::Search)
        {
            return Err(WebError::Service(ServiceError::Forbidden));
        }
        return Ok(render(StatusCode::OK, page));
    }
    match state.services.search_children(actor, &q).await {
        Ok(results) => {
            page.searched = true;
            page.results = results;
            if !page.results.is_empty() {
                page.layout.title = format!("Find a child: {} found", page.results.len());
            }
            Ok(render(StatusCode::OK, page))
        }
        Err(ServiceError::Invalid(errors)) => {
            page.error = errors.0.first().map(|e| capitalise(&e.problem));
            page.layout.title = format!("Error: {}", page.layout.title);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    r: ChildRecord,
    /// The user may record casework (supervision is recorded by those who may).
    may_record: bool,
}

impl ChildPage {
    fn entry_time(&self, e: &ChronologyEntry) -> String {
        if e.date_only {
            date(&domain::datetime::london_date(e.at))
        } else {
            time(&e.at)
        }
    }
}

/// `GET /children/{id}`: the read-only child record (audited).
pub async fn child_record<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = PersonId::parse(&id).map_err(|_| WebError::NotFound)?;
    let record = state.services.child_record(actor, id).await?;
    Ok(render(
        StatusCode::OK,
        ChildPage {
            layout: Layout::new(&record.child.name, &caller, "/search"),
            r: record,
            may_record: caller
                .actor()
                .and_then(|a| a.role)
                .is_some_and(|r| policy::grants(r, Area::CaseRecords, Action::Create)),
        },
    ))
}
