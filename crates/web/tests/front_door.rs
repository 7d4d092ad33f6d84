//! The front door over the JSON API, on a random port, against SQLite and PostgreSQL: a contact about two
//! siblings is screened, partners are asked and answer only their own requests, decisions open the next step,
//! the referrer is told, and each child's chronology shows it all. Also the refusals (each names its field and
//! saves nothing), stale changes (409), and the clock of a contact received at 16:55 on the Friday before a
//! bank holiday.
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
use store::Store;
use support::{TestApp, TestDb, fields};

fn contact(first: &str, dob: &str, received_at: &str) -> Value {
    json!({
        "la": "213",
        "received_at": received_at,
        "source": "5A",
        "referrer": {"name": "PC Example", "agency": "police", "contact_details": "101"},
        "child": {"first_name": first, "last_name": "Frontdoortest", "date_of_birth": dob},
        "concerns": "Police attended a domestic incident; two children in the house."
    })
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    // Now: Friday 22 August 2025, 17:00 BST. Monday 25 August is the summer bank holiday.
    let now: domain::datetime::Timestamp = "2025-08-22T16:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let store = app.store();
    app.ensure_las(&["213"]).await;
    let worker = app.with_user("fd-worker", Role::MashWorker, &["213"]).await;
    let manager = app
        .with_user("fd-manager", Role::TeamManager, &["213"])
        .await;
    let police = app
        .with_partner("fd-police", Agency::Police, &["213"])
        .await;
    let health = app
        .with_partner("fd-health", Agency::Health, &["213"])
        .await;
    let mut checks = 0;

    // A contact without a source: refused, naming the field; nothing saved.
    let before = store.counts().await.unwrap();
    let mut bad = contact("Ava", "2016-02-02", "2025-08-22T15:55:00Z");
    bad.as_object_mut().unwrap().remove("source");
    let r = app.post(&worker, "/api/v1/contacts", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["source"]);
    assert_eq!(store.counts().await.unwrap().0, before.0, "nothing saved");
    checks += 1;

    // The contact about two siblings, received at 16:55 on the Friday.
    let r = app
        .post(
            &worker,
            "/api/v1/contacts",
            contact("Ava", "2016-02-02", "2025-08-22T15:55:00Z"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ava = r.body["id"].as_str().unwrap().to_owned();
    let ava_child = r.body["child_id"].as_str().unwrap().to_owned();
    // Due Tuesday 26 August at 16:55 (one working day; the bank holiday does not count).
    assert_eq!(r.body["decision_due_at"], "2025-08-26T15:55:00Z");
    let r = app
        .post(
            &worker,
            "/api/v1/contacts",
            contact("Ben", "2019-03-03", "2025-08-22T15:55:00Z"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let ben = r.body["id"].as_str().unwrap().to_owned();
    let ben_child = r.body["child_id"].as_str().unwrap().to_owned();
    let list = app.get(&worker, "/api/v1/front-door").await;
    assert_eq!(list.status, StatusCode::OK);
    let row = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["contact_id"] == ava.as_str())
        .expect("the contact is on the worklist")
        .clone();
    assert_eq!(row["clock"]["due"], "2025-08-26T15:55:00Z");
    assert_eq!(row["clock"]["overdue"], false);
    checks += 1;

    // Screening: "consent not sought" without a reason is refused, naming the field; nothing saved.
    let case = app
        .get(&manager, &format!("/api/v1/contacts/{ava}/case"))
        .await;
    assert_eq!(case.status, StatusCode::OK);
    let v0 = case.etag.clone().unwrap();
    let r = app
        .post_if_match(
            &manager,
            &format!("/api/v1/contacts/{ava}/screening"),
            json!({"threshold": "4", "rag": "amber", "rag_rationale": "Domestic abuse, children present", "consent": "not-sought"}),
            &v0,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["consent_rationale"]);
    let again = app
        .get(&manager, &format!("/api/v1/contacts/{ava}/case"))
        .await;
    assert_eq!(again.etag, case.etag, "nothing saved");
    assert!(again.body["contact"]["screening"]["rag"].is_null());
    checks += 1;
    // The manager rates it amber; not seeking consent (it would put the children at risk) is approved.
    let r = app
        .post_if_match(
            &manager,
            &format!("/api/v1/contacts/{ava}/screening"),
            json!({"threshold": "4", "rag": "amber", "rag_rationale": "Domestic abuse, children present",
                   "consent": "not-sought", "consent_rationale": "Asking would alert the alleged perpetrator"}),
            &v0,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v1 = r.etag.unwrap();
    // A change made from the old version is refused rather than overwrite it.
    let stale = app
        .post_if_match(
            &worker,
            &format!("/api/v1/contacts/{ava}/screening"),
            json!({"rag": "green", "rag_rationale": "Nothing to see"}),
            &v0,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    checks += 1;
    // Partners cannot be asked before the manager approves going ahead without consent.
    let early = app
        .post(
            &worker,
            &format!("/api/v1/contacts/{ava}/information-requests"),
            json!({"agency": "police", "question": "Callouts?"}),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&early.body), ["consent"]);
    let r = app
        .post_if_match(
            &manager,
            &format!("/api/v1/contacts/{ava}/consent-approval"),
            json!({}),
            &v1,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    checks += 1;
    let mut requests = Vec::new();
    for (agency, question) in [
        ("police", "Any callouts to the address in the last year?"),
        (
            "health",
            "Are the children registered with a GP and up to date with checks?",
        ),
    ] {
        let r = app
            .post(
                &worker,
                &format!("/api/v1/contacts/{ava}/information-requests"),
                json!({"agency": agency, "question": question}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        requests.push(r.body["id"].as_str().unwrap().to_owned());
    }
    // Each partner sees only its own request, and cannot open or answer the other's.
    for (token, mine, theirs) in [
        (&police, &requests[0], &requests[1]),
        (&health, &requests[1], &requests[0]),
    ] {
        let queue = app.get(token, "/api/v1/information-requests").await;
        assert_eq!(queue.status, StatusCode::OK);
        let ids: Vec<&str> = queue
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["request"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [mine.as_str()]);
        assert_eq!(
            app.get(token, &format!("/api/v1/information-requests/{theirs}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = app
            .post(
                token,
                &format!("/api/v1/information-requests/{theirs}/response"),
                json!({"response": "Not ours to answer"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Partners never see the case itself.
        assert_eq!(
            app.get(token, &format!("/api/v1/contacts/{ava}/case"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post(
                token,
                &format!("/api/v1/information-requests/{mine}/response"),
                json!({"response": "Two callouts in March; both children seen and well."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    checks += 1;

    // A decision without a rationale is refused, naming the field; nothing saved.
    let r = app
        .post(
            &manager,
            &format!("/api/v1/contacts/{ava}/decision"),
            json!({"outcome": "strategy-discussion", "primary_need": "N1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["rationale"]);
    checks += 1;
    let r = app
        .post(
            &manager,
            &format!("/api/v1/contacts/{ava}/decision"),
            json!({"outcome": "strategy-discussion", "primary_need": "N1",
                   "rationale": "Police history and an injury: threshold for a strategy discussion is met"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(
            &manager,
            &format!("/api/v1/contacts/{ben}/decision"),
            json!({"outcome": "early-help", "rationale": "Younger sibling; needs support, not protection",
                   "next_steps": "Family support worker to visit within 10 days", "receiving_service": "Family Hub North"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let decided = app.get(&worker, "/api/v1/front-door").await;
    assert!(
        decided
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["contact_id"] != ava.as_str() && i["contact_id"] != ben.as_str()),
        "decided contacts leave the decision worklist"
    );
    let feedback = app
        .get(&worker, "/api/v1/front-door?stage=awaiting-feedback")
        .await;
    assert_eq!(
        feedback
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["contact_id"] == ava.as_str() || i["contact_id"] == ben.as_str())
            .count(),
        2
    );
    checks += 1;
    for id in [&ava, &ben] {
        let r = app
            .post(
                &worker,
                &format!("/api/v1/contacts/{id}/feedback"),
                json!({"method": "phone", "given_at": "2025-08-22T17:00:00+01:00", "summary": "Told PC Example the outcome"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    // Each child's record shows the next step, and the chronology every step.
    let record = app
        .get(&worker, &format!("/api/v1/children/{ava_child}"))
        .await;
    let kinds: Vec<&str> = record.body["open_episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"referral"), "{kinds:?}");
    let referral = record.body["open_episodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "referral")
        .unwrap();
    // The 45-working-day assessment clock started at the referral (Friday 22 August 2025; Monday 25 August
    // is a bank holiday, so the 45th working day is Monday 27 October).
    assert_eq!(
        referral["detail"],
        "Primary need: Abuse or neglect. Assessment due 27 October 2025"
    );
    let chronology = app
        .get(&worker, &format!("/api/v1/children/{ava_child}/chronology"))
        .await;
    let kinds: Vec<&str> = chronology
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "contact",
        "rag-rated",
        "consent-dispensed",
        "mash-enquiry",
        "information-requested",
        "information-received",
        "decision",
        "referral",
        "referrer-told",
    ] {
        assert!(
            kinds.contains(&k),
            "{k} missing from Ava's chronology: {kinds:?}"
        );
    }
    let chronology = app
        .get(&worker, &format!("/api/v1/children/{ben_child}/chronology"))
        .await;
    let kinds: Vec<&str> = chronology
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in ["contact", "decision", "early-help-started", "referrer-told"] {
        assert!(
            kinds.contains(&k),
            "{k} missing from Ben's chronology: {kinds:?}"
        );
    }
    checks += 1;
    format!(
        "front door over the API ({}): {checks} steps checked, every refusal named its field and saved nothing",
        store.backend_name()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_door_on_sqlite() {
    support::report("front-door-sqlite", &story(TestDb::sqlite().await).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_door_on_postgres() {
    if let Some(db) = TestDb::postgres("front_door_on_postgres").await {
        support::report("front-door-postgres", &story(db).await);
    }
}
