//! RELIABILITY.md D2 and D3 on SQLite, through a test-only SQLite VFS (`crates/crash-vfs`, modelled on SQLite's
//! crash-test VFS) registered as the default for the whole test process, so the store's rusqlite and sqlx
//! connections all use it.
//!
//! D2, simulated power loss: eight clients write contacts (with idempotency keys) through the real app over HTTP;
//! the power is cut at a random moment, or at a random sync (when a commit or a checkpoint has written everything
//! and waits for the disk). From then on every operation on the database's files fails, so nothing later can be
//! acknowledged, and the disk a reboot would find is built from what had been synced plus a random part of what had
//! not (each unsynced 4 KiB sector kept, lost, or garbage). The next cycle opens that disk and checks it in full:
//! every acknowledged write is there with its idempotency key and exactly one audit entry, nothing is duplicated,
//! `PRAGMA integrity_check` passes, and the audit chain verifies. Keys in doubt at a cut are retried with the same
//! key. A second checkpointer runs every few milliseconds so that cuts also land inside checkpoints and WAL
//! restarts. A control run with raw connections shows the harness bites: `synchronous=NORMAL` (which the store
//! refuses) loses acknowledged commits, FULL does not.
//!
//! D3, I/O faults: the same VFS makes writes fail with SQLITE_FULL (as ENOSPC appears) or SQLITE_IOERR_WRITE and
//! syncs with SQLITE_IOERR_FSYNC while clients write. No write whose commit failed may be answered 2xx, none may be
//! left half done, the same server must take writes again once the faults stop, every failed write retried with its
//! key must be recorded exactly once, and a power cut afterwards that drops everything unsynced must lose nothing
//! that was acknowledged.
//!
//! Counts: `FRONTDOOR_POWER_LOSS_CYCLES` cuts (100 in the test suite; RELIABILITY.md's 500 in
//! `scripts/reliability`), `FRONTDOOR_POWER_LOSS_CONTROL_CYCLES` cuts of each control (20; 40), and
//! `FRONTDOOR_IO_FAULTS` faults (250; 1,000).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crash_vfs::{Cut, FaultCounts, Faults, Rng};
use domain::audit::Actor;
use domain::codes::Role;
use rusqlite::OpenFlags;
use service::Services;
use store::Store;
use store_sqlite::SqliteStore;
use support::{la, new_user, report};
use web::startup::{Application, Settings};

const CLIENTS: usize = 8;
const DB: &str = "frontdoor.db";

/// The tests share the VFS's lock and two cores: run them one at a time so their timings mean something.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn cycles() -> usize {
    env_usize("FRONTDOOR_POWER_LOSS_CYCLES", 100)
}

