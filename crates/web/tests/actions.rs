//! Actions carried to completion over HTTP on a random port, against SQLite and PostgreSQL (issue 13): a
//! social worker marks a plan action done through `POST /api/v1/actions/{id}/done` and it leaves the casework
//! worklist; another is re-dated twice and is flagged for the manager; refusals name their field and change
//! nothing (no note, a done action again, a due date in the past, the same date); someone who may not (an
//! auditor: 403, another LA's worker: 404, the same as an action that does not exist) is refused; the actions
//! page marks one done from the worklist and goes back to it with a banner.
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
use domain::records::{Allocation, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

/// Now: Wednesday 10 September 2025, 11:00 BST.
const NOW: &str = "2025-09-10T10:00:00Z";

async fn referred_child<S: Store>(app: &TestApp<S>, worker: domain::ids::UserId) -> PersonId {
    let c = store_tests::fixture::new_child("Ada", "Actiontest", "2015-06-01");
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
                allocations: vec![Allocation {
                    id: domain::ids::AllocationId::new(),
                    la: la("213"),
                    child_id: c.id,
                    worker_id: worker,
                    team_id: None,
                    from: "2025-08-20".parse().unwrap(),
                    to: None,
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

/// The casework worklist's action rows for the child: (label, action id, times re-dated, flagged).
async fn worklist_actions<S: Store>(
    app: &TestApp<S>,
    token: &str,
    child: PersonId,
) -> Vec<(String, String, u64, bool)> {
    let w = app.read(token, "/api/v1/worklists/casework?scope=la").await;
    w.as_array()
        .unwrap_or_else(|| panic!("{w}"))
        .iter()
        .filter(|i| i["child_id"] == child.to_string() && i["kind"] == "action")
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_owned(),
                i["action_id"].as_str().unwrap().to_owned(),
                i["times_redated"].as_u64().unwrap(),
                i["flagged_for_manager"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "213"]).await;
    let (worker, worker_user) = app
        .add_user(new_user("actions-worker", Role::SocialWorker, &["213"]))
        .await;
    let auditor = app
        .with_user("actions-auditor", Role::Auditor, &["213"])
        .await;
    let other_la = app
        .with_user("actions-other", Role::SocialWorker, &["205"])
        .await;
    let child = referred_child(&app, worker_user.id).await;
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
                    {"description": "Register the children with a GP", "owner": "Social worker", "due_on": "2025-09-19"},
                    {"description": "Health check", "owner": "School nurse", "due_on": "2025-09-26"}
                ]
            }),
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.body);
    let gp = plan.body["actions"][0]["id"].as_str().unwrap().to_owned();
    let health = plan.body["actions"][1]["id"].as_str().unwrap().to_owned();
    let on_worklist = worklist_actions(&app, &worker, child).await;
    assert_eq!(on_worklist.len(), 2, "{on_worklist:?}");
    let done = |id: &str| format!("/api/v1/actions/{id}/done");
    let redate = |id: &str| format!("/api/v1/actions/{id}/redate");
    let actions_of = format!("/api/v1/children/{child}/actions");
    let before = app.read(&worker, &actions_of).await;

    // Refusals name their field and change nothing.
    let refused: [(&str, String, Value, &[&str]); 4] = [
        ("done without a note", done(&gp), json!({}), &["note"]),
        (
            "done in the future",
            done(&gp),
            json!({"note": "Done", "done_on": "2025-09-11"}),
            &["done_on"],
        ),
        (
            "re-dated into the past",
            redate(&gp),
            json!({"due_on": "2025-09-01", "reason": "Late"}),
            &["due_on"],
        ),
        (
            "re-dated without a reason, to the same day",
            redate(&gp),
            json!({"due_on": "2025-09-19"}),
            &["due_on", "reason"],
        ),
    ];
    for (what, path, body, expected) in refused {
        let r = app.post(&worker, &path, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.body
        );
        assert_eq!(fields(&r.body), expected.to_vec(), "{what}: {}", r.body);
    }
    for (who, token, status) in [
        ("an auditor", &auditor, StatusCode::FORBIDDEN),
        ("another LA's worker", &other_la, StatusCode::NOT_FOUND),
    ] {
        let r = app.post(token, &done(&gp), json!({"note": "Done"})).await;
        assert_eq!(r.status, status, "{who}: {}", r.body);
    }
    let r = app
        .post(
            &worker,
            &done(&domain::ids::ActionId::new().to_string()),
            json!({"note": "Done"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "an action that does not exist"
    );
    assert_eq!(
        app.read(&worker, &actions_of).await,
        before,
        "nothing changed"
    );

    // Done: it leaves the worklist, and its history says what was done.
    let r = app
        .post(
            &worker,
            &done(&gp),
            json!({"note": "Registered both children at the Park Surgery"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], gp.as_str());
    let on_worklist = worklist_actions(&app, &worker, child).await;
    assert_eq!(on_worklist.len(), 1);
    assert_eq!(on_worklist[0].1, health);
    let r = app
        .post(&worker, &done(&gp), json!({"note": "Again"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), vec!["action"], "already done: {}", r.body);
    let view = app.read(&worker, &actions_of).await;
    let row = view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == gp.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["status"], "done");
    assert_eq!(row["completed_on"], "2025-09-10");
    assert_eq!(
        row["history"][0]["text"],
        "Registered both children at the Park Surgery"
    );
    assert_eq!(row["history"][0]["by"], "actions-worker");
    let chronology = app
        .read(&worker, &format!("/api/v1/children/{child}/chronology"))
        .await
        .to_string();
    assert!(
        chronology.contains("Registered both children at the Park Surgery"),
        "{chronology}"
    );

    // Re-dated twice: flagged for the manager.
    for (due, reason) in [
        ("2025-10-03", "The nurse is on leave"),
        ("2025-10-17", "The school is closed"),
    ] {
        let r = app
            .post(
                &worker,
                &redate(&health),
                json!({"due_on": due, "reason": reason}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let on_worklist = worklist_actions(&app, &worker, child).await;
    assert_eq!(on_worklist.len(), 1);
    assert_eq!(
        (on_worklist[0].2, on_worklist[0].3),
        (2, true),
        "{on_worklist:?}"
    );
    let view = app.read(&worker, &actions_of).await;
    let row = view["actions"][0].clone();
    assert_eq!(row["id"], health.as_str(), "open actions first");
    assert_eq!(row["due_on"], "2025-10-17");
    assert_eq!(row["flagged_for_manager"], true);
    assert_eq!(row["history"][0]["previous_due_on"], "2025-09-26");
    assert_eq!(row["history"][1]["text"], "The school is closed");

    // From the worklist: the page's link, the form, and back to the worklist with a banner.
    let (status, html) = app.page(&worker, "/casework?scope=la").await;
    assert_eq!(status, StatusCode::OK);
    let link = format!("/children/{child}/actions?from=casework#action-{health}");
    assert!(
        html.contains(&link),
        "the worklist links to the action: {html}"
    );
    assert!(html.contains("Re-dated 2 times"));
    let (status, page) = app
        .page(&worker, &format!("/children/{child}/actions?from=casework"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("For the team manager"));
    let version = app.get(&worker, &actions_of).await.etag.unwrap();
    let version = version.trim_matches('"').to_owned();
    let form = format!("/children/{child}/actions/{health}/done");
    let (status, html) = app
        .form(
            &worker,
            &form,
            &[("version", &version), ("back", "casework"), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&format!("href=\"#done-{health}-note\"")),
        "the summary links to the note"
    );
    let (status, location, _) = app
        .submit(
            &worker,
            &form,
            &[
                ("version", &version),
                ("back", "casework"),
                ("note", "Health check done at school"),
                ("done_on", "2025-09-10"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/casework?saved=action-done");
    assert!(worklist_actions(&app, &worker, child).await.is_empty());
    let (_, html) = app.page(&worker, &location).await;
    assert!(html.contains("Action marked as done"));
}

#[tokio::test]
async fn actions_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn actions_on_postgres() {
    if let Some(db) = TestDb::postgres("actions_on_postgres").await {
        story(db).await;
    }
}
