//! The audit trail page, for administrators and information-governance staff: the entries of their own LAs only
//! (the service scopes the query; a child outside them is a 404, a user outside them "no such user").

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::audit::AuditEntry;
use domain::codes::AuditAction;
use domain::datetime::{Date, london};
use domain::ids::PersonId;
use serde::Deserialize;
use service::ServiceError;
use store::Store;

use super::{Layout, render, time};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    child: Option<String>,
    user: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    child: String,
    user: String,
    action: String,
    from: String,
    to: String,
    actions: Vec<(&'static str, &'static str)>,
    errors: Vec<(String, String)>,
    entries: Vec<AuditEntry>,
}

impl AuditPage {
    fn when(&self, e: &AuditEntry) -> String {
        time(&e.at)
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn day_start(d: Date) -> Option<domain::datetime::Timestamp> {
    london()
        .to_timestamp(d.to_datetime(domain::datetime::Time::midnight()))
        .ok()
}

/// `GET /audit`: who viewed this child; what did this user view; filtered by action and dates.
pub async fn audit_trail<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let actor = caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))?;
    let mut errors = Vec::new();
    let mut query = service::audit::AuditQuery {
        limit: 500,
        ..service::audit::AuditQuery::default()
    };
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let (child, user, action, from, to) = (
        text(&q.child),
        text(&q.user),
        text(&q.action),
        text(&q.from),
        text(&q.to),
    );
    if !child.is_empty() {
        match PersonId::parse(&child) {
            Ok(id) => query.child = Some(id),
            Err(_) => errors.push((
                "child".to_owned(),
                "Enter a child's record id (from the address of their record)".to_owned(),
            )),
        }
    }
    if !user.is_empty() {
        query.user = Some(user.clone());
    }
    if !action.is_empty() {
        match AuditAction::parse(&action) {
            Ok(a) => query.action = Some(a),
            Err(_) => errors.push((
                "action".to_owned(),
                "Choose an action from the list".to_owned(),
            )),
        }
    }
    for (field, value, is_from) in [("from", &from, true), ("to", &to, false)] {
        if value.is_empty() {
            continue;
        }
        match domain::datetime::parse_date("date", value) {
            Ok(d) => {
                let d = if is_from {
                    d
                } else {
                    d.tomorrow().unwrap_or(d)
                };
                let t = day_start(d);
                if is_from {
                    query.from = t;
                } else {
                    query.to = t;
                }
            }
            Err(_) => errors.push((
                field.to_owned(),
                "Enter a real date, for example 2024-03-31".to_owned(),
            )),
        }
    }
    if !errors.is_empty() {
        // Still check the role may read the trail, the child and the user, showing nothing.
        query.limit = 0;
    }
    let mut entries = match state.services.audit_entries(actor, query).await {
        Ok(entries) => entries,
        Err(ServiceError::Invalid(problems)) => {
            errors.extend(
                problems
                    .0
                    .into_iter()
                    .map(|p| (p.field.into_owned(), capitalised(&p.problem))),
            );
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    if !errors.is_empty() {
        entries.clear();
    }
    // The summary lists the problems in the form's order.
    const ORDER: [&str; 5] = ["child", "user", "action", "from", "to"];
    errors.sort_by_key(|(f, _)| ORDER.iter().position(|o| o == f));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        AuditPage {
            layout: Layout::new("Audit trail", &caller, "/audit"),
            child,
            user,
            action,
            from,
            to,
            actions: AuditAction::ALL
                .iter()
                .map(|a| (a.code(), a.label()))
                .collect(),
            errors,
            entries,
        },
    ))
}
