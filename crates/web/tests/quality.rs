//! Quality assurance over HTTP on a random port, against SQLite and PostgreSQL (issue 14): an auditor draws a
//! sample of cases open or recently closed (the same again on asking again); an audit is refused with the field
//! named and nothing saved without lived experience, without impact, with an action lacking an owner or a due
//! date, with an owner of another LA or of an unsuitable role, about a child of another LA, or naming an unknown
//! practice week; a recorded audit's actions are carried to completion like any other; moderation by the same
//! auditor, or disagreeing without a grade or a reason, is refused, and a stale one is a 409; another LA's auditor
//! gets 404; the worker sees the audit on the child's record and adds a reflection; two practice weeks of the
//! same scope, and the second's report compared measure by measure with the first (JSON, CSV and the page).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{ClosureReason, ReferralSource, Role};
use domain::ids::{PersonId, ReferralId};
use domain::records::{Closure, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

/// Now: Thursday 4 December 2025, 15:00 GMT.
const NOW: &str = "2025-12-04T15:00:00Z";

/// A child of `la_code` with a referral, closed on `closed` if given.
async fn child<S: Store>(
    app: &TestApp<S>,
    la_code: &str,
    first: &str,
    closed: Option<&str>,
) -> PersonId {
    let mut c = store_tests::fixture::new_child(first, "Qatest", "2015-02-03");
    c.la = la(la_code);
    let id = c.id;
    let referral = Referral {
        id: ReferralId::new(),
        la: la(la_code),
        child_id: id,
        contact_id: None,
        referral_date: "2025-01-06".parse().unwrap(),
        source: ReferralSource::Schools,
        primary_need: None,
        nfa: false,
        closure: closed.map(|d| Closure {
            date: d.parse().unwrap(),
            reason: ClosureReason::ServicesCeased,
        }),
        created_at: "2025-01-06T10:00:00Z".parse().unwrap(),
    };
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![c],
                referrals: vec![referral],
                ..RecordSet::default()
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    id
}

fn audit_body(child: PersonId) -> Value {
    json!({
        "child_id": child.to_string(),
        "lived_experience": "Amira says she is frightened when her stepfather drinks; she hides in her room.",
        "impact": "Since the plan began Amira attends school every day and says she feels safer.",
        "grade": "good",
        "actions": []
    })
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

fn without(mut body: Value, key: &str) -> Value {
    body.as_object_mut().unwrap().remove(key);
    body
}

async fn audit_count<S: Store>(app: &TestApp<S>, token: &str) -> usize {
    app.read(token, "/api/v1/case-file-audits")
        .await
        .as_array()
        .unwrap()
        .len()
}

fn measure<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no measure {id}: {report}"))
}

async fn story<S: Store>(db: TestDb<S>) {
    let clock = Clock::manual(NOW.parse().unwrap());
    let app = TestApp::spawn(db, clock.clone()).await;
    app.ensure_las(&["205", "213"]).await;
    let (auditor, auditor_user) = app
        .add_user(new_user("qa-auditor", Role::Auditor, &["213"]))
        .await;
    let second = app.with_user("qa-second", Role::Auditor, &["213"]).await;
    let other_auditor = app.with_user("qa-other", Role::Auditor, &["205"]).await;
    let (worker, worker_user) = app
        .add_user(new_user("qa-worker", Role::SocialWorker, &["213"]))
        .await;
    let manager = app
        .with_user("qa-manager", Role::TeamManager, &["213"])
        .await;
    let (_, other_worker) = app
        .add_user(new_user("qa-worker-205", Role::SocialWorker, &["205"]))
        .await;
    let amira = child(&app, "213", "Amira", None).await;
    let bilal = child(&app, "213", "Bilal", Some("2025-11-01")).await;
    let _long_closed = child(&app, "213", "Cara", Some("2025-03-01")).await;
    let other_la = child(&app, "205", "Dev", None).await;

    // --- the sample: open or closed in the last 90 days, the same on asking again ---------------------------
    let s = app
        .read(&auditor, "/api/v1/case-file-audit-sample?la=213&size=5")
        .await;
    let mut drawn: Vec<String> = s["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let again = app
        .read(&auditor, "/api/v1/case-file-audit-sample?la=213&size=5")
        .await;
    assert_eq!(again, s, "the same sample on asking again");
    drawn.sort();
    let mut want = vec![amira.to_string(), bilal.to_string()];
    want.sort();
    assert_eq!(drawn, want, "open and recently closed cases only: {s}");
    let one = app
        .read(&auditor, "/api/v1/case-file-audit-sample?la=213&size=1")
        .await;
    assert_eq!(one["children"].as_array().unwrap().len(), 1);
    let seeded = app
        .read(
            &auditor,
            &format!(
                "/api/v1/case-file-audit-sample?la=213&size=1&seed={}",
                one["seed"]
            ),
        )
        .await;
    assert_eq!(seeded["children"], one["children"]);
    let r = app
        .get(&auditor, "/api/v1/case-file-audit-sample?la=205&size=5")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another LA's cases");
    let r = app
        .get(&auditor, "/api/v1/case-file-audit-sample?la=213&size=0")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), vec!["size"]);
    let r = app
        .get(
            &auditor,
            "/api/v1/case-file-audit-sample?la=213&team=00000000-0000-4000-8000-000000000000",
        )
        .await;
    assert_eq!(fields(&r.body), vec!["team"]);
    let r = app
        .get(&worker, "/api/v1/case-file-audit-sample?la=213")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // --- practice weeks (the first, before the audits) -----------------------------------------------------
    let r = app
        .post(
            &auditor,
            "/api/v1/practice-weeks",
            json!({"title": "Autumn practice week", "theme": "Neglect", "starts_on": "2025-10-06",
                   "ends_on": "2025-10-10", "las": ["213"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let week1 = r.body["id"].as_str().unwrap().to_owned();
    for (body, field) in [
        (
            json!({"title": "W", "starts_on": "2025-11-24", "ends_on": "2025-11-28", "las": ["205"]}),
            "las[0]",
        ),
        (
            json!({"title": "W", "starts_on": "2025-11-24", "ends_on": "2025-11-20", "las": ["213"]}),
            "ends_on",
        ),
        (
            json!({"starts_on": "2025-11-24", "ends_on": "2025-11-28", "las": ["213"]}),
            "title",
        ),
        (
            json!({"title": "W", "starts_on": "2025-11-24", "ends_on": "2025-11-28", "las": ["213"],
                "teams": ["00000000-0000-4000-8000-000000000000"]}),
            "teams[0]",
        ),
    ] {
        let r = app.post(&auditor, "/api/v1/practice-weeks", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(fields(&r.body), vec![field]);
    }
    assert_eq!(
        app.read(&auditor, "/api/v1/practice-weeks")
            .await
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing saved"
    );
    let r = app
        .post(&manager, "/api/v1/practice-weeks", json!({"title": "W"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "managers read audits");

    // --- refusals: the field named, nothing saved ----------------------------------------------------------
    let base = audit_body(amira);
    let action = |owner: Value, due: Value| json!([{"description": "Update the plan", "owner": owner, "due_on": due}]);
    let refusals = [
        (
            without(base.clone(), "lived_experience"),
            "lived_experience",
        ),
        (
            with(base.clone(), "lived_experience", json!("  ")),
            "lived_experience",
        ),
        (without(base.clone(), "impact"), "impact"),
        (
            with(
                base.clone(),
                "actions",
                action(json!(null), json!("2025-12-20")),
            ),
            "actions[0].owner",
        ),
        (
            with(
                base.clone(),
                "actions",
                action(json!("Social worker"), json!(null)),
            ),
            "actions[0].due_on",
        ),
        (
            with(
                base.clone(),
                "actions",
                action(json!(other_worker.id.to_string()), json!("2025-12-20")),
            ),
            "actions[0].owner",
        ),
        (
            with(
                base.clone(),
                "actions",
                action(json!(auditor_user.id.to_string()), json!("2025-12-20")),
            ),
            "actions[0].owner",
        ),
        (
            with(base.clone(), "child_id", json!(other_la.to_string())),
            "child_id",
        ),
        (
            with(
                base.clone(),
                "practice_week_id",
                json!("00000000-0000-4000-8000-000000000000"),
            ),
            "practice_week_id",
        ),
        (with(base.clone(), "grade", json!("excellent")), "grade"),
    ];
    for (i, (body, field)) in refusals.into_iter().enumerate() {
        let r = app.post(&auditor, "/api/v1/case-file-audits", body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "refusal {i}: {}",
            r.body
        );
        assert_eq!(fields(&r.body), vec![field], "refusal {i}: {}", r.body);
    }
    // Both missing at once: both named.
    let r = app
        .post(
            &auditor,
            "/api/v1/case-file-audits",
            without(without(base.clone(), "impact"), "lived_experience"),
        )
        .await;
    assert_eq!(fields(&r.body), vec!["lived_experience", "impact"]);
    assert_eq!(audit_count(&app, &auditor).await, 0, "nothing saved");
    let on_record = app
        .read(
            &worker,
            &format!("/api/v1/children/{amira}/case-file-audits"),
        )
        .await;
    assert_eq!(on_record, json!([]));
    // Roles that may not record one.
    for token in [&worker, &manager] {
        let r = app
            .post(token, "/api/v1/case-file-audits", base.clone())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    // --- audit 1 (practice week 1): recorded, read back --------------------------------------------------------
    let r = app
        .post(
            &auditor,
            "/api/v1/case-file-audits",
            json!({
                "child_id": amira.to_string(),
                "lived_experience": "Amira says she is frightened when her stepfather drinks.",
                "lived_experience_evidenced": true,
                "impact": "Little change yet: the plan's actions are late.",
                "impact_evidenced": false,
                "grade": "good",
                "strengths": "Amira's words are recorded at every visit.",
                "improve": "Plan actions need dates that are kept.",
                "assessment": {"grade": "good", "comment": "Risks and strengths analysed."},
                "supervision": {"grade": "requires-improvement"},
                "themes": ["Voice of the child", "neglect, voice of the child"],
                "practice_week_id": week1,
                "actions": [
                    {"description": "Review the plan's timescales", "owner": worker_user.id.to_string(), "due_on": "2025-12-20"},
                    {"description": "Book a core group", "owner": "Team manager", "due_on": "2025-12-22"},
                    {"description": "", "owner": "", "due_on": ""}
                ]
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let audit1 = r.body["id"].as_str().unwrap().to_owned();
    let a = app
        .get(&auditor, &format!("/api/v1/case-file-audits/{audit1}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let v1 = a.etag.clone().unwrap();
    let a = a.body;
    assert_eq!(a["child_id"], amira.to_string());
    assert_eq!(a["child_name"], "Amira Qatest");
    assert_eq!(a["auditor"], "qa-auditor");
    assert_eq!(a["grade"], "good");
    assert_eq!(a["lived_experience_evidenced"], true);
    assert_eq!(a["impact_evidenced"], false);
    assert_eq!(a["themes"], json!(["voice of the child", "neglect"]));
    assert_eq!(a["ratings"][0]["grade"], "good");
    assert_eq!(a["ratings"][3]["grade"], "requires-improvement");
    assert_eq!(a["practice_week"], "Autumn practice week");
    assert_eq!(a["moderation"], Value::Null);
    let actions = a["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "the blank row is no action");
    assert_eq!(actions[0]["owner"], "qa-worker", "an owner named by id");
    assert_eq!(actions[0]["owner_user_id"], worker_user.id.to_string());
    assert_eq!(actions[1]["owner"], "Team manager");
    assert_eq!(audit_count(&app, &auditor).await, 1);

    // --- moderation ---------------------------------------------------------------------------------------------
    let moderation = format!("/api/v1/case-file-audits/{audit1}/moderation");
    let r = app
        .post(&auditor, &moderation, json!({"agree": true}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not by the auditor who recorded it"
    );
    assert_eq!(fields(&r.body), vec!["agree"]);
    let r = app
        .post(
            &second,
            &moderation,
            json!({"agree": false, "grade": "requires-improvement"}),
        )
        .await;
    assert_eq!(fields(&r.body), vec!["reason"]);
    let r = app
        .post(
            &second,
            &moderation,
            json!({"agree": false, "reason": "Impact is not evidenced."}),
        )
        .await;
    assert_eq!(fields(&r.body), vec!["grade"]);
    let r = app.post(&second, &moderation, json!({})).await;
    assert_eq!(fields(&r.body), vec!["agree"]);
    let r = app
        .post(&manager, &moderation, json!({"agree": true}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(&other_auditor, &moderation, json!({"agree": true}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another LA's audit");
    let r = app
        .post_if_match(&second, &moderation, json!({"agree": true}), "\"999\"")
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "stale");
    let a = app
        .read(&auditor, &format!("/api/v1/case-file-audits/{audit1}"))
        .await;
    assert_eq!(a["moderation"], Value::Null, "nothing saved");
    let r = app
        .post_if_match(
            &second,
            &moderation,
            json!({"agree": false, "grade": "requires-improvement", "reason": "Impact is not evidenced."}),
            &v1,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = app
        .read(&manager, &format!("/api/v1/case-file-audits/{audit1}"))
        .await;
    assert_eq!(a["moderation"]["agree"], false);
    assert_eq!(a["moderation"]["moderator"], "qa-second");
    assert_eq!(a["moderation"]["grade"], "requires-improvement");
    assert_eq!(a["moderation"]["reason"], "Impact is not evidenced.");
    assert_eq!(a["final_grade"], "requires-improvement");
    let r = app.post(&second, &moderation, json!({"agree": true})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "moderated once");

    // --- scope: another LA's auditor; the worker on the child's record ------------------------------------------
    let r = app
        .get(
            &other_auditor,
            &format!("/api/v1/case-file-audits/{audit1}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app, &other_auditor).await, 0);
    let r = app
        .get(&other_auditor, "/api/v1/case-file-audits?la=213")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .get(&worker, &format!("/api/v1/case-file-audits/{audit1}"))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "workers read audits on the child's record"
    );
    let r = app
        .get(
            &worker,
            &format!("/api/v1/children/{amira}/case-file-audits"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body[0]["id"], audit1.as_str());
    assert_eq!(r.body[0]["final_grade"], "requires-improvement");
    let reflection = format!("/api/v1/children/{amira}/case-file-audits/{audit1}/reflection");
    let r = app
        .post(&worker, &reflection, json!({"reflection": " "}))
        .await;
    assert_eq!(fields(&r.body), vec!["reflection"]);
    let r = app
        .post(
            &worker,
            &reflection,
            json!({"reflection": "I will agree dates with the family at the core group."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = app
        .read(&auditor, &format!("/api/v1/case-file-audits/{audit1}"))
        .await;
    assert_eq!(
        a["worker_reflection"],
        "I will agree dates with the family at the core group."
    );
    // The first action, done through the actions API like any other.
    let first_action = a["actions"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &worker,
            &format!("/api/v1/actions/{first_action}/done"),
            json!({"note": "Timescales agreed"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = app
        .read(&auditor, &format!("/api/v1/case-file-audits/{audit1}"))
        .await;
    assert_eq!(a["actions"][0]["status"], "done");
    assert_eq!(a["actions"][1]["status"], "open");

    // --- practice week 2: two audits and an observation ----------------------------------------------------------
    let r = app
        .post(
            &auditor,
            "/api/v1/practice-weeks",
            json!({"title": "Winter practice week", "starts_on": "2025-11-24", "ends_on": "2025-11-28", "las": ["213"]}),
        )
        .await;
    let week2 = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &auditor,
            "/api/v1/case-file-audits",
            json!({"child_id": bilal.to_string(), "practice_week_id": week2,
                   "lived_experience": "Bilal's diary of his week is on file.", "lived_experience_evidenced": true,
                   "impact": "Bilal moved school and is settled.", "impact_evidenced": true, "grade": "good",
                   "themes": ["voice of the child"],
                   "actions": [{"description": "Send the closing summary to school", "owner": "Social worker", "due_on": "2026-02-01"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let audit2 = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &second,
            &format!("/api/v1/case-file-audits/{audit2}/moderation"),
            json!({"agree": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(
            &second,
            "/api/v1/case-file-audits",
            json!({"child_id": amira.to_string(), "practice_week_id": week2,
                   "lived_experience": "Amira's worries and wishes are clear in every visit record.", "lived_experience_evidenced": true,
                   "impact": "Amira is safer: no incidents since the plan changed.", "impact_evidenced": true, "grade": "outstanding",
                   "themes": ["Neglect", "domestic abuse"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let obs = format!("/api/v1/practice-weeks/{week2}/observations");
    let r = app
        .post(
            &auditor,
            &obs,
            json!({"observed_id": other_worker.id.to_string(), "observed_on": "2025-11-25",
                                      "observed": "A home visit", "grade": "good"}),
        )
        .await;
    assert_eq!(
        fields(&r.body),
        vec!["observed_id"],
        "a worker of another LA"
    );
    let r = app
        .post(&auditor, &obs, json!({"observed_id": worker_user.id.to_string(), "observed_on": "2025-11-25",
                                      "observed": "A home visit with Amira and her mother", "grade": "good",
                                      "strengths": "Warm and direct with Amira"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Six weeks on: the first audit's open action is overdue, the second audit's is not yet due.
    clock.advance(std::time::Duration::from_secs(42 * 24 * 3600));

    // --- the report, compared with practice week 1 ----------------------------------------------------------------
    let rep = app
        .read(&manager, &format!("/api/v1/practice-weeks/{week2}/report"))
        .await;
    assert_eq!(rep["previous"]["id"], week1.as_str());
    let expect = [
        ("audits", 2, Some(1), Some("better")),
        ("good-or-better", 100, Some(0), Some("better")),
        ("inadequate", 0, Some(0), Some("same")),
        ("lived-experience-evidenced", 100, Some(100), Some("same")),
        ("impact-evidenced", 100, Some(0), Some("better")),
        ("moderated", 50, Some(100), Some("worse")),
        ("moderation-agreed", 100, Some(0), Some("better")),
        ("actions", 1, Some(2), None),
        ("actions-done", 0, Some(50), Some("worse")),
        ("actions-overdue", 0, Some(1), Some("better")),
        ("observations", 1, Some(0), Some("better")),
        ("observations-good-or-better", 100, Some(0), Some("better")),
    ];
    for (id, value, previous, comparison) in expect {
        let m = measure(&rep, id);
        assert_eq!(m["value"], value, "{id}: {m}");
        assert_eq!(m["previous"], json!(previous), "{id}: {m}");
        assert_eq!(m["comparison"], json!(comparison), "{id}: {m}");
    }
    let grades: Vec<(String, i64, i64)> = rep["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_owned(),
                g["count"].as_i64().unwrap(),
                g["previous"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        grades,
        vec![
            ("outstanding".to_owned(), 1, 0),
            ("good".to_owned(), 1, 0),
            ("requires-improvement".to_owned(), 0, 1),
            ("inadequate".to_owned(), 0, 0)
        ]
    );
    let themes: Vec<(String, i64, i64)> = rep["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_owned(),
                g["count"].as_i64().unwrap(),
                g["previous"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        themes,
        vec![
            ("domestic abuse".to_owned(), 1, 0),
            ("neglect".to_owned(), 1, 1),
            ("voice of the child".to_owned(), 1, 1)
        ]
    );
    assert_eq!(rep["observations"][0]["observed"], "qa-worker");
    assert_eq!(rep["audits"].as_array().unwrap().len(), 2);
    let first = app
        .read(&auditor, &format!("/api/v1/practice-weeks/{week1}/report"))
        .await;
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(measure(&first, "audits")["comparison"], Value::Null);
    let r = app
        .get(
            &other_auditor,
            &format!("/api/v1/practice-weeks/{week2}/report"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another LA's practice week"
    );
    let listed = app
        .read(
            &auditor,
            &format!("/api/v1/case-file-audits?practice_week={week2}"),
        )
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);

    // The CSV.
    let (status, headers, body) = app
        .download(
            &manager,
            &format!("/api/v1/practice-weeks/{week2}/report.csv"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,measure,value,unit,previous,comparison");
    assert!(
        lines.contains(&"measures,Case files audited,2,count,1,Better"),
        "{csv}"
    );
    assert!(
        lines.contains(&"measures,Actions done,0,percent,50,Worse"),
        "{csv}"
    );
    assert!(
        lines.contains(&"grades,Requires improvement,0,count,1,"),
        "{csv}"
    );
    assert!(lines.contains(&"themes,domestic abuse,1,count,0,"), "{csv}");

    // --- the pages ----------------------------------------------------------------------------------------------
    let (status, html) = app.page(&auditor, "/quality").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Amira Qatest") && html.contains("Draw the sample"),
        "{html}"
    );
    let (status, html) = app.page(&auditor, "/quality/sample?la=213&size=5").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/quality/audits/new?child={amira}")));
    let (status, html) = app
        .page(&auditor, &format!("/quality/audits/new?child={amira}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Audit a case file") && html.contains("Winter practice week"));
    let before = audit_count(&app, &auditor).await;
    let (status, html) = app
        .form(
            &auditor,
            "/quality/audits",
            &[
                ("child_id", &amira.to_string()),
                ("lived_experience", "Amira's own words are on file"),
                ("grade", "good"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("There is a problem") && html.contains("href=\"#audit-impact\""),
        "{html}"
    );
    assert!(
        html.contains("Amira&#x27;s own words are on file")
            || html.contains("Amira&#39;s own words are on file"),
        "the input kept"
    );
    assert_eq!(audit_count(&app, &auditor).await, before, "nothing saved");
    let (status, location, _) = app
        .submit(
            &auditor,
            "/quality/audits",
            &[
                ("child_id", &amira.to_string()),
                ("lived_experience", "Amira's own words are on file"),
                ("impact", "Amira is safer"),
                ("grade", "good"),
                ("actions[0].description", "Share the audit"),
                ("actions[0].owner", "Social worker"),
                ("actions[0].due_on", "2026-02-20"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("/quality/audits/") && location.ends_with("?saved=audit"),
        "{location}"
    );
    let (status, html) = app.page(&auditor, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Audit saved") && html.contains("Share the audit"));
    let (status, html) = app.page(&second, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Moderate this audit"));
    let (status, html) = app
        .page(&worker, &format!("/children/{amira}/case-file-audits"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Impact is not evidenced.") && html.contains("Your reflection on this audit")
    );
    let (status, html) = app
        .page(&manager, &format!("/quality/practice-weeks/{week2}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Compared with")
            && html.contains("Autumn practice week")
            && html.contains("Better")
    );
    let (status, html) = app
        .form(
            &auditor,
            "/quality/practice-weeks",
            &[("title", "Spring"), ("las", "213")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#week-starts-on\""), "{html}");
}

#[tokio::test]
async fn quality_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn quality_on_postgres() {
    if let Some(db) = TestDb::postgres("quality_on_postgres").await {
        story(db).await;
    }
}
