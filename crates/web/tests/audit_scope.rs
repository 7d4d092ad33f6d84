//! The audit trail is scoped to the caller's LAs (issue 12, defect 1), over real HTTP on a random port, against
//! SQLite and PostgreSQL. Workers of 205, 207 and 213 each view their own LA's child and search; a 213 worker
//! is refused a 205 child. An administrator and an information-governance officer of 213 then read the trail
//! by the API and the `/audit` page: unfiltered, by child and by user, they see 213's entries and none of 205's
//! or 207's; a 205 child answers the same 404 as a missing one, and a 205 user the same refusal as a user that
//! does not exist. An officer of both 205 and 213 sees both LAs' entries, and still none of 207's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::Role;
use domain::ids::PersonId;
use domain::records::RecordSet;
use reqwest::StatusCode;
use serde_json::Value;
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la};

/// A child of LA `la_code`, seeded behind the API's back.
async fn child<S: Store>(app: &TestApp<S>, la_code: &str, first: &str) -> PersonId {
    let mut c = store_tests::fixture::new_child(first, "Scopetest", "2016-02-03");
    c.la = la(la_code);
    let id = c.id;
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![c],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    id
}

/// One audit entry as the API gives it.
#[derive(Debug)]
struct Entry {
    actor: String,
    action: String,
    child: Option<String>,
    la: Option<String>,
}

fn entries(body: &Value) -> Vec<Entry> {
    body.as_array()
        .unwrap_or_else(|| panic!("not a list of entries: {body}"))
        .iter()
        .map(|e| Entry {
            actor: e["actor_label"].as_str().unwrap().to_owned(),
            action: e["event"]["action"].as_str().unwrap().to_owned(),
            child: e["event"]["child_id"].as_str().map(str::to_owned),
            la: e["event"]["la"].as_str().map(str::to_owned),
        })
        .collect()
}

/// The rows of the page's table (the text between `<tr` and `</tr>` in its body).
fn page_rows(html: &str) -> Vec<&str> {
    let Some(body) = html.split("<tbody").nth(1) else {
        return Vec::new();
    };
    body.split("</tbody>")
        .next()
        .unwrap()
        .split("<tr")
        .skip(1)
        .collect()
}

