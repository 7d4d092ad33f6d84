//! Dates and instants as the domain uses them, and their parsers.
//!
//! Instants are UTC [`Timestamp`]s, truncated to whole microseconds so that they round-trip exactly through
//! both databases. Civil dates ([`Date`]) carry no zone. Working hours and "what day is it" questions are asked in
//! `Europe/London`, the zone every English local authority works in.

use std::borrow::Cow;

pub use jiff::Timestamp;
use jiff::ToSpan;
pub use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use crate::error::ValueError;

/// The earliest date any input may give. Nothing Frontdoor records happened before 1900: its oldest people are the
/// grandparents in a family's history, and a year such as 0 or 202 is a typing slip.
pub const EARLIEST_DATE: Date = jiff::civil::date(1900, 1, 1);

/// How many years after today something that happened may be dated (a start arranged for the coming weeks; most
/// use cases refuse any future date themselves, in their own words).
pub const HAPPENED_AHEAD_YEARS: i16 = 1;

/// How many years after the day it was set something planned may be due (an action, a review): a plan's horizon is
/// months, a child's minority at most eighteen years; ten years is generous and 9999 a slip.
pub const PLANNED_AHEAD_YEARS: i16 = 10;

/// The range of dates sensible for what an input date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRange {
    /// Something that happened or starts about now (a visit, a meeting, a birth, a referral, an allocation, a
    /// closure): from [`EARLIEST_DATE`] to [`HAPPENED_AHEAD_YEARS`] after `today`.
    Happened { today: Date },
    /// Something planned (an action's due date, a plan's next review): from [`EARLIEST_DATE`] to
    /// [`PLANNED_AHEAD_YEARS`] after `from`, the day it was set. With `from` itself out of range (its own field is
    /// in error) only the earliest date is checked.
    Planned { from: Date },
}

impl DateRange {
    /// The latest date in the range, if it has one.
    pub fn latest(self) -> Option<Date> {
        match self {
            DateRange::Happened { today } => {
                Some(today.saturating_add(HAPPENED_AHEAD_YEARS.years()))
            }
            DateRange::Planned { from } if from >= EARLIEST_DATE => {
                Some(from.saturating_add(PLANNED_AHEAD_YEARS.years()))
            }
            DateRange::Planned { .. } => None,
        }
    }

    /// `d` if it lies in the range, else the problem, against `field`.
    pub fn check(self, field: impl Into<Cow<'static, str>>, d: Date) -> Result<Date, ValueError> {
        if d < EARLIEST_DATE {
            return Err(ValueError::new(
                field,
                format!(
                    "{} is too long ago: enter a date from 1 January 1900 onwards",
                    short_date(d)
                ),
            ));
        }
        match (self, self.latest()) {
            (DateRange::Happened { .. }, Some(latest)) if d > latest => Err(ValueError::new(
                field,
                format!(
                    "{} is too far ahead: enter a date no later than {}",
                    short_date(d),
                    short_date(latest)
                ),
            )),
            (DateRange::Planned { from }, Some(latest)) if d > latest => Err(ValueError::new(
                field,
                format!(
                    "{} is too far ahead: enter a date within {PLANNED_AHEAD_YEARS} years of {}",
                    short_date(d),
                    short_date(from)
                ),
            )),
            _ => Ok(d),
        }
    }
}

/// `3 May 2024` (the chronology's form, without depending on it).
fn short_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// Parse a date given in an input (`YYYY-MM-DD`) and check it lies in `range`: the one parser every input date
/// goes through, naming `field` in each problem.
pub fn parse_input_date(
    field: impl Into<Cow<'static, str>>,
    s: &str,
    range: DateRange,
) -> Result<Date, ValueError> {
    let field = field.into();
    let d = parse_date("date", s).map_err(|e| e.for_field(field.clone()))?;
    range.check(field, d)
}

