//! The case summary and chronology to print, over HTTP on a random port, against SQLite and PostgreSQL (issue 13):
//! a social worker's plan, its actions and a case note print in the summary PDF (read back page by page: the
//! child's name, OFFICIAL-SENSITIVE, who printed it, the plan's open actions, the chronology); a filter by kind
//! keeps only those events, in the PDF, the JSON twin and the page alike; a bad filter is refused naming its
//! fields; another LA's worker gets 404 as for a child that does not exist; every print is in the audit trail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{ReferralSource, Role};
use domain::ids::{PersonId, ReferralId};
use domain::records::{RecordSet, Referral};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la};

/// Now: Wednesday 10 September 2025, 11:00 BST.
const NOW: &str = "2025-09-10T10:00:00Z";

async fn referred_child<S: Store>(app: &TestApp<S>) -> PersonId {
    let c = store_tests::fixture::new_child("Zoë", "Łukasiewicz", "2015-06-01");
    let id = c.id;
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                referrals: vec![Referral {
                    id: ReferralId::new(),
                    la: la("213"),
                    child_id: c.id,
                    contact_id: None,
                    referral_date: "2025-08-20".parse().unwrap(),
                    source: ReferralSource::Schools,
                    primary_need: None,
                    nfa: false,
                    closure: None,
                    created_at: "2025-08-20T09:00:00Z".parse().unwrap(),
                }],
                people: vec![c],
                ..RecordSet::default()
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    id
}

async fn story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "213"]).await;
    let worker = app
        .with_user("print-worker", Role::SocialWorker, &["213"])
        .await;
    let admin = app.with_user("print-admin", Role::Admin, &["213"]).await;
    let other_la = app
        .with_user("print-other", Role::SocialWorker, &["205"])
        .await;
    let child = referred_child(&app).await;
    let plan = app
        .post(
            &worker,
            &format!("/api/v1/children/{child}/plans"),
            json!({
                "start_date": "2025-08-22",
                "needs": "A calm home and school every day",
                "desired_outcomes": "Attendance above 95%",
                "next_review_on": "2025-10-03",
                "actions": [
                    {"description": "Register the children with a GP", "owner": "Social worker", "due_on": "2025-09-19"}
                ]
            }),
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.body);
    let note = app
        .post(
            &worker,
            &format!("/api/v1/children/{child}/notes"),
            json!({"kind": "visit", "at": "2025-09-09T15:00:00+01:00", "text": "Zoë showed me her room and her drawings."}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);

    // The PDF: what a conference would be handed.
    let (status, headers, pdf) = app
        .download(&worker, &format!("/api/v1/children/{child}/summary.pdf"))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers[CONTENT_TYPE], "application/pdf");
    let pages = print::read_back::pages_text(&pdf).unwrap();
    let all = pages.join("\n");
    for expected in [
        "Case summary: Zoë Łukasiewicz",
        "OFFICIAL-SENSITIVE",
        "Printed by",
        "Child in need plan (since 22 August 2025)",
        "Register the children with a GP",
        "Chronology",
        "Case note",
    ] {
        assert!(
            all.contains(expected),
            "{expected:?} not in the PDF:\n{all}"
        );
    }
    assert!(pages[0].contains(&format!("Page 1 of {}", pages.len())));

    // A filter by kind: the JSON twin, the chronology PDF and the page keep only case notes.
    let summary = app
        .read(
            &worker,
            &format!("/api/v1/children/{child}/summary?kind=case-note&from=2025-09-01"),
        )
        .await;
    let events = summary["record"]["chronology"].as_array().unwrap();
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| e["kind"] == "case-note"),
        "{events:?}"
    );
    assert!(summary["events_in_all"].as_u64().unwrap() > events.len() as u64);
    let (status, _, pdf) = app
        .download(
            &worker,
            &format!("/api/v1/children/{child}/chronology.pdf?kind=case-note"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let chronology = print::read_back::pages_text(&pdf).unwrap().join("\n");
    assert!(chronology.contains("Chronology: Zoë Łukasiewicz"));
    assert!(chronology.contains("Case note"));
    assert!(
        !chronology.contains("Child in need plan started"),
        "{chronology}"
    );
    let (status, html) = app
        .page(
            &worker,
            &format!("/children/{child}/summary?kind=case-note"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Register the children with a GP"));
    assert!(html.contains(&format!(
        "/api/v1/children/{child}/summary.pdf?kind=case-note"
    )));

    // A bad filter is refused, naming its fields, on the API and the page.
    let bad = app
        .get(
            &worker,
            &format!("/api/v1/children/{child}/summary.pdf?from=2025-13-01&kind=nonsense"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(fields(&bad.body), ["from", "kind"]);
    let (status, html) = app
        .page(
            &worker,
            &format!("/children/{child}/summary?from=2025-02-01&to=2025-01-01"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("govuk-error-summary"));
    assert!(
        html.contains("value=\"2025-02-01\""),
        "the dates typed are kept"
    );

    // Another LA's worker: the same answer as a child that does not exist.
    let foreign = app
        .get(&other_la, &format!("/api/v1/children/{child}/summary.pdf"))
        .await;
    let missing = app
        .get(
            &other_la,
            &format!("/api/v1/children/{}/summary.pdf", PersonId::new()),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Every print is an audited view of the record.
    let audit = app
        .read(&admin, &format!("/api/v1/audit?child={child}"))
        .await;
    let views = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_label"] == "print-worker" && e["event"]["action"] == "view")
        .count();
    assert!(
        views >= 5,
        "two PDFs, a summary, a page, a refused page: {views} views in {audit}"
    );
}

#[tokio::test]
async fn summary_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn summary_on_postgres() {
    if let Some(db) = TestDb::postgres("summary_on_postgres").await {
        story(db).await;
    }
}
