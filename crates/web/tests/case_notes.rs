//! Case notes over HTTP on a random port, against SQLite and PostgreSQL (issue 13): a social worker writes a
//! note about two siblings (one entry, on each child's record), it is refused with every problem named and
//! nothing saved when incomplete, about a child of another LA, dated in the future, or management oversight
//! written by someone who is not a manager; a correction is a new version on both records, the earlier
//! readable to an auditor and not to the worker; a correction of a superseded version is refused; the page
//! shows the notes and keeps what was typed when a note is refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{RelationshipKind, Role};
use domain::ids::{PersonId, RelationshipId};
use domain::records::{RecordSet, Relationship};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la};

/// Now: Thursday 4 December 2025, 15:00 GMT.
const NOW: &str = "2025-12-04T15:00:00Z";

async fn child<S: Store>(app: &TestApp<S>, la_code: &str, first: &str) -> PersonId {
    let mut c = store_tests::fixture::new_child(first, "Notetest", "2016-02-03");
    c.la = la(la_code);
    let id = c.id;
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![c],
                ..RecordSet::default()
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    id
}

async fn notes<S: Store>(app: &TestApp<S>, token: &str, child: PersonId) -> Vec<Value> {
    app.read(token, &format!("/api/v1/children/{child}/notes"))
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "213"]).await;
    let worker = app
        .with_user("notes-worker", Role::SocialWorker, &["213"])
        .await;
    let manager = app
        .with_user("notes-manager", Role::TeamManager, &["213"])
        .await;
    let auditor = app
        .with_user("notes-auditor", Role::Auditor, &["213"])
        .await;
    let partner_la = app
        .with_user("notes-other", Role::SocialWorker, &["205"])
        .await;
    let amira = child(&app, "213", "Amira").await;
    let bilal = child(&app, "213", "Bilal").await;
    let other_la = child(&app, "205", "Cara").await;
    // Bilal is Amira's brother.
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                relationships: vec![Relationship {
                    id: RelationshipId::new(),
                    la: la("213"),
                    person_id: bilal,
                    related_person_id: amira,
                    kind: RelationshipKind::Sibling,
                    parental_responsibility: false,
                    ended_on: None,
                }],
                ..RecordSet::default()
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    let notes_of = |c: PersonId| format!("/api/v1/children/{c}/notes");

    // A note about two siblings: one entry, on each child's record.
    let r = app
        .post(
            &worker,
            &notes_of(amira),
            json!({"kind": "visit", "at": "2025-12-04T10:30:00Z",
                   "text": "Home visit. Amira and Bilal seen together; the kitchen was well stocked.",
                   "involved": "Mother, both children", "also_about": [bilal.to_string()]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let note_id = r.body["id"].as_str().unwrap().to_owned();
    assert!(r.body["version"].as_i64().is_some(), "{}", r.body);
    let a = notes(&app, &worker, amira).await;
    let b = notes(&app, &worker, bilal).await;
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_eq!(a[0]["id"], note_id.as_str());
    assert_eq!(a[0]["kind"], "visit");
    assert_eq!(a[0]["at"], "2025-12-04T10:30:00Z");
    assert_eq!(a[0]["author"], "notes-worker");
    assert_eq!(a[0]["involved"], "Mother, both children");
    assert_eq!(a[0]["also_about"], json!([bilal.to_string()]));
    assert_eq!(b[0]["text"], a[0]["text"]);
    assert_eq!(b[0]["entry_id"], a[0]["entry_id"]);
    assert_eq!(b[0]["also_about"], json!([amira.to_string()]));
    // Both children's chronologies show it.
    for c in [amira, bilal] {
        let chronology = app
            .read(&worker, &format!("/api/v1/children/{c}/chronology"))
            .await;
        assert!(
            chronology
                .to_string()
                .contains("the kitchen was well stocked"),
            "{chronology}"
        );
    }

    // Refusals name their fields and save nothing.
    let refused: [(&str, Value, &[&str]); 5] = [
        (
            "no text, no date",
            json!({"kind": "telephone"}),
            &["at", "text"],
        ),
        (
            "in the future",
            json!({"kind": "telephone", "at": "2025-12-05T09:00:00Z", "text": "Called"}),
            &["at"],
        ),
        (
            "about a child of another LA",
            json!({"kind": "telephone", "at": "2025-12-04T09:00:00Z", "text": "Called",
                   "also_about": [other_la.to_string()]}),
            &["also_about[0]"],
        ),
        (
            "management oversight by a social worker",
            json!({"kind": "management-oversight", "at": "2025-12-04T09:00:00Z", "text": "Direction"}),
            &["kind"],
        ),
        (
            "about a record of another child",
            json!({"kind": "other", "at": "2025-12-04T09:00:00Z", "text": "About a plan",
                   "about": other_la.to_string()}),
            &["about"],
        ),
    ];
    for (what, body, expected) in refused {
        let r = app.post(&worker, &notes_of(amira), body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.body
        );
        assert_eq!(fields(&r.body), expected.to_vec(), "{what}: {}", r.body);
    }
    assert_eq!(notes(&app, &worker, amira).await.len(), 1);
    assert_eq!(notes(&app, &worker, bilal).await.len(), 1);
    // Another LA's worker cannot read or write the notes: the same 404 as a child that does not exist.
    assert_eq!(
        app.get(&partner_la, &notes_of(amira)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &partner_la,
            &notes_of(amira),
            json!({"kind": "other", "at": "2025-12-04T09:00:00Z", "text": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A manager records oversight.
    let r = app
        .post(
            &manager,
            &notes_of(amira),
            json!({"kind": "management-oversight", "at": "2025-12-04T14:00:00Z",
                   "text": "Case direction: core assessment to continue; review in two weeks."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // A correction: a new version on both records; the earlier readable to an auditor, not to the worker.
    let correct = |id: &str| format!("/api/v1/children/{amira}/notes/{id}/corrections");
    let r = app
        .post(
            &worker,
            &correct(&note_id),
            json!({"kind": "visit", "at": "2025-12-04T10:30:00Z",
                   "text": "Home visit. Amira and Bilal seen together; the fridge was nearly empty.",
                   "involved": "Mother, both children"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["reason"]);
    let r = app
        .post(
            &worker,
            &correct(&note_id),
            json!({"kind": "visit", "at": "2025-12-04T10:30:00Z",
                   "text": "Home visit. Amira and Bilal seen together; the fridge was nearly empty.",
                   "involved": "Mother, both children", "reason": "I wrote up the wrong visit"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let a = notes(&app, &worker, amira).await;
    assert_eq!(a.len(), 2, "the oversight note and the corrected visit");
    let visit = a.iter().find(|n| n["kind"] == "visit").unwrap();
    assert_eq!(visit["revision"], 2);
    assert_eq!(visit["correction_reason"], "I wrote up the wrong visit");
    assert!(visit["text"].as_str().unwrap().contains("nearly empty"));
    assert_eq!(
        visit["earlier"],
        json!([]),
        "a worker does not see the earlier version"
    );
    let b = notes(&app, &worker, bilal).await;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["revision"], 2, "the sibling's copy is corrected too");
    assert!(b[0]["text"].as_str().unwrap().contains("nearly empty"));
    let audited = notes(&app, &auditor, amira).await;
    let visit = audited.iter().find(|n| n["kind"] == "visit").unwrap();
    assert_eq!(visit["earlier"].as_array().unwrap().len(), 1);
    assert!(
        visit["earlier"][0]["text"]
            .as_str()
            .unwrap()
            .contains("well stocked"),
        "the auditor reads what it said before: {visit}"
    );
    assert_eq!(visit["earlier"][0]["author"], "notes-worker");
    // The chronology shows the current version only.
    let chronology = app
        .read(&worker, &format!("/api/v1/children/{amira}/chronology"))
        .await
        .to_string();
    assert!(chronology.contains("nearly empty") && !chronology.contains("well stocked"));
    // Correcting the superseded version is refused.
    let r = app
        .post(
            &worker,
            &correct(&note_id),
            json!({"kind": "visit", "at": "2025-12-04T10:30:00Z", "text": "Again", "reason": "Again"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // An auditor reads, but may not write.
    let r = app
        .post(
            &auditor,
            &notes_of(amira),
            json!({"kind": "other", "at": "2025-12-04T09:00:00Z", "text": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The page: the notes, and a refused note shown again with what was typed.
    let (status, html) = app.page(&worker, &format!("/children/{amira}/notes")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("nearly empty") && html.contains("Case direction"));
    assert!(html.contains("Bilal Notetest"), "the sibling is named");
    assert!(
        html.contains(&format!("value=\"{bilal}\"")),
        "and may be chosen for a note"
    );
    let version = app.get(&worker, &notes_of(amira)).await.etag.unwrap();
    let version = version.trim_matches('"').to_owned();
    let (status, html) = app
        .form(
            &worker,
            &format!("/children/{amira}/notes"),
            &[
                ("version", &version),
                ("kind", "telephone"),
                ("at", "2025-12-04T11:15"),
                ("involved", "Class teacher"),
                ("text", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("govuk-error-summary") && html.contains("href=\"#note-text\""));
    assert!(
        html.contains("value=\"Class teacher\""),
        "the input is kept"
    );
    let (status, location, _) = app
        .submit(
            &worker,
            &format!("/children/{amira}/notes"),
            &[
                ("version", &version),
                ("kind", "telephone"),
                ("at", "2025-12-04T11:15"),
                ("involved", "Class teacher"),
                ("text", "Called the class teacher: Amira is settled."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/children/{amira}/notes?saved=note"));
    let a = notes(&app, &worker, amira).await;
    assert_eq!(a.len(), 3);
    assert_eq!(a[0]["at"], "2025-12-04T14:00:00Z", "newest first");
    assert!(a.iter().any(
        |n| n["text"] == "Called the class teacher: Amira is settled."
            && n["at"] == "2025-12-04T11:15:00Z"
    ));
}

#[tokio::test]
async fn case_notes_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn case_notes_on_postgres() {
    if let Some(db) = TestDb::postgres("case_notes_on_postgres").await {
        story(db).await;
    }
}
