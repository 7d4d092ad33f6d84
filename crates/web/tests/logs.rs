//! What the logs say about a request: each use case it ran as a span of its own inside the request's span,
//! naming the records by id and the user by id, and never a child's or a referrer's name or what was said.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use domain::codes::Role;
use reqwest::StatusCode;
use serde_json::json;
use service::Clock;
use support::{TestApp, TestDb, new_user};
use tracing_subscriber::fmt::format::FmtSpan;

/// The log, as the server wrote it.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn use_cases_are_logged_as_spans_that_name_records_by_id_only() {
    let log = Log::default();
    let writer = log.clone();
    // The app's own default level (`frontdoor serve` logs at info), with a line as each span closes.
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_span_events(FmtSpan::CLOSE)
            .finish(),
    )
    .unwrap();

    let app = TestApp::spawn(TestDb::sqlite().await, Clock::System).await;
    let (worker, user) = app
        .add_user(new_user("logs-worker", Role::MashWorker, &["213"]))
        .await;
    let r = app
        .post(
            &worker,
            "/api/v1/contacts",
            json!({
                "la": "213",
                "received_at": "2024-05-03T15:55:00Z",
                "source": "2A",
                "referrer": {"name": "Ms Quillfeather", "role": "DSL", "agency": "education"},
                "child": {"first_name": "Zephyrine", "last_name": "Ottoline", "date_of_birth": "2019-11-30"},
                "concerns": "A bruise on her cheek that she could not explain."
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let contact = r.body["id"].as_str().unwrap().to_owned();
    let child = r.body["child_id"].as_str().unwrap().to_owned();
    app.read(&worker, &format!("/api/v1/contacts/{contact}"))
        .await;
    app.read(&worker, &format!("/api/v1/children/{child}"))
        .await;

    let logged = log.text();
    let actor = user.id.to_string();
    for span in [
        format!("record_contact{{actor={actor}}}"),
        format!("contact{{actor={actor} id={contact}}}"),
        format!("child_record{{actor={actor} child={child}}}"),
    ] {
        assert!(
            logged.contains(&span),
            "no span {span} in the log:\n{logged}"
        );
    }
    assert!(
        logged.lines().any(|l| l.contains("request{")
            && l.contains(&format!("contact{{actor={actor} id={contact}}}"))),
        "the use case's span is inside the request's:\n{logged}"
    );
    for private in [
        "Zephyrine",
        "Ottoline",
        "Quillfeather",
        "bruise",
        "2019-11-30",
        "logs-worker",
    ] {
        assert!(
            !logged.contains(private),
            "the log names {private}:\n{logged}"
        );
    }
}
