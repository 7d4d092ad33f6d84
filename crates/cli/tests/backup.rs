//! RELIABILITY.md D5, backup and restore: `frontdoor backup` while eight clients go on writing contacts to
//! `frontdoor serve`, then `frontdoor restore` into an empty database. Every write acknowledged before the backup
//! began is in the restored database with the id the server answered, the restored audit chain verifies, and a
//! restore refuses a database that is not empty, a file that is not a backup, and a backup of the other kind. On
//! SQLite and on PostgreSQL (`pg_dump` / `pg_restore`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row};
use support::{Server, report, run, user_with_token};

const WRITERS: usize = 8;

/// An acknowledged write: its idempotency key, the contact id answered, and when the answer came.
type Acked = Vec<(String, String, Instant)>;

async fn writer(
    base: String,
    token: String,
    id: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acked>>,
) {
    let http = reqwest::Client::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let key = format!("b{id}-{n}");
        let response = http
            .post(format!("{base}/api/v1/contacts"))
            .bearer_auth(&token)
            .header("Idempotency-Key", &key)
            .json(&serde_json::json!({
                "la": "213",
                "received_at": "2024-05-03T15:55:00Z",
                "source": "2A",
                "referrer": {"name": "Backup test", "agency": "education"},
                "child": {"first_name": "Backup", "last_name": key, "date_of_birth": "2018-01-01"},
                "concerns": "Synthetic contact written by the backup test"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let json: serde_json::Value = response.json().await.unwrap();
        let contact = json["id"].as_str().unwrap().to_owned();
        acked.lock().unwrap().push((key, contact, Instant::now()));
    }
}

/// Write, back up mid-stream, stop. The writes acknowledged before the backup began, those acknowledged while it
/// ran or after, and how long it took.
async fn write_and_back_up(db: &str, out: &std::path::Path) -> (Acked, Acked, Duration, String) {
    let token = user_with_token(db, "backup-writer", "mash-worker", "213");
    let server = Server::start(db, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|id| {
            tokio::spawn(writer(
                server.base.clone(),
                token.clone(),
                id,
                stop.clone(),
                acked.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let began = Instant::now();
    let (db_arg, out_arg) = (db.to_owned(), out.to_str().unwrap().to_owned());
    let (code, said, err) =
        tokio::task::spawn_blocking(move || run(&["backup", "--out", &out_arg], &db_arg, None))
            .await
            .unwrap();
    let took = began.elapsed();
    assert_eq!(code, 0, "backup: {err}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    server.kill();
    let all = std::mem::take(&mut *acked.lock().unwrap());
    let (before, after): (Acked, Acked) = all.into_iter().partition(|(_, _, at)| *at < began);
    assert!(
        before.len() >= 50,
        "too few writes before the backup: {}",
        before.len()
    );
    assert!(!after.is_empty(), "the writers went on during the backup");
    (before, after, took, said)
}

/// Keys and contact ids of a restored database.
async fn restored_sqlite(path: &std::path::Path) -> BTreeMap<String, String> {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "SELECT k.key, k.record_id FROM idempotency_key k JOIN contact c ON c.id = k.record_id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let id: Vec<u8> = r.get("record_id");
        (
            r.get("key"),
            uuid::Uuid::from_slice(&id).unwrap().to_string(),
        )
    })
    .collect()
}

async fn restored_postgres(url: &str) -> BTreeMap<String, String> {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(
        "SELECT k.key, k.record_id FROM idempotency_key k JOIN contact c ON c.id = k.record_id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get("key"),
            r.get::<uuid::Uuid, _>("record_id").to_string(),
        )
    })
    .collect()
}

/// Every write acknowledged before the backup is restored with its id; how many of the later ones are too.
fn lost_and_later(
    restored: &BTreeMap<String, String>,
    before: &Acked,
    after: &Acked,
) -> (usize, usize) {
    let lost = before
        .iter()
        .filter(|(key, id, _)| restored.get(key) != Some(id))
        .count();
    let later = after
        .iter()
        .filter(|(key, _, _)| restored.contains_key(key))
        .count();
    (lost, later)
}

fn restore_checks(from: &std::path::Path, target: &str, wrong_kind: &str) -> String {
    let from_arg = from.to_str().unwrap();
    let (code, said, err) = run(&["restore", "--from", from_arg], target, None);
    assert_eq!(code, 0, "restore: {err}");
    assert!(said.contains("the audit chain is intact"), "{said}");
    let (code, _, err) = run(&["audit", "verify"], target, None);
    assert_eq!(code, 0, "audit verify after the restore: {err}");
    // A second restore into the now full database is refused.
    let (code, _, err) = run(&["restore", "--from", from_arg], target, None);
    assert_eq!(code, 1);
    assert!(err.contains("is not empty"), "{err}");
    // A backup of the other kind.
    let (code, _, err) = run(&["restore", "--from", from_arg], wrong_kind, None);
    assert_eq!(code, 1);
    assert!(err.contains("restore it into a"), "{err}");
    said
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_while_writing_and_restore_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let db = format!("sqlite://{}", path.display());
    let out = dir.path().join("nightly.frontdoor-backup");
    let (before, after, took, said) = write_and_back_up(&db, &out).await;
    assert!(said.contains("audit entries (head "), "{said}");
    // The file exists now: a second backup to it is refused, the first one left as it was.
    let size = std::fs::metadata(&out).unwrap().len();
    let (code, _, err) = run(&["backup", "--out", out.to_str().unwrap()], &db, None);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::metadata(&out).unwrap().len(), size);
    // Not a backup.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"not a backup at all").unwrap();
    let target_path = dir.path().join("restored.db");
    let target = format!("sqlite://{}", target_path.display());
    let (code, _, err) = run(
        &["restore", "--from", junk.to_str().unwrap()],
        &target,
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("is not a Frontdoor backup"), "{err}");
    let restored_said = restore_checks(&out, &target, "postgres://postgres@127.0.0.1:5432/nothing");
    // The restored chain ends exactly where the backup said its snapshot did.
    let head = |text: &str| -> String {
        let from = text.find("head ").unwrap() + 5;
        text[from..].split([')', '.']).next().unwrap().to_owned()
    };
    assert_eq!(
        head(&said),
        head(&restored_said),
        "{said} / {restored_said}"
    );
    let restored = restored_sqlite(&target_path).await;
    let (lost, later) = lost_and_later(&restored, &before, &after);
    let text = format!(
        "backup-sqlite: {WRITERS} writers; backup taken in {:.0} ms while they wrote; {} writes acknowledged before \
         it began, {lost} missing from the restore; {later} of {} acknowledged during or after it also in it; the \
         restored chain's head is the backup's; {}",
        took.as_secs_f64() * 1000.0,
        before.len(),
        after.len(),
        restored_said.trim()
    );
    report("backup-sqlite", &text);
    assert_eq!(lost, 0, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_while_writing_and_restore_on_postgres() {
    if !store_tests::pg_configured("backup_while_writing_and_restore_on_postgres") {
        return;
    }
    let live = store_tests::PgTestDb::create().await.unwrap();
    let empty = store_tests::PgTestDb::create().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nightly.dump");
    let (before, after, took, said) = write_and_back_up(&live.url, &out).await;
    assert!(said.contains("pg_dump"), "{said}");
    let wrong_kind = format!("sqlite://{}", dir.path().join("x.db").display());
    let restored_said = restore_checks(&out, &empty.url, &wrong_kind);
    let restored = restored_postgres(&empty.url).await;
    let (lost, later) = lost_and_later(&restored, &before, &after);
    let text = format!(
        "backup-postgres: {WRITERS} writers; pg_dump taken in {:.0} ms while they wrote; {} writes acknowledged \
         before it began, {lost} missing from the restore; {later} of {} acknowledged during or after it also in \
         it; {}",
        took.as_secs_f64() * 1000.0,
        before.len(),
        after.len(),
        restored_said.trim()
    );
    report("backup-postgres", &text);
    assert_eq!(lost, 0, "{text}");
}
