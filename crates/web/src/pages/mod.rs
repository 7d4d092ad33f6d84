//! The HTML pages (GOV.UK Frontend, server-rendered, working without JavaScript).

pub(crate) mod actions;
pub(crate) mod admin;
mod audit;
pub(crate) mod case_management;
pub(crate) mod case_notes;
pub(crate) mod casework_worklist;
mod children;
mod data_quality;
pub(crate) mod documents;
pub(crate) mod form;
mod front_door;
pub(crate) mod information_governance;
pub(crate) mod letters;
pub(crate) mod meetings;
pub(crate) mod people;
pub(crate) mod performance;
pub(crate) mod planning;
pub(crate) mod protection;
pub(crate) mod quality;
mod record_contact;
pub(crate) mod retention;
mod returns;
pub(crate) mod second_factor;
mod sign_in;
pub(crate) mod summary;

pub use audit::audit_trail;
pub(crate) use children::broken_glass_page;
pub use children::{child_record, home, search};
pub use data_quality::data_quality;
pub use front_door::{
    approve_consent, contact, decide, feedback, oversee, partner_queue, partner_request,
    request_information, respond, screen, worklist,
};
pub use record_contact::{new_contact, record_contact};
pub use returns::{annex_a_api, annex_a_download, returns_page};
pub use sign_in::{sign_in_form, sign_in_submit, sign_out, sso_callback, sso_start};

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::datetime::{Date, Timestamp, london};
use domain::policy::{self, Action, Area};

use crate::assets::asset_url;
use crate::caller::Caller;

/// A tab of a worklist (sub-navigation by scope or stage).
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// The user's LAs, as options for a choice of LA: (code, name).
pub fn la_choices(actor: &domain::audit::Actor) -> Vec<(String, String)> {
    actor
        .las
        .iter()
        .map(|l| {
            (
                l.to_string(),
                l.name().unwrap_or("Local authority").to_owned(),
            )
        })
        .collect()
}

/// A link in the service navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The signed-in user, for the header (name and the sign-out form's CSRF token).
pub struct SignedIn {
    pub name: String,
    pub csrf: String,
}

/// What every page's layout needs.
pub struct Layout {
    pub title: String,
    pub css: String,
    pub js: String,
    pub supported_js: String,
    pub nav: Vec<NavItem>,
    pub signed_in: Option<SignedIn>,
}

/// The service navigation: each link, and what a role needs to be offered it.
const NAVIGATION: &[(&str, &str, Area, Action)] = &[
    ("/search", "Find a child", Area::CaseRecords, Action::Search),
    (
        "/front-door",
        "Front door",
        Area::CaseRecords,
        Action::Search,
    ),
    ("/casework", "Casework", Area::CaseRecords, Action::Search),
    (
        "/supervision",
        "Supervision",
        Area::CaseRecords,
        Action::Create,
    ),
    ("/dashboard", "Dashboard", Area::Performance, Action::View),
    ("/caseloads", "Caseloads", Area::Performance, Action::View),
    ("/workload", "Workload", Area::Performance, Action::View),
    (
        "/information-requests",
        "Information requests",
        Area::PartnerRequests,
        Action::Search,
    ),
    (
        "/data-quality",
        "Data quality",
        Area::Performance,
        Action::View,
    ),
    ("/returns", "Returns", Area::Returns, Action::Export),
    (
        "/quality",
        "Quality assurance",
        Area::QualityAssurance,
        Action::View,
    ),
    ("/audit", "Audit trail", Area::Audit, Action::View),
    (
        "/information-governance",
        "Information governance",
        Area::InformationGovernance,
        Action::View,
    ),
    (
        "/admin/users",
        "Users",
        Area::Administration,
        Action::Update,
    ),
    (
        "/admin/teams",
        "Teams",
        Area::Administration,
        Action::Update,
    ),
    (
        "/admin/settings",
        "Settings",
        Area::Administration,
        Action::Update,
    ),
    (
        "/letter-templates",
        "Letter templates",
        Area::Administration,
        Action::Update,
    ),
];