/// The earliest instant any input may give (midnight UTC at the start of [`EARLIEST_DATE`]).
pub fn earliest_instant() -> Timestamp {
    Timestamp::from_second(-2_208_988_800).unwrap_or(Timestamp::MIN)
}

/// `t` if it is not before [`earliest_instant`] (instants after now each use case refuses in its own words).
pub fn check_instant(field: &'static str, t: Timestamp) -> Result<Timestamp, ValueError> {
    if t < earliest_instant() {
        return Err(ValueError::new(
            field,
            "is too long ago: enter a date and time from 1 January 1900 onwards",
        ));
    }
    Ok(t)
}

/// The zone English local authorities work in (GMT in winter, BST in summer).
pub fn london() -> TimeZone {
    jiff::tz::get!("Europe/London")
}

/// Coordinated Universal Time.
pub fn utc() -> TimeZone {
    TimeZone::UTC
}

/// The London calendar date of an instant.
pub fn london_date(at: Timestamp) -> Date {
    london().to_datetime(at).date()
}

/// Drop sub-microsecond precision, the finest both databases store.
pub fn to_micros(at: Timestamp) -> Timestamp {
    let micros = at.as_microsecond();
    Timestamp::from_microsecond(micros).unwrap_or(at)
}

/// Now, to the microsecond.
pub fn now() -> Timestamp {
    to_micros(Timestamp::now())
}

/// Parse a calendar date written `YYYY-MM-DD`, naming `field` when it is not one.
pub fn parse_date(field: &'static str, s: &str) -> Result<Date, ValueError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "enter a date"));
    }
    let shape_ok = s.len() == 10
        && s.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        let shown: String = s.chars().take(40).collect();
        return Err(ValueError::new(
            field,
            format!("'{shown}' is not a date in the form YYYY-MM-DD"),
        ));
    }
    s.parse::<Date>()
        .map_err(|_| ValueError::new(field, format!("'{s}' is not a real date")))
}

/// Parse an RFC 3339 instant (`2024-03-01T16:55:00Z`, or with an offset), naming `field` when it is not one.
pub fn parse_timestamp(field: &'static str, s: &str) -> Result<Timestamp, ValueError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "enter a date and time"));
    }
    let t = s.parse::<Timestamp>().map(to_micros).map_err(|_| {
        let shown: String = s.chars().take(40).collect();
        ValueError::new(
            field,
            format!("'{shown}' is not a date and time in RFC 3339 form, e.g. 2024-03-01T16:55:00Z"),
        )
    })?;
    check_instant(field, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_name_the_field() {
        assert_eq!(
            parse_date("date of birth", "2019-02-28").unwrap(),
            jiff::civil::date(2019, 2, 28)
        );
        let e = parse_date("date of birth", "2019-02-30").unwrap_err();
        assert_eq!(
            e.to_string(),
            "date of birth: '2019-02-30' is not a real date"
        );
        let e = parse_date("date of birth", "28/02/2019").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("date of birth: '28/02/2019' is not a date in the form")
        );
        let e = parse_date("date of birth", " ").unwrap_err();
        assert_eq!(e.to_string(), "date of birth: enter a date");
    }

    #[test]
    fn timestamps_parse_with_offsets_and_name_the_field() {
        let t = parse_timestamp("received_at", "2024-03-01T16:55:00+01:00").unwrap();
        assert_eq!(t.to_string(), "2024-03-01T15:55:00Z");
        let e = parse_timestamp("received_at", "yesterday").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("received_at: 'yesterday' is not a date and time")
        );
    }

    #[test]
    fn london_dates_follow_british_summer_time() {
        // 23:30 UTC on 30 June is already 1 July in London (BST); in January it is not.
        let summer: Timestamp = "2024-06-30T23:30:00Z".parse().unwrap();
        assert_eq!(london_date(summer), jiff::civil::date(2024, 7, 1));
        let winter: Timestamp = "2024-01-30T23:30:00Z".parse().unwrap();
        assert_eq!(london_date(winter), jiff::civil::date(2024, 1, 30));
    }
}
