//! Audited reads, person search and the MASH worklist on SQLite, against demo data made as `frontdoor demo` makes
//! it (DESIGN.md "Performance targets": p99 under 50 ms for the MASH worklist, a child's record, chronology and
//! person search at 50 concurrent users; at least 2,000 audited reads/s). `scripts/bench-reads` runs it; by hand:
//!
//! ```text
//! cargo bench -p service --bench reads -- [--children N] [--years N] [--seed N] [--until YYYY-MM-DD]
//!     [--seconds S] [--concurrency N] [--db PATH] [--phases search,record,chronology,worklist] [--think MS]
//! ```
//!
//! Each option may also come from the environment (`FRONTDOOR_BENCH_CHILDREN`, `_YEARS`, `_SEED`, `_UNTIL`,
//! `_SECONDS`, `_CONCURRENCY`, `_DB`, `_PHASES`, `_THINK`). Defaults: 100,000 children over 3 years, seed 42, until
//! 2026-03-31, 15 s per measured phase, 50 concurrent tasks, 100 ms think time, a database in a temporary directory. With `--db PATH` the
//! database is kept, and reused (not seeded again) on the next run.
//!
//! Everything runs as the demo MASH worker of LA 213 (Westminster), through `Services` in-process: no HTTP, no
//! sessions, so the figures are the service and store cost only. Every search and every record read writes an
//! audit row through the SQLite group-commit writer before it answers. Each phase runs three ways: one task at a
//! time; 50 tasks in a closed loop (each sends its next request as soon as the last is answered: saturation, 50
//! requests always in flight); and 50 users who each wait a random time, 100 ms on average (`--think`), between
//! requests — ten requests a second per user, several times what a person clicking through the MASH sends.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::audit::Actor;
use domain::datetime::Date;
use domain::ids::PersonId;
use service::Services;
use store::sql::{Backend, Job, Sql, SqlConn, SqlRow};
use store::{Store, StoreError};
use store_sqlite::{LiteConn, SqliteStore};

/// The allocator the server (`frontdoor serve`) runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Unmeasured run before each phase (page cache, prepared statements).
const WARM_UP: Duration = Duration::from_secs(2);

struct Settings {
    children: u32,
    years: u32,
    seed: u64,
    until: Date,
    seconds: f64,
    concurrency: usize,
    db: Option<PathBuf>,
    /// Which of `search`, `record`, `chronology`, `worklist` to run.
    phases: Vec<String>,
    /// Each user's mean wait between requests in the "users" runs, in milliseconds.
    think_ms: u64,
}

fn settings() -> Settings {
    let mut values: Vec<(String, String)> = [
        "children",
        "years",
        "seed",
        "until",
        "seconds",
        "concurrency",
        "db",
        "phases",
        "think",
    ]
    .iter()
    .filter_map(|k| {
        let var = format!("FRONTDOOR_BENCH_{}", k.to_uppercase());
        std::env::var(var).ok().map(|v| ((*k).to_owned(), v))
    })
    .collect();
    // `cargo bench` passes `--bench`; anything else is `--name value`.
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(a) = args.next() {
        let Some(name) = a.strip_prefix("--") else {
            panic!(
                "unexpected argument '{a}' (options: --children --years --seed --until --seconds --concurrency --db --phases --think)"
            );
        };
        let value = args
            .next()
            .unwrap_or_else(|| panic!("--{name} needs a value"));
        values.push((name.to_owned(), value));
    }
    let get = |name: &str| {
        values
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let num = |name: &str, default: u64| {
        get(name).map_or(default, |v| {
            v.replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("--{name}: not a number: {v}"))
        })
    };
    for (k, _) in &values {
        assert!(
            [
                "children",
                "years",
                "seed",
                "until",
                "seconds",
                "concurrency",
                "db",
                "phases",
                "think"
            ]
            .contains(&k.as_str()),
            "unknown option --{k}"
        );
    }
    Settings {
        children: u32::try_from(num("children", 100_000)).unwrap(),
        years: u32::try_from(num("years", 3)).unwrap(),
        seed: num("seed", 42),
        until: get("until")
            .unwrap_or_else(|| "2026-03-31".to_owned())
            .parse()
            .unwrap(),
        seconds: get("seconds").map_or(15.0, |s| s.parse().unwrap()),
        concurrency: usize::try_from(num("concurrency", 50)).unwrap(),
        db: get("db").map(PathBuf::from),
        phases: get("phases")
            .unwrap_or_else(|| "search,record,chronology,worklist".to_owned())
            .split(',')
            .map(|p| p.trim().to_owned())
            .collect(),
        think_ms: num("think", 100),
    }
}