/// The seed of the choices the test makes (printed, so a failing run's choices can be made again; the
/// interleaving of threads cannot).
fn seed() -> u64 {
    std::env::var("FRONTDOOR_POWER_LOSS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// Make the crash VFS SQLite's default before any connection of this process opens.
fn install_vfs() {
    crash_vfs::install();
    assert!(
        crash_vfs::is_default(),
        "the crash VFS is not SQLite's default"
    );
}

fn body(key: &str) -> serde_json::Value {
    serde_json::json!({
        "la": "213",
        "received_at": "2024-05-03T15:55:00Z",
        "source": "2A",
        "referrer": {"name": "Power-loss test", "agency": "education"},
        "child": {"first_name": "Power", "last_name": key, "date_of_birth": "2018-01-01"},
        "concerns": "Synthetic contact written by the power-loss test"
    })
}

/// The app on `store`, serving on a free port until this is dropped.
struct Server {
    base: String,
    services: Services<SqliteStore>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(store: SqliteStore) -> Server {
    let app = Application::build(
        Services::new(store),
        Settings::at(SocketAddr::from(([127, 0, 0, 1], 0))),
    )
    .await
    .unwrap();
    let base = format!("http://{}", app.address());
    let services = app.services().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Server {
        base,
        services,
        _stop: stop,
    }
}

/// A MASH worker for local authority 213 and their API token.
async fn writer_token(services: &Services<SqliteStore>) -> String {
    let system = Actor::system("power-loss test");
    services
        .ensure_local_authorities(&system, &[la("213")])
        .await
        .unwrap();
    services
        .add_user(
            &system,
            new_user("power-writer", Role::MashWorker, &["213"]),
        )
        .await
        .unwrap();
    services
        .create_api_token(&system, "power-writer")
        .await
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// One POST of a contact: the status and the contact's id if it was recorded (2xx).
async fn post_contact(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    key: &str,
) -> Result<(u16, Option<String>), reqwest::Error> {
    let response = http
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body(key))
        .send()
        .await?;
    let status = response.status().as_u16();
    let json = response.json::<serde_json::Value>().await?;
    let id = json["id"].as_str().map(str::to_owned);
    if (200..300).contains(&status) {
        assert!(id.is_some(), "a 2xx without the contact's id: {json}");
    }
    Ok((status, id.filter(|_| (200..300).contains(&status))))
}

/// What the clients learnt: acknowledged keys with the contact id the server returned, keys whose fate is unknown
/// (sent, no 2xx before the power went), and (D3) keys whose request was answered with an error.
#[derive(Default)]
struct Ledger {
    acked: BTreeMap<String, String>,
    in_doubt: BTreeSet<String>,
    failed: BTreeSet<String>,
    statuses: BTreeMap<u16, usize>,
}

impl Ledger {
    fn ack(&mut self, key: &str, id: String) {
        self.in_doubt.remove(key);
        if let Some(earlier) = self.acked.insert(key.to_owned(), id.clone()) {
            assert_eq!(
                earlier, id,
                "a key was acknowledged with two different contacts"
            );
        }
    }
}

/// One D2 client: write until the power goes (the first answer that is not 201), then stop. Retries its in-doubt
/// keys first (same key). An error answered while the power to `dir` was still on is counted in `early`.
async fn power_client(
    base: String,
    token: String,
    id: usize,
    cycle: usize,
    ledger: Arc<Mutex<Ledger>>,
    dir: PathBuf,
    early: Arc<AtomicUsize>,
) {
    let http = http();
    let prefix = format!("c{id}-");
    let mut retry: Vec<String> = ledger
        .lock()
        .unwrap()
        .in_doubt
        .iter()
        .filter(|k| k.starts_with(&prefix))
        .cloned()
        .collect();
    let mut n = 0;
    loop {
        let key = retry.pop().unwrap_or_else(|| {
            n += 1;
            format!("c{id}-{cycle}-{n}")
        });
        ledger.lock().unwrap().in_doubt.insert(key.clone());
        match post_contact(&http, &base, &token, &key).await {
            Ok((201, Some(contact))) => ledger.lock().unwrap().ack(&key, contact),
            other => {
                if !crash_vfs::is_cut(&dir) {
                    early.fetch_add(1, Ordering::SeqCst);
                    eprintln!("power-loss: {key} failed before the power cut: {other:?}");
                }
                return;
            }
        }
    }
}

/// What one database holds, read with a connection of its own.
struct Contents {
    /// Idempotency key → the contact it names.
    keys: BTreeMap<String, Vec<u8>>,
    contacts: Vec<Vec<u8>>,
    /// Contact → its audit 'create' entries.
    audited: BTreeMap<Vec<u8>, i64>,
}

fn read_contents(path: &Path) -> rusqlite::Result<Contents> {
    let conn = rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let keys = conn
        .prepare("SELECT key, record_id FROM idempotency_key WHERE record_kind = 'contact'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let contacts = conn
        .prepare("SELECT id FROM contact")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let audited = conn
        .prepare(
            "SELECT record_id, COUNT(*) FROM audit_log WHERE record_kind = 'contact' AND action = 'create' \
             GROUP BY record_id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Contents {
        keys,
        contacts,
        audited,
    })
}

fn uuid_text(bytes: &[u8]) -> String {
    uuid::Uuid::from_slice(bytes).unwrap().to_string()
}

/// What one check of a database found.
#[derive(Default)]
struct Check {
    /// Acknowledged keys whose contact is missing (or is another contact).
    lost: BTreeSet<String>,
    /// Contacts with no key of their own, or sharing one.
    duplicated: usize,
    /// Contacts without exactly one audit 'create' entry.
    missing_audit: usize,
    /// Keys that name no contact (half a write).
    dangling_keys: usize,
    /// Keys in doubt (D2) or failed (D3) whose contact is there.
    in_doubt_present: usize,
    failed_present: usize,
    /// What `PRAGMA integrity_check` and the foreign-key check said, if not ok.
    integrity: Vec<String>,
    /// Whether the audit chain verified.
    chain_intact: bool,
}

fn tally(ledger: &Ledger, c: &Contents) -> Check {
    let contact_set: BTreeSet<&Vec<u8>> = c.contacts.iter().collect();
    let lost = ledger
        .acked
        .iter()
        .filter(|(key, id)| {
            !matches!(c.keys.get(*key), Some(stored) if uuid_text(stored) == **id && contact_set.contains(stored))
        })
        .map(|(key, _)| key.clone())
        .collect();
    let keyed: BTreeSet<&Vec<u8>> = c.keys.values().collect();
    let duplicated = c.contacts.iter().filter(|id| !keyed.contains(id)).count()
        + (c.contacts.len() - contact_set.len())
        + (c.keys.len() - keyed.len());
    let missing_audit = c
        .contacts
        .iter()
        .filter(|id| c.audited.get(*id) != Some(&1))
        .count()
        + c.audited
            .keys()
            .filter(|id| !contact_set.contains(id))
            .count();
    let dangling_keys = c
        .keys
        .values()
        .filter(|id| !contact_set.contains(id))
        .count();
    let present = |keys: &BTreeSet<String>| keys.iter().filter(|k| c.keys.contains_key(*k)).count();
    Check {
        lost,
        duplicated,
        missing_audit,
        dangling_keys,
        in_doubt_present: present(&ledger.in_doubt),
        failed_present: present(&ledger.failed),
        integrity: Vec::new(),
        chain_intact: false,
    }
}

/// Check the database the app at `services` has open at `path`: the ledger, integrity, and the audit chain.
async fn check(services: &Services<SqliteStore>, path: &Path, ledger: &Ledger) -> Check {
    let contents = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || read_contents(&path))
            .await
            .unwrap()
    };
    // A database that cannot even be read counts as failing its integrity check, with every write lost.
    let unreadable = |e: &dyn std::fmt::Display| Check {
        lost: ledger.acked.keys().cloned().collect(),
        integrity: vec![format!("unreadable: {e}")],
        ..Check::default()
    };
    let mut check = match &contents {
        Ok(contents) => tally(ledger, contents),
        Err(e) => return unreadable(e),
    };
    check.integrity = match services.store().integrity_check().await {
        Ok(problems) => problems,
        Err(e) => vec![format!("the integrity check failed: {e}")],
    };
    match services.verify_audit_chain(None).await {
        Ok(chain) => {
            check.chain_intact = chain.is_intact();
            if !chain.is_intact() {
                eprintln!("audit chain broken: {:?}", chain.problems);
            }
        }
        Err(e) => eprintln!("the audit chain could not be read: {e}"),
    }
    check
}

/// A second checkpointer, as the store's own does (PASSIVE, now and then TRUNCATE), but every few milliseconds
/// rather than every 250: most cycles are shorter than the store's interval, and a power cut in the middle of a
/// checkpoint or a WAL restart is one of the cases that matter. It runs until `stop`.
fn busy_checkpointer(
    path: PathBuf,
    stop: Arc<AtomicBool>,
    seed: u64,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(conn) = rusqlite::Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ) else {
            return;
        };
        let _ = conn.busy_timeout(Duration::from_millis(20));
        let mut rng = Rng::new(seed);
        while !stop.load(Ordering::SeqCst) {
            let mode = if rng.chance(0.15) {
                "TRUNCATE"
            } else {
                "PASSIVE"
            };
            let _ = conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()));
            std::thread::sleep(Duration::from_millis(2 + rng.below(12)));
        }
    })
}

