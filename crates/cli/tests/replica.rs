//! Issue 17 item 4: a read replica. The test makes a PostgreSQL server of its own and a hot standby streaming
//! from it (`pg_basebackup -R`, on another port), and runs `frontdoor serve --db-replica` against the pair. A
//! MASH worker records contacts about new children and at once searches for each child and opens the MASH
//! worklist, which may read from the replica:
//! - with the replica streaming, the reads are served there (its own `pg_stat_database` counts them) and find
//!   the child at once;
//! - with the replica's replay paused (so it lacks the newest child), the reads still find the child, because a
//!   replica read waits for the replica to reach the primary's position and otherwise reads from the primary;
//! - with the replica stopped, the reads go on from the primary;
//! - every one of those reads has its audit entry on the primary (by the request id the server answered with),
//!   and `frontdoor audit verify` passes.
//!
//! A replica URL that names a primary is refused at start. Figures: `target/reports/replica.txt`. Runs when
//! `FRONTDOOR_TEST_PG` is set and this machine has PostgreSQL's server binaries.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};
use support::cluster::Cluster;
use support::{Server, report, run, user_with_token};

/// What the worker sees of one child: found by search, and the contact on the MASH worklist.
struct Reads {
    found: bool,
    on_worklist: bool,
    request_ids: Vec<String>,
}

struct Worker {
    http: reqwest::Client,
    base: String,
    token: String,
    recorded: usize,
}

impl Worker {
    /// Record a contact about a new child with this surname; the contact's id.
    async fn record(&mut self, last_name: &str) -> String {
        self.recorded += 1;
        let response = self
            .http
            .post(format!("{}/api/v1/contacts", self.base))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", format!("replica-{last_name}"))
            .json(&serde_json::json!({
                "la": "213",
                "received_at": "2024-05-03T15:55:00Z",
                "source": "2A",
                "referrer": {"name": "Replica test", "agency": "education"},
                "child": {"first_name": "Mirror", "last_name": last_name, "date_of_birth": "2017-02-01"},
                "concerns": "Synthetic contact written by the read replica test"
            }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, 201, "recording a contact: {json}");
        json["id"].as_str().unwrap().to_owned()
    }

    /// Search for the child and open the MASH worklist.
    async fn read(&self, last_name: &str, contact: &str) -> Reads {
        let mut request_ids = Vec::new();
        let get = |path: String| {
            let request = self
                .http
                .get(format!("{}{path}", self.base))
                .bearer_auth(&self.token);
            async move {
                let response = request.send().await.unwrap();
                let status = response.status();
                let id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let json: serde_json::Value = response.json().await.unwrap();
                assert_eq!(status, 200, "{path}: {json}");
                (json, id.expect("x-request-id"))
            }
        };
        let (children, id) = get(format!("/api/v1/children?q={last_name}")).await;
        request_ids.push(id);
        let found = children
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["last_name"].as_str() == Some(last_name));
        let (worklist, id) = get("/api/v1/worklists/mash?la=213".to_owned()).await;
        request_ids.push(id);
        let on_worklist = worklist.to_string().contains(contact);
        Reads {
            found,
            on_worklist,
            request_ids,
        }
    }
}

/// Transactions the replica has rolled back in the database: each read it served ends in one (read-only
/// transactions end with ROLLBACK), and nothing else the app does there does.
async fn replica_reads(replica: &mut PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(replica)
    .await
    .unwrap()
}

