//! The dashboard and workload pages over HTTP, on SQLite and (when configured) PostgreSQL: what a senior leader
//! sees (each figure, a chart and its table, the previous period, England), the CSV of every table, the children
//! behind a figure, the start page, and the audit trail (each read of performance data and each child listed).
//! The figures themselves are checked against SQL counts and the statutory returns in `crates/cli/tests/dashboard.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{AuditAction, RecordKind, Role};
use reqwest::StatusCode;
use reqwest::header;
use service::Clock;
use store::{AuditFilter, Store};
use support::{TestApp, TestDb};

const PERIOD: &str = "from=2024-03-01&to=2025-02-28";

async fn dashboard<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::System).await;
    app.ensure_las(&["207", "213"]).await;
    let (records, child) = store_tests::fixture::journey();
    app.store()
        .insert_records(&Actor::system("test"), records, domain::datetime::now())
        .await
        .unwrap();
    let leader = app.with_user("leader", Role::SeniorLeader, &["213"]).await;
    let manager = app
        .with_user("manager", Role::TeamManager, &["207", "213"])
        .await;
    let worker = app.with_user("worker", Role::SocialWorker, &["213"]).await;

    // The page: each figure, the previous period, England, a chart per measure with its table.
    let (status, html) = app.page(&leader, &format!("/dashboard?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Performance dashboard</h1>"));
    assert!(
        html.contains("1 March 2024 to 28 February 2025"),
        "the period is named"
    );
    assert!(html.contains("Previous period"));
    assert!(
        html.contains("22.6%"),
        "England's re-referral rate is shown"
    );
    assert_eq!(
        html.matches("<svg class=\"app-chart\"").count(),
        domain::performance::MEASURES.len(),
        "a chart per measure"
    );
    assert_eq!(
        html.matches(", each month</caption>").count(),
        domain::performance::MEASURES.len(),
        "a table beside each chart"
    );
    // The fixture's contact about Yusuf is counted, and links to the children behind the figure.
    let api = app
        .read(&leader, &format!("/api/v1/dashboard?{PERIOD}"))
        .await;
    let contacts = api["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "contacts")
        .unwrap()
        .clone();
    assert!(contacts["numerator"].as_i64().unwrap() >= 1, "{contacts}");
    let links = html.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        links.contains(
            "href=\"/dashboard/children?measure=contacts&from=2024-03-01&to=2025-02-28\""
        ),
        "the figure links to the children behind it"
    );

    // The children behind it: named, linked to their record; and each one listed is audited.
    let (status, html) = app
        .page(
            &leader,
            &format!("/dashboard/children?measure=contacts&{PERIOD}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Yusuf Testchild"), "{html}");
    assert!(html.contains(&format!("href=\"/children/{child}\"")));
    let listed = app
        .store()
        .audit_entries(AuditFilter {
            child_id: Some(child),
            action: Some(AuditAction::Search),
            limit: Some(100),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(
        listed.iter().any(|e| e.actor_label == "leader"),
        "listing Yusuf as behind a figure is in his audit trail"
    );
    // The senior leader may open the record (a read-only view, audited).
    let (status, _) = app.page(&leader, &format!("/children/{child}")).await;
    assert_eq!(status, StatusCode::OK);

    // Every read of performance data is audited, per LA.
    let reads = app
        .store()
        .audit_entries(AuditFilter {
            action: Some(AuditAction::View),
            limit: Some(1000),
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.record_kind == RecordKind::Performance && e.actor_label == "leader")
        .count();
    assert!(reads >= 3, "{reads} performance reads audited");

    // CSV of every table: the summary, each chart's months, the children, the workload.
    let (status, headers, body) = app
        .download(&leader, &format!("/dashboard.csv?{PERIOD}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("dashboard-all-2024-03-01-to-2025-02-28.csv")
    );
    let text = String::from_utf8(body).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("measure_id,measure,unit,from,to,value,numerator")
    );
    assert_eq!(lines.count(), domain::performance::MEASURES.len());
    assert!(text.contains("re-referrals-12m,Re-referrals within 12 months,percent"));
    let (status, _, body) = app
        .download(
            &leader,
            &format!("/dashboard/trends.csv?measure=contacts&{PERIOD}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count(), 1 + 12, "a line per month: {text}");
    let (status, _, body) = app
        .download(
            &leader,
            &format!("/dashboard/children.csv?measure=contacts&{PERIOD}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("Yusuf Testchild"));
    let (status, _, body) = app
        .download(&leader, &format!("/workload.csv?{PERIOD}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .starts_with("la,team,worker,caseload_2024-03-31")
    );
    let (status, html) = app.page(&leader, &format!("/workload?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Workload and supervision"));

    // The start page of senior leaders and team managers is the dashboard; a social worker's is not.
    let (_, home) = app.page(&leader, "/").await;
    assert!(home.contains("Performance dashboard"));
    let (_, home) = app.page(&manager, "/").await;
    assert!(home.contains("Performance dashboard"));
    assert!(
        home.contains("All your local authorities"),
        "the manager works for two LAs"
    );
    let (_, home) = app.page(&worker, "/").await;
    assert!(!home.contains("Performance dashboard"));

    // A wrong date: the form again, the date named, with what was typed.
    let (status, html) = app
        .page(&leader, "/dashboard?from=2024-02-30&to=2025-02-28")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(
        html.contains("value=\"2024-02-30\""),
        "what was typed is kept"
    );
    // An unknown measure is named; a social worker has no performance data; another LA's figures are hidden.
    let r = app
        .get(&leader, "/api/v1/dashboard/children?measure=nope")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(support::fields(&r.body), vec!["measure"]);
    assert_eq!(
        app.get(&worker, "/api/v1/dashboard").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&leader, "/api/v1/dashboard?la=207").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&leader, "/api/v1/workload?la=207").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn dashboard_on_sqlite() {
    dashboard(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn dashboard_on_postgres() {
    if let Some(db) = TestDb::postgres("dashboard_on_postgres").await {
        dashboard(db).await;
    }
}
