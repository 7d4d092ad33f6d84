//! Statutory returns from a database (DESIGN.md "Performance targets": the CIN census export for 50,000 children
//! under 2 s). `scripts/bench-returns` runs it; by hand:
//!
//! ```text
//! cargo bench -p service --bench returns -- [--children N] [--db PATH]
//! ```
//!
//! (or `FRONTDOOR_BENCH_CHILDREN`, `FRONTDOOR_BENCH_DB`). It generates a realistic 2024/25 return of N children
//! (default 50,000) for LA 873 with `returns::cin_synth`, loads it with `frontdoor import`'s service call (timed:
//! the migration path), then times, through `Services` in-process on SQLite: the census export (records read,
//! mapped and written as XML), the data-quality page's work (the same read plus every DfE rule), and the child's
//! census problems on a record. With `--db PATH` the database is kept and reused on the next run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use domain::audit::Actor;
use domain::identifiers::LaCode;
use service::Services;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn setting(flag: &str, env: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var(env).ok())
        .filter(|s| !s.is_empty())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The best and the median of `runs` timings of `f`.
async fn time<F, Fut, T>(runs: usize, mut f: F) -> (Duration, Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f().await);
        times.push(start.elapsed());
    }
    times.sort();
    (times[0], times[times.len() / 2], last.unwrap())
}

fn main() {
    let children: usize = setting("--children", "FRONTDOOR_BENCH_CHILDREN")
        .map_or(50_000, |s| s.parse().expect("--children N"));
    let kept = setting("--db", "FRONTDOOR_BENCH_DB").map(PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let path = kept
        .clone()
        .unwrap_or_else(|| dir.path().join("returns.db"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let fresh = !path.exists();
        let store = store_sqlite::open_path(&path).await.unwrap();
        let services = Services::new(store.clone());
        let system = Actor::system("bench");
        let la = LaCode::parse("873").unwrap();
        let mut lines = Vec::new();
        if fresh {
            let start = Instant::now();
            let census = returns::cin_synth::generate(children, 2025);
            let generated = start.elapsed();
            let start = Instant::now();
            let summary = services.import_cin_census(&system, &census).await.unwrap();
            let imported = start.elapsed();
            lines.push(format!(
                "generate {children} children: {}; import (all or nothing, audited): {} ({} children, {} episodes)",
                ms(generated),
                ms(imported),
                summary.children,
                summary.episodes
            ));
        }
        let (best, median, xml) = time(3, || async {
            let census = services
                .export_cin_census(&system, &la, 2025)
                .await
                .unwrap();
            returns::cin::write(&census)
        })
        .await;
        let exported = returns::cin::read(xml.as_bytes()).unwrap().census.children.len();
        lines.push(format!(
            "export cin-census 2024/25, {exported} children, {:.1} MB of XML (read, audited per child, mapped, written): best {}, median {} (target under 2 s)",
            xml.len() as f64 / 1e6,
            ms(best),
            ms(median)
        ));
        // The data-quality page: the same read for the year so far, then every rule. Run as of 31 March 2025 so
        // that the generated year is the current one.
        let at = jiff::tz::TimeZone::UTC
            .to_timestamp(jiff::civil::date(2025, 3, 31).at(12, 0, 0, 0))
            .unwrap();
        let services = services.with_clock(service::Clock::Fixed(at));
        let (best, median, dq) = time(3, || async {
            services.data_quality(&system, &la).await.unwrap()
        })
        .await;
        lines.push(format!(
            "data quality, {} children ({} errors, {} queries): best {}, median {}",
            dq.children,
            dq.errors,
            dq.queries,
            ms(best),
            ms(median)
        ));
        store.backend().close().await;
        let report = lines.join("\n");
        println!("{report}");
        let reports = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/reports");
        let _ = std::fs::create_dir_all(&reports);
        let _ = std::fs::write(reports.join("returns-bench.txt"), format!("{report}\n"));
    });
}
