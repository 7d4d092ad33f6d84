//! Child protection over the JSON API (and its pages), on a random port, against SQLite and PostgreSQL: a
//! strategy discussion with police, health and education starts a section 47 enquiry; its outcome schedules the
//! initial conference; the ICPC makes a child protection plan with dated actions and schedules the first core
//! group and review conference; the core group schedules the next; the review continues the plan. Each record
//! and due date is read back. The refusals each name their field and save nothing; a police-only discussion
//! with reasons saves and is flagged. The strategy form sent over a version someone has since changed comes back
//! (409) with what was typed, saving nothing, and saves when sent again over the version now shown. The clocks are checked across bank holidays (Easter 2025, the Queen's
//! funeral in 2022, Christmas 2025 and the spring bank holiday 2026), the expected dates worked out by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{ReferralSource, Role};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, ReferralId};
use domain::records::{RecordCounts, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields};

fn message(problem: &Value, field: &str) -> String {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The version of the record a page's form carries.
fn version_in(html: &str) -> i64 {
    let at = html
        .find("name=\"version\" value=\"")
        .expect("a version field")
        + 22;
    html[at..].split('"').next().unwrap().parse().unwrap()
}

/// A child of `la`, with an open referral dated `referral_date` when given.
async fn child<S: Store>(store: &S, la: &str, name: &str, referral_date: Option<&str>) -> PersonId {
    let mut c = store_tests::fixture::new_child(name, "Protectiontest", "2015-06-01");
    c.la = LaCode::parse(la).unwrap();
    let id = c.id;
    let referrals = referral_date
        .map(|d| Referral {
            id: ReferralId::new(),
            la: c.la.clone(),
            child_id: id,
            contact_id: None,
            referral_date: d.parse().unwrap(),
            source: ReferralSource::Schools,
            primary_need: None,
            nfa: false,
            closure: None,
            created_at: "2020-01-01T00:00:00Z".parse().unwrap(),
        })
        .into_iter()
        .collect();
    store
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![c],
                referrals,
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    id
}

fn everyone() -> Value {
    json!([
        {"name": "DC Hughes", "agency": "police", "role": "Child abuse investigation team"},
        {"name": "Dr Patel", "agency": "health", "role": "Named GP"},
        {"name": "Ms Rowe", "agency": "education", "role": "Designated safeguarding lead"},
        {"name": "Sam Okoro", "agency": "social-care", "role": "Social worker"}
    ])
}

/// What a section 47 enquiry found, with `outcome`: the child seen alone.
fn found(outcome: Value) -> Value {
    let mut body = json!({
        "findings": "Bruising to the upper arm; Maya said her mother's partner grabbed her. Police have arrested him.",
        "child_seen": true,
        "child_seen_alone": true,
        "analysis": "Physical harm by a carer with no protective adult in the home: at continuing risk."
    });
    for (k, v) in outcome.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn police_only() -> Value {
    json!([
        {"name": "DC Hughes", "agency": "police", "role": "CAIT"},
        {"name": "Sam Okoro", "agency": "social-care", "role": "Social worker"}
    ])
}

/// What must not change when a request is refused: the child's protection record and every record count.
async fn snapshot<S: Store>(
    app: &TestApp<S>,
    store: &S,
    token: &str,
    child: PersonId,
) -> (Value, RecordCounts) {
    let p = app
        .get(token, &format!("/api/v1/children/{child}/protection"))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    (p.body, store.counts().await.unwrap().0)
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    // Now: Monday 2 March 2026, noon. Every meeting below is in the past.
    let now: domain::datetime::Timestamp = "2026-03-02T12:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let store = app.store().clone();
    app.ensure_las(&["213", "205"]).await;
    let worker = app
        .with_user("cp-worker", Role::SocialWorker, &["213"])
        .await;
    let chair = app
        .with_user("cp-chair", Role::ReviewingOfficer, &["213"])
        .await;
    let auditor = app.with_user("cp-auditor", Role::Auditor, &["213"]).await;
    let mut checks = 0;

    let maya = child(&store, "213", "Maya", Some("2025-04-16")).await;
    let base = format!("/api/v1/children/{maya}");

    // --- refusals first: each names its field and saves nothing ------------------------------------------------
    let before = snapshot(&app, &store, &worker, maya).await;
    let good = json!({
        "child_id": maya.to_string(),
        "held_at": "2025-04-17T10:00",
        "participants": everyone(),
        "information_shared": "Police: two call-outs to the address in March. Health: missed appointments. School: bruising seen on 16 April.",
        "decision": "section-47",
        "actions": [{"description": "Visit Maya at school and see her alone", "owner": "Sam Okoro", "due_on": "2025-04-22"}]
    });
    let mut no_owner = good.clone();
    no_owner["actions"] = json!([{"description": "Medical examination", "due_on": "2025-04-18"}]);
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", no_owner)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), ["actions[0].owner"]);
    let mut no_due = good.clone();
    no_due["actions"] = json!([
        {"description": "Visit Maya", "owner": "Sam Okoro", "due_on": "2025-04-22"},
        {"description": "Medical examination", "owner": "Dr Patel"}
    ]);
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", no_due)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["actions[1].due_on"]);
    let mut alone = good.clone();
    alone["participants"] = police_only();
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", alone)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&r.body),
        ["absent_agencies.health", "absent_agencies.education"]
    );
    assert_eq!(
        message(&r.body, "absent_agencies.health"),
        "Record why health did not take part in the strategy discussion"
    );
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["child_id"]);
    let r = app
        .post(&auditor, "/api/v1/strategy-discussions", good.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(snapshot(&app, &store, &worker, maya).await, before);
    checks += 5;

    // A section 47 enquiry needs an open referral.
    let noah = child(&store, "213", "Noah", None).await;
    let before_noah = snapshot(&app, &store, &worker, noah).await;
    let mut no_referral = good.clone();
    no_referral["child_id"] = json!(noah.to_string());
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", no_referral)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["decision"]);
    assert!(message(&r.body, "decision").contains("no open referral"));
    assert_eq!(snapshot(&app, &store, &worker, noah).await, before_noah);
    // Police alone, with reasons for health and education: saved, and flagged.
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{noah}/strategy-discussions"),
            json!({
                "held_at": "2026-02-27T21:30:00Z",
                "participants": police_only(),
                "absent_agencies": [
                    {"agency": "health", "reason": "Out of hours: no health professional on call answered"},
                    {"agency": "education", "reason": "Out of hours: school closed"}
                ],
                "information_shared": "Police called to the address; no injuries seen.",
                "decision": "no-section-47",
                "alternative": "Single agency assessment by the social worker within 10 days"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["partner_flag"], "police-only");
    assert_eq!(r.body["out_of_hours"], true);
    assert!(r.body.get("section47_id").is_none());
    let p = app
        .get(&auditor, &format!("/api/v1/children/{noah}/protection"))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(
        p.body["strategy_discussions"][0]["partner_flag"],
        "police-only"
    );
    let (status, html) = app
        .page(&auditor, &format!("/children/{noah}/protection"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("govuk-tag--red\">Held with the police alone"));
    checks += 2;

    // Another LA's child is not found.
    let other = child(&store, "205", "Olive", Some("2025-04-16")).await;
    let mut elsewhere = good.clone();
    elsewhere["child_id"] = json!(other.to_string());
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", elsewhere)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .get(&worker, &format!("/api/v1/children/{other}/protection"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    checks += 1;

    // --- the chain ----------------------------------------------------------------------------------------------
    // Strategy discussion on Thursday 17 April 2025. Counting 15 working days past Good Friday (18 April), Easter
    // Monday (21 April) and the early May bank holiday (5 May): 22, 23, 24, 25, 28, 29, 30 April, 1, 2, 6, 7, 8,
    // 9, 12, 13 May. The ICPC is due on Tuesday 13 May 2025.
    let r = app
        .post(&worker, "/api/v1/strategy-discussions", good)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["icpc_due_on"], "2025-05-13");
    assert_eq!(r.body["partner_flag"], Value::Null);
    assert_eq!(r.body["out_of_hours"], false);
    let discussion = r.body["id"].as_str().unwrap().to_owned();
    let s47 = r.body["section47_id"].as_str().unwrap().to_owned();
    let p = app.get(&worker, &format!("{base}/protection")).await;
    let sd = &p.body["strategy_discussions"][0];
    assert_eq!(sd["id"], discussion.as_str());
    assert_eq!(sd["participants"].as_array().unwrap().len(), 4);
    assert_eq!(sd["actions"][0]["owner"], "Sam Okoro");
    assert_eq!(sd["actions"][0]["due_on"], "2025-04-22");
    assert_eq!(sd["section47_id"], s47.as_str());
    let s = &p.body["section47s"][0];
    assert_eq!(s["start_date"], "2025-04-17");
    assert_eq!(s["icpc_due_on"], "2025-05-13");
    assert_eq!(s["icpc_clock"]["due"], "2025-05-13");
    assert_eq!(s["icpc_clock"]["status"]["state"], "overdue");
    checks += 1;

    // The outcome: an ICPC is needed, scheduled on the enquiry's date. Without what the enquiry found, whether
    // the child was seen and the analysis, each is named and nothing is saved.
    let before = snapshot(&app, &store, &worker, maya).await;
    let r = app
        .post(
            &worker,
            &format!("{base}/section47s/{s47}/outcome"),
            json!({"outcome_date": "2025-04-16", "outcome": "substantiated-at-risk"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&r.body),
        [
            "outcome_date",
            "icpc_required",
            "findings",
            "analysis",
            "child_seen"
        ]
    );
    let r = app
        .post(
            &worker,
            &format!("{base}/section47s/{s47}/outcome"),
            json!({"outcome_date": "2025-05-01", "outcome": "substantiated-at-risk", "icpc_required": true,
                   "child_seen": true, "child_seen_alone": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["findings", "analysis", "not_seen_reason"]);
    assert_eq!(
        message(&r.body, "not_seen_reason"),
        "Enter why the child was not seen alone"
    );
    assert_eq!(snapshot(&app, &store, &worker, maya).await, before);
    let r = app
        .post(
            &worker,
            &format!("{base}/section47s/{s47}/outcome"),
            found(json!({"outcome_date": "2025-05-01", "outcome": "substantiated-at-risk", "icpc_required": true,
                         "seen_on": "2025-04-18"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["icpc_due_on"], "2025-05-13");
    let icpc = r.body["conference_id"].as_str().unwrap().to_owned();
    let p = app.get(&worker, &format!("{base}/protection")).await;
    assert_eq!(p.body["section47s"][0]["outcome"], "substantiated-at-risk");
    assert_eq!(p.body["section47s"][0]["icpc_required"], true);
    assert!(
        p.body["section47s"][0]["findings"]
            .as_str()
            .unwrap()
            .starts_with("Bruising to the upper arm")
    );
    assert_eq!(p.body["section47s"][0]["child_seen"], true);
    assert_eq!(p.body["section47s"][0]["child_seen_alone"], true);
    assert_eq!(p.body["section47s"][0]["seen_on"], "2025-04-18");
    assert_eq!(p.body["section47s"][0]["not_seen_reason"], Value::Null);
    assert!(
        p.body["section47s"][0]["analysis"]
            .as_str()
            .unwrap()
            .contains("continuing risk")
    );
    let chronology = app.get(&worker, &format!("{base}/chronology")).await;
    assert!(
        chronology
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["summary"].as_str().unwrap().contains("child seen alone")),
        "{}",
        chronology.body
    );
    assert_eq!(
        p.body["section47s"][0]["initial_conference_id"],
        icpc.as_str()
    );
    let c = &p.body["conferences"][0];
    assert_eq!(c["kind"], "initial");
    assert_eq!(c["due_on"], "2025-05-13");
    assert_eq!(c["held_on"], Value::Null);
    assert_eq!(c["section47_id"], s47.as_str());
    checks += 1;

    // A review strategy meeting on Friday 2 May 2025 records progress against the first discussion's open action
    // (the visit to Maya at school): without it, the action is named; with it, the action is done.
    let review_meeting = json!({
        "held_at": "2025-05-02T10:00",
        "participants": everyone(),
        "information_shared": "Police: the partner is on bail with a condition not to return. School: Maya is settled.",
        "decision": "no-section-47",
        "alternative": "The enquiry has concluded; the initial conference is booked",
        "review_of": discussion,
    });
    let before = snapshot(&app, &store, &worker, maya).await;
    let r = app
        .post(
            &worker,
            &format!("{base}/strategy-discussions"),
            review_meeting.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["progress[0]"]);
    assert!(message(&r.body, "progress[0]").contains("Visit Maya at school and see her alone"));
    assert_eq!(snapshot(&app, &store, &worker, maya).await, before);
    let first_action = before.0["strategy_discussions"][0]["actions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, html) = app
        .page(
            &worker,
            &format!("/children/{maya}/strategy-discussions/new?review_of={discussion}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Visit Maya at school and see her alone")
            && html.contains("strategy-progress-0-progress"),
        "the review form asks for progress on the open action"
    );
    let mut with_progress = review_meeting.clone();
    with_progress["progress"] = json!([{"action_id": first_action, "progress": "Seen alone at school on 18 April", "status": "done"}]);
    let r = app
        .post(
            &worker,
            &format!("{base}/strategy-discussions"),
            with_progress,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = app.get(&worker, &format!("{base}/protection")).await;
    let rm = &p.body["strategy_discussions"][0];
    assert_eq!(rm["review_of"], discussion.as_str());
    assert_eq!(
        rm["reviewed_actions"][0]["description"],
        "Visit Maya at school and see her alone"
    );
    assert_eq!(
        rm["reviewed_actions"][0]["progress"],
        "Seen alone at school on 18 April"
    );
    assert_eq!(rm["reviewed_actions"][0]["status"], "done");
    let first = &p.body["strategy_discussions"][1];
    assert_eq!(first["actions"][0]["status"], "done");
    assert_eq!(first["actions"][0]["completed_on"], "2025-05-02");
    assert_eq!(first["open_actions"], 0);
    let (_, html) = app
        .page(&worker, &format!("/children/{maya}/protection"))
        .await;
    assert!(html.contains("Progress on the actions of the discussion reviewed"));
    assert!(html.contains("Seen alone at school on 18 April"));
    checks += 2;

    // The ICPC: a plan action without an owner is refused and nothing is saved.
    let before = snapshot(&app, &store, &chair, maya).await;
    let icpc_body = json!({
        "held_on": "2025-05-13",
        "outcome": "cp-plan",
        "category": "NEG",
        "needs": "Maya needs regular meals, clean clothes and to attend school and health appointments.",
        "desired_outcomes": "Maya is fed, attends school every day and is seen by her GP.",
        "actions": [
            {"description": "Referral to the family support service", "owner": "Sam Okoro", "due_on": "2025-05-20"},
            {"description": "Health assessment", "owner": "Dr Patel", "due_on": "2025-06-13"}
        ],
        "attendance": [
            {"name": "Helen Marsh", "agency": "social-care", "role": "Chair"},
            {"name": "Sam Okoro", "agency": "social-care", "role": "Social worker"},
            {"name": "Kerry Protectiontest", "agency": "family", "role": "Mother"},
            {"name": "PC Amir Lewis", "agency": "police", "role": "Police officer", "attended": false},
            {"name": "Ms Rowe", "agency": "education", "role": "Designated safeguarding lead"},
            {"name": "Jan Fairweather", "agency": "health", "role": "Health visitor"}
        ],
        "partner_reports": [
            {"agency": "police", "from": "PC Amir Lewis", "received_on": "2025-05-09", "shared_with_family": false},
            {"agency": "education", "from": "Ms Rowe", "received_on": "2025-05-12", "shared_with_family": true}
        ]
    });
    let mut bad = icpc_body.clone();
    bad["actions"][1]["owner"] = json!("");
    let r = app
        .post(&chair, &format!("{base}/conferences/{icpc}"), bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["actions[1].owner"]);
    let mut bad = icpc_body.clone();
    bad["attendance"][2]["agency"] = json!("neighbour");
    bad["partner_reports"][1]["from"] = json!(" ");
    let r = app
        .post(&chair, &format!("{base}/conferences/{icpc}"), bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&r.body),
        ["attendance[2].agency", "partner_reports[1].from"]
    );
    assert_eq!(snapshot(&app, &store, &chair, maya).await, before);
    // Held on Tuesday 13 May 2025. First core group: 10 working days, past the spring bank holiday (26 May):
    // 14, 15, 16, 19, 20, 21, 22, 23, 27, 28 May, so Wednesday 28 May 2025. First review conference within 3
    // months: 13 August 2025, a Wednesday.
    let r = app
        .post(&chair, &format!("{base}/conferences/{icpc}"), icpc_body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["core_group_due_on"], "2025-05-28");
    assert_eq!(r.body["next_review_on"], "2025-08-13");
    let plan = r.body["plan_id"].as_str().unwrap().to_owned();
    let core_group = r.body["core_group_id"].as_str().unwrap().to_owned();
    let review = r.body["next_review_conference_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = app.get(&worker, &format!("{base}/protection")).await;
    let pl = &p.body["plans"][0];
    assert_eq!(pl["id"], plan.as_str());
    assert_eq!(pl["kind"], "cp");
    assert_eq!(pl["start_date"], "2025-05-13");
    assert_eq!(pl["initial_category"], "NEG");
    assert_eq!(pl["latest_category"], "NEG");
    assert_eq!(pl["next_review_on"], "2025-08-13");
    assert_eq!(pl["actions"].as_array().unwrap().len(), 2);
    assert_eq!(pl["actions"][0]["due_on"], "2025-05-20");
    assert_eq!(pl["actions"][1]["owner"], "Dr Patel");
    assert_eq!(pl["core_groups"][0]["id"], core_group.as_str());
    assert_eq!(pl["core_groups"][0]["due_on"], "2025-05-28");
    assert_eq!(pl["core_groups"][0]["held_on"], Value::Null);
    let icpc_row = p.body["conferences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == icpc.as_str())
        .unwrap();
    assert_eq!(icpc_row["held_on"], "2025-05-13");
    assert_eq!(icpc_row["outcome"], "cp-plan");
    assert_eq!(icpc_row["plan_id"], plan.as_str());
    assert_eq!(icpc_row["clock"], Value::Null);
    let came = icpc_row["attendance"].as_array().unwrap();
    assert_eq!(came.len(), 6);
    assert_eq!(
        came[0],
        json!({"name": "Helen Marsh", "agency": "social-care", "role": "Chair", "attended": true})
    );
    assert_eq!(came[3]["attended"], false, "apologies");
    assert_eq!(icpc_row["partner_reports"][0]["received_on"], "2025-05-09");
    assert_eq!(icpc_row["partner_reports"][1]["shared_with_family"], true);
    let (_, html) = app
        .page(&worker, &format!("/children/{maya}/protection"))
        .await;
    assert!(html.contains("Helen Marsh") && html.contains("Jan Fairweather"));
    assert!(html.contains("5 attended, 1 sent apologies"));
    assert!(html.contains("Partner reports received") && html.contains("12 May 2025"));
    assert!(
        html.contains("Seen alone on 18 April 2025"),
        "the enquiry's child seen"
    );
    assert!(
        html.contains("Bruising to the upper arm"),
        "the enquiry's findings"
    );
    let review_row = p.body["conferences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == review.as_str())
        .unwrap();
    assert_eq!(review_row["kind"], "review");
    assert_eq!(review_row["due_on"], "2025-08-13");
    assert_eq!(review_row["plan_id"], plan.as_str());
    // The ICPC held, the enquiry's clock has stopped.
    assert_eq!(p.body["section47s"][0]["icpc_clock"], Value::Null);
    checks += 2;

    // The core group, held on its date; the next is due 30 working days later (the LA default): from Wednesday
    // 28 May 2025, 29, 30 May, 2–6, 9–13, 16–20, 23–27, 30 June, 1–4, 7, 8, 9 July: Wednesday 9 July 2025.
    let r = app
        .post(
            &worker,
            &format!("{base}/core-groups/{core_group}"),
            json!({"held_on": "2025-05-28"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["attendees"]);
    let r = app
        .post(
            &worker,
            &format!("{base}/core-groups/{core_group}"),
            json!({"held_on": "2025-05-28", "attendees": "Mother, Sam Okoro, Ms Rowe, health visitor", "notes": "Actions on track."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["next_due_on"], "2025-07-09");
    let p = app.get(&worker, &format!("{base}/protection")).await;
    let groups = p.body["plans"][0]["core_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["held_on"], "2025-05-28");
    assert_eq!(
        groups[0]["attendees"],
        "Mother, Sam Okoro, Ms Rowe, health visitor"
    );
    assert_eq!(groups[1]["due_on"], "2025-07-09");
    assert_eq!(groups[1]["held_on"], Value::Null);
    assert_eq!(groups[1]["clock"]["status"]["state"], "overdue");
    checks += 1;

    // The review conference, on its date: the plan continues with a new category; the next review within 6
    // months of Wednesday 13 August 2025 is Friday 13 February 2026.
    let r = app
        .post(
            &chair,
            &format!("{base}/conferences/{review}"),
            json!({"held_on": "2025-08-13", "outcome": "continue-plan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["category"]);
    let r = app
        .post(
            &chair,
            &format!("{base}/conferences/{review}"),
            json!({"held_on": "2025-08-13", "outcome": "continue-plan", "category": "EMO"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["next_review_on"], "2026-02-13");
    let next_review = r.body["next_review_conference_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = app.get(&worker, &format!("{base}/protection")).await;
    let pl = &p.body["plans"][0];
    assert_eq!(pl["initial_category"], "NEG");
    assert_eq!(pl["latest_category"], "EMO");
    assert_eq!(pl["next_review_on"], "2026-02-13");
    // Overdue on Monday 2 March 2026 by the working days after Friday 13 February: 16–20, 23–27 February and
    // 2 March, 11 in all.
    assert_eq!(pl["review_clock"]["due"], "2026-02-13");
    assert_eq!(
        pl["review_clock"]["status"],
        json!({"state": "overdue", "by": 11})
    );
    let next = p.body["conferences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == next_review.as_str())
        .unwrap();
    assert_eq!(next["due_on"], "2026-02-13");
    assert_eq!(next["kind"], "review");
    // Recording it twice is refused.
    let r = app
        .post(
            &chair,
            &format!("{base}/conferences/{review}"),
            json!({"held_on": "2025-08-13", "outcome": "continue-plan", "category": "EMO"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["held_on"]);
    // A record id that is not the child's is not found.
    let r = app
        .post(
            &chair,
            &format!("{base}/conferences/00000000-0000-4000-8000-000000000000"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    checks += 2;

    // --- clocks across other bank holidays ----------------------------------------------------------------------
    // 2022: strategy discussion on Friday 19 August 2022. ICPC 15 working days later, past the summer bank
    // holiday (29 August): 22–26 August, 30, 31 August, 1, 2, 5–9, 12 September: Monday 12 September 2022.
    let ella = child(&store, "213", "Ella", Some("2022-08-18")).await;
    let eb = format!("/api/v1/children/{ella}");
    let r = app
        .post(
            &worker,
            &format!("{eb}/strategy-discussions"),
            json!({
                "held_at": "2022-08-19T14:00:00+01:00",
                "participants": everyone(),
                "information_shared": "Disclosure at school.",
                "decision": "section-47"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["icpc_due_on"], "2022-09-12");
    let e47 = r.body["section47_id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &worker,
            &format!("{eb}/section47s/{e47}/outcome"),
            found(json!({"outcome_date": "2022-09-02", "outcome": "substantiated-at-risk", "icpc_required": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let e_icpc = r.body["conference_id"].as_str().unwrap().to_owned();
    // ICPC on Friday 9 September 2022. First core group 10 working days later, skipping the Queen's funeral
    // (Monday 19 September): 12–16, 20–23, 26 September: Monday 26 September 2022. First review within 3
    // months: Friday 9 December 2022.
    let r = app
        .post(
            &chair,
            &format!("{eb}/conferences/{e_icpc}"),
            json!({"held_on": "2022-09-09", "outcome": "cp-plan", "category": "SAB",
                   "needs": "Safety from the adult named.", "desired_outcomes": "No contact with the adult named."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["core_group_due_on"], "2022-09-26");
    assert_eq!(r.body["next_review_on"], "2022-12-09");
    let e_group = r.body["core_group_id"].as_str().unwrap().to_owned();
    let e_review = r.body["next_review_conference_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The core group held on 26 September 2022; the next 30 working days later (no bank holidays in October):
    // 27–30 September, 3–7, 10–14, 17–21, 24–28, 31 October, 1–4, 7 November: Monday 7 November 2022.
    let r = app
        .post(
            &worker,
            &format!("{eb}/core-groups/{e_group}"),
            json!({"held_on": "2022-09-26",
                   "attendance": [
                       {"name": "Ella's mother", "agency": "family", "role": "Mother"},
                       {"name": "Sam Okoro", "agency": "social-care", "role": "Social worker"},
                       {"name": "Nurse Ahmed", "agency": "health", "role": "School nurse"}
                   ],
                   "partner_reports": [{"agency": "health", "from": "Nurse Ahmed", "received_on": "2022-09-23"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["next_due_on"], "2022-11-07");
    let p = app.get(&worker, &format!("{eb}/protection")).await;
    let g = &p.body["plans"][0]["core_groups"][0];
    assert_eq!(g["attendees"], Value::Null, "listed, not written");
    assert_eq!(g["attendance"][2]["role"], "School nurse");
    assert_eq!(g["partner_reports"][0]["shared_with_family"], Value::Null);
    let (_, html) = app
        .page(&worker, &format!("/children/{ella}/protection"))
        .await;
    assert!(html.contains("Core group, 26 September 2022") && html.contains("Nurse Ahmed"));
    // The review ends the plan: no more core groups or reviews are scheduled.
    let r = app
        .post(
            &chair,
            &format!("{eb}/conferences/{e_review}"),
            json!({"held_on": "2022-12-09", "outcome": "end-plan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["end_reason"]);
    let r = app
        .post(
            &chair,
            &format!("{eb}/conferences/{e_review}"),
            json!({"held_on": "2022-12-09", "outcome": "end-plan", "end_reason": "Risk reduced: the adult has left the household"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["plan_ended_on"], "2022-12-09");
    assert!(r.body.get("next_review_conference_id").is_none());
    let p = app.get(&worker, &format!("{eb}/protection")).await;
    assert_eq!(p.body["plans"][0]["end_date"], "2022-12-09");
    assert_eq!(
        p.body["plans"][0]["end_reason"],
        "Risk reduced: the adult has left the household"
    );
    assert_eq!(p.body["plans"][0]["review_clock"], Value::Null);
    checks += 1;

    // Christmas 2025 and the spring bank holiday 2026: an ICPC on Thursday 25 September 2025 has its first
    // review within 3 months, on or before 25 December 2025 (Christmas Day): Wednesday 24 December 2025. Its
    // first core group: 26, 29, 30 September, 1–3, 6–9 October: Thursday 9 October 2025.
    let finn = child(&store, "213", "Finn", Some("2025-08-28")).await;
    let fb = format!("/api/v1/children/{finn}");
    // Strategy discussion on Friday 29 August 2025 (the Monday before, 25 August, was a bank holiday): ICPC due
    // 1–5, 8–12, 15–19 September: Friday 19 September 2025.
    let r = app
        .post(
            &worker,
            &format!("{fb}/strategy-discussions"),
            json!({
                "held_at": "2025-08-29T11:00",
                "participants": everyone(),
                "information_shared": "Injury seen by the health visitor.",
                "decision": "section-47"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["icpc_due_on"], "2025-09-19");
    let f47 = r.body["section47_id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &worker,
            &format!("{fb}/section47s/{f47}/outcome"),
            found(json!({"outcome_date": "2025-09-10", "outcome": "substantiated-at-risk", "icpc_required": true})),
        )
        .await;
    let f_icpc = r.body["conference_id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &chair,
            &format!("{fb}/conferences/{f_icpc}"),
            json!({"held_on": "2025-09-25", "outcome": "cp-plan", "category": "PHY",
                   "needs": "Safe care.", "desired_outcomes": "No further injuries."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["core_group_due_on"], "2025-10-09");
    assert_eq!(r.body["next_review_on"], "2025-12-24");
    let f_review = r.body["next_review_conference_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The review held early, on Tuesday 25 November 2025: the next within 6 months, on or before Monday 25 May
    // 2026 (the spring bank holiday): Friday 22 May 2026.
    let r = app
        .post(
            &chair,
            &format!("{fb}/conferences/{f_review}"),
            json!({"held_on": "2025-11-25", "outcome": "continue-plan", "category": "PHY"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["next_review_on"], "2026-05-22");
    // Not yet due on Monday 2 March 2026.
    let p = app.get(&worker, &format!("{fb}/protection")).await;
    assert_eq!(p.body["plans"][0]["review_clock"]["due"], "2026-05-22");
    assert_eq!(p.body["plans"][0]["review_clock"]["status"]["state"], "due");
    checks += 1;

    // --- the pages ----------------------------------------------------------------------------------------------
    let (status, html) = app
        .page(
            &worker,
            &format!("/children/{noah}/strategy-discussions/new"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for agency in ["Police", "Health", "Education", "social care"] {
        assert!(html.contains(agency), "{agency} row missing");
    }
    assert!(
        html.contains("value=\"2026-03-02T12:00\""),
        "held-at defaults to now"
    );
    let before = snapshot(&app, &store, &worker, noah).await;
    let form = [
        ("held_at", "2026-03-02T09:30"),
        ("participants[0].agency", "police"),
        ("participants[0].name", "DC Hughes"),
        ("participants[1].agency", "health"),
        ("participants[1].name", "Dr Patel"),
        ("participants[2].agency", "education"),
        ("participants[2].name", "Ms Rowe"),
        ("participants[3].agency", "social-care"),
        ("information_shared", "New concerns from school."),
        ("decision", "no-section-47"),
        ("alternative", "Child and family assessment continues"),
        ("actions[0].description", "Speak to Noah at school"),
        ("actions[0].due_on", "2026-03-04"),
    ];
    let (status, html) = app
        .form(
            &worker,
            &format!("/children/{noah}/strategy-discussions"),
            &form,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#strategy-actions-0-owner\""));
    assert!(
        html.contains("Speak to Noah at school"),
        "typed values re-shown"
    );
    assert_eq!(snapshot(&app, &store, &worker, noah).await, before);
    let mut form = form.to_vec();
    form.push(("actions[0].owner", "Sam Okoro"));
    let (status, _) = app
        .form(
            &worker,
            &format!("/children/{noah}/strategy-discussions"),
            &form,
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let p = app
        .get(&worker, &format!("/api/v1/children/{noah}/protection"))
        .await;
    assert_eq!(p.body["strategy_discussions"].as_array().unwrap().len(), 2);
    assert_eq!(
        p.body["strategy_discussions"][0]["partner_flag"],
        Value::Null
    );

    // A stale form: someone records a discussion after the user opened the form. The form comes back (409) with
    // what they typed and a summary saying the record changed, and nothing is saved; sent again with the version
    // the page now shows, it is saved.
    let (status, html) = app
        .page(
            &worker,
            &format!("/children/{noah}/strategy-discussions/new"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let opened = version_in(&html);
    assert_eq!(
        Some(opened),
        p.body["version"].as_i64(),
        "the form carries the version shown"
    );
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{noah}/strategy-discussions"),
            json!({
                "held_at": "2026-03-02T10:00",
                "participants": everyone(),
                "information_shared": "The health visitor called with a new concern.",
                "decision": "no-section-47",
                "alternative": "Child and family assessment continues"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let before = snapshot(&app, &store, &worker, noah).await;
    let opened = opened.to_string();
    let mut typed = form.clone();
    typed.retain(|(k, _)| *k != "information_shared");
    typed.push((
        "information_shared",
        "Noah told his teacher about the shouting.",
    ));
    typed.push(("version", &opened));
    let path = format!("/children/{noah}/strategy-discussions");
    let (status, html) = app.form(&worker, &path, &typed).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone changed this record"), "{html}");
    assert!(html.contains("<title>Error: Record a strategy discussion"));
    assert!(
        html.contains("Noah told his teacher about the shouting."),
        "typed values kept"
    );
    assert!(html.contains("value=\"Sam Okoro\""), "typed values kept");
    assert_eq!(snapshot(&app, &store, &worker, noah).await, before);
    let current = version_in(&html);
    assert_eq!(
        Some(current),
        before.0["version"].as_i64(),
        "the version now shown"
    );
    let current = current.to_string();
    typed.retain(|(k, _)| *k != "version");
    typed.push(("version", &current));
    let (status, _) = app.form(&worker, &path, &typed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let p = app
        .get(&worker, &format!("/api/v1/children/{noah}/protection"))
        .await;
    assert_eq!(p.body["strategy_discussions"].as_array().unwrap().len(), 4);
    assert!(
        p.body["strategy_discussions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["information_shared"] == "Noah told his teacher about the shouting.")
    );
    checks += 1;
    let (status, html) = app
        .page(&worker, &format!("/children/{maya}/protection"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Record the conference"));
    assert!(html.contains("13 February 2026"));
    let (status, html) = app
        .page(
            &chair,
            &format!("/children/{maya}/conferences/{next_review}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Save the conference") && html.contains("If the plan ends, why"));
    let (status, html) = app
        .page(&worker, &format!("/children/{ella}/section47s/{e47}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Save the outcome"), "recorded already");
    let (status, html) = app
        .form(
            &chair,
            &format!("/children/{maya}/conferences/{next_review}"),
            &[("outcome", "end-plan")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("href=\"#conference-held-on\"")
            && html.contains("href=\"#conference-end-reason\"")
    );
    assert!(
        html.contains("conference-attendance-5-name")
            && html.contains("conference-partner-reports-2-received-on"),
        "rows for who was invited and the partner reports"
    );
    checks += 2;

    // The outcome form: without findings, analysis or whether the child was seen, shown again with each problem
    // linked and what was typed, nothing saved; complete, saved and shown on the overview.
    let zoe = child(&store, "213", "Zoe", Some("2026-02-20")).await;
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{zoe}/strategy-discussions"),
            json!({
                "held_at": "2026-02-23T10:00",
                "participants": everyone(),
                "information_shared": "Zoe disclosed at school.",
                "decision": "section-47"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let z47 = r.body["section47_id"].as_str().unwrap().to_owned();
    let (status, html) = app
        .page(&worker, &format!("/children/{zoe}/section47s/{z47}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("What the enquiry found") && html.contains("Was the child seen alone?"));
    let before = snapshot(&app, &store, &worker, zoe).await;
    let path = format!("/children/{zoe}/section47s/{z47}/outcome");
    let typed = [
        ("outcome_date", "2026-02-27"),
        ("outcome", "substantiated-not-at-risk"),
        ("icpc_required", "no"),
        ("child_seen", "no"),
        (
            "not_seen_reason",
            "Zoe was staying with her grandmother in Leeds",
        ),
    ];
    let (status, html) = app.form(&worker, &path, &typed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("href=\"#outcome-findings\"") && html.contains("href=\"#outcome-analysis\""),
        "{html}"
    );
    assert!(
        html.contains("Zoe was staying with her grandmother in Leeds"),
        "typed kept"
    );
    assert_eq!(snapshot(&app, &store, &worker, zoe).await, before);
    let mut typed = typed.to_vec();
    typed.push((
        "findings",
        "Zoe's account was consistent; her father accepts he hit her once.",
    ));
    typed.push((
        "analysis",
        "A single incident, with a protective mother and a safety plan agreed.",
    ));
    let (status, _) = app.form(&worker, &path, &typed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let p = app
        .get(&worker, &format!("/api/v1/children/{zoe}/protection"))
        .await;
    assert_eq!(p.body["section47s"][0]["child_seen"], false);
    assert_eq!(p.body["section47s"][0]["child_seen_alone"], false);
    assert_eq!(
        p.body["section47s"][0]["not_seen_reason"],
        "Zoe was staying with her grandmother in Leeds"
    );
    let (_, html) = app
        .page(&worker, &format!("/children/{zoe}/protection"))
        .await;
    assert!(html.contains("Not seen: Zoe was staying with her grandmother in Leeds"));
    assert!(html.contains("her father accepts he hit her once"));
    checks += 1;

    format!(
        "child protection over the API ({}): {checks} steps checked, clocks across Easter 2025, the Queen's funeral, Christmas 2025 and the spring bank holiday 2026",
        store.backend_name()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protection_on_sqlite() {
    support::report("protection-sqlite", &story(TestDb::sqlite().await).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protection_on_postgres() {
    if let Some(db) = TestDb::postgres("protection_on_postgres").await {
        support::report("protection-postgres", &story(db).await);
    }
}
