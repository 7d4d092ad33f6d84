//! Statutory returns: Ofsted's Annex A Lists 1–7 as an Excel workbook, for senior leaders and inspectors of the
//! LA. The page's form downloads the workbook; the API route returns the same file.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::audit::Actor;
use domain::datetime::{self, Date};
use domain::identifiers::LaCode;
use domain::policy::{self, Action, Area};
use serde::Deserialize;
use service::ServiceError;
use store::Store;

use super::{Layout, render};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;
use crate::extract::ApiActor;

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The form (and the API's query): everything optional, so that every problem can be named.
#[derive(Deserialize, Default, Clone)]
pub struct AnnexAQuery {
    la: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    layout: Layout,
    las: Vec<(String, String)>,
    la: String,
    /// The two date fields: id, label and value.
    dates: Vec<(&'static str, &'static str, String)>,
    errors: Vec<(String, String)>,
}

impl ReturnsPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }
}

/// The caller, if their role may export returns at all (403 otherwise, 401 when not signed in).
fn exporter(caller: &Caller) -> Result<&Actor, WebError> {
    let actor = caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))?;
    if actor
        .role
        .is_some_and(|r| policy::grants(r, Area::Returns, Action::Export))
    {
        Ok(actor)
    } else {
        Err(WebError::Service(ServiceError::Forbidden))
    }
}

fn page(
    caller: &Caller,
    actor: &Actor,
    q: &AnnexAQuery,
    errors: Vec<(String, String)>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if errors.is_empty() {
        "Returns"
    } else {
        "Error: Returns"
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    render(
        status,
        ReturnsPage {
            layout: Layout::new(title, caller, "/returns"),
            las: actor
                .las
                .iter()
                .map(|l| {
                    (
                        l.to_string(),
                        l.name().unwrap_or("Local authority").to_owned(),
                    )
                })
                .collect(),
            la: text(&q.la),
            dates: vec![
                ("from", "Start of the period", text(&q.from)),
                ("to", "End of the period", text(&q.to)),
            ],
            errors,
        },
    )
}

/// `GET /returns`: the form, with the six months to yesterday filled in (the period Ofsted usually asks for).
pub async fn returns_page<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actor = exporter(&caller)?;
    let today = datetime::london_date(state.services.now());
    let to = today.yesterday().unwrap_or(today);
    let from = returns::annex_a::months_before(today, 6);
    let q = AnnexAQuery {
        la: actor.las.first().map(ToString::to_string),
        from: Some(from.to_string()),
        to: Some(to.to_string()),
    };
    Ok(page(&caller, actor, &q, Vec::new()))
}

/// The period and LA asked for, or every problem with them: (field, message) as the page shows them.
fn read_query(q: &AnnexAQuery) -> Result<(LaCode, Date, Date), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let la = match LaCode::parse(&text(&q.la)) {
        Ok(la) => Some(la),
        Err(_) => {
            errors.push(("la".to_owned(), "Choose a local authority".to_owned()));
            None
        }
    };
    let mut date = |field: &'static str, what: &str| {
        let s = text(if field == "from" { &q.from } else { &q.to });
        match datetime::parse_date(field, &s) {
            Ok(d) => Some(d),
            Err(_) if s.is_empty() => {
                errors.push((field.to_owned(), format!("Enter the {what} of the period")));
                None
            }
            Err(_) => {
                errors.push((
                    field.to_owned(),
                    format!("The {what} of the period must be a real date, for example 2024-04-01"),
                ));
                None
            }
        }
    };
    let from = date("from", "start");
    let to = date("to", "end");
    match (la, from, to) {
        (Some(la), Some(from), Some(to)) if errors.is_empty() => Ok((la, from, to)),
        _ => Err(errors),
    }
}

/// The service's problems with the request, as the page words them.
fn field_errors(e: &domain::ValueErrors) -> Vec<(String, String)> {
    e.0.iter()
        .map(|e| {
            let mut m = e.problem.clone();
            if let Some(first) = m.get(..1) {
                m = first.to_uppercase() + m.get(1..).unwrap_or("");
            }
            (e.field.to_string(), m)
        })
        .collect()
}

/// The workbook as a download (written off the async threads: a large LA's takes a moment).
async fn workbook(annex: returns::annex_a::AnnexA, la: &LaCode) -> Result<Response, WebError> {
    let name = format!("annex-a-{la}-{}-to-{}.xlsx", annex.from, annex.to);
    let bytes = tokio::task::spawn_blocking(move || returns::annex_a::xlsx_bytes(&annex))
        .await
        .map_err(|e| ServiceError::internal("writing the workbook", e))?
        .map_err(|e| ServiceError::internal("writing the workbook", e))?;
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /returns/annex-a?la=&from=&to=`: the workbook, or the form again naming each problem.
pub async fn annex_a_download<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AnnexAQuery>,
) -> Result<Response, WebError> {
    let actor = exporter(&caller)?;
    let (la, from, to) = match read_query(&q) {
        Ok(x) => x,
        Err(errors) => return Ok(page(&caller, actor, &q, errors)),
    };
    match state.services.annex_a(actor, &la, from, to).await {
        Ok(annex) => workbook(annex, &la).await,
        Err(ServiceError::Invalid(e)) => Ok(page(&caller, actor, &q, field_errors(&e))),
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/returns/annex-a?la=&from=&to=` → the workbook; 422 naming each bad field; 403 for a role that
/// may not export returns; 404 for an LA the caller does not work for.
pub async fn annex_a_api<S: Store>(
    State(state): State<Shared<S>>,
    ApiActor(actor): ApiActor,
    Query(q): Query<AnnexAQuery>,
) -> Result<Response, WebError> {
    if !actor
        .role
        .is_some_and(|r| policy::grants(r, Area::Returns, Action::Export))
    {
        return Err(WebError::Service(ServiceError::Forbidden));
    }
    let (la, from, to) = read_query(&q).map_err(|errors| {
        WebError::Service(ServiceError::Invalid(domain::ValueErrors(
            errors
                .into_iter()
                .map(|(field, message)| domain::ValueError::new(field, message))
                .collect(),
        )))
    })?;
    let annex = state.services.annex_a(&actor, &la, from, to).await?;
    workbook(annex, &la).await
}
