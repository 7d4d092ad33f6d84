//! Frontdoor's HTTP face. The router adapts requests to the use cases in `service` and nothing more: pages
//! (GOV.UK Frontend, server-rendered with askama, working without JavaScript) and the JSON API under
//! `/api/v1`, both over the same service functions.

mod api;
mod assets;
mod error;
mod extract;
mod middleware;
mod pages;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use service::Services;
use store::Store;
use tokio::net::TcpListener;

pub use error::{FieldProblem, Problem, WebError};

/// What every handler can reach.
pub struct AppState<S> {
    pub services: Services<S>,
}

/// Shared state handed to handlers.
pub type Shared<S> = Arc<AppState<S>>;

/// Every route of the application, with its middleware.
pub fn router<S: Store>(services: Services<S>) -> Router {
    let state: Shared<S> = Arc::new(AppState { services });
    let api = Router::new()
        .route("/contacts", post(api::record_contact::<S>))
        .route("/contacts/{id}", get(api::get_contact::<S>))
        .fallback(api::not_found);
    Router::new()
        .route("/", get(pages::home::<S>))
        .route("/healthz", get(api::healthz::<S>))
        .route("/assets/{*path}", get(assets::serve))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .with_state(state)
        // The last layer added runs first: the request id is set before tracing and headers see it.
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(middleware::trace_layer())
        .layer(middleware::propagate_request_id_layer())
        .layer(middleware::set_request_id_layer())
}

/// Serve `router` on `listener` until `shutdown` completes; requests in flight are finished first.
pub async fn serve<S: Store>(
    services: Services<S>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(services))
        .with_graceful_shutdown(shutdown)
        .await
}
