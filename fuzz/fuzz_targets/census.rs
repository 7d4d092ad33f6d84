//! The CIN census import: [`cin::read`] (UTF-8 and XML checks, the schema's shape, codes and dates), then what
//! `frontdoor validate cin-census` and `frontdoor import cin-census` do with a file read: the DfE rules
//! ([`cin::Report`]) and the records an import makes ([`records_from_census`]).
//!
//! Properties:
//! - every line number reported (unreadable file, schema problem) is a line of the file;
//! - export round trip: writing the return read and reading that back gives the same return (but for what
//!   `cin::write` documents it leaves out of a return read from a file with schema errors: review dates that
//!   were not dates, and `GenderCurrent` beside `Sex`), with no schema errors if the file had none;
//! - the report's counts agree with its findings and its JSON is JSON;
//! - an import that succeeds makes one person per child.

#![no_main]

use domain::calendar::Calendar;
use domain::census::CensusReturn;
use domain::census::records::{ImportContext, records_from_census};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use libfuzzer_sys::fuzz_target;
use returns::cin::{self, ProblemKind};

fn lines_in(data: &[u8]) -> u32 {
    u32::try_from(data.iter().filter(|&&b| b == b'\n').count() + 1).unwrap_or(u32::MAX)
}

fn errors(read: &cin::Read) -> usize {
    read.schema
        .iter()
        .filter(|p| p.kind == ProblemKind::Error)
        .count()
}

/// The return without line numbers and without what `cin::write` leaves out: review dates that were not dates (a
/// review element whose date is not one is read as `None`, with a schema problem, so that the DfE rules still
/// count the review), and a `GenderCurrent` beside a `Sex` (a schema problem too).
fn comparable(census: &CensusReturn) -> CensusReturn {
    let mut c = cin::strip_lines(census);
    for child in &mut c.children {
        if child.sex.is_some() {
            child.gender_current = None;
        }
        for cin in &mut child.cin_details {
            for plan in &mut cin.cp_plans {
                plan.reviews.retain(Option::is_some);
            }
        }
    }
    c
}

fuzz_target!(|data: &[u8]| {
    let lines = lines_in(data);
    let read = match cin::read(data) {
        Ok(read) => read,
        Err(e) => {
            assert!(
                (1..=lines).contains(&e.line),
                "line {} of {lines}: {e}",
                e.line
            );
            return;
        }
    };
    for p in &read.schema {
        assert!(
            (1..=lines).contains(&p.line),
            "line {} of {lines}: {p:?}",
            p.line
        );
    }

    // Export round trip.
    let written = cin::write(&read.census);
    let again = cin::read(written.as_bytes())
        .unwrap_or_else(|e| panic!("the return written cannot be read: {e}\n{written}"));
    assert_eq!(
        comparable(&again.census),
        comparable(&read.census),
        "the return changed through write and read:\n{written}"
    );
    if errors(&read) == 0 {
        assert_eq!(errors(&again), 0, "{:?}\n{written}", again.schema);
    }

    // Validation, as `frontdoor validate cin-census` runs it.
    let calendar = Calendar::england_and_wales();
    let report = cin::Report::new("fuzz.xml", &read, None, &calendar);
    assert_eq!(report.errors + report.queries, report.findings.len());
    assert_eq!(report.children, read.census.children.len());
    let json: serde_json::Value =
        serde_json::from_str(&report.to_json()).expect("the report's JSON is JSON");
    assert!(json.is_object());
    let _ = report.to_text();
    let _ = report.summary();

    // Import, as `frontdoor import cin-census` makes records (with ids that do not depend on the clock).
    if errors(&read) == 0
        && let Ok(la) = LaCode::parse(read.census.header.lea.as_deref().unwrap_or_default())
    {
        let mut n: u128 = 0;
        let mut new_id = || {
            n += 1;
            uuid::Uuid::from_u128(n)
        };
        let mut ctx = ImportContext {
            la,
            at: Timestamp::constant(1_750_000_000, 0),
            calendar: &calendar,
            new_id: &mut new_id,
        };
        if let Ok(set) = records_from_census(&read.census, &mut ctx) {
            assert_eq!(set.people.len(), read.census.children.len());
        }
    }
});
