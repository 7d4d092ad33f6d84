//! The JSON API over real HTTP, on a random port, against SQLite and (when configured) PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::codes::{Agency, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::{AuditFilter, Store};
use support::{TestApp, TestDb, fields};

impl<S: Store> TestApp<S> {
    /// `POST /api/v1/contacts`, with an `Idempotency-Key` when given.
    async fn post_contact(
        &self,
        token: &str,
        key: Option<&str>,
        body: &Value,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .request(reqwest::Method::POST, "/api/v1/contacts")
            .bearer_auth(token)
            .json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let r = self.send(req).await;
        (r.status, r.headers, r.body)
    }
}

fn contact_body(la: &str, received_at: &str) -> Value {
    json!({
        "la": la,
        "received_at": received_at,
        "source": "2A",
        "referrer": {"name": "Ms Head", "role": "DSL", "agency": "education"},
        "child": {"first_name": "Maya", "last_name": "Apitest", "date_of_birth": "2019-11-30"},
        "concerns": "Maya came to school with a bruise on her cheek."
    })
}

/// The API as a MASH worker, a partner, an anonymous caller and a worker from another LA see it.
async fn api_story<S: Store>(db: TestDb<S>) {
    // "Now" is Friday 3 May 2024, 22:00 BST; Monday 6 May is the early May bank holiday.
    let now = "2024-05-03T21:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let worker = app
        .with_user("api-worker", Role::MashWorker, &["213"])
        .await;
    let other_la = app.with_user("api-other", Role::MashWorker, &["205"]).await;
    let partner = app
        .with_partner("api-police", Agency::Police, &["213"])
        .await;

    // Health.
    let (status, health) = app.get_anonymously("/healthz").await.parts();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");

    // A contact received at 16:55 BST on the Friday before the bank holiday is due at 16:55 on Tuesday.
    let (status, headers, created) = app
        .post_contact(
            &worker,
            Some("k-1"),
            &contact_body("213", "2024-05-03T15:55:00Z"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        headers["location"],
        format!("/api/v1/contacts/{id}").as_str()
    );
    assert_eq!(created["decision_due_at"], "2024-05-07T15:55:00Z");
    assert_eq!(created["source"], "2A");
    assert_eq!(created["la"], "213");
    assert_eq!(created["out_of_hours"], false);
    assert_eq!(created["overdue"], false);
    assert!(created["child_id"].is_string());
    assert!(created.get("decision").is_none());

    // The same request again with the same key: the same contact, recorded once.
    let (status, headers, again) = app
        .post_contact(
            &worker,
            Some("k-1"),
            &contact_body("213", "2024-05-03T15:55:00Z"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again["id"], created["id"]);

    // Received at 20:00 (out of hours, through EDT): due at the end of Tuesday.
    let (status, _, edt) = app
        .post_contact(&worker, None, &contact_body("213", "2024-05-03T19:00:00Z"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(edt["out_of_hours"], true);
    assert_eq!(edt["decision_due_at"], "2024-05-07T16:00:00Z");

    // A second contact about the same child, by id.
    let child = created["child_id"].as_str().unwrap();
    let body = json!({"la": "213", "received_at": "2024-05-03T16:00:00Z", "source": "6",
        "referrer": {"name": "PC Test", "agency": "police"}, "child": {"id": child}, "concerns": "Police call-out"});
    let (status, _, second) = app.post_contact(&worker, None, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["child_id"], child);

    // Reading it back.
    let (status, got) = app
        .get(&worker, &format!("/api/v1/contacts/{id}"))
        .await
        .parts();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, created);

    // The MASH worklist in DESIGN.md's shape: the contacts awaiting a decision, each with its RAG rating (none
    // yet), when the decision is due and whether that has passed (as when it was recorded).
    let (status, list) = app.get(&worker, "/api/v1/worklists/mash").await.parts();
    assert_eq!(status, StatusCode::OK, "{list}");
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["contact_id"] == created["id"])
        .unwrap_or_else(|| panic!("contact {id} is not on the MASH worklist: {list}"));
    assert_eq!(row["child_id"], created["child_id"]);
    assert_eq!(row["decision_due_at"], "2024-05-07T15:55:00Z");
    assert_eq!(row["overdue"], created["overdue"]);
    assert!(row["rag"].is_null());

    // Not signed in: 401. Another LA's worker and a made-up id: the same 404. A partner may not record: 403.
    let (status, problem) = app
        .get_anonymously(&format!("/api/v1/contacts/{id}"))
        .await
        .parts();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["status"], 401);
    let (status, foreign) = app
        .get(&other_la, &format!("/api/v1/contacts/{id}"))
        .await
        .parts();
    let (status2, missing) = app
        .get(
            &other_la,
            &format!("/api/v1/contacts/{}", domain::ids::ContactId::new()),
        )
        .await
        .parts();
    assert_eq!(
        (status, status2),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(
        foreign, missing,
        "a foreign record looks exactly like a missing one"
    );
    let (status, _, _) = app
        .post_contact(&partner, None, &contact_body("213", "2024-05-03T15:55:00Z"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, problem) = app
        .post_contact(
            &other_la,
            None,
            &contact_body("213", "2024-05-03T15:55:00Z"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["la"]);
    let (status, _, _) = app
        .post_contact(
            "fd_not-a-token",
            None,
            &contact_body("213", "2024-05-03T15:55:00Z"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Bad input: every problem named by field, nothing saved.
    let (counts_before, audit_before) = app.services.store().counts().await.unwrap();
    let (status, _, problem) = app
        .post_contact(
            &worker,
            None,
            &json!({"la": "213", "received_at": "2024-05-03T15:55:00Z", "referrer": {"name": ""},
                    "child": {"first_name": "Maya"}, "concerns": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&problem),
        ["source", "referrer.name", "child.last_name"]
    );
    let (status, _, problem) = app.post_contact(&worker, None, &json!({"la": 213})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["la"]);
    let (status, _, problem) = app
        .post_contact(&worker, None, &json!({"la": "213", "colour": "blue"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let r = app
        .http
        .post(format!("{}/api/v1/contacts", app.address))
        .bearer_auth(&worker)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(
        app.services.store().counts().await.unwrap(),
        (counts_before, audit_before),
        "nothing saved"
    );

    // Every contact written has exactly one audit entry, naming the worker and the child.
    let trail = app
        .services
        .store()
        .audit_entries(AuditFilter {
            record_id: Some(uuid::Uuid::parse_str(&id).unwrap()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let (changes, views): (Vec<_>, Vec<_>) = trail
        .iter()
        .partition(|e| e.event.action != domain::codes::AuditAction::View);
    assert_eq!(changes.len(), 1, "one entry for the write: {changes:?}");
    assert_eq!(changes[0].event.action, domain::codes::AuditAction::Create);
    assert_eq!(changes[0].actor_label, "api-worker");
    assert_eq!(changes[0].event.child_id.unwrap().to_string(), child);
    assert!(changes[0].request_id.is_some());
    // And the reads of it above, allowed or not, each left one too.
    assert!(!views.is_empty());
    assert!(views.iter().all(|e| e.request_id.is_some()));

    // Unknown API paths are problem documents; unknown pages are GOV.UK 404 pages.
    let (status, problem) = app.get(&worker, "/api/v1/nothing").await.parts();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["status"], 404);
    let page = app
        .http
        .get(format!("{}/no-such-page", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn api_on_sqlite() {
    api_story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn api_on_postgres() {
    if let Some(db) = TestDb::postgres("api_on_postgres").await {
        api_story(db).await;
    }
}

#[tokio::test]
async fn pages_have_security_headers_and_assets_load() {
    let app = TestApp::spawn(TestDb::sqlite().await, Clock::System).await;
    // As a browser: following the redirect to the sign-in page.
    let browser = reqwest::Client::new();
    let r = browser
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("x-request-id"));
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline scripts");
    for needle in [
        "govuk-generic-header",
        "govuk-service-navigation",
        "govuk-template__body",
        "Frontdoor",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // Every asset the page links to is served, cacheable.
    for url in html.split('"').filter(|s| s.starts_with("/assets/")) {
        let a = browser
            .get(format!("{}{url}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(a.status(), StatusCode::OK, "{url}");
        assert!(
            a.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    fn table_of<S: Store>(_: &S) -> Vec<web::routes::RouteSpec<S>> {
        web::routes::table::<S>()
    }
    let db = TestDb::sqlite().await;
    let doc = web::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut missing = Vec::new();
    for r in table_of(&db.store) {
        if !r.path.starts_with("/api/") {
            continue;
        }
        let method = r.method.as_str().to_lowercase();
        if doc["paths"][r.path][method.as_str()].is_null() {
            missing.push(format!("{} {}", r.method, r.path));
        }
    }
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document: {missing:?}"
    );
    // Every request body names a schema that exists.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            if let Some(r) =
                op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
            {
                let name = r.trim_start_matches("#/components/schemas/");
                assert!(
                    !doc["components"]["schemas"][name].is_null(),
                    "{method} {path}: no schema {name}"
                );
            }
        }
    }
    // And it is served.
    let app = TestApp::spawn(db, Clock::System).await;
    let (status, served) = app.get_anonymously("/api/v1/openapi.json").await.parts();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, doc);
}

/// Overload is answered, not absorbed (issue 16): with one request worked on and one waiting, a third is refused
/// at once and the waiting one once its wait is over, each with 503, `Retry-After` and nothing saved; `/healthz`
/// still answers; once the held request finishes, requests are served again.
#[tokio::test]
async fn a_busy_server_answers_503_with_retry_after_and_saves_nothing() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let now = "2024-05-03T09:00:00Z".parse().unwrap();
    let wait = Duration::from_millis(800);
    let app = TestApp::spawn_with(TestDb::sqlite().await, Clock::Fixed(now), |s| {
        s.admission = web::admission::AdmissionSettings {
            max_in_flight: 1,
            max_queued: 1,
            max_wait: wait,
        }
    })
    .await;
    let worker = app
        .with_user("busy-worker", Role::MashWorker, &["213"])
        .await;
    let (counts_before, _) = app.services.store().counts().await.unwrap();

    // The one turn is held by a contact whose body has not all arrived.
    let body = contact_body("213", "2024-05-03T08:30:00Z").to_string();
    let address = app.address.strip_prefix("http://").unwrap().to_owned();
    let mut held = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/contacts HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {worker}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    held.write_all(head.as_bytes()).await.unwrap();
    held.write_all(&body.as_bytes()[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A second contact waits for the turn; while it waits, a third finds the queue full and is refused at once.
    let waiting = {
        let app_http = app.http.clone();
        let url = format!("{}/api/v1/contacts", app.address);
        let (token, body) = (worker.clone(), contact_body("213", "2024-05-03T08:40:00Z"));
        tokio::spawn(async move {
            let started = Instant::now();
            let r = app_http
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (started.elapsed(), r.status(), r.headers().clone())
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let refused = app
        .post_contact(&worker, None, &contact_body("213", "2024-05-03T08:45:00Z"))
        .await;
    assert_eq!(refused.0, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.2);
    assert!(
        started.elapsed() < wait,
        "refused at once, not after a wait"
    );
    assert_eq!(refused.1["retry-after"], "1");
    assert_eq!(refused.1["content-type"], "application/problem+json");
    assert!(
        refused.2["detail"]
            .as_str()
            .unwrap()
            .contains("Nothing was saved")
    );

    // A page is refused the same way, as a GOV.UK page; the health check is never held back.
    let (status, headers, page) = app
        .exchange(app.request(reqwest::Method::GET, "/sign-in"))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers["retry-after"], "1");
    assert!(
        headers.contains_key("content-security-policy"),
        "{headers:?}"
    );
    assert!(headers.contains_key("x-request-id"), "{headers:?}");
    assert!(
        String::from_utf8(page)
            .unwrap()
            .contains("Sorry, the service is busy")
    );
    assert_eq!(app.get_anonymously("/healthz").await.status, StatusCode::OK);

    // The waiting contact is refused once its wait is over.
    let (waited, status, headers) = waiting.await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers["retry-after"], "1");
    assert!(waited >= wait, "it waited {waited:?} for a turn");

    // The held contact, once its body arrives, is saved; nothing of the refused ones is.
    held.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    held.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let (counts_after, _) = app.services.store().counts().await.unwrap();
    assert_eq!(
        counts_after.get("contacts"),
        counts_before.get("contacts") + 1
    );

    // And the server serves again.
    let (status, _, created) = app
        .post_contact(&worker, None, &contact_body("213", "2024-05-03T08:50:00Z"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}
