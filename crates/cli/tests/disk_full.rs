//! RELIABILITY.md D3 on PostgreSQL: the disk fills up. The database lives in a tablespace of its own on a small
//! filesystem (a tmpfs the test mounts; the server's write-ahead log stays on its own disk, as a council's would
//! on a separate volume), which writes through `frontdoor serve` fill until PostgreSQL cannot extend a table
//! (SQLSTATE 53100, "No space left on device"). Eight clients keep writing contacts with idempotency keys. No
//! write refused may be answered 2xx or be present afterwards, none may be half done, no error may show the
//! server's internals, and once space returns (the filesystem is made larger while the server runs) the same
//! server takes writes again and every refused write, retried with its key, is recorded exactly once. Afterwards
//! amcheck finds nothing and the audit chain verifies.
//!
//! The test needs to mount a filesystem (root) on the machine where the PostgreSQL server runs (it gives the
//! server the directory); where it cannot, it says why and checks nothing. `FRONTDOOR_DISK_FULL_REFUSALS` sets
//! how many refused writes to provoke (200 in the suite, 1,000 in `scripts/reliability`). Figures:
//! `target/reports/disk-full-postgres.txt`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row};
use store::Store;
use support::{Server, report, run, user_with_token};

const CLIENTS: usize = 8;
/// Room left for writes once the database is set up: enough for a few hundred contacts.
const HEADROOM: u64 = 2 << 20;

/// A tmpfs of its own, owned by the PostgreSQL server's user; unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
    _parent: tempfile::TempDir,
}

fn command(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl SmallDisk {
    fn mount(bytes: u64) -> Result<SmallDisk, String> {
        let uid = command("id", &["-u", "postgres"])?;
        let gid = command("id", &["-g", "postgres"])?;
        let parent = tempfile::Builder::new()
            .prefix("frontdoor-disk-full-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let dir = parent.path().join("tablespace");
        std::fs::create_dir(&dir).map_err(|e| e.to_string())?;
        // The server must reach the directory through its parent.
        command("chmod", &["755", &parent.path().display().to_string()])?;
        command(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={bytes},mode=0700,uid={uid},gid={gid}"),
                "frontdoor-disk-full",
                &dir.display().to_string(),
            ],
        )?;
        Ok(SmallDisk {
            dir,
            _parent: parent,
        })
    }

    /// Make the filesystem `bytes` large (smaller than what it holds refuses every new block).
    fn resize(&self, bytes: u64) {
        command(
            "mount",
            &[
                "-o",
                &format!("remount,size={bytes}"),
                &self.dir.display().to_string(),
            ],
        )
        .unwrap();
    }

    fn used(&self) -> u64 {
        command(
            "df",
            &["--output=used", "-B1", &self.dir.display().to_string()],
        )
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = command("umount", &["-l", &self.dir.display().to_string()]);
    }
}

/// A database whose tablespace is `disk`, on the `FRONTDOOR_TEST_PG` server; dropped (with the tablespace)
/// when this is.
struct SmallDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl SmallDatabase {
    async fn create(admin_url: &str, disk: &Path) -> Result<SmallDatabase, String> {
        let name = format!("frontdoor_full_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .map_err(|e| e.to_string())?;
        for sql in [
            format!("CREATE TABLESPACE {name} LOCATION '{}'", disk.display()),
            format!("CREATE DATABASE {name} TABLESPACE {name}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
                .map_err(|e| {
                    format!("the PostgreSQL server cannot use a directory of this machine: {e}")
                })?;
        }
        Ok(SmallDatabase {
            url: store_tests::replace_database(admin_url, &name),
            admin_url: admin_url.to_owned(),
            name,
        })
    }
}

impl Drop for SmallDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    for sql in [
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                        format!("DROP TABLESPACE IF EXISTS {name}"),
                    ] {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                            .execute(&mut admin)
                            .await;
                    }
                }
            });
        })
        .join();
    }
}

fn body(key: &str) -> serde_json::Value {
    serde_json::json!({
        "la": "213",
        "received_at": "2024-05-03T15:55:00Z",
        "source": "2A",
        "referrer": {"name": "Disk-full test", "agency": "education"},
        "child": {"first_name": "Disk", "last_name": key, "date_of_birth": "2018-01-01"},
        "concerns": "Synthetic contact written by the disk-full test"
    })
}