/// A child of LA 213 as stored, to read and to search for.
#[derive(Clone, Debug)]
struct Kid {
    id: PersonId,
    first_name: String,
    last_name: String,
    date_of_birth: Option<Date>,
    nhs_number: Option<String>,
}

/// A read-only job for the store's back end.
fn job<T, F>(f: F) -> Job<LiteConn, T>
where
    F: for<'c> FnOnce(
            &'c mut LiteConn,
        ) -> Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>
        + Send
        + 'static,
{
    Box::new(f)
}

async fn children_of_213(store: &SqliteStore) -> (Vec<Kid>, u64) {
    let (kids, restricted) = store
        .backend()
        .read(job(|c| {
            Box::pin(async move {
                let rows = c
                    .fetch_all(Sql::new(
                        "SELECT id, first_name, last_name, date_of_birth, nhs_number, restricted FROM person \
                         WHERE is_child = 1 AND la = '213' ORDER BY id",
                    ))
                    .await?;
                let mut kids = Vec::new();
                let mut restricted = 0u64;
                for r in &rows {
                    if r.bool("restricted")?.unwrap_or(false) {
                        restricted += 1;
                        continue;
                    }
                    kids.push(Kid {
                        id: PersonId::from_uuid(r.uuid("id")?.unwrap()),
                        first_name: r.text("first_name")?.unwrap(),
                        last_name: r.text("last_name")?.unwrap(),
                        date_of_birth: r.date("date_of_birth")?,
                        nhs_number: r.text("nhs_number")?,
                    });
                }
                Ok((kids, restricted))
            })
        }))
        .await
        .unwrap();
    (kids, restricted)
}

/// xorshift64*.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The kinds of search a MASH worker types.
const SEARCH_KINDS: [&str; 5] = [
    "full name",
    "first name + surname typo",
    "surname with a typo",
    "date of birth",
    "NHS number",
];

/// `name` with one letter (not the first) replaced by another.
fn typo(name: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let letters: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_ascii_alphabetic())
        .collect();
    if letters.is_empty() {
        return name.to_owned();
    }
    let i = letters[rng.below(letters.len())];
    let was = chars[i].to_ascii_lowercase();
    let mut now = was;
    while now == was {
        now = char::from(b'a' + rng.below(26) as u8);
    }
    chars[i] = now;
    chars.into_iter().collect()
}

/// A search of `kind` for `kid`, as typed.
fn search_text(kind: usize, kid: &Kid, rng: &mut Rng) -> Option<String> {
    match kind {
        0 => Some(format!("{} {}", kid.first_name, kid.last_name)),
        1 => Some(format!("{} {}", kid.first_name, typo(&kid.last_name, rng))),
        2 => Some(typo(&kid.last_name, rng)),
        3 => kid.date_of_birth.map(|d| d.to_string()),
        4 => kid.nhs_number.as_ref().map(|n| {
            let part = |r: std::ops::Range<usize>| n.get(r).unwrap_or_default();
            format!("{} {} {}", part(0..3), part(3..6), part(6..10))
        }),
        _ => None,
    }
}

/// One measured request.
#[derive(Clone, Copy)]
struct Sample {
    kind: u8,
    micros: u64,
    ok: bool,
    /// The child looked for was in the answer (searches only).
    hit: bool,
}

type Op = Arc<dyn Fn(Rng) -> Pin<Box<dyn Future<Output = (u8, bool, bool)> + Send>> + Send + Sync>;

/// Run `op` in a closed loop on `concurrency` tasks for `seconds` (after an unmeasured warm-up): the samples,
/// the wall time, and how the writer grouped its commits meanwhile.
async fn closed_loop(
    store: &SqliteStore,
    op: &Op,
    concurrency: usize,
    seconds: f64,
) -> (Vec<Sample>, Duration, String) {
    users(store, op, concurrency, seconds, None).await
}

