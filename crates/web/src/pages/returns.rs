//! Statutory returns: Ofsted's Annex A Lists 1–7 as an Excel workbook, for senior leaders and inspectors of the
//! LA. The page's form downloads the workbook; the API route returns the same file.

use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::datetime::{self, Date};
use domain::identifiers::LaCode;
use domain::policy::{Action, Area};
use domain::{ValueError, ValueErrors};
use serde::Deserialize;
use service::ServiceError;
use store::Store;

use super::form::{Form, FormValues};
use super::{Layout, la_choices, render};
use crate::error::WebError;
use crate::extract::{Page, SignedIn};

/// The media type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The period and LA of an Annex A export, as the page's form (or an API caller) sends them.
#[derive(Deserialize, Default, Clone)]
pub struct AnnexAQuery {
    la: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl AnnexAQuery {
    /// As the page's form: fields `la`, `from`, `to` (ids the same).
    fn form(&self) -> Form {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Form::sent(
            "",
            FormValues::new(vec![
                ("la".into(), text(&self.la)),
                ("from".into(), text(&self.from)),
                ("to".into(), text(&self.to)),
            ]),
        )
    }
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    layout: Layout,
    las: Vec<(String, String)>,
    form: Form,
}

/// Only roles that export returns (senior leaders, inspectors, ...).
fn exporter(who: &SignedIn) -> Result<(), WebError> {
    if who.may(Area::Returns, Action::Export) {
        Ok(())
    } else {
        Err(WebError::Service(ServiceError::Forbidden))
    }
}

/// The returns page, with the form as typed and its problems.
fn page(who: &SignedIn, form: Form) -> Response {
    let status = if form.failed() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        ReturnsPage {
            layout: who.layout(&form.title("Returns"), "/returns"),
            las: la_choices(&who.actor)
                .into_iter()
                .map(|(code, name)| (code.clone(), format!("{name} ({code})")))
                .collect(),
            form,
        },
    )
}

/// `GET /returns`: the form, for the last six months to yesterday.
pub async fn returns_page<S: Store>(Page { state, who }: Page<S>) -> Result<Response, WebError> {
    exporter(&who)?;
    let today = datetime::london_date(state.services.now());
    let to = today.yesterday().unwrap_or(today);
    let from = returns::annex_a::months_before(today, 6);
    let q = AnnexAQuery {
        la: who.actor.las.first().map(ToString::to_string),
        from: Some(from.to_string()),
        to: Some(to.to_string()),
    };
    Ok(page(&who, q.form()))
}

/// The LA and period asked for, or every problem with them.
fn read_query(q: &AnnexAQuery) -> Result<(LaCode, Date, Date), ValueErrors> {
    let mut errors = ValueErrors::new();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let la = match LaCode::parse(&text(&q.la)) {
        Ok(la) => Some(la),
        Err(_) => {
            errors.push(ValueError::new("la", "Choose a local authority"));
            None
        }
    };
    let mut date = |field: &'static str, what: &str| {
        let s = text(if field == "from" { &q.from } else { &q.to });
        match datetime::parse_date(field, &s) {
            Ok(d) => Some(d),
            Err(_) if s.is_empty() => {
                errors.push(ValueError::new(
                    field,
                    format!("Enter the {what} of the period"),
                ));
                None
            }
            Err(_) => {
                errors.push(ValueError::new(
                    field,
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
    Page { state, who }: Page<S>,
    Query(q): Query<AnnexAQuery>,
) -> Result<Response, WebError> {
    exporter(&who)?;
    let (la, from, to) = match read_query(&q) {
        Ok(x) => x,
        Err(errors) => return Ok(page(&who, q.form().with_errors(&errors))),
    };
    match state.services.annex_a(&who.actor, &la, from, to).await {
        Ok(annex) => workbook(annex, &la).await,
        Err(ServiceError::Invalid(e)) => Ok(page(&who, q.form().with_errors(&e))),
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/returns/annex-a?la=&from=&to=` → the workbook; 422 naming each bad field; 403 for a role that
/// may not export returns; 404 for an LA the caller does not work for.
pub async fn annex_a_api<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<AnnexAQuery>,
) -> Result<Response, WebError> {
    exporter(&who)?;
    let (la, from, to) = read_query(&q).map_err(ServiceError::Invalid)?;
    let annex = state.services.annex_a(&who.actor, &la, from, to).await?;
    workbook(annex, &la).await
}
