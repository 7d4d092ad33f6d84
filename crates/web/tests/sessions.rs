//! RELIABILITY.md S1: sessions over real HTTP, on a random port, with a clock the test moves. A browser-like
//! client (cookies kept by hand, as a browser would) signs in through the form and is checked at each step: a
//! new session at sign-in, the idle and absolute timeouts, sign-out, a disabled user, CSRF (no token, a wrong
//! token, another site's Origin), throttling after repeated failures, and tokens revoked. Each request whose
//! answer would let in someone who should be out (or keep out someone who should be in) counts as served
//! wrongly; the test prints the count, which must be 0.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Duration;

use domain::audit::Actor;
use domain::codes::Role;
use reqwest::header;
use reqwest::{Method, StatusCode};
use service::{Clock, NewUser};
use store::Store;
use support::{Browser, TestApp, TestDb, new_user};

const PASSWORD: &str = "correct horse battery";
const MINUTE: Duration = Duration::from_secs(60);

/// Counts what was checked and what was served wrongly.
#[derive(Default)]
struct Tally {
    checks: u32,
    wrong: Vec<String>,
}

impl Tally {
    fn check(&mut self, what: &str, ok: bool) {
        self.checks += 1;
        if !ok {
            self.wrong.push(what.to_owned());
        }
    }
}

/// A user of 213 with `role`, who signs in with [`PASSWORD`].
async fn add_user<S: Store>(app: &TestApp<S>, username: &str, role: Role) {
    app.create_user(NewUser {
        password: Some(PASSWORD.into()),
        ..new_user(username, role, &["213"])
    })
    .await;
}

