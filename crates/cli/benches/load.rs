//! RELIABILITY.md L1 and L2: load on `frontdoor serve` from outside, over HTTP, with real API tokens of demo users
//! in three LAs, on the large demo (issue 16, items 6–8). `scripts/load` runs it; by hand:
//!
//! ```text
//! cargo bench -p cli --bench load -- [--children N] [--years N] [--db URL] [--rate R] [--seconds S]
//!     [--l2-seconds S] [--connections N] [--phases l1,l2] [--kinds record,search,worklist,write] [--servers N]
//! ```
//!
//! Each option may also come from the environment (`FRONTDOOR_LOAD_CHILDREN`, `_YEARS`, `_DB`, `_RATE`, `_SECONDS`,
//! `_L2_SECONDS`, `_CONNECTIONS`, `_PHASES`, `_KINDS`, `_SERVERS`). `--servers 2` (PostgreSQL) starts two app
//! servers on the one database and spreads the requests over both at random (issue 17); memory and CPU are
//! then those of the first. Defaults: 100,000 children over 10 years, a SQLite database kept at
//! `target/load/demo-CHILDREN-YEARSy.db` (made with `frontdoor demo` on the first run, reused after), 500 requests
//! a second for 180 s, 10 s per L2 kind at 32 connections. `--db postgres://…/NAME` runs on PostgreSQL (the
//! database is filled with the demo when it has no children yet).
//!
//! The demo is kept as it was made, and every run works on a copy of it (SQLite: `…-run.db` beside it;
//! PostgreSQL: a database `NAME_run` made from `NAME` as a template), so that the contacts one run writes do not
//! sit in the next run's MASH worklist and runs compare like with like.
//!
//! - **L1** is open-loop: request *i* is due at `start + i / rate` whether or not earlier ones have been answered,
//!   and its latency counts from when it was due, so time spent queueing is counted (no coordinated omission).
//!   The mix: 70% a child's record (audited), 10% person search, 10% the MASH worklist, 10% a new contact
//!   (durable write). Afterwards the audit log must hold exactly one `view` entry of a child's record per record
//!   answered (U1), and there must be no errors.
//! - **L2** is closed-loop saturation at `--connections`, one request kind at a time, each beside `GET /healthz`
//!   measured in the same run: the machine's HTTP ceiling.
//!
//! Meanwhile the server's resident memory (VmRSS) and, on SQLite, the size of the `-wal` file are sampled every
//! 100 ms; the largest are reported, with the `-wal` file's largest size while `frontdoor demo` bulk-loads. The
//! figures go to `target/reports/load-{sqlite,postgres}.txt`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{Connection, Row};

const LAS: [&str; 3] = ["205", "207", "213"];
/// Surnames searched for (common in the demo's name lists) to find children to read, and in the search load.
const SURNAMES: [&str; 12] = [
    "smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "patel",
    "khan", "evans", "thomas",
];

struct Settings {
    children: u32,
    years: u32,
    db: String,
    rate: f64,
    seconds: f64,
    l2_seconds: f64,
    connections: usize,
    phases: Vec<String>,
    /// The request kinds L2 saturates, in order.
    kinds: Vec<Kind>,
    /// How many app servers share the database.
    servers: usize,
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == &format!("--{name}"))
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            std::env::var(format!(
                "FRONTDOOR_LOAD_{}",
                name.to_uppercase().replace('-', "_")
            ))
            .ok()
        })
}

impl Settings {
    fn from_args() -> Settings {
        let args: Vec<String> = std::env::args().collect();
        let children = option(&args, "children").map_or(100_000, |v| v.parse().unwrap());
        let years = option(&args, "years").map_or(10, |v| v.parse().unwrap());
        let db = option(&args, "db").unwrap_or_else(|| {
            let dir = target_dir().join("load");
            std::fs::create_dir_all(&dir).unwrap();
            format!(
                "sqlite://{}",
                dir.join(format!("demo-{children}-{years}y.db")).display()
            )
        });
        Settings {
            children,
            years,
            db,
            rate: option(&args, "rate").map_or(500.0, |v| v.parse().unwrap()),
            seconds: option(&args, "seconds").map_or(180.0, |v| v.parse().unwrap()),
            l2_seconds: option(&args, "l2-seconds").map_or(10.0, |v| v.parse().unwrap()),
            connections: option(&args, "connections").map_or(32, |v| v.parse().unwrap()),
            phases: option(&args, "phases")
                .unwrap_or_else(|| "l1,l2".into())
                .split(',')
                .map(str::to_owned)
                .collect(),
            kinds: option(&args, "kinds")
                .unwrap_or_else(|| "record,search,worklist,write".into())
                .split(',')
                .map(|k| match k {
                    "record" => Kind::Record,
                    "search" => Kind::Search,
                    "worklist" => Kind::Worklist,
                    "write" => Kind::Write,
                    other => {
                        panic!("unknown request kind {other} (record, search, worklist, write)")
                    }
                })
                .collect(),
            servers: option(&args, "servers").map_or(1, |v| v.parse().unwrap()),
        }
    }