/// How much of what was unsynced a cut keeps, and how often a lost sector is garbage: a disk may keep none, all,
/// or any part of it.
fn disk_luck(rng: &mut Rng) -> (f64, f64) {
    let keep = match rng.below(4) {
        0 => 0.0,
        1 => 1.0,
        2 => 0.5,
        _ => rng.unit(),
    };
    let trash = if rng.chance(0.3) { 0.5 } else { 0.0 };
    (keep, trash)
}

/// How long the clients write before the power goes: mostly tens of milliseconds, now and then long enough for
/// the store's own checkpointer (every 250 ms) to run.
fn window(rng: &mut Rng) -> Duration {
    if rng.chance(0.08) {
        Duration::from_millis(260 + rng.below(300))
    } else {
        Duration::from_millis(5 + rng.below(70))
    }
}

/// Totals of a run of power cuts.
#[derive(Default)]
struct Totals {
    cut: Cut,
    lost: BTreeSet<String>,
    duplicated: usize,
    missing_audit: usize,
    dangling_keys: usize,
    integrity_failures: usize,
    chain_failures: usize,
    early_failures: usize,
}

impl Totals {
    fn add(&mut self, c: Check) {
        self.lost.extend(c.lost);
        self.duplicated = self.duplicated.max(c.duplicated);
        self.missing_audit = self.missing_audit.max(c.missing_audit);
        self.dangling_keys = self.dangling_keys.max(c.dangling_keys);
        if !c.integrity.is_empty() {
            eprintln!("integrity check failed: {:?}", c.integrity);
            self.integrity_failures += 1;
        }
        if !c.chain_intact {
            self.chain_failures += 1;
        }
    }
}

