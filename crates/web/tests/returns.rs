//! The Returns page and the Annex A download: who may download (and that it is audited), who may not, and a
//! form with a bad date shown again with the error. On SQLite and (when configured) PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{AuditAction, AuditOutcome, RecordKind, Role};
use reqwest::StatusCode;
use reqwest::header;
use service::Clock;
use store::{AuditFilter, Store};
use support::{TestApp, TestDb, la};

impl<S: Store> TestApp<S> {
    async fn exports(&self) -> Vec<domain::audit::AuditEntry> {
        self.services
            .store()
            .audit_entries(AuditFilter {
                action: Some(AuditAction::Export),
                oldest_first: true,
                limit: Some(1000),
                ..AuditFilter::default()
            })
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.event.record_kind == RecordKind::Dataset)
            .collect()
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PERIOD: &str = "from=2024-01-01&to=2024-12-31";

async fn returns<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::System).await;
    app.ensure_las(&["207", "213"]).await;
    let (records, _) = store_tests::fixture::journey();
    app.store()
        .insert_records(&Actor::system("test"), records, domain::datetime::now())
        .await
        .unwrap();
    let leader = app.with_user("leader", Role::SeniorLeader, &["213"]).await;
    let inspector = app.with_user("inspector", Role::Inspector, &["213"]).await;
    let worker = app.with_user("worker", Role::SocialWorker, &["213"]).await;

    // The page, for a senior leader: the form, with the LA and a period filled in.
    let (status, _, body) = app.download(&leader, "/returns").await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Ofsted Annex A"), "{html}");
    assert!(html.contains(r#"<option value="213" selected>"#), "{html}");
    assert!(
        html.contains(r#"href="/returns""#),
        "the navigation links to Returns"
    );

    // A senior leader downloads the workbook (page and API), and each download is audited.
    for (who, token, path) in [
        (
            "leader",
            &leader,
            format!("/returns/annex-a?la=213&{PERIOD}"),
        ),
        (
            "inspector",
            &inspector,
            format!("/api/v1/returns/annex-a?la=213&{PERIOD}"),
        ),
    ] {
        let before = app.exports().await.len();
        let (status, headers, body) = app.download(token, &path).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{who}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(headers[header::CONTENT_TYPE], XLSX);
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(
            disposition,
            r#"attachment; filename="annex-a-213-2024-01-01-to-2024-12-31.xlsx""#
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(body.starts_with(b"PK"), "an XLSX workbook is a zip archive");
        let exports = app.exports().await;
        assert_eq!(exports.len(), before + 1, "{who}: one audit entry");
        let entry = exports.last().unwrap();
        assert_eq!(entry.actor_label, who);
        assert_eq!(entry.event.la, Some(la("213")));
        assert_eq!(entry.event.outcome, AuditOutcome::Allowed);
    }

    // A social worker may not (page, download or API).
    for path in [
        "/returns".to_owned(),
        format!("/returns/annex-a?la=213&{PERIOD}"),
        format!("/api/v1/returns/annex-a?la=213&{PERIOD}"),
    ] {
        let (status, _, _) = app.download(&worker, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    // Another LA's records: not found, as for any record of an LA the caller does not work for; the attempts
    // are audited as refused.
    let before = app.exports().await.len();
    for path in [
        format!("/returns/annex-a?la=207&{PERIOD}"),
        format!("/api/v1/returns/annex-a?la=207&{PERIOD}"),
    ] {
        let (status, headers, _) = app.download(&leader, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_ne!(headers.get(header::CONTENT_TYPE).unwrap(), XLSX);
    }
    let refused = app.exports().await;
    assert_eq!(refused.len(), before + 2, "both attempts are audited");
    assert!(
        refused
            .iter()
            .skip(before)
            .all(|e| { e.event.outcome == AuditOutcome::Denied && e.event.la == Some(la("207")) })
    );

    // A bad date: the form again, with the error summary and the field's message.
    let (status, headers, body) = app
        .download(
            &leader,
            "/returns/annex-a?la=213&from=2024-02-30&to=2024-12-31",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(html.contains("<title>Error: Returns"), "{html}");
    assert!(
        html.contains(
            r##"<a href="#from">The start of the period must be a real date, for example 2024-04-01</a>"##
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"value="2024-02-30""#),
        "what was typed is kept"
    );
    // The end before the start, and a period too long: the service's words, on the field.
    let (status, _, body) = app
        .download(
            &leader,
            "/returns/annex-a?la=213&from=2024-06-01&to=2024-05-31",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8(body).unwrap();
    assert!(
        html.contains(r##"<a href="#to">The end of the period (2024-05-31) is before its start (2024-06-01)</a>"##),
        "{html}"
    );
    // The API names the field.
    let (status, _, body) = app
        .download(
            &leader,
            "/api/v1/returns/annex-a?la=213&from=2020-01-01&to=2024-12-31",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["errors"][0]["field"], "to", "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_on_sqlite() {
    returns(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_on_postgres() {
    if let Some(db) = TestDb::postgres("returns_on_postgres").await {
        returns(db).await;
    }
}
