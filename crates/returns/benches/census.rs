//! Census benchmark: a synthetic 2024/25 CIN census return ([`returns::cin_synth`]) of 50,000 children, timed
//! through `write` (the XML export from records already read; the whole export from a database is measured
//! elsewhere), `read`, and `validate` (the rules alone). Targets: export under 2 s, validation of 50,000 children
//! under 0.5 s. Then on one 10,000-child file, our whole `frontdoor validate cin-census` path (read the file, check
//! it, run every rule, write the report) against the DfE reference validator as shipped
//! (`python -m cin_validator run FILE -r cin2024_25`, about 350 s on 10,000 children), and the ratio.
//!
//! Settings: `FRONTDOOR_BENCH_CHILDREN` (50000) and `FRONTDOOR_BENCH_REFERENCE_CHILDREN` (10000);
//! `FRONTDOOR_BENCH_REFERENCE=0` skips the Python part; the Python is `FRONTDOOR_CIN_VALIDATOR_PYTHON`, else
//! `.venv-cin/bin/python` at the repository root. The figures are printed and written to
//! `target/reports/census-bench.txt`. Run it with `scripts/bench-census` (release build).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use domain::calendar::Calendar;
use domain::census::validate;
use returns::cin::{self, Report};
use returns::cin_synth;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The best of `runs` timings of `f`, and its last result.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    match last {
        Some(out) => (best, out),
        None => (best, f()),
    }
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FRONTDOOR_CIN_VALIDATOR_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = repository_root().join(".venv-cin/bin/python");
    venv.exists().then_some(venv)
}

/// Run the reference validator as shipped on `file`, printing progress every 30 s; its wall time.
fn reference(python: &Path, file: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let mut child = Command::new(python)
        .args(["-m", "cin_validator", "run"])
        .arg(file)
        .args(["-r", "cin2024_25"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let mut next = Duration::from_secs(30);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(start.elapsed()),
            Ok(Some(status)) => {
                return Err(format!("the reference validator exited with {status}"));
            }
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
        if start.elapsed() >= next {
            eprintln!("  reference validator: {} s so far", next.as_secs());
            next += Duration::from_secs(30);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = setting("FRONTDOOR_BENCH_CHILDREN", 50_000);
    let n_ref = setting("FRONTDOOR_BENCH_REFERENCE_CHILDREN", 10_000);
    let calendar = Calendar::england_and_wales();
    let mut out = String::new();
    let mut line = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "census benchmark: synthetic 2024/25 CIN census return, LA 873, {n} children"
    ));

    let t = Instant::now();
    let census = cin_synth::generate(n, 2025);
    line(format!(
        "  generate        {:>8.3} s",
        t.elapsed().as_secs_f64()
    ));

    let (write, xml) = best_of(3, || cin::write(&census));
    let mb = xml.len() as f64 / 1e6;
    line(format!(
        "  write (export)  {:>8.3} s   {mb:.1} MB   (target under 2 s)",
        write.as_secs_f64()
    ));

    let (read_time, read) = best_of(3, || cin::read(xml.as_bytes()));
    let read = read?;
    line(format!(
        "  read            {:>8.3} s   {} schema problems",
        read_time.as_secs_f64(),
        read.schema.len()
    ));

    let (period, _) = cin::census_period(&read.census, None);
    let (validate_time, findings) = best_of(5, || validate(&read.census, period, &calendar));
    line(format!(
        "  validate        {:>8.3} s   {} findings   (rules alone; target under 0.5 s)",
        validate_time.as_secs_f64(),
        findings.len()
    ));

    // One file of n_ref children, validated end to end by us and by the reference as shipped.
    let small = cin_synth::generate(n_ref, 2026);
    let dir = std::env::temp_dir().join(format!("frontdoor-census-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("census-{n_ref}.xml"));
    std::fs::File::create(&file)?.write_all(cin::write(&small).as_bytes())?;
    let (ours, report) = best_of(3, || -> Result<Report, String> {
        let bytes = std::fs::read(&file).map_err(|e| e.to_string())?;
        let read = cin::read(&bytes).map_err(|e| e.to_string())?;
        let report = Report::new(file.display().to_string(), &read, None, &calendar);
        std::hint::black_box(report.to_text());
        Ok(report)
    });
    let report = report?;
    line(format!(
        "{n_ref} children, one file: ours (read, check, validate, report) {:.3} s, {} errors, {} queries",
        ours.as_secs_f64(),
        report.errors,
        report.queries
    ));

    let skip = std::env::var("FRONTDOOR_BENCH_REFERENCE").is_ok_and(|v| v == "0");
    match (skip, python()) {
        (true, _) => line("  reference validator skipped (FRONTDOOR_BENCH_REFERENCE=0)".into()),
        (false, None) => line(
            "  reference validator not run: set FRONTDOOR_CIN_VALIDATOR_PYTHON or create .venv-cin"
                .into(),
        ),
        (false, Some(python)) => {
            eprintln!(
                "  running the reference validator as shipped on {n_ref} children (minutes)…"
            );
            let theirs = reference(&python, &file)?;
            let mut s = String::new();
            let _ = write!(
                s,
                "  reference validator (csc-validator-be-cin, as shipped) {:.1} s; ours is {:.0} times faster",
                theirs.as_secs_f64(),
                theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
            );
            line(s);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    let reports = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../reports");
    std::fs::create_dir_all(&reports)?;
    std::fs::write(reports.join("census-bench.txt"), out)?;
    Ok(())
}