    fn sqlite_path(&self) -> Option<PathBuf> {
        self.db
            .strip_prefix("sqlite://")
            .map(|p| PathBuf::from(p.split('?').next().unwrap()))
    }
}

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("..")
}

fn frontdoor() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_frontdoor"));
    c.env_remove("FRONTDOOR_DB").env("RUST_LOG", "warn");
    c
}

fn run(args: &[&str], db: &str) -> String {
    let out = frontdoor().args(args).arg("--db").arg(db).output().unwrap();
    assert!(
        out.status.success(),
        "frontdoor {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// A copy of the demo in `db` for one run to change, made afresh each time: its URL.
async fn working_copy(db: &str) -> String {
    if let Some(path) = db.strip_prefix("sqlite://") {
        let path = Path::new(path.split('?').next().unwrap());
        // Fold the demo's log into its file first, so that the file alone is the whole database.
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        let copy = path.with_file_name(format!(
            "{}-run.db",
            path.file_stem().unwrap().to_string_lossy()
        ));
        for stale in [
            wal_of(&copy),
            PathBuf::from(format!("{}-shm", copy.display())),
        ] {
            let _ = std::fs::remove_file(stale);
        }
        std::fs::copy(path, &copy).unwrap();
        format!("sqlite://{}", copy.display())
    } else {
        let (server, name) = db.rsplit_once('/').unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "the database name {name} is letters, digits and underscores"
        );
        let copy = format!("{name}_run");
        let mut c = sqlx::PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap();
        for sql in [
            format!("DROP DATABASE IF EXISTS {copy} WITH (FORCE)"),
            format!("CREATE DATABASE {copy} TEMPLATE {name}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .unwrap();
        }
        format!("{server}/{copy}")
    }
}

fn wal_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

/// Fill the database with the demo unless it already holds children; on SQLite, the `-wal` file's largest size
/// during the bulk load (sampled every 50 ms), or `None` when the database was reused.
async fn prepare(settings: &Settings) -> Option<u64> {
    let filled = match settings.sqlite_path() {
        Some(path) => path.exists(),
        None => {
            let mut conn = sqlx::PgConnection::connect(&settings.db).await.unwrap();
            sqlx::query("SELECT COUNT(*) FROM person")
                .fetch_one(&mut conn)
                .await
                .map(|r| r.get::<i64, _>(0) > 0)
                .unwrap_or(false)
        }
    };
    if filled {
        eprintln!("load: reusing the demo in {}", settings.db);
        return None;
    }
    eprintln!(
        "load: making the demo ({} children, {} years) in {}",
        settings.children, settings.years, settings.db
    );
    let started = Instant::now();
    let mut demo = frontdoor()
        .args([
            "demo",
            "--children",
            &settings.children.to_string(),
            "--years",
            &settings.years.to_string(),
            "--db",
            &settings.db,
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut largest_wal = 0;
    loop {
        if let Some(wal) = settings.sqlite_path().map(|p| wal_of(&p)) {
            largest_wal = largest_wal.max(file_size(&wal));
        }
        if let Some(status) = demo.try_wait().unwrap() {
            assert!(status.success(), "frontdoor demo failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "load: demo made in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    settings.sqlite_path().map(|_| largest_wal)
}

/// `frontdoor serve` on a free port.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &str) -> Server {
        let mut child = frontdoor()
            .args(["serve", "--addr", "127.0.0.1:0", "--db", db])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.strip_prefix("Frontdoor is running at ") {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// What one LA's MASH worker uses: a token and children of the LA to read.
struct Tenant {
    la: &'static str,
    token: String,
    children: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Record,
    Search,
    Worklist,
    Write,
    Health,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Record => "a child's record",
            Kind::Search => "person search",
            Kind::Worklist => "the MASH worklist",
            Kind::Write => "a new contact (write)",
            Kind::Health => "GET /healthz",
        }
    }
}

struct Load {
    http: reqwest::Client,
    /// The app servers' addresses; each request goes to one at random.
    bases: Vec<String>,
    tenants: Vec<Tenant>,
    written: AtomicU64,
}

impl Load {
    /// Send one request of `kind`; whether it succeeded.
    async fn send(&self, kind: Kind, rng: &mut StdRng) -> bool {
        let tenant = &self.tenants[rng.random_range(0..self.tenants.len())];
        let base = &self.bases[rng.random_range(0..self.bases.len())];
        let request = match kind {
            Kind::Record => {
                let child = &tenant.children[rng.random_range(0..tenant.children.len())];
                self.http
                    .get(format!("{base}/api/v1/children/{child}"))
                    .bearer_auth(&tenant.token)
            }
            Kind::Search => {
                let name = SURNAMES[rng.random_range(0..SURNAMES.len())];
                self.http
                    .get(format!("{base}/api/v1/children?q={name}"))
                    .bearer_auth(&tenant.token)
            }
            Kind::Worklist => self
                .http
                .get(format!("{base}/api/v1/worklists/mash?la={}", tenant.la))
                .bearer_auth(&tenant.token),
            Kind::Write => {
                let n = self.written.fetch_add(1, Ordering::Relaxed);
                let key = format!("load-{}-{n}", std::process::id());
                self.http
                    .post(format!("{base}/api/v1/contacts"))
                    .bearer_auth(&tenant.token)
                    .header("Idempotency-Key", &key)
                    .json(&serde_json::json!({
                        "la": tenant.la,
                        "received_at": "2026-01-05T10:00:00Z",
                        "source": "2A",
                        "referrer": {"name": "Load test", "agency": "education"},
                        "child": {"first_name": "Load", "last_name": format!("Test{n}"), "date_of_birth": "2017-03-01"},
                        "concerns": "Synthetic contact written by the load test"
                    }))
            }
            Kind::Health => self.http.get(format!("{base}/healthz")),
        };
        match request.send().await {
            Ok(r) => {
                let ok = r.status().is_success();
                ok && r.bytes().await.is_ok()
            }
            Err(_) => false,
        }
    }
}

/// Latencies of one kind, in microseconds, and errors.
#[derive(Default)]
struct Tally {
    micros: Vec<u64>,
    errors: u64,
}

impl Tally {
    fn quantile(&mut self, q: f64) -> f64 {
        if self.micros.is_empty() {
            return 0.0;
        }
        self.micros.sort_unstable();
        let i = ((self.micros.len() as f64 - 1.0) * q).round() as usize;
        self.micros[i] as f64 / 1000.0
    }
}

/// Samples the server's resident memory and the `-wal` file's size until stopped; the largest of each.
struct Sampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<(u64, u64)>,
}

impl Sampler {
    fn start(pid: u32, wal: Option<PathBuf>) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let (mut rss, mut wal_max) = (0, 0);
            while !flag.load(Ordering::Relaxed) {
                rss = rss.max(resident_kb(pid));
                if let Some(w) = &wal {
                    wal_max = wal_max.max(file_size(w));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            (rss, wal_max)
        });
        Sampler { stop, handle }
    }

    fn finish(self) -> (u64, u64) {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap()
    }
}

fn resident_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU seconds (user + system) a process has used.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(close) = stat.rfind(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

/// The `view` entries of children's records in the audit log after `seq`, and the log's last sequence number.
async fn audit_counts(db: &str, after: i64) -> (i64, i64) {
    const VIEWS: &str = "SELECT COUNT(*) FROM audit_log WHERE seq > $1 AND action = 'view' AND record_kind = 'person'";
    const LAST: &str = "SELECT COALESCE(MAX(seq), 0) FROM audit_log";
    if db.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(&format!("{db}?mode=ro"))
            .await
            .unwrap();
        let v: i64 = sqlx::query(VIEWS)
            .bind(after)
            .fetch_one(&mut c)
            .await
            .unwrap()
            .get(0);
        let l: i64 = sqlx::query(LAST).fetch_one(&mut c).await.unwrap().get(0);
        (v, l)
    } else {
        let mut c = sqlx::PgConnection::connect(db).await.unwrap();
        let v: i64 = sqlx::query(VIEWS)
            .bind(after)
            .fetch_one(&mut c)
            .await
            .unwrap()
            .get(0);
        let l: i64 = sqlx::query(LAST).fetch_one(&mut c).await.unwrap().get(0);
        (v, l)
    }
}

/// L1: open-loop at `rate` for `seconds`.
async fn l1(load: Arc<Load>, rate: f64, seconds: f64) -> BTreeMap<Kind, Tally> {
    let total = (rate * seconds) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Kind, u64, bool)>();
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let mut rng = StdRng::seed_from_u64(16);
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let roll = rng.random_range(0..100);
        let kind = match roll {
            0..70 => Kind::Record,
            70..80 => Kind::Search,
            80..90 => Kind::Worklist,
            _ => Kind::Write,
        };
        let load = load.clone();
        let tx = tx.clone();
        let mut task_rng = StdRng::seed_from_u64(i);
        tokio::spawn(async move {
            let ok = load.send(kind, &mut task_rng).await;
            let micros = due.elapsed().as_micros() as u64;
            let _ = tx.send((kind, micros, ok));
        });
    }
    drop(tx);
    let mut tallies: BTreeMap<Kind, Tally> = BTreeMap::new();
    while let Some((kind, micros, ok)) = rx.recv().await {
        let t = tallies.entry(kind).or_default();
        t.micros.push(micros);
        if !ok {
            t.errors += 1;
        }
    }
    tallies
}

/// L2: `connections` closed-loop clients sending `kind` for `seconds` (after 2 s unmeasured).
async fn l2(load: Arc<Load>, kind: Kind, connections: usize, seconds: f64) -> (f64, Tally) {
    let warm = Instant::now() + Duration::from_secs(2);
    let end = warm + Duration::from_secs_f64(seconds);
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            let load = load.clone();
            tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(1000 + w as u64);
                let mut tally = Tally::default();
                loop {
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    let ok = load.send(kind, &mut rng).await;
                    if sent >= warm {
                        tally.micros.push(sent.elapsed().as_micros() as u64);
                        if !ok {
                            tally.errors += 1;
                        }
                    }
                }
                tally
            })
        })
        .collect();
    let mut all = Tally::default();
    for w in workers {
        let t = w.await.unwrap();
        all.micros.extend(t.micros);
        all.errors += t.errors;
    }
    (all.micros.len() as f64 / seconds, all)
}

