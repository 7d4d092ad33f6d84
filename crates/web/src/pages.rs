//! The HTML pages (GOV.UK Frontend). This issue has the application shell; journey pages come later.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use store::Store;

use crate::Shared;
use crate::assets::asset_url;

/// What every page's layout needs.
pub struct Layout {
    pub title: String,
    pub css: String,
    pub js: String,
    pub supported_js: String,
}

impl Layout {
    pub fn new(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            css: asset_url("govuk/frontdoor-govuk.min.css"),
            js: asset_url("js/init.js"),
            supported_js: asset_url("js/govuk-frontend-supported.js"),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    database: &'static str,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    layout: Layout,
}

fn render(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong").into_response()
        }
    }
}

/// `GET /`: the application shell.
pub async fn home<S: Store>(State(state): State<Shared<S>>) -> Response {
    render(
        StatusCode::OK,
        HomePage {
            layout: Layout::new("Home"),
            database: state.services.store().backend_name(),
        },
    )
}

/// Any page that does not exist.
pub async fn not_found() -> Response {
    render(
        StatusCode::NOT_FOUND,
        NotFoundPage {
            layout: Layout::new("Page not found"),
        },
    )
}
