//! One running app per test, started as `frontdoor serve` starts it ([`web::startup::Application`]) on a fresh
//! database, with a client that speaks to it as the API's callers and a browser do (LukeMathWalker/
//! zero-to-production `tests/api/helpers.rs`; rust-lang/crates.io `TestApp::init().with_user()`).
//!
//! A story is written once, generic over the store, and run on both databases:
//!
//! ```ignore
//! async fn story<S: Store>(db: TestDb<S>) {
//!     let app = TestApp::spawn(db, Clock::Fixed(now)).await;
//!     let worker = app.with_user("worker", Role::MashWorker, &["213"]).await;
//!     let r = app.get(&worker, "/api/v1/worklists/mash").await;
//!     assert_eq!(r.status, StatusCode::OK);
//! }
//! #[tokio::test]
//! async fn story_on_sqlite() { story(TestDb::sqlite().await).await }
//! #[tokio::test]
//! async fn story_on_postgres() { if let Some(db) = TestDb::postgres("story_on_postgres").await { story(db).await } }
//! ```
//!
//! A test that moves time on starts the app with `Clock::manual(start)` and keeps a clone of the clock to
//! `advance`; a test of sign-in drives a [`Browser`] ([`TestApp::browser`], [`TestApp::browser_at`]).

use std::any::Any;
use std::net::SocketAddr;
use std::sync::Arc;

use domain::audit::Actor;
use domain::codes::{Agency, Role};
use domain::identifiers::LaCode;
use domain::records::User;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;
use service::{Clock, NewUser, Services};
use store::Store;
use web::startup::{Application, Settings};

use super::browser::Browser;

/// A fresh database for one test: a SQLite file in a temporary directory, or a database of its own on the
/// PostgreSQL server named by `FRONTDOOR_TEST_PG`; either is removed when the last app on it is dropped.
pub struct TestDb<S> {
    pub store: S,
    keep: Arc<dyn Any + Send + Sync>,
}

impl TestDb<()> {
    /// A SQLite database in a temporary directory.
    pub async fn sqlite() -> TestDb<impl Store> {
        let db = store_tests::sqlite().await;
        TestDb {
            store: db.store.clone(),
            keep: Arc::new(db),
        }
    }

    /// A new PostgreSQL database, or `None` (saying so) when `FRONTDOOR_TEST_PG` is not set.
    pub async fn postgres(test: &str) -> Option<TestDb<impl Store>> {
        if !store_tests::pg_configured(test) {
            return None;
        }
        let db = store_tests::PgTestDb::create().await?;
        Some(TestDb {
            store: db.open().await,
            keep: Arc::new(db),
        })
    }
}

/// The app, serving on a free port of 127.0.0.1, and a client for it. Dropping it stops the server.
pub struct TestApp<S> {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client that follows no redirects and keeps no cookies.
    pub http: reqwest::Client,
    /// The services the app serves, for seeding and checking the store behind the API's back.
    pub services: Services<S>,
    db: Arc<dyn Any + Send + Sync>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// What the app answered to a JSON request.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The `ETag` header: the version of the record answered.
    pub etag: Option<String>,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
}

impl Answer {
    pub fn parts(self) -> (StatusCode, Value) {
        (self.status, self.body)
    }
}

/// A user for [`TestApp::add_user`]: no display name (so the username is shown), no agency, no password.
pub fn new_user(username: &str, role: Role, las: &[&str]) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: None,
        role,
        las: las.iter().map(|l| la(l)).collect(),
        agency: None,
        password: None,
    }
}

/// A local authority's code.
pub fn la(code: &str) -> LaCode {
    LaCode::parse(code).unwrap()
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| v.to_str().unwrap().to_owned())
}

/// The fields a problem document (422) names, in order.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

impl<S: Store> TestApp<S> {
    /// Start the app on `db` with `clock` and the default session settings.
    pub async fn spawn(db: TestDb<S>, clock: Clock) -> TestApp<S> {
        TestApp::start(db.store, db.keep, clock).await
    }

    /// A second app on the same database, started afresh (nothing cached) with `clock`.
    pub async fn spawn_another(&self, clock: Clock) -> TestApp<S> {
        TestApp::start(self.services.store().clone(), self.db.clone(), clock).await
    }

    /// Start the app on `db` with `clock` and `settings` changed by `change` (the second factor's roles, say).
    pub async fn spawn_with(
        db: TestDb<S>,
        clock: Clock,
        change: impl FnOnce(&mut Settings),
    ) -> TestApp<S> {
        let mut settings = Settings::at(SocketAddr::from(([127, 0, 0, 1], 0)));
        change(&mut settings);
        TestApp::start_with(db.store, db.keep, clock, settings).await
    }

    async fn start(store: S, db: Arc<dyn Any + Send + Sync>, clock: Clock) -> TestApp<S> {
        let settings = Settings::at(SocketAddr::from(([127, 0, 0, 1], 0)));
        TestApp::start_with(store, db, clock, settings).await
    }