/// Wait until the replica's statistics (flushed by its backends about once a second) count `at_least`.
async fn wait_for_replica_reads(replica: &mut PgConnection, at_least: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = replica_reads(replica).await;
        if n >= at_least || Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn searches_and_worklists_read_from_a_replica_that_has_caught_up() {
    if !store_tests::pg_configured("searches_and_worklists_read_from_a_replica_that_has_caught_up")
    {
        return;
    }
    let Some(primary) = Cluster::create() else {
        println!(
            "replica: skipped (no PostgreSQL server binaries under /usr/lib/postgresql to run a streaming replica)"
        );
        return;
    };
    let mut admin = PgConnection::connect(&primary.url("postgres"))
        .await
        .unwrap();
    sqlx::query("CREATE DATABASE frontdoor")
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let db = primary.url("frontdoor");
    // Migrates the database and adds the worker, before the replica copies it.
    let token = user_with_token(&db, "replica-reader", "mash-worker", "213");

    // A replica URL that names a primary is refused: reads there would not follow the writes.
    let (code, _, err) = run(&["migrate", "--db-replica", &db], &db, None);
    assert_ne!(code, 0, "a primary was accepted as a replica");
    assert!(err.contains("not a standby"), "{err}");

    let replica = primary.replica();
    let replica_url = replica.url("frontdoor");
    let server = Server::start(&db, &["--db-replica", &replica_url]);
    let mut on_replica = PgConnection::connect(&replica_url).await.unwrap();
    let mut worker = Worker {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        base: server.base.clone(),
        token,
        recorded: 0,
    };
    let mut request_ids: BTreeSet<String> = BTreeSet::new();
    let mut missed = Vec::new();

    // 1. Streaming: each child recorded is found at once, and the reads are the replica's.
    let before = replica_reads(&mut on_replica).await;
    let streaming = 10;
    for n in 0..streaming {
        let last_name = format!("Streamed{}", char::from(b'a' + n as u8));
        let contact = worker.record(&last_name).await;
        let reads = worker.read(&last_name, &contact).await;
        if !(reads.found && reads.on_worklist) {
            missed.push(last_name);
        }
        request_ids.extend(reads.request_ids);
    }
    let served = wait_for_replica_reads(&mut on_replica, before + 2 * streaming).await - before;

    // 2. Replay paused: the replica lacks the newest child, and the reads find it all the same (from the primary).
    sqlx::query("SELECT pg_wal_replay_pause()")
        .execute(&mut on_replica)
        .await
        .unwrap();
    // Replay checks for the request before each WAL record it applies, so nothing written from now on is
    // applied (the state reads `pause requested` until a record arrives, then `paused`).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state: String = sqlx::query_scalar("SELECT pg_get_wal_replay_pause_state()")
            .fetch_one(&mut on_replica)
            .await
            .unwrap();
        if state != "not paused" {
            break;
        }
        assert!(Instant::now() < deadline, "replay did not pause: {state}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let paused = 3;
    let mut absent_from_replica = 0;
    let paused_started = Instant::now();
    for n in 0..paused {
        let last_name = format!("Paused{}", char::from(b'a' + n as u8));
        let contact = worker.record(&last_name).await;
        let on_standby: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM person WHERE last_name = $1")
                .bind(&last_name)
                .fetch_one(&mut on_replica)
                .await
                .unwrap();
        if on_standby == 0 {
            absent_from_replica += 1;
        }
        let reads = worker.read(&last_name, &contact).await;
        if !(reads.found && reads.on_worklist) {
            missed.push(last_name);
        }
        request_ids.extend(reads.request_ids);
    }
    let paused_ms = paused_started.elapsed().as_millis() / paused as u128;
    sqlx::query("SELECT pg_wal_replay_resume()")
        .execute(&mut on_replica)
        .await
        .unwrap();

    // 3. Replay resumed: the replica catches up and serves again.
    let before_resumed = replica_reads(&mut on_replica).await;
    let contact = worker.record("Resumed").await;
    let reads = worker.read("Resumed", &contact).await;
    if !(reads.found && reads.on_worklist) {
        missed.push("Resumed".into());
    }
    request_ids.extend(reads.request_ids);
    let served_resumed =
        wait_for_replica_reads(&mut on_replica, before_resumed + 2).await - before_resumed;
    on_replica.close().await.unwrap();

    // 4. The replica stops: the reads go on from the primary.
    replica.stop();
    let contact = worker.record("Stopped").await;
    let reads = worker.read("Stopped", &contact).await;
    if !(reads.found && reads.on_worklist) {
        missed.push("Stopped".into());
    }
    request_ids.extend(reads.request_ids);
    server.kill();

    // Every read has its audit entry on the primary, and the chain verifies.
    let mut conn = PgConnection::connect(&db).await.unwrap();
    let audited: BTreeSet<String> = sqlx::query_scalar(
        "SELECT DISTINCT request_id FROM audit_log WHERE request_id IS NOT NULL AND action = 'search'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .collect();
    conn.close().await.unwrap();
    let without_entry = request_ids.difference(&audited).count();
    let (code, out, err) = run(&["audit", "verify"], &db, None);

    let text = format!(
        "replica: a hot standby streaming from the test's own server; {} contacts recorded through the primary, \
         each child searched for and the MASH worklist read at once ({} reads): streaming, {served} of {} reads \
         served by the replica; replay paused, {absent_from_replica} of {paused} children absent from the replica \
         and found all the same (from the primary, {paused_ms} ms per contact, record and reads); resumed, \
         {served_resumed} of 2 served by the replica; replica stopped, read from the primary; {} missed; \
         {without_entry} reads without their audit entry on the primary; audit verify: {}; a primary given as \
         the replica was refused",
        worker.recorded,
        request_ids.len(),
        2 * streaming,
        missed.len(),
        if code == 0 { "passed" } else { "FAILED" },
    );
    report("replica", &text);
    assert!(missed.is_empty(), "{text}: {missed:?}");
    assert_eq!(without_entry, 0, "{text}");
    assert_eq!(code, 0, "{text}\n{out}\n{err}");
    assert!(served >= 2 * streaming, "{text}");
    assert_eq!(absent_from_replica, paused, "{text}");
    assert!(served_resumed >= 2, "{text}");
}
