//! Retention (issue 15, item 6) over HTTP on a random port, against SQLite and PostgreSQL, with a clock the test
//! moves. Four children's files: two of 213 long due (one then put under a legal hold), one of 213 recent, one of
//! 207 long due. The information governance officer of 213 sees the dry run of 213 only; a hold is checked (a
//! reason, a child of the officer's LAs); a deletion naming an out-of-date report is refused with nothing
//! deleted; the deletion deletes exactly the file due and nothing held (the record is 404, no longer found by
//! search, the other files untouched), leaves a stub and an audit entry, and the audit chain still verifies. Five
//! years on, lifting the hold (a stale version refused, a reason required) makes it due with the recent one, and
//! both go. The page shows the same, and its forms re-show with errors and nothing saved.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{AuditAction, Role};
use domain::datetime::Timestamp;
use domain::ids::PersonId;
use domain::records::{Person, RecordSet};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields, la};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A child of `code` whose only record is a contact received at `when` (and recorded then).
fn child_with_contact(first: &str, code: &str, when: &str) -> (Person, domain::records::Contact) {
    let mut child = store_tests::fixture::new_child(first, "Retentionfile", "2008-05-01");
    child.la = la(code);
    child.created_at = at(when);
    let mut contact = store_tests::fixture::contact(child.id, None);
    contact.la = la(code);
    contact.received_at = at(when);
    contact.recorded_at = at(when);
    (child, contact)
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| f["child_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn audit_entries_about<S: Store>(app: &TestApp<S>, child: PersonId) -> Vec<AuditAction> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = app.store().audit_chain_page(after, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.chain_position.unwrap_or(last.seq);
        out.extend(
            page.iter()
                .filter(|e| e.event.child_id == Some(child))
                .map(|e| e.event.action),
        );
    }
    out
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    let clock = Clock::manual(at("2026-12-06T10:00:00Z"));
    let app = TestApp::spawn(db, clock.clone()).await;
    app.ensure_las(&["207", "213"]).await;
    let (old, old_contact) = child_with_contact("Olive", "213", "2012-03-01T10:00:00Z");
    let (held, held_contact) = child_with_contact("Harriet", "213", "2011-06-01T10:00:00Z");
    let (recent, recent_contact) = child_with_contact("Rosa", "213", "2024-03-01T10:00:00Z");
    let (elsewhere, elsewhere_contact) =
        child_with_contact("Xavier", "207", "2010-01-04T10:00:00Z");
    let (o, h, r, x) = (old.id, held.id, recent.id, elsewhere.id);
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![old, held, recent, elsewhere],
                contacts: vec![old_contact, held_contact, recent_contact, elsewhere_contact],
                ..RecordSet::default()
            },
            app.services.now(),
        )
        .await
        .unwrap();
    let officer = app
        .with_user("ig213", Role::InformationGovernance, &["213"])
        .await;
    let officer207 = app
        .with_user("ig207", Role::InformationGovernance, &["207"])
        .await;
    let worker = app
        .with_user("worker213", Role::SocialWorker, &["213"])
        .await;
    let report_path = "/api/v1/information-governance/retention";
    let mut checks = 0;

    // Only information governance reads the dry run.
    assert_ne!(app.get(&worker, report_path).await.status, StatusCode::OK);
    assert_eq!(
        app.get(&officer, &format!("{report_path}?la=207"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "another LA's dry run is one that does not exist"
    );
    let report = app.read(&officer, report_path).await;
    assert_eq!(report["la"], "213");
    assert_eq!(report["files"], 3, "213's files only");
    assert_eq!(
        ids(&report["due"]),
        vec![h.to_string(), o.to_string()],
        "oldest first"
    );
    assert_eq!(report["due"][0]["class"], "contact-only");
    assert_eq!(report["due"][0]["kept_until"], "2017-06-01");
    assert_eq!(report["schedule"].as_array().unwrap().len(), 4);
    assert!(report["schedule"][0]["source"].as_str().unwrap().len() > 40);
    let report207 = app.read(&officer207, report_path).await;
    assert_eq!(ids(&report207["due"]), vec![x.to_string()]);
    checks += 5;

    // A legal hold: a reason and a child of the officer's LAs, each problem named; then placed.
    let holds = "/api/v1/information-governance/retention/holds";
    let (status, body) = app
        .post(&officer, holds, json!({"child_id": h.to_string()}))
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), vec!["reason"]);
    let (status, body) = app
        .post(
            &officer,
            holds,
            json!({"child_id": x.to_string(), "reason": "Inquiry"}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), vec!["child_id"], "another LA's child");
    let (status, body) = app
        .post(
            &officer,
            holds,
            json!({"child_id": "nonsense", "reason": "Inquiry"}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), vec!["child_id"]);
    assert_eq!(
        app.read(&officer, report_path).await["holds"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing saved"
    );
    let (status, hold) = app
        .post(
            &officer,
            holds,
            json!({"child_id": h.to_string(), "reason": "Historic abuse claim against the council"}),
        )
        .await
        .parts();
    assert_eq!(status, StatusCode::CREATED, "{hold}");
    assert_eq!(hold["in_force"], true);
    let hold_id = hold["id"].as_str().unwrap().to_owned();
    checks += 5;

    // The dry run now: Olive due, Harriet held. A deletion naming another report is refused, nothing deleted.
    let report = app.read(&officer, report_path).await;
    assert_eq!(ids(&report["due"]), vec![o.to_string()]);
    assert_eq!(ids(&report["held"]), vec![h.to_string()]);
    let version = report["version"].as_str().unwrap().to_owned();
    let deletions = "/api/v1/information-governance/retention/deletions";
    let stale = app
        .post(
            &officer,
            deletions,
            json!({"la": "213", "report": "0123456789ab"}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let missing = app.post(&officer, deletions, json!({"la": "213"})).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&missing.body), vec!["report"]);
    assert_eq!(
        app.get(&worker, &format!("/api/v1/children/{o}"))
            .await
            .status,
        StatusCode::OK,
        "nothing deleted"
    );
    assert_eq!(
        app.post(
            &officer207,
            deletions,
            json!({"la": "213", "report": version})
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "another LA's officer"
    );
    checks += 4;

    // The deletion: exactly the file due.
    let (status, run) = app
        .post(&officer, deletions, json!({"la": "213", "report": version}))
        .await
        .parts();
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(ids(&run["deleted"]), vec![o.to_string()]);
    assert_eq!(run["not_deleted"].as_array().unwrap().len(), 0);
    assert_eq!(run["deleted"][0]["class"], "contact-only");
    assert!(run["deleted"][0]["rows_deleted"].as_i64().unwrap() >= 2);
    for (child, status) in [
        (o, StatusCode::NOT_FOUND),
        (h, StatusCode::OK),
        (r, StatusCode::OK),
    ] {
        assert_eq!(
            app.get(&worker, &format!("/api/v1/children/{child}"))
                .await
                .status,
            status,
            "{child}"
        );
    }
    let found = app.read(&worker, "/api/v1/children?q=Olive").await;
    assert_eq!(
        found.as_array().unwrap().len(),
        0,
        "search no longer finds her: {found}"
    );
    let found = app.read(&worker, "/api/v1/children?q=Harriet").await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(
        ids(&app.read(&officer207, report_path).await["due"]),
        vec![x.to_string()],
        "207 untouched"
    );
    let trail = audit_entries_about(&app, o).await;
    assert!(
        trail.contains(&AuditAction::Import),
        "the audit entries stay: {trail:?}"
    );
    assert!(
        trail.contains(&AuditAction::Delete),
        "the deletion's own entry: {trail:?}"
    );
    let chain = app.services.verify_audit_chain(None).await.unwrap();
    assert!(chain.problems.is_empty(), "{:?}", chain.problems);
    let report = app.read(&officer, report_path).await;
    assert_eq!(report["due"].as_array().unwrap().len(), 0);
    assert_eq!(ids(&report["deletions"]), vec![o.to_string()], "the stub");
    assert_eq!(report["files"], 2);
    checks += 8;

    // Five years on: Rosa's file falls due; the hold is lifted (a stale version refused, a reason required).
    clock.advance(std::time::Duration::from_secs(3600 * 24 * 365 * 5));
    let officer = app.api_token("ig213").await;
    let report = app.read(&officer, report_path).await;
    assert_eq!(ids(&report["due"]), vec![r.to_string()]);
    let hold_path = format!("{holds}/{hold_id}");
    let got = app.get(&officer, &hold_path).await;
    assert_eq!(got.status, StatusCode::OK);
    let lift = format!("{hold_path}/lift");
    let stale = app
        .post_if_match(&officer, &lift, json!({"reason": "Claim settled"}), "\"7\"")
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let no_reason = app.post_if_match(&officer, &lift, json!({}), "\"1\"").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&no_reason.body), vec!["reason"]);
    let (status, lifted) = app
        .post_if_match(&officer, &lift, json!({"reason": "Claim settled"}), "\"1\"")
        .await
        .parts();
    assert_eq!(status, StatusCode::OK, "{lifted}");
    assert_eq!(lifted["in_force"], false);
    assert_eq!(lifted["version"], 2);
    let report = app.read(&officer, report_path).await;
    assert_eq!(ids(&report["due"]), vec![h.to_string(), r.to_string()]);
    let version = report["version"].as_str().unwrap().to_owned();
    checks += 5;

    // The page: the same dry run; its forms re-show with the problem and nothing saved; the deletion from it.
    let (status, page) = app
        .page(&officer, "/information-governance/retention")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete 2 files"), "{page}");
    assert!(page.contains("Deleted under the schedule (1)"));
    let (status, page) = app
        .form(
            &officer,
            "/information-governance/retention/holds",
            &[("child_id", &r.to_string()), ("la", "213")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("govuk-error-summary"), "{page}");
    assert!(page.contains(&r.to_string()), "the user's input is kept");
    let (status, _, _) = app
        .submit(
            &officer,
            "/information-governance/retention/deletions",
            &[("la", "213"), ("report", "0123456789ab")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, location, _) = app
        .submit(
            &officer,
            "/information-governance/retention/deletions",
            &[("la", "213"), ("report", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("saved=files-deleted"), "{location}");
    let report = app.read(&officer, report_path).await;
    assert_eq!(report["files"], 0);
    assert_eq!(report["deletions"].as_array().unwrap().len(), 3);
    let chain = app.services.verify_audit_chain(None).await.unwrap();
    assert!(chain.problems.is_empty(), "{:?}", chain.problems);
    checks += 6;

    format!(
        "{}: {checks} checks; 3 files deleted across two runs (exactly those due), 1 held file kept until its hold \
         was lifted, 207's file untouched; the audit chain verifies ({} entries)",
        app.services.database_name(),
        chain.checked
    )
}

#[tokio::test]
async fn retention_on_sqlite() {
    let summary = story(TestDb::sqlite().await).await;
    support::report("retention-sqlite", &summary);
}

#[tokio::test]
async fn retention_on_postgres() {
    if let Some(db) = TestDb::postgres("retention_on_postgres").await {
        let summary = story(db).await;
        support::report("retention-postgres", &summary);
    }
}