async fn tenants(http: &reqwest::Client, base: &str, db: &str) -> Vec<Tenant> {
    let mut tenants = Vec::new();
    for la in LAS {
        let token = run(
            &[
                "token",
                "create",
                "--username",
                &format!("demo.{la}.mash001"),
            ],
            db,
        )
        .trim()
        .to_owned();
        let mut children = Vec::new();
        for name in SURNAMES {
            let found: serde_json::Value = http
                .get(format!("{base}/api/v1/children?q={name}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for child in found.as_array().unwrap() {
                if child["la"] == la {
                    children.push(child["id"].as_str().unwrap().to_owned());
                }
            }
        }
        assert!(!children.is_empty(), "found no children of LA {la} to read");
        tenants.push(Tenant {
            la,
            token,
            children,
        });
    }
    tenants
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let settings = Settings::from_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(settings));
}

async fn bench(mut settings: Settings) {
    let backend = if settings.sqlite_path().is_some() {
        "sqlite"
    } else {
        "postgres"
    };
    let bulk_wal = prepare(&settings).await;
    let copied = Instant::now();
    let demo = settings.db.clone();
    settings.db = working_copy(&demo).await;
    eprintln!(
        "load: working on a copy of the demo ({:.1} s to copy)",
        copied.elapsed().as_secs_f64()
    );
    let servers: Vec<Server> = (0..settings.servers.max(1))
        .map(|_| Server::start(&settings.db))
        .collect();
    let server = &servers[0];
    let pid = server.child.id();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let tenants = tenants(&http, &server.base, &settings.db).await;
    let load = Arc::new(Load {
        http,
        bases: servers.iter().map(|s| s.base.clone()).collect(),
        tenants,
        written: AtomicU64::new(0),
    });
    let mut lines = vec![format!(
        "load-{backend}: {} (release) on the {}-child {}-year demo ({}), driven over HTTP from the \
         same 2-core machine by MASH workers' API tokens of LAs {}",
        if servers.len() == 1 {
            "`frontdoor serve`".to_owned()
        } else {
            format!(
                "{} `frontdoor serve` processes on one database, each request to one at random (memory and CPU: \
                 the first's)",
                servers.len()
            )
        },
        settings.children,
        settings.years,
        backend,
        LAS.join(", ")
    )];
    if let Some(wal) = bulk_wal {
        lines.push(format!(
            "  bulk load (`frontdoor demo`): largest -wal file {:.1} MB (bound 64 MB)",
            wal as f64 / 1e6
        ));
    }
    let wal = settings.sqlite_path().map(|p| wal_of(&p));
    let me = std::process::id().to_string();

    if settings.phases.iter().any(|p| p == "l1") {
        let (_, seq_before) = audit_counts(&settings.db, 0).await;
        let sampler = Sampler::start(pid, wal.clone());
        let (server_cpu, own_cpu) = (cpu_seconds(&pid.to_string()), cpu_seconds(&me));
        let started = Instant::now();
        let mut tallies = l1(load.clone(), settings.rate, settings.seconds).await;
        let elapsed = started.elapsed().as_secs_f64();
        let (server_cpu, own_cpu) = (
            cpu_seconds(&pid.to_string()) - server_cpu,
            cpu_seconds(&me) - own_cpu,
        );
        let (rss, wal_max) = sampler.finish();
        let (views, _) = audit_counts(&settings.db, seq_before).await;
        let mut all = Tally::default();
        for t in tallies.values() {
            all.micros.extend(&t.micros);
            all.errors += t.errors;
        }
        let records_ok = tallies
            .get(&Kind::Record)
            .map_or(0, |t| t.micros.len() as u64 - t.errors);
        lines.push(format!(
            "  L1 open loop: {} requests at {} /s for {} s (took {elapsed:.1} s): p50 {:.2} ms, p99 {:.2} ms, \
             p99.9 {:.2} ms, {} errors (targets p50 ≤ 5, p99 ≤ 50, p99.9 ≤ 250 ms, 0 errors)",
            all.micros.len(),
            settings.rate,
            settings.seconds,
            all.quantile(0.5),
            all.quantile(0.99),
            all.quantile(0.999),
            all.errors
        ));
        for (kind, t) in &mut tallies {
            lines.push(format!(
                "    {:<22} {:>6} requests, p50 {:>6.2} ms, p99 {:>7.2} ms, {} errors",
                kind.name(),
                t.micros.len(),
                t.quantile(0.5),
                t.quantile(0.99),
                t.errors
            ));
        }
        lines.push(format!(
            "    audit: {views} view entries of children's records for {records_ok} records answered ({})",
            if views == records_ok as i64 {
                "equal"
            } else {
                "NOT EQUAL"
            }
        ));
        lines.push(format!(
            "    server resident memory at most {:.0} MB (target < 250 MB); CPU used: server {:.0}%, load \
             generator {:.0}% of one core",
            rss as f64 / 1024.0,
            100.0 * server_cpu / elapsed,
            100.0 * own_cpu / elapsed
        ));
        if wal.is_some() {
            lines.push(format!(
                "    largest -wal file {:.1} MB (bound 64 MB)",
                wal_max as f64 / 1e6
            ));
        }
    }

    if settings.phases.iter().any(|p| p == "l2") {
        lines.push(format!(
            "  L2 closed loop, {} connections, {} s each after 2 s unmeasured (throughput, p50, p99):",
            settings.connections, settings.l2_seconds
        ));
        let sampler = Sampler::start(pid, wal.clone());
        for kind in settings.kinds.clone() {
            // Said on stderr so that a profiler can be attached for one kind.
            eprintln!("load: L2 {} begins", kind.name());
            let (rate, mut t) = l2(
                load.clone(),
                kind,
                settings.connections,
                settings.l2_seconds,
            )
            .await;
            let (health, mut h) = l2(
                load.clone(),
                Kind::Health,
                settings.connections,
                settings.l2_seconds.min(5.0),
            )
            .await;
            lines.push(format!(
                "    {:<22} {:>7.0}/s, p50 {:>6.2} ms, p99 {:>7.2} ms, {} errors   beside /healthz {:>7.0}/s, p99 {:.2} ms",
                kind.name(),
                rate,
                t.quantile(0.5),
                t.quantile(0.99),
                t.errors,
                health,
                h.quantile(0.99)
            ));
        }
        let (rss, wal_max) = sampler.finish();
        lines.push(format!(
            "    server resident memory at most {:.0} MB; largest -wal file {:.1} MB",
            rss as f64 / 1024.0,
            wal_max as f64 / 1e6
        ));
    }
    let n = servers.len();
    drop(servers);
    let text = lines.join("\n");
    let dir = target_dir().join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let name = if n == 1 {
        format!("load-{backend}.txt")
    } else {
        format!("load-{backend}-{n}-servers.txt")
    };
    std::fs::write(dir.join(name), format!("{text}\n")).unwrap();
    println!("{text}");
}
