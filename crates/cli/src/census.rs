//! `frontdoor export|validate|import cin-census`.

use std::path::Path;
use std::process::ExitCode;

use std::io::Write;

use anyhow::{Context, anyhow, bail};
use domain::audit::Actor;
use domain::identifiers::LaCode;
use service::Services;
use store::Store;

/// `frontdoor validate cin-census FILE [--year YYYY] [--json]`.
pub fn validate_file(file: &Path, year: Option<i16>, json: bool) -> ExitCode {
    crate::census_validate::run(file, year, json)
}

/// `frontdoor export cin-census --la CODE --year YYYY [--out FILE]`.
pub async fn export<S: Store>(
    services: &Services<S>,
    la: &str,
    year: i16,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let la = LaCode::parse(la).map_err(|e| anyhow!("--la: {}", e.problem))?;
    let census = services
        .export_cin_census(&Actor::system("cli"), &la, year)
        .await
        .map_err(crate::service_error)?;
    let xml = returns::cin::write(&census);
    match out {
        Some(path) => {
            write_whole(path, xml.as_bytes())?;
            eprintln!(
                "Wrote the CIN census {}/{:02} for LA {la} to {}: {} children.",
                year - 1,
                year % 100,
                path.display(),
                census.children.len()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(xml.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// Write a file whole or not at all: to a temporary file beside it, synced, then renamed over it.
fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `frontdoor import cin-census FILE`: every child of the file, or none.
pub async fn import<S: Store>(services: &Services<S>, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let read = returns::cin::read(&bytes)
        .map_err(|e| anyhow!("{}: not a CIN census file: {e}", file.display()))?;
    let errors: Vec<_> = read
        .schema
        .iter()
        .filter(|p| p.kind == returns::cin::ProblemKind::Error)
        .collect();
    if !errors.is_empty() {
        for p in errors.iter().take(20) {
            eprintln!(
                "{}: line {}: {}: {}",
                file.display(),
                p.line,
                p.path,
                p.message
            );
        }
        bail!(
            "{}: {} schema problem(s), so nothing was imported (run `frontdoor validate cin-census` for the full list)",
            file.display(),
            errors.len()
        );
    }
    let summary = match services
        .import_cin_census(&Actor::system("cli"), &read.census)
        .await
    {
        Ok(s) => s,
        Err(service::ServiceError::Invalid(problems)) => {
            for p in problems.0.iter().take(20) {
                eprintln!("{}: {}: {}", file.display(), p.field, p.problem);
            }
            bail!(
                "{}: {} problem(s), so nothing was imported",
                file.display(),
                problems.0.len()
            );
        }
        Err(e) => return Err(crate::service_error(e)),
    };
    say!(
        "Imported {} children into LA {}: {} CIN episodes, {} assessments, {} section 47 enquiries, {} plans, {} conferences.",
        summary.children,
        summary.la,
        summary.episodes,
        summary.assessments,
        summary.section47s,
        summary.plans,
        summary.conferences
    );
    Ok(())
}
