//! Signing in and out.

use askama::Template;
use axum::Extension;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use service::second_factor::SignedIn;
use service::sessions::{SignInClient, SignInRefusal};
use service::single_sign_on::{SsoCallback, SsoRefusal};
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
use crate::pages::second_factor::second_factor_cookie;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    form: Form,
    next: String,
    signed_out: Option<String>,
    /// What the single sign-on button calls the identity provider, when the deployment has one.
    sso_name: Option<String>,
    /// Whether the password form is shown (a deployment with single sign-on may switch passwords off).
    passwords: bool,
}

#[derive(Template)]
#[template(path = "sign_in_refused.html")]
struct SignInRefusedPage {
    layout: Layout,
    heading: String,
    message: String,
    request_id: Option<String>,
}

/// How the sign-in page offers signing in: through the identity provider (named), with a password, or both.
#[derive(Clone, Debug)]
pub(crate) struct SignInChoices {
    sso_name: Option<String>,
    passwords: bool,
}

impl SignInChoices {
    fn of<S: Store>(state: &Shared<S>) -> SignInChoices {
        SignInChoices {
            sso_name: state.services.single_sign_on().map(|s| s.name.clone()),
            passwords: state.services.local_passwords(),
        }
    }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
    /// `expired`: the second factor was not given in time, or too many wrong codes.
    second_factor: Option<String>,
}

/// Where to go after sign-in: `next` if it is a path on this site, else `/`. Accepted only when a browser can
/// read it no other way: it starts with one `/` (no scheme, no `//` or `/\\` authority), and every character
/// is visible ASCII (no control character, which browsers drop, as in `/\t/evil.example`; no space; nothing a
/// header cannot carry), with no backslash anywhere (which browsers read as `/`).
pub(crate) fn safe_next(next: Option<&str>) -> String {
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
fn page(
    caller: &Caller,
    choices: &SignInChoices,
    next: String,
    form: Form,
    signed_out: Option<String>,
) -> Response {
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
            signed_out,
            sso_name: choices.sso_name.clone(),
            passwords: choices.passwords,
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SIGN_IN_CSRF_COOKIE, &csrf, Some(3600)),
    );
    response
}

/// The form again with the username as typed and `problems` (field, message).
fn refused(
    caller: &Caller,
    choices: &SignInChoices,
    next: String,
    username: &str,
    problems: &[(&str, &str)],
) -> Response {
    let mut form = Form::new("").with("username", username);
    form.errors = problems
        .iter()
        .map(|(field, message)| FieldError {
            id: field_id("", field),
            message: (*message).to_owned(),
        })
        .collect();
    page(caller, choices, next, form, None)
}

