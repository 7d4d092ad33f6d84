//! Case management over the JSON API (and a page or two), on a random port, against SQLite and PostgreSQL:
//! supervision with two cases and dated actions read back; the refusals (an action without an owner or a due
//! date, another LA's child) naming the field and saving nothing; a closure refused while a child in need plan
//! is open, then allowed once it ends, ending the allocation; early help stepped down with oversight and
//! stepped up carrying its history; an allocation change ending the old one; flags and the gangs unit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{PlanKind, PrimaryNeed, ReferralSource, Role};
use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, PlanId, ReferralId};
use domain::policy::Decision;
use domain::records::{Person, Plan, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::{CaseChange, Store};
use support::{TestApp, TestDb, fields, new_user};

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn child(first: &str, la: &str) -> Person {
    let mut p = store_tests::fixture::new_child(first, "Casemanagement", "2012-04-01");
    p.la = LaCode::parse(la).unwrap();
    p
}

fn referral(c: &Person, on: &str) -> Referral {
    Referral {
        id: ReferralId::new(),
        la: c.la.clone(),
        child_id: c.id,
        contact_id: None,
        referral_date: day(on),
        source: ReferralSource::Schools,
        primary_need: Some(PrimaryNeed::AbuseOrNeglect),
        nfa: false,
        closure: None,
        created_at: "2024-04-01T09:00:00Z".parse().unwrap(),
    }
}

async fn counts<S: Store>(store: &S) -> Vec<(&'static str, u64)> {
    store.counts().await.unwrap().0.0
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    // Now: Monday 10 June 2024, 11:00 BST.
    let now: domain::datetime::Timestamp = "2024-06-10T10:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let store = app.store().clone();
    app.ensure_las(&["213", "205"]).await;
    let (manager, manager_user) = app
        .add_user(new_user("cm-manager", Role::TeamManager, &["213"]))
        .await;
    let (worker, worker_user) = app
        .add_user(new_user("cm-worker", Role::SocialWorker, &["213"]))
        .await;
    let (_, worker2_user) = app
        .add_user(new_user("cm-worker2", Role::SocialWorker, &["213"]))
        .await;
    let (other_la, _) = app
        .add_user(new_user("cm-other", Role::SocialWorker, &["205"]))
        .await;

    // The world: Ava (a CIN episode since April, with a child in need plan), Ben (a CIN episode, to step
    // down to early help), and Cara in another LA.
    let ava = child("Ava", "213");
    let ben = child("Ben", "213");
    let cara = child("Cara", "205");
    let ava_referral = referral(&ava, "2024-04-15");
    let ben_referral = referral(&ben, "2024-04-20");
    let plan = Plan {
        id: PlanId::new(),
        la: ava.la.clone(),
        child_id: ava.id,
        referral_id: ava_referral.id,
        kind: PlanKind::ChildInNeed,
        start_date: day("2024-05-03"),
        end_date: None,
        end_reason: None,
        needs: "Routines and school attendance".into(),
        desired_outcomes: "Attends school every day".into(),
        initial_category: None,
        latest_category: None,
        next_review_on: None,
        previous_cp_plans: None,
        created_at: "2024-05-03T09:00:00Z".parse().unwrap(),
    };
    store
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![ava.clone(), ben.clone(), cara.clone()],
                referrals: vec![ava_referral.clone(), ben_referral.clone()],
                plans: vec![plan.clone()],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let mut checks = 0;
    let cm = |c: PersonId| format!("/api/v1/children/{c}/case-management");

    // --- allocation: Ava to the worker, then to the second worker; the first allocation ends. ------------
    let r = app
        .post(
            &manager,
            &format!("/api/v1/children/{}/allocation", ava.id),
            json!({"worker": worker_user.id.to_string(), "from": "2024-05-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .post(
            &manager,
            &format!("/api/v1/children/{}/allocation", ava.id),
            json!({"worker": worker2_user.id.to_string(), "from": "2024-06-03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = app.get(&worker, &cm(ava.id)).await;
    assert_eq!(v.status, StatusCode::OK);
    let allocs = v.body["allocations"].as_array().unwrap();
    assert_eq!(allocs.len(), 2);
    assert_eq!(allocs[0]["worker_id"], worker2_user.id.to_string());
    assert!(allocs[0]["to"].is_null());
    assert_eq!(allocs[1]["worker_id"], worker_user.id.to_string());
    assert_eq!(allocs[1]["to"], "2024-06-03");
    // A read-only role may not be allocated a case; refused naming the field, nothing saved.
    let before = counts(&store).await;
    let (_, auditor) = app
        .add_user(new_user("cm-auditor", Role::Auditor, &["213"]))
        .await;
    let before_users = counts(&store).await;
    let r = app
        .post(
            &manager,
            &format!("/api/v1/children/{}/allocation", ava.id),
            json!({"worker": auditor.id.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["worker"]);
    assert_eq!(counts(&store).await, before_users);
    let _ = before;
    checks += 1;

    // --- supervision: the manager supervises the worker about Ava and Ben, with dated actions. ------------
    let supervision = json!({
        "supervisee": worker_user.id.to_string(),
        "held_on": "2024-06-07",
        "reflection": "The worker talked about the weight of Ava's case; we agreed time for reflection.",
        "cases": [
            {"child_id": ava.id.to_string(), "discussion": "School attendance has dropped again.",
             "direction": "Convene a CIN review; speak to the school.",
             "actions": [
                 {"description": "Speak to the school's DSL", "owner": "Social worker", "due_on": "2024-06-14"},
                 {"description": "Book the CIN review", "owner": "Team manager", "due_on": "2024-06-21"}
             ]},
            {"child_id": ben.id.to_string(), "discussion": "Progress is good.",
             "direction": "Plan step-down to early help.",
             "actions": [{"description": "Ask early help for a lead practitioner", "owner": "Social worker", "due_on": "2024-06-12"}]}
        ]
    });
    // Refused first: an action without an owner, then one without a due date; nothing saved either time.
    let before = counts(&store).await;
    let mut bad = supervision.clone();
    bad["cases"][0]["actions"][1]["owner"] = json!("");
    let r = app.post(&manager, "/api/v1/supervision", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), ["cases[0].actions[1].owner"]);
    let mut bad = supervision.clone();
    bad["cases"][1]["actions"][0]
        .as_object_mut()
        .unwrap()
        .remove("due_on");
    let r = app.post(&manager, "/api/v1/supervision", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["cases[1].actions[0].due_on"]);
    assert_eq!(counts(&store).await, before, "nothing saved");
    checks += 1;
    // A case about another LA's child: 404 (as for any child the caller may not see), nothing saved.
    let mut bad = supervision.clone();
    bad["cases"][1]["child_id"] = json!(cara.id.to_string());
    let r = app.post(&manager, "/api/v1/supervision", bad).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(counts(&store).await, before, "nothing saved");
    // The refusal is in the audit trail.
    let denied = store
        .audit_entries(store::AuditFilter {
            limit: Some(10_000),
            ..store::AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| {
            e.event.child_id == Some(cara.id)
                && e.event.outcome == domain::codes::AuditOutcome::Denied
        })
        .count();
    assert!(denied >= 1, "the refused child is audited");
    checks += 1;
    // Saved.
    let r = app.post(&manager, "/api/v1/supervision", supervision).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sup_id = r.body["id"].as_str().unwrap().to_owned();
    for who in [&manager, &worker] {
        let list = app.get(who, "/api/v1/supervision").await;
        assert_eq!(list.status, StatusCode::OK);
        let list = list.body.as_array().unwrap();
        assert_eq!(list.len(), 1);
        let s = &list[0];
        assert_eq!(s["id"], sup_id.as_str());
        assert_eq!(s["supervisor_id"], manager_user.id.to_string());
        assert_eq!(s["supervisee_id"], worker_user.id.to_string());
        assert_eq!(s["held_on"], "2024-06-07");
        let cases = s["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 2);
        let a = cases
            .iter()
            .find(|c| c["child_id"] == ava.id.to_string())
            .unwrap();
        assert_eq!(a["direction"], "Convene a CIN review; speak to the school.");
        let due: Vec<&str> = a["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["due_on"].as_str().unwrap())
            .collect();
        assert_eq!(due, ["2024-06-14", "2024-06-21"]);
        // 20 working days after Friday 7 June.
        assert_eq!(a["next_supervision_due"], "2024-07-05");
    }
    // Another LA's worker sees none of it.
    let list = app.get(&other_la, "/api/v1/supervision").await;
    assert_eq!(list.body.as_array().unwrap().len(), 0);
    // Ava's case shows the supervision and the next one due (from the last supervision).
    let v = app.get(&worker, &cm(ava.id)).await;
    assert_eq!(v.body["supervision"]["last"], "2024-06-07");
    assert_eq!(v.body["supervision"]["next_due"], "2024-07-05");
    checks += 1;

    // --- closure: refused while the child in need plan is open; allowed once it has ended. ----------------
    let before = counts(&store).await;
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{}/closure", ava.id),
            json!({"date": "2024-06-07", "reason": "RC7"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), ["plans"]);
    assert_eq!(
        r.body["errors"][0]["message"],
        "End the child in need plan (started 3 May 2024) before closing the case"
    );
    assert_eq!(counts(&store).await, before, "nothing saved");
    let v = app.get(&worker, &cm(ava.id)).await;
    assert_eq!(v.body["cin_episodes"][0]["open"], true);
    checks += 1;
    // The plan ends (directly in the store).
    let ended = Plan {
        end_date: Some(day("2024-06-05")),
        end_reason: Some("Outcomes met".into()),
        ..plan.clone()
    };
    let saved = store
        .save_case_change(
            &Actor::system("test"),
            CaseChange {
                child: ava.id,
                created: RecordSet::default(),
                updated: RecordSet {
                    plans: vec![ended],
                    ..RecordSet::default()
                },
                seen_version: None,
                seen_record: None,
            },
            Box::new(|_| Decision::Allow),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(matches!(saved, store::Viewed::Allowed(_)));
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{}/closure", ava.id),
            json!({"date": "2024-06-07", "reason": "RC7"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = app.get(&worker, &cm(ava.id)).await;
    let ep = &v.body["cin_episodes"][0];
    assert_eq!(ep["open"], false);
    assert_eq!(ep["closure_date"], "2024-06-07");
    assert_eq!(ep["closure_reason"], "RC7");
    assert_eq!(v.body["closures"].as_array().unwrap().len(), 1);
    // The open allocation ended on the closure date.
    assert_eq!(v.body["allocations"][0]["to"], "2024-06-07");
    checks += 1;

    // --- early help: Ben steps down with next steps and oversight, then steps up. --------------------------
    let eh = format!("/api/v1/children/{}/early-help", ben.id);
    let step_down = json!({
        "lead_practitioner": "Jo Family-Worker", "lead_agency": "education",
        "reason": "Support with routines and school attendance", "start_date": "2024-06-10",
        "stepped_down_from": ben_referral.id.to_string(), "close_episode": true
    });
    let before = counts(&store).await;
    let r = app.post(&worker, &eh, step_down.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["next_steps"]);
    assert_eq!(counts(&store).await, before, "nothing saved");
    let mut ok = step_down.clone();
    ok["next_steps"] =
        json!("Parenting course; attendance plan with the school; review in 6 weeks");
    let r = app.post(&worker, &eh, ok).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let episode = r.body["id"].as_str().unwrap().to_owned();
    let v = app.get(&worker, &cm(ben.id)).await;
    assert_eq!(v.body["early_help"][0]["awaiting_oversight"], true);
    assert_eq!(v.body["cin_episodes"][0]["closure_reason"], "RC9");
    // Only a manager oversees.
    let r = app
        .post(&worker, &format!("{eh}/{episode}/oversight"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(&manager, &format!("{eh}/{episode}/oversight"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = app.get(&worker, &cm(ben.id)).await;
    assert_eq!(v.body["early_help"][0]["awaiting_oversight"], false);
    assert_eq!(
        v.body["early_help"][0]["oversight_by"],
        manager_user.id.to_string()
    );
    checks += 1;
    // Step up: a new referral, the episode ended, the history carried in a case note.
    let r = app
        .post(
            &worker,
            &format!("{eh}/{episode}/step-up"),
            json!({"source": "5D", "reason": "Ben has been missing from home twice this week"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let new_referral = r.body["id"].as_str().unwrap().to_owned();
    let v = app.get(&worker, &cm(ben.id)).await;
    let e = &v.body["early_help"][0];
    assert_eq!(e["open"], false);
    assert_eq!(e["end_reason"], "stepped-up");
    assert_eq!(e["stepped_up_to"], new_referral.as_str());
    let open: Vec<&Value> = v.body["cin_episodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["open"] == true)
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], new_referral.as_str());
    assert_eq!(open[0]["referral_date"], "2024-06-10");
    let file = store.case_file(ben.id).await.unwrap().unwrap();
    let note = &file.case_notes.last().unwrap().text;
    assert!(note.contains("missing from home twice"), "{note}");
    assert!(note.contains("Jo Family-Worker"), "{note}");
    assert!(note.contains("Parenting course"), "{note}");
    assert!(note.contains("10 June 2024"), "{note}");
    // A second step-up is refused: the child now has an open referral (and the episode has ended).
    let r = app
        .post(
            &worker,
            &format!("{eh}/{episode}/step-up"),
            json!({"source": "5D", "reason": "Again"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["episode", "referral"]);
    checks += 1;

    // --- flags and the integrated gangs unit. -------------------------------------------------------------
    let flags = format!("/api/v1/children/{}/flags", ben.id);
    let r = app
        .post(&worker, &flags, json!({"kind": "gang-involvement", "from": "2024-06-03", "notes": "Seen with older youths"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let flag = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .post(&worker, &flags, json!({"kind": "gang-involvement"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["kind"]);
    let r = app
        .post(&worker, &flags, json!({"kind": "missing-episodes"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{}/specialist-involvements", ben.id),
            json!({"worker_name": "Dee Outreach", "from": "2024-06-04"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .post(
            &worker,
            &format!("{flags}/{flag}/end"),
            json!({"to": "2024-06-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["to"]);
    let r = app
        .post(
            &worker,
            &format!("{flags}/{flag}/end"),
            json!({"to": "2024-06-10"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = app.get(&worker, &cm(ben.id)).await;
    let f = v.body["flags"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["kind"], "missing-episodes");
    assert_eq!(f[0]["open"], true);
    assert_eq!(f[1]["to"], "2024-06-10");
    let s = &v.body["specialist_involvements"][0];
    assert_eq!(s["unit"], "Integrated gangs unit");
    assert_eq!(s["worker_name"], "Dee Outreach");
    checks += 1;

    // --- the page: the flags show as tags; a form sent empty is shown again (422), nothing saved. ---------
    let (status, html) = app
        .page(&worker, &format!("/children/{}/case-management", ben.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("govuk-tag govuk-tag--red\">Missing episodes"),
        "flag tag"
    );
    assert!(html.contains("Integrated gangs unit"));
    let before = counts(&store).await;
    let (status, html) = app
        .form(
            &worker,
            &format!("/children/{}/flags", ben.id),
            &[("notes", "typed")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("There is a problem") && html.contains("href=\"#flag-kind\""),
        "{html}"
    );
    assert!(
        html.contains(">typed</textarea>"),
        "the typed value is shown again"
    );
    assert_eq!(counts(&store).await, before);
    let (status, _) = app
        .form(
            &worker,
            &format!("/children/{}/flags", ben.id),
            &[("kind", "criminal-exploitation")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = app
        .page(&manager, &format!("/supervision/new?child={}", ava.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&ava.id.to_string()), "the child is filled in");
    let (status, html) = app
        .form(
            &manager,
            "/supervision",
            &[
                ("supervisee", &worker_user.id.to_string()),
                ("reflection", "r"),
                ("cases[0].child_id", &ava.id.to_string()),
                ("cases[0].discussion", "d"),
                ("cases[0].direction", "d"),
                ("cases[0].actions[0].description", "Visit"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("href=\"#supervision-cases-0-actions-0-owner\""),
        "{html}"
    );
    assert!(html.contains("href=\"#supervision-cases-0-actions-0-due-on\""));
    checks += 1;

    // --- another LA's child: 404 alike for the read and a change. ------------------------------------------
    assert_eq!(
        app.get(&worker, &cm(cara.id)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &worker,
            &format!("/api/v1/children/{}/flags", cara.id),
            json!({"kind": "gang-involvement"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &other_la,
            &format!("/api/v1/children/{}/closure", ben.id),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    checks += 1;

    format!(
        "case management ({}): {checks} checks passed",
        store.backend_name()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_management_on_sqlite() {
    println!("{}", story(TestDb::sqlite().await).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_management_on_postgres() {
    if let Some(db) = TestDb::postgres("case_management_on_postgres").await {
        println!("{}", story(db).await);
    }
}
