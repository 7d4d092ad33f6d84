//! `frontdoor export annex-a`.

use std::path::Path;

use anyhow::{Context, anyhow};
use domain::audit::Actor;
use domain::datetime;
use domain::identifiers::LaCode;
use returns::annex_a;
use service::{ServiceError, Services};
use store::Store;

/// A service refusal as the command line words it: problems name the option (`--to: …`).
fn option_error(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(errors) => anyhow!(
            "{}",
            errors
                .0
                .iter()
                .map(|e| format!("--{}: {}", e.field, e.problem))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => super::service_error(other),
    }
}

/// Whether `out` names a workbook rather than a directory.
fn is_xlsx(out: &Path) -> bool {
    out.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// `frontdoor export annex-a --la CODE --from DATE --to DATE --out FILE.xlsx|DIR`: the workbook when `--out`
/// ends in `.xlsx`, else the directory (created if needed) with one CSV file per list.
pub async fn export<S: Store>(
    services: &Services<S>,
    la: &str,
    from: &str,
    to: &str,
    out: &Path,
) -> anyhow::Result<()> {
    let la = LaCode::parse(la).map_err(|e| anyhow!("--la: {}", e.problem))?;
    let from = datetime::parse_date("from", from).map_err(|e| anyhow!("--{e}"))?;
    let to = datetime::parse_date("to", to).map_err(|e| anyhow!("--{e}"))?;
    let started = std::time::Instant::now();
    let annex = services
        .annex_a(&Actor::system("cli"), &la, from, to)
        .await
        .map_err(option_error)?;
    let mut written = Vec::new();
    if is_xlsx(out) {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let bytes = annex_a::xlsx_bytes(&annex)?;
        std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
        written.push(out.display().to_string());
    } else {
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create the directory {}", out.display()))?;
        for list in &annex.lists {
            let path = out.join(list.file_name);
            std::fs::write(&path, annex_a::csv_bytes(list)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path.display().to_string());
        }
    }
    say!(
        "Annex A for {la} {}, {} to {}, in {:.2} s:",
        la.name().unwrap_or(""),
        domain::chronology::uk_date(from),
        domain::chronology::uk_date(to),
        started.elapsed().as_secs_f64()
    );
    for list in &annex.lists {
        let where_ = if is_xlsx(out) {
            format!("sheet '{}'", list.sheet_name())
        } else {
            list.file_name.to_owned()
        };
        say!(
            "  List {} {:<22} {:>8} rows  ({where_})",
            list.number,
            list.title,
            list.rows.len()
        );
    }
    say!("Wrote {}.", written.join(", "));
    Ok(())
}