/// `GET /sign-in`.
pub async fn sign_in_form<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<SignInQuery>,
) -> Response {
    if caller.actor().is_some() {
        return see_other(&safe_next(q.next.as_deref()));
    }
    page(
        &caller,
        &SignInChoices::of(&state),
        safe_next(q.next.as_deref()),
        Form::new(""),
        if q.second_factor.is_some() {
            Some(
                "Your sign-in took too long, or had too many wrong codes: sign in again".to_owned(),
            )
        } else {
            q.signed_out.map(|_| "You have signed out".to_owned())
        },
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
    let choices = SignInChoices::of(&state);
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
        return Ok(refused(&caller, &choices, next, &username, &errors));
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
        Ok(SignedIn::SecondFactor(challenge)) => {
            let target = format!(
                "/sign-in/second-factor?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            let mut response = see_other(&target);
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                second_factor_cookie(&challenge.token, service::second_factor::WAIT_FOR.as_secs()),
            );
            h.append(
                header::SET_COOKIE,
                device_cookie(
                    &challenge.device_token,
                    state.services.session_settings().known_device,
                ),
            );
            Ok(response)
        }
        Ok(SignedIn::Session(started)) => {
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
            &choices,
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
                &choices,
                next,
                &username,
                &[("username", message.as_str())],
            ))
        }
        Err(SignInRefusal::PasswordsOff) => Ok(refused(
            &caller,
            &choices,
            next,
            &username,
            &[(
                "username",
                "Frontdoor passwords are switched off here: sign in with your organisation's account",
            )],
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

/// The cookie that binds a sign-in at the identity provider to the browser that started it: HttpOnly, Secure,
/// SameSite=Lax (the provider sends the browser back with a cross-site top-level GET), only for the callback,
/// gone after `PENDING_FOR`.
const SSO_COOKIE: &str = "frontdoor_sso";

fn sso_cookie(token: &str, max_age: u64) -> HeaderValue {
    crate::caller::cookie_value(
        SSO_COOKIE,
        token,
        "/sign-in/oidc",
        crate::caller::SameSite::Lax,
        Some(max_age),
    )
}

/// A refused sign-in through the identity provider: what happened and what to do, with the request's reference.
fn sso_refused(
    caller: &Caller,
    refusal: &SsoRefusal,
    request_id: Option<Extension<RequestId>>,
) -> Response {
    let status = match refusal {
        SsoRefusal::NotStartedHere | SsoRefusal::TokenRefused(_) => StatusCode::BAD_REQUEST,
        SsoRefusal::ProviderUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        SsoRefusal::ProviderRefused(_)
        | SsoRefusal::UnknownPerson
        | SsoRefusal::Disabled
        | SsoRefusal::NoAccess(_) => StatusCode::FORBIDDEN,
    };
    let (heading, message) = refusal.explain();
    let mut response = render(
        status,
        SignInRefusedPage {
            layout: Layout::new(heading, caller, ""),
            heading: heading.to_owned(),
            message,
            request_id: request_id.map(|Extension(r)| r.0),
        },
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, sso_cookie("", 0));
    response
}

/// `GET /sign-in/oidc`: off to the identity provider, with a state, a nonce and a PKCE challenge; the browser
/// keeps a cookie that the callback must see.
pub async fn sso_start<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    request_id: Option<Extension<RequestId>>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref());
    if caller.actor().is_some() {
        return Ok(see_other(&next));
    }
    match state.services.sso_begin(&next).await? {
        Ok(start) => {
            let mut response = see_other(&start.url);
            response.headers_mut().append(
                header::SET_COOKIE,
                sso_cookie(
                    &start.browser_token,
                    service::single_sign_on::PENDING_FOR.as_secs(),
                ),
            );
            Ok(response)
        }
        Err(refusal) => Ok(sso_refused(&caller, &refusal, request_id)),
    }
}

#[derive(Deserialize)]
pub struct SsoCallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /sign-in/oidc/callback`: the provider's answer. A new session and on to where the person was going, or a
/// page that says why not.
pub async fn sso_callback<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    Query(q): Query<SsoCallbackQuery>,
) -> Result<Response, WebError> {
    let client = SignInClient {
        address: peer.map(|Extension(ConnectInfo(a))| a.ip()),
        device_token: None,
        request_id: request_id.as_ref().map(|Extension(r)| r.0.clone()),
    };
    let callback = SsoCallback {
        state: q.state,
        code: q.code,
        error: q.error,
        error_description: q.error_description,
    };
    let browser = cookie(&headers, SSO_COOKIE);
    match state
        .services
        .sso_complete(&client, browser.as_deref(), &callback)
        .await?
    {
        Ok((started, next)) => {
            // Whoever was signed in on this browser before is signed out: one person per browser.
            if let Some(session) = caller.session() {
                state.services.sign_out(session).await?;
            }
            let mut response = see_other(&safe_next(Some(&next)));
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &started.token, None),
            );
            h.append(header::SET_COOKIE, sso_cookie("", 0));
            Ok(response)
        }
        Err(refusal) => Ok(sso_refused(&caller, &refusal, request_id)),
    }
}