/// Power cuts in a row on one database before the test starts again from a fresh one: every disk a cut leaves is
/// checked in full (integrity, audit chain, every acknowledged write), so the database is kept small.
const EPOCH: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_power_loss_on_sqlite() {
    let _serial = SERIAL.lock().await;
    install_vfs();
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    // A database with the writer and their token, synced and at rest: each epoch starts from a copy of it.
    let made = root.join("made");
    std::fs::create_dir(&made).unwrap();
    let server = serve(store_sqlite::open_path(&made.join(DB)).await.unwrap()).await;
    let token = writer_token(&server.services).await;
    let template = root.join("template");
    crash_vfs::power_cut(&made, &template, &mut Rng::new(0), 1.0, 0.0).unwrap();
    drop(server);

    let n = cycles();
    let seed = seed();
    let mut rng = Rng::new(seed);
    let early = Arc::new(AtomicUsize::new(0));
    let mut totals = Totals::default();
    let mut acked = 0;
    let mut in_doubt_present = 0;
    let started = Instant::now();
    let mut writing = Duration::ZERO;
    for epoch in 0..n.div_ceil(EPOCH) {
        let steps = EPOCH.min(n - epoch * EPOCH);
        let generation = |k: usize| root.join(format!("e{epoch}-gen{k}"));
        std::fs::create_dir(generation(0)).unwrap();
        for f in std::fs::read_dir(&template).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), generation(0).join(f.file_name())).unwrap();
        }
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        for step in 0..=steps {
            let dir = generation(step);
            let path = dir.join(DB);
            // Reboot: open the disk the last cut left (recovering the WAL), as `frontdoor serve` would.
            let server = serve(store_sqlite::open_path(&path).await.unwrap()).await;
            if step > 0 {
                let l = std::mem::take(&mut *ledger.lock().unwrap());
                let c = check(&server.services, &path, &l).await;
                in_doubt_present += c.in_doubt_present;
                totals.add(c);
                *ledger.lock().unwrap() = l;
            }
            if step >= 2 {
                let _ = std::fs::remove_dir_all(generation(step - 2));
            }
            if step == steps {
                break;
            }
            let cycle = epoch * EPOCH + step;
            let clients: Vec<_> = (0..CLIENTS)
                .map(|id| {
                    tokio::spawn(power_client(
                        server.base.clone(),
                        token.clone(),
                        id,
                        cycle,
                        ledger.clone(),
                        dir.clone(),
                        early.clone(),
                    ))
                })
                .collect();
            let stop = Arc::new(AtomicBool::new(false));
            let checkpointer = busy_checkpointer(path.clone(), stop.clone(), rng.next_u64());
            // Pull the plug: in half the cycles at a sync (as SQLite's crash tests do: a commit or a checkpoint has
            // written everything and waits for the disk), else (or if that sync does not come in time) at a moment
            // the clock chooses, between any two file operations.
            let next = generation(step + 1);
            let (keep, trash) = disk_luck(&mut rng);
            if rng.chance(0.5) {
                crash_vfs::arm(&dir, &next, 1 + rng.below(30), rng.next_u64(), keep, trash);
            }
            let writes_from = Instant::now();
            let deadline = writes_from + window(&mut rng);
            while Instant::now() < deadline && !crash_vfs::is_cut(&dir) {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            writing += writes_from.elapsed();
            totals.cut += crash_vfs::power_cut(&dir, &next, &mut rng, keep, trash).unwrap();
            stop.store(true, Ordering::SeqCst);
            // The dead generation shuts down in the background: its requests fail, its store's threads end.
            drop(server);
            for c in clients {
                c.await.unwrap();
            }
            checkpointer.join().unwrap();
        }
        acked += ledger.lock().unwrap().acked.len();
    }
    let elapsed = started.elapsed();
    totals.early_failures = early.load(Ordering::SeqCst);
    let c = &totals.cut;
    let text = format!(
        "power-loss-sqlite: {n} power cuts in {:.1} s ({:.1} s of writing; a fresh database every {EPOCH}), \
         {CLIENTS} concurrent writers over HTTP: {acked} acknowledged writes, {} lost, {} duplicated, {} without \
         exactly one audit entry, {} keys without their contact, {} integrity failures, {} audit-chain failures, {} \
         errors before a cut; {} cuts struck at a sync; unsynced at the cuts: {} writes and {} truncates/extensions, \
         of their 4 KiB sectors {} kept, {} dropped, {} garbage ({in_doubt_present} unacknowledged writes in doubt \
         at a cut were found committed; seed {seed})",
        elapsed.as_secs_f64(),
        writing.as_secs_f64(),
        totals.lost.len(),
        totals.duplicated,
        totals.missing_audit,
        totals.dangling_keys,
        totals.integrity_failures,
        totals.chain_failures,
        totals.early_failures,
        c.at_sync,
        c.writes,
        c.resizes,
        c.sectors_kept,
        c.sectors_dropped,
        c.sectors_trashed,
    );
    report("power-loss-sqlite", &text);
    assert!(totals.lost.is_empty(), "{text}\nlost: {:?}", totals.lost);
    assert_eq!(totals.duplicated, 0, "{text}");
    assert_eq!(totals.missing_audit, 0, "{text}");
    assert_eq!(totals.dangling_keys, 0, "{text}");
    assert_eq!(totals.integrity_failures, 0, "{text}");
    assert_eq!(totals.chain_failures, 0, "{text}");
    assert_eq!(totals.early_failures, 0, "{text}");
    assert!(
        c.sectors_dropped > 0,
        "no unsynced write was ever dropped: the cuts tested nothing"
    );
    assert!(
        acked >= n,
        "too few acknowledged writes to mean much: {acked}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// The control run: raw connections, so that `synchronous` can be set to what the store refuses.

/// Threads that insert contact-like rows (a copy of a contact the store wrote, and its idempotency key) in
/// transactions of their own, each counted as acknowledged when COMMIT returns.
const CONTROL_THREADS: usize = 4;

fn control_writer(
    path: PathBuf,
    synchronous: &'static str,
    thread: usize,
    cycle: usize,
    acked: Arc<Mutex<Vec<String>>>,
    early: Arc<AtomicUsize>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let setup = || -> rusqlite::Result<(rusqlite::Connection, String)> {
            let conn = rusqlite::Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(Duration::from_secs(10))?;
            conn.execute_batch(&format!(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"
            ))?;
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_info('contact')")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let copied: Vec<&str> = columns
                .iter()
                .map(|c| if c == "id" { "?1" } else { c.as_str() })
                .collect();
            let copy = format!(
                "INSERT INTO contact ({}) SELECT {} FROM contact WHERE id = (SELECT MIN(id) FROM contact)",
                columns.join(", "),
                copied.join(", ")
            );
            Ok((conn, copy))
        };
        let failed = |what: &str, e: rusqlite::Error| {
            if !crash_vfs::is_cut(path.parent().unwrap()) {
                early.fetch_add(1, Ordering::SeqCst);
                eprintln!("control: {what} failed before the power cut: {e}");
            }
        };
        // A thread slow to start may find the power already cut.
        let (conn, copy) = match setup() {
            Ok(c) => c,
            Err(e) => return failed("opening", e),
        };
        let mut n = 0;
        loop {
            n += 1;
            let key = format!("t{thread}-{cycle}-{n}");
            let id = uuid::Uuid::now_v7();
            let done = (|| -> rusqlite::Result<()> {
                conn.execute_batch("BEGIN IMMEDIATE")?;
                conn.execute(&copy, [id.as_bytes().as_slice()])?;
                conn.execute(
                    "INSERT INTO idempotency_key (actor, key, record_kind, record_id, created_at) \
                     VALUES ('control', ?1, 'contact', ?2, '2024-05-03T15:55:00.000000Z')",
                    rusqlite::params![key, id.as_bytes().as_slice()],
                )?;
                conn.execute_batch("COMMIT")
            })();
            match done {
                Ok(()) => acked.lock().unwrap().push(key),
                Err(e) => {
                    failed(&key, e);
                    let _ = conn.execute_batch("ROLLBACK");
                    return;
                }
            }
        }
    })
}

