//! Request ids, body limits, request tracing (ids only, never personal data) and security headers.

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::trace::TraceLayer;

use crate::caller::Caller;
use crate::error::WebError;

/// The request id header, set on every response: always our own id (a UUID v7).
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The client's own request id, echoed when it is valid ([`client_request_id`]).
pub static CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-client-request-id");

/// The id of the current request, for logs, audit entries and error pages. Always ours.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The id a client sent as `x-request-id`, if valid: for correlating its logs with ours (the tracing span and
/// the `x-client-request-id` answer), never for the audit trail.
#[derive(Clone, Debug)]
pub struct ClientRequestId(pub String);

/// A client's request id is kept only if it is 1 to 64 characters of `[A-Za-z0-9._:-]`.
fn client_request_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    ok.then(|| s.to_owned())
}

/// Give each request our own id (whatever the client sent as `x-request-id`), keep a valid client id aside,
/// and answer with both.
pub async fn request_ids(mut request: Request, next: Next) -> Response {
    let client = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(client_request_id);
    let id = uuid::Uuid::now_v7().to_string();
    let headers = request.headers_mut();
    headers.remove(&CLIENT_REQUEST_ID);
    let ours = HeaderValue::from_str(&id).ok();
    match &ours {
        Some(v) => headers.insert(REQUEST_ID.clone(), v.clone()),
        None => headers.remove(&REQUEST_ID),
    };
    request.extensions_mut().insert(RequestId(id));
    if let Some(c) = &client {
        request.extensions_mut().insert(ClientRequestId(c.clone()));
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if let Some(v) = ours {
        h.insert(REQUEST_ID.clone(), v);
    }
    if let Some(v) = client.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(CLIENT_REQUEST_ID.clone(), v);
    }
    response
}

/// The largest body the JSON API reads.
pub const MAX_API_BODY: usize = 1024 * 1024;
/// The largest body a page reads (forms are small).
pub const MAX_PAGE_BODY: usize = 256 * 1024;

/// What a document upload may add to the file itself: its title, agencies and the multipart framing.
pub const UPLOAD_OVERHEAD: usize = 256 * 1024;

/// The largest document accepted, in bytes (`Services::max_upload_bytes`), for [`body_limit`].
#[derive(Clone, Copy, Debug)]
pub struct UploadLimit(pub u64);

/// Whether a request uploads a document (`POST …/children/{id}/documents` or `…/contacts/{id}/documents`, page or
/// API): the only requests whose body may be larger than a form's.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    method == axum::http::Method::POST
        && (path.starts_with("/children/") || path.starts_with("/contacts/"))
        && path.ends_with("/documents")
        && path.matches('/').count() == 3
}

/// Refuse any body over the limit with 413, the same way everywhere: a declared `Content-Length` over the limit
/// before anything is read; a body that turns out longer (chunked) when a reader reaches the limit. Under
/// `/api` the answer is problem+json; elsewhere a GOV.UK error page. A document upload may send the largest file
/// accepted (and a little more for its details); every other route keeps the limits of forms and JSON.
pub async fn body_limit(
    axum::extract::State(upload): axum::extract::State<UploadLimit>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let upload = is_upload(request.method(), request.uri().path())
        .then(|| usize::try_from(upload.0).unwrap_or(usize::MAX));
    let limit = match upload {
        Some(max) => max.saturating_add(UPLOAD_OVERHEAD),
        None if api => MAX_API_BODY,
        None => MAX_PAGE_BODY,
    };
    let request_id = request.extensions().get::<RequestId>().map(|r| r.0.clone());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(api, limit, upload, request_id);
    }
    let request = request.map(|b| Body::new(http_body_util::Limited::new(b, limit)));
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && upload.is_none() {
        return too_large(api, limit, upload, request_id);
    }
    response
}

fn too_large(
    api: bool,
    limit: usize,
    upload: Option<usize>,
    request_id: Option<String>,
) -> Response {
    let kib = limit / 1024;
    if let Some(max) = upload {
        let problem = domain::documents::FileProblem::TooLarge {
            max_bytes: max as u64,
        }
        .message();
        if api {
            return WebError::Service(service::ServiceError::FileRefused(
                service::FileRefusal::TooLarge,
                domain::ValueError::new("file", problem),
            ))
            .into_response();
        }
        let heading = "The file is too large";
        return crate::pages::render(
            StatusCode::PAYLOAD_TOO_LARGE,
            crate::pages::ErrorPage {
                layout: crate::pages::Layout::new(heading, &Caller::Anonymous, ""),
                heading: heading.to_owned(),
                message: format!(
                    "{problem}. Nothing was saved. Go back and choose a smaller file."
                ),
                request_id,
            },
        );
    }
    if api {
        return WebError::BadBody {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            detail: format!("The request body is larger than {kib} KiB."),
            field: None,
        }
        .into_response();
    }
    let heading = "What you sent is too large";
    crate::pages::render(
        StatusCode::PAYLOAD_TOO_LARGE,
        crate::pages::ErrorPage {
            layout: crate::pages::Layout::new(heading, &Caller::Anonymous, ""),
            heading: heading.to_owned(),
            message: format!(
                "A form can send at most {kib} KB. Nothing was saved. Go back, shorten what you entered and try \
                 again."
            ),
            request_id,
        },
    )
}

type MakeSpan = fn(&Request) -> tracing::Span;

/// A span per request: method, matched route (not the raw path, which may hold ids) and request id.
pub fn trace_layer() -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    MakeSpan,
> {
    TraceLayer::new_for_http().make_span_with(make_span as MakeSpan)
}

fn make_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.as_str())
        .unwrap_or("");
    let client = request
        .extensions()
        .get::<ClientRequestId>()
        .map(|r| r.0.as_str())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        request_id = %id,
        client_request_id = %client
    )
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every response; `Cache-Control: no-store` on everything but static assets.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Not `no-referrer`: with it, browsers send `Origin: null` on our own forms, which the CSRF check refuses.
    // `same-origin` keeps our URLs (which carry record ids and search terms) from other sites all the same.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
