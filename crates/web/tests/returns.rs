//! The Returns page and the Annex A download: who may download (and that it is audited), who may not, and a
//! form with a bad date shown again with the error. On SQLite and (when configured) PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::audit::Actor;
use domain::codes::{AuditAction, AuditOutcome, RecordKind, Role};
use domain::identifiers::LaCode;
use service::{NewUser, Services};
use store::{AuditFilter, Store};
use tower::ServiceExt;

fn la(code: &str) -> LaCode {
    LaCode::parse(code).unwrap()
}

struct App<S> {
    services: Services<S>,
    router: axum::Router,
}

impl<S: Store> App<S> {
    async fn new(store: S) -> App<S> {
        let services = Services::new(store);
        let system = Actor::system("test");
        services
            .ensure_local_authorities(&system, &[la("207"), la("213")])
            .await
            .unwrap();
        let (records, _) = store_tests::fixture::journey();
        services
            .store()
            .insert_records(&system, records, domain::datetime::now())
            .await
            .unwrap();
        let router = web::router(services.clone());
        App { services, router }
    }

    async fn token(&self, username: &str, role: Role, las: &[&str]) -> String {
        let system = Actor::system("test");
        self.services
            .add_user(
                &system,
                NewUser {
                    username: username.into(),
                    display_name: None,
                    role,
                    las: las.iter().map(|l| la(l)).collect(),
                    agency: None,
                    password: None,
                },
            )
            .await
            .unwrap();
        self.services
            .create_api_token(&system, username)
            .await
            .unwrap()
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
        let req = Request::builder()
            .uri(path)
            .header(header::HOST, "frontdoor.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .unwrap()
            .to_vec();
        (status, headers, body)
    }

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

async fn returns<S: Store>(store: S) {
    let app = App::new(store).await;
    let leader = app.token("leader", Role::SeniorLeader, &["213"]).await;
    let inspector = app.token("inspector", Role::Inspector, &["213"]).await;
    let worker = app.token("worker", Role::SocialWorker, &["213"]).await;

    // The page, for a senior leader: the form, with the LA and a period filled in.
    let (status, _, body) = app.get(&leader, "/returns").await;
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
        let (status, headers, body) = app.get(token, &path).await;
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
        let (status, _, _) = app.get(&worker, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    // Another LA's records: not found, as for any record of an LA the caller does not work for; the attempts
    // are audited as refused.
    let before = app.exports().await.len();
    for path in [
        format!("/returns/annex-a?la=207&{PERIOD}"),
        format!("/api/v1/returns/annex-a?la=207&{PERIOD}"),
    ] {
        let (status, headers, _) = app.get(&leader, &path).await;
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
        .get(
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
        .get(
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
        .get(
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
    let db = store_tests::sqlite().await;
    returns(db.store.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_on_postgres() {
    if !store_tests::pg_configured("returns_on_postgres") {
        return;
    }
    let db = store_tests::PgTestDb::create().await.unwrap();
    returns(db.open().await).await;
}