async fn session_story<S: Store>(db: TestDb<S>) -> String {
    let clock = Clock::manual("2025-03-03T09:00:00Z".parse().unwrap());
    let app = &TestApp::spawn(db, clock.clone()).await;
    let settings = app.services.session_settings().clone();
    for u in ["ada", "ben", "cat", "dan", "eve"] {
        add_user(app, u, Role::MashWorker).await;
    }
    let mut t = Tally::default();

    // A new session at sign-in: a cookie planted before sign-in (fixation) is not the one afterwards.
    let mut b = app.browser();
    b.cookies.insert(
        web::caller::SESSION_COOKIE.into(),
        "fd_planted-by-an-attacker".into(),
    );
    t.check(
        "a planted session cookie signs nobody in",
        !b.signed_in().await,
    );
    let a = b.sign_in("ada", PASSWORD).await;
    t.check(
        "sign-in answers 303 to the page asked for",
        a.status == StatusCode::SEE_OTHER && a.location.as_deref() == Some("/search"),
    );
    let first = b.session();
    t.check(
        "sign-in sets a new session cookie",
        first
            .as_deref()
            .is_some_and(|s| s != "fd_planted-by-an-attacker"),
    );
    t.check("signed in after sign-in", b.signed_in().await);
    // Signing in again (say, on a shared computer) gives yet another session.
    b.cookies.remove(web::caller::SESSION_COOKIE);
    b.sign_in("ada", PASSWORD).await;
    t.check(
        "a second sign-in gets a different session",
        b.session() != first,
    );

    // Idle timeout: 29 minutes between requests is fine, 31 is not.
    clock.advance(29 * MINUTE);
    t.check("signed in after 29 idle minutes", b.signed_in().await);
    clock.advance(31 * MINUTE);
    t.check("signed out after 31 idle minutes", !b.signed_in().await);
    t.check(
        "the ended session's cookie is cleared",
        b.session().is_none(),
    );

    // Absolute timeout: busy all day, but out after 12 hours.
    let mut b = app.browser();
    b.sign_in("ben", PASSWORD).await;
    let mut busy_ok = true;
    for _ in 0..(11 * 60 / 20) {
        clock.advance(20 * MINUTE);
        busy_ok &= b.signed_in().await;
    }
    t.check("signed in while busy for 11 hours", busy_ok);
    clock.advance(61 * MINUTE);
    t.check(
        "signed out after 12 hours however busy",
        !b.signed_in().await,
    );

    // Sign-out ends the session on the server: the old cookie, replayed, lets nobody in.
    let mut b = app.browser();
    b.sign_in("cat", PASSWORD).await;
    let cookie = b.session().unwrap();
    let home = b.get("/").await;
    let csrf = Browser::csrf_in(&home.body);
    let out = b.post("/sign-out", &[("csrf_token", &csrf)], None).await;
    t.check(
        "sign-out answers with the signed-out page",
        out.status == StatusCode::SEE_OTHER
            && out.location.as_deref() == Some("/sign-in?signed_out=1"),
    );
    t.check("signed out after sign-out", !b.signed_in().await);
    b.cookies
        .insert(web::caller::SESSION_COOKIE.into(), cookie.clone());
    t.check(
        "a replayed cookie after sign-out lets nobody in",
        !b.signed_in().await,
    );

    // CSRF: sign-out without a token, with a wrong token, and from another site's page are refused, and the
    // session goes on.
    let mut b = app.browser();
    b.sign_in("dan", PASSWORD).await;
    let home = b.get("/").await;
    let csrf = Browser::csrf_in(&home.body);
    let none = b.post("/sign-out", &[], None).await;
    t.check(
        "a POST without a CSRF token is refused",
        none.status == StatusCode::FORBIDDEN,
    );
    let wrong = b
        .post("/sign-out", &[("csrf_token", "fd_not-the-token")], None)
        .await;
    t.check(
        "a POST with a wrong CSRF token is refused",
        wrong.status == StatusCode::FORBIDDEN,
    );
    let cross = b
        .post(
            "/sign-out",
            &[("csrf_token", &csrf)],
            Some("https://evil.example"),
        )
        .await;
    t.check(
        "a POST from another site is refused even with the token",
        cross.status == StatusCode::FORBIDDEN,
    );
    t.check(
        "still signed in after the refused POSTs",
        b.signed_in().await,
    );
    // The sign-in form itself: without the form's own token (login CSRF), refused.
    let mut fresh = app.browser();
    let forged = fresh
        .post(
            "/sign-in",
            &[("username", "dan"), ("password", PASSWORD)],
            None,
        )
        .await;
    t.check(
        "a sign-in POST without the form's token is refused",
        forged.status == StatusCode::FORBIDDEN && fresh.session().is_none(),
    );

    // A disabled user's sessions end at once, and they cannot sign in again.
    let admin = Actor::system("test");
    app.services
        .set_user_disabled(&admin, "dan", true)
        .await
        .unwrap();
    t.check("a disabled user's session ends", !b.signed_in().await);
    let again = b.sign_in("dan", PASSWORD).await;
    t.check(
        "a disabled user cannot sign in",
        again.status == StatusCode::UNPROCESSABLE_ENTITY && b.session().is_none(),
    );
    app.services
        .set_user_disabled(&admin, "dan", false)
        .await
        .unwrap();

    // Throttling: after five failures within 15 minutes even the right password is refused, with a message
    // saying to wait; after the lockout it works.
    let mut b = app.browser();
    let mut failures_refused = true;
    for _ in 0..settings.max_failures {
        let a = b.sign_in("eve", "wrong password!").await;
        failures_refused &= a.status == StatusCode::UNPROCESSABLE_ENTITY
            && a.body.contains("The username or password is not right");
    }
    t.check("wrong passwords are refused", failures_refused);
    let locked = b.sign_in("eve", PASSWORD).await;
    t.check(
        "the right password is refused while locked out",
        locked.status == StatusCode::UNPROCESSABLE_ENTITY && b.session().is_none(),
    );
    t.check(
        "the locked-out message says to wait",
        locked.body.contains("too many attempts"),
    );
    clock.advance(16 * MINUTE);
    let after = b.sign_in("eve", PASSWORD).await;
    t.check(
        "the right password works after the lockout",
        after.status == StatusCode::SEE_OTHER && b.session().is_some(),
    );

    // An API token stops working when revoked.
    let token = app.api_token("ada").await;
    let get =
        |token: String| async move { app.get(&token, "/api/v1/children?q=Smith").await.status };
    t.check(
        "a fresh API token works",
        get(token.clone()).await == StatusCode::OK,
    );
    app.services.revoke_api_tokens(&admin, "ada").await.unwrap();
    t.check(
        "a revoked API token is refused",
        get(token).await == StatusCode::UNAUTHORIZED,
    );

    let report = format!(
        "sessions ({}): {} checks over HTTP, {} requests served wrongly",
        app.store().backend_name(),
        t.checks,
        t.wrong.len()
    );
    assert!(t.wrong.is_empty(), "{report}:\n{}", t.wrong.join("\n"));
    report
}