async fn audit_scope_story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::System).await;
    let worker_205 = app.with_user("sw-205", Role::SocialWorker, &["205"]).await;
    let worker_207 = app.with_user("sw-207", Role::SocialWorker, &["207"]).await;
    let worker_213 = app.with_user("sw-213", Role::SocialWorker, &["213"]).await;
    let admin_213 = app.with_user("admin-213", Role::Admin, &["213"]).await;
    let ig_213 = app
        .with_user("ig-213", Role::InformationGovernance, &["213"])
        .await;
    let ig_both = app
        .with_user("ig-205-213", Role::InformationGovernance, &["205", "213"])
        .await;
    let c205 = child(&app, "205", "Ada").await.to_string();
    let c207 = child(&app, "207", "Bea").await.to_string();
    let c213 = child(&app, "213", "Cal").await.to_string();

    // Each worker views their own LA's child and searches (a search names no LA: its actor's LAs scope it).
    for (token, child) in [
        (&worker_205, &c205),
        (&worker_207, &c207),
        (&worker_213, &c213),
    ] {
        let (status, _) = app
            .get(token, &format!("/api/v1/children/{child}"))
            .await
            .parts();
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.get(token, "/api/v1/children?q=Scopetest").await.parts();
        assert_eq!(status, StatusCode::OK);
    }
    // A 213 worker is refused a 205 child: that refusal is 205's to see.
    let (status, _) = app
        .get(&worker_213, &format!("/api/v1/children/{c205}"))
        .await
        .parts();
    assert_eq!(status, StatusCode::NOT_FOUND);

    let foreign_actors = ["sw-205", "sw-207"];
    let foreign_children = [c205.as_str(), c207.as_str()];
    for (who, token) in [("admin-213", &admin_213), ("ig-213", &ig_213)] {
        // Unfiltered: 213's entries, none of 205's or 207's.
        let (status, body) = app.get(token, "/api/v1/audit?limit=1000").await.parts();
        assert_eq!(status, StatusCode::OK, "{who}: {body}");
        let all = entries(&body);
        for e in &all {
            assert!(
                e.la.as_deref().is_none_or(|la| la == "213"),
                "{who} sees another LA's entry: {e:?}"
            );
            assert!(
                !foreign_actors.contains(&e.actor.as_str()),
                "{who} sees what another LA's user did: {e:?}"
            );
            assert!(
                e.child
                    .as_deref()
                    .is_none_or(|c| !foreign_children.contains(&c)),
                "{who} sees an entry about another LA's child: {e:?}"
            );
        }
        assert!(
            all.iter().any(|e| e.actor == "sw-213"
                && e.action == "view"
                && e.child.as_deref() == Some(&c213)),
            "{who} does not see 213's view of its child: {all:?}"
        );
        assert!(
            all.iter()
                .any(|e| e.actor == "sw-213" && e.action == "search" && e.la.is_none()),
            "{who} does not see 213's worker's search: {all:?}"
        );

        // By child: 213's child, yes; a 205 child is the same 404 as a child that does not exist.
        let (status, body) = app
            .get(token, &format!("/api/v1/audit?child={c213}"))
            .await
            .parts();
        assert_eq!(status, StatusCode::OK);
        let about = entries(&body);
        assert!(about.iter().any(|e| e.actor == "sw-213"));
        assert!(about.iter().all(|e| e.child.as_deref() == Some(&c213)));
        let (status, foreign) = app
            .get(token, &format!("/api/v1/audit?child={c205}"))
            .await
            .parts();
        let (missing_status, missing) = app
            .get(token, &format!("/api/v1/audit?child={}", PersonId::new()))
            .await
            .parts();
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}: {foreign}");
        assert_eq!(missing_status, StatusCode::NOT_FOUND);
        assert_eq!(
            foreign, missing,
            "a foreign child looks exactly like a missing one"
        );

        // By user: 213's worker, yes; a 205 user is refused exactly as a user that does not exist.
        let (status, body) = app.get(token, "/api/v1/audit?user=sw-213").await.parts();
        assert_eq!(status, StatusCode::OK);
        let by = entries(&body);
        assert!(by.iter().any(|e| e.action == "search"));
        assert!(by.iter().all(|e| e.actor == "sw-213"), "{by:?}");
        let (status, foreign) = app.get(token, "/api/v1/audit?user=sw-205").await.parts();
        let (missing_status, missing) = app.get(token, "/api/v1/audit?user=sw-999").await.parts();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{who}: {foreign}");
        assert_eq!(missing_status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&foreign), ["user"]);
        assert_eq!(
            foreign.to_string().replace("sw-205", "X"),
            missing.to_string().replace("sw-999", "X"),
            "a foreign user looks exactly like a missing one"
        );

        // The page: the same, and its count is of 213's entries only.
        let (status, html) = app.page(token, "/audit").await;
        assert_eq!(status, StatusCode::OK);
        let rows = page_rows(&html);
        assert!(rows.iter().any(|r| r.contains("sw-213")), "{who}: {html}");
        for r in &rows {
            for foreign in foreign_actors.iter().chain(&foreign_children) {
                assert!(!r.contains(foreign), "{who}'s page shows {foreign}: {r}");
            }
        }
        assert!(html.contains(&format!("{} most recent entries", rows.len())));
        let (status, html) = app.page(token, "/audit?user=sw-213").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page_rows(&html).is_empty());
        let (status, html) = app.page(token, "/audit?user=sw-205").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("There is no user called &#39;sw-205&#39;")
                || html.contains("There is no user called 'sw-205'"),
            "{html}"
        );
        assert!(page_rows(&html).is_empty());
        let (status, html) = app.page(token, &format!("/audit?child={c213}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page_rows(&html).iter().all(|r| r.contains(&c213)));
        assert!(!page_rows(&html).is_empty());
        let (status, foreign) = app.page(token, &format!("/audit?child={c205}")).await;
        let (missing_status, missing) = app
            .page(token, &format!("/audit?child={}", PersonId::new()))
            .await;
        assert_eq!(
            (status, missing_status),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
        );
        assert_eq!(
            strip_request_id(&foreign),
            strip_request_id(&missing),
            "the page: a foreign child looks exactly like a missing one"
        );
    }

    // An officer of 205 and 213 sees both LAs' entries (and the refusal of 205's child to 213's worker, and
    // 213's administrator's attempts to read 205's child's trail), none of 207's.
    let (status, body) = app.get(&ig_both, "/api/v1/audit?limit=1000").await.parts();
    assert_eq!(status, StatusCode::OK);
    let all = entries(&body);
    for (actor, child) in [("sw-205", &c205), ("sw-213", &c213)] {
        assert!(
            all.iter()
                .any(|e| e.actor == actor && e.child.as_deref() == Some(child)),
            "{actor}: {all:?}"
        );
    }
    assert!(
        all.iter()
            .any(|e| e.actor == "sw-213" && e.child.as_deref() == Some(&c205)),
        "the refusal of 205's child to 213's worker: {all:?}"
    );
    assert!(
        all.iter()
            .any(|e| e.actor == "admin-213" && e.child.as_deref() == Some(&c205)),
        "213's administrator's attempt at 205's child's trail: {all:?}"
    );
    assert!(all.iter().all(|e| e.actor != "sw-207"
        && e.child.as_deref() != Some(&c207)
        && e.la.as_deref() != Some("207")));
    let (status, body) = app
        .get(&ig_both, &format!("/api/v1/audit?child={c205}"))
        .await
        .parts();
    assert_eq!(status, StatusCode::OK);
    assert!(entries(&body).iter().any(|e| e.actor == "sw-205"));
    let (status, _) = app
        .get(&ig_both, &format!("/api/v1/audit?child={c207}"))
        .await
        .parts();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app.get(&ig_both, "/api/v1/audit?user=sw-205").await.parts();
    assert_eq!(status, StatusCode::OK);
    assert!(!entries(&body).is_empty());
    let (status, _) = app.get(&ig_both, "/api/v1/audit?user=sw-207").await.parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A worker may not read the trail at all.
    let (status, _) = app.get(&worker_213, "/api/v1/audit").await.parts();
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A page without the reference (request id) a user quotes to support.
fn strip_request_id(html: &str) -> String {
    html.lines()
        .filter(|l| !l.contains("frontdoor-reference"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn audit_scope_on_sqlite() {
    audit_scope_story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn audit_scope_on_postgres() {
    if let Some(db) = TestDb::postgres("audit_scope_on_postgres").await {
        audit_scope_story(db).await;
    }
}
