//! Signing in and out.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use service::sessions::SignInRefusal;
use store::Store;

use super::{Layout, render};
use crate::Shared;
use crate::caller::{Caller, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, clear_cookie, set_cookie};
use crate::error::WebError;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    csrf: String,
    next: String,
    username: String,
    errors: Vec<(String, String)>,
    username_error: Option<String>,
    password_error: Option<String>,
    signed_out: bool,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// Only a path on this site (never `//evil.example` or an absolute URL).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn page(
    caller: &Caller,
    next: String,
    username: String,
    errors: Vec<(&str, &str)>,
    signed_out: bool,
) -> Response {
    let csrf = service::auth::new_token();
    let field_error = |f: &str| {
        errors
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, m)| (*m).to_owned())
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(
        status,
        SignInPage {
            layout: Layout::new("Sign in", caller, ""),
            csrf: csrf.clone(),
            next,
            username,
            username_error: field_error("username"),
            password_error: field_error("password"),
            errors: errors
                .iter()
                .map(|(k, m)| ((*k).to_owned(), (*m).to_owned()))
                .collect(),
            signed_out,
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SIGN_IN_CSRF_COOKIE, &csrf, Some(3600)),
    );
    response
}

/// `GET /sign-in`.
pub async fn sign_in_form(
    Extension(caller): Extension<Caller>,
    Query(q): Query<SignInQuery>,
) -> Response {
    if caller.actor().is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    page(
        &caller,
        safe_next(q.next.as_deref()),
        String::new(),
        Vec::new(),
        q.signed_out.is_some(),
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /sign-in`: a new session on success; the form again, with the username kept, on failure.
pub async fn sign_in_submit<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_owned();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(("username", "Enter your username"));
    }
    if form.password.is_empty() {
        errors.push(("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(page(&caller, next, username, errors, false));
    }
    match state.services.sign_in(&username, &form.password).await? {
        Ok(started) => {
            let mut response = Redirect::to(&next).into_response();
            *response.status_mut() = StatusCode::SEE_OTHER;
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &started.token, None),
            );
            h.append(header::SET_COOKIE, clear_cookie(SIGN_IN_CSRF_COOKIE));
            Ok(response)
        }
        Err(SignInRefusal::Incorrect) => Ok(page(
            &caller,
            next,
            username,
            vec![("username", "The username or password is not right")],
            false,
        )),
        Err(SignInRefusal::Throttled) => Ok(page(
            &caller,
            next,
            username,
            vec![(
                "username",
                "There have been too many attempts to sign in as this user. Wait 15 minutes and try again",
            )],
            false,
        )),
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