/// Send raw bytes to the server and read the whole answer: (status, headers in order, body). For what reqwest
/// will not send: a chunked body of unknown length.
async fn raw_http(base: &str, request: Vec<u8>) -> (u16, Vec<(String, String)>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer (413) before reading all of a large body, and close: a failed write is fine.
    let _ = stream.write_all(&request).await;
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The minutes a throttled sign-in page says to wait ("Wait 2 minutes"), if it says so.
fn wait_minutes(body: &str) -> Option<u32> {
    let at = body.find("Wait ")?;
    let rest = &body[at + 5..];
    let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
    n.parse().ok()
}

/// Issue 12: the sign-in and account defects an outside probe found, each checked over HTTP as a browser (or a
/// script) meets it.
async fn accounts_story<S: Store>(db: TestDb<S>) -> String {
    let clock = Clock::manual("2025-03-03T09:00:00Z".parse().unwrap());
    let app = &TestApp::spawn(db, clock.clone()).await;
    let admin = Actor::system("test");
    // Usernames are stored as typed today; "Asha" must be the same user as "asha".
    add_user(app, "Asha", Role::MashWorker).await;
    for u in ["fred", "gil", "hal", "ivy", "jo"] {
        add_user(app, u, Role::MashWorker).await;
    }
    add_user(app, "auditor213", Role::Admin).await;
    let mut t = Tally::default();

    // --- 7. Usernames are case-insensitive and unique.
    let mut b = app.browser_at("127.0.0.21");
    for typed in ["asha", "ASHA", "Asha"] {
        b.cookies.clear();
        let a = b.sign_in(typed, PASSWORD).await;
        t.check(
            &format!("signing in as '{typed}' reaches the user Asha"),
            a.status == StatusCode::SEE_OTHER && b.session().is_some(),
        );
    }
    let twin = app
        .services
        .add_user(
            &admin,
            NewUser {
                password: Some(PASSWORD.into()),
                ..new_user("ASHA", Role::MashWorker, &["213"])
            },
        )
        .await;
    t.check(
        "adding ASHA when Asha exists is a conflict",
        matches!(twin, Err(service::ServiceError::Conflict(_))),
    );

    // --- 1. After sign-in, `next` goes only to a path on this site.
    let hostile = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\n",
        "/\u{0}/x",
        "/\u{7f}/x",
        "/\u{1b}/x",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "/x\\y",
        "https://evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        " /evil.example",
        "/ /evil.example",
        "/\u{e9}vil",
        "evil.example",
        "",
    ];
    let mut b = app.browser_at("127.0.0.22");
    b.sign_in("asha", PASSWORD).await;
    for next in hostile {
        let q: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let a = b.get(&format!("/sign-in?next={q}")).await;
        t.check(
            &format!("GET /sign-in?next={next:?} when signed in goes to /"),
            a.status == StatusCode::SEE_OTHER && a.location.as_deref() == Some("/"),
        );
    }
    // The probe's own requests, as sent.
    for raw in [
        "/%09/evil.example",
        "/%0a",
        "/%0d%0aSet-Cookie:%20x=1",
        "%2F%2Fevil.example",
    ] {
        let a = b.get(&format!("/sign-in?next={raw}")).await;
        t.check(
            &format!("GET /sign-in?next={raw} when signed in goes to /"),
            a.status == StatusCode::SEE_OTHER && a.location.as_deref() == Some("/"),
        );
    }
    for next in hostile {
        let mut b = app.browser_at("127.0.0.22");
        let a = b.sign_in_to("asha", PASSWORD, next).await;
        t.check(
            &format!("POST /sign-in with next={next:?} goes to /"),
            a.status == StatusCode::SEE_OTHER && a.location.as_deref() == Some("/"),
        );
    }
    for safe in [
        "/search?q=smith&la=213",
        "/front-door",
        "/%2F%2Fevil.example",
    ] {
        let mut b = app.browser_at("127.0.0.22");
        let a = b.sign_in_to("asha", PASSWORD, safe).await;
        t.check(
            &format!("POST /sign-in with next={safe:?} goes there"),
            a.status == StatusCode::SEE_OTHER && a.location.as_deref() == Some(safe),
        );
    }

    // --- 6. Signing in with a stale session cookie ends signed in.
    let mut b = app.browser_at("127.0.0.23");
    let form = b.get("/sign-in").await;
    let csrf = Browser::csrf_in(&form.body);
    b.cookies.insert(
        web::caller::SESSION_COOKIE.into(),
        "fd_0000000000000000000000000000000000000000000000000000000000000000".into(),
    );
    let a = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("username", "jo"),
                ("password", PASSWORD),
                ("next", "/search"),
            ],
            None,
        )
        .await;
    let last_session_cookie = a
        .set_cookies
        .iter()
        .rev()
        .find(|c| c.starts_with(&format!("{}=", web::caller::SESSION_COOKIE)))
        .cloned()
        .unwrap_or_default();
    t.check(
        "after sign-in with a stale cookie, the last session Set-Cookie is the new session",
        a.status == StatusCode::SEE_OTHER
            && last_session_cookie.starts_with(&format!("{}=fd_", web::caller::SESSION_COOKIE))
            && !last_session_cookie.contains("Max-Age=0"),
    );
    t.check(
        "after sign-in with a stale cookie, the browser is signed in",
        b.signed_in().await,
    );

    // --- 2. Throttling per account and per client address, with exponential backoff that attempts during a
    // lockout do not extend; known browsers keep signing in.
    // Fred signs in on his own browser first (so it is known for him), and signs out.
    let mut own = app.browser_at("127.0.0.31");
    own.sign_in("fred", PASSWORD).await;
    own.sign_out().await;
    let mut attacker = app.browser_at("127.0.0.32");
    let mut refused = true;
    for i in 0..5 {
        let a = attacker
            .sign_in("fred", &format!("wrong password {i}"))
            .await;
        refused &= a.status == StatusCode::UNPROCESSABLE_ENTITY
            && a.body.contains("The username or password is not right");
    }
    t.check("five wrong passwords are refused as wrong", refused);
    let locked = attacker.sign_in("fred", PASSWORD).await;
    t.check(
        "then even the right password is refused, saying to wait 1 minute",
        locked.status == StatusCode::UNPROCESSABLE_ENTITY
            && attacker.session().is_none()
            && wait_minutes(&locked.body) == Some(1),
    );
    t.check(
        "the throttled message says the right password is refused too",
        locked.body.contains("even the right password"),
    );
    let mut new_laptop = app.browser_at("127.0.0.33");
    let a = new_laptop.sign_in("fred", PASSWORD).await;
    t.check(
        "a browser fred never used is refused while his account is locked",
        a.status == StatusCode::UNPROCESSABLE_ENTITY && wait_minutes(&a.body).is_some(),
    );
    let a = own.sign_in("fred", PASSWORD).await;
    t.check(
        "fred's own browser still signs him in while the attacker has his account locked",
        a.status == StatusCode::SEE_OTHER && own.session().is_some(),
    );
    // A steady trickle during the lockout is refused without extending it.
    let mut all_throttled = true;
    for i in 0..10 {
        clock.advance(Duration::from_secs(5));
        let a = attacker.sign_in("fred", &format!("trickle {i}")).await;
        all_throttled &=
            a.status == StatusCode::UNPROCESSABLE_ENTITY && wait_minutes(&a.body).is_some();
    }
    t.check("attempts during the lockout are refused", all_throttled);
    clock.advance(Duration::from_secs(11));
    let mut new_laptop = app.browser_at("127.0.0.33");
    let a = new_laptop.sign_in("fred", PASSWORD).await;
    t.check(
        "one minute after the fifth failure the lockout is over, however many attempts came in between",
        a.status == StatusCode::SEE_OTHER,
    );
    // Exponential backoff, capped at 15 minutes: 1, 2, 4, 8, 15, 15.
    let mut attacker = app.browser_at("127.0.0.34");
    for i in 0..4 {
        attacker.sign_in("gil", &format!("wrong {i}")).await;
    }
    let mut waits = Vec::new();
    for i in 0..6 {
        let a = attacker.sign_in("gil", &format!("wrong again {i}")).await;
        let after = attacker.sign_in("gil", &format!("during {i}")).await;
        waits.push(wait_minutes(&after.body).unwrap_or(0));
        let _ = a;
        clock.advance(Duration::from_secs(u64::from(waits[i]) * 60 + 1));
    }
    t.check(
        &format!("the lockout doubles with each further failure, up to 15 minutes: {waits:?}"),
        waits == vec![1, 2, 4, 8, 15, 15],
    );
    // Spraying many usernames from one address is slowed, without locking those accounts elsewhere.
    let mut sprayer = app.browser_at("127.0.0.35");
    let mut sprayed = true;
    for i in 0..20 {
        let a = sprayer.sign_in(&format!("nobody{i}"), "Winter2025!").await;
        sprayed &= a.status == StatusCode::UNPROCESSABLE_ENTITY
            && a.body.contains("The username or password is not right");
    }
    t.check("twenty sprayed usernames are refused as wrong", sprayed);
    let a = sprayer.sign_in("hal", PASSWORD).await;
    t.check(
        "after spraying twenty usernames, the client is slowed (even for a right password)",
        a.status == StatusCode::UNPROCESSABLE_ENTITY && wait_minutes(&a.body).is_some(),
    );
    let mut hal = app.browser_at("127.0.0.36");
    let a = hal.sign_in("hal", PASSWORD).await;
    t.check(
        "hal signs in from his own address meanwhile",
        a.status == StatusCode::SEE_OTHER,
    );
    // Failed sign-ins and lockouts are in the audit trail, with the user's LA, and never the password.
    let mut ig = app.browser_at("127.0.0.37");
    ig.sign_in("auditor213", PASSWORD).await;
    let failed = ig.get("/audit?action=sign-in-failed").await;
    t.check(
        "the audit page lists failed sign-ins",
        failed.status == StatusCode::OK && failed.body.contains("fred"),
    );
    let lockouts = ig.get("/audit?action=locked-out").await;
    t.check(
        "the audit page lists lockouts",
        lockouts.status == StatusCode::OK && lockouts.body.contains("gil"),
    );
    let entries = app
        .store()
        .audit_entries(store::AuditFilter {
            action: domain::codes::AuditAction::parse("sign-in-failed").ok(),
            limit: Some(10_000),
            ..store::AuditFilter::default()
        })
        .await
        .unwrap();
    t.check(
        "failed sign-ins of a user carry the user's LA",
        !entries.is_empty()
            && entries
                .iter()
                .filter(|e| e.actor_label == "fred")
                .all(|e| e.event.la.as_ref().map(|l| l.as_ref()) == Some("213")),
    );
    let all = app
        .store()
        .audit_entries(store::AuditFilter {
            limit: Some(100_000),
            ..store::AuditFilter::default()
        })
        .await
        .unwrap();
    t.check(
        "no audit entry holds a password tried",
        !all.iter().any(|e| {
            e.actor_label.contains("wrong")
                || e.actor_label.contains("Winter")
                || e.actor_label.contains(PASSWORD)
        }),
    );

    // --- 9. A page form with a bad CSRF token gets a GOV.UK page; the API keeps problem+json.
    let mut b = app.browser_at("127.0.0.24");
    b.sign_in("jo", PASSWORD).await;
    let a = b
        .post("/sign-out", &[("csrf_token", "fd_wrong")], None)
        .await;
    t.check(
        "a page form with a wrong CSRF token gets the GOV.UK 'form has expired' page",
        a.status == StatusCode::FORBIDDEN
            && a.content_type.starts_with("text/html")
            && a.body.contains("Your form has expired")
            && a.body.contains("govuk-"),
    );
    let home = b.get("/").await;
    let csrf = Browser::csrf_in(&home.body);
    let a = b
        .post(
            "/sign-out",
            &[("csrf_token", &csrf)],
            Some("https://evil.example"),
        )
        .await;
    t.check(
        "a page form from another site gets the GOV.UK page",
        a.status == StatusCode::FORBIDDEN && a.content_type.starts_with("text/html"),
    );
    let r = b
        .request(Method::POST, "/api/v1/contacts")
        .header(header::CONTENT_TYPE, "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    t.check(
        "an API request with a session and no CSRF token gets problem+json 403",
        r.status() == StatusCode::FORBIDDEN
            && r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/problem+json"),
    );

    // --- 8. Bodies over the limit: always 413.
    let token = app.api_token("jo").await;
    let big_json = format!("{{\"concerns\":\"{}\"}}", "x".repeat(3 * 1024 * 1024));
    // Sent raw: the server answers 413 from the Content-Length and closes without reading the rest, which a
    // client still writing the body may see as a broken pipe before it reads the answer.
    let host = app.address.trim_start_matches("http://");
    let sized = |authorization: &str| {
        let mut req = format!(
            "POST /api/v1/contacts HTTP/1.1\r\nHost: {host}\r\n{authorization}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            big_json.len()
        )
        .into_bytes();
        req.extend_from_slice(big_json.as_bytes());
        req
    };
    let (status, headers, _) = raw_http(
        &app.address,
        sized(&format!("Authorization: Bearer {token}\r\n")),
    )
    .await;
    t.check(
        &format!("a 3 MiB JSON body to the API is 413 problem+json (got {status})"),
        status == 413
            && header_of(&headers, "content-type")
                .is_some_and(|c| c.starts_with("application/problem+json")),
    );
    let (status, _, _) = raw_http(&app.address, sized("")).await;
    t.check(
        &format!("a 3 MiB JSON body to the API without credentials is 413 (got {status})"),
        status == 413,
    );
    // Chunked, so the server cannot tell the size before reading.
    let chunk = "x".repeat(64 * 1024);
    let mut req = format!(
        "POST /api/v1/contacts HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    req.extend_from_slice(b"d\r\n{\"concerns\":\"\r\n");
    for _ in 0..48 {
        req.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    req.extend_from_slice(b"2\r\n\"}\r\n0\r\n\r\n");
    let (status, headers, _) = raw_http(&app.address, req).await;
    t.check(
        &format!("a chunked 3 MiB JSON body to the API is 413 problem+json (got {status})"),
        status == 413
            && header_of(&headers, "content-type")
                .is_some_and(|c| c.starts_with("application/problem+json")),
    );
    let big_form = "x".repeat(300 * 1024);
    let home = b.get("/").await;
    let csrf = Browser::csrf_in(&home.body);
    let a = b
        .post(
            "/sign-out",
            &[("csrf_token", &csrf), ("pad", &big_form)],
            None,
        )
        .await;
    t.check(
        "a 300 KiB form with a session is 413 with a GOV.UK page",
        a.status == StatusCode::PAYLOAD_TOO_LARGE
            && a.content_type.starts_with("text/html")
            && a.body.contains("govuk-"),
    );
    let mut anon = app.browser_at("127.0.0.25");
    let form = anon.get("/sign-in").await;
    let csrf = Browser::csrf_in(&form.body);
    let a = anon
        .post(
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("username", "jo"),
                ("password", &big_form),
            ],
            None,
        )
        .await;
    t.check(
        "a 300 KiB sign-in form without a session is 413 with a GOV.UK page",
        a.status == StatusCode::PAYLOAD_TOO_LARGE && a.content_type.starts_with("text/html"),
    );

    // --- 5. Our own request id, always; the client's only as a bounded, validated echo, never in the audit.
    let r = app
        .request(Method::GET, "/api/v1/children?q=Smith")
        .bearer_auth(&token)
        .header("x-request-id", "client-id:1.2_3-4")
        .send()
        .await
        .unwrap();
    let ours = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    t.check(
        "the x-request-id answered is our own UUID v7",
        uuid::Uuid::parse_str(&ours).is_ok_and(|u| u.get_version_num() == 7),
    );
    t.check(
        "a valid client request id is echoed as x-client-request-id",
        r.headers()
            .get("x-client-request-id")
            .is_some_and(|v| v == "client-id:1.2_3-4"),
    );
    let latest = app
        .store()
        .audit_entries(store::AuditFilter {
            limit: Some(1),
            ..store::AuditFilter::default()
        })
        .await
        .unwrap();
    t.check(
        "the audit entry carries our request id, not the client's",
        latest
            .first()
            .is_some_and(|e| e.request_id.as_deref() == Some(ours.as_str())),
    );
    for bad in [
        "x".repeat(65),
        "has space".to_owned(),
        "<script>".to_owned(),
    ] {
        let r = app
            .request(Method::GET, "/healthz")
            .header("x-request-id", bad.as_str())
            .send()
            .await
            .unwrap();
        t.check(
            &format!("a client request id {bad:?} is dropped"),
            r.headers().get("x-client-request-id").is_none()
                && r.headers()["x-request-id"] != bad.as_str(),
        );
    }
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..2 {
            let r = app
                .request(Method::GET, "/healthz")
                .header("x-request-id", "same")
                .send()
                .await
                .unwrap();
            ids.push(r.headers()["x-request-id"].to_str().unwrap().to_owned());
        }
        ids
    };
    t.check(
        "a repeated client id still gets two request ids",
        ids[0] != ids[1],
    );

    // --- 3. Disabling a user revokes their API tokens: enabling them again does not bring tokens back.
    let ivy_token = app.api_token("ivy").await;
    let api =
        |token: String| async move { app.get(&token, "/api/v1/children?q=Smith").await.status };
    t.check(
        "ivy's token works",
        api(ivy_token.clone()).await == StatusCode::OK,
    );
    app.services
        .set_user_disabled(&admin, "ivy", true)
        .await
        .unwrap();
    app.services
        .set_user_disabled(&admin, "ivy", false)
        .await
        .unwrap();
    t.check(
        "after disable and enable, ivy's old token is refused",
        api(ivy_token).await == StatusCode::UNAUTHORIZED,
    );

    // --- 10. API tokens expire (90 days by default).
    let jo_token = app.api_token("jo").await;
    clock.advance(89 * 24 * 60 * MINUTE);
    t.check(
        "a token works on day 89",
        api(jo_token.clone()).await == StatusCode::OK,
    );
    clock.advance(2 * 24 * 60 * MINUTE);
    t.check(
        "a token is refused after 90 days",
        api(jo_token).await == StatusCode::UNAUTHORIZED,
    );

    let report = format!(
        "accounts ({}): {} checks over HTTP, {} wrong",
        app.store().backend_name(),
        t.checks,
        t.wrong.len()
    );
    assert!(t.wrong.is_empty(), "{report}:\n{}", t.wrong.join("\n"));
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_on_sqlite() {
    let text = accounts_story(TestDb::sqlite().await).await;
    support::report("accounts-sqlite", &text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_on_postgres() {
    if let Some(db) = TestDb::postgres("accounts_on_postgres").await {
        let text = accounts_story(db).await;
        support::report("accounts-postgres", &text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_on_sqlite() {
    let text = session_story(TestDb::sqlite().await).await;
    support::report("sessions-sqlite", &text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_on_postgres() {
    if let Some(db) = TestDb::postgres("sessions_on_postgres").await {
        let text = session_story(db).await;
        support::report("sessions-postgres", &text);
    }
}
