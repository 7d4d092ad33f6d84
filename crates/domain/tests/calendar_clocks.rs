//! The England-and-Wales working-day calendar and the statutory clocks: published bank-holiday lists, hand-checked
//! dates around Christmas, Easter, year ends and the one-off holidays, the DfE's numpy count, and properties.

// The helpers and proptest strategies below are test code outside `#[test]` functions, where clippy.toml's test
// allowances do not reach.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::OnceLock;

use domain::calendar::{BusdayRoll, Calendar};
use domain::clocks::{
    self, ClockSettings, ClockStatus, DayClock, Rag, TimeClock, WorkingDuration, WorkingHours,
    add_working_time, assessment_due, clock_starts_at, contact_decision_due, first_core_group_due,
    first_review_conference_due, icpc_due, next_review_conference_due, rag_due,
    review_conference_due, supervision_due, time_clock_status, visit_due, working_time_between,
};
use domain::datetime::{london, london_date};
use jiff::civil::{Date, Time, Weekday, date, time};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn national() -> Calendar {
    Calendar::england_and_wales()
}

/// A council that closes on the weekdays between Christmas and New Year (27–31 December), 2010–2035.
fn closing_council() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| {
        let days = (2010..=2035).flat_map(|y| (27..=31).map(move |day| date(y, 12, day)));
        Calendar::england_and_wales().with_closure_days(days)
    })
}

// ------------------------------------------------------------------------------------------------------------------
// Bank holidays: the gov.uk lists

