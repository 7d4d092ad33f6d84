//! RELIABILITY.md D1: concurrent writers against `frontdoor serve`, killed with SIGKILL again and again. After
//! every restart every acknowledged write must be present exactly once, with its audit entry, and the database
//! must pass its integrity check. (kill -9 cannot show a missing fsync, since the OS cache survives; the
//! start-up durability checks and their tests cover that.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row};
use support::{Server, report, user_with_token};

const CLIENTS: usize = 8;

fn cycles() -> usize {
    std::env::var("FRONTDOOR_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(90)
}

/// What the clients learnt: acknowledged keys with the contact id the server returned, and keys whose fate
/// is unknown (sent, no answer before the kill).
#[derive(Default)]
struct Ledger {
    acked: BTreeMap<String, String>,
    in_doubt: BTreeSet<String>,
}

fn body(key: &str) -> serde_json::Value {
    serde_json::json!({
        "la": "213",
        "received_at": "2024-05-03T15:55:00Z",
        "source": "2A",
        "referrer": {"name": "Crash test", "agency": "education"},
        "child": {"first_name": "Crash", "last_name": key, "date_of_birth": "2018-01-01"},
        "concerns": "Synthetic contact written by the crash test"
    })
}

/// One client: write until the server dies, then stop. Retries its in-doubt key first (same key).
async fn client(base: String, token: String, id: usize, cycle: usize, ledger: Arc<Mutex<Ledger>>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut retry: Vec<String> = ledger
        .lock()
        .unwrap()
        .in_doubt
        .iter()
        .filter(|k| k.starts_with(&format!("c{id}-")))
        .cloned()
        .collect();
    let mut n = 0;
    loop {
        let key = retry.pop().unwrap_or_else(|| {
            n += 1;
            format!("c{id}-{cycle}-{n}")
        });
        ledger.lock().unwrap().in_doubt.insert(key.clone());
        let sent = http
            .post(format!("{base}/api/v1/contacts"))
            .bearer_auth(&token)
            .header("Idempotency-Key", &key)
            .json(&body(&key))
            .send()
            .await;
        let Ok(response) = sent else { return };
        let status = response.status();
        let Ok(json) = response.json::<serde_json::Value>().await else {
            return;
        };
        assert_eq!(status, 201, "unexpected answer: {json}");
        let contact_id = json["id"].as_str().unwrap().to_owned();
        let mut l = ledger.lock().unwrap();
        l.in_doubt.remove(&key);
        if let Some(earlier) = l.acked.insert(key.clone(), contact_id.clone()) {
            assert_eq!(
                earlier, contact_id,
                "a key was acknowledged with two different contacts"
            );
        }
    }
}

struct Check {
    acked: usize,
    lost: usize,
    duplicated: usize,
    missing_audit: usize,
    integrity_failures: usize,
    in_doubt_present: usize,
}

async fn check_sqlite(path: &std::path::Path, ledger: &Ledger) -> Check {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let integrity: Vec<String> = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    let keys: BTreeMap<String, Vec<u8>> = sqlx::query("SELECT key, record_id FROM idempotency_key")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>("key"), r.get::<Vec<u8>, _>("record_id")))
        .collect();
    let contacts: Vec<Vec<u8>> = sqlx::query("SELECT id FROM contact")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let audited: BTreeMap<Vec<u8>, i64> = sqlx::query(
        "SELECT record_id, COUNT(*) AS n FROM audit_log WHERE record_kind = 'contact' AND action = 'create' GROUP BY record_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get::<Vec<u8>, _>("record_id"), r.get::<i64, _>("n")))
    .collect();
    tally(
        ledger,
        &keys,
        &contacts,
        &audited,
        integrity.iter().filter(|l| *l != "ok").count(),
        |b| uuid_text(b),
    )
}

fn uuid_text(bytes: &[u8]) -> String {
    uuid::Uuid::from_slice(bytes).unwrap().to_string()
}