/// What the clients learnt: acknowledged keys with the contact the server returned, refused keys, the statuses
/// of refusals, and refusal bodies that showed something of the server's insides.
#[derive(Clone, Default)]
struct Ledger {
    acked: BTreeMap<String, String>,
    refused: BTreeSet<String>,
    statuses: BTreeMap<u16, usize>,
    leaks: Vec<String>,
}

/// What a refusal must never show: the database's message, a file, the SQL state.
const INTERNALS: [&str; 6] = [
    "No space left",
    "could not extend",
    "pg_tblspc",
    "53100",
    "/tmp/",
    "base/",
];

/// One POST of a contact, recorded in the ledger. Panics when the server does not answer at all.
async fn post(http: &reqwest::Client, base: &str, token: &str, key: &str, ledger: &Mutex<Ledger>) {
    let response = http
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body(key))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{key}: no answer from the server: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let mut l = ledger.lock().unwrap();
    if (200..300).contains(&status) {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let id = json["id"]
            .as_str()
            .expect("a 2xx names the contact")
            .to_owned();
        l.refused.remove(key);
        if let Some(earlier) = l.acked.insert(key.to_owned(), id.clone()) {
            assert_eq!(earlier, id, "{key} was acknowledged with two contacts");
        }
    } else {
        *l.statuses.entry(status).or_default() += 1;
        l.refused.insert(key.to_owned());
        if INTERNALS.iter().any(|i| text.contains(i)) {
            l.leaks.push(format!("{status}: {text}"));
        }
    }
}

/// What the database holds, against the ledger.
#[derive(Debug, Default)]
struct Check {
    lost: usize,
    refused_present: usize,
    /// Contacts without exactly one key and one audit 'create' entry, and keys naming no contact.
    partial: usize,
    contacts: usize,
}

