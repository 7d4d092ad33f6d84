//! Restricted records and break-glass access (issue 15) over HTTP on a random port, against SQLite and
//! PostgreSQL. A team manager restricts a child's record to a named worker with a reason (the fixed API shape);
//! every named user is checked (another LA's, a disabled one, a role that reads no records: 422 naming the
//! field); everyone else of the LA gets the same 404 as for a missing record, and does not find the child in a
//! search; break-glass with a reason opens it once, is audited, and shows on the information governance page;
//! a stale change is refused with nothing changed; lifting the restriction opens the record to the LA again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::Role;
use domain::records::RecordSet;
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    let app = TestApp::spawn(db, Clock::Fixed("2025-04-23T10:00:00Z".parse().unwrap())).await;
    app.ensure_las(&["207", "213"]).await;
    let mut child = store_tests::fixture::new_child("Imogen", "Restrictiontest", "2015-02-01");
    child.la = la("213");
    let id = child.id;
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![child],
                ..RecordSet::default()
            },
            app.services.now(),
        )
        .await
        .unwrap();
    let (manager, manager_user) = app
        .add_user(new_user("manager213", Role::TeamManager, &["213"]))
        .await;
    let (named, named_user) = app
        .add_user(new_user("named.worker", Role::SocialWorker, &["213"]))
        .await;
    let colleague = app
        .with_user("colleague", Role::SocialWorker, &["213"])
        .await;
    let elsewhere = app
        .with_user("elsewhere", Role::SocialWorker, &["207"])
        .await;
    let officer = app
        .with_user("ig213", Role::InformationGovernance, &["213"])
        .await;
    let admin = app.with_user("admin213", Role::Admin, &["213"]).await;
    let (_, other_la_user) = app
        .add_user(new_user("worker207", Role::SocialWorker, &["207"]))
        .await;
    let (_, admin_user) = app
        .add_user(new_user("admin2", Role::Admin, &["213"]))
        .await;
    let (_, gone) = app
        .add_user(new_user("gone", Role::SocialWorker, &["213"]))
        .await;
    app.services
        .set_user_disabled(&Actor::system("test"), "gone", true)
        .await
        .unwrap();
    let child_path = format!("/api/v1/children/{id}");
    let restriction = format!("/api/v1/children/{id}/restriction");
    let mut checks = 0;

    // Everyone of the LA sees the record before it is restricted.
    assert_eq!(
        app.get(&colleague, &child_path).await.status,
        StatusCode::OK
    );

    // Every named user checked, nothing restricted.
    for (users, field) in [
        (vec![other_la_user.id.to_string()], "allowed_users[0]"),
        (
            vec![named_user.id.to_string(), gone.id.to_string()],
            "allowed_users[1]",
        ),
        (vec![admin_user.id.to_string()], "allowed_users[0]"),
        (vec!["not-a-user".to_owned()], "allowed_users[0]"),
    ] {
        let (status, problem) = app
            .post(
                &manager,
                &restriction,
                json!({"allowed_users": users, "reason": "A relative of staff"}),
            )
            .await
            .parts();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(fields(&problem), [field]);
        checks += 1;
    }
    let (status, problem) = app
        .post(
            &manager,
            &restriction,
            json!({"allowed_users": [named_user.id.to_string()]}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["reason"]);
    assert_eq!(
        app.get(&colleague, &child_path).await.status,
        StatusCode::OK
    );

    // Restricted: the fixed shape; the manager who restricts it is named too.
    let read = app.get(&manager, &restriction).await;
    let version = read.etag.clone().unwrap();
    let done = app
        .post_if_match(
            &manager,
            &restriction,
            json!({"allowed_users": [named_user.id.to_string()], "reason": "The child is a relative of a member of staff"}),
            &version,
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let mut allowed: Vec<String> = done.body["allowed_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| s(u, "id"))
        .collect();
    allowed.sort();
    let mut want = vec![named_user.id.to_string(), manager_user.id.to_string()];
    want.sort();
    assert_eq!(allowed, want);
    checks += 1;
    // A stale change: refused, nothing changed.
    let stale = app
        .post_if_match(
            &manager,
            &restriction,
            json!({"allowed_users": [], "reason": "Meanwhile"}),
            &version,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let now = app.read(&officer, &restriction).await;
    assert_eq!(now["allowed_users"].as_array().unwrap().len(), 2);
    assert_eq!(
        now["reason"],
        "The child is a relative of a member of staff"
    );
    checks += 1;

    // Named users see it; the colleague gets a 404 as for a missing record, and does not find it.
    assert_eq!(app.get(&named, &child_path).await.status, StatusCode::OK);
    assert_eq!(app.get(&manager, &child_path).await.status, StatusCode::OK);
    let hidden = app.get(&colleague, &child_path).await;
    let missing = app
        .get(
            &colleague,
            &format!("/api/v1/children/{}", domain::ids::PersonId::new()),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.body["title"], missing.body["title"]);
    let found = app
        .read(&colleague, "/api/v1/children?q=Restrictiontest")
        .await;
    assert_eq!(found.as_array().unwrap().len(), 0, "{found}");
    let found = app.read(&named, "/api/v1/children?q=Restrictiontest").await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    checks += 4;

    // Break-glass: a reason needed; then the record, once; the next time needs a reason again.
    let glass = format!("/api/v1/children/{id}/break-glass");
    let (status, problem) = app.post(&colleague, &glass, json!({})).await.parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["reason"]);
    let opened = app
        .post(
            &colleague,
            &glass,
            json!({"reason": "Police call at 2am: child reported missing"}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(opened.body["child"]["name"], "Imogen Restrictiontest");
    assert_eq!(
        app.get(&colleague, &child_path).await.status,
        StatusCode::NOT_FOUND
    );
    let again = app
        .post(
            &colleague,
            &glass,
            json!({"reason": "Follow-up with the police"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    // Another LA's worker, or an administrator, cannot break it.
    assert_eq!(
        app.post(&elsewhere, &glass, json!({"reason": "x"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(&admin, &glass, json!({"reason": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    checks += 5;

    // Information governance sees both uses, and the restriction; the audit trail has them.
    let o = app.read(&officer, "/api/v1/information-governance").await;
    let uses = o["break_glass"].as_array().unwrap();
    assert_eq!(uses.len(), 2, "{o}");
    assert_eq!(uses[0]["user"], "colleague");
    assert_eq!(uses[0]["reason"], "Follow-up with the police");
    assert_eq!(
        uses[1]["reason"],
        "Police call at 2am: child reported missing"
    );
    assert_eq!(uses[0]["child_name"], "Imogen Restrictiontest");
    let restricted = o["restricted"].as_array().unwrap();
    assert_eq!(restricted.len(), 1);
    assert_eq!(restricted[0]["restricted_by"], "manager213");
    let trail = app
        .read(&officer, &format!("/api/v1/audit?child={id}&limit=200"))
        .await;
    let glass_entries = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["action"] == "break-glass")
        .count();
    assert_eq!(glass_entries, 2, "{trail}");
    // Only information governance reads the overview.
    assert_eq!(
        app.get(&manager, "/api/v1/information-governance")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A subject access request covers a restricted record too (the officer is not named on it).
    let held = app
        .read(
            &officer,
            &format!("/api/v1/information-governance/subject-access/{id}"),
        )
        .await;
    assert_eq!(held["name"], "Imogen Restrictiontest", "{held}");
    checks += 5;

    // The pages: the break-glass form refuses no reason, keeps the form; with one, the record says so.
    let page = format!("/children/{id}/break-glass");
    let (status, html) = app.page(&colleague, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("This record is restricted"));
    let (status, html) = app.form(&colleague, &page, &[("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem") && html.contains("#break-glass-reason"));
    let (status, html) = app
        .form(
            &colleague,
            &page,
            &[("reason", "EDT: child at the police station")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Break-glass access") && html.contains("Imogen Restrictiontest"));
    // A named user goes straight to the record.
    let (status, location, _) = {
        let (st, headers, body) = app
            .exchange(app.request(reqwest::Method::GET, &page).bearer_auth(&named))
            .await;
        (
            st,
            headers
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            body,
        )
    };
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/children/{id}"));
    let (status, html) = app.page(&officer, "/information-governance").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("EDT: child at the police station") && html.contains("colleague"));
    let (status, html) = app
        .page(&officer, &format!("/children/{id}/restriction"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("The child is a relative of a member of staff"));
    checks += 5;

    // Who opened records outside their caseload: an early help worker who opens twelve records stands out
    // beside colleagues in the same role who open one each.
    let mut others = RecordSet::default();
    for i in 0..12 {
        let mut c =
            store_tests::fixture::new_child(&format!("Other{i}"), "Accesstest", "2016-01-01");
        c.la = la("213");
        others.people.push(c);
    }
    let ids: Vec<String> = others.people.iter().map(|p| p.id.to_string()).collect();
    app.store()
        .insert_records(&Actor::system("test"), others, app.services.now())
        .await
        .unwrap();
    let nosy = app.with_user("nosy", Role::EarlyHelp, &["213"]).await;
    for id in &ids {
        assert_eq!(
            app.get(&nosy, &format!("/api/v1/children/{id}"))
                .await
                .status,
            StatusCode::OK
        );
    }
    for (i, name) in ["quiet1", "quiet2"].iter().enumerate() {
        let t = app.with_user(name, Role::EarlyHelp, &["213"]).await;
        app.read(&t, &format!("/api/v1/children/{}", ids[i])).await;
    }
    let report = app
        .read(&officer, "/api/v1/information-governance/access")
        .await;
    let users = report["users"].as_array().unwrap();
    assert_eq!(users[0]["user"], "nosy", "{report}");
    assert_eq!(users[0]["outside_caseload"], 12);
    assert_eq!(users[0]["unusual"], true);
    let unusual: Vec<&Value> = users.iter().filter(|u| u["unusual"] == true).collect();
    assert_eq!(unusual.len(), 1, "{report}");
    let colleague_row = users.iter().find(|u| u["user"] == "colleague").unwrap();
    // The restricted child (opened before the restriction and by breaking the glass) and no other.
    assert_eq!(colleague_row["outside_caseload"], 1);
    let (status, problem) = app
        .get(
            &officer,
            "/api/v1/information-governance/access?from=2025-05-01&to=2025-04-01",
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["from"]);
    let (status, html) = app.page(&officer, "/information-governance").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Unusual") && html.contains("nosy"));
    checks += 5;

    // Lifting it, with a reason: the LA sees the record again.
    let (status, problem) = app
        .post(&officer, &format!("{restriction}/lift"), json!({}))
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["reason"]);
    let lifted = app
        .post(
            &officer,
            &format!("{restriction}/lift"),
            json!({"reason": "The member of staff has left"}),
        )
        .await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    assert_eq!(lifted.body["restricted"], false);
    assert_eq!(
        app.get(&colleague, &child_path).await.status,
        StatusCode::OK
    );
    checks += 2;

    format!("{checks} checks")
}

#[tokio::test]
async fn restricted_records_on_sqlite() {
    let summary = story(TestDb::sqlite().await).await;
    support::report("information governance (sqlite)", &summary);
}

#[tokio::test]
async fn restricted_records_on_postgres() {
    let Some(db) = TestDb::postgres("restricted records").await else {
        return;
    };
    let summary = story(db).await;
    support::report("information governance (postgres)", &summary);
}
