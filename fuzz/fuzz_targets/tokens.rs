//! Who is calling: the session and sign-in cookies (`Cookie` headers), the bearer token (`Authorization`), the
//! same-origin check (`Host` against `Origin` or `Referer`), the CSRF token (header or form field), the
//! constant-time token comparison, and the `Set-Cookie` values Frontdoor writes.
//!
//! The input is split on `\n` into header values: cookies, authorization, host, origin, referer, CSRF header and
//! a form body (values that are not valid header values are left out, as a client could not send them).
//!
//! Properties:
//! - a cookie read is the value of the first `name=value` pair with that name, in any `Cookie` header, and
//!   never holds a `;`;
//! - a cookie Frontdoor sets (token alphabet) reads back from the `Cookie` header a browser returns;
//! - a bearer token is the trimmed text after `Bearer `;
//! - `same_token` is string equality;
//! - a request whose `Origin` names another host is never same-origin, and one naming this host is;
//! - the CSRF header, when sent, is the token used.

#![no_main]

use bytes::Bytes;
use http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, REFERER};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use web::caller::{
    CSRF_HEADER, DEVICE_COOKIE, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, SameSite, bearer,
    clear_cookie, cookie, cookie_value, device_cookie, same_origin, same_token, sent_token,
    set_cookie,
};

/// What `cookie` should find: the first pair named `name` across the headers, in order.
fn model_cookie(values: &[&str], name: &str) -> Option<String> {
    values
        .iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn token_alphabet(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(100)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parts: Vec<&str> = text.split('\n').collect();
    let part = |i: usize| parts.get(i).copied();
    let value = |i: usize| part(i).and_then(|s| HeaderValue::from_str(s).ok());

    let mut headers = HeaderMap::new();
    // Up to two Cookie headers.
    let mut cookie_values = Vec::new();
    for i in [0, 1] {
        if let Some(v) = value(i) {
            // Only headers that are ASCII text are read.
            if v.to_str().is_ok() {
                cookie_values.push(part(i).unwrap_or_default());
            }
            headers.append(COOKIE, v);
        }
    }
    for (i, name) in [(2, AUTHORIZATION), (3, HOST), (4, ORIGIN), (5, REFERER)] {
        if let Some(v) = value(i) {
            headers.insert(name, v);
        }
    }
    if let Some(v) = value(6) {
        headers.insert(CSRF_HEADER, v);
    }
    let form = part(7).map(|s| Bytes::copy_from_slice(s.as_bytes()));

    for name in [
        SESSION_COOKIE,
        SIGN_IN_CSRF_COOKIE,
        DEVICE_COOKIE,
        part(8).unwrap_or("x"),
    ] {
        let found = cookie(&headers, name);
        assert_eq!(found, model_cookie(&cookie_values, name), "cookie {name:?}");
        assert!(found.is_none_or(|v| !v.contains(';')));
    }

    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    assert_eq!(
        bearer(&headers),
        authorization
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(str::trim)
    );
    if let Some(t) = bearer(&headers) {
        assert_eq!(t.trim(), t);
    }

    let a = part(9).unwrap_or_default();
    let b = part(10).unwrap_or_default();
    assert_eq!(same_token(a, b), a == b);
    assert!(same_token(a, a));

    let sent = sent_token(&headers, form.as_ref());
    if let Some(v) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        assert_eq!(sent.as_deref(), Some(v));
    }

    let _ = same_origin(&headers);
    // Origin checks against a host taken from the input.
    let host = token_alphabet(part(3).unwrap_or_default()).to_ascii_lowercase();
    if !host.is_empty() {
        let other = token_alphabet(part(11).unwrap_or_default()).to_ascii_lowercase();
        let check = |origin: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                HOST,
                HeaderValue::from_str(&host).expect("a token is a header value"),
            );
            h.insert(
                ORIGIN,
                HeaderValue::from_str(origin).expect("an origin is a header value"),
            );
            same_origin(&h)
        };
        assert!(check(&format!("https://{host}")));
        assert!(check(&format!("http://{}/page", host.to_ascii_uppercase())));
        for origin in [
            format!("https://{host}.{other}"),
            format!("https://{other}{host}"),
            format!("https://{host}@{other}"),
            format!("https://{other}/{host}"),
            "null".to_owned(),
        ] {
            // Another host: the authority (after the scheme, before any path) is not this one.
            let authority = origin
                .trim_start_matches("https://")
                .split('/')
                .next()
                .unwrap_or("");
            if !authority.eq_ignore_ascii_case(&host) {
                assert!(!check(&origin), "{origin:?} passed as {host:?}");
            }
        }
    }

    // Cookies Frontdoor sets read back from what a browser returns.
    let token = token_alphabet(part(12).unwrap_or_default());
    let set = [
        cookie_value(SESSION_COOKIE, &token, "/", SameSite::Lax, None),
        set_cookie(SIGN_IN_CSRF_COOKIE, &token, Some(600)),
        device_cookie(&token, std::time::Duration::from_secs(86_400)),
        clear_cookie(SESSION_COOKIE),
    ];
    for v in set {
        let v = v.to_str().expect("Set-Cookie is ASCII");
        assert!(v.contains("; HttpOnly; Secure; SameSite="), "{v:?}");
        let first = v.split(';').next().unwrap_or_default();
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_str(first).expect("a cookie pair is a header value"),
        );
        let (name, val) = first.split_once('=').expect("name=value");
        assert_eq!(cookie(&h, name).as_deref(), Some(val));
    }
});
