//! Planning over the JSON API (and its pages), on a random port, against SQLite and PostgreSQL: a child and
//! family assessment authorised by a team manager (a social worker's attempt is 403), a child in need plan with
//! dated actions, visits, a review recording progress on each action, and the plan's end, each read back; the
//! clocks (the assessment due 45 working days from the referral across the August bank holiday; visits due at
//! the LA's frequency for a child in need and a child protection plan, and again after the LA changes it); and
//! the refusals, each a 422 naming its field with nothing saved.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{PlanKind, ReferralSource, Role};
use domain::ids::{PlanId, ReferralId};
use domain::records::{Plan, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::{Clock, NewUser};
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

fn t(s: &str) -> domain::datetime::Timestamp {
    s.parse().unwrap()
}

fn d(s: &str) -> domain::datetime::Date {
    s.parse().unwrap()
}

fn referral(child: &domain::records::Person, on: &str) -> Referral {
    Referral {
        id: ReferralId::new(),
        la: child.la.clone(),
        child_id: child.id,
        contact_id: None,
        referral_date: d(on),
        source: ReferralSource::parse("5A").unwrap(),
        primary_need: None,
        nfa: false,
        closure: None,
        created_at: t(&format!("{on}T10:00:00Z")),
    }
}

fn assessment_body() -> Value {
    json!({
        "start_date": "2025-08-22",
        "child_seen": true,
        "child_seen_alone": true,
        "wishes_and_feelings": "Maya says she feels safe with her nan and wants to see her dad at weekends",
        "identity_and_culture": "Maya is of dual heritage and attends church with her nan",
        "sources_of_information": "School, health visitor, police",
        "history_considered": "Two previous contacts about domestic abuse",
        "risk_factors": "Domestic abuse between the adults",
        "protective_factors": "Nan lives nearby",
        "safety_goals": "Maya sleeps at home without arguments waking her",
        "scaling": 4,
        "factors": ["3B", "13A", "24A"]
    })
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    // Friday 22 August 2025; Monday 25 August is the summer bank holiday.
    let clock = Clock::manual(t("2025-08-22T10:00:00Z"));
    let app = TestApp::spawn(db, clock.clone()).await;
    let (services, store) = (&app.services, app.store());
    let system = Actor::system("test");
    app.ensure_las(&["213", "205"]).await;
    let maya = store_tests::fixture::new_child("Maya", "Plantest", "2016-02-02");
    let noah = store_tests::fixture::new_child("Noah", "Plantest", "2018-03-03");
    let mut other = store_tests::fixture::new_child("Olive", "Elsewhere", "2017-04-04");
    other.la = la("205");
    let noah_referral = referral(&noah, "2025-08-20");
    // Noah's child protection plan was made at his initial conference (another part of the system makes it).
    let noah_plan = Plan {
        id: PlanId::new(),
        la: la("213"),
        child_id: noah.id,
        referral_id: noah_referral.id,
        kind: PlanKind::ChildProtection,
        start_date: d("2025-08-22"),
        end_date: None,
        end_reason: None,
        needs: "Protection from neglect".into(),
        desired_outcomes: "Noah is fed, clean and at nursery".into(),
        initial_category: Some(domain::codes::AbuseCategory::parse("NEG").unwrap()),
        latest_category: Some(domain::codes::AbuseCategory::parse("NEG").unwrap()),
        next_review_on: Some(d("2025-11-21")),
        previous_cp_plans: None,
        created_at: t("2025-08-22T09:00:00Z"),
    };
    store
        .insert_records(
            &system,
            RecordSet {
                referrals: vec![
                    referral(&maya, "2025-08-22"),
                    noah_referral,
                    referral(&other, "2025-08-22"),
                ],
                plans: vec![noah_plan.clone()],
                people: vec![maya.clone(), noah.clone(), other.clone()],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let worker = app
        .with_user("plan-worker", Role::SocialWorker, &["213"])
        .await;
    let (manager, _) = app
        .add_user(NewUser {
            display_name: Some("plan-manager (test)".into()),
            ..new_user("plan-manager", Role::TeamManager, &["213"])
        })
        .await;
    let m = format!("/api/v1/children/{}", maya.id);
    let mut checks = 0;
    let counts = || async { store.counts().await.unwrap().0 };

    // --- the assessment ----------------------------------------------------------------------------------------
    // Without the child's wishes and feelings: refused, naming the field; nothing saved.
    let before = counts().await;
    let mut bad = assessment_body();
    bad.as_object_mut().unwrap().remove("wishes_and_feelings");
    let r = app.post(&worker, &format!("{m}/assessments"), bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), ["wishes_and_feelings"]);
    assert_eq!(
        r.body["errors"][0]["message"],
        "Enter the child's wishes and feelings"
    );
    // Scaling 11: refused.
    let mut bad = assessment_body();
    bad["scaling"] = json!(11);
    let r = app.post(&worker, &format!("{m}/assessments"), bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["scaling"]);
    // Seen alone but not seen, and a factor code that does not exist.
    let mut bad = assessment_body();
    bad["child_seen"] = json!(false);
    bad["factors"] = json!(["13A", "99Z"]);
    let r = app.post(&worker, &format!("{m}/assessments"), bad).await;
    assert_eq!(fields(&r.body), ["child_seen_alone", "factors[1]"]);
    assert_eq!(counts().await, before, "nothing saved");
    let read = app.get(&worker, &format!("{m}/plans")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body["assessments"].as_array().unwrap().is_empty());
    checks += 1;

    // The assessment (outcome not yet decided): due 45 working days from the referral on Friday 22 August;
    // with the bank holiday on Monday 25 August, that is Monday 27 October.
    let r = app
        .post(&worker, &format!("{m}/assessments"), assessment_body())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let assessment = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["due_on"], "2025-10-27");
    assert_eq!(r.body["factors"], json!(["3B", "13A", "24A"]));
    let read = app.get(&worker, &format!("{m}/plans")).await;
    let a = &read.body["assessments"][0];
    assert_eq!(a["id"], assessment.as_str());
    assert_eq!(a["clock"]["due"], "2025-10-27");
    assert_eq!(a["overdue"], false);
    assert_eq!(a["authorised"], false);
    assert_eq!(
        a["wishes_and_feelings"],
        assessment_body()["wishes_and_feelings"]
    );
    checks += 1;

    // Authorisation: a social worker may not (403); a manager may not before the outcome is recorded (422).
    let auth = format!("{m}/assessments/{assessment}/authorisation");
    let r = app.post(&worker, &auth, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post(&manager, &auth, json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["outcome"]);
    let mut with_outcome = assessment_body();
    with_outcome["outcome"] = json!("cin-plan");
    let r = app
        .post(
            &worker,
            &format!("{m}/assessments/{assessment}"),
            with_outcome.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["outcome"], "cin-plan");
    let r = app.post(&manager, &auth, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["authorised_on"], "2025-08-22");
    assert!(r.body["authorised_by"].is_string());
    let r = app.post(&manager, &auth, json!({})).await;
    assert_eq!(fields(&r.body), ["authorised_on"], "authorised once");
    let read = app.get(&worker, &format!("{m}/plans")).await;
    let a = &read.body["assessments"][0];
    assert_eq!(a["authorised"], true);
    assert_eq!(a["authorised_by_name"], "plan-manager (test)");
    assert!(a["clock"].is_null(), "the clock stops at authorisation");
    // Once authorised, it cannot be changed.
    let r = app
        .post(
            &worker,
            &format!("{m}/assessments/{assessment}"),
            with_outcome,
        )
        .await;
    assert_eq!(fields(&r.body), ["authorised_on"]);
    checks += 1;

    // --- the child in need plan --------------------------------------------------------------------------------
    let plan_body = json!({
        "start_date": "2025-08-22",
        "needs": "Maya needs a calm home and to be at school every day",
        "desired_outcomes": "No police call-outs; attendance above 95%",
        "next_review_on": "2025-10-03",
        "actions": [
            {"description": "Refer mum to the domestic abuse service", "owner": "Social worker", "due_on": "2025-09-05"},
            {"description": "Health check", "owner": "School nurse", "due_on": "2025-09-12"},
            {"description": "", "owner": "", "due_on": ""}
        ]
    });
    let before = counts().await;
    let mut bad = plan_body.clone();
    bad["kind"] = json!("cp");
    let r = app.post(&worker, &format!("{m}/plans"), bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["kind"]);
    assert_eq!(
        r.body["errors"][0]["message"],
        "A child protection plan is made at an initial child protection conference"
    );
    let mut bad = plan_body.clone();
    bad["actions"][1]["owner"] = json!("");
    let r = app.post(&worker, &format!("{m}/plans"), bad).await;
    assert_eq!(fields(&r.body), ["actions[1].owner"]);
    let mut bad = plan_body.clone();
    bad["actions"][0].as_object_mut().unwrap().remove("due_on");
    let r = app.post(&worker, &format!("{m}/plans"), bad).await;
    assert_eq!(fields(&r.body), ["actions[0].due_on"]);
    assert_eq!(counts().await, before, "nothing saved");
    checks += 1;

    let r = app
        .post(&worker, &format!("{m}/plans"), plan_body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let plan = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["kind"], "cin");
    assert_eq!(
        r.body["actions"].as_array().unwrap().len(),
        2,
        "the blank row is skipped"
    );
    // One open child in need plan per episode.
    let r = app
        .post(&worker, &format!("{m}/plans"), plan_body.clone())
        .await;
    assert_eq!(fields(&r.body), ["referral_id"]);
    let read = app.get(&worker, &format!("{m}/plans")).await;
    let p = &read.body["plans"][0];
    assert_eq!(p["id"], plan.as_str());
    assert_eq!(p["open"], true);
    assert_eq!(p["actions"][0]["owner"], "Social worker");
    assert_eq!(p["actions"][0]["due_on"], "2025-09-05");
    assert_eq!(p["actions"][0]["status"], "open");
    assert_eq!(p["actions"][0]["overdue"], false);
    assert_eq!(p["next_review"]["due"], "2025-10-03");
    // A child in need is visited every 20 working days by default: from Friday 22 August, Monday 22 September.
    assert_eq!(p["next_visit"]["due"], "2025-09-22");
    assert_eq!(p["next_visit"]["every_wd"], 20);
    assert_eq!(read.body["next_visit"]["due"], "2025-09-22");
    let actions: Vec<String> = p["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    checks += 1;

    // Noah's child protection plan: visits every 10 working days, so (with the bank holiday) due Monday 8
    // September.
    let n = format!("/api/v1/children/{}", noah.id);
    let read = app.get(&worker, &format!("{n}/plans")).await;
    assert_eq!(read.body["next_visit"]["kind"], "cp");
    assert_eq!(read.body["next_visit"]["due"], "2025-09-08");
    assert_eq!(read.body["next_visit"]["every_wd"], 10);
    checks += 1;

    // --- visits ------------------------------------------------------------------------------------------------
    clock.advance(std::time::Duration::from_secs(10 * 86_400)); // Monday 1 September
    let visit = json!({
        "visited_on": "2025-09-01",
        "child_seen": true, "seen_alone": true, "bedroom_seen": true,
        "wishes_and_feelings": "Maya showed me her drawings and said home is quieter",
        "observations": "Home warm and tidy; food in the fridge"
    });
    let before = counts().await;
    let mut bad = visit.clone();
    bad.as_object_mut().unwrap().remove("wishes_and_feelings");
    bad["visited_on"] = json!("2025-09-02");
    let r = app.post(&worker, &format!("{m}/visits"), bad).await;
    assert_eq!(fields(&r.body), ["visited_on", "wishes_and_feelings"]);
    assert_eq!(
        r.body["errors"][1]["message"],
        "Enter the child's wishes and feelings, as they gave them"
    );
    assert_eq!(counts().await, before, "nothing saved");
    let r = app
        .post(&worker, &format!("{m}/visits"), visit.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["kind"], "cin");
    assert_eq!(r.body["plan_id"], plan.as_str());
    // The next visit: 20 working days after Monday 1 September, Monday 29 September.
    assert_eq!(r.body["next_visit"]["due"], "2025-09-29");
    let r = app
        .post(&worker, &format!("{n}/visits"), visit.clone())
        .await;
    assert_eq!(r.body["kind"], "cp");
    assert_eq!(r.body["next_visit"]["due"], "2025-09-15");
    let read = app.get(&worker, &format!("{m}/plans")).await;
    assert_eq!(read.body["visits"][0]["bedroom_seen"], true);
    assert_eq!(
        read.body["plans"][0]["visits"][0]["visited_on"],
        "2025-09-01"
    );
    assert_eq!(read.body["next_visit"]["last_visit_on"], "2025-09-01");
    checks += 1;

    // --- the review --------------------------------------------------------------------------------------------
    clock.advance(std::time::Duration::from_secs(7 * 86_400)); // Monday 8 September
    let read = app.get(&worker, &format!("{m}/plans")).await;
    assert_eq!(
        read.body["plans"][0]["actions"][0]["overdue"], true,
        "due on the 5th, still open"
    );
    assert_eq!(read.body["plans"][0]["overdue_actions"], 1);
    let review = json!({
        "held_on": "2025-09-08",
        "summary": "Mum has started the domestic abuse programme; Maya's attendance is up",
        "progress": [
            {"action_id": actions[0], "progress": "Referred; first session attended", "status": "done"},
            {"action_id": actions[1], "progress": "Booked for the 19th", "status": "open"}
        ],
        "next_review_on": "2025-11-03",
        "actions": [{"description": "Family group conference", "owner": "FGC coordinator", "due_on": "2025-10-10"}],
        "attendance": [
            {"name": "Rita Reviewer", "agency": "social-care", "role": "Independent reviewing officer"},
            {"name": "Lena Planmother", "agency": "family", "role": "Mother", "attended": true},
            {"name": "Mr Whitfield", "agency": "education", "role": "Head of year", "attended": false}
        ],
        "partner_reports": [
            {"agency": "education", "from": "Mr Whitfield", "received_on": "2025-09-05", "shared_with_family": true}
        ]
    });
    let before = counts().await;
    let mut bad = review.clone();
    bad["progress"].as_array_mut().unwrap().pop();
    let r = app
        .post(&worker, &format!("{m}/plans/{plan}/reviews"), bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["progress[1]"]);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Health check")
    );
    let mut bad = review.clone();
    bad.as_object_mut().unwrap().remove("next_review_on");
    let r = app
        .post(&worker, &format!("{m}/plans/{plan}/reviews"), bad)
        .await;
    assert_eq!(fields(&r.body), ["next_review_on"]);
    // Someone invited without a role, a report received after the review: each named.
    let mut bad = review.clone();
    bad["attendance"][1]["role"] = json!("");
    bad["partner_reports"][0]["received_on"] = json!("2025-09-09");
    let r = app
        .post(&worker, &format!("{m}/plans/{plan}/reviews"), bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&r.body),
        ["attendance[1].role", "partner_reports[0].received_on"]
    );
    assert_eq!(counts().await, before, "nothing saved");
    let r = app
        .post(&worker, &format!("{m}/plans/{plan}/reviews"), review)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let read = app.get(&worker, &format!("{m}/plans")).await;
    let p = &read.body["plans"][0];
    assert_eq!(p["next_review_on"], "2025-11-03");
    let by_id = |id: &str| {
        p["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&actions[0])["status"], "done");
    assert_eq!(by_id(&actions[0])["completed_on"], "2025-09-08");
    assert_eq!(by_id(&actions[1])["status"], "open");
    assert_eq!(p["actions"].as_array().unwrap().len(), 3);
    assert_eq!(p["overdue_actions"], 0);
    assert_eq!(p["reviews"][0]["progress"].as_array().unwrap().len(), 2);
    assert_eq!(
        p["reviews"][0]["progress"][1]["progress"],
        "Booked for the 19th"
    );
    let who = &p["reviews"][0]["attendance"];
    assert_eq!(who.as_array().unwrap().len(), 3);
    assert_eq!(who[0]["attended"], true, "attended unless apologies");
    assert_eq!(who[1]["agency"], "family");
    assert_eq!(who[2]["attended"], false);
    assert_eq!(
        p["reviews"][0]["partner_reports"][0],
        json!({"agency": "education", "from": "Mr Whitfield", "received_on": "2025-09-05", "shared_with_family": true})
    );
    checks += 1;

    // --- the LA changes its visiting frequency ------------------------------------------------------------------
    let mut la213 = services
        .local_authorities()
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.code == la("213"))
        .unwrap();
    la213.settings.clocks.cin_visit_every_wd = 5;
    la213.settings.clocks.cp_visit_every_wd = 3;
    store
        .save_local_authority(&system, &la213, domain::datetime::now())
        .await
        .unwrap();
    // A server started after the change (settings are cached for a few seconds) on Tuesday 9 September.
    let later = app
        .spawn_another(Clock::Fixed(t("2025-09-09T10:00:00Z")))
        .await;
    let read = later.get(&worker, &format!("{m}/plans")).await;
    // 5 working days after Monday 1 September: Monday 8 September, so overdue on the 9th.
    assert_eq!(read.body["next_visit"]["every_wd"], 5);
    assert_eq!(read.body["next_visit"]["due"], "2025-09-08");
    assert_eq!(read.body["next_visit"]["overdue"], true);
    let read = later.get(&worker, &format!("{n}/plans")).await;
    // 3 working days after Monday 1 September: Thursday 4 September.
    assert_eq!(read.body["next_visit"]["every_wd"], 3);
    assert_eq!(read.body["next_visit"]["due"], "2025-09-04");
    let (status, html) = later
        .page(&worker, &format!("/children/{}/plans", maya.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("govuk-tag--red"),
        "an overdue visit shows as a red tag"
    );
    checks += 1;

    // --- the pages ---------------------------------------------------------------------------------------------
    let page = format!("/children/{}", maya.id);
    for path in [
        format!("{page}/plans"),
        format!("{page}/assessments/new"),
        format!("{page}/assessments/{assessment}"),
        format!("{page}/plans/new"),
        format!("{page}/plans/{plan}/actions"),
        format!("{page}/plans/{plan}/review"),
        format!("{page}/plans/{plan}/end"),
        format!("{page}/visits/new"),
    ] {
        let (status, html) = app.page(&worker, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("govuk-"), "{path}");
    }
    let (_, html) = app
        .page(&worker, &format!("{page}/plans/{plan}/review"))
        .await;
    assert!(
        html.contains("review-progress-1-progress"),
        "one progress row per open action"
    );
    assert!(!html.contains("review-progress-2-progress"));
    assert!(
        html.contains("review-attendance-0-name") && html.contains("review-partner-reports-0-from"),
        "rows for who was invited and the partner reports"
    );
    // The plans page shows who came to the review and the report received.
    let (_, html) = app.page(&worker, &format!("{page}/plans")).await;
    assert!(html.contains("Rita Reviewer") && html.contains("Independent reviewing officer"));
    assert!(html.contains("2 attended, 1 sent apologies"), "{html}");
    assert!(html.contains("Partner reports received") && html.contains("5 September 2025"));
    // A visit form without observations: shown again with what was typed and the error summary; nothing saved.
    let before = counts().await;
    let (status, _, html) = app
        .submit(
            &worker,
            &format!("{page}/visits"),
            &[
                ("visited_on", "2025-09-08"),
                ("child_seen", "yes"),
                ("wishes_and_feelings", "Happy at school"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("govuk-error-summary"));
    assert!(html.contains("href=\"#visit-observations\""));
    assert!(
        html.contains("Happy at school"),
        "the typed value is shown again"
    );
    assert_eq!(counts().await, before, "nothing saved");
    // A plan form whose action has no owner: the error links to the field.
    let (status, _, html) = app
        .submit(
            &worker,
            &format!("{page}/plans/{plan}/actions"),
            &[
                ("actions[0].description", "Call the GP"),
                ("actions[0].owner", ""),
                ("actions[0].due_on", "2025-09-20"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#actions-actions-0-owner\""), "{html}");
    let (status, location, _) = app
        .submit(
            &worker,
            &format!("{page}/visits"),
            &[
                ("visited_on", "2025-09-08"),
                ("observations", "Nobody home; card left"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{page}/plans?saved=visit"));
    checks += 1;

    // --- the end of the plan -----------------------------------------------------------------------------------
    let r = app
        .post(
            &worker,
            &format!("{m}/plans/{plan}/end"),
            json!({"end_date": "2025-09-08"}),
        )
        .await;
    assert_eq!(fields(&r.body), ["end_reason"]);
    let r = app
        .post(
            &worker,
            &format!("{m}/plans/{plan}/end"),
            json!({"end_date": "2025-09-08", "end_reason": "Stepped down to early help"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["cancelled_actions"].as_array().unwrap().len(), 2);
    let read = app.get(&worker, &format!("{m}/plans")).await;
    let p = &read.body["plans"][0];
    assert_eq!(p["open"], false);
    assert_eq!(p["end_date"], "2025-09-08");
    assert!(p["next_visit"].is_null());
    assert!(
        p["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] != "open")
    );
    assert!(read.body["next_visit"].is_null());
    // Ended: no more actions or reviews.
    let r = app
        .post(
            &worker,
            &format!("{m}/plans/{plan}/actions"),
            json!({"actions": [{"description": "x", "owner": "y", "due_on": "2025-09-30"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    checks += 1;

    // --- out of reach ------------------------------------------------------------------------------------------
    let o = format!("/api/v1/children/{}", other.id);
    assert_eq!(
        app.get(&worker, &format!("{o}/plans")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(&worker, &format!("{o}/assessments"), assessment_body())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &worker,
            &format!("{m}/plans/{}/end", PlanId::new()),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another plan id");
    let r = app
        .post(
            &worker,
            &format!("{m}/plans/{}/end", noah_plan.id),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another child's plan");
    checks += 1;

    format!(
        "planning over the API and pages ({}): {checks} steps checked, every refusal named its field and saved nothing",
        store.backend_name()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planning_on_sqlite() {
    support::report("planning-sqlite", &story(TestDb::sqlite().await).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planning_on_postgres() {
    if let Some(db) = TestDb::postgres("planning_on_postgres").await {
        support::report("planning-postgres", &story(db).await);
    }
}
