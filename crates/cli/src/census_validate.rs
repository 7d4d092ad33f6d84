//! `frontdoor validate cin-census FILE [--year YYYY] [--json]`: the schema checks and every DfE rule on a
//! census file, with no database.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use domain::calendar::Calendar;
use returns::cin::{self, Report};

/// Exit 0 when the file has no error (queries and notes alone pass), 1 when it has rule or schema errors, 2 when
/// it cannot be opened or read as a census XML file (the reason, naming the file and line, on stderr).
pub fn run(file: &Path, year: Option<i16>, json: bool) -> ExitCode {
    if let Some(y) = year
        && !(1990..=2100).contains(&y)
    {
        eprintln!(
            "error: --year {y}: give the census year by the year it ends, e.g. 2025 for 2024/25"
        );
        return ExitCode::from(2);
    }
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let read = match cin::read(&bytes) {
        Ok(read) => read,
        Err(e) => {
            eprintln!(
                "error: {} cannot be read as a CIN census file: line {}: {}",
                file.display(),
                e.line,
                e.message
            );
            return ExitCode::from(2);
        }
    };
    let report = Report::new(
        file.display().to_string(),
        &read,
        year,
        &Calendar::england_and_wales(),
    );
    let out = if json {
        let mut s = report.to_json();
        s.push('\n');
        s
    } else {
        report.to_text()
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
