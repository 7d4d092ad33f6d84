//! Letters over HTTP on a random port, against SQLite and PostgreSQL (issue 13): an administrator edits the
//! referrer's outcome letter (a field the letter cannot fill is refused naming `body`; an edit based on a
//! revision someone replaced is refused 409 with nothing overwritten; another LA's administrator gets 404, a
//! social worker 403); a social worker makes the outcome letter for a decided contact and an invitation to the
//! initial conference, each kept on the file as a PDF document that says what the template and the record say;
//! refusals name their fields and keep nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields};

/// Now: Wednesday 10 September 2025, 11:00 BST.
const NOW: &str = "2025-09-10T10:00:00Z";

async fn story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "213"]).await;
    let admin = app.with_user("letters-admin", Role::Admin, &["213"]).await;
    let other_admin = app
        .with_user("letters-admin-205", Role::Admin, &["205"])
        .await;
    let worker = app
        .with_user("letters-worker", Role::SocialWorker, &["213"])
        .await;
    let (set, child) = store_tests::fixture::journey();
    let contact = set
        .contacts
        .iter()
        .find(|c| c.child_id == child && c.decision.is_some())
        .unwrap()
        .id;
    let conference = set
        .conferences
        .iter()
        .find(|c| c.child_id == child)
        .unwrap()
        .id;
    app.store()
        .insert_records(&Actor::system("test"), set, NOW.parse().unwrap())
        .await
        .unwrap();

    // The templates: the built-in ones until edited.
    let templates = app.read(&admin, "/api/v1/letter-templates?la=213").await;
    assert_eq!(templates.as_array().unwrap().len(), 2, "{templates}");
    assert_eq!(templates[0]["kind"], "referrer-outcome");
    assert_eq!(templates[0]["revision"], 0);
    let edit = "/api/v1/letter-templates/213/referrer-outcome";
    let bad = app
        .post(
            &admin,
            edit,
            json!({"subject": "About {{child_name}}", "body": "See you on {{conference_date}}"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(fields(&bad.body), ["body"]);
    let body = "Dear {{recipient_name}},\n\nAbout {{child_name}}: we decided {{outcome}}.\n\nWith thanks from Westminster's front door,\n\n{{worker_name}}";
    let saved = app
        .post_if_match(
            &admin,
            edit,
            json!({"subject": "Our decision about {{child_name}}", "body": body}),
            "0",
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["revision"], 1);
    let stale = app
        .post_if_match(
            &admin,
            edit,
            json!({"subject": "Overwritten", "body": "Overwritten"}),
            "0",
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let now = app.read(&admin, "/api/v1/letter-templates?la=213").await;
    assert_eq!(
        now[0]["subject"], "Our decision about {{child_name}}",
        "nothing overwritten"
    );
    let (status, html) = app.page(&admin, "/letter-templates?la=213").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Our decision about {{child_name}}"));
    assert_eq!(
        app.get(&other_admin, edit).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let foreign = app
        .post(&other_admin, edit, json!({"subject": "x", "body": "y"}))
        .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another LA's administrator"
    );
    let refused = app
        .post(&worker, edit, json!({"subject": "x", "body": "y"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a social worker");

    // Letters: refusals name their fields and keep nothing.
    let letters = format!("/api/v1/children/{child}/letters");
    let before = documents(&app, &worker, child).await;
    let r = app.post(&worker, &letters, json!({})).await;
    assert_eq!(fields(&r.body), ["letter"], "{}", r.body);
    let r = app
        .post(&worker, &letters, json!({"letter": "icpc-invitation", "conference": conference.to_string(), "conference_at": "2025-09-01T10:00"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&r.body),
        ["conference_at", "venue", "recipient"],
        "{}",
        r.body
    );
    let r = app
        .post(&worker, &letters, json!({"letter": "referrer-outcome", "contact": domain::ids::ContactId::new().to_string()}))
        .await;
    assert_eq!(fields(&r.body), ["contact"]);
    assert_eq!(
        documents(&app, &worker, child).await,
        before,
        "nothing kept"
    );

    // The outcome letter, from the LA's edited template, to the referrer.
    let made = app
        .post(
            &worker,
            &letters,
            json!({"letter": "referrer-outcome", "contact": contact.to_string()}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["content_type"], "application/pdf");
    assert_eq!(made.body["sha256"].as_str().unwrap().len(), 64);
    let text = letter_text(&app, &worker, &made.body).await;
    assert!(
        text.contains("Dear Designated safeguarding lead,"),
        "{text}"
    );
    assert!(
        text.contains("With thanks from Westminster's front door"),
        "{text}"
    );
    assert!(!text.contains("{{"), "{text}");

    // The invitation, from the built-in template.
    let made = app
        .post(
            &worker,
            &letters,
            json!({"letter": "icpc-invitation", "conference": conference.to_string(), "recipient": "Ms Amira Hassan",
                   "conference_at": "2025-09-22T10:30", "venue": "Committee Room 2, Westminster City Hall"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let text = letter_text(&app, &worker, &made.body).await;
    assert!(text.contains("Dear Ms Amira Hassan,"), "{text}");
    assert!(text.contains("22 September 2025 at 10:30am"), "{text}");
    assert_eq!(documents(&app, &worker, child).await, before + 2);
    let (status, html) = app
        .page(&worker, &format!("/children/{child}/letters"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Invitation to an initial child protection conference to Ms Amira Hassan")
    );
}

/// How many documents the child's file holds.
async fn documents<S: Store>(app: &TestApp<S>, token: &str, child: domain::ids::PersonId) -> usize {
    let path = format!("/api/v1/children/{child}/documents");
    app.read(token, &path).await.as_array().unwrap().len()
}

/// The text of a letter kept as a document, downloaded as its reader would.
async fn letter_text<S: Store>(app: &TestApp<S>, token: &str, made: &Value) -> String {
    let id = made["id"].as_str().unwrap();
    let (status, _, bytes) = app
        .download(token, &format!("/api/v1/documents/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    print::read_back::pages_text(&bytes)
        .unwrap()
        .join("\n")
        .replace('\n', " ")
}

#[tokio::test]
async fn letters_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn letters_on_postgres() {
    if let Some(db) = TestDb::postgres("letters_on_postgres").await {
        story(db).await;
    }
}
