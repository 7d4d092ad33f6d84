//! Administration (issue 15) over HTTP on a random port, against SQLite and PostgreSQL: an administrator creates
//! a team and a user in it (the fixed API shapes), moves users between teams (membership over time), closes a
//! team, changes an LA's settings (a CP visit's due date on the casework worklist moves), and is refused a
//! child's record. Every reference in a body is checked (another LA's team or manager, a closed team: 422 naming
//! the field); another LA's users, teams and settings are answered as missing; a change based on a stale version
//! is refused (409) with nothing changed; every change is in the audit trail; the pages show the same.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{PlanKind, PrimaryNeed, ReferralSource, Role, VisitKind};
use domain::datetime::{Date, Timestamp};
use domain::ids::{AllocationId, PlanId, ReferralId, VisitId};
use domain::records::{Allocation, Plan, RecordSet, Referral, Visit};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

/// Wednesday 23 April 2025, 11:00 BST.
const NOW: &str = "2025-04-23T10:00:00Z";

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

/// A child of 213 on a child protection plan, allocated to `worker`, last visited on Thursday 17 April 2025.
async fn child_on_a_plan<S: Store>(app: &TestApp<S>, worker: &domain::records::User) {
    let at: Timestamp = "2025-01-02T09:00:00Z".parse().unwrap();
    let mut child = store_tests::fixture::new_child("Orla", "Admintest", "2016-03-01");
    child.la = la("213");
    let referral = Referral {
        id: ReferralId::new(),
        la: la("213"),
        child_id: child.id,
        contact_id: None,
        referral_date: d("2025-01-06"),
        source: ReferralSource::Police,
        primary_need: Some(PrimaryNeed::AbuseOrNeglect),
        nfa: false,
        closure: None,
        created_at: at,
    };
    let plan = Plan {
        id: PlanId::new(),
        la: la("213"),
        child_id: child.id,
        referral_id: referral.id,
        kind: PlanKind::ChildProtection,
        start_date: d("2025-02-03"),
        end_date: None,
        end_reason: None,
        needs: "Safety at home".into(),
        desired_outcomes: "Safe and well".into(),
        initial_category: Some(domain::codes::AbuseCategory::Neglect),
        latest_category: Some(domain::codes::AbuseCategory::Neglect),
        next_review_on: None,
        previous_cp_plans: None,
        created_at: at,
    };
    let visit = Visit {
        id: VisitId::new(),
        la: la("213"),
        child_id: child.id,
        plan_id: Some(plan.id),
        kind: VisitKind::ChildProtection,
        visited_on: d("2025-04-17"),
        worker_id: Some(worker.id),
        child_seen: true,
        seen_alone: true,
        bedroom_seen: false,
        wishes_and_feelings: None,
        observations: None,
        created_at: at,
    };
    let allocation = Allocation {
        id: AllocationId::new(),
        la: la("213"),
        child_id: child.id,
        worker_id: worker.id,
        team_id: worker.team_id,
        from: d("2025-01-06"),
        to: None,
    };
    let set = RecordSet {
        people: vec![child],
        referrals: vec![referral],
        plans: vec![plan],
        visits: vec![visit],
        allocations: vec![allocation],
        ..RecordSet::default()
    };
    app.store()
        .insert_records(&Actor::system("test"), set, app.services.now())
        .await
        .unwrap();
}