impl Layout {
    /// The layout for `caller`, with navigation for what their role may do; `current` is the active nav href.
    pub fn new(title: &str, caller: &Caller, current: &str) -> Layout {
        let nav = match caller.actor().and_then(|a| a.role) {
            None => Vec::new(),
            Some(role) => NAVIGATION
                .iter()
                .filter(|(_, _, area, action)| policy::grants(role, *area, *action))
                .map(|(href, label, _, _)| NavItem {
                    href,
                    label,
                    current: current == *href,
                })
                .collect(),
        };
        Layout {
            title: title.to_owned(),
            css: asset_url("govuk/frontdoor-govuk.min.css"),
            js: asset_url("js/init.js"),
            supported_js: asset_url("js/govuk-frontend-supported.js"),
            nav,
            signed_in: caller.session().map(|s| SignedIn {
                name: s.user.display_name.clone(),
                csrf: s.csrf_token.clone(),
            }),
        }
    }
}

impl crate::extract::SignedIn {
    /// The layout of a page for this user; `current` is the active navigation link.
    pub fn layout(&self, title: &str, current: &str) -> Layout {
        Layout::new(title, &self.caller, current)
    }
}

/// Render a page (200), or a plain 500 if the template fails.
pub fn render_ok(page: impl Template) -> Response {
    render(StatusCode::OK, page)
}

/// Render a page, or a plain 500 if the template fails.
pub fn render(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong").into_response()
        }
    }
}

/// "1 March 2024".
pub fn date(d: &Date) -> String {
    domain::chronology::uk_date(*d)
}

/// "1 March 2024 at 4:55pm", in London time.
pub fn time(t: &Timestamp) -> String {
    let dt = london().to_datetime(*t);
    let (h, m) = (dt.hour(), dt.minute());
    let (h12, ampm) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    format!(
        "{} at {h12}:{m:02}{ampm}",
        domain::chronology::uk_date(dt.date())
    )
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub request_id: Option<String>,
}

/// Any page that does not exist (the router's fallback).
pub async fn not_found(caller: Option<axum::Extension<Caller>>) -> Response {
    let caller = caller.map(|c| c.0).unwrap_or(Caller::Anonymous);
    render(
        StatusCode::NOT_FOUND,
        ErrorPage {
            layout: Layout::new("Page not found", &caller, ""),
            heading: "Page not found".into(),
            message: "If you typed the web address, check it is correct. If you followed a link, the page may \
                      have moved or you may not have access to it."
                .into(),
            request_id: None,
        },
    )
}

/// For pages (not the API): turn an error response into a GOV.UK error page with the request id, and send
/// anyone not signed in to the sign-in page.
pub async fn html_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    if path.starts_with("/api/") || path.starts_with("/assets/") || path == "/healthz" {
        return next.run(request).await;
    }
    let caller = request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or(Caller::Anonymous);
    let request_id = request
        .extensions()
        .get::<crate::middleware::RequestId>()
        .map(|r| r.0.clone());
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    if status == StatusCode::UNAUTHORIZED {
        let next_url = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let target = format!("/sign-in?next={}", urlencoding(&next_url));
        return axum::response::Redirect::to(&target).into_response();
    }
    let (heading, message) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "If you typed the web address, check it is correct. If you followed a link, the record may not \
             exist or you may not have access to it.",
        ),
        StatusCode::FORBIDDEN => (
            "You do not have access to this page",
            "Your role does not allow this. If you think it should, ask your manager or the system administrator.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Sorry, the service is unavailable",
            "The database is not answering. Try again in a few minutes.",
        ),
        s if s.is_client_error() => (
            "There is a problem with that request",
            "Go back and try again.",
        ),
        _ => (
            "Sorry, there is a problem with the service",
            "Something went wrong on our side. Try again later. If it keeps happening, tell support the \
             reference below.",
        ),
    };
    render(
        status,
        ErrorPage {
            layout: Layout::new(heading, &caller, ""),
            heading: heading.into(),
            message: message.into(),
            request_id,
        },
    )
}

/// Percent-encode a path and query for use as a query parameter value.
pub fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
