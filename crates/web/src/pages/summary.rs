//! The printable case summary and chronology of a child (`/children/{id}/summary`, `/children/{id}/chronology`):
//! the same summary the PDF prints, as a page with GOV.UK print styles, its chronology filtered by period and
//! kind of event through a GET form (so a filtered page can be bookmarked and its PDF link carries the filter).

use askama::Template;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::Response;
use domain::chronology::{ChronologyEntry, ChronologyFilter, KINDS};
use domain::error::ValueErrors;
use domain::ids::PersonId;
use service::summary::CaseSummary;
use store::Store;

use super::form::{Form, FormValues};
use super::{Layout, date, render, time};
use crate::error::WebError;
use crate::extract::{Id, Page};

/// The filter as sent in a query string (`from`, `to`, `kind` repeated), with its problems.
pub fn filter_of(query: Option<&str>) -> (FormValues, Result<ChronologyFilter, ValueErrors>) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(k, _)| matches!(k.as_str(), "from" | "to" | "kind"))
        .collect();
    let values = FormValues::new(pairs);
    let filter = ChronologyFilter::parse(
        &values.get("from").unwrap_or_default(),
        &values.get("to").unwrap_or_default(),
        &values.all("kind"),
    );
    (values, filter)
}

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    layout: Layout,
    child: PersonId,
    child_name: String,
    /// The filter form, with what was typed and its problems.
    form: Form,
    kinds: Vec<(String, String)>,
    /// `None` when the filter was refused.
    s: Option<CaseSummary>,
    /// The chronology alone (`/children/{id}/chronology`), or the whole summary.
    chronology_only: bool,
    /// The query string of the filter, for the PDF links.
    query: String,
}

impl SummaryPage {
    fn entry_time(&self, e: &ChronologyEntry) -> String {
        if e.date_only {
            date(&domain::datetime::london_date(e.at))
        } else {
            time(&e.at)
        }
    }

    fn printed_at(&self) -> String {
        self.s
            .as_ref()
            .map(|s| time(&s.printed_at))
            .unwrap_or_default()
    }

    fn pdf_link(&self) -> String {
        let what = if self.chronology_only {
            "chronology"
        } else {
            "summary"
        };
        let query = if self.query.is_empty() {
            String::new()
        } else {
            format!("?{}", self.query)
        };
        format!("/api/v1/children/{}/{what}.pdf{query}", self.child)
    }
}

async fn summary_page<S: Store>(
    Page { state, who }: Page<S>,
    child: PersonId,
    query: Option<String>,
    chronology_only: bool,
) -> Result<Response, WebError> {
    let (values, filter) = filter_of(query.as_deref());
    let what = if chronology_only {
        "Chronology"
    } else {
        "Case summary"
    };
    let kinds = KINDS
        .iter()
        .map(|(k, label)| ((*k).to_owned(), (*label).to_owned()))
        .collect();
    let form = Form::sent("", values);
    let s = match filter {
        Ok(filter) => {
            state
                .services
                .case_summary(&who.actor, child, filter)
                .await?
        }
        Err(errors) => {
            // Still an audited read: the heading names the child.
            let record = state.services.child_record(&who.actor, child).await?;
            let form = form.with_errors(&errors);
            let page = SummaryPage {
                layout: who.layout(
                    &form.title(&format!("{what}: {}", record.child.name)),
                    "/search",
                ),
                child,
                child_name: record.child.name,
                form,
                kinds,
                s: None,
                chronology_only,
                query: String::new(),
            };
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    let name = s.record.child.name.clone();
    let page = SummaryPage {
        layout: who.layout(&format!("{what}: {name}"), "/search"),
        child,
        child_name: name,
        form,
        kinds,
        s: Some(s),
        chronology_only,
        query: query.unwrap_or_default(),
    };
    Ok(render(StatusCode::OK, page))
}

/// `GET /children/{id}/summary?from=&to=&kind=`: the printable case summary (audited).
pub async fn case_summary<S: Store>(
    page: Page<S>,
    Id(child): Id<PersonId>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    summary_page(page, child, query, false).await
}

/// `GET /children/{id}/chronology?from=&to=&kind=`: the printable chronology (audited).
pub async fn chronology<S: Store>(
    page: Page<S>,
    Id(child): Id<PersonId>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    summary_page(page, child, query, true).await
}
