//! Who is calling: a session cookie (pages, and the API from the browser), a bearer token (the API from
//! scripts), or nobody. One middleware works it out for every request, ends timed-out sessions, and refuses any
//! state-changing request that is not provably from our own pages (Origin check plus a CSRF token).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::audit::Actor;
use service::ServiceError;
use service::sessions::CurrentSession;
use store::Store;

use crate::Shared;
use crate::error::WebError;
use crate::middleware::RequestId;

/// The session cookie: a random 256-bit token; the database keeps only its hash.
pub const SESSION_COOKIE: &str = "frontdoor_session";
/// Before sign-in, the sign-in form's CSRF token travels in this cookie and in the form (double submit).
pub const SIGN_IN_CSRF_COOKIE: &str = "frontdoor_sign_in";
/// A browser that has signed in as a user holds this long-lived token (its hash is kept with the sign-in), so
/// that a lockout others cause does not keep that user out on it (`service::sessions`). Sent only to /sign-in.
pub const DEVICE_COOKIE: &str = "frontdoor_device";
/// The form field and header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The largest form body read (forms are small; this bounds what the CSRF check buffers).
const MAX_FORM: usize = crate::middleware::MAX_PAGE_BODY;

/// The caller of the current request.
#[derive(Clone, Debug)]
pub enum Caller {
    Anonymous,
    Session(Box<CurrentSession>),
    Token(Actor),
}

impl Caller {
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Caller::Anonymous => None,
            Caller::Session(s) => Some(&s.actor),
            Caller::Token(a) => Some(a),
        }
    }

    pub fn session(&self) -> Option<&CurrentSession> {
        match self {
            Caller::Session(s) => Some(s),
            _ => None,
        }
    }
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The forms of signing in (the password, then the second factor), whose CSRF token is the sign-in cookie's.
fn is_sign_in(path: &str) -> bool {
    path == "/sign-in" || path == "/sign-in/second-factor"
}

/// Which cross-site requests carry a cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Top-level navigations from elsewhere too (a link, the identity provider sending the browser back).
    Lax,
    /// Only requests from Frontdoor's own pages.
    Strict,
}

/// A `Set-Cookie` value: always HttpOnly and Secure; sent back only under `path`, as `same_site` allows, and kept
/// for `max_age` seconds (`None`: until the browser closes; `Some(0)`: cleared). Every cookie Frontdoor sets is
/// made here.
pub fn cookie_value(
    name: &str,
    value: &str,
    path: &str,
    same_site: SameSite,
    max_age: Option<u64>,
) -> HeaderValue {
    let same_site = match same_site {
        SameSite::Lax => "Lax",
        SameSite::Strict => "Strict",
    };
    let age = max_age.map_or_else(String::new, |s| format!("; Max-Age={s}"));
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; Secure; SameSite={same_site}{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A cookie for the whole site, SameSite=Lax.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    cookie_value(name, value, "/", SameSite::Lax, max_age)
}

pub fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", Some(0))
}

/// The known-browser cookie: SameSite=Strict, only for `/sign-in`, kept for `max_age`.
pub fn device_cookie(token: &str, max_age: std::time::Duration) -> HeaderValue {
    cookie_value(
        DEVICE_COOKIE,
        token,
        "/sign-in",
        SameSite::Strict,
        Some(max_age.as_secs()),
    )
}

/// Whether a response sets (or clears) the cookie `name`.
fn sets_cookie(response: &Response, name: &str) -> bool {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.as_bytes()
                .strip_prefix(name.as_bytes())
                .is_some_and(|rest| rest.starts_with(b"="))
        })
}

/// The token of an `Authorization: Bearer TOKEN` header (trimmed), if the request has one. Public for the fuzz
/// target for token and cookie parsing (`fuzz/fuzz_targets/tokens.rs`).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Whether the request comes from our own origin: `Origin` (or failing that `Referer`) must name this host.
/// Public for the fuzz target for token and cookie parsing.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        // Neither header: browsers send Origin on every POST, so this is not a browser form; the CSRF token
        // below still has to match.
        None => true,
        Some(s) => {
            let rest = s
                .strip_prefix("https://")
                .or_else(|| s.strip_prefix("http://"))
                .unwrap_or("");
            let authority = rest.split('/').next().unwrap_or("");
            authority.eq_ignore_ascii_case(host)
        }
    }
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// A document upload from a page: its CSRF token is a field of the multipart body, which is too large to buffer
/// here. The upload handler checks the token it reads (the form's first field) against this before it uses
/// anything the body carries; a request without this extension needed no such check.
#[derive(Clone, Debug)]
pub struct CsrfInBody(pub String);

