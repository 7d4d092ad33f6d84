//! The second factor: the step after the password (`/sign-in/second-factor`: a code, a recovery code, or setting
//! one up when the user's role must have one), and the user's own account page (`/account`: set up, new recovery
//! codes, remove). Each change from the account page is based on the version of the user the page showed.

use std::net::SocketAddr;

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use service::second_factor::{MySecondFactor, SecondFactorRefusal, SetUpOffer};
use store::Store;

use super::form::{FieldError, Form, FormValues, Forms, after_change, banner, field_id, see_other};
use super::{Layout, render};
use crate::Shared;
use crate::caller::{
    Caller, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, clear_cookie, cookie, set_cookie,
};
use crate::error::WebError;
use crate::extract::{Page, SignedIn};
use crate::middleware::RequestId;

/// The cookie that holds a sign-in waiting for its second factor: only for `/sign-in`, gone after the wait.
pub(crate) const SECOND_FACTOR_COOKIE: &str = "frontdoor_second_factor";

pub(crate) fn second_factor_cookie(token: &str, max_age: u64) -> HeaderValue {
    crate::caller::cookie_value(
        SECOND_FACTOR_COOKIE,
        token,
        "/sign-in",
        crate::caller::SameSite::Lax,
        Some(max_age),
    )
}

/// A QR code as the template draws it: its size in modules (with a quiet zone of four) and its dark modules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Qr {
    pub size: usize,
    pub dark: Vec<(usize, usize)>,
}

/// The QR code of an `otpauth://` URI (empty when it cannot be one: the key is shown to type anyway).
fn qr_code(uri: &str) -> Qr {
    const QUIET: usize = 4;
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else {
        return Qr::default();
    };
    let width = code.width();
    let dark = code
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| (i % width + QUIET, i / width + QUIET))
        .collect();
    Qr {
        size: width + 2 * QUIET,
        dark,
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    layout: Layout,
    form: Form,
    next: String,
    set_up: Option<SetUpOffer>,
    qr: Qr,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The second-factor form (blank, or with its problems), with a fresh sign-in CSRF token.
async fn prompt_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    token: Option<&str>,
    next: String,
    mut form: Form,
) -> Result<Response, WebError> {
    let offered = form.values.get("secret");
    let Some(prompt) = (match token {
        Some(t) => {
            state
                .services
                .second_factor_prompt(t, offered.as_deref())
                .await?
        }
        None => None,
    }) else {
        return Ok(see_other("/sign-in"));
    };
    let csrf = service::auth::new_token();
    form.csrf = csrf.clone();
    let status = if form.failed() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = if prompt.set_up.is_some() {
        "Set up a second factor"
    } else {
        "Enter the code from your authenticator app"
    };
    let qr = prompt
        .set_up
        .as_ref()
        .map(|o| qr_code(&o.uri))
        .unwrap_or_default();
    let mut response = render(
        status,
        SecondFactorPage {
            layout: Layout::new(&form.title(title), caller, ""),
            form,
            next,
            set_up: prompt.set_up,
            qr,
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SIGN_IN_CSRF_COOKIE, &csrf, Some(3600)),
    );
    Ok(response)
}

/// `GET /sign-in/second-factor`.
pub async fn second_factor_form<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = super::sign_in::safe_next(q.next.as_deref());
    if caller.actor().is_some() {
        return Ok(see_other(&next));
    }
    let token = cookie(&headers, SECOND_FACTOR_COOKIE);
    prompt_page(&state, &caller, token.as_deref(), next, Form::new("")).await
}

