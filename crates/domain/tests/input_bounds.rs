//! Property tests of the bounds on what an input may give (issue 12): every input date goes through
//! `datetime::parse_input_date`, which accepts a date exactly when it lies in the range sensible for what it is
//! (from 1900; something that happened at most a year after today, something planned at most ten years after
//! the day it was set) and otherwise names the field; instants from 1900 only; and every list has a maximum
//! length, past which it is one problem naming the list and its rows are not checked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use domain::ValueErrors;
use domain::actions::{ActionInput, validate_actions};
use domain::datetime::{
    Date, DateRange, EARLIEST_DATE, HAPPENED_AHEAD_YEARS, PLANNED_AHEAD_YEARS, parse_input_date,
    parse_timestamp,
};
use domain::front_door::parse_date_time;
use domain::validation::{MAX_ACTIONS, bounded};
use jiff::ToSpan;
use proptest::prelude::*;

/// Any date from year 1 to 9999 (what `YYYY-MM-DD` can write), as days since 1 January of year 1.
fn any_date() -> impl Strategy<Value = Date> {
    let first = jiff::civil::date(1, 1, 1);
    (0i32..3_652_059).prop_map(move |n| first.saturating_add(n.days()))
}

/// A "today" a server might have: 2000 to 2090.
fn a_today() -> impl Strategy<Value = Date> {
    let first = jiff::civil::date(2000, 1, 1);
    (0i32..32_870).prop_map(move |n| first.saturating_add(n.days()))
}

fn action(due: &str) -> ActionInput {
    ActionInput {
        description: Some("Visit".into()),
        owner: Some("Social worker".into()),
        due_on: Some(due.into()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_date_that_happened_is_from_1900_to_a_year_ahead(d in any_date(), today in a_today()) {
        let r = parse_input_date("visited_on", &d.to_string(), DateRange::Happened { today });
        let latest = today.saturating_add(HAPPENED_AHEAD_YEARS.years());
        let sensible = d >= EARLIEST_DATE && d <= latest;
        match r {
            Ok(got) => {
                prop_assert!(sensible, "{d} accepted with today {today}");
                prop_assert_eq!(got, d);
            }
            Err(e) => {
                prop_assert!(!sensible, "{d} refused with today {today}: {e}");
                prop_assert_eq!(e.field, "visited_on");
            }
        }
    }

    #[test]
    fn a_planned_date_is_from_1900_to_ten_years_after_it_was_set(d in any_date(), from in a_today()) {
        let field = "actions[3].due_on".to_owned();
        let r = parse_input_date(field.clone(), &d.to_string(), DateRange::Planned { from });
        let latest = from.saturating_add(PLANNED_AHEAD_YEARS.years());
        let sensible = d >= EARLIEST_DATE && d <= latest;
        prop_assert_eq!(r.is_ok(), sensible, "{} planned on {}", d, from);
        if let Err(e) = r {
            prop_assert_eq!(e.field, field);
        }
    }

    #[test]
    fn an_action_due_out_of_range_is_named_by_its_row(d in any_date(), set in a_today(), row in 0usize..5) {
        let mut rows: Vec<ActionInput> = (0..5).map(|_| action(&set.to_string())).collect();
        rows[row] = action(&d.to_string());
        let mut errors = ValueErrors::new();
        let valid = validate_actions("actions", &rows, set, &mut errors);
        let latest = set.saturating_add(PLANNED_AHEAD_YEARS.years());
        if d >= set && d <= latest {
            prop_assert!(errors.is_empty(), "{:?}", errors);
            prop_assert_eq!(valid.len(), 5);
        } else {
            prop_assert_eq!(errors.0.len(), 1);
            prop_assert_eq!(errors.0[0].field.to_string(), format!("actions[{row}].due_on"));
        }
    }

    #[test]
    fn any_text_as_a_date_is_a_value_or_a_problem_naming_the_field(s in ".{0,40}", today in a_today()) {
        match parse_input_date("held_on", &s, DateRange::Happened { today }) {
            Ok(d) => prop_assert!(d >= EARLIEST_DATE),
            Err(e) => {
                prop_assert_eq!(e.field, "held_on");
                prop_assert!(e.problem.chars().count() < 200, "{}", e.problem);
            }
        }
    }

    #[test]
    fn instants_are_from_1900(secs in -62_135_596_800i64..253_402_300_799i64) {
        let t = jiff::Timestamp::from_second(secs).unwrap();
        let text = t.to_string();
        let sensible = secs >= -2_208_988_800;
        prop_assert_eq!(parse_timestamp("received_at", &text).is_ok(), sensible, "{}", text);
        prop_assert_eq!(parse_date_time("held_at", &text).is_ok(), sensible, "{}", text);
    }

    #[test]
    fn a_list_longer_than_its_bound_is_one_problem_naming_the_list(n in 0usize..200) {
        let rows: Vec<ActionInput> = (0..n).map(|_| action("2026-03-02")).collect();
        let mut errors = ValueErrors::new();
        let valid = validate_actions("cases[2].actions", &rows, "2026-03-02".parse().unwrap(), &mut errors);
        if n <= MAX_ACTIONS {
            prop_assert!(errors.is_empty());
            prop_assert_eq!(valid.len(), n);
        } else {
            prop_assert_eq!(errors.0.len(), 1, "one problem, not one per row");
            prop_assert_eq!(errors.0[0].field.to_string(), "cases[2].actions");
            prop_assert!(valid.is_empty());
        }
        let mut errors = ValueErrors::new();
        prop_assert_eq!(bounded("factors", &rows, 20, "factors", &mut errors).is_some(), n <= 20);
    }
}

#[test]
fn the_examples_from_the_probe() {
    let today: Date = "2026-03-02".parse().unwrap();
    // A visit in year 0, an action due in 9999.
    let e =
        parse_input_date("visited_on", "0000-05-01", DateRange::Happened { today }).unwrap_err();
    assert_eq!(e.field, "visited_on");
    assert!(e.problem.contains("1900"), "{}", e.problem);
    let e = parse_input_date(
        "actions[0].due_on",
        "9999-12-31",
        DateRange::Planned { from: today },
    )
    .unwrap_err();
    assert_eq!(e.field, "actions[0].due_on");
    assert!(e.problem.contains("10 years"), "{}", e.problem);
    // The edges.
    assert!(parse_input_date("d", "1900-01-01", DateRange::Happened { today }).is_ok());
    assert!(parse_input_date("d", "1899-12-31", DateRange::Happened { today }).is_err());
    assert!(parse_input_date("d", "2036-03-02", DateRange::Planned { from: today }).is_ok());
    assert!(parse_input_date("d", "2036-03-03", DateRange::Planned { from: today }).is_err());
    // A meeting date in error (the caller passes the earliest date it knows) leaves only the lower bound.
    assert!(parse_input_date("d", "2090-01-01", DateRange::Planned { from: Date::MIN }).is_ok());
    // 2,000 actions: one problem, naming the list.
    let rows: Vec<ActionInput> = (0..2000).map(|_| action("2026-03-02")).collect();
    let mut errors = ValueErrors::new();
    validate_actions("actions", &rows, today, &mut errors);
    assert_eq!(errors.0.len(), 1);
    assert_eq!(errors.0[0].field, "actions");
    assert!(
        errors.0[0].problem.contains("2000"),
        "{}",
        errors.0[0].problem
    );
}