impl CsrfInBody {
    /// Whether `sent` is the token expected.
    pub fn matches(&self, sent: Option<&str>) -> bool {
        sent.is_some_and(|t| !self.0.is_empty() && same_token(t, &self.0))
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// The CSRF token sent with a request: the `X-CSRF-Token` header, or the form field. Public for the fuzz target
/// for token and cookie parsing.
pub fn sent_token(headers: &HeaderMap, form: Option<&Bytes>) -> Option<String> {
    if let Some(h) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Some(h.to_owned());
    }
    let body = form?;
    form_urlencoded::parse(body)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned())
}

/// Constant-time comparison of two tokens. Public for the fuzz target for token and cookie parsing.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A refused state-changing request: problem+json under `/api`; for pages, the GOV.UK "form has expired" page
/// (this runs outside `pages::html_errors`).
fn forbidden(path: &str, caller: &Caller, request_id: Option<String>, detail: &str) -> Response {
    if path.starts_with("/api/") {
        return WebError::BadBody {
            status: StatusCode::FORBIDDEN,
            detail: detail.to_owned(),
            field: None,
        }
        .into_response();
    }
    let heading = "Your form has expired";
    crate::pages::render(
        StatusCode::FORBIDDEN,
        crate::pages::ErrorPage {
            layout: crate::pages::Layout::new(heading, caller, ""),
            heading: heading.to_owned(),
            message:
                "Nothing was saved. Go back to the page you came from, reload it, and try again."
                    .to_owned(),
            request_id,
        },
    )
}

/// Work out the caller, and check unsafe requests. Runs on every request.
pub async fn authenticate<S: Store>(
    State(state): State<Shared<S>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
    let services = &state.services;
    let mut clear_session = false;
    let caller = if let Some(token) = bearer(&parts.headers) {
        match services.actor_for_token(token).await {
            Ok(actor) => Caller::Token(actor),
            Err(ServiceError::Unauthenticated) => {
                return WebError::Service(ServiceError::Unauthenticated).into_response();
            }
            Err(e) => return WebError::Service(e).into_response(),
        }
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty()) {
        match services.current_session(&token).await {
            Ok(s) => Caller::Session(Box::new(s)),
            Err(ServiceError::Unauthenticated) => {
                clear_session = true;
                Caller::Anonymous
            }
            Err(e) => return WebError::Service(e).into_response(),
        }
    } else {
        Caller::Anonymous
    };
    let caller = match caller {
        Caller::Session(mut s) => {
            if let Some(id) = &request_id {
                s.actor = s.actor.clone().with_request_id(id.clone());
            }
            Caller::Session(s)
        }
        Caller::Token(a) => Caller::Token(match &request_id {
            Some(id) => a.with_request_id(id.clone()),
            None => a,
        }),
        Caller::Anonymous => Caller::Anonymous,
    };

    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // A cookie is an ambient credential: a request carrying a session (or signing in) must come from our own
    // pages. A bearer token is not sent by browsers on their own, and a request with neither is anonymous.
    let needs_csrf =
        !safe && (matches!(caller, Caller::Session(_)) || is_sign_in(parts.uri.path()));
    let path = parts.uri.path().to_owned();
    let body = if needs_csrf {
        if !same_origin(&parts.headers) {
            return forbidden(
                &path,
                &caller,
                request_id,
                "This request did not come from Frontdoor's own pages.",
            );
        }
        let (form, body) = if is_form(&parts.headers) {
            match axum::body::to_bytes(body, MAX_FORM).await {
                Ok(b) => (Some(b.clone()), Body::from(b)),
                // Over the limit (`middleware::body_limit` turns this into the 413 the path takes).
                Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
            }
        } else {
            (None, body)
        };
        let sent = sent_token(&parts.headers, form.as_ref());
        let expected = match &caller {
            Caller::Session(s) => Some(s.csrf_token.clone()),
            // Signing in: the form's token must match the one in its cookie (double submit).
            _ => cookie(&parts.headers, SIGN_IN_CSRF_COOKIE),
        };
        // A document uploaded from a page carries its token in the multipart body: the upload handler checks it.
        if sent.is_none()
            && is_multipart(&parts.headers)
            && crate::middleware::is_upload(&parts.method, &path)
            && let (Caller::Session(_), Some(expected)) = (&caller, &expected)
        {
            parts.extensions.insert(CsrfInBody(expected.clone()));
            parts.extensions.insert(caller.clone());
            let mut response = next.run(Request::from_parts(parts, body)).await;
            if clear_session && !sets_cookie(&response, SESSION_COOKIE) {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
            }
            return response;
        }
        let ok =
            matches!((&sent, &expected), (Some(a), Some(b)) if !b.is_empty() && same_token(a, b));
        if !ok {
            return forbidden(
                &path,
                &caller,
                request_id,
                "The form has expired. Go back, reload the page and try again.",
            );
        }
        body
    } else {
        body
    };
    parts.extensions.insert(caller);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    // The cookie named no live session: clear it, unless the handler has just set a new one (signing in with
    // a stale cookie), which must be the browser's last word.
    if clear_session && !sets_cookie(&response, SESSION_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    }
    response
}