/// `POST /sign-in/second-factor`: the session (after showing new recovery codes once, when the user has just set
/// the second factor up), or the form again.
pub async fn second_factor_submit<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    _peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    form: FormValues,
) -> Result<Response, WebError> {
    let next = super::sign_in::safe_next(Some(form.raw("next")));
    let code = form.get("code").unwrap_or_default();
    let secret = form.get("secret");
    let token = cookie(&headers, SECOND_FACTOR_COOKIE);
    let refuse = |message: String| {
        let mut f = Form::new("").with("secret", secret.clone().unwrap_or_default());
        f.errors = vec![FieldError {
            id: field_id("", "code"),
            message,
        }];
        f
    };
    if code.is_empty() {
        let f = refuse("Enter the code from your authenticator app".to_owned());
        return prompt_page(&state, &caller, token.as_deref(), next, f).await;
    }
    let Some(token) = token else {
        return Ok(see_other("/sign-in"));
    };
    match state
        .services
        .second_factor_submit(
            &token,
            &code,
            secret.as_deref(),
            request_id.map(|Extension(r)| r.0),
        )
        .await?
    {
        Ok((started, codes)) => {
            let mut response = if codes.is_empty() {
                see_other(&next)
            } else {
                render(
                    StatusCode::OK,
                    RecoveryCodesPage {
                        layout: Layout::new("Your recovery codes", &caller, ""),
                        codes,
                        next,
                    },
                )
            };
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &started.token, None),
            );
            h.append(header::SET_COOKIE, clear_cookie(SIGN_IN_CSRF_COOKIE));
            h.append(header::SET_COOKIE, second_factor_cookie("", 0));
            Ok(response)
        }
        Err(SecondFactorRefusal::NotWaiting) => {
            let mut response = see_other("/sign-in?second_factor=expired");
            response
                .headers_mut()
                .append(header::SET_COOKIE, second_factor_cookie("", 0));
            Ok(response)
        }
        Err(SecondFactorRefusal::Wrong { left }) => {
            let f = refuse(format!(
                "The code is not right, or has been used already. Wait for the next code and try again \
                 ({left} {} left)",
                if left == 1 { "try" } else { "tries" }
            ));
            prompt_page(&state, &caller, Some(&token), next, f).await
        }
    }
}

// --- your account --------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    forms: Forms,
    saved: Option<&'static str>,
    username: String,
    mine: MySecondFactor,
    offer: SetUpOffer,
    qr: Qr,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct AccountRecoveryCodes {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn account_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let mine = state.services.my_second_factor(&who.actor).await?;
    let offered = failed.as_ref().and_then(|f| f.values.get("secret"));
    let offer = state
        .services
        .second_factor_offer(&who.actor, offered.as_deref());
    let qr = qr_code(&offer.uri);
    let forms = Forms::new(who, mine.version, failed);
    let title = forms.summary().title("Your account");
    Ok(render(
        StatusCode::OK,
        AccountPage {
            layout: who.layout(&title, "/account"),
            forms,
            saved,
            username: who.actor.log_id(),
            mine,
            offer,
            qr,
        },
    ))
}

/// `GET /account`.
pub async fn account<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    account_page(&state, &who, None, banner(q.saved.as_deref())).await
}

fn codes_page(who: &SignedIn, codes: Vec<String>) -> Response {
    render(
        StatusCode::OK,
        AccountRecoveryCodes {
            layout: who.layout("Your recovery codes", "/account"),
            codes,
            next: "/account".to_owned(),
        },
    )
}

/// `POST /account/second-factor`: set up (or replace) the second factor; the new recovery codes, shown once.
pub async fn set_up<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .set_up_second_factor(
            &who.actor,
            &v.get("secret").unwrap_or_default(),
            &v.get("code").unwrap_or_default(),
            v.version(),
        )
        .await;
    match r {
        Ok(codes) => Ok(codes_page(&who, codes)),
        Err(e) => {
            let form = Form::sent("set-up", v);
            after_change(
                Err::<(), _>(e),
                form,
                |()| String::new(),
                |form| async { account_page(&state, &who, Some(form), None).await },
            )
            .await
        }
    }
}

/// `POST /account/second-factor/recovery-codes`.
pub async fn recovery_codes<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    match state
        .services
        .new_recovery_codes(&who.actor, v.version())
        .await
    {
        Ok(codes) => Ok(codes_page(&who, codes)),
        Err(e) => {
            let form = Form::sent("recovery", v).link("*", "submit");
            after_change(
                Err::<(), _>(e),
                form,
                |()| String::new(),
                |form| async { account_page(&state, &who, Some(form), None).await },
            )
            .await
        }
    }
}

/// `POST /account/second-factor/removal`.
pub async fn remove<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .remove_own_second_factor(&who.actor, v.version())
        .await;
    let form = Form::sent("removal", v).link("*", "submit");
    after_change(
        r,
        form,
        |()| "/account?saved=second-factor-removed".to_owned(),
        |form| async { account_page(&state, &who, Some(form), None).await },
    )
    .await
}