/// The due date of the CP visit on the worker's casework worklist.
async fn visit_due<S: Store>(app: &TestApp<S>, token: &str) -> String {
    let list = app.read(token, "/api/v1/worklists/casework").await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "visit")
        .map(|r| s(r, "due_on"))
        .unwrap_or_else(|| panic!("no visit on the worklist: {list}"))
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "207", "213"]).await;
    let admin = app.with_user("admin213", Role::Admin, &["213"]).await;
    let admin207 = app.with_user("admin207", Role::Admin, &["207"]).await;
    let worker = app
        .with_user("worker213", Role::SocialWorker, &["213"])
        .await;
    let (_, manager) = app
        .add_user(new_user("manager213", Role::TeamManager, &["213"]))
        .await;
    let (_, manager207) = app
        .add_user(new_user("manager207", Role::TeamManager, &["207"]))
        .await;
    let mut checks = 0;

    // A team, with its manager: the fixed shape.
    let created = app
        .post(
            &admin,
            "/api/v1/admin/teams",
            json!({"la": "213", "name": "Assessment team 2", "manager_id": manager.id.to_string()}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let team = s(&created.body, "id");
    assert_eq!(created.body["manager"], "manager213");
    assert_eq!(created.body["kind"], "safeguarding");
    checks += 1;

    // Every reference checked: another LA's manager, a name taken, an LA not administered, a worker as manager.
    for (body, field) in [
        (
            json!({"la": "213", "name": "Another", "manager_id": manager207.id.to_string()}),
            "manager_id",
        ),
        (json!({"la": "213", "name": "assessment team 2"}), "name"),
        (json!({"la": "207", "name": "Not mine"}), "la"),
        (json!({"la": "213", "name": ""}), "name"),
        (
            json!({"la": "213", "name": "X", "manager_id": "not-an-id"}),
            "manager_id",
        ),
    ] {
        let (status, problem) = app
            .post(&admin, "/api/v1/admin/teams", body.clone())
            .await
            .parts();
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(fields(&problem), [field], "{body}");
        checks += 1;
    }

    // A user in that team: the fixed shape.
    let created = app
        .post(
            &admin,
            "/api/v1/admin/users",
            json!({"username": "Nadia.Okafor", "display_name": "Nadia Okafor", "role": "social-worker",
                   "las": ["213"], "team_id": team, "email": " Nadia.Okafor@Westminster.example "}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let nadia = s(&created.body, "id");
    assert_eq!(created.body["username"], "nadia.okafor");
    assert_eq!(created.body["team"], "Assessment team 2");
    assert_eq!(created.body["has_password"], false);
    assert_eq!(
        created.body["email"], "nadia.okafor@westminster.example",
        "single sign-on's email, in lower case"
    );
    assert_eq!(created.body["single_sign_on"], false);
    checks += 1;

    // Refused, naming the field, with nothing added.
    let before = app
        .read(&admin, "/api/v1/admin/users")
        .await
        .as_array()
        .unwrap()
        .len();
    for (body, field) in [
        (
            json!({"username": "nadia.okafor", "display_name": "Again", "role": "social-worker", "las": ["213"]}),
            "username",
        ),
        (
            json!({"username": "p1", "display_name": "P", "role": "partner", "las": ["213"]}),
            "agency",
        ),
        (
            json!({"username": "p2", "display_name": "P", "role": "social-worker", "las": ["207"]}),
            "las[0]",
        ),
        (
            json!({"username": "p3", "display_name": "P", "role": "boss", "las": ["213"]}),
            "role",
        ),
        (
            json!({"username": "p4", "display_name": "P", "role": "social-worker", "las": ["213"],
                   "team_id": domain::ids::TeamId::new().to_string()}),
            "team_id",
        ),
        (
            json!({"username": "p6", "display_name": "P", "role": "social-worker", "las": ["213"],
                   "email": "NADIA.okafor@westminster.example"}),
            "email",
        ),
        (
            json!({"username": "p7", "display_name": "P", "role": "social-worker", "las": ["213"],
                   "email": "not an email"}),
            "email",
        ),
    ] {
        let (status, problem) = app
            .post(&admin, "/api/v1/admin/users", body.clone())
            .await
            .parts();
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(fields(&problem), [field], "{body}");
        checks += 1;
    }
    let after = app
        .read(&admin, "/api/v1/admin/users")
        .await
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "a refused user was added");

    // Another LA's team is not offered to a user of 213; another LA's administrator sees none of it.
    let (_, other_team) = app
        .post(
            &admin207,
            "/api/v1/admin/teams",
            json!({"la": "207", "name": "Their team"}),
        )
        .await
        .parts();
    let (status, problem) = app
        .post(
            &admin,
            "/api/v1/admin/users",
            json!({"username": "p5", "display_name": "P", "role": "social-worker", "las": ["213"],
                   "team_id": s(&other_team, "id")}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["team_id"]);
    for path in [
        format!("/api/v1/admin/users/{nadia}"),
        format!("/api/v1/admin/teams/{team}"),
        "/api/v1/admin/settings/213".to_owned(),
    ] {
        assert_eq!(
            app.get(&admin207, &path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        checks += 1;
    }
    let theirs = app.read(&admin207, "/api/v1/admin/users").await;
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["las"] == json!(["207"])),
        "{theirs}"
    );
    // Nor may anyone but an administrator administer.
    assert_eq!(
        app.get(&worker, "/api/v1/admin/users").await.status,
        StatusCode::FORBIDDEN
    );

    // Moving Nadia to a second team: the first keeps her spell; a stale change is refused with nothing changed.
    let (_, second) = app
        .post(
            &admin,
            "/api/v1/admin/teams",
            json!({"la": "213", "name": "Safeguarding team 1"}),
        )
        .await
        .parts();
    let read = app
        .get(&admin, &format!("/api/v1/admin/users/{nadia}"))
        .await;
    let version = read.etag.clone().unwrap();
    let moved = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/users/{nadia}"),
            json!({"display_name": "Nadia Okafor", "role": "social-worker", "las": ["213"],
                   "team_id": s(&second, "id")}),
            &version,
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["team"], "Safeguarding team 1");
    assert_eq!(
        moved.body["email"], "nadia.okafor@westminster.example",
        "a change that does not mention the email keeps it"
    );
    let stale = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/users/{nadia}"),
            json!({"display_name": "Someone Else", "role": "team-manager", "las": ["213"]}),
            &version,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let now = app
        .read(&admin, &format!("/api/v1/admin/users/{nadia}"))
        .await;
    assert_eq!(now["display_name"], "Nadia Okafor");
    assert_eq!(now["role"], "social-worker");
    let first = app
        .read(&admin, &format!("/api/v1/admin/teams/{team}"))
        .await;
    assert_eq!(first["members"], 0);
    let spells = first["history"].as_array().unwrap();
    assert_eq!(spells.len(), 1, "{first}");
    assert_eq!(spells[0]["name"], "Nadia Okafor");
    assert_eq!(spells[0]["joined_on"], "2025-04-23");
    assert_eq!(spells[0]["left_on"], "2025-04-23");
    let history = now["teams"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{now}");
    assert_eq!(history[0]["team"], "Safeguarding team 1");
    assert!(history[0]["left_on"].is_null());
    checks += 4;

    // Renaming a team, and a stale rename, change of manager, closure or disabling: refused, nothing changed.
    let second_id = s(&second, "id");
    let read = app
        .get(&admin, &format!("/api/v1/admin/teams/{second_id}"))
        .await;
    let team_version = read.etag.clone().unwrap();
    let renamed = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/teams/{second_id}"),
            json!({"name": "Safeguarding team 1", "kind": "safeguarding", "manager_id": manager.id.to_string()}),
            &team_version,
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.body["manager"], "manager213");
    for (path, body) in [
        (
            format!("/api/v1/admin/teams/{second_id}"),
            json!({"name": "Renamed meanwhile", "manager_id": ""}),
        ),
        (
            format!("/api/v1/admin/teams/{second_id}/closure"),
            json!({}),
        ),
    ] {
        let stale = app.post_if_match(&admin, &path, body, &team_version).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{path}: {}", stale.body);
        checks += 1;
    }
    let unchanged = app
        .read(&admin, &format!("/api/v1/admin/teams/{second_id}"))
        .await;
    assert_eq!(unchanged["name"], "Safeguarding team 1");
    assert_eq!(unchanged["manager"], "manager213");
    assert!(unchanged["closed_on"].is_null());
    let user_version = app
        .get(&admin, &format!("/api/v1/admin/users/{nadia}"))
        .await
        .etag
        .unwrap();
    let old_version = format!(
        "\"{}\"",
        user_version.trim_matches('"').parse::<i64>().unwrap() - 1
    );
    for path in [
        format!("/api/v1/admin/users/{nadia}/disabled"),
        format!("/api/v1/admin/users/{nadia}/password"),
    ] {
        let stale = app
            .post_if_match(&admin, &path, json!({"disabled": true}), &old_version)
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{path}: {}", stale.body);
        checks += 1;
    }
    let unchanged = app
        .get(&admin, &format!("/api/v1/admin/users/{nadia}"))
        .await;
    assert_eq!(unchanged.etag.unwrap(), user_version);
    assert_eq!(unchanged.body["disabled"], false);

    // A team with members cannot close; an empty one can, and is then not offered.
    let (status, problem) = app
        .post(
            &admin,
            &format!("/api/v1/admin/teams/{}/closure", s(&second, "id")),
            json!({}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["closed_on"]);
    let closed = app
        .post(
            &admin,
            &format!("/api/v1/admin/teams/{team}/closure"),
            json!({}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(closed.body["closed_on"], "2025-04-23");
    let (status, problem) = app
        .post(
            &admin,
            &format!("/api/v1/admin/users/{nadia}"),
            json!({"display_name": "Nadia Okafor", "role": "social-worker", "las": ["213"], "team_id": team}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["team_id"]);
    checks += 3;

    // Disabling ends access at once: her token stops working; enabling lets her back.
    let nadia_token = app.api_token("nadia.okafor").await;
    assert_eq!(
        app.get(&nadia_token, "/api/v1/worklists/casework")
            .await
            .status,
        StatusCode::OK
    );
    let off = app
        .post(
            &admin,
            &format!("/api/v1/admin/users/{nadia}/disabled"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(
        app.get(&nadia_token, "/api/v1/worklists/casework")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let on = app
        .post(
            &admin,
            &format!("/api/v1/admin/users/{nadia}/disabled"),
            json!({"disabled": false}),
        )
        .await;
    assert_eq!(on.body["disabled"], false);
    // A new password, shown once, that signs in.
    let reset = app
        .post(
            &admin,
            &format!("/api/v1/admin/users/{nadia}/password"),
            json!({}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let password = s(&reset.body, "password");
    assert_eq!(password.len(), 23);
    let mut browser = app.browser();
    let signed_in = browser.sign_in("nadia.okafor", &password).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    // Revoking tokens: a fresh one stops working.
    let fresh = app.api_token("nadia.okafor").await;
    let revoked = app
        .post(
            &admin,
            &format!("/api/v1/admin/users/{nadia}/tokens/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(revoked.body["revoked"], 1, "{}", revoked.body);
    assert_eq!(
        app.get(&fresh, "/api/v1/worklists/casework").await.status,
        StatusCode::UNAUTHORIZED
    );
    checks += 5;

    // Settings: a CP visit every 10 working days becomes every 5; the worklist's due date moves at once.
    let (_, worker_user) = app
        .add_user(new_user("visiting.worker", Role::SocialWorker, &["213"]))
        .await;
    child_on_a_plan(&app, &worker_user).await;
    let visitor = app.api_token("visiting.worker").await;
    // Visited Thursday 17 April; 10 working days on (Good Friday and Easter Monday are bank holidays): 5 May is
    // one too, so Tuesday 6 May.
    assert_eq!(visit_due(&app, &visitor).await, "2025-05-06");
    let settings = app.get(&admin, "/api/v1/admin/settings/213").await;
    assert_eq!(settings.body["settings"]["clocks"]["cp_visit_every_wd"], 10);
    let version = settings.etag.clone().unwrap();
    let saved = app
        .post_if_match(
            &admin,
            "/api/v1/admin/settings/213",
            json!({"cp_visit_every_wd": "5", "threshold_names": ["Universal", "Targeted", "Child in need", "Child protection"]}),
            &version,
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["settings"]["clocks"]["cp_visit_every_wd"], 5);
    assert_eq!(saved.body["settings"]["threshold_names"][1], "Targeted");
    // 5 working days after 17 April: 22, 23, 24, 25, 28 April.
    assert_eq!(visit_due(&app, &visitor).await, "2025-04-28");
    // Stale: refused, nothing changed.
    let stale = app
        .post_if_match(
            &admin,
            "/api/v1/admin/settings/213",
            json!({"cp_visit_every_wd": "20"}),
            &version,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(visit_due(&app, &visitor).await, "2025-04-28");
    // Every problem named.
    let (status, problem) = app
        .post(
            &admin,
            "/api/v1/admin/settings/213",
            json!({"rag_red": "soon", "cin_visit_every_wd": "0", "office_opens": "25:00", "closure_days": ["2025-13-01"]}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&problem),
        [
            "rag_red",
            "cin_visit_every_wd",
            "office_opens",
            "closure_days[0]"
        ]
    );
    checks += 5;

    // The administrator may not read a child's record.
    let list = app.read(&visitor, "/api/v1/worklists/casework").await;
    let child = s(&list[0], "child_id");
    assert_eq!(
        app.get(&admin, &format!("/api/v1/children/{child}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    checks += 1;

    // Partner organisations: added, every problem named, another LA's hidden, a stale change refused, made
    // inactive (its name free again).
    let added = app
        .post(
            &admin,
            "/api/v1/admin/organisations",
            json!({"la": "213", "name": "Marlow Primary School", "agency": "education",
                   "email": "safeguarding@marlow.example.org", "phone": "01632 960 001"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let org = s(&added.body, "id");
    assert_eq!(added.body["active"], true);
    for (body, field) in [
        (
            json!({"la": "213", "name": "marlow primary school", "agency": "education"}),
            "name",
        ),
        (
            json!({"la": "213", "name": "Social care", "agency": "social-care"}),
            "agency",
        ),
        (
            json!({"la": "213", "name": "X", "agency": "education", "email": "not an email"}),
            "email",
        ),
        (json!({"la": "207", "name": "X", "agency": "police"}), "la"),
    ] {
        let (status, problem) = app
            .post(&admin, "/api/v1/admin/organisations", body.clone())
            .await
            .parts();
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(fields(&problem), [field], "{body}");
        checks += 1;
    }
    assert_eq!(
        app.get(&admin207, &format!("/api/v1/admin/organisations/{org}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let read = app
        .get(&admin, &format!("/api/v1/admin/organisations/{org}"))
        .await;
    let org_version = read.etag.clone().unwrap();
    let inactive = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/organisations/{org}"),
            json!({"name": "Marlow Primary School", "agency": "education", "active": false}),
            &org_version,
        )
        .await;
    assert_eq!(inactive.status, StatusCode::OK, "{}", inactive.body);
    assert_eq!(inactive.body["active"], false);
    let stale = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/organisations/{org}"),
            json!({"name": "Renamed meanwhile", "agency": "education"}),
            &org_version,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        app.read(&admin, &format!("/api/v1/admin/organisations/{org}"))
            .await["name"],
        "Marlow Primary School"
    );
    let again = app
        .post(
            &admin,
            "/api/v1/admin/organisations",
            json!({"la": "213", "name": "Marlow Primary School", "agency": "education"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    let (status, html) = app.page(&admin, "/admin/organisations?la=213").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Marlow Primary School") && html.contains("Inactive"));
    checks += 4;

    // Every change is in the audit trail, of the administrator's LA.
    let trail = app
        .read(&admin, "/api/v1/audit?user=admin213&limit=500")
        .await;
    let kinds: Vec<(String, String)> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (s(&e["event"], "action"), s(&e["event"], "record_kind")))
        .collect();
    for (action, kind, at_least) in [
        ("create", "team", 2),
        ("create", "user", 1),
        ("update", "user", 1),
        ("update", "team", 1),
        ("admin", "user", 3),
        ("admin", "api-token", 1),
        ("update", "local-authority", 1),
        ("create", "partner-organisation", 2),
        ("update", "partner-organisation", 1),
    ] {
        let n = kinds
            .iter()
            .filter(|(a, k)| a == action && k == kind)
            .count();
        assert!(n >= at_least, "{action} {kind}: {n} in {kinds:?}");
        checks += 1;
    }

    // The pages: the users list, a refused new user form keeps what was typed, the settings form.
    let (status, html) = app.page(&admin, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nadia Okafor"));
    let (status, html) = app
        .form(
            &admin,
            "/admin/users",
            &[
                ("username", "kwame.m"),
                ("display_name", ""),
                ("role", "social-worker"),
                ("las", "213"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem"));
    assert!(html.contains("value=\"kwame.m\""));
    assert!(html.contains("href=\"#user-display-name\""), "{html}");
    let (status, location, _) = app
        .submit(
            &admin,
            "/admin/users",
            &[
                ("username", "kwame.m"),
                ("display_name", "Kwame Mensah"),
                ("role", "social-worker"),
                ("las", "213"),
                ("team_id", &s(&second, "id")),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?saved=user-added"), "{location}");
    let (status, html) = app.page(&admin, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("User added") && html.contains("Safeguarding team 1"));
    let (status, html) = app.page(&admin, "/admin/settings?la=213").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Targeted\""));
    let (status, html) = app
        .page(&admin, &format!("/admin/teams/{}", s(&second, "id")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kwame Mensah") && html.contains("Nadia Okafor"));
    checks += 4;

    format!("{checks} checks")
}

#[tokio::test]
async fn administration_on_sqlite() {
    let summary = story(TestDb::sqlite().await).await;
    support::report("administration (sqlite)", &summary);
}

#[tokio::test]
async fn administration_on_postgres() {
    let Some(db) = TestDb::postgres("administration").await else {
        return;
    };
    let summary = story(db).await;
    support::report("administration (postgres)", &summary);
}