/// Run `op` for `concurrency` users for `seconds` (after an unmeasured warm-up). With `think`, each user waits
/// a random time (exponential, of that mean) before each request, as people do between clicks; without, each
/// sends its next request as soon as the last is answered. The samples, the wall time, and how the writer
/// grouped its commits meanwhile.
async fn users(
    store: &SqliteStore,
    op: &Op,
    concurrency: usize,
    seconds: f64,
    think: Option<Duration>,
) -> (Vec<Sample>, Duration, String) {
    let run = |duration: Duration, seed: u64| {
        let started = Instant::now();
        let deadline = started + duration;
        let tasks: Vec<_> = (0..concurrency)
            .map(|t| {
                let op = op.clone();
                tokio::spawn(async move {
                    let mut rng = Rng(seed ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                    let mut samples = Vec::new();
                    while Instant::now() < deadline {
                        if let Some(mean) = think {
                            // Exponential: -ln(U) times the mean, U uniform in (0, 1].
                            let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                            let wait = mean.mul_f64(-(1.0 - u).ln());
                            tokio::time::sleep(wait).await;
                            if Instant::now() >= deadline {
                                break;
                            }
                        }
                        rng.next();
                        let t0 = Instant::now();
                        let (kind, ok, hit) = op(rng.clone()).await;
                        samples.push(Sample {
                            kind,
                            micros: t0.elapsed().as_micros() as u64,
                            ok,
                            hit,
                        });
                    }
                    samples
                })
            })
            .collect();
        async move {
            let mut all = Vec::new();
            for t in tasks {
                all.extend(t.await.unwrap());
            }
            (all, started.elapsed())
        }
    };
    run(WARM_UP, 1).await;
    let before = store.backend().writer_stats();
    let (samples, wall) = run(Duration::from_secs_f64(seconds), 2).await;
    (samples, wall, grouping(store, before))
}

/// `op` measured three ways, a line of the table each: one task for `one_seconds`; then, for `seconds` each,
/// `s.concurrency` tasks in a closed loop (saturation) and `s.concurrency` users waiting about `s.think_ms`
/// between requests.
async fn three_ways(
    store: &SqliteStore,
    op: &Op,
    phase: &str,
    s: &Settings,
    one_seconds: f64,
    seconds: f64,
) -> Vec<Line> {
    let mut lines = Vec::new();
    println!("\n{phase}, 1 task ({one_seconds:.0} s) ...");
    let (samples, wall, grouped) = closed_loop(store, op, 1, one_seconds).await;
    lines.push(line(
        phase,
        1,
        &samples.iter().collect::<Vec<_>>(),
        wall,
        grouped,
    ));
    let (saturated, users) = saturated_and_users(store, op, phase, s, seconds).await;
    lines.extend([saturated, users]);
    lines
}

/// `op` at `s.concurrency` in a closed loop, then as `s.concurrency` users with think time, `seconds` each.
async fn saturated_and_users(
    store: &SqliteStore,
    op: &Op,
    phase: &str,
    s: &Settings,
    seconds: f64,
) -> (Line, Line) {
    println!("{phase}, {} tasks ({seconds:.0} s) ...", s.concurrency);
    let (samples, wall, grouped) = closed_loop(store, op, s.concurrency, seconds).await;
    let saturated = line(
        phase,
        s.concurrency,
        &samples.iter().collect::<Vec<_>>(),
        wall,
        grouped,
    );
    println!(
        "{phase}, {} users, each waiting {} ms on average between requests ({seconds:.0} s) ...",
        s.concurrency, s.think_ms
    );
    let think = Duration::from_millis(s.think_ms);
    let (samples, wall, grouped) = users(store, op, s.concurrency, seconds, Some(think)).await;
    let users = line(
        format!("{phase}, users ~{} ms apart", s.think_ms),
        s.concurrency,
        &samples.iter().collect::<Vec<_>>(),
        wall,
        grouped,
    );
    (saturated, users)
}

/// One line of the table.
struct Line {
    phase: String,
    concurrency: usize,
    ops: usize,
    /// None for a share of a mixed run.
    per_second: Option<f64>,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    errors: usize,
    note: String,
}

fn line(
    phase: impl Into<String>,
    concurrency: usize,
    samples: &[&Sample],
    wall: Duration,
    note: String,
) -> Line {
    let mut micros: Vec<u64> = samples.iter().map(|s| s.micros).collect();
    micros.sort_unstable();
    let q = |q: f64| {
        if micros.is_empty() {
            return 0.0;
        }
        let i = ((q * micros.len() as f64).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    Line {
        phase: phase.into(),
        concurrency,
        ops: samples.len(),
        per_second: Some(samples.len() as f64 / wall.as_secs_f64()),
        p50: q(0.50),
        p95: q(0.95),
        p99: q(0.99),
        max: q(1.0),
        errors: samples.iter().filter(|s| !s.ok).count(),
        note,
    }
}

fn print_table(lines: &[Line]) {
    println!(
        "\n{:<46} {:>4} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>6}  note",
        "phase", "conc", "requests", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
    );
    for l in lines {
        println!(
            "{:<46} {:>4} {:>8} {:>9} {:>8.2} {:>8.2} {:>8.2} {:>8.1} {:>6}  {}",
            l.phase,
            l.concurrency,
            l.ops,
            l.per_second
                .map_or_else(|| "-".to_owned(), |r| format!("{r:.0}")),
            l.p50,
            l.p95,
            l.p99,
            l.max,
            l.errors,
            l.note
        );
    }
}

/// How the writer grouped commits during a phase.
fn grouping(store: &SqliteStore, before: store_sqlite::WriterStats) -> String {
    let after = store.backend().writer_stats();
    let commits = after.commits - before.commits;
    let requests = after.requests - before.requests;
    format!(
        "{commits} commits, {:.1} audited requests/commit",
        requests as f64 / commits.max(1) as f64
    )
}

#[tokio::main]
async fn main() {
    let s = settings();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Frontdoor read benchmark: SQLite (WAL, synchronous=FULL, group commit), {cores} cores (nproc), \
         {} tokio workers",
        tokio::runtime::Handle::current().metrics().num_workers()
    );

    let tmp = tempfile::tempdir().unwrap();
    let path = s.db.clone().unwrap_or_else(|| tmp.path().join("bench.db"));
    let reuse = s.db.is_some() && path.exists();
    let t = Instant::now();
    let store = store_sqlite::open_path(&path).await.unwrap();
    let services = Services::new(store.clone());
    if reuse {
        println!("Reusing {} (not seeded again).", path.display());
    } else {
        let config = synth::DemoConfig {
            children: s.children,
            years: s.years,
            seed: s.seed,
            until: s.until,
            las: service::demo::DEMO_LAS
                .iter()
                .map(|c| domain::identifiers::LaCode::parse(c).unwrap())
                .collect(),
        };
        println!(
            "Seeding demo data: {} children, {} years to {}, seed {} ...",
            s.children, s.years, s.until, s.seed
        );
        let seeded = services.seed_demo(&config, |_, _| {}).await.unwrap();
        println!(
            "Data setup: {:.1} s in seed_demo ({:.1} s with opening and migrating), database file {:.0} MB",
            seeded.elapsed.as_secs_f64(),
            t.elapsed().as_secs_f64(),
            std::fs::metadata(&path).map_or(0, |m| m.len()) as f64 / 1e6,
        );
        let c = &seeded.counts;
        println!(
            "  people {}, contacts {}, referrals {}, assessments {}, audit entries {}",
            c.get("people"),
            c.get("contacts"),
            c.get("referrals"),
            c.get("assessments"),
            seeded.audit_entries
        );
    }

    let user = store
        .user_credentials("mash-worker-213")
        .await
        .unwrap()
        .expect("the demo MASH worker of LA 213")
        .user;
    let actor = Arc::new(Actor::user(&user));
    let (kids, restricted) = children_of_213(&store).await;
    assert!(!kids.is_empty(), "no children in LA 213");
    println!(
        "As {} ({}): {} children of LA 213 to read and search for ({} restricted ones left out)",
        user.username,
        user.role,
        kids.len(),
        restricted
    );
    let kids = Arc::new(kids);
    let services = Arc::new(services);
    let mut lines = Vec::new();

    // 1. Person search: every kind in turn, one at a time, then mixed at full concurrency.
    let search: Op = {
        let (services, actor, kids) = (services.clone(), actor.clone(), kids.clone());
        Arc::new(move |mut rng: Rng| {
            let (services, actor, kids) = (services.clone(), actor.clone(), kids.clone());
            Box::pin(async move {
                let kind = rng.below(SEARCH_KINDS.len());
                let kid = &kids[rng.below(kids.len())];
                // A child without a date of birth or NHS number is looked for by name.
                let (kind, q) = match search_text(kind, kid, &mut rng) {
                    Some(q) => (kind, q),
                    None => (0, search_text(0, kid, &mut rng).unwrap()),
                };
                let r = services.search_children(&actor, &q).await;
                let hit = r
                    .as_ref()
                    .is_ok_and(|found| found.iter().any(|c| c.id == kid.id));
                (kind as u8, r.is_ok(), hit)
            })
        })
    };
    let run = |phase: &str| s.phases.iter().any(|p| p == phase);
    if run("search") {
        println!("\nPerson search, 1 task ({:.0} s) ...", s.seconds);
        let (samples, wall, grouped) = closed_loop(&store, &search, 1, s.seconds).await;
        for (k, name) in SEARCH_KINDS.iter().enumerate() {
            let of_kind: Vec<&Sample> = samples.iter().filter(|x| x.kind as usize == k).collect();
            let hits = of_kind.iter().filter(|x| x.hit).count();
            let mut l = line(
                format!("search: {name}"),
                1,
                &of_kind,
                wall,
                format!(
                    "child in top 50: {:.0}%",
                    100.0 * hits as f64 / of_kind.len().max(1) as f64
                ),
            );
            // Its share of one task's time, not a rate of its own.
            l.per_second = None;
            lines.push(l);
        }
        let all: Vec<&Sample> = samples.iter().collect();
        lines.push(line("search: all kinds", 1, &all, wall, grouped));

        let (saturated, users) =
            saturated_and_users(&store, &search, "search: all kinds", &s, s.seconds).await;
        lines.extend([saturated, users]);
    }

    // 2. The child record.
    let record: Op = {
        let (services, actor, kids) = (services.clone(), actor.clone(), kids.clone());
        Arc::new(move |mut rng: Rng| {
            let (services, actor, kids) = (services.clone(), actor.clone(), kids.clone());
            Box::pin(async move {
                let kid = &kids[rng.below(kids.len())];
                let r = services.child_record(&actor, kid.id).await;
                (0, r.is_ok(), false)
            })
        })
    };
    let quick = (s.seconds / 3.0).max(1.0);
    if run("record") {
        lines.extend(three_ways(&store, &record, "child record", &s, quick, s.seconds).await);
    }

    // 3. The chronology, briefly.
    let chronology: Op = {
        let (services, actor, kids) = (services.clone(), actor.clone(), kids.clone());
        Arc::new(move |mut rng: Rng| {
            let (services, actor, kids) = (services.clone(), actor.clone(), kids.clone());
            Box::pin(async move {
                let kid = &kids[rng.below(kids.len())];
                let r = services.child_chronology(&actor, kid.id).await;
                (0, r.is_ok(), false)
            })
        })
    };
    let brief = (s.seconds / 2.0).max(1.0);
    if run("chronology") {
        lines.extend(three_ways(&store, &chronology, "chronology", &s, quick, brief).await);
    }

    // 4. The MASH worklist (contacts awaiting a decision, with their clocks), at full concurrency.
    let worklist: Op = {
        let (services, actor) = (services.clone(), actor.clone());
        Arc::new(move |_rng: Rng| {
            let (services, actor) = (services.clone(), actor.clone());
            Box::pin(async move {
                let r = services
                    .worklist(&actor, service::front_door::WorklistFilter::default())
                    .await;
                (0, r.is_ok(), r.is_ok_and(|items| !items.is_empty()))
            })
        })
    };
    if run("worklist") {
        let open = services
            .worklist(&actor, service::front_door::WorklistFilter::default())
            .await
            .unwrap()
            .len();
        let phase = format!("MASH worklist ({open} rows)");
        lines.extend(three_ways(&store, &worklist, &phase, &s, quick, s.seconds).await);
    }

    print_table(&lines);
    println!(
        "\nTargets (DESIGN.md): p99 < 50 ms for the MASH worklist, the child record, chronology and person search \
         at 50 concurrent users; >= 2,000 audited reads/s. Every request above is audited (one audit row, written \
         through the group-commit writer, before the answer). Lines of 50 without 'users' are saturation runs (each \
         of 50 tasks sends its next request the moment the last is answered: 50 requests always in flight on 2 \
         cores); 'users ~N ms apart' lines are 50 users each waiting N ms on average between requests."
    );
    let (_, audit_entries) = store.counts().await.unwrap();
    println!("Audit log entries now: {audit_entries}");
    store.backend().close().await;
}
