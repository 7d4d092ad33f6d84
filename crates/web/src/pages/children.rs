//! The start page, person search and the child record.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use domain::chronology::ChronologyEntry;
use domain::codes::Role;
use domain::ids::PersonId;
use domain::policy::{Action, Area};
use serde::Deserialize;
use service::ServiceError;
use service::children::{ChildRecord, ChildSummary};
use store::Store;

use super::form::{Form, FormValues};
use super::{Layout, date, render, render_ok, time};
use crate::error::WebError;
use crate::extract::{Id, Page, SignedIn};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    role: String,
    las: String,
    can_search: bool,
    can_audit: bool,
    can_administer: bool,
}

/// `GET /`: the start page for a signed-in user.
pub async fn home<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<crate::api_performance::PerformanceParams>,
) -> Result<Response, WebError> {
    let actor = &who.actor;
    let role = actor
        .role
        .ok_or(WebError::Service(ServiceError::Unauthenticated))?;
    // Senior leaders and team managers start at the dashboard.
    if matches!(role, Role::SeniorLeader | Role::TeamManager) {
        return super::performance::dashboard_for(&state, &who, &q, "/").await;
    }
    let name = who
        .caller
        .session()
        .map(|s| s.user.display_name.clone())
        .unwrap_or_else(|| actor.label.clone());
    let las = actor
        .las
        .iter()
        .map(|l| format!("{} ({})", l.name().unwrap_or("Local authority"), l))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(render_ok(HomePage {
        layout: who.layout("Home", "/"),
        name,
        role: role.label().to_owned(),
        las,
        can_search: who.may(Area::CaseRecords, Action::Search),
        can_audit: who.may(Area::Audit, Action::View),
        can_administer: who.may(Area::Administration, Action::Update),
    }))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    /// The search box: a form of one field, `q`, whose id is `q`.
    form: Form,
    searched: bool,
    results: Vec<ChildSummary>,
}

/// `GET /search?q=`: find a child by name (typos allowed), date of birth, NHS number, UPN or LA child ID.
pub async fn search<S: Store>(
    Page { state, who }: Page<S>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let q = query.q.unwrap_or_default();
    let mut page = SearchPage {
        layout: who.layout("Find a child", "/search"),
        form: Form::sent("", FormValues::new(vec![("q".into(), q.clone())])),
        searched: false,
        results: Vec::new(),
    };
    if q.trim().is_empty() {
        // Nothing asked yet: just the form (still checks the role may search).
        if !who.may(Area::CaseRecords, Action::Search) {
            return Err(WebError::Service(ServiceError::Forbidden));
        }
        return Ok(render_ok(page));
    }
    match state.services.search_children(&who.actor, &q).await {
        Ok(results) => {
            page.searched = true;
            page.results = results;
            if !page.results.is_empty() {
                page.layout.title = format!("Find a child: {} found", page.results.len());
            }
            Ok(render_ok(page))
        }
        Err(ServiceError::Invalid(errors)) => {
            // Every problem is with what was typed in the one box.
            page.form = page.form.link("*", "q").with_errors(&errors);
            page.layout.title = page.form.title(&page.layout.title);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    r: ChildRecord,
    /// The user may record casework (supervision is recorded by those who may).
    may_record: bool,
    /// Other records that may be the same person.
    duplicates: Vec<service::people::DuplicateView>,
    /// Opened by breaking the glass: the reason was recorded and information governance told.
    broke_glass: bool,
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
    Page { state, who }: Page<S>,
    Id(id): Id<PersonId>,
) -> Result<Response, WebError> {
    let record = state.services.child_record(&who.actor, id).await?;
    if record.child.id != id {
        // A record merged into another: the record kept.
        return Ok(super::form::see_other(&format!(
            "/children/{}",
            record.child.id
        )));
    }
    let duplicates = state.services.possible_duplicates(&who.actor, id).await?;
    Ok(render_ok(ChildPage {
        layout: who.layout(&record.child.name, "/search"),
        r: record,
        may_record: who.may(Area::CaseRecords, Action::Create),
        duplicates,
        broke_glass: false,
    }))
}

/// A restricted record opened by breaking the glass: the record, saying so (no duplicates offered).
pub(crate) fn broken_glass_page(who: &SignedIn, record: ChildRecord) -> Response {
    render_ok(ChildPage {
        layout: who.layout(&record.child.name, "/search"),
        r: record,
        may_record: false,
        duplicates: Vec::new(),
        broke_glass: true,
    })
}
