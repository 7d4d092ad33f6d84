//! A browser for a [`super::TestApp`]: it keeps cookies, never follows redirects, sends the app's own Origin on
//! every POST (unless told another), and signs in through the sign-in form as a person would.
//!
//! Cookies are kept by hand: the session cookie is `Secure`, which reqwest's cookie store would not send over
//! plain HTTP to a test server. A browser may connect from any address of 127.0.0.0/8, so the server sees
//! different clients ([`super::TestApp::browser_at`]).

use std::collections::BTreeMap;
use std::net::IpAddr;

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, RequestBuilder, StatusCode};

pub struct Browser {
    base: String,
    http: reqwest::Client,
    /// The cookies it holds, by name; a test may plant or drop one.
    pub cookies: BTreeMap<String, String>,
}

/// What the app answered the browser.
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    /// Every `Set-Cookie` header, in the order sent.
    pub set_cookies: Vec<String>,
    pub content_type: String,
    pub body: String,
}

impl Browser {
    /// A browser for the app at `base` (`http://127.0.0.1:PORT`) whose connections come from `ip`.
    pub fn new(base: &str, ip: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .local_address(ip.parse::<IpAddr>().unwrap())
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

    /// The `Cookie` header it sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A request to `path` carrying the browser's cookies (and nothing else), to finish and send by hand: for
    /// what a page does not send, such as JSON with the session cookie. Its answer's cookies are not kept.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
    }

    /// Read an answer, keeping the cookies it sets.
    async fn answer(&mut self, r: reqwest::Response) -> Reply {
        self.keep_cookies(r.headers());
        let status = r.status();
        let location = r
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        let set_cookies = r
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let content_type = r
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Reply {
            status,
            location,
            set_cookies,
            content_type,
            body: r.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let r = self.request(Method::GET, path).send().await.unwrap();
        self.answer(r).await
    }

    /// Post a form, from `origin` (the app's own when `None`).
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Reply {
        let origin = origin.map_or_else(|| self.base.clone(), str::to_owned);
        let r = self
            .request(Method::POST, path)
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

    /// The session cookie's value, when it holds one.
    pub fn session(&self) -> Option<String> {
        self.cookies.get(web::caller::SESSION_COOKIE).cloned()
    }

    /// The CSRF token in the page's form.
    pub fn csrf_in(page: &str) -> String {
        let at = page
            .find("name=\"csrf_token\" value=\"")
            .expect("a CSRF field");
        let rest = &page[at + "name=\"csrf_token\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// Sign in through the form, as a person would.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        self.sign_in_to(username, password, "/search").await
    }

    /// Sign in through the form, asking to go on to `next`.
    pub async fn sign_in_to(&mut self, username: &str, password: &str, next: &str) -> Reply {
        let form = self.get("/sign-in").await;
        let csrf = Browser::csrf_in(&form.body);
        self.post(
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("username", username),
                ("password", password),
                ("next", next),
            ],
            None,
        )
        .await
    }

    /// Sign out through the header's form.
    pub async fn sign_out(&mut self) {
        let home = self.get("/").await;
        let csrf = Browser::csrf_in(&home.body);
        self.post("/sign-out", &[("csrf_token", &csrf)], None).await;
    }

    /// Whether the browser is signed in: the start page answers 200 rather than a redirect to sign in.
    pub async fn signed_in(&mut self) -> bool {
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
