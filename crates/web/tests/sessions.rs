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

use std::collections::BTreeMap;
use std::time::Duration;

use domain::audit::Actor;
use domain::codes::Role;
use domain::identifiers::LaCode;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use service::sessions::SessionSettings;
use service::{Clock, NewUser, Services};
use store::Store;

const PASSWORD: &str = "correct horse battery";
const MINUTE: Duration = Duration::from_secs(60);

/// A browser: keeps cookies by hand (the session cookie is `Secure`, which reqwest's cookie store would not
/// send over plain HTTP to a test server), never follows redirects, and sends our Origin on every POST.
struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn answer(&mut self, r: reqwest::Response) -> Answer {
        self.keep_cookies(r.headers());
        let status = r.status();
        let location = r
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        Answer {
            status,
            location,
            body: r.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.answer(r).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Answer {
        let origin = origin.map_or_else(|| self.base.clone(), str::to_owned);
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish(),
            )
            .send()
            .await
            .unwrap();
        self.answer(r).await
    }

    fn session(&self) -> Option<String> {
        self.cookies.get(web::caller::SESSION_COOKIE).cloned()
    }

    /// The CSRF token in the page's form.
    fn csrf_in(page: &str) -> String {
        let at = page
            .find("name=\"csrf_token\" value=\"")
            .expect("a CSRF field");
        let rest = &page[at + "name=\"csrf_token\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// Sign in through the form, as a person would.
    async fn sign_in(&mut self, username: &str, password: &str) -> Answer {
        let form = self.get("/sign-in").await;
        let csrf = Browser::csrf_in(&form.body);
        self.post(
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/search"),
            ],
            None,
        )
        .await
    }

    /// Whether the browser is signed in: the start page answers 200 rather than a redirect to sign in.
    async fn signed_in(&mut self) -> bool {
        let a = self.get("/").await;
        match a.status {
            StatusCode::OK => true,
            StatusCode::SEE_OTHER
                if a.location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("/sign-in")) =>
            {
                false
            }
            other => panic!("the start page answered {other}"),
        }
    }
}

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

async fn add_user<S: Store>(services: &Services<S>, username: &str) {
    services
        .add_user(
            &Actor::system("test"),
            NewUser {
                username: username.into(),
                display_name: None,
                role: Role::MashWorker,
                las: vec![LaCode::parse("213").unwrap()],
                agency: None,
                password: Some(PASSWORD.into()),
            },
        )
        .await
        .unwrap();
}

async fn session_story<S: Store>(store: S) -> String {
    let clock = Clock::manual("2025-03-03T09:00:00Z".parse().unwrap());
    let settings = SessionSettings::default();
    let services = Services::new(store.clone())
        .with_clock(clock.clone())
        .with_session_settings(settings.clone());
    for u in ["ada", "ben", "cat", "dan", "eve"] {
        add_user(&services, u).await;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(web::serve(
        services.clone(),
        listener,
        std::future::pending(),
    ));
    let mut t = Tally::default();

    // A new session at sign-in: a cookie planted before sign-in (fixation) is not the one afterwards.
    let mut b = Browser::new(&base);
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
    let mut b = Browser::new(&base);
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
    let mut b = Browser::new(&base);
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
    let mut b = Browser::new(&base);
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
    let mut fresh = Browser::new(&base);
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
    services
        .set_user_disabled(&admin, "dan", true)
        .await
        .unwrap();
    t.check("a disabled user's session ends", !b.signed_in().await);
    let again = b.sign_in("dan", PASSWORD).await;
    t.check(
        "a disabled user cannot sign in",
        again.status == StatusCode::UNPROCESSABLE_ENTITY && b.session().is_none(),
    );
    services
        .set_user_disabled(&admin, "dan", false)
        .await
        .unwrap();

    // Throttling: after five failures within 15 minutes even the right password is refused, with a message
    // saying to wait; after the lockout it works.
    let mut b = Browser::new(&base);
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
    let token = services.create_api_token(&admin, "ada").await.unwrap();
    let http = reqwest::Client::new();
    let get = |token: String| {
        let http = http.clone();
        let url = format!("{base}/api/v1/children?q=Smith");
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    t.check(
        "a fresh API token works",
        get(token.clone()).await == StatusCode::OK,
    );
    services.revoke_api_tokens(&admin, "ada").await.unwrap();
    t.check(
        "a revoked API token is refused",
        get(token).await == StatusCode::UNAUTHORIZED,
    );

    let report = format!(
        "sessions ({}): {} checks over HTTP, {} requests served wrongly",
        store.backend_name(),
        t.checks,
        t.wrong.len()
    );
    assert!(t.wrong.is_empty(), "{report}:\n{}", t.wrong.join("\n"));
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_on_sqlite() {
    let db = store_tests::sqlite().await;
    let text = session_story(db.store.clone()).await;
    support::report("sessions-sqlite", &text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_on_postgres() {
    if !store_tests::pg_configured("sessions_on_postgres") {
        return;
    }
    let db = store_tests::PgTestDb::create().await.unwrap();
    let text = session_story(db.open().await).await;
    support::report("sessions-postgres", &text);
}