/// The England-and-Wales bank holidays as gov.uk publishes them (past years) or as the rules give them (years not
/// yet published), written out by hand from the published lists, not from our code.
#[rustfmt::skip]
const PUBLISHED: &[(i16, &[&str])] = &[
    // Christmas on Saturday: substitute days Monday 27 and Tuesday 28.
    (2010, &["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"]),
    // 1 January a Saturday: substitute Monday 3 January; royal wedding 29 April; Christmas on Sunday: Boxing Day
    // Monday 26, Christmas substitute Tuesday 27.
    (2011, &["01-03", "04-22", "04-25", "04-29", "05-02", "05-30", "08-29", "12-26", "12-27"]),
    // 1 January a Sunday: substitute Monday 2; Diamond Jubilee: spring holiday moved to Monday 4 June, extra Tuesday 5.
    (2012, &["01-02", "04-06", "04-09", "05-07", "06-04", "06-05", "08-27", "12-25", "12-26"]),
    (2013, &["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    (2014, &["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
    // Christmas on Friday: Boxing Day substitute Monday 28.
    (2015, &["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
    // Christmas on Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27.
    (2016, &["01-01", "03-25", "03-28", "05-02", "05-30", "08-29", "12-26", "12-27"]),
    (2017, &["01-02", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"]),
    (2018, &["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"]),
    (2019, &["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    // VE Day 75: early May holiday moved from Monday 4 to Friday 8 May. Christmas on Friday: Boxing Day Monday 28.
    (2020, &["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"]),
    // Christmas on Saturday: Monday 27 and Tuesday 28.
    (2021, &["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"]),
    // 1 January a Saturday: Monday 3; Platinum Jubilee: spring holiday moved to Thursday 2 June, extra Friday 3;
    // state funeral Monday 19 September; Christmas on Sunday: Monday 26 and Tuesday 27.
    (2022, &["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"]),
    // 1 January a Sunday: Monday 2; coronation Monday 8 May (1 May stays).
    (2023, &["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]),
    (2024, &["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    (2025, &["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
    // Christmas on Friday: Boxing Day substitute Monday 28.
    (2026, &["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
    // Christmas on Saturday: Monday 27 and Tuesday 28.
    (2027, &["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]),
    // 1 January a Saturday: Monday 3.
    (2028, &["01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"]),
    (2029, &["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"]),
    (2030, &["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    (2031, &["01-01", "04-11", "04-14", "05-05", "05-26", "08-25", "12-25", "12-26"]),
    // Christmas on Saturday: Monday 27 and Tuesday 28.
    (2032, &["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]),
    // 1 January a Saturday: Monday 3; Christmas on Sunday: Monday 26 and Tuesday 27.
    (2033, &["01-03", "04-15", "04-18", "05-02", "05-30", "08-29", "12-26", "12-27"]),
    // 1 January a Sunday: Monday 2.
    (2034, &["01-02", "04-07", "04-10", "05-01", "05-29", "08-28", "12-25", "12-26"]),
    (2035, &["01-01", "03-23", "03-26", "05-07", "05-28", "08-27", "12-25", "12-26"]),
];

#[test]
fn bank_holidays_match_the_published_lists_2010_to_2035() {
    assert_eq!(PUBLISHED.len(), 26, "every year 2010-2035 is listed");
    let cal = national();
    for &(year, days) in PUBLISHED {
        let expected: Vec<Date> = days.iter().map(|md| d(&format!("{year}-{md}"))).collect();
        let ours: Vec<Date> = Calendar::bank_holidays(year)
            .into_iter()
            .map(|(day, _)| day)
            .collect();
        assert_eq!(ours, expected, "bank holidays of {year}");
        for day in expected {
            // The published days are all weekdays (substitutes make sure of that) and none is a working day.
            assert!(
                !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
                "{day}"
            );
            assert!(!cal.is_working_day(day), "{day}");
            assert!(Calendar::bank_holiday(day).is_some(), "{day}");
        }
        // And every other weekday of the year is a working day.
        let mut day = date(year, 1, 1);
        let mut working = 0;
        while day.year() == year {
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            assert_eq!(
                cal.is_working_day(day),
                !weekend && !days.iter().any(|md| d(&format!("{year}-{md}")) == day)
            );
            working += i32::from(cal.is_working_day(day));
            day = day.tomorrow().unwrap();
        }
        assert_eq!(
            cal.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)),
            working
        );
    }
}

#[test]
fn the_regular_holidays_fall_on_the_right_weekdays() {
    for year in 1990..=2060 {
        let hols = Calendar::bank_holidays(year);
        let named = |name: &str| {
            hols.iter()
                .filter(|(_, n)| *n == name)
                .map(|(d, _)| *d)
                .collect::<Vec<_>>()
        };
        let good_friday = named("Good Friday");
        let easter_monday = named("Easter Monday");
        assert_eq!(good_friday.len(), 1);
        assert_eq!(good_friday[0].weekday(), Weekday::Friday);
        assert_eq!(easter_monday[0].weekday(), Weekday::Monday);
        assert_eq!(
            good_friday[0]
                .checked_add(SignedDuration::from_hours(72))
                .unwrap(),
            easter_monday[0]
        );
        for (day, name) in &hols {
            assert!(
                !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
                "{year}: {name} {day}"
            );
            assert_eq!(day.year(), year);
        }
        assert!(
            hols.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted and unique in {year}"
        );
    }
}

#[test]
fn holidays_are_named() {
    // 2022: Christmas on a Sunday, so Monday 26th is Boxing Day and Tuesday 27th the Christmas substitute.
    assert_eq!(Calendar::bank_holiday(d("2022-12-26")), Some("Boxing Day"));
    assert_eq!(
        Calendar::bank_holiday(d("2022-12-27")),
        Some("Christmas Day (substitute day)")
    );
    assert_eq!(
        Calendar::bank_holiday(d("2022-12-25")),
        None,
        "a Sunday, not itself a bank holiday"
    );
    // 2021: Christmas on a Saturday.
    assert_eq!(
        Calendar::bank_holiday(d("2021-12-27")),
        Some("Christmas Day (substitute day)")
    );
    assert_eq!(
        Calendar::bank_holiday(d("2021-12-28")),
        Some("Boxing Day (substitute day)")
    );
    assert_eq!(
        Calendar::bank_holiday(d("2020-05-08")),
        Some("Early May bank holiday (VE day)")
    );
    assert_eq!(
        Calendar::bank_holiday(d("2022-06-02")),
        Some("Spring bank holiday")
    );
    assert_eq!(
        Calendar::bank_holiday(d("2022-06-03")),
        Some("Platinum Jubilee bank holiday")
    );
    assert_eq!(Calendar::bank_holiday(d("2024-03-29")), Some("Good Friday"));
    assert_eq!(
        Calendar::bank_holiday(d("2024-05-06")),
        Some("Early May bank holiday")
    );
    assert_eq!(Calendar::bank_holiday(d("2024-05-07")), None);
}

#[test]
fn one_off_changes() {
    let cal = national();
    // (date, is it a working day?, why)
    let cases = [
        ("2011-04-29", false, "royal wedding, an extra holiday"),
        ("2011-05-02", false, "the early May holiday of 2011 stayed"),
        (
            "2012-05-28",
            true,
            "the 2012 spring holiday moved from the last Monday of May…",
        ),
        ("2012-06-04", false, "…to Monday 4 June"),
        ("2012-06-05", false, "Diamond Jubilee, an extra Tuesday"),
        (
            "2020-05-04",
            true,
            "the 2020 early May holiday moved from Monday 4 May…",
        ),
        ("2020-05-08", false, "…to Friday 8 May, VE Day 75"),
        (
            "2022-05-30",
            true,
            "the 2022 spring holiday moved from the last Monday of May…",
        ),
        ("2022-06-02", false, "…to Thursday 2 June"),
        ("2022-06-03", false, "Platinum Jubilee, an extra Friday"),
        ("2022-09-19", false, "state funeral of Queen Elizabeth II"),
        (
            "2023-05-01",
            false,
            "the 2023 early May holiday stayed on 1 May",
        ),
        (
            "2023-05-08",
            false,
            "coronation of King Charles III, an extra Monday",
        ),
        ("2023-05-29", false, "2023 spring holiday as usual"),
    ];
    for (day, working, why) in cases {
        assert_eq!(cal.is_working_day(d(day)), working, "{day}: {why}");
    }
    // Across the Platinum Jubilee: Wednesday 1 June 2022 → the next working day is Monday 6 June.
    assert_eq!(cal.next_working_day(d("2022-06-01")), d("2022-06-06"));
    // Across the coronation weekend: Friday 5 May 2023 → Tuesday 9 May.
    assert_eq!(cal.next_working_day(d("2023-05-05")), d("2023-05-09"));
}

// ------------------------------------------------------------------------------------------------------------------
// Working-day arithmetic around Christmas, Easter and year ends

#[test]
fn christmas_and_year_ends() {
    let cal = national();
    // (from, next working day, why)
    let cases = [
        // 2021: 25th a Saturday, so Monday 27 and Tuesday 28 are the substitutes; Wednesday 29 is open.
        (
            "2021-12-24",
            "2021-12-29",
            "Christmas 2021 on a Saturday: 27 and 28 are substitutes",
        ),
        // 2022: 25th a Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27.
        (
            "2022-12-23",
            "2022-12-28",
            "Christmas 2022 on a Sunday: 26 and 27",
        ),
        // 2022 → 2023: 1 January 2023 a Sunday, so Monday 2 January is the substitute.
        (
            "2022-12-30",
            "2023-01-03",
            "New Year's Day 2023 on a Sunday: Monday 2 is the substitute",
        ),
        // 2026: 25th a Friday, Boxing Day (Saturday) moves to Monday 28.
        (
            "2026-12-24",
            "2026-12-29",
            "Christmas 2026 on a Friday: Boxing Day substitute Monday 28",
        ),
        // 2027: 25th a Saturday, like 2021.
        (
            "2027-12-24",
            "2027-12-29",
            "Christmas 2027 on a Saturday: 27 and 28",
        ),
        // 2027 → 2028: 1 January 2028 a Saturday, so Monday 3 January is the substitute.
        (
            "2027-12-31",
            "2028-01-04",
            "New Year's Day 2028 on a Saturday: Monday 3 is the substitute",
        ),
        // 2023 → 2024: New Year's Day 2024 a Monday.
        (
            "2023-12-29",
            "2024-01-02",
            "New Year's Day 2024 on a Monday",
        ),
        // 2024: Christmas Wednesday, Boxing Day Thursday; Friday 27 is a working day nationally.
        ("2024-12-24", "2024-12-27", "Christmas 2024 mid-week"),
    ];
    for (from, next, why) in cases {
        assert_eq!(cal.next_working_day(d(from)), d(next), "{from}: {why}");
        assert_eq!(
            cal.working_days_between(d(from), d(next)),
            1,
            "{from}: {why}"
        );
    }
    // Counting back over Christmas 2022: the working day before Wednesday 28 December is Friday 23.
    assert_eq!(cal.previous_working_day(d("2022-12-28")), d("2022-12-23"));
    assert_eq!(
        cal.working_day_on_or_before(d("2022-12-27")),
        d("2022-12-23")
    );
    assert_eq!(
        cal.working_day_on_or_after(d("2022-12-24")),
        d("2022-12-28")
    );
    assert_eq!(
        cal.working_day_on_or_after(d("2022-12-28")),
        d("2022-12-28")
    );
}

#[test]
fn easter() {
    let cal = national();
    // 2024: Good Friday 29 March, Easter Monday 1 April. Thursday 28 March → Tuesday 2 April.
    assert!(!cal.is_working_day(d("2024-03-29")) && !cal.is_working_day(d("2024-04-01")));
    assert_eq!(cal.next_working_day(d("2024-03-28")), d("2024-04-02"));
    // 2025: Good Friday 18 April, Easter Monday 21 April.
    assert!(!cal.is_working_day(d("2025-04-18")) && !cal.is_working_day(d("2025-04-21")));
    assert_eq!(cal.next_working_day(d("2025-04-17")), d("2025-04-22"));
    // 2019: Good Friday 19 April, Easter Monday 22 April.
    assert!(!cal.is_working_day(d("2019-04-19")) && !cal.is_working_day(d("2019-04-22")));
    assert_eq!(cal.next_working_day(d("2019-04-18")), d("2019-04-23"));
    // Thursday 28 March 2024 + 5 working days: 2, 3, 4, 5 and 8 April (Good Friday and Easter Monday skipped).
    assert_eq!(cal.add_working_days(d("2024-03-28"), 5), d("2024-04-08"));
    assert_eq!(
        cal.subtract_working_days(d("2024-04-08"), 5),
        d("2024-03-28")
    );
}

#[test]
fn closure_days_are_not_working_days() {
    // A council that closes 27, 30 and 31 December 2024.
    let cal = national().with_closure_days([d("2024-12-27"), d("2024-12-30"), d("2024-12-31")]);
    assert!(cal.is_closure_day(d("2024-12-30")));
    assert!(!national().is_closure_day(d("2024-12-30")));
    // Christmas Eve (Tuesday) → 25, 26 bank holidays, 27 closed, weekend, 30 and 31 closed, 1 January bank holiday.
    assert_eq!(cal.next_working_day(d("2024-12-24")), d("2025-01-02"));
    assert_eq!(
        national().next_working_day(d("2024-12-24")),
        d("2024-12-27")
    );
    // Adding more keeps the earlier ones.
    let more = cal.clone().with_closure_days([d("2025-01-02")]);
    assert_eq!(more.next_working_day(d("2024-12-24")), d("2025-01-03"));
    assert_eq!(more.closure_days().count(), 4);
    // Closure days outside the precomputed years count too.
    let far = national().with_closure_days([d("2070-06-10")]);
    assert!(!far.is_working_day(d("2070-06-10")));
    assert_eq!(far.next_working_day(d("2070-06-09")), d("2070-06-11"));
}

#[test]
fn a_bank_holiday_can_be_opened_by_configuration() {
    // Should a future bank holiday move, the council works the old day and closes the new one.
    let cal = national()
        .with_open_days([d("2031-05-26"), d("2031-05-24")])
        .with_closure_days([d("2031-05-30")]);
    assert!(cal.is_working_day(d("2031-05-26")));
    assert!(
        !cal.is_working_day(d("2031-05-24")),
        "a Saturday cannot be opened"
    );
    assert!(!cal.is_working_day(d("2031-05-30")));
}

#[test]
fn years_outside_the_precomputed_table_follow_the_rules() {
    let cal = national();
    // 2060: Christmas on a Saturday, like 2021; Easter Sunday 18 April 2060.
    assert_eq!(cal.next_working_day(d("2060-12-24")), d("2060-12-29"));
    assert!(!cal.is_working_day(d("2060-04-16")) && !cal.is_working_day(d("2060-04-19")));
    // 1995: the VE Day 50 holiday was Monday 8 May, not 1 May.
    assert!(cal.is_working_day(d("1995-05-01")) && !cal.is_working_day(d("1995-05-08")));
    // Counts straddling the table's edges agree with counting day by day.
    for (a, b) in [("1998-06-01", "2001-03-01"), ("2049-06-01", "2052-03-01")] {
        let (a, b) = (d(a), d(b));
        assert_eq!(cal.busday_count(a, b), naive_busday_count(&cal, a, b));
        let n = u32::try_from(cal.working_days_between(a, b)).unwrap();
        assert_eq!(cal.add_working_days(a, n), cal.working_day_on_or_before(b));
    }
}

// ------------------------------------------------------------------------------------------------------------------
// The DfE's numpy count

/// Expected values computed with numpy 2.4.6 (`busday_count`, `busday_offset`) given the gov.uk holiday list.
#[test]
fn busday_count_and_offset_agree_with_numpy() {
    let cal = national();
    let counts = [
        // Thursday before Easter 2024 to the Tuesday after: only the Thursday counts.
        ("2024-03-28", "2024-04-02", 1),
        ("2024-04-02", "2024-03-28", -1),
        ("2024-03-30", "2024-04-06", 4),
        ("2024-04-06", "2024-03-30", -4),
        // Christmas Eve 2021 to 4 January 2022: 24, 29, 30, 31 December (3 January is the New Year substitute).
        ("2021-12-24", "2022-01-04", 4),
        ("2022-01-04", "2021-12-24", -4),
        ("2024-05-04", "2024-05-04", 0),
        ("2024-05-03", "2024-05-07", 1),
        ("2024-05-07", "2024-05-03", -1),
        // numpy's documented example of a reversed range (fixed in numpy 1.25).
        ("2011-09-26", "2011-09-25", -1),
        ("2019-12-31", "2020-12-31", 254),
    ];
    for (a, b, n) in counts {
        assert_eq!(cal.busday_count(d(a), d(b)), n, "busday_count({a}, {b})");
    }
    let offsets = [
        ("2024-03-31", -44, BusdayRoll::Forward, "2024-01-29"),
        ("2024-03-31", -14, BusdayRoll::Forward, "2024-03-11"),
        ("2025-03-31", -44, BusdayRoll::Forward, "2025-01-28"),
        ("2025-03-31", -14, BusdayRoll::Forward, "2025-03-11"),
        ("2023-03-31", -44, BusdayRoll::Forward, "2023-01-30"),
        // Easter Monday rolls forward to Tuesday, or back to Maundy Thursday.
        ("2024-04-01", 0, BusdayRoll::Forward, "2024-04-02"),
        ("2024-04-01", 0, BusdayRoll::Backward, "2024-03-28"),
        ("2024-04-01", 1, BusdayRoll::Backward, "2024-04-02"),
        ("2024-03-29", -1, BusdayRoll::Backward, "2024-03-27"),
        ("2021-12-25", 3, BusdayRoll::Forward, "2022-01-04"),
        ("2021-12-25", 3, BusdayRoll::Backward, "2021-12-31"),
        ("2022-06-02", -2, BusdayRoll::Forward, "2022-05-31"),
    ];
    for (day, offset, roll, expected) in offsets {
        assert_eq!(
            cal.busday_offset(d(day), offset, roll),
            d(expected),
            "busday_offset({day}, {offset}, {roll:?})"
        );
    }
}

#[test]
fn the_reference_validators_8670q_and_8675q_cut_off_dates() {
    // csc-validator-be-cin compares a start date with ReferenceDate - CustomBusinessDay(n - 1), i.e.
    // busday_offset(reference, -(n - 1), roll forward). Values computed with pandas 3.1.1.
    let cal = national();
    let cases = [
        ("2023-03-31", 45, "2023-01-30"),
        ("2023-03-31", 15, "2023-03-13"),
        ("2023-03-31", 1, "2023-03-31"),
        // 31 March 2024 was Easter Sunday: pandas rolls forward over Easter Monday to 2 April first.
        ("2024-03-31", 45, "2024-01-29"),
        ("2024-03-31", 15, "2024-03-11"),
        ("2024-03-31", 1, "2024-04-02"),
        ("2025-03-31", 45, "2025-01-28"),
        ("2025-03-31", 15, "2025-03-11"),
    ];
    for (reference, n, cut_off) in cases {
        let got = cal.busday_offset(d(reference), -(n - 1), BusdayRoll::Forward);
        assert_eq!(got, d(cut_off), "{reference} minus {n} working days");
    }
}

#[test]
fn our_due_dates_against_the_dfe_count() {
    let cal = national();
    // Referral on Monday 8 January 2024 (a working day): due 45 working days later, on Monday 11 March (nine
    // whole weeks, no bank holidays between). numpy counts the referral day and not the end day: 45, on time;
    // one working day later it is 46, more than 45, a query.
    let due = assessment_due(&cal, d("2024-01-08"));
    assert_eq!(due, d("2024-03-11"));
    assert_eq!(cal.busday_count(d("2024-01-08"), due), 45);
    assert_eq!(
        cal.busday_count(d("2024-01-08"), cal.next_working_day(due)),
        46
    );
    // Referral on Saturday 6 January 2024: Monday 8 January is day 1 for us, so due Friday 8 March; numpy does not
    // count the Saturday, so it counts only 44 there, and would query nothing before Tuesday 12 March.
    let due = assessment_due(&cal, d("2024-01-06"));
    assert_eq!(due, d("2024-03-08"));
    assert_eq!(cal.busday_count(d("2024-01-06"), due), 44);
}

// ------------------------------------------------------------------------------------------------------------------
// Day clocks

#[test]
fn day_clocks_on_hand_checked_dates() {
    let cal = national();
    // Referral Friday 1 March 2024 + 45 WD: nine weeks is Friday 3 May, plus 2 for Good Friday and Easter Monday:
    // Tuesday 7 May (Monday 6 May is a bank holiday), Wednesday 8 May.
    assert_eq!(assessment_due(&cal, d("2024-03-01")), d("2024-05-08"));
    // Strategy discussion Monday 16 December 2024 + 15 WD: 17–20 (4), 23, 24 (6), 27 (7), 30, 31 (9), 2, 3 January
    // (11), 6–9 January (15): Thursday 9 January 2025.
    assert_eq!(icpc_due(&cal, d("2024-12-16")), d("2025-01-09"));
    // The same where the council closes 27, 30 and 31 December: three days later, Tuesday 14 January.
    let closing = national().with_closure_days([d("2024-12-27"), d("2024-12-30"), d("2024-12-31")]);
    assert_eq!(icpc_due(&closing, d("2024-12-16")), d("2025-01-14"));
    // ICPC Monday 25 March 2024 + 10 WD: 26–28 (3), Easter, 2–5 April (7), 8–10 April (10): Wednesday 10 April.
    assert_eq!(first_core_group_due(&cal, d("2024-03-25")), d("2024-04-10"));
    // CP visit every 10 WD from Wednesday 1 May 2024: 2, 3 (2), bank holiday 6, 7–10 (6), 13–16 (10): Thursday 16 May.
    assert_eq!(visit_due(&cal, d("2024-05-01"), 10), d("2024-05-16"));
    assert_eq!(supervision_due(&cal, d("2024-05-01"), 20), d("2024-05-31"));
    // 0 working days: today, if it is a working day.
    assert_eq!(visit_due(&cal, d("2024-05-06"), 0), d("2024-05-07"));
}

#[test]
fn review_conferences_are_due_within_the_months() {
    let cal = national();
    // (date, first review due (3 months), next review due (6 months), why)
    let first = [
        // 30 November 2023 + 3 months = 29 February 2024 (leap year, clamped from 30), a Thursday.
        (
            "2023-11-30",
            "2024-02-29",
            "clamped to 29 February in a leap year",
        ),
        // 30 November 2022 + 3 months = 28 February 2023 (clamped), a Tuesday.
        ("2022-11-30", "2023-02-28", "clamped to 28 February"),
        // 31 May 2024 + 3 months = Saturday 31 August: within, so the Friday before, 30 August.
        (
            "2024-05-31",
            "2024-08-30",
            "a Saturday moves earlier to Friday",
        ),
        // 26 February 2024 + 3 months = Sunday 26 May: earlier to Friday 24 May (Monday 27 is also a holiday).
        ("2024-02-26", "2024-05-24", "a Sunday moves earlier"),
    ];
    for (icpc, due, why) in first {
        assert_eq!(
            first_review_conference_due(&cal, d(icpc)),
            d(due),
            "{icpc}: {why}"
        );
    }
    let next = [
        // 25 June 2025 + 6 months = Christmas Day 2025 (Thursday): earlier to Christmas Eve.
        ("2025-06-25", "2025-12-24", "Christmas Day moves earlier"),
        // 28 June 2021 + 6 months = Tuesday 28 December 2021, the Boxing Day substitute; the 27th is the Christmas
        // substitute, so Friday 24 December.
        ("2021-06-28", "2021-12-24", "substitute days move earlier"),
        // 31 August 2023 + 6 months = 29 February 2024 (clamped from 31), a Thursday.
        ("2023-08-31", "2024-02-29", "clamped to 29 February"),
        ("2024-06-27", "2024-12-27", "a working day stays"),
    ];
    for (previous, due, why) in next {
        assert_eq!(
            next_review_conference_due(&cal, d(previous)),
            d(due),
            "{previous}: {why}"
        );
    }
    assert_eq!(
        review_conference_due(&cal, d("2024-05-31"), None),
        d("2024-08-30")
    );
    assert_eq!(
        review_conference_due(&cal, d("2024-05-31"), Some(d("2024-08-30"))),
        d("2025-02-28")
    );
}

// ------------------------------------------------------------------------------------------------------------------
// Timestamp clocks

#[test]
fn contact_at_1655_before_a_bank_holiday_is_due_the_next_working_day_at_1655() {
    let cal = national();
    let settings = ClockSettings::default();
    // (received, due, why): 16:55 London time, due 16:55 London time on the next working day (5 minutes that day,
    // 7h55 the next). Times in UTC: BST is UTC+1, GMT is UTC+0.
    let cases = [
        (
            "2024-05-03T15:55:00Z",
            "2024-05-07T15:55:00Z",
            "Fri, BST: Monday 6 May early May bank holiday",
        ),
        (
            "2024-05-24T15:55:00Z",
            "2024-05-28T15:55:00Z",
            "Fri, BST: Monday 27 May spring bank holiday",
        ),
        (
            "2024-08-23T15:55:00Z",
            "2024-08-27T15:55:00Z",
            "Fri, BST: Monday 26 August summer bank holiday",
        ),
        (
            "2023-12-29T16:55:00Z",
            "2024-01-02T16:55:00Z",
            "Fri, GMT: Monday 1 January New Year's Day",
        ),
        (
            "2022-12-30T16:55:00Z",
            "2023-01-03T16:55:00Z",
            "Fri, GMT: Monday 2 January New Year substitute",
        ),
        (
            "2021-12-24T16:55:00Z",
            "2021-12-29T16:55:00Z",
            "Fri, GMT: Christmas substitutes Mon 27, Tue 28",
        ),
        (
            "2022-12-23T16:55:00Z",
            "2022-12-28T16:55:00Z",
            "Fri, GMT: Boxing Day Mon 26, Christmas sub Tue 27",
        ),
        (
            "2027-12-24T16:55:00Z",
            "2027-12-29T16:55:00Z",
            "Fri, GMT: Christmas substitutes Mon 27, Tue 28",
        ),
        (
            "2025-04-17T15:55:00Z",
            "2025-04-22T15:55:00Z",
            "Thu, BST: Good Friday and Easter Monday",
        ),
        (
            "2022-09-16T15:55:00Z",
            "2022-09-20T15:55:00Z",
            "Fri, BST: Monday 19 September state funeral",
        ),
        (
            "2023-05-05T15:55:00Z",
            "2023-05-09T15:55:00Z",
            "Fri, BST: Monday 8 May coronation",
        ),
        (
            "2020-05-07T15:55:00Z",
            "2020-05-11T15:55:00Z",
            "Thu, BST: Friday 8 May VE Day",
        ),
        (
            "2022-06-01T15:55:00Z",
            "2022-06-06T15:55:00Z",
            "Wed, BST: Thursday and Friday, Platinum Jubilee",
        ),
        (
            "2011-04-28T15:55:00Z",
            "2011-05-03T15:55:00Z",
            "Thu, BST: royal wedding Friday, early May Monday",
        ),
        // Received in GMT, due in BST: clocks went forward on Sunday 31 March 2024 (Easter Day) - still 16:55.
        (
            "2024-03-28T16:55:00Z",
            "2024-04-02T15:55:00Z",
            "Thu, GMT → BST over Easter 2024",
        ),
        // No bank holiday, but the clocks change over the weekend: the local due time does not move.
        (
            "2024-10-25T15:55:00Z",
            "2024-10-28T16:55:00Z",
            "Fri, BST → GMT (clocks back Sunday 27 October)",
        ),
        (
            "2025-03-28T16:55:00Z",
            "2025-03-31T15:55:00Z",
            "Fri, GMT → BST (clocks forward Sunday 30 March)",
        ),
    ];
    for (received, due, why) in cases {
        let got = contact_decision_due(&cal, &settings, ts(received));
        assert_eq!(got, ts(due), "{received}: {why}");
        assert_eq!(
            london().to_datetime(got).time(),
            time(16, 55, 0, 0),
            "{why}"
        );
        assert_eq!(
            working_time_between(&cal, &settings.working_hours, ts(received), got),
            SignedDuration::from_hours(8),
            "{why}"
        );
    }
}

#[test]
fn contacts_outside_working_hours_start_at_the_next_opening() {
    let cal = national();
    let s = ClockSettings::default();
    // Saturday 4 May 2024 (Monday 6 May a bank holiday): the clock starts Tuesday 09:00, due Tuesday 17:00 BST.
    let sat = ts("2024-05-04T10:00:00Z");
    assert_eq!(
        clock_starts_at(&cal, &s.working_hours, sat),
        ts("2024-05-07T08:00:00Z")
    );
    assert_eq!(
        contact_decision_due(&cal, &s, sat),
        ts("2024-05-07T16:00:00Z")
    );
    // 08:00 BST on Wednesday 8 May: starts at 09:00, due 17:00 the same day.
    assert_eq!(
        contact_decision_due(&cal, &s, ts("2024-05-08T07:00:00Z")),
        ts("2024-05-08T16:00:00Z")
    );
    // Exactly 17:00 BST: closed, so from 09:00 Thursday to 17:00 Thursday.
    assert_eq!(
        contact_decision_due(&cal, &s, ts("2024-05-08T16:00:00Z")),
        ts("2024-05-09T16:00:00Z")
    );
    // One second before closing: one second on Wednesday, the rest on Thursday, due 16:59:59.
    assert_eq!(
        contact_decision_due(&cal, &s, ts("2024-05-08T15:59:59Z")),
        ts("2024-05-09T15:59:59Z")
    );
    // 23:30 UTC on Sunday 30 June 2024 is 00:30 BST on Monday 1 July: the clock starts at 09:00 that Monday.
    assert_eq!(
        contact_decision_due(&cal, &s, ts("2024-06-30T23:30:00Z")),
        ts("2024-07-01T16:00:00Z")
    );
}

#[test]
fn rag_timescales() {
    let cal = national();
    let s = ClockSettings::default();
    // Red, 4 working hours from 15:00 BST on Friday 3 May 2024: 2 hours Friday, 2 hours Tuesday (Monday a bank
    // holiday): 11:00 BST Tuesday.
    assert_eq!(
        rag_due(&cal, &s, Rag::Red, ts("2024-05-03T14:00:00Z")),
        ts("2024-05-07T10:00:00Z")
    );
    // Amber, 1 working day from 12:00 GMT on Christmas Eve 2024: 25 and 26 bank holidays, so 12:00 Friday 27th.
    assert_eq!(
        rag_due(&cal, &s, Rag::Amber, ts("2024-12-24T12:00:00Z")),
        ts("2024-12-27T12:00:00Z")
    );
    // Green, 3 working days (24 hours) from 10:00 GMT on Monday 23 December 2024: 7h Monday, 8h Tuesday,
    // 8h Friday 27th, 1h Monday 30th: 10:00 on the 30th …
    let green_from = ts("2024-12-23T10:00:00Z");
    assert_eq!(
        rag_due(&cal, &s, Rag::Green, green_from),
        ts("2024-12-30T10:00:00Z")
    );
    // … or, where the council closes 27, 30 and 31 December: 7h Monday, 8h Tuesday, 8h Thursday 2 January
    // (1 January a bank holiday), 1h Friday 3 January: 10:00 on the 3rd.
    let closing = national().with_closure_days([d("2024-12-27"), d("2024-12-30"), d("2024-12-31")]);
    assert_eq!(
        rag_due(&closing, &s, Rag::Green, green_from),
        ts("2025-01-03T10:00:00Z")
    );
    // Partner requests follow the RAG timescales.
    assert_eq!(
        clocks::partner_request_due(&cal, &s, Rag::Red, ts("2024-05-03T14:00:00Z")),
        ts("2024-05-07T10:00:00Z")
    );
    // A council's own hours: 08:30–16:30, a contact at 16:25 on Friday 3 May 2024 is due 16:25 on Tuesday.
    let early = ClockSettings {
        working_hours: WorkingHours::new(time(8, 30, 0, 0), time(16, 30, 0, 0)).unwrap(),
        ..ClockSettings::default()
    };
    assert_eq!(
        contact_decision_due(&cal, &early, ts("2024-05-03T15:25:00Z")),
        ts("2024-05-07T15:25:00Z")
    );
}

#[test]
fn time_clock_statuses() {
    let cal = national();
    let hours = WorkingHours::default();
    // Due 16:55 BST on Tuesday 7 May 2024.
    let due = ts("2024-05-07T15:55:00Z");
    // At 17:30 on Friday 3 May, all of Tuesday's 7h55 remains (the weekend and the bank holiday do not count).
    let friday_evening = ts("2024-05-03T16:30:00Z");
    assert_eq!(
        time_clock_status(&cal, &hours, due, friday_evening),
        ClockStatus::Due {
            remaining: SignedDuration::from_mins(7 * 60 + 55)
        }
    );
    // At 17:05 on Tuesday it is overdue by the 5 working minutes to closing; at 20:00 still by 5 minutes (no
    // working time passes after closing).
    let tuesday_evening = ts("2024-05-07T16:05:00Z");
    assert_eq!(
        time_clock_status(&cal, &hours, due, tuesday_evening),
        ClockStatus::Overdue {
            by: SignedDuration::from_mins(5)
        }
    );
    assert_eq!(
        time_clock_status(&cal, &hours, due, ts("2024-05-07T19:00:00Z")),
        ClockStatus::Overdue {
            by: SignedDuration::from_mins(5)
        }
    );
    // Due at closing time and asked after closing: overdue, by no working time yet.
    assert_eq!(
        time_clock_status(&cal, &hours, ts("2024-05-07T16:00:00Z"), tuesday_evening),
        ClockStatus::Overdue {
            by: SignedDuration::ZERO
        }
    );
    // At 10:00 on Wednesday: 5 minutes on Tuesday and an hour on Wednesday.
    let clock = TimeClock::new(&cal, &hours, due, ts("2024-05-08T09:00:00Z"));
    assert!(clock.is_overdue());
    assert_eq!(
        clock.status,
        ClockStatus::Overdue {
            by: SignedDuration::from_mins(65)
        }
    );
    assert!(clocks::is_overdue(due, tuesday_evening));
    assert!(!clocks::is_overdue(due, due));
    assert!(clocks::is_overdue(d("2024-05-07"), d("2024-05-08")));
}

#[test]
fn day_clock_statuses() {
    let cal = national();
    let due = d("2024-05-03"); // a Friday; Monday 6 May is a bank holiday
    assert_eq!(
        DayClock::new(&cal, due, d("2024-04-29")).status,
        ClockStatus::Due { remaining: 4 }
    );
    let today = DayClock::new(&cal, due, due);
    assert!(today.status.is_due_today() && !today.is_overdue());
    assert_eq!(
        DayClock::new(&cal, due, d("2024-05-05")).status,
        ClockStatus::Overdue { by: 1 }
    );
    assert_eq!(
        DayClock::new(&cal, due, d("2024-05-09")).status,
        ClockStatus::Overdue { by: 3 }
    );
}

// ------------------------------------------------------------------------------------------------------------------
// Properties

fn naive_busday_count(cal: &Calendar, start: Date, end: Date) -> i32 {
    let (lo, hi, sign) = if start <= end {
        (start, end, 1)
    } else {
        (end.tomorrow().unwrap(), start.tomorrow().unwrap(), -1)
    };
    let mut n = 0;
    let mut day = lo;
    while day < hi {
        n += i32::from(cal.is_working_day(day));
        day = day.tomorrow().unwrap();
    }
    sign * n
}

/// A working day by definition, without the calendar's table: a weekday, not a listed bank holiday, not closed.
fn working_by_definition(cal: &Calendar, day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && Calendar::bank_holidays(day.year())
            .iter()
            .all(|(h, _)| *h != day)
        && !cal.is_closure_day(day)
}

#[test]
fn working_days_between_inverts_add_working_days_for_every_date_2010_to_2035() {
    // Exhaustively, not by sampling: every start date of 2010-2035 and every n in 1..=100.
    let cal = closing_council();
    let mut day = date(2010, 1, 1);
    while day <= date(2035, 12, 31) {
        let mut previous = day;
        for n in 1..=100u32 {
            let due = cal.add_working_days(day, n);
            assert_eq!(
                cal.working_days_between(day, due),
                i32::try_from(n).unwrap(),
                "{day} + {n}"
            );
            assert!(due > previous, "{day} + {n}: monotonic");
            previous = due;
        }
        day = day.tomorrow().unwrap();
    }
}

fn date_2010_2035() -> impl Strategy<Value = Date> {
    (0i64..=9495).prop_map(|k| {
        date(2010, 1, 1)
            .checked_add(SignedDuration::from_hours(24 * k))
            .unwrap()
    })
}

/// Instants from 2010 to 2035, half of them on the edges of the working day.
fn instant_2010_2035() -> impl Strategy<Value = Timestamp> {
    let uniform = (ts("2010-01-01T00:00:00Z").as_second()..ts("2035-12-20T00:00:00Z").as_second())
        .prop_map(|s| Timestamp::from_second(s).unwrap());
    let edges = (
        date_2010_2035(),
        prop::sample::select(vec![
            time(0, 0, 0, 0),
            time(8, 59, 59, 0),
            time(9, 0, 0, 0),
            time(9, 0, 0, 1),
            time(12, 30, 0, 0),
            time(16, 55, 0, 0),
            time(16, 59, 59, 999_999_000),
            time(17, 0, 0, 0),
            time(17, 0, 1, 0),
            time(23, 59, 59, 0),
        ]),
    )
        .prop_map(|(day, t)| london().to_timestamp(day.to_datetime(t)).unwrap());
    prop_oneof![uniform, edges]
}

fn working_duration() -> impl Strategy<Value = WorkingDuration> {
    prop_oneof![
        (0u32..=40).prop_map(WorkingDuration::Hours),
        (0u32..=30).prop_map(WorkingDuration::Days)
    ]
}

fn working_hours() -> impl Strategy<Value = WorkingHours> {
    prop_oneof![
        Just(WorkingHours::default()),
        Just(WorkingHours::new(time(8, 30, 0, 0), time(16, 30, 0, 0)).unwrap()),
        Just(WorkingHours::new(time(9, 0, 0, 0), time(17, 30, 0, 0)).unwrap()),
        Just(WorkingHours::new(time(0, 0, 0, 0), time(23, 59, 59, 0)).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn day_clock_due_dates_are_always_working_days(day in date_2010_2035(), every in 0u32..=40) {
        let cal = closing_council();
        for due in [
            assessment_due(cal, day),
            icpc_due(cal, day),
            first_core_group_due(cal, day),
            first_review_conference_due(cal, day),
            next_review_conference_due(cal, day),
            visit_due(cal, day, every),
            supervision_due(cal, day, every),
            cal.next_working_day(day),
            cal.previous_working_day(day),
            cal.working_day_on_or_after(day),
            cal.working_day_on_or_before(day),
        ] {
            prop_assert!(working_by_definition(cal, due), "{} from {}", due, day);
            prop_assert!(cal.is_working_day(due));
        }
        prop_assert!(first_review_conference_due(cal, day) > day);
        prop_assert!(first_review_conference_due(cal, day) <= clocks::add_months(day, 3));
    }

    #[test]
    fn the_table_agrees_with_the_definition(day in date_2010_2035()) {
        prop_assert_eq!(closing_council().is_working_day(day), working_by_definition(closing_council(), day));
        prop_assert_eq!(national().is_working_day(day), working_by_definition(&national(), day));
    }

    #[test]
    fn working_days_between_inverts_add_working_days(day in date_2010_2035(), n in 1u32..=100) {
        for cal in [&national(), closing_council()] {
            let due = cal.add_working_days(day, n);
            prop_assert_eq!(cal.working_days_between(day, due), i32::try_from(n).unwrap());
            prop_assert_eq!(cal.working_days_between(due, day), -i32::try_from(n).unwrap());
            prop_assert!(cal.add_working_days(day, n + 1) > due, "monotonic in n");
            prop_assert!(due > day);
            // n working days back from the due date is the start, or the working day before it.
            prop_assert_eq!(cal.subtract_working_days(due, n), cal.working_day_on_or_before(day));
            // Stepping one working day at a time gets to the same place.
            if n <= 10 {
                let mut stepped = day;
                for _ in 0..n { stepped = cal.next_working_day(stepped); }
                prop_assert_eq!(stepped, due);
            }
        }
    }

    #[test]
    fn subtract_is_the_inverse_of_add_on_working_days(day in date_2010_2035(), n in 0u32..=100) {
        let cal = closing_council();
        let start = cal.working_day_on_or_after(day);
        prop_assert_eq!(cal.subtract_working_days(cal.add_working_days(start, n), n), start);
    }

    #[test]
    fn busday_count_agrees_with_counting_day_by_day(a in date_2010_2035(), span in -400i64..=400) {
        let b = a.checked_add(SignedDuration::from_hours(24 * span)).unwrap();
        for cal in [&national(), closing_council()] {
            prop_assert_eq!(cal.busday_count(a, b), naive_busday_count(cal, a, b));
            // Forwards, working_days_between counts (a, b] and busday_count [a, b); backwards both are minus the
            // count of (b, a].
            let shift = if a <= b {
                i32::from(cal.is_working_day(b)) - i32::from(cal.is_working_day(a))
            } else {
                0
            };
            prop_assert_eq!(cal.working_days_between(a, b), cal.busday_count(a, b) + shift);
        }
    }

    #[test]
    fn our_due_date_is_the_last_day_the_dfe_count_accepts_for_a_working_day_start(
        day in date_2010_2035(),
        n in 1u32..=60,
    ) {
        let cal = national();
        let start = cal.working_day_on_or_after(day);
        let due = cal.add_working_days(start, n);
        let n = i32::try_from(n).unwrap();
        prop_assert_eq!(cal.busday_count(start, due), n);
        prop_assert!(cal.busday_count(start, due.tomorrow().unwrap()) > n);
        prop_assert!(cal.busday_count(start, cal.next_working_day(due)) > n);
    }

    #[test]
    fn the_dfe_count_allows_one_more_working_day_for_a_non_working_start(
        day in date_2010_2035(),
        n in 1u32..=60,
    ) {
        let cal = national();
        // The non-working day on or after `day` (a weekend is never more than 6 days away).
        let mut start = day;
        while cal.is_working_day(start) {
            start = start.tomorrow().unwrap();
        }
        let due = cal.add_working_days(start, n);
        let n = i32::try_from(n).unwrap();
        prop_assert_eq!(cal.busday_count(start, due), n - 1);
        prop_assert_eq!(cal.busday_count(start, cal.next_working_day(due)), n);
    }

    #[test]
    fn add_working_time_lands_in_working_hours_and_inverts(
        from in instant_2010_2035(),
        d in working_duration(),
        hours in working_hours(),
    ) {
        let cal = closing_council();
        let due = add_working_time(cal, &hours, from, d);
        let local = london().to_datetime(due);
        prop_assert!(cal.is_working_day(local.date()), "{} is not a working day", local);
        prop_assert!(hours.start <= local.time() && local.time() <= hours.end, "{} outside hours", local);
        prop_assert!(due >= from);
        let start = clock_starts_at(cal, &hours, from);
        prop_assert!(start >= from);
        prop_assert_eq!(working_time_between(cal, &hours, start, due), d.to_duration(&hours));
        prop_assert_eq!(working_time_between(cal, &hours, from, due), d.to_duration(&hours));
        prop_assert_eq!(working_time_between(cal, &hours, due, from), -d.to_duration(&hours));
        // The due time is London local time, whatever the offset: the same wall-clock time as the opening plus d.
        if local.time() != hours.end {
            let into = local.time().duration_since(hours.start);
            prop_assert!(into < hours.day_length());
        }
    }

    #[test]
    fn add_working_time_is_monotonic(from in instant_2010_2035(), h in 0u32..=60) {
        let cal = national();
        let hours = WorkingHours::default();
        let a = add_working_time(&cal, &hours, from, WorkingDuration::Hours(h));
        let b = add_working_time(&cal, &hours, from, WorkingDuration::Hours(h + 1));
        prop_assert!(b > a);
        prop_assert_eq!(working_time_between(&cal, &hours, a, b), SignedDuration::from_hours(1));
        // A day of working time is a day's length of working hours.
        prop_assert_eq!(
            add_working_time(&cal, &hours, from, WorkingDuration::Days(1)),
            add_working_time(&cal, &hours, from, WorkingDuration::Hours(8))
        );
    }

    #[test]
    fn timestamp_clocks_fall_on_working_days(from in instant_2010_2035()) {
        let cal = closing_council();
        let s = ClockSettings::default();
        let mut dues = vec![contact_decision_due(cal, &s, from), clocks::referrer_feedback_due(cal, &s, from)];
        dues.extend(Rag::ALL.iter().map(|&r| rag_due(cal, &s, r, from)));
        for due in dues {
            prop_assert!(working_by_definition(cal, london_date(due)), "{}", due);
        }
    }

    #[test]
    fn statuses_are_consistent(due in date_2010_2035(), today in date_2010_2035()) {
        let cal = national();
        let status = clocks::day_clock_status(&cal, due, today);
        prop_assert_eq!(status.is_overdue(), today > due);
        match status {
            ClockStatus::Due { remaining } => {
                prop_assert_eq!(i32::try_from(remaining).unwrap(), cal.working_days_between(today, due));
            }
            ClockStatus::Overdue { by } => prop_assert!(by >= 1),
        }
    }
}

#[test]
fn working_hours_are_checked() {
    let e = WorkingHours::new(time(17, 0, 0, 0), time(9, 0, 0, 0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "working hours: the working day must end after it starts, not 17:00 to 09:00"
    );
    assert!(WorkingHours::new(Time::midnight(), Time::midnight()).is_err());
    assert_eq!(
        WorkingHours::default().day_length(),
        SignedDuration::from_hours(8)
    );
    assert!(WorkingHours::default().contains(time(9, 0, 0, 0)));
    assert!(!WorkingHours::default().contains(time(17, 0, 0, 0)));
}
