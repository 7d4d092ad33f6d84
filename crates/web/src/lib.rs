//! Frontdoor's HTTP face. The router adapts requests to the use cases in `service` and nothing more: pages
//! (GOV.UK Frontend, server-rendered with askama, working without JavaScript) and the JSON API under
//! `/api/v1`, both over the same service functions. Who is calling is worked out once per request
//! ([`caller`]); what they may do is decided in the service layer.

pub mod admission;
mod api;
mod api_actions;
pub(crate) mod api_admin;
mod api_case_management;
mod api_case_notes;
mod api_casework_worklist;
mod api_documents;
mod api_front_door;
pub(crate) mod api_information_governance;
mod api_letters;
mod api_people;
mod api_performance;
mod api_planning;
mod api_print;
mod api_protection;
pub(crate) mod api_quality;
mod assets;
pub mod caller;
mod charts;
mod error;
mod extract;
mod middleware;
pub mod openapi;
mod pages;
pub mod routes;
pub mod startup;

use std::future::Future;
use std::sync::Arc;

use admission::AdmissionSettings;
use axum::Router;
use service::Services;
use store::Store;
use tokio::net::TcpListener;

pub use error::{FieldProblem, Problem, WebError};
pub use extract::decode_json;

/// What every handler can reach.
pub struct AppState<S> {
    pub services: Services<S>,
}

/// Shared state handed to handlers.
pub type Shared<S> = Arc<AppState<S>>;

/// Every route of the application ([`routes::table`]), with its middleware; `admission` bounds the requests
/// worked on at once ([`admission`]).
pub fn router<S: Store>(services: Services<S>, admission: AdmissionSettings) -> Router {
    let upload = middleware::UploadLimit(services.max_upload_bytes());
    let state: Shared<S> = Arc::new(AppState { services });
    let mut app = Router::new();
    for r in routes::table::<S>() {
        app = app.route(r.path, r.handler);
    }
    app.fallback(fallback)
        .with_state(state.clone())
        // The last layer added runs first: request ids, then security headers, then a turn to be worked on (or
        // 503: refused before tracing, so that overload costs no span and no failure line per request; the
        // refusals are logged at most once a second), then tracing, the body limit, who is calling, and
        // (inside that) HTML error pages.
        .layer(axum::middleware::from_fn(pages::html_errors))
        .layer(axum::middleware::from_fn_with_state(
            state,
            caller::authenticate::<S>,
        ))
        .layer(axum::middleware::from_fn_with_state(
            upload,
            middleware::body_limit,
        ))
        .layer(middleware::trace_layer())
        .layer(axum::middleware::from_fn_with_state(
            admission::Admission::new(admission),
            admission::admit,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::request_ids))
}

/// Unknown paths: a problem document under `/api`, a GOV.UK 404 page elsewhere.
async fn fallback(
    uri: axum::http::Uri,
    caller: Option<axum::Extension<caller::Caller>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        WebError::NotFound.into_response()
    } else {
        pages::not_found(caller).await
    }
}

/// Serve `router` on `listener` until `shutdown` completes; requests in flight are finished first. Handlers
/// see each connection's peer address (`ConnectInfo<SocketAddr>`: sign-in throttling by client).
pub async fn serve<S: Store>(
    services: Services<S>,
    admission: AdmissionSettings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(services, admission).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
