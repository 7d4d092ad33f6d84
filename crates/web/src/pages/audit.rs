//! The audit trail page, for administrators and information-governance staff: the entries of their own LAs only
//! (the service scopes the query; a child outside them is a 404, a user outside them "no such user").

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use domain::audit::AuditEntry;
use domain::codes::AuditAction;
use domain::datetime::{Date, london};
use domain::ids::PersonId;
use domain::{ValueError, ValueErrors};
use serde::Deserialize;
use service::ServiceError;
use store::Store;

use super::form::{Form, FormValues, options};
use super::{Layout, render, time};
use crate::error::WebError;
use crate::extract::Page;

/// The filters, as the page's form sends them.
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    child: Option<String>,
    user: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl AuditQuery {
    /// As the page's form (fields and ids `child`, `user`, `action`, `from`, `to`).
    fn form(&self) -> Form {
        let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
        Form::sent(
            "",
            FormValues::new(vec![
                ("child".into(), text(&self.child)),
                ("user".into(), text(&self.user)),
                ("action".into(), text(&self.action)),
                ("from".into(), text(&self.from)),
                ("to".into(), text(&self.to)),
            ]),
        )
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    form: Form,
    actions: Vec<(String, String)>,
    entries: Vec<AuditEntry>,
}

impl AuditPage {
    fn when(&self, e: &AuditEntry) -> String {
        time(&e.at)
    }
}

fn day_start(d: Date) -> Option<domain::datetime::Timestamp> {
    london()
        .to_timestamp(d.to_datetime(domain::datetime::Time::midnight()))
        .ok()
}

/// The filters as the use case takes them, or every problem with them (in the form's order).
fn read_filters(v: &FormValues) -> Result<service::audit::AuditQuery, ValueErrors> {
    let mut errors = ValueErrors::new();
    let mut query = service::audit::AuditQuery {
        limit: 500,
        ..service::audit::AuditQuery::default()
    };
    if let Some(child) = v.get("child") {
        match PersonId::parse(&child) {
            Ok(id) => query.child = Some(id),
            Err(_) => errors.push(ValueError::new(
                "child",
                "Enter a child's record id (from the address of their record)",
            )),
        }
    }
    query.user = v.get("user");
    if let Some(action) = v.get("action") {
        match AuditAction::parse(&action) {
            Ok(a) => query.action = Some(a),
            Err(_) => errors.push(ValueError::new("action", "Choose an action from the list")),
        }
    }
    for field in ["from", "to"] {
        let Some(value) = v.get(field) else { continue };
        match domain::datetime::parse_date("date", &value) {
            // `to` is the whole day: up to the start of the next.
            Ok(d) if field == "to" => query.to = day_start(d.tomorrow().unwrap_or(d)),
            Ok(d) => query.from = day_start(d),
            Err(_) => errors.push(ValueError::new(
                field,
                "Enter a real date, for example 2024-03-31",
            )),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// `GET /audit`: who viewed this child; what did this user view; filtered by action and dates.
pub async fn audit_trail<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let mut form = q.form();
    let query = match read_filters(&form.values) {
        Ok(query) => Some(query),
        Err(errors) => {
            form = form.with_errors(&errors);
            None
        }
    };
    // With problems in the filters, the role, the child and the user are still checked (showing nothing).
    let checked = query.unwrap_or(service::audit::AuditQuery {
        limit: 0,
        ..service::audit::AuditQuery::default()
    });
    let entries = match state.services.audit_entries(&who.actor, checked).await {
        Ok(entries) if !form.failed() => entries,
        Ok(_) => Vec::new(),
        Err(ServiceError::Invalid(problems)) => {
            form = form.with_errors(&problems);
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    let status = if form.failed() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        AuditPage {
            layout: who.layout(&form.title("Audit trail"), "/audit"),
            form,
            actions: options(AuditAction::ALL, AuditAction::code, AuditAction::label),
            entries,
        },
    ))
}
