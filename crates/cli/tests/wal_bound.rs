//! Issue 16, item 8: the SQLite `-wal` file stays bounded under continuous audited reads. Every read of a
//! child's record commits its audit entry, so sixteen clients reading records without a pause are also a steady
//! stream of commits with readers always present: the load under which a PASSIVE checkpoint alone let the file
//! grow by hundreds of megabytes. The file's size is sampled every 50 ms while the clients read; its largest
//! size must stay under 64 MB, and after the load it is back under the limit the server sets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row};
use support::{Server, report, token_for};

const CLIENTS: usize = 16;
const SECONDS: u64 = 20;
const MB: f64 = 1024.0 * 1024.0;

async fn children(path: &std::path::Path) -> Vec<String> {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "SELECT id FROM person WHERE la = '213' AND is_child = 1 AND restricted = 0 LIMIT 200",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        uuid::Uuid::from_slice(&r.get::<Vec<u8>, _>("id"))
            .unwrap()
            .to_string()
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_wal_stays_bounded_under_continuous_audited_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.db");
    let db = format!("sqlite://{}", path.display());
    let server = Server::start(&db, &["--demo", "--demo-children", "300"]);
    let token = token_for(&db, "social-worker-213");
    let ids = Arc::new(children(&path).await);
    assert!(ids.len() > 50);
    let wal = dir.path().join("wal.db-wal");
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (base, token, ids, stop, reads) = (
                server.base.clone(),
                token.clone(),
                ids.clone(),
                stop.clone(),
                reads.clone(),
            );
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut i = n;
                while !stop.load(Ordering::Relaxed) {
                    i = (i + 7) % ids.len();
                    let r = http
                        .get(format!("{base}/api/v1/children/{}", ids[i]))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    r.bytes().await.unwrap();
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    let mut largest = 0u64;
    while started.elapsed() < Duration::from_secs(SECONDS) {
        largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    // A moment for the checkpointer to catch up once the load is gone.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    server.kill();
    let n = reads.load(Ordering::Relaxed);
    let text = format!(
        "wal-bound: {CLIENTS} clients reading children's records for {SECONDS} s: {n} audited reads ({:.0}/s, each a \
         commit); the -wal file at most {:.1} MB (bound 64 MB), {:.1} MB after the load (limit {:.0} MB)",
        n as f64 / SECONDS as f64,
        largest as f64 / MB,
        after as f64 / MB,
        store_sqlite::WAL_SIZE_LIMIT as f64 / MB
    );
    report("wal-bound", &text);
    assert!(n > 1_000, "too few reads to mean much: {text}");
    assert!((largest as f64) < 64.0 * MB, "{text}");
    assert!(after as i64 <= store_sqlite::WAL_SIZE_LIMIT, "{text}");
}
