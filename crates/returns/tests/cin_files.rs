//! The CIN census XML files: every sample reads; a hand-built return writes as the golden file and reads back.

use std::path::{Path, PathBuf};

use domain::census::{
    Assessment, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Header, Section47,
};
use domain::datetime::Date;
use returns::cin;

const SAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../reference/dfe/cin/samples"
);
const EXPECTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../reference/dfe/cin/expected"
);

/// Every XML file among the DfE samples and the reference's expected outputs.
fn sample_files() -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files = Vec::new();
    for dir in [SAMPLES, EXPECTED] {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every sample reads (some with schema problems: they are deliberately faulty), with every child.
#[test]
fn every_sample_file_reads() -> Result<(), Box<dyn std::error::Error>> {
    let files = sample_files()?;
    assert!(files.len() >= 8, "found {} sample files", files.len());
    for path in files {
        let bytes = std::fs::read(&path)?;
        let read = cin::read(&bytes).map_err(|e| format!("{}: {e}", name(&path)))?;
        let children = String::from_utf8_lossy(&bytes).matches("<Child>").count();
        assert_eq!(read.census.children.len(), children, "{}", name(&path));
        println!("{}: {} children", name(&path), children);
        for p in &read.schema {
            println!(
                "  line {}: {:?} {} {:?}: {}",
                p.line, p.kind, p.path, p.la_child_id, p.message
            );
        }
    }
    Ok(())
}

/// Every sample reads back the same after writing it out.
#[test]
fn every_sample_file_round_trips_through_write() -> Result<(), Box<dyn std::error::Error>> {
    for path in sample_files()? {
        let read =
            cin::read(&std::fs::read(&path)?).map_err(|e| format!("{}: {e}", name(&path)))?;
        let written = cin::write(&read.census);
        let again = cin::read(written.as_bytes()).map_err(|e| format!("{}: {e}", name(&path)))?;
        assert_eq!(
            cin::strip_lines(&again.census),
            cin::strip_lines(&read.census),
            "{}",
            name(&path)
        );
    }
    Ok(())
}

fn d(s: &str) -> Option<Date> {
    s.parse().ok()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// Three children that between them have every element of the return.
fn small_return() -> CensusReturn {
    let header = Header {
        collection: s("CIN"),
        year: s("2025"),
        reference_date: d("2025-03-31"),
        source_level: s("L"),
        lea: s("873"),
        software_code: s("Frontdoor"),
        release: s("1.0 <beta> & more"),
        serial_no: s("001"),
        date_time: s("2025-05-01T09:00:00"),
        line: 0,
    };
    let everything = Child {
        la_child_id: s("C87300000001"),
        upn: s("A873123456789"),
        former_upn: s("B87312345678C"),
        upn_unknown: s("UN3"),
        birth_date: d("2015-03-27"),
        expected_birth_date: None,
        sex: s("F"),
        gender_current: None,
        death_date: d("2025-02-01"),
        ethnicity: s("WBRI"),
        disabilities: vec!["HAND".into(), "HEAR".into()],
        cin_details: vec![CinDetails {
            referral_date: d("2024-05-01"),
            referral_source: s("1A"),
            primary_need: s("N1"),
            closure_date: d("2025-02-01"),
            reason_for_closure: s("RC2"),
            date_of_initial_cpc: d("2024-05-20"),
            assessments: vec![Assessment {
                start_date: d("2024-05-02"),
                internal_review_date: d("2024-05-10"),
                authorisation_date: d("2024-06-01"),
                factors: vec!["1B".into(), "3A".into(), "21".into()],
                line: 0,
            }],
            cin_plans: vec![
                CinPlan {
                    start_date: d("2024-06-02"),
                    end_date: d("2024-06-30"),
                    line: 0,
                },
                CinPlan {
                    start_date: d("2024-09-01"),
                    end_date: None,
                    line: 0,
                },
            ],
            section47s: vec![Section47 {
                start_date: d("2024-07-01"),
                icpc_target: d("2024-07-15"),
                date_of_initial_cpc: d("2024-07-12"),
                icpc_not_required: s("false"),
                line: 0,
            }],
            referral_nfa: s("false"),
            cp_plans: vec![CpPlan {
                start_date: d("2024-07-12"),
                end_date: d("2024-08-30"),
                initial_category: s("NEG"),
                latest_category: s("EMO"),
                number_of_previous_cpp: s("0"),
                reviews: vec![d("2024-08-01"), d("2024-08-29")],
                line: 0,
            }],
            line: 0,
        }],
        line: 0,
    };
    let unborn = Child {
        la_child_id: s("C87300000002"),
        upn_unknown: s("UN1"),
        expected_birth_date: d("2025-06-01"),
        sex: s("U"),
        ethnicity: s("NOBT"),
        cin_details: vec![
            CinDetails {
                referral_date: d("2024-04-03"),
                referral_source: s("3B"),
                closure_date: d("2024-04-03"),
                reason_for_closure: s("RC8"),
                referral_nfa: s("true"),
                ..CinDetails::default()
            },
            CinDetails {
                referral_date: d("2025-01-10"),
                referral_source: s("6"),
                primary_need: s("N4"),
                referral_nfa: s("0"),
                ..CinDetails::default()
            },
        ],
        ..Child::default()
    };
    let older = Child {
        la_child_id: s("C87300000003"),
        upn: s("A873123456790"),
        birth_date: d("2010-11-30"),
        gender_current: s("2"),
        ethnicity: s("AIND"),
        disabilities: vec!["NONE".into()],
        cin_details: vec![CinDetails {
            referral_date: d("2023-12-01"),
            referral_source: s("2A"),
            primary_need: s("N5"),
            referral_nfa: s("1"),
            ..CinDetails::default()
        }],
        ..Child::default()
    };
    CensusReturn {
        header,
        children: vec![everything, unborn, older],
    }
}

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/small-return.xml");

/// The small return writes exactly as the golden file (`UPDATE_GOLDEN=1` rewrites it), which reads back as the
/// same return.
#[test]
fn the_small_return_writes_as_the_golden_file() -> Result<(), Box<dyn std::error::Error>> {
    let census = small_return();
    let written = cin::write(&census);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, &written)?;
    }
    let golden = std::fs::read_to_string(GOLDEN)?;
    assert_eq!(
        written, golden,
        "run with UPDATE_GOLDEN=1 to accept the new output"
    );
    let read = cin::read(golden.as_bytes())?;
    assert_eq!(cin::strip_lines(&read.census), census);
    // The one note: the third child's GenderCurrent.
    let problems: Vec<_> = read
        .schema
        .iter()
        .map(|p| (p.kind, p.path.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![(
            cin::ProblemKind::Note,
            "Message/Children/Child/ChildIdentifiers/GenderCurrent"
        )]
    );
    let mut to = Vec::new();
    cin::write_to(&census, &mut to)?;
    assert_eq!(to, written.as_bytes());
    Ok(())
}

/// An element out of order is a schema problem naming its line; the return still reads.
#[test]
fn an_element_out_of_order_is_a_schema_problem_on_its_line()
-> Result<(), Box<dyn std::error::Error>> {
    let golden = cin::write(&small_return());
    let swapped = golden.replacen(
        "        <CINreferralDate>2024-05-01</CINreferralDate>\n        <ReferralSource>1A</ReferralSource>\n",
        "        <ReferralSource>1A</ReferralSource>\n        <CINreferralDate>2024-05-01</CINreferralDate>\n",
        1,
    );
    assert_ne!(swapped, golden);
    let line = swapped
        .lines()
        .position(|l| l.contains("<CINreferralDate>2024-05-01"))
        .map(|i| i + 1)
        .ok_or("no referral date")?;
    let read = cin::read(swapped.as_bytes())?;
    let problem = read
        .schema
        .iter()
        .find(|p| p.kind == cin::ProblemKind::Error)
        .ok_or("no schema problem")?;
    assert_eq!(u32::try_from(line)?, problem.line);
    assert_eq!(
        problem.message,
        "Expected CINreferralDate before ReferralSource"
    );
    assert_eq!(
        problem.path,
        "Message/Children/Child/CINdetails/CINreferralDate"
    );
    assert_eq!(problem.la_child_id.as_deref(), Some("C87300000001"));
    assert_eq!(cin::strip_lines(&read.census), small_return());
    Ok(())
}

mod round_trip {
    use domain::census::*;
    use domain::datetime::Date;
    use proptest::collection::vec;
    use proptest::option::of;
    use proptest::prelude::*;
    use returns::cin;

    /// Text XML can carry once trimmed: printable ASCII (markup characters included), accents, symbols, tabs.
    fn text() -> impl Strategy<Value = String> {
        "[ -~éßü€\u{1F600}\t]{1,14}"
            .prop_filter("trimmed and not empty", |s| !s.is_empty() && s.trim() == s)
    }

    /// A code: usually a valid one, sometimes anything.
    fn code(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop_oneof![
            3 => proptest::sample::select(valid).prop_map(str::to_string),
            1 => text(),
        ]
    }

    fn date() -> impl Strategy<Value = Date> {
        prop_oneof![
            4 => (1990i16..2030, 1i8..=12, 1i8..=31),
            1 => (1i16..=9999, 1i8..=12, 1i8..=31),
        ]
        .prop_filter_map("a real day", |(y, m, d)| Date::new(y, m, d).ok())
    }

    fn header() -> impl Strategy<Value = Header> {
        (
            of(code(&["CIN"])),
            of(prop_oneof![Just("2025".to_string()), text()]),
            of(date()),
            of(code(&["L"])),
            of(prop_oneof![Just("873".to_string()), text()]),
            of(text()),
            of(text()),
            of(text()),
            of(text()),
        )
            .prop_map(
                |(
                    collection,
                    year,
                    reference_date,
                    source_level,
                    lea,
                    software_code,
                    release,
                    serial_no,
                    date_time,
                )| {
                    Header {
                        collection,
                        year,
                        reference_date,
                        source_level,
                        lea,
                        software_code,
                        release,
                        serial_no,
                        date_time,
                        line: 0,
                    }
                },
            )
    }

    fn assessment() -> impl Strategy<Value = Assessment> {
        (
            of(date()),
            of(date()),
            of(date()),
            vec(code(&["1A", "21", "24A"]), 0..3),
        )
            .prop_map(
                |(start_date, internal_review_date, authorisation_date, factors)| Assessment {
                    start_date,
                    internal_review_date,
                    authorisation_date,
                    factors,
                    line: 0,
                },
            )
    }

    fn cin_plan() -> impl Strategy<Value = CinPlan> {
        (of(date()), of(date())).prop_map(|(start_date, end_date)| CinPlan {
            start_date,
            end_date,
            line: 0,
        })
    }

    fn section47() -> impl Strategy<Value = Section47> {
        (
            of(date()),
            of(date()),
            of(date()),
            of(code(&["true", "false", "0", "1"])),
        )
            .prop_map(
                |(start_date, icpc_target, date_of_initial_cpc, icpc_not_required)| Section47 {
                    start_date,
                    icpc_target,
                    date_of_initial_cpc,
                    icpc_not_required,
                    line: 0,
                },
            )
    }

    fn cp_plan() -> impl Strategy<Value = CpPlan> {
        (
            of(date()),
            of(date()),
            of(code(&["NEG", "MUL"])),
            of(code(&["PHY", "SAB"])),
            of(code(&["0", "3"])),
            vec(date().prop_map(Some), 0..3),
        )
            .prop_map(
                |(
                    start_date,
                    end_date,
                    initial_category,
                    latest_category,
                    number_of_previous_cpp,
                    reviews,
                )| {
                    CpPlan {
                        start_date,
                        end_date,
                        initial_category,
                        latest_category,
                        number_of_previous_cpp,
                        reviews,
                        line: 0,
                    }
                },
            )
    }

    fn cin_details() -> impl Strategy<Value = CinDetails> {
        (
            of(date()),
            of(code(&["1A", "10"])),
            of(code(&["N0", "N9"])),
            of(date()),
            of(code(&["RC1", "RC9"])),
            of(date()),
            vec(assessment(), 0..2),
            vec(cin_plan(), 0..2),
            vec(section47(), 0..2),
            of(code(&["true", "false", "0", "1"])),
            vec(cp_plan(), 0..2),
        )
            .prop_map(
                |(
                    referral_date,
                    referral_source,
                    primary_need,
                    closure_date,
                    reason_for_closure,
                    date_of_initial_cpc,
                    assessments,
                    cin_plans,
                    section47s,
                    referral_nfa,
                    cp_plans,
                )| CinDetails {
                    referral_date,
                    referral_source,
                    primary_need,
                    closure_date,
                    reason_for_closure,
                    date_of_initial_cpc,
                    assessments,
                    cin_plans,
                    section47s,
                    referral_nfa,
                    cp_plans,
                    line: 0,
                },
            )
    }

    /// `Sex` or `GenderCurrent` or neither (the writer writes one of them).
    fn sex() -> impl Strategy<Value = (Option<String>, Option<String>)> {
        prop_oneof![
            3 => code(&["M", "F", "U"]).prop_map(|s| (Some(s), None)),
            1 => code(&["1", "2", "0", "9"]).prop_map(|g| (None, Some(g))),
            1 => Just((None, None)),
        ]
    }

    fn child() -> impl Strategy<Value = Child> {
        (
            of(text()),
            of(text()),
            of(text()),
            of(code(&["UN1", "UN7"])),
            of(date()),
            of(date()),
            sex(),
            of(date()),
            of(code(&["WBRI", "NOBT"])),
            vec(code(&["NONE", "AUT"]), 0..3),
            vec(cin_details(), 0..3),
        )
            .prop_map(
                |(
                    la_child_id,
                    upn,
                    former_upn,
                    upn_unknown,
                    birth_date,
                    expected_birth_date,
                    (sex, gender_current),
                    death_date,
                    ethnicity,
                    disabilities,
                    cin_details,
                )| Child {
                    la_child_id,
                    upn,
                    former_upn,
                    upn_unknown,
                    birth_date,
                    expected_birth_date,
                    sex,
                    gender_current,
                    death_date,
                    ethnicity,
                    disabilities,
                    cin_details,
                    line: 0,
                },
            )
    }

    fn census() -> impl Strategy<Value = CensusReturn> {
        (header(), vec(child(), 0..4))
            .prop_map(|(header, children)| CensusReturn { header, children })
    }

    proptest! {
        /// Whatever a return holds (valid codes or not), writing it and reading it back gives the same return.
        #[test]
        fn write_then_read_is_the_same_return(census in census()) {
            let written = cin::write(&census);
            let read = cin::read(written.as_bytes());
            prop_assert!(read.is_ok(), "{:?}\n{written}", read.err());
            if let Ok(read) = read {
                prop_assert_eq!(cin::strip_lines(&read.census), census);
            }
        }
    }
}
