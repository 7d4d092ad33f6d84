//! Signing in and out.

use askama::Template;
use axum::Extension;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use service::sessions::{SignInClient, SignInRefusal};
use store::Store;

use super::form::{FieldError, Form, FormValues, field_id};
use super::{Layout, render};
use crate::Shared;
use crate::caller::{
    Caller, DEVICE_COOKIE, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, clear_cookie, cookie,
    device_cookie, set_cookie,
};
use crate::error::WebError;
use crate::middleware::RequestId;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    form: Form,
    next: String,
    signed_out: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// Where to go after sign-in: `next` if it is a path on this site, else `/`. Accepted only when a browser can
/// read it no other way: it starts with one `/` (no scheme, no `//` or `/\\` authority), and every character
/// is visible ASCII (no control character, which browsers drop, as in `/\t/evil.example`; no space; nothing a
/// header cannot carry), with no backslash anywhere (which browsers read as `/`).
fn safe_next(next: Option<&str>) -> String {
    let same_origin_path = |n: &str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.len() <= 2048
            && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
    };
    match next {
        Some(n) if same_origin_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A 303 to `to` (a [`safe_next`] path, which always makes a valid `Location`).
fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The sign-in form: blank, or as sent (the username kept, never the password) with its problems. It carries a
/// CSRF token of its own (the sign-in cookie: nobody is signed in yet) and no version (it changes no record).
fn page(caller: &Caller, next: String, form: Form, signed_out: bool) -> Response {
    let csrf = service::auth::new_token();
    let mut form = form;
    form.csrf = csrf.clone();
    let status = if form.failed() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(
        status,
        SignInPage {
            layout: Layout::new(&form.title("Sign in"), caller, ""),
            form,
            next,
            signed_out: signed_out.then(|| "You have signed out".to_owned()),
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SIGN_IN_CSRF_COOKIE, &csrf, Some(3600)),
    );
    response
}

/// The form again with the username as typed and `problems` (field, message).
fn refused(caller: &Caller, next: String, username: &str, problems: &[(&str, &str)]) -> Response {
    let mut form = Form::new("").with("username", username);
    form.errors = problems
        .iter()
        .map(|(field, message)| FieldError {
            id: field_id("", field),
            message: (*message).to_owned(),
        })
        .collect();
    page(caller, next, form, false)
}

/// `GET /sign-in`.
pub async fn sign_in_form(
    Extension(caller): Extension<Caller>,
    Query(q): Query<SignInQuery>,
) -> Response {
    if caller.actor().is_some() {
        return see_other(&safe_next(q.next.as_deref()));
    }
    page(
        &caller,
        safe_next(q.next.as_deref()),
        Form::new(""),
        q.signed_out.is_some(),
    )
}

/// `POST /sign-in`: a new session on success; the form again, with the username kept, on failure. Throttled by
/// account, client address and known browser (`service::sessions`).
pub async fn sign_in_submit<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    form: FormValues,
) -> Result<Response, WebError> {
    let next = safe_next(Some(form.raw("next")));
    let username = form.get("username").unwrap_or_default();
    let password = form.raw("password");
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(("username", "Enter your username"));
    }
    if password.is_empty() {
        errors.push(("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(refused(&caller, next, &username, &errors));
    }
    let client = SignInClient {
        address: peer.map(|Extension(ConnectInfo(a))| a.ip()),
        device_token: cookie(&headers, DEVICE_COOKIE),
        request_id: request_id.map(|Extension(r)| r.0),
    };
    match state
        .services
        .sign_in_from(&client, &username, password)
        .await?
    {
        Ok(started) => {
            let mut response = see_other(&next);
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &started.token, None),
            );
            h.append(header::SET_COOKIE, clear_cookie(SIGN_IN_CSRF_COOKIE));
            h.append(
                header::SET_COOKIE,
                device_cookie(
                    &started.device_token,
                    state.services.session_settings().known_device,
                ),
            );
            Ok(response)
        }
        Err(SignInRefusal::Incorrect) => Ok(refused(
            &caller,
            next,
            &username,
            &[("username", "The username or password is not right")],
        )),
        Err(SignInRefusal::Throttled { wait }) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            let message = format!(
                "There have been too many attempts to sign in that did not work. Wait {minutes} minute{} and try \
                 again: until then, even the right password is refused",
                if minutes == 1 { "" } else { "s" }
            );
            Ok(refused(
                &caller,
                next,
                &username,
                &[("username", message.as_str())],
            ))
        }
    }
}

/// `POST /sign-out`.
pub async fn sign_out<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    if let Some(session) = caller.session() {
        state.services.sign_out(session).await?;
    }
    let mut response = Redirect::to("/sign-in?signed_out=1").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(response)
}