    async fn start_with(
        store: S,
        db: Arc<dyn Any + Send + Sync>,
        clock: Clock,
        settings: Settings,
    ) -> TestApp<S> {
        let app = Application::build(Services::new(store).with_clock(clock), settings)
            .await
            .unwrap();
        let address = format!("http://{}", app.address());
        let services = app.services().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        TestApp {
            address,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            services,
            db,
            _stop: stop,
        }
    }

    /// A browser on this machine (its connections come from 127.0.0.1): it keeps cookies, follows no
    /// redirects, and signs in through the sign-in form (see [`Browser`]).
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address, "127.0.0.1")
    }

    /// A browser on another machine: its connections come from `ip` (any address of 127.0.0.0/8 works on
    /// Linux), so the server sees a different client address (sign-in throttling is per client address).
    pub fn browser_at(&self, ip: &str) -> Browser {
        Browser::new(&self.address, ip)
    }

    pub fn store(&self) -> &S {
        self.services.store()
    }

    /// Make sure these local authorities exist (with their default settings).
    pub async fn ensure_las(&self, codes: &[&str]) {
        let las: Vec<LaCode> = codes.iter().map(|c| la(c)).collect();
        self.services
            .ensure_local_authorities(&Actor::system("test"), &las)
            .await
            .unwrap();
    }

    /// Add a user and give them an API token: (token, user).
    pub async fn add_user(&self, user: NewUser) -> (String, User) {
        let username = user.username.clone();
        let user = self.create_user(user).await;
        (self.api_token(&username).await, user)
    }

    /// Add a user without an API token: one who signs in with a password (`NewUser::password`), or who is only
    /// named in a record.
    pub async fn create_user(&self, user: NewUser) -> User {
        self.services
            .add_user(&Actor::system("test"), user)
            .await
            .unwrap()
    }

    /// A new API token for an existing user, issued by the system.
    pub async fn api_token(&self, username: &str) -> String {
        self.services
            .create_api_token(&Actor::system("test"), username)
            .await
            .unwrap()
    }

    /// A user of `role` working for `las`; their API token.
    pub async fn with_user(&self, username: &str, role: Role, las: &[&str]) -> String {
        self.add_user(new_user(username, role, las)).await.0
    }

    /// A partner agency's user working with `las`; their API token.
    pub async fn with_partner(&self, username: &str, agency: Agency, las: &[&str]) -> String {
        let user = NewUser {
            agency: Some(agency),
            ..new_user(username, Role::Partner, las)
        };
        self.add_user(user).await.0
    }

    /// A request to `path` (which starts with `/`), to finish and send with [`TestApp::send`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.address))
    }

    /// Send a request: status, headers and the body's bytes.
    pub async fn exchange(&self, request: RequestBuilder) -> (StatusCode, HeaderMap, Vec<u8>) {
        let r = request.send().await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    /// Send a request and read the answer as JSON.
    pub async fn send(&self, request: RequestBuilder) -> Answer {
        let (status, headers, body) = self.exchange(request).await;
        Answer {
            status,
            etag: header(&headers, "etag"),
            headers,
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        }
    }

    pub async fn get(&self, token: &str, path: &str) -> Answer {
        self.send(self.request(Method::GET, path).bearer_auth(token))
            .await
    }

    /// A GET that must answer 200: the JSON it answered.
    pub async fn read(&self, token: &str, path: &str) -> Value {
        let r = self.get(token, path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
        r.body
    }

    /// A GET with no credentials at all.
    pub async fn get_anonymously(&self, path: &str) -> Answer {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Answer {
        self.send(
            self.request(Method::POST, path)
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    /// A change to the record at `version` (its ETag), sent with `If-Match`.
    pub async fn post_if_match(
        &self,
        token: &str,
        path: &str,
        body: Value,
        version: &str,
    ) -> Answer {
        let request = self
            .request(Method::POST, path)
            .bearer_auth(token)
            .header("If-Match", version)
            .json(&body);
        self.send(request).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Answer {
        self.send(
            self.request(Method::PUT, path)
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    /// A GET of a page or a download: status, headers and the body's bytes.
    pub async fn download(&self, token: &str, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.exchange(self.request(Method::GET, path).bearer_auth(token))
            .await
    }

    /// A page: status and HTML.
    pub async fn page(&self, token: &str, path: &str) -> (StatusCode, String) {
        let (status, _, body) = self.download(token, path).await;
        (status, String::from_utf8(body).unwrap())
    }

    /// A page form, posted as a browser posts it (the bearer token stands in for the session, so no CSRF
    /// token is needed); no redirect is followed. Status, the `Location` it redirects to (or ""), and the body.
    pub async fn submit(
        &self,
        token: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let form = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .request(Method::POST, path)
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form);
        let (status, headers, body) = self.exchange(request).await;
        let location = header(&headers, "location").unwrap_or_default();
        (status, location, String::from_utf8(body).unwrap())
    }

    /// A page form, as [`TestApp::submit`]: status and the page answered (the form again, with its errors).
    pub async fn form(
        &self,
        token: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let (status, _, html) = self.submit(token, path, fields).await;
        (status, html)
    }
}