async fn check(url: &str, ledger: &Ledger) -> Check {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let keys: BTreeMap<String, uuid::Uuid> =
        sqlx::query("SELECT key, record_id FROM idempotency_key WHERE record_kind = 'contact'")
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    let contacts: BTreeSet<uuid::Uuid> = sqlx::query("SELECT id FROM contact")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let audited: BTreeMap<uuid::Uuid, i64> = sqlx::query(
        "SELECT record_id, COUNT(*) FROM audit_log WHERE record_kind = 'contact' AND action = 'create' \
         GROUP BY record_id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let keyed: BTreeMap<&uuid::Uuid, usize> = keys.values().fold(BTreeMap::new(), |mut m, id| {
        *m.entry(id).or_default() += 1;
        m
    });
    let lost = ledger
        .acked
        .iter()
        .filter(|(key, id)| {
            !matches!(keys.get(*key), Some(stored) if stored.to_string() == **id && contacts.contains(stored))
        })
        .count();
    let partial = contacts
        .iter()
        .filter(|id| keyed.get(id) != Some(&1) || audited.get(*id) != Some(&1))
        .count()
        + keys.values().filter(|id| !contacts.contains(id)).count()
        + audited.keys().filter(|id| !contacts.contains(id)).count();
    Check {
        lost,
        refused_present: ledger
            .refused
            .iter()
            .filter(|k| keys.contains_key(*k))
            .count(),
        partial,
        contacts: contacts.len(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_never_acknowledges_a_refused_write_on_postgres() {
    if !store_tests::pg_configured("a_full_disk_never_acknowledges_a_refused_write_on_postgres") {
        return;
    }
    let admin_url = std::env::var("FRONTDOOR_TEST_PG").unwrap();
    let disk = match SmallDisk::mount(64 << 20) {
        Ok(disk) => disk,
        Err(why) => {
            report(
                "disk-full-postgres",
                &format!(
                    "disk-full-postgres: not run here: cannot mount a small filesystem ({why})"
                ),
            );
            return;
        }
    };
    let db = match SmallDatabase::create(&admin_url, &disk.dir).await {
        Ok(db) => db,
        Err(why) => {
            report(
                "disk-full-postgres",
                &format!("disk-full-postgres: not run here: {why}"),
            );
            return;
        }
    };
    let target = std::env::var("FRONTDOOR_DISK_FULL_REFUSALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200usize);
    let token = user_with_token(&db.url, "disk-writer", "mash-worker", "213");
    let server = Server::start_logging(&db.url, &[], "off");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    // One write so that every table a contact touches has its first pages, then the disk shrinks to just above
    // what the database holds.
    post(&http, &server.base, &token, "first", &ledger).await;
    assert_eq!(
        ledger.lock().unwrap().acked.len(),
        1,
        "the first write failed"
    );
    let set_up = disk.used();
    disk.resize(set_up + HEADROOM);

    // Writers until enough writes have been refused.
    let started = Instant::now();
    let mut rounds = 0;
    while ledger.lock().unwrap().refused.len() < target {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "too few writes refused in 300 s on a full disk: {:?}",
            ledger.lock().unwrap().statuses
        );
        let clients: Vec<_> = (0..CLIENTS)
            .map(|id| {
                let (http, base, token, ledger) = (
                    http.clone(),
                    server.base.clone(),
                    token.clone(),
                    ledger.clone(),
                );
                tokio::spawn(async move {
                    for n in 0..10 {
                        post(
                            &http,
                            &base,
                            &token,
                            &format!("w{id}-{rounds}-{n}"),
                            &ledger,
                        )
                        .await;
                    }
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        rounds += 1;
    }
    let filling = started.elapsed();
    let (acked_while_filling, refused) = {
        let l = ledger.lock().unwrap();
        (l.acked.len(), l.refused.len())
    };
    let snapshot = ledger.lock().unwrap().clone();
    let full = check(&db.url, &snapshot).await;

    // Space returns, with the server still running: the next write must succeed.
    disk.resize(set_up + (64 << 20));
    let recovered_at = Instant::now();
    let mut probes = 0;
    loop {
        probes += 1;
        let key = format!("probe-{probes}");
        post(&http, &server.base, &token, &key, &ledger).await;
        if ledger.lock().unwrap().acked.contains_key(&key) {
            break;
        }
        assert!(
            probes < 50,
            "the server does not take writes again once space returns"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovery = recovered_at.elapsed();
    // Every refused write, retried with its key, is recorded exactly once.
    let retry: Vec<String> = ledger.lock().unwrap().refused.iter().cloned().collect();
    for key in &retry {
        post(&http, &server.base, &token, key, &ledger).await;
    }
    let still_refused = ledger.lock().unwrap().refused.len();
    let snapshot = ledger.lock().unwrap().clone();
    let after = check(&db.url, &snapshot).await;
    drop(server);

    let store = store_postgres::open(&db.url).await.unwrap();
    let amcheck = store.integrity_check().await.unwrap();
    store.backend().close().await;
    let (code, verified, err) = run(&["audit", "verify"], &db.url, None);
    let chain_intact = code == 0 && verified.contains("intact");
    let ledger = ledger.lock().unwrap();
    let text = format!(
        "disk-full-postgres: the database's tablespace on a {:.1} MB filesystem ({:.1} MB free for writes), \
         {CLIENTS} writers over HTTP for {:.1} s: {acked_while_filling} writes acknowledged, {refused} refused \
         (statuses {:?}); refused but present: {}; acknowledged but missing: {}; partial writes: {}; error bodies \
         showing internals: {}. Space returned while the server ran: writes taken again after {} probe(s) \
         ({} ms); the {} refused writes retried with their keys: {} refused again, acknowledged but missing {}, \
         partial {}; {} contacts in all; amcheck problems: {}; audit chain intact: {}",
        (set_up + HEADROOM) as f64 / 1e6,
        HEADROOM as f64 / 1e6,
        filling.as_secs_f64(),
        ledger.statuses,
        full.refused_present,
        full.lost,
        full.partial,
        ledger.leaks.len(),
        probes,
        recovery.as_millis(),
        retry.len(),
        still_refused,
        after.lost,
        after.partial,
        after.contacts,
        amcheck.len(),
        if chain_intact { "yes" } else { "no" },
    );
    report("disk-full-postgres", &text);
    assert!(
        ledger.statuses.keys().all(|s| *s == 503),
        "a refusal for want of space is a 503 (try again later): {text}"
    );
    assert!(ledger.leaks.is_empty(), "{text}\n{:?}", ledger.leaks);
    assert_eq!(full.refused_present, 0, "{text}");
    assert_eq!(full.lost + after.lost, 0, "{text}");
    assert_eq!(full.partial + after.partial, 0, "{text}");
    assert_eq!(still_refused, 0, "{text}");
    assert!(amcheck.is_empty(), "{text}\n{amcheck:?}");
    assert!(chain_intact, "{text}\n{verified}{err}");
}