fn tally<K: Ord + Clone>(
    ledger: &Ledger,
    keys: &BTreeMap<String, K>,
    contacts: &[K],
    audited: &BTreeMap<K, i64>,
    integrity_failures: usize,
    show: impl Fn(&K) -> String,
) -> Check {
    let contact_set: BTreeSet<&K> = contacts.iter().collect();
    let mut lost = 0;
    for (key, id) in &ledger.acked {
        match keys.get(key) {
            Some(stored) if show(stored) == *id && contact_set.contains(stored) => {}
            _ => lost += 1,
        }
    }
    // Every contact belongs to exactly one key, and has exactly one audit entry.
    let duplicated =
        contacts.len().saturating_sub(keys.len()) + (contacts.len() - contact_set.len());
    let missing_audit = contacts
        .iter()
        .filter(|c| audited.get(*c) != Some(&1))
        .count();
    let in_doubt_present = ledger
        .in_doubt
        .iter()
        .filter(|k| keys.contains_key(*k))
        .count();
    Check {
        acked: ledger.acked.len(),
        lost,
        duplicated,
        missing_audit,
        integrity_failures,
        in_doubt_present,
    }
}

async fn kill_loop(db: &str, token: &str, cycles: usize) -> (Arc<Mutex<Ledger>>, Duration) {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let started = Instant::now();
    for cycle in 0..cycles {
        let server = Server::start(db, &[]);
        let clients: Vec<_> = (0..CLIENTS)
            .map(|id| {
                tokio::spawn(client(
                    server.base.clone(),
                    token.to_owned(),
                    id,
                    cycle,
                    ledger.clone(),
                ))
            })
            .collect();
        // Let the writers run for a varying while, then pull the plug.
        let ms = 300 + (cycle * 37 % 400) as u64;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        server.kill();
        for c in clients {
            c.await.unwrap();
        }
    }
    (ledger, started.elapsed())
}

fn verdict(name: &str, cycles: usize, elapsed: Duration, c: &Check, ledger: &Ledger) {
    let text = format!(
        "{name}: {cycles} kill -9 cycles in {:.1} s, {CLIENTS} concurrent writers: {} acknowledged writes, {} lost, \
         {} duplicated, {} without their audit entry, {} integrity failures ({} unacknowledged writes in doubt at a \
         kill, {} of which were committed)",
        elapsed.as_secs_f64(),
        c.acked,
        c.lost,
        c.duplicated,
        c.missing_audit,
        c.integrity_failures,
        ledger.in_doubt.len(),
        c.in_doubt_present,
    );
    report(name, &text);
    assert_eq!(c.lost, 0, "{text}");
    assert_eq!(c.duplicated, 0, "{text}");
    assert_eq!(c.missing_audit, 0, "{text}");
    assert_eq!(c.integrity_failures, 0, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let db = format!("sqlite://{}", path.display());
    let token = user_with_token(&db, "crash-writer", "mash-worker", "213");
    let n = cycles();
    let (ledger, elapsed) = kill_loop(&db, &token, n).await;
    // One last start, so a recovery that only happens on open is counted too.
    Server::start(&db, &[]).kill();
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let check = check_sqlite(&path, &ledger).await;
    verdict("crash-sqlite", n, elapsed, &check, &ledger);
    assert!(
        check.acked >= 5_000,
        "too few acknowledged writes to mean much: {}",
        check.acked
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_on_postgres() {
    if !store_tests::pg_configured("acknowledged_writes_survive_kill_9_on_postgres") {
        return;
    }
    let pg = store_tests::PgTestDb::create().await.unwrap();
    let token = user_with_token(&pg.url, "crash-writer", "mash-worker", "213");
    let n = (cycles() / 3).max(10);
    let (ledger, elapsed) = kill_loop(&pg.url, &token, n).await;
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let mut conn = sqlx::PgConnection::connect(&pg.url).await.unwrap();
    let keys: BTreeMap<String, uuid::Uuid> =
        sqlx::query("SELECT key, record_id FROM idempotency_key")
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("key"), r.get("record_id")))
            .collect();
    let contacts: Vec<uuid::Uuid> = sqlx::query("SELECT id FROM contact")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let audited: BTreeMap<uuid::Uuid, i64> = sqlx::query(
        "SELECT record_id, COUNT(*) AS n FROM audit_log WHERE record_kind = 'contact' AND action = 'create' GROUP BY record_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("record_id"), r.get("n")))
    .collect();
    drop(conn);
    let check = tally(&ledger, &keys, &contacts, &audited, 0, |u| u.to_string());
    verdict("crash-postgres", n, elapsed, &check, &ledger);
}