struct Control {
    cycles: usize,
    acked: usize,
    lost: usize,
    integrity_failures: usize,
    early_failures: usize,
    cut: Cut,
    elapsed: Duration,
}

/// `cycles` power cuts under raw writers with `synchronous`, starting from the database in `start`.
fn control(
    synchronous: &'static str,
    start: &Path,
    root: &Path,
    cycles: usize,
    rng: &mut Rng,
) -> Control {
    let generation = |k: usize| root.join(format!("{synchronous}-{k}"));
    std::fs::create_dir_all(generation(0)).unwrap();
    for f in ["frontdoor.db", "frontdoor.db-wal"] {
        if start.join(f).exists() {
            std::fs::copy(start.join(f), generation(0).join(f)).unwrap();
        }
    }
    let mut acked: Vec<String> = Vec::new();
    let early = Arc::new(AtomicUsize::new(0));
    let mut cut = Cut::default();
    let mut integrity_failures = 0;
    let mut lost = 0;
    let started = Instant::now();
    for cycle in 0..=cycles {
        let dir = generation(cycle);
        let path = dir.join(DB);
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            let integrity: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            if integrity != "ok" {
                eprintln!("control {synchronous}: integrity check failed: {integrity}");
                integrity_failures += 1;
            }
            let present: BTreeSet<String> = conn
                .prepare(
                    "SELECT k.key FROM idempotency_key k JOIN contact c ON c.id = k.record_id \
                     WHERE k.actor = 'control'",
                )
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            // Count each lost write once, at the first reboot that misses it.
            let before = acked.len();
            acked.retain(|k| present.contains(k));
            lost += before - acked.len();
        }
        if cycle >= 2 {
            let _ = std::fs::remove_dir_all(generation(cycle - 2));
        }
        if cycle == cycles {
            break;
        }
        let these = Arc::new(Mutex::new(Vec::new()));
        let writers: Vec<_> = (0..CONTROL_THREADS)
            .map(|t| {
                control_writer(
                    path.clone(),
                    synchronous,
                    t,
                    cycle,
                    these.clone(),
                    early.clone(),
                )
            })
            .collect();
        std::thread::sleep(Duration::from_millis(10 + rng.below(60)));
        let (keep, trash) = disk_luck(rng);
        cut += crash_vfs::power_cut(&dir, &generation(cycle + 1), rng, keep, trash).unwrap();
        for w in writers {
            w.join().unwrap();
        }
        acked.extend(std::mem::take(&mut *these.lock().unwrap()));
    }
    Control {
        cycles,
        acked: acked.len() + lost,
        lost,
        integrity_failures,
        early_failures: early.load(Ordering::SeqCst),
        cut,
        elapsed: started.elapsed(),
    }
}

