//! Dates out of a sensible range and over-long lists are refused (issue 12), over real HTTP on a random port,
//! against SQLite and PostgreSQL: a visit in year 0, an action due in 9999, 2,000 actions in one request, and
//! the like on each kind of endpoint, each a 422 naming the field with nothing saved (every record count and
//! the child's records as read back unchanged); then the same request with a sensible value saves, so it was
//! the bound that refused it.
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
use domain::records::{RecordCounts, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

fn action(due: &str) -> Value {
    json!({"description": "Visit at school", "owner": "Social worker", "due_on": due})
}

fn many<T: Clone>(n: usize, row: T) -> Vec<T> {
    vec![row; n]
}

/// `body` with `path` (keys and array indexes, e.g. `["cases", "0", "actions"]`) set to `value`.
fn with(body: &Value, path: &[&str], value: Value) -> Value {
    let mut out = body.clone();
    let mut at = &mut out;
    for key in path {
        at = match key.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*key],
        };
    }
    *at = value;
    out
}

async fn bounds_story<S: Store>(db: TestDb<S>) {
    // Now: Monday 2 March 2026, noon.
    let now = "2026-03-02T12:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let manager = app
        .with_user("tm-bounds", Role::TeamManager, &["213"])
        .await;
    let (_, worker) = app
        .add_user(new_user("sw-bounds", Role::SocialWorker, &["213"]))
        .await;
    let worker_id = worker.id.to_string();
    let mut child = store_tests::fixture::new_child("Ivy", "Boundstest", "2016-05-04");
    child.la = la("213");
    let id: PersonId = child.id;
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                referrals: vec![Referral {
                    id: ReferralId::new(),
                    la: child.la.clone(),
                    child_id: id,
                    contact_id: None,
                    referral_date: "2026-01-05".parse().unwrap(),
                    source: ReferralSource::Schools,
                    primary_need: None,
                    nfa: false,
                    closure: None,
                    created_at: "2026-01-05T09:00:00Z".parse().unwrap(),
                }],
                people: vec![child],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let c = format!("/api/v1/children/{id}");

    let plan = json!({
        "start_date": "2026-02-02",
        "needs": "Ivy needs to be at school every day",
        "desired_outcomes": "Attendance above 95%",
        "next_review_on": "2026-04-06",
        "actions": [action("2026-03-20")]
    });
    let visit = json!({
        "visited_on": "2026-02-27", "kind": "assessment", "child_seen": true, "seen_alone": true,
        "wishes_and_feelings": "Ivy likes her new teacher", "observations": "Home warm and tidy"
    });
    let strategy = json!({
        "held_at": "2026-02-27T10:00",
        "participants": [
            {"name": "DC Hughes", "agency": "police", "role": "CAIT"},
            {"name": "Dr Patel", "agency": "health", "role": "GP"},
            {"name": "Ms Rowe", "agency": "education", "role": "DSL"}
        ],
        "information_shared": "School: bruising seen",
        "decision": "no-section-47",
        "alternative": "Single agency assessment",
        "actions": [action("2026-03-06")]
    });
    let supervision = json!({
        "supervisee": worker_id, "held_on": "2026-02-27", "reflection": "How the visits are landing",
        "cases": [{"child_id": id.to_string(), "discussion": "Attendance", "direction": "Visit weekly",
            "actions": [action("2026-03-13")]}]
    });
    let contact = json!({
        "la": "213", "received_at": "2026-03-02T10:00:00Z", "source": "2A",
        "referrer": {"name": "Ms Head", "agency": "education"},
        "child": {"first_name": "Zac", "last_name": "Boundstest", "date_of_birth": "2019-03-04"},
        "concerns": "Zac said he is afraid to go home."
    });
    let assessment = json!({
        "start_date": "2026-01-06", "child_seen": true, "child_seen_alone": true,
        "wishes_and_feelings": "Ivy wants to stay at her school", "factors": ["3B"]
    });
    let allocation = json!({"worker": worker_id, "from": "2026-03-02"});

    // (what, path, body, the field named)
    let table: Vec<(&str, String, Value, &str)> = vec![
        (
            "a plan with 2,000 actions",
            format!("{c}/plans"),
            with(&plan, &["actions"], json!(many(2000, action("2026-03-20")))),
            "actions",
        ),
        (
            "a plan action due in 9999",
            format!("{c}/plans"),
            with(&plan, &["actions", "0", "due_on"], json!("9999-12-31")),
            "actions[0].due_on",
        ),
        (
            "a plan starting in year 0",
            format!("{c}/plans"),
            with(&plan, &["start_date"], json!("0000-02-02")),
            "start_date",
        ),
        (
            "a plan reviewed in 2199",
            format!("{c}/plans"),
            with(&plan, &["next_review_on"], json!("2199-04-06")),
            "next_review_on",
        ),
        (
            "a visit in year 0",
            format!("{c}/visits"),
            with(&visit, &["visited_on"], json!("0000-02-27")),
            "visited_on",
        ),
        (
            "a strategy discussion with 2,000 participants",
            format!("{c}/strategy-discussions"),
            with(
                &strategy,
                &["participants"],
                json!(many(2000, strategy["participants"][0].clone())),
            ),
            "participants",
        ),
        (
            "a strategy discussion with 21 absent agencies",
            format!("{c}/strategy-discussions"),
            with(
                &strategy,
                &["absent_agencies"],
                json!(many(
                    21,
                    json!({"agency": "housing", "reason": "Not invited"})
                )),
            ),
            "absent_agencies",
        ),
        (
            "a strategy discussion action due in 9999",
            format!("{c}/strategy-discussions"),
            with(&strategy, &["actions", "0", "due_on"], json!("9999-12-31")),
            "actions[0].due_on",
        ),
        (
            "a strategy discussion in year 1",
            format!("{c}/strategy-discussions"),
            with(&strategy, &["held_at"], json!("0001-02-27T10:00")),
            "held_at",
        ),
        (
            "a supervision discussing 61 cases",
            "/api/v1/supervision".to_owned(),
            with(
                &supervision,
                &["cases"],
                json!(many(61, supervision["cases"][0].clone())),
            ),
            "cases",
        ),
        (
            "a supervision case with 51 actions",
            "/api/v1/supervision".to_owned(),
            with(
                &supervision,
                &["cases", "0", "actions"],
                json!(many(51, action("2026-03-13"))),
            ),
            "cases[0].actions",
        ),
        (
            "a supervision held in 1899",
            "/api/v1/supervision".to_owned(),
            with(&supervision, &["held_on"], json!("1899-12-31")),
            "held_on",
        ),
        (
            "a contact received in year 1",
            "/api/v1/contacts".to_owned(),
            with(&contact, &["received_at"], json!("0001-03-02T10:00:00Z")),
            "received_at",
        ),
        (
            "a child born in year 0",
            "/api/v1/contacts".to_owned(),
            with(&contact, &["child", "date_of_birth"], json!("0000-03-04")),
            "child.date_of_birth",
        ),
        (
            "an assessment with 101 factors",
            format!("{c}/assessments"),
            with(&assessment, &["factors"], json!(many(101, "3B"))),
            "factors",
        ),
        (
            "an allocation from year 0",
            format!("{c}/allocation"),
            with(&allocation, &["from"], json!("0000-03-02")),
            "from",
        ),
        (
            "a closure in 9999",
            format!("{c}/closure"),
            json!({"date": "9999-12-31", "reason": "RC8"}),
            "date",
        ),
    ];
    let snapshot = || async {
        let counts: RecordCounts = app.store().counts().await.unwrap().0;
        (
            counts,
            app.read(&manager, &format!("{c}/plans")).await,
            app.read(&manager, &format!("{c}/protection")).await,
            app.read(&manager, &format!("{c}/case-management")).await,
            app.read(&manager, "/api/v1/supervision").await,
        )
    };
    let mut wrong = Vec::new();
    for (what, path, body, field) in &table {
        let before = snapshot().await;
        let (status, problem) = app.post(&manager, path, body.clone()).await.parts();
        if status != StatusCode::UNPROCESSABLE_ENTITY || fields(&problem) != [*field] {
            let shown: String = problem.to_string().chars().take(300).collect();
            wrong.push(format!("{what}: {status} {shown}"));
        }
        if snapshot().await != before {
            wrong.push(format!("{what}: something was saved"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} refused as they should not be:\n{}",
        wrong.len(),
        table.len(),
        wrong.join("\n")
    );

    // The sensible values save.
    for (what, path, body) in [
        ("the plan", format!("{c}/plans"), &plan),
        ("the visit", format!("{c}/visits"), &visit),
        (
            "the strategy discussion",
            format!("{c}/strategy-discussions"),
            &strategy,
        ),
        (
            "the supervision",
            "/api/v1/supervision".to_owned(),
            &supervision,
        ),
        ("the contact", "/api/v1/contacts".to_owned(), &contact),
        ("the assessment", format!("{c}/assessments"), &assessment),
        ("the allocation", format!("{c}/allocation"), &allocation),
    ] {
        let (status, answer) = app.post(&manager, &path, body.clone()).await.parts();
        assert!(status.is_success(), "{what}: {status} {answer}");
    }
    println!(
        "input bounds: {} out-of-range dates and over-long lists refused, nothing saved",
        table.len()
    );
}

#[tokio::test]
async fn input_bounds_on_sqlite() {
    bounds_story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn input_bounds_on_postgres() {
    if let Some(db) = TestDb::postgres("input_bounds_on_postgres").await {
        bounds_story(db).await;
    }
}