fn control_text(synchronous: &str, c: &Control) -> String {
    format!(
        "synchronous={synchronous}: {} power cuts in {:.1} s, {CONTROL_THREADS} raw writers: {} acknowledged commits, \
         {} lost, {} integrity failures, {} errors before a cut; unsynced sectors {} kept, {} dropped, {} garbage",
        c.cycles,
        c.elapsed.as_secs_f64(),
        c.acked,
        c.lost,
        c.integrity_failures,
        c.early_failures,
        c.cut.sectors_kept,
        c.cut.sectors_dropped,
        c.cut.sectors_trashed,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_power_loss_harness_bites_with_synchronous_normal() {
    let _serial = SERIAL.lock().await;
    install_vfs();
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let made = root.join("made");
    std::fs::create_dir(&made).unwrap();
    // A database made by the store (same schema), holding one contact written through the app to copy.
    let store = store_sqlite::open_path(&made.join(DB)).await.unwrap();
    let server = serve(store).await;
    let token = writer_token(&server.services).await;
    let (status, _) = post_contact(&http(), &server.base, &token, "seed")
        .await
        .unwrap();
    assert_eq!(status, 201);
    // Take the disk as it stands (everything kept), so that no connection of the store's is left on it.
    let start = root.join("start");
    crash_vfs::power_cut(&made, &start, &mut Rng::new(0), 1.0, 0.0).unwrap();
    drop(server);
    let cycles = env_usize("FRONTDOOR_POWER_LOSS_CONTROL_CYCLES", 20);
    let mut rng = Rng::new(seed());
    let normal = tokio::task::block_in_place(|| control("NORMAL", &start, &root, cycles, &mut rng));
    let full = tokio::task::block_in_place(|| control("FULL", &start, &root, cycles, &mut rng));
    let text = format!(
        "power-loss-control: {}; {}",
        control_text("NORMAL", &normal),
        control_text("FULL", &full)
    );
    report("power-loss-control", &text);
    assert!(
        normal.lost > 0,
        "the harness did not bite: synchronous=NORMAL lost nothing. {text}"
    );
    assert_eq!(full.lost, 0, "{text}");
    assert_eq!(
        normal.integrity_failures + full.integrity_failures,
        0,
        "{text}"
    );
    assert_eq!(normal.early_failures + full.early_failures, 0, "{text}");
}

// ---------------------------------------------------------------------------------------------------------------
// D3: I/O faults.

/// One D3 client: write new contacts until `deadline`, recording each answer.
async fn fault_client(
    base: String,
    token: String,
    id: usize,
    round: usize,
    deadline: Instant,
    ledger: Arc<Mutex<Ledger>>,
) {
    let http = http();
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        let key = format!("f{id}-{round}-{n}");
        let answer = post_contact(&http, &base, &token, &key).await;
        let mut l = ledger.lock().unwrap();
        match answer {
            Ok((status, Some(contact))) => {
                assert_eq!(status, 201, "{key}: {status}");
                l.ack(&key, contact);
            }
            Ok((status, None)) => {
                *l.statuses.entry(status).or_default() += 1;
                l.failed.insert(key);
            }
            Err(e) => panic!("{key}: no answer from the server: {e}"),
        }
    }
}

/// The faults of one round: each kind alone in turn, then all together.
fn faults_for(round: usize) -> Faults {
    match round % 4 {
        0 => Faults {
            disk_full: 0.03,
            ..Faults::default()
        },
        1 => Faults {
            write_error: 0.03,
            ..Faults::default()
        },
        2 => Faults {
            fsync_error: 0.3,
            ..Faults::default()
        },
        _ => Faults {
            disk_full: 0.01,
            write_error: 0.01,
            fsync_error: 0.1,
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn io_faults_never_acknowledge_a_failed_write_on_sqlite() {
    let _serial = SERIAL.lock().await;
    install_vfs();
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let dir = root.join("faults");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join(DB);
    let store = store_sqlite::open_path(&path).await.unwrap();
    let server = serve(store).await;
    let token = writer_token(&server.services).await;
    let target = env_usize("FRONTDOOR_IO_FAULTS", 250) as u64;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let probe = http();
    let started = Instant::now();
    let mut rounds = 0;
    let mut recovered = true;
    let mut probes_failed = 0;
    let mut counts = FaultCounts::default();
    while counts.total() < target {
        assert!(
            rounds < 500,
            "too few faults struck in 500 rounds: {counts:?}"
        );
        crash_vfs::set_faults(&dir, faults_for(rounds));
        let deadline = Instant::now() + Duration::from_millis(150);
        let clients: Vec<_> = (0..CLIENTS)
            .map(|id| {
                tokio::spawn(fault_client(
                    server.base.clone(),
                    token.clone(),
                    id,
                    rounds,
                    deadline,
                    ledger.clone(),
                ))
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        // Space returns, the disk recovers: the same server must take the next write.
        counts = crash_vfs::clear_faults(&dir);
        let mut first = true;
        loop {
            let key = format!("probe-{rounds}-{probes_failed}");
            match post_contact(&probe, &server.base, &token, &key)
                .await
                .unwrap()
            {
                (201, Some(contact)) => {
                    ledger.lock().unwrap().ack(&key, contact);
                    break;
                }
                (status, _) => {
                    ledger.lock().unwrap().failed.insert(key.clone());
                    eprintln!(
                        "io-faults: after round {rounds} the probe {key} was answered {status}"
                    );
                    first = false;
                    probes_failed += 1;
                    assert!(
                        probes_failed < 50,
                        "the server does not recover from I/O faults"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        recovered &= first;
        rounds += 1;
    }
    let elapsed = started.elapsed();
    let acked_under_faults = ledger.lock().unwrap().acked.len();
    // What the running server's database holds now.
    let live = {
        let l = std::mem::take(&mut *ledger.lock().unwrap());
        let c = check(&server.services, &path, &l).await;
        *ledger.lock().unwrap() = l;
        c
    };
    // Clients retry what failed, with the same keys: each must now be recorded exactly once (or, if it had been
    // committed after all, answered with the contact it made).
    let failed: Vec<String> = ledger.lock().unwrap().failed.iter().cloned().collect();
    let retries: Vec<_> = failed
        .chunks(failed.len().div_ceil(CLIENTS).max(1))
        .map(|keys| {
            let (keys, base, token, ledger) = (
                keys.to_vec(),
                server.base.clone(),
                token.clone(),
                ledger.clone(),
            );
            tokio::spawn(async move {
                let http = http();
                for key in keys {
                    match post_contact(&http, &base, &token, &key).await.unwrap() {
                        (201, Some(contact)) => ledger.lock().unwrap().ack(&key, contact),
                        (status, _) => {
                            panic!("the retry of {key} was answered {status} with no faults")
                        }
                    }
                }
            })
        })
        .collect();
    for r in retries {
        r.await.unwrap();
    }
    let retried = {
        let l = std::mem::take(&mut *ledger.lock().unwrap());
        let c = check(&server.services, &path, &l).await;
        *ledger.lock().unwrap() = l;
        c
    };
    // And after a power cut that drops everything unsynced: a 2xx for a commit whose sync failed would show here.
    let rebooted_dir = root.join("rebooted");
    crash_vfs::power_cut(&dir, &rebooted_dir, &mut Rng::new(seed()), 0.0, 0.0).unwrap();
    drop(server);
    let rebooted_path = rebooted_dir.join(DB);
    let rebooted_server = serve(store_sqlite::open_path(&rebooted_path).await.unwrap()).await;
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let rebooted = check(&rebooted_server.services, &rebooted_path, &ledger).await;
    let partial = |c: &Check| c.duplicated + c.missing_audit + c.dangling_keys;
    let checks = [&live, &retried, &rebooted];
    let lost: Vec<usize> = checks.iter().map(|c| c.lost.len()).collect();
    let partials: Vec<usize> = checks.iter().map(|c| partial(c)).collect();
    let integrity: Vec<usize> = checks.iter().map(|c| c.integrity.len()).collect();
    let chains: Vec<bool> = checks.iter().map(|c| c.chain_intact).collect();
    let text = format!(
        "io-faults-sqlite: {} faults injected in {rounds} rounds over {:.1} s ({} SQLITE_FULL, {} SQLITE_IOERR_WRITE, \
         {} SQLITE_IOERR_FSYNC) under {CLIENTS} concurrent writers over HTTP: {acked_under_faults} writes \
         acknowledged and {} failed (statuses {:?}); 2xx on failed writes: {} (acknowledged but absent {:?}); partial \
         writes: {:?}; failed but wholly present: {}; integrity failures: {:?}; audit chain intact: {:?} (each \
         figure [live, after every failed write was retried with its key, after a power cut that dropped everything \
         unsynced]); recovered without a restart: {} ({probes_failed} probe writes failed after the faults \
         stopped). SQLITE_FULL comes from the VFS only: PRAGMA max_page_count is per connection, and the store's \
         writer connection cannot be reached without changing the product",
        counts.total(),
        elapsed.as_secs_f64(),
        counts.disk_full,
        counts.write_error,
        counts.fsync_error,
        ledger.failed.len(),
        ledger.statuses,
        lost.iter().max().unwrap(),
        lost,
        partials,
        live.failed_present,
        integrity,
        chains,
        if recovered { "yes" } else { "no" },
    );
    report("io-faults-sqlite", &text);
    assert!(
        lost.iter().all(|n| *n == 0),
        "{text}\nlost: {:?} {:?} {:?}",
        live.lost,
        retried.lost,
        rebooted.lost
    );
    assert!(partials.iter().all(|n| *n == 0), "{text}");
    assert!(integrity.iter().all(|n| *n == 0), "{text}");
    assert!(chains.iter().all(|c| *c), "{text}");
    assert!(recovered, "{text}");
    assert!(
        ledger.statuses.keys().all(|s| *s >= 500),
        "a failed write was answered with a client error: {text}"
    );
    assert!(
        counts.disk_full > 0 && counts.write_error > 0 && counts.fsync_error > 0,
        "{text}"
    );
}
